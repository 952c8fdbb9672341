//! X-AnyLabeling's model YAML files (`anylabeling/configs/auto_labeling/*.yaml`):
//! `type`, `display_name`, `model_path` (or `det_model_path`/`rec_model_path`
//! for PP-OCR), `classes` (a list or an index map), `conf_threshold`,
//! `iou_threshold`, `drop_score`, `input_width`/`input_height`, `p6`.

use super::{ModelEntry, ModelFiles, ModelKind, ServerConfig, Thresholds};
use crate::infer::InferError;
use crate::infer::yolo::YoloLayout;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(untagged)]
enum Classes {
    List(Vec<String>),
    Map(BTreeMap<u64, String>),
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawConfig {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    display_name: Option<String>,
    model_path: Option<String>,
    det_model_path: Option<String>,
    rec_model_path: Option<String>,
    classes: Option<Classes>,
    conf_threshold: Option<f32>,
    confidence_threshold: Option<f32>,
    iou_threshold: Option<f32>,
    nms_threshold: Option<f32>,
    drop_score: Option<f32>,
    input_width: Option<u32>,
    input_height: Option<u32>,
    p6: Option<bool>,
    server_url: Option<String>,
    timeout: Option<u64>,
}

/// The kind and layout an X-AnyLabeling `type` runs as here.
fn kind_of(t: &str, p6: bool) -> Option<(ModelKind, Option<YoloLayout>)> {
    Some(match t {
        "yolov5" | "yolov7" => (ModelKind::Yolo, Some(YoloLayout::V5)),
        "yolov8" | "yolov9" | "yolo11" | "yolo12" => (ModelKind::Yolo, Some(YoloLayout::V8)),
        "yolox" => (ModelKind::Yolo, Some(YoloLayout::Yolox { p6 })),
        "yolov5_cls" | "yolov8_cls" | "yolo11_cls" => (ModelKind::Classify, None),
        "ppocr_v4" | "ppocr_v5" => (ModelKind::Ocr, None),
        "remote_server" => (ModelKind::XAnyLabelingServer, None),
        _ => return None,
    })
}

/// A model path from the YAML: a URL cannot be used (nothing is downloaded); a
/// relative path is relative to the YAML's folder, as X-AnyLabeling takes it.
fn local_file(yaml: &Path, field: &str, value: &str) -> Result<PathBuf, InferError> {
    if value.starts_with("http://") || value.starts_with("https://") {
        let name = value.rsplit('/').next().unwrap_or(value);
        return Err(InferError::Config {
            path: yaml.to_path_buf(),
            detail: format!(
                "`{field}` is a download link ({value}); Shugu downloads nothing: \
                 fetch `{name}` yourself and put its path in `{field}`"
            ),
        });
    }
    let p = PathBuf::from(value);
    Ok(if p.is_relative() {
        yaml.parent().unwrap_or(Path::new(".")).join(p)
    } else {
        p
    })
}

/// Reads one X-AnyLabeling model YAML file into a model list entry.
pub fn import_xanylabeling_yaml(path: &Path) -> Result<ModelEntry, InferError> {
    let err = |detail: String| InferError::Config {
        path: path.to_path_buf(),
        detail,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let raw: RawConfig = serde_saphyr::from_str(&text)
        .map_err(|e| err(format!("not an X-AnyLabeling model file: {e}")))?;
    let t = raw
        .kind
        .as_deref()
        .ok_or_else(|| err("has no `type`".to_owned()))?;
    let (kind, layout) = kind_of(t, raw.p6.unwrap_or(false)).ok_or_else(|| {
        err(format!(
            "model type `{t}` is not one Shugu runs (YOLOv5/v7/v8/v9/11/12 and YOLOX \
             detectors, YOLO classifiers, PP-OCR v4/v5, remote_server)"
        ))
    })?;
    let mut files = ModelFiles::default();
    match kind {
        ModelKind::Ocr => {
            let det = raw
                .det_model_path
                .as_deref()
                .ok_or_else(|| err("has no `det_model_path`".to_owned()))?;
            files.model = Some(local_file(path, "det_model_path", det)?);
            if let Some(rec) = &raw.rec_model_path {
                files.rec = Some(local_file(path, "rec_model_path", rec)?);
            }
        }
        ModelKind::XAnyLabelingServer => {}
        _ => {
            let model = raw
                .model_path
                .as_deref()
                .ok_or_else(|| err("has no `model_path`".to_owned()))?;
            files.model = Some(local_file(path, "model_path", model)?);
        }
    }
    let classes = match raw.classes {
        Some(Classes::List(list)) => list,
        Some(Classes::Map(map)) => {
            let len = map.keys().next_back().map_or(0, |&k| k as usize + 1);
            if len > 100_000 {
                return Err(err(format!("`classes` has an index of {}", len - 1)));
            }
            let mut names: Vec<String> = (0..len).map(|i| format!("class_{i}")).collect();
            for (k, v) in map {
                names[k as usize] = v;
            }
            names
        }
        None => Vec::new(),
    };
    let server = (kind == ModelKind::XAnyLabelingServer).then(|| ServerConfig {
        url: raw
            .server_url
            .clone()
            .unwrap_or_else(|| "http://localhost:8000".to_owned()),
        timeout_secs: raw.timeout,
        ..ServerConfig::default()
    });
    let name = raw.display_name.or(raw.name).unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    Ok(ModelEntry {
        name,
        kind,
        files,
        layout,
        input_size: raw.input_width.zip(raw.input_height),
        classes,
        thresholds: Thresholds {
            confidence: raw.conf_threshold.or(raw.confidence_threshold),
            iou: raw.iou_threshold.or(raw.nms_threshold),
            text_score: raw.drop_score,
            ..Thresholds::default()
        },
        server,
        cuda: false,
    })
}
