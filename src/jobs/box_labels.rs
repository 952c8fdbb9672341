//! The import plan shared by the formats that carry boxes with class names and
//! image-level labels by name (labelme, Label Studio, Pascal VOC, CVAT): items are
//! matched by path through [`crate::formats::label_paths`], problems are kept per
//! file and place, [`BoxPlacer`] decides which boxes of pixel formats are taken
//! (known classes, outside boxes clamped or skipped), and [`apply_box_label_plan`]
//! stores the plan as one edit (one transaction, one undo step, the current author).

use super::{JobError, add_missing_classes};
use crate::formats::label_paths::{PathMatch, PathMatcher};
use crate::formats::yolo::{OutsidePolicy, place_corners};
use crate::model::{
    AttributeDef, Attributes, BBox, Edit, ImageLabelMode, Item, ItemId, LabelId, NewBox, Rgb,
    leave_out_refused,
};
use crate::project::Project;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Something an import could not take (or took with a caveat).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportProblem {
    /// The file, relative to the folder read (or the file's name).
    pub file: String,
    /// Where in the file (`shape 3`, `task 2, annotation 0, result 1`); empty
    /// for the file as a whole.
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.at, self.message)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlannedBox {
    pub item: ItemId,
    /// Index into [`BoxLabelPlan::class_names`].
    pub class: usize,
    pub bbox: BBox,
    pub attributes: Attributes,
}

/// Image labels by name for one item, and the file that set them.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedLabels {
    pub item: ItemId,
    pub names: Vec<String>,
    pub file: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoxLabelPlan {
    pub class_names: Vec<String>,
    pub boxes: Vec<PlannedBox>,
    pub labels: Vec<PlannedLabels>,
    pub problems: Vec<ImportProblem>,
    /// Label files (labelme) or tasks (Label Studio) read.
    pub records: usize,
    pub matched: usize,
    /// Shapes or results of types this import does not take, per type.
    pub skipped: BTreeMap<String, usize>,
    /// Box attributes the file defines (CVAT's label specs), added to the
    /// schema unless it defines one of that name.
    pub attribute_defs: Vec<AttributeDef>,
    /// Colours the dataset gives its classes (VOC's `labelmap.txt`), given to
    /// the classes the import adds.
    pub class_colors: HashMap<String, Rgb>,
}

impl BoxLabelPlan {
    /// The index of a class name, added on first use.
    pub fn class(&mut self, name: &str) -> usize {
        match self.class_names.iter().position(|n| n == name) {
            Some(pos) => pos,
            None => {
                self.class_names.push(name.to_string());
                self.class_names.len() - 1
            }
        }
    }

    pub fn problem(&mut self, file: &str, at: impl Into<String>, message: impl Into<String>) {
        self.problems.push(ImportProblem {
            file: file.to_string(),
            at: at.into(),
            message: message.into(),
        });
    }

    /// Box counts of the classes the plan uses that `known` does not name.
    pub fn classes_outside(&self, known: impl Fn(&str) -> bool) -> Vec<(String, usize)> {
        let mut counts = vec![0; self.class_names.len()];
        for b in &self.boxes {
            counts[b.class] += 1;
        }
        self.class_names
            .iter()
            .zip(counts)
            .filter(|(name, n)| *n > 0 && !known(name))
            .map(|(name, n)| (name.clone(), n))
            .collect()
    }

    /// Leaves out the boxes of `classes` and the classes themselves (the user
    /// chose not to add them), noting each class and its count as a problem
    /// of `source`.
    pub fn leave_out_classes(&mut self, classes: &[(String, usize)], source: &str) {
        let names = std::mem::take(&mut self.class_names);
        let mut new_index = vec![None; names.len()];
        for (i, name) in names.into_iter().enumerate() {
            if !classes.iter().any(|(c, _)| *c == name) {
                new_index[i] = Some(self.class_names.len());
                self.class_names.push(name);
            }
        }
        self.boxes.retain_mut(|b| match new_index[b.class] {
            Some(i) => {
                b.class = i;
                true
            }
            None => false,
        });
        for (name, n) in classes {
            self.problem(
                source,
                "",
                format!("class `{name}` is not in the project; its {n} box(es) were skipped"),
            );
        }
    }

