//! Removing what photos reveal about their owner before they are sent: EXIF (camera, serial
//! numbers, the date taken and often the GPS position), XMP, IPTC/Photoshop blocks, comments,
//! embedded thumbnails and text chunks. The pixels are not re-encoded: JPEG segments and PNG
//! chunks that carry metadata are dropped, everything else is copied byte for byte.

/// What was removed from one image, in words for the "what this message reveals" summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stripped {
    pub removed: Vec<&'static str>,
}

/// The outcome for one attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not a JPEG or PNG: sent as it is.
    NotAnImage,
    /// Metadata removed (possibly none was there).
    Clean(Vec<u8>, Stripped),
    /// Claims to be an image but its structure could not be followed: sent unchanged, and the
    /// summary says it could not be checked.
    Unchecked,
}

pub fn strip(data: &[u8]) -> Outcome {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        jpeg(data).map_or(Outcome::Unchecked, |(d, s)| Outcome::Clean(d, s))
    } else if data.starts_with(PNG_SIGNATURE) {
        png(data).map_or(Outcome::Unchecked, |(d, s)| Outcome::Clean(d, s))
    } else {
        Outcome::NotAnImage
    }
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
            out.extend_from_slice(&data[i..]);
            return Some((out, s));
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
            // Start of scan: the compressed image follows; copy the rest as it is.
            out.extend_from_slice(&data[i..]);
            return Some((out, s));
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
        exif.extend(tiff_with_gps());
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
        assert!(!hay(b"Exif") && !hay(b"xmpmeta") && !hay(b"Alice"));
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
        p.extend(chunk(b"eXIf", &tiff_with_gps()));
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
        assert!(clean.windows(6).any(|w| w == b"PIXELS"));
    }

    #[test]
    fn broken_images_are_reported_not_guessed() {
        assert_eq!(strip(b"\xFF\xD8\xFF\xE1\xFF"), Outcome::Unchecked);
        assert_eq!(strip(PNG_SIGNATURE), Outcome::Unchecked);
        assert_eq!(strip(b"%PDF-1.7"), Outcome::NotAnImage);
    }
}
