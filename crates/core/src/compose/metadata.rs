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

mod heif;
mod tiff;
use heif::{heif, heif_brand};
#[cfg(test)]
use tiff::Tiff;
use tiff::tiff;

#[cfg(test)]
pub(crate) mod tests;
