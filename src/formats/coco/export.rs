//! Building a COCO file from the model (checklist: `DESIGN.md` §7).

use super::OUTSIDE_TOLERANCE_PX;
use super::export_shape::coco_bbox;
use super::file::{CocoAnnotation, CocoCategory, CocoFile, CocoImage, CocoInfo};
use super::paths::relative_problem;
use super::segmentation::Segmentation;
use crate::model::{Annotation, AnnotationId, BBox, ClassId, Item, ItemId, LabelSchema};
use std::collections::{HashMap, HashSet};

pub struct CocoExportInput<'a> {
    /// The items to export, in the order their images should appear.
    pub items: &'a [Item],
    /// Boxes in any order. Boxes of items not in `items` are not exported
    /// (counted in [`CocoExport::boxes_of_other_items`]), so a caller can export a
    /// subset of the items without filtering the boxes.
    pub boxes: &'a [Annotation],
    pub schema: &'a LabelSchema,
    pub description: String,
    /// ISO 8601, supplied by the caller so that the output is reproducible.
    pub date_created: String,
}

/// An item that is not in the export, with its boxes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOutItem {
    pub item: ItemId,
    pub rel_path: String,
    pub reason: String,
    /// How many of its boxes were therefore left out too.
    pub boxes: usize,
}

/// A schema class that cannot be a COCO category. Its boxes are left out too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOutClass {
    pub class: ClassId,
    pub name: String,
    pub reason: String,
}

