use super::*;
use crate::model::{BBox, Keypoint, Point, Polygon, RotatedRect, Shape, Visibility};

/// The one row of `text` read in `layout`, or the problems.
fn one_row(text: &str, layout: YoloLayout) -> Result<YoloRecord, Vec<String>> {
    let (rows, problems) = parse_label_file(text.as_bytes());
    let mut messages: Vec<String> = problems.into_iter().map(|p| p.message).collect();
    match rows.as_slice() {
        [row] if messages.is_empty() => read_row(row, layout).map_err(|e| vec![e]),
        _ => {
            messages.push(format!("{} rows", rows.len()));
            Err(messages)
        }
    }
}

fn one_box(text: &str) -> Result<YoloRecord, Vec<String>> {
    one_row(text, YoloLayout::Detect)
}

fn cxcywh(record: &YoloRecord) -> [f64; 4] {
    match record.geometry {
        YoloGeometry::Box(b) => b,
        ref other => panic!("not a box: {other:?}"),
    }
}

fn message(text: &[u8]) -> String {
    let (rows, problems) = parse_label_file(text);
    assert!(rows.is_empty(), "{rows:?}");
    assert_eq!(problems.len(), 1, "{problems:?}");
    format!("{}: {}", problems[0].line, problems[0].message)
}

#[test]
fn reads_boxes_with_and_without_confidence() {
    let text = "0 0.5 0.5 0.25 0.5\r\n\n  3\t0.1 0.2 0.1 0.1 0.87\n";
    let (rows, problems) = parse_label_file(text.as_bytes());
    assert!(problems.is_empty(), "{problems:?}");
    let records: Vec<YoloRecord> = rows
        .iter()
        .map(|r| read_row(r, YoloLayout::Detect).unwrap())
        .collect();
    assert_eq!(
        (records[0].line, records[0].class, records[0].confidence),
        (1, 0, None)
    );
    assert_eq!((records[1].line, records[1].class), (3, 3));
    assert_eq!(records[1].confidence, Some(0.87));
    assert!(one_box("\u{feff}1 0.5 0.5 0.1 0.1").is_ok(), "UTF-8 BOM");
    assert_eq!(one_box("2.0 0.5 0.5 0.1 0.1").map(|b| b.class), Ok(2));
}

#[test]
fn bad_lines_are_reported_with_their_line_and_the_rest_kept() {
    let text = "0 0.5 0.5 0.2\n0 0.5 x 0.2 0.2\n0 nan 0.5 0.2 0.2\n0 0.5 0.5 -0.2 0.2\n-1 0.5 0.5 0.2 0.2\n0 0.1 0.1 0.2 0.1 0.3 0.2\n1 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2 high";
    let (rows, problems) = parse_label_file(text.as_bytes());
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [1, 2, 3, 5, 8]);
    assert!(problems[0].message.contains("found 4"), "{problems:?}");
    assert!(
        problems[1]
            .message
            .contains("`x` (column 3) is not a number")
    );
    assert!(problems[2].message.contains("not a finite number"));
    assert!(problems[3].message.contains("`-1`"));
    assert!(problems[4].message.contains("kept without it"));
    // What the numbers mean is the layout's to say.
    let read: Vec<(usize, Result<YoloRecord, String>)> = rows
        .iter()
        .map(|r| (r.line, read_row(r, YoloLayout::Detect)))
        .collect();
    assert_eq!(read.len(), 4);
    assert_eq!(read[0].0, 4);
    let no_area = read[0]
        .1
        .as_ref()
        .map(|r| to_bbox(cxcywh(r), 100, 100, OutsidePolicy::Clamp));
    assert!(
        matches!(no_area, Ok(Err(ref e)) if e.contains("no area")),
        "{no_area:?}"
    );
    assert!(
        read[1]
            .1
            .as_ref()
            .is_err_and(|e| e.contains("expected 5 columns"))
    );
    assert_eq!(read[2].1.as_ref().map(|r| r.line), Ok(7));
    assert_eq!(read[3].1.as_ref().map(|r| r.confidence), Ok(None));
}

#[test]
fn wrong_encodings_are_one_clear_problem() {
    assert!(message(b"\xff\xfe0\x00 \x00").contains("0: the file is UTF-16"));
    assert!(message(b"0 0.5\x000.5").contains("NUL bytes"));
    assert_eq!(
        message(b"0 0.5 0.5 0.1 \xe9t\xe9"),
        "1: the line is not UTF-8 text"
    );
}

