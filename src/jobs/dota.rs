//! DOTA import and export between a project and a dataset folder: one
//! `labelTxt/<image>.txt` per image ([`crate::formats::dota`]).
//!
//! The import reads every `.txt` file under a `labelTxt` folder of the root
//! (every `.txt` file when there is none), matched to items by path with
//! `images` and `labelTxt` folders left out, in parallel through
//! [`super::label_files`]: a rectangle becomes a rotated box, any other
//! quadrilateral a 4-point polygon, `difficult` the box attribute of that
//! name; classes are named by the files. The export writes every region of
//! the items in scope as four corners (rotated boxes and boxes by their
//! corners, 4-point polygons as they are, other regions as their
//! minimum-area rotated box, noted) into `labelTxt/`, the folder replaced
//! atomically.

use super::export_common::{check_output, files_with_ext, group_by_item, write_files};
use super::label_files::{
    FolderImport, LabelFilePlan, LabelFileReport, PlannedShape, Target, apply_label_file_plan,
    label_file_targets, matcher,
};
use super::{ItemScope, JobError, Progress};
use crate::formats::dota::{DotaRow, dota_class_name, parse_dota_file, push_dota_line};
use crate::formats::yolo::{
    LineProblem, OutsidePolicy, label_path_for, place_shape, quad_shape, rectangle_tolerance,
    shape_corners,
};
use crate::model::{AttrValue, Attributes, Item, Shape};
use crate::project::{Project, write_dir_atomic};
use std::collections::HashMap;
use std::path::Path;

/// The folder DOTA keeps label files in, beside `images/`.
const LABEL_FOLDER: &str = "labelTxt";
/// The attribute `difficult` is kept as.
pub const DIFFICULT: &str = "difficult";

/// A row and its shape on its image (clamped: `true`), or why it was left out.
type PlacedRow = (DotaRow, Result<(Shape, bool), String>);

/// One label file read on a worker thread: each row's class, shape (or why
/// it was left out) and `difficult`, and the file's problems.
struct DotaFile {
    rows: Vec<PlacedRow>,
    problems: Vec<LineProblem>,
}

fn read_file(bytes: &[u8], (_, width, height): Target, outside: OutsidePolicy) -> DotaFile {
    let (rows, mut problems) = parse_dota_file(bytes);
    if (width == 0 || height == 0) && !rows.is_empty() {
        problems.push(LineProblem {
            line: 0,
            message: "the project does not know this image's size (is the file readable?)".into(),
        });
        return DotaFile {
            rows: Vec::new(),
            problems,
        };
    }
    let tolerance = rectangle_tolerance(width, height);
    let rows = rows
        .into_iter()
        .map(|row| {
            let shape = quad_shape(row.corners, tolerance)
                .and_then(|s| place_shape(s, "oriented box", (width, height), outside));
            (row, shape)
        })
        .collect();
    DotaFile { rows, problems }
}

fn plan_file(plan: &mut LabelFilePlan, rel: &str, (item, width, height): Target, file: DotaFile) {
    for p in file.problems {
        plan.problem(rel, p.line, p.message);
    }
    for (row, shape) in file.rows {
        let (shape, clamped) = match shape {
            Ok(placed) => placed,
            Err(message) => {
                plan.problem(rel, row.line, message);
                continue;
            }
        };
        if clamped {
            plan.clamped += 1;
            let message =
                format!("the box reaches outside the {width}×{height} image; it was clamped");
            plan.problem(rel, row.line, message);
        }
        let mut attributes = Attributes::new();
        if let Some(difficult) = row.difficult {
            attributes.insert(DIFFICULT.into(), AttrValue::Bool(difficult));
        }
        let class = plan.class(&row.class);
        plan.shapes.push(PlannedShape {
            item,
            class,
            shape,
            group: None,
            attributes,
            confidence: None,
        });
    }
}

