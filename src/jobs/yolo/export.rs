//! Writing a project's annotations as a YOLO dataset folder: `data.yaml` and
//! `labels/…/<stem>.txt`, one file per exported image (empty when it has no
//! rows), the whole folder replaced atomically, in the layout asked for:
//!
//! - detection: every shape as its bounding box (noted unless a box);
//! - segmentation: polygons (several parts joined as Ultralytics joins them),
//!   boxes and rotated boxes as their four corners, masks as their outline;
//! - oriented boxes: rotated boxes, boxes at 0°, other regions as their
//!   bounding box (noted);
//! - pose: one row per instance, its box (the region in its group, else
//!   around its labelled points) and its points, with `kpt_shape`,
//!   `flip_idx` (from left/right point names, else the identity) and
//!   `kpt_names` in `data.yaml`.
//!
//! Polylines have no area and are left out of every layout but detection,
//! keypoints out of every one but pose and detection; each is noted.

use super::super::export_common::{box_to_write, check_output, group_by_item, write_files};
use super::super::label_files::label_file_targets;
use super::super::{ItemScope, JobError, Progress};
use super::read::LayoutChoice;
use crate::formats::yolo::{
    KptShape, PoseYaml, flip_idx, format_label_line, label_path_for, push_obb_row, push_pose_row,
    push_segment_row, split_names, write_data_yaml,
};
use crate::model::shape::labelled_bounds;
use crate::model::{Annotation, ClassId, GroupId, Item, LabelSchema, Shape};
use crate::project::{Project, write_dir_atomic};
use std::collections::HashMap;
use std::path::Path;

/// How a YOLO folder is written: one struct for every layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YoloExportOptions {
    pub layout: LayoutChoice,
}

