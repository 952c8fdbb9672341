//! PP-OCR: text detection (DB) and recognition (CTC) as one predictor, with the
//! pre- and post-processing of `rapidocr_onnxruntime` 1.4, whose wheel ships the
//! PP-OCRv4 models (`ch_PP-OCRv4_det_infer.onnx`, `ch_PP-OCRv4_rec_infer.onnx`).

pub mod det;
pub mod geometry;
pub mod rec;

use super::InferError;
use super::image::{Normalize, resized_tensor};
use super::predictor::{ImageInput, Prediction, Predictions, Predictor, TEXT_ATTRIBUTE};
use super::runtime::OnnxModel;
use crate::model::shape::{Point, Polygon, RotatedRect, Shape};
use crate::model::{AttrValue, Attributes};
use det::{DetConfig, TextBox};
use geometry::Pt;
use image::RgbImage;
use rec::{LineCrop, ctc_characters, ctc_decode};
use serde::{Deserialize, Serialize};

/// How a text line is given back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextShape {
    /// The line's box at its angle.
    #[default]
    RotatedRect,
    /// Its four corners as detected.
    Polygon,
}

/// The OCR settings (RapidOCR's `Global`, `Det` and `Rec` sections).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OcrConfig {
    pub det: DetConfig,
    /// Lines read with a lower mean probability are left out.
    pub text_score: f32,
    /// Lines per recognition run.
    pub rec_batch: usize,
    /// Images are read with their longest side at most this.
    pub max_side_len: u32,
    /// Very wide or low images are padded above and below first (RapidOCR's
    /// letterbox): when lower than `min_height` or wider than this ratio.
    pub min_height: u32,
    pub width_height_ratio: f32,
    /// The class the lines get.
    pub class: String,
    pub shape: TextShape,
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            det: DetConfig::default(),
            text_score: 0.5,
            rec_batch: 6,
            max_side_len: 2000,
            min_height: 30,
            width_height_ratio: 8.0,
            class: "text".to_owned(),
            shape: TextShape::RotatedRect,
        }
    }
}

/// The box of a line from its corners (top-left, top-right, bottom-right,
/// bottom-left): centred on them, its width along the top edge's direction, each
/// side the mean of the two opposite edges.
fn line_box(corners: [Pt; 4]) -> RotatedRect {
    let [p0, p1, p2, p3] = corners;
    let d = |a: Pt, b: Pt| (a.0 - b.0).hypot(a.1 - b.1);
    let cx = corners.iter().map(|p| p.0).sum::<f64>() / 4.0;
    let cy = corners.iter().map(|p| p.1).sum::<f64>() / 4.0;
    let angle = (p1.1 - p0.1 + p2.1 - p3.1)
        .atan2(p1.0 - p0.0 + p2.0 - p3.0)
        .to_degrees();
    RotatedRect::new(
        cx as f32,
        cy as f32,
        ((d(p0, p1) + d(p3, p2)) / 2.0) as f32,
        ((d(p0, p3) + d(p1, p2)) / 2.0) as f32,
        angle as f32,
    )
}

/// The recognition model with its dictionary.
pub struct Recognizer {
    model: OnnxModel,
    characters: Vec<String>,
    height: usize,
}

impl Recognizer {
    /// Reads the dictionary from the model's `character` metadata (PP-OCRv4 as
    /// RapidOCR ships it), else from `dictionary` (PaddleOCR's `*_dict.txt` text).
    pub fn new(model: OnnxModel, dictionary: Option<&str>) -> Result<Self, InferError> {
        let text = model
            .metadata
            .get("character")
            .map(String::as_str)
            .or(dictionary)
            .ok_or_else(|| {
                InferError::unsupported(
                    model.path(),
                    "has no `character` dictionary in its metadata; give the model's \
                     dictionary file (PaddleOCR's `ppocr_keys_v1.txt` or the like)",
                )
            })?;
        let characters = ctc_characters(text);
        let height = match model.inputs.first().map(|i| &i.shape[..]) {
            Some([_, _, Some(h), _]) if *h > 0 => *h as usize,
            _ => 48,
        };
        Ok(Recognizer {
            model,
            characters,
            height,
        })
    }

    /// Reads `lines` of `image`: (text, score) per line, in their order.
    pub fn read(
        &mut self,
        image: &RgbImage,
        lines: &[LineCrop],
        batch: usize,
    ) -> Result<Vec<(String, f32)>, InferError> {
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by(|&a, &b| lines[a].aspect().total_cmp(&lines[b].aspect()));
        let mut results = vec![(String::new(), 0.0); lines.len()];
        let h = self.height;
        for chunk in order.chunks(batch.max(1)) {
            let max_ratio = chunk
                .iter()
                .map(|&i| lines[i].aspect())
                .fold(320.0 / 48.0, f64::max);
            let w = (h as f64 * max_ratio) as usize;
            let mut data = vec![0f32; chunk.len() * 3 * h * w];
            for (slot, &i) in chunk.iter().enumerate() {
                let out = &mut data[slot * 3 * h * w..(slot + 1) * 3 * h * w];
                lines[i].write(image, h, w, &Normalize::PADDLE_BGR, out, w);
            }
            let outputs = self.model.run([chunk.len(), 3, h, w], &data)?;
            let path = self.model.path().to_path_buf();
            let out = outputs
                .first()
                .ok_or_else(|| InferError::run(&path, "the model gave no output"))?;
            let [n, steps, classes] = out.shape[..] else {
                return Err(InferError::run(
                    &path,
                    format!("output {:?} is not [N, T, C]", out.shape),
                ));
            };
            if n != chunk.len() || classes == 0 {
                return Err(InferError::run(
                    &path,
                    format!("output {:?} for {} lines", out.shape, chunk.len()),
                ));
            }
            for (slot, &i) in chunk.iter().enumerate() {
                let scores = &out.data[slot * steps * classes..(slot + 1) * steps * classes];
                results[i] = ctc_decode(scores, classes, &self.characters);
            }
        }
        Ok(results)
    }
}

