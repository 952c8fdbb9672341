//! A model list entry made into a running [`Predictor`].

use super::InferError;
use super::catalog::{ModelEntry, ModelKind};
use super::classify::{ClassifyConfig, ClassifyPredictor};
use super::kind::{DetectedKind, detect_kind, yolo_layout};
use super::ocr::{OcrConfig, OcrPredictor, Recognizer};
use super::predictor::Predictor;
use super::runtime::{OnnxModel, Runtime, RuntimeOptions};
use super::server::{LabelStudioClient, XAnyLabelingClient, default_label_config};
use super::yolo::{YoloConfig, YoloPredictor};
use std::path::{Path, PathBuf};
use std::time::Duration;

const DEFAULT_SERVER_TIMEOUT: u64 = 30;

/// Opens `entry`: loads ONNX Runtime (once per process) and its model files, or
/// connects nothing yet for a server (the first prediction does).
pub fn open_predictor(
    entry: &ModelEntry,
    runtime: &RuntimeOptions,
) -> Result<Box<dyn Predictor>, InferError> {
    let source = entry.source_name();
    match entry.kind {
        ModelKind::XAnyLabelingServer | ModelKind::LabelStudioServer => {
            return open_server(entry, source);
        }
        _ => {}
    }
    let model_path = entry
        .files
        .model
        .clone()
        .ok_or_else(|| InferError::Config {
            path: PathBuf::from(&source),
            detail: "names no model file".to_owned(),
        })?;
    let options = RuntimeOptions {
        cuda: entry.cuda || runtime.cuda,
        ..runtime.clone()
    };
    let rt = Runtime::get(&options)?;
    let model = rt.open(&model_path, &options)?;
    let kind = match entry.kind {
        ModelKind::Ocr => DetectedKind::TextDetection,
        ModelKind::Yolo => {
            DetectedKind::Detector(entry.layout.unwrap_or_else(|| yolo_layout(&model)))
        }
        ModelKind::Classify => DetectedKind::Classifier,
        _ => detect_kind(&model).map_err(|e| InferError::unsupported(&model_path, e))?,
    };
    let t = &entry.thresholds;
    let input_size = entry.input_size.map(|(w, h)| (w as usize, h as usize));
    Ok(match kind {
        DetectedKind::TextDetection => {
            let rec = match &entry.files.rec {
                Some(rec_path) => Some(open_recognizer(
                    rt,
                    rec_path,
                    entry.files.dictionary.as_deref(),
                    &options,
                )?),
                None => None,
            };
            let mut config = OcrConfig::default();
            if let Some(v) = t.text_score {
                config.text_score = v;
            }
            if let Some(v) = t.box_threshold {
                config.det.box_thresh = v;
            }
            if let Some(v) = t.unclip_ratio {
                config.det.unclip_ratio = v;
            }
            if let Some(class) = entry.classes.first() {
                config.class = class.clone();
            }
            Box::new(OcrPredictor::new(source, model, rec, config))
        }
        DetectedKind::TextRecognition => {
            return Err(InferError::unsupported(
                &model_path,
                "is a text recognition model: give it as the OCR entry's `rec`, with a detection model as its `model`",
            ));
        }
        DetectedKind::Detector(layout) => {
            let mut config = YoloConfig::new(layout);
            config.classes = entry.classes.clone();
            config.input_size = input_size;
            if let Some(v) = t.confidence {
                config.confidence = v;
            }
            if let Some(v) = t.iou {
                config.iou = v;
            }
            Box::new(YoloPredictor::new(source, model, config)?)
        }
        DetectedKind::Classifier => {
            let config = ClassifyConfig {
                classes: entry.classes.clone(),
                input_size,
                top_k: t.top_k.unwrap_or(1),
                min_score: t.confidence.unwrap_or(0.0),
                ..ClassifyConfig::default()
            };
            Box::new(ClassifyPredictor::new(source, model, config))
        }
    })
}

fn open_recognizer(
    rt: &Runtime,
    path: &Path,
    dictionary: Option<&Path>,
    options: &RuntimeOptions,
) -> Result<Recognizer, InferError> {
    let model: OnnxModel = rt.open(path, options)?;
    let dictionary = match dictionary {
        Some(d) => Some(std::fs::read_to_string(d).map_err(|e| InferError::Config {
            path: d.to_path_buf(),
            detail: format!("cannot read the dictionary: {e}"),
        })?),
        None => None,
    };
    Recognizer::new(model, dictionary.as_deref())
}

fn open_server(entry: &ModelEntry, source: String) -> Result<Box<dyn Predictor>, InferError> {
    let server = entry.server.clone().unwrap_or_default();
    let timeout = Duration::from_secs(server.timeout_secs.unwrap_or(DEFAULT_SERVER_TIMEOUT).max(1));
    if entry.kind == ModelKind::LabelStudioServer {
        let config = server
            .label_config
            .unwrap_or_else(|| default_label_config(&entry.classes));
        return Ok(Box::new(LabelStudioClient::new(
            &server.url,
            server.image_url,
            config,
            timeout,
            source,
        )?));
    }
    let model = server.model.ok_or_else(|| InferError::Server {
        url: server.url.clone(),
        detail: "no model chosen: pick one of the server's models (GET /v1/models)".to_owned(),
    })?;
    let mut client = XAnyLabelingClient::new(&server.url, &model, server.api_key, timeout, source)?;
    client.confidence = entry.thresholds.confidence;
    client.iou = entry.thresholds.iou;
    Ok(Box::new(client))
}
