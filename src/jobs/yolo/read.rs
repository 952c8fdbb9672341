//! Reading a YOLO dataset folder into an import plan. Opens only regular files
//! inside the dataset root ([`crate::jobs::safe_read`]): list-file entries and
//! `data.yaml` entries that would leave it are reported, symbolic links are
//! not followed, and class and list files have a size cap.
//!
//! Which layout the rows are in is decided as [`crate::formats::yolo::layout`]
//! says: the format the user names, else `data.yaml` (`kpt_shape`, `task`),
//! else each file by its rows, and the files whose rows cannot tell (boxes
//! and 9-column rows only) by the whole dataset once every file is read.

use super::super::export_common::files_with_ext;
use super::super::label_files::{
    FileProblem, FolderImport, LabelFilePlan, PlannedShape, Target, matcher,
};
use super::super::safe_read::{LIST_FILE_CAP, SIDE_FILE_CAP, read_inside};
use super::super::{JobError, Progress};
use crate::formats::label_paths::{Matched, PathMatch, PathMatcher, relative_problem};
use crate::formats::yolo::{
    DataYaml, FORMAT_FOLDERS, KptShape, LineProblem, OutsidePolicy, RowShapes, YoloLayout, YoloRow,
    file_layout, parse_class_names, parse_data_yaml, parse_label_file, parse_list_file, read_row,
    row_shapes,
};
use crate::model::{GroupId, Item, Shape};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// How a YOLO folder is read: one struct for every layout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct YoloImportOptions {
    pub outside: OutsidePolicy,
    /// Add class ids the class list does not name as classes `class<id>`,
    /// instead of reporting and skipping their rows.
    pub add_unknown_classes: bool,
    /// The layout to read every file in (`--format yolo-seg`, `yolo-obb`,
    /// `yolo-pose`); `None` tells it from `data.yaml` and the rows.
    pub layout: Option<LayoutChoice>,
}

/// A layout the user names; a pose's `kpt_shape` comes from `data.yaml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutChoice {
    Detect,
    Segment,
    Obb,
    Pose,
}

/// Something the import could not take (or took with a caveat), by file and line.
pub type YoloProblem = FileProblem;
/// A YOLO folder read: its shapes by class id, and what it could not take.
pub type YoloImportPlan = LabelFilePlan;

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

fn fail(file: &Path, e: impl std::fmt::Display) -> JobError {
    JobError::Failed(format!("{}: {e}", file.display()))
}

