//! A JPEG shaped as a phone writes one: JFIF, an EXIF block pointing at GPS data, a comment
//! (naming its owner, when given), then the pixels — for the tests of metadata removal.

/// The photo, with `comment` as its COM segment when it is not empty.
pub fn with_gps(comment: &[u8]) -> Vec<u8> {
    let seg = |m: u8, p: &[u8]| {
        let mut s = vec![0xFF, m];
        s.extend_from_slice(&((p.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(p);
        s
    };
    let mut tiff = b"II*\0\x08\0\0\0\x01\0".to_vec();
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(tiff);
    let mut j = vec![0xFF, 0xD8];
    j.extend(seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    j.extend(seg(0xE1, &exif));
    if !comment.is_empty() {
        j.extend(seg(0xFE, comment));
    }
    j.extend(seg(0xDA, b"\x01\x01\0\0?\0"));
    j.extend_from_slice(b"PIXELDATA\xFF\xD9");
    j
}
