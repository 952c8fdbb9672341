//! Tests of the COCO module, one file per concern, sharing the fixtures below.

mod export;
mod import;
mod labels;
mod parse;
mod roundtrip;
mod shapes;

use super::ImportTarget;
use crate::formats::label_paths::{MatchLevel, Matched, PathMatch};
use crate::model::{
    Annotation, AnnotationId, BBox, ClassId, Item, ItemId, ItemStatus, LabelSchema, Provenance,
    Shape,
};

/// What a lookup of `name` answers when the project has `target` there.
fn found_as(name: &str, target: Option<ImportTarget>) -> PathMatch<ImportTarget> {
    match target {
        Some(value) => PathMatch::Found(Matched {
            value,
            path: name.to_string(),
            level: MatchLevel::Exact,
        }),
        None => PathMatch::NotFound,
    }
}

fn item(id: i64, rel_path: &str, width: u32, height: u32) -> Item {
    Item {
        id: ItemId(id),
        rel_path: rel_path.to_string(),
        width,
        height,
        status: ItemStatus::Submitted,
        error: None,
    }
}

fn boxed(id: i64, item: i64, class: i64, bbox: BBox) -> Annotation {
    Annotation {
        id: AnnotationId(id),
        item: ItemId(item),
        class: ClassId(class),
        shape: Shape::Rect(bbox),
        group: None,
        provenance: Provenance {
            author: "tester".into(),
            created_ms: 0,
            updated_by: "tester".into(),
            updated_ms: 0,
        },
        attributes: Default::default(),
    }
}

fn xywh(x: f32, y: f32, w: f32, h: f32) -> BBox {
    BBox::from_xywh(x, y, w, h)
}

/// Classes `car` (id 1) and `行人` (id 2).
fn schema() -> LabelSchema {
    LabelSchema::with_classes(&["car", "行人"])
}