pub struct OcrPredictor {
    source: String,
    det: OnnxModel,
    rec: Option<Recognizer>,
    config: OcrConfig,
}

impl OcrPredictor {
    /// Detection alone gives lines without text; with `rec` each line is read and
    /// those below `text_score` are left out.
    pub fn new(source: String, det: OnnxModel, rec: Option<Recognizer>, config: OcrConfig) -> Self {
        OcrPredictor {
            source,
            det,
            rec,
            config,
        }
    }

    /// Detected lines of `image` in reading order, corners in its pixels.
    pub fn detect(&mut self, image: &RgbImage) -> Result<Vec<TextBox>, InferError> {
        let cfg = &self.config.det;
        let Some((w, h)) = det::input_size(image.width(), image.height(), cfg.limit_side_len)
        else {
            return Ok(Vec::new());
        };
        let data = resized_tensor(image, w, h, &Normalize::PADDLE_BGR);
        let outputs = self.det.run([1, 3, h, w], &data)?;
        let path = self.det.path().to_path_buf();
        let out = outputs
            .first()
            .ok_or_else(|| InferError::run(&path, "the model gave no output"))?;
        let [_, _, mh, mw] = out.shape[..] else {
            return Err(InferError::run(
                &path,
                format!("output {:?} is not [1, 1, H, W]", out.shape),
            ));
        };
        let mut boxes = det::boxes_from_map(&out.data, mw, mh, image.width(), image.height(), cfg);
        det::reading_order(&mut boxes);
        Ok(boxes)
    }

    /// Padding above and below for very wide or low images (RapidOCR's
    /// `maybe_add_letterbox`): the padded image and the padding.
    fn letterbox(&self, image: &RgbImage) -> Option<(RgbImage, u32)> {
        let (w, h) = (image.width(), image.height());
        let ratio = self.config.width_height_ratio;
        let wide = ratio > 0.0 && w as f32 / h.max(1) as f32 > ratio;
        if h > self.config.min_height && !wide {
            return None;
        }
        let ratio = if ratio > 0.0 { ratio } else { 8.0 };
        let new_h = ((w as f32 / ratio) as u32).max(self.config.min_height) * 2;
        let pad = new_h.abs_diff(h) / 2;
        let mut padded = RgbImage::new(w, h + 2 * pad);
        image::imageops::replace(&mut padded, image, 0, i64::from(pad));
        Some((padded, pad))
    }

    fn shape(&self, corners: [Pt; 4]) -> Option<Shape> {
        let points = corners.map(|(x, y)| Point::new(x as f32, y as f32));
        let shape = match self.config.shape {
            TextShape::RotatedRect => Shape::RotatedRect(line_box(corners)),
            TextShape::Polygon => Shape::Polygon(Polygon::new(points.to_vec())),
        };
        shape.is_valid().then_some(shape)
    }
}

impl Predictor for OcrPredictor {
    fn source(&self) -> &str {
        &self.source
    }

    fn max_side(&self) -> Option<u32> {
        Some(self.config.max_side_len)
    }

    fn predict(&mut self, input: &ImageInput<'_>) -> Result<Predictions, InferError> {
        let pixels = input.require_pixels()?;
        let padded = self.letterbox(pixels);
        let (image, pad) = match &padded {
            Some((img, pad)) => (img, *pad as f64),
            None => (pixels, 0.0),
        };
        let boxes = self.detect(image)?;
        let read = match self.rec.as_mut() {
            Some(rec) => {
                let crops: Vec<Option<LineCrop>> =
                    boxes.iter().map(|b| LineCrop::new(b.corners)).collect();
                let valid: Vec<LineCrop> = crops.iter().flatten().cloned().collect();
                let mut texts = rec.read(image, &valid, self.config.rec_batch)?.into_iter();
                let per_box: Vec<Option<(String, f32)>> = crops
                    .iter()
                    .map(|c| c.as_ref().and_then(|_| texts.next()))
                    .collect();
                Some(per_box)
            }
            None => None,
        };
        let (sx, sy) = input.scale();
        let (fw, fh) = (f64::from(input.width), f64::from(input.height));
        let mut predictions = Predictions::default();
        for (i, b) in boxes.iter().enumerate() {
            let mut attributes = Attributes::new();
            let score = match &read {
                Some(read) => {
                    let Some((text, score)) = read[i].clone() else {
                        continue;
                    };
                    if score < self.config.text_score {
                        continue;
                    }
                    attributes.insert(TEXT_ATTRIBUTE.to_owned(), AttrValue::Text(text));
                    score
                }
                None => b.score,
            };
            let corners = b.corners.map(|(x, y)| {
                (
                    (x * f64::from(sx)).clamp(0.0, fw),
                    ((y - pad) * f64::from(sy)).clamp(0.0, fh),
                )
            });
            if let Some(shape) = self.shape(corners) {
                predictions.objects.push(Prediction {
                    class: self.config.class.clone(),
                    score,
                    shape,
                    attributes,
                });
            }
        }
        Ok(predictions)
    }
}
