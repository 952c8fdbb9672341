use crate::formats::coco::{CocoError, Segmentation, parse_coco};

fn parse_err(bytes: &[u8]) -> CocoError {
    match parse_coco(bytes) {
        Ok(file) => panic!("expected an error, parsed {file:?}"),
        Err(err) => err,
    }
}

#[test]
fn accepts_missing_optional_fields_and_loose_number_forms() {
    let text = "\u{feff}{\"images\": [{\"id\": 1.0, \"file_name\": \"a.jpg\", \"width\": 640.0, \"height\": 480, \"license\": 3}],
        \"categories\": [{\"id\": 2, \"name\": \"猫\"}],
        \"annotations\": [
            {\"id\": 10, \"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4]},
            {\"id\": 11, \"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3], \"iscrowd\": true,
             \"segmentation\": {\"size\": [480, 640], \"counts\": \"abc\"}, \"area\": 9},
            {\"id\": 12, \"image_id\": 1, \"category_id\": 2, \"bbox\": null, \"segmentation\": [[1,2,3,4,5,6]]},
            {\"id\": 13, \"image_id\": 1, \"category_id\": 2, \"bbox\": [1, null, 3, 4], \"segmentation\": \"x\"}
        ],
        \"info\": {\"year\": \"2017\"}, \"extra\": {\"ignored\": [1, 2]}}";
    let file = parse_coco(text.as_bytes()).expect("lenient parse");
    assert_eq!(file.images[0].id, 1);
    assert_eq!((file.images[0].width, file.images[0].height), (640, 480));
    assert_eq!(file.categories[0].name, "猫");
    assert_eq!(file.categories[0].supercategory, "");
    let a = &file.annotations;
    assert_eq!(a[0].bbox, Some([1.0, 2.0, 3.0, 4.0]));
    assert_eq!(
        (a[0].iscrowd, a[0].area, a[0].segmentation),
        (false, None, Segmentation::Empty)
    );
    assert_eq!(
        (a[1].bbox, a[1].iscrowd, a[1].area),
        (None, true, Some(9.0))
    );
    assert_eq!(a[1].segmentation, Segmentation::Rle);
    assert_eq!(
        (a[2].bbox, a[2].segmentation),
        (None, Segmentation::Polygon)
    );
    assert_eq!(
        (a[3].bbox, a[3].segmentation),
        (None, Segmentation::Unrecognised)
    );
    // A malformed info block is replaced by defaults rather than failing the import.
    assert_eq!(file.info.year, None);
    assert!(file.licenses.is_empty());
}

#[test]
fn an_error_names_the_record_line_and_column() {
    let text = b"{\"images\": [],\n \"categories\": [],\n \"annotations\": [\n  {\"id\": 1, \"image_id\": 1, \"category_id\": 1},\n  {\"id\": 2, \"image_id\": \"one\", \"category_id\": 1}\n]}";
    let err = parse_err(text);
    match &err {
        CocoError::Parse {
            record,
            line,
            message,
            near,
            ..
        } => {
            assert_eq!(record.as_deref(), Some("annotations[1]"));
            assert_eq!(*line, 5);
            assert_eq!(
                message,
                "invalid type: string \"one\", expected a whole number"
            );
            assert!(near.contains("\"image_id\": \"one\""), "{near}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("cannot read the COCO file: invalid type: string \"one\", expected a whole number in annotations[1] (line 5, column "),
        "{err}"
    );
}

#[test]
fn explains_files_that_are_not_coco_datasets() {
    let results =
        parse_err(br#"[{"image_id": 1, "category_id": 1, "bbox": [1,2,3,4], "score": 0.9}]"#);
    assert!(
        results
            .to_string()
            .contains("is it a detection results file?"),
        "{results}"
    );

    let missing = parse_err(br#"{"images": [], "annotations": []}"#);
    assert!(
        missing.to_string().contains("missing field `categories`"),
        "{missing}"
    );

    let truncated = parse_err(br#"{"images": [{"id": 1, "file_na"#);
    match truncated {
        CocoError::Parse {
            record, message, ..
        } => {
            assert_eq!(record.as_deref(), Some("images[0]"));
            assert!(message.ends_with("(is the file truncated?)"), "{message}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }

    let twice = parse_err(br#"{"images": [], "images": [], "annotations": [], "categories": []}"#);
    assert!(
        twice.to_string().contains("duplicate field `images`"),
        "{twice}"
    );

    let trailing = parse_err(br#"{"images": [], "annotations": [], "categories": []} x"#);
    assert!(
        trailing.to_string().contains("trailing characters"),
        "{trailing}"
    );
}

#[test]
fn reads_annotation_keys_with_escapes_and_skips_unknown_ones() {
    let text = br#"{"images": [], "categories": [],
        "annotations": [{"attributes": {"occluded": true}, "image\u005fid": 4, "id": 1,
                         "category_id": 2.0, "bbox": [1.5, 2, 3, 4], "score": 0.5, "iscrowd": 0}]}"#;
    let file = parse_coco(text).expect("valid COCO");
    let a = &file.annotations[0];
    assert_eq!((a.id, a.image_id, a.category_id), (1, 4, 2));
    assert_eq!(a.bbox, Some([1.5, 2.0, 3.0, 4.0]));
}

#[test]
fn rejects_an_annotation_with_a_key_twice_or_without_an_id() {
    let twice = parse_err(
        br#"{"images": [], "categories": [],
            "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 1, 1], "bbox": [2, 2, 2, 2]}]}"#,
    );
    assert!(
        twice
            .to_string()
            .contains("duplicate field `bbox` in annotations[0]"),
        "{twice}"
    );
    let no_id = parse_err(
        br#"{"images": [], "categories": [], "annotations": [{"image_id": 1, "category_id": 1}]}"#,
    );
    assert!(
        no_id
            .to_string()
            .contains("missing field `id` in annotations[0]"),
        "{no_id}"
    );
}