impl Default for YoloExportOptions {
    fn default() -> Self {
        Self {
            layout: LayoutChoice::Detect,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct YoloExportReport {
    pub images: usize,
    /// Rows written (a pose's box and points are one).
    pub rows: usize,
    pub classes: usize,
    /// Items left out, with the reason (unreadable, or a label path taken).
    pub left_out: Vec<(String, String)>,
    /// Annotations left out (outside their image, without an area, a kind
    /// the layout cannot hold, or of a class not in the schema), by image path.
    pub left_out_annotations: Vec<(String, String)>,
    /// Annotations of another shape written as their bounding box, by image path.
    pub as_boxes: Vec<(String, String)>,
    /// Annotations written in another form (a rotated box as its corners, a
    /// polygon's parts joined, a mask as its outline), by image path.
    pub converted: Vec<(String, String)>,
}

/// What an existing output folder may hold for an export to replace it.
const OWN_ENTRIES: [&str; 3] = ["data.yaml", "labels", "classes.txt"];

/// Writes the annotations of the items in `scope` to the folder `out` in the
/// layout `options` names. An existing `out` is replaced only when it looks
/// like an earlier export (nothing but `data.yaml` and `labels/`), so a
/// mistyped path cannot wipe other files.
pub fn export_yolo(
    project: &Project,
    out: &Path,
    scope: ItemScope,
    options: YoloExportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<YoloExportReport, JobError> {
    check_output(project, out, "YOLO", |e| {
        OWN_ENTRIES.contains(&e.file_name().to_string_lossy().as_ref())
    })?;
    let schema = project.schema();
    let class_index: HashMap<ClassId, usize> = schema
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let names: Vec<&str> = schema.classes.iter().map(|c| c.name.as_str()).collect();
    let mut annotations = project.all_annotations()?;
    annotations.sort_unstable_by_key(|b| (b.item, b.id));
    let pose = match options.layout {
        LayoutChoice::Pose => Some(pose_yaml(schema, &annotations)?),
        _ => None,
    };
    let by_item = group_by_item(&annotations);

    let mut report = YoloExportReport {
        classes: names.len(),
        ..Default::default()
    };
    let targets = label_file_targets(project.items(), scope, label_path_for, &mut report.left_out);
    let mut files: Vec<(String, String)> = Vec::with_capacity(targets.len());
    for (item, label) in targets {
        let mut rows = Rows {
            item,
            class_index: &class_index,
            text: String::new(),
            report: &mut report,
        };
        let annotations = by_item.get(&item.id).copied().unwrap_or_default();
        match (options.layout, &pose) {
            (LayoutChoice::Pose, Some(pose)) => rows.poses(annotations, pose.kpt_shape.points),
            (layout, _) => {
                for a in annotations {
                    rows.one(a, layout);
                }
            }
        }
        files.push((label, rows.text));
    }
    report.images = files.len();
    let splits = split_names(files.iter().map(|(p, _)| p.as_str()));
    write_dir_atomic(out, |tmp| {
        let mut yaml = std::io::BufWriter::new(std::fs::File::create(tmp.join("data.yaml"))?);
        write_data_yaml(&names, &splits, pose.as_ref(), &mut yaml)?;
        std::io::Write::flush(&mut yaml)?;
        write_files(tmp, &files, progress)
    })?;
    Ok(report)
}

/// The `data.yaml` keys of a pose export: K from the first keypoint class
/// (in schema order) that names its points, else from the first keypoints
/// annotation; `flip_idx` from that class's names.
fn pose_yaml(schema: &LabelSchema, annotations: &[Annotation]) -> Result<PoseYaml, JobError> {
    let named = schema.classes.iter().find(|c| !c.keypoints.is_empty());
    let points = match named {
        Some(class) => class.keypoints.len(),
        None => annotations
            .iter()
            .find_map(|a| match &a.shape {
                Shape::Keypoints(points) => Some(points.len()),
                _ => None,
            })
            .ok_or_else(|| {
                JobError::Failed(
                    "a yolo-pose export needs keypoints: no class names points and no annotation has any"
                        .into(),
                )
            })?,
    };
    let flip = named.map_or_else(|| (0..points).collect(), |c| flip_idx(&c.keypoints));
    let kpt_names = schema
        .classes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.keypoints.len() == points)
        .map(|(i, c)| (i, c.keypoints.clone()))
        .collect();
    Ok(PoseYaml {
        kpt_shape: KptShape { points, dims: 3 },
        flip_idx: flip,
        kpt_names,
    })
}

/// One image's label file being written.
struct Rows<'a, 'r> {
    item: &'a Item,
    class_index: &'a HashMap<ClassId, usize>,
    text: String,
    report: &'r mut YoloExportReport,
}

impl Rows<'_, '_> {
    fn note(list: &mut Vec<(String, String)>, item: &Item, a: &Annotation, what: &str) {
        let kind = a.shape.kind().as_str();
        list.push((item.rel_path.clone(), format!("{kind} {}: {what}", a.id)));
    }

    /// The annotation's class row and its shape inside the image, or `None`
    /// (noted) when it cannot be written.
    fn placed(&mut self, a: &Annotation) -> Option<(usize, Shape)> {
        let Some(&class) = self.class_index.get(&a.class) else {
            let what = format!("class id {} is not in the schema", a.class);
            Self::note(&mut self.report.left_out_annotations, self.item, a, &what);
            return None;
        };
        let (w, h) = (self.item.width as f32, self.item.height as f32);
        match a.shape.clamped(w, h) {
            Some(shape) => Some((class, shape)),
            None => {
                let what = format!("nothing of it lies inside the {w}×{h} image");
                Self::note(&mut self.report.left_out_annotations, self.item, a, &what);
                None
            }
        }
    }

    /// Writes one annotation in a layout of one row per shape.
    fn one(&mut self, a: &Annotation, layout: LayoutChoice) {
        let (w, h) = (self.item.width, self.item.height);
        if layout == LayoutChoice::Detect {
            let report = &mut *self.report;
            let (left_out, as_boxes) = (&mut report.left_out_annotations, &mut report.as_boxes);
            if let Some(bbox) = box_to_write(a, self.item, self.class_index, left_out, as_boxes) {
                format_label_line(&mut self.text, self.class_index[&a.class], &bbox, w, h);
                report.rows += 1;
            }
            return;
        }
        let Some((class, shape)) = self.placed(a) else {
            return;
        };
        let written = match layout {
            LayoutChoice::Obb => push_obb_row(&mut self.text, class, &shape, w, h),
            _ => push_segment_row(&mut self.text, class, &shape, w, h),
        };
        match written {
            Ok(None) => {}
            Ok(Some(how)) if how.contains("bounding box") => {
                Self::note(&mut self.report.as_boxes, self.item, a, &how);
            }
            Ok(Some(how)) => Self::note(&mut self.report.converted, self.item, a, &how),
            Err(why) => {
                Self::note(&mut self.report.left_out_annotations, self.item, a, &why);
                return;
            }
        }
        self.report.rows += 1;
    }

    /// Writes an image's poses: the annotations of one class and group (a
    /// region and keypoints, as COCO's person records) are one row, every
    /// other annotation a row of its own.
    fn poses(&mut self, annotations: &[Annotation], count: usize) {
        let mut instances: Vec<Vec<&Annotation>> = Vec::new();
        let mut open: HashMap<(ClassId, GroupId), usize> = HashMap::new();
        for a in annotations {
            match a.group {
                Some(g) => match open.get(&(a.class, g)) {
                    Some(&k) => instances[k].push(a),
                    None => {
                        open.insert((a.class, g), instances.len());
                        instances.push(vec![a]);
                    }
                },
                None => instances.push(vec![a]),
            }
        }
        for members in instances {
            self.pose(&members, count);
        }
    }

    /// One pose row of an instance's first region and first keypoints; any
    /// further shape of the group is noted and left out.
    fn pose(&mut self, members: &[&Annotation], count: usize) {
        let (mut region, mut points) = (None, None);
        for &a in members {
            let slot = match a.shape {
                Shape::Keypoints(_) => &mut points,
                Shape::Polyline(_) => {
                    let what = "a polyline has no place in a pose row";
                    Self::note(&mut self.report.left_out_annotations, self.item, a, what);
                    continue;
                }
                _ => &mut region,
            };
            if slot.is_some() {
                let what = "its group already gives this pose that shape";
                Self::note(&mut self.report.left_out_annotations, self.item, a, what);
                continue;
            }
            if let Some(placed) = self.placed(a) {
                *slot = Some((a, placed));
            }
        }
        if let Some((a, (_, Shape::Keypoints(k)))) = &points
            && k.len() != count
        {
            let what = format!("it has {} points, the dataset's kpt_shape {count}", k.len());
            Self::note(&mut self.report.left_out_annotations, self.item, a, &what);
            points = None;
        }
        let keypoints: &[crate::model::Keypoint] = match &points {
            Some((_, (_, Shape::Keypoints(k)))) => k,
            _ => &[],
        };
        let (class, bbox) = match (&region, &points) {
            (Some((a, (class, shape))), _) => {
                if !matches!(shape, Shape::Rect(_)) {
                    let what = "its bounding box is the pose's box";
                    Self::note(&mut self.report.as_boxes, self.item, a, what);
                }
                (*class, shape.bounds())
            }
            (None, Some((_, (class, _)))) => match labelled_bounds(keypoints) {
                Some(b) => (*class, b),
                None => return,
            },
            (None, None) => return,
        };
        let size = (self.item.width, self.item.height);
        push_pose_row(&mut self.text, class, &bbox, keypoints, count, size);
        self.report.rows += 1;
    }
}
