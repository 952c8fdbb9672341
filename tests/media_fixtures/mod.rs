//! Image fixtures for the media tests, generated at test time (nothing binary is
//! committed). Shared by several test crates, each using a subset — hence the allow.
#![allow(dead_code)]

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// A photo-like image: gradients plus deterministic noise, so JPEG has real work to do.
pub fn photo(width: u32, height: u32) -> RgbImage {
    let mut state: u32 = 0x1234_5678;
    RgbImage::from_fn(width, height, |x, y| {
        // xorshift32
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x1F) as u8;
        Rgb([
            ((x * 255 / width.max(1)) as u8).saturating_add(noise),
            ((y * 255 / height.max(1)) as u8).saturating_add(noise / 2),
            (((x + y) % 256) as u8) ^ noise,
        ])
    })
}

pub fn jpeg_bytes(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .expect("encoding a JPEG in memory");
    out
}

pub fn png_bytes(image: &DynamicImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Png)
        .expect("encoding a PNG in memory");
    out.into_inner()
}

/// Writes `bytes` to `dir/rel`, creating folders; returns the full path.
pub fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("creating fixture folder");
    }
    std::fs::write(&path, bytes).expect("writing fixture");
    path
}

/// CRC-32 (IEEE, as PNG uses), bit by bit: slow, obviously correct, enough for a header.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend(kind);
    out.extend(data);
    let crc = crc32(&out[start..]);
    out.extend(crc.to_be_bytes());
}

/// A valid-looking PNG that *claims* `width`×`height` RGB pixels but carries a tiny IDAT
/// (a zlib stream of 16 zero bytes in a stored block): a decompression bomb's header.
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit, RGB, deflate, no filter, no interlace
    png_chunk(&mut out, b"IHDR", &ihdr);
    let zeros = [0u8; 16];
    let mut zlib = vec![0x78, 0x01, 0x01]; // zlib header; final stored block
    zlib.extend((zeros.len() as u16).to_le_bytes());
    zlib.extend((!(zeros.len() as u16)).to_le_bytes());
    zlib.extend(zeros);
    // Adler-32 of 16 zero bytes: a = 1, b = 16.
    zlib.extend(((16u32 << 16) | 1).to_be_bytes());
    png_chunk(&mut out, b"IDAT", &zlib);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// Inserts an APP1 EXIF segment with the given orientation tag right after SOI.
/// The TIFF block is little-endian with one IFD entry: 0x0112 Orientation, SHORT, 1.
pub fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes()); // first IFD right after the header
    tiff.extend(1u16.to_le_bytes()); // one entry
    tiff.extend(0x0112u16.to_le_bytes());
    tiff.extend(3u16.to_le_bytes()); // SHORT
    tiff.extend(1u32.to_le_bytes()); // count
    tiff.extend(orientation.to_le_bytes());
    tiff.extend(0u16.to_le_bytes()); // padding of the 4-byte value field
    tiff.extend(0u32.to_le_bytes()); // no next IFD
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff);
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend([0xFF, 0xE1]);
    out.extend(((payload.len() + 2) as u16).to_be_bytes());
    out.extend(payload);
    out.extend(&jpeg[2..]);
    out
}

/// Half of a JPEG photo: the header is intact, the scan data stops in the middle.
pub fn truncated_jpeg() -> Vec<u8> {
    let full = jpeg_bytes(&photo(256, 256), 90);
    full[..full.len() / 2].to_vec()
}

/// Polls `f` every 10 ms until it returns `Some`, for at most 10 s.
pub fn poll<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if let Some(v) = f() {
            return Some(v);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    None
}

/// A 12000×9000 greyscale JPEG (a 108-megapixel scan): value x/94 + y/72, so a
/// thumbnail can be checked point by point.
pub fn huge_grey_jpeg() -> Vec<u8> {
    const W: usize = 12_000;
    const H: usize = 9_000;
    let mut pixels = vec![0u8; W * H];
    for (y, row) in pixels.chunks_exact_mut(W).enumerate() {
        for (x, p) in row.iter_mut().enumerate() {
            *p = (x / 94 + y / 72) as u8;
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 75)
        .encode(&pixels, W as u16, H as u16, jpeg_encoder::ColorType::Luma)
        .expect("encoding a JPEG in memory");
    out
}
