//! `shugu import --format doccano|labelstudio|jsonl`: labelled records onto a
//! text project. Records are matched to items by their `id` when the project
//! has an item with that id, otherwise by their exact text; unmatched records
//! become new items. All labels arrive as one undoable edit.

use super::{meta_text, record_key};
use crate::formats::text::{LabelledFormat, LabelledReader, LabelledRecord, RecordProblem};
use crate::jobs::{JobError, Progress};
use crate::model::{ClassId, Edit, ImageLabelMode, ItemId, LabelId, NewSpan, OffsetUnit, TextDoc};
use crate::project::{NewTextItem, Project, ProjectKind};
use std::collections::HashMap;
use std::path::Path;

/// Records per transaction when new items are added.
const CHUNK: usize = 20_000;

/// What a labelled import brought in and what it left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelledImportReport {
    pub records: usize,
    /// Records matched to items already in the project.
    pub matched: usize,
    /// Records added as new items.
    pub added_items: usize,
    pub spans: usize,
    /// Items whose document classes the import set.
    pub classified_items: usize,
    /// Span classes and document classes the schema did not have.
    pub new_classes: Vec<String>,
    pub new_doc_classes: Vec<String>,
    /// Records, or parts of records, left out, each with its line and reason.
    pub problems: Vec<RecordProblem>,
}

