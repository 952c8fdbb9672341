//! `shugu.annotations` and `shugu.annotation_origins`: an annotation and its
//! row, mapped in one place. The shape is its kind ([`ShapeKind::code`]) and
//! its geometry ([`Shape::encode`], `bytea`), as in the SQLite store; the
//! attributes are `jsonb`, NULL when there are none. New annotations are
//! numbered from the sequence first, so their ids follow the edit's order,
//! and many of them go in by binary `COPY`.

use super::conn::{Conn, Sequence, bad_row, provenance_columns};
use crate::model::{
    Annotation, AnnotationId, AnnotationOrigin, Attributes, ClassId, GroupId, ItemId,
    NewAnnotation, Provenance, Shape, ShapeKind,
};
use crate::project::ProjectError;
use crate::project::store::{Stamp, id_taken};
use postgres::Row;
use postgres::types::{Json, ToSql, Type};

/// Rows from which one `COPY` beats one multi-row `INSERT`.
pub(super) const COPY_ROWS: usize = 1_000;

/// A shape from its kind and geometry columns (`first` and the one after).
pub(super) fn shape_columns(r: &Row, first: usize) -> Result<Shape, ProjectError> {
    let code: i16 = r.try_get(first)?;
    let kind = u8::try_from(code)
        .ok()
        .and_then(ShapeKind::from_code)
        .ok_or_else(|| bad_row(format!("an unknown shape kind {code}")))?;
    let bytes: &[u8] = r.try_get(first + 1)?;
    Shape::decode(kind, bytes).map_err(|e| bad_row(format!("a shape it cannot read: {e}")))
}

/// The `kind` column of a shape.
pub(super) fn kind_code(shape: &Shape) -> i16 {
    i16::from(shape.kind().code())
}

/// Stored attributes: `None` for none.
pub(super) fn attrs_to_db(attrs: &Attributes) -> Option<Json<&Attributes>> {
    (!attrs.is_empty()).then_some(Json(attrs))
}

const COLUMNS: &str = "id, item_id, class_id, kind, geometry, group_id, attrs, author, \
                       created_ms, updated_by, updated_ms";

fn row_to_annotation(r: &Row) -> Result<Annotation, ProjectError> {
    let attrs: Option<Json<Attributes>> = r.try_get(6)?;
    Ok(Annotation {
        id: AnnotationId(r.try_get(0)?),
        item: ItemId(r.try_get(1)?),
        class: ClassId(r.try_get(2)?),
        shape: shape_columns(r, 3)?,
        group: r.try_get::<_, Option<i64>>(5)?.map(GroupId),
        attributes: attrs.map(|Json(a)| a).unwrap_or_default(),
        provenance: provenance_columns(r, 7)?,
    })
}

/// An annotation as the values of [`COLUMNS`].
struct Values<'a> {
    id: i64,
    item: i64,
    class: i64,
    kind: i16,
    geometry: Vec<u8>,
    group: Option<i64>,
    attrs: Option<Json<&'a Attributes>>,
    provenance: &'a Provenance,
}

impl<'a> Values<'a> {
    fn of(id: AnnotationId, a: &'a Annotation) -> Self {
        Values {
            id: id.0,
            item: a.item.0,
            class: a.class.0,
            kind: kind_code(&a.shape),
            geometry: a.shape.to_bytes(),
            group: a.group.map(|g| g.0),
            attrs: attrs_to_db(&a.attributes),
            provenance: &a.provenance,
        }
    }

    /// The statement parameters `$1` to `$11`, in [`COLUMNS`] order.
    fn params(&self) -> [&(dyn ToSql + Sync); 11] {
        let p = self.provenance;
        [
            &self.id,
            &self.item,
            &self.class,
            &self.kind,
            &self.geometry,
            &self.group,
            &self.attrs,
            &p.author,
            &p.created_ms,
            &p.updated_by,
            &p.updated_ms,
        ]
    }
}