#[test]
fn list_files_never_return_paths_outside_the_root() {
    let text = "./images/a.jpg\n../../etc/passwd\n/etc/passwd\nC:\\data\\x.jpg\nimages\\b.jpg\n\n";
    let (paths, problems) = parse_list_file(text.as_bytes());
    assert_eq!(
        paths,
        [
            (1, "images/a.jpg".to_string()),
            (5, "images/b.jpg".to_string())
        ]
    );
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 3, 4]);
    assert!(problems[0].message.contains("`../../etc/passwd`"));
    assert!(problems[0].message.contains("not opened"));
}

#[test]
fn class_files_in_both_shapes() {
    assert_eq!(
        parse_class_names("car\n行人\n\n").map(|c| c.names).ok(),
        Some(vec![Some("car".to_string()), Some("行人".to_string())])
    );
    assert!(parse_class_names("car\n\nbus\n").is_err_and(|e| e.starts_with("line 2")));
    let list =
        parse_data_yaml("path: /x\ntrain: images/train\nval: [images/val]\nnames: [car, '行人']\n");
    assert_eq!(
        list.ok(),
        Some(DataYaml {
            names: vec![Some("car".into()), Some("行人".into())],
            splits: vec!["images/train".into(), "images/val".into()],
            ..DataYaml::default()
        })
    );
    let map = parse_data_yaml("names:\n  0: car\n  2: bus\n").map(|d| d.names);
    assert_eq!(
        map.ok(),
        Some(vec![Some("car".into()), None, Some("bus".into())])
    );
    assert!(parse_data_yaml("names: [car\n").is_err());
    assert!(parse_data_yaml("train: x\n").is_err());
}

#[test]
fn pose_keys_and_tasks_in_data_yaml() {
    let yaml = parse_data_yaml(
        "names: {0: person}\nkpt_shape: [3, 3]\nflip_idx: [1, 0, 2]\nkpt_names:\n  0: [left_eye, right_eye, nose]\n",
    )
    .unwrap();
    let shape = KptShape { points: 3, dims: 3 };
    assert_eq!(yaml.kpt_shape, Some(shape));
    assert_eq!(shape.columns(), 14);
    assert_eq!(
        yaml.kpt_names,
        vec![(
            0,
            vec!["left_eye".into(), "right_eye".into(), "nose".into()]
        )]
    );
    let task = |t: &str| parse_data_yaml(&format!("names: [a]\nkpt_shape: [2, 2]\ntask: {t}\n"));
    assert_eq!(task("segment").unwrap().task, Some(YoloLayout::Segment));
    assert_eq!(task("obb").unwrap().task, Some(YoloLayout::Obb));
    assert_eq!(
        task("pose").unwrap().task,
        Some(YoloLayout::Pose(KptShape { points: 2, dims: 2 }))
    );
    assert!(
        task("classify").unwrap().problems[0]
            .message
            .contains("classify")
    );
    assert!(parse_data_yaml("names: [a]\ntask: pose\n").is_err_and(|e| e.contains("kpt_shape")));
    for bad in ["[0, 3]", "[17, 4]", "[17]", "[1.5, 3]"] {
        let parsed = parse_data_yaml(&format!("names: [a]\nkpt_shape: {bad}\n"));
        assert!(parsed.is_err_and(|e| e.contains("kpt_shape")), "{bad}");
    }
}

