//! Walking the marker structure of JPEG files, for two jobs the `image` crate does not do
//! the way we need:
//!
//! 1. **Reading only the header.** `image`'s `JpegDecoder::new` reads the *whole* file into
//!    memory before it looks at the header. Scanning a folder of 100k 5 MB photos that way
//!    would read 500 GB; [`read_header`] stops at the first scan, after a few kilobytes.
//! 2. **Detecting truncation.** zune-jpeg (the decoder behind `image` 0.25) runs in
//!    non-strict mode and decodes a JPEG cut in half *successfully*, filling the missing
//!    rows with flat grey (verified with image 0.25.10 / zune-jpeg 0.5.15; see the
//!    `truncated_jpeg_decodes_silently_in_image_crate` test). [`check_complete`] walks the
//!    segments and the entropy-coded data and looks for an end-of-image marker (FF D9) at
//!    the top level, so a thumbnail's EOI inside the EXIF segment does not count and
//!    trailing bytes after the EOI (some phones append data there) are fine. A file whose
//!    last scan runs to its end ([`JpegEnd::Unterminated`]) may lack only that marker (an
//!    interrupted phone or camera write, which browsers, libjpeg and Pillow show);
//!    [`super::jpeg_scan`] decides whether its image data is all there.
//!
//! Structure: `FF D8` (SOI), then segments `FF xx len:u16 payload`, where after each SOS
//! segment comes entropy-coded data in which `FF` only appears as `FF 00` (a stuffed
//! byte) or `FF D0..D7` (restart markers); any other `FF xx` there starts the next
//! segment. `FF D9` (EOI) ends the image.

use super::MediaError;
use std::io::{self, BufRead};
use std::path::Path;

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP1: u8 = 0xE1;
const EXIF_PREFIX: &[u8] = b"Exif\0\0";

/// What the header says: the stored (un-rotated) size and the raw EXIF block, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JpegHeader {
    pub width: u32,
    pub height: u32,
    /// The TIFF structure of the APP1 "Exif" segment, without the `Exif\0\0` prefix (the
    /// form `image::metadata::Orientation::from_exif_chunk` takes).
    pub exif: Option<Vec<u8>>,
    /// A progressive frame (scans that each refine the whole image).
    pub progressive: bool,
}

/// Start-of-frame markers: baseline, extended, progressive, lossless and arithmetic
/// variants. C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
fn is_start_of_frame(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF)
}

/// Markers without a length field.
fn is_standalone(marker: u8) -> bool {
    matches!(marker, 0x01 | 0xD0..=0xD7)
}

/// Reads the header of a JPEG stream positioned at its first byte, up to the first
/// start-of-scan. Reads nothing of the image data.
pub(crate) fn read_header(path: &Path, r: &mut impl BufRead) -> Result<JpegHeader, MediaError> {
    let corrupt = |detail: &str| MediaError::Corrupt {
        path: MediaError::path_string(path),
        format: "JPEG",
        detail: detail.to_owned(),
    };
    let io_err = |e: io::Error| MediaError::from_io(path, Some("JPEG"), &e);

    let mut soi = [0u8; 2];
    r.read_exact(&mut soi).map_err(io_err)?;
    if soi != [0xFF, SOI] {
        return Err(corrupt("missing start-of-image marker"));
    }
    let mut size = None;
    let mut progressive = false;
    let mut exif = None;
    loop {
        let marker = next_marker(r).map_err(io_err)?;
        if is_standalone(marker) {
            continue;
        }
        match marker {
            EOI => return Err(corrupt("end-of-image marker before any frame header")),
            SOS => {
                let (width, height) =
                    size.ok_or_else(|| corrupt("image data before the frame header"))?;
                return Ok(JpegHeader {
                    width,
                    height,
                    exif,
                    progressive,
                });
            }
            _ => {}
        }
        let mut len = [0u8; 2];
        r.read_exact(&mut len).map_err(io_err)?;
        let payload_len = usize::from(u16::from_be_bytes(len))
            .checked_sub(2)
            .ok_or_else(|| corrupt("segment length below 2"))?;
        if is_start_of_frame(marker) && size.is_none() {
            let payload = read_payload(r, payload_len).map_err(io_err)?;
            // precision:u8, height:u16, width:u16, components:u8, …
            let [_, h0, h1, w0, w1, ..] = payload[..] else {
                return Err(corrupt("frame header too short"));
            };
            size = Some((
                u32::from(u16::from_be_bytes([w0, w1])),
                u32::from(u16::from_be_bytes([h0, h1])),
            ));
            progressive = matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE);
        } else if marker == APP1 {
            let payload = read_payload(r, payload_len).map_err(io_err)?;
            // Like zune-jpeg, the last EXIF segment wins, so the probed orientation always
            // agrees with what the decoder would report.
            if let Some(tiff) = payload.strip_prefix(EXIF_PREFIX) {
                exif = Some(tiff.to_vec());
            }
        } else {
            skip(r, payload_len).map_err(io_err)?;
        }
    }
}

