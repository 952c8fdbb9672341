//! The import plan shared by the formats that carry boxes with class names and
//! image-level labels by name (labelme, Label Studio, Pascal VOC, CVAT): items are
//! matched by path through [`crate::formats::label_paths`], problems are kept per
//! file and place, [`BoxPlacer`] decides which boxes are taken (known classes;
//! boxes outside their image or with absurd corners clamped or skipped) for all
//! four formats, and [`apply_box_label_plan`] stores the plan as one edit (one
//! transaction, one undo step, the current author), switching a single-label
//! project to several labels per image when asked.

use super::{JobError, add_missing_classes};
use crate::formats::label_paths::{
    ItemClaims, Matched, PathMatch, PathMatcher, Refused, remove_ranges,
};
use crate::formats::yolo::{OutsidePolicy, place_corners};
use crate::model::{
    AttributeDef, Attributes, BBox, Edit, ImageLabelMode, Item, ItemId, LabelId, LabelSchema,
    NewAnnotation, Rgb, Shape, leave_out_refused,
};
use crate::project::Project;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

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
    /// Labels the files list (CVAT's `<meta>`) that no box or tag uses: not
    /// added, only named.
    pub unused_labels: Vec<String>,
    /// Colours the dataset gives its classes (VOC's `labelmap.txt`), given to
    /// the classes the import adds.
    pub class_colors: HashMap<String, Rgb>,
    /// The names the dataset's own class list declares (VOC's
    /// `labelmap.txt`, CVAT's `<meta>` labels): taken without asking, where
    /// other names the project lacks need `--add-unknown-classes`.
    pub declared: Vec<String>,
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

    /// Keeps only the classes boxes use, those named in `order` first and in
    /// its order (a file's own class list), and returns the names dropped.
    pub fn keep_used_classes(&mut self, order: &[&str]) -> Vec<String> {
        let mut used = vec![false; self.class_names.len()];
        for b in &self.boxes {
            used[b.class] = true;
        }
        let rank = |name: &str| order.iter().position(|o| *o == name).unwrap_or(order.len());
        let mut kept: Vec<usize> = (0..self.class_names.len()).filter(|&i| used[i]).collect();
        kept.sort_by_key(|&i| rank(&self.class_names[i]));
        let mut new_index = vec![0; self.class_names.len()];
        for (new, &old) in kept.iter().enumerate() {
            new_index[old] = new;
        }
        for b in &mut self.boxes {
            b.class = new_index[b.class];
        }
        let names = std::mem::take(&mut self.class_names);
        self.class_names = kept.iter().map(|&i| names[i].clone()).collect();
        names
            .into_iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(name, _)| name)
            .collect()
    }

    /// The image labels the plan gives each item, with the file that gave
    /// them, in plan order and each name once.
    fn labels_by_item(&self) -> BTreeMap<ItemId, Vec<(&str, &str)>> {
        let mut by_item: BTreeMap<ItemId, Vec<(&str, &str)>> = BTreeMap::new();
        for planned in &self.labels {
            let names = by_item.entry(planned.item).or_default();
            for name in &planned.names {
                if !names.iter().any(|(n, _)| n == name) {
                    names.push((name, &planned.file));
                }
            }
        }
        by_item
    }

    /// How many images would get several image labels, counting only the
    /// labels `takes` (those the schema has or the import adds).
    pub fn images_with_several_labels(&self, takes: impl Fn(&str) -> bool) -> usize {
        self.labels_by_item()
            .values()
            .filter(|names| names.iter().filter(|(n, _)| takes(n)).count() > 1)
            .count()
    }

    pub fn count_skipped(&mut self, skipped: BTreeMap<String, usize>) {
        for (kind, n) in skipped {
            *self.skipped.entry(kind).or_default() += n;
        }
    }
}

/// How an import of boxes and image labels treats what does not fit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BoxImportOptions {
    /// Boxes reaching outside their image: clamped (default) or skipped.
    pub outside: OutsidePolicy,
    /// VOC and CVAT: add classes that neither the project nor the dataset's
    /// own class list names, instead of reporting and skipping their boxes.
    /// labelme and Label Studio (whose classes are always added): add the
    /// image labels (flags, choices) the schema lacks.
    pub add_unknown_classes: bool,
    /// See [`LabelOptions::multi_label`].
    pub multi_label: bool,
}

