//! Pieces shared by the per-image exports (YOLO, VOC, CVAT, labelme, Label
//! Studio): which items and annotations can be written, and the check that an
//! output folder may be replaced. The formats that hold boxes only write a
//! shape of another kind as its bounding box ([`box_to_write`]), and the
//! report says so for each one; those that hold every shape (CVAT, labelme)
//! write it as it is ([`shape_to_write`]).

use crate::formats::coco::OUTSIDE_TOLERANCE_PX;
use crate::model::{Annotation, BBox, ClassId, Item, ItemId, LabelId, Shape};
use crate::project::Project;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a per-image export (labelme files, Label Studio tasks) wrote and
/// what it left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImageExportReport {
    /// Images written: labelme files, or Label Studio tasks.
    pub images: usize,
    /// Annotations written (boxes, in the formats that hold boxes only).
    pub boxes: usize,
    /// Items left out, with the reason.
    pub left_out: Vec<(String, String)>,
    /// Annotations left out (outside their image, without an area, or of a
    /// class not in the schema), by image path.
    pub left_out_annotations: Vec<(String, String)>,
    /// Annotations of another shape written as their bounding box, by image path.
    pub as_boxes: Vec<(String, String)>,
    /// Annotations written in another form the format has (a polygon of
    /// several parts as several polygons, keypoints without their
    /// unlabelled points), by image path.
    pub converted: Vec<(String, String)>,
}

/// Refuses an existing `out` that holds entries `is_own` does not recognise,
/// or the project's image folder or the project itself, so a mistyped path
/// cannot wipe other files: a folder export replaces `out` whole. `what`
/// names the format.
pub(crate) fn check_output(
    project: &Project,
    out: &Path,
    what: &str,
    is_own: impl Fn(&std::fs::DirEntry) -> bool,
) -> Result<(), super::JobError> {
    if !out.exists() {
        return Ok(());
    }
    let fail = |e: String| super::JobError::Failed(format!("{}: {e}", out.display()));
    let out_real = out.canonicalize().map_err(|e| fail(e.to_string()))?;
    for (inside, name) in [
        (project.image_root(), "image folder"),
        (project.dir().to_path_buf(), "folder"),
    ] {
        if inside
            .canonicalize()
            .is_ok_and(|inside| inside.starts_with(&out_real))
        {
            return Err(fail(format!(
                "holds the project's {name}, which a {what} export would replace; choose an empty or new folder"
            )));
        }
    }
    if !out.is_dir() {
        return Err(fail(format!(
            "exists and is not a folder; a {what} export is a folder"
        )));
    }
    let entries = std::fs::read_dir(out).map_err(|e| fail(e.to_string()))?;
    let foreign: Vec<String> = entries
        .flatten()
        .filter(|e| !is_own(e))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .take(3)
        .collect();
    if foreign.is_empty() {
        Ok(())
    } else {
        Err(fail(format!(
            "holds files that are not part of a {what} export ({}); choose an empty or new folder",
            foreign.join(", ")
        )))
    }
}

/// A file written beside an export's output and named from its stem:
/// `out.json` → `out.<suffix>`. Companion files are written only together
/// with the output the user named, and never deleted.
pub(crate) fn companion_path(out: &Path, suffix: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    out.with_file_name(format!("{stem}.{suffix}"))
}

/// Boxes sorted by item, grouped per item.
pub(crate) fn group_by_item(sorted: &[Annotation]) -> HashMap<ItemId, &[Annotation]> {
    let mut groups = HashMap::new();
    for run in sorted.chunk_by(|a, b| a.item == b.item) {
        groups.insert(run[0].item, run);
    }
    groups
}

/// Why an item cannot be exported, if it cannot.
pub(crate) fn unusable(item: &Item) -> Option<String> {
    if let Some(error) = &item.error {
        Some(format!("the image cannot be read: {error}"))
    } else if item.width == 0 || item.height == 0 {
        Some("the image size is unknown".into())
    } else {
        None
    }
}

/// Why an annotation cannot be written, if it cannot: its class is not in
/// `classes`, or its shape reaches past its image further than the
/// tolerance (or, with `needs_area`, its box has no area).
fn unwritable<V>(
    a: &Annotation,
    item: &Item,
    classes: &HashMap<ClassId, V>,
    (bbox, needs_area): (BBox, bool),
) -> Option<String> {
    let tol = OUTSIDE_TOLERANCE_PX as f32;
    let (w, h) = (item.width as f32, item.height as f32);
    let kind = a.shape.kind().as_str();
    if !classes.contains_key(&a.class) {
        Some(format!(
            "{kind} {}: class id {} is not in the schema",
            a.id, a.class
        ))
    } else if (needs_area && !bbox.is_proper())
        || bbox.min_x < -tol
        || bbox.min_y < -tol
        || bbox.max_x > w + tol
        || bbox.max_y > h + tol
    {
        Some(format!(
            "{kind} {}: its box {:?} does not fit the {}×{} image",
            a.id,
            bbox.to_xywh(),
            item.width,
            item.height
        ))
    } else {
        None
    }
}

