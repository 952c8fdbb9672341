//! Writing one CVAT for images 1.1 file: `<meta>` with the schema's classes
//! (with their colours and attribute specs) and image labels, one `<image>`
//! per exported item with its boxes and tags, replaced atomically. Images are
//! not copied.

use super::super::export_common::{
    ExportData, ImageExportReport, box_to_write, group_by_item, unusable,
};
use super::super::{ItemScope, JobError, Progress};
use crate::formats::cvat::{
    AttributeSpec, CvatImageOut, CvatLabel, InputType, OCCLUDED, attribute_spec, cvat_xml,
};
use crate::model::ClassId;
use crate::project::{Project, write_atomic};
use std::collections::BTreeMap;
use std::path::Path;

/// What the export wrote (`images`, `boxes`, what it left out) and the
/// number of tags.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CvatExportReport {
    pub written: ImageExportReport,
    pub tags: usize,
}

/// Writes the items in `scope` to the CVAT file `out`.
pub fn export_cvat(
    project: &Project,
    out: &Path,
    scope: ItemScope,
    progress: &mut dyn FnMut(Progress),
) -> Result<CvatExportReport, JobError> {
    if out.is_dir() {
        return Err(JobError::Failed(format!(
            "{}: is a folder; give the path of the XML file to write (annotations.xml)",
            out.display()
        )));
    }
    let ExportData {
        class_name,
        boxes,
        labels,
    } = ExportData::read(project)?;
    let schema = project.schema();
    let by_item = group_by_item(&boxes);
    let mut report = CvatExportReport::default();
    let mut images = Vec::new();
    // Attributes the schema does not define, per class, and whether every
    // value is a flag: declared as checkboxes, else as text.
    let mut free: BTreeMap<ClassId, BTreeMap<&str, bool>> = BTreeMap::new();
    let items: Vec<_> = project
        .items()
        .iter()
        .filter(|i| scope.includes(i))
        .collect();
    let count = items.len();
    let total = Some(count);
    for (done, item) in items.into_iter().enumerate() {
        if done % 4096 == 0 {
            progress(Progress { done, total });
        }
        if let Some(reason) = unusable(item) {
            report
                .written
                .left_out
                .push((item.rel_path.clone(), reason));
            continue;
        }
        let mut out_boxes = Vec::new();
        for b in by_item.get(&item.id).copied().unwrap_or_default() {
            let written = &mut report.written;
            let (left_out, as_boxes) = (&mut written.left_out_annotations, &mut written.as_boxes);
            let Some(bbox) = box_to_write(b, item, &class_name, left_out, as_boxes) else {
                continue;
            };
            let name = class_name.get(&b.class).copied().unwrap_or_default();
            let undefined = b
                .attributes
                .iter()
                .filter(|(k, _)| *k != OCCLUDED && schema.attribute(k).is_none());
            let free = free.entry(b.class).or_default();
            for (key, value) in undefined {
                let flag = value.as_bool().is_some();
                *free.entry(key).or_insert(flag) &= flag;
            }
            out_boxes.push((name, bbox, &b.attributes));
        }
        let tags: Vec<&str> = labels
            .get(&item.id)
            .into_iter()
            .flatten()
            .filter_map(|id| schema.label(*id).map(|l| l.name.as_str()))
            .collect();
        report.written.boxes += out_boxes.len();
        report.tags += tags.len();
        images.push(CvatImageOut {
            name: &item.rel_path,
            width: item.width,
            height: item.height,
            boxes: out_boxes,
            tags,
        });
    }
    report.written.images = images.len();
    let defined: Vec<AttributeSpec> = schema
        .attributes
        .iter()
        .filter(|d| d.name != OCCLUDED)
        .map(attribute_spec)
        .collect();
    let mut cvat_labels: Vec<CvatLabel> = schema
        .classes
        .iter()
        .map(|c| {
            let mut attributes = defined.clone();
            let undefined = free.get(&c.id).into_iter().flatten();
            attributes.extend(undefined.map(|(name, flag)| free_spec(name, *flag)));
            CvatLabel {
                name: c.name.clone(),
                color: Some(c.color),
                kind: Some("rectangle".into()),
                attributes,
            }
        })
        .collect();
    for l in &schema.image_labels {
        match cvat_labels.iter_mut().find(|c| c.name == l.name) {
            Some(both) => both.kind = Some("any".into()),
            None => cvat_labels.push(CvatLabel {
                name: l.name.clone(),
                color: None,
                kind: Some("tag".into()),
                attributes: Vec::new(),
            }),
        }
    }
    let xml = cvat_xml(project.name(), &cvat_labels, &images);
    write_atomic(out, |w| w.write_all(xml.as_bytes()))?;
    progress(Progress { done: count, total });
    Ok(report)
}

/// The spec declaring an attribute the schema does not define: a checkbox
/// when every value is a flag, else text.
fn free_spec(name: &str, flag: bool) -> AttributeSpec {
    let (input_type, default) = if flag {
        (InputType::Checkbox, Some("false".to_string()))
    } else {
        (InputType::Text, None)
    };
    AttributeSpec {
        name: name.to_string(),
        input_type,
        values: default.iter().cloned().collect(),
        default,
    }
}
