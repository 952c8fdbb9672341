use super::ProjectError;
use crate::model::{
    Annotation, AnnotationId, AnnotationOrigin, ClassId, Comment, CommentId, Item, ItemId,
    ItemSnapshot, ItemStatus, LabelId, NewAnnotation, NewProposal, Proposal, ProposalId, ShapeKind,
    SpanAnnotation, SpanRef, TextDoc, VersionKind,
};

/// An item found by a folder scan, before it has an id.
#[derive(Clone, Debug, PartialEq)]
pub struct NewItem {
    pub rel_path: String,
    pub width: u32,
    pub height: u32,
    pub error: Option<String>,
}

/// A text record to add as an item.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTextItem {
    /// Where the record came from, e.g. `reviews.jsonl:17`; unique in the project.
    pub rel_path: String,
    pub doc: TextDoc,
}

pub use super::sqlite::{PackageItem, SpanExtent, TextRow};
pub use super::text_pack::{PackedTexts, ResolvedText, TextPacker};

/// One line of the audit trail.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub seq: i64,
    pub time_ms: i64,
    pub author: String,
    pub kind: String,
    pub item: Option<ItemId>,
    pub detail: String,
}

/// Items with the version each had (a store with many writers counts one
/// more per transaction that changes an item; see [`StoreTx::check_versions`]).
pub type Versions = Vec<(ItemId, i64)>;

/// Who writes a row, and when: the provenance that new rows get.
#[derive(Clone, Copy, Debug)]
pub struct Stamp<'a> {
    pub author: &'a str,
    pub time_ms: i64,
}

/// What one chunk of packed texts added ([`StoreTx::insert_texts`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddedTexts {
    /// The new items, in order, with the status each was inserted with.
    pub items: Vec<Item>,
    /// Their spans, under the ids the chunk was packed with.
    pub spans: Vec<SpanRef>,
    /// Items given document classes.
    pub classified: Vec<ItemId>,
}

/// The error for a row inserted under an id that is in use (undo of a
/// delete, when something took the id since), worded the same by every store.
pub fn id_taken(what: &str, id: impl std::fmt::Display) -> ProjectError {
    ProjectError::InvalidEdit(format!("{what} id {id} is already in use"))
}

/// Who made which annotations of which class and kind: what the dashboard counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Census {
    /// Annotations of each class, by class id.
    pub annotations_per_class: Vec<(ClassId, u64)>,
    /// Annotations of each shape kind, in [`ShapeKind::ALL`] order, kinds
    /// without any left out.
    pub annotations_per_kind: Vec<(ShapeKind, u64)>,
    pub spans_per_class: Vec<(ClassId, u64)>,
    /// Each annotator with the items they made an annotation or span on, by name and item.
    pub items_by_annotator: Vec<(String, Vec<ItemId>)>,
}

