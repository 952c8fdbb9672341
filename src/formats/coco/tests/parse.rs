use crate::formats::coco::{
    CocoError, CocoRle, RleCounts, Segmentation, SegmentationFault, parse_coco, parse_coco_header,
    stream_coco_annotations,
};
use crate::model::{Point, Polygon};

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
        (a[0].iscrowd, a[0].area, &a[0].segmentation),
        (false, None, &Segmentation::Empty)
    );
    assert_eq!(
        (a[1].bbox, a[1].iscrowd, a[1].area),
        (None, true, Some(9.0))
    );
    assert_eq!(
        a[1].segmentation,
        Segmentation::Rle(CocoRle {
            size: [480, 640],
            counts: RleCounts::Compressed("abc".into())
        })
    );
    assert_eq!(
        (a[2].bbox, &a[2].segmentation),
        (
            None,
            &Segmentation::Polygon(Polygon::new(vec![
                Point::new(1.0, 2.0),
                Point::new(3.0, 4.0),
                Point::new(5.0, 6.0)
            ]))
        )
    );
    assert_eq!(
        (a[3].bbox, &a[3].segmentation),
        (
            None,
            &Segmentation::Unusable(SegmentationFault::Unrecognised)
        )
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

/// Annotations of `n` boxes on image 1, category 1.
fn file_with_categories_last(n: usize) -> String {
    let annotations: Vec<String> = (1..=n)
        .map(|id| {
            format!(r#"{{"id": {id}, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}}"#)
        })
        .collect();
    format!(
        "\u{feff}{{\"info\": {{\"description\": \"x\"}}, \"images\": [{{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 10, \"height\": 10}}],\n\
         \"annotations\": [{}],\n\"categories\": [{{\"id\": 1, \"name\": \"猫\"}}]}}",
        annotations.join(",\n")
    )
}

#[test]
fn the_header_has_everything_but_the_annotations_wherever_they_are() {
    let text = file_with_categories_last(5);
    let full = parse_coco(text.as_bytes()).unwrap();
    let header = parse_coco_header(text.as_bytes()).unwrap();
    assert_eq!(full.annotations.len(), 5);
    assert!(header.annotations.is_empty());
    assert_eq!(header.images, full.images);
    assert_eq!(header.categories, full.categories);
    assert_eq!(header.info, full.info);
}

#[test]
fn a_header_error_is_explained_like_a_full_parse_error() {
    // A syntax error inside the annotations is the stream's to report; the
    // header pass skims past it.
    let broken = file_with_categories_last(3).replace(r#""id": 2,"#, r#""id": 2,,"#);
    assert_eq!(
        parse_coco_header(broken.as_bytes()).unwrap().images.len(),
        1
    );
    let err = stream_coco_annotations(broken.as_bytes(), 10, &mut |_| true).unwrap_err();
    match &err {
        CocoError::Parse { record, line, .. } => {
            assert_eq!(
                (record.as_deref(), *line),
                (Some("annotations[1]"), 3),
                "{err}"
            );
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    // Elsewhere, the skim gives up and the full pass explains.
    let broken = file_with_categories_last(1).replace(r#""width": 10"#, r#""width": 10,,"#);
    match parse_coco_header(broken.as_bytes()).unwrap_err() {
        CocoError::Parse { record, line, .. } => {
            assert_eq!((record.as_deref(), line), (Some("images[0]"), 1));
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let twice = r#"{"images": [], "categories": [], "annotations": [], "images": []}"#;
    let err = parse_coco_header(twice.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("duplicate field `images`"), "{err}");
    let missing = r#"{"images": [], "annotations": []}"#;
    let err = parse_coco_header(missing.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `categories`"), "{err}");
}

#[test]
fn annotations_stream_in_chunks_in_file_order() {
    let text = file_with_categories_last(7);
    let mut chunks: Vec<Vec<i64>> = Vec::new();
    stream_coco_annotations(text.as_bytes(), 3, &mut |chunk| {
        chunks.push(chunk.iter().map(|a| a.id).collect());
        true
    })
    .unwrap();
    assert_eq!(chunks, vec![vec![1, 2, 3], vec![4, 5, 6], vec![7]]);

    let mut seen = 0;
    stream_coco_annotations(text.as_bytes(), 2, &mut |chunk| {
        seen += chunk.len();
        false
    })
    .expect("stopping is not an error");
    assert_eq!(seen, 2);
}

#[test]
fn a_stream_error_names_the_annotation_after_the_chunks_handed_out() {
    let text = file_with_categories_last(6).replace(
        r#"{"id": 5, "image_id": 1"#,
        r#"{"id": 5, "image_id": "one""#,
    );
    let mut handed_out = 0;
    let err = stream_coco_annotations(text.as_bytes(), 2, &mut |chunk| {
        handed_out += chunk.len();
        true
    })
    .unwrap_err();
    assert_eq!(handed_out, 4);
    match err {
        CocoError::Parse { record, .. } => assert_eq!(record.as_deref(), Some("annotations[4]")),
        other => panic!("expected a parse error, got {other:?}"),
    }
}