/// Reads the dataset at `root` and plans its rows onto `items`, the
/// project's items under `image_root` (matched by relative path, see
/// [`crate::formats::label_paths`]; two label files on one item are reported
/// and never merged). Fails only when there is no readable class list, or
/// `yolo-pose` is asked of a dataset without a `kpt_shape`; everything else
/// is a problem in the plan.
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
    let known =
        known_layout(&classes, options.layout).map_err(|e| fail(&root.join(&class_file), e))?;
    let DataYaml {
        names,
        splits,
        problems,
        kpt_shape,
        kpt_names,
        ..
    } = classes;
    let mut import = FolderImport::new(
        root,
        matcher(items, image_root, &FORMAT_FOLDERS),
        LabelFilePlan {
            class_file: class_file.clone(),
            ..Default::default()
        },
    );
    for p in problems {
        import.plan.problem(&class_file, p.line, p.message);
    }
    let not_labels = side_files(root, &class_file, splits, &mut import);
    let files = label_files(root, &not_labels, &mut import.plan);
    let mut classes = ClassMap::new(&names, &class_file, options.add_unknown_classes);
    let mut pending: Vec<PendingFile> = Vec::new();
    let mut seen_polygons = false;
    import.read(
        &files,
        progress,
        |bytes: Vec<u8>, target| read_file(&bytes, target, known, options.outside),
        |plan, rel, matched, file| match file {
            FileRead::Read(read) => {
                seen_polygons |= read.layout == YoloLayout::Segment;
                plan_rows(plan, rel, matched.value, read, &mut classes);
            }
            FileRead::Pending(rows, problems) => {
                pending.push((rel.to_string(), matched.clone(), rows, problems));
            }
        },
    );
    // The files whose rows could not tell, read as the rest of the dataset says.
    if !pending.is_empty() {
        let layout = if seen_polygons {
            YoloLayout::Segment
        } else {
            YoloLayout::Obb
        };
        let why = if seen_polygons {
            "other files of the dataset hold longer polygons"
        } else {
            "no file of the dataset holds a longer polygon"
        };
        import.plan.problem(
            ".",
            0,
            format!(
                "{} label file(s) hold only rows of 9 columns (or 10, with a confidence), which are \
                 oriented boxes (YOLO-OBB) or 4-point polygons (YOLO segmentation); they were read as {} \
                 because {why} (import with --format yolo-obb or yolo-seg to say which)",
                pending.len(),
                layout.rows(),
            ),
        );
        let outside = options.outside;
        let read: Vec<RowsRead> = pending
            .par_iter()
            .map(|(_, matched, rows, problems)| {
                rows_in(layout, rows, problems.clone(), matched.value, outside)
            })
            .collect();
        for ((rel, matched, _, _), read) in pending.into_iter().zip(read) {
            import.take(&rel, matched, |plan, rel, m| {
                plan_rows(plan, rel, m.value, read, &mut classes)
            });
        }
    }
    let mut plan = import.finish();
    if let Some(k) = kpt_shape {
        plan.keypoint_names = pose_names(k, &kpt_names, &classes, &plan);
    }
    plan.class_names = classes.names;
    Ok(plan)
}

/// The layout every file is read in, when the user or `data.yaml` says.
fn known_layout(
    classes: &DataYaml,
    choice: Option<LayoutChoice>,
) -> Result<Option<YoloLayout>, String> {
    let pose = |shape: Option<KptShape>| {
        shape
            .map(YoloLayout::Pose)
            .ok_or("yolo-pose needs the dataset's `kpt_shape: [K, D]` in data.yaml (K points of D = 2 or 3 values)")
    };
    Ok(match choice {
        Some(LayoutChoice::Detect) => Some(YoloLayout::Detect),
        Some(LayoutChoice::Segment) => Some(YoloLayout::Segment),
        Some(LayoutChoice::Obb) => Some(YoloLayout::Obb),
        Some(LayoutChoice::Pose) => Some(pose(classes.kpt_shape)?),
        None => classes.task.or(classes.kpt_shape.map(YoloLayout::Pose)),
    })
}

/// The point names of each class with poses in the plan: `kpt_names` from
/// `data.yaml`, else Ultralytics' own default, the numbers `0` to `K-1`.
fn pose_names(
    k: KptShape,
    kpt_names: &[(u32, Vec<String>)],
    classes: &ClassMap,
    plan: &LabelFilePlan,
) -> Vec<(usize, Vec<String>)> {
    let mut posed: Vec<usize> = plan
        .shapes
        .iter()
        .filter(|s| matches!(s.shape, crate::model::Shape::Keypoints(_)))
        .map(|s| s.class)
        .collect();
    posed.sort_unstable();
    posed.dedup();
    posed
        .into_iter()
        .map(|index| {
            let named = classes
                .ids_of(index)
                .find_map(|id| kpt_names.iter().find(|(c, _)| *c == id))
                .filter(|(_, names)| names.len() == k.points);
            let names = named.map_or_else(
                || (0..k.points).map(|i| i.to_string()).collect(),
                |(_, names)| names.clone(),
            );
            (index, names)
        })
        .collect()
}

