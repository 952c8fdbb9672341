//! How a name written in a label file finds the project's item, through every
//! importer (`formats::label_paths`): splits stay apart, an exact path beats a
//! fuzzy one, Label Studio URLs and bare names are matched as names, labelme's
//! `imagePath` is followed inside the image root, and two files on one image
//! are reported, never merged.

use crate::common::{boxes_by_image_and_class, scanned_project, write_image};
use shugu::jobs::coco::import_coco;
use shugu::jobs::cvat::{CvatImportOptions, import_cvat};
use shugu::jobs::label_studio_images::import_label_studio_images;
use shugu::jobs::labelme::import_labelme;
use shugu::jobs::yolo::{YoloImportOptions, import_yolo};
use shugu::model::LabelSchema;
use shugu::project::Project;
use std::path::Path;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The boxes of class `car` per image, as corners.
fn car_boxes(p: &Project) -> Vec<(String, Vec<[f32; 4]>)> {
    boxes_by_image_and_class(p)
        .into_iter()
        .filter(|((_, class), _)| class == "car")
        .map(|((image, _), boxes)| (image, boxes))
        .collect()
}

/// An Ultralytics dataset at `ds` with `0001.jpg` (64×48) in `train` and
/// `val`, each with a label file of one `car`: [8, 6, 24, 18] in train,
/// [40, 30, 56, 42] in val.
fn yolo_splits(ds: &Path) {
    for split in ["train", "val"] {
        write_image(&ds.join(format!("images/{split}/0001.jpg")), 64, 48);
    }
    write(
        &ds.join("data.yaml"),
        "path: .\ntrain: images/train\nval: images/val\nnames:\n  0: car\n",
    );
    write(&ds.join("labels/train/0001.txt"), "0 0.25 0.25 0.25 0.25\n");
    write(&ds.join("labels/val/0001.txt"), "0 0.75 0.75 0.25 0.25\n");
}

fn yolo_problems(report: &shugu::jobs::yolo::YoloImportReport) -> Vec<String> {
    report.problems.iter().map(|p| p.to_string()).collect()
}

/// Point 2: with a project over `images/train/`, `labels/train/0001.txt`
/// finds `0001.jpg`, and `labels/val/0001.txt` finds nothing.
#[test]
fn a_yolo_label_of_one_split_never_lands_on_another_splits_image() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    yolo_splits(&ds);
    let mut p = scanned_project(
        &tmp.path().join("p"),
        &ds.join("images/train"),
        LabelSchema::default(),
    );
    let report = import_yolo(&mut p, &ds, YoloImportOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(
        car_boxes(&p),
        [("0001.jpg".to_string(), vec![[8.0, 6.0, 24.0, 18.0]])]
    );
    assert_eq!(
        yolo_problems(&report),
        ["labels/val/0001.txt: no image in the project matches this label file"]
    );
}

/// Point 2: two label files that land on one image equally (Darknet's label
/// beside the image and Ultralytics' under labels/) are both reported and
/// neither is imported; when one matches more closely, it alone is.
#[test]
fn two_yolo_label_files_on_one_image_are_reported_never_merged() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    yolo_splits(&ds);
    write(&ds.join("images/train/0001.txt"), "0 0.5 0.5 0.5 0.5\n");
    let mut p = scanned_project(
        &tmp.path().join("p"),
        &ds.join("images"),
        LabelSchema::default(),
    );
    let report = import_yolo(&mut p, &ds, YoloImportOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(
        car_boxes(&p),
        [("val/0001.jpg".to_string(), vec![[40.0, 30.0, 56.0, 42.0]])]
    );
    assert_eq!(
        yolo_problems(&report),
        [
            "images/train/0001.txt: lands on the image `train/0001.jpg` as \
             labels/train/0001.txt does; neither is imported",
            "labels/train/0001.txt: lands on the image `train/0001.jpg` as \
             images/train/0001.txt does; neither is imported",
        ]
    );
    assert_eq!(report.matched_files, 1);

    // labels/0001.txt names 0001.jpg of a project over images/train exactly
    // (by key); labels/train/0001.txt only through the root's folder name.
    let ds = tmp.path().join("ds2");
    yolo_splits(&ds);
    write(&ds.join("labels/0001.txt"), "0 0.5 0.5 0.5 0.5\n");
    let mut p = scanned_project(
        &tmp.path().join("p2"),
        &ds.join("images/train"),
        LabelSchema::default(),
    );
    let report = import_yolo(&mut p, &ds, YoloImportOptions::default(), &mut |_| {}).unwrap();
    assert_eq!(
        car_boxes(&p),
        [("0001.jpg".to_string(), vec![[16.0, 12.0, 48.0, 36.0]])]
    );
    let problems = yolo_problems(&report);
    assert!(
        problems.contains(
            &"labels/train/0001.txt: lands on the image `0001.jpg`, which labels/0001.txt \
              matches more closely; not imported"
                .to_string()
        ),
        "{problems:#?}"
    );
}

