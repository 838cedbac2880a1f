//! Removing what photos reveal about their owner before they are sent: EXIF (camera, serial
//! numbers, the date taken and often the GPS position), XMP, IPTC/Photoshop blocks, comments,
//! embedded thumbnails and text chunks. The pixels are not re-encoded:
//!
//! - JPEG: metadata segments are dropped, and whatever follows the image's end (a second
//!   picture, a motion photo's video, each with its own EXIF) is dropped too.
//! - PNG: metadata chunks are dropped.
//! - WebP: EXIF and XMP chunks are dropped and the header's flags say so.
//! - TIFF (and TIFF-based raw files): every directory keeps only the tags that describe the
//!   pixels; the others (EXIF and GPS directories, camera, serial, dates, names, XMP, IPTC)
//!   are removed and the bytes they pointed at overwritten with zeros, in place, so every
//!   offset in the file stays right.
//! - HEIC/HEIF and AVIF: the EXIF and XMP items are overwritten with zeros in place.
//!
//! Anything else is sent as it is, and said to be unchecked — never "nothing found".

/// What was removed from one image, in words for the "what this message reveals" summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stripped {
    pub removed: Vec<&'static str>,
}

/// The outcome for one attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A kind Quietpost reads: metadata removed (possibly none was there).
    Clean(Vec<u8>, Stripped),
    /// Plain text: it has no hidden fields.
    Text,
    /// A kind Quietpost reads (named), but this file's structure could not be followed: sent
    /// unchanged, and the summary says it could not be checked.
    Unchecked(&'static str),
    /// A kind Quietpost cannot check for hidden data (named, plural: "PDF files"): sent
    /// unchanged, and the summary says so.
    CannotCheck(&'static str),
}

impl Outcome {
    /// Why the file could not be checked, in words, when it could not.
    pub fn unchecked(&self) -> Option<String> {
        match self {
            Outcome::Clean(..) | Outcome::Text => None,
            Outcome::Unchecked(kind) => Some(format!(
                "looks like a {kind} image but its structure could not be followed, so it could not be checked for hidden data"
            )),
            Outcome::CannotCheck(kind) => {
                Some(format!("Quietpost cannot check {kind} for hidden data"))
            }
        }
    }
}

/// The picture formats Quietpost cleans, told by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    Jpeg,
    Png,
    WebP,
    Tiff,
    /// HEIC/HEIF or AVIF, with the name people know it by.
    Heif(&'static str),
}

impl Picture {
    pub fn of(data: &[u8]) -> Option<Picture> {
        Some(match data {
            [0xFF, 0xD8, 0xFF, ..] => Picture::Jpeg,
            _ if data.starts_with(PNG_SIGNATURE) => Picture::Png,
            _ if data.get(..4) == Some(b"RIFF") && data.get(8..12) == Some(b"WEBP") => {
                Picture::WebP
            }
            [b'I', b'I', 42, 0, ..] | [b'M', b'M', 0, 42, ..] => Picture::Tiff,
            [_, _, _, _, b'f', b't', b'y', b'p', ..] => Picture::Heif(heif_brand(data)?),
            _ => return None,
        })
    }

    /// Its media type, for the attachment's Content-Type.
    pub fn media_type(self) -> &'static str {
        match self {
            Picture::Jpeg => "image/jpeg",
            Picture::Png => "image/png",
            Picture::WebP => "image/webp",
            Picture::Tiff => "image/tiff",
            Picture::Heif("AVIF") => "image/avif",
            Picture::Heif(_) => "image/heic",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Picture::Jpeg => "JPEG",
            Picture::Png => "PNG",
            Picture::WebP => "WebP",
            Picture::Tiff => "TIFF",
            Picture::Heif(name) => name,
        }
    }
}

pub fn strip(data: &[u8]) -> Outcome {
    let Some(picture) = Picture::of(data) else {
        return match cannot_check(data) {
            Some(kind) => Outcome::CannotCheck(kind),
            None => Outcome::Text,
        };
    };
    let cleaned = match picture {
        Picture::Jpeg => jpeg(data),
        Picture::Png => png(data),
        Picture::WebP => webp(data),
        Picture::Tiff => tiff(data),
        Picture::Heif(_) => heif(data),
    };
    cleaned.map_or(Outcome::Unchecked(picture.name()), |(d, s)| {
        Outcome::Clean(d, s)
    })
}

/// What kind of file Quietpost cannot check is this, in words (`None`: plain text).
fn cannot_check(data: &[u8]) -> Option<&'static str> {
    Some(match data {
        [b'%', b'P', b'D', b'F', ..] => "PDF files",
        [b'P', b'K', 3, 4, ..] => "Office documents and zip archives",
        [b'G', b'I', b'F', b'8', ..] => "GIF images",
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => "videos",
        [0xD0, 0xCF, 0x11, 0xE0, ..] => "old Office documents",
        _ if std::str::from_utf8(data).is_ok() => return None,
        _ => "files of this type",
    })
}

fn note(s: &mut Stripped, what: &'static str) {
    if !s.removed.contains(&what) {
        s.removed.push(what);
    }
}