#[test]
fn class_ids_above_65535_are_problems_not_tables() {
    let yaml = parse_data_yaml(
        "names: {0: car, 4294967295: x, 18446744073709551615: y, -1: z, a: w, 2.5: v, 1e30: u, 65535: last}\n",
    );
    let Ok(yaml) = yaml else {
        panic!("{yaml:?}");
    };
    assert_eq!(yaml.names.len(), 65_536);
    assert_eq!(yaml.names[0].as_deref(), Some("car"));
    assert_eq!(yaml.names[65_535].as_deref(), Some("last"));
    let messages: Vec<&str> = yaml.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "class id 4294967295 (`x`) is above 65535, the largest Shugu takes; its boxes are skipped",
            "class id 18446744073709551615 (`y`) is above 65535, the largest Shugu takes; its boxes are skipped",
            "`-1` (`z`) is not a class id (a whole number from 0); its boxes are skipped",
            "`a` (`w`) is not a class id (a whole number from 0); its boxes are skipped",
            "`2.5` (`v`) is not a class id (a whole number from 0); its boxes are skipped",
            "class id 1000000000000000000000000000000 (`u`) is above 65535, the largest Shugu takes; its boxes are skipped",
        ]
    );
    let nc = parse_data_yaml("nc: 4294967296\n").map(|y| (y.names.len(), y.problems.len()));
    assert_eq!(nc, Ok((65_536, 1)));
    let list: String = (0..65_537).map(|i| format!("c{i}\n")).collect();
    let names = parse_class_names(&list).map(|c| (c.names.len(), c.problems));
    assert_eq!(
        names,
        Ok((
            65_536,
            vec![LineProblem {
                line: 65_537,
                message: "this line and the 0 after it name class ids above 65535, the largest \
                          Shugu takes; they were left out"
                    .into()
            }]
        ))
    );
    for line in [
        "65536 0.5 0.5 0.1 0.1",
        "4294967296 0.5 0.5 0.1 0.1",
        "7e4 0.5 0.5 0.1 0.1",
    ] {
        let problem = one_box(line).map(|b| b.class).unwrap_err();
        assert!(
            problem[0].contains("is above 65535, the largest Shugu takes; the row was skipped"),
            "{line}: {problem:?}"
        );
    }
    assert_eq!(
        one_box("65535 0.5 0.5 0.1 0.1").map(|b| b.class),
        Ok(65_535)
    );
}

#[test]
fn boxes_convert_both_ways_within_1e_6() {
    let b = [0.123456789, 0.87654321, 0.0123457, 0.2];
    let placed = to_bbox(b, 1919, 1081, OutsidePolicy::Skip).map(|p| p.bbox);
    let Ok(bbox) = placed else {
        panic!("{placed:?}")
    };
    let mut line = String::new();
    format_label_line(&mut line, 0, &bbox, 1919, 1081);
    let back = cxcywh(&one_box(&line).unwrap_or_else(|p| panic!("{p:?}")));
    for (a, z) in b.iter().zip(back) {
        assert!((a - z).abs() < 1e-6, "{a} vs {z} in {line}");
    }
}

#[test]
fn boxes_outside_are_clamped_or_skipped() {
    let b = [0.95, 0.5, 0.2, 0.2];
    let clamped = to_bbox(b, 100, 100, OutsidePolicy::Clamp);
    assert_eq!(
        clamped,
        Ok(Placed {
            bbox: BBox::from_corners([85.0, 40.0], [100.0, 60.0]),
            clamped: true
        })
    );
    assert!(to_bbox(b, 100, 100, OutsidePolicy::Skip).is_err_and(|e| e.contains("outside")));
    let gone = [1.5, 0.5, 0.2, 0.2];
    assert!(to_bbox(gone, 100, 100, OutsidePolicy::Clamp).is_err_and(|e| e.contains("no area")));
}

#[test]
fn files_tell_their_layout_by_their_columns() {
    assert_eq!(file_layout([5, 6, 5]), Some(YoloLayout::Detect));
    assert_eq!(file_layout([7, 5]), Some(YoloLayout::Segment));
    assert_eq!(file_layout([12]), Some(YoloLayout::Segment));
    assert_eq!(
        file_layout([9, 10, 5]),
        None,
        "oriented boxes or 4-point polygons"
    );
    assert_eq!(file_layout([]), Some(YoloLayout::Detect));
}

