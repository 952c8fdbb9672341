//! Writing one labelme file per exported image, in a tree mirroring the image
//! folders, the whole folder replaced atomically; every shape as labelme
//! draws it.

use super::super::export_common::{
    ExportData, ImageExportReport, check_output, group_by_item, shape_to_write, unusable,
    write_files,
};
use super::super::{ItemScope, JobError, Progress};
use crate::formats::labelme::{LabelmeShapeOut, labelme_json};
use crate::model::{Annotation, ClassId, Item, Shape, Visibility};
use crate::project::{Project, write_dir_atomic};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

/// What the export wrote: `images` labelme files.
pub type LabelmeExportReport = ImageExportReport;

/// The `.json` path of an item's labelme file and its `imagePath` (the
/// image's name: the file belongs next to the image).
fn paths_for(rel_path: &str) -> (String, String) {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let stem_end = rel_path.len() - name.len() + name.rfind('.').unwrap_or(name.len());
    (format!("{}.json", &rel_path[..stem_end]), name.to_string())
}

/// Writes the items in `scope` to the folder `out`. An existing `out` is
/// replaced only when it holds nothing but `.json` files and folders.
pub fn export_labelme(
    project: &Project,
    out: &Path,
    scope: ItemScope,
    progress: &mut dyn FnMut(Progress),
) -> Result<LabelmeExportReport, JobError> {
    check_output(project, out, "labelme", |e| only_json(&e.path()))?;
    let schema = project.schema();
    let ExportData {
        class_name,
        boxes,
        labels,
    } = ExportData::read(project)?;
    let by_item = group_by_item(&boxes);
    let mut report = LabelmeExportReport::default();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut taken: HashMap<String, String> = HashMap::new();
    for item in project.items().iter().filter(|i| scope.includes(i)) {
        if let Some(reason) = unusable(item) {
            report.left_out.push((item.rel_path.clone(), reason));
            continue;
        }
        let (json_path, image_path) = paths_for(&item.rel_path);
        if let Some(first) = taken.get(&json_path) {
            let reason = format!("{first} already writes {json_path}");
            report.left_out.push((item.rel_path.clone(), reason));
            continue;
        }
        taken.insert(json_path.clone(), item.rel_path.clone());
        let written = item_shapes(
            item,
            by_item.get(&item.id).copied(),
            &class_name,
            &mut report,
        );
        let shapes: Vec<LabelmeShapeOut> = written
            .iter()
            .map(|(label, a, shape)| LabelmeShapeOut {
                label,
                shape,
                group: a.group.map(|g| g.0),
                attributes: &a.attributes,
            })
            .collect();
        let set = labels.get(&item.id).cloned().unwrap_or_default();
        let flags: Vec<(&str, bool)> = schema
            .image_labels
            .iter()
            .map(|l| (l.name.as_str(), set.contains(&l.id)))
            .collect();
        let json = labelme_json(&image_path, item.width, item.height, &shapes, &flags);
        let text = serde_json::to_string_pretty(&json)
            .map_err(|e| JobError::Failed(format!("{json_path}: {e}")))?;
        files.push((json_path, text));
    }
    report.images = files.len();
    write_dir_atomic(out, |tmp| write_files(tmp, &files, progress))?;
    Ok(report)
}

/// True when `path` is a `.json` file or a folder holding nothing else (at
/// any depth, links not followed), so replacing it loses no other files.
fn only_json(path: &Path) -> bool {
    walkdir::WalkDir::new(path)
        .follow_links(false)
        .into_iter()
        .all(|e| {
            e.is_ok_and(|e| {
                e.file_type().is_dir()
                    || (e.file_type().is_file()
                        && e.path().extension().is_some_and(|x| x == "json"))
            })
        })
}

/// The annotations of an item that can be written, each with its class
/// name and shape; what is left out or written in another form is noted in
/// `report`.
fn item_shapes<'a>(
    item: &Item,
    annotations: Option<&'a [Annotation]>,
    class_name: &HashMap<ClassId, &'a str>,
    report: &mut LabelmeExportReport,
) -> Vec<(&'a str, &'a Annotation, Cow<'a, Shape>)> {
    let mut shapes = Vec::new();
    for a in annotations.unwrap_or_default() {
        let Some(shape) = shape_to_write(a, item, class_name, &mut report.left_out_annotations)
        else {
            continue;
        };
        if let Some(note) = written_otherwise(&shape) {
            let note = format!("{} {}: {note}", shape.kind().as_str(), a.id);
            report.converted.push((item.rel_path.clone(), note));
        }
        let name = class_name.get(&a.class).copied().unwrap_or_default();
        shapes.push((name, a, shape));
        report.boxes += 1;
    }
    shapes
}

/// How a shape is written other than as it is, if it is: a polygon of
/// several parts as one labelme polygon each, keypoints as their labelled
/// points, all visible (labelme's points have no visibility).
fn written_otherwise(shape: &Shape) -> Option<String> {
    match shape {
        Shape::Polygon(p) if p.part_count() > 1 => Some(format!(
            "a polygon of {} parts was written as {} polygons (labelme's have one part)",
            p.part_count(),
            p.part_count()
        )),
        Shape::Keypoints(points) if points.iter().any(|k| k.v != Visibility::Visible) => Some(
            "keypoints were written as their labelled points, all visible: labelme's points keep no visibility".to_string(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_existing_folder_is_replaced_only_if_it_holds_json_alone() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("out/sub");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("a.json"), "{}").unwrap_or_else(|e| panic!("{e}"));
        assert!(super::only_json(&tmp.path().join("out")));
        std::fs::write(dir.join("a.jpg"), "x").unwrap_or_else(|e| panic!("{e}"));
        assert!(!super::only_json(&tmp.path().join("out")));
    }

    #[test]
    fn json_paths_mirror_the_image_tree() {
        assert_eq!(
            super::paths_for("sub/dir/a.b.jpg"),
            ("sub/dir/a.b.json".to_string(), "a.b.jpg".to_string())
        );
        assert_eq!(
            super::paths_for("noext"),
            ("noext.json".to_string(), "noext".to_string())
        );
    }
}
