//! Reading a YOLO dataset folder into an import plan. Opens only regular files
//! inside the dataset root ([`crate::jobs::safe_read`]): list-file entries and
//! `data.yaml` entries that would leave it are reported, symbolic links are
//! not followed, and class and list files have a size cap.

use super::super::export_common::files_with_ext;
use super::super::safe_read::{LIST_FILE_CAP, SIDE_FILE_CAP, read_found, read_inside};
use super::super::{JobError, Progress};
use crate::formats::label_paths::{
    ItemClaims, PathMatch, PathMatcher, Refused, relative_problem, remove_ranges,
};
use crate::formats::yolo::{
    DataYaml, FORMAT_FOLDERS, OutsidePolicy, YoloBox, parse_class_names, parse_data_yaml,
    parse_label_file, parse_list_file, to_bbox,
};
use crate::model::{BBox, Item, ItemId};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct YoloImportOptions {
    pub outside: OutsidePolicy,
    /// Add class ids the class list does not name as classes `class<id>`,
    /// instead of reporting and skipping their boxes.
    pub add_unknown_classes: bool,
}

/// Something the import could not take (or took with a caveat), by file and line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YoloProblem {
    /// Relative to the dataset root, `/` separators.
    pub file: String,
    /// 1-based; 0 for the file as a whole.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for YoloProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            0 => write!(f, "{}: {}", self.file, self.message),
            n => write!(f, "{}:{n}: {}", self.file, self.message),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlannedYoloBox {
    pub item: ItemId,
    /// Index into [`YoloImportPlan::class_names`].
    pub class: usize,
    pub bbox: BBox,
    pub confidence: Option<f32>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct YoloImportPlan {
    /// The class file it read (`data.yaml`, `classes.txt`, …).
    pub class_file: String,
    /// The dataset's classes by YOLO id, then any unknown ids added by the options.
    pub class_names: Vec<String>,
    pub boxes: Vec<PlannedYoloBox>,
    pub problems: Vec<YoloProblem>,
    pub label_files: usize,
    pub matched_files: usize,
    /// Boxes with a 6th column (prediction files). The confidences are read and
    /// kept in the plan; the project does not store them yet.
    pub with_confidence: usize,
    pub clamped: usize,
}

/// Class files, in the order they are looked for.
const CLASS_FILES: [&str; 5] = [
    "data.yaml",
    "data.yml",
    "dataset.yaml",
    "classes.txt",
    "obj.names",
];
/// Darknet's split lists at the root.
const ROOT_LISTS: [&str; 4] = ["train.txt", "val.txt", "valid.txt", "test.txt"];
/// Label files larger than this are reported, not read.
const LABEL_FILE_CAP: u64 = 256 << 20;
/// Label files read in parallel between progress reports.
const FILES_PER_STEP: usize = 4096;

fn fail(file: &Path, e: impl std::fmt::Display) -> JobError {
    JobError::Failed(format!("{}: {e}", file.display()))
}

/// Reads the dataset at `root` and plans its boxes onto `items`, the
/// project's items under `image_root` (matched by relative path, see
/// [`crate::formats::label_paths`]; two label files on one item are reported
/// and never merged). Fails only when there is no readable class list;
/// everything else is a problem in the plan.
pub fn read_yolo(
    root: &Path,
    items: &[Item],
    image_root: &Path,
    options: YoloImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<YoloImportPlan, JobError> {
    if !root.is_dir() {
        return Err(fail(
            root,
            "not a folder (give the YOLO dataset's root folder)",
        ));
    }
    let (class_file, classes) = read_classes(root)?;
    let DataYaml {
        names,
        splits,
        problems,
    } = classes;
    let mut plan = YoloImportPlan {
        class_file: class_file.clone(),
        ..Default::default()
    };
    plan.problems
        .extend(problems.into_iter().map(|p| YoloProblem {
            file: class_file.clone(),
            line: p.line,
            message: p.message,
        }));
    let matcher = PathMatcher::new(
        items
            .iter()
            .filter(|it| !it.is_broken())
            .map(|it| (it.rel_path.clone(), (it.id, it.width, it.height))),
        &FORMAT_FOLDERS,
    )
    .with_root(image_root);
    let mut not_labels: HashSet<String> = CLASS_FILES.iter().map(|f| f.to_string()).collect();
    for split in splits {
        let entry = split.trim_start_matches("./").replace('\\', "/");
        if let Some(reason) = relative_problem(&entry) {
            plan.problems.push(YoloProblem {
                file: class_file.clone(),
                line: 0,
                message: format!("`{split}`: {reason}; it was not opened"),
            });
        } else if entry.ends_with(".txt") {
            not_labels.insert(entry);
        }
    }
    for list in ROOT_LISTS {
        not_labels.insert(list.to_string());
    }
    for list in &not_labels {
        if !list.ends_with(".txt") || list == "classes.txt" {
            continue;
        }
        check_list_file(root, list, &matcher, &mut plan.problems);
    }

    let files = label_files(root, &not_labels, &mut plan.problems);
    plan.label_files = files.len();
    let mut classes = ClassMap::new(&names, &class_file, options.add_unknown_classes);
    let mut claims = FileClaims::default();
    let total = Some(files.len());
    progress(Progress { done: 0, total });
    for (step, chunk) in files.chunks(FILES_PER_STEP).enumerate() {
        let parsed: Vec<ParsedFile> = chunk
            .par_iter()
            .map(|rel| read_label_file(root, rel, &matcher))
            .collect();
        for file in parsed {
            plan_file(file, &mut classes, options, &mut claims, &mut plan);
        }
        progress(Progress {
            done: (step * FILES_PER_STEP + chunk.len()).min(files.len()),
            total,
        });
    }
    claims.settle(&mut plan);
    plan.class_names = classes.names;
    Ok(plan)
}

/// The first class file there is, by name, and what it says. A class file
/// that is a link, not a regular file or too large is an error, not skipped:
/// the next candidate could give other classes.
fn read_classes(root: &Path) -> Result<(String, DataYaml), JobError> {
    for name in CLASS_FILES {
        let path = root.join(name);
        let bytes = match read_inside(root, name, SIDE_FILE_CAP) {
            Ok(None) => continue,
            Ok(Some(bytes)) => bytes,
            Err(e) => return Err(fail(&path, e)),
        };
        let text =
            String::from_utf8(bytes).map_err(|_| fail(&path, "the file is not UTF-8 text"))?;
        let classes = if name.ends_with(".yaml") || name.ends_with(".yml") {
            parse_data_yaml(&text)
        } else {
            parse_class_names(&text)
        };
        return Ok((name.to_string(), classes.map_err(|e| fail(&path, e))?));
    }
    Err(fail(
        root,
        "no data.yaml or classes.txt (nor obj.names) here: is this a YOLO dataset's root folder?",
    ))
}

type Target = (ItemId, u32, u32);

/// Reports the entries of a split list that are unsafe or name no project image.
fn check_list_file(
    root: &Path,
    list: &str,
    matcher: &PathMatcher<Target>,
    problems: &mut Vec<YoloProblem>,
) {
    let problem = |line, message| YoloProblem {
        file: list.to_string(),
        line,
        message,
    };
    let bytes = match read_inside(root, list, LIST_FILE_CAP) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return,
        Err(message) => return problems.push(problem(0, message)),
    };
    let (paths, line_problems) = parse_list_file(&bytes);
    problems.extend(
        line_problems
            .into_iter()
            .map(|p| problem(p.line, p.message)),
    );
    for (line, image) in paths {
        // Darknet writes entries relative to its own folder, whose `data/`
        // holds the dataset (`data/obj_train_data/a.jpg`).
        let found = match (matcher.find(&image), image.strip_prefix("data/")) {
            (PathMatch::NotFound, Some(inside)) => matcher.find(inside),
            (found, _) => found,
        };
        match found {
            PathMatch::Found(_) => {}
            PathMatch::NotFound => problems.push(problem(
                line,
                format!("image `{image}` is not in the project"),
            )),
            PathMatch::Ambiguous(candidates) => problems.push(problem(
                line,
                format!("image `{image}` could be any of {}", candidates.join(", ")),
            )),
        }
    }
}

/// The `.txt` files under `root` other than class and list files.
fn label_files(
    root: &Path,
    not_labels: &HashSet<String>,
    problems: &mut Vec<YoloProblem>,
) -> Vec<String> {
    let (files, errors) = files_with_ext(root, "txt");
    problems.extend(errors.into_iter().map(|(file, message)| YoloProblem {
        file,
        line: 0,
        message,
    }));
    files
        .into_iter()
        .filter(|rel| !not_labels.contains(rel))
        .collect()
}

struct ParsedFile {
    rel: String,
    target: PathMatch<Target>,
    read: Result<(Vec<YoloBox>, Vec<crate::formats::yolo::LineProblem>), String>,
}

fn read_label_file(root: &Path, rel: &str, matcher: &PathMatcher<Target>) -> ParsedFile {
    let target = matcher.find(rel);
    let read = match target {
        PathMatch::Found(_) => {
            read_found(&root.join(rel), LABEL_FILE_CAP).map(|bytes| parse_label_file(&bytes))
        }
        _ => Ok((Vec::new(), Vec::new())),
    };
    ParsedFile {
        rel: rel.to_string(),
        target,
        read,
    }
}

/// The label files that landed on each item, and the boxes each planned.
#[derive(Default)]
struct FileClaims {
    claims: ItemClaims<ItemId>,
    /// Per claim: the file and its boxes in the plan.
    planned: Vec<(String, Range<usize>)>,
}

impl FileClaims {
    /// Leaves out the boxes of the files that lose their item, and reports each.
    fn settle(self, plan: &mut YoloImportPlan) {
        let refused = self.claims.refused();
        let mut ranges = Vec::with_capacity(refused.len());
        for Refused { claim, message } in refused {
            let (file, boxes) = &self.planned[claim];
            plan.problems.push(YoloProblem {
                file: file.clone(),
                line: 0,
                message,
            });
            plan.matched_files = plan.matched_files.saturating_sub(1);
            ranges.push(boxes.clone());
        }
        remove_ranges(&mut plan.boxes, &ranges);
    }
}

fn plan_file(
    file: ParsedFile,
    classes: &mut ClassMap,
    options: YoloImportOptions,
    claims: &mut FileClaims,
    plan: &mut YoloImportPlan,
) {
    let rel = file.rel;
    let problem = |line, message| YoloProblem {
        file: rel.clone(),
        line,
        message,
    };
    let matched = match file.target {
        PathMatch::Found(matched) => matched,
        PathMatch::NotFound => {
            plan.problems.push(problem(
                0,
                "no image in the project matches this label file".into(),
            ));
            return;
        }
        PathMatch::Ambiguous(candidates) => {
            plan.problems.push(problem(
                0,
                format!(
                    "several images match this label file ({}); it was skipped",
                    candidates.join(", ")
                ),
            ));
            return;
        }
    };
    let (boxes, line_problems) = match file.read {
        Ok(read) => read,
        Err(e) => {
            plan.problems
                .push(problem(0, format!("cannot be read: {e}")));
            return;
        }
    };
    plan.matched_files += 1;
    plan.problems.extend(
        line_problems
            .into_iter()
            .map(|p| problem(p.line, p.message)),
    );
    let start = plan.boxes.len();
    plan_boxes(&rel, boxes, matched.value, classes, options, plan);
    // A file without boxes cannot merge into another.
    if plan.boxes.len() > start {
        claims.claims.claim(matched.value.0, rel.as_str(), &matched);
        claims.planned.push((rel, start..plan.boxes.len()));
    }
}

fn plan_boxes(
    rel: &str,
    boxes: Vec<YoloBox>,
    (item, width, height): Target,
    classes: &mut ClassMap,
    options: YoloImportOptions,
    plan: &mut YoloImportPlan,
) {
    let problem = |line, message| YoloProblem {
        file: rel.to_string(),
        line,
        message,
    };
    if width == 0 || height == 0 {
        if !boxes.is_empty() {
            plan.problems.push(problem(
                0,
                "the project does not know this image's size (is the file readable?)".into(),
            ));
        }
        return;
    }
    for b in boxes {
        let class = match classes.index(b.class) {
            Ok(class) => class,
            Err(message) => {
                plan.problems.push(problem(b.line, message));
                continue;
            }
        };
        match to_bbox(&b, width, height, options.outside) {
            Ok(placed) => {
                if placed.clamped {
                    plan.clamped += 1;
                    plan.problems.push(problem(
                        b.line,
                        format!(
                            "the box reaches outside the {width}×{height} image; it was clamped"
                        ),
                    ));
                }
                plan.with_confidence += usize::from(b.confidence.is_some());
                plan.boxes.push(PlannedYoloBox {
                    item,
                    class,
                    bbox: placed.bbox,
                    confidence: b.confidence,
                });
            }
            Err(message) => plan.problems.push(problem(b.line, message)),
        }
    }
}

/// YOLO class ids → indices into the plan's class names.
struct ClassMap {
    names: Vec<String>,
    by_id: Vec<Option<usize>>,
    added: HashMap<u32, usize>,
    class_file: String,
    add_unknown: bool,
}

impl ClassMap {
    fn new(names: &[Option<String>], class_file: &str, add_unknown: bool) -> Self {
        let mut map = Self {
            names: Vec::new(),
            by_id: Vec::with_capacity(names.len()),
            added: HashMap::new(),
            class_file: class_file.to_string(),
            add_unknown,
        };
        for name in names {
            let slot = name
                .as_ref()
                .filter(|n| !n.trim().is_empty())
                .map(|n| map.slot(n));
            map.by_id.push(slot);
        }
        map
    }

    fn slot(&mut self, name: &str) -> usize {
        match self.names.iter().position(|n| n == name) {
            Some(pos) => pos,
            None => {
                self.names.push(name.to_string());
                self.names.len() - 1
            }
        }
    }

    fn index(&mut self, id: u32) -> Result<usize, String> {
        if let Some(Some(slot)) = self.by_id.get(id as usize) {
            return Ok(*slot);
        }
        if let Some(&slot) = self.added.get(&id) {
            return Ok(slot);
        }
        if !self.add_unknown {
            return Err(format!(
                "class id {id} is not named in {} ({} classes); the box was skipped \
                 (--add-unknown-classes adds it as `class{id}`)",
                self.class_file,
                self.by_id.len()
            ));
        }
        let slot = self.slot(&format!("class{id}"));
        self.added.insert(id, slot);
        Ok(slot)
    }
}
