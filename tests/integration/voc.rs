//! Pascal VOC through the real `shugu` binary, on a dataset datumaro wrote
//! (`tests/fixtures/voc/`, see `make_fixtures.py` there): import → export →
//! import gives the same boxes, classes and attributes; VOC → COCO is checked
//! with pycocotools against the VOC corners (1-based, no ±1 error); broken
//! files are reported by name while the others are imported.

use crate::common::cli::{
    FormatFixture, fails_cleanly, import_args, run_python_check, shugu, shugu_within, succeeds,
    text,
};
use crate::common::{BoxesWithAttributes, boxes_with_attributes};
use shugu::model::{AttrValue, Attributes, Rgb};
use shugu::project::{Access, Project};
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/voc/detection");
/// labelImg's layout: one XML beside each image (`make_labelimg_fixture.py`).
const LABELIMG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/voc/labelimg");

fn setup() -> FormatFixture {
    FormatFixture::new(FIXTURE, "voc", "dataset/JPEGImages")
}

type Boxes = BoxesWithAttributes;

fn boxes(dir: &Path) -> Boxes {
    boxes_with_attributes(&Project::open(dir, Access::ReadOnly).unwrap())
}

fn class_names(dir: &Path) -> Vec<String> {
    let p = Project::open(dir, Access::ReadOnly).unwrap();
    p.schema().classes.iter().map(|c| c.name.clone()).collect()
}

fn flags(difficult: bool, truncated: bool, occluded: bool) -> Attributes {
    [
        ("difficult", difficult),
        ("truncated", truncated),
        ("occluded", occluded),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), AttrValue::Bool(v)))
    .collect()
}

/// (image, class, corners, attributes) as the map the project is read into.
fn collect<const N: usize>(entries: [(&str, &str, [f32; 4], Attributes); N]) -> Boxes {
    let mut out = Boxes::new();
    for (image, class, corners, attrs) in entries {
        out.entry((image.to_string(), class.to_string()))
            .or_default()
            .push((corners, attrs));
    }
    out
}

/// What the fixture holds, in our continuous pixel corners: VOC's
/// `<xmin>11</xmin>…<xmax>110</xmax>` is x 10..110.
fn fixture_boxes() -> Boxes {
    let mut colour = flags(false, false, false);
    colour.insert("colour".into(), AttrValue::Text("红".into()));
    let entries = [
        (
            "street_01.png",
            "car",
            [10.0, 20.0, 110.0, 70.0],
            flags(true, false, false),
        ),
        (
            "street_01.png",
            "行人",
            [200.0, 100.0, 240.0, 220.0],
            flags(false, true, true),
        ),
        (
            "街道_02.png",
            "bicycle",
            [0.0, 0.0, 200.0, 300.0],
            flags(false, true, false),
        ),
        ("街道_02.png", "car", [33.0, 44.0, 88.0, 110.0], colour),
        (
            "night_04.png",
            "行人",
            [600.0, 400.0, 640.0, 480.0],
            flags(false, false, false),
        ),
        (
            "night_04.png",
            "bicycle",
            [0.0, 0.0, 1.0, 1.0],
            flags(false, false, true),
        ),
    ];
    collect(entries)
}

#[test]
fn voc_round_trip_keeps_boxes_classes_and_attributes() {
    let s = setup();
    let first = s.project("first");
    let (stdout, stderr) = s.import(&first, &s.path("dataset"), &[]);
    assert!(stdout.contains("imported 6 annotations"), "{stdout}");
    assert!(
        stderr.is_empty(),
        "the datumaro fixture imports cleanly: {stderr}"
    );
    assert_eq!(boxes(&first), fixture_boxes());
    // labelmap.txt gives the order of the classes.
    assert_eq!(class_names(&first), ["car", "行人", "bicycle"]);

    let out = s.path("exported");
    s.export(&first, "voc", &out);
    assert!(out.join("labelmap.txt").is_file());
    let list = std::fs::read_to_string(out.join("ImageSets/Main/default.txt")).unwrap();
    assert_eq!(list.lines().count(), 4, "every image is listed: {list}");
    // The corners written are the ones datumaro wrote.
    let ours = std::fs::read_to_string(out.join("Annotations/street_01.xml")).unwrap();
    for corner in [
        "<xmin>11</xmin>",
        "<ymin>21</ymin>",
        "<xmax>110</xmax>",
        "<ymax>70</ymax>",
    ] {
        assert!(ours.contains(corner), "{corner} missing in\n{ours}");
    }
    assert!(ours.contains("<difficult>1</difficult>"), "{ours}");

    let second = s.project("second");
    let (_, stderr) = s.import(&second, &out, &[]);
    assert!(
        stderr.is_empty(),
        "our own export imports cleanly: {stderr}"
    );
    assert_eq!(boxes(&second), boxes(&first));
    assert_eq!(class_names(&second), class_names(&first));
}