/// Reads the DOTA dataset at `root` and plans its boxes onto `items`, the
/// project's items under `image_root`. Fails only when `root` is not a
/// folder; everything else is a problem in the plan.
pub fn read_dota(
    root: &Path,
    items: &[Item],
    image_root: &Path,
    outside: OutsidePolicy,
    progress: &mut dyn FnMut(Progress),
) -> Result<LabelFilePlan, JobError> {
    if !root.is_dir() {
        return Err(JobError::Failed(format!(
            "{}: not a folder (give the DOTA dataset's folder, which holds labelTxt/)",
            root.display()
        )));
    }
    let mut plan = LabelFilePlan::default();
    let (files, errors) = files_with_ext(root, "txt");
    for (file, message) in errors {
        plan.problem(&file, 0, message);
    }
    let in_label_folder = |rel: &String| {
        rel.split('/')
            .rev()
            .skip(1)
            .any(|f| f.eq_ignore_ascii_case(LABEL_FOLDER))
    };
    let files: Vec<String> = if files.iter().any(in_label_folder) {
        files.into_iter().filter(in_label_folder).collect()
    } else {
        files
    };
    let mut import = FolderImport::new(
        root,
        matcher(items, image_root, &["images", LABEL_FOLDER]),
        plan,
    );
    import.read(
        &files,
        progress,
        |bytes: Vec<u8>, target| read_file(&bytes, target, outside),
        |plan, rel, matched, file| plan_file(plan, rel, matched.value, file),
    );
    Ok(import.finish())
}

/// Reads the dataset at `root` and stores its boxes, attributed to the
/// project's current author: one edit, one undo step.
pub fn import_dota(
    project: &mut Project,
    root: &Path,
    outside: OutsidePolicy,
    progress: &mut dyn FnMut(Progress),
) -> Result<LabelFileReport, JobError> {
    let plan = read_dota(
        root,
        project.items(),
        &project.image_root(),
        outside,
        progress,
    )?;
    apply_label_file_plan(project, plan)
}

/// What a DOTA export wrote and left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DotaExportReport {
    /// Label files written.
    pub images: usize,
    /// Lines written.
    pub boxes: usize,
    /// Items left out, with the reason.
    pub left_out: Vec<(String, String)>,
    /// Annotations left out (no area, outside their image, a class not in
    /// the schema), by image path.
    pub left_out_annotations: Vec<(String, String)>,
    /// Regions written as their minimum-area rotated box, by image path.
    pub converted: Vec<(String, String)>,
    /// Class names written otherwise (whitespace made `-`): (name, as written).
    pub renamed_classes: Vec<(String, String)>,
}

/// Writes the regions of the items in `scope` to `out/labelTxt/`. An
/// existing `out` is replaced only when it holds nothing but an earlier
/// export's `labelTxt/`.
pub fn export_dota(
    project: &Project,
    out: &Path,
    scope: ItemScope,
    progress: &mut dyn FnMut(Progress),
) -> Result<DotaExportReport, JobError> {
    check_output(project, out, "DOTA", |e| e.file_name() == LABEL_FOLDER)?;
    let mut report = DotaExportReport::default();
    let mut names = HashMap::new();
    for class in &project.schema().classes {
        let (column, changed) = dota_class_name(&class.name);
        if changed {
            report
                .renamed_classes
                .push((class.name.clone(), column.clone()));
        }
        names.insert(class.id, column);
    }
    let mut annotations = project.all_annotations()?;
    annotations.sort_unstable_by_key(|a| (a.item, a.id));
    let by_item = group_by_item(&annotations);
    let label_path = |rel: &str| {
        let labels = label_path_for(rel);
        format!("{LABEL_FOLDER}/{}", labels.trim_start_matches("labels/"))
    };
    let targets = label_file_targets(project.items(), scope, label_path, &mut report.left_out);
    let mut files = Vec::with_capacity(targets.len());
    for (item, label) in targets {
        let mut text = String::new();
        let note = |list: &mut Vec<(String, String)>, a: &crate::model::Annotation, what: &str| {
            let kind = a.shape.kind().as_str();
            list.push((item.rel_path.clone(), format!("{kind} {}: {what}", a.id)));
        };
        for a in by_item.get(&item.id).copied().unwrap_or_default() {
            let Some(class) = names.get(&a.class) else {
                let what = format!("class id {} is not in the schema", a.class);
                note(&mut report.left_out_annotations, a, &what);
                continue;
            };
            let (w, h) = (item.width as f32, item.height as f32);
            let written = a
                .shape
                .clamped(w, h)
                .ok_or_else(|| format!("nothing of it lies inside the {w}×{h} image"))
                .and_then(|shape| shape_corners(&shape));
            match written {
                Ok((corners, how)) => {
                    if let Some(how) = how {
                        note(&mut report.converted, a, &how);
                    }
                    let difficult = a
                        .attributes
                        .get(DIFFICULT)
                        .and_then(AttrValue::as_bool)
                        .unwrap_or(false);
                    push_dota_line(&mut text, &corners, class, difficult);
                    report.boxes += 1;
                }
                Err(why) => note(&mut report.left_out_annotations, a, &why),
            }
        }
        files.push((label, text));
    }
    report.images = files.len();
    write_dir_atomic(out, |tmp| write_files(tmp, &files, progress))?;
    Ok(report)
}
