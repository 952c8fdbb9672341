//! The stored byte form: its exact layout and its refusals.

use super::super::{Keypoint, Rle, SHAPE_CODEC_VERSION, ShapeDecodeError, ShapeKind, Visibility};
use super::{pt, square};
use crate::model::BBox;
use crate::model::shape::{Polygon, Shape};

fn le(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

#[test]
fn the_layout_is_one_version_byte_then_little_endian_numbers() {
    let rect = Shape::Rect(BBox::from_corners([1.0, 2.0], [3.0, 4.5]));
    let mut expected = vec![SHAPE_CODEC_VERSION];
    expected.extend(le(&[1.0, 2.0, 3.0, 4.5]));
    assert_eq!(rect.to_bytes(), expected);
    assert_eq!(rect.to_bytes().len(), 17);

    let polygon = Shape::Polygon(Polygon::from_parts([
        vec![pt(1.0, 2.0), pt(3.0, 4.0), pt(5.0, 6.0)],
        square(0.0, 0.0, 1.0),
    ]));
    let mut expected = vec![1, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0];
    expected.extend(le(&[
        1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0,
    ]));
    assert_eq!(polygon.to_bytes(), expected);

    let k = Shape::Keypoints(vec![Keypoint::new(1.0, 2.0, Visibility::Occluded)]);
    let mut expected = vec![1];
    expected.extend(le(&[1.0, 2.0]));
    expected.push(1);
    assert_eq!(k.to_bytes(), expected);

    let mask = Rle::from_counts(2, 7, vec![3, 4, 0, 2, 5]).unwrap();
    let mut expected = vec![1, 2, 0, 0, 0, 7, 0, 0, 0];
    expected.extend(b"340N5");
    assert_eq!(Shape::Mask(mask).to_bytes(), expected);

    // encode appends.
    let mut out = vec![9, 9];
    rect.encode(&mut out);
    assert_eq!(&out[..2], &[9, 9]);
    assert_eq!(Shape::decode(ShapeKind::Rect, &out[2..]), Ok(rect));
}

#[test]
fn bad_bytes_are_refused_with_the_reason() {
    let rect = Shape::Rect(BBox::from_xywh(0.0, 0.0, 1.0, 1.0)).to_bytes();
    assert_eq!(
        Shape::decode(ShapeKind::Rect, &[]),
        Err(ShapeDecodeError::Empty)
    );
    let mut newer = rect.clone();
    newer[0] = 2;
    assert_eq!(
        Shape::decode(ShapeKind::Rect, &newer),
        Err(ShapeDecodeError::UnknownVersion(2))
    );
    let length = |kind, len| Err(ShapeDecodeError::Length { kind, len });
    assert_eq!(
        Shape::decode(ShapeKind::Rect, &rect[..16]),
        length(ShapeKind::Rect, 16)
    );
    let mut longer = rect.clone();
    longer.push(0);
    assert_eq!(
        Shape::decode(ShapeKind::Rect, &longer),
        length(ShapeKind::Rect, 18)
    );
    // The same bytes read as another kind are refused by length, not misread.
    assert_eq!(
        Shape::decode(ShapeKind::RotatedRect, &rect),
        length(ShapeKind::RotatedRect, 17)
    );
    assert_eq!(
        Shape::decode(ShapeKind::Keypoints, &rect),
        length(ShapeKind::Keypoints, 17)
    );
    // A polygon claiming more parts or points than its bytes hold.
    let huge = [1, 255, 255, 255, 255, 1, 0, 0, 0];
    assert_eq!(
        Shape::decode(ShapeKind::Polygon, &huge),
        length(ShapeKind::Polygon, 9)
    );
    let mut points = vec![1, 1, 0, 0, 0, 255, 255, 255, 127];
    points.extend(le(&[0.0; 6]));
    assert!(Shape::decode(ShapeKind::Polygon, &points).is_err());
    let mut k = vec![1];
    k.extend(le(&[1.0, 2.0]));
    k.push(3);
    assert_eq!(
        Shape::decode(ShapeKind::Keypoints, &k),
        Err(ShapeDecodeError::Visibility(3))
    );
    let bad_mask = [1, 2, 0, 0, 0, 2, 0, 0, 0, b'~'];
    assert!(matches!(
        Shape::decode(ShapeKind::Mask, &bad_mask),
        Err(ShapeDecodeError::Mask(_))
    ));
    assert!(
        ShapeDecodeError::UnknownVersion(2)
            .to_string()
            .contains("newer")
    );
}
