//! Decoding a baseline JPEG at 1/2, 1/4 or 1/8 of its size in the DCT domain, for
//! thumbnails: what libjpeg's `scale_denom` and Pillow's `draft` do, and what none of
//! the Rust decoders at hand does as fast (measured on a camera-like 1920×1080 photo at
//! quality 90, one core: zune-jpeg's full decode 6.9 ms; jpeg-decoder's `scale` to 1/4
//! 5.6 ms; libjpeg-turbo without SIMD, through `mozjpeg`, 4.8 ms; Pillow's `draft` to
//! 1/4 4.0 ms. Re-measured side by side on the shared 2-core machine under load, 100
//! such photos: jpeg-decoder's 1/4 9.2–12.8 ms, Pillow's `draft` 1/4 5.4 ms, this
//! module's 1/4 4.8–5.2 ms and 1/8 3.1–3.5 ms; end to end, `shugu thumbnails` is
//! 1.5–1.6× Pillow on 2 processes, `benches/compare_thumbnails.sh`).
//!
//! The entropy decoding cannot be skipped — every coefficient's code must be read to
//! find the next — so it is made fast ([`huffman`]); everything after it works on the
//! reduced image only ([`idct`]), so a 12000×9000 photo at 1/8 never needs more than
//! its 1500×1125 result. Files this path does not take (progressive, 12-bit, arithmetic,
//! unusual sampling, see [`headers`]) give [`ScaledError::Unsupported`] and go to the
//! general decoder.

mod colour;
mod headers;
mod huffman;
mod idct;

use headers::{Frame, HeaderError, read_frame};
use huffman::BitReader;
use idct::ReducedIdct;

/// A decoded, reduced image: 8-bit RGB, rows packed, as stored (EXIF orientation not
/// applied).
pub(crate) struct ScaledImage {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScaledError {
    /// A JPEG this path leaves to the general decoder.
    Unsupported(&'static str),
    /// Damaged data; the message says where.
    Corrupt(String),
}

impl From<HeaderError> for ScaledError {
    fn from(e: HeaderError) -> Self {
        match e {
            HeaderError::Unsupported(why) => ScaledError::Unsupported(why),
            HeaderError::Corrupt(detail) => ScaledError::Corrupt(detail),
        }
    }
}

/// The largest of 8, 4 and 2 that divides `width`×`height` into an image still at least
/// `min_width`×`min_height`; 1 when none does (then the fast path has nothing to save).
pub(crate) fn scale_denominator(width: u32, height: u32, min_width: u32, min_height: u32) -> u32 {
    [8, 4, 2]
        .into_iter()
        .find(|&d| width.div_ceil(d) >= min_width && height.div_ceil(d) >= min_height)
        .unwrap_or(1)
}

/// Most bits read past the end of a scan's data before it counts as cut short: a block
/// may end in the last byte's padding, and the reader looks ahead a little.
const OVERRUN_ALLOWED: u32 = 64;

/// Decodes the JPEG in `data` at 1/`denominator` (2, 4 or 8) of its size. The caller has
/// checked the header's size against the limits.
pub(crate) fn decode_scaled(data: &[u8], denominator: u32) -> Result<ScaledImage, ScaledError> {
    let n = match denominator {
        2 => 4,
        4 => 2,
        8 => 1,
        _ => {
            return Err(ScaledError::Unsupported(
                "a scale other than 1/2, 1/4 or 1/8",
            ));
        }
    };
    let frame = read_frame(data)?;
    let planes = decode_planes(data, &frame, n)?;
    let width = frame.width.div_ceil(8 / n);
    let height = frame.height.div_ceil(8 / n);
    let rgb = colour::to_rgb(&frame, &planes, width, height);
    Ok(ScaledImage {
        width: width as u32,
        height: height as u32,
        rgb,
    })
}

/// One component's samples at the reduced scale, padded to whole blocks.
pub(crate) struct Plane {
    pub width: usize,
    pub samples: Vec<u8>,
}

fn corrupt(detail: &str) -> ScaledError {
    ScaledError::Corrupt(detail.to_owned())
}

/// Runs the scan: each block's coefficients are decoded and transformed to n×n samples
/// in its component's plane.
fn decode_planes(data: &[u8], frame: &Frame, n: usize) -> Result<Vec<Plane>, ScaledError> {
    let idct = ReducedIdct::new(n);
    let (h_max, v_max) = (frame.h_max(), frame.v_max());
    let single = frame.components.len() == 1;
    // A lone component is coded block by block, not in MCUs of its sampling factors.
    let (mcus_x, mcus_y) = if single {
        (frame.width.div_ceil(8), frame.height.div_ceil(8))
    } else {
        (
            frame.width.div_ceil(8 * h_max),
            frame.height.div_ceil(8 * v_max),
        )
    };
    struct Coding<'f> {
        h: usize,
        v: usize,
        dc: &'f huffman::HuffmanTable,
        ac: &'f huffman::HuffmanTable,
        quant: &'f [u16; 64],
    }
    let mut coding = Vec::with_capacity(frame.components.len());
    let mut planes = Vec::with_capacity(frame.components.len());
    for c in &frame.components {
        let (h, v) = if single { (1, 1) } else { (c.h, c.v) };
        let dc = frame.dc_tables[c.dc_table]
            .as_ref()
            .ok_or_else(|| corrupt("the scan uses a DC Huffman table never defined"))?;
        let ac = frame.ac_tables[c.ac_table]
            .as_ref()
            .ok_or_else(|| corrupt("the scan uses an AC Huffman table never defined"))?;
        let quant = frame.quant[c.quant]
            .as_ref()
            .ok_or_else(|| corrupt("a component uses a quantisation table never defined"))?;
        coding.push(Coding {
            h,
            v,
            dc,
            ac,
            quant,
        });
        let width = mcus_x * h * n;
        planes.push(Plane {
            width,
            samples: vec![0; width * mcus_y * v * n],
        });
    }
    let mut reader = BitReader::new(data, frame.scan_start);
    let mut predictions = vec![0i32; coding.len()];
    let mut coefs = [0i32; 64];
    let coefs = &mut coefs[..idct.keep];
    let mut until_restart = frame.restart_interval;
    for mcu_y in 0..mcus_y {
        for mcu_x in 0..mcus_x {
            if frame.restart_interval > 0 {
                if until_restart == 0 {
                    if reader.overrun_bits() > OVERRUN_ALLOWED {
                        return Err(corrupt("the image data ends early"));
                    }
                    if !reader.restart() {
                        return Err(corrupt("a restart marker is missing"));
                    }
                    predictions.fill(0);
                    until_restart = frame.restart_interval;
                }
                until_restart -= 1;
            }
            for ((c, plane), prediction) in coding.iter().zip(&mut planes).zip(&mut predictions) {
                for by in 0..c.v {
                    for bx in 0..c.h {
                        reader
                            .block(c.dc, c.ac, c.quant, prediction, coefs)
                            .map_err(|_| corrupt("invalid Huffman code in the image data"))?;
                        let x = (mcu_x * c.h + bx) * n;
                        let y = (mcu_y * c.v + by) * n;
                        let at = y * plane.width + x;
                        idct.block(coefs, &mut plane.samples[at..], plane.width);
                    }
                }
            }
        }
    }
    if reader.overrun_bits() > OVERRUN_ALLOWED {
        return Err(corrupt("the image data ends early"));
    }
    Ok(planes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_smallest_image_still_large_enough() {
        // 1920×1080 into 256×144: 1/8 gives 240×135, too small; 1/4 gives 480×270.
        assert_eq!(scale_denominator(1920, 1080, 256, 144), 4);
        assert_eq!(scale_denominator(12_000, 9_000, 256, 192), 8);
        assert_eq!(scale_denominator(600, 400, 256, 171), 2);
        assert_eq!(scale_denominator(300, 200, 256, 171), 1);
    }
}

#[cfg(test)]
mod reference_tests {
    use super::*;

