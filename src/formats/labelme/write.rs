use crate::model::BBox;
use serde_json::{Map, Value, json};

/// The labelme version written into exported files (the format of labelme 5).
pub const LABELME_VERSION: &str = "5.5.0";

/// One labelme file: `boxes` as rectangle shapes (class name, box), `flags`
/// as every image label of the project with whether this image has it.
/// `image_path` is relative to the file; `imageData` is always null.
pub fn labelme_json(
    image_path: &str,
    width: u32,
    height: u32,
    boxes: &[(&str, BBox)],
    flags: &[(&str, bool)],
) -> Value {
    let shapes: Vec<Value> = boxes
        .iter()
        .map(|(label, b)| {
            json!({
                "label": label,
                "points": [[b.min_x, b.min_y], [b.max_x, b.max_y]],
                "group_id": null,
                "description": "",
                "shape_type": "rectangle",
                "flags": {},
                "mask": null,
            })
        })
        .collect();
    let flags: Map<String, Value> = flags
        .iter()
        .map(|(name, set)| (name.to_string(), Value::Bool(*set)))
        .collect();
    json!({
        "version": LABELME_VERSION,
        "flags": flags,
        "shapes": shapes,
        "imagePath": image_path,
        "imageData": null,
        "imageHeight": height,
        "imageWidth": width,
    })
}
