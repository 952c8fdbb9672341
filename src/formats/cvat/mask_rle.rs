//! CVAT's run-length encoding of a `<mask>`: the rectangle `left`, `top`,
//! `width`, `height`, read row by row, as alternating runs of unset and set
//! pixels starting with unset ones (`rle="0, 5, 3"`: five set, three unset).
//! CVAT writes the runs as a Python list without its brackets.

use crate::model::MaskPatch;

/// The largest rectangle a mask may claim (a 134-megapixel image),
/// checked before anything is allocated.
const MAX_PATCH_PIXELS: u64 = 1 << 27;

/// The patch a `<mask>`'s attributes describe; `Err` says why there is none.
/// Runs that stop short of the rectangle leave the rest unset.
pub fn decode_mask(
    rle: &str,
    left: &str,
    top: &str,
    width: &str,
    height: &str,
) -> Result<MaskPatch, String> {
    let number = |name: &str, text: &str| {
        text.trim()
            .parse::<u32>()
            .map_err(|_| format!("{name} is \"{text}\", not a whole number of pixels"))
    };
    let (left, top) = (number("left", left)?, number("top", top)?);
    let (width, height) = (number("width", width)?, number("height", height)?);
    let pixels = u64::from(width) * u64::from(height);
    if pixels == 0 {
        return Err(format!(
            "the mask is {width}×{height} pixels, which holds nothing"
        ));
    }
    if pixels > MAX_PATCH_PIXELS {
        return Err(format!(
            "the mask is {width}×{height} pixels, far larger than any image"
        ));
    }
    let mut rows = vec![0u8; pixels as usize];
    let (mut at, mut set) = (0u64, false);
    for (i, run) in rle.split(',').enumerate() {
        let run = run.trim();
        let n: u64 = run
            .parse()
            .map_err(|_| format!("run {i} of rle is \"{run}\", not a whole number"))?;
        // `at` never passes `pixels`, so this cannot overflow where `at + n` can.
        if n > pixels - at {
            return Err(format!(
                "the rle runs cover more than the {width}×{height} pixels of the mask"
            ));
        }
        if set {
            rows[at as usize..(at + n) as usize].fill(1);
        }
        at += n;
        set = !set;
    }
    Ok(MaskPatch {
        left,
        top,
        width,
        height,
        rows,
    })
}

/// The `rle` text of a patch's rows, as CVAT writes it.
pub fn encode_mask(rows: &[u8]) -> String {
    let mut runs: Vec<u64> = Vec::new();
    let (mut set, mut run) = (false, 0u64);
    for &v in rows {
        if (v != 0) != set {
            runs.push(run);
            set = !set;
            run = 0;
        }
        run += 1;
    }
    runs.push(run);
    let texts: Vec<String> = runs.iter().map(u64::to_string).collect();
    texts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_the_largest_number_is_refused_without_overflow() {
        let err = decode_mask("3, 18446744073709551615", "0", "0", "2", "2").unwrap_err();
        assert!(err.contains("cover more than the 2×2 pixels"), "{err}");
    }

    #[test]
    fn runs_start_unset_and_fill_the_rectangle_row_by_row() {
        let p = decode_mask("0, 2, 3, 1", "4", "5", "3", "2").unwrap();
        assert_eq!((p.left, p.top, p.width, p.height), (4, 5, 3, 2));
        assert_eq!(p.rows, [1, 1, 0, 0, 0, 1]);
        assert_eq!(encode_mask(&p.rows), "0, 2, 3, 1");
        // Runs that stop short leave the rest unset.
        assert_eq!(
            decode_mask("1,1", "0", "0", "2", "2").unwrap().rows,
            [0, 1, 0, 0]
        );
        assert_eq!(encode_mask(&[0, 1, 0, 0]), "1, 1, 2");
        for (rle, w, h, what) in [
            ("1,x", "2", "2", "not a whole number"),
            ("9", "2", "2", "cover more than"),
            ("1", "0", "2", "holds nothing"),
            ("1", "100000", "100000", "far larger"),
            ("1", "-2", "2", "not a whole number of pixels"),
        ] {
            let err = decode_mask(rle, "0", "0", w, h).unwrap_err();
            assert!(err.contains(what), "{rle} {w}×{h}: {err}");
        }
    }
}