/// The annotation store behind a project: rows and the queries over them,
/// and a transaction boundary ([`Store::write`]). What an edit means
/// (validation, its inverse, the new → in progress rule, the audit text) is
/// decided above it, in `project::engine`, once for every backend;
/// a store only runs the row operations of `StoreTx` it is handed.
pub trait Store: Send {
    fn items(&self) -> Result<Vec<Item>, ProjectError>;
    fn insert_items(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError>;
    /// Sets the size and error of the items at these paths, in one
    /// transaction; returns the items that changed, as they are now.
    fn update_item_facts(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError>;
    fn annotation(&self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError>;
    /// An item's annotations, by id.
    fn annotations_of(&self, item: ItemId) -> Result<Vec<Annotation>, ProjectError>;
    fn proposal(
        &self,
        id: crate::model::ProposalId,
    ) -> Result<Option<crate::model::Proposal>, ProjectError>;
    /// An item's proposals, best score first.
    fn proposals_of(&self, item: ItemId) -> Result<Vec<crate::model::Proposal>, ProjectError>;
    /// Every proposal, ordered by item then id.
    fn all_proposals(&self) -> Result<Vec<crate::model::Proposal>, ProjectError>;
    /// Items with proposals, ascending.
    fn items_with_proposals(&self) -> Result<Vec<ItemId>, ProjectError>;
    /// The model and score of an annotation that was an accepted proposal.
    fn annotation_origin(&self, id: AnnotationId)
    -> Result<Option<AnnotationOrigin>, ProjectError>;
    /// Every annotation, ordered by item then id.
    fn all_annotations(&self) -> Result<Vec<Annotation>, ProjectError>;
    /// Every annotation as an export writes it, ordered by item then id: its
    /// provenance may be left empty (no export writes it, and a store may
    /// read a million rows quicker without it).
    fn all_annotations_for_export(&self) -> Result<Vec<Annotation>, ProjectError> {
        self.all_annotations()
    }
    fn image_labels_of(&self, item: ItemId) -> Result<Vec<LabelId>, ProjectError>;
    /// Every item's image-level labels, ordered by item.
    fn all_image_labels(&self) -> Result<Vec<(ItemId, Vec<LabelId>)>, ProjectError>;
    fn items_with_class(&self, class: ClassId) -> Result<Vec<ItemId>, ProjectError>;
    /// Everyone who made an annotation or span, by name.
    fn annotators(&self) -> Result<Vec<String>, ProjectError>;
    /// Items with an annotation or span made by `author`.
    fn items_by_author(&self, author: &str) -> Result<Vec<ItemId>, ProjectError>;
    /// Annotations per class and each annotator's items, in one pass.
    fn census(&self) -> Result<Census, ProjectError>;
    fn label_counts(&self) -> Result<Vec<(LabelId, u64)>, ProjectError>;
    fn text_of(&self, item: ItemId) -> Result<Option<TextDoc>, ProjectError>;
    /// A text item's length in code points; `None` for an item without text.
    fn text_len(&self, item: ItemId) -> Result<Option<u32>, ProjectError>;
    /// Every text item's content, ordered by item.
    fn all_texts(&self) -> Result<Vec<(ItemId, TextDoc)>, ProjectError>;
    /// Calls `f` with every text item in item order, the text borrowed.
    fn for_each_text(
        &self,
        f: &mut dyn FnMut(TextRow<'_>) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError>;
    /// An item's review comments, oldest first.
    fn comments_of(&self, item: ItemId) -> Result<Vec<crate::model::Comment>, ProjectError>;
    fn span(&self, at: SpanRef) -> Result<Option<SpanAnnotation>, ProjectError>;
    /// An item's spans ordered by start, end, id.
    fn spans_of(&self, item: ItemId) -> Result<Vec<SpanAnnotation>, ProjectError>;
    /// Every span, ordered by item, start, end, id.
    fn all_spans(&self) -> Result<Vec<SpanAnnotation>, ProjectError>;
    /// Every span's item, class and range, ordered by item and start.
    fn all_span_extents(&self) -> Result<Vec<SpanExtent>, ProjectError>;
    /// The id the next new span will get.
    fn next_span_id(&self) -> Result<i64, ProjectError>;
    fn log_of(&self, item: Option<ItemId>, limit: usize) -> Result<Vec<LogEntry>, ProjectError>;
    fn session_value(&self, key: &str) -> Result<Option<String>, ProjectError>;
    fn set_session_value(&mut self, key: &str, value: &str) -> Result<(), ProjectError>;
    /// Every item's status, by id.
    fn statuses(&self) -> Result<Vec<(ItemId, ItemStatus)>, ProjectError>;
    fn item_status(&self, item: ItemId) -> Result<Option<ItemStatus>, ProjectError>;
    /// From the edit log: how many distinct items each author submitted in
    /// each hour, `(author, hour start in ms since the epoch, items)`, by author and hour.
    fn submissions_per_hour(&self) -> Result<Vec<(String, i64, usize)>, ProjectError>;
    /// Items with an edit logged at or after `since_ms`.
    fn items_changed_since(&self, since_ms: i64) -> Result<Vec<ItemId>, ProjectError>;
    /// Appends entries of another log (a work package's) as they were, except
    /// those already there (same time, author, kind and item); returns how
    /// many were added. Their `seq` is ignored.
    fn adopt_log(&mut self, entries: &[LogEntry]) -> Result<usize, ProjectError>;
    /// Runs `work` as one durable transaction: its row operations are all
    /// stored when it returns `Ok` and `write` returns, and none of them
    /// when it returns `Err`, which `write` returns. Inside a group
    /// ([`Store::begin_group`]) it is part of the group's transaction.
    fn write(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError>;
    /// [`Store::write`] for a write that adds many items at once (a bulk
    /// import); a store without items may build it apart and swap it in
    /// (SQLite: a new database file, see `sqlite::fresh`).
    fn write_bulk(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError>;
    /// A second handle on the same rows, read-only, for a query on another
    /// thread (the dashboard's census); `None` when the store has none.
    fn reader(&self) -> Option<Box<dyn Store + Send>>;
    /// Opens one transaction that the following writes join, until
    /// [`Store::end_group`]: a group of edits stored all together or not at all.
    fn begin_group(&mut self) -> Result<(), ProjectError>;
    /// Commits the group's writes, or rolls them back; a commit that fails
    /// rolls back too and is an error.
    fn end_group(&mut self, commit: bool) -> Result<(), ProjectError>;
    /// Golden items, ascending.
    fn golden_items(&self) -> Result<Vec<ItemId>, ProjectError>;
    /// Every kept version of an item, ordered by item, kind and annotator.
    fn item_versions(&self) -> Result<Vec<crate::model::ItemVersion>, ProjectError>;
    /// The largest annotation and span ids ever given out.
    fn id_floors(&self) -> Result<(i64, i64), ProjectError>;
    /// Records that the project is a work package (see [`PackageItem`]) and
    /// moves its id sequences up to `info`'s floors.
    fn write_package(
        &mut self,
        info: &crate::model::PackageInfo,
        items: &[PackageItem],
    ) -> Result<(), ProjectError>;
    /// `Some` when the project is a work package.
    fn package_info(&self) -> Result<Option<crate::model::PackageInfo>, ProjectError>;
    fn package_items(&self) -> Result<Vec<PackageItem>, ProjectError>;
    /// The login every edit is attributed to, when the store decides it (a
    /// team project's server: the database login, which no setting changes).
    fn login(&self) -> Option<&str> {
        None
    }
    /// Starts hearing the changes other writers commit (a team project's
    /// server); `None` for a store with one writer.
    fn live_feed(&self) -> Result<Option<super::LiveFeed>, ProjectError> {
        Ok(None)
    }
}

/// Where a project's label schema is kept when its manifest only names its
/// store (a team project's database, so that every workstation reads the
/// same one). A handle of its own, so the schema can be saved while a
/// transaction of the store is open (a text import adding classes).
pub trait SchemaHome: Send {
    fn save(&mut self, schema: &crate::model::LabelSchema) -> Result<(), ProjectError>;
    /// The schema as saved now (another workstation changed it); `None`
    /// when only this workstation changes it.
    fn reload(&mut self) -> Result<Option<crate::model::LabelSchema>, ProjectError> {
        Ok(None)
    }
}

/// The row operations of one write transaction ([`Store::write`]). Each does
/// what it says to the rows and reports what was there, so the engine can
/// build an edit's inverse; none of them decides what an edit means. "Not
/// there" is `None`, worded by the engine; an id in use is [`id_taken`].
pub trait StoreTx {
    /// Sets an item's status; the one it had, `None` when there is no such item.
    fn set_status(
        &mut self,
        item: ItemId,
        status: ItemStatus,
    ) -> Result<Option<ItemStatus>, ProjectError>;
    /// Sets `to` on those of `items` (ascending) whose status is `from`;
    /// returns them, ascending.
    fn change_statuses(
        &mut self,
        items: &[ItemId],
        from: ItemStatus,
        to: ItemStatus,
    ) -> Result<Vec<ItemId>, ProjectError>;

    fn annotation_row(&mut self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError>;
    /// Inserts new annotations under new ids, authored and created by
    /// `stamp`; returns their ids in order.
    fn add_annotations(
        &mut self,
        new: &[NewAnnotation],
        stamp: Stamp,
    ) -> Result<Vec<AnnotationId>, ProjectError>;
    /// Inserts an annotation as it is (its `id` ignored) under `id`, or a
    /// new id when `None`; returns the id.
    fn insert_annotation(
        &mut self,
        id: Option<AnnotationId>,
        a: &Annotation,
    ) -> Result<AnnotationId, ProjectError>;
    /// Writes an annotation over the row with its id, which exists.
    fn update_annotation(&mut self, a: &Annotation) -> Result<(), ProjectError>;
    /// Deletes an annotation; returns it as it was.
    fn delete_annotation(&mut self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError>;
    /// Records (`Some`) or forgets (`None`) the model and score an
    /// annotation came from.
    fn set_annotation_origin(
        &mut self,
        id: AnnotationId,
        origin: Option<&AnnotationOrigin>,
    ) -> Result<(), ProjectError>;

    /// A text item's spans, in any order; `None` for an item without text.
    fn spans(&mut self, item: ItemId) -> Result<Option<Vec<SpanAnnotation>>, ProjectError>;
    /// Replaces a text item's spans.
    fn set_spans(&mut self, item: ItemId, spans: &[SpanAnnotation]) -> Result<(), ProjectError>;
    /// Gives out `n` new consecutive span ids; returns the first.
    fn take_span_ids(&mut self, n: usize) -> Result<i64, ProjectError>;
    /// Makes sure new spans get ids above `id`.
    fn raise_span_floor(&mut self, id: i64) -> Result<(), ProjectError>;
    /// Adds one chunk of labelled texts as new items, with the statuses,
    /// spans and document classes they were packed with.
    fn insert_texts(&mut self, chunk: PackedTexts) -> Result<AddedTexts, ProjectError>;

    /// Replaces an item's item-level labels; returns the ones it had.
    fn set_image_labels(
        &mut self,
        item: ItemId,
        labels: &[LabelId],
        stamp: Stamp,
    ) -> Result<Vec<LabelId>, ProjectError>;
    /// An item with more than one item-level label, if there is one.
    fn item_with_several_labels(&mut self) -> Result<Option<ItemId>, ProjectError>;

    /// Inserts a comment as it is under `id`, or a new id when `None`.
    fn insert_comment(
        &mut self,
        id: Option<CommentId>,
        c: &Comment,
    ) -> Result<CommentId, ProjectError>;
    fn delete_comment(&mut self, id: CommentId) -> Result<Option<Comment>, ProjectError>;

    /// Marks an item golden or not; returns whether it was.
    fn set_golden(
        &mut self,
        item: ItemId,
        golden: bool,
        stamp: Stamp,
    ) -> Result<bool, ProjectError>;
    /// Keeps (`Some`) or drops (`None`) an annotator's version of an item;
    /// returns the version it replaced.
    fn set_item_version(
        &mut self,
        item: ItemId,
        annotator: &str,
        kind: VersionKind,
        body: Option<&ItemSnapshot>,
        stamp: Stamp,
    ) -> Result<Option<ItemSnapshot>, ProjectError>;

    /// Inserts a proposal under `id`, or a new id when `None`.
    fn insert_proposal(
        &mut self,
        id: Option<ProposalId>,
        p: &NewProposal,
    ) -> Result<ProposalId, ProjectError>;
    fn delete_proposal(&mut self, id: ProposalId) -> Result<Option<Proposal>, ProjectError>;

    /// Appends an entry to the audit trail; its `seq` is the store's to give.
    fn append_log(&mut self, entry: &LogEntry) -> Result<(), ProjectError>;

    /// The last step of every write, with the items it changed: refuses it
    /// ([`ProjectError::Conflict`], and nothing is stored) when another
    /// writer changed one of `touched` since this one last read it, or —
    /// for an undo or redo, which passes `step` (the versions the step's
    /// own write left) — since that write. Returns the versions this write
    /// leaves. A store with one writer has nothing to check.
    fn check_versions(
        &mut self,
        touched: &[ItemId],
        step: Option<&[(ItemId, i64)]>,
    ) -> Result<Versions, ProjectError> {
        let _ = (touched, step);
        Ok(Vec::new())
    }
}
