//! Reading a VOC folder into a [`BoxLabelPlan`]: the `.xml` files under
//! `Annotations/` when there is one (a VOC root), else every `.xml` file below
//! the folder (labelImg saves one beside each image). Links are not followed,
//! and `labelmap.txt` is read only as a regular file inside the folder
//! ([`crate::jobs::safe_read`]); `<filename>` and `<path>` are only names to
//! match, never opened.

use super::super::box_labels::{
    BoxImportOptions, BoxLabelPlan, BoxLabelReport, BoxPlacer, LabelOptions, RecordClaims, Target,
    apply_box_label_plan, check_size, find_item, item_matcher,
};
use super::super::export_common::files_with_ext;
use super::super::safe_read::{SIDE_FILE_CAP, read_found, read_inside};
use super::super::{JobError, Progress};
use crate::formats::label_paths::{Matched, PathMatcher};
use crate::formats::voc::{LabelmapEntry, VocFile, parse_labelmap, parse_voc};
use crate::model::{Item, LabelSchema};
use crate::project::Project;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// VOC annotation files larger than this are reported, not read.
const MAX_FILE: u64 = 64 << 20;
/// Files parsed in parallel per progress step.
const FILES_PER_STEP: usize = 2048;
/// The folders VOC adds to image paths, left out when matching.
const FORMAT_FOLDERS: [&str; 2] = ["JPEGImages", "Annotations"];

/// How a VOC import treats what does not fit; "the dataset's own class list"
/// is `labelmap.txt`.
pub type VocImportOptions = BoxImportOptions;