/// Point 3: CVAT's `formats/one_pixel.png` is that file, not ambiguous with
/// `formats/one_pixel.jpg`.
#[test]
fn an_exact_cvat_image_name_beats_the_same_name_with_another_extension() {
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("images");
    write_image(&images.join("formats/one_pixel.jpg"), 8, 8);
    write_image(&images.join("formats/one_pixel.png"), 8, 8);
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task>
      <name>formats</name>
      <size>1</size>
      <labels>
        <label><name>car</name><color>#fa3253</color><type>rectangle</type><attributes /></label>
      </labels>
    </task>
  </meta>
  <image id="0" name="formats/one_pixel.png" width="8" height="8">
    <box label="car" source="manual" occluded="0" xtl="1.00" ytl="2.00" xbr="5.00" ybr="6.00" z_order="0">
    </box>
  </image>
</annotations>
"#;
    let file = tmp.path().join("annotations.xml");
    write(&file, xml);
    let mut p = scanned_project(&tmp.path().join("p"), &images, LabelSchema::default());
    let report = import_cvat(&mut p, &file, CvatImportOptions::default(), &mut |_| {}).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(
        car_boxes(&p),
        [(
            "formats/one_pixel.png".to_string(),
            vec![[1.0, 2.0, 5.0, 6.0]]
        )]
    );
}

/// A project over `images/` with `real/bus.jpg` and `路口.jpg`, 64×48.
fn bus_and_crossing(tmp: &Path) -> Project {
    let images = tmp.join("images");
    write_image(&images.join("real/bus.jpg"), 64, 48);
    write_image(&images.join("路口.jpg"), 64, 48);
    scanned_project(&tmp.join("p"), &images, LabelSchema::default())
}

/// A Label Studio rectangle of `car` at (25 %, 25 %), half the image wide and high.
const LS_CAR: &str = r#""annotations": [{"result": [{"id": "a1", "type": "rectanglelabels",
    "from_name": "label", "to_name": "image", "original_width": 64, "original_height": 48,
    "image_rotation": 0, "value": {"x": 25, "y": 25, "width": 50, "height": 50, "rotation": 0,
    "rectanglelabels": ["car"]}}]}]"#;

/// Point 12: label-studio-converter's `/data/local-files/?d=/…` (with the `/`
/// it writes after `d=`) and an upload URL, percent-encoded, find their images.
#[test]
fn label_studio_local_file_and_upload_urls_find_their_images() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = bus_and_crossing(tmp.path());
    let tasks = format!(
        r#"[{{"id": 1, "data": {{"image": "/data/local-files/?d=/real/bus.jpg"}}, {LS_CAR}}},
            {{"id": 2, "data": {{"image": "/data/upload/7/3f2a9c1b-%E8%B7%AF%E5%8F%A3.jpg"}}, {LS_CAR}}}]"#
    );
    let file = tmp.path().join("tasks.json");
    write(&file, &tasks);
    let report = import_label_studio_images(&mut p, &file, add_unknown()).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let half = vec![[16.0, 12.0, 48.0, 36.0]];
    assert_eq!(
        car_boxes(&p),
        [
            ("real/bus.jpg".to_string(), half.clone()),
            ("路口.jpg".to_string(), half)
        ]
    );
}

