//! Building a COCO file from the model (the exporter checklist in [`crate::formats::coco`]): every
//! shape COCO holds, an annotation's group (a person's region and keypoints)
//! as one record.

use super::OUTSIDE_TOLERANCE_PX;
use super::export_shape::{ShapeRecord, coco_geometry, group_records};
use super::file::{CocoAnnotation, CocoCategory, CocoFile, CocoImage, CocoInfo};
use super::import::CategoryKeypoints;
use super::paths::relative_problem;
use crate::model::{
    Annotation, AnnotationId, Attributes, CROWD_ATTRIBUTE, ClassId, GroupId, Item, ItemId,
    LabelSchema, Shape, is_crowd,
};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

pub struct CocoExportInput<'a> {
    /// The items to export, in the order their images should appear.
    pub items: &'a [Item],
    /// Annotations in any order; their shapes move into the file.
    /// Annotations of items not in `items` are not exported (counted in
    /// [`CocoExport::annotations_of_other_items`]), so a caller can export a
    /// subset of the items without filtering the annotations.
    pub annotations: Vec<Annotation>,
    pub schema: &'a LabelSchema,
    pub description: String,
    /// ISO 8601, supplied by the caller so that the output is reproducible.
    pub date_created: String,
}

/// An item that is not in the export, with its annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOutItem {
    pub item: ItemId,
    pub rel_path: String,
    pub reason: String,
    /// How many of its annotations were therefore left out too.
    pub annotations: usize,
}

/// A schema class that cannot be a COCO category. Its annotations are left out too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOutClass {
    pub class: ClassId,
    pub name: String,
    pub reason: String,
}

