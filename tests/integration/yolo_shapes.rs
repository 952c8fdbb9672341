//! YOLO segmentation, pose and OBB, and DOTA, through the real `shugu`
//! binary on files Ultralytics' own converters wrote
//! (`tests/fixtures/yolo_shapes/`, see `make_fixtures.py` there):
//! import → export → import gives the same shapes, classes and attributes,
//! exported rows match the converters' to 1e-6, YOLO-OBB → DOTA → YOLO-OBB
//! and YOLO-pose ↔ COCO keypoints agree to 1e-6 (normalised), and model
//! predictions in these layouts become proposals of their shape.

use crate::common::cli::{DatasetCopy, copy_dir, export_ok, import_ok, shugu, succeeds};
use shugu::model::{AttrValue, Attributes, GroupId, Shape, ShapeKind};
use shugu::project::{Access, Project};
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/yolo_shapes");

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

/// One annotation: image, class, shape, attributes and group.
type Stored = (String, String, Shape, Attributes, Option<GroupId>);

/// Every annotation of a project, by image and then id.
fn stored(project: &Path) -> Vec<Stored> {
    let p = Project::open(project, Access::ReadOnly).unwrap();
    let mut all = p.all_annotations().unwrap();
    all.sort_by_key(|a| (p.item(a.item).unwrap().rel_path.clone(), a.id));
    all.into_iter()
        .map(|a| {
            let item = p.item(a.item).unwrap().rel_path.clone();
            let class = p.schema().class(a.class).unwrap().name.clone();
            (item, class, a.shape, a.attributes, a.group)
        })
        .collect()
}

/// A shape's kind and its coordinates, flattened, to compare with a tolerance.
fn coords(shape: &Shape) -> (ShapeKind, Vec<f32>) {
    let flat = |points: &[shugu::model::Point]| points.iter().flat_map(|p| [p.x, p.y]).collect();
    let values = match shape {
        Shape::Rect(b) => vec![b.min_x, b.min_y, b.max_x, b.max_y],
        Shape::RotatedRect(r) => flat(&r.corners()),
        Shape::Polygon(p) => flat(p.points()),
        Shape::Polyline(points) => flat(points),
        Shape::Keypoints(points) => points
            .iter()
            .flat_map(|k| [k.x, k.y, f32::from(u8::from(k.v))])
            .collect(),
        Shape::Mask(m) => m.counts().iter().map(|&c| c as f32).collect(),
    };
    (shape.kind(), values)
}

/// The same annotations, shapes within `tol` pixels; groups as the same
/// partition (their numbers may differ).
fn assert_same(a: &[Stored], b: &[Stored], tol: f32) {
    assert_eq!(a.len(), b.len(), "{a:#?}\nvs\n{b:#?}");
    for (x, y) in a.iter().zip(b) {
        assert_eq!((&x.0, &x.1, &x.3), (&y.0, &y.1, &y.3));
        assert_eq!(x.4.is_some(), y.4.is_some(), "{x:?} vs {y:?}");
        let ((kx, vx), (ky, vy)) = (coords(&x.2), coords(&y.2));
        assert_eq!(kx, ky, "{x:?} vs {y:?}");
        assert_eq!(vx.len(), vy.len(), "{x:?} vs {y:?}");
        for (p, q) in vx.iter().zip(&vy) {
            assert!((p - q).abs() <= tol, "{x:?}\nvs\n{y:?}");
        }
    }
}

/// The rows of a label file: numbers, the class first.
fn rows(file: &Path) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(|v| v.parse().unwrap()).collect())
        .collect()
}

/// The same rows in the same order, values to `tol`.
fn assert_rows(original: &Path, exported: &Path, tol: f64) {
    let (a, b) = (rows(original), rows(exported));
    assert_eq!(
        a.len(),
        b.len(),
        "{} vs {}",
        original.display(),
        exported.display()
    );
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.len(), y.len(), "{x:?} vs {y:?}");
        for (p, q) in x.iter().zip(y) {
            assert!(
                (p - q).abs() <= tol,
                "{}: {x:?}\nvs\n{y:?}",
                original.display()
            );
        }
    }
}