/// `SELECT` of every column, then `rest`, checked at compile time to be one
/// literal so the statement is prepared once.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, item_id, class_id, kind, geometry, group_id, attrs, author, \
             created_ms, updated_by, updated_ms FROM shugu.annotations ",
            $rest
        )
    };
}

pub(super) fn find(c: &mut Conn, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
    c.query_opt(select!("WHERE id = $1"), &[&id.0])?
        .map(|r| row_to_annotation(&r))
        .transpose()
}

/// An item's annotations, by id.
pub(super) fn of_item(c: &mut Conn, item: ItemId) -> Result<Vec<Annotation>, ProjectError> {
    c.map_rows(
        select!("WHERE item_id = $1 ORDER BY id"),
        &[&item.0],
        row_to_annotation,
    )
}

/// Every annotation, ordered by item then id.
pub(super) fn all(c: &mut Conn) -> Result<Vec<Annotation>, ProjectError> {
    c.map_rows(select!("ORDER BY item_id, id"), &[], row_to_annotation)
}

/// Inserts an annotation with its provenance under `id`, or a new id when
/// `None`; returns the id.
pub(super) fn insert(
    c: &mut Conn,
    id: Option<AnnotationId>,
    a: &Annotation,
) -> Result<AnnotationId, ProjectError> {
    let id = match id {
        Some(id) => id,
        None => AnnotationId(
            c.take_ids(Sequence::Annotations, 1)?
                .pop()
                .ok_or_else(|| bad_row("no annotation id"))?,
        ),
    };
    let values = Values::of(id, a);
    let inserted = c.query_opt(
        "INSERT INTO shugu.annotations (id, item_id, class_id, kind, geometry, group_id, attrs,
                                        author, created_ms, updated_by, updated_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (id) DO NOTHING RETURNING id",
        &values.params(),
    )?;
    match inserted {
        Some(_) => Ok(id),
        None => Err(id_taken("annotation", id)),
    }
}

/// Writes an annotation's item, class, shape, group, attributes and
/// provenance over its row.
pub(super) fn update(c: &mut Conn, a: &Annotation) -> Result<(), ProjectError> {
    c.execute(
        "UPDATE shugu.annotations SET item_id = $2, class_id = $3, kind = $4, geometry = $5,
                group_id = $6, attrs = $7, author = $8, created_ms = $9, updated_by = $10,
                updated_ms = $11
          WHERE id = $1",
        &Values::of(a.id, a).params(),
    )?;
    Ok(())
}

/// Deletes an annotation; returns it as it was.
pub(super) fn delete(c: &mut Conn, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
    c.query_opt(
        "DELETE FROM shugu.annotations WHERE id = $1
         RETURNING id, item_id, class_id, kind, geometry, group_id, attrs, author,
                   created_ms, updated_by, updated_ms",
        &[&id.0],
    )?
    .map(|r| row_to_annotation(&r))
    .transpose()
}

/// Inserts new annotations authored and created by `stamp`; returns their
/// ids in the order of `new`.
pub(super) fn add_new(
    c: &mut Conn,
    new: &[NewAnnotation],
    stamp: Stamp,
) -> Result<Vec<AnnotationId>, ProjectError> {
    let ids = c.take_ids(Sequence::Annotations, new.len())?;
    if new.len() >= COPY_ROWS {
        copy_new(c, &ids, new, stamp)?;
    } else if !new.is_empty() {
        insert_new(c, &ids, new, stamp)?;
    }
    Ok(ids.into_iter().map(AnnotationId).collect())
}