/// Finds the next marker byte. Bytes before an `FF` are garbage that lenient decoders
/// skip, so they are skipped here too; repeated `FF`s are fill bytes.
fn next_marker(r: &mut impl BufRead) -> io::Result<u8> {
    let mut byte = [0u8; 1];
    loop {
        r.read_exact(&mut byte)?;
        if byte[0] != 0xFF {
            continue;
        }
        loop {
            r.read_exact(&mut byte)?;
            match byte[0] {
                0xFF => continue,
                0x00 => break, // a stuffed byte, not a marker: keep looking
                marker => return Ok(marker),
            }
        }
    }
}

fn read_payload(r: &mut impl BufRead, len: usize) -> io::Result<Vec<u8>> {
    let mut payload = vec![0u8; len];
    r.read_exact(&mut payload)?;
    Ok(payload)
}

/// Skips through the read buffer rather than seeking, which would throw the buffer away
/// and cost a system call per segment.
fn skip(r: &mut impl BufRead, mut len: usize) -> io::Result<()> {
    while len > 0 {
        let available = r.fill_buf()?.len();
        if available == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let step = available.min(len);
        r.consume(step);
        len -= step;
    }
    Ok(())
}

/// How a JPEG file that is not cut inside its headers ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JpegEnd {
    /// With an end-of-image marker after its last scan.
    Complete,
    /// Its last scan's data runs to the end of the file: the end-of-image marker is
    /// missing, and maybe some of the data too.
    Unterminated,
}

/// Checks how a whole JPEG file in memory ends: with an end-of-image marker after its last
/// scan, or inside that scan's data; a file cut anywhere else is truncated. Linear in the
/// file size; a byte scan that costs a small fraction of decoding.
pub(crate) fn check_complete(path: &Path, data: &[u8]) -> Result<JpegEnd, MediaError> {
    let truncated = |detail: &str| MediaError::Truncated {
        path: MediaError::path_string(path),
        format: "JPEG",
        detail: detail.to_owned(),
    };
    if !data.starts_with(&[0xFF, SOI]) {
        return Err(MediaError::Corrupt {
            path: MediaError::path_string(path),
            format: "JPEG",
            detail: "missing start-of-image marker".into(),
        });
    }
    let mut pos = 2;
    loop {
        // Find the next marker at the top level (lenient about garbage, like the header).
        let Some(ff) = find_ff(data, pos) else {
            return Err(truncated("no end-of-image marker"));
        };
        pos = ff + 1;
        let Some(&marker) = data.get(pos) else {
            return Err(truncated("no end-of-image marker"));
        };
        if marker == 0xFF || marker == 0x00 {
            continue; // fill byte (look again from here) or garbage
        }
        pos += 1;
        if marker == EOI {
            return Ok(JpegEnd::Complete);
        }
        if is_standalone(marker) {
            continue;
        }
        let Some(len) = data.get(pos..pos + 2) else {
            return Err(truncated("file ends inside a segment header"));
        };
        let seg_end = pos + usize::from(u16::from_be_bytes([len[0], len[1]]));
        if seg_end > data.len() {
            return Err(truncated("file ends inside a segment"));
        }
        pos = seg_end;
        if marker == SOS {
            match end_of_entropy_data(data, pos) {
                Some(end) => pos = end,
                None => return Ok(JpegEnd::Unterminated),
            }
        }
    }
}

