//! CVAT for images 1.1 through the real `shugu` binary, on a file datumaro
//! wrote (`tests/fixtures/cvat/`, see `make_fixtures.py` there): import →
//! export → import gives the same boxes, classes, attributes and tags; the
//! exported XML has CVAT's structure; CVAT → COCO is checked with pycocotools
//! against the XML's corners (continuous pixels, no ±1); broken files fail
//! with a message naming them, and unsafe or unknown records are reported
//! while the rest is imported.

use crate::common;
use crate::common::cli::{
    FormatFixture, fails_cleanly, import_args, run_python_check, shugu, succeeds,
};
use crate::common::{BoxesWithAttributes, boxes_with_attributes};
use shugu::model::{AttrValue, AttributeKind, Attributes};
use shugu::project::{Access, Project};
use std::collections::BTreeMap;
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cvat/dataset");

fn setup() -> FormatFixture {
    FormatFixture::new(FIXTURE, "cvat", "dataset/images")
}

type Boxes = BoxesWithAttributes;

/// What a project holds: boxes, class names, image labels per image, and the
/// schema's attribute definitions.
#[derive(Debug, PartialEq)]
struct Content {
    boxes: Boxes,
    classes: Vec<String>,
    tags: BTreeMap<String, Vec<String>>,
    attributes: Vec<(String, AttributeKind)>,
}

fn content(dir: &Path) -> Content {
    let p = Project::open(dir, Access::ReadOnly).unwrap();
    let boxes = boxes_with_attributes(&p);
    let mut tags = BTreeMap::new();
    for (item, labels) in p.all_image_labels().unwrap() {
        let names: Vec<String> = labels
            .iter()
            .map(|l| p.schema().label(*l).unwrap().name.clone())
            .collect();
        if !names.is_empty() {
            tags.insert(p.item(item).unwrap().rel_path.clone(), names);
        }
    }
    let schema = p.schema();
    Content {
        boxes,
        classes: schema.classes.iter().map(|c| c.name.clone()).collect(),
        tags,
        attributes: schema
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.kind.clone()))
            .collect(),
    }
}

fn attrs(pairs: &[(&str, AttrValue)]) -> Attributes {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn t(s: &str) -> AttrValue {
    AttrValue::Text(s.into())
}

/// The boxes of `annotations.xml`, in our continuous corners (CVAT's own),
/// and the boxes around its polygon and polyline.
fn fixture_boxes() -> Boxes {
    use AttrValue::Bool;
    let entries = [
        (
            "train/street_01.png",
            "car",
            [10.0, 20.0, 110.0, 70.0],
            attrs(&[
                ("occluded", Bool(true)),
                ("colour", t("blue")),
                ("parked", Bool(true)),
                ("plate", t("京A 12345")),
            ]),
        ),
        (
            "train/street_01.png",
            "行人",
            [200.5, 100.25, 240.5, 220.0],
            attrs(&[("occluded", Bool(false))]),
        ),
        (
            "train/街道_02.png",
            "bicycle",
            [0.0, 0.0, 200.0, 300.0],
            attrs(&[("occluded", Bool(false))]),
        ),
        (
            "train/街道_02.png",
            "car",
            [33.0, 44.0, 88.0, 110.0],
            attrs(&[
                ("occluded", Bool(false)),
                ("colour", t("红")),
                ("parked", Bool(false)),
                ("plate", t("")),
            ]),
        ),
        (
            "café_04.png",
            "行人",
            [0.0, 0.0, 20.0, 10.0],
            attrs(&[("occluded", Bool(false))]),
        ),
        (
            "café_04.png",
            "行人",
            [60.0, 40.0, 64.0, 48.0],
            attrs(&[("occluded", Bool(true))]),
        ),
        (
            "train/street_01.png",
            "bicycle",
            [1.0, 1.0, 30.0, 30.0],
            attrs(&[("occluded", Bool(false))]),
        ),
    ];
    let mut out = Boxes::new();
    for (image, class, corners, a) in entries {
        out.entry((image.to_string(), class.to_string()))
            .or_default()
            .push((corners, a));
    }
    out
}

fn element<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|c| c.has_tag_name(name))
        .unwrap_or_else(|| panic!("<{}> has no <{name}>", node.tag_name().name()))
}

fn elements<'a, 'i: 'a>(
    node: roxmltree::Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    node.children().filter(move |c| c.has_tag_name(name))
}

