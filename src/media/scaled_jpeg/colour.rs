//! From component planes at the reduced scale to RGB: chroma upsampled by repeating
//! samples (the thumbnail's resize filter smooths it), then the colour model's
//! conversion in fixed point.

use super::Plane;
use super::headers::{ColourModel, Frame};

/// `width`×`height` RGB pixels from the planes of `frame`'s components.
pub(super) fn to_rgb(frame: &Frame, planes: &[Plane], width: usize, height: usize) -> Vec<u8> {
    let (h_max, v_max) = (frame.h_max(), frame.v_max());
    let single = planes.len() == 1;
    let mut rgb = vec![0u8; width * height * 3];
    // Per component: the plane's row for output row y, and the column shift (1 for a
    // component at half the horizontal sampling).
    let row_of = |i: usize, y: usize| -> &[u8] {
        let v = if single { 1 } else { frame.components[i].v };
        let plane = &planes[i];
        let start = (y * v / v_max) * plane.width;
        &plane.samples[start..start + plane.width]
    };
    let shift = |i: usize| -> usize { usize::from(!single && frame.components[i].h < h_max) };
    for (y, out) in rgb.chunks_exact_mut(width * 3).enumerate() {
        match frame.colour {
            ColourModel::Grey => {
                let g = row_of(0, y);
                for (px, &v) in out.chunks_exact_mut(3).zip(g) {
                    px.fill(v);
                }
            }
            ColourModel::YCbCr | ColourModel::Rgb => {
                let (a, b, c) = (row_of(0, y), row_of(1, y), row_of(2, y));
                let (sa, sb, sc) = (shift(0), shift(1), shift(2));
                let ycc = frame.colour == ColourModel::YCbCr;
                for (x, px) in out.chunks_exact_mut(3).enumerate() {
                    let (p, q, r) = (a[x >> sa], b[x >> sb], c[x >> sc]);
                    let rgb_px = if ycc { ycc_to_rgb(p, q, r) } else { [p, q, r] };
                    px.copy_from_slice(&rgb_px);
                }
            }
            ColourModel::Cmyk { inverted, ycck } => {
                let rows = [row_of(0, y), row_of(1, y), row_of(2, y), row_of(3, y)];
                let shifts = [shift(0), shift(1), shift(2), shift(3)];
                for (x, px) in out.chunks_exact_mut(3).enumerate() {
                    let s: [u8; 4] = std::array::from_fn(|i| rows[i][x >> shifts[i]]);
                    px.copy_from_slice(&cmyk_to_rgb(s, inverted, ycck));
                }
            }
        }
    }
    rgb
}

/// JFIF's full-range YCbCr to RGB, 16-bit fixed point as libjpeg rounds it.
#[inline(always)]
fn ycc_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let (y, cb, cr) = (i32::from(y), i32::from(cb) - 128, i32::from(cr) - 128);
    let r = y + ((91_881 * cr + 32_768) >> 16);
    let g = y + ((-22_554 * cb - 46_802 * cr + 32_768) >> 16);
    let b = y + ((116_130 * cb + 32_768) >> 16);
    [clamp(r), clamp(g), clamp(b)]
}

/// CMYK (or YCCK) samples to RGB without a colour profile, as Pillow and most viewers
/// do: RGB = (1 − C)(1 − K). With an Adobe marker the file stores 255 − ink, which is
/// already 1 − C; YCCK is first converted to that form (libjpeg's `ycck_cmyk_convert`).
#[inline(always)]
fn cmyk_to_rgb(s: [u8; 4], inverted: bool, ycck: bool) -> [u8; 3] {
    let [s0, s1, s2, k] = s;
    let (c, m, y) = if ycck {
        let [r, g, b] = ycc_to_rgb(s0, s1, s2);
        (255 - r, 255 - g, 255 - b)
    } else {
        (s0, s1, s2)
    };
    // `white` is 1 − ink, in 0..=255.
    let white = |v: u8| {
        if inverted {
            u32::from(v)
        } else {
            255 - u32::from(v)
        }
    };
    let kw = white(k);
    let mix = |v: u8| ((white(v) * kw + 127) / 255) as u8;
    [mix(c), mix(m), mix(y)]
}

#[inline(always)]
fn clamp(v: i32) -> u8 {
    v.clamp(0, 255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ycc_greys_and_primaries() {
        assert_eq!(ycc_to_rgb(128, 128, 128), [128, 128, 128]);
        assert_eq!(ycc_to_rgb(76, 85, 255), [254, 0, 0]);
    }

    #[test]
    fn adobe_cmyk_is_stored_inverted() {
        // No ink at all is white; full black ink is black.
        assert_eq!(
            cmyk_to_rgb([255, 255, 255, 255], true, false),
            [255, 255, 255]
        );
        assert_eq!(cmyk_to_rgb([255, 255, 255, 0], true, false), [0, 0, 0]);
        assert_eq!(cmyk_to_rgb([0, 0, 0, 0], false, false), [255, 255, 255]);
        // Full cyan, no black: red is gone.
        assert_eq!(cmyk_to_rgb([0, 255, 255, 255], true, false), [0, 255, 255]);
    }
}