#[test]
fn voc_to_coco_matches_the_voc_corners_in_pycocotools() {
    let s = setup();
    let project = s.project("p");
    s.import(&project, &s.path("dataset"), &[]);
    let coco = s.path("coco.json");
    s.export(&project, "coco", &coco);
    let voc = s.path("dataset");
    run_python_check("check_voc_coco.py", &[voc.as_os_str(), coco.as_os_str()]);
    run_python_check("check_coco.py", &[coco.as_os_str()]);
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

fn object(name: &str, corners: [i32; 4]) -> String {
    let [x0, y0, x1, y1] = corners;
    format!(
        "<object><name>{name}</name><bndbox><xmin>{x0}</xmin><ymin>{y0}</ymin>\
         <xmax>{x1}</xmax><ymax>{y1}</ymax></bndbox></object>"
    )
}

fn annotation(filename: &str, objects: &[String]) -> String {
    format!(
        "<annotation><filename>{filename}</filename>{}</annotation>",
        objects.concat()
    )
}

#[test]
fn broken_files_are_reported_by_name_and_the_rest_imported() {
    let s = setup();
    let ann = s.path("dataset/Annotations");
    let good = std::fs::read(ann.join("street_01.xml")).unwrap();
    write(&ann.join("truncated.xml"), &good[..good.len() / 2]);
    write(
        &ann.join("malformed.xml"),
        b"<annotation><filename>a.png</filenam></annotation>",
    );
    let latin1: Vec<u8> = annotation("empty_03.png", &[object("caf\u{e9}", [1, 1, 5, 5])])
        .chars()
        .map(|c| c as u8)
        .collect();
    write(&ann.join("latin1.xml"), &latin1);
    write(
        &ann.join("passwd.xml"),
        annotation("../../etc/passwd", &[object("car", [1, 1, 5, 5])]).as_bytes(),
    );
    write(
        &ann.join("absolute.xml"),
        annotation("/etc/shadow", &[object("car", [1, 1, 5, 5])]).as_bytes(),
    );
    write(
        &ann.join("drive.xml"),
        annotation("C:\\Windows\\win.ini", &[object("car", [1, 1, 5, 5])]).as_bytes(),
    );
    // A box past the image's border, and a class nobody declared, on empty_03 (256×256).
    write(
        &ann.join("empty_03.xml"),
        annotation(
            "empty_03.png",
            &[
                object("car", [200, 200, 300, 250]),
                object("truck", [1, 1, 9, 9]),
            ],
        )
        .as_bytes(),
    );
    let project = s.project("p");
    let (stdout, stderr) = s.import(&project, &s.path("dataset"), &[]);
    let line = |file: &str| -> String {
        stderr
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} is not reported:\n{stderr}"))
            .to_string()
    };
    assert!(line("Annotations/truncated.xml").contains("not well-formed XML"));
    assert!(line("Annotations/malformed.xml").contains("not well-formed XML"));
    let l = line("Annotations/latin1.xml");
    assert!(l.contains("not UTF-8") && l.contains("ISO-8859-1"), "{l}");
    // Names are only keys: those leading out of the image root find nothing.
    let l = line("Annotations/passwd.xml");
    assert!(
        l.contains("`../../etc/passwd`") && l.contains("no image in the project matches"),
        "{l}"
    );
    for file in ["Annotations/absolute.xml", "Annotations/drive.xml"] {
        assert!(
            line(file).contains("no image in the project matches"),
            "{file}"
        );
    }
    let l = line("Annotations/empty_03.xml: object 0");
    assert!(
        l.contains("outside the 256×256 image") && l.contains("clamped"),
        "{l}"
    );
    let l = line("`truck`");
    assert!(l.contains("--add-unknown-classes"), "{l}");

    // The good files' six boxes and the clamped one; nothing from the rest.
    assert!(
        stdout.contains("imported 7 annotations"),
        "{stdout}\n{stderr}"
    );
    let got = boxes(&project);
    assert_eq!(
        got[&("empty_03.png".to_string(), "car".to_string())][0].0,
        [199.0, 199.0, 256.0, 250.0]
    );
    assert!(!class_names(&project).contains(&"truck".to_string()));
    assert!(!class_names(&project).contains(&"café".to_string()));

    // Asked to, the import skips the outside box and adds the unknown class.
    let again = s.project("again");
    let (stdout, stderr) = s.import(
        &again,
        &s.path("dataset"),
        &["--skip-outside", "--add-unknown-classes"],
    );
    assert!(
        stdout.contains("imported 7 annotations"),
        "{stdout}\n{stderr}"
    );
    assert!(stderr.contains("skipped"), "{stderr}");
    assert!(class_names(&again).contains(&"truck".to_string()));
    assert!(!boxes(&again).contains_key(&("empty_03.png".to_string(), "car".to_string())));
}

