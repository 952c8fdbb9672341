//! Object detectors with the YOLO family's output layouts: letterbox in,
//! decoded and suppressed boxes out.

mod decode;

pub use decode::{Candidate, YoloLayout, class_count, decode, nms};

use super::image::{Letterbox, Normalize};
use super::predictor::{ImageInput, Prediction, Predictions, Predictor};
use super::runtime::OnnxModel;
use super::{InferError, metadata};
use crate::model::{BBox, Shape};

/// How a detector is run.
#[derive(Clone, Debug, PartialEq)]
pub struct YoloConfig {
    pub layout: YoloLayout,
    /// Class names by index; the model's own `names` when empty.
    pub classes: Vec<String>,
    /// Input (width, height) when the model does not fix it.
    pub input_size: Option<(usize, usize)>,
    pub confidence: f32,
    pub iou: f32,
    pub max_detections: usize,
}

impl YoloConfig {
    pub fn new(layout: YoloLayout) -> Self {
        YoloConfig {
            layout,
            classes: Vec::new(),
            input_size: None,
            confidence: 0.25,
            iou: 0.45,
            max_detections: 300,
        }
    }
}

/// The input (width, height) of an image model: its fixed shape, else the
/// `imgsz` in its metadata, else `configured`, else `fallback`.
pub fn input_size(
    model: &OnnxModel,
    configured: Option<(usize, usize)>,
    fallback: usize,
) -> (usize, usize) {
    let fixed = model.inputs.first().and_then(|i| match i.shape[..] {
        [_, _, Some(h), Some(w)] if h > 0 && w > 0 => Some((w as usize, h as usize)),
        _ => None,
    });
    let meta = || {
        model
            .metadata
            .get("imgsz")
            .and_then(|s| metadata::parse_imgsz(s))
            .map(|(h, w)| (w, h))
    };
    fixed
        .or(configured)
        .or_else(meta)
        .unwrap_or((fallback, fallback))
}

pub struct YoloPredictor {
    source: String,
    model: OnnxModel,
    config: YoloConfig,
    input: (usize, usize),
}

impl YoloPredictor {
    pub fn new(
        source: String,
        model: OnnxModel,
        mut config: YoloConfig,
    ) -> Result<Self, InferError> {
        if config.classes.is_empty() {
            config.classes = model
                .metadata
                .get("names")
                .and_then(|n| metadata::parse_names(n))
                .unwrap_or_default();
        }
        let input = input_size(&model, config.input_size, 640);
        Ok(YoloPredictor {
            source,
            model,
            config,
            input,
        })
    }

    fn class_name(&self, i: usize) -> String {
        self.config
            .classes
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("class_{i}"))
    }
}

impl Predictor for YoloPredictor {
    fn source(&self) -> &str {
        &self.source
    }

    fn predict(&mut self, image: &ImageInput<'_>) -> Result<Predictions, InferError> {
        let pixels = image.require_pixels()?;
        let (w, h) = self.input;
        let letterbox = match self.config.layout {
            // YOLOX's own demo: BGR levels 0..=255, image at the top-left.
            YoloLayout::Yolox { .. } => {
                let raw_bgr = Normalize {
                    mean: [0.0; 3],
                    std: [1.0 / 255.0; 3],
                    bgr: true,
                };
                Letterbox::top_left(pixels, w, h, &raw_bgr)
            }
            _ => Letterbox::new(pixels, w, h, &Normalize::UNIT_RGB),
        };
        let outputs = self.model.run([1, 3, h, w], &letterbox.data)?;
        let path = self.model.path().to_path_buf();
        let out = outputs
            .first()
            .ok_or_else(|| InferError::run(&path, "the model gave no output"))?;
        let candidates = decode(
            self.config.layout,
            &out.shape,
            &out.data,
            (w, h),
            self.config.confidence,
        )
        .map_err(|e| InferError::run(&path, e))?;
        let kept = nms(candidates, self.config.iou, self.config.max_detections);
        let (sx, sy) = image.scale();
        let (fw, fh) = (image.width as f32, image.height as f32);
        let mut predictions = Predictions::default();
        for c in kept {
            let (x0, y0) = letterbox.to_source(c.x0, c.y0);
            let (x1, y1) = letterbox.to_source(c.x1, c.y1);
            let bbox = BBox::from_corners([x0 * sx, y0 * sy], [x1 * sx, y1 * sy]).clamped(fw, fh);
            if !bbox.is_proper() {
                continue;
            }
            predictions.objects.push(Prediction {
                class: self.class_name(c.class),
                score: c.score,
                shape: Shape::Rect(bbox),
                attributes: Default::default(),
            });
        }
        Ok(predictions)
    }
}