/// How [`apply_box_label_plan`] stores a plan's image labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LabelOptions {
    /// Add the image labels the schema lacks, instead of reporting them.
    pub add_unknown: bool,
    /// When images get several image labels and the project takes one per
    /// image, switch the project to several (in the import's own edit, so
    /// its undo switches back) instead of skipping those images' labels.
    pub multi_label: bool,
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

    /// A placer for formats whose class names are always taken (labelme,
    /// Label Studio).
    pub fn any_class(outside: OutsidePolicy) -> Self {
        let options = BoxImportOptions {
            outside,
            add_unknown_classes: true,
            ..BoxImportOptions::default()
        };
        Self::new(HashSet::new(), options)
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

/// The project's readable items indexed by path, under the image root
/// `image_root`; `format_folders` are the folders the format adds to paths
/// (VOC's `JPEGImages`), left out when matching.
pub fn item_matcher(
    items: &[Item],
    image_root: &Path,
    format_folders: &[&str],
) -> PathMatcher<Target> {
    PathMatcher::new(
        items
            .iter()
            .filter(|it| !it.is_broken() && it.width > 0 && it.height > 0)
            .map(|it| (it.rel_path.clone(), (it.id, it.width, it.height))),
        format_folders,
    )
    .with_root(image_root)
}

/// The item `path` names, or why there is none.
pub fn find_item(matcher: &PathMatcher<Target>, path: &str) -> Result<Matched<Target>, String> {
    match matcher.find(path) {
        PathMatch::Found(matched) => Ok(matched),
        PathMatch::NotFound => Err(format!("no image in the project matches `{path}`")),
        PathMatch::Ambiguous(candidates) => Err(format!(
            "several images match `{path}` ({}); skipped",
            candidates.join(", ")
        )),
    }
}

/// Where the next record's boxes and labels begin in a plan.
#[derive(Clone, Copy, Debug)]
pub struct PlanMark {
    boxes: usize,
    labels: usize,
}

impl BoxLabelPlan {
    pub fn mark(&self) -> PlanMark {
        PlanMark {
            boxes: self.boxes.len(),
            labels: self.labels.len(),
        }
    }
}

/// The records of a box-label import that landed on each item, with what
/// each planned: two records on one item never merge silently
/// ([`ItemClaims`]).
#[derive(Default)]
pub struct RecordClaims {
    claims: ItemClaims<ItemId>,
    /// Per claim: file, place, and the boxes and labels it planned.
    planned: Vec<(String, String, Range<usize>, Range<usize>)>,
}

impl RecordClaims {
    /// Notes that the record at `file` and `at`, matched as `matched`,
    /// planned what `plan` gained since `mark`. A record that planned nothing
    /// claims nothing: it cannot merge into another.
    pub fn claim(
        &mut self,
        plan: &BoxLabelPlan,
        mark: PlanMark,
        (file, at): (&str, &str),
        matched: &Matched<Target>,
    ) {
        if (mark.boxes, mark.labels) == (plan.boxes.len(), plan.labels.len()) {
            return;
        }
        let record = if at.is_empty() {
            file.to_string()
        } else {
            format!("{file}: {at}")
        };
        self.claims.claim(matched.value.0, record, matched);
        self.planned.push((
            file.to_string(),
            at.to_string(),
            mark.boxes..plan.boxes.len(),
            mark.labels..plan.labels.len(),
        ));
    }

    /// Leaves out what the records that lose their item planned, and
    /// reports each.
    pub fn settle(self, plan: &mut BoxLabelPlan) {
        let refused = self.claims.refused();
        let mut boxes = Vec::with_capacity(refused.len());
        let mut labels = Vec::with_capacity(refused.len());
        for Refused { claim, message } in refused {
            let (file, at, planned_boxes, planned_labels) = &self.planned[claim];
            plan.problem(file, at.as_str(), message);
            plan.matched = plan.matched.saturating_sub(1);
            boxes.push(planned_boxes.clone());
            labels.push(planned_labels.clone());
        }
        remove_ranges(&mut plan.boxes, &boxes);
        remove_ranges(&mut plan.labels, &labels);
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
    /// See [`BoxLabelPlan::unused_labels`].
    pub unused_labels: Vec<String>,
    /// Images that got several image labels in a project that takes one,
    /// whose labels were left out (without [`LabelOptions::multi_label`]).
    pub several_labels_skipped: usize,
    /// The import switched the project to several image labels per image.
    pub switched_to_multi_label: bool,
}

/// The image labels a plan sets, by name, and what it leaves out.
struct LabelChoice {
    /// Per item, the names to set (merged with the item's labels when the
    /// project takes several).
    by_item: Vec<(ItemId, Vec<String>)>,
    /// Names the schema lacks, to add.
    missing: Vec<String>,
    several_skipped: usize,
    switch: bool,
    problems: Vec<ImportProblem>,
}

/// Which of a plan's image labels are stored: names the schema lacks only
/// with `add_unknown` (else each is reported); an image with several in a
/// single-label project switches the project with `multi_label`, else its
/// labels are left out and counted.
fn choose_labels(schema: &LabelSchema, plan: &BoxLabelPlan, options: LabelOptions) -> LabelChoice {
    let in_schema = |name: &str| schema.image_labels.iter().any(|l| l.name == name);
    let takes = |name: &str| options.add_unknown || in_schema(name);
    let single = schema.image_label_mode == ImageLabelMode::Single;
    let switch = single && options.multi_label && plan.images_with_several_labels(takes) > 0;
    let mut choice = LabelChoice {
        by_item: Vec::new(),
        missing: Vec::new(),
        several_skipped: 0,
        switch,
        problems: Vec::new(),
    };
    for (item, entries) in plan.labels_by_item() {
        let mut names = Vec::new();
        for (name, file) in entries {
            if takes(name) {
                names.push(name.to_string());
            } else {
                choice.problems.push(ImportProblem {
                    file: file.to_string(),
                    at: String::new(),
                    message: format!(
                        "image label `{name}` is not in the project's schema; skipped \
                         (--add-unknown-classes adds it)"
                    ),
                });
            }
        }
        if single && !switch && names.len() > 1 {
            choice.several_skipped += 1;
            continue;
        }
        for name in &names {
            if !in_schema(name) && !choice.missing.contains(name) {
                choice.missing.push(name.clone());
            }
        }
        if !names.is_empty() {
            choice.by_item.push((item, names));
        }
    }
    choice
}

/// Stores a plan: box classes the schema lacks are added, and image labels as
/// `options` say. Boxes and labels go in as one `Edit::Batch`, with the switch
/// to several labels per image if there is one; the schema is restored if that
/// fails.
pub fn apply_box_label_plan(
    project: &mut Project,
    mut plan: BoxLabelPlan,
    options: LabelOptions,
) -> Result<BoxLabelReport, JobError> {
    let labels = choose_labels(project.schema(), &plan, options);
    plan.problems.extend(labels.problems.iter().cloned());
    let new_labels = labels.missing.clone();
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
    let built = build_edit(project, &mut plan, &labels);
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
                s.attributes.retain(|a| !new_attributes.contains(&a.name));
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
        unused_labels: plan.unused_labels,
        several_labels_skipped: labels.several_skipped,
        switched_to_multi_label: labels.switch,
    })
}

