//! Review on the server: comments on items, annotations and spans
//! (`shugu.comments`), golden items (`shugu.golden`) and annotators' kept
//! versions of items (`shugu.item_versions`, an `ItemSnapshot` as JSON).

use super::conn::{Conn, bad_row};
use crate::model::{
    AnnotationId, Comment, CommentId, CommentTarget, ItemId, ItemSnapshot, ItemVersion, SpanId,
    VersionKind,
};
use crate::project::ProjectError;
use crate::project::store::{Stamp, id_taken};
use postgres::Row;

fn target_columns(target: Option<CommentTarget>) -> (Option<&'static str>, Option<i64>) {
    match target {
        None => (None, None),
        Some(CommentTarget::Annotation(id)) => (Some("annotation"), Some(id.0)),
        Some(CommentTarget::Span(id)) => (Some("span"), Some(id.0)),
    }
}

fn row_to_comment(r: &Row) -> Result<Comment, ProjectError> {
    let kind: Option<&str> = r.try_get(2)?;
    let target_id: Option<i64> = r.try_get(3)?;
    let target = match (kind, target_id) {
        (Some("annotation"), Some(id)) => Some(CommentTarget::Annotation(AnnotationId(id))),
        (Some("span"), Some(id)) => Some(CommentTarget::Span(SpanId(id))),
        _ => None,
    };
    Ok(Comment {
        id: CommentId(r.try_get(0)?),
        item: ItemId(r.try_get(1)?),
        target,
        body: r.try_get(4)?,
        author: r.try_get(5)?,
        created_ms: r.try_get(6)?,
    })
}

/// An item's comments, oldest first.
pub(super) fn comments_of(c: &mut Conn, item: ItemId) -> Result<Vec<Comment>, ProjectError> {
    c.map_rows(
        "SELECT id, item_id, target_kind, target_id, body, author, created_ms
           FROM shugu.comments WHERE item_id = $1 ORDER BY id",
        &[&item.0],
        row_to_comment,
    )
}

/// Inserts a comment as it is under `id`, or a new id when `None`.
pub(super) fn insert_comment(
    c: &mut Conn,
    id: Option<CommentId>,
    comment: &Comment,
) -> Result<CommentId, ProjectError> {
    let (kind, target) = target_columns(comment.target);
    let (item, body, author, created) = (
        &comment.item.0,
        &comment.body,
        &comment.author,
        &comment.created_ms,
    );
    let row = match id {
        Some(id) => c.query_opt(
            "INSERT INTO shugu.comments (id, item_id, target_kind, target_id, body, author, created_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id",
            &[&id.0, item, &kind, &target, body, author, created],
        )?,
        None => c.query_opt(
            "INSERT INTO shugu.comments (item_id, target_kind, target_id, body, author, created_ms)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[item, &kind, &target, body, author, created],
        )?,
    };
    match row {
        Some(r) => Ok(CommentId(r.try_get(0)?)),
        None => Err(id_taken("comment", id.map_or(0, |id| id.0))),
    }
}

/// Deletes a comment; returns it as it was.
pub(super) fn delete_comment(c: &mut Conn, id: CommentId) -> Result<Option<Comment>, ProjectError> {
    c.query_opt(
        "DELETE FROM shugu.comments WHERE id = $1
         RETURNING id, item_id, target_kind, target_id, body, author, created_ms",
        &[&id.0],
    )?
    .map(|r| row_to_comment(&r))
    .transpose()
}

/// Marks an item golden or not; returns whether it was.
pub(super) fn set_golden(
    c: &mut Conn,
    item: ItemId,
    golden: bool,
    stamp: Stamp,
) -> Result<bool, ProjectError> {
    if golden {
        let added = c.execute(
            "INSERT INTO shugu.golden (item_id, author, created_ms) VALUES ($1, $2, $3)
             ON CONFLICT (item_id) DO NOTHING",
            &[&item.0, &stamp.author, &stamp.time_ms],
        )?;
        Ok(added == 0)
    } else {
        let removed = c.execute("DELETE FROM shugu.golden WHERE item_id = $1", &[&item.0])?;
        Ok(removed > 0)
    }
}

pub(super) fn golden_items(c: &mut Conn) -> Result<Vec<ItemId>, ProjectError> {
    c.map_rows(
        "SELECT item_id FROM shugu.golden ORDER BY item_id",
        &[],
        |r| Ok(ItemId(r.try_get(0)?)),
    )
}

fn snapshot_from_db(text: &str) -> Result<ItemSnapshot, ProjectError> {
    serde_json::from_str(text).map_err(|e| bad_row(format!("an item version it cannot read: {e}")))
}

pub(super) fn snapshot_to_db(body: &ItemSnapshot) -> Result<String, ProjectError> {
    serde_json::to_string(body)
        .map_err(|e| ProjectError::InvalidEdit(format!("cannot store the item version: {e}")))
}

/// Keeps (`Some`) or drops (`None`) an annotator's version of an item;
/// returns the version it replaced.
pub(super) fn set_version(
    c: &mut Conn,
    item: ItemId,
    annotator: &str,
    kind: VersionKind,
    body: Option<&ItemSnapshot>,
    stamp: Stamp,
) -> Result<Option<ItemSnapshot>, ProjectError> {
    let old = c
        .query_opt(
            "SELECT body FROM shugu.item_versions
              WHERE item_id = $1 AND annotator = $2 AND kind = $3 FOR UPDATE",
            &[&item.0, &annotator, &kind.as_str()],
        )?
        .map(|r| snapshot_from_db(r.try_get(0)?))
        .transpose()?;
    match body {
        Some(body) => c.execute(
            "INSERT INTO shugu.item_versions (item_id, annotator, kind, body, created_ms)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (item_id, annotator, kind)
             DO UPDATE SET body = excluded.body, created_ms = excluded.created_ms",
            &[
                &item.0,
                &annotator,
                &kind.as_str(),
                &snapshot_to_db(body)?,
                &stamp.time_ms,
            ],
        )?,
        None => c.execute(
            "DELETE FROM shugu.item_versions WHERE item_id = $1 AND annotator = $2 AND kind = $3",
            &[&item.0, &annotator, &kind.as_str()],
        )?,
    };
    Ok(old)
}

/// Every kept version, ordered by item, kind and annotator.
pub(super) fn item_versions(c: &mut Conn) -> Result<Vec<ItemVersion>, ProjectError> {
    c.map_rows(
        "SELECT item_id, annotator, kind, body, created_ms FROM shugu.item_versions
          ORDER BY item_id, kind COLLATE \"C\", annotator COLLATE \"C\"",
        &[],
        |r| {
            let kind: &str = r.try_get(2)?;
            Ok(ItemVersion {
                item: ItemId(r.try_get(0)?),
                annotator: r.try_get(1)?,
                kind: VersionKind::parse(kind)
                    .ok_or_else(|| bad_row(format!("an unknown version kind `{kind}`")))?,
                body: snapshot_from_db(r.try_get(3)?)?,
                created_ms: r.try_get(4)?,
            })
        },
    )
}