pub fn import_labelled(
    project: &mut Project,
    file: &Path,
    format: LabelledFormat,
    unit: Option<OffsetUnit>,
    progress: &mut dyn FnMut(Progress),
) -> Result<LabelledImportReport, JobError> {
    let failed = |e: &dyn std::fmt::Display| JobError::Failed(format!("{}: {e}", file.display()));
    if project.kind() != ProjectKind::Text {
        return Err(failed(&format!(
            "{format} files hold text labels, and {} is an image project",
            project.dir().display()
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| failed(&e))?;
    let unit = unit.unwrap_or(format.default_unit());
    let mut reader = LabelledReader::new(&bytes, format, unit).map_err(|e| failed(&e))?;
    let mut report = LabelledImportReport::default();
    let mut records = Vec::new();
    while let Some(next) = reader.next() {
        match next {
            Ok(mut record) => {
                report.problems.append(&mut record.problems);
                records.push(record);
            }
            Err(problem) => report.problems.push(problem),
        }
        if records.len() % CHUNK == 0 {
            progress(Progress {
                done: reader.bytes_consumed() / 2,
                total: Some(reader.total_bytes()),
            });
        }
    }
    report.records = records.len();

    let items = match_items(project, file, &records, &mut report)?;
    add_missing_classes(project, &records, &mut report)?;
    let edit = labels_edit(project, &records, &items, &mut report)?;
    progress(Progress {
        done: bytes.len() * 3 / 4,
        total: Some(bytes.len()),
    });
    if !edit.is_empty() {
        project.apply(edit)?;
    }
    report.problems.sort_by_key(|p| p.line);
    progress(Progress {
        done: bytes.len(),
        total: Some(bytes.len()),
    });
    Ok(report)
}

/// The item of each record (`None` when it was left out), adding new items for
/// records the project does not have.
fn match_items(
    project: &mut Project,
    file: &Path,
    records: &[LabelledRecord],
    report: &mut LabelledImportReport,
) -> Result<Vec<Option<ItemId>>, JobError> {
    let existing = if project.items().is_empty() {
        Vec::new()
    } else {
        project.all_texts()?
    };
    let mut by_id: HashMap<&str, (ItemId, &str)> = HashMap::new();
    let mut by_text: HashMap<&str, ItemId> = HashMap::new();
    for (item, doc) in &existing {
        if let Some(id) = &doc.ext_id {
            by_id.entry(id).or_insert((*item, &doc.text));
        }
        by_text.entry(&doc.text).or_insert(*item);
    }

    let mut items = vec![None; records.len()];
    let mut new = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let by_own_id = r.id.as_deref().and_then(|id| by_id.get(id));
        match by_own_id {
            Some((item, text)) if *text == r.text => items[i] = Some(*item),
            Some(_) => report.problems.push(RecordProblem {
                line: r.line,
                place: problem_place(r),
                message: format!(
                    "the project's item with id {:?} has a different text; the record was left out",
                    r.id.as_deref().unwrap_or_default()
                ),
            }),
            None => match by_text.get(r.text.as_str()) {
                Some(item) => items[i] = Some(*item),
                None => new.push(i),
            },
        }
    }
    report.matched = items.iter().flatten().count();
    drop(by_id);
    drop(by_text);
    drop(existing);

    for chunk in new.chunks(CHUNK) {
        let docs: Vec<NewTextItem> = chunk
            .iter()
            .map(|&i| {
                let r = &records[i];
                NewTextItem {
                    rel_path: record_key(file, r.line),
                    doc: TextDoc {
                        ext_id: r.id.clone(),
                        text: r.text.clone(),
                        meta: meta_text(&r.meta),
                    },
                }
            })
            .collect();
        let added = project.add_text_items(&docs)?;
        report.added_items += added.len();
    }
    if !new.is_empty() {
        let by_key: HashMap<&str, ItemId> = project
            .items()
            .iter()
            .map(|it| (it.rel_path.as_str(), it.id))
            .collect();
        for &i in &new {
            items[i] = by_key
                .get(record_key(file, records[i].line).as_str())
                .copied();
        }
    }
    Ok(items)
}

fn problem_place(r: &LabelledRecord) -> crate::formats::text::Place {
    r.problems
        .first()
        .map_or(crate::formats::text::Place::Line, |p| p.place)
}

/// Adds the span and document classes the records use and the schema lacks.
fn add_missing_classes(
    project: &mut Project,
    records: &[LabelledRecord],
    report: &mut LabelledImportReport,
) -> Result<(), JobError> {
    let schema = project.schema();
    for r in records {
        for s in &r.spans {
            if schema.class_by_name(&s.label).is_none() && !report.new_classes.contains(&s.label) {
                report.new_classes.push(s.label.clone());
            }
        }
        for l in &r.labels {
            let known = schema.image_labels.iter().any(|d| &d.name == l);
            if !known && !report.new_doc_classes.contains(l) {
                report.new_doc_classes.push(l.clone());
            }
        }
    }
    if report.new_classes.is_empty() && report.new_doc_classes.is_empty() {
        return Ok(());
    }
    let (classes, doc_classes) = (&report.new_classes, &report.new_doc_classes);
    project.update_schema(|s| {
        for name in classes {
            s.add_class(name);
        }
        for name in doc_classes {
            s.add_image_label(name);
        }
    })?;
    Ok(())
}

/// One edit with every span and document class of the matched records. Spans
/// that would overlap (when the schema forbids it) or repeat an existing span
/// are left out; the first of overlapping spans wins.
fn labels_edit(
    project: &Project,
    records: &[LabelledRecord],
    items: &[Option<ItemId>],
    report: &mut LabelledImportReport,
) -> Result<Edit, JobError> {
    let schema = project.schema();
    let class_of: HashMap<&str, ClassId> = schema
        .classes
        .iter()
        .map(|c| (c.name.as_str(), c.id))
        .collect();
    let label_of: HashMap<&str, LabelId> = schema
        .image_labels
        .iter()
        .map(|l| (l.name.as_str(), l.id))
        .collect();
    let single = schema.image_label_mode == ImageLabelMode::Single;
    let overlapping = schema.allow_overlapping_spans;

    let mut spans = Vec::new();
    let mut label_edits = Vec::new();
    let mut existing_labels: HashMap<ItemId, Vec<LabelId>> = HashMap::new();
    for (r, item) in records.iter().zip(items) {
        let Some(item) = *item else { continue };
        let place = problem_place(r);
        // Matched items may already have spans; new ones have none.
        let mut taken: Vec<(u32, u32, ClassId)> = project
            .spans(item)?
            .iter()
            .map(|s| (s.start, s.end, s.class))
            .collect();
        for s in &r.spans {
            let (Ok(start), Ok(end)) = (u32::try_from(s.start), u32::try_from(s.end)) else {
                continue;
            };
            let Some(&class) = class_of.get(s.label.as_str()) else {
                continue;
            };
            if taken.contains(&(start, end, class)) {
                continue;
            }
            if !overlapping
                && let Some((a, b, _)) = taken.iter().find(|(a, b, _)| *a < end && start < *b)
            {
                report.problems.push(RecordProblem {
                    line: r.line,
                    place,
                    message: format!(
                        "span [{start}, {end}) {:?} overlaps span [{a}, {b}) and the project does not allow overlapping spans; it was left out",
                        s.label
                    ),
                });
                continue;
            }
            taken.push((start, end, class));
            spans.push(NewSpan {
                item,
                class,
                start,
                end,
            });
        }
        if r.labels.is_empty() {
            continue;
        }
        let mut labels: Vec<LabelId> = r
            .labels
            .iter()
            .filter_map(|l| label_of.get(l.as_str()).copied())
            .collect();
        if single && labels.len() > 1 {
            report.problems.push(RecordProblem {
                line: r.line,
                place,
                message: format!(
                    "the project takes one document class, the record has {}; only {:?} was imported",
                    r.labels.len(),
                    r.labels[0]
                ),
            });
            labels.truncate(1);
        }
        if !single {
            let before = match existing_labels.get(&item) {
                Some(l) => l.clone(),
                None => project.image_labels(item)?,
            };
            labels.extend(before);
            labels.sort();
            labels.dedup();
        }
        existing_labels.insert(item, labels.clone());
        label_edits.push(Edit::SetImageLabels { item, labels });
    }
    report.spans = spans.len();
    report.classified_items = label_edits.len();
    let mut edits = vec![Edit::AddSpans(spans)];
    edits.extend(label_edits);
    Ok(Edit::Batch(edits))
}
