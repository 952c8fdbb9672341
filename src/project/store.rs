use super::ProjectError;
use crate::model::{
    BoxAnnotation, ClassId, Edit, Item, ItemId, ItemStatus, LabelId, NewBox, SpanAnnotation,
    SpanId, SpanRef, TextDoc,
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

pub use super::sqlite_packages::PackageItem;
pub use super::sqlite_text::{PackedTexts, ResolvedText, SpanExtent, TextPacker, TextRow};

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

/// Who is making an edit, and when.
#[derive(Clone, Debug)]
pub struct EditContext<'a> {
    pub author: &'a str,
    pub time_ms: i64,
    /// `"edit"`, `"undo"` or `"redo"`, for the audit trail.
    pub origin: &'a str,
}

/// What a stored edit did.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEdit {
    /// The edit that undoes it.
    pub inverse: Edit,
    /// Every item whose annotations or status changed.
    pub touched: Vec<ItemId>,
    /// Ids given to new boxes, in the order of the edit.
    pub created: Vec<crate::model::AnnotationId>,
    /// Ids given to new spans, in the order of the edit.
    pub created_spans: Vec<SpanId>,
}

/// Who made which annotations of which class: what the dashboard counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Census {
    /// Boxes of each class, by class id.
    pub boxes_per_class: Vec<(ClassId, u64)>,
    pub spans_per_class: Vec<(ClassId, u64)>,
    /// Each annotator with the items they made a box or span on, by name and item.
    pub items_by_annotator: Vec<(String, Vec<ItemId>)>,
}

/// The annotation store behind a project. SQLite today; the trait keeps the rest of
/// the program independent of it, so a server database can be added for teams.
///
/// `apply` runs the edit as one durable transaction and returns its inverse.
pub trait Store {
    fn items(&self) -> Result<Vec<Item>, ProjectError>;
    fn insert_items(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError>;
    /// Sets the size and error of the items at these paths, in one
    /// transaction; returns the items that changed, as they are now.
    fn update_item_facts(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError>;
    fn annotation(
        &self,
        id: crate::model::AnnotationId,
    ) -> Result<Option<BoxAnnotation>, ProjectError>;
    fn boxes_of(&self, item: ItemId) -> Result<Vec<BoxAnnotation>, ProjectError>;
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
    /// The model and score of a box that was an accepted proposal.
    fn box_origin(
        &self,
        id: crate::model::AnnotationId,
    ) -> Result<Option<crate::model::BoxOrigin>, ProjectError>;
    /// Every box, ordered by item then id.
    fn all_boxes(&self) -> Result<Vec<BoxAnnotation>, ProjectError>;
    fn image_labels_of(&self, item: ItemId) -> Result<Vec<LabelId>, ProjectError>;
    /// Every item's image-level labels, ordered by item.
    fn all_image_labels(&self) -> Result<Vec<(ItemId, Vec<LabelId>)>, ProjectError>;
    fn items_with_class(&self, class: ClassId) -> Result<Vec<ItemId>, ProjectError>;
    /// Everyone who made a box or span, by name.
    fn annotators(&self) -> Result<Vec<String>, ProjectError>;
    /// Items with a box or span made by `author`.
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
    fn apply(&mut self, edit: &Edit, ctx: &EditContext) -> Result<StoredEdit, ProjectError>;
    /// Adds labelled text records that arrive in chunks as new items, with
    /// their spans and document classes, then applies `then` (a validated
    /// edit of items the store already had), in one transaction that is one
    /// step of undo (undo removes the labels; the items stay, like scanned
    /// images). An error from `next_chunk` or `then` rolls everything back.
    fn add_labelled_texts(
        &mut self,
        next_chunk: &mut dyn FnMut() -> Result<Option<PackedTexts>, ProjectError>,
        then: Option<&Edit>,
        ctx: &EditContext,
    ) -> Result<(Vec<Item>, StoredEdit), ProjectError>;
    /// The id the next new span will get.
    fn next_span_id(&self) -> Result<i64, ProjectError>;
    /// Adds boxes that arrive in chunks as one transaction, stored and logged as
    /// one `AddBoxes` edit of them all. `next_chunk` gives the next chunk, or
    /// `None` at the end; an error from it rolls the whole edit back.
    fn add_boxes_streamed(
        &mut self,
        next_chunk: &mut dyn FnMut() -> Result<Option<Vec<NewBox>>, ProjectError>,
        ctx: &EditContext,
    ) -> Result<StoredEdit, ProjectError>;
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
    /// The largest box and span ids ever given out.
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
}
