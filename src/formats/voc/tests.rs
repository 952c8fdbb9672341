use super::*;
use crate::model::{AttrValue, Attributes};

const ONE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<annotation>
  <folder>VOC2007</folder>
  <filename>000005.jpg</filename>
  <size><width>500</width><height>375</height><depth>3</depth></size>
  <object>
    <name>chair</name><pose>Rear</pose><truncated>0</truncated><difficult>1</difficult>
    <bndbox><xmin>263</xmin><ymin>211</ymin><xmax>324</xmax><ymax>339</ymax></bndbox>
  </object>
  <object>
    <name>行人</name><occluded>1</occluded>
    <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>500</xmax><ymax>375</ymax></bndbox>
    <attributes><attribute><name>colour</name><value>红</value></attribute>
      <attribute><name>parked</name><value>True</value></attribute></attributes>
  </object>
  <object><name>no box</name></object>
  <object><name>backwards</name>
    <bndbox><xmin>20</xmin><ymin>1</ymin><xmax>10</xmax><ymax>5</ymax></bndbox></object>
</annotation>"#;

#[test]
fn reads_objects_flags_and_attributes_with_one_based_corners() {
    let f = parse_voc(ONE.as_bytes()).unwrap();
    assert_eq!(f.filename.as_deref(), Some("000005.jpg"));
    assert_eq!(f.size, Some((500, 375)));
    let chair = &f.objects[0];
    assert_eq!(
        chair.bbox,
        BBox {
            min_x: 262.0,
            min_y: 210.0,
            max_x: 324.0,
            max_y: 339.0
        }
    );
    assert_eq!(
        chair.attributes.get("difficult"),
        Some(&AttrValue::Bool(true))
    );
    assert_eq!(
        chair.attributes.get("truncated"),
        Some(&AttrValue::Bool(false))
    );
    assert_eq!(
        chair.attributes.get("pose"),
        Some(&AttrValue::Text("Rear".into()))
    );
    let whole = &f.objects[1];
    assert_eq!(
        whole.bbox,
        BBox {
            min_x: 0.0,
            min_y: 0.0,
            max_x: 500.0,
            max_y: 375.0
        }
    );
    assert_eq!(
        whole.attributes.get("colour"),
        Some(&AttrValue::Text("红".into()))
    );
    assert_eq!(whole.attributes.get("parked"), Some(&AttrValue::Bool(true)));
    let messages: Vec<_> = f
        .problems
        .iter()
        .map(|p| (p.object, p.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        [
            (Some(2), "it has no <bndbox>; skipped"),
            (
                Some(3),
                "xmin 20 is greater than xmax 10; the corners were swapped"
            ),
        ]
    );
    // Swapped, the box covers pixels 10..=20 (1-based).
    assert_eq!(f.objects.len(), 3);
    assert_eq!(
        f.objects[2].bbox,
        BBox::from_corners([9.0, 0.0], [20.0, 5.0])
    );
}

#[test]
fn written_files_read_back_the_same() {
    let mut attrs = Attributes::new();
    attrs.insert("difficult".into(), AttrValue::Bool(true));
    attrs.insert("pose".into(), AttrValue::Text("Left".into()));
    attrs.insert("note".into(), AttrValue::Text("a < b & \"c\"".into()));
    let plain = Attributes::new();
    let a = BBox::from_corners([0.0, 0.0], [1.0, 1.0]);
    let b = BBox::from_corners([10.0, 20.0], [640.0, 480.0]);
    let xml = voc_xml(
        "街道/a&b.png",
        640,
        480,
        &[("car", a, &attrs), ("行人", b, &plain)],
    );
    let f = parse_voc(xml.as_bytes()).unwrap();
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(f.filename.as_deref(), Some("街道/a&b.png"));
    assert_eq!(f.size, Some((640, 480)));
    assert_eq!(f.objects[0].bbox, a);
    assert_eq!(f.objects[1].bbox, b);
    // The flags are always written, so they come back (false when unset).
    let mut want = attrs.clone();
    want.insert("truncated".into(), AttrValue::Bool(false));
    want.insert("occluded".into(), AttrValue::Bool(false));
    assert_eq!(f.objects[0].attributes, want);
    assert!(
        xml.contains("<xmin>1</xmin>") && xml.contains("<xmax>1</xmax>"),
        "{xml}"
    );
}

#[test]
fn fractional_boxes_are_written_as_the_pixels_they_touch() {
    let b = BBox::from_corners([10.5, 0.25], [20.25, 30.0]);
    assert_eq!(bbox_to_corners(&b), [11, 1, 21, 30]);
    assert_eq!(
        corners_to_bbox(11.0, 1.0, 21.0, 30.0),
        BBox::from_corners([10.0, 0.0], [21.0, 30.0])
    );
}

#[test]
fn latin1_is_decoded_when_declared_and_refused_otherwise() {
    let body = "<annotation><filename>caf\u{e9}.jpg</filename></annotation>";
    let latin1: Vec<u8> = body.chars().map(|c| c as u8).collect();
    let declared = [
        br#"<?xml version="1.0" encoding="ISO-8859-1"?>"#.as_slice(),
        &latin1,
    ]
    .concat();
    assert_eq!(
        parse_voc(&declared).unwrap().filename.as_deref(),
        Some("café.jpg")
    );
    let err = parse_voc(&latin1).unwrap_err();
    assert!(
        err.contains("not UTF-8") && err.contains("offset 25"),
        "{err}"
    );
    let gbk = br#"<?xml version="1.0" encoding="GBK"?><annotation/>"#;
    assert!(parse_voc(gbk).unwrap_err().contains("\"gbk\""));
}

#[test]
fn broken_xml_is_explained() {
    let err = parse_voc(b"<annotation><object><name>car</name>").unwrap_err();
    assert!(err.starts_with("not well-formed XML"), "{err}");
    let err = parse_voc(b"<annotation><name>a</nam></annotation>").unwrap_err();
    assert!(err.starts_with("not well-formed XML"), "{err}");
    let err = parse_voc(b"<coco/>").unwrap_err();
    assert!(err.contains("<coco>"), "{err}");
}

#[test]
fn labelmap_names_in_order_without_background() {
    let text = labelmap_txt(&[
        ("car", crate::model::Rgb(1, 2, 3)),
        ("行人", crate::model::Rgb(4, 5, 6)),
    ]);
    let entry = |name: &str, color| LabelmapEntry {
        name: name.into(),
        color,
    };
    assert_eq!(
        parse_labelmap(&text),
        [
            entry("car", Some(crate::model::Rgb(1, 2, 3))),
            entry("行人", Some(crate::model::Rgb(4, 5, 6)))
        ]
    );
    assert_eq!(
        parse_labelmap("# c\nbackground:::\ncat:::\n\ndog\nfox:1,2::\nowl:1,2,300::\n"),
        [
            entry("cat", None),
            entry("dog", None),
            entry("fox", None),
            entry("owl", None)
        ]
    );
}
