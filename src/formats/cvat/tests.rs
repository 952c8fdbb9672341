use super::*;
use crate::model::{AttrValue, AttributeKind, BBox, Keypoint, Rle, Shape, Visibility};

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
    <polygon label="car" occluded="0" points="0,0;1,1;2,0" group_id="4" z_order="2"/>
    <polygon label="car" points="0,0;1,x;2,0"/>
    <mask label="car" occluded="0" rle="1,2" left="0" top="0" width="1" height="3"/>
    <cuboid label="car"/>
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
    let boxes: Vec<&CvatShape> = a.shapes.iter().filter(|s| s.element == "box").collect();
    assert_eq!(boxes.len(), 3, "the wrong-way-round box is left out");
    let first = boxes[0];
    assert_eq!(
        first.shape,
        FileShape::Shape(Shape::Rect(BBox::from_corners([10.5, 0.0], [20.0, 50.0]))),
        "no ±1"
    );
    let FileShape::Shape(Shape::RotatedRect(r)) = &boxes[1].shape else {
        panic!("{:?}", boxes[1].shape)
    };
    assert_eq!([r.cx, r.cy, r.w, r.h, r.angle], [1.5, 1.5, 1.0, 1.0, 15.0]);
    let polygon = a.shapes.iter().find(|s| s.element == "polygon").unwrap();
    assert_eq!((polygon.group, polygon.index), (Some(4), 0));
    assert_eq!(polygon.attributes[Z_ORDER], AttrValue::Text("2".into()));
    let mask = a.shapes.iter().find(|s| s.element == "mask").unwrap();
    let FileShape::Mask(patch) = &mask.shape else {
        panic!("not a patch")
    };
    assert_eq!(patch.rows, [0, 1, 1]);
    let attrs = &first.attributes;
    assert_eq!(attrs["occluded"], AttrValue::Bool(true));
    assert_eq!(attrs["parked"], AttrValue::Bool(true));
    assert_eq!(attrs["colour"], AttrValue::Text("blue".into()));
    assert_eq!(attrs["plate"], AttrValue::Text("京A".into()));
    let last = &boxes[2].attributes;
    assert!(
        !last.contains_key("colour"),
        "not one of the select's values"
    );
    assert_eq!(last["free"], AttrValue::Bool(false));
    assert_eq!(a.tags, ["night"]);
    assert_eq!(f.skipped["cuboid"], 1);
    let said = |at: &str, what: &str| {
        f.problems
            .iter()
            .any(|p| p.at.contains(at) && p.message.contains(what))
    };
    assert!(said("image 0 (`train/a.jpg`), box 1", "wrong way round"));
    assert!(said("box 3", "green"));
    assert!(said("polygon 1", "is not two numbers"));
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
    let on_image = |s: &CvatShape| match &s.shape {
        FileShape::Shape(shape) => shape.clone(),
        FileShape::Mask(p) => {
            let origin = (i64::from(p.left), i64::from(p.top));
            Shape::Mask(Rle::from_patch((50, 100), origin, (p.width, p.height), &p.rows).unwrap())
        }
    };
    let shapes: Vec<Shape> = a.shapes.iter().map(on_image).collect();
    let out = CvatImageOut {
        name: "dir/a \"b\" & c.jpg",
        width: 100,
        height: 50,
        shapes: a
            .shapes
            .iter()
            .zip(&shapes)
            .map(|(s, shape)| CvatShapeOut {
                label: &s.label,
                shape,
                group: s.group,
                attributes: &s.attributes,
                skeleton: None,
            })
            .collect(),
        tags: vec!["night"],
    };
    let xml = cvat_xml("任务", &source.labels, &[out]);
    let back = parse_cvat(xml.as_bytes()).unwrap();
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    assert_eq!(back.labels, source.labels);
    assert_eq!(back.images[0].name, "dir/a \"b\" & c.jpg");
    let seen = |shapes: &[CvatShape]| -> Vec<(String, Shape, Option<i64>, Attributes)> {
        shapes
            .iter()
            .map(|s| (s.label.clone(), on_image(s), s.group, s.attributes.clone()))
            .collect()
    };
    let (again, first) = (seen(&back.images[0].shapes), seen(&a.shapes));
    assert_eq!(again, first);
    assert_eq!(back.images[0].tags, ["night"]);
    assert!(xml.contains("occluded=\"1\""), "{xml}");
    assert!(!xml.contains("<attribute name=\"occluded\""), "{xml}");
    assert!(!xml.contains("<attribute name=\"z_order\""), "{xml}");
}

