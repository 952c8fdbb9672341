//! `shugu import --format doccano|labelstudio|jsonl`: labelled records onto a
//! text project. Records are matched to items by their `id` when the project
//! has an item with that id, otherwise by their exact text; unmatched records
//! become new items. The import is one transaction and one undoable edit: a
//! failure anywhere, a reading thread's panic included, stores nothing.

use super::sort::{ItemIndex, Rules, Sorted};
use super::{MAX_TEXT_FILE, RecordKeys, pieces};
use crate::formats::text::{LabelledFormat, LabelledReader, LabelledRecord, Place, RecordProblem};
use crate::jobs::handoff::{Feed, Received, handoff};
use crate::jobs::safe_read::read_named;
use crate::jobs::{JobError, Progress};
use crate::model::{ClassId, Edit, ItemId, LabelId, NewSpan, OffsetUnit};
use crate::project::{LabelledAdded, Project, ProjectKind, ResolvedChunk, TextResolver};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    let unit = unit.unwrap_or(format.default_unit());
    import_labelled_with(project, file, format, progress, |batches| {
        send_records(file, format, unit, pieces::PIECE_BYTES, batches)
    })
}

/// Records parsed from a file, with how far into it they reach.
type Parsed = (Vec<Result<LabelledRecord, RecordProblem>>, usize);

/// Where the reading thread hands its batches of records.
type Batches = Feed<Result<Parsed, JobError>>;

/// [`import_labelled`] of the records `read` hands over on a thread of its
/// own (the file's, but for tests).
fn import_labelled_with(
    project: &mut Project,
    file: &Path,
    format: LabelledFormat,
    progress: &mut dyn FnMut(Progress),
    read: impl FnOnce(&Batches) -> Result<(), JobError> + Send,
) -> Result<LabelledImportReport, JobError> {
    let failed = |e: &dyn std::fmt::Display| JobError::Failed(format!("{}: {e}", file.display()));
    if project.kind() != ProjectKind::Text {
        return Err(failed(&format!(
            "{format} files hold text labels, and {} is an image project",
            project.dir().display()
        )));
    }
    let total = std::fs::metadata(file).map_err(|e| failed(&e))?.len() as usize;
    let place = match format {
        LabelledFormat::LabelStudio => Place::Task,
        LabelledFormat::Doccano | LabelledFormat::Jsonl => Place::Line,
    };
    let sorter = Sorter {
        index: ItemIndex::build(project)?,
        rules: Rules::of(project, place),
        keys: RecordKeys::of(file),
        consumed: AtomicUsize::new(0),
    };
    let mut resolver = project.text_resolver()?;
    // Into a project without items every record is new, and the chunks go
    // into the store as they come. Otherwise they wait for the matched
    // records, whose labels join them in the same transaction.
    let streamed = project.items().is_empty();

    // Three stages run at once: one thread parses records (in parallel
    // batches), a second sorts them into matched and new ones and resolves
    // the new ones' classes, and this one stores the new ones as items.
    let reading = format!("reading {}", file.display());
    let sorting = format!("sorting the records of {}", file.display());
    let (stored, sorted) = handoff(
        &sorting,
        CHUNKS_IN_FLIGHT,
        |chunks| {
            let (sorted, read) = handoff(
                &reading,
                BATCHES_IN_FLIGHT,
                |batches| {
                    if let Err(e) = read(batches) {
                        batches.send(Err(e));
                    }
                },
                |batches| sorter.sort(batches, &mut resolver, chunks),
            );
            read.map(|()| sorted)
        },
        |chunks: Received<'_, Result<ResolvedChunk, JobError>>| {
            let chunks = chunks.map(|chunk| chunk.and_then(|c| c)).inspect(|_| {
                progress(Progress {
                    done: sorter.consumed.load(Ordering::Relaxed),
                    total: Some(total),
                })
            });
            if streamed {
                Stored::Added(project.add_resolved_texts(chunks))
            } else {
                Stored::Read(chunks.collect())
            }
        },
    );
    // A thread that stopped early explains the rest of what went wrong.
    let Sorted {
        matched,
        problems,
        records,
        ..
    } = sorted.and_then(|sorted| sorted)?;
    let mut report = LabelledImportReport {
        records,
        matched: matched.len(),
        problems,
        ..LabelledImportReport::default()
    };
    let (mut matched_classes, mut matched_doc_classes) = (Vec::new(), Vec::new());
    let added = match stored {
        Stored::Added(added) => added?,
        Stored::Read(chunks) => project.add_resolved_texts_and(chunks?, |project| {
            (matched_classes, matched_doc_classes) = add_missing_classes(project, &matched)?;
            labels_edit(project, &matched, &sorter.rules, &mut report)
        })?,
    };
    let LabelledAdded {
        items,
        spans,
        classified,
        mut new_classes,
        mut new_doc_classes,
    } = added;
    report.added_items = items;
    // Every span stored, the matched records' too; `labels_edit` counted
    // the matched items it classified, `classified` the new ones.
    report.spans = spans;
    report.classified_items += classified;
    new_classes.append(&mut matched_classes);
    new_doc_classes.append(&mut matched_doc_classes);
    report.new_classes = new_classes;
    report.new_doc_classes = new_doc_classes;
    report.problems.sort_by_key(|p| p.line);
    progress(Progress {
        done: total,
        total: Some(total),
    });
    Ok(report)
}

