//! Label Studio JSON for image projects: import (tasks matched to items by
//! `data.image`) and export (one task per item). The import goes through the
//! shared [`BoxLabelPlan`] and is stored as one undoable edit.

use super::box_labels::{
    BoxImportOptions, BoxLabelPlan, BoxLabelReport, BoxPlacer, LabelOptions, PlannedLabels,
    RecordClaims, Target, apply_box_label_plan, find_item, item_matcher,
};
use super::export_common::{ExportData, box_to_write, group_by_item, read_capped, unusable};
use super::{ItemScope, JobError};
use crate::formats::label_paths::PathMatcher;
use crate::formats::label_studio_images::{
    LsBoxOut, LsTask, parse_image_tasks, percent_to_bbox, task_json,
};
use crate::formats::yolo::OutsidePolicy;
use crate::model::{Attributes, Item, LabelId};
use crate::project::{Project, write_atomic};
use std::collections::HashMap;
use std::path::Path;

/// Export files larger than this are refused.
const MAX_FILE: u64 = 2 << 30;

/// Reads a Label Studio export and plans its tasks onto `items`, the
/// project's items under `image_root`; rectangles reaching outside their
/// image are clamped or skipped as `outside` says.
pub fn read_label_studio_images(
    file: &Path,
    items: &[Item],
    image_root: &Path,
    outside: OutsidePolicy,
) -> Result<BoxLabelPlan, JobError> {
    let name = file.display().to_string();
    let tasks = read_capped(file, MAX_FILE)
        .and_then(|bytes| parse_image_tasks(&bytes))
        .map_err(|e| JobError::Failed(format!("{name}: {e}")))?;
    let matcher = item_matcher(items, image_root, &[]);
    let mut plan = BoxLabelPlan::default();
    for p in tasks.problems {
        plan.problem(&name, p.at, p.message);
    }
    for (kind, n) in &tasks.skipped {
        plan.problem(
            &name,
            "",
            format!("{n} {kind} result(s) skipped: only rectanglelabels and choices are imported"),
        );
    }
    plan.count_skipped(tasks.skipped);
    let mut placer = BoxPlacer::any_class(outside);
    let mut claims = RecordClaims::default();
    for task in tasks.tasks {
        plan.records += 1;
        plan_task(&name, task, &matcher, (&mut placer, &mut claims), &mut plan);
    }
    claims.settle(&mut plan);
    Ok(plan)
}

/// Reads and stores a Label Studio export, as the current author;
/// `options.add_unknown_classes` adds the choices the schema lacks as image labels.
pub fn import_label_studio_images(
    project: &mut Project,
    file: &Path,
    options: BoxImportOptions,
) -> Result<BoxLabelReport, JobError> {
    let image_root = project.image_root();
    let plan = read_label_studio_images(file, project.items(), &image_root, options.outside)?;
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
    task: LsTask,
    matcher: &PathMatcher<Target>,
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
    for rect in task.rects {
        let (w, h) = rect.original.unwrap_or((width, height));
        if (w, h) != (width, height) {
            plan.problem(file, &rect.at, format!("original size {w}×{h} differs from the project's {width}×{height}; converted with {w}×{h}"));
        }
        let bbox = percent_to_bbox(rect.percent, w, h);
        let at = (file, || rect.at.clone());
        placer.place(plan, at, target, &rect.label, bbox, Attributes::new());
    }
    if !task.choices.is_empty() {
        plan.labels.push(PlannedLabels {
            item: target.0,
            names: task.choices,
            file: format!("{file}: {at}"),
        });
    }
    claims.claim(plan, mark, (file, &at), &matched);
}

/// What the export wrote: `images` tasks.
pub type LsExportReport = super::export_common::ImageExportReport;

/// Writes the items in `scope` as a Label Studio task list to `out`
/// (atomically). `data.image` is the item's path relative to the image root.
pub fn export_label_studio_images(
    project: &Project,
    out: &Path,
    scope: ItemScope,
) -> Result<LsExportReport, JobError> {
    let ExportData {
        class_name,
        boxes,
        labels,
    } = ExportData::read(project)?;
    let by_item = group_by_item(&boxes);
    let label_name: HashMap<LabelId, &str> = project
        .schema()
        .image_labels
        .iter()
        .map(|l| (l.id, l.name.as_str()))
        .collect();
    let mut report = LsExportReport::default();
    let mut tasks = Vec::new();
    for item in project.items().iter().filter(|i| scope.includes(i)) {
        if let Some(reason) = unusable(item) {
            report.left_out.push((item.rel_path.clone(), reason));
            continue;
        }
        let mut out_boxes = Vec::new();
        for b in by_item.get(&item.id).copied().unwrap_or_default() {
            let (left_out, as_boxes) = (&mut report.left_out_annotations, &mut report.as_boxes);
            if let Some(bbox) = box_to_write(b, item, &class_name, left_out, as_boxes) {
                out_boxes.push(LsBoxOut {
                    id: b.id.0,
                    label: class_name.get(&b.class).copied().unwrap_or_default(),
                    bbox,
                });
            }
        }
        report.boxes += out_boxes.len();
        let choices: Vec<&str> = labels
            .get(&item.id)
            .into_iter()
            .flatten()
            .filter_map(|l| label_name.get(l).copied())
            .collect();
        tasks.push(task_json(
            item.id.0,
            &item.rel_path,
            (item.width, item.height),
            &out_boxes,
            &choices,
        ));
    }
    report.images = tasks.len();
    write_atomic(out, |w| {
        serde_json::to_writer_pretty(&mut *w, &tasks).map_err(std::io::Error::other)
    })?;
    Ok(report)
}