    /// Puts the names of `order` that the plan uses first, in that order (a
    /// dataset's own class list), the others after them as they came.
    pub fn order_classes(&mut self, order: &[&str]) {
        let rank = |name: &String| order.iter().position(|o| o == name).unwrap_or(order.len());
        let mut sorted: Vec<usize> = (0..self.class_names.len()).collect();
        sorted.sort_by_key(|&i| rank(&self.class_names[i]));
        let mut new_index = vec![0; sorted.len()];
        for (new, &old) in sorted.iter().enumerate() {
            new_index[old] = new;
        }
        let names = std::mem::take(&mut self.class_names);
        self.class_names = sorted.iter().map(|&i| names[i].clone()).collect();
        for b in &mut self.boxes {
            b.class = new_index[b.class];
        }
    }

    pub fn count_skipped(&mut self, skipped: BTreeMap<String, usize>) {
        for (kind, n) in skipped {
            *self.skipped.entry(kind).or_default() += n;
        }
    }
}

/// How an import of pixel boxes (VOC, CVAT) treats what does not fit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BoxImportOptions {
    /// Boxes reaching outside their image: clamped (default) or skipped.
    pub outside: OutsidePolicy,
    /// Add classes that neither the project nor the dataset's own class list
    /// names, instead of reporting and skipping their boxes.
    pub add_unknown_classes: bool,
}

/// Takes the boxes of known classes onto their images, clamped or skipped
/// when outside, and counts the boxes of unknown classes.
pub struct BoxPlacer {
    /// Class names the project or the dataset declares.
    pub known: HashSet<String>,
    pub options: BoxImportOptions,
    unknown: BTreeMap<String, usize>,
    /// The project's attribute definitions: values they refuse are left out
    /// of their box and reported where the box is.
    attribute_defs: Vec<AttributeDef>,
}

impl BoxPlacer {
    pub fn new(known: HashSet<String>, options: BoxImportOptions) -> Self {
        Self {
            known,
            options,
            unknown: BTreeMap::new(),
            attribute_defs: Vec::new(),
        }
    }

    /// Checks attribute values against `defs` (the project's), reporting a
    /// refused value at the box's file and place rather than at its image.
    pub fn with_attribute_defs(mut self, defs: &[AttributeDef]) -> Self {
        self.attribute_defs = defs.to_vec();
        self
    }

    /// Whether boxes or labels of `name` are taken.
    pub fn takes(&self, name: &str) -> bool {
        self.options.add_unknown_classes || self.known.contains(name)
    }

    /// Plans one box of class `class` onto `target`, or notes (in `file` at
    /// `at()`, made only then) why not.
    pub fn place(
        &mut self,
        plan: &mut BoxLabelPlan,
        (file, at): (&str, impl Fn() -> String),
        target: Target,
        class: &str,
        bbox: BBox,
        mut attributes: Attributes,
    ) {
        if !self.takes(class) {
            *self.unknown.entry(class.to_string()).or_default() += 1;
            return;
        }
        let (item, width, height) = target;
        let corners = [bbox.min_x, bbox.min_y, bbox.max_x, bbox.max_y].map(f64::from);
        match place_corners(corners, width, height, self.options.outside) {
            Ok(placed) => {
                if placed.clamped {
                    plan.problem(
                        file,
                        at(),
                        format!(
                            "the box reaches outside the {width}×{height} image; it was clamped"
                        ),
                    );
                }
                leave_out_refused(&mut attributes, &self.attribute_defs, |reason| {
                    plan.problem(file, at(), reason);
                });
                let class = plan.class(class);
                plan.boxes.push(PlannedBox {
                    item,
                    class,
                    bbox: placed.bbox,
                    attributes,
                });
            }
            Err(message) => plan.problem(file, at(), message),
        }
    }

    /// Reports (at `file`) the classes whose boxes were left out, saying
    /// where known classes are declared (`labelmap.txt`).
    pub fn report_unknown(self, plan: &mut BoxLabelPlan, file: &str, declared_in: &str) {
        for (name, n) in self.unknown {
            plan.problem(
                file,
                "",
                format!(
                    "class `{name}` is in neither the project nor {declared_in}; its {n} box(es) were skipped (--add-unknown-classes adds it)"
                ),
            );
        }
    }
}

/// Notes (in `file` at `at`) a size a file gives for an image that differs
/// from the project's.
pub fn check_size(
    plan: &mut BoxLabelPlan,
    (file, at): (&str, &str),
    said: Option<(u32, u32)>,
    (_, width, height): Target,
) {
    if let Some((w, h)) = said
        && (w, h) != (width, height)
    {
        plan.problem(
            file,
            at,
            format!("the file says the image is {w}×{h}, the project has {width}×{height}; boxes are kept in pixels"),
        );
    }
}

/// An item a record may be for: its id and EXIF-oriented size.
pub type Target = (ItemId, u32, u32);

