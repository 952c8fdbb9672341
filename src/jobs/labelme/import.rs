//! Reading a folder of labelme files into a [`BoxLabelPlan`]. Only `.json`
//! files inside the root are opened; an `imagePath` is followed only inside
//! the project's image root, and is otherwise only a name to match.

use super::super::box_labels::{
    BoxImportOptions, BoxLabelPlan, BoxLabelReport, BoxPlacer, LabelOptions, PlannedLabels,
    RecordClaims, ShapeIn, Target, apply_box_label_plan, check_size, find_item, item_matcher,
};
use super::super::export_common::files_with_ext;
use super::super::safe_read::read_found;
use super::super::{JobError, Progress};
use crate::formats::label_paths::{Matched, PathMatcher, resolve_in_root};
use crate::formats::labelme::{LabelmeFile, parse_labelme};
use crate::formats::yolo::OutsidePolicy;
use crate::model::Item;
use crate::project::Project;
use std::path::{Path, PathBuf};

/// labelme files larger than this are reported, not read (embedded images
/// make them large, but not this large).
const MAX_FILE: u64 = 512 << 20;

/// Reads the labelme files under `root` and plans them onto `items`, the
/// project's items under `image_root`; shapes reaching outside their image
/// are clamped or skipped as `outside` says.
pub fn read_labelme(
    root: &Path,
    items: &[Item],
    image_root: &Path,
    outside: OutsidePolicy,
    progress: &mut dyn FnMut(Progress),
) -> Result<BoxLabelPlan, JobError> {
    if !root.is_dir() {
        return Err(JobError::Failed(format!(
            "{}: not a folder (give the folder that holds the labelme .json files)",
            root.display()
        )));
    }
    let matcher = item_matcher(items, image_root, &[]);
    let folders = Folders::new(root, image_root);
    let mut claims = RecordClaims::default();
    let mut matching = Matching {
        matcher: &matcher,
        folders: &folders,
        claims: &mut claims,
    };
    let mut plan = BoxLabelPlan::default();
    let mut placer = BoxPlacer::any_class(outside);
    let (files, errors) = files_with_ext(root, "json");
    for (file, message) in errors {
        plan.problem(&file, "", message);
    }
    let total = Some(files.len());
    for (done, rel) in files.iter().enumerate() {
        plan.records += 1;
        match read_found(&root.join(rel), MAX_FILE).and_then(|b| parse_labelme(&b)) {
            Ok(file) => plan_file(rel, file, &mut matching, &mut placer, &mut plan),
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
    claims.settle(&mut plan);
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
    let image_root = project.image_root();
    let plan = read_labelme(
        root,
        project.items(),
        &image_root,
        options.outside,
        progress,
    )?;
    let labels = LabelOptions {
        add_unknown: options.add_unknown_classes,
        multi_label: options.multi_label,
    };
    apply_box_label_plan(project, plan, labels)
}

/// The labelme folder and the project's image root, absolute, for
/// resolving `imagePath`.
struct Folders {
    labelme: PathBuf,
    image_root: PathBuf,
}

impl Folders {
    fn new(labelme: &Path, image_root: &Path) -> Self {
        let absolute = |p: &Path| {
            std::fs::canonicalize(p)
                .or_else(|_| std::path::absolute(p))
                .unwrap_or_else(|_| p.to_path_buf())
        };
        Self {
            labelme: absolute(labelme),
            image_root: absolute(image_root),
        }
    }
}

/// The item a file is for: its `imagePath` resolved next to the file (with
/// `\` as a separator), when that lies inside the image root; else
/// `imagePath` as a name; else the file's own path (labelme saves `a.json`
/// beside `a.jpg`), which is reported, since the file said otherwise.
fn target(
    rel: &str,
    file: &LabelmeFile,
    matcher: &PathMatcher<Target>,
    folders: &Folders,
    plan: &mut BoxLabelPlan,
) -> Option<Matched<Target>> {
    let own = || find_item(matcher, rel);
    let Some(image_path) = &file.image_path else {
        return own().map_err(|message| plan.problem(rel, "", message)).ok();
    };
    let dir = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
    let base = dir
        .split('/')
        .filter(|p| !p.is_empty())
        .fold(folders.labelme.clone(), |path, part| path.join(part));
    let why = match resolve_in_root(&folders.image_root, &base, image_path) {
        Ok(path) => match find_item(matcher, &path) {
            Ok(found) => return Some(found),
            Err(message) => message,
        },
        Err(reason) => match find_item(matcher, image_path) {
            Ok(found) => return Some(found),
            Err(_) => format!("{reason}, and no image in the project matches its name"),
        },
    };
    match own() {
        Ok(found) => {
            plan.problem(
                rel,
                "imagePath",
                format!("`{image_path}`: {why}; matched by the file's own name instead"),
            );
            Some(found)
        }
        Err(message) => {
            plan.problem(rel, "imagePath", format!("`{image_path}`: {why}"));
            plan.problem(rel, "", message);
            None
        }
    }
}

/// What [`plan_file`] matches files with and records their items in.
struct Matching<'a> {
    matcher: &'a PathMatcher<Target>,
    folders: &'a Folders,
    claims: &'a mut RecordClaims,
}

fn plan_file(
    rel: &str,
    file: LabelmeFile,
    matching: &mut Matching,
    placer: &mut BoxPlacer,
    plan: &mut BoxLabelPlan,
) {
    for p in &file.problems {
        let at = p.shape.map_or_else(String::new, |i| format!("shape {i}"));
        plan.problem(rel, at, p.message.clone());
    }
    let Some(matched) = target(rel, &file, matching.matcher, matching.folders, plan) else {
        return;
    };
    let target = matched.value;
    plan.matched += 1;
    let mark = plan.mark();
    check_size(plan, (rel, ""), file.image_size, target);
    for (kind, n) in &file.skipped {
        plan.problem(
            rel,
            "",
            format!("{n} shape(s) of type `{kind}` skipped: labelme draws no such shape"),
        );
    }
    plan.note_converted(rel, &file.converted);
    plan.count_skipped(file.skipped);
    for s in file.shapes {
        let index = s.index;
        let at = (rel, || format!("shape {index}"));
        let shape = ShapeIn::grouped(s.shape, s.group, s.attributes);
        placer.place_shape(plan, at, target, &s.label, shape);
    }
    if !file.flags.is_empty() {
        plan.labels.push(PlannedLabels {
            item: target.0,
            names: file.flags,
            file: rel.to_string(),
        });
    }
    matching.claims.claim(plan, mark, (rel, ""), &matched);
}
