//! The model list: the models and servers a user has set up, kept as RON in the
//! settings folder (the UI chooses where), and the importer of X-AnyLabeling's
//! model YAML files.

mod xanylabeling;

pub use xanylabeling::import_xanylabeling_yaml;

use super::InferError;
use super::yolo::YoloLayout;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The version this build writes; a newer list is refused rather than misread.
pub const MODEL_LIST_VERSION: u32 = 1;

/// What a model is, as the list states it (`Auto`: read from the file).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    #[default]
    Auto,
    /// PP-OCR detection, with recognition when `files.rec` is given.
    Ocr,
    /// A YOLO-family detector (`layout` when its shape cannot tell).
    Yolo,
    Classify,
    /// An X-AnyLabeling server (`server.url`, `server.model`).
    XAnyLabelingServer,
    /// A Label Studio ML backend (`server.url`).
    LabelStudioServer,
}

/// The files of a model; relative paths are relative to the model list's folder.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelFiles {
    /// The model (for OCR, the detection model).
    pub model: Option<PathBuf>,
    /// OCR recognition.
    pub rec: Option<PathBuf>,
    /// A character dictionary for a recognition model without one in its metadata.
    pub dictionary: Option<PathBuf>,
}

/// Thresholds; `None` keeps each kind's default.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    /// Detections (and classifier labels) scoring below are left out.
    pub confidence: Option<f32>,
    /// Non-maximum suppression's overlap.
    pub iou: Option<f32>,
    /// OCR: recognised lines scoring below are left out.
    pub text_score: Option<f32>,
    /// OCR: a detected line's mean probability must reach this.
    pub box_threshold: Option<f32>,
    pub unclip_ratio: Option<f32>,
    /// Classifiers: how many labels at most.
    pub top_k: Option<usize>,
}

/// Where a model server is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerConfig {
    /// `http://host:port` (plain HTTP: servers on the LAN).
    pub url: String,
    /// The X-AnyLabeling server's model id.
    pub model: Option<String>,
    /// Sent as X-AnyLabeling's `Token` header.
    pub api_key: Option<String>,
    pub timeout_secs: Option<u64>,
    /// Label Studio: how the backend finds an image, `{path}` replaced by the
    /// item's path (default `/data/local-files/?d={path}`, Label Studio's local
    /// storage).
    pub image_url: Option<String>,
    /// Label Studio: the labelling config sent with tasks (default: one made
    /// from `classes`).
    pub label_config: Option<String>,
}

/// One model or server of the list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelEntry {
    /// Shown in menus and recorded as the proposals' source.
    pub name: String,
    pub kind: ModelKind,
    pub files: ModelFiles,
    pub layout: Option<YoloLayout>,
    /// The input (width, height) when the model does not fix it.
    pub input_size: Option<(u32, u32)>,
    /// Class names by index, when the model does not name them.
    pub classes: Vec<String>,
    pub thresholds: Thresholds,
    pub server: Option<ServerConfig>,
    /// Run on CUDA (the `onnxruntime-gpu` library).
    pub cuda: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelList {
    pub version: u32,
    pub models: Vec<ModelEntry>,
}

impl Default for ModelList {
    fn default() -> Self {
        ModelList {
            version: MODEL_LIST_VERSION,
            models: Vec::new(),
        }
    }
}

impl ModelList {
    /// Reads a list; a missing file is an empty list. Relative file paths are
    /// made absolute against the list's folder.
    pub fn load(path: &Path) -> Result<ModelList, InferError> {
        let err = |detail: String| InferError::Config {
            path: path.to_path_buf(),
            detail,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ModelList::default()),
            Err(e) => return Err(err(format!("cannot read: {e}"))),
        };
        let mut list: ModelList =
            ron::from_str(&text).map_err(|e| err(format!("not a model list: {e}")))?;
        if list.version > MODEL_LIST_VERSION {
            return Err(err(format!(
                "written by a newer Shugu (version {}, this one reads {MODEL_LIST_VERSION})",
                list.version
            )));
        }
        let base = path.parent().unwrap_or(Path::new("."));
        for entry in &mut list.models {
            entry.files.resolve_against(base);
        }
        Ok(list)
    }

    /// Writes the list atomically (a temporary file beside it, renamed).
    pub fn save(&self, path: &Path) -> Result<(), InferError> {
        let err = |detail: String| InferError::Config {
            path: path.to_path_buf(),
            detail,
        };
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| err(e.to_string()))?;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".shugu-tmp-")
            .tempfile_in(dir)
            .map_err(|e| err(format!("cannot write: {e}")))?;
        tmp.write_all(text.as_bytes())
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| err(format!("cannot write: {e}")))?;
        tmp.persist(path)
            .map_err(|e| err(format!("cannot write: {}", e.error)))?;
        Ok(())
    }

    pub fn find(&self, name: &str) -> Option<&ModelEntry> {
        self.models.iter().find(|m| m.name == name)
    }
}