fn jpeg(data: &[u8]) -> Option<(Vec<u8>, Stripped)> {
    let mut out = Vec::with_capacity(data.len());
    let mut s = Stripped::default();
    out.extend_from_slice(&data[..2]);
    let mut i = 2;
    loop {
        // Fill bytes (0xFF) may pad between segments.
        while data.get(i) == Some(&0xFF) && data.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if *data.get(i)? != 0xFF {
            return None;
        }
        let marker = *data.get(i + 1)?;
        if marker == 0xD9 {
            return Some(end_of_image(out, s, data, i));
        }
        // Markers without a length: restarts and the start of image.
        if matches!(marker, 0xD0..=0xD8 | 0x01) {
            out.extend_from_slice(&[0xFF, marker]);
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*data.get(i + 2)?, *data.get(i + 3)?]));
        if len < 2 {
            return None;
        }
        let segment = data.get(i..i + 2 + len)?;
        let payload = &segment[4..];
        let keep = match marker {
            // JFIF / JFXX header.
            0xE0 => true,
            0xE1 => {
                if payload.starts_with(b"Exif\0") {
                    note(
                        &mut s,
                        "camera details, serial numbers and the date taken (EXIF)",
                    );
                    if exif_has_gps(&payload[6..]) {
                        note(&mut s, "the GPS position where the photo was taken");
                    }
                } else {
                    note(&mut s, "editing history and descriptive data (XMP)");
                }
                false
            }
            // ICC colour profile: needed to show colours right, says nothing of the owner.
            0xE2 if payload.starts_with(b"ICC_PROFILE\0") => true,
            // Adobe colour transform: needed to decode.
            0xEE => true,
            0xED => {
                note(
                    &mut s,
                    "captions, author and location fields (IPTC/Photoshop)",
                );
                false
            }
            0xFE => {
                note(&mut s, "a comment");
                false
            }
            // Other application segments: multi-picture thumbnails (which carry their own
            // EXIF), maker data, and so on.
            0xE2..=0xEF => {
                note(&mut s, "other embedded data (thumbnails, maker notes)");
                false
            }
            _ => true,
        };
        if keep {
            out.extend_from_slice(segment);
        }
        i += 2 + len;
        if marker == 0xDA {
            // Start of scan: compressed data up to the next marker that is not a restart
            // (RSTn) or a stuffed 0xFF 0x00; a progressive image has more segments and scans.
            let end = scan_end(data, i)?;
            out.extend_from_slice(&data[i..end]);
            i = end;
            if data.get(i + 1) == Some(&0xD9) {
                return Some(end_of_image(out, s, data, i));
            }
        }
    }
}

/// The image ends at the EOI marker at `at`: whatever follows (another picture (MPF), a
/// motion photo's video, each with metadata of its own) is left out.
fn end_of_image(mut out: Vec<u8>, mut s: Stripped, data: &[u8], at: usize) -> (Vec<u8>, Stripped) {
    out.extend_from_slice(&[0xFF, 0xD9]);
    if data.len() > at + 2 {
        note(
            &mut s,
            "other pictures or a video stored after the photo (with their own metadata)",
        );
    }
    (out, s)
}

/// Where the entropy-coded data that starts at `from` ends: the next 0xFF that begins a
/// marker other than a restart.
fn scan_end(data: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        let at = i + data.get(i..)?.iter().position(|&b| b == 0xFF)?;
        match data.get(at + 1)? {
            0x00 | 0xD0..=0xD7 => i = at + 2,
            // Fill bytes before a marker.
            0xFF => i = at + 1,
            _ => return Some(at),
        }
    }
}

