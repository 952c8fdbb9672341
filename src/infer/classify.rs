//! Image classifiers: the image centre-cropped and resized, class scores out
//! (softmax unless they already are probabilities), the top ones as image labels.

use super::image::{Normalize, resized_tensor};
use super::predictor::{ImageInput, ImageLabel, Predictions, Predictor};
use super::runtime::OnnxModel;
use super::yolo::input_size;
use super::{InferError, metadata};

#[derive(Clone, Debug, PartialEq)]
pub struct ClassifyConfig {
    pub classes: Vec<String>,
    pub input_size: Option<(usize, usize)>,
    /// How many labels at most, best first.
    pub top_k: usize,
    /// Labels scoring below are left out.
    pub min_score: f32,
    pub normalize: Normalize,
}

impl Default for ClassifyConfig {
    fn default() -> Self {
        ClassifyConfig {
            classes: Vec::new(),
            input_size: None,
            top_k: 1,
            min_score: 0.0,
            normalize: Normalize::UNIT_RGB,
        }
    }
}

pub struct ClassifyPredictor {
    source: String,
    model: OnnxModel,
    config: ClassifyConfig,
    input: (usize, usize),
}

impl ClassifyPredictor {
    pub fn new(source: String, model: OnnxModel, mut config: ClassifyConfig) -> Self {
        if config.classes.is_empty() {
            config.classes = model
                .metadata
                .get("names")
                .and_then(|n| metadata::parse_names(n))
                .unwrap_or_default();
        }
        let input = input_size(&model, config.input_size, 224);
        ClassifyPredictor {
            source,
            model,
            config,
            input,
        }
    }
}

/// Scores as probabilities: kept when they already are (non-negative, summing
/// to 1, as Ultralytics' classifiers give), else a softmax of the logits.
pub fn probabilities(scores: &[f32]) -> Vec<f32> {
    let sum: f32 = scores.iter().sum();
    if scores.iter().all(|&s| (0.0..=1.0).contains(&s)) && (sum - 1.0).abs() < 1e-3 {
        return scores.to_vec();
    }
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = scores.iter().map(|&s| (s - max).exp()).collect();
    let total: f32 = exp.iter().sum();
    exp.iter().map(|e| e / total).collect()
}

/// The indices of the `k` highest scores, best first (the lower index on a tie).
pub fn top_k(scores: &[f32], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order.truncate(k);
    order
}

impl Predictor for ClassifyPredictor {
    fn source(&self) -> &str {
        &self.source
    }

    fn predict(&mut self, image: &ImageInput<'_>) -> Result<Predictions, InferError> {
        let pixels = image.require_pixels()?;
        let (w, h) = self.input;
        // Ultralytics' classify transform: the shorter side to the input, centre crop.
        let (sw, sh) = (pixels.width(), pixels.height());
        let fit = (sw as f32 / w as f32).min(sh as f32 / h as f32);
        let (cw, ch) = (
            ((w as f32 * fit).round() as u32).clamp(1, sw.max(1)),
            ((h as f32 * fit).round() as u32).clamp(1, sh.max(1)),
        );
        let crop =
            image::imageops::crop_imm(pixels, (sw - cw) / 2, (sh - ch) / 2, cw, ch).to_image();
        let data = resized_tensor(&crop, w, h, &self.config.normalize);
        let outputs = self.model.run([1, 3, h, w], &data)?;
        let path = self.model.path().to_path_buf();
        let out = outputs
            .first()
            .ok_or_else(|| InferError::run(&path, "the model gave no output"))?;
        let probs = probabilities(&out.data);
        let mut predictions = Predictions::default();
        for i in top_k(&probs, self.config.top_k) {
            if probs[i] < self.config.min_score {
                break;
            }
            let class = self
                .config
                .classes
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("class_{i}"));
            predictions.labels.push(ImageLabel {
                class,
                score: probs[i],
            });
        }
        Ok(predictions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_only_for_logits_and_top_k_in_order() {
        assert_eq!(probabilities(&[0.2, 0.8]), vec![0.2, 0.8]);
        let p = probabilities(&[0.0, (3.0f32).ln()]);
        assert!((p[0] - 0.25).abs() < 1e-6 && (p[1] - 0.75).abs() < 1e-6);
        assert_eq!(top_k(&[0.1, 0.5, 0.5, 0.2], 3), vec![1, 2, 3]);
    }
}
