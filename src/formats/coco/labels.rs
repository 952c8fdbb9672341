//! Image-level classification labels, written beside the COCO file.
//!
//! COCO `instances` files have no place for them (a geometry-less annotation
//! breaks consumers), so they go to JSON Lines, one object per labelled image:
//! `{"file_name": "a/b.jpg", "labels": ["晴天", "outdoor"]}`.

use super::error::CocoError;
use super::export::broken_reason;
use crate::model::{Item, ItemId, LabelId, LabelSchema};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::{BufWriter, Write};

#[derive(Serialize)]
struct Line<'a> {
    file_name: &'a str,
    labels: Vec<&'a str>,
}

/// Writes one line per item that has labels, in item order, with label names in
/// the order given (repeats dropped). Items the COCO export leaves out (broken
/// images) are left out here too, so both files describe the same images; items
/// listed twice are written once. Returns the number of lines written.
///
/// Fails on a label id the schema does not define, naming the item.
pub fn write_image_labels_jsonl<W: Write>(
    items: &[Item],
    labels: &[(ItemId, Vec<LabelId>)],
    schema: &LabelSchema,
    w: W,
) -> Result<usize, CocoError> {
    let mut by_item: HashMap<ItemId, Vec<LabelId>> = HashMap::with_capacity(labels.len());
    for (item, ids) in labels {
        by_item.entry(*item).or_default().extend(ids);
    }
    let names: HashMap<LabelId, &str> = schema
        .image_labels
        .iter()
        .map(|l| (l.id, l.name.as_str()))
        .collect();

    let mut out = BufWriter::with_capacity(1 << 16, w);
    let mut written = HashSet::new();
    for item in items {
        let Some(ids) = by_item.get(&item.id) else {
            continue;
        };
        if ids.is_empty() || broken_reason(item).is_some() || !written.insert(item.id) {
            continue;
        }
        let mut line = Line {
            file_name: &item.rel_path,
            labels: Vec::with_capacity(ids.len()),
        };
        for &label in ids {
            let name = names.get(&label).copied().ok_or(CocoError::UnknownLabel {
                item: item.id,
                label,
            })?;
            if !line.labels.contains(&name) {
                line.labels.push(name);
            }
        }
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(written.len())
}
