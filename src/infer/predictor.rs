//! The boundary between Shugu and every model: an image goes in, shapes with a
//! class, score and attributes come out, in pixels of the EXIF-oriented image.

use super::InferError;
use crate::model::shape::Shape;
use crate::model::{AttrValue, Attributes};
use image::RgbImage;
use std::path::Path;

/// The attribute that carries a recognised text line (OCR).
pub const TEXT_ATTRIBUTE: &str = "text";

/// One thing a model found in an image.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The class name (a model's own names, `class_N` where it has none).
    pub class: String,
    /// The model's confidence, 0..=1.
    pub score: f32,
    pub shape: Shape,
    /// For OCR the recognised text under [`TEXT_ATTRIBUTE`].
    pub attributes: Attributes,
}

impl Prediction {
    pub fn text(&self) -> Option<&str> {
        match self.attributes.get(TEXT_ATTRIBUTE) {
            Some(AttrValue::Text(t)) => Some(t),
            _ => None,
        }
    }
}

/// A label a classifier gave the whole image.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageLabel {
    pub class: String,
    pub score: f32,
}

/// What one image gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Predictions {
    pub objects: Vec<Prediction>,
    pub labels: Vec<ImageLabel>,
    /// What came back that Shugu cannot hold (a server's circle, say), one line
    /// each, counted and shown rather than dropped silently.
    pub left_out: Vec<String>,
}

/// An image handed to a predictor.
#[derive(Clone, Copy, Debug)]
pub struct ImageInput<'a> {
    /// The file (servers send it or a URL made from `key`).
    pub path: &'a Path,
    /// The item's path relative to the image root, `/`-separated.
    pub key: &'a str,
    /// The decoded pixels, EXIF orientation applied, perhaps downscaled: results
    /// are scaled from them to `width`×`height`. `None` for predictors that do
    /// not [`need_pixels`](Predictor::needs_pixels).
    pub pixels: Option<&'a RgbImage>,
    /// The full oriented size: the frame results are given in.
    pub width: u32,
    pub height: u32,
}

impl ImageInput<'_> {
    /// The pixels, or the error a pixel-reading predictor gives without them.
    pub fn require_pixels(&self) -> Result<&RgbImage, InferError> {
        self.pixels.ok_or_else(|| InferError::Run {
            model: self.path.display().to_string(),
            detail: "the image was not decoded".to_owned(),
        })
    }

    /// The factors from pixel coordinates to the full frame (x, y).
    pub fn scale(&self) -> (f32, f32) {
        match self.pixels {
            Some(p) if p.width() > 0 && p.height() > 0 => (
                self.width as f32 / p.width() as f32,
                self.height as f32 / p.height() as f32,
            ),
            _ => (1.0, 1.0),
        }
    }
}

/// A model that labels images: local (ONNX Runtime) or a server.
///
/// One predictor serves one thread at a time (`&mut self`: sessions keep their
/// buffers); a batch run keeps one and feeds it decoded images from other threads.
pub trait Predictor: Send {
    /// The name proposals record as their source.
    fn source(&self) -> &str;

    /// Whether [`ImageInput::pixels`] must be given (local models); servers read
    /// the file themselves.
    fn needs_pixels(&self) -> bool {
        true
    }

    /// The longest side worth decoding: larger images may be handed downscaled
    /// (the results are scaled back). `None` for the full image.
    fn max_side(&self) -> Option<u32> {
        None
    }

    fn predict(&mut self, image: &ImageInput<'_>) -> Result<Predictions, InferError>;
}

/// Runs `predictor` on the image file at `path` (`key`: its path relative to the
/// image root): decodes it when the predictor reads pixels (as large as it
/// wants them), else only reads its size.
pub fn predict_file(
    predictor: &mut dyn Predictor,
    path: &Path,
    key: &str,
) -> Result<Predictions, InferError> {
    if predictor.needs_pixels() {
        let loaded = super::image::load_image(path, predictor.max_side())?;
        let input = ImageInput {
            path,
            key,
            pixels: Some(&loaded.pixels),
            width: loaded.width,
            height: loaded.height,
        };
        predictor.predict(&input)
    } else {
        let info = crate::media::probe(path)?;
        let input = ImageInput {
            path,
            key,
            pixels: None,
            width: info.width,
            height: info.height,
        };
        predictor.predict(&input)
    }
}