#[test]
fn rows_read_in_each_layout() {
    let seg = one_row("2 0.1 0.1 0.5 0.1 0.3 0.4 0.9", YoloLayout::Segment).unwrap();
    assert_eq!(seg.confidence, Some(0.9));
    assert_eq!(
        seg.geometry,
        YoloGeometry::Polygon(vec![[0.1, 0.1], [0.5, 0.1], [0.3, 0.4]])
    );
    let obb = one_row("1 0.1 0.1 0.5 0.1 0.5 0.4 0.1 0.4", YoloLayout::Obb).unwrap();
    assert_eq!(obb.confidence, None);
    assert!(matches!(obb.geometry, YoloGeometry::Oriented(_)));
    assert!(
        one_row("1 0.1 0.1 0.5 0.1 0.5 0.4", YoloLayout::Obb)
            .is_err_and(|e| e[0].contains("not an oriented box"))
    );
    // kpt_shape [2, 2]: a negative coordinate is a point not labelled, as
    // Ultralytics masks them; [2, 3] takes `v` as written.
    let two = KptShape { points: 2, dims: 2 };
    let pose = one_row("0 0.5 0.5 0.2 0.2 0.4 0.45 -1 -1", YoloLayout::Pose(two)).unwrap();
    let YoloGeometry::Pose { bbox, points } = &pose.geometry else {
        panic!("{pose:?}")
    };
    assert_eq!(*bbox, [0.5, 0.5, 0.2, 0.2]);
    assert_eq!(points, &vec![[0.4, 0.45, 2.0], [-1.0, -1.0, 0.0]]);
    let three = KptShape { points: 2, dims: 3 };
    assert!(
        one_row("0 0.5 0.5 0.2 0.2 0.4 0.45 2", YoloLayout::Pose(three))
            .is_err_and(|e| e[0].contains("kpt_shape [2, 3]"))
    );
    // Boxes are boxes in every layout.
    assert!(one_row("0 0.5 0.5 0.2 0.2", YoloLayout::Segment).is_ok_and(|r| r.geometry.is_box()));
}

#[test]
fn rows_become_shapes_in_pixels() {
    let shapes = |g: YoloGeometry| row_shapes(&g, 200, 100, OutsidePolicy::Clamp).unwrap();
    let polygon = shapes(YoloGeometry::Polygon(vec![
        [0.1, 0.1],
        [0.5, 0.1],
        [0.3, 0.5],
    ]));
    assert_eq!(
        polygon.shapes,
        vec![Shape::Polygon(Polygon::new(vec![
            Point::new(20.0, 10.0),
            Point::new(100.0, 10.0),
            Point::new(60.0, 50.0),
        ]))]
    );
    // An axis-aligned rectangle of corners is a rotated box at 0°.
    let obb = shapes(YoloGeometry::Oriented([
        [0.1, 0.1],
        [0.5, 0.1],
        [0.5, 0.5],
        [0.1, 0.5],
    ]));
    let [Shape::RotatedRect(r)] = obb.shapes.as_slice() else {
        panic!("{obb:?}")
    };
    let expected = RotatedRect::new(60.0, 30.0, 80.0, 40.0, 0.0);
    assert!(
        (r.cx - expected.cx).abs() < 1e-4 && (r.w - expected.w).abs() < 1e-4,
        "{r:?}"
    );
    assert!(r.angle.abs() < 1e-4, "{r:?}");
    // A pose: its box and its labelled points, one group; a point outside
    // the image is not labelled, and said so.
    let pose = shapes(YoloGeometry::Pose {
        bbox: [0.5, 0.5, 0.4, 0.4],
        points: vec![
            [0.4, 0.4, 2.0],
            [0.6, 0.6, 1.0],
            [0.0, 0.0, 0.0],
            [1.5, 0.5, 2.0],
        ],
    });
    assert_eq!(pose.shapes.len(), 2);
    assert_eq!(
        pose.shapes[1],
        Shape::Keypoints(vec![
            Keypoint::new(80.0, 40.0, Visibility::Visible),
            Keypoint::new(120.0, 60.0, Visibility::Occluded),
            Keypoint::NOT_LABELLED,
            Keypoint::NOT_LABELLED,
        ])
    );
    assert!(pose.notes[0].contains("outside"), "{:?}", pose.notes);
    let outside = YoloGeometry::Polygon(vec![[0.8, 0.1], [1.5, 0.1], [0.9, 0.5]]);
    assert!(
        row_shapes(&outside, 200, 100, OutsidePolicy::Skip).is_err_and(|e| e.contains("outside"))
    );
    assert!(row_shapes(&outside, 200, 100, OutsidePolicy::Clamp).is_ok_and(|r| r.clamped));
}