/// The project's readable items indexed by path; `format_folders` are the
/// folders the format adds to paths (VOC's `JPEGImages`), left out when matching.
pub fn item_matcher(items: &[Item], format_folders: &[&str]) -> PathMatcher<Target> {
    PathMatcher::new(
        items
            .iter()
            .filter(|it| !it.is_broken() && it.width > 0 && it.height > 0)
            .map(|it| (it.rel_path.clone(), (it.id, it.width, it.height))),
        format_folders,
    )
}

/// The item `path` names, or why there is none.
pub fn find_item(matcher: &PathMatcher<Target>, path: &str) -> Result<Target, String> {
    match matcher.find(path) {
        PathMatch::Found(target) => Ok(target),
        PathMatch::NotFound => Err(format!("no image in the project matches `{path}`")),
        PathMatch::Ambiguous(candidates) => Err(format!(
            "several images match `{path}` ({}); skipped",
            candidates.join(", ")
        )),
    }
}

/// What an import stored and what it could not take.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoxLabelReport {
    pub boxes: usize,
    pub labelled_items: usize,
    pub new_classes: Vec<String>,
    pub new_labels: Vec<String>,
    /// Box attributes added to the schema.
    pub new_attributes: Vec<String>,
    pub problems: Vec<ImportProblem>,
    pub records: usize,
    pub matched: usize,
    pub skipped: BTreeMap<String, usize>,
}

/// Stores a plan: box classes the schema lacks are added; image labels it
/// lacks are added only with `add_unknown_labels`, else reported. Boxes and
/// labels go in as one `Edit::Batch`; the schema is restored if that fails.
pub fn apply_box_label_plan(
    project: &mut Project,
    mut plan: BoxLabelPlan,
    add_unknown_labels: bool,
) -> Result<BoxLabelReport, JobError> {
    let new_labels = missing_labels(project, &plan, add_unknown_labels);
    let new_defs: Vec<AttributeDef> = plan
        .attribute_defs
        .iter()
        .filter(|d| project.schema().attribute(&d.name).is_none())
        .cloned()
        .collect();
    let new_attributes: Vec<String> = new_defs.iter().map(|d| d.name.clone()).collect();
    if !new_labels.is_empty() || !new_defs.is_empty() {
        project.update_schema(|s| {
            for name in &new_labels {
                s.add_image_label(name);
            }
            for def in &new_defs {
                s.add_attribute(def.clone());
            }
        })?;
    }
    let (new_classes, _) = add_missing_classes(project, &plan.class_names)?;
    if new_classes
        .iter()
        .any(|c| plan.class_colors.contains_key(c))
    {
        project.update_schema(|s| {
            for class in &mut s.classes {
                if let Some(&color) = plan.class_colors.get(&class.name)
                    && new_classes.contains(&class.name)
                {
                    class.color = color;
                }
            }
        })?;
    }
    let built = build_edit(project, &mut plan);
    let stored = built.and_then(|(edit, boxes, labelled)| {
        if let Edit::Batch(edits) = &edit
            && !edits.is_empty()
        {
            project.apply(edit)?;
        }
        Ok((boxes, labelled))
    });
    let (boxes, labelled_items) = match stored {
        Ok(done) => done,
        Err(err) => {
            project.update_schema(|s| {
                s.classes.retain(|c| !new_classes.contains(&c.name));
                s.image_labels.retain(|l| !new_labels.contains(&l.name));
                s.box_attributes
                    .retain(|a| !new_attributes.contains(&a.name));
            })?;
            return Err(err);
        }
    };
    Ok(BoxLabelReport {
        boxes,
        labelled_items,
        new_classes,
        new_labels,
        new_attributes,
        problems: plan.problems,
        records: plan.records,
        matched: plan.matched,
        skipped: plan.skipped,
    })
}

fn missing_labels(project: &Project, plan: &BoxLabelPlan, add: bool) -> Vec<String> {
    if !add {
        return Vec::new();
    }
    let mut missing: Vec<String> = Vec::new();
    for name in plan.labels.iter().flat_map(|l| &l.names) {
        if !project
            .schema()
            .image_labels
            .iter()
            .any(|l| &l.name == name)
            && !missing.contains(name)
        {
            missing.push(name.clone());
        }
    }
    missing
}