/// An annotation of an exported item that COCO cannot hold (outside its
/// image, no area, a polyline, a left-out class), or that was written in
/// another form, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportNote {
    pub annotation: AnnotationId,
    pub item: ItemId,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CocoExport {
    pub file: CocoFile,
    pub left_out: Vec<LeftOutItem>,
    pub left_out_annotations: Vec<ExportNote>,
    /// Annotations written in another form (a rotated box as the polygon of
    /// its corners), said so nothing changes silently.
    pub converted: Vec<ExportNote>,
    /// Only a hand-edited schema has these (ids below 1, or one id twice).
    pub left_out_classes: Vec<LeftOutClass>,
    pub annotations_of_other_items: usize,
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

/// Where an item's annotations go while building.
#[derive(Clone, Copy)]
enum Slot {
    /// Index into `images`.
    Image(u32),
    /// Index into `left_out`.
    LeftOut(usize),
}

/// The exported images of `items` and the items left out, with where each
/// item's annotations go.
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
                    annotations: 0,
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

/// An annotation that fits its image: the image, and the annotation's place
/// in the input, where its shape (clamped if it reached past the border)
/// waits to be moved into the file. A million annotations are not moved
/// into another list on the way.
#[derive(Clone, Copy)]
struct Placed {
    image: u32,
    id: AnnotationId,
    index: usize,
}

/// What becomes of one annotation of the input.
enum Fate {
    /// Its item is not among the exported ones.
    OtherItem,
    /// Its item is left out (the index into `left_out`).
    OnLeftOutItem(usize),
    /// Exported on this image.
    Placed(u32),
    /// Left out, for this reason.
    Refused(String),
}

/// Annotations checked together on one thread.
const FATE_CHUNK: usize = 8192;

/// Builds the COCO file. Image ids are 1..=N in item order, annotation ids
/// 1..=M ordered by image, then by our annotation id (a group at its first);
/// category ids are our stable `ClassId`s and every schema class is listed,
/// a keypoint class with its point names and skeleton.
///
/// The annotations of one class and group on an image are one record (a
/// region and its keypoints, see [`group_records`]); the record's attributes
/// are its first annotation's, its crowd flag ([`CROWD_ATTRIBUTE`]) written as
/// `iscrowd`.
///
/// Never fails: what cannot be exported validly (broken items, shapes outside
/// their image or of unknown classes, polylines, classes with unusable ids) is
/// left out and listed in the result, so the caller can report it.
pub fn build_export(input: CocoExportInput) -> CocoExport {
    let (categories, left_out_classes) = categories(input.schema);
    let keypoint_counts = KeypointCounts(
        categories
            .iter()
            .map(|c| (ClassId(c.id), c.keypoints.len()))
            .collect(),
    );

    let Images {
        images,
        mut left_out,
        slots,
    } = assign_images(input.items);

    let mut annotations = input.annotations;
    // Each annotation's checks (validity, bounds, clamping) on every core:
    // with a million polygons they are most of the building.
    let fates: Vec<Fate> = annotations
        .par_chunks_mut(FATE_CHUNK)
        .flat_map_iter(|chunk| {
            // An item's annotations mostly come together: its slot is looked up once.
            let mut last_slot: Option<(ItemId, Option<Slot>)> = None;
            chunk
                .iter_mut()
                .map(|a| {
                    let slot = match last_slot {
                        Some((item, slot)) if item == a.item => slot,
                        _ => {
                            let slot = slots.get(&a.item).copied();
                            last_slot = Some((a.item, slot));
                            slot
                        }
                    };
                    match slot {
                        None => Fate::OtherItem,
                        Some(Slot::LeftOut(k)) => Fate::OnLeftOutItem(k),
                        Some(Slot::Image(image)) => {
                            let img = &images[image as usize];
                            let known = keypoint_counts.get(a.class).is_some();
                            match exportable_shape(
                                &mut a.shape,
                                a.class,
                                known,
                                img.width,
                                img.height,
                            ) {
                                Ok(()) => Fate::Placed(image),
                                Err(reason) => Fate::Refused(reason),
                            }
                        }
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut placed: Vec<Placed> = Vec::with_capacity(annotations.len());
    let mut left_out_annotations = Vec::new();
    let mut annotations_of_other_items = 0;
    for (index, (a, fate)) in annotations.iter().zip(fates).enumerate() {
        match fate {
            Fate::OtherItem => annotations_of_other_items += 1,
            Fate::OnLeftOutItem(k) => left_out[k].annotations += 1,
            Fate::Placed(image) => placed.push(Placed {
                image,
                id: a.id,
                index,
            }),
            Fate::Refused(reason) => left_out_annotations.push(ExportNote {
                annotation: a.id,
                item: a.item,
                reason,
            }),
        }
    }
    placed.sort_unstable_by_key(|p| (p.image, p.id));

    let mut out = Records {
        annotations: Vec::with_capacity(placed.len()),
        converted: Vec::new(),
        left_out: left_out_annotations,
        keypoint_counts,
    };
    for record in records(placed, &annotations) {
        match record {
            Record::One(p) => {
                let a = &mut annotations[p.index];
                let (shape, attributes) = take_shape(a);
                let crowd = is_crowd(&attributes);
                let shapes = match shape {
                    Shape::Keypoints(points) => ShapeRecord {
                        region: None,
                        keypoints: Some(Cow::Owned(points)),
                        crowd,
                    },
                    region => ShapeRecord {
                        region: Some(Cow::Owned(region)),
                        keypoints: None,
                        crowd,
                    },
                };
                out.push(a.class, p.image, shapes, &[(a.id, a.item)], attributes);
            }
            Record::Group(group) => out.push_group(&group, &mut annotations),
        }
    }
    let Records {
        annotations,
        converted,
        left_out: left_out_annotations,
        ..
    } = out;

    let file = CocoFile {
        info: CocoInfo {
            description: input.description,
            url: String::new(),
            version: "1.0".to_string(),
            year: input.date_created.get(..4).and_then(|y| y.parse().ok()),
            contributor: String::new(),
            date_created: input.date_created,
        },
        licenses: Vec::new(),
        images,
        annotations,
        categories,
    };
    CocoExport {
        file,
        left_out,
        left_out_annotations,
        converted,
        left_out_classes,
        annotations_of_other_items,
    }
}

/// One COCO record to write: an annotation alone (most are), or a group.
enum Record {
    One(Placed),
    Group(Vec<Placed>),
}

/// The placed annotations (sorted by image and id) as records, in the order
/// of their first annotation: each annotation alone, or with the others of
/// its class and group on its image. The grouped ones are taken out and
/// merged back in; the others (most, often all) are not moved.
fn records(
    mut placed: Vec<Placed>,
    annotations: &[Annotation],
) -> impl Iterator<Item = Record> + use<> {
    let mut groups: Vec<Vec<Placed>> = Vec::new();
    let mut open: HashMap<(u32, ClassId, Option<GroupId>), usize> = HashMap::new();
    for p in placed.extract_if(.., |p| annotations[p.index].group.is_some()) {
        let a = &annotations[p.index];
        match open.entry((p.image, a.class, a.group)) {
            Entry::Occupied(k) => groups[*k.get()].push(p),
            Entry::Vacant(slot) => {
                slot.insert(groups.len());
                groups.push(vec![p]);
            }
        }
    }
    let mut ones = placed.into_iter().peekable();
    let mut groups = groups.into_iter().peekable();
    std::iter::from_fn(move || match (ones.peek(), groups.peek()) {
        (Some(p), Some(g)) if (g[0].image, g[0].id) < (p.image, p.id) => {
            groups.next().map(Record::Group)
        }
        (Some(_), _) => ones.next().map(Record::One),
        (None, _) => groups.next().map(Record::Group),
    })
}

/// An annotation's shape and attributes, taken out to be moved into the file
/// (an empty polyline left in its place).
fn take_shape(a: &mut Annotation) -> (Shape, Attributes) {
    let shape = std::mem::replace(&mut a.shape, Shape::Polyline(Vec::new()));
    (shape, std::mem::take(&mut a.attributes))
}

/// The number of keypoint names of each exported category's class, by class
/// id (a schema has few classes: a sorted list searched is quicker than a
/// hash map for a million look-ups).
struct KeypointCounts(Vec<(ClassId, usize)>);

impl KeypointCounts {
    /// `None` when the class is not a category of the export.
    fn get(&self, class: ClassId) -> Option<usize> {
        let k = self.0.binary_search_by_key(&class, |&(c, _)| c).ok()?;
        Some(self.0[k].1)
    }
}

/// The COCO annotations written so far, and the notes of what was not.
struct Records {
    annotations: Vec<CocoAnnotation>,
    converted: Vec<ExportNote>,
    left_out: Vec<ExportNote>,
    keypoint_counts: KeypointCounts,
}

impl Records {
    /// Writes one record of `shapes`, made of the annotations `owners`
    /// (region first), with `attributes` (the crowd flag taken out: it is
    /// `iscrowd`); or notes why each of them was left out.
    fn push(
        &mut self,
        class: ClassId,
        image: u32,
        shapes: ShapeRecord,
        owners: &[(AnnotationId, ItemId)],
        mut attributes: Attributes,
    ) {
        let note = |(annotation, item): (AnnotationId, ItemId), reason: String| ExportNote {
            annotation,
            item,
            reason,
        };
        let count = self.keypoint_counts.get(class).unwrap_or(0);
        match coco_geometry(shapes, count) {
            Ok(geometry) => {
                if let Some(how) = geometry.converted {
                    self.converted.push(note(owners[0], how.to_string()));
                }
                attributes.remove(CROWD_ATTRIBUTE);
                let id = self.annotations.len() as i64 + 1;
                let image_id = i64::from(image) + 1;
                let written = geometry.into_annotation(id, image_id, class.0, attributes);
                self.annotations.push(written);
            }
            Err(reason) => {
                let notes = owners.iter().map(|&o| note(o, reason.clone()));
                self.left_out.extend(notes);
            }
        }
    }

    /// The records of a group's shapes ([`group_records`]), each with its
    /// first annotation's attributes.
    fn push_group(&mut self, group: &[Placed], annotations: &mut [Annotation]) {
        let (class, image) = (annotations[group[0].index].class, group[0].image);
        let crowd = group
            .iter()
            .any(|p| is_crowd(&annotations[p.index].attributes));
        let mut owners: Vec<((AnnotationId, ItemId), Attributes)> = Vec::with_capacity(group.len());
        let tagged: Vec<(usize, Cow<Shape>)> = group
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let a = &mut annotations[p.index];
                let (shape, attributes) = take_shape(a);
                owners.push(((a.id, a.item), attributes));
                (k, Cow::Owned(shape))
            })
            .collect();
        for (tags, shapes) in group_records(tagged, crowd) {
            let ids: Vec<(AnnotationId, ItemId)> = tags.iter().map(|&k| owners[k].0).collect();
            let attributes = owners[tags[0]].1.clone();
            self.push(class, image, shapes, &ids, attributes);
        }
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
            let category = CocoCategory {
                id: class.id.0,
                name: class.name.clone(),
                supercategory: String::new(),
                ..Default::default()
            };
            out.push(category.with_keypoints(&CategoryKeypoints {
                names: class.keypoints.clone(),
                skeleton: class.skeleton.iter().map(|&(a, b)| [a, b]).collect(),
            }));
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

/// Makes the shape the one to write (clamped to its image when it reaches
/// past the border by no more than the tolerance), or says why it cannot be.
fn exportable_shape(
    shape: &mut Shape,
    class: ClassId,
    known_class: bool,
    width: u32,
    height: u32,
) -> Result<(), String> {
    let (w, h) = (width as f32, height as f32);
    let tol = OUTSIDE_TOLERANCE_PX as f32;
    let kind = shape.kind().as_str();
    let b = shape.bounds();
    let at = || format!("{:?}", b.to_xywh());
    if !known_class {
        return Err(format!(
            "its class id {class} is not a category of the export (see the left-out classes)"
        ));
    }
    if !shape.is_valid() {
        return Err(format!(
            "the {kind} at {} has no area, too few points or a coordinate that is not finite",
            at()
        ));
    }
    let inside = match shape {
        Shape::Mask(m) => (m.width(), m.height()) == (width, height),
        _ => b.is_within(w, h),
    };
    if inside {
        return Ok(());
    }
    let far = b.min_x < -tol || b.min_y < -tol || b.max_x > w + tol || b.max_y > h + tol;
    if far && !matches!(shape, Shape::Mask(_)) {
        return Err(format!(
            "the {kind} at {} lies outside the {width}×{height} image",
            at()
        ));
    }
    *shape = shape.clamped(w, h).ok_or_else(|| {
        format!(
            "the {kind} at {} has no area inside the {width}×{height} image",
            at()
        )
    })?;
    Ok(())
}
