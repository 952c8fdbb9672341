//! The X-AnyLabeling server (X-AnyLabeling-Server's FastAPI contract):
//! `GET /v1/models` → `{success, data: {id: {display_name, …}}}`;
//! `POST /v1/predict` with `{model, image: "data:…;base64,…", params}` →
//! `{success, data: {shapes: [{label, shape_type, points, score, attributes,
//! description}], description}}`, or `{success: false, error: {code, message}}`.
//!
//! The image is sent as the file's bytes, as X-AnyLabeling's own client does;
//! the server decodes them with OpenCV, which applies EXIF orientation, so the
//! points come back in the upright frame annotations use.

use super::http::Http;
use super::shapes::shape_from_points;
use crate::infer::InferError;
use crate::infer::predictor::{ImageInput, Prediction, Predictions, Predictor, TEXT_ATTRIBUTE};
use crate::model::{AttrValue, Attributes};
use base64::Engine;
use serde_json::{Value, json};
use std::time::Duration;

/// Images larger than this are not sent.
const MAX_IMAGE_BYTES: u64 = 256 << 20;

/// A model the server offers.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerModel {
    pub id: String,
    pub display_name: String,
}

pub struct XAnyLabelingClient {
    http: Http,
    source: String,
    model: String,
    api_key: Option<String>,
    pub confidence: Option<f32>,
    pub iou: Option<f32>,
}

/// The `data` of a `{success, data}` answer, or the server's own error.
fn data<'a>(http: &Http, path: &str, answer: &'a Value) -> Result<&'a Value, InferError> {
    let err = |detail: String| InferError::Server {
        url: format!("{}{path}", http.base()),
        detail,
    };
    match answer.get("success").and_then(Value::as_bool) {
        Some(true) => answer
            .get("data")
            .ok_or_else(|| err("answered success without `data`".to_owned())),
        Some(false) => {
            let e = answer.get("error");
            let code = e
                .and_then(|e| e.get("code"))
                .and_then(Value::as_str)
                .unwrap_or("ERROR");
            let message = e
                .and_then(|e| e.get("message"))
                .and_then(Value::as_str)
                .unwrap_or("no message");
            Err(err(format!("the server refused: {code}: {message}")))
        }
        None => Err(err(
            "answered JSON without `success`: not an X-AnyLabeling server?".to_owned(),
        )),
    }
}

impl XAnyLabelingClient {
    pub fn new(
        url: &str,
        model: &str,
        api_key: Option<String>,
        timeout: Duration,
        source: String,
    ) -> Result<Self, InferError> {
        Ok(XAnyLabelingClient {
            http: Http::new(url, timeout)?,
            source,
            model: model.to_owned(),
            api_key,
            confidence: None,
            iou: None,
        })
    }

    fn headers(&self) -> Vec<(&str, &str)> {
        self.api_key
            .as_deref()
            .map(|k| ("Token", k))
            .into_iter()
            .collect()
    }

    /// The models the server has loaded, by id.
    pub fn models(&self) -> Result<Vec<ServerModel>, InferError> {
        let answer = self.http.get_json("/v1/models", &self.headers())?;
        let models = data(&self.http, "/v1/models", &answer)?
            .as_object()
            .ok_or_else(|| InferError::Server {
                url: format!("{}/v1/models", self.http.base()),
                detail: "`data` is not a map of models".to_owned(),
            })?;
        Ok(models
            .iter()
            .map(|(id, info)| ServerModel {
                id: id.clone(),
                display_name: info
                    .get("display_name")
                    .and_then(Value::as_str)
                    .unwrap_or(id)
                    .to_owned(),
            })
            .collect())
    }
}

fn mime_type(path: &std::path::Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => "image/png",
        Some("bmp") => "image/bmp",
        Some("webp") => "image/webp",
        Some("tif" | "tiff") => "image/tiff",
        Some("gif") => "image/gif",
        _ => "image/jpeg",
    }
}

/// A JSON attribute value as ours: text or a flag (numbers as their text).
pub(super) fn attr_value(v: &Value) -> Option<AttrValue> {
    match v {
        Value::Bool(b) => Some(AttrValue::Bool(*b)),
        Value::String(s) => Some(AttrValue::Text(s.clone())),
        Value::Number(n) => Some(AttrValue::Text(n.to_string())),
        _ => None,
    }
}

impl Predictor for XAnyLabelingClient {
    fn source(&self) -> &str {
        &self.source
    }

    fn needs_pixels(&self) -> bool {
        false
    }

    fn predict(&mut self, image: &ImageInput<'_>) -> Result<Predictions, InferError> {
        let read_err = |e: std::io::Error| InferError::Server {
            url: self.http.base().to_owned(),
            detail: format!(
                "{}: cannot read the image to send: {e}",
                image.path.display()
            ),
        };
        let len = std::fs::metadata(image.path).map_err(read_err)?.len();
        if len > MAX_IMAGE_BYTES {
            return Err(InferError::Server {
                url: self.http.base().to_owned(),
                detail: format!(
                    "{}: {} MiB is too large to send",
                    image.path.display(),
                    len >> 20
                ),
            });
        }
        let bytes = std::fs::read(image.path).map_err(read_err)?;
        let uri = format!(
            "data:{};base64,{}",
            mime_type(image.path),
            base64::engine::general_purpose::STANDARD.encode(bytes)
        );
        let mut params = serde_json::Map::new();
        if let Some(c) = self.confidence {
            params.insert("conf_threshold".into(), json!(c));
        }
        if let Some(i) = self.iou {
            params.insert("iou_threshold".into(), json!(i));
        }
        let body = json!({ "model": self.model, "image": uri, "params": params });
        let answer = self.http.post_json("/v1/predict", &self.headers(), &body)?;
        let data = data(&self.http, "/v1/predict", &answer)?;
        let mut predictions = Predictions::default();
        let shapes = data
            .get("shapes")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (i, s) in shapes.iter().enumerate() {
            let label = s.get("label").and_then(Value::as_str).unwrap_or_default();
            let kind = s
                .get("shape_type")
                .and_then(Value::as_str)
                .unwrap_or("rectangle");
            let points: Vec<[f64; 2]> = s
                .get("points")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
                        .collect()
                })
                .unwrap_or_default();
            let shape = match (label.is_empty(), shape_from_points(kind, &points)) {
                (true, _) => Err("no label".to_owned()),
                (false, r) => r,
            };
            let shape = match shape {
                Ok(s) => s,
                Err(why) => {
                    predictions
                        .left_out
                        .push(format!("shape {} ({kind} \"{label}\"): {why}", i + 1));
                    continue;
                }
            };
            let mut attributes = Attributes::new();
            if let Some(map) = s.get("attributes").and_then(Value::as_object) {
                for (k, v) in map {
                    if let Some(v) = attr_value(v) {
                        attributes.insert(k.clone(), v);
                    }
                }
            }
            if let Some(text) = s
                .get("description")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
            {
                attributes.insert(TEXT_ATTRIBUTE.to_owned(), AttrValue::Text(text.to_owned()));
            }
            let score = s
                .get("score")
                .and_then(Value::as_f64)
                .unwrap_or(1.0)
                .clamp(0.0, 1.0) as f32;
            predictions.objects.push(Prediction {
                class: label.to_owned(),
                score,
                shape,
                attributes,
            });
        }
        Ok(predictions)
    }
}
