use super::{boxed, found_as, item, schema};
use crate::formats::coco::{
    CocoExportInput, ImportTarget, build_export, parse_coco, plan_import, write_coco,
};
use crate::model::{Annotation, BBox, Item, ItemId, Shape};

/// A deterministic spread of awkward coordinates (no RNG dependency).
fn awkward_boxes(items: &[Item]) -> Vec<Annotation> {
    let mut boxes = Vec::new();
    let mut state: u32 = 12345;
    let mut next = || {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (state >> 8) as f32 / (1u32 << 24) as f32
    };
    for (k, it) in items.iter().enumerate() {
        let (w, h) = (it.width as f32, it.height as f32);
        for j in 0..25 {
            let (x0, y0) = (next() * w, next() * h);
            let (x1, y1) = (x0 + next() * (w - x0), y0 + next() * (h - y0));
            if x1 > x0 && y1 > y0 {
                let id = (k * 100 + (25 - j)) as i64; // reverse id order within an item
                boxes.push(boxed(
                    id,
                    it.id.0,
                    1 + (j % 2) as i64,
                    BBox::from_corners([x0, y0], [x1, y1]),
                ));
            }
        }
    }
    // Edge-touching boxes: the whole image and its first pixel.
    boxes.push(boxed(
        10_000,
        11,
        2,
        BBox::from_corners([0.0, 0.0], [1920.0, 1080.0]),
    ));
    boxes.push(boxed(
        10_001,
        11,
        1,
        BBox::from_corners([0.0, 0.0], [1.0, 1.0]),
    ));
    boxes
}

#[test]
fn export_then_import_gives_the_same_boxes() {
    let items = [
        item(11, "城市/街道 1.jpg", 1920, 1080),
        item(12, "b.png", 640, 480),
        item(13, "deep/dir/c.jpeg", 4000, 3000),
    ];
    let boxes = awkward_boxes(&items);
    let schema = schema();
    let export = build_export(CocoExportInput {
        items: &items,
        annotations: boxes.clone(),
        schema: &schema,
        description: String::new(),
        date_created: String::new(),
    });
    assert!(export.left_out.is_empty() && export.left_out_annotations.is_empty());
    let mut bytes = Vec::new();
    write_coco(&export.file, &mut bytes).expect("writing to a Vec succeeds");

    let file = parse_coco(&bytes).expect("our own output parses");
    let plan = plan_import(&file, |name: &str| {
        let target = items
            .iter()
            .find(|i| i.rel_path == name)
            .map(|i| ImportTarget {
                item: i.id,
                width: i.width,
                height: i.height,
            });
        found_as(name, target)
    });
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert_eq!(plan.categories, ["car", "行人"]);
    assert_eq!(plan.annotations.len(), boxes.len());

    let mut expected: Vec<(ItemId, &str, BBox)> = boxes
        .iter()
        .map(|b| {
            let name = schema.class(b.class).map_or("", |c| c.name.as_str());
            (b.item, name, b.bounds())
        })
        .collect();
    expected.sort_by(|a, b| {
        (a.0, a.2.min_x, a.2.min_y)
            .partial_cmp(&(b.0, b.2.min_x, b.2.min_y))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut got: Vec<(ItemId, &str, BBox)> = plan
        .annotations
        .iter()
        .map(|b| match b.shapes.as_slice() {
            [Shape::Rect(bbox)] => (b.item, plan.categories[b.category].as_str(), *bbox),
            other => panic!("a box comes back as a box, not {other:?}"),
        })
        .collect();
    got.sort_by(|a, b| {
        (a.0, a.2.min_x, a.2.min_y)
            .partial_cmp(&(b.0, b.2.min_x, b.2.min_y))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    for (e, g) in expected.iter().zip(&got) {
        assert_eq!((e.0, e.1), (g.0, g.1));
        let (e, g) = (e.2, g.2);
        let worst = [
            e.min_x - g.min_x,
            e.min_y - g.min_y,
            e.max_x - g.max_x,
            e.max_y - g.max_y,
        ]
        .iter()
        .fold(0.0f32, |m, d| m.max(d.abs()));
        assert!(worst <= 1e-3, "{e:?} came back as {g:?}");
    }
}

#[test]
fn box_attributes_go_into_the_annotation_and_come_back() {
    use crate::model::AttrValue;
    let items = [item(1, "a.jpg", 100, 80)];
    let mut b = boxed(1, 1, 1, BBox::from_corners([1.0, 2.0], [30.0, 40.0]));
    b.attributes
        .insert("occluded".into(), AttrValue::Bool(true));
    b.attributes
        .insert("colour".into(), AttrValue::Text("红".into()));
    let plain = boxed(2, 1, 2, BBox::from_corners([5.0, 5.0], [9.0, 9.0]));
    let schema = schema();
    let export = build_export(CocoExportInput {
        items: &items,
        annotations: vec![b.clone(), plain],
        schema: &schema,
        description: String::new(),
        date_created: String::new(),
    });
    let mut bytes = Vec::new();
    write_coco(&export.file, &mut bytes).expect("writing to a Vec succeeds");
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
    assert_eq!(
        json["annotations"][0]["attributes"],
        serde_json::json!({"colour": "红", "occluded": true})
    );
    assert!(json["annotations"][1].get("attributes").is_none());

    // CVAT writes numbers too; they come back as text, nulls are skipped.
    let text = String::from_utf8(bytes).expect("UTF-8").replace(
        r#""occluded":true"#,
        r#""occluded":true,"z_order":3,"gone":null"#,
    );
    let file = parse_coco(text.as_bytes()).expect("our own output parses");
    let plan = plan_import(&file, |name: &str| {
        let target = ImportTarget {
            item: ItemId(1),
            width: 100,
            height: 80,
        };
        found_as(name, Some(target))
    });
    let mut want = b.attributes.clone();
    want.insert("z_order".into(), AttrValue::Text("3".into()));
    assert_eq!(plan.annotations[0].attributes, want);
    assert!(plan.annotations[1].attributes.is_empty());
}
