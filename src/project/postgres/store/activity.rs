//! The audit trail on the server (`shugu.edit_log`) and what the dashboard
//! and the review queue ask of it and of the annotations: who submitted how
//! much when, which items changed lately, who made which annotations of which
//! class and kind. An entry's author is the login that wrote it
//! (`session_user`), whatever the client says; only an administrator adopts
//! a work package's entries under their own authors (the server's rule).

use super::conn::Conn;
use crate::model::{ClassId, ItemId, ShapeKind};
use crate::project::ProjectError;
use crate::project::store::{Census, LogEntry};
use postgres::Row;

const HOUR_MS: i64 = 3_600_000;

fn row_to_entry(r: &Row) -> Result<LogEntry, ProjectError> {
    Ok(LogEntry {
        seq: r.try_get(0)?,
        time_ms: r.try_get(1)?,
        author: r.try_get(2)?,
        kind: r.try_get(3)?,
        item: r.try_get::<_, Option<i64>>(4)?.map(ItemId),
        detail: r.try_get(5)?,
    })
}

/// The audit trail, newest first: of one item, or of the whole project.
pub(super) fn log_of(
    c: &mut Conn,
    item: Option<ItemId>,
    limit: usize,
) -> Result<Vec<LogEntry>, ProjectError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    match item {
        Some(item) => c.map_rows(
            "SELECT seq, time_ms, author, kind, item_id, detail FROM shugu.edit_log
              WHERE item_id = $1 ORDER BY seq DESC LIMIT $2",
            &[&item.0, &limit],
            row_to_entry,
        ),
        None => c.map_rows(
            "SELECT seq, time_ms, author, kind, item_id, detail FROM shugu.edit_log
              ORDER BY seq DESC LIMIT $1",
            &[&limit],
            row_to_entry,
        ),
    }
}

/// Appends an entry written by the login.
pub(super) fn append_log(c: &mut Conn, e: &LogEntry) -> Result<(), ProjectError> {
    c.execute(
        "INSERT INTO shugu.edit_log (time_ms, author, kind, item_id, detail)
         VALUES ($1, session_user, $2, $3, $4)",
        &[&e.time_ms, &e.kind, &e.item.map(|i| i.0), &e.detail],
    )?;
    Ok(())
}

/// Appends another log's entries as they were, except those already there
/// (same time, author, kind and item); returns how many were added.
pub(super) fn adopt_log(c: &mut Conn, entries: &[LogEntry]) -> Result<usize, ProjectError> {
    let mut added = 0;
    for e in entries {
        added += c.execute(
            "INSERT INTO shugu.edit_log (time_ms, author, kind, item_id, detail)
             SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (
                 SELECT 1 FROM shugu.edit_log WHERE item_id IS NOT DISTINCT FROM $4
                    AND time_ms = $1 AND author = $2 AND kind = $3)",
            &[
                &e.time_ms,
                &e.author,
                &e.kind,
                &e.item.map(|i| i.0),
                &e.detail,
            ],
        )?;
    }
    Ok(usize::try_from(added).unwrap_or(usize::MAX))
}

/// Appends entries as they were, in order, by one binary `COPY`.
pub(super) fn copy_log(c: &mut Conn, entries: &[LogEntry]) -> Result<(), ProjectError> {
    use postgres::types::Type;
    c.copy_in(
        "COPY shugu.edit_log (time_ms, author, kind, item_id, detail) FROM STDIN (FORMAT binary)",
        &[Type::INT8, Type::TEXT, Type::TEXT, Type::INT8, Type::TEXT],
        entries,
        |w, e| {
            Ok(w.write(&[
                &e.time_ms,
                &e.author,
                &e.kind,
                &e.item.map(|i| i.0),
                &e.detail,
            ])?)
        },
    )?;
    Ok(())
}

pub(super) fn submissions_per_hour(
    c: &mut Conn,
) -> Result<Vec<(String, i64, usize)>, ProjectError> {
    // Only fresh submits: an undo or redo is logged as `undo:set_status`.
    c.map_rows(
        "SELECT author, (time_ms / $1) * $1 AS hour, count(DISTINCT item_id)
           FROM shugu.edit_log
          WHERE kind = 'set_status' AND item_id IS NOT NULL
            AND detail LIKE '%\"status\":\"submitted\"%'
          GROUP BY author, hour ORDER BY author COLLATE \"C\", hour",
        &[&HOUR_MS],
        |r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                usize::try_from(r.try_get::<_, i64>(2)?).unwrap_or(0),
            ))
        },
    )
}

pub(super) fn items_changed_since(
    c: &mut Conn,
    since_ms: i64,
) -> Result<Vec<ItemId>, ProjectError> {
    c.map_rows(
        "SELECT DISTINCT item_id FROM shugu.edit_log
          WHERE time_ms >= $1 AND item_id IS NOT NULL ORDER BY item_id",
        &[&since_ms],
        |r| Ok(ItemId(r.try_get(0)?)),
    )
}