/// The batch edit of a plan (after the schema has every class and label),
/// the number of boxes and of items whose labels it sets. Attribute values
/// the schema's definition does not take become problems.
fn build_edit(
    project: &Project,
    plan: &mut BoxLabelPlan,
    labels: &LabelChoice,
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
        leave_out_refused(&mut attributes, &schema.attributes, |message| {
            let file = project
                .item(b.item)
                .map_or_else(|| format!("item {}", b.item), |it| it.rel_path.clone());
            problems.push(ImportProblem {
                file,
                at: format!("a `{name}` box"),
                message,
            });
        });
        boxes.push(NewAnnotation {
            attributes,
            ..NewAnnotation::new(b.item, class.id, Shape::Rect(b.bbox))
        });
    }
    plan.problems.extend(problems);
    let label_id: HashMap<&str, LabelId> = schema
        .image_labels
        .iter()
        .map(|l| (l.name.as_str(), l.id))
        .collect();
    let merge = schema.image_label_mode == ImageLabelMode::Multi || labels.switch;
    let mut edits = Vec::new();
    if labels.switch {
        edits.push(Edit::SetImageLabelMode {
            from: ImageLabelMode::Single,
            to: ImageLabelMode::Multi,
        });
    }
    let box_count = boxes.len();
    if !boxes.is_empty() {
        edits.push(Edit::AddAnnotations(boxes));
    }
    for (item, names) in &labels.by_item {
        let mut ids = if merge {
            project.image_labels(*item)?
        } else {
            Vec::new()
        };
        ids.extend(
            names
                .iter()
                .filter_map(|n| label_id.get(n.as_str()).copied()),
        );
        ids.sort();
        ids.dedup();
        edits.push(Edit::SetImageLabels {
            item: *item,
            labels: ids,
        });
    }
    Ok((Edit::Batch(edits), box_count, labels.by_item.len()))
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
    fn unused_classes_are_dropped_and_the_rest_ordered_by_the_list() {
        let mut plan = BoxLabelPlan::default();
        for name in ["truck", "car", "bus"] {
            plan.class(name);
        }
        planned(&mut plan, 1, "bus");
        planned(&mut plan, 2, "van");
        planned(&mut plan, 2, "car");
        let dropped = plan.keep_used_classes(&["car", "bus", "truck"]);
        assert_eq!(dropped, ["truck"]);
        assert_eq!(plan.class_names, ["car", "bus", "van"]);
        let classes: Vec<&str> = plan
            .boxes
            .iter()
            .map(|b| plan.class_names[b.class].as_str())
            .collect();
        assert_eq!(classes, ["bus", "van", "car"], "each box keeps its class");
    }

    #[test]
    fn several_labels_are_counted_per_image_across_files() {
        let mut plan = BoxLabelPlan::default();
        for (item, names) in [
            (1, ["night", "rain"]),
            (2, ["night", "night"]),
            (3, ["night", "fog"]),
        ] {
            plan.labels.push(PlannedLabels {
                item: ItemId(item),
                names: names.map(String::from).to_vec(),
                file: format!("{item}.json"),
            });
        }
        plan.labels.push(PlannedLabels {
            item: ItemId(2),
            names: vec!["rain".into()],
            file: "again.json".into(),
        });
        assert_eq!(plan.images_with_several_labels(|_| true), 3);
        assert_eq!(plan.images_with_several_labels(|n| n != "fog"), 2);
    }
}
