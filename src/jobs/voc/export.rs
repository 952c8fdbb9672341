//! Writing a VOC root: `Annotations/<image path without extension>.xml` per
//! exported image, `ImageSets/Main/default.txt` listing them and
//! `labelmap.txt`, the whole folder replaced atomically. Images are not copied.

use super::super::export_common::{
    ExportData, ImageExportReport, box_to_write, check_output, group_by_item, unusable, write_files,
};
use super::super::{ItemScope, JobError, Progress};
use crate::formats::voc::{labelmap_txt, voc_xml};
use crate::project::{Project, write_dir_atomic};
use std::collections::HashMap;
use std::path::Path;

/// What the export wrote: `images` annotation files.
pub type VocExportReport = ImageExportReport;

/// The VOC id of an image: its relative path without the extension.
fn voc_id(rel_path: &str) -> &str {
    let name_start = rel_path.rfind('/').map_or(0, |i| i + 1);
    match rel_path[name_start..].rfind('.') {
        Some(dot) if dot > 0 => &rel_path[..name_start + dot],
        _ => rel_path,
    }
}

/// Writes the items in `scope` to the VOC root `out`. An existing `out` is
/// replaced only when it holds nothing but a VOC export's entries.
pub fn export_voc(
    project: &Project,
    out: &Path,
    scope: ItemScope,
    progress: &mut dyn FnMut(Progress),
) -> Result<VocExportReport, JobError> {
    check_output(project, out, "Pascal VOC", |e| {
        let name = e.file_name();
        ["Annotations", "ImageSets", "labelmap.txt"]
            .iter()
            .any(|own| name == *own)
    })?;
    let ExportData {
        class_name, boxes, ..
    } = ExportData::read(project)?;
    let by_item = group_by_item(&boxes);
    let mut report = VocExportReport::default();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    let mut taken: HashMap<&str, &str> = HashMap::new();
    for item in project.items().iter().filter(|i| scope.includes(i)) {
        if let Some(reason) = unusable(item) {
            report.left_out.push((item.rel_path.clone(), reason));
            continue;
        }
        let id = voc_id(&item.rel_path);
        if let Some(first) = taken.get(id) {
            let reason = format!("{first} already writes Annotations/{id}.xml");
            report.left_out.push((item.rel_path.clone(), reason));
            continue;
        }
        taken.insert(id, &item.rel_path);
        let mut objects = Vec::new();
        for b in by_item.get(&item.id).copied().unwrap_or_default() {
            let (left_out, as_boxes) = (&mut report.left_out_annotations, &mut report.as_boxes);
            if let Some(bbox) = box_to_write(b, item, &class_name, left_out, as_boxes) {
                let name = class_name.get(&b.class).copied().unwrap_or_default();
                objects.push((name, bbox, &b.attributes));
            }
        }
        report.boxes += objects.len();
        let xml = voc_xml(&item.rel_path, item.width, item.height, &objects);
        files.push((format!("Annotations/{id}.xml"), xml));
        ids.push(id);
    }
    report.images = files.len();
    let mut list = ids.join("\n");
    list.push('\n');
    files.push(("ImageSets/Main/default.txt".into(), list));
    let classes: Vec<_> = project
        .schema()
        .classes
        .iter()
        .map(|c| (c.name.as_str(), c.color))
        .collect();
    files.push(("labelmap.txt".into(), labelmap_txt(&classes)));
    write_dir_atomic(out, |tmp| write_files(tmp, &files, progress))?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_paths_without_the_extension() {
        assert_eq!(super::voc_id("街道/a.b.jpg"), "街道/a.b");
        assert_eq!(super::voc_id("noext"), "noext");
        assert_eq!(super::voc_id("dir.x/.hidden"), "dir.x/.hidden");
    }
}
