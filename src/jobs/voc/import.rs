//! Reading a VOC root into a [`BoxLabelPlan`]. Only `.xml` files under
//! `Annotations/` are opened; `<filename>` and `<path>` are only names to
//! match, never opened.

use super::super::box_labels::{
    BoxImportOptions, BoxLabelPlan, BoxLabelReport, BoxPlacer, LabelOptions, RecordClaims, Target,
    apply_box_label_plan, check_size, find_item, item_matcher,
};
use super::super::export_common::{files_with_ext, read_capped};
use super::super::{JobError, Progress};
use crate::formats::label_paths::{Matched, PathMatcher};
use crate::formats::voc::{VocFile, parse_labelmap, parse_voc};
use crate::model::{Item, LabelSchema};
use crate::project::Project;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;

/// VOC annotation files larger than this are reported, not read.
const MAX_FILE: u64 = 64 << 20;
/// Files parsed in parallel per progress step.
const FILES_PER_STEP: usize = 2048;
/// The folders VOC adds to image paths, left out when matching.
const FORMAT_FOLDERS: [&str; 2] = ["JPEGImages", "Annotations"];

/// How a VOC import treats what does not fit; "the dataset's own class list"
/// is `labelmap.txt`.
pub type VocImportOptions = BoxImportOptions;

/// Reads the VOC root `root` and plans its boxes onto `items`, the project's
/// items under `image_root`. Classes named
/// by `labelmap.txt` or `schema` are taken; others only with
/// `add_unknown_classes`.
pub fn read_voc(
    root: &Path,
    items: &[Item],
    image_root: &Path,
    schema: &LabelSchema,
    options: VocImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BoxLabelPlan, JobError> {
    let annotations = root.join("Annotations");
    if !annotations.is_dir() {
        return Err(JobError::Failed(format!(
            "{}: no Annotations folder; give the VOC root (the folder that holds Annotations/, ImageSets/ and JPEGImages/)",
            root.display()
        )));
    }
    let matcher = item_matcher(items, image_root, &FORMAT_FOLDERS);
    let mut plan = BoxLabelPlan::default();
    let labelmap = match std::fs::read(root.join("labelmap.txt")) {
        Ok(bytes) => parse_labelmap(&String::from_utf8_lossy(&bytes)),
        Err(_) => Vec::new(),
    };
    // The dataset's own class list first, so new classes keep its order.
    for name in &labelmap {
        plan.class(name);
    }
    let mut known: HashSet<String> = labelmap.into_iter().collect();
    known.extend(schema.classes.iter().map(|c| c.name.clone()));
    let (files, errors) = files_with_ext(&annotations, "xml");
    for (file, message) in errors {
        plan.problem(&format!("Annotations/{file}"), "", message);
    }
    let total = Some(files.len());
    progress(Progress { done: 0, total });
    let mut placer = BoxPlacer::new(known, options);
    let mut claims = RecordClaims::default();
    for (step, chunk) in files.chunks(FILES_PER_STEP).enumerate() {
        let parsed: Vec<Result<VocFile, String>> = chunk
            .par_iter()
            .map(|rel| read_capped(&annotations.join(rel), MAX_FILE).and_then(|b| parse_voc(&b)))
            .collect();
        for (rel, parsed) in chunk.iter().zip(parsed) {
            plan.records += 1;
            let shown = format!("Annotations/{rel}");
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
    Ok(plan)
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
