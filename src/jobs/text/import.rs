//! `shugu import --format doccano|labelstudio|jsonl`: labelled records onto a
//! text project. Records are matched to items by their `id` when the project
//! has an item with that id, otherwise by their exact text; unmatched records
//! become new items. All labels arrive as one undoable edit.

use super::{RecordKeys, meta_text, pieces};
use crate::formats::text::{LabelledFormat, LabelledReader, LabelledRecord, Place, RecordProblem};
use crate::jobs::{JobError, Progress};
use crate::model::{ClassId, Edit, ImageLabelMode, ItemId, LabelId, NewSpan, OffsetUnit, TextDoc};
use crate::project::{LabelledText, NewTextItem, Project, ProjectKind};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// New records per chunk handed from the reading thread to the store.
const CHUNK: usize = 10_000;

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
    let total = std::fs::metadata(file).map_err(|e| failed(&e))?.len() as usize;
    let unit = unit.unwrap_or(format.default_unit());
    let index = ItemIndex::build(project)?;
    let rules = Rules {
        overlapping: project.schema().allow_overlapping_spans,
        single: project.schema().image_label_mode == ImageLabelMode::Single,
        place: match format {
            LabelledFormat::LabelStudio => Place::Task,
            LabelledFormat::Doccano | LabelledFormat::Jsonl => Place::Line,
        },
    };
    let consumed = AtomicUsize::new(0);
    let keys = RecordKeys::of(file);
    let mut resolver = project.text_resolver()?;

    // Three stages run at once: one thread parses records (in parallel
    // batches), a second sorts them into matched and new ones and resolves the
    // new ones' classes, and this one stores the new ones as items. Matched
    // records wait until after.
    let (parsed_tx, parsed_rx) = mpsc::sync_channel(BATCHES_IN_FLIGHT);
    let (sender, receiver) = mpsc::sync_channel(CHUNKS_IN_FLIGHT);
    let (added, sorted) = std::thread::scope(|scope| {
        scope.spawn(move || {
            if let Err(e) = send_records(file, format, unit, pieces::PIECE_BYTES, &parsed_tx) {
                let _ = parsed_tx.send(Err(e));
            }
        });
        let sorter = scope.spawn(|| {
            // Owned here, so the store sees the end of the records when this ends.
            let sender = sender;
            let mut sorted = Sorted::default();
            let mut chunk = Vec::with_capacity(CHUNK);
            for parsed in parsed_rx {
                let (batch, bytes_consumed) = match parsed {
                    Ok(parsed) => parsed,
                    Err(e) => {
                        let _ = sender.send(Err(e));
                        return sorted;
                    }
                };
                for next in batch {
                    match next {
                        Ok(record) => {
                            if let Some(text) = sorted.take(record, &index, &keys, &rules) {
                                chunk.push(text);
                            }
                        }
                        Err(problem) => sorted.problems.push(problem),
                    }
                }
                consumed.store(bytes_consumed, Ordering::Relaxed);
                if chunk.len() >= CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    let resolved = resolver.resolve(full).map_err(JobError::from);
                    if sender.send(resolved).is_err() {
                        return sorted;
                    }
                }
            }
            if !chunk.is_empty() {
                let _ = sender.send(resolver.resolve(chunk).map_err(JobError::from));
            }
            sorted
        });
        let chunks = receiver.into_iter().inspect(|_| {
            progress(Progress {
                done: consumed.load(Ordering::Relaxed),
                total: Some(total),
            })
        });
        let added = project.add_resolved_texts(chunks);
        let sorted = sorter
            .join()
            .map_err(|_| failed(&"the import failed while reading"));
        (added, sorted)
    });
    let added = added?;
    let Sorted {
        matched,
        problems,
        records,
    } = sorted?;
    let mut report = LabelledImportReport {
        records,
        matched: matched.len(),
        added_items: added.items,
        spans: 0,
        classified_items: 0,
        new_classes: added.new_classes,
        new_doc_classes: added.new_doc_classes,
        problems,
    };
    if !matched.is_empty() {
        add_missing_classes(project, &matched, &mut report)?;
        let edit = labels_edit(project, &matched, &rules, &mut report)?;
        if !edit.is_empty() {
            project.apply(edit)?;
        }
    }
    report.spans += added.spans;
    report.classified_items += added.classified;
    report.problems.sort_by_key(|p| p.line);
    progress(Progress {
        done: total,
        total: Some(total),
    });
    Ok(report)
}