    /// Noisy RGB, so that at high quality most blocks code coefficients up to 63 and
    /// end without an end-of-block code.
    fn noisy(width: usize, height: usize) -> Vec<u8> {
        let mut state = 0x9E37_79B9u32;
        (0..width * height * 3)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                ((i / 3 % width) as u32 * 255 / width as u32) as u8 ^ (state & 0x0F) as u8
            })
            .collect()
    }

    /// Our reduced decode against zune-jpeg's full one averaged over each n×n cell.
    fn check(
        colour: jpeg_encoder::ColorType,
        pixels: &[u8],
        w: u16,
        h: u16,
        sampling: jpeg_encoder::SamplingFactor,
    ) {
        let mut jpeg = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, 100);
        encoder.set_sampling_factor(sampling);
        encoder.encode(pixels, w, h, colour).unwrap();
        let mut reference =
            zune_jpeg::JpegDecoder::new(zune_jpeg::zune_core::bytestream::ZCursor::new(&jpeg));
        let full = reference.decode().unwrap();
        let (w, h) = (usize::from(w), usize::from(h));
        for denominator in [2usize, 4, 8] {
            let ours = decode_scaled(&jpeg, denominator as u32).unwrap();
            let sw = ours.width as usize;
            let (mut total, mut count) = (0.0, 0.0);
            for y in 0..h / denominator {
                for x in 0..w / denominator {
                    for c in 0..3 {
                        let mut sum = 0u32;
                        for dy in 0..denominator {
                            for dx in 0..denominator {
                                let at =
                                    ((y * denominator + dy) * w + x * denominator + dx) * 3 + c;
                                sum += u32::from(full[at]);
                            }
                        }
                        let mean = f64::from(sum) / (denominator * denominator) as f64;
                        total += (mean - f64::from(ours.rgb[(y * sw + x) * 3 + c])).abs();
                        count += 1.0;
                    }
                }
            }
            let diff = total / count;
            assert!(
                diff < 3.0,
                "{colour:?} {sampling:?} 1/{denominator}: mean difference {diff}"
            );
        }
    }

    #[test]
    fn matches_a_full_decode_averaged() {
        use jpeg_encoder::{ColorType, SamplingFactor};
        let (w, h) = (96u16, 64u16);
        let rgb = noisy(usize::from(w), usize::from(h));
        for sampling in [
            SamplingFactor::F_1_1,
            SamplingFactor::F_2_1,
            SamplingFactor::F_2_2,
        ] {
            check(ColorType::Rgb, &rgb, w, h, sampling);
        }
        let grey: Vec<u8> = rgb.chunks(3).map(|p| p[1]).collect();
        check(ColorType::Luma, &grey, w, h, SamplingFactor::F_1_1);
    }
}