/// Returns the offset of the marker that ends the entropy-coded data starting at `pos`,
/// or `None` if the data runs to the end of the file.
fn end_of_entropy_data(data: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let ff = find_ff(data, pos)?;
        match *data.get(ff + 1)? {
            // Stuffed byte, restart marker, or a fill byte before the real marker.
            0x00 | 0xD0..=0xD7 | 0xFF => pos = ff + 1,
            _ => return Some(ff),
        }
    }
}

fn find_ff(data: &[u8], from: usize) -> Option<usize> {
    let rest = data.get(from..)?;
    rest.iter().position(|&b| b == 0xFF).map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A structurally complete JPEG skeleton: SOI, APP1 Exif, SOF0, SOS, entropy data with
    /// a stuffed byte and a restart marker, EOI. Not decodable; only the structure matters.
    fn skeleton(exif_tiff: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, SOI];
        let app1_len = (2 + EXIF_PREFIX.len() + exif_tiff.len()) as u16;
        v.extend([0xFF, APP1]);
        v.extend(app1_len.to_be_bytes());
        v.extend(EXIF_PREFIX);
        v.extend(exif_tiff);
        // SOF0: len 11, precision 8, height 480, width 640, 1 component.
        v.extend([0xFF, 0xC0, 0, 11, 8, 0x01, 0xE0, 0x02, 0x80, 1, 1, 0x11, 0]);
        // SOS: len 8, 1 component.
        v.extend([0xFF, SOS, 0, 8, 1, 1, 0, 0, 63, 0]);
        v.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9]);
        v
    }

    #[test]
    fn header_gives_size_and_exif() {
        let data = skeleton(b"II*\0");
        let h = read_header(Path::new("a.jpg"), &mut &data[..]).unwrap();
        assert_eq!((h.width, h.height), (640, 480));
        assert_eq!(h.exif.as_deref(), Some(&b"II*\0"[..]));
    }

    #[test]
    fn complete_file_passes_and_trailing_bytes_are_fine() {
        let mut data = skeleton(b"");
        let end = check_complete(Path::new("a.jpg"), &data);
        assert_eq!(end, Ok(JpegEnd::Complete));
        data.extend(b"SAMSUNG TRAILER");
        let end = check_complete(Path::new("a.jpg"), &data);
        assert_eq!(end, Ok(JpegEnd::Complete));
    }

    #[test]
    fn every_cut_is_truncated_or_ends_inside_the_scan() {
        let data = skeleton(b"MM\0*");
        let scan_data = data.len() - 9;
        for cut in 2..data.len() {
            let end = check_complete(Path::new("a.jpg"), &data[..cut]);
            if cut >= scan_data {
                assert_eq!(end, Ok(JpegEnd::Unterminated), "cut {cut}");
            } else {
                let err = end.expect_err(&format!("cut at {cut} should be truncated"));
                assert!(
                    matches!(err, MediaError::Truncated { .. }),
                    "cut {cut}: {err}"
                );
            }
        }
    }

    #[test]
    fn eoi_inside_exif_thumbnail_does_not_count() {
        // The EXIF block contains an embedded thumbnail ending in FF D9; the file is then
        // cut inside the scan data.
        let data = skeleton(&[b'I', b'I', b'*', 0, 0xFF, 0xD8, 0xFF, 0xD9]);
        let cut = data.len() - 4;
        let end = check_complete(Path::new("a.jpg"), &data[..cut]);
        assert_eq!(end, Ok(JpegEnd::Unterminated));
    }

    #[test]
    fn header_of_cut_file_is_an_error_not_a_panic() {
        let data = skeleton(b"II*\0");
        for cut in 0..30 {
            assert!(read_header(Path::new("a.jpg"), &mut &data[..cut]).is_err());
        }
    }
}