/// A few new annotations in one statement, their columns as arrays.
fn insert_new(
    c: &mut Conn,
    ids: &[i64],
    new: &[NewAnnotation],
    stamp: Stamp,
) -> Result<(), ProjectError> {
    let items: Vec<i64> = new.iter().map(|n| n.item.0).collect();
    let classes: Vec<i64> = new.iter().map(|n| n.class.0).collect();
    let kinds: Vec<i16> = new.iter().map(|n| kind_code(&n.shape)).collect();
    let shapes: Vec<Vec<u8>> = new.iter().map(|n| n.shape.to_bytes()).collect();
    let groups: Vec<Option<i64>> = new.iter().map(|n| n.group.map(|g| g.0)).collect();
    let attrs: Vec<Option<Json<&Attributes>>> =
        new.iter().map(|n| attrs_to_db(&n.attributes)).collect();
    c.execute(
        "INSERT INTO shugu.annotations (id, item_id, class_id, kind, geometry, group_id, attrs,
                                        author, created_ms, updated_by, updated_ms)
         SELECT id, item, class, kind, geometry, grp, attrs, $8, $9, $8, $9
           FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::smallint[], $5::bytea[],
                       $6::bigint[], $7::jsonb[]) AS u(id, item, class, kind, geometry, grp, attrs)",
        &[
            &ids,
            &items,
            &classes,
            &kinds,
            &shapes,
            &groups,
            &attrs,
            &stamp.author,
            &stamp.time_ms,
        ],
    )?;
    Ok(())
}

const COPY_TYPES: [Type; 11] = [
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::INT2,
    Type::BYTEA,
    Type::INT8,
    Type::JSONB,
    Type::TEXT,
    Type::INT8,
    Type::TEXT,
    Type::INT8,
];

/// Many new annotations by one binary `COPY`.
fn copy_new(
    c: &mut Conn,
    ids: &[i64],
    new: &[NewAnnotation],
    stamp: Stamp,
) -> Result<(), ProjectError> {
    let mut shape = Vec::new();
    c.copy_in(
        &format!("COPY shugu.annotations ({COLUMNS}) FROM STDIN (FORMAT binary)"),
        &COPY_TYPES,
        ids.iter().zip(new),
        |w, (id, n)| {
            shape.clear();
            n.shape.encode(&mut shape);
            Ok(w.write(&[
                id,
                &n.item.0,
                &n.class.0,
                &kind_code(&n.shape),
                &shape.as_slice(),
                &n.group.map(|g| g.0),
                &attrs_to_db(&n.attributes),
                &stamp.author,
                &stamp.time_ms,
                &stamp.author,
                &stamp.time_ms,
            ])?)
        },
    )?;
    Ok(())
}

/// Every annotation as it is, ids and provenance kept, by one binary `COPY`
/// (a project moved onto the server).
pub(super) fn copy_as_they_are(c: &mut Conn, all: &[Annotation]) -> Result<(), ProjectError> {
    c.copy_in(
        &format!("COPY shugu.annotations ({COLUMNS}) FROM STDIN (FORMAT binary)"),
        &COPY_TYPES,
        all,
        |w, a| Ok(w.write(&Values::of(a.id, a).params())?),
    )?;
    Ok(())
}

/// The model and score of an existing annotation that was an accepted
/// proposal. The origin row outlives a deleted annotation (its id is never
/// reused), so that undoing the delete brings both back.
pub(super) fn origin(
    c: &mut Conn,
    id: AnnotationId,
) -> Result<Option<AnnotationOrigin>, ProjectError> {
    c.query_opt(
        "SELECT o.source, o.score FROM shugu.annotation_origins o
           JOIN shugu.annotations a ON a.id = o.annotation_id
          WHERE o.annotation_id = $1",
        &[&id.0],
    )?
    .map(|r| {
        Ok(AnnotationOrigin {
            source: r.try_get(0)?,
            score: r.try_get(1)?,
        })
    })
    .transpose()
}

/// Records (`Some`) or forgets (`None`) where an annotation came from.
pub(super) fn set_origin(
    c: &mut Conn,
    id: AnnotationId,
    origin: Option<&AnnotationOrigin>,
) -> Result<(), ProjectError> {
    match origin {
        Some(o) => c.execute(
            "INSERT INTO shugu.annotation_origins (annotation_id, source, score)
             VALUES ($1, $2, $3)
             ON CONFLICT (annotation_id) DO UPDATE SET source = excluded.source, score = excluded.score",
            &[&id.0, &o.source, &o.score],
        )?,
        None => c.execute(
            "DELETE FROM shugu.annotation_origins WHERE annotation_id = $1",
            &[&id.0],
        )?,
    };
    Ok(())
}