/// Checks the exported file has CVAT for images 1.1's structure and what it
/// holds, read with roxmltree rather than our own reader.
fn check_structure(xml: &str) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert!(root.has_tag_name("annotations"));
    assert_eq!(element(root, "version").text(), Some("1.1"));
    let task = element(element(root, "meta"), "task");
    assert_eq!(element(task, "size").text(), Some("4"));
    let labels: BTreeMap<String, roxmltree::Node> = elements(element(task, "labels"), "label")
        .map(|l| (element(l, "name").text().unwrap().to_string(), l))
        .collect();
    let names: Vec<&str> = labels.keys().map(String::as_str).collect();
    assert_eq!(names, ["bicycle", "car", "night", "行人"]);
    assert_eq!(element(labels["night"], "type").text(), Some("tag"));
    let specs: BTreeMap<&str, (&str, &str)> =
        elements(element(labels["car"], "attributes"), "attribute")
            .map(|a| {
                (
                    element(a, "name").text().unwrap(),
                    (
                        element(a, "input_type").text().unwrap(),
                        element(a, "values").text().unwrap_or_default(),
                    ),
                )
            })
            .collect();
    assert_eq!(specs["parked"], ("checkbox", "false"));
    assert_eq!(specs["colour"], ("select", "红\nblue\nwhite"));
    assert_eq!(specs["plate"].0, "text");
    assert!(
        !specs.contains_key("occluded"),
        "occluded is CVAT's own: {specs:?}"
    );
    let images: Vec<_> = elements(root, "image").collect();
    assert_eq!(images.len(), 4);
    let street = images
        .iter()
        .find(|i| i.attribute("name") == Some("train/street_01.png"))
        .unwrap();
    assert_eq!(
        (street.attribute("width"), street.attribute("height")),
        (Some("320"), Some("240"))
    );
    let car = elements(*street, "box")
        .find(|b| b.attribute("label") == Some("car"))
        .unwrap();
    for (key, want) in [("xtl", 10.0), ("ytl", 20.0), ("xbr", 110.0), ("ybr", 70.0)] {
        let got: f64 = car.attribute(key).unwrap().parse().unwrap();
        assert_eq!(got, want, "{key}");
    }
    assert_eq!(car.attribute("occluded"), Some("1"));
    let values: BTreeMap<&str, &str> = elements(car, "attribute")
        .map(|a| (a.attribute("name").unwrap(), a.text().unwrap_or_default()))
        .collect();
    assert_eq!(
        values,
        BTreeMap::from([
            ("colour", "blue"),
            ("parked", "true"),
            ("plate", "京A 12345")
        ])
    );
    let tags: Vec<_> = images
        .iter()
        .flat_map(|i| elements(*i, "tag"))
        .map(|t| t.attribute("label").unwrap())
        .collect();
    assert_eq!(tags, ["night", "night"]);
}

#[test]
fn cvat_round_trip_keeps_boxes_classes_attributes_and_tags() {
    let s = setup();
    let first = s.project("first");
    let (stdout, stderr) = s.import(&first, &s.path("dataset/annotations.xml"), &[]);
    assert!(
        stdout.contains("imported 7 annotations (5 rect, 1 polygon, 1 polyline)"),
        "{stdout}"
    );
    assert!(stdout.contains("4 matched to images"), "{stdout}");
    assert_eq!(stderr.trim(), "", "the datumaro fixture imports cleanly");
    let got = content(&first);
    assert_eq!(got.boxes, fixture_boxes());
    assert_eq!(got.classes, ["car", "行人", "bicycle"]);
    let night = vec!["night".to_string()];
    assert_eq!(
        got.tags,
        BTreeMap::from([
            ("café_04.png".to_string(), night.clone()),
            ("train/街道_02.png".to_string(), night)
        ])
    );
    let kinds: BTreeMap<_, _> = got.attributes.iter().cloned().collect();
    assert_eq!(kinds["parked"], AttributeKind::Bool);
    assert_eq!(
        kinds["colour"],
        AttributeKind::OneOf(vec!["红".into(), "blue".into(), "white".into()])
    );
    assert_eq!(kinds["plate"], AttributeKind::Text);
    assert_eq!(kinds["occluded"], AttributeKind::Bool);

    let out = s.path("exported.xml");
    let said = s.export(&first, "cvat", &out);
    assert!(said.contains("4 images, 7 annotations, 2 tags"), "{said}");
    check_structure(&std::fs::read_to_string(&out).unwrap());

    let second = s.project("second");
    let (_, stderr) = s.import(&second, &out, &[]);
    assert!(
        stderr.is_empty(),
        "our own export imports cleanly: {stderr}"
    );
    assert_eq!(content(&second), got);
}

