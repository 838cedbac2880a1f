//! HEIC/HEIF and AVIF: see the parent module.

use super::{Stripped, exif_has_gps, note};

/// The brand of an ISO base media file that is a still image Quietpost cleans.
pub(super) fn heif_brand(data: &[u8]) -> Option<&'static str> {
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
pub(super) fn heif(data: &[u8]) -> Option<(Vec<u8>, Stripped)> {
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
