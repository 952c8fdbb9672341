//! Model predictions to import as proposals (pre-labels). Pure: the caller
//! reads the file and stores the plan.
//!
//! A COCO *results* file is a JSON array of
//! `{"image_id" | "file_name", "category_id" | "category_name", "bbox": [x, y, w, h], "score"}`,
//! instance segmentation results with a `segmentation` too (polygons, or an
//! RLE mask of the image's size, compressed as pycocotools writes it), which
//! becomes the proposal's shape as a COCO dataset's would (a segmentation
//! that gives none is reported and its `bbox` taken).
//! `image_id` means the image ids of this project's COCO export (items in
//! order, unreadable ones left out: [`export_image_ids`]), `category_id` the
//! project's class ids, as that export writes them. `file_name` is matched
//! like the name in any label file ([`PathMatcher`]: exact path first, a
//! Label Studio URL or a bare name too); it is only a name, never opened.
//! Each record that cannot be taken is reported with its index, and the rest
//! go on.
//!
//! YOLO prediction folders (label files with a 6th column, the score) are
//! read by the YOLO reader; see `jobs::predictions`.

use super::coco::{
    COCO_FOLDERS, CocoFile, ImportProblem, Segmentation, ShapeRecord, coco_geometry,
    export_image_ids, round4, segmentation_region,
};
use super::json_fields::{finite, number, parse_json_allowing_nan};
use super::label_paths::{PathMatch, PathMatcher};
use super::yolo::{OutsidePolicy, place_corners};
use crate::model::{ClassId, Item, ItemId, LabelSchema, Proposal, Shape};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// A prediction to store as a proposal.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedProposal {
    pub item: ItemId,
    /// Index into [`PredictionPlan::class_names`].
    pub class: usize,
    pub shape: Shape,
    pub score: f32,
}

/// What a predictions file holds for the project, and what it could not take.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PredictionPlan {
    /// The class names the proposals refer to (schema classes and, possibly,
    /// names the schema lacks).
    pub class_names: Vec<String>,
    pub proposals: Vec<PlannedProposal>,
    /// By record, in file order.
    pub problems: Vec<ImportProblem>,
    /// Records in the file.
    pub records: usize,
    /// Proposals clamped to their image.
    pub clamped: usize,
}

impl PredictionPlan {
    /// The index of a class name, added on first use.
    pub fn class_index(&mut self, name: &str) -> usize {
        match self.class_names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                self.class_names.push(name.to_string());
                self.class_names.len() - 1
            }
        }
    }
}

/// Where the records of a results file find their items.
struct Images<'a> {
    by_id: HashMap<i64, ItemId>,
    by_path: PathMatcher<ItemId>,
    items: HashMap<ItemId, &'a Item>,
}