/// What the storing thread did with the new records' chunks.
enum Stored {
    /// Stored them as they came.
    Added(Result<LabelledAdded, JobError>),
    /// Read them all, to be stored with the matched records' labels.
    Read(Result<Vec<ResolvedChunk>, JobError>),
}

/// The sorting stage: records into matched and new ones, new ones resolved
/// in chunks.
struct Sorter {
    index: ItemIndex,
    rules: Rules,
    keys: RecordKeys,
    /// Bytes of the file behind the records sorted so far.
    consumed: AtomicUsize,
}

impl Sorter {
    /// Sorts the parsed batches, handing the new records on resolved in
    /// chunks. A reading error is handed on in place of a chunk, and ends it.
    fn sort(
        &self,
        batches: Received<'_, Result<Parsed, JobError>>,
        resolver: &mut TextResolver,
        chunks: &Feed<Result<ResolvedChunk, JobError>>,
    ) -> Sorted {
        let mut sorted = Sorted::default();
        let mut chunk = Vec::with_capacity(CHUNK);
        for parsed in batches {
            let (batch, bytes_consumed) = match parsed.and_then(|p| p) {
                Ok(parsed) => parsed,
                Err(e) => {
                    chunks.send(Err(e));
                    return sorted;
                }
            };
            for next in batch {
                match next {
                    Ok(record) => {
                        if let Some(text) =
                            sorted.take(record, &self.index, &self.keys, &self.rules)
                        {
                            chunk.push(text);
                        }
                    }
                    Err(problem) => sorted.problems.push(problem),
                }
            }
            self.consumed.store(bytes_consumed, Ordering::Relaxed);
            if chunk.len() >= CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                if !chunks.send(resolver.resolve(full).map_err(JobError::from)) {
                    return sorted;
                }
            }
        }
        if !chunk.is_empty() {
            chunks.send(resolver.resolve(chunk).map_err(JobError::from));
        }
        sorted
    }
}

