//! The row operations of one PostgreSQL write transaction ([`StoreTx`]),
//! each a statement or two on the transaction's connection.

use super::conn::Conn;
use super::versions::{self, Seen, Written};
use super::{annotations, items, labels, proposals, review, text};
use crate::model::{
    Annotation, AnnotationId, AnnotationOrigin, Comment, CommentId, ItemId, ItemSnapshot,
    ItemStatus, LabelId, NewAnnotation, NewProposal, Proposal, ProposalId, SpanAnnotation,
    VersionKind,
};
use crate::project::ProjectError;
use crate::project::store::{AddedTexts, LogEntry, PackedTexts, Stamp, StoreTx, Versions};

/// A transaction's connection, the login it writes as, what the
/// workstation knows of item versions, and the items the transaction wrote.
pub(super) struct PgTx<'c> {
    pub conn: &'c mut Conn,
    pub login: &'c str,
    pub seen: &'c Seen,
    pub written: &'c mut Vec<Written>,
}

impl StoreTx for PgTx<'_> {
    fn set_status(
        &mut self,
        item: ItemId,
        status: ItemStatus,
    ) -> Result<Option<ItemStatus>, ProjectError> {
        items::set_status(self.conn, item, status)
    }

    fn change_statuses(
        &mut self,
        items: &[ItemId],
        from: ItemStatus,
        to: ItemStatus,
    ) -> Result<Vec<ItemId>, ProjectError> {
        items::change_statuses(self.conn, items, from, to)
    }

    fn annotation_row(&mut self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
        annotations::find(self.conn, id)
    }

    fn add_annotations(
        &mut self,
        new: &[NewAnnotation],
        stamp: Stamp,
    ) -> Result<Vec<AnnotationId>, ProjectError> {
        annotations::add_new(self.conn, new, stamp)
    }

    fn insert_annotation(
        &mut self,
        id: Option<AnnotationId>,
        a: &Annotation,
    ) -> Result<AnnotationId, ProjectError> {
        annotations::insert(self.conn, id, a)
    }

    fn update_annotation(&mut self, a: &Annotation) -> Result<(), ProjectError> {
        annotations::update(self.conn, a)
    }

    fn delete_annotation(&mut self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
        annotations::delete(self.conn, id)
    }

    fn set_annotation_origin(
        &mut self,
        id: AnnotationId,
        origin: Option<&AnnotationOrigin>,
    ) -> Result<(), ProjectError> {
        annotations::set_origin(self.conn, id, origin)
    }

    fn spans(&mut self, item: ItemId) -> Result<Option<Vec<SpanAnnotation>>, ProjectError> {
        text::item_spans(self.conn, item)
    }

    fn set_spans(&mut self, item: ItemId, spans: &[SpanAnnotation]) -> Result<(), ProjectError> {
        text::set_spans(self.conn, item, spans)
    }

    fn take_span_ids(&mut self, n: usize) -> Result<i64, ProjectError> {
        text::take_span_ids(self.conn, n)
    }

    fn raise_span_floor(&mut self, id: i64) -> Result<(), ProjectError> {
        text::raise_span_floor(self.conn, id)
    }

    fn insert_texts(&mut self, chunk: PackedTexts) -> Result<AddedTexts, ProjectError> {
        text::insert_texts(self.conn, chunk, self.login)
    }

    fn set_image_labels(
        &mut self,
        item: ItemId,
        labels: &[LabelId],
        stamp: Stamp,
    ) -> Result<Vec<LabelId>, ProjectError> {
        labels::set_labels(self.conn, item, labels, stamp)
    }

    fn item_with_several_labels(&mut self) -> Result<Option<ItemId>, ProjectError> {
        labels::item_with_several(self.conn)
    }

    fn insert_comment(
        &mut self,
        id: Option<CommentId>,
        c: &Comment,
    ) -> Result<CommentId, ProjectError> {
        review::insert_comment(self.conn, id, c)
    }

    fn delete_comment(&mut self, id: CommentId) -> Result<Option<Comment>, ProjectError> {
        review::delete_comment(self.conn, id)
    }

    fn set_golden(
        &mut self,
        item: ItemId,
        golden: bool,
        stamp: Stamp,
    ) -> Result<bool, ProjectError> {
        review::set_golden(self.conn, item, golden, stamp)
    }

    fn set_item_version(
        &mut self,
        item: ItemId,
        annotator: &str,
        kind: VersionKind,
        body: Option<&ItemSnapshot>,
        stamp: Stamp,
    ) -> Result<Option<ItemSnapshot>, ProjectError> {
        review::set_version(self.conn, item, annotator, kind, body, stamp)
    }

    fn insert_proposal(
        &mut self,
        id: Option<ProposalId>,
        p: &NewProposal,
    ) -> Result<ProposalId, ProjectError> {
        proposals::insert(self.conn, id, p)
    }

    fn delete_proposal(&mut self, id: ProposalId) -> Result<Option<Proposal>, ProjectError> {
        proposals::delete(self.conn, id)
    }

    fn append_log(&mut self, entry: &LogEntry) -> Result<(), ProjectError> {
        super::activity::append_log(self.conn, entry)
    }

    fn check_versions(
        &mut self,
        touched: &[ItemId],
        step: Option<&[(ItemId, i64)]>,
    ) -> Result<Versions, ProjectError> {
        versions::check(self.conn, self.seen, touched, step, self.written)
    }
}
