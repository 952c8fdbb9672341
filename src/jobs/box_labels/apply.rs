//! Storing a plan: the classes, image labels and attribute definitions it
//! needs added to the schema, then its shapes and labels as one edit.

use super::{BoxLabelPlan, ImportProblem, LabelOptions};
use crate::jobs::{JobError, add_missing_classes};
use crate::model::{
    AttributeDef, Edit, ImageLabelMode, ItemId, LabelId, LabelSchema, NewAnnotation, ShapeKind,
    leave_out_refused,
};
use crate::project::Project;
use std::collections::{BTreeMap, HashMap};

/// What an import stored and what it could not take.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoxLabelReport {
    /// Annotations stored, of every shape.
    pub annotations: usize,
    /// Of those, how many of each shape kind, kinds without any left out.
    pub kinds: Vec<(ShapeKind, usize)>,
    /// Classes given the point names and skeleton the files declare.
    pub keypoint_classes: Vec<String>,
    pub labelled_items: usize,
    pub new_classes: Vec<String>,
    pub new_labels: Vec<String>,
    /// Annotation attributes added to the schema.
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

/// Stores a plan: classes the schema lacks are added (a keypoint class the
/// files declare, and one without point names, takes the files' names and
/// skeleton), and image labels as `options` say. Shapes and labels go in as
/// one `Edit::Batch`, with the switch to several labels per image if there
/// is one; the schema is restored if that fails.
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
    let keypoint_classes = name_keypoints(project, &plan)?;
    let built = build_edit(project, &mut plan, &labels);
    let stored = built.and_then(|(edit, kinds, labelled)| {
        if let Edit::Batch(edits) = &edit
            && !edits.is_empty()
        {
            project.apply(edit)?;
        }
        Ok((kinds, labelled))
    });
    let (kinds, labelled_items) = match stored {
        Ok(done) => done,
        Err(err) => {
            project.update_schema(|s| {
                s.classes.retain(|c| !new_classes.contains(&c.name));
                s.image_labels.retain(|l| !new_labels.contains(&l.name));
                s.attributes.retain(|a| !new_attributes.contains(&a.name));
                for class in &mut s.classes {
                    if keypoint_classes.contains(&class.name) {
                        class.keypoints.clear();
                        class.skeleton.clear();
                    }
                }
            })?;
            return Err(err);
        }
    };
    Ok(BoxLabelReport {
        annotations: kinds.iter().map(|(_, n)| n).sum(),
        kinds,
        keypoint_classes,
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

/// Annotations per shape kind.
type KindCounts = Vec<(ShapeKind, usize)>;

/// Gives each class of the plan without point names the names and skeleton
/// the files declare for it; returns the classes so named.
fn name_keypoints(project: &mut Project, plan: &BoxLabelPlan) -> Result<Vec<String>, JobError> {
    let unnamed: Vec<&String> = plan
        .class_keypoints
        .iter()
        .filter(|(name, k)| {
            !k.names.is_empty()
                && project
                    .schema()
                    .class_by_name(name)
                    .is_some_and(|c| c.keypoints.is_empty())
        })
        .map(|(name, _)| name)
        .collect();
    if unnamed.is_empty() {
        return Ok(Vec::new());
    }
    project.update_schema(|s| {
        for class in &mut s.classes {
            if let Some(k) = plan.class_keypoints.get(&class.name)
                && unnamed.contains(&&class.name)
            {
                class.keypoints = k.names.clone();
                class.skeleton = k.skeleton.clone();
            }
        }
    })?;
    let mut named: Vec<String> = unnamed.into_iter().cloned().collect();
    named.sort();
    Ok(named)
}

/// The batch edit of a plan (after the schema has every class and label),
/// the shapes it adds per kind and the number of items whose labels it
/// sets. Shapes a class cannot take (a kind it does not take, keypoints it
/// does not name) and attribute values the schema's definition does not
/// take become problems.
fn build_edit(
    project: &Project,
    plan: &mut BoxLabelPlan,
    labels: &LabelChoice,
) -> Result<(Edit, KindCounts, usize), JobError> {
    let schema = project.schema();
    let mut annotations = Vec::with_capacity(plan.shapes.len());
    let mut kinds = [0usize; ShapeKind::ALL.len()];
    let mut problems = Vec::new();
    let file_of = |item: ItemId| {
        project
            .item(item)
            .map_or_else(|| format!("item {item}"), |it| it.rel_path.clone())
    };
    for planned in std::mem::take(&mut plan.shapes) {
        let name = &plan.class_names[planned.class];
        let class = schema
            .class_by_name(name)
            .ok_or_else(|| JobError::Failed(format!("class {name} is missing from the schema")))?;
        let kind = planned.shape.kind();
        if let Some(reason) = class.refusal(&planned.shape) {
            problems.push(ImportProblem {
                file: file_of(planned.item),
                at: format!("a `{name}` {}", kind.as_str()),
                message: format!("{reason}; left out"),
            });
            continue;
        }
        let mut attributes = planned.attributes;
        leave_out_refused(&mut attributes, &schema.attributes, |message| {
            problems.push(ImportProblem {
                file: file_of(planned.item),
                at: format!("a `{name}` {}", kind.as_str()),
                message,
            });
        });
        if let Some(k) = ShapeKind::ALL.iter().position(|&k| k == kind) {
            kinds[k] += 1;
        }
        annotations.push(NewAnnotation {
            item: planned.item,
            class: class.id,
            shape: planned.shape,
            group: planned.group,
            attributes,
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
    if !annotations.is_empty() {
        edits.push(Edit::AddAnnotations(annotations));
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
    let kinds = ShapeKind::ALL
        .into_iter()
        .zip(kinds)
        .filter(|&(_, n)| n > 0)
        .collect();
    Ok((Edit::Batch(edits), kinds, labels.by_item.len()))
}