/// The shape an annotation is written as in a format that holds every
/// shape: as it is, or clamped to the image when it overhangs by less than
/// the tolerance; `None` when it cannot be written (noted in `left_out`,
/// by image path).
pub(crate) fn shape_to_write<'a, V>(
    a: &'a Annotation,
    item: &Item,
    classes: &HashMap<ClassId, V>,
    left_out: &mut Vec<(String, String)>,
) -> Option<Cow<'a, Shape>> {
    let bbox = a.bounds();
    if let Some(problem) = unwritable(a, item, classes, (bbox, a.shape.kind().has_area())) {
        left_out.push((item.rel_path.clone(), problem));
        return None;
    }
    let (w, h) = (item.width as f32, item.height as f32);
    let mask_fits = match &a.shape {
        Shape::Mask(m) => (m.width(), m.height()) == (item.width, item.height),
        _ => true,
    };
    if mask_fits && bbox.min_x >= 0.0 && bbox.min_y >= 0.0 && bbox.max_x <= w && bbox.max_y <= h {
        return Some(Cow::Borrowed(&a.shape));
    }
    match a.shape.clamped(w, h) {
        Some(shape) => Some(Cow::Owned(shape)),
        None => {
            let kind = a.shape.kind().as_str();
            let problem = format!("{kind} {}: nothing of it is inside its image", a.id);
            left_out.push((item.rel_path.clone(), problem));
            None
        }
    }
}

/// The box an annotation is written as in a box-only format: a box as it
/// is, another shape as its bounding box (noted in `as_boxes`), clamped to
/// the image; `None` when it cannot be written (its class is not in
/// `classes`, or its box does not fit its image), noted in `left_out`. Notes
/// are by image path.
pub(crate) fn box_to_write<V>(
    a: &Annotation,
    item: &Item,
    classes: &HashMap<ClassId, V>,
    left_out: &mut Vec<(String, String)>,
    as_boxes: &mut Vec<(String, String)>,
) -> Option<BBox> {
    let (w, h) = (item.width as f32, item.height as f32);
    let bbox = a.bounds();
    let kind = a.shape.kind().as_str();
    // A box-only format needs an area even of lines and points.
    if let Some(problem) = unwritable(a, item, classes, (bbox, true)) {
        left_out.push((item.rel_path.clone(), problem));
        return None;
    }
    if !matches!(a.shape, Shape::Rect(_)) {
        as_boxes.push((
            item.rel_path.clone(),
            format!(
                "{kind} {} was written as its bounding box: the format holds boxes only",
                a.id
            ),
        ));
    }
    Some(bbox.clamped(w, h))
}

/// Files under `root` whose name ends with `.ext`, sorted, as `/`-separated
/// relative paths, and the entries that could not be read (path, message).
/// Hidden folders and symbolic links are skipped.
pub(crate) fn files_with_ext(root: &Path, ext: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let walk = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let file = e
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map_or_else(|| ".".to_string(), |p| p.to_string_lossy().into_owned());
                errors.push((file, format!("cannot be read: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|x| x != ext) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.push(rel.join("/"));
    }
    (files, errors)
}

/// The bytes of a file the user named, of at most `max` bytes; only a
/// regular file is read (see [`super::safe_read::read_named`]).
pub(crate) fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    super::safe_read::read_named(path, max)
}

/// What the per-image exports read from a project: class names, boxes sorted
/// by item (group them with [`group_by_item`]) and image labels per item.
pub(crate) struct ExportData<'a> {
    pub class_name: HashMap<ClassId, &'a str>,
    pub boxes: Vec<Annotation>,
    pub labels: HashMap<ItemId, Vec<LabelId>>,
}

impl<'a> ExportData<'a> {
    pub fn read(project: &'a Project) -> Result<Self, super::JobError> {
        let class_name = project
            .schema()
            .classes
            .iter()
            .map(|c| (c.id, c.name.as_str()))
            .collect();
        let mut boxes = project.all_annotations()?;
        boxes.sort_unstable_by_key(|b| (b.item, b.id));
        let labels = project.all_image_labels()?.into_iter().collect();
        Ok(Self {
            class_name,
            boxes,
            labels,
        })
    }
}

/// Writes `files` (relative path, contents) under `dir`, making folders,
/// reporting progress.
pub(crate) fn write_files(
    dir: &Path,
    files: &[(String, String)],
    progress: &mut dyn FnMut(super::Progress),
) -> std::io::Result<()> {
    let total = Some(files.len());
    for (done, (rel, text)) in files.iter().enumerate() {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        if done % 1024 == 0 {
            progress(super::Progress { done, total });
        }
    }
    progress(super::Progress {
        done: files.len(),
        total,
    });
    Ok(())
}