/// Reads and parses `file`'s records, handing them on in batches until the
/// file ends or `out` is no longer listened to. Line-based files are read
/// `piece_bytes` at a time, each piece parsed as soon as it is in.
fn send_records(
    file: &Path,
    format: LabelledFormat,
    unit: OffsetUnit,
    piece_bytes: usize,
    out: &Batches,
) -> Result<(), JobError> {
    let failed = |e: &dyn std::fmt::Display| JobError::Failed(format!("{}: {e}", file.display()));
    if !format.is_line_based() {
        let bytes = read_named(file, MAX_TEXT_FILE).map_err(|e| failed(&e))?;
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
fn send_batches(mut reader: LabelledReader, bytes_before: usize, out: &Batches) -> bool {
    loop {
        let batch: Vec<_> = reader.by_ref().take(PARSED_BATCH).collect();
        if batch.is_empty() {
            return true;
        }
        let reach = bytes_before + reader.bytes_consumed();
        if !out.send(Ok((batch, reach))) {
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

/// Adds the span and document classes the matched records use and the
/// schema lacks; returns their names.
fn add_missing_classes(
    project: &mut Project,
    records: &[(LabelledRecord, ItemId)],
) -> Result<(Vec<String>, Vec<String>), JobError> {
    let schema = project.schema();
    let (mut classes, mut doc_classes): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for (r, _) in records {
        for s in &r.spans {
            if schema.class_by_name(&s.label).is_none() && !classes.contains(&s.label) {
                classes.push(s.label.clone());
            }
        }
        for l in &r.labels {
            let known = schema.image_labels.iter().any(|d| &d.name == l);
            if !known && !doc_classes.contains(l) {
                doc_classes.push(l.clone());
            }
        }
    }
    if !(classes.is_empty() && doc_classes.is_empty()) {
        project.update_schema(|s| {
            for name in &classes {
                s.add_class(name);
            }
            for name in &doc_classes {
                s.add_image_label(name);
            }
        })?;
    }
    Ok((classes, doc_classes))
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
    // Per item, its spans and those added so far: two records may match one item.
    let mut taken_on: HashMap<ItemId, Vec<(u32, u32, ClassId)>> = HashMap::new();
    for (r, item) in records {
        let item = *item;
        let taken = match taken_on.entry(item) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(
                project
                    .spans(item)?
                    .iter()
                    .map(|s| (s.start, s.end, s.class))
                    .collect(),
            ),
        };
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
        if !rules.single() {
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
    report.classified_items = label_edits.len();
    let mut edits = vec![Edit::AddSpans(spans)];
    edits.extend(label_edits);
    Ok(Edit::Batch(edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LabelSchema, TextDoc};
    use crate::project::{Access, NewTextItem};

    #[test]
    fn a_reader_that_panics_fails_the_import_and_stores_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("reviews.jsonl");
        let lines: Vec<String> = (1..=10)
            .map(|i| format!("{{\"text\": \"第{i}条\", \"labels\": [\"好评\"]}}"))
            .collect();
        std::fs::write(&file, lines.join("\n")).unwrap();
        for existing in [false, true] {
            let dir = tmp.path().join(format!("p{existing}"));
            let mut project = Project::create_text(&dir, "p", LabelSchema::default()).unwrap();
            if existing {
                project
                    .add_text_items(&[NewTextItem {
                        rel_path: "old:1".into(),
                        doc: TextDoc {
                            ext_id: None,
                            meta: None,
                            text: "旧的".into(),
                        },
                    }])
                    .unwrap();
            }
            let items = project.items().len();
            // The first half of the file is handed on, then the reader dies.
            let bytes = std::fs::read(&file).unwrap();
            let result = import_labelled_with(
                &mut project,
                &file,
                LabelledFormat::Jsonl,
                &mut |_| {},
                |out| {
                    let reader = LabelledReader::new(
                        &bytes[..bytes.len() / 2],
                        LabelledFormat::Jsonl,
                        OffsetUnit::CodePoint,
                    )
                    .unwrap();
                    send_batches(reader, 0, out);
                    panic!("a reader bug");
                },
            );
            let err = result.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("a reader bug"), "{err:?}");
            for project in [&project, &Project::open(&dir, Access::ReadOnly).unwrap()] {
                assert_eq!(project.items().len(), items, "nothing was stored");
                assert!(project.schema().image_labels.is_empty());
            }
        }
    }

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
        let (records, sent) = handoff(
            "reading",
            100,
            |out| send_records(&file, LabelledFormat::Jsonl, OffsetUnit::CodePoint, 64, out),
            |records| records.collect::<Vec<_>>(),
        );
        sent.unwrap().unwrap();
        let mut seen = Vec::new();
        let mut reach = 0;
        for parsed in records {
            let (batch, to) = parsed.unwrap().unwrap();
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
