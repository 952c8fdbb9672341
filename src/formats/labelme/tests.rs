use super::*;
use crate::model::BBox;

fn file(json: &str) -> LabelmeFile {
    match parse_labelme(json.as_bytes()) {
        Ok(file) => file,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn rectangles_take_their_corners_in_any_order() {
    let expected = BBox::from_corners([10.0, 20.0], [30.5, 40.25]);
    for points in [
        "[[10, 20], [30.5, 40.25]]",
        "[[30.5, 40.25], [10, 20]]",
        "[[10, 40.25], [30.5, 20]]",
        "[[30.5, 20], [10, 40.25]]",
    ] {
        let f = file(&format!(
            r#"{{"shapes": [{{"label": "car", "points": {points}, "shape_type": "rectangle"}}]}}"#
        ));
        assert_eq!(f.rects.len(), 1, "{points}");
        assert_eq!(f.rects[0].bbox, expected, "{points}");
        assert_eq!(f.rects[0].label, "car");
    }
}

#[test]
fn other_shapes_are_counted_true_flags_kept_image_data_ignored() {
    let f = file(
        r#"{"version": "5.5.0", "flags": {"night": true, "rain": false},
            "imagePath": "a.jpg", "imageData": "aGVsbG8=", "imageWidth": 64, "imageHeight": 48,
            "shapes": [
              {"label": "p", "points": [[1, 2], [3, 4], [5, 6]], "shape_type": "polygon"},
              {"label": "p", "points": [[1, 2]], "shape_type": "point"},
              {"label": "p", "points": [[1, 2], [3, 4], [5, 1]]},
              {"label": "c", "points": [[1, 2], [3, 4]], "shape_type": "circle"}
            ]}"#,
    );
    assert!(f.rects.is_empty());
    assert_eq!(f.flags, vec!["night".to_string()]);
    assert_eq!(f.image_path.as_deref(), Some("a.jpg"));
    assert_eq!(f.image_size, Some((64, 48)));
    assert_eq!(f.skipped.get("polygon"), Some(&2));
    assert_eq!(f.skipped.get("point"), Some(&1));
    assert_eq!(f.skipped.get("circle"), Some(&1));
}

#[test]
fn bad_shapes_are_reported_by_index_and_the_rest_kept() {
    let f = file(
        r#"{"shapes": [
              {"label": "car", "points": [[1, 2]], "shape_type": "rectangle"},
              {"label": "car", "points": "[[1, 2], [3, 4]]", "shape_type": "rectangle"},
              {"label": 7, "points": [[1, 2], [3, 4]], "shape_type": "rectangle"},
              {"label": "car", "points": [["a", 2], [3, 4]], "shape_type": "rectangle"},
              {"label": "car", "points": [[1, 2], [1, 4]], "shape_type": "rectangle"},
              {"label": "car", "shape_type": "rectangle"},
              "nonsense",
              {"label": "car", "points": [[1, 2], [3, 4]], "shape_type": "rectangle"}
            ]}"#,
    );
    assert_eq!(f.rects.len(), 1);
    assert_eq!(f.rects[0].shape, 7);
    let at: Vec<Option<usize>> = f.problems.iter().map(|p| p.shape).collect();
    assert_eq!(at, (0..7).map(Some).collect::<Vec<_>>());
}

#[test]
fn a_bare_nan_fails_only_its_shape() {
    let f = file(
        r#"{"shapes": [
              {"label": "car", "points": [[NaN, 1], [2, 3]], "shape_type": "rectangle"},
              {"label": "car", "points": [[1, 2], [3, Infinity]], "shape_type": "rectangle"},
              {"label": "car", "points": [[1, 2], [3, 4]], "shape_type": "rectangle"}
            ]}"#,
    );
    assert_eq!(f.rects.len(), 1);
    let at: Vec<Option<usize>> = f.problems.iter().map(|p| p.shape).collect();
    assert_eq!(at, [Some(0), Some(1)]);
    assert!(f.problems[0].message.contains("not two finite numbers"));
}

#[test]
fn unusable_files_fail_with_a_reason() {
    for (bytes, needle) in [
        (&b"{\"shapes\": [{\"label\""[..], "not valid JSON"),
        (&b"{\"imagePath\": \"caf\xe9.jpg\"}"[..], "not UTF-8"),
        (&b"[1, 2]"[..], "not an object"),
        (&b"{\"shapes\": 3}"[..], "not a list"),
    ] {
        match parse_labelme(bytes) {
            Ok(f) => panic!("parsed {f:?}"),
            Err(e) => assert!(e.contains(needle), "{e}"),
        }
    }
}

#[test]
fn written_files_read_back_the_same() {
    let b = BBox::from_corners([1.5, 2.0], [30.25, 40.0]);
    let json = labelme_json(
        "a.jpg",
        64,
        48,
        &[("car", b)],
        &[("night", true), ("rain", false)],
    );
    assert_eq!(json["imageData"], serde_json::Value::Null);
    let f = file(&json.to_string());
    assert_eq!(f.rects[0].bbox, b);
    assert_eq!(f.flags, vec!["night".to_string()]);
    assert_eq!(f.image_path.as_deref(), Some("a.jpg"));
}