/// `shugu new DIR --images IMAGES --classes CLASSES`.
fn project_with_classes(dir: &Path, images: &Path, classes: &str) -> PathBuf {
    succeeds(&shugu([
        "new".as_ref(),
        dir.as_os_str(),
        "--images".as_ref(),
        images.as_os_str(),
        "--classes".as_ref(),
        classes.as_ref(),
    ]));
    dir.to_path_buf()
}

#[test]
fn segmentation_from_convert_coco_round_trips() {
    let data = DatasetCopy::new(&fixture("seg"));
    let first = data.project("first", "dataset/images");
    let (stdout, stderr) = import_ok(&first, &data.path("dataset"), "yolo", &[]);
    // Three polygons on street_01 (the crowd region was not converted), two on
    // 街道_02, and the box-shaped polygon convert_coco writes for boxes_03's box.
    assert!(
        stdout.contains("imported 6 annotations (6 polygon)"),
        "{stdout}"
    );
    assert!(
        stderr.contains("1 label file(s) hold only rows of 9 columns")
            && stderr.contains(
                "read as polygons because other files of the dataset hold longer polygons"
            ),
        "{stderr}"
    );
    let shapes = stored(&first);
    assert!(shapes.iter().any(|s| s.1 == "行人"));

    let out = data.path("seg-out");
    export_ok(&first, "yolo-seg", &out);
    for name in ["street_01", "街道_02", "boxes_03"] {
        let rel = format!("labels/train/{name}.txt");
        assert_rows(&data.path("dataset").join(&rel), &out.join(&rel), 1e-6);
    }
    let second = data.project("second", "dataset/images");
    let (stdout, _) = import_ok(&second, &out, "yolo-seg", &[]);
    assert!(
        stdout.contains("imported 6 annotations (6 polygon)"),
        "{stdout}"
    );
    assert_same(&shapes, &stored(&second), 1e-3);
}

#[test]
fn pose_round_trips_with_its_data_yaml() {
    let data = DatasetCopy::new(&fixture("pose"));
    let first = data.project("first", "dataset/images");
    let (stdout, _) = import_ok(&first, &data.path("dataset"), "yolo", &[]);
    assert!(
        stdout.contains("imported 6 annotations (3 rect, 3 keypoints)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("added keypoint names to classes: person"),
        "{stdout}"
    );
    let p = Project::open(&first, Access::ReadOnly).unwrap();
    let person = p.schema().class_by_name("person").unwrap();
    assert_eq!(person.keypoints.len(), 17);
    assert_eq!(person.keypoints[1], "left_eye");
    drop(p);
    let shapes = stored(&first);
    // A pose's box and points share a group.
    assert_eq!(shapes[0].4, shapes[1].4);

    let out = data.path("pose-out");
    export_ok(&first, "yolo-pose", &out);
    for name in ["person_01", "person_02"] {
        let rel = format!("labels/train/{name}.txt");
        assert_rows(&data.path("dataset").join(&rel), &out.join(&rel), 1e-6);
    }
    let yaml = std::fs::read_to_string(out.join("data.yaml")).unwrap();
    assert!(yaml.contains("kpt_shape: [17, 3]"), "{yaml}");
    // The mirror pairs Ultralytics' coco8-pose.yaml gives, found by name.
    assert!(
        yaml.contains("flip_idx: [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]"),
        "{yaml}"
    );
    let second = data.project("second", "dataset/images");
    import_ok(&second, &out, "yolo-pose", &[]);
    assert_same(&shapes, &stored(&second), 1e-3);
}

/// A COCO file's keypoints by image name: each record's `(x/w, y/h, v)`.
fn coco_keypoints(file: &Path) -> Vec<(String, Vec<[f64; 3]>)> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let images = json["images"].as_array().unwrap();
    let mut out: Vec<(String, Vec<[f64; 3]>)> = json["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["keypoints"].as_array().is_some_and(|k| !k.is_empty()))
        .map(|a| {
            let image = images.iter().find(|i| i["id"] == a["image_id"]).unwrap();
            let (w, h) = (
                image["width"].as_f64().unwrap(),
                image["height"].as_f64().unwrap(),
            );
            let name = image["file_name"].as_str().unwrap();
            let name = name.rsplit('/').next().unwrap().to_string();
            let k: Vec<f64> = a["keypoints"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            let points = k.chunks(3).map(|p| [p[0] / w, p[1] / h, p[2]]).collect();
            (name, points)
        })
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).unwrap());
    out
}