#[test]
fn a_folder_without_annotations_fails_with_a_message() {
    let s = setup();
    let project = s.project("p");
    let out = shugu([
        "import".as_ref(),
        project.as_os_str(),
        s.path("dataset/JPEGImages").as_os_str(),
        "--format".as_ref(),
        "voc".as_ref(),
    ]);
    let stderr = fails_cleanly(&out);
    assert!(stderr.contains("no Annotations folder"), "{stderr}");
}

#[test]
fn labelmap_entries_no_box_uses_are_not_added_and_colours_apply() {
    let s = setup();
    std::fs::write(
        s.path("dataset/labelmap.txt"),
        "# label:color_rgb:parts:actions\nbackground:0,0,0::\ncar:10,20,30::\ntruck:255,0,0::\n行人:::\nbus:1,2,3::\nbicycle:40,50,60::\n",
    )
    .unwrap();
    let project = s.project("p");
    let (stdout, _) = s.import(&project, &s.path("dataset"), &[]);
    assert!(stdout.contains("imported 6 annotations"), "{stdout}");
    // In the labelmap's order, only the classes boxes use.
    assert_eq!(class_names(&project), ["car", "行人", "bicycle"]);
    let p = Project::open(&project, Access::ReadOnly).unwrap();
    let colour = |name: &str| p.schema().class_by_name(name).map(|c| c.color);
    assert_eq!(colour("car"), Some(Rgb(10, 20, 30)));
    assert_eq!(colour("bicycle"), Some(Rgb(40, 50, 60)));
}

/// What labelImg wrote, in our continuous pixel corners (labelImg writes the
/// corners it was given, at least 1, read as VOC's 1-based pixels).
fn labelimg_boxes() -> Boxes {
    let attrs = |difficult: bool, truncated: bool| -> Attributes {
        [
            ("difficult".to_string(), AttrValue::Bool(difficult)),
            ("truncated".to_string(), AttrValue::Bool(truncated)),
            ("pose".to_string(), AttrValue::Text("Unspecified".into())),
        ]
        .into_iter()
        .collect()
    };
    let entries = [
        (
            "cat_01.png",
            "cat",
            [9.0, 19.0, 110.0, 70.0],
            attrs(true, false),
        ),
        (
            "cat_01.png",
            "person",
            [199.0, 99.0, 240.0, 220.0],
            attrs(false, false),
        ),
        (
            "sub/dog_02.png",
            "dog",
            [0.0, 4.0, 50.0, 60.0],
            attrs(false, true),
        ),
        (
            "街道_03.png",
            "car",
            [0.0, 0.0, 64.0, 48.0],
            attrs(false, true),
        ),
    ];
    collect(entries)
}