#[test]
fn datumaros_own_file_declares_text_attributes() {
    let s = setup();
    let project = s.project("p");
    let (stdout, _) = s.import(&project, &s.path("dataset/annotations_datumaro.xml"), &[]);
    assert!(stdout.contains("imported 7 annotations"), "{stdout}");
    let got = content(&project);
    assert!(
        got.attributes
            .iter()
            .all(|(name, kind)| name == "occluded" || *kind == AttributeKind::Text),
        "{:?}",
        got.attributes
    );
    let street = &got.boxes[&("train/street_01.png".to_string(), "car".to_string())][0];
    assert_eq!(street.1["parked"], t("true"), "typed by its text spec");
    assert_eq!(street.0, [10.0, 20.0, 110.0, 70.0]);
}

#[test]
fn cvat_to_coco_matches_the_cvat_corners_in_pycocotools() {
    let s = setup();
    let project = s.project("p");
    let cvat = s.path("dataset/annotations.xml");
    s.import(&project, &cvat, &[]);
    let coco = s.path("coco.json");
    s.export(&project, "coco", &coco);
    run_python_check("check_cvat_coco.py", &[cvat.as_os_str(), coco.as_os_str()]);
    run_python_check("check_coco.py", &[coco.as_os_str()]);
}

fn image(name: &str, boxes: &[(&str, [f32; 4])]) -> String {
    let boxes: String = boxes
        .iter()
        .map(|(label, [x0, y0, x1, y1])| {
            format!(
                "<box label=\"{label}\" occluded=\"0\" xtl=\"{x0}\" ytl=\"{y0}\" xbr=\"{x1}\" ybr=\"{y1}\"/>"
            )
        })
        .collect();
    format!("<image name=\"{name}\" width=\"256\" height=\"256\">{boxes}</image>")
}

/// A file declaring `car` (and nothing else) with the given images.
fn file(images: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations><version>1.1</version><meta><task><labels>\
         <label><name>car</name><attributes/></label></labels></task></meta>{}</annotations>",
        images.concat()
    )
}

#[test]
fn broken_files_fail_with_a_message_naming_them() {
    let s = setup();
    let project = s.project("p");
    let good = std::fs::read(s.path("dataset/annotations.xml")).unwrap();
    let latin1: Vec<u8> = file(&[image("caf\u{e9}_04.png", &[("car", [1.0, 1.0, 5.0, 5.0])])])
        .replace("encoding=\"utf-8\"", "")
        .chars()
        .map(|c| c as u8)
        .collect();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "truncated.xml",
            good[..good.len() / 2].to_vec(),
            "not well-formed XML",
        ),
        (
            "malformed.xml",
            b"<annotations><image name=\"a.png\"></imag></annotations>".to_vec(),
            "not well-formed XML",
        ),
        ("latin1.xml", latin1, "not UTF-8"),
        ("voc.xml", b"<annotation/>".to_vec(), "not <annotations>"),
    ];
    for (name, bytes, reason) in cases {
        let path = s.path(name);
        std::fs::write(&path, bytes).unwrap();
        let stderr = fails_cleanly(&shugu(import_args(&project, &path, "cvat", &[])));
        assert!(
            stderr.contains(name) && stderr.contains(reason),
            "{name}: {stderr}"
        );
    }
    // A folder is read for its CVAT files, and fails when it has none.
    let folder = s.path("not_cvat");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("voc.xml"), b"<annotation/>").unwrap();
    let stderr = fails_cleanly(&shugu(import_args(&project, &folder, "cvat", &[])));
    assert!(
        stderr.contains("no CVAT for images XML file")
            && stderr.contains("voc.xml: not a CVAT for images file"),
        "{stderr}"
    );
    assert!(content(&project).boxes.is_empty(), "nothing was stored");
}