#[test]
fn pose_and_coco_keypoints_agree_both_ways() {
    let data = DatasetCopy::new(&fixture("pose"));
    let coco_source = fixture("coco_pose/instances_train.json");
    // YOLO-pose (convert_coco's output) → COCO: the source's points again.
    let from_yolo = data.project("from-yolo", "dataset/images");
    import_ok(&from_yolo, &data.path("dataset"), "yolo-pose", &[]);
    let coco = data.path("out.json");
    export_ok(&from_yolo, "coco", &coco);
    let (a, b) = (coco_keypoints(&coco_source), coco_keypoints(&coco));
    assert_eq!(a.len(), 3);
    assert_eq!(a.len(), b.len());
    for ((na, pa), (nb, pb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        for (p, q) in pa.iter().zip(pb) {
            for k in 0..3 {
                assert!((p[k] - q[k]).abs() <= 1e-6, "{na}: {pa:?} vs {pb:?}");
            }
        }
    }
    // COCO → YOLO-pose: convert_coco's rows again.
    let from_coco = data.project("from-coco", "dataset/images");
    import_ok(&from_coco, &coco_source, "coco", &[]);
    let out = data.path("pose-out");
    export_ok(&from_coco, "yolo-pose", &out);
    for name in ["person_01", "person_02"] {
        let rel = format!("labels/train/{name}.txt");
        assert_rows(&data.path("dataset").join(&rel), &out.join(&rel), 1e-6);
    }
}

/// The YOLO-OBB half of the OBB fixture: data.yaml, images and
/// convert_dota_to_yolo_obb's labels, without the DOTA originals.
fn obb_dataset() -> DatasetCopy {
    let data = DatasetCopy::new(&fixture("obb"));
    for phase in ["train_original", "val_original"] {
        std::fs::remove_dir_all(data.path("dataset/labels").join(phase)).unwrap();
    }
    data
}

const OBB_LABELS: [&str; 3] = [
    "labels/train/P0001.txt",
    "labels/train/P0002.txt",
    "labels/val/P0003.txt",
];

/// The converter's class order (`class_mapping` in convert_dota_to_yolo_obb).
const DOTA_CLASSES: &str = "plane,ship,storage-tank,baseball-diamond,tennis-court,\
    basketball-court,ground-track-field,harbor,bridge,large-vehicle,small-vehicle,helicopter,\
    roundabout,soccer-ball-field,swimming-pool,container-crane,airport,helipad";

#[test]
fn obb_from_convert_dota_round_trips() {
    let data = obb_dataset();
    let first = data.project("first", "dataset/images");
    let (stdout, stderr) = import_ok(&first, &data.path("dataset"), "yolo", &[]);
    // Rectangles are rotated boxes; the hand-drawn quadrilaterals stay polygons.
    assert!(
        stdout.contains("imported 7 annotations (5 rotated_rect, 2 polygon)"),
        "{stdout}"
    );
    assert!(stderr.contains("were read as oriented boxes"), "{stderr}");
    let out = data.path("obb-out");
    export_ok(&first, "yolo-obb", &out);
    for rel in OBB_LABELS {
        assert_rows(&data.path("dataset").join(rel), &out.join(rel), 1e-6);
    }
    let second = data.project("second", "dataset/images");
    import_ok(&second, &out, "yolo-obb", &[]);
    assert_same(&stored(&first), &stored(&second), 1e-3);
}

#[test]
fn dota_round_trips_with_difficult() {
    let data = DatasetCopy::new(&fixture("obb"));
    let first = data.project("first", "dataset/images");
    let originals = data.path("dataset/labels");
    // labels/ holds the DOTA originals and the converted YOLO-OBB files; the
    // DOTA ones alone are imported from their folders.
    for phase in ["train_original", "val_original"] {
        import_ok(&first, &originals.join(phase), "dota", &[]);
    }
    let shapes = stored(&first);
    assert_eq!(shapes.len(), 7);
    let difficult: Vec<&str> = shapes
        .iter()
        .filter(|s| s.3.get("difficult") == Some(&AttrValue::Bool(true)))
        .map(|s| s.1.as_str())
        .collect();
    assert_eq!(difficult, ["storage-tank", "harbor"]);
    let kinds: Vec<ShapeKind> = shapes.iter().map(|s| s.2.kind()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == ShapeKind::Polygon).count(),
        2
    );

    let out = data.path("dota-out");
    export_ok(&first, "dota", &out);
    for (phase, stem) in [("train", "P0001"), ("train", "P0002"), ("val", "P0003")] {
        // DOTA's numbers, difficult and class names again; no header.
        let original = originals.join(format!("{phase}_original/{stem}.txt"));
        let written = out.join(format!("labelTxt/{phase}/{stem}.txt"));
        let original = std::fs::read_to_string(original).unwrap();
        let written = std::fs::read_to_string(written).unwrap();
        // Corners (rotated boxes pass through f32 centre, size and angle),
        // then class and difficult as written.
        let lines = |t: &str| -> Vec<(Vec<f32>, String, String)> {
            t.lines()
                .filter(|l| l.split_whitespace().count() == 10)
                .map(|l| {
                    let v: Vec<&str> = l.split_whitespace().collect();
                    let corners = v[..8].iter().map(|x| x.parse().unwrap()).collect();
                    (corners, v[8].to_string(), v[9].to_string())
                })
                .collect()
        };
        let (a, b) = (lines(&original), lines(&written));
        assert_eq!(a.len(), b.len(), "{stem}");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!((&x.1, &x.2), (&y.1, &y.2), "{stem}");
            assert!(
                x.0.iter().zip(&y.0).all(|(p, q)| (p - q).abs() < 1e-3),
                "{stem}: {x:?} vs {y:?}"
            );
        }
    }
    let second = data.project("second", "dataset/images");
    import_ok(&second, &out, "dota", &[]);
    assert_same(&shapes, &stored(&second), 1e-3);
}

