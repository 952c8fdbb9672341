use super::*;
use crate::model::BBox;

fn one_box(text: &str) -> Result<YoloBox, Vec<LineProblem>> {
    let (mut boxes, problems) = parse_label_file(text.as_bytes());
    if problems.is_empty() && boxes.len() == 1 {
        Ok(boxes.remove(0))
    } else {
        Err(problems)
    }
}

fn message(text: &[u8]) -> String {
    let (boxes, problems) = parse_label_file(text);
    assert!(boxes.is_empty(), "{boxes:?}");
    assert_eq!(problems.len(), 1, "{problems:?}");
    format!("{}: {}", problems[0].line, problems[0].message)
}

#[test]
fn reads_boxes_with_and_without_confidence() {
    let text = "0 0.5 0.5 0.25 0.5\r\n\n  3\t0.1 0.2 0.1 0.1 0.87\n";
    let (boxes, problems) = parse_label_file(text.as_bytes());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(boxes.len(), 2);
    assert_eq!(
        (boxes[0].line, boxes[0].class, boxes[0].confidence),
        (1, 0, None)
    );
    assert_eq!((boxes[1].line, boxes[1].class), (3, 3));
    assert_eq!(boxes[1].confidence, Some(0.87));
    assert!(one_box("\u{feff}1 0.5 0.5 0.1 0.1").is_ok(), "UTF-8 BOM");
    assert_eq!(one_box("2.0 0.5 0.5 0.1 0.1").map(|b| b.class), Ok(2));
}

#[test]
fn bad_lines_are_reported_with_their_line_and_the_rest_kept() {
    let text = "0 0.5 0.5 0.2\n0 0.5 x 0.2 0.2\n0 nan 0.5 0.2 0.2\n0 0.5 0.5 -0.2 0.2\n-1 0.5 0.5 0.2 0.2\n0 0.1 0.1 0.2 0.1 0.3 0.2\n1 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2 high";
    let (boxes, problems) = parse_label_file(text.as_bytes());
    assert_eq!(boxes.len(), 2, "{boxes:?}");
    assert_eq!(boxes[0].line, 7);
    assert_eq!(boxes[1].confidence, None);
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [1, 2, 3, 4, 5, 6, 8]);
    assert!(problems[0].message.contains("found 4"), "{problems:?}");
    assert!(
        problems[1]
            .message
            .contains("`x` (column 3) is not a number")
    );
    assert!(problems[2].message.contains("not a finite number"));
    assert!(problems[3].message.contains("no area"));
    assert!(problems[4].message.contains("`-1`"));
    assert!(problems[5].message.contains("segmentation polygon"));
    assert!(problems[6].message.contains("kept without it"));
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
            problems: Vec::new(),
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
            problem[0]
                .message
                .contains("is above 65535, the largest Shugu takes; the box was skipped"),
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
    let b = YoloBox {
        line: 1,
        class: 0,
        cx: 0.123456789,
        cy: 0.87654321,
        w: 0.0123457,
        h: 0.2,
        confidence: None,
    };
    let placed = to_bbox(&b, 1919, 1081, OutsidePolicy::Skip).map(|p| p.bbox);
    let Ok(bbox) = placed else {
        panic!("{placed:?}")
    };
    let mut line = String::new();
    format_label_line(&mut line, 0, &bbox, 1919, 1081);
    let back = one_box(&line).unwrap_or_else(|p| panic!("{p:?}"));
    for (a, z) in [
        (b.cx, back.cx),
        (b.cy, back.cy),
        (b.w, back.w),
        (b.h, back.h),
    ] {
        assert!((a - z).abs() < 1e-6, "{a} vs {z} in {line}");
    }
}

#[test]
fn boxes_outside_are_clamped_or_skipped() {
    let b = YoloBox {
        line: 1,
        class: 0,
        cx: 0.95,
        cy: 0.5,
        w: 0.2,
        h: 0.2,
        confidence: None,
    };
    let clamped = to_bbox(&b, 100, 100, OutsidePolicy::Clamp);
    assert_eq!(
        clamped,
        Ok(Placed {
            bbox: BBox::from_corners([85.0, 40.0], [100.0, 60.0]),
            clamped: true
        })
    );
    assert!(to_bbox(&b, 100, 100, OutsidePolicy::Skip).is_err_and(|e| e.contains("outside")));
    let gone = YoloBox { cx: 1.5, ..b };
    assert!(to_bbox(&gone, 100, 100, OutsidePolicy::Clamp).is_err_and(|e| e.contains("no area")));
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
    let written = write_data_yaml(&["car", "a \"b\""], &splits, &mut out);
    assert!(written.is_ok());
    let text = String::from_utf8_lossy(&out);
    let back = parse_data_yaml(&text);
    assert_eq!(
        back.ok(),
        Some(DataYaml {
            names: vec![Some("car".into()), Some("a \"b\"".into())],
            splits: vec!["images/train".into(), "images/val".into()],
            problems: Vec::new(),
        })
    );
}
