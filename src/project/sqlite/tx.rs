//! The row operations of one SQLite write transaction ([`StoreTx`]), each a
//! statement or two on the transaction's connection.

use super::activity;
use super::annotations;
use super::items;
use super::labels::{self, LabelReader};
use super::packages;
use super::proposals;
use super::review;
use super::text;
use crate::model::{
    Annotation, AnnotationId, AnnotationOrigin, Comment, CommentId, ItemId, ItemSnapshot,
    ItemStatus, LabelId, NewAnnotation, NewProposal, Proposal, ProposalId, SpanAnnotation,
    VersionKind,
};
use crate::project::ProjectError;
use crate::project::store::{AddedTexts, LogEntry, PackedTexts, Stamp, StoreTx};
use rusqlite::Connection;

/// A transaction's connection, with what the transaction has read and
/// counted so far.
pub(super) struct SqliteTx<'c> {
    conn: &'c Connection,
    /// The last block of document classes read: a many-item edit walks a
    /// block's items one after another.
    labels: LabelReader,
    /// Rows written, roughly: a write of many commits without the automatic
    /// checkpoint (see `SqliteStore::write`).
    pub rows: usize,
}

impl<'c> SqliteTx<'c> {
    pub fn new(conn: &'c Connection) -> Self {
        SqliteTx {
            conn,
            labels: LabelReader::new(),
            rows: 0,
        }
    }
}

impl StoreTx for SqliteTx<'_> {
    fn set_status(
        &mut self,
        item: ItemId,
        status: ItemStatus,
    ) -> Result<Option<ItemStatus>, ProjectError> {
        self.rows += 1;
        items::set_status(self.conn, item, status)
    }

    fn change_statuses(
        &mut self,
        items: &[ItemId],
        from: ItemStatus,
        to: ItemStatus,
    ) -> Result<Vec<ItemId>, ProjectError> {
        let changed = items::change_statuses(self.conn, items, from, to)?;
        self.rows += changed.len();
        Ok(changed)
    }

    fn annotation_row(&mut self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
        annotations::find_annotation(self.conn, id)
    }

    fn add_annotations(
        &mut self,
        new: &[NewAnnotation],
        stamp: Stamp,
    ) -> Result<Vec<AnnotationId>, ProjectError> {
        self.rows += new.len();
        annotations::insert_new_annotations(self.conn, new, stamp)
    }

    fn insert_annotation(
        &mut self,
        id: Option<AnnotationId>,
        a: &Annotation,
    ) -> Result<AnnotationId, ProjectError> {
        self.rows += 1;
        annotations::insert_annotation(self.conn, id, a)
    }

    fn update_annotation(&mut self, a: &Annotation) -> Result<(), ProjectError> {
        self.rows += 1;
        annotations::update_annotation(self.conn, a)
    }

    fn delete_annotation(&mut self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
        self.rows += 1;
        annotations::delete_annotation(self.conn, id)
    }

    fn set_annotation_origin(
        &mut self,
        id: AnnotationId,
        origin: Option<&AnnotationOrigin>,
    ) -> Result<(), ProjectError> {
        match origin {
            Some(origin) => proposals::set_origin(self.conn, id, origin),
            None => proposals::clear_origin(self.conn, id),
        }
    }

    fn spans(&mut self, item: ItemId) -> Result<Option<Vec<SpanAnnotation>>, ProjectError> {
        text::item_spans(self.conn, item)
    }

    fn set_spans(&mut self, item: ItemId, spans: &[SpanAnnotation]) -> Result<(), ProjectError> {
        self.rows += 1;
        text::write_spans(self.conn, item, spans)
    }

    fn take_span_ids(&mut self, n: usize) -> Result<i64, ProjectError> {
        self.rows += n;
        text::take_span_ids(self.conn, n)
    }

    fn raise_span_floor(&mut self, id: i64) -> Result<(), ProjectError> {
        text::raise_span_floor(self.conn, id)
    }

    fn insert_texts(&mut self, chunk: PackedTexts) -> Result<AddedTexts, ProjectError> {
        let added = text::insert_labelled_chunk(self.conn, chunk)?;
        self.rows += added.items.len() + added.spans.len();
        Ok(added)
    }

    fn set_image_labels(
        &mut self,
        item: ItemId,
        labels: &[LabelId],
        stamp: Stamp,
    ) -> Result<Vec<LabelId>, ProjectError> {
        self.rows += 1;
        self.labels.set(self.conn, item, labels, stamp)
    }

    fn item_with_several_labels(&mut self) -> Result<Option<ItemId>, ProjectError> {
        Ok(labels::all_labels(self.conn)?
            .into_iter()
            .find(|(_, labels)| labels.len() > 1)
            .map(|(item, _)| item))
    }

    fn insert_comment(
        &mut self,
        id: Option<CommentId>,
        c: &Comment,
    ) -> Result<CommentId, ProjectError> {
        self.rows += 1;
        review::insert_comment(self.conn, id, c)
    }

    fn delete_comment(&mut self, id: CommentId) -> Result<Option<Comment>, ProjectError> {
        self.rows += 1;
        review::delete_comment(self.conn, id)
    }

    fn set_golden(
        &mut self,
        item: ItemId,
        golden: bool,
        stamp: Stamp,
    ) -> Result<bool, ProjectError> {
        self.rows += 1;
        packages::set_golden(self.conn, item, golden, stamp)
    }

    fn set_item_version(
        &mut self,
        item: ItemId,
        annotator: &str,
        kind: VersionKind,
        body: Option<&ItemSnapshot>,
        stamp: Stamp,
    ) -> Result<Option<ItemSnapshot>, ProjectError> {
        self.rows += 1;
        packages::set_version(self.conn, item, annotator, kind, body, stamp)
    }

    fn insert_proposal(
        &mut self,
        id: Option<ProposalId>,
        p: &NewProposal,
    ) -> Result<ProposalId, ProjectError> {
        self.rows += 1;
        proposals::insert_proposal(self.conn, id, p)
    }

    fn delete_proposal(&mut self, id: ProposalId) -> Result<Option<Proposal>, ProjectError> {
        self.rows += 1;
        proposals::delete_proposal(self.conn, id)
    }

    fn append_log(&mut self, entry: &LogEntry) -> Result<(), ProjectError> {
        activity::append_log(self.conn, entry)
    }
}
