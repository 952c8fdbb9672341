//! RLE beyond the pycocotools fixture: refusals, moves, grids, serde, and masks
//! back to polygons.

use super::super::{Rle, RleError, f32_as_written, mask_to_polygon};
use super::{Rng, pt, square};
use crate::model::shape::Shape;

/// A column-major mask from rows drawn as text (`#` set).
fn drawn(rows: &[&str]) -> Rle {
    let (h, w) = (rows.len(), rows[0].len());
    let row_major: Vec<u8> = rows
        .iter()
        .flat_map(|r| r.bytes().map(|b| u8::from(b == b'#')))
        .collect();
    Rle::encode_row_major(h as u32, w as u32, &row_major).unwrap()
}

#[test]
fn counts_must_fill_the_mask() {
    assert_eq!(
        Rle::from_counts(2, 2, vec![1, 2]),
        Err(RleError::CountsSum {
            expected: 4,
            found: 3
        })
    );
    assert_eq!(
        Rle::from_counts(70_000, 70_000, vec![]),
        Err(RleError::TooLarge {
            h: 70_000,
            w: 70_000
        })
    );
    assert_eq!(
        Rle::encode(2, 2, &[0; 3]),
        Err(RleError::MaskLength {
            expected: 4,
            found: 3
        })
    );
    assert!(Rle::from_counts(0, 5, vec![]).is_ok());
    assert_eq!(Rle::empty(0, 0).unwrap().decode(), Vec::<u8>::new());
}

