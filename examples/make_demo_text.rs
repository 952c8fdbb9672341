//! Rebuilds `projects/demo-text` from the hand-written reviews in `examples/demo_text/`:
//! the text project, its span classes and document classes, and the pre-labels of
//! `prelabels.jsonl` made through the same `Edit` path as the app.
//!
//! `cargo run --example make_demo_text` (deletes and recreates `projects/demo-text/`).
//!
//! `prelabels.jsonl` lists, per review, its sentiment, whether it is done, and the
//! spans as `[class, exact substring]` pairs in text order: each substring is looked
//! for after the end of the previous one, so a word that occurs twice is listed twice.

use anyhow::{Context, bail};
use serde::Deserialize;
use shugu::model::{Edit, ItemStatus, LabelSchema, NewSpan, TextDoc};
use shugu::project::{NewTextItem, Project};
use std::collections::HashMap;
use std::path::Path;

const DATA: &str = "examples/demo_text";
const REVIEWS: &str = "reviews.jsonl";
const PRELABELS: &str = "prelabels.jsonl";
const LICENSE: &str = "LICENSE.md";
const PROJECT: &str = "projects/demo-text";

const SPAN_CLASSES: [&str; 4] = ["PRODUCT", "ORIGIN", "BRAND", "PRICE"];
/// (key used in `prelabels.jsonl`, document class name)
const DOC_CLASSES: [(&str, &str); 3] = [
    ("positive", "好评 positive"),
    ("negative", "差评 negative"),
    ("neutral", "中评 neutral"),
];

#[derive(Deserialize)]
struct Prelabel {
    id: String,
    sentiment: String,
    #[serde(default)]
    done: bool,
    #[serde(default)]
    spans: Vec<(String, String)>,
}

/// Reads `reviews.jsonl` into items named `reviews.jsonl:<line>`: `id` becomes the
/// external id, `text` the text, every other field the item's meta.
fn read_reviews(path: &Path) -> anyhow::Result<Vec<NewTextItem>> {
    let content =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut items = Vec::new();
    for (index, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line_no = index + 1;
        let mut record: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)
            .with_context(|| format!("{}:{line_no}: not a JSON object", path.display()))?;
        let Some(serde_json::Value::String(text)) = record.remove("text") else {
            bail!("{}:{line_no}: no string field `text`", path.display());
        };
        let Some(serde_json::Value::String(id)) = record.remove("id") else {
            bail!("{}:{line_no}: no string field `id`", path.display());
        };
        let meta = if record.is_empty() {
            None
        } else {
            Some(serde_json::Value::Object(record).to_string())
        };
        items.push(NewTextItem {
            rel_path: format!("{REVIEWS}:{line_no}"),
            doc: TextDoc {
                ext_id: Some(id),
                text,
                meta,
            },
        });
    }
    Ok(items)
}

fn read_prelabels(path: &Path) -> anyhow::Result<Vec<Prelabel>> {
    let content =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    content
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).with_context(|| {
                format!("{}:{}: not a pre-label record", path.display(), index + 1)
            })
        })
        .collect()
}

/// Code-point ranges of `parts` in `text`, each looked for after the previous one.
fn locate(text: &str, parts: &[(String, String)]) -> anyhow::Result<Vec<(String, u32, u32)>> {
    let mut from = 0;
    let mut found = Vec::with_capacity(parts.len());
    for (class, part) in parts {
        let Some(offset) = text[from..].find(part.as_str()) else {
            bail!("`{part}` ({class}) is not in the text after byte {from}: {text}");
        };
        let byte = from + offset;
        let start = u32::try_from(text[..byte].chars().count())?;
        let end = start + u32::try_from(part.chars().count())?;
        found.push((class.clone(), start, end));
        from = byte + part.len();
    }
    Ok(found)
}

fn main() -> anyhow::Result<()> {
    let data = Path::new(DATA);
    let dir = Path::new(PROJECT);
    let reviews = read_reviews(&data.join(REVIEWS))?;
    let prelabels = read_prelabels(&data.join(PRELABELS))?;

    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    let mut schema = LabelSchema::with_classes(&SPAN_CLASSES);
    for (_, name) in DOC_CLASSES {
        schema.add_image_label(name);
    }
    let mut project = Project::create_text(dir, "贵州农产品评论 Guizhou produce reviews", schema)?;
    project.set_author("demo");
    let ids = project.add_text_items(&reviews)?;
    if ids.len() != reviews.len() {
        bail!(
            "{} reviews read but {} items added",
            reviews.len(),
            ids.len()
        );
    }
    let by_ext_id: HashMap<&str, _> = reviews
        .iter()
        .zip(&ids)
        .filter_map(|(r, id)| {
            r.doc
                .ext_id
                .as_deref()
                .map(|e| (e, (*id, r.doc.text.as_str())))
        })
        .collect();
    if by_ext_id.len() != reviews.len() {
        bail!("review ids are not unique");
    }

    let mut spans_added = 0;
    for p in &prelabels {
        let Some(&(item, text)) = by_ext_id.get(p.id.as_str()) else {
            bail!("pre-label for unknown review {}", p.id);
        };
        let mut new = Vec::new();
        for (class_name, start, end) in locate(text, &p.spans).with_context(|| p.id.clone())? {
            let Some(class) = project.schema().class_by_name(&class_name).map(|c| c.id) else {
                bail!("{}: unknown span class {class_name}", p.id);
            };
            new.push(NewSpan {
                item,
                class,
                start,
                end,
            });
        }
        spans_added += new.len();
        if !new.is_empty() {
            project.apply(Edit::AddSpans(new))?;
        }
        let Some(label) = DOC_CLASSES
            .iter()
            .find(|(key, _)| *key == p.sentiment)
            .and_then(|(_, name)| {
                project
                    .schema()
                    .image_labels
                    .iter()
                    .find(|l| l.name == *name)
            })
            .map(|l| l.id)
        else {
            bail!("{}: unknown sentiment {}", p.id, p.sentiment);
        };
        project.apply(Edit::SetImageLabels {
            item,
            labels: vec![label],
        })?;
        if p.done {
            project.apply(Edit::SetStatus {
                item,
                status: ItemStatus::Submitted,
            })?;
        }
    }
    let stats = project.stats()?;
    println!(
        "{} reviews, {} pre-labelled ({} done), {} spans",
        stats.items,
        prelabels.len(),
        stats.items_submitted,
        stats.spans
    );
    if stats.spans != spans_added as u64 {
        bail!(
            "{spans_added} spans applied but the project has {}",
            stats.spans
        );
    }
    for c in &stats.spans_per_class {
        println!("  {:<8} {}", c.name, c.count);
    }
    for c in &stats.labels_per_class {
        println!("  {} {}", c.name, c.count);
    }
    // Closing the project checkpoints the WAL into shugu.db and releases the lock.
    drop(project);
    for f in ["shugu.db-wal", "shugu.db-shm", "shugu.lock"] {
        let path = dir.join(f);
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    std::fs::copy(data.join(LICENSE), dir.join(LICENSE))
        .with_context(|| format!("copying {DATA}/{LICENSE}"))?;
    Ok(())
}