#[test]
fn yolo_obb_to_dota_to_yolo_obb_agrees_to_1e_6() {
    let data = obb_dataset();
    let images = data.path("dataset/images");
    let first = project_with_classes(&data.path("first"), &images, DOTA_CLASSES);
    import_ok(&first, &data.path("dataset"), "yolo-obb", &[]);
    let dota = data.path("dota");
    export_ok(&first, "dota", &dota);
    let second = project_with_classes(&data.path("second"), &images, DOTA_CLASSES);
    import_ok(&second, &dota, "dota", &[]);
    let out = data.path("obb-out");
    export_ok(&second, "yolo-obb", &out);
    for rel in OBB_LABELS {
        assert_rows(&data.path("dataset").join(rel), &out.join(rel), 1e-6);
    }
}

#[test]
fn dota_reads_label_txt_beside_images_and_reports_bad_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("DOTA");
    crate::common::write_image(&ds.join("train/images/a.png"), 200, 100);
    crate::common::write_image(&ds.join("train/images/b.png"), 200, 100);
    let write = |rel: &str, text: &str| {
        let path = ds.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "train/labelTxt/a.txt",
        "imagesource:GoogleEarth\ngsd:0.5\n\
         10 10 50 10 50 40 10 40 plane 0\n\
         10 10 50 10 50 40 plane\n\
         150 50 250 50 250 90 150 90 ship 1\n\
         1 1 1 1 1 1 1 1 ship 0\n",
    );
    write(
        "train/labelTxt/b.txt",
        "10 10 50 10 50 40 10 40 big truck 1\n",
    );
    // Not under labelTxt/: not a label file.
    write("README.txt", "DOTA v1.0\n");
    let project = project_with_classes(&tmp.path().join("p"), &ds, "");
    let (stdout, stderr) = import_ok(&project, &ds, "dota", &[]);
    assert!(
        stdout.contains("imported 3 annotations (3 rotated_rect)"),
        "{stdout}\n{stderr}"
    );
    for expected in [
        "train/labelTxt/a.txt:4: expected 10 columns",
        "train/labelTxt/a.txt:5: the box reaches outside the 200×100 image; it was clamped",
        "train/labelTxt/a.txt:6: the four corners enclose no area",
        "train/labelTxt/b.txt:1: difficult `truck` is not 0 or 1",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    assert!(!stderr.contains("README"), "{stderr}");
    // A class name with a space is one column when written.
    let out = tmp.path().join("out");
    let stdout = export_ok(&project, "dota", &out);
    assert!(stdout.contains("3 oriented boxes"), "{stdout}");
    let b = std::fs::read_to_string(out.join("labelTxt/train/b.txt")).unwrap();
    assert_eq!(b, "10 10 50 10 50 40 10 40 big 0\n");
}

