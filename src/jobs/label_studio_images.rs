//! Label Studio JSON for image projects: import (tasks matched to items by
//! `data.image`, every region as its shape, keypoints assembled into their
//! classes' objects, `parentID` links as groups) and export (one task per
//! item, every shape as the regions Label Studio writes). The import goes
//! through the shared [`BoxLabelPlan`] and is stored as one undoable edit.

use super::box_labels::{
    BoxImportOptions, BoxLabelPlan, BoxLabelReport, BoxPlacer, ClassKeypoints, LabelOptions,
    PlannedLabels, RecordClaims, ShapeIn, Target, apply_box_label_plan, find_item, item_matcher,
};
use super::export_common::{
    ExportData, companion_path, group_by_item, read_capped, shape_to_write, unusable,
};
use super::{ItemScope, JobError};
use crate::formats::label_paths::PathMatcher;
use crate::formats::label_studio_images::{
    KeypointClasses, LsGeometry, LsShapeOut, LsTask, keypoint_classes, label_config,
    parse_image_tasks, task_annotations, task_json,
};
use crate::formats::yolo::OutsidePolicy;
use crate::model::{
    AttrValue, AttributeDef, AttributeKind, GroupId, Item, LabelId, LabelSchema, Shape,
};
use crate::project::{Project, stage_file};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Export files larger than this are refused.
const MAX_FILE: u64 = 2 << 30;

/// Reads a Label Studio export and plans its tasks onto `items`, the
/// project's items under `image_root`, with `schema`'s keypoint classes and
/// attribute definitions; shapes reaching outside their image are clamped or
/// skipped as `outside` says.
pub fn read_label_studio_images(
    file: &Path,
    items: &[Item],
    image_root: &Path,
    schema: &LabelSchema,
    outside: OutsidePolicy,
) -> Result<BoxLabelPlan, JobError> {
    let name = file.display().to_string();
    let mut tasks = read_capped(file, MAX_FILE)
        .and_then(|bytes| parse_image_tasks(&bytes))
        .map_err(|e| JobError::Failed(format!("{name}: {e}")))?;
    let matcher = item_matcher(items, image_root, &[]);
    let mut plan = BoxLabelPlan::default();
    for p in tasks.problems.iter() {
        plan.problem(&name, p.at.clone(), p.message.clone());
    }
    for (kind, n) in &tasks.skipped {
        plan.problem(
            &name,
            "",
            format!("{n} {kind} result(s) skipped: Shugu takes regions, their per-region classifications and choices"),
        );
    }
    let known = schema
        .classes
        .iter()
        .map(|c| (c.name.as_str(), c.keypoints.as_slice()));
    let classes = keypoint_classes(&tasks, known);
    for (class, names) in &classes.declared {
        let names = names.clone();
        let keypoints = ClassKeypoints {
            names,
            skeleton: Vec::new(),
        };
        plan.class_keypoints.insert(class.clone(), keypoints);
    }
    note_conversions(&tasks.tasks, &name, &mut plan);
    plan.attribute_defs = std::mem::take(&mut tasks.attribute_defs);
    plan.count_skipped(tasks.skipped);
    let mut placer = BoxPlacer::any_class(outside).with_attribute_defs(&schema.attributes);
    let mut claims = RecordClaims::default();
    for task in &tasks.tasks {
        plan.records += 1;
        let context = (&matcher, &classes);
        plan_task(&name, task, context, (&mut placer, &mut claims), &mut plan);
    }
    claims.settle(&mut plan);
    note_classless_points(&classes, &name, &mut plan);
    Ok(plan)
}

/// Says, once per file, how many points went in as one-point keypoints of
/// their own label (no region above them, no keypoint class naming them).
fn note_classless_points(classes: &KeypointClasses, file: &str, plan: &mut BoxLabelPlan) {
    let alone = plan
        .shapes
        .iter()
        .filter(|s| matches!(&s.shape, Shape::Keypoints(k) if k.len() == 1))
        .filter(|s| classes.names(&plan.class_names[s.class]).is_none())
        .count();
    if alone > 0 {
        plan.problem(
            file,
            "",
            format!("{alone} point(s) under no region and of no keypoint class imported as one-point keypoints of their label"),
        );
    }
}

