//! Writing a COCO file as compact JSON, fast enough for a million polygons.
//!
//! The annotations are serialised in chunks on rayon's threads and written in
//! order, each batch while the one before is being written. Numbers that have at most two decimals as an f32 (coordinates, as
//! COCO and our tools write them) or four as an f64 (`bbox` and `area`, which
//! the export rounds to 1e-4) are written by [`CocoFormatter`] from their
//! integer hundredths or ten-thousandths; the others by serde_json's own
//! shortest form. Both give the shortest decimal that reads back as the number.

use super::error::CocoError;
use super::file::{CocoAnnotation, CocoFile};
use super::keypoints::CocoKeypoints;
use super::segmentation::{RleCounts, Segmentation};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};
use std::io::{self, BufWriter, Write};

/// Annotations a thread serialises at once.
const CHUNK: usize = 4096;

/// Writes a COCO file as compact JSON (UTF-8, names unescaped), top-level keys
/// in [`CocoFile`]'s order. Buffers internally, so `w` may be a plain `File`.
///
/// A file from [`parse_coco`](super::parse_coco) can be written back when every
/// annotation has a bbox and its segmentation and keypoints could be read.
pub fn write_coco<W: Write>(file: &CocoFile, w: W) -> Result<(), CocoError> {
    for a in &file.annotations {
        let reason = if a.bbox.is_none() {
            "it has no bbox"
        } else if matches!(a.segmentation, Segmentation::Unusable(_)) {
            "its segmentation could not be read"
        } else if a.keypoints == CocoKeypoints::Unusable {
            "its keypoints could not be read"
        } else {
            continue;
        };
        return Err(CocoError::Unwritable { id: a.id, reason });
    }
    // Small: the annotations' chunks, larger than this, go past it to `w`.
    let mut out = BufWriter::with_capacity(1 << 16, w);
    out.write_all(b"{\"info\":")?;
    to_writer(&mut out, &file.info)?;
    out.write_all(b",\"licenses\":")?;
    to_writer(&mut out, &file.licenses)?;
    out.write_all(b",\"images\":")?;
    to_writer(&mut out, &file.images)?;
    out.write_all(b",\"annotations\":[")?;
    write_annotations(&mut out, &file.annotations)?;
    out.write_all(b"],\"categories\":")?;
    to_writer(&mut out, &file.categories)?;
    out.write_all(b"}")?;
    out.flush()?;
    Ok(())
}

fn to_writer<W: Write, T: Serialize + ?Sized>(w: W, value: &T) -> Result<(), serde_json::Error> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        w,
        CocoFormatter,
    ))
}

/// The annotations, comma-separated, serialised a few chunks at a time in
/// parallel so that memory stays bounded; each batch is serialised while
/// this thread writes the one before.
fn write_annotations<W: Write>(out: &mut W, annotations: &[CocoAnnotation]) -> io::Result<()> {
    let chunks: Vec<&[CocoAnnotation]> = annotations.chunks(CHUNK).collect();
    let batch = rayon::current_num_threads().max(1) * 2;
    let mut first = true;
    let mut ready = Vec::new();
    for batch in chunks.chunks(batch) {
        let mut next = Vec::new();
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| next = serialise(batch));
            write_serialised(out, &mut first, std::mem::take(&mut ready))
        })?;
        ready = next;
    }
    write_serialised(out, &mut first, ready)
}

/// Each chunk's annotations as JSON, comma-separated, on rayon's threads.
fn serialise(chunks: &[&[CocoAnnotation]]) -> Vec<Result<Vec<u8>, serde_json::Error>> {
    chunks
        .par_iter()
        .map(|chunk| {
            let mut buf = Vec::with_capacity(chunk.iter().map(estimated_len).sum());
            for (i, a) in chunk.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                to_writer(&mut buf, a)?;
            }
            Ok(buf)
        })
        .collect()
}

/// Writes serialised chunks, a comma before each but the very first.
fn write_serialised<W: Write>(
    out: &mut W,
    first: &mut bool,
    serialised: Vec<Result<Vec<u8>, serde_json::Error>>,
) -> io::Result<()> {
    for buf in serialised {
        if !*first {
            out.write_all(b",")?;
        }
        *first = false;
        out.write_all(&buf.map_err(io::Error::from)?)?;
    }
    Ok(())
}