/// Checks the split lists (`data.yaml` entries and Darknet's lists at the
/// root) and returns the `.txt` files that are not label files.
fn side_files(
    root: &Path,
    class_file: &str,
    splits: Vec<String>,
    import: &mut FolderImport,
) -> HashSet<String> {
    let mut not_labels: HashSet<String> = CLASS_FILES.iter().map(|f| f.to_string()).collect();
    for split in splits {
        let entry = split.trim_start_matches("./").replace('\\', "/");
        if let Some(reason) = relative_problem(&entry) {
            import.plan.problem(
                class_file,
                0,
                format!("`{split}`: {reason}; it was not opened"),
            );
        } else if entry.ends_with(".txt") {
            not_labels.insert(entry);
        }
    }
    for list in ROOT_LISTS {
        not_labels.insert(list.to_string());
    }
    for list in &not_labels {
        if list.ends_with(".txt") && list != "classes.txt" {
            check_list_file(root, list, &import.matcher, &mut import.plan);
        }
    }
    not_labels
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

/// Reports the entries of a split list that are unsafe or name no project image.
fn check_list_file(
    root: &Path,
    list: &str,
    matcher: &PathMatcher<Target>,
    plan: &mut LabelFilePlan,
) {
    let bytes = match read_inside(root, list, LIST_FILE_CAP) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return,
        Err(message) => return plan.problem(list, 0, message),
    };
    let (paths, line_problems) = parse_list_file(&bytes);
    for p in line_problems {
        plan.problem(list, p.line, p.message);
    }
    for (line, image) in paths {
        // Darknet writes entries relative to its own folder, whose `data/`
        // holds the dataset (`data/obj_train_data/a.jpg`).
        let found = match (matcher.find(&image), image.strip_prefix("data/")) {
            (PathMatch::NotFound, Some(inside)) => matcher.find(inside),
            (found, _) => found,
        };
        match found {
            PathMatch::Found(_) => {}
            PathMatch::NotFound => {
                plan.problem(list, line, format!("image `{image}` is not in the project"));
            }
            PathMatch::Ambiguous(candidates) => plan.problem(
                list,
                line,
                format!("image `{image}` could be any of {}", candidates.join(", ")),
            ),
        }
    }
}

/// The `.txt` files under `root` other than class and list files.
fn label_files(root: &Path, not_labels: &HashSet<String>, plan: &mut LabelFilePlan) -> Vec<String> {
    let (files, errors) = files_with_ext(root, "txt");
    for (file, message) in errors {
        plan.problem(&file, 0, message);
    }
    files
        .into_iter()
        .filter(|rel| !not_labels.contains(rel))
        .collect()
}

/// One label file: read in a layout, or its rows kept until the dataset decides.
enum FileRead {
    Read(RowsRead),
    Pending(Vec<YoloRow>, Vec<LineProblem>),
}

/// A file whose rows cannot tell their layout: its path, item, rows and
/// problems, until the rest of the dataset decides.
type PendingFile = (String, Matched<Target>, Vec<YoloRow>, Vec<LineProblem>);

/// A row read: its line, class id, and its shapes and confidence or why it
/// was left out.
type RowRead = (usize, u32, Result<(RowShapes, Option<f32>), String>);

/// A file's rows as shapes in pixels.
struct RowsRead {
    layout: YoloLayout,
    rows: Vec<RowRead>,
    problems: Vec<LineProblem>,
}

/// Parses a label file (on a worker thread) and reads its rows in `known`
/// layout, or the one its rows tell, or keeps them for later.
fn read_file(
    bytes: &[u8],
    target: Target,
    known: Option<YoloLayout>,
    outside: OutsidePolicy,
) -> FileRead {
    let (rows, problems) = parse_label_file(bytes);
    let layout = known.or_else(|| file_layout(rows.iter().map(YoloRow::columns)));
    match layout {
        Some(layout) => FileRead::Read(rows_in(layout, &rows, problems, target, outside)),
        None => FileRead::Pending(rows, problems),
    }
}

