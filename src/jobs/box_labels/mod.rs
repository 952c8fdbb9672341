//! The import plan shared by the formats that carry shapes with class names
//! and image-level labels by name (labelme, Label Studio, Pascal VOC, CVAT):
//! items are matched by path through [`crate::formats::label_paths`], problems
//! are kept per file and place, [`BoxPlacer`] decides which shapes are taken
//! (known classes; shapes outside their image clamped or skipped, boxes with
//! absurd corners skipped) for all four formats, and [`apply_box_label_plan`]
//! stores the plan as one edit (one transaction, one undo step, the current
//! author), giving the keypoint classes it adds the point names and skeleton
//! the files declare, leaving out the shapes a class cannot take (reported),
//! and switching a single-label project to several labels per image when
//! asked. VOC and Label Studio plan boxes; CVAT and labelme every shape.

mod apply;
mod claims;
mod placer;

pub use apply::{BoxLabelReport, apply_box_label_plan};
pub use claims::{PlanMark, RecordClaims};
pub use placer::{BoxPlacer, ShapeIn, Target, check_size, find_item, fit_to_image, item_matcher};

use crate::formats::yolo::OutsidePolicy;
use crate::model::{AttributeDef, ItemId, Rgb};
use std::collections::{BTreeMap, HashMap};

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

/// A shape placed on its item: the label files' own (without a score here).
pub use super::label_files::PlannedShape;

/// Image labels by name for one item, and the file that set them.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedLabels {
    pub item: ItemId,
    pub names: Vec<String>,
    pub file: String,
}

/// A keypoint class as a file declares it: its points' names, in the order
/// the plan's keypoint shapes of the class hold them, and its skeleton's
/// edges (0-based indices into the names).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassKeypoints {
    pub names: Vec<String>,
    pub skeleton: Vec<(usize, usize)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoxLabelPlan {
    pub class_names: Vec<String>,
    pub shapes: Vec<PlannedShape>,
    pub labels: Vec<PlannedLabels>,
    pub problems: Vec<ImportProblem>,
    /// Label files (labelme) or tasks (Label Studio) read.
    pub records: usize,
    pub matched: usize,
    /// Shapes or results of types this import does not take, per type.
    pub skipped: BTreeMap<String, usize>,
    /// Attributes the file defines (CVAT's label specs), added to the
    /// schema unless it defines one of that name.
    pub attribute_defs: Vec<AttributeDef>,
    /// Labels the files list (CVAT's `<meta>`) that no shape or tag uses:
    /// not added, only named.
    pub unused_labels: Vec<String>,
    /// Colours the dataset gives its classes (VOC's `labelmap.txt`), given to
    /// the classes the import adds.
    pub class_colors: HashMap<String, Rgb>,
    /// The keypoint classes the files declare, by class name (CVAT's
    /// skeletons, labelme's `keypoint_classes`): a class without point
    /// names takes them, and the plan's keypoints of the class are in the
    /// order of these names.
    pub class_keypoints: HashMap<String, ClassKeypoints>,
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

    /// Shape counts of the classes the plan uses that `known` does not name.
    pub fn classes_outside(&self, known: impl Fn(&str) -> bool) -> Vec<(String, usize)> {
        let mut counts = vec![0; self.class_names.len()];
        for s in &self.shapes {
            counts[s.class] += 1;
        }
        self.class_names
            .iter()
            .zip(counts)
            .filter(|(name, n)| *n > 0 && !known(name))
            .map(|(name, n)| (name.clone(), n))
            .collect()
    }

    /// Leaves out the shapes of `classes` and the classes themselves (the
    /// user chose not to add them), noting each class and its count as a
    /// problem of `source`.
    pub fn leave_out_classes(&mut self, classes: &[(String, usize)], source: &str) {
        let names = std::mem::take(&mut self.class_names);
        let mut new_index = vec![None; names.len()];
        for (i, name) in names.into_iter().enumerate() {
            if !classes.iter().any(|(c, _)| *c == name) {
                new_index[i] = Some(self.class_names.len());
                self.class_names.push(name);
            }
        }
        self.shapes.retain_mut(|s| match new_index[s.class] {
            Some(i) => {
                s.class = i;
                true
            }
            None => false,
        });
        for (name, n) in classes {
            self.problem(
                source,
                "",
                format!("class `{name}` is not in the project; its {n} annotation(s) were skipped"),
            );
        }
    }

    /// Keeps only the classes shapes use, those named in `order` first and
    /// in its order (a file's own class list), and returns the names dropped.
    pub fn keep_used_classes(&mut self, order: &[&str]) -> Vec<String> {
        let mut used = vec![false; self.class_names.len()];
        for s in &self.shapes {
            used[s.class] = true;
        }
        let rank = |name: &str| order.iter().position(|o| *o == name).unwrap_or(order.len());
        let mut kept: Vec<usize> = (0..self.class_names.len()).filter(|&i| used[i]).collect();
        kept.sort_by_key(|&i| rank(&self.class_names[i]));
        let mut new_index = vec![0; self.class_names.len()];
        for (new, &old) in kept.iter().enumerate() {
            new_index[old] = new;
        }
        for s in &mut self.shapes {
            s.class = new_index[s.class];
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

    /// Notes (at `file`) the shapes read as polygons on their outline
    /// (CVAT's ellipses, labelme's circles), counted per kind.
    pub fn note_converted(&mut self, file: &str, converted: &BTreeMap<String, usize>) {
        for (kind, n) in converted {
            self.problem(
                file,
                "",
                format!("{n} {kind}(s) were imported as polygons on their outline: a project has no {kind} shape"),
            );
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Attributes, BBox, Shape};

    fn planned(plan: &mut BoxLabelPlan, item: i64, class: &str) {
        let class = plan.class(class);
        plan.shapes.push(PlannedShape {
            item: ItemId(item),
            class,
            shape: Shape::Rect(BBox::from_corners([0.0, 0.0], [1.0, 1.0])),
            group: None,
            attributes: Attributes::new(),
            confidence: None,
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
        assert_eq!(plan.shapes.len(), 1);
        assert_eq!((plan.shapes[0].item, plan.shapes[0].class), (ItemId(1), 0));
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
            .shapes
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