/// A box of an exported item that could not be written as a valid COCO box.
#[derive(Clone, Debug, PartialEq)]
pub struct LeftOutBox {
    pub annotation: AnnotationId,
    pub item: ItemId,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CocoExport {
    pub file: CocoFile,
    pub left_out: Vec<LeftOutItem>,
    pub left_out_boxes: Vec<LeftOutBox>,
    /// Only a hand-edited schema has these (ids below 1, or one id twice).
    pub left_out_classes: Vec<LeftOutClass>,
    pub boxes_of_other_items: usize,
}

/// Why an item cannot be exported as a COCO image, if it cannot. Shared with the
/// image-label writer so that both files describe the same images.
pub(super) fn broken_reason(item: &Item) -> Option<String> {
    if let Some(error) = &item.error {
        Some(format!("the image cannot be read: {error}"))
    } else if item.width == 0 || item.height == 0 {
        Some(format!(
            "the image size is unknown ({}×{})",
            item.width, item.height
        ))
    } else {
        relative_problem(&item.rel_path).map(str::to_string)
    }
}

/// Rounds a coordinate to 1e-4 px for writing.
///
/// Boxes are `f32` corners; COCO wants `[x, y, w, h]`. Computing `w` in `f32`
/// gives artefacts (a box from 0.1 to 12.4 has `w` = 12.299999), and widening
/// `f32` to `f64` prints 12.300000190734863. Taking the difference in `f64`
/// (exact for two `f32`s) and rounding to 1e-4 writes `12.3`. The rounding error,
/// at most 5e-5 px, is below `f32` resolution for images wider than about
/// 800 px and far inside the 1e-3 px round-trip requirement.
pub(crate) fn round4(v: f64) -> f64 {
    // `+ 0.0` turns -0.0 into 0.0.
    (v * 10_000.0).round() / 10_000.0 + 0.0
}

/// Where an item's boxes go while building.
#[derive(Clone, Copy)]
enum Slot {
    /// Index into `images`.
    Image(u32),
    /// Index into `left_out`.
    LeftOut(usize),
}

/// The exported images of `items` and the items left out, with where each
/// item's boxes go.
struct Images {
    images: Vec<CocoImage>,
    left_out: Vec<LeftOutItem>,
    slots: HashMap<ItemId, Slot>,
}

/// Gives the exportable items their COCO image ids, 1..=N in item order;
/// broken items and a second item of one file are left out.
fn assign_images(items: &[Item]) -> Images {
    let mut images = Vec::with_capacity(items.len());
    let mut left_out = Vec::new();
    let mut slots: HashMap<ItemId, Slot> = HashMap::with_capacity(items.len());
    let mut by_path: HashMap<&str, ItemId> = HashMap::with_capacity(items.len());
    for item in items {
        if slots.contains_key(&item.id) {
            continue; // Listed twice: the first listing stands.
        }
        let reason = if let Some(reason) = broken_reason(item) {
            Some(reason)
        } else {
            by_path
                .get(item.rel_path.as_str())
                .map(|first| format!("the same file as item {first}"))
        };
        let slot = match reason {
            Some(reason) => {
                left_out.push(LeftOutItem {
                    item: item.id,
                    rel_path: item.rel_path.clone(),
                    reason,
                    boxes: 0,
                });
                Slot::LeftOut(left_out.len() - 1)
            }
            None => {
                by_path.insert(&item.rel_path, item.id);
                images.push(CocoImage {
                    id: images.len() as i64 + 1,
                    file_name: item.rel_path.clone(),
                    width: item.width,
                    height: item.height,
                });
                Slot::Image(images.len() as u32 - 1)
            }
        };
        slots.insert(item.id, slot);
    }
    Images {
        images,
        left_out,
        slots,
    }
}

/// The project item behind each image id an export of `items` writes: how a
/// model's results file, which names images by those ids, finds its items.
pub fn export_image_ids(items: &[Item]) -> HashMap<i64, ItemId> {
    let Images { images, slots, .. } = assign_images(items);
    slots
        .into_iter()
        .filter_map(|(item, slot)| match slot {
            Slot::Image(i) => images.get(i as usize).map(|img| (img.id, item)),
            Slot::LeftOut(_) => None,
        })
        .collect()
}

/// Builds the COCO file. Image ids are 1..=N in item order, annotation ids
/// 1..=M ordered by image, then by our annotation id; category ids are our stable
/// `ClassId`s and every schema class is listed.
///
/// Never fails: what cannot be exported validly (broken items, boxes outside
/// their image or of unknown classes, classes with unusable ids) is left out and
/// listed in the result, so the caller can report it.
pub fn build_export(input: &CocoExportInput) -> CocoExport {
    let (categories, left_out_classes) = categories(input.schema);
    let class_ids: HashSet<ClassId> = categories.iter().map(|c| ClassId(c.id)).collect();

    let Images {
        images,
        mut left_out,
        slots,
    } = assign_images(input.items);

    // (image index, our annotation id, position in `boxes`, bbox to write)
    let mut kept: Vec<(u32, i64, u32, BBox)> = Vec::with_capacity(input.boxes.len());
    let mut left_out_boxes = Vec::new();
    let mut boxes_of_other_items = 0;
    for (pos, b) in input.boxes.iter().enumerate() {
        let image = match slots.get(&b.item) {
            None => {
                boxes_of_other_items += 1;
                continue;
            }
            Some(Slot::LeftOut(k)) => {
                left_out[*k].boxes += 1;
                continue;
            }
            Some(Slot::Image(i)) => *i,
        };
        let img = &images[image as usize];
        match exportable_box(b, &class_ids, img.width, img.height) {
            Ok(bbox) => kept.push((image, b.id.0, pos as u32, bbox)),
            Err(reason) => left_out_boxes.push(LeftOutBox {
                annotation: b.id,
                item: b.item,
                reason,
            }),
        }
    }
    kept.sort_unstable_by_key(|&(image, id, pos, _)| (image, id, pos));

    let annotations = kept
        .iter()
        .enumerate()
        .map(|(k, &(image, _, pos, bbox))| {
            let [x, y, w, h] = coco_bbox(&bbox);
            CocoAnnotation {
                id: k as i64 + 1,
                image_id: i64::from(image) + 1,
                category_id: input.boxes[pos as usize].class.0,
                bbox: Some([x, y, w, h]),
                area: Some(round4(w * h)),
                iscrowd: false,
                segmentation: Segmentation::Empty,
                keypoints: Default::default(),
                num_keypoints: None,
                score: None,
                attributes: input.boxes[pos as usize].attributes.clone(),
                attribute_problems: Vec::new(),
            }
        })
        .collect();

    let file = CocoFile {
        info: CocoInfo {
            description: input.description.clone(),
            url: String::new(),
            version: "1.0".to_string(),
            year: input.date_created.get(..4).and_then(|y| y.parse().ok()),
            contributor: String::new(),
            date_created: input.date_created.clone(),
        },
        licenses: Vec::new(),
        images,
        annotations,
        categories,
    };
    CocoExport {
        file,
        left_out,
        left_out_boxes,
        left_out_classes,
        boxes_of_other_items,
    }
}

/// The schema classes as categories, by id, and the classes whose ids COCO
/// cannot take. Names need not be unique or non-empty in COCO, so they are
/// written as they are.
fn categories(schema: &LabelSchema) -> (Vec<CocoCategory>, Vec<LeftOutClass>) {
    let mut out: Vec<CocoCategory> = Vec::with_capacity(schema.classes.len());
    let mut left_out = Vec::new();
    let mut seen = HashSet::new();
    for class in &schema.classes {
        let reason = if class.id.0 < 1 {
            "COCO category ids start at 1"
        } else if !seen.insert(class.id) {
            "an earlier class has the same id"
        } else {
            out.push(CocoCategory {
                id: class.id.0,
                name: class.name.clone(),
                supercategory: String::new(),
                ..Default::default()
            });
            continue;
        };
        left_out.push(LeftOutClass {
            class: class.id,
            name: class.name.clone(),
            reason: reason.to_string(),
        });
    }
    out.sort_unstable_by_key(|c| c.id);
    (out, left_out)
}

/// The box as it will be written, or why it cannot be.
fn exportable_box(
    b: &Annotation,
    class_ids: &HashSet<ClassId>,
    width: u32,
    height: u32,
) -> Result<BBox, String> {
    let (w, h) = (width as f32, height as f32);
    let tol = OUTSIDE_TOLERANCE_PX as f32;
    let bbox = b.bounds();
    if !class_ids.contains(&b.class) {
        Err(format!(
            "its class id {} is not a category of the export (see the left-out classes)",
            b.class
        ))
    } else if !bbox.is_proper() {
        Err(format!("the box {:?} has no area", bbox.to_xywh()))
    } else if bbox.min_x < -tol || bbox.min_y < -tol || bbox.max_x > w + tol || bbox.max_y > h + tol
    {
        Err(format!(
            "the box {:?} lies outside the {width}×{height} image",
            bbox.to_xywh()
        ))
    } else {
        let clamped = bbox.clamped(w, h);
        if clamped.is_proper() {
            Ok(clamped)
        } else {
            Err(format!(
                "the box {:?} has no area inside the {width}×{height} image",
                bbox.to_xywh()
            ))
        }
    }
}
