//! The text importers: texts to annotate (JSONL, CSV, TSV, TXT) and labelled
//! files (doccano, Label Studio text tasks, our JSONL), read by the format's
//! reader and, when asked, imported into a text project.

use super::{Importer, Input, Seed};
use crate::workspace::{copy_tree, remove_any, repo_path};
use serde_json::{Value, json};
use shugu::formats::text::{LabelledFormat, LabelledReader, TextRecordReader, TextSource};
use shugu::jobs::text::{TextExportFormat, export_text, import_labelled, import_texts};
use shugu::model::{LabelSchema, OffsetUnit};
use shugu::project::{Access, Project};
use std::path::{Path, PathBuf};

const UNITS: [OffsetUnit; 3] = [OffsetUnit::CodePoint, OffsetUnit::Utf16, OffsetUnit::Byte];

/// Items past which a text project is made afresh (imports add items that
/// undo does not take away).
const MAX_ITEMS: usize = 3000;

fn no_progress() -> impl FnMut(shugu::jobs::Progress) {
    |_| {}
}

/// A copy of the demo text project (reviews with spans and document
/// classes), opened for writing: the project labelled files are matched to.
fn demo_copy(to: &Path) -> anyhow::Result<Project> {
    remove_any(to)?;
    copy_tree(&repo_path("projects/demo-text"), to)?;
    for leftover in ["shugu.lock", "shugu.db-wal", "shugu.db-shm"] {
        remove_any(&to.join(leftover))?;
    }
    Ok(Project::open(to, Access::ReadWrite)?)
}

/// Label Studio's text export of the records of our JSONL export: spans as
/// `labels` results, document classes as `choices`.
fn label_studio_tasks(jsonl: &[u8]) -> Value {
    let tasks = String::from_utf8_lossy(jsonl)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .enumerate()
        .map(|(i, record)| {
            let text = record["text"].as_str().unwrap_or_default().to_string();
            let chars: Vec<char> = text.chars().collect();
            let mut result: Vec<Value> = record["spans"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(j, s)| {
                    let start = s["start"].as_u64().unwrap_or(0) as usize;
                    let end = s["end"].as_u64().unwrap_or(0) as usize;
                    let part: String = chars
                        .get(start.min(end)..end.min(chars.len()))
                        .unwrap_or_default()
                        .iter()
                        .collect();
                    json!({
                        "id": format!("s{j}"), "type": "labels", "from_name": "label", "to_name": "text",
                        "value": {"start": start, "end": end, "text": part, "labels": [s["label"]]},
                    })
                })
                .collect();
            if let Some(labels) = record["labels"].as_array().filter(|l| !l.is_empty()) {
                result.push(json!({
                    "id": "c", "type": "choices", "from_name": "sentiment", "to_name": "text",
                    "value": {"choices": labels},
                }));
            }
            json!({
                "id": i + 1,
                "data": {"text": text, "review": record["id"]},
                "annotations": [{"id": i + 1, "was_cancelled": false, "result": result}],
                "predictions": [],
            })
        })
        .collect();
    Value::Array(tasks)
}

pub struct Labelled {
    format: LabelledFormat,
    project: Project,
    dir: PathBuf,
    seeds: Vec<Seed>,
}

impl Labelled {
    pub fn new(name: &str, work: &Path) -> anyhow::Result<Self> {
        let dir = work.join("project");
        let project = demo_copy(&dir)?;
        let export = |format, unit, file: &str| -> anyhow::Result<Vec<u8>> {
            let out = work.join(file);
            export_text(&project, &out, format, unit)?;
            Ok(std::fs::read(out)?)
        };
        let jsonl = export(
            TextExportFormat::Jsonl,
            OffsetUnit::CodePoint,
            "export.jsonl",
        )?;
        let (format, file, bytes) = match name {
            "doccano" => (
                LabelledFormat::Doccano,
                "doccano.jsonl",
                export(
                    TextExportFormat::Doccano,
                    OffsetUnit::Utf16,
                    "doccano.jsonl",
                )?,
            ),
            "label-studio-text" => (
                LabelledFormat::LabelStudio,
                "label_studio.json",
                serde_json::to_vec_pretty(&label_studio_tasks(&jsonl))?,
            ),
            _ => (LabelledFormat::Jsonl, "export.jsonl", jsonl),
        };
        let seeds = vec![Seed::file(file, bytes)];
        Ok(Labelled {
            format,
            project,
            dir,
            seeds,
        })
    }
}

