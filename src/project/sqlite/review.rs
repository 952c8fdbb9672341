//! Review comments in the SQLite store (`comments`): a note on an item, or on
//! one annotation or span of it (`target_kind` `annotation` or `span`;
//! version 6 wrote `box`, moved forward with the boxes).

use super::annotations::{delete_found, taken_id};
use crate::model::{AnnotationId, Comment, CommentId, CommentTarget, ItemId, SpanId};
use crate::project::ProjectError;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) const REVIEW_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS comments(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL,
    target_kind TEXT,
    target_id INTEGER,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_by_item ON comments(item_id);
";

const COLUMNS: &str = "id, item_id, target_kind, target_id, body, author, created_ms";

fn target_columns(target: Option<CommentTarget>) -> (Option<&'static str>, Option<i64>) {
    match target {
        None => (None, None),
        Some(CommentTarget::Annotation(id)) => (Some("annotation"), Some(id.0)),
        Some(CommentTarget::Span(id)) => (Some("span"), Some(id.0)),
    }
}

fn row_to_comment(r: &rusqlite::Row) -> rusqlite::Result<Comment> {
    let kind: Option<String> = r.get(2)?;
    let target_id: Option<i64> = r.get(3)?;
    let target = match (kind.as_deref(), target_id) {
        (Some("annotation"), Some(id)) => Some(CommentTarget::Annotation(AnnotationId(id))),
        (Some("span"), Some(id)) => Some(CommentTarget::Span(SpanId(id))),
        _ => None,
    };
    Ok(Comment {
        id: CommentId(r.get(0)?),
        item: ItemId(r.get(1)?),
        target,
        body: r.get(4)?,
        author: r.get(5)?,
        created_ms: r.get(6)?,
    })
}

/// An item's comments, oldest first.
pub(super) fn comments_of(conn: &Connection, item: ItemId) -> Result<Vec<Comment>, ProjectError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM comments WHERE item_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([item.0], row_to_comment)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Inserts a comment as it is, under `id` or, when `None`, a new one.
pub(super) fn insert_comment(
    tx: &Connection,
    id: Option<CommentId>,
    c: &Comment,
) -> Result<CommentId, ProjectError> {
    let (kind, target) = target_columns(c.target);
    tx.prepare_cached(&format!(
        "INSERT INTO comments({COLUMNS}) VALUES(?1,?2,?3,?4,?5,?6,?7)"
    ))?
    .execute(params![
        id.map(|id| id.0),
        c.item.0,
        kind,
        target,
        c.body,
        c.author,
        c.created_ms
    ])
    .map_err(taken_id("comment", id.unwrap_or(c.id)))?;
    Ok(CommentId(tx.last_insert_rowid()))
}

/// Deletes a comment; returns it as it was, `None` when there was none.
pub(super) fn delete_comment(
    tx: &Connection,
    id: CommentId,
) -> Result<Option<Comment>, ProjectError> {
    let old = tx
        .prepare_cached(&format!("SELECT {COLUMNS} FROM comments WHERE id = ?1"))?
        .query_row([id.0], row_to_comment)
        .optional()?;
    delete_found(tx, "DELETE FROM comments WHERE id = ?1", id.0, old)
}