#[test]
fn seg_and_obb_predictions_become_proposals_of_their_shape() {
    let data = DatasetCopy::new(&fixture("seg"));
    let project = data.project("p", "dataset/images");
    let preds = fixture("predictions");
    let root = data.path("preds");
    copy_dir(&preds, &root);
    let (stdout, _) = import_ok(
        &project,
        &root.join("seg"),
        "yolo",
        &["--as-proposals", "--add-unknown-classes"],
    );
    assert!(stdout.contains("imported 2 proposals"), "{stdout}");
    let (stdout, _) = import_ok(
        &project,
        &root.join("obb"),
        "yolo-obb",
        &[
            "--as-proposals",
            "--add-unknown-classes",
            "--source",
            "yolo11n-obb",
        ],
    );
    assert!(stdout.contains("imported 2 proposals"), "{stdout}");
    let p = Project::open(&project, Access::ReadOnly).unwrap();
    let mut proposals: Vec<(String, &str, f32, String)> = p
        .all_proposals()
        .unwrap()
        .into_iter()
        .map(|q| {
            let class = p.schema().class(q.class).unwrap().name.clone();
            (q.source, q.shape.kind().as_str(), q.score, class)
        })
        .collect();
    proposals.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(
        proposals,
        [
            ("seg".into(), "polygon", 0.402, "tree".into()),
            ("seg".into(), "polygon", 0.913, "car".into()),
            ("yolo11n-obb".into(), "rotated_rect", 0.51, "plane".into()),
            ("yolo11n-obb".into(), "rotated_rect", 0.88, "ship".into()),
        ]
    );
}

/// A dataset folder with a data.yaml naming `a` and `b` over one 200×100 image.
fn small_dataset(yaml_extra: &str, labels: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    crate::common::write_image(&ds.join("images/x.png"), 200, 100);
    std::fs::write(ds.join("data.yaml"), format!("names: [a, b]\n{yaml_extra}")).unwrap();
    std::fs::create_dir_all(ds.join("labels")).unwrap();
    std::fs::write(ds.join("labels/x.txt"), labels).unwrap();
    let project = project_with_classes(&tmp.path().join("p"), &ds.join("images"), "");
    (tmp, ds, project)
}

#[test]
fn a_file_mixing_boxes_and_polygons_names_the_odd_rows() {
    let (_tmp, ds, project) = small_dataset(
        "",
        "0 0.1 0.1 0.5 0.1 0.3 0.5\n1 0.5 0.5 0.2 0.2\n0 0.6 0.1 0.9 0.1 0.8 0.5 0.6 0.5\n",
    );
    let (stdout, stderr) = import_ok(&project, &ds, "yolo", &[]);
    assert!(
        stdout.contains("imported 3 annotations (1 rect, 2 polygon)"),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "labels/x.txt:2: a box (5 columns) in a file of polygons: read as a box \
             (Ultralytics refuses files that mix them)"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("x.txt:1:") && !stderr.contains("x.txt:3:"),
        "{stderr}"
    );
}