/// Whether the TIFF structure of an EXIF block has a GPS directory (tag 0x8825) in IFD0.
fn exif_has_gps(tiff: &[u8]) -> bool {
    let big = match tiff.get(..2) {
        Some(b"MM") => true,
        Some(b"II") => false,
        _ => return false,
    };
    let u16_at = |o: usize| {
        tiff.get(o..o + 2).map(|b| {
            if big {
                u16::from_be_bytes([b[0], b[1]])
            } else {
                u16::from_le_bytes([b[0], b[1]])
            }
        })
    };
    let u32_at = |o: usize| {
        tiff.get(o..o + 4).map(|b| {
            let a = [b[0], b[1], b[2], b[3]];
            if big {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        })
    };
    let Some(ifd) = u32_at(4) else { return false };
    let ifd = ifd as usize;
    let Some(count) = u16_at(ifd) else {
        return false;
    };
    (0..usize::from(count)).any(|k| u16_at(ifd + 2 + 12 * k) == Some(0x8825))
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn png(data: &[u8]) -> Option<(Vec<u8>, Stripped)> {
    let mut out = Vec::with_capacity(data.len());
    let mut s = Stripped::default();
    out.extend_from_slice(PNG_SIGNATURE);
    let mut i = PNG_SIGNATURE.len();
    while i < data.len() {
        let len = u32::from_be_bytes(data.get(i..i + 4)?.try_into().ok()?) as usize;
        let kind = data.get(i + 4..i + 8)?;
        let chunk = data.get(i..i.checked_add(12)?.checked_add(len)?)?;
        let keep = match kind {
            b"eXIf" => {
                note(
                    &mut s,
                    "camera details, serial numbers and the date taken (EXIF)",
                );
                if exif_has_gps(&chunk[8..8 + len]) {
                    note(&mut s, "the GPS position where the photo was taken");
                }
                false
            }
            b"tEXt" | b"zTXt" | b"iTXt" => {
                note(&mut s, "text fields (author, software, description, XMP)");
                false
            }
            b"tIME" => {
                note(&mut s, "the time the image was last changed");
                false
            }
            _ => true,
        };
        if keep {
            out.extend_from_slice(chunk);
        }
        i += chunk.len();
        if kind == b"IEND" {
            return Some((out, s));
        }
    }
    None
}

/// WebP: a RIFF file of chunks. EXIF and XMP chunks go, the extended header (VP8X) no longer
/// announces them, and the RIFF size is set to what remains.
fn webp(data: &[u8]) -> Option<(Vec<u8>, Stripped)> {
    let mut out = data.get(..12)?.to_vec();
    let mut s = Stripped::default();
    let mut i = 12;
    let mut vp8x_at = None;
    while i < data.len() {
        let kind = data.get(i..i + 4)?;
        let len = u32::from_le_bytes(data.get(i + 4..i + 8)?.try_into().ok()?) as usize;
        let padded = len.checked_add(len & 1)?;
        let chunk = data.get(i..i.checked_add(8)?.checked_add(padded)?)?;
        match kind {
            b"EXIF" => {
                note(
                    &mut s,
                    "camera details, serial numbers and the date taken (EXIF)",
                );
                let tiff = &chunk[8..8 + len];
                // Some writers keep the JPEG-style "Exif\0\0" prefix.
                let tiff = tiff.strip_prefix(b"Exif\0\0").unwrap_or(tiff);
                if exif_has_gps(tiff) {
                    note(&mut s, "the GPS position where the photo was taken");
                }
            }
            b"XMP " => note(&mut s, "editing history and descriptive data (XMP)"),
            _ => {
                if kind == b"VP8X" && len >= 1 {
                    vp8x_at = Some(out.len());
                }
                out.extend_from_slice(chunk);
            }
        }
        i += chunk.len();
    }
    if let Some(at) = vp8x_at {
        // Flags byte: bit 3 EXIF, bit 2 XMP.
        out[at + 8] &= !0b0000_1100;
    }
    let size = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Some((out, s))
}

/// TIFF tags that describe the pixels (TIFF 6.0 baseline and extensions, and the ICC
/// profile): every other tag is metadata.
const TIFF_IMAGE_TAGS: &[u16] = &[
    254, 255, 256, 257, 258, 259, 262, 263, 266, 273, 274, 277, 278, 279, 280, 281, 282, 283, 284,
    290, 291, 296, 297, 301, 317, 318, 319, 320, 322, 323, 324, 325, 330, 338, 339, 340, 341, 347,
    512, 513, 514, 515, 517, 518, 519, 520, 521, 529, 530, 531, 532, 34675,
];

/// How many directories of a TIFF are followed (pages, sub-images).
const MAX_TIFF_IFDS: usize = 256;

/// TIFF: see the module documentation. Directories are rewritten in place without their
/// metadata entries; what those entries pointed at (values, the EXIF and GPS directories and
/// everything in them) is overwritten with zeros.
fn tiff(data: &[u8]) -> Option<(Vec<u8>, Stripped)> {
    let mut out = data.to_vec();
    let mut s = Stripped::default();
    let t = Tiff {
        big: data.starts_with(b"MM"),
    };
    let mut queue = vec![t.u32(data, 4)? as usize];
    let mut seen = Vec::new();
    while let Some(ifd) = queue.pop() {
        if ifd == 0 || seen.contains(&ifd) {
            continue;
        }
        if seen.len() >= MAX_TIFF_IFDS {
            return None;
        }
        seen.push(ifd);
        let count = usize::from(t.u16(data, ifd)?);
        let entries_end = ifd.checked_add(2 + 12 * count)?;
        let next = t.u32(data, entries_end)? as usize;
        queue.push(next);
        let mut kept: Vec<[u8; 12]> = Vec::new();
        for k in 0..count {
            let at = ifd + 2 + 12 * k;
            let entry: [u8; 12] = data.get(at..at + 12)?.try_into().ok()?;
            let tag = t.u16(data, at)?;
            if TIFF_IMAGE_TAGS.contains(&tag) {
                if tag == 330 {
                    // SubIFDs: more images, each with its own tags.
                    for o in t.values(data, at)? {
                        queue.push(o as usize);
                    }
                }
                kept.push(entry);
                continue;
            }
            note(&mut s, tiff_tag_words(tag));
            match tag {
                // The EXIF and GPS directories (and interoperability): emptied.
                0x8769 | 0x8825 | 0xA005 => {
                    if tag == 0x8825 {
                        note(&mut s, "the GPS position where the photo was taken");
                    }
                    let sub = t.u32(data, at + 8)? as usize;
                    wipe_ifd(&t, data, &mut out, sub, 0)?;
                }
                _ => wipe_value(&t, data, &mut out, at)?,
            }
        }
        // The directory again: kept entries, zeros where removed ones were, the same next
        // offset at the same place.
        let mut dir = Vec::with_capacity(entries_end - ifd);
        dir.extend_from_slice(&t.pack16(kept.len() as u16));
        for e in &kept {
            dir.extend_from_slice(e);
        }
        dir.resize(entries_end - ifd, 0);
        out[ifd..entries_end].copy_from_slice(&dir);
    }
    Some((out, s))
}

/// Overwrites a directory's entries and what they point at with zeros (sub-directories too, a
/// few levels down).
fn wipe_ifd(t: &Tiff, data: &[u8], out: &mut [u8], ifd: usize, depth: u8) -> Option<()> {
    if ifd == 0 || depth > 4 {
        return Some(());
    }
    let count = usize::from(t.u16(data, ifd)?);
    let end = ifd.checked_add(2 + 12 * count + 4)?;
    data.get(ifd..end)?;
    for k in 0..count {
        let at = ifd + 2 + 12 * k;
        let tag = t.u16(data, at)?;
        if matches!(tag, 0x8769 | 0x8825 | 0xA005) {
            let sub = t.u32(data, at + 8)? as usize;
            wipe_ifd(t, data, out, sub, depth + 1)?;
        }
        wipe_value(t, data, out, at)?;
    }
    out[ifd..end].fill(0);
    Some(())
}

/// Overwrites the out-of-line value of the entry at `at` (more than 4 bytes) with zeros.
fn wipe_value(t: &Tiff, data: &[u8], out: &mut [u8], at: usize) -> Option<()> {
    let ty = t.u16(data, at + 2)?;
    let count = t.u32(data, at + 4)? as usize;
    let size = count.checked_mul(tiff_type_size(ty))?;
    if size > 4 {
        let offset = t.u32(data, at + 8)? as usize;
        out.get_mut(offset..offset.checked_add(size)?)?.fill(0);
    }
    Some(())
}

fn tiff_type_size(ty: u16) -> usize {
    match ty {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => 1,
    }
}

/// What a removed TIFF tag held, in words.
fn tiff_tag_words(tag: u16) -> &'static str {
    match tag {
        0x8769 | 0x010F | 0x0110 | 0xA431 => {
            "camera details, serial numbers and the date taken (EXIF)"
        }
        0x8825 => "the GPS position where the photo was taken",
        0x02BC => "editing history and descriptive data (XMP)",
        0x83BB | 0x8649 => "captions, author and location fields (IPTC/Photoshop)",
        0x0132 => "the date the image was made",
        0x010D | 0x010E | 0x0131 | 0x013B | 0x013C | 0x8298 => {
            "names: document, description, software, artist, computer, copyright"
        }
        _ => "other embedded data (thumbnails, maker notes)",
    }
}

/// Reads a TIFF's numbers in its byte order.
struct Tiff {
    big: bool,
}

impl Tiff {
    fn u16(&self, d: &[u8], o: usize) -> Option<u16> {
        let b: [u8; 2] = d.get(o..o + 2)?.try_into().ok()?;
        Some(if self.big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    fn u32(&self, d: &[u8], o: usize) -> Option<u32> {
        let b: [u8; 4] = d.get(o..o + 4)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    fn pack16(&self, v: u16) -> [u8; 2] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    /// The LONG (or SHORT) values of the entry at `at`: inline or out of line.
    fn values(&self, d: &[u8], at: usize) -> Option<Vec<u32>> {
        let ty = self.u16(d, at + 2)?;
        let count = (self.u32(d, at + 4)? as usize).min(64);
        let size = tiff_type_size(ty);
        let base = if count * size > 4 {
            self.u32(d, at + 8)? as usize
        } else {
            at + 8
        };
        (0..count)
            .map(|k| match size {
                2 => self.u16(d, base + 2 * k).map(u32::from),
                _ => self.u32(d, base + 4 * k),
            })
            .collect()
    }
}

/// The brand of an ISO base media file that is a still image Quietpost cleans.
fn heif_brand(data: &[u8]) -> Option<&'static str> {
    let size = u32::from_be_bytes(data.get(..4)?.try_into().ok()?) as usize;
    let ftyp = data.get(8..size.min(data.len()).max(8))?;
    // The major brand, then the compatible ones.
    ftyp.chunks_exact(4).enumerate().find_map(|(i, b)| {
        if i == 1 {
            return None; // minor version
        }
        match b {
            b"heic" | b"heix" | b"heim" | b"heis" | b"mif1" | b"msf1" => Some("HEIC"),
            b"avif" | b"avis" => Some("AVIF"),
            _ => None,
        }
    })
}

/// One ISO BMFF box: its type, where its content starts and where it ends.
fn boxes(data: &[u8], from: usize, to: usize) -> Option<Vec<([u8; 4], usize, usize)>> {
    let mut out = Vec::new();
    let mut i = from;
    while i + 8 <= to {
        let size = u32::from_be_bytes(data.get(i..i + 4)?.try_into().ok()?) as u64;
        let kind: [u8; 4] = data.get(i + 4..i + 8)?.try_into().ok()?;
        let (header, size) = match size {
            0 => (8, (to - i) as u64),
            1 => (
                16,
                u64::from_be_bytes(data.get(i + 8..i + 16)?.try_into().ok()?),
            ),
            n => (8, n),
        };
        let end = i.checked_add(usize::try_from(size).ok()?)?;
        if size < header || end > to {
            return None;
        }
        out.push((kind, i + header as usize, end));
        i = end;
    }
    Some(out)
}

/// HEIC/HEIF and AVIF: the EXIF and XMP items of the `meta` box, found through `iinf` and
/// located through `iloc`, are overwritten with zeros.
fn heif(data: &[u8]) -> Option<(Vec<u8>, Stripped)> {
    let mut out = data.to_vec();
    let mut s = Stripped::default();
    let top = boxes(data, 0, data.len())?;
    let (_, meta_start, meta_end) = *top.iter().find(|(k, ..)| k == b"meta")?;
    // `meta` is a full box: version and flags first.
    let children = boxes(data, meta_start + 4, meta_end)?;
    let find = |k: &[u8; 4]| children.iter().find(|(kind, ..)| kind == k).copied();
    let (_, iinf, iinf_end) = find(b"iinf")?;
    let iinf_version = *data.get(iinf)?;
    let first = iinf + 4 + if iinf_version == 0 { 2 } else { 4 };
    let mut metadata_items: Vec<(u32, &'static str)> = Vec::new();
    for (kind, start, _) in boxes(data, first, iinf_end)? {
        if &kind != b"infe" {
            continue;
        }
        let version = *data.get(start)?;
        if version < 2 {
            continue;
        }
        let (id, rest) = if version == 2 {
            (
                u32::from(u16::from_be_bytes(
                    data.get(start + 4..start + 6)?.try_into().ok()?,
                )),
                start + 6,
            )
        } else {
            (
                u32::from_be_bytes(data.get(start + 4..start + 8)?.try_into().ok()?),
                start + 8,
            )
        };
        let item_type = data.get(rest + 2..rest + 6)?;
        if item_type == b"Exif" {
            metadata_items.push((
                id,
                "camera details, serial numbers and the date taken (EXIF)",
            ));
        } else if item_type == b"mime" {
            // The name, then the content type: XMP is application/rdf+xml.
            let after = rest + 6;
            let name_end = after + data.get(after..)?.iter().position(|&b| b == 0)?;
            let ct_end = name_end + 1 + data.get(name_end + 1..)?.iter().position(|&b| b == 0)?;
            if data.get(name_end + 1..ct_end)? == b"application/rdf+xml" {
                metadata_items.push((id, "editing history and descriptive data (XMP)"));
            }
        }
    }
    if metadata_items.is_empty() {
        return Some((out, s));
    }
    let (_, iloc, _) = find(b"iloc")?;
    let idat = find(b"idat").map(|(_, start, _)| start);
    let version = *data.get(iloc)?;
    let sizes = *data.get(iloc + 4)?;
    let more = *data.get(iloc + 5)?;
    let (offset_size, length_size) = (usize::from(sizes >> 4), usize::from(sizes & 15));
    let base_size = usize::from(more >> 4);
    let index_size = if version >= 1 {
        usize::from(more & 15)
    } else {
        0
    };
    let read = |o: usize, n: usize| -> Option<u64> {
        Some(match n {
            0 => 0,
            4 => u64::from(u32::from_be_bytes(data.get(o..o + 4)?.try_into().ok()?)),
            8 => u64::from_be_bytes(data.get(o..o + 8)?.try_into().ok()?),
            _ => return None,
        })
    };
    let mut i = iloc + 6;
    let items = if version < 2 {
        let n = u16::from_be_bytes(data.get(i..i + 2)?.try_into().ok()?);
        i += 2;
        u32::from(n)
    } else {
        let n = u32::from_be_bytes(data.get(i..i + 4)?.try_into().ok()?);
        i += 4;
        n
    };
    for _ in 0..items.min(65_535) {
        let id = if version < 2 {
            let v = u32::from(u16::from_be_bytes(data.get(i..i + 2)?.try_into().ok()?));
            i += 2;
            v
        } else {
            let v = u32::from_be_bytes(data.get(i..i + 4)?.try_into().ok()?);
            i += 4;
            v
        };
        let method = if version >= 1 {
            let m = u16::from_be_bytes(data.get(i..i + 2)?.try_into().ok()?) & 15;
            i += 2;
            m
        } else {
            0
        };
        i += 2; // data reference index
        let base = read(i, base_size)?;
        i += base_size;
        let extents = u16::from_be_bytes(data.get(i..i + 2)?.try_into().ok()?);
        i += 2;
        let wanted = metadata_items.iter().find(|(item, _)| *item == id);
        for _ in 0..extents {
            i += index_size;
            let offset = read(i, offset_size)?;
            i += offset_size;
            let length = read(i, length_size)?;
            i += length_size;
            let Some((_, words)) = wanted else { continue };
            let origin = match method {
                0 => 0,
                1 => idat? as u64,
                _ => return None, // an item built from another item: not followed
            };
            let start = usize::try_from(origin.checked_add(base)?.checked_add(offset)?).ok()?;
            if length == 0 {
                return None; // "to the end of the file": not a metadata item's shape
            }
            let end = start.checked_add(usize::try_from(length).ok()?)?;
            let item = data.get(start..end)?;
            if words.contains("EXIF") {
                // The item: a 4-byte offset to the TIFF header, then the TIFF.
                let skip = u32::from_be_bytes(item.get(..4)?.try_into().ok()?) as usize;
                if exif_has_gps(item.get(4 + skip..).unwrap_or_default()) {
                    note(&mut s, "the GPS position where the photo was taken");
                }
            }
            note(&mut s, words);
            out[start..end].fill(0);
        }
    }
    Some((out, s))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A little-endian TIFF block with one IFD0 entry: the GPS pointer.
    fn tiff_with_gps() -> Vec<u8> {
        let mut t = b"II*\0".to_vec();
        t.extend_from_slice(&8u32.to_le_bytes());
        t.extend_from_slice(&1u16.to_le_bytes());
        t.extend_from_slice(&0x8825u16.to_le_bytes());
        t.extend_from_slice(&4u16.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&26u32.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        t
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    /// A JPEG-shaped file with JFIF, EXIF (with GPS), XMP, a comment and image data.
    pub(crate) fn jpeg_with_gps() -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        j.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend(exif_payload());
        j.extend(segment(0xE1, &exif));
        j.extend(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"));
        j.extend(segment(0xFE, b"owner: Alice"));
        j.extend(segment(0xDA, b"\x01\x01\0\0?\0"));
        j.extend_from_slice(b"\x12\x34\xFF\x00\x56PIXELS");
        j.extend_from_slice(&[0xFF, 0xD9]);
        j
    }

    #[test]
    fn jpeg_metadata_goes_pixels_stay() {
        let original = jpeg_with_gps();
        let Outcome::Clean(clean, stripped) = strip(&original) else {
            panic!("not cleaned")
        };
        assert!(
            stripped
                .removed
                .contains(&"the GPS position where the photo was taken")
        );
        assert_eq!(stripped.removed.len(), 4, "{stripped:?}");
        let hay = |needle: &[u8]| clean.windows(needle.len()).any(|w| w == needle);
        assert!(has(&original, SERIAL));
        assert!(!hay(b"Exif") && !hay(b"xmpmeta") && !hay(b"Alice") && !hay(SERIAL));
        assert!(hay(b"JFIF") && hay(b"PIXELS"));
        assert!(clean.ends_with(&[0xFF, 0xD9]));
        // Stripping again finds nothing more.
        assert_eq!(
            strip(&clean),
            Outcome::Clean(clean.clone(), Stripped::default())
        );
    }

    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[0, 0, 0, 0]);
        c
    }

    #[test]
    fn png_text_and_exif_chunks_go() {
        let mut p = PNG_SIGNATURE.to_vec();
        p.extend(chunk(b"IHDR", &[0; 13]));
        p.extend(chunk(b"tEXt", b"Author\0Alice"));
        p.extend(chunk(b"eXIf", &exif_payload()));
        p.extend(chunk(b"IDAT", b"PIXELS"));
        p.extend(chunk(b"IEND", b""));
        let Outcome::Clean(clean, stripped) = strip(&p) else {
            panic!("not cleaned")
        };
        assert!(
            stripped
                .removed
                .contains(&"the GPS position where the photo was taken")
        );
        assert!(!clean.windows(5).any(|w| w == b"Alice"));
        assert!(has(&p, SERIAL) && !has(&clean, SERIAL));
        assert!(clean.windows(6).any(|w| w == b"PIXELS"));
    }

    #[test]
    fn broken_images_are_reported_not_guessed() {
        assert_eq!(strip(b"\xFF\xD8\xFF\xE1\xFF"), Outcome::Unchecked("JPEG"));
        assert_eq!(strip(PNG_SIGNATURE), Outcome::Unchecked("PNG"));
        assert_eq!(strip(b"II*\0\xFF\xFF\xFF\x7F"), Outcome::Unchecked("TIFF"));
        assert_eq!(
            strip(b"RIFF\x10\0\0\0WEBPEXIF\xFF\xFF"),
            Outcome::Unchecked("WebP")
        );
    }

    /// Damaged files of every kind are cleaned or reported, never a panic: every truncation
    /// and a sweep of single-byte changes of each test file.
    #[test]
    fn damaged_files_never_panic() {
        let samples = [
            jpeg_with_gps(),
            webp_with_gps().0,
            tiff_photo(),
            heif_photo(b"heic"),
            heif_photo(b"avif"),
        ];
        for sample in &samples {
            for cut in 0..sample.len() {
                let _ = strip(&sample[..cut]);
            }
            for at in 0..sample.len() {
                for value in [0u8, 1, 0x7F, 0xFF] {
                    let mut bad = sample.clone();
                    bad[at] = value;
                    let _ = strip(&bad);
                }
            }
        }
    }

    #[test]
    fn what_cannot_be_checked_is_never_said_clean() {
        for (data, kind) in [
            (&b"%PDF-1.7\n"[..], "PDF files"),
            (b"PK\x03\x04rest", "Office documents and zip archives"),
            (b"GIF89a\x01\0\x01\0", "GIF images"),
            (b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom", "videos"),
            (b"\x00\x01\xFEbinary\xFF", "files of this type"),
        ] {
            let outcome = strip(data);
            assert_eq!(outcome, Outcome::CannotCheck(kind));
            assert_eq!(
                outcome.unchecked().unwrap(),
                format!("Quietpost cannot check {kind} for hidden data")
            );
        }
        assert_eq!(strip(b"plain words\n"), Outcome::Text);
        assert_eq!(Outcome::Text.unchecked(), None);
    }

    /// What every test photo carries: a GPS directory and a serial number.
    const SERIAL: &[u8] = b"SN-4711-0815";

    fn exif_payload() -> Vec<u8> {
        let mut t = tiff_with_gps();
        t.extend_from_slice(SERIAL);
        t
    }

    fn has(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_picture_after_the_jpeg_goes_with_its_metadata() {
        let mut file = jpeg_with_gps();
        // A second picture (MPF) or a motion photo's video, with EXIF of its own.
        file.extend(jpeg_with_gps());
        file.extend_from_slice(SERIAL);
        let Outcome::Clean(clean, stripped) = strip(&file) else {
            panic!("not cleaned")
        };
        assert!(!has(&clean, b"Exif") && !has(&clean, SERIAL));
        assert!(clean.ends_with(&[0xFF, 0xD9]));
        assert_eq!(clean.windows(2).filter(|w| w == &[0xFF, 0xD8]).count(), 1);
        assert!(
            stripped
                .removed
                .iter()
                .any(|r| r.contains("stored after the photo")),
            "{stripped:?}"
        );
    }

    fn webp_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = kind.to_vec();
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(data);
        if data.len() % 2 == 1 {
            c.push(0);
        }
        c
    }

    /// A real 3 x 2 lossless WebP, extended with EXIF and XMP chunks.
    fn webp_with_gps() -> (Vec<u8>, image::RgbaImage) {
        let pixels = image::RgbaImage::from_fn(3, 2, |x, y| {
            image::Rgba([x as u8 * 80, y as u8 * 90, 7, 255])
        });
        let mut simple = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut simple)
            .encode(pixels.as_raw(), 3, 2, image::ExtendedColorType::Rgba8)
            .unwrap();
        let mut body = b"WEBP".to_vec();
        // VP8X: flags (ICC 5, alpha 4, EXIF 3, XMP 2), canvas width-1 and height-1 (24 bits).
        let mut vp8x = vec![0b0001_1100, 0, 0, 0];
        vp8x.extend_from_slice(&[2, 0, 0, 1, 0, 0]);
        body.extend(webp_chunk(b"VP8X", &vp8x));
        body.extend_from_slice(&simple[12..]); // the VP8L chunk
        body.extend(webp_chunk(b"EXIF", &exif_payload()));
        body.extend(webp_chunk(b"XMP ", b"<x:xmpmeta>owner Alice</x:xmpmeta>"));
        let mut file = b"RIFF".to_vec();
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        file.extend(body);
        (file, pixels)
    }

    #[test]
    fn webp_exif_and_xmp_go_pixels_stay() {
        let (file, pixels) = webp_with_gps();
        assert!(has(&file, SERIAL));
        let Outcome::Clean(clean, stripped) = strip(&file) else {
            panic!("not cleaned")
        };
        assert!(!has(&clean, SERIAL) && !has(&clean, b"Alice"), "{clean:?}");
        assert!(!has(&clean, b"EXIF") && !has(&clean, b"XMP "));
        assert!(
            stripped
                .removed
                .contains(&"the GPS position where the photo was taken")
        );
        assert_eq!(clean[20] & 0b1100, 0, "VP8X still announces metadata");
        assert_eq!(
            u32::from_le_bytes(clean[4..8].try_into().unwrap()) as usize,
            clean.len() - 8
        );
        let decoded = image::load_from_memory(&clean).unwrap().to_rgba8();
        assert_eq!(decoded, pixels);
        assert_eq!(
            strip(&clean),
            Outcome::Clean(clean.clone(), Stripped::default())
        );
    }

    /// A little-endian 2 x 1 grey TIFF: the image's tags, Make and Model, an EXIF directory
    /// with the body serial number, a GPS directory with a latitude.
    fn tiff_photo() -> Vec<u8> {
        struct E(u16, u16, u32, u32);
        // A directory entry, little-endian: tag, type, count, value or offset.
        fn entry(out: &mut Vec<u8>, e: &E) {
            out.extend_from_slice(&e.0.to_le_bytes());
            out.extend_from_slice(&e.1.to_le_bytes());
            out.extend_from_slice(&e.2.to_le_bytes());
            out.extend_from_slice(&e.3.to_le_bytes());
        }
        let ascii = |s: &[u8]| {
            let mut v = s.to_vec();
            v.push(0);
            v
        };
        // Layout: header (8), IFD0 at 8 with 13 entries (2 + 156 + 4 = 162), then from 170
        // the values, the pixels, the EXIF directory and the GPS directory.
        let mut values: Vec<u8> = Vec::new();
        let base = 170u32;
        let mut put = |bytes: &[u8]| {
            let at = base + values.len() as u32;
            values.extend_from_slice(bytes);
            if values.len() % 2 == 1 {
                values.push(0);
            }
            at
        };
        let make = put(&ascii(b"Canon"));
        let model = put(&ascii(b"EOS R5 body"));
        let serial = put(&ascii(SERIAL));
        let latitude = put(&[
            52, 0, 0, 0, 1, 0, 0, 0, 31, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
        ]);
        let pixels = put(&[10, 200]);
        let exif_ifd = base + values.len() as u32;
        let mut exif = Vec::new();
        exif.extend_from_slice(&1u16.to_le_bytes());
        entry(&mut exif, &E(0xA431, 2, SERIAL.len() as u32 + 1, serial));
        exif.extend_from_slice(&0u32.to_le_bytes());
        values.extend_from_slice(&exif);
        let gps_ifd = base + values.len() as u32;
        let mut gps = Vec::new();
        gps.extend_from_slice(&1u16.to_le_bytes());
        entry(&mut gps, &E(2, 5, 3, latitude));
        gps.extend_from_slice(&0u32.to_le_bytes());
        values.extend_from_slice(&gps);
        let entries = [
            E(256, 3, 1, 2),
            E(257, 3, 1, 1),
            E(258, 3, 1, 8),
            E(259, 3, 1, 1),
            E(262, 3, 1, 1),
            E(0x010F, 2, 6, make),
            E(0x0110, 2, 12, model),
            E(273, 4, 1, pixels),
            E(277, 3, 1, 1),
            E(278, 3, 1, 1),
            E(279, 4, 1, 2),
            E(0x8769, 4, 1, exif_ifd),
        ];
        let mut f = b"II*\0".to_vec();
        f.extend_from_slice(&8u32.to_le_bytes());
        f.extend_from_slice(&13u16.to_le_bytes());
        for e in entries.iter().chain([E(0x8825, 4, 1, gps_ifd)].iter()) {
            entry(&mut f, e);
        }
        f.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(f.len(), base as usize);
        f.extend(values);
        f
    }

    fn bmff(kind: &[u8], content: &[u8]) -> Vec<u8> {
        let mut b = ((content.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(content);
        b
    }

    fn full(kind: &[u8], version: u8, content: &[u8]) -> Vec<u8> {
        let mut c = vec![version, 0, 0, 0];
        c.extend_from_slice(content);
        bmff(kind, &c)
    }

    fn infe(id: u16, item_type: &[u8], extra: &[u8]) -> Vec<u8> {
        let mut c = id.to_be_bytes().to_vec();
        c.extend_from_slice(&0u16.to_be_bytes());
        c.extend_from_slice(item_type);
        c.extend_from_slice(extra);
        full(b"infe", 2, &c)
    }

    /// A HEIF file (brand `heic` or `avif`): a coded picture item, an EXIF item (with GPS and a
    /// serial number) in `mdat`, and an XMP item in `idat` (iloc version 1, construction
    /// method 1).
    fn heif_photo(brand: &[u8]) -> Vec<u8> {
        let picture = b"CODED-PICTURE-BYTES";
        let mut exif = 0u32.to_be_bytes().to_vec();
        exif.extend(exif_payload());
        let xmp = b"<x:xmpmeta>owner Alice</x:xmpmeta>";
        let mut ftyp = brand.to_vec();
        ftyp.extend_from_slice(&0u32.to_be_bytes());
        ftyp.extend_from_slice(b"mif1");
        ftyp.extend_from_slice(brand);
        let ftyp = bmff(b"ftyp", &ftyp);
        let mut iinf = 3u16.to_be_bytes().to_vec();
        iinf.extend(infe(1, b"hvc1", b"\0"));
        iinf.extend(infe(2, b"Exif", b"\0"));
        iinf.extend(infe(3, b"mime", b"\0application/rdf+xml\0"));
        let iinf = full(b"iinf", 0, &iinf);
        let idat = bmff(b"idat", xmp);
        // iloc v1: offset, length and base sizes of 4 bytes, no index.
        let iloc_len = 4 + 2 + 2 + 3 * (2 + 2 + 2 + 4 + 2 + 8);
        let iloc_size = 8 + iloc_len;
        let head = |mdat_offset: u32| {
            let mut iloc = vec![0x44, 0x40];
            iloc.extend_from_slice(&3u16.to_be_bytes());
            for (id, method, base, offset, len) in [
                (1u16, 0u16, mdat_offset, 0u32, picture.len() as u32),
                (2, 0, mdat_offset, picture.len() as u32, exif.len() as u32),
                (3, 1, 0, 0, xmp.len() as u32),
            ] {
                iloc.extend_from_slice(&id.to_be_bytes());
                iloc.extend_from_slice(&method.to_be_bytes());
                iloc.extend_from_slice(&0u16.to_be_bytes());
                iloc.extend_from_slice(&base.to_be_bytes());
                iloc.extend_from_slice(&1u16.to_be_bytes());
                iloc.extend_from_slice(&offset.to_be_bytes());
                iloc.extend_from_slice(&len.to_be_bytes());
            }
            let iloc = full(b"iloc", 1, &iloc);
            assert_eq!(iloc.len(), iloc_size);
            let mut meta = full(b"hdlr", 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0");
            meta.extend(full(b"pitm", 0, &1u16.to_be_bytes()));
            meta.extend(iloc);
            meta.extend(iinf.clone());
            meta.extend(idat.clone());
            let mut file = ftyp.clone();
            file.extend(full(b"meta", 0, &meta));
            file
        };
        let before = head(0).len() as u32;
        let mut file = head(before + 8);
        let mut mdat = picture.to_vec();
        mdat.extend(&exif);
        file.extend(bmff(b"mdat", &mdat));
        file
    }

    #[test]
    fn heic_and_avif_exif_and_xmp_are_wiped_in_place() {
        for (brand, kind) in [(&b"heic"[..], "HEIC"), (b"avif", "AVIF")] {
            let file = heif_photo(brand);
            assert_eq!(heif_brand(&file), Some(kind));
            assert!(has(&file, SERIAL) && has(&file, b"Alice"));
            let Outcome::Clean(clean, stripped) = strip(&file) else {
                panic!("{kind} not cleaned")
            };
            assert_eq!(clean.len(), file.len());
            assert!(!has(&clean, SERIAL) && !has(&clean, b"Alice"), "{kind}");
            assert!(
                has(&clean, b"CODED-PICTURE-BYTES"),
                "{kind}: the picture stays"
            );
            assert!(
                stripped
                    .removed
                    .contains(&"the GPS position where the photo was taken"),
                "{kind}: {stripped:?}"
            );
            assert!(stripped.removed.iter().any(|r| r.contains("XMP")));
            // Only the metadata items' bytes changed.
            let changed = file.iter().zip(&clean).filter(|(a, b)| a != b).count();
            assert!(
                changed <= exif_payload().len() + 4 + 34,
                "{kind}: {changed} bytes changed"
            );
        }
    }

    #[test]
    fn tiff_keeps_its_pixels_and_loses_camera_serial_and_gps() {
        let file = tiff_photo();
        assert!(has(&file, SERIAL) && has(&file, b"Canon"));
        let Outcome::Clean(clean, stripped) = strip(&file) else {
            panic!("not cleaned")
        };
        assert_eq!(clean.len(), file.len(), "cleaned in place");
        assert!(!has(&clean, SERIAL) && !has(&clean, b"Canon") && !has(&clean, b"EOS"));
        assert!(
            stripped
                .removed
                .contains(&"the GPS position where the photo was taken")
        );
        assert!(stripped.removed.iter().any(|r| r.contains("EXIF")));
        // The image tags remain, the pixels are where they were.
        let t = Tiff { big: false };
        let tags: Vec<u16> = (0..9)
            .map(|k| t.u16(&clean, 10 + 12 * k).unwrap())
            .collect();
        assert_eq!(
            t.u16(&clean, 8),
            Some(9),
            "13 entries less Make, Model, EXIF, GPS"
        );
        assert_eq!(tags, [256, 257, 258, 259, 262, 273, 277, 278, 279]);
        let strip_at = t.u32(&clean, 10 + 12 * 5 + 8).unwrap() as usize;
        assert_eq!(&clean[strip_at..strip_at + 2], &[10, 200]);
        assert_eq!(
            strip(&clean),
            Outcome::Clean(clean.clone(), Stripped::default())
        );
    }
}
