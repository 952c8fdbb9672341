//! Questions the dashboard and the review queue ask: who submitted how much
//! when and which items changed lately (from the edit log), and who made which
//! annotations of which class (one pass over boxes and spans).

use super::ProjectError;
use super::store::{Census, LogEntry};
use crate::model::{ClassId, ItemId};
use rusqlite::Connection;

const HOUR_MS: i64 = 3_600_000;

pub(super) fn submissions_per_hour(
    conn: &Connection,
) -> Result<Vec<(String, i64, usize)>, ProjectError> {
    // Only fresh submits: an undo or redo is logged as `undo:set_status`.
    let mut stmt = conn.prepare_cached(
        "SELECT author, (time_ms / ?1) * ?1 AS hour, COUNT(DISTINCT item_id) FROM edit_log \
         WHERE kind = 'set_status' AND item_id IS NOT NULL \
         AND detail LIKE '%\"status\":\"submitted\"%' \
         GROUP BY author, hour ORDER BY author, hour",
    )?;
    let rows = stmt.query_map([HOUR_MS], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)? as usize,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn items_changed_since(
    conn: &Connection,
    since_ms: i64,
) -> Result<Vec<ItemId>, ProjectError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT item_id FROM edit_log WHERE time_ms >= ?1 AND item_id IS NOT NULL",
    )?;
    let rows = stmt.query_map([since_ms], |r| Ok(ItemId(r.get(0)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One pass over `table` (boxes or spans) adding to the class counts and to
/// each author's items. Rows come roughly in item order, so an item repeated
/// in a run is dropped at once; the rest are deduplicated at the end.
fn count_annotations(
    conn: &Connection,
    table: &str,
    per_class: &mut Vec<(i64, u64)>,
    authors: &mut Vec<(String, Vec<i64>)>,
) -> Result<(), ProjectError> {
    let mut stmt = conn.prepare(&format!("SELECT item_id, class_id, author FROM {table}"))?;
    let mut rows = stmt.query([])?;
    let mut last_author = usize::MAX;
    while let Some(r) = rows.next()? {
        let item: i64 = r.get(0)?;
        let class: i64 = r.get(1)?;
        // A schema has tens of classes: a short list beats hashing a million times.
        match per_class.iter_mut().find(|(c, _)| *c == class) {
            Some((_, n)) => *n += 1,
            None => per_class.push((class, 1)),
        }
        let author = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
        if authors
            .get(last_author)
            .is_none_or(|(name, _)| name != author)
        {
            last_author = match authors.iter().position(|(name, _)| name == author) {
                Some(i) => i,
                None => {
                    authors.push((author.to_string(), Vec::new()));
                    authors.len() - 1
                }
            };
        }
        if let Some((_, items)) = authors.get_mut(last_author)
            && items.last() != Some(&item)
        {
            items.push(item);
        }
    }
    Ok(())
}

pub(super) fn census(conn: &Connection) -> Result<Census, ProjectError> {
    let sorted_counts = |m: Vec<(i64, u64)>| {
        let mut v: Vec<(ClassId, u64)> = m.into_iter().map(|(c, n)| (ClassId(c), n)).collect();
        v.sort_unstable();
        v
    };
    let mut authors = Vec::new();
    let mut boxes = Vec::new();
    count_annotations(conn, "boxes", &mut boxes, &mut authors)?;
    let mut spans = Vec::new();
    count_annotations(conn, "spans", &mut spans, &mut authors)?;
    let mut items_by_annotator: Vec<(String, Vec<ItemId>)> = authors
        .into_iter()
        .map(|(name, mut items)| {
            items.sort_unstable();
            items.dedup();
            (name, items.into_iter().map(ItemId).collect())
        })
        .collect();
    items_by_annotator.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Census {
        boxes_per_class: sorted_counts(boxes),
        spans_per_class: sorted_counts(spans),
        items_by_annotator,
    })
}

pub(super) fn adopt_log(
    conn: &mut Connection,
    entries: &[LogEntry],
) -> Result<usize, ProjectError> {
    let tx = conn.transaction()?;
    let mut added = 0;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO edit_log(time_ms, author, kind, item_id, detail)              SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM edit_log              WHERE item_id IS ?4 AND time_ms = ?1 AND author = ?2 AND kind = ?3)",
        )?;
        for e in entries {
            added += insert.execute(rusqlite::params![
                e.time_ms,
                e.author,
                e.kind,
                e.item.map(|i| i.0),
                e.detail
            ])?;
        }
    }
    tx.commit()?;
    Ok(added)
}