/// The batch edit of a plan (after the schema has every class), the number of
/// boxes and of items whose labels it sets. Unknown labels, and attribute
/// values the schema's definition does not take, become problems.
fn build_edit(
    project: &Project,
    plan: &mut BoxLabelPlan,
) -> Result<(Edit, usize, usize), JobError> {
    let schema = project.schema();
    let mut boxes = Vec::with_capacity(plan.boxes.len());
    let mut problems = Vec::new();
    for b in &plan.boxes {
        let name = &plan.class_names[b.class];
        let class = schema
            .class_by_name(name)
            .ok_or_else(|| JobError::Failed(format!("class {name} is missing from the schema")))?;
        let mut attributes = b.attributes.clone();
        leave_out_refused(&mut attributes, &schema.box_attributes, |message| {
            let file = project
                .item(b.item)
                .map_or_else(|| format!("item {}", b.item), |it| it.rel_path.clone());
            problems.push(ImportProblem {
                file,
                at: format!("a `{name}` box"),
                message,
            });
        });
        boxes.push(NewBox {
            item: b.item,
            class: class.id,
            bbox: b.bbox,
            attributes,
        });
    }
    let label_id: HashMap<&str, LabelId> = schema
        .image_labels
        .iter()
        .map(|l| (l.name.as_str(), l.id))
        .collect();
    let single = schema.image_label_mode == ImageLabelMode::Single;
    let mut by_item: BTreeMap<ItemId, Vec<LabelId>> = BTreeMap::new();
    for planned in &plan.labels {
        let mut ids = Vec::new();
        for name in &planned.names {
            match label_id.get(name.as_str()) {
                Some(&id) => ids.push(id),
                None => problems.push(ImportProblem {
                    file: planned.file.clone(),
                    at: String::new(),
                    message: format!(
                        "image label `{name}` is not in the project's schema; skipped \
                         (--add-unknown-classes adds it)"
                    ),
                }),
            }
        }
        if ids.is_empty() {
            continue;
        }
        let labels = match by_item.get(&planned.item) {
            Some(labels) => labels.clone(),
            None => project.image_labels(planned.item)?,
        };
        let mut merged = if single { Vec::new() } else { labels };
        merged.extend(ids);
        merged.sort();
        merged.dedup();
        if single && merged.len() > 1 {
            problems.push(ImportProblem {
                file: planned.file.clone(),
                at: String::new(),
                message: "the project takes one image label per image and this file sets several; its labels were skipped".into(),
            });
            continue;
        }
        by_item.insert(planned.item, merged);
    }
    plan.problems.extend(problems);
    let (box_count, labelled) = (boxes.len(), by_item.len());
    let mut edits = Vec::new();
    if !boxes.is_empty() {
        edits.push(Edit::AddBoxes(boxes));
    }
    edits.extend(
        by_item
            .into_iter()
            .map(|(item, labels)| Edit::SetImageLabels { item, labels }),
    );
    Ok((Edit::Batch(edits), box_count, labelled))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(plan: &mut BoxLabelPlan, item: i64, class: &str) {
        let class = plan.class(class);
        plan.boxes.push(PlannedBox {
            item: ItemId(item),
            class,
            bbox: BBox::from_corners([0.0, 0.0], [1.0, 1.0]),
            attributes: Attributes::new(),
        });
    }

    #[test]
    fn classes_left_out_take_their_boxes_and_names_with_them() {
        let mut plan = BoxLabelPlan::default();
        planned(&mut plan, 1, "car");
        planned(&mut plan, 1, "行人");
        planned(&mut plan, 2, "bus");
        planned(&mut plan, 2, "行人");
        let unknown = plan.classes_outside(|name| name == "car");
        assert_eq!(unknown, [("行人".to_string(), 2), ("bus".to_string(), 1)]);

        plan.leave_out_classes(&unknown, "voc");
        assert_eq!(plan.class_names, ["car"]);
        assert_eq!(plan.boxes.len(), 1);
        assert_eq!((plan.boxes[0].item, plan.boxes[0].class), (ItemId(1), 0));
        assert_eq!(plan.problems.len(), 2);
        assert!(plan.problems[0].to_string().contains("`行人`"));
    }

    #[test]
    fn a_dataset_class_list_orders_the_classes_it_names() {
        let mut plan = BoxLabelPlan::default();
        planned(&mut plan, 1, "bus");
        planned(&mut plan, 1, "行人");
        planned(&mut plan, 2, "car");
        plan.order_classes(&["car", "truck", "bus"]);
        assert_eq!(plan.class_names, ["car", "bus", "行人"]);
        let classes: Vec<&str> = plan
            .boxes
            .iter()
            .map(|b| plan.class_names[b.class].as_str())
            .collect();
        assert_eq!(classes, ["bus", "行人", "car"]);
    }
}