#[test]
fn unsafe_names_unknown_labels_and_outside_boxes_are_reported_and_the_rest_imported() {
    let s = setup();
    // A file outside the image root that a `..` name would reach.
    std::fs::write(s.path("secret.png"), b"not an image").unwrap();
    let car = [("car", [1.0, 1.0, 5.0, 5.0])];
    let xml = file(&[
        image("../secret.png", &car),
        image("../../etc/passwd", &car),
        image("/etc/shadow", &car),
        image("C:\\Windows\\win.ini", &car),
        // NFD spelling of café_04.png.
        image("cafe\u{301}_04.png", &[("car", [2.0, 2.0, 6.0, 6.0])]),
        // Past the border of empty_03 (256×256), and a label nobody declared.
        image(
            "empty_03.png",
            &[
                ("car", [200.0, 200.0, 300.0, 250.0]),
                ("truck", [1.0, 1.0, 9.0, 9.0]),
            ],
        ),
        image("missing.png", &car),
        image("train/street_01.png", &[("car", [10.0, 20.0, 30.0, 40.0])])
            .replace("/>", "><attribute name=\"free\">yes</attribute></box>"),
    ]);
    let path = s.path("mixed.xml");
    std::fs::write(&path, xml).unwrap();
    let project = s.project("p");
    let (stdout, stderr) = s.import(&project, &path, &[]);
    let line = |what: &str| -> String {
        stderr
            .lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("{what} is not reported:\n{stderr}"))
            .to_string()
    };
    // Names are only keys: those leading out of the image root find nothing.
    for name in [
        "`../secret.png`",
        "`../../etc/passwd`",
        "`/etc/shadow`",
        "win.ini",
    ] {
        assert!(
            line(name).contains("no image in the project matches"),
            "{name}"
        );
    }
    assert!(line("mixed.xml: image 6 (`missing.png`)").contains("no image in the project"));
    let l = line("image 5 (`empty_03.png`), box 0");
    assert!(
        l.contains("outside the 256×256 image") && l.contains("clamped"),
        "{l}"
    );
    let l = line("`truck`");
    assert!(
        l.contains("--add-unknown-classes") && l.starts_with("  mixed.xml"),
        "{l}"
    );
    // The NFD name, the clamped box and street_01's box; nothing from the rest.
    assert!(
        stdout.contains("imported 3 annotations"),
        "{stdout}\n{stderr}"
    );
    assert!(stdout.contains("8 images, 3 matched"), "{stdout}");
    let got = content(&project);
    let key = |image: &str| (image.to_string(), "car".to_string());
    assert_eq!(got.boxes[&key("café_04.png")][0].0, [2.0, 2.0, 6.0, 6.0]);
    assert_eq!(
        got.boxes[&key("empty_03.png")][0].0,
        [200.0, 200.0, 256.0, 250.0]
    );
    assert_eq!(
        got.boxes[&key("train/street_01.png")][0].1["free"],
        t("yes")
    );
    assert_eq!(got.boxes.len(), 3);
    assert!(!got.classes.contains(&"truck".to_string()));

    // Asked to, the import skips the outside box and adds the unknown label.
    let again = s.project("again");
    let (stdout, stderr) = s.import(&again, &path, &["--skip-outside", "--add-unknown-classes"]);
    assert!(
        stdout.contains("imported 3 annotations"),
        "{stdout}\n{stderr}"
    );
    assert!(
        line_in(&stderr, "empty_03.png").contains("skipped"),
        "{stderr}"
    );
    let got = content(&again);
    assert!(got.classes.contains(&"truck".to_string()));
    assert!(!got.boxes.contains_key(&key("empty_03.png")));
}

fn line_in<'a>(text: &'a str, what: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(what))
        .unwrap_or_else(|| panic!("{what} is not in:\n{text}"))
}

#[test]
fn values_the_projects_definitions_refuse_are_left_out_and_the_scope_picks_items() {
    use shugu::model::{AttributeDef, Edit, ItemStatus};
    let s = setup();
    let project = s.project("p");
    {
        let mut p = common::cli::open_when_free(&project);
        p.update_schema(|schema| {
            schema.add_attribute(AttributeDef {
                name: "colour".into(),
                kind: AttributeKind::OneOf(vec!["white".into()]),
                default: None,
            })
        })
        .unwrap();
    }
    let (stdout, stderr) = s.import(&project, &s.path("dataset/annotations.xml"), &[]);
    assert!(
        stdout.contains("imported 7 annotations"),
        "{stdout}\n{stderr}"
    );
    let l = line_in(&stderr, "train/street_01.png: a `car` rect");
    assert!(l.contains("\"colour\"") && l.contains("left out"), "{l}");
    let got = content(&project);
    let car = &got.boxes[&("train/street_01.png".to_string(), "car".to_string())][0].1;
    assert!(!car.contains_key("colour"), "{car:?}");
    assert_eq!(
        car["parked"],
        AttrValue::Bool(true),
        "the box's other values stay"
    );

    {
        let mut p = common::cli::open_when_free(&project);
        let item = p
            .items()
            .iter()
            .find(|i| i.rel_path == "café_04.png")
            .unwrap()
            .id;
        p.apply(Edit::SetStatus {
            item,
            status: ItemStatus::Accepted,
        })
        .unwrap();
    }
    let out = s.path("accepted.xml");
    let said = succeeds(&shugu([
        "export".as_ref(),
        project.as_os_str(),
        "--format".as_ref(),
        "cvat".as_ref(),
        "--status".as_ref(),
        "accepted".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]));
    assert!(said.contains("1 images, 2 annotations, 1 tags"), "{said}");
    let xml = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let names: Vec<_> = elements(doc.root_element(), "image")
        .map(|i| i.attribute("name").unwrap())
        .collect();
    assert_eq!(names, ["café_04.png"]);
}
