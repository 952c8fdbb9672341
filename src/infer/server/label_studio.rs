//! The Label Studio ML backend (`label_studio_ml/api.py`): `POST /predict` with
//! `{tasks: [{id, data: {image: URL}}], label_config, project, params}` →
//! `{results: [{result: [region…], score, model_version}]}`.
//!
//! The backend fetches the image itself (`get_local_path`): the task carries a
//! URL made from the item's path, by default Label Studio's local-storage form
//! `/data/local-files/?d={path}`. Regions are in percent of
//! `original_width`×`original_height` and are scaled to the image's oriented size.
//! `rectanglelabels` (turned by `rotation` about the top-left corner),
//! `polygonlabels`, `keypointlabels` and their unlabelled forms, `labels` and
//! `textarea` joined to their region by `id` (the text as `text`), `choices` as
//! image labels; others (brushes) are reported as left out.

use super::http::Http;
use super::xanylabeling::attr_value;
use crate::infer::InferError;
use crate::infer::predictor::{
    ImageInput, ImageLabel, Prediction, Predictions, Predictor, TEXT_ATTRIBUTE,
};
use crate::model::shape::{Keypoint, Point, Polygon, RotatedRect, Shape, Visibility};
use crate::model::{AttrValue, Attributes, BBox};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

pub const DEFAULT_IMAGE_URL: &str = "/data/local-files/?d={path}";

pub struct LabelStudioClient {
    http: Http,
    source: String,
    image_url: String,
    label_config: String,
}

/// A labelling config naming `classes` for rectangles, polygons and a per-region
/// text, as the backends' examples read it (`Image` named `image`).
pub fn default_label_config(classes: &[String]) -> String {
    let labels: String = classes
        .iter()
        .map(|c| format!("<Label value=\"{}\"/>", escape_attr(c)))
        .collect();
    format!(
        "<View><Image name=\"image\" value=\"$image\"/>\
         <RectangleLabels name=\"label\" toName=\"image\">{labels}</RectangleLabels>\
         <PolygonLabels name=\"polygon\" toName=\"image\">{labels}</PolygonLabels>\
         <TextArea name=\"transcription\" toName=\"image\" perRegion=\"true\"/></View>"
    )
}

fn escape_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `path` with the characters a query value cannot hold percent-encoded.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl LabelStudioClient {
    pub fn new(
        url: &str,
        image_url: Option<String>,
        label_config: String,
        timeout: Duration,
        source: String,
    ) -> Result<Self, InferError> {
        Ok(LabelStudioClient {
            http: Http::new(url, timeout)?,
            source,
            image_url: image_url.unwrap_or_else(|| DEFAULT_IMAGE_URL.to_owned()),
            label_config,
        })
    }
}

/// One region being assembled from the results sharing its `id`.
#[derive(Default)]
struct Region {
    shape: Option<Shape>,
    class: Option<String>,
    text: Option<String>,
    score: Option<f32>,
    attributes: Attributes,
    kind: String,
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64).filter(|n| n.is_finite())
}

/// The first label of `value[key]` (`rectanglelabels: ["cat"]`).
fn first_label(value: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        value
            .get(*k)?
            .as_array()?
            .first()?
            .as_str()
            .map(str::to_owned)
    })
}

