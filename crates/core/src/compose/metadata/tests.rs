//! Test files built in the tests, each carrying GPS and a serial number.

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