#[test]
fn compressed_strings_are_checked() {
    assert_eq!(
        Rle::from_compressed(2, 2, b"4 "),
        Err(RleError::BadChar { at: 1 })
    );
    // A continuation bit on the last character: the number is cut short.
    assert_eq!(
        Rle::from_compressed(2, 2, b"P"),
        Err(RleError::BadNumber { at: 1 })
    );
    assert_eq!(
        Rle::from_compressed(2, 2, b"PPPPPPP0"),
        Err(RleError::BadNumber { at: 7 })
    );
    assert!(matches!(
        Rle::from_compressed(2, 2, b"5"),
        Err(RleError::CountsSum { .. })
    ));
    // Large runs and negative differences round-trip.
    let big = Rle::from_counts(60_000, 60_000, vec![1_000_000_000, 5, 2_599_999_990, 5]).unwrap();
    let text = big.to_compressed();
    assert_eq!(
        Rle::from_compressed(60_000, 60_000, text.as_bytes()).unwrap(),
        big
    );
    for e in [RleError::BadChar { at: 3 }, RleError::PolygonTooLarge] {
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn serde_writes_coco_compressed_and_reads_both_forms() {
    let rle = Rle::from_counts(2, 7, vec![3, 4, 0, 2, 5]).unwrap();
    let json = serde_json::to_string(&rle).unwrap();
    assert_eq!(json, r#"{"size":[2,7],"counts":"340N5"}"#);
    let uncompressed = r#"{"size":[2,7],"counts":[3,4,0,2,5]}"#;
    assert_eq!(serde_json::from_str::<Rle>(uncompressed).unwrap(), rle);
    assert!(serde_json::from_str::<Rle>(r#"{"size":[2,7],"counts":[3]}"#).is_err());
    let ron = ron::to_string(&Shape::Mask(rle.clone())).unwrap();
    assert_eq!(ron::from_str::<Shape>(&ron).unwrap(), Shape::Mask(rle));
}

#[test]
fn pixels_are_read_moved_and_put_on_other_grids() {
    let m = drawn(&["....", ".##.", ".#..", "...."]);
    assert!(m.is_set(1, 1) && m.is_set(2, 1) && m.is_set(1, 2) && !m.is_set(2, 2));
    assert!(!m.is_set(9, 0) && !m.is_set(0, 9));
    assert_eq!(m.shifted(2, 1), drawn(&["....", "....", "...#", "...#"]));
    assert_eq!(m.shifted(-1, -1), drawn(&["##..", "#...", "....", "...."]));
    assert_eq!(
        m.shifted(i64::MAX, 0).area(),
        0,
        "moved out entirely, without overflow"
    );
    assert_eq!(m.resized_canvas(2, 3).unwrap(), drawn(&["...", ".##"]));
    assert_eq!(Rle::merge(&[m.clone(), drawn(&["#"])], false), None);
    assert_eq!(Rle::merge(&[], false), None);
    assert_eq!(
        m.union(&drawn(&["#...", "....", "....", "...#"]))
            .unwrap()
            .area(),
        5
    );
}

#[test]
fn polygons_far_outside_any_image_are_refused_not_walked() {
    let ring = [pt(0.0, 0.0), pt(1e9, 0.0), pt(0.0, 1e9)];
    assert_eq!(
        Rle::from_ring(10, 10, &ring),
        Err(RleError::PolygonTooLarge)
    );
    // An empty polygon or an empty image is an empty mask.
    assert_eq!(Rle::from_polygon_xy(4, 4, &[]).unwrap().area(), 0);
    assert_eq!(
        Rle::from_ring(0, 4, &square(0.0, 0.0, 2.0)).unwrap().area(),
        0
    );
}

#[test]
fn f32_coordinates_widen_to_the_decimal_they_were_read_from() {
    for text in [
        "0.7", "239.97", "12.1", "1234.56", "0.05", "-3.3", "100", "4.2e-3",
    ] {
        let v: f64 = text.parse().unwrap();
        assert_eq!(f32_as_written(v as f32), v, "{text}");
    }
    assert!(f32_as_written(f32::NAN).is_nan());
    // 0.7 is the case that matters: ×5 + 0.5 is 4 in f64 and 3.9999 in f32.
    assert_eq!((5.0 * f32_as_written(0.7) + 0.5) as i32, 4);
}

#[test]
fn masks_come_back_as_outer_outlines() {
    let m = drawn(&[".....", ".###.", ".#.#.", ".###.", "....."]);
    let p = mask_to_polygon(&m, 0.0).unwrap();
    assert_eq!(p.part_count(), 1, "the hole is dropped");
    assert_eq!(p.part(0).unwrap(), square(1.0, 1.0, 3.0).as_slice());
    // Pixels touching at a corner are separate regions.
    let diagonal = drawn(&["#.", ".#"]);
    assert_eq!(mask_to_polygon(&diagonal, 0.0).unwrap().part_count(), 2);
    assert_eq!(mask_to_polygon(&Rle::empty(3, 3).unwrap(), 0.0), None);
}

#[test]
fn outlines_rasterise_back_to_the_same_mask() {
    let mut rng = Rng::new(11);
    for _ in 0..60 {
        let (h, w) = (3 + rng.below(20) as u32, 3 + rng.below(20) as u32);
        // Blobs without holes: a few filled rectangles.
        let mut rows = vec![0u8; (h * w) as usize];
        for _ in 0..1 + rng.below(4) {
            let (x0, y0) = (rng.below(w as usize), rng.below(h as usize));
            let (x1, y1) = (x0 + 1 + rng.below(6), y0 + 1 + rng.below(6));
            for y in y0..y1.min(h as usize) {
                for x in x0..x1.min(w as usize) {
                    rows[y * w as usize + x] = 1;
                }
            }
        }
        let mask = Rle::encode_row_major(h, w, &rows).unwrap();
        let polygon = mask_to_polygon(&mask, 0.0).unwrap();
        let filled = Rle::from_parts(h, w, polygon.parts()).unwrap();
        // Holes (where rectangles ring an empty pixel) come back filled.
        let holes = filled.area() - mask.area();
        assert_eq!(
            filled.iou(&mask, false),
            Some(mask.area() as f64 / filled.area() as f64)
        );
        assert!(holes < 4 * 4 * 4, "{holes}");
        // Simplified within half a pixel it stays close.
        let simple = mask_to_polygon(&mask, 0.5).unwrap();
        let again = Rle::from_parts(h, w, simple.parts()).unwrap();
        assert!(again.iou(&filled, false).unwrap() > 0.6);
        assert!(simple.points().len() <= polygon.points().len());
    }
}

#[test]
fn patches_go_onto_the_image_and_come_back_cut_to_their_pixels() {
    let image = drawn(&[
        "......", //
        "..##..", //
        "..#...", //
        "......",
    ]);
    let patch = image.patch().unwrap();
    assert_eq!(
        (patch.left, patch.top, patch.width, patch.height),
        (2, 1, 2, 2)
    );
    assert_eq!(patch.rows, [1, 1, 1, 0]);
    let back = Rle::from_patch((4, 6), (2, 1), (patch.width, patch.height), &patch.rows);
    assert_eq!(back, Ok(image.clone()));
    // A larger patch with empty margins gives the same mask.
    let padded = [0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0];
    assert_eq!(Rle::from_patch((4, 6), (1, 0), (4, 3), &padded), Ok(image));
    // What falls outside the image is cut off, on every side.
    let cut = Rle::from_patch((2, 2), (-1, -1), (3, 3), &[1; 9]).unwrap();
    assert_eq!(cut, drawn(&["##", "##"]));
    let beyond = Rle::from_patch((2, 2), (5, 0), (1, 1), &[1]).unwrap();
    assert_eq!((beyond.area(), beyond.patch()), (0, None));
    assert_eq!(
        Rle::from_patch((2, 2), (0, 0), (2, 2), &[1, 1, 1]),
        Err(RleError::MaskLength {
            expected: 4,
            found: 3
        })
    );
    // A run across columns spans whole columns.
    let tall = drawn(&[".##", ".##", ".##"]);
    let p = tall.patch().unwrap();
    assert_eq!((p.left, p.top, p.width, p.height), (1, 0, 2, 3));
    assert!(p.rows.iter().all(|&v| v == 1));
}