/// Plans a COCO results file. `Err` (why) when the file as a whole cannot be
/// read: not UTF-8, not JSON, not an array.
pub fn plan_coco_results(
    bytes: &[u8],
    items: &[Item],
    image_root: &Path,
    schema: &LabelSchema,
    outside: OutsidePolicy,
) -> Result<PredictionPlan, String> {
    let records = match parse_json_allowing_nan(bytes)? {
        Value::Array(records) => records,
        Value::Object(map) if map.contains_key("annotations") => {
            return Err("this is a COCO dataset file, not a results file \
                 (a JSON array of {image_id, category_id, bbox, score})"
                .into());
        }
        other => {
            return Err(format!(
                "a COCO results file is a JSON array of predictions, not {}",
                json_kind(&other)
            ));
        }
    };
    let images = Images {
        by_id: export_image_ids(items),
        by_path: PathMatcher::new(
            items.iter().map(|i| (i.rel_path.clone(), i.id)),
            &COCO_FOLDERS,
        )
        .with_root(image_root),
        items: items.iter().map(|i| (i.id, i)).collect(),
    };
    let mut plan = PredictionPlan {
        records: records.len(),
        ..PredictionPlan::default()
    };
    for (index, record) in records.iter().enumerate() {
        let problem = |message: String| ImportProblem {
            record: format!("record [{index}]"),
            message,
        };
        match plan_record(record, &images, schema, outside, &mut plan) {
            Ok(None) => {}
            Ok(Some(note)) => plan.problems.push(problem(note)),
            Err(message) => plan.problems.push(problem(message)),
        }
    }
    Ok(plan)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One record into the plan; `Ok(Some(note))` when it was taken with a caveat.
fn plan_record(
    record: &Value,
    images: &Images,
    schema: &LabelSchema,
    outside: OutsidePolicy,
    plan: &mut PredictionPlan,
) -> Result<Option<String>, String> {
    if !record.is_object() {
        return Err(format!(
            "a prediction is an object, not {}",
            json_kind(record)
        ));
    }
    let item = find_item(record, images)?;
    let class = class_name(record, schema)?;
    let score = finite(record, "score")?;
    if !(0.0..=1.0).contains(&score) {
        return Err(format!("`score` is {score}; scores lie between 0 and 1"));
    }
    // A segmentation (instance segmentation results) is the proposal's
    // shape, as in a COCO dataset; without one, or when it gives none, the box.
    let mut notes = Vec::new();
    let region = match record.get("segmentation") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Segmentation::deserialize(v)
            .map_err(|e| format!("its segmentation cannot be read ({e})"))
            .and_then(|s| segmentation_region(&s, item.width, item.height, &mut notes)),
    };
    let (shape, clamped) = match region {
        Ok(Some(shape)) => (shape, false),
        Ok(None) => record_box(record, item, outside)?,
        Err(clause) => {
            let placed = record_box(record, item, outside)?;
            notes.push(format!("{clause}; its bbox was taken"));
            placed
        }
    };
    let class = plan.class_index(&class);
    plan.proposals.push(PlannedProposal {
        item: item.id,
        class,
        shape,
        score: score as f32,
    });
    if clamped {
        plan.clamped += 1;
        notes.push(format!(
            "the box reaches outside the {}×{} image {}; it was clamped",
            item.width, item.height, item.rel_path
        ));
    }
    Ok((!notes.is_empty()).then(|| notes.join("; ")))
}

/// The record's `bbox` placed on its image, and whether it was clamped.
fn record_box(
    record: &Value,
    item: &Item,
    outside: OutsidePolicy,
) -> Result<(Shape, bool), String> {
    let bbox = match record.get("bbox") {
        Some(Value::Array(v)) if v.len() == 4 => {
            let mut xywh = [0f64; 4];
            for (k, value) in v.iter().enumerate() {
                xywh[k] = number(value).ok_or_else(|| {
                    format!("`bbox` [x, y, w, h] has {value} where a finite number belongs")
                })?;
            }
            xywh
        }
        None | Some(Value::Null) => return Err("`bbox` is missing".into()),
        Some(other) => return Err(format!("`bbox` is {other}, not [x, y, w, h]")),
    };
    let [x, y, w, h] = bbox;
    if w <= 0.0 || h <= 0.0 {
        return Err(format!(
            "the box {bbox:?} has no area (width and height must be positive)"
        ));
    }
    let placed = place_corners([x, y, x + w, y + h], item.width, item.height, outside)?;
    Ok((Shape::Rect(placed.bbox), placed.clamped))
}

/// The record's item, by `image_id` or else `file_name`.
fn find_item<'a>(record: &Value, images: &Images<'a>) -> Result<&'a Item, String> {
    let id = match (record.get("image_id"), record.get("file_name")) {
        (Some(v), _) if !v.is_null() => {
            let id = v
                .as_i64()
                .ok_or_else(|| format!("`image_id` is {v}, not a whole number"))?;
            images.by_id.get(&id).copied().ok_or_else(|| {
                format!(
                    "image id {id} is not an image of this project (image ids are \
                     those of the project's COCO export)"
                )
            })?
        }
        (_, Some(Value::String(name))) => match images.by_path.find(name) {
            PathMatch::Found(matched) => matched.value,
            PathMatch::NotFound => {
                return Err(format!("file_name {name:?} is not an image of the project"));
            }
            PathMatch::Ambiguous(paths) => {
                return Err(format!(
                    "file_name {name:?} could be any of {}",
                    paths.join(", ")
                ));
            }
        },
        (_, Some(v)) if !v.is_null() => return Err(format!("`file_name` is {v}, not a string")),
        _ => return Err("`image_id` (or `file_name`) is missing".into()),
    };
    let item = images
        .items
        .get(&id)
        .copied()
        .ok_or_else(|| format!("item {id} is not in the project"))?;
    if item.error.is_some() || item.width == 0 || item.height == 0 {
        return Err(format!(
            "{}: the image cannot be read, so it takes no proposals",
            item.rel_path
        ));
    }
    Ok(item)
}