impl ModelEntry {
    /// An entry for a model file given directly (`shugu predict --model`, the
    /// AI menu's "Add a model file"), named after the file. A recognition
    /// model beside it makes it OCR.
    pub fn for_file(model: PathBuf, rec: Option<PathBuf>, kind: ModelKind) -> ModelEntry {
        let name = model
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".to_owned());
        let kind = match (kind, &rec) {
            (ModelKind::Auto, Some(_)) => ModelKind::Ocr,
            (kind, _) => kind,
        };
        ModelEntry {
            name,
            kind,
            files: ModelFiles {
                model: Some(model),
                rec,
                dictionary: None,
            },
            ..ModelEntry::default()
        }
    }

    /// An entry for a model server at `url` (`shugu predict --server`).
    pub fn for_server(url: &str, kind: ModelKind, model: Option<String>) -> ModelEntry {
        ModelEntry {
            name: model.clone().unwrap_or_else(|| url.to_owned()),
            kind,
            server: Some(ServerConfig {
                url: url.to_owned(),
                model,
                ..ServerConfig::default()
            }),
            ..ModelEntry::default()
        }
    }

    /// The name proposals record: the entry's name, else its model file's.
    pub fn source_name(&self) -> String {
        if !self.name.trim().is_empty() {
            return self.name.clone();
        }
        self.files
            .model
            .as_deref()
            .and_then(Path::file_stem)
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".to_owned())
    }

    /// The lowest score a prediction keeps: a detection's or label's
    /// confidence, an OCR line's recognition score.
    pub fn set_min_score(&mut self, score: f32) {
        // Both: an `Auto` entry's kind is known only once its file is read.
        self.thresholds.text_score = Some(score);
        self.thresholds.confidence = Some(score);
    }

    /// Whether this is a model server rather than a local file.
    pub fn is_server(&self) -> bool {
        matches!(
            self.kind,
            ModelKind::XAnyLabelingServer | ModelKind::LabelStudioServer
        )
    }
}

impl ModelFiles {
    fn resolve_against(&mut self, base: &Path) {
        for p in [&mut self.model, &mut self.rec, &mut self.dictionary]
            .into_iter()
            .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_round_trips_and_resolves_relative_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("models.ron");
        assert_eq!(ModelList::load(&path).unwrap(), ModelList::default());
        let list = ModelList {
            version: MODEL_LIST_VERSION,
            models: vec![ModelEntry {
                name: "OCR".into(),
                kind: ModelKind::Ocr,
                files: ModelFiles {
                    model: Some("det.onnx".into()),
                    rec: Some("/abs/rec.onnx".into()),
                    dictionary: None,
                },
                thresholds: Thresholds {
                    text_score: Some(0.6),
                    ..Thresholds::default()
                },
                ..ModelEntry::default()
            }],
        };
        list.save(&path).unwrap();
        let back = ModelList::load(&path).unwrap();
        assert_eq!(
            back.models[0].files.model.as_deref(),
            Some(dir.path().join("det.onnx").as_path())
        );
        assert_eq!(
            back.models[0].files.rec.as_deref(),
            Some(Path::new("/abs/rec.onnx"))
        );
        assert_eq!(back.models[0].thresholds.text_score, Some(0.6));
        std::fs::write(&path, "(version: 9, models: [])").unwrap();
        let e = ModelList::load(&path).unwrap_err().to_string();
        assert!(e.contains("newer"), "{e}");
        std::fs::write(&path, "garbage").unwrap();
        let e = ModelList::load(&path).unwrap_err().to_string();
        assert!(
            e.contains("models.ron") && e.contains("not a model list"),
            "{e}"
        );
    }
}