/// Records parsed from a file, with how far into it they reach.
type Parsed = (Vec<Result<LabelledRecord, RecordProblem>>, usize);

/// Reads and parses `file`'s records, handing them on in batches until the
/// file ends or `out` is no longer listened to. Line-based files are read
/// `piece_bytes` at a time, each piece parsed as soon as it is in.
fn send_records(
    file: &Path,
    format: LabelledFormat,
    unit: OffsetUnit,
    piece_bytes: usize,
    out: &mpsc::SyncSender<Result<Parsed, JobError>>,
) -> Result<(), JobError> {
    let failed = |e: &dyn std::fmt::Display| JobError::Failed(format!("{}: {e}", file.display()));
    if !format.is_line_based() {
        let bytes = std::fs::read(file).map_err(|e| failed(&e))?;
        let reader = LabelledReader::new(&bytes, format, unit).map_err(|e| failed(&e))?;
        send_batches(reader, 0, out);
        return Ok(());
    }
    let mut unreadable = None;
    pieces::for_each_piece(file, piece_bytes, |piece, start| {
        let reader = if start.bytes_before == 0 {
            LabelledReader::new(piece, format, unit).map_err(|e| failed(&e))
        } else {
            LabelledReader::continuing(piece, format, unit, start.lines_before)
                .ok_or_else(|| failed(&format!("{format} files cannot be read in pieces")))
        };
        match reader {
            Ok(reader) => send_batches(reader, start.bytes_before, out),
            Err(e) => {
                unreadable = Some(e);
                false
            }
        }
    })
    .map_err(|e| failed(&e))?;
    unreadable.map_or(Ok(()), Err)
}

/// Sends `reader`'s records in batches; returns whether `out` still listens.
fn send_batches(
    mut reader: LabelledReader,
    bytes_before: usize,
    out: &mpsc::SyncSender<Result<Parsed, JobError>>,
) -> bool {
    loop {
        let batch: Vec<_> = reader.by_ref().take(PARSED_BATCH).collect();
        if batch.is_empty() {
            return true;
        }
        let reach = bytes_before + reader.bytes_consumed();
        if out.send(Ok((batch, reach))).is_err() {
            return false;
        }
    }
}

/// Chunks of new records handed to the store, and how many may wait.
const CHUNKS_IN_FLIGHT: usize = 4;

/// Parsed records handed from the parsing thread to the sorting one at a
/// time, and how many such batches may wait.
const PARSED_BATCH: usize = 2048;
const BATCHES_IN_FLIGHT: usize = 8;

/// The project's text items by record id and by text, and the record keys in
/// use, for telling matched records from new ones.
struct ItemIndex {
    by_id: HashMap<String, (ItemId, String)>,
    by_text: HashMap<String, ItemId>,
    keys: HashSet<String>,
}

