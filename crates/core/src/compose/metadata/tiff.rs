//! TIFF (and TIFF-based raw files): see the parent module.

use super::{Stripped, note};

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
pub(super) fn tiff(data: &[u8]) -> Option<(Vec<u8>, Stripped)> {
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
pub(super) struct Tiff {
    pub(super) big: bool,
}

impl Tiff {
    pub(super) fn u16(&self, d: &[u8], o: usize) -> Option<u16> {
        let b: [u8; 2] = d.get(o..o + 2)?.try_into().ok()?;
        Some(if self.big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    pub(super) fn u32(&self, d: &[u8], o: usize) -> Option<u32> {
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