/// A region's shape in pixels of a `w`×`h` image.
fn region_shape(kind: &str, value: &Value, w: f64, h: f64) -> Result<Option<Shape>, String> {
    let pct = |v: f64, size: f64| (v / 100.0 * size) as f32;
    let shape = match kind {
        "rectanglelabels" | "rectangle" => {
            let (Some(x), Some(y), Some(rw), Some(rh)) = (
                num(value, "x"),
                num(value, "y"),
                num(value, "width"),
                num(value, "height"),
            ) else {
                return Err("a rectangle without x, y, width and height".to_owned());
            };
            let angle = num(value, "rotation").unwrap_or(0.0);
            let (x, y, rw, rh) = (pct(x, w), pct(y, h), pct(rw, w), pct(rh, h));
            if angle.rem_euclid(360.0).abs() < 1e-9 {
                Shape::Rect(BBox::from_xywh(x, y, rw, rh))
            } else {
                Shape::RotatedRect(RotatedRect::from_top_left(x, y, rw, rh, angle as f32))
            }
        }
        "polygonlabels" | "polygon" => {
            let points: Vec<Point> = value
                .get("points")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| {
                            Some(Point::new(
                                pct(p.get(0)?.as_f64()?, w),
                                pct(p.get(1)?.as_f64()?, h),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            if points.len() < 3 {
                return Err(format!("a polygon of {} points", points.len()));
            }
            Shape::Polygon(Polygon::new(points))
        }
        "keypointlabels" | "keypoint" => {
            let (Some(x), Some(y)) = (num(value, "x"), num(value, "y")) else {
                return Err("a keypoint without x and y".to_owned());
            };
            Shape::Keypoints(vec![Keypoint::new(
                pct(x, w),
                pct(y, h),
                Visibility::Visible,
            )])
        }
        "labels" | "textarea" | "choices" => return Ok(None),
        other => return Err(format!("Shugu cannot hold `{other}` results")),
    };
    if shape.is_valid() {
        Ok(Some(shape))
    } else {
        Err("the shape has no extent".to_owned())
    }
}

impl Predictor for LabelStudioClient {
    fn source(&self) -> &str {
        &self.source
    }

    fn needs_pixels(&self) -> bool {
        false
    }

    fn predict(&mut self, image: &ImageInput<'_>) -> Result<Predictions, InferError> {
        let url = self.image_url.replace("{path}", &encode_path(image.key));
        let body = json!({
            "tasks": [{ "id": 1, "data": { "image": url } }],
            "label_config": self.label_config,
            "project": "shugu.0",
            "params": {},
        });
        let answer = self.http.post_json("/predict", &[], &body)?;
        let err = |detail: &str| InferError::Server {
            url: format!("{}/predict", self.http.base()),
            detail: detail.to_owned(),
        };
        let results = answer
            .get("results")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                err("answered without a `results` list: not a Label Studio ML backend?")
            })?;
        // One prediction per task; a backend may also give the regions directly.
        let (regions, prediction_score) = match results.first() {
            None => return Ok(Predictions::default()),
            Some(p) if p.get("result").is_some() => (
                p.get("result")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
                num(p, "score").map(|s| s as f32),
            ),
            Some(_) => (results.clone(), None),
        };
        let mut predictions = Predictions::default();
        let mut by_id: BTreeMap<String, Region> = BTreeMap::new();
        let (iw, ih) = (f64::from(image.width), f64::from(image.height));
        for (i, r) in regions.iter().enumerate() {
            let kind = r.get("type").and_then(Value::as_str).unwrap_or_default();
            let value = r.get("value").cloned().unwrap_or(Value::Null);
            if kind == "choices" {
                for c in value
                    .get("choices")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(class) = c.as_str() {
                        let score = num(r, "score")
                            .map(|s| s as f32)
                            .or(prediction_score)
                            .unwrap_or(1.0);
                        predictions.labels.push(ImageLabel {
                            class: class.to_owned(),
                            score: score.clamp(0.0, 1.0),
                        });
                    }
                }
                continue;
            }
            let w = num(r, "original_width").filter(|v| *v > 0.0).unwrap_or(iw);
            let h = num(r, "original_height").filter(|v| *v > 0.0).unwrap_or(ih);
            // Scale from the backend's size to ours (they differ when it read a resized copy).
            let shape = match region_shape(kind, &value, w, h) {
                Ok(s) => s.map(|s| scale_shape(s, iw / w, ih / h)),
                Err(why) => {
                    predictions
                        .left_out
                        .push(format!("result {} ({kind}): {why}", i + 1));
                    continue;
                }
            };
            let id = r
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("#{i}"));
            let region = by_id.entry(id).or_default();
            if let Some(s) = shape {
                region.shape = Some(s);
                region.kind = kind.to_owned();
            }
            if let Some(class) = first_label(
                &value,
                &[
                    "rectanglelabels",
                    "polygonlabels",
                    "keypointlabels",
                    "labels",
                ],
            ) {
                region.class = Some(class);
            }
            if kind == "textarea" {
                let text: Vec<&str> = value
                    .get("text")
                    .and_then(Value::as_array)
                    .map(|t| t.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                region.text = Some(text.join("\n"));
            }
            if let Some(s) = num(r, "score") {
                region.score = Some(s as f32);
            }
            if let Some(meta) = r.get("meta").and_then(Value::as_object) {
                for (k, v) in meta {
                    if let Some(v) = attr_value(v) {
                        region.attributes.insert(k.clone(), v);
                    }
                }
            }
        }
        for (id, region) in by_id {
            let Some(shape) = region.shape else {
                predictions
                    .left_out
                    .push(format!("region {id}: a label or text without a shape"));
                continue;
            };
            let Some(class) = region.class else {
                predictions
                    .left_out
                    .push(format!("region {id} ({}): no label", region.kind));
                continue;
            };
            let mut attributes = region.attributes;
            if let Some(text) = region.text {
                attributes.insert(TEXT_ATTRIBUTE.to_owned(), AttrValue::Text(text));
            }
            let score = region
                .score
                .or(prediction_score)
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            predictions.objects.push(Prediction {
                class,
                score,
                shape,
                attributes,
            });
        }
        Ok(predictions)
    }
}

fn scale_shape(shape: Shape, sx: f64, sy: f64) -> Shape {
    if (sx - 1.0).abs() < 1e-9 && (sy - 1.0).abs() < 1e-9 {
        return shape;
    }
    let (sx, sy) = (sx as f32, sy as f32);
    match shape {
        Shape::Rect(b) => Shape::Rect(BBox::from_corners(
            [b.min_x * sx, b.min_y * sy],
            [b.max_x * sx, b.max_y * sy],
        )),
        Shape::RotatedRect(r) => Shape::RotatedRect(RotatedRect::new(
            r.cx * sx,
            r.cy * sy,
            r.w * sx,
            r.h * sy,
            r.angle,
        )),
        Shape::Polygon(p) => Shape::Polygon(Polygon::new(
            p.points()
                .iter()
                .map(|q| Point::new(q.x * sx, q.y * sy))
                .collect(),
        )),
        Shape::Keypoints(k) => Shape::Keypoints(
            k.into_iter()
                .map(|q| Keypoint::new(q.x * sx, q.y * sy, q.v))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded_for_the_query() {
        assert_eq!(encode_path("a b/图.jpg"), "a%20b/%E5%9B%BE.jpg");
        let config = default_label_config(&["a<b".to_owned()]);
        assert!(config.contains("<Label value=\"a&lt;b\"/>"), "{config}");
    }
}
