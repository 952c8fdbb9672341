//! Label Studio JSON for image projects, both ways: a list of tasks, each with
//! `data.image` and `annotations[].result[]` of type `rectanglelabels`
//! (`value.x, y, width, height` in percent of `original_width` ×
//! `original_height`) and `choices` (image-level labels).
//!
//! [`parse_image_tasks`] reports each task or result it cannot take and keeps
//! the rest; [`percent_to_bbox`] and [`bbox_to_percent`] convert the
//! geometry; [`task_json`] writes one task. No I/O.

use crate::formats::json_fields::{finite, parse_json_allowing_nan, pixels, text};
use crate::model::BBox;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A `rectanglelabels` result, still in percent.
#[derive(Clone, Debug, PartialEq)]
pub struct LsRect {
    /// Where it was: `annotation A, result R` (0-based).
    pub at: String,
    pub label: String,
    /// `[x, y, width, height]` in percent.
    pub percent: [f64; 4],
    /// `original_width` × `original_height`, when given.
    pub original: Option<(u32, u32)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LsProblem {
    /// `task T` or `task T, annotation A, result R` (0-based).
    pub at: String,
    pub message: String,
}

/// One task: the image it names and what its (first) annotation holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LsTask {
    /// 0-based index in the file.
    pub index: usize,
    pub image: String,
    pub rects: Vec<LsRect>,
    pub choices: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LsTasks {
    pub tasks: Vec<LsTask>,
    pub problems: Vec<LsProblem>,
    /// Results of other types, counted per type.
    pub skipped: BTreeMap<String, usize>,
}

/// Parses a Label Studio export (a list of tasks, or one task). Fails only
/// when the file as a whole is unusable; a bare `NaN` fails only its result.
pub fn parse_image_tasks(bytes: &[u8]) -> Result<LsTasks, String> {
    let doc = parse_json_allowing_nan(bytes)?;
    let tasks = match &doc {
        Value::Array(tasks) => tasks.as_slice(),
        Value::Object(_) => std::slice::from_ref(&doc),
        _ => return Err("not a Label Studio export: expected a list of tasks".into()),
    };
    let mut out = LsTasks::default();
    for (index, task) in tasks.iter().enumerate() {
        let at = format!("task {index}");
        match read_task(index, task, &mut out) {
            Ok(Some(task)) => out.tasks.push(task),
            Ok(None) => {}
            Err(message) => out.problems.push(LsProblem { at, message }),
        }
    }
    Ok(out)
}

fn read_task(index: usize, task: &Value, out: &mut LsTasks) -> Result<Option<LsTask>, String> {
    let data = task
        .get("data")
        .filter(|d| d.is_object())
        .ok_or("the task has no `data` object")?;
    let image = text(data, "image").map_err(|e| format!("data.{e}"))?;
    let annotations: Vec<&Value> = match task.get("annotations") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .filter(|a| a.get("was_cancelled") != Some(&Value::Bool(true)))
            .collect(),
        Some(_) => return Err("`annotations` is not a list".into()),
    };
    let mut read = LsTask {
        index,
        image: image.to_string(),
        ..Default::default()
    };
    let Some(annotation) = annotations.first() else {
        return Ok(Some(read));
    };
    if annotations.len() > 1 {
        out.problems.push(LsProblem {
            at: format!("task {index}"),
            message: format!(
                "{} annotations; only the first was imported",
                annotations.len()
            ),
        });
    }
    let results = match annotation.get("result") {
        Some(Value::Array(results)) => results.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => return Err("annotation 0: `result` is not a list".into()),
    };
    for (r, result) in results.iter().enumerate() {
        let at = format!("task {index}, annotation 0, result {r}");
        if let Err(message) = read_result(result, &at, &mut read, &mut out.skipped) {
            out.problems.push(LsProblem { at, message });
        }
    }
    Ok(Some(read))
}

fn read_result(
    result: &Value,
    at: &str,
    task: &mut LsTask,
    skipped: &mut BTreeMap<String, usize>,
) -> Result<(), String> {
    let kind = text(result, "type")?;
    let value = result
        .get("value")
        .filter(|v| v.is_object())
        .ok_or("the result has no `value` object")?;
    match kind {
        "rectanglelabels" => {
            let rotation = match value.get("rotation") {
                None | Some(Value::Null) => 0.0,
                Some(_) => finite(value, "rotation")?,
            };
            if rotation != 0.0 {
                return Err(format!(
                    "the rectangle is rotated by {rotation}°; rotated boxes are not supported, it was skipped"
                ));
            }
            let label = match value.get("rectanglelabels") {
                Some(Value::Array(labels)) => labels.first().and_then(Value::as_str),
                _ => None,
            }
            .filter(|l| !l.trim().is_empty())
            .ok_or("`value.rectanglelabels` has no label name")?;
            let percent = [
                finite(value, "x")?,
                finite(value, "y")?,
                finite(value, "width")?,
                finite(value, "height")?,
            ];
            if percent[2] <= 0.0 || percent[3] <= 0.0 {
                return Err(format!("the rectangle {percent:?} has no area"));
            }
            task.rects.push(LsRect {
                at: at.to_string(),
                label: label.to_string(),
                percent,
                original: pixels(result, "original_width").zip(pixels(result, "original_height")),
            });
        }
        "choices" => match value.get("choices") {
            Some(Value::Array(choices)) => {
                for c in choices {
                    match c.as_str().filter(|c| !c.trim().is_empty()) {
                        Some(c) => task.choices.push(c.to_string()),
                        None => return Err(format!("the choice {c} is not a name")),
                    }
                }
            }
            _ => return Err("`value.choices` is not a list".into()),
        },
        other => *skipped.entry(other.to_string()).or_default() += 1,
    }
    Ok(())
}

