//! Which kind of model a file is, read from its inputs, outputs and metadata.

use super::runtime::OnnxModel;
use super::yolo::YoloLayout;

/// What a model file was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetectedKind {
    /// PP-OCR detection (DB): one `[N, 1, H, W]` probability map.
    TextDetection,
    /// PP-OCR recognition: `[N, T, C]` per-step class scores with a `character`
    /// dictionary in its metadata.
    TextRecognition,
    /// A YOLO-family detector.
    Detector(YoloLayout),
    /// An image classifier: `[N, C]` scores.
    Classifier,
}

/// Recognises `model`, or says why it fits none of the kinds.
pub fn detect_kind(model: &OnnxModel) -> Result<DetectedKind, String> {
    let [input] = &model.inputs[..] else {
        return Err(format!(
            "has {} inputs; the models Shugu runs take one image",
            model.inputs.len()
        ));
    };
    if input.shape.len() != 4 || input.shape[1].is_some_and(|c| c != 3) {
        return Err(format!(
            "input `{}` is {:?}, not an image batch [N, 3, H, W]",
            input.name, input.shape
        ));
    }
    let Some(output) = model.outputs.first() else {
        return Err("has no outputs".to_owned());
    };
    let meta = &model.metadata;
    match output.shape.len() {
        4 if output.shape[1] == Some(1) => Ok(DetectedKind::TextDetection),
        3 if meta.contains_key("character") => Ok(DetectedKind::TextRecognition),
        3 => Ok(DetectedKind::Detector(yolo_layout(model))),
        2 => Ok(DetectedKind::Classifier),
        _ => Err(format!(
            "output `{}` is {:?}: neither a text probability map, a YOLO layout nor class scores",
            output.name, output.shape
        )),
    }
}

/// The YOLO layout an output's shape and metadata suggest: `[1, 4 + C, N]` (rows
/// fewer than columns) is v8/v11; `[1, N, 5 + C]` is v5 unless the list states
/// YOLOX, which its shape alone cannot tell.
pub fn yolo_layout(model: &OnnxModel) -> YoloLayout {
    let shape = model
        .outputs
        .first()
        .map(|o| o.shape.clone())
        .unwrap_or_default();
    let classes = model
        .metadata
        .get("names")
        .and_then(|n| super::metadata::parse_names(n))
        .map(|n| n.len());
    match (
        shape.get(1).copied().flatten(),
        shape.get(2).copied().flatten(),
        classes,
    ) {
        (Some(rows), _, Some(c)) if rows == 4 + c as i64 => YoloLayout::V8,
        (_, Some(cols), Some(c)) if cols == 5 + c as i64 => YoloLayout::V5,
        (Some(rows), Some(cols), _) if rows < cols => YoloLayout::V8,
        (None, Some(_), _) => YoloLayout::V5,
        (Some(_), None, _) => YoloLayout::V8,
        _ => YoloLayout::V5,
    }
}