const SKELETON: &str = r#"<annotations><version>1.1</version><meta><task><labels>
  <label><name>hand</name><type>skeleton</type><attributes/>
    <svg>&lt;line data-type="edge" data-node-from="2" data-node-to="1"&gt;&lt;/line&gt;&lt;circle data-type="element node" data-node-id="1" data-label-name="wrist"&gt;&lt;/circle&gt;&lt;circle data-type="element node" data-node-id="2" data-label-name="thumb"&gt;&lt;/circle&gt;</svg></label>
  <label><name>wrist</name><type>points</type><attributes/><parent>hand</parent></label>
  <label><name>thumb</name><type>points</type><attributes/><parent>hand</parent></label>
  <label><name>cell</name><attributes/></label>
</labels></task></meta>
<image id="0" name="a.png" width="40" height="30">
  <skeleton label="hand" source="manual" z_order="0" group_id="2">
    <points label="thumb" source="manual" outside="0" occluded="1" points="3.5,4"></points>
    <points label="wrist" source="manual" outside="1" occluded="0" points="0,0"></points>
  </skeleton>
  <ellipse label="cell" source="manual" occluded="0" cx="20" cy="15" rx="8" ry="4" rotation="30" z_order="0"/>
  <points label="cell" occluded="0" points="1,2;3,4"/>
  <polyline label="cell" occluded="0" points="1,2;3,4;5,1"/>
</image></annotations>"#;

#[test]
fn skeletons_take_their_labels_points_and_ellipses_become_polygons() {
    let f = parse_cvat(SKELETON.as_bytes()).unwrap();
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let names: Vec<&str> = f.labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        ["hand", "cell"],
        "the points of a skeleton are not classes"
    );
    let skeleton = f.labels[0].skeleton.as_ref().unwrap();
    assert_eq!(skeleton.points, ["wrist", "thumb"]);
    assert_eq!(skeleton.edges, [(1, 0)]);
    let shapes = &f.images[0].shapes;
    assert_eq!(
        shapes[0].shape,
        FileShape::Shape(Shape::Keypoints(vec![
            Keypoint::NOT_LABELLED,
            Keypoint::new(3.5, 4.0, Visibility::Occluded)
        ]))
    );
    assert_eq!(shapes[0].group, Some(2));
    let FileShape::Shape(Shape::Polygon(ellipse)) = &shapes[1].shape else {
        panic!("{:?}", shapes[1].shape)
    };
    let exact = std::f64::consts::PI * 8.0 * 4.0;
    assert!((ellipse.area() - exact).abs() / exact < 1e-2);
    assert_eq!(f.converted["ellipse"], 1);
    let FileShape::Shape(Shape::Keypoints(points)) = &shapes[2].shape else {
        panic!("{:?}", shapes[2].shape)
    };
    assert_eq!(points.len(), 2);
    assert!(matches!(&shapes[3].shape, FileShape::Shape(Shape::Polyline(p)) if p.len() == 3));

    // Written back as CVAT writes skeletons, with the meta's points.
    let FileShape::Shape(hand) = &shapes[0].shape else {
        unreachable!()
    };
    let none = Attributes::new();
    let out = CvatImageOut {
        name: "a.png",
        width: 40,
        height: 30,
        shapes: vec![CvatShapeOut {
            label: "hand",
            shape: hand,
            group: Some(2),
            attributes: &none,
            skeleton: Some(&skeleton.points),
        }],
        tags: vec![],
    };
    let xml = cvat_xml("t", &f.labels, &[out]);
    let back = parse_cvat(xml.as_bytes()).unwrap();
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    assert_eq!(back.labels, f.labels);
    assert_eq!(back.images[0].shapes[0].shape, shapes[0].shape);
    assert!(xml.contains("<parent>hand</parent>"), "{xml}");
}