impl Importer for Labelled {
    fn seeds(&self) -> &[Seed] {
        &self.seeds
    }

    fn run(&mut self, input: Input) -> anyhow::Result<String> {
        let bytes = std::fs::read(input.path)?;
        let unit = *input.rng.pick(&UNITS);
        let (mut records, mut spans, mut problems) = (0, 0, 0);
        for record in LabelledReader::new(&bytes, self.format, unit)? {
            match record {
                Ok(r) => {
                    records += 1;
                    spans += r.spans.len();
                    problems += r.problems.len();
                }
                Err(_) => problems += 1,
            }
        }
        if input.store {
            let unit = input.rng.chance(1, 2).then_some(unit);
            if self.project.items().len() > MAX_ITEMS {
                self.reset()?;
            }
            import_labelled(
                &mut self.project,
                input.path,
                self.format,
                unit,
                &mut no_progress(),
            )?;
        }
        Ok(format!(
            "{records} records with {spans} spans read, {problems} problems reported"
        ))
    }

    fn reset(&mut self) -> anyhow::Result<()> {
        // The old project holds the folder's lock until it is replaced.
        let fresh = self.dir.with_extension("new");
        let project = demo_copy(&fresh)?;
        drop(project);
        remove_any(&self.dir)?;
        std::fs::rename(&fresh, &self.dir)?;
        self.project = Project::open(&self.dir, Access::ReadWrite)?;
        Ok(())
    }
}

/// `reviews.jsonl` as CSV, TSV (with a header row) and plain lines.
fn delimited(jsonl: &[u8]) -> anyhow::Result<Vec<Seed>> {
    let records: Vec<Value> = String::from_utf8_lossy(jsonl)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let field = |r: &Value, k: &str| r[k].as_str().unwrap_or_default().to_string();
    let mut seeds = Vec::new();
    for (file, delimiter) in [("reviews.csv", b','), ("reviews.tsv", b'\t')] {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(Vec::new());
        writer.write_record(["id", "text", "shop"])?;
        for r in &records {
            writer.write_record([field(r, "id"), field(r, "text"), field(r, "shop")])?;
        }
        seeds.push(Seed::file(file, writer.into_inner()?));
    }
    let lines: String = records
        .iter()
        .map(|r| format!("{}\n", field(r, "text")))
        .collect();
    seeds.push(Seed::file("reviews.txt", lines.into_bytes()));
    Ok(seeds)
}

pub struct Texts {
    project: Project,
    dir: PathBuf,
    seeds: Vec<Seed>,
    generation: usize,
}

impl Texts {
    pub fn new(work: &Path) -> anyhow::Result<Self> {
        let reviews = repo_path("examples/demo_text/reviews.jsonl");
        let jsonl = std::fs::read(&reviews)?;
        let mut seeds = delimited(&jsonl)?;
        seeds.push(Seed::file("reviews.jsonl", jsonl));
        let dir = work.join("project-0");
        remove_any(&dir)?;
        let project = Project::create_text(&dir, "fuzz", LabelSchema::default())?;
        Ok(Texts {
            project,
            dir,
            seeds,
            generation: 0,
        })
    }
}

impl Importer for Texts {
    fn seeds(&self) -> &[Seed] {
        &self.seeds
    }

    fn run(&mut self, input: Input) -> anyhow::Result<String> {
        let field = *input
            .rng
            .pick(&[None, Some("text"), Some("shop"), Some("id")]);
        let bytes = std::fs::read(input.path)?;
        let source = TextSource::from_path(input.path, field)?;
        let (texts, problems): (Vec<_>, Vec<_>) =
            TextRecordReader::new(&bytes, &source)?.partition(Result::is_ok);
        if input.store {
            // An empty project takes a file through the fresh database
            // build, one with items through the ordinary insert.
            if input.rng.chance(1, 3) || self.project.items().len() > MAX_ITEMS {
                self.reset()?;
            }
            import_texts(&mut self.project, input.path, field, &mut no_progress())?;
        }
        Ok(format!(
            "{} texts read (field {field:?}), {} problems reported",
            texts.len(),
            problems.len()
        ))
    }

    fn reset(&mut self) -> anyhow::Result<()> {
        self.generation += 1;
        let dir = self
            .dir
            .with_file_name(format!("project-{}", self.generation));
        self.project = Project::create_text(&dir, "fuzz", LabelSchema::default())?;
        remove_any(&self.dir)?;
        self.dir = dir;
        Ok(())
    }
}
