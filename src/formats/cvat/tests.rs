use super::*;
use crate::model::{AttrValue, AttributeKind};

const FILE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><task><labels>
    <label><name>car</name><color>#ff8000</color><attributes>
      <attribute><name>parked</name><input_type>checkbox</input_type><default_value>false</default_value><values>false</values></attribute>
      <attribute><name>colour</name><input_type>select</input_type><default_value>红</default_value><values>红
blue</values></attribute>
      <attribute><name>plate</name><input_type>text</input_type><default_value></default_value><values></values></attribute>
    </attributes></label>
    <label><name>night</name><type>tag</type><attributes/></label>
  </labels></task></meta>
  <image id="0" name="train/a.jpg" width="100" height="50">
    <box label="car" occluded="1" xtl="10.5" ytl="0" xbr="20" ybr="50" z_order="0">
      <attribute name="parked">true</attribute>
      <attribute name="colour">blue</attribute>
      <attribute name="plate">京A</attribute>
    </box>
    <box label="car" occluded="0" xtl="30" ytl="5" xbr="20" ybr="10"/>
    <box label="car" occluded="0" xtl="1" ytl="1" xbr="2" ybr="2" rotation="15"/>
    <box label="car" occluded="0" xtl="1" ytl="1" xbr="2" ybr="2">
      <attribute name="colour">green</attribute>
      <attribute name="free">false</attribute>
    </box>
    <polygon label="car" points="0,0;1,1;2,0"/>
    <polygon label="car" points="0,0;1,1;2,0"/>
    <mask label="car" rle="1,2" left="0" top="0" width="1" height="3"/>
    <tag label="night"/>
  </image>
  <image id="1" width="10" height="10"/>
  <image id="2" name="b.png" width="x" height="10"><tag/></image>
</annotations>"#;

#[test]
fn labels_attributes_boxes_and_tags_are_read_and_typed() {
    let f = parse_cvat(FILE.as_bytes()).unwrap();
    assert_eq!(f.version.as_deref(), Some("1.1"));
    assert_eq!(f.labels.len(), 2);
    let car = &f.labels[0];
    assert_eq!(car.color, Some(Rgb(255, 128, 0)));
    assert_eq!(car.attributes[1].values, ["红", "blue"]);
    assert_eq!(f.labels[1].kind.as_deref(), Some("tag"));
    assert_eq!(f.images.len(), 2);
    let a = &f.images[0];
    assert_eq!((a.name.as_str(), a.size), ("train/a.jpg", Some((100, 50))));
    assert_eq!(
        a.boxes.len(),
        2,
        "the wrong-way-round and rotated boxes are left out"
    );
    let first = &a.boxes[0];
    assert_eq!(
        [
            first.bbox.min_x,
            first.bbox.min_y,
            first.bbox.max_x,
            first.bbox.max_y
        ],
        [10.5, 0.0, 20.0, 50.0],
        "no ±1"
    );
    let attrs = &first.attributes;
    assert_eq!(attrs["occluded"], AttrValue::Bool(true));
    assert_eq!(attrs["parked"], AttrValue::Bool(true));
    assert_eq!(attrs["colour"], AttrValue::Text("blue".into()));
    assert_eq!(attrs["plate"], AttrValue::Text("京A".into()));
    let last = &a.boxes[1].attributes;
    assert!(
        !last.contains_key("colour"),
        "not one of the select's values"
    );
    assert_eq!(last["free"], AttrValue::Bool(false));
    assert_eq!(a.tags, ["night"]);
    assert_eq!(f.skipped["polygon"], 2);
    assert_eq!(f.skipped["mask"], 1);
    let said = |at: &str, what: &str| {
        f.problems
            .iter()
            .any(|p| p.at.contains(at) && p.message.contains(what))
    };
    assert!(said("image 0 (`train/a.jpg`), box 1", "wrong way round"));
    assert!(said("box 2", "rotated"));
    assert!(said("box 3", "green"));
    assert!(said("image 1", "no name"));
    assert!(said("image 2 (`b.png`)", "width and height"));
    assert!(said("image 2", "<tag> has no label"));
    assert_eq!(f.images[1].index, 2);
}

#[test]
fn broken_files_are_refused_with_the_reason() {
    let half = &FILE.as_bytes()[..FILE.len() / 2];
    assert!(
        parse_cvat(half)
            .unwrap_err()
            .contains("not well-formed XML")
    );
    assert!(
        parse_cvat(b"<annotation/>")
            .unwrap_err()
            .contains("<annotations>")
    );
    let latin1 = b"<annotations><image name=\"caf\xe9.jpg\"/></annotations>";
    assert!(parse_cvat(latin1).unwrap_err().contains("not UTF-8"));
    let declared = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><annotations><image name=\"caf\xe9.jpg\"/></annotations>";
    assert_eq!(
        parse_cvat(declared).unwrap().images[0].name,
        "caf\u{e9}.jpg"
    );
}

#[test]
fn specs_become_schema_definitions_and_back() {
    let f = parse_cvat(FILE.as_bytes()).unwrap();
    let defs: Vec<_> = f.labels[0].attributes.iter().map(attribute_def).collect();
    assert_eq!(defs[0].kind, AttributeKind::Bool);
    assert_eq!(defs[0].default, Some(AttrValue::Bool(false)));
    assert_eq!(
        defs[1].kind,
        AttributeKind::OneOf(vec!["红".into(), "blue".into()])
    );
    assert_eq!(defs[2].kind, AttributeKind::Text);
    let specs: Vec<_> = defs.iter().map(attribute_spec).collect();
    assert_eq!(specs, f.labels[0].attributes);
}

#[test]
fn written_files_read_back_the_same() {
    let source = parse_cvat(FILE.as_bytes()).unwrap();
    let a = &source.images[0];
    let out = CvatImageOut {
        name: "dir/a \"b\" & c.jpg",
        width: 100,
        height: 50,
        boxes: a
            .boxes
            .iter()
            .map(|b| (b.label.as_str(), b.bbox, &b.attributes))
            .collect(),
        tags: vec!["night"],
    };
    let xml = cvat_xml("任务", &source.labels, &[out]);
    let back = parse_cvat(xml.as_bytes()).unwrap();
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    assert_eq!(back.labels, source.labels);
    assert_eq!(back.images[0].name, "dir/a \"b\" & c.jpg");
    let shapes = |boxes: &[CvatBox]| -> Vec<(String, BBox, Attributes)> {
        boxes
            .iter()
            .map(|b| (b.label.clone(), b.bbox, b.attributes.clone()))
            .collect()
    };
    assert_eq!(shapes(&back.images[0].boxes), shapes(&a.boxes));
    assert_eq!(back.images[0].tags, ["night"]);
    assert!(xml.contains("occluded=\"1\""), "{xml}");
    assert!(!xml.contains("<attribute name=\"occluded\""), "{xml}");
}