/// A COCO file with the two images under `names`, one `car` [8, 6, 16, 12]
/// (x, y, w, h) on each.
fn coco_with_names(names: [&str; 2]) -> String {
    format!(
        r#"{{"images": [{{"id": 0, "file_name": "{}", "width": 64, "height": 48}},
                       {{"id": 1, "file_name": "{}", "width": 64, "height": 48}}],
            "categories": [{{"id": 0, "name": "car"}}],
            "annotations": [
              {{"id": 0, "image_id": 0, "category_id": 0, "bbox": [8, 6, 16, 12], "area": 192, "iscrowd": 0}},
              {{"id": 1, "image_id": 1, "category_id": 0, "bbox": [8, 6, 16, 12], "area": 192, "iscrowd": 0}}]}}"#,
        names[0], names[1]
    )
}

/// Point 12: COCO `file_name`s go through the same matcher: Label Studio's
/// COCO export (its URL where it could not fetch the image, `images/` and
/// the upload prefix where it could) and supervision's bare names.
#[test]
fn coco_file_names_from_label_studio_and_supervision_find_their_images() {
    for (tool, names) in [
        (
            "label-studio-converter",
            [
                "images/3f2a9c1b-bus.jpg",
                "/data/local-files/?d=%E8%B7%AF%E5%8F%A3.jpg",
            ],
        ),
        ("supervision", ["bus.jpg", "路口.jpg"]),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let mut p = bus_and_crossing(tmp.path());
        let file = tmp.path().join("result.json");
        write(&file, &coco_with_names(names));
        let report = import_coco(&mut p, &file).unwrap();
        assert!(report.problems.is_empty(), "{tool}: {:?}", report.problems);
        let box_ = vec![[8.0, 6.0, 24.0, 18.0]];
        assert_eq!(
            car_boxes(&p),
            [
                ("real/bus.jpg".to_string(), box_.clone()),
                ("路口.jpg".to_string(), box_)
            ],
            "{tool}"
        );
    }
}

/// A labelme 5 file for a 64×48 image at `image_path` with one `car`.
fn labelme_json(image_path: &str, corners: [f32; 4]) -> String {
    let [x0, y0, x1, y1] = corners;
    format!(
        r#"{{"version": "5.4.1", "flags": {{}},
  "shapes": [{{"label": "car", "points": [[{x0}, {y0}], [{x1}, {y1}]], "group_id": null,
    "description": "", "shape_type": "rectangle", "flags": {{}}, "mask": null}}],
  "imagePath": {}, "imageData": null, "imageHeight": 48, "imageWidth": 64}}"#,
        serde_json::to_string(image_path).unwrap()
    )
}

/// Point 13: labelme files kept apart from the images name them with `../`,
/// written with back-slashes on Windows; the target inside the image root is
/// the image, and one outside it is reported.
#[test]
fn labelme_image_paths_leave_the_labelme_folder_for_the_image_root() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    write_image(&ds.join("images/real/bus.jpg"), 64, 48);
    write_image(&ds.join("images/synthetic/bus.jpg"), 64, 48);
    let labelme = ds.join("labelme");
    write(
        &labelme.join("bus.json"),
        &labelme_json("..\\images\\real\\bus.jpg", [4.0, 6.0, 30.0, 18.0]),
    );
    write(
        &labelme.join("synthetic/bus.json"),
        &labelme_json("../../images/synthetic/bus.jpg", [1.0, 2.0, 9.0, 8.0]),
    );
    write(
        &labelme.join("lost.json"),
        &labelme_json("../../elsewhere/bus.jpg", [1.0, 1.0, 2.0, 2.0]),
    );
    let mut p = scanned_project(
        &tmp.path().join("p"),
        &ds.join("images"),
        LabelSchema::default(),
    );
    let report = import_labelme(&mut p, &labelme, add_unknown(), &mut |_| {}).unwrap();
    assert_eq!(
        car_boxes(&p),
        [
            ("real/bus.jpg".to_string(), vec![[4.0, 6.0, 30.0, 18.0]]),
            ("synthetic/bus.jpg".to_string(), vec![[1.0, 2.0, 9.0, 8.0]])
        ]
    );
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems,
        [
            "lost.json: imagePath: `../../elsewhere/bus.jpg`: it lies outside the image root, \
             and no image in the project matches its name",
            "lost.json: no image in the project matches `lost.json`",
        ]
    );
}

fn add_unknown() -> shugu::jobs::box_labels::BoxImportOptions {
    shugu::jobs::box_labels::BoxImportOptions {
        add_unknown_classes: true,
        ..Default::default()
    }
}