impl ItemIndex {
    fn build(project: &Project) -> Result<Self, JobError> {
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
struct Sorted {
    records: usize,
    /// Records of items the project has, with the item.
    matched: Vec<(LabelledRecord, ItemId)>,
    problems: Vec<RecordProblem>,
}

impl Sorted {
    /// Files a record: matched, or returned as a new item to add.
    fn take(
        &mut self,
        mut r: LabelledRecord,
        index: &ItemIndex,
        keys: &RecordKeys,
        rules: &Rules,
    ) -> Option<LabelledText> {
        self.records += 1;
        self.problems.append(&mut r.problems);
        if let Some(id) = r.id.as_deref()
            && let Some((item, text)) = index.by_id.get(id)
        {
            if *text == r.text {
                self.matched.push((r, *item));
            } else {
                self.problems.push(RecordProblem {
                    line: r.line,
                    place: rules.place,
                    message: format!(
                        "the project's item with id {id:?} has a different text; the record was left out"
                    ),
                });
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
}

/// The schema's rules for what a record may add, and how its problems are placed.
struct Rules {
    /// Spans may overlap or nest.
    overlapping: bool,
    /// One document class per text.
    single: bool,
    /// Lines, or Label Studio tasks.
    place: Place,
}

impl Rules {
    /// Whether a span may join those `taken` on its text; a refused one is
    /// reported (the first of overlapping spans wins).
    fn admits_span(
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
        problems.push(RecordProblem {
            line,
            place: self.place,
            message: format!(
                "span [{start}, {end}) {label:?} overlaps span [{a}, {b}) and the project does not allow overlapping spans; it was left out"
            ),
        });
        false
    }

    /// Keeps the first document class when the project takes one, reporting
    /// the rest.
    fn admit_labels(
        &self,
        labels: &mut Vec<String>,
        line: usize,
        problems: &mut Vec<RecordProblem>,
    ) {
        if self.single && labels.len() > 1 {
            problems.push(RecordProblem {
                line,
                place: self.place,
                message: format!(
                    "the project takes one document class, the record has {}; only {:?} was imported",
                    labels.len(),
                    labels[0]
                ),
            });
            labels.truncate(1);
        }
    }
}

/// Adds the span and document classes the records use and the schema lacks.
fn add_missing_classes(
    project: &mut Project,
    records: &[(LabelledRecord, ItemId)],
    report: &mut LabelledImportReport,
) -> Result<(), JobError> {
    let schema = project.schema();
    for (r, _) in records {
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
    records: &[(LabelledRecord, ItemId)],
    rules: &Rules,
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

    let mut spans = Vec::new();
    let mut label_edits = Vec::new();
    let mut existing_labels: HashMap<ItemId, Vec<LabelId>> = HashMap::new();
    for (r, item) in records {
        let item = *item;
        // The item may already have spans.
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
            let ranges: Vec<(u32, u32)> = taken.iter().map(|&(a, b, _)| (a, b)).collect();
            if !rules.admits_span(
                &ranges,
                (start, end),
                &s.label,
                r.line,
                &mut report.problems,
            ) {
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
        let mut names = r.labels.clone();
        rules.admit_labels(&mut names, r.line, &mut report.problems);
        let mut labels: Vec<LabelId> = names
            .iter()
            .filter_map(|l| label_of.get(l.as_str()).copied())
            .collect();
        if !rules.single {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_in_pieces_keep_their_lines_and_a_leading_bom_is_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("pieces.jsonl");
        let mut lines = vec!["\u{feff}{\"text\": \"一\"}".to_string()];
        for i in 2..=40 {
            lines.push(match i {
                17 => "not json".to_string(),
                23 => String::new(),
                _ => format!("{{\"text\": \"第{i}行\"}}"),
            });
        }
        std::fs::write(&file, lines.join("\r\n")).unwrap();
        let (out, records) = mpsc::sync_channel(100);
        send_records(
            &file,
            LabelledFormat::Jsonl,
            OffsetUnit::CodePoint,
            64,
            &out,
        )
        .unwrap();
        drop(out);
        let mut seen = Vec::new();
        let mut reach = 0;
        for parsed in records {
            let (batch, to) = parsed.unwrap();
            assert!(to > reach);
            reach = to;
            for r in batch {
                seen.push(match r {
                    Ok(r) => (r.line, r.text),
                    Err(p) => (p.line, "problem".to_string()),
                });
            }
        }
        assert_eq!(reach, std::fs::metadata(&file).unwrap().len() as usize);
        assert_eq!(seen.len(), 39);
        assert_eq!(seen[0], (1, "一".to_string()));
        assert_eq!(seen[16], (17, "problem".to_string()));
        for (line, text) in &seen[17..] {
            assert_eq!(*text, format!("第{line}行"));
        }
        assert!(seen.iter().all(|(line, _)| *line != 23));
    }
}