fn rows_in(
    layout: YoloLayout,
    rows: &[YoloRow],
    mut problems: Vec<LineProblem>,
    (_, width, height): Target,
    outside: OutsidePolicy,
) -> RowsRead {
    if (width == 0 || height == 0) && !rows.is_empty() {
        problems.push(LineProblem {
            line: 0,
            message: "the project does not know this image's size (is the file readable?)".into(),
        });
        return RowsRead {
            layout,
            rows: Vec::new(),
            problems,
        };
    }
    let (mut boxes, mut others) = (Vec::new(), Vec::new());
    let read = rows
        .iter()
        .map(|row| {
            let shapes = read_row(row, layout).and_then(|record| {
                if record.geometry.is_box() {
                    boxes.push(row.line);
                } else {
                    others.push(row.line);
                }
                let shapes = row_shapes(&record.geometry, width, height, outside)?;
                Ok((shapes, record.confidence))
            });
            (row.line, row.class, shapes)
        })
        .collect();
    // A file that mixes boxes with other rows: each row was read as its
    // columns say, and the fewer kind is named line by line (Ultralytics
    // refuses such a file).
    if !boxes.is_empty() && !others.is_empty() {
        let rows = layout.rows();
        let (lines, what) = if boxes.len() <= others.len() {
            (
                boxes,
                format!("a box (5 columns) in a file of {rows}: read as a box"),
            )
        } else {
            (
                others,
                format!("a row of {rows} in a file of boxes: read as its columns say"),
            )
        };
        for line in lines {
            problems.push(LineProblem {
                line,
                message: format!("{what} (Ultralytics refuses files that mix them)"),
            });
        }
        problems.sort_by_key(|p| p.line);
    }
    RowsRead {
        layout,
        rows: read,
        problems,
    }
}

/// Plans a file's rows: classes by id, a pose's box and keypoints as one
/// group (numbered by the row's line), notes and problems by line.
fn plan_rows(
    plan: &mut LabelFilePlan,
    rel: &str,
    (item, width, height): Target,
    read: RowsRead,
    classes: &mut ClassMap,
) {
    for p in read.problems {
        plan.problem(rel, p.line, p.message);
    }
    for (line, class_id, shapes) in read.rows {
        let (shapes, confidence) = match shapes {
            Ok(read) => read,
            Err(message) => {
                plan.problem(rel, line, message);
                continue;
            }
        };
        let class = match classes.index(class_id) {
            Ok(class) => class,
            Err(message) => {
                plan.problem(rel, line, message);
                continue;
            }
        };
        for note in shapes.notes {
            plan.problem(rel, line, note);
        }
        if shapes.clamped {
            plan.clamped += 1;
            let what = match shapes.shapes.as_slice() {
                [Shape::Rect(_)] => "box",
                [Shape::Polygon(_)] => "polygon",
                [Shape::RotatedRect(_)] => "oriented box",
                _ => "pose",
            };
            plan.problem(
                rel,
                line,
                format!("the {what} reaches outside the {width}×{height} image; it was clamped"),
            );
        }
        plan.with_confidence += usize::from(confidence.is_some());
        let group = (shapes.shapes.len() > 1).then_some(GroupId(line as i64));
        for shape in shapes.shapes {
            plan.shapes.push(PlannedShape {
                item,
                class,
                shape,
                group,
                attributes: Default::default(),
                confidence,
            });
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

    /// The YOLO ids that map to class `index`.
    fn ids_of(&self, index: usize) -> impl Iterator<Item = u32> + '_ {
        let listed = self
            .by_id
            .iter()
            .enumerate()
            .filter(move |(_, slot)| **slot == Some(index))
            .map(|(id, _)| id as u32);
        let added = self
            .added
            .iter()
            .filter(move |(_, slot)| **slot == index)
            .map(|(id, _)| *id);
        listed.chain(added)
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
                "class id {id} is not named in {} ({} classes); the row was skipped \
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