/// About how many bytes an annotation takes, so a chunk's buffer is allocated once.
fn estimated_len(a: &CocoAnnotation) -> usize {
    let geometry = match &a.segmentation {
        Segmentation::Polygon(p) => p.points().len() * 16,
        Segmentation::Rle(rle) => match &rle.counts {
            RleCounts::Runs(runs) => runs.len() * 6,
            RleCounts::Compressed(text) => text.len(),
        },
        Segmentation::Empty | Segmentation::Unusable(_) => 0,
    };
    let keypoints = match &a.keypoints {
        CocoKeypoints::Points(points) => points.len() * 18,
        CocoKeypoints::Absent | CocoKeypoints::Unusable => 0,
    };
    200 + geometry + keypoints
}

/// serde_json's compact output, with a fast path for numbers of few decimals.
pub(super) struct CocoFormatter;

impl Formatter for CocoFormatter {
    fn write_f32<W: ?Sized + Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        // Below 2^15 an f32's spacing is under 1/256, so no two numbers of two
        // decimals read back as the same f32: the one that does is the shortest.
        if value.abs() < 32_768.0 {
            let hundredths = round(f64::from(value) * 100.0);
            if (hundredths as f64 / 100.0) as f32 == value {
                return write_fixed(w, hundredths, 2);
            }
        }
        CompactFormatter.write_f32(w, value)
    }

    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        // Below 2^30 an f64's spacing is under 1e-6: the same holds for four decimals.
        if value.abs() < 1_073_741_824.0 {
            let units = round(value * 10_000.0);
            if units as f64 / 10_000.0 == value {
                return write_fixed(w, units, 4);
            }
        }
        CompactFormatter.write_f64(w, value)
    }
}

/// `v` rounded half away from zero (as `f64::round`, without the libm call);
/// `v` is well within `i64`.
fn round(v: f64) -> i64 {
    (v + 0.5f64.copysign(v)) as i64
}

/// `units / 10^decimals` (`decimals` at most 4, `|units|` under 2^44) in its
/// shortest form, always with a fraction as serde_json writes floats (`412.8`,
/// `3.0`, `-0.05`), in one write.
fn write_fixed<W: ?Sized + Write>(w: &mut W, units: i64, decimals: usize) -> io::Result<()> {
    let mut buf = [0u8; 24];
    let mut at = buf.len();
    let mut rest = units.unsigned_abs();
    // The fraction's digits, trailing zeros dropped (one 0 kept after the point).
    let mut fraction = false;
    for _ in 0..decimals {
        let digit = (rest % 10) as u8;
        rest /= 10;
        if fraction || digit != 0 {
            fraction = true;
            at -= 1;
            buf[at] = b'0' + digit;
        }
    }
    if !fraction {
        at -= 1;
        buf[at] = b'0';
    }
    at -= 1;
    buf[at] = b'.';
    loop {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if units < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    w.write_all(&buf[at..])
}

#[cfg(test)]
mod tests {
    use super::CocoFormatter;
    use serde::Serialize;

    fn written<T: Serialize>(value: T) -> String {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, CocoFormatter);
        value.serialize(&mut ser).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_read_back_as_themselves_in_their_shortest_form() {
        let f32s: [(f32, &str); 11] = [
            (412.8, "412.8"),
            (239.97, "239.97"),
            (0.7, "0.7"),
            (0.05, "0.05"),
            (-0.05, "-0.05"),
            (-12.5, "-12.5"),
            (3.0, "3.0"),
            (0.0, "0.0"),
            (32_767.99, "32767.99"),
            (1.0e-3, "0.001"),
            (65_536.5, "65536.5"),
        ];
        for (v, text) in f32s {
            assert_eq!(written(v), text, "{v}");
            assert_eq!(text.parse::<f32>().unwrap(), v);
        }
        let f64s: [(f64, &str); 6] = [
            (12.3, "12.3"),
            (5087.875, "5087.875"),
            (0.0001, "0.0001"),
            (-3.25, "-3.25"),
            (1e12, "1000000000000.0"),
            (0.1 + 0.2, "0.30000000000000004"),
        ];
        for (v, text) in f64s {
            assert_eq!(written(v), text, "{v}");
            assert_eq!(text.parse::<f64>().unwrap(), v);
        }
        // Every f32 of two decimals up to 2^15, and their neighbours.
        for hundredths in (-3_276_800i64..3_276_800).step_by(97) {
            let v = hundredths as f32 / 100.0;
            for w in [v, f32::from_bits(v.to_bits() + 1)] {
                let text = written(w);
                assert_eq!(text.parse::<f32>().unwrap(), w, "{text}");
                let shortest = serde_json::to_string(&w).unwrap();
                assert!(text.len() <= shortest.len(), "{text} vs {shortest}");
            }
        }
    }
}