#[test]
fn two_value_keypoints_are_read_as_ultralytics_masks_them() {
    // kpt_shape [3, 2], as tiger-pose: a negative coordinate marks a point
    // not labelled.
    let (_tmp, ds, project) = small_dataset(
        "kpt_shape: [3, 2]\nflip_idx: [0, 1, 2]\n",
        "1 0.5 0.5 0.4 0.4 0.4 0.4 -1 -1 0.6 0.6\n",
    );
    let (stdout, _) = import_ok(&project, &ds, "yolo", &[]);
    assert!(
        stdout.contains("imported 2 annotations (1 rect, 1 keypoints)"),
        "{stdout}"
    );
    let shapes = stored(&project);
    let Shape::Keypoints(points) = &shapes[1].2 else {
        panic!("{shapes:?}")
    };
    let v: Vec<bool> = points.iter().map(|k| k.v.is_labelled()).collect();
    assert_eq!(v, [true, false, true]);
    assert_eq!((points[0].x, points[0].y), (80.0, 40.0));
    // The class takes the numbers Ultralytics names points by, without kpt_names.
    let p = Project::open(&project, Access::ReadOnly).unwrap();
    assert_eq!(
        p.schema().class_by_name("b").unwrap().keypoints,
        ["0", "1", "2"]
    );
    // Asked for pose without a kpt_shape, the import says what it needs.
    let (_tmp2, ds2, project2) = small_dataset("", "0 0.5 0.5 0.2 0.2\n");
    let out = shugu([
        "import".as_ref(),
        project2.as_os_str(),
        ds2.as_os_str(),
        "--format".as_ref(),
        "yolo-pose".as_ref(),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("needs the dataset's `kpt_shape"),
        "{stderr}"
    );
}

#[test]
fn every_layout_says_what_it_converted_or_left_out() {
    use shugu::jobs::ItemScope;
    use shugu::jobs::dota::export_dota;
    use shugu::jobs::yolo::{LayoutChoice, YoloExportOptions, export_yolo};
    // A box, a triangle, a rotated box, two keypoints and a level line.
    let fx = crate::shapes_in_box_formats::project_with_shapes();
    let p = Project::open(&fx.project, Access::ReadOnly).unwrap();
    let none = &mut |_| {};
    let said = |list: &[(String, String)]| -> Vec<String> {
        list.iter().map(|(_, note)| note.clone()).collect()
    };
    let export = |layout, name: &str| {
        let out = fx.root.path().join(name);
        let options = YoloExportOptions { layout };
        let report = export_yolo(&p, &out, ItemScope::All, options, &mut |_| {});
        (report.unwrap(), out)
    };

    let (seg, out) = export(LayoutChoice::Segment, "seg");
    assert_eq!(seg.rows, 3);
    assert_eq!(
        said(&seg.converted),
        ["rotated_rect 3: written as the polygon of its corners"]
    );
    let left_out = said(&seg.left_out_annotations);
    assert_eq!(left_out.len(), 2, "{left_out:?}");
    assert!(
        left_out[0].starts_with("keypoints 4: a keypoints has no area"),
        "{left_out:?}"
    );
    assert!(left_out[1].starts_with("polyline 5:"), "{left_out:?}");
    let labels = std::fs::read_to_string(out.join("labels/a.txt")).unwrap();
    assert!(
        labels
            .lines()
            .any(|l| l == "0 0.2 0.125 0.4 0.125 0.3 0.375"),
        "{labels}"
    );

    let (obb, out) = export(LayoutChoice::Obb, "obb");
    assert_eq!(obb.rows, 3);
    assert_eq!(
        said(&obb.converted),
        ["polygon 2: written as its minimum-area rotated box"]
    );
    assert_eq!(obb.left_out_annotations.len(), 2);
    let labels = std::fs::read_to_string(out.join("labels/a.txt")).unwrap();
    // The box as itself, turned 0°.
    assert!(
        labels
            .lines()
            .any(|l| l == "0 0.01 0.025 0.11 0.025 0.11 0.15 0.01 0.15"),
        "{labels}"
    );

    let (pose, out) = export(LayoutChoice::Pose, "pose");
    assert_eq!(pose.rows, 4, "each shape of no group is a pose of its own");
    let as_boxes = said(&pose.as_boxes);
    assert_eq!(as_boxes.len(), 2, "{as_boxes:?}");
    assert_eq!(said(&pose.left_out_annotations).len(), 1);
    let yaml = std::fs::read_to_string(out.join("data.yaml")).unwrap();
    assert!(
        yaml.contains("kpt_shape: [2, 3]") && yaml.contains("flip_idx: [0, 1]"),
        "{yaml}"
    );
    let labels = std::fs::read_to_string(out.join("labels/a.txt")).unwrap();
    // The keypoints' row: the box around them, then x y v.
    assert!(
        labels
            .lines()
            .any(|l| l == "0 0.1 0.75 0.1 0.25 0.05 0.625 2 0.15 0.875 1"),
        "{labels}"
    );

    let dota = export_dota(&p, &fx.root.path().join("dota"), ItemScope::All, none).unwrap();
    assert_eq!(dota.boxes, 3);
    assert_eq!(
        said(&dota.converted),
        ["polygon 2: written as its minimum-area rotated box"]
    );
    assert_eq!(dota.left_out_annotations.len(), 2);
}