/// Items with an annotation or a span of `class`, ascending.
pub(super) fn items_with_class(c: &mut Conn, class: ClassId) -> Result<Vec<ItemId>, ProjectError> {
    c.map_rows(
        "SELECT item_id FROM shugu.annotations WHERE class_id = $1
         UNION SELECT item_id FROM shugu.spans WHERE class_id = $1
         ORDER BY item_id",
        &[&class.0],
        |r| Ok(ItemId(r.try_get(0)?)),
    )
}

/// Items with an annotation or a span made by `author`, ascending.
pub(super) fn items_by_author(c: &mut Conn, author: &str) -> Result<Vec<ItemId>, ProjectError> {
    c.map_rows(
        "SELECT item_id FROM shugu.annotations WHERE author = $1
         UNION SELECT item_id FROM shugu.spans WHERE author = $1
         ORDER BY item_id",
        &[&author],
        |r| Ok(ItemId(r.try_get(0)?)),
    )
}

/// Everyone who made an annotation or span, by name.
pub(super) fn annotators(c: &mut Conn) -> Result<Vec<String>, ProjectError> {
    let mut names = c.map_rows(
        "SELECT author FROM shugu.annotations UNION SELECT author FROM shugu.spans",
        &[],
        |r| Ok(r.try_get::<_, String>(0)?),
    )?;
    names.sort_unstable();
    Ok(names)
}

fn count(r: &Row, i: usize) -> Result<u64, ProjectError> {
    Ok(u64::try_from(r.try_get::<_, i64>(i)?).unwrap_or(0))
}

/// Counts by class id, ascending.
fn class_counts(c: &mut Conn, sql: &'static str) -> Result<Vec<(ClassId, u64)>, ProjectError> {
    c.map_rows(sql, &[], |r| Ok((ClassId(r.try_get(0)?), count(r, 1)?)))
}

/// The annotations per class and kind, the spans per class, and each
/// author's items, counted by the server.
pub(super) fn census(c: &mut Conn) -> Result<Census, ProjectError> {
    let annotations_per_class = class_counts(
        c,
        "SELECT class_id, count(*) FROM shugu.annotations GROUP BY class_id ORDER BY class_id",
    )?;
    let per_kind = c.map_rows(
        "SELECT kind, count(*) FROM shugu.annotations GROUP BY kind",
        &[],
        |r| Ok((r.try_get::<_, i16>(0)?, count(r, 1)?)),
    )?;
    let annotations_per_kind = ShapeKind::ALL
        .into_iter()
        .filter_map(|k| {
            let code = i16::from(k.code());
            let n = per_kind.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)?;
            (n > 0).then_some((k, n))
        })
        .collect();
    let spans_per_class = class_counts(
        c,
        "SELECT class_id, count(*) FROM shugu.spans GROUP BY class_id ORDER BY class_id",
    )?;
    let mut items_by_annotator = c.map_rows(
        "SELECT author, array_agg(item_id ORDER BY item_id) FROM (
             SELECT author, item_id FROM shugu.annotations
             UNION SELECT author, item_id FROM shugu.spans) AS made
          GROUP BY author",
        &[],
        |r| {
            let items: Vec<i64> = r.try_get(1)?;
            Ok((
                r.try_get::<_, String>(0)?,
                items.into_iter().map(ItemId).collect::<Vec<_>>(),
            ))
        },
    )?;
    items_by_annotator.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Census {
        annotations_per_class,
        annotations_per_kind,
        spans_per_class,
        items_by_annotator,
    })
}

/// The key of the project's identity among the session values: it lives in
/// `shugu.project`, one for everyone; every other value is the login's own.
const IDENTITY_KEY: &str = "project_uid";

pub(super) fn session_value(c: &mut Conn, key: &str) -> Result<Option<String>, ProjectError> {
    let row = if key == IDENTITY_KEY {
        c.query_opt("SELECT identity FROM shugu.project", &[])?
    } else {
        c.query_opt(
            "SELECT value FROM shugu.user_settings WHERE login = session_user AND key = $1",
            &[&key],
        )?
    };
    row.map(|r| Ok(r.try_get(0)?)).transpose()
}

pub(super) fn set_session_value(c: &mut Conn, key: &str, value: &str) -> Result<(), ProjectError> {
    if key == IDENTITY_KEY {
        if c.execute("UPDATE shugu.project SET identity = $1", &[&value])? == 0 {
            return Err(ProjectError::InvalidEdit(
                "the database holds no project to give an identity".into(),
            ));
        }
    } else {
        c.execute(
            "INSERT INTO shugu.user_settings (key, value) VALUES ($1, $2)
             ON CONFLICT (login, key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
    }
    Ok(())
}
