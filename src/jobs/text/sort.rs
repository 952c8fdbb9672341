//! Sorting the records of a labelled import: matched to an item the project
//! has (by id, else by exact text) or new, each held to the schema's rules,
//! with what a rule leaves out reported by line.

use super::{RecordKeys, meta_text};
use crate::formats::text::{LabelledRecord, Place, RecordProblem};
use crate::jobs::JobError;
use crate::model::{ImageLabelMode, ItemId, TextDoc};
use crate::project::{LabelledText, NewTextItem, Project};
use std::collections::{HashMap, HashSet};

/// The project's text items by record id and by text, and the record keys in
/// use, for telling matched records from new ones.
pub(super) struct ItemIndex {
    by_id: HashMap<String, (ItemId, String)>,
    by_text: HashMap<String, ItemId>,
    keys: HashSet<String>,
}

impl ItemIndex {
    pub fn build(project: &Project) -> Result<Self, JobError> {
        let mut index = ItemIndex {
            by_id: HashMap::new(),
            by_text: HashMap::new(),
            keys: project.items().iter().map(|i| i.rel_path.clone()).collect(),
        };
        if project.items().is_empty() {
            return Ok(index);
        }
        for (item, doc) in project.all_texts()? {
            if let Some(id) = doc.ext_id {
                index.by_id.entry(id).or_insert((item, doc.text.clone()));
            }
            index.by_text.entry(doc.text).or_insert(item);
        }
        Ok(index)
    }
}

/// What the reading thread makes of the records.
#[derive(Default)]
pub(super) struct Sorted {
    pub records: usize,
    /// Records of items the project has, with the item.
    pub matched: Vec<(LabelledRecord, ItemId)>,
    pub problems: Vec<RecordProblem>,
    /// Span labels of the records so far, for telling what a lone string
    /// `label` names.
    span_labels: HashSet<String>,
}

impl Sorted {
    /// Files a record: matched, or returned as a new item to add.
    pub fn take(
        &mut self,
        mut r: LabelledRecord,
        index: &ItemIndex,
        keys: &RecordKeys,
        rules: &Rules,
    ) -> Option<LabelledText> {
        self.records += 1;
        self.problems.append(&mut r.problems);
        for s in &r.spans {
            if !self.span_labels.contains(&s.label) {
                self.span_labels.insert(s.label.clone());
            }
        }
        if let Some(name) = r.string_label.take() {
            self.check_string_label(&mut r, name, rules);
        }
        if let Some(id) = r.id.as_deref()
            && let Some((item, text)) = index.by_id.get(id)
        {
            if *text == r.text {
                self.matched.push((r, *item));
            } else {
                self.problems.push(rules.problem(
                    r.line,
                    format!(
                        "the project's item with id {id:?} has a different text; the record was left out"
                    ),
                ));
            }
            return None;
        }
        if let Some(item) = index.by_text.get(&r.text) {
            self.matched.push((r, *item));
            return None;
        }
        let mut key = keys.key(r.line);
        let mut n = 2;
        while index.keys.contains(&key) {
            key = format!("{}#{n}", keys.key(r.line));
            n += 1;
        }
        let mut taken: Vec<(u32, u32)> = Vec::with_capacity(r.spans.len());
        let mut spans: Vec<(u32, u32, String)> = Vec::with_capacity(r.spans.len());
        for s in r.spans {
            let (Ok(start), Ok(end)) = (u32::try_from(s.start), u32::try_from(s.end)) else {
                self.problems.push(rules.problem(
                    r.line,
                    format!(
                        "span [{}, {}) {:?} lies beyond the longest text a project holds; it was left out",
                        s.start, s.end, s.label
                    ),
                ));
                continue;
            };
            if rules.admits_span(&taken, (start, end), &s.label, r.line, &mut self.problems) {
                taken.push((start, end));
                spans.push((start, end, s.label));
            }
        }
        let mut labels = r.labels;
        rules.admit_labels(&mut labels, r.line, &mut self.problems);
        Some(LabelledText {
            item: NewTextItem {
                rel_path: key,
                doc: TextDoc {
                    ext_id: r.id,
                    meta: meta_text(&r.meta),
                    text: r.text,
                },
            },
            spans,
            labels,
        })
    }

    /// A doccano `label` that held one string is a document class, unless it
    /// names a span class (the project's, or one this file's spans used
    /// before it) and no document class: then it is an NER line written
    /// wrongly, and it is reported and left out.
    fn check_string_label(&mut self, r: &mut LabelledRecord, name: String, rules: &Rules) {
        let span_class = rules.span_classes.contains(&name) || self.span_labels.contains(&name);
        if !span_class || rules.doc_classes.contains(&name) {
            return;
        }
        if let Some(at) = r.labels.iter().position(|l| *l == name) {
            r.labels.remove(at);
        }
        self.problems.push(rules.problem(
            r.line,
            format!(
                "`label` is a string ({name:?}), which names a span class; spans need [start, end, label]; it was left out"
            ),
        ));
    }
}

/// The schema's rules for what a record may add, and how its problems are placed.
pub(super) struct Rules {
    /// Spans may overlap or nest.
    overlapping: bool,
    /// One document class per text.
    single: bool,
    /// Lines, or Label Studio tasks.
    place: Place,
    /// The schema's span classes and document classes when the import began.
    span_classes: HashSet<String>,
    doc_classes: HashSet<String>,
}

impl Rules {
    pub fn of(project: &Project, place: Place) -> Self {
        let schema = project.schema();
        Rules {
            overlapping: schema.allow_overlapping_spans,
            single: schema.image_label_mode == ImageLabelMode::Single,
            place,
            span_classes: schema.classes.iter().map(|c| c.name.clone()).collect(),
            doc_classes: schema.image_labels.iter().map(|l| l.name.clone()).collect(),
        }
    }

    fn problem(&self, line: usize, message: String) -> RecordProblem {
        RecordProblem {
            line,
            place: self.place,
            message,
        }
    }

    /// Whether a span may join those `taken` on its text; a refused one is
    /// reported (the first of overlapping spans wins).
    pub fn admits_span(
        &self,
        taken: &[(u32, u32)],
        (start, end): (u32, u32),
        label: &str,
        line: usize,
        problems: &mut Vec<RecordProblem>,
    ) -> bool {
        if self.overlapping {
            return true;
        }
        let Some((a, b)) = taken.iter().find(|(a, b)| *a < end && start < *b) else {
            return true;
        };
        problems.push(self.problem(
            line,
            format!(
                "span [{start}, {end}) {label:?} overlaps span [{a}, {b}) and the project does not allow overlapping spans; it was left out"
            ),
        ));
        false
    }

    /// Keeps the first document class when the project takes one, reporting
    /// the rest.
    pub fn admit_labels(
        &self,
        labels: &mut Vec<String>,
        line: usize,
        problems: &mut Vec<RecordProblem>,
    ) {
        if self.single && labels.len() > 1 {
            problems.push(self.problem(
                line,
                format!(
                    "the project takes one document class, the record has {}; only {:?} was imported",
                    labels.len(),
                    labels[0]
                ),
            ));
            labels.truncate(1);
        }
    }

    pub fn single(&self) -> bool {
        self.single
    }
}
