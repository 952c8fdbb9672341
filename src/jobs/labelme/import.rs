//! Reading a folder of labelme files into a [`BoxLabelPlan`]. Only `.json`
//! files inside the root are opened; an `imagePath` leaving the root is
//! reported and never followed.

use super::super::box_labels::{
    BoxImportOptions, BoxLabelPlan, BoxLabelReport, BoxPlacer, LabelOptions, PlannedLabels, Target,
    apply_box_label_plan, check_size, find_item, item_matcher,
};
use super::super::export_common::{files_with_ext, read_capped};
use super::super::{JobError, Progress};
use crate::formats::label_paths::{PathMatcher, resolve_relative};
use crate::formats::labelme::{LabelmeFile, parse_labelme};
use crate::formats::yolo::OutsidePolicy;
use crate::model::{Attributes, Item};
use crate::project::Project;
use std::path::Path;

/// labelme files larger than this are reported, not read (embedded images
/// make them large, but not this large).
const MAX_FILE: u64 = 512 << 20;

/// Reads the labelme files under `root` and plans them onto `items`;
/// rectangles reaching outside their image are clamped or skipped as
/// `outside` says.
pub fn read_labelme(
    root: &Path,
    items: &[Item],
    outside: OutsidePolicy,
    progress: &mut dyn FnMut(Progress),
) -> Result<BoxLabelPlan, JobError> {
    if !root.is_dir() {
        return Err(JobError::Failed(format!(
            "{}: not a folder (give the folder that holds the labelme .json files)",
            root.display()
        )));
    }
    let matcher = item_matcher(items, &[]);
    let mut plan = BoxLabelPlan::default();
    let mut placer = BoxPlacer::any_class(outside);
    let (files, errors) = files_with_ext(root, "json");
    for (file, message) in errors {
        plan.problem(&file, "", message);
    }
    let total = Some(files.len());
    for (done, rel) in files.iter().enumerate() {
        plan.records += 1;
        match read_capped(&root.join(rel), MAX_FILE).and_then(|b| parse_labelme(&b)) {
            Ok(file) => plan_file(rel, file, &matcher, &mut placer, &mut plan),
            Err(message) => plan.problem(rel, "", message),
        }
        if done % 256 == 0 {
            progress(Progress { done, total });
        }
    }
    progress(Progress {
        done: files.len(),
        total,
    });
    Ok(plan)
}

/// Reads and stores the labelme files under `root`, as the current author;
/// `options.add_unknown_classes` adds the flags the schema lacks as image labels.
pub fn import_labelme(
    project: &mut Project,
    root: &Path,
    options: BoxImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BoxLabelReport, JobError> {
    let plan = read_labelme(root, project.items(), options.outside, progress)?;
    let labels = LabelOptions {
        add_unknown: options.add_unknown_classes,
        multi_label: options.multi_label,
    };
    apply_box_label_plan(project, plan, labels)
}

/// The item a file is for: its `imagePath` resolved next to the file, else
/// the file's own path.
fn target(
    rel: &str,
    file: &LabelmeFile,
    matcher: &PathMatcher<Target>,
    plan: &mut BoxLabelPlan,
) -> Option<Target> {
    let dir = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
    if let Some(image_path) = &file.image_path {
        match resolve_relative(dir, image_path) {
            Ok(path) => {
                if let Ok(found) = find_item(matcher, &path) {
                    return Some(found);
                }
            }
            Err(reason) => plan.problem(
                rel,
                "imagePath",
                format!(
                    "`{image_path}`: {reason}; not followed, the file is matched by its own path"
                ),
            ),
        }
    }
    match find_item(matcher, rel) {
        Ok(found) => Some(found),
        Err(message) => {
            plan.problem(rel, "", message);
            None
        }
    }
}

fn plan_file(
    rel: &str,
    file: LabelmeFile,
    matcher: &PathMatcher<Target>,
    placer: &mut BoxPlacer,
    plan: &mut BoxLabelPlan,
) {
    for p in &file.problems {
        let at = p.shape.map_or_else(String::new, |i| format!("shape {i}"));
        plan.problem(rel, at, p.message.clone());
    }
    let Some(target) = target(rel, &file, matcher, plan) else {
        return;
    };
    plan.matched += 1;
    check_size(plan, (rel, ""), file.image_size, target);
    for (kind, n) in &file.skipped {
        plan.problem(
            rel,
            "",
            format!("{n} {kind} shape(s) skipped: only rectangles are imported"),
        );
    }
    plan.count_skipped(file.skipped);
    for rect in file.rects {
        let at = (rel, || format!("shape {}", rect.shape));
        let attributes = Attributes::new();
        placer.place(plan, at, target, &rect.label, rect.bbox, attributes);
    }
    if !file.flags.is_empty() {
        plan.labels.push(PlannedLabels {
            item: target.0,
            names: file.flags,
            file: rel.to_string(),
        });
    }
}