#[test]
fn a_labelimg_folder_with_xml_beside_the_images_imports() {
    let s = FormatFixture::new(LABELIMG, "voc", "dataset/photos");
    let photos = s.path("dataset/photos");
    // A file labelImg did not write: its corners the wrong way round.
    let cat = std::fs::read_to_string(photos.join("cat_01.xml")).unwrap();
    let swapped = cat
        .replace("<xmin>200</xmin>", "<xmin>240</xmin>")
        .replace("<xmax>240</xmax>", "<xmax>200</xmax>");
    assert_ne!(cat, swapped);
    std::fs::write(photos.join("cat_01.xml"), swapped).unwrap();
    // An XML file that is not a VOC annotation is reported, not fatal.
    std::fs::write(photos.join("notes.xml"), "<notes>hello</notes>").unwrap();
    let project = s.project("p");
    // No labelmap.txt names the classes (labelImg keeps them in the program).
    let (stdout, stderr) = s.import(&project, &photos, &["--add-unknown-classes"]);
    assert!(
        stdout.contains("imported 4 annotations"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(boxes(&project), labelimg_boxes());
    let problems: Vec<&str> = stderr.lines().filter(|l| l.contains(".xml")).collect();
    assert_eq!(
        problems,
        [
            "  cat_01.xml: object 1: xmin 240 is greater than xmax 200; the corners were swapped",
            "  notes.xml: not a VOC annotation: the root element is <notes>, not <annotation>",
        ],
        "{stderr}"
    );

    // The dataset root holding photos/ works too, and a folder with no XML fails clearly.
    let again = s.project("again");
    let (stdout, _) = s.import(&again, &s.path("dataset"), &["--add-unknown-classes"]);
    assert!(stdout.contains("imported 4 annotations"), "{stdout}");
    let empty = s.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let stderr = fails_cleanly(&shugu(import_args(&again, &empty, "voc", &[])));
    assert!(stderr.contains("no .xml"), "{stderr}");
}

/// A labelmap.txt that is a FIFO or a link to a file outside is reported and
/// not read; the boxes are imported.
#[cfg(unix)]
#[test]
fn a_labelmap_that_is_a_fifo_or_a_link_is_reported_not_read() {
    let s = setup();
    let labelmap = s.path("dataset/labelmap.txt");
    std::fs::remove_file(&labelmap).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&labelmap)
        .status()
        .unwrap();
    assert!(made.success());
    let project = s.project("p");
    let options = ["--add-unknown-classes"];
    let out = shugu_within(
        120,
        import_args(&project, &s.path("dataset"), "voc", &options),
    );
    let stdout = succeeds(&out);
    let stderr = text(&out.stderr);
    assert!(stdout.contains("imported 6 annotations"), "{stdout}");
    assert!(
        stderr.contains("labelmap.txt: it is not a regular file"),
        "{stderr}"
    );

    std::fs::remove_file(&labelmap).unwrap();
    let outside = s.path("private.txt");
    std::fs::write(&outside, "secret:::\n").unwrap();
    std::os::unix::fs::symlink(&outside, &labelmap).unwrap();
    let again = s.project("again");
    let (_, stderr) = s.import(&again, &s.path("dataset"), &["--add-unknown-classes"]);
    assert!(
        stderr.contains("labelmap.txt: the file is a symbolic link"),
        "{stderr}"
    );
    assert!(!class_names(&again).contains(&"secret".to_string()));
}

#[test]
fn an_attribute_value_the_schema_refuses_is_reported_by_file_and_object() {
    let s = setup();
    let project = s.project("p");
    {
        let mut p = shugu::project::Project::open(&project, Access::ReadWrite).unwrap();
        p.update_schema(|schema| {
            schema.add_attribute(shugu::model::AttributeDef {
                name: "difficult".into(),
                kind: shugu::model::AttributeKind::OneOf(vec!["yes".into(), "no".into()]),
                default: None,
            })
        })
        .unwrap();
    }
    let (stdout, stderr) = s.import(&project, &s.path("dataset"), &[]);
    assert!(stdout.contains("imported 6 annotations"), "{stdout}");
    assert!(
        stderr.contains(
            "Annotations/street_01.xml: object 0: attribute \"difficult\" takes text, not true; \
             the attribute was left out"
        ),
        "{stderr}"
    );
    // The box is kept, without that attribute.
    let got = boxes(&project);
    let car = &got[&("street_01.png".to_string(), "car".to_string())][0];
    assert!(!car.1.contains_key("difficult"), "{car:?}");
    assert_eq!(car.1.get("truncated"), Some(&AttrValue::Bool(false)));
}
