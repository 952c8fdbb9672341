//! Writing one CVAT for images 1.1 file: `<meta>` with the schema's classes
//! (with their colours and attribute specs; a keypoint class as a skeleton
//! of its points and edges) and image labels, one `<image>` per exported
//! item with its shapes and tags, replaced atomically. Images are not
//! copied.

use super::super::export_common::{
    ExportData, ImageExportReport, group_by_item, shape_to_write, unusable,
};
use super::super::{ItemScope, JobError, Progress};
use crate::formats::cvat::{
    AttributeSpec, CvatImageOut, CvatLabel, CvatShapeOut, CvatSkeleton, InputType, OCCLUDED,
    Z_ORDER, attribute_spec, cvat_xml,
};
use crate::model::{ClassId, Shape};
use crate::project::{Project, write_atomic};
use std::collections::BTreeMap;
use std::path::Path;

/// What the export wrote (`images`, annotations as `boxes`, what it left
/// out or wrote in another form) and the number of tags.
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
        let mut out_shapes = Vec::new();
        for a in by_item.get(&item.id).copied().unwrap_or_default() {
            let written = &mut report.written;
            let Some(shape) =
                shape_to_write(a, item, &class_name, &mut written.left_out_annotations)
            else {
                continue;
            };
            let name = class_name.get(&a.class).copied().unwrap_or_default();
            let points = schema
                .class(a.class)
                .map(|c| c.keypoints.as_slice())
                .filter(|names| !names.is_empty());
            if let Some(note) = written_otherwise(&shape, points.is_some()) {
                let note = format!("{} {}: {note}", shape.kind().as_str(), a.id);
                written.converted.push((item.rel_path.clone(), note));
            }
            let undefined = a
                .attributes
                .iter()
                .filter(|(k, _)| *k != OCCLUDED && *k != Z_ORDER && schema.attribute(k).is_none());
            let free = free.entry(a.class).or_default();
            for (key, value) in undefined {
                let flag = value.as_bool().is_some();
                *free.entry(key).or_insert(flag) &= flag;
            }
            out_shapes.push((name, shape, a.group.map(|g| g.0), &a.attributes, points));
        }
        let tags: Vec<&str> = labels
            .get(&item.id)
            .into_iter()
            .flatten()
            .filter_map(|id| schema.label(*id).map(|l| l.name.as_str()))
            .collect();
        report.written.boxes += out_shapes.len();
        report.tags += tags.len();
        images.push((item, out_shapes, tags));
    }
    let images: Vec<CvatImageOut> = images
        .iter()
        .map(|(item, shapes, tags)| CvatImageOut {
            name: &item.rel_path,
            width: item.width,
            height: item.height,
            shapes: shapes
                .iter()
                .map(|(label, shape, group, attributes, points)| CvatShapeOut {
                    label,
                    shape,
                    group: *group,
                    attributes,
                    skeleton: *points,
                })
                .collect(),
            tags: tags.clone(),
        })
        .collect();
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
            let skeleton = (!c.keypoints.is_empty()).then(|| CvatSkeleton {
                points: c.keypoints.clone(),
                edges: c.skeleton.clone(),
            });
            CvatLabel {
                name: c.name.clone(),
                color: Some(c.color),
                kind: Some(
                    if skeleton.is_some() {
                        "skeleton"
                    } else {
                        "any"
                    }
                    .into(),
                ),
                attributes,
                skeleton,
            }
        })
        .collect();
    for l in &schema.image_labels {
        match cvat_labels.iter_mut().find(|c| c.name == l.name) {
            Some(both) if both.skeleton.is_none() => both.kind = Some("any".into()),
            Some(_) => {}
            None => cvat_labels.push(CvatLabel {
                name: l.name.clone(),
                color: None,
                kind: Some("tag".into()),
                attributes: Vec::new(),
                skeleton: None,
            }),
        }
    }
    let xml = cvat_xml(project.name(), &cvat_labels, &images);
    write_atomic(out, |w| w.write_all(xml.as_bytes()))?;
    progress(Progress { done: count, total });
    Ok(report)
}

/// How a shape is written other than as it is, if it is: a polygon of
/// several parts as one `<polygon>` each, keypoints of a class without
/// point names as `<points>` of the labelled ones.
fn written_otherwise(shape: &Shape, skeleton: bool) -> Option<String> {
    match shape {
        Shape::Polygon(p) if p.part_count() > 1 => Some(format!(
            "a polygon of {} parts was written as {} polygons (CVAT's have one part)",
            p.part_count(),
            p.part_count()
        )),
        Shape::Keypoints(points) if !skeleton && points.iter().any(|k| k.v != crate::model::Visibility::Visible) => Some(
            "keypoints of a class without point names were written as <points>, which keep only the labelled points, all visible".to_string(),
        ),
        _ => None,
    }
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