/// The record's class name: the schema class with id `category_id`, else
/// `category_name` as written (the schema may lack it; the caller decides).
fn class_name(record: &Value, schema: &LabelSchema) -> Result<String, String> {
    let name = match record.get("category_name") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim()),
        _ => None,
    };
    match record.get("category_id") {
        Some(v) if !v.is_null() => {
            let id = v
                .as_i64()
                .ok_or_else(|| format!("`category_id` is {v}, not a whole number"))?;
            match (schema.class(ClassId(id)), name) {
                (Some(class), _) => Ok(class.name.clone()),
                (None, Some(name)) => Ok(name.to_string()),
                (None, None) => Err(format!(
                    "category id {id} is not a class of this project (category ids are \
                     the project's class ids, as its COCO export writes them)"
                )),
            }
        }
        _ => name
            .map(str::to_string)
            .ok_or_else(|| "`category_id` (or `category_name`) is missing".into()),
    }
}

/// Appends unreviewed proposals to a COCO export built from `items`, as
/// annotations with their `score` (ids after the annotations'), each shape
/// as the export writes an annotation of it ([`coco_geometry`]). Proposals of
/// items the export left out, of classes it has no category for, or of shapes
/// COCO cannot hold, are not written. Returns how many were.
pub fn append_proposals(file: &mut CocoFile, items: &[Item], proposals: &[Proposal]) -> usize {
    let image_of: HashMap<ItemId, i64> = export_image_ids(items)
        .into_iter()
        .map(|(image, item)| (item, image))
        .collect();
    let keypoint_counts: HashMap<i64, usize> = file
        .categories
        .iter()
        .map(|c| (c.id, c.keypoints.len()))
        .collect();
    let mut next_id = file.annotations.iter().map(|a| a.id).max().unwrap_or(0) + 1;
    let before = file.annotations.len();
    for p in proposals {
        let (Some(&image_id), Some(&count)) =
            (image_of.get(&p.item), keypoint_counts.get(&p.class.0))
        else {
            continue;
        };
        let record = match &p.shape {
            Shape::Keypoints(points) => ShapeRecord::of(None, Some(points), false),
            region => ShapeRecord::of(Some(region), None, false),
        };
        let Ok(geometry) = coco_geometry(record, count) else {
            continue;
        };
        let mut annotation =
            geometry.into_annotation(next_id, image_id, p.class.0, Default::default());
        annotation.score = Some(round4(f64::from(p.score)));
        file.annotations.push(annotation);
        next_id += 1;
    }
    file.annotations.len() - before
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BBox, ItemStatus};

    fn root() -> &'static Path {
        Path::new("/data/images")
    }

    fn item(id: i64, path: &str, error: Option<&str>) -> Item {
        Item {
            id: ItemId(id),
            rel_path: path.into(),
            width: 100,
            height: 50,
            status: ItemStatus::New,
            error: error.map(str::to_string),
        }
    }

    #[test]
    fn image_ids_follow_the_export_and_records_report_by_index() {
        // The broken item gets no image id, so id 2 is c.jpg.
        let items = [
            item(10, "a.jpg", None),
            item(11, "b.jpg", Some("bad")),
            item(12, "sub/c.jpg", None),
        ];
        let schema = LabelSchema::with_classes(&["car", "person"]);
        let json = br#"[
            {"image_id": 2, "category_id": 2, "bbox": [1, 2, 10, 5], "score": 0.9},
            {"file_name": "c.jpg", "category_name": "truck", "bbox": [90, 0, 20, 5], "score": 0.5},
            {"image_id": 7, "category_id": 1, "bbox": [1, 2, 10, 5], "score": 0.9},
            {"image_id": 1, "category_id": 9, "bbox": [1, 2, 10, 5], "score": 0.9},
            {"image_id": 1, "category_id": 1, "bbox": [NaN, 2, 10, 5], "score": 0.9},
            {"file_name": "../../etc/passwd", "category_id": 1, "bbox": [1, 2, 10, 5], "score": 0.9},
            {"image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 5], "score": 1.5},
            "nonsense"
        ]"#;
        let plan = plan_coco_results(json, &items, root(), &schema, OutsidePolicy::Clamp).unwrap();
        assert_eq!(plan.records, 8);
        assert_eq!(plan.class_names, vec!["person", "truck"]);
        assert_eq!(plan.proposals.len(), 2);
        assert_eq!(plan.proposals[0].item, ItemId(12));
        assert_eq!(plan.proposals[1].shape.bounds().max_x, 100.0, "clamped");
        assert_eq!(plan.clamped, 1);
        let records: Vec<&str> = plan.problems.iter().map(|p| p.record.as_str()).collect();
        assert_eq!(
            records,
            [
                "record [1]",
                "record [2]",
                "record [3]",
                "record [4]",
                "record [5]",
                "record [6]",
                "record [7]"
            ]
        );
        assert!(plan.problems[1].message.contains("image id 7"));
        assert!(plan.problems[2].message.contains("category id 9"));
        assert!(plan.problems[3].message.contains("finite number"));
        assert!(
            plan.problems[4]
                .message
                .contains("is not an image of the project")
        );
        assert!(plan.problems[5].message.contains("between 0 and 1"));
    }

    #[test]
    fn skip_policy_and_whole_file_errors() {
        let items = [item(1, "a.jpg", None)];
        let schema = LabelSchema::with_classes(&["car"]);
        let json = br#"[{"image_id": 1, "category_id": 1, "bbox": [95, 0, 20, 5], "score": 0.5}]"#;
        let plan = plan_coco_results(json, &items, root(), &schema, OutsidePolicy::Skip).unwrap();
        assert!(plan.proposals.is_empty());
        assert!(plan.problems[0].message.contains("skipped"));
        let err =
            plan_coco_results(b"[{", &items, root(), &schema, OutsidePolicy::Clamp).unwrap_err();
        assert!(err.contains("not valid JSON"), "{err}");
        let err = plan_coco_results(
            br#"{"images": [], "annotations": []}"#,
            &items,
            root(),
            &schema,
            OutsidePolicy::Clamp,
        )
        .unwrap_err();
        assert!(err.contains("dataset file"), "{err}");
    }

    #[test]
    fn segmentation_results_become_proposals_of_their_shape() {
        let items = [item(1, "a.jpg", None)];
        let schema = LabelSchema::with_classes(&["car"]);
        let mask =
            crate::model::Rle::from_bbox(50, 100, &BBox::from_xywh(10.0, 5.0, 20.0, 10.0)).unwrap();
        let json = format!(
            r#"[
            {{"image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 5], "score": 0.9,
              "segmentation": [[1, 2, 11, 2, 6, 7]]}},
            {{"image_id": 1, "category_id": 1, "bbox": [10, 5, 20, 10], "score": 0.8,
              "segmentation": {{"size": [50, 100], "counts": "{}"}}}},
            {{"image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 5], "score": 0.7,
              "segmentation": {{"size": [60, 100], "counts": "{}"}}}},
            {{"image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 5], "score": 0.6, "segmentation": []}}
        ]"#,
            mask.to_compressed(),
            mask.to_compressed()
        );
        let plan = plan_coco_results(
            json.as_bytes(),
            &items,
            root(),
            &schema,
            OutsidePolicy::Clamp,
        )
        .unwrap();
        let kinds: Vec<&str> = plan
            .proposals
            .iter()
            .map(|p| p.shape.kind().as_str())
            .collect();
        assert_eq!(kinds, ["polygon", "mask", "rect", "rect"]);
        assert_eq!(plan.proposals[1].shape, Shape::Mask(mask));
        assert_eq!(plan.problems.len(), 1, "{:?}", plan.problems);
        assert_eq!(plan.problems[0].record, "record [2]");
        assert!(plan.problems[0].message.contains("its bbox was taken"));
    }
}