/// `[x, y, width, height]` in percent of a `width` × `height` image → pixel corners.
pub fn percent_to_bbox(p: [f64; 4], width: u32, height: u32) -> BBox {
    let (w, h) = (f64::from(width), f64::from(height));
    let (x0, y0) = (p[0] / 100.0 * w, p[1] / 100.0 * h);
    let (x1, y1) = ((p[0] + p[2]) / 100.0 * w, (p[1] + p[3]) / 100.0 * h);
    BBox::from_corners([x0 as f32, y0 as f32], [x1 as f32, y1 as f32])
}

/// Pixel corners → `[x, y, width, height]` in percent of a `width` × `height` image.
pub fn bbox_to_percent(b: &BBox, width: u32, height: u32) -> [f64; 4] {
    let (w, h) = (f64::from(width), f64::from(height));
    [
        f64::from(b.min_x) / w * 100.0,
        f64::from(b.min_y) / h * 100.0,
        f64::from(b.width()) / w * 100.0,
        f64::from(b.height()) / h * 100.0,
    ]
}

/// A box of an exported task: its id, class name and place.
pub struct LsBoxOut<'a> {
    pub id: i64,
    pub label: &'a str,
    pub bbox: BBox,
}

/// One task as Label Studio exports it, with one annotation holding the boxes
/// (`from_name: "label"`, `to_name: "image"`) and the image labels
/// (`from_name: "choice"`).
pub fn task_json(
    id: i64,
    image: &str,
    (width, height): (u32, u32),
    boxes: &[LsBoxOut],
    choices: &[&str],
) -> Value {
    let mut result: Vec<Value> = boxes
        .iter()
        .map(|b| {
            let [x, y, w, h] = bbox_to_percent(&b.bbox, width, height);
            json!({
                "id": format!("b{}", b.id),
                "type": "rectanglelabels",
                "from_name": "label",
                "to_name": "image",
                "original_width": width,
                "original_height": height,
                "image_rotation": 0,
                "value": {
                    "x": x, "y": y, "width": w, "height": h, "rotation": 0,
                    "rectanglelabels": [b.label],
                },
            })
        })
        .collect();
    if !choices.is_empty() {
        result.push(json!({
            "id": format!("c{id}"),
            "type": "choices",
            "from_name": "choice",
            "to_name": "image",
            "original_width": width,
            "original_height": height,
            "value": { "choices": choices },
        }));
    }
    json!({
        "id": id,
        "data": { "image": image },
        "annotations": [{ "id": id, "result": result, "was_cancelled": false }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_convert_exactly() {
        let b = percent_to_bbox([10.0, 25.0, 50.0, 12.5], 640, 480);
        assert_eq!(b, BBox::from_corners([64.0, 120.0], [384.0, 180.0]));
        let b = percent_to_bbox([0.0, 0.0, 100.0, 100.0], 333, 777);
        assert_eq!(b, BBox::from_corners([0.0, 0.0], [333.0, 777.0]));
        let back = bbox_to_percent(&BBox::from_corners([64.0, 120.0], [384.0, 180.0]), 640, 480);
        assert_eq!(back, [10.0, 25.0, 50.0, 12.5]);
        let odd = BBox::from_corners([1.0, 2.0], [34.0, 29.0]);
        assert_eq!(percent_to_bbox(bbox_to_percent(&odd, 37, 31), 37, 31), odd);
    }

    #[test]
    fn rotated_and_broken_results_are_reported_the_rest_kept() {
        let tasks = parse_image_tasks(
            br#"[{"id": 1, "data": {"image": "/data/upload/1/abc-a.jpg"},
                  "annotations": [{"result": [
                    {"type": "rectanglelabels", "original_width": 200, "original_height": 100,
                     "value": {"x": 10, "y": 10, "width": 20, "height": 20, "rotation": 15, "rectanglelabels": ["car"]}},
                    {"type": "rectanglelabels", "value": {"x": "10", "y": 10, "width": 20, "height": 20, "rectanglelabels": ["car"]}},
                    {"type": "rectanglelabels", "value": {"x": 10, "y": 10, "width": 20, "height": 20}},
                    {"type": "polygonlabels", "value": {"points": [], "polygonlabels": ["car"]}},
                    {"type": "choices", "value": {"choices": ["night"]}},
                    {"type": "rectanglelabels", "original_width": 200, "original_height": 100,
                     "value": {"x": 10, "y": 10, "width": 20, "height": 20, "rectanglelabels": ["car"]}}
                  ]}]},
                 {"id": 2, "data": {"image": 5}}, 7]"#,
        )
        .unwrap_or_default();
        assert_eq!(tasks.tasks.len(), 1);
        let t = &tasks.tasks[0];
        assert_eq!(t.rects.len(), 1);
        assert_eq!(t.rects[0].original, Some((200, 100)));
        assert_eq!(t.choices, vec!["night".to_string()]);
        assert_eq!(tasks.skipped.get("polygonlabels"), Some(&1));
        let at: Vec<&str> = tasks.problems.iter().map(|p| p.at.as_str()).collect();
        assert_eq!(
            at,
            [
                "task 0, annotation 0, result 0",
                "task 0, annotation 0, result 1",
                "task 0, annotation 0, result 2",
                "task 1",
                "task 2"
            ]
        );
        assert!(tasks.problems[0].message.contains("rotated"));
    }

    #[test]
    fn unusable_files_fail_with_a_reason() {
        for bytes in [
            &b"[{\"data\": "[..],
            b"\"x\"",
            b"[{\"image\": \"caf\xe9\"}]",
        ] {
            assert!(parse_image_tasks(bytes).is_err());
        }
    }
}