/// Reads the VOC folder `root` and plans its boxes onto `items`, the
/// project's items under `image_root`. Classes named by `labelmap.txt` or
/// `schema` are taken; others only with `add_unknown_classes`. Only the
/// classes boxes use are planned, in `labelmap.txt`'s order, with its colours.
pub fn read_voc(
    root: &Path,
    items: &[Item],
    image_root: &Path,
    schema: &LabelSchema,
    options: VocImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BoxLabelPlan, JobError> {
    let fail = |message: &str| JobError::Failed(format!("{}: {message}", root.display()));
    let (folder, prefix) = annotation_folder(root).map_err(|m| fail(&m))?;
    let matcher = item_matcher(items, image_root, &FORMAT_FOLDERS);
    let mut plan = BoxLabelPlan::default();
    let labelmap = read_labelmap(root, &mut plan);
    let mut known: HashSet<String> = labelmap.iter().map(|e| e.name.clone()).collect();
    known.extend(schema.classes.iter().map(|c| c.name.clone()));
    let (files, errors) = files_with_ext(&folder, "xml");
    for (file, message) in errors {
        plan.problem(&format!("{prefix}{file}"), "", message);
    }
    if files.is_empty() && prefix.is_empty() {
        return Err(fail(
            "no Annotations folder and no .xml files below it; give the VOC root (the folder \
             that holds Annotations/) or a folder of .xml files saved beside the images (labelImg)",
        ));
    }
    let total = Some(files.len());
    progress(Progress { done: 0, total });
    let mut placer = BoxPlacer::new(known, options).with_attribute_defs(&schema.attributes);
    let mut claims = RecordClaims::default();
    for (step, chunk) in files.chunks(FILES_PER_STEP).enumerate() {
        let parsed: Vec<Result<VocFile, String>> = chunk
            .par_iter()
            .map(|rel| read_found(&folder.join(rel), MAX_FILE).and_then(|b| parse_voc(&b)))
            .collect();
        for (rel, parsed) in chunk.iter().zip(parsed) {
            plan.records += 1;
            let shown = format!("{prefix}{rel}");
            match parsed {
                Ok(file) => {
                    let mut ctx = FileContext {
                        rel,
                        shown: &shown,
                        matcher: &matcher,
                        placer: &mut placer,
                        claims: &mut claims,
                    };
                    plan_file(&mut ctx, file, &mut plan);
                }
                Err(message) => plan.problem(&shown, "", message),
            }
        }
        progress(Progress {
            done: (step * FILES_PER_STEP + chunk.len()).min(files.len()),
            total,
        });
    }
    claims.settle(&mut plan);
    placer.report_unknown(&mut plan, "labelmap.txt", "labelmap.txt");
    let order: Vec<&str> = labelmap.iter().map(|e| e.name.as_str()).collect();
    plan.keep_used_classes(&order);
    plan.class_colors = labelmap
        .iter()
        .filter_map(|e| Some((e.name.clone(), e.color?)))
        .collect();
    plan.declared = labelmap.into_iter().map(|e| e.name).collect();
    Ok(plan)
}

/// Where the annotation files are, and how a file's path there is shown:
/// `Annotations/` of a VOC root, else the folder itself (labelImg's layout).
/// A linked `Annotations` is refused, not followed.
fn annotation_folder(root: &Path) -> Result<(PathBuf, &'static str), String> {
    if !root.is_dir() {
        return Err("not a folder (give the VOC root or a folder of .xml files)".into());
    }
    let annotations = root.join("Annotations");
    match std::fs::symlink_metadata(&annotations) {
        Ok(meta) if meta.is_dir() => Ok((annotations, "Annotations/")),
        Ok(meta) if meta.file_type().is_symlink() => Err(
            "Annotations is a symbolic link; Shugu reads only folders inside the dataset, \
             so give the folder it points to"
                .into(),
        ),
        _ => Ok((root.to_path_buf(), "")),
    }
}

/// The classes of `labelmap.txt`, if there is one; one that cannot be read is
/// a problem, and the import goes on without it.
fn read_labelmap(root: &Path, plan: &mut BoxLabelPlan) -> Vec<LabelmapEntry> {
    match read_inside(root, "labelmap.txt", SIDE_FILE_CAP) {
        Ok(Some(bytes)) => parse_labelmap(&String::from_utf8_lossy(&bytes)),
        Ok(None) => Vec::new(),
        Err(message) => {
            plan.problem("labelmap.txt", "", message);
            Vec::new()
        }
    }
}

/// Reads and stores the VOC root `root`, as the current author.
pub fn import_voc(
    project: &mut Project,
    root: &Path,
    options: VocImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BoxLabelReport, JobError> {
    let image_root = project.image_root();
    let plan = read_voc(
        root,
        project.items(),
        &image_root,
        project.schema(),
        options,
        progress,
    )?;
    apply_box_label_plan(project, plan, LabelOptions::default())
}

struct FileContext<'a> {
    /// Relative to `Annotations/`.
    rel: &'a str,
    /// As reported: relative to the VOC root.
    shown: &'a str,
    matcher: &'a PathMatcher<Target>,
    placer: &'a mut BoxPlacer,
    claims: &'a mut RecordClaims,
}

/// The item a file is for: its `<filename>`, else the annotation file's own
/// path, else its `<path>` (often absolute, from the machine that wrote it).
/// Each is only a name to match ([`crate::formats::label_paths`]), never opened.
fn target(ctx: &FileContext, file: &VocFile, plan: &mut BoxLabelPlan) -> Option<Matched<Target>> {
    let tried: Vec<&str> = file
        .filename
        .as_deref()
        .into_iter()
        .chain([ctx.rel])
        .chain(file.path.as_deref())
        .collect();
    let mut first_error = None;
    for name in &tried {
        match find_item(ctx.matcher, name) {
            Ok(found) => return Some(found),
            Err(message) => {
                first_error.get_or_insert(message);
            }
        }
    }
    let message = match first_error {
        Some(m) if m.starts_with("several") => m,
        _ => format!(
            "no image in the project matches {}",
            tried
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    };
    plan.problem(ctx.shown, "", message);
    None
}

fn plan_file(ctx: &mut FileContext, file: VocFile, plan: &mut BoxLabelPlan) {
    for p in &file.problems {
        let at = p.object.map_or_else(String::new, |i| format!("object {i}"));
        plan.problem(ctx.shown, at, p.message.clone());
    }
    let Some(matched) = target(ctx, &file, plan) else {
        return;
    };
    let target = matched.value;
    plan.matched += 1;
    let mark = plan.mark();
    check_size(plan, (ctx.shown, "<size>"), file.size, target);
    for (index, object) in file.objects.into_iter().enumerate() {
        let at = (ctx.shown, || format!("object {index}"));
        ctx.placer.place(
            plan,
            at,
            target,
            &object.name,
            object.bbox,
            object.attributes,
        );
    }
    ctx.claims.claim(plan, mark, (ctx.shown, ""), &matched);
}
