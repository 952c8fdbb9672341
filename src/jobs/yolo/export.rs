//! Writing a project's boxes as a YOLO dataset folder: `data.yaml` and
//! `labels/…/<stem>.txt`, one file per exported image (empty when it has no
//! boxes), the whole folder replaced atomically.

use super::super::export_common::{
    box_to_write, check_output, group_by_item, unusable, write_files,
};
use super::super::{ItemScope, JobError, Progress};
use crate::formats::yolo::{format_label_line, label_path_for, split_names, write_data_yaml};
use crate::model::{ClassId, Item};
use crate::project::{Project, write_dir_atomic};
use std::collections::HashMap;
use std::path::Path;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct YoloExportReport {
    pub images: usize,
    pub boxes: usize,
    pub classes: usize,
    /// Items left out, with the reason (unreadable, or a label path taken).
    pub left_out: Vec<(String, String)>,
    /// Annotations left out (outside their image, without an area, or of a
    /// class not in the schema), by image path.
    pub left_out_annotations: Vec<(String, String)>,
    /// Annotations of another shape written as their bounding box, by image path.
    pub as_boxes: Vec<(String, String)>,
}

/// What an existing output folder may hold for an export to replace it.
const OWN_ENTRIES: [&str; 3] = ["data.yaml", "labels", "classes.txt"];

/// Writes the boxes of the items in `scope` to the folder `out`. An existing
/// `out` is replaced only when it looks like an earlier export (nothing but
/// `data.yaml` and `labels/`), so a mistyped path cannot wipe other files.
pub fn export_yolo(
    project: &Project,
    out: &Path,
    scope: ItemScope,
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
    let mut boxes = project.all_annotations()?;
    boxes.sort_unstable_by_key(|b| (b.item, b.id));
    let by_item = group_by_item(&boxes);

    let mut report = YoloExportReport {
        classes: names.len(),
        ..Default::default()
    };
    let items: Vec<&Item> = project
        .items()
        .iter()
        .filter(|i| scope.includes(i))
        .collect();
    let mut files: Vec<(String, String)> = Vec::with_capacity(items.len());
    let mut taken: HashMap<String, &str> = HashMap::with_capacity(items.len());
    for item in items {
        if let Some(reason) = unusable(item) {
            report.left_out.push((item.rel_path.clone(), reason));
            continue;
        }
        let label = label_path_for(&item.rel_path);
        if let Some(first) = taken.get(&label) {
            let reason = format!("{first} already writes {label}");
            report.left_out.push((item.rel_path.clone(), reason));
            continue;
        }
        taken.insert(label.clone(), &item.rel_path);
        let mut text = String::new();
        for b in by_item.get(&item.id).copied().unwrap_or_default() {
            let (left_out, as_boxes) = (&mut report.left_out_annotations, &mut report.as_boxes);
            if let Some(bbox) = box_to_write(b, item, &class_index, left_out, as_boxes) {
                format_label_line(
                    &mut text,
                    class_index[&b.class],
                    &bbox,
                    item.width,
                    item.height,
                );
                report.boxes += 1;
            }
        }
        files.push((label, text));
    }
    report.images = files.len();
    let splits = split_names(files.iter().map(|(p, _)| p.as_str()));
    write_dir_atomic(out, |tmp| {
        let mut yaml = std::io::BufWriter::new(std::fs::File::create(tmp.join("data.yaml"))?);
        write_data_yaml(&names, &splits, &mut yaml)?;
        std::io::Write::flush(&mut yaml)?;
        write_files(tmp, &files, progress)
    })?;
    Ok(report)
}