/// Says, once per file, which regions became a shape of another kind.
fn note_conversions(tasks: &[LsTask], file: &str, plan: &mut BoxLabelPlan) {
    let regions = || tasks.iter().flat_map(|t| &t.regions);
    let ellipses = regions()
        .filter(|r| matches!(r.geometry, LsGeometry::Ellipse { .. }))
        .count();
    let unfinished = regions()
        .filter(|r| matches!(r.geometry, LsGeometry::Polygon { closed: false, .. }))
        .count();
    if ellipses > 0 {
        plan.problem(
            file,
            "",
            format!("{ellipses} ellipse(s) imported as polygons: Shugu has no ellipse shape"),
        );
    }
    if unfinished > 0 {
        plan.problem(
            file,
            "",
            format!("{unfinished} unfinished polygon(s) (`closed: false`) imported as polylines"),
        );
    }
}

/// Reads and stores a Label Studio export, as the current author;
/// `options.add_unknown_classes` adds the choices the schema lacks as image labels.
pub fn import_label_studio_images(
    project: &mut Project,
    file: &Path,
    options: BoxImportOptions,
) -> Result<BoxLabelReport, JobError> {
    let image_root = project.image_root();
    let plan = read_label_studio_images(
        file,
        project.items(),
        &image_root,
        project.schema(),
        options.outside,
    )?;
    let labels = LabelOptions {
        add_unknown: options.add_unknown_classes,
        multi_label: options.multi_label,
    };
    apply_box_label_plan(project, plan, labels)
}

/// Plans one task; `data.image` (a Label Studio URL, a cloud URL or a path)
/// is matched as a name only ([`crate::formats::label_paths`]), never opened.
fn plan_task(
    file: &str,
    task: &LsTask,
    (matcher, classes): (&PathMatcher<Target>, &KeypointClasses),
    (placer, claims): (&mut BoxPlacer, &mut RecordClaims),
    plan: &mut BoxLabelPlan,
) {
    let at = format!("task {}", task.index);
    let matched = match find_item(matcher, &task.image) {
        Ok(matched) => matched,
        Err(message) => return plan.problem(file, at, message),
    };
    let target = matched.value;
    let (_, width, height) = target;
    plan.matched += 1;
    let mark = plan.mark();
    let (shapes, problems) = task_annotations(task, (width, height), classes);
    for p in problems {
        plan.problem(file, p.at, p.message);
    }
    for a in shapes {
        let shape = ShapeIn {
            shape: a.shape,
            group: a.group.map(|g| GroupId(i64::from(g))),
            attributes: a.attributes,
        };
        placer.place_shape(plan, (file, || a.at.clone()), target, &a.class, shape);
    }
    if !task.choices.is_empty() {
        plan.labels.push(PlannedLabels {
            item: target.0,
            names: task.choices.clone(),
            file: format!("{file}: {at}"),
        });
    }
    claims.claim(plan, mark, (file, &at), &matched);
}

/// What the export wrote: `images` tasks, `boxes` annotations of every shape.
pub type LsExportReport = super::export_common::ImageExportReport;

/// `tasks.json` → `tasks.label_config.xml`, as label-studio-converter names
/// the config of the tasks it writes.
pub fn label_config_path(out: &Path) -> PathBuf {
    companion_path(out, "label_config.xml")
}