#[test]
fn parts_are_joined_as_ultralytics_joins_them() {
    // Expected from ultralytics 8.4's `merge_multi_segment` on the same parts.
    let parts: Vec<Vec<[f64; 2]>> = [
        vec![10., 10., 20., 10., 20., 20., 10., 20.],
        vec![30., 12., 40., 12., 40., 22., 30., 22., 35., 25.],
        vec![12., 40., 22., 40., 17., 50.],
        vec![50., 50., 60., 50., 55., 60.],
    ]
    .iter()
    .map(|p| p.chunks(2).map(|c| [c[0], c[1]]).collect())
    .collect();
    let expected = [
        20, 10, 20, 20, 10, 20, 10, 10, 20, 10, 30, 12, 40, 12, 40, 22, 30, 22, 22, 40, 50, 50, 60,
        50, 55, 60, 50, 50, 22, 40, 17, 50, 12, 40, 22, 40, 30, 22, 35, 25, 30, 12,
    ];
    let merged: Vec<f64> = merge_multi_segment(&parts).concat();
    let expected: Vec<f64> = expected.iter().map(|&v| f64::from(v)).collect();
    assert_eq!(merged, expected);
}

#[test]
fn rows_are_written_in_each_layout() {
    let mut out = String::new();
    let polygon = Shape::Polygon(Polygon::new(vec![
        Point::new(20.0, 10.0),
        Point::new(100.0, 10.0),
        Point::new(60.0, 50.0),
    ]));
    assert_eq!(push_segment_row(&mut out, 1, &polygon, 200, 100), Ok(None));
    assert_eq!(out, "1 0.1 0.1 0.5 0.1 0.3 0.5\n");
    out.clear();
    let rect = Shape::Rect(BBox::from_corners([20.0, 10.0], [100.0, 50.0]));
    assert_eq!(push_obb_row(&mut out, 0, &rect, 200, 100), Ok(None));
    assert_eq!(out, "0 0.1 0.1 0.5 0.1 0.5 0.5 0.1 0.5\n");
    assert!(push_obb_row(&mut out, 0, &polygon, 200, 100).is_ok_and(|how| how.is_some()));
    let line = Shape::Polyline(vec![Point::new(0.0, 0.0), Point::new(5.0, 5.0)]);
    assert!(push_segment_row(&mut out, 0, &line, 200, 100).is_err());
    out.clear();
    let points = [
        Keypoint::new(80.0, 40.0, Visibility::Visible),
        Keypoint::NOT_LABELLED,
    ];
    let bbox = BBox::from_corners([60.0, 30.0], [140.0, 70.0]);
    push_pose_row(&mut out, 0, &bbox, &points, 3, (200, 100));
    assert_eq!(out, "0 0.5 0.5 0.4 0.4 0.4 0.4 2 0 0 0 0 0 0\n");
}

#[test]
fn flip_idx_pairs_left_and_right_names() {
    let names: Vec<String> = [
        "nose",
        "left_eye",
        "right_eye",
        "L_hand",
        "r_foot",
        "l_foot",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(flip_idx(&names), vec![0, 2, 1, 3, 5, 4]);
    assert_eq!(flip_idx(&["0".into(), "1".into()]), vec![0, 1]);
}

#[test]
fn label_paths_and_data_yaml() {
    assert_eq!(label_path_for("images/train/a.jpg"), "labels/train/a.txt");
    assert_eq!(label_path_for("obj/b.png"), "labels/obj/b.txt");
    assert_eq!(label_path_for("c.v2.jpeg"), "labels/c.v2.txt");
    let paths = ["labels/train/a.txt", "labels/val/x/b.txt", "labels/c.txt"];
    let splits = split_names(paths);
    assert_eq!(splits, ["train", "val"]);
    let mut out = Vec::new();
    let written = write_data_yaml(&["car", "a \"b\""], &splits, None, &mut out);
    assert!(written.is_ok());
    let text = String::from_utf8_lossy(&out);
    let back = parse_data_yaml(&text);
    assert_eq!(
        back.ok(),
        Some(DataYaml {
            names: vec![Some("car".into()), Some("a \"b\"".into())],
            splits: vec!["images/train".into(), "images/val".into()],
            ..DataYaml::default()
        })
    );
    let pose = PoseYaml {
        kpt_shape: KptShape { points: 2, dims: 3 },
        flip_idx: vec![1, 0],
        kpt_names: vec![(0, vec!["left".into(), "right".into()])],
    };
    let mut out = Vec::new();
    assert!(write_data_yaml(&["person"], &[], Some(&pose), &mut out).is_ok());
    let back = parse_data_yaml(&String::from_utf8_lossy(&out)).unwrap();
    assert_eq!(back.kpt_shape, Some(pose.kpt_shape));
    assert_eq!(
        back.kpt_names,
        vec![(0, vec!["left".into(), "right".into()])]
    );
}
