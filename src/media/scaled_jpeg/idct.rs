//! Reduced-size inverse DCTs: an 8×8 block straight to n×n pixels (n = 1, 2, 4), as
//! libjpeg's `scale_denom` does, so a 1/2, 1/4 or 1/8 image costs a fraction of the
//! full transform and never exists at full size.
//!
//! Each output pixel is the *mean* of the m×m full-size pixels it stands for (m = 8/n),
//! computed from the low frequencies alone: averaging the 8-point basis cosine of
//! frequency u over a run of m pixels gives the n-point cosine times
//! sin(m·u·π/16) / (m·sin(u·π/16)). The frequencies dropped would add their own small
//! means (aliasing), which the later resize filter does not miss.

use std::f32::consts::PI;

/// Coefficients of a block in zigzag order, dequantised; only the first few are kept.
/// Zigzag index → natural (row × 8 + column) position.
const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// The transform to n×n for one n.
pub(crate) struct ReducedIdct {
    pub n: usize,
    /// Zigzag coefficients to decode: every one with row and column frequency below n.
    pub keep: usize,
    /// weights[x * n + u]: the 1-D weight of frequency u at output position x.
    weights: Vec<f32>,
}

impl ReducedIdct {
    pub fn new(n: usize) -> Self {
        let m = (8 / n) as f32;
        let mut weights = vec![0.0; n * n];
        for x in 0..n {
            for u in 0..n {
                let c = if u == 0 {
                    std::f32::consts::FRAC_1_SQRT_2
                } else {
                    1.0
                };
                let theta = u as f32 * PI / 16.0;
                let mean_of_run = if u == 0 {
                    1.0
                } else {
                    (m * theta).sin() / (m * theta.sin())
                };
                let basis = ((2 * x + 1) as f32 * u as f32 * PI / (2 * n) as f32).cos();
                weights[x * n + u] = 0.5 * c * basis * mean_of_run;
            }
        }
        let keep = ZIGZAG
            .iter()
            .rposition(|&p| p / 8 < n && p % 8 < n)
            .map_or(1, |last| last + 1);
        ReducedIdct { n, keep, weights }
    }

    /// Writes the n×n pixels of the block whose first `self.keep` zigzag coefficients are
    /// `coefs` into `out` at rows of `stride` bytes.
    #[inline]
    pub fn block(&self, coefs: &[i32], out: &mut [u8], stride: usize) {
        match self.n {
            1 => out[0] = clamp(coefs[0] as f32 / 8.0 + 128.0),
            2 => self.block_n::<2>(coefs, out, stride),
            _ => self.block_n::<4>(coefs, out, stride),
        }
    }

    /// [`Self::block`] for one n, so the loops unroll.
    #[inline(always)]
    fn block_n<const N: usize>(&self, coefs: &[i32], out: &mut [u8], stride: usize) {
        let mut w = [[0f32; N]; N];
        for (x, row) in w.iter_mut().enumerate() {
            row.copy_from_slice(&self.weights[x * N..x * N + N]);
        }
        // Natural-order coefficients of the N×N corner.
        let mut f = [[0f32; N]; N];
        for (k, &c) in coefs.iter().enumerate() {
            let p = ZIGZAG[k];
            let (row, col) = (p / 8, p % 8);
            if row < N && col < N {
                f[row][col] = c as f32;
            }
        }
        // Columns first (vertical frequencies v → rows y), then rows.
        let mut tmp = [[0f32; N]; N];
        for y in 0..N {
            for u in 0..N {
                tmp[y][u] = (0..N).map(|v| w[y][v] * f[v][u]).sum();
            }
        }
        for (y, t) in tmp.iter().enumerate() {
            let row = &mut out[y * stride..y * stride + N];
            for (x, px) in row.iter_mut().enumerate() {
                let sum: f32 = (0..N).map(|u| w[x][u] * t[u]).sum();
                *px = clamp(sum + 128.0);
            }
        }
    }
}

#[inline(always)]
fn clamp(v: f32) -> u8 {
    (v + 0.5).clamp(0.0, 255.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full 8×8 inverse DCT of JPEG, straight from its definition.
    fn full_idct(natural: &[f32; 64]) -> [f32; 64] {
        let mut out = [0f32; 64];
        for y in 0..8 {
            for x in 0..8 {
                let mut s = 0.0;
                for v in 0..8 {
                    for u in 0..8 {
                        let cu = if u == 0 { 0.5f32.sqrt() } else { 1.0 };
                        let cv = if v == 0 { 0.5f32.sqrt() } else { 1.0 };
                        s += cu * cv / 4.0
                            * natural[v * 8 + u]
                            * ((2 * x + 1) as f32 * u as f32 * PI / 16.0).cos()
                            * ((2 * y + 1) as f32 * v as f32 * PI / 16.0).cos();
                    }
                }
                out[y * 8 + x] = s + 128.0;
            }
        }
        out
    }

    #[test]
    fn reduced_blocks_are_the_means_of_the_full_block() {
        // Low frequencies only, so the reduced transform is exact up to rounding.
        let mut natural = [0f32; 64];
        natural[0] = 240.0;
        natural[1] = -90.0;
        natural[8] = 60.0;
        natural[9] = 33.0;
        let full = full_idct(&natural);
        let mut zigzag = [0i32; 64];
        for (k, &p) in ZIGZAG.iter().enumerate() {
            zigzag[k] = natural[p] as i32;
        }
        for n in [1, 2, 4] {
            let idct = ReducedIdct::new(n);
            let mut out = vec![0u8; n * n];
            idct.block(&zigzag[..idct.keep], &mut out, n);
            let m = 8 / n;
            for y in 0..n {
                for x in 0..n {
                    let mut mean = 0.0;
                    for yy in 0..m {
                        for xx in 0..m {
                            mean += full[(y * m + yy) * 8 + x * m + xx];
                        }
                    }
                    mean /= (m * m) as f32;
                    let got = f32::from(out[y * n + x]);
                    assert!(
                        (got - mean).abs() <= 0.6,
                        "n={n} ({x},{y}): {got} vs {mean}"
                    );
                }
            }
        }
    }

    #[test]
    fn keeps_exactly_the_corner() {
        assert_eq!(ReducedIdct::new(1).keep, 1);
        assert_eq!(ReducedIdct::new(2).keep, 5);
        assert_eq!(ReducedIdct::new(4).keep, 25);
    }
}