/// Writes the items in `scope` as a Label Studio task list to `out`, and
/// beside it the labelling config that reads it ([`label_config_path`]);
/// both are written in full before either is put in place. `data.image` is
/// the item's path relative to the image root.
pub fn export_label_studio_images(
    project: &Project,
    out: &Path,
    scope: ItemScope,
) -> Result<LsExportReport, JobError> {
    let ExportData {
        class_name,
        boxes: annotations,
        labels,
    } = ExportData::read(project)?;
    let by_item = group_by_item(&annotations);
    let schema = project.schema();
    let label_name: HashMap<LabelId, &str> = schema
        .image_labels
        .iter()
        .map(|l| (l.id, l.name.as_str()))
        .collect();
    let point_names: HashMap<_, &[String]> = schema
        .classes
        .iter()
        .map(|c| (c.id, c.keypoints.as_slice()))
        .collect();
    let choice_attribute = |name: &str| {
        schema
            .attribute(name)
            .is_some_and(|d| matches!(d.kind, AttributeKind::OneOf(_)))
    };
    let mut report = LsExportReport::default();
    let mut tasks = Vec::new();
    for item in project.items().iter().filter(|i| scope.includes(i)) {
        if let Some(reason) = unusable(item) {
            report.left_out.push((item.rel_path.clone(), reason));
            continue;
        }
        let on_item = by_item.get(&item.id).copied().unwrap_or_default();
        let written: Vec<_> = on_item
            .iter()
            .filter_map(|a| {
                let shape = shape_to_write(a, item, &class_name, &mut report.left_out_annotations)?;
                Some((a, shape))
            })
            .collect();
        let shapes: Vec<LsShapeOut> = written
            .iter()
            .map(|(a, shape)| LsShapeOut {
                id: a.id.0,
                label: class_name.get(&a.class).copied().unwrap_or_default(),
                shape,
                group: a.group.map(|g| g.0),
                attributes: &a.attributes,
                point_names: point_names.get(&a.class).copied().unwrap_or_default(),
            })
            .collect();
        let choices: Vec<&str> = labels
            .get(&item.id)
            .into_iter()
            .flatten()
            .filter_map(|l| label_name.get(l).copied())
            .collect();
        let (task, notes) = task_json(
            item.id.0,
            &item.rel_path,
            (item.width, item.height),
            &shapes,
            &choices,
            &choice_attribute,
        );
        report.boxes += shapes.len() - notes.left_out.len();
        let note =
            |(id, note): (i64, String)| (item.rel_path.clone(), format!("annotation {id}: {note}"));
        report
            .converted
            .extend(notes.converted.into_iter().map(note));
        report
            .left_out_annotations
            .extend(notes.left_out.into_iter().map(note));
        tasks.push(task);
    }
    report.images = tasks.len();
    let keypoints_by_name: Vec<&str> = annotations
        .iter()
        .filter(|a| matches!(a.shape, Shape::Keypoints(_)))
        .filter_map(|a| class_name.get(&a.class).copied())
        .filter(|c| {
            schema
                .class_by_name(c)
                .is_some_and(|c| c.keypoints.is_empty())
        })
        .collect();
    let config = label_config(
        &schema_with_attributes(schema, &annotations),
        &keypoints_by_name,
    );
    let output = stage_file(out, |w| {
        serde_json::to_writer_pretty(&mut *w, &tasks).map_err(std::io::Error::other)
    })?;
    let config_output = stage_file(&label_config_path(out), |w| w.write_all(config.as_bytes()))?;
    // The file the user named goes in place first: when that fails, nothing changed.
    output.persist()?;
    config_output.persist()?;
    Ok(report)
}

/// The schema with a definition for each attribute the annotations carry
/// that it does not define (a flag or text, as the first value is), so the
/// labelling config has a tag for every attribute the tasks hold.
fn schema_with_attributes(
    schema: &LabelSchema,
    annotations: &[crate::model::Annotation],
) -> LabelSchema {
    let mut schema = schema.clone();
    for (name, value) in annotations.iter().flat_map(|a| &a.attributes) {
        if schema.attribute(name).is_none() {
            let kind = match value {
                AttrValue::Bool(_) => AttributeKind::Bool,
                AttrValue::Text(_) => AttributeKind::Text,
            };
            schema.attributes.push(AttributeDef {
                name: name.clone(),
                kind,
                default: None,
            });
        }
    }
    schema
}
