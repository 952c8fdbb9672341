//! Questions the dashboard and the review queue ask: who submitted how much
//! when and which items changed lately (from the edit log), and who made which
//! annotations of which class and shape kind (one pass over annotations and
//! spans).

use super::text;
use crate::model::{ClassId, ItemId, ShapeKind};
use crate::project::ProjectError;
use crate::project::store::{Census, LogEntry};
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

/// Class counts and each author's items, added to one annotation at a time.
#[derive(Default)]
struct Tally {
    per_class: Vec<(i64, u64)>,
    authors: Vec<(String, Vec<i64>)>,
    last_author: Option<usize>,
}

impl Tally {
    /// Annotations come roughly in item order, so an item repeated in a run
    /// is dropped at once; the rest are deduplicated at the end.
    fn add(&mut self, item: i64, class: i64, author: &str) {
        // A schema has tens of classes: a short list beats hashing a million times.
        match self.per_class.iter_mut().find(|(c, _)| *c == class) {
            Some((_, n)) => *n += 1,
            None => self.per_class.push((class, 1)),
        }
        let same = self
            .last_author
            .and_then(|i| self.authors.get(i))
            .is_some_and(|(name, _)| name == author);
        if !same {
            self.last_author = Some(
                match self.authors.iter().position(|(name, _)| name == author) {
                    Some(i) => i,
                    None => {
                        self.authors.push((author.to_string(), Vec::new()));
                        self.authors.len() - 1
                    }
                },
            );
        }
        if let Some((_, items)) = self.last_author.and_then(|i| self.authors.get_mut(i))
            && items.last() != Some(&item)
        {
            items.push(item);
        }
    }

    /// The class counts gathered so far, sorted, leaving the authors.
    fn take_classes(&mut self) -> Vec<(ClassId, u64)> {
        let mut v: Vec<(ClassId, u64)> = std::mem::take(&mut self.per_class)
            .into_iter()
            .map(|(c, n)| (ClassId(c), n))
            .collect();
        v.sort_unstable();
        v
    }
}

/// One pass over the annotations; returns how many there are of each
/// shape kind code.
fn count_annotations(conn: &Connection, tally: &mut Tally) -> Result<[u64; 256], ProjectError> {
    let mut per_kind = [0u64; 256];
    let mut stmt = conn.prepare("SELECT item_id, class_id, author, kind FROM annotations")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let author = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
        tally.add(r.get(0)?, r.get(1)?, author);
        per_kind[r.get::<_, i64>(3)?.clamp(0, 255) as usize] += 1;
    }
    Ok(per_kind)
}

pub(super) fn census(conn: &Connection) -> Result<Census, ProjectError> {
    let mut tally = Tally::default();
    let per_kind = count_annotations(conn, &mut tally)?;
    let annotations_per_class = tally.take_classes();
    let annotations_per_kind = ShapeKind::ALL
        .into_iter()
        .map(|k| (k, per_kind[usize::from(k.code())]))
        .filter(|&(_, n)| n > 0)
        .collect();
    text::for_each_span(conn, &mut |item, s| {
        tally.add(item.0, s.class.0, s.author);
        Ok(())
    })?;
    let spans_per_class = tally.take_classes();
    let mut items_by_annotator: Vec<(String, Vec<ItemId>)> = tally
        .authors
        .into_iter()
        .map(|(name, mut items)| {
            items.sort_unstable();
            items.dedup();
            (name, items.into_iter().map(ItemId).collect())
        })
        .collect();
    items_by_annotator.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Census {
        annotations_per_class,
        annotations_per_kind,
        spans_per_class,
        items_by_annotator,
    })
}

pub(super) fn adopt_log(
    conn: &mut Connection,
    entries: &[LogEntry],
) -> Result<usize, ProjectError> {
    // A savepoint: its own transaction, or part of a group's.
    let tx = conn.savepoint()?;
    let mut added = 0;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO edit_log(time_ms, author, kind, item_id, detail)              SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM edit_log              WHERE item_id IS ?4 AND time_ms = ?1 AND author = ?2 AND kind = ?3)",
        )?;
        for e in entries {
            added += execute_log(&mut insert, e)?;
        }
    }
    tx.commit()?;
    Ok(added)
}

/// Appends an entry to `edit_log`, which numbers it.
pub(super) fn append_log(tx: &Connection, e: &LogEntry) -> Result<(), ProjectError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO edit_log(time_ms, author, kind, item_id, detail) VALUES(?1,?2,?3,?4,?5)",
    )?;
    execute_log(&mut insert, e)?;
    Ok(())
}

/// Runs a statement over an entry's time, author, kind, item and detail, `?1` to `?5`.
fn execute_log(stmt: &mut rusqlite::Statement, e: &LogEntry) -> rusqlite::Result<usize> {
    stmt.execute(rusqlite::params![
        e.time_ms,
        e.author,
        e.kind,
        e.item.map(|i| i.0),
        e.detail
    ])
}

/// The audit trail, newest first: of one item, or of the whole project.
pub(super) fn log_of(
    conn: &Connection,
    item: Option<ItemId>,
    limit: usize,
) -> Result<Vec<LogEntry>, ProjectError> {
    let sql = match item {
        Some(_) => {
            "SELECT seq, time_ms, author, kind, item_id, detail FROM edit_log WHERE item_id = ?1 ORDER BY seq DESC LIMIT ?2"
        }
        None => {
            "SELECT seq, time_ms, author, kind, item_id, detail FROM edit_log WHERE ?1 IS NULL ORDER BY seq DESC LIMIT ?2"
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(rusqlite::params![item.map(|i| i.0), limit as i64], |r| {
        Ok(LogEntry {
            seq: r.get(0)?,
            time_ms: r.get(1)?,
            author: r.get(2)?,
            kind: r.get(3)?,
            item: r.get::<_, Option<i64>>(4)?.map(ItemId),
            detail: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
