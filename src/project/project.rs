use super::engine::validate::{Checker, check_new_box, position_in};
use super::engine::{self, EditContext, StoredEdit, status_rule};
use super::history::History;
use super::lock::ProjectLock;
use super::manifest::{MANIFEST_FILE, Manifest, ProjectKind};
use super::sqlite_store::SqliteStore;
use super::stats::{AnnotatorStats, AnnotatorThroughput, ClassCount, HourCount, ProjectStats};
use super::store::{
    LogEntry, NewItem, NewTextItem, PackedTexts, ResolvedText, SpanExtent, Store, TextPacker,
    TextRow,
};
use super::{ProjectError, now_ms};
use crate::model::{
    AnnotationId, BoxAnnotation, BoxOrigin, ClassId, Comment, Edit, ImageLabelMode, Item, ItemId,
    ItemStatus, LabelId, LabelSchema, NewBox, Proposal, ProposalId, SpanAnnotation, SpanId,
    SpanRef, TextDoc,
};
use std::path::{Path, PathBuf};

pub const DB_FILE: &str = "shugu.db";
const CURRENT_ITEM_KEY: &str = "current_item";

/// Puts a step on one of the history's stacks.
type PushStep = fn(&mut History, Edit);

#[derive(Clone, Copy)]
enum Replay {
    Undo,
    Redo,
}

/// How to open a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Take the project lock; fail with `Locked` if another process has it.
    ReadWrite,
    /// Take the lock if free, otherwise open read-only.
    ReadWriteOrReadOnly,
    ReadOnly,
}

/// What an applied edit did.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub touched: Vec<ItemId>,
    /// Ids of boxes the edit created, in order.
    pub created: Vec<AnnotationId>,
    /// Ids of spans the edit created, in order.
    pub created_spans: Vec<SpanId>,
}

impl Applied {
    fn nothing() -> Self {
        Self {
            touched: vec![],
            created: vec![],
            created_spans: vec![],
        }
    }
}

impl From<StoredEdit> for Applied {
    fn from(stored: StoredEdit) -> Self {
        Self {
            touched: stored.touched,
            created: stored.created,
            created_spans: stored.created_spans,
        }
    }
}

/// An open project: manifest, store, the session's undo history and the item list.
pub struct Project {
    dir: PathBuf,
    manifest: Manifest,
    store: Box<dyn Store>,
    history: History,
    author: String,
    items: Vec<Item>,
    revision: u64,
    lock: Option<ProjectLock>,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project")
            .field("dir", &self.dir)
            .field("name", &self.manifest.name)
            .field("items", &self.items.len())
            .field("read_only", &self.is_read_only())
            .finish()
    }
}

/// A text record to add with its labels, classes named.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelledText {
    pub item: NewTextItem,
    /// `(start, end, class name)` in code points.
    pub spans: Vec<(u32, u32, String)>,
    /// Document class names.
    pub labels: Vec<String>,
}

/// What [`Project::add_labelled_texts`] added.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelledAdded {
    pub items: usize,
    pub spans: usize,
    /// Items given document classes.
    pub classified: usize,
    /// Span classes and document classes added to the schema, in order.
    pub new_classes: Vec<String>,
    pub new_doc_classes: Vec<String>,
}

/// Resolves the class names of labelled texts against its own copy of a
/// project's schema ([`Project::text_resolver`]), adding the classes it lacks,
/// checks each record's spans and document classes against its text and
/// the schema, and packs them as the store keeps them ([`TextPacker`]).
/// Made to run on the thread that reads an import.
pub struct TextResolver {
    schema: LabelSchema,
    packer: TextPacker,
}

/// Labelled texts ready to store ([`Project::add_resolved_texts`]).
#[derive(Debug)]
pub struct ResolvedChunk {
    texts: PackedTexts,
    /// The schema with the classes this chunk added, when it added any.
    schema: Option<LabelSchema>,
    new_classes: Vec<String>,
    new_doc_classes: Vec<String>,
    /// Texts given document classes.
    classified: usize,
}

impl TextResolver {
    pub fn resolve(&mut self, chunk: Vec<LabelledText>) -> Result<ResolvedChunk, ProjectError> {
        let schema = &mut self.schema;
        let mut texts = Vec::with_capacity(chunk.len());
        let (mut new_classes, mut new_doc_classes, mut classified) = (Vec::new(), Vec::new(), 0);
        for record in chunk {
            let len = record.item.doc.text.chars().count() as u32;
            let mut spans = Vec::with_capacity(record.spans.len());
            for (start, end, name) in &record.spans {
                if start >= end || *end > len {
                    return Err(ProjectError::InvalidEdit(format!(
                        "{}: span [{start}, {end}) does not fit the {len} characters of the text",
                        record.item.rel_path
                    )));
                }
                let class = match schema.class_by_name(name) {
                    Some(c) => c.id,
                    None => {
                        new_classes.push(name.clone());
                        schema.add_class(name)
                    }
                };
                spans.push((*start, *end, class));
            }
            spans.sort_unstable();
            if !schema.allow_overlapping_spans
                && let Some(w) = spans.windows(2).find(|w| w[1].0 < w[0].1)
            {
                return Err(ProjectError::InvalidEdit(format!(
                    "{}: span [{}, {}) overlaps span [{}, {}); this project does not allow overlapping spans",
                    record.item.rel_path, w[1].0, w[1].1, w[0].0, w[0].1
                )));
            }
            let mut labels = Vec::with_capacity(record.labels.len());
            for name in &record.labels {
                let label = match schema.image_labels.iter().find(|l| &l.name == name) {
                    Some(l) => l.id,
                    None => {
                        new_doc_classes.push(name.clone());
                        schema.add_image_label(name)
                    }
                };
                labels.push(label);
            }
            labels.sort_unstable();
            labels.dedup();
            if schema.image_label_mode == ImageLabelMode::Single && labels.len() > 1 {
                return Err(ProjectError::InvalidEdit(format!(
                    "{}: this project takes one document class per text",
                    record.item.rel_path
                )));
            }
            if !labels.is_empty() {
                classified += 1;
            }
            let status = status_rule::new_text_status(!(spans.is_empty() && labels.is_empty()));
            texts.push(ResolvedText {
                item: record.item,
                char_len: len,
                spans,
                labels,
                status,
            });
        }
        let added_classes = !(new_classes.is_empty() && new_doc_classes.is_empty());
        Ok(ResolvedChunk {
            schema: added_classes.then(|| schema.clone()),
            texts: self.packer.pack(texts),
            new_classes,
            new_doc_classes,
            classified,
        })
    }
}

/// `to` expressed relative to `from` when they share a root, else `to` itself.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to_c: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return to.to_path_buf();
    }
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to_c[common..] {
        rel.push(c);
    }
    if rel.as_os_str().is_empty() {
        rel.push(".");
    }
    rel
}

/// The SQLite store of the project in `dir`, made when missing.
fn sqlite_in(dir: &Path) -> Result<Box<dyn Store>, ProjectError> {
    Ok(Box::new(SqliteStore::open(&dir.join(DB_FILE), false)?))
}

fn canonical(path: &Path) -> Result<PathBuf, ProjectError> {
    std::fs::canonicalize(path).map_err(|e| ProjectError::io(path, e))
}

impl Project {
    /// True when `dir` holds a project manifest.
    pub fn is_project_dir(dir: &Path) -> bool {
        dir.join(MANIFEST_FILE).is_file()
    }

    /// Creates a project in `dir` (made if missing) over the images in `image_root`.
    pub fn create(
        dir: &Path,
        name: &str,
        image_root: &Path,
        schema: LabelSchema,
    ) -> Result<Self, ProjectError> {
        Self::create_with(dir, name, image_root, schema, sqlite_in)
    }

    /// [`Project::create`] over the store `open_store` makes in `dir`.
    pub(super) fn create_with(
        dir: &Path,
        name: &str,
        image_root: &Path,
        schema: LabelSchema,
        open_store: impl FnOnce(&Path) -> Result<Box<dyn Store>, ProjectError>,
    ) -> Result<Self, ProjectError> {
        if Self::is_project_dir(dir) {
            return Err(ProjectError::AlreadyExists(dir.to_path_buf()));
        }
        std::fs::create_dir_all(dir).map_err(|e| ProjectError::io(dir, e))?;
        let dir_abs = canonical(dir)?;
        let root_abs = canonical(image_root)?;
        if !root_abs.is_dir() {
            return Err(ProjectError::io(
                image_root,
                std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
            ));
        }
        let rel = relative_path(&dir_abs, &root_abs);
        let root_text = rel.to_string_lossy().replace('\\', "/");
        let manifest = Manifest::new(name, &root_text, schema);
        let lock = ProjectLock::acquire(dir)?;
        let store = open_store(dir)?;
        manifest.save(&dir.join(MANIFEST_FILE))?;
        Self::assemble(dir, manifest, store, Some(lock))
    }

    /// Creates a text project in `dir` (made if missing). Its items are added
    /// with [`Project::add_text_items`]; the text lives in the database.
    pub fn create_text(dir: &Path, name: &str, schema: LabelSchema) -> Result<Self, ProjectError> {
        if Self::is_project_dir(dir) {
            return Err(ProjectError::AlreadyExists(dir.to_path_buf()));
        }
        std::fs::create_dir_all(dir).map_err(|e| ProjectError::io(dir, e))?;
        let mut manifest = Manifest::new(name, ".", schema);
        manifest.kind = ProjectKind::Text;
        let lock = ProjectLock::acquire(dir)?;
        let store = sqlite_in(dir)?;
        manifest.save(&dir.join(MANIFEST_FILE))?;
        Self::assemble(dir, manifest, store, Some(lock))
    }

    pub fn kind(&self) -> ProjectKind {
        self.manifest.kind
    }

    /// Opens the project in `dir`.
    pub fn open(dir: &Path, access: Access) -> Result<Self, ProjectError> {
        let manifest_path = dir.join(MANIFEST_FILE);
        if !manifest_path.is_file() {
            return Err(ProjectError::NotAProject(dir.to_path_buf()));
        }
        let manifest = Manifest::load(&manifest_path)?;
        let lock = match access {
            Access::ReadOnly => None,
            Access::ReadWrite => Some(ProjectLock::acquire(dir)?),
            Access::ReadWriteOrReadOnly => match ProjectLock::acquire(dir) {
                Ok(l) => Some(l),
                Err(ProjectError::Locked(_)) => None,
                Err(e) => return Err(e),
            },
        };
        let store = SqliteStore::open(&dir.join(DB_FILE), lock.is_none())?;
        Self::assemble(dir, manifest, Box::new(store), lock)
    }

    fn assemble(
        dir: &Path,
        manifest: Manifest,
        store: Box<dyn Store>,
        lock: Option<ProjectLock>,
    ) -> Result<Self, ProjectError> {
        let mut project = Self {
            dir: dir.to_path_buf(),
            manifest,
            store,
            history: History::default(),
            author: String::from("annotator"),
            items: Vec::new(),
            revision: 0,
            lock,
        };
        project.reload_items()?;
        Ok(project)
    }

    fn reload_items(&mut self) -> Result<(), ProjectError> {
        self.items = self.store.items()?;
        self.items.sort_by_key(|i| i.id);
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(super) fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub(super) fn store_mut(&mut self) -> Result<&mut dyn Store, ProjectError> {
        self.check_writable()?;
        Ok(self.store.as_mut())
    }

    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn schema(&self) -> &LabelSchema {
        &self.manifest.schema
    }

    pub fn is_read_only(&self) -> bool {
        self.lock.is_none()
    }

    /// The absolute image folder.
    pub fn image_root(&self) -> PathBuf {
        let root = Path::new(&self.manifest.image_root);
        if root.is_absolute() {
            root.to_path_buf()
        } else {
            self.dir.join(root)
        }
    }

    /// The file behind an item.
    pub fn item_path(&self, item: &Item) -> PathBuf {
        self.image_root().join(&item.rel_path)
    }

    pub fn author(&self) -> &str {
        &self.author
    }

    /// Sets who the following edits are attributed to.
    pub fn set_author(&mut self, author: &str) {
        let trimmed = author.trim();
        if !trimmed.is_empty() {
            self.author = trimmed.to_string();
        }
    }

    /// Changes with every applied, undone or redone edit and every schema change,
    /// so views can cache what they read.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn item(&self, id: ItemId) -> Option<&Item> {
        self.position(id).map(|i| &self.items[i])
    }

    /// The position of an item in `items()`, which are in id order.
    pub fn position(&self, id: ItemId) -> Option<usize> {
        position_in(&self.items, id)
    }

    /// Adds scanned files as items; paths already present are ignored.
    pub fn add_items(&mut self, new: &[NewItem]) -> Result<Vec<ItemId>, ProjectError> {
        self.check_writable()?;
        let added = self.store.insert_items(new)?;
        Ok(self.adopt_items(added))
    }

    /// Takes fresh facts of files already items (a rescan): their size and
    /// error, stored in one transaction. Returns the items that changed.
    /// Items are not annotations, so this is not an edit and not undone.
    pub fn update_item_facts(&mut self, facts: &[NewItem]) -> Result<Vec<ItemId>, ProjectError> {
        self.check_writable()?;
        let changed = self.store.update_item_facts(facts)?;
        let ids = changed.iter().map(|i| i.id).collect();
        for item in changed {
            if let Some(i) = self.position(item.id) {
                self.items[i] = item;
            }
        }
        self.revision += 1;
        Ok(ids)
    }

    /// Appends items the store just added to the item list.
    fn adopt_items(&mut self, added: Vec<Item>) -> Vec<ItemId> {
        let ids: Vec<ItemId> = added.iter().map(|i| i.id).collect();
        let in_order = self.items.last().map(|i| i.id) < ids.first().copied()
            && ids.windows(2).all(|w| w[0] < w[1]);
        if self.items.is_empty() {
            // A first import of a million items is taken over, not copied.
            self.items = added;
        } else {
            self.items.extend(added);
        }
        // New ids come from AUTOINCREMENT, so this holds unless a store
        // hands items back out of order.
        if !in_order {
            self.items.sort_by_key(|i| i.id);
        }
        self.revision += 1;
        ids
    }

    pub fn boxes(&self, item: ItemId) -> Result<Vec<BoxAnnotation>, ProjectError> {
        self.store.boxes_of(item)
    }

    /// An item's model proposals waiting for review, best score first.
    pub fn proposals(&self, item: ItemId) -> Result<Vec<Proposal>, ProjectError> {
        self.store.proposals_of(item)
    }

    pub fn proposal(&self, id: ProposalId) -> Result<Option<Proposal>, ProjectError> {
        self.store.proposal(id)
    }

    /// Every proposal waiting for review, ordered by item then id.
    pub fn all_proposals(&self) -> Result<Vec<Proposal>, ProjectError> {
        self.store.all_proposals()
    }

    /// The model and score a box came from, when it was an accepted proposal.
    pub fn box_origin(&self, id: AnnotationId) -> Result<Option<BoxOrigin>, ProjectError> {
        self.store.box_origin(id)
    }

    pub fn all_boxes(&self) -> Result<Vec<BoxAnnotation>, ProjectError> {
        self.store.all_boxes()
    }

    /// Adds text records as items without labels, in one transaction (see
    /// [`Project::add_labelled_texts`]); a `rel_path` already taken fails it.
    pub fn add_text_items(&mut self, new: &[NewTextItem]) -> Result<Vec<ItemId>, ProjectError> {
        let before = self.items.len();
        let texts = new
            .iter()
            .cloned()
            .map(|item| LabelledText {
                item,
                spans: Vec::new(),
                labels: Vec::new(),
            })
            .collect();
        self.add_labelled_texts(std::iter::once(Ok::<_, ProjectError>(texts)))?;
        Ok(self.items[before..].iter().map(|i| i.id).collect())
    }

    /// The content of a text item; `None` for an image item.
    pub fn text(&self, item: ItemId) -> Result<Option<TextDoc>, ProjectError> {
        self.store.text_of(item)
    }

    /// Every text item's content, ordered by item.
    pub fn all_texts(&self) -> Result<Vec<(ItemId, TextDoc)>, ProjectError> {
        self.store.all_texts()
    }

    /// Calls `f` with every text item in item order, the text borrowed from
    /// the database (an export of a million texts copies none of them).
    pub fn for_each_text(
        &self,
        f: &mut dyn FnMut(TextRow<'_>) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        self.store.for_each_text(f)
    }

    /// An item's spans ordered by start, end, id.
    pub fn spans(&self, item: ItemId) -> Result<Vec<SpanAnnotation>, ProjectError> {
        self.store.spans_of(item)
    }

    /// Every span, ordered by item, start, end, id.
    pub fn all_spans(&self) -> Result<Vec<SpanAnnotation>, ProjectError> {
        self.store.all_spans()
    }

    /// Every span's item, class and range, ordered by item and start (for exports).
    pub fn all_span_extents(&self) -> Result<Vec<SpanExtent>, ProjectError> {
        self.store.all_span_extents()
    }

    pub fn span(&self, at: SpanRef) -> Result<Option<SpanAnnotation>, ProjectError> {
        self.store.span(at)
    }

    pub fn image_labels(&self, item: ItemId) -> Result<Vec<LabelId>, ProjectError> {
        self.store.image_labels_of(item)
    }

    pub fn all_image_labels(&self) -> Result<Vec<(ItemId, Vec<LabelId>)>, ProjectError> {
        self.store.all_image_labels()
    }

    /// Everyone who made a box or span, by name.
    pub fn annotators(&self) -> Result<Vec<String>, ProjectError> {
        self.store.annotators()
    }

    /// Items with a box or span made by `author` (a review queue per annotator).
    pub fn items_by_author(&self, author: &str) -> Result<Vec<ItemId>, ProjectError> {
        self.store.items_by_author(author)
    }

    pub fn items_with_class(&self, class: ClassId) -> Result<Vec<ItemId>, ProjectError> {
        self.store.items_with_class(class)
    }

    /// Adds a work package's audit trail of this project's items (already
    /// mapped to them) to the edit log, once; returns how many entries were new.
    pub fn adopt_log(&mut self, entries: &[LogEntry]) -> Result<usize, ProjectError> {
        self.check_writable()?;
        let added = self.store.adopt_log(entries)?;
        if added > 0 {
            self.revision += 1;
        }
        Ok(added)
    }

    /// Items with an edit logged at or after `since_ms`.
    pub fn items_changed_since(&self, since_ms: i64) -> Result<Vec<ItemId>, ProjectError> {
        self.store.items_changed_since(since_ms)
    }

    /// The audit trail, newest first: of one item, or of the whole project.
    pub fn history(
        &self,
        item: Option<ItemId>,
        limit: usize,
    ) -> Result<Vec<LogEntry>, ProjectError> {
        self.store.log_of(item, limit)
    }

    /// The item the user was last on, restored on reopen.
    pub fn current_item(&self) -> Option<ItemId> {
        let value = self.store.session_value(CURRENT_ITEM_KEY).ok().flatten()?;
        let id = ItemId(value.parse().ok()?);
        self.item(id).map(|_| id)
    }

    pub fn set_current_item(&mut self, item: ItemId) -> Result<(), ProjectError> {
        if self.is_read_only() {
            return Ok(());
        }
        self.store
            .set_session_value(CURRENT_ITEM_KEY, &item.0.to_string())
    }

    fn check_writable(&self) -> Result<(), ProjectError> {
        if self.is_read_only() {
            Err(ProjectError::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// Changes the label schema and saves the manifest.
    pub fn update_schema(
        &mut self,
        change: impl FnOnce(&mut LabelSchema),
    ) -> Result<(), ProjectError> {
        self.check_writable()?;
        let mut manifest = self.manifest.clone();
        change(&mut manifest.schema);
        manifest.save(&self.dir.join(MANIFEST_FILE))?;
        self.manifest = manifest;
        self.revision += 1;
        Ok(())
    }

    /// An item's review comments, oldest first.
    pub fn comments(&self, item: ItemId) -> Result<Vec<Comment>, ProjectError> {
        self.store.comments_of(item)
    }

    /// Checks an edit against the schema, the items and the annotations,
    /// and returns it normalised (see [`Checker`]).
    fn validated(&self, edit: Edit, mode: &mut ImageLabelMode) -> Result<Edit, ProjectError> {
        let checker = Checker {
            schema: self.schema(),
            items: &self.items,
            store: self.store.as_ref(),
        };
        checker.edit(edit, mode)
    }

    /// Applies an edit: validated, durable on return, recorded for undo and in the
    /// audit trail with the current author and time.
    pub fn apply(&mut self, edit: Edit) -> Result<Applied, ProjectError> {
        self.check_writable()?;
        let edit = self.validated(edit, &mut self.schema().image_label_mode.clone())?;
        if edit.is_empty() {
            return Ok(Applied::nothing());
        }
        let mut stored = self.store_edit(&edit, "edit")?;
        let inverse = std::mem::replace(&mut stored.inverse, Edit::Batch(Vec::new()));
        self.history.record(inverse);
        Ok(stored.into())
    }

    /// Runs `work` on this project as one transaction and one step of undo:
    /// the edits it applies and the log entries it adopts are stored all
    /// together when it returns `Ok`, and none of them when it returns `Err`
    /// (or the process dies first); the manifest, the item list and the undo
    /// history are then put back as they were. `work` applies edits; it does
    /// not undo or redo.
    pub fn apply_together<T, E: From<ProjectError>>(
        &mut self,
        work: impl FnOnce(&mut Project) -> Result<T, E>,
    ) -> Result<T, E> {
        self.check_writable()?;
        let checkpoint = self.history.checkpoint();
        let manifest = self.manifest.clone();
        self.store.begin_group()?;
        let outcome = match work(self) {
            Ok(value) => self.store.end_group(true).map(|()| value).map_err(E::from),
            // The work's own error says more than a failed rollback would.
            Err(e) => {
                let _ = self.store.end_group(false);
                Err(e)
            }
        };
        match outcome {
            Ok(value) => {
                self.history.squash_since(&checkpoint);
                Ok(value)
            }
            Err(e) => {
                self.history.restore(checkpoint);
                if self.manifest != manifest {
                    self.manifest = manifest;
                    self.manifest.save(&self.dir.join(MANIFEST_FILE))?;
                }
                self.reload_items()?;
                self.revision += 1;
                Err(e)
            }
        }
    }

    /// Adds boxes that arrive in chunks (an import that is still being read) as
    /// one edit: each box is checked and clamped as in [`Edit::AddBoxes`], all
    /// of them go into one transaction, and they are one step of undo. An `Err`
    /// from `chunks` abandons the edit, nothing is stored, and that error is
    /// returned.
    pub fn add_boxes_streamed<E: From<ProjectError>>(
        &mut self,
        chunks: impl IntoIterator<Item = Result<Vec<NewBox>, E>>,
    ) -> Result<Applied, E> {
        self.check_writable()?;
        let mut chunks = chunks.into_iter();
        let mut abandoned: Option<E> = None;
        let Project {
            store,
            manifest,
            items,
            author,
            ..
        } = self;
        let mut next_chunk = || -> Result<Option<Vec<NewBox>>, ProjectError> {
            let mut chunk = match chunks.next() {
                None => return Ok(None),
                Some(Ok(chunk)) => chunk,
                Some(Err(err)) => {
                    abandoned = Some(err);
                    return Err(ProjectError::InvalidEdit("the edit was abandoned".into()));
                }
            };
            for b in &mut chunk {
                check_new_box(&manifest.schema, items, b)?;
            }
            Ok(Some(chunk))
        };
        let ctx = EditContext {
            author,
            time_ms: now_ms(),
            origin: "edit",
        };
        let stored = match engine::add_boxes_streamed(store.as_mut(), &mut next_chunk, &ctx) {
            Ok(stored) => stored,
            Err(err) => return Err(abandoned.unwrap_or_else(|| err.into())),
        };
        if stored.created.is_empty() {
            return Ok(Applied::nothing());
        }
        self.refresh_statuses(&stored.touched)?;
        self.revision += 1;
        let mut stored = stored;
        let inverse = std::mem::replace(&mut stored.inverse, Edit::Batch(Vec::new()));
        self.history.record(inverse);
        Ok(stored.into())
    }

    /// Adds labelled text records that arrive in chunks (an import still being
    /// read) as new items with their spans and document classes: one
    /// transaction, one step of undo. Class names are looked up in the schema;
    /// missing ones are added to it as they appear (and removed again if the
    /// import fails). Spans must fit their text and, unless the schema allows
    /// it, not overlap; a record that breaks a rule fails the whole import, so
    /// callers leave such spans out and report them. An `Err` from `chunks`
    /// abandons the import and is returned.
    pub fn add_labelled_texts<E: From<ProjectError>>(
        &mut self,
        chunks: impl IntoIterator<Item = Result<Vec<LabelledText>, E>>,
    ) -> Result<LabelledAdded, E> {
        let mut resolver = self.text_resolver()?;
        let resolved = chunks
            .into_iter()
            .map(move |chunk| resolver.resolve(chunk?).map_err(E::from));
        self.add_resolved_texts(resolved)
    }

    /// A [`TextResolver`] starting from the project's schema and its next
    /// free span id, for resolving chunks of an import on another thread
    /// than the one storing them. Its chunks are stored by
    /// [`Project::add_resolved_texts`] before anything else changes the
    /// project; otherwise their span ids are refused and nothing is stored.
    pub fn text_resolver(&self) -> Result<TextResolver, ProjectError> {
        Ok(TextResolver {
            schema: self.manifest.schema.clone(),
            packer: TextPacker::new(self.store.next_span_id()?, &self.author, now_ms()),
        })
    }

    /// [`Project::add_labelled_texts`] of chunks a [`TextResolver`] made from
    /// this project; a chunk that added classes carries the schema, which is
    /// saved before the chunk is stored.
    pub fn add_resolved_texts<E: From<ProjectError>>(
        &mut self,
        chunks: impl IntoIterator<Item = Result<ResolvedChunk, E>>,
    ) -> Result<LabelledAdded, E> {
        self.check_writable()?;
        let original_schema = self.manifest.schema.clone();
        let stored = self.store_resolved(chunks, None);
        if stored.is_err() {
            self.restore_schema(original_schema);
        }
        stored
    }

    /// [`Project::add_resolved_texts`] of chunks already read whole, and
    /// with them `labels`: an edit of items the project had before, which
    /// the closure makes once the project's schema has the chunks' classes
    /// (it may add more with [`Project::update_schema`]). The new items and
    /// the edit go into one transaction and are one step of undo; when
    /// anything fails nothing is stored and the schema is put back.
    pub fn add_resolved_texts_and<E: From<ProjectError>>(
        &mut self,
        mut chunks: Vec<ResolvedChunk>,
        labels: impl FnOnce(&mut Project) -> Result<Edit, E>,
    ) -> Result<LabelledAdded, E> {
        self.check_writable()?;
        let original_schema = self.manifest.schema.clone();
        // The last schema a chunk carries has every class the chunks use;
        // it is saved once, with whatever `labels` adds.
        if let Some(schema) = chunks.iter_mut().filter_map(|c| c.schema.take()).last() {
            self.manifest.schema = schema;
        }
        let stored = || -> Result<LabelledAdded, E> {
            let edit = labels(self)?;
            let mut mode = self.schema().image_label_mode;
            let edit = self.validated(edit, &mut mode)?;
            if self.manifest.schema != original_schema {
                self.manifest.save(&self.dir.join(MANIFEST_FILE))?;
            }
            let then = (!edit.is_empty()).then_some(edit);
            self.store_resolved(chunks.into_iter().map(Ok), then)
        };
        let stored = stored();
        if stored.is_err() {
            self.restore_schema(original_schema);
        }
        stored
    }

    /// Puts the schema an import started from back, after it failed.
    fn restore_schema(&mut self, original: LabelSchema) {
        if self.manifest.schema == original {
            return;
        }
        let mut manifest = self.manifest.clone();
        manifest.schema = original;
        if manifest.save(&self.dir.join(MANIFEST_FILE)).is_ok() {
            self.manifest = manifest;
        }
        self.revision += 1;
    }

    /// Stores resolved chunks as new items, then `then` (validated), in one
    /// transaction of the store. The schema is left as the chunks made it.
    fn store_resolved<E: From<ProjectError>>(
        &mut self,
        chunks: impl IntoIterator<Item = Result<ResolvedChunk, E>>,
        then: Option<Edit>,
    ) -> Result<LabelledAdded, E> {
        let mut chunks = chunks.into_iter();
        let mut abandoned: Option<E> = None;
        let manifest_path = self.dir.join(MANIFEST_FILE);
        let mut added = LabelledAdded::default();
        let Project {
            store,
            manifest,
            author,
            ..
        } = self;
        let mut next_chunk = || -> Result<Option<PackedTexts>, ProjectError> {
            let chunk = match chunks.next() {
                None => return Ok(None),
                Some(Ok(chunk)) => chunk,
                Some(Err(err)) => {
                    abandoned = Some(err);
                    return Err(ProjectError::InvalidEdit("the import was abandoned".into()));
                }
            };
            // The classes a chunk adds are saved before its spans refer to them.
            if let Some(schema) = chunk.schema {
                manifest.schema = schema;
                manifest.save(&manifest_path)?;
            }
            added.new_classes.extend(chunk.new_classes);
            added.new_doc_classes.extend(chunk.new_doc_classes);
            added.classified += chunk.classified;
            Ok(Some(chunk.texts))
        };
        let ctx = EditContext {
            author,
            time_ms: now_ms(),
            origin: "edit",
        };
        let result =
            engine::add_labelled_texts(store.as_mut(), &mut next_chunk, then.as_ref(), &ctx);
        let (items, mut stored) = match result {
            Ok(done) => done,
            Err(err) => return Err(abandoned.unwrap_or_else(|| err.into())),
        };
        added.items = items.len();
        added.spans = stored.created_spans.len();
        let known = self.items.last().map(|i| i.id);
        self.adopt_items(items);
        if then.is_some() {
            // Only the items the project had: the new ones came with their status.
            let labelled: Vec<ItemId> = stored
                .touched
                .iter()
                .copied()
                .filter(|&id| Some(id) <= known)
                .collect();
            self.refresh_statuses(&labelled)?;
        }
        if !stored.touched.is_empty() {
            let inverse = std::mem::replace(&mut stored.inverse, Edit::Batch(Vec::new()));
            self.history.record(inverse);
        }
        Ok(added)
    }

    fn store_edit(&mut self, edit: &Edit, origin: &str) -> Result<StoredEdit, ProjectError> {
        // The schema lives in the manifest, outside the transaction: a switch
        // to several labels per item is saved before the edit, a switch back
        // after it (the store refuses it while an item has several), so the
        // saved mode always admits what the database holds.
        let mode = edit
            .image_label_mode()
            .filter(|m| *m != self.schema().image_label_mode);
        let widen = mode == Some(ImageLabelMode::Multi);
        if widen {
            self.update_schema(|s| s.image_label_mode = ImageLabelMode::Multi)?;
        }
        let ctx = EditContext {
            author: &self.author,
            time_ms: now_ms(),
            origin,
        };
        let stored = match engine::apply(self.store.as_mut(), edit, &ctx) {
            Ok(stored) => stored,
            Err(e) => {
                if widen {
                    self.update_schema(|s| s.image_label_mode = ImageLabelMode::Single)?;
                }
                return Err(e);
            }
        };
        if mode == Some(ImageLabelMode::Single) {
            self.update_schema(|s| s.image_label_mode = ImageLabelMode::Single)?;
        }
        self.refresh_statuses(&stored.touched)?;
        self.revision += 1;
        Ok(stored)
    }

    fn refresh_statuses(&mut self, touched: &[ItemId]) -> Result<(), ProjectError> {
        if touched.len() > 1_000 {
            for (id, status) in self.store.statuses()? {
                if let Some(i) = self.position(id) {
                    self.items[i].status = status;
                }
            }
            return Ok(());
        }
        for &id in touched {
            if let (Some(i), Some(status)) = (self.position(id), self.store.item_status(id)?) {
                self.items[i].status = status;
            }
        }
        Ok(())
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Undoes the last step; returns what it touched, or `None` with nothing to undo.
    pub fn undo(&mut self) -> Result<Option<Applied>, ProjectError> {
        self.replay(Replay::Undo)
    }

    /// Redoes the last undone step.
    pub fn redo(&mut self) -> Result<Option<Applied>, ProjectError> {
        self.replay(Replay::Redo)
    }

    /// Applies the top of the undo or redo stack and moves its inverse to the other
    /// stack; on failure the step stays where it was.
    fn replay(&mut self, replay: Replay) -> Result<Option<Applied>, ProjectError> {
        self.check_writable()?;
        let (taken, origin) = match replay {
            Replay::Undo => (self.history.take_undo(), "undo"),
            Replay::Redo => (self.history.take_redo(), "redo"),
        };
        let Some(edit) = taken else {
            return Ok(None);
        };
        let result = self.store_edit(&edit, origin);
        let (done, failed): (PushStep, PushStep) = match replay {
            Replay::Undo => (History::push_redo, History::push_undo),
            Replay::Redo => (History::push_undo, History::push_redo),
        };
        match result {
            Ok(mut stored) => {
                let inverse = std::mem::replace(&mut stored.inverse, Edit::Batch(Vec::new()));
                done(&mut self.history, inverse);
                Ok(Some(stored.into()))
            }
            Err(e) => {
                failed(&mut self.history, edit);
                Err(e)
            }
        }
    }

    fn annotator_stats(
        &self,
        items_by_annotator: Vec<(String, Vec<ItemId>)>,
    ) -> Vec<AnnotatorStats> {
        let status = |id: ItemId| self.item(id).map(|i| i.status);
        items_by_annotator
            .into_iter()
            .map(|(name, items)| {
                let mut a = AnnotatorStats {
                    name,
                    items: items.len(),
                    ..AnnotatorStats::default()
                };
                for item in items {
                    match status(item) {
                        Some(ItemStatus::Submitted) => a.submitted += 1,
                        Some(ItemStatus::Accepted) => a.accepted += 1,
                        Some(ItemStatus::Rejected) => a.rejected += 1,
                        _ => {}
                    }
                }
                let reviewed = a.accepted + a.rejected;
                a.rejection_rate = (reviewed > 0).then(|| a.rejected as f64 / reviewed as f64);
                a
            })
            .collect()
    }

    fn throughput(&self) -> Result<Vec<AnnotatorThroughput>, ProjectError> {
        let mut out: Vec<AnnotatorThroughput> = Vec::new();
        for (name, hour_start_ms, items) in self.store.submissions_per_hour()? {
            if out.last().is_none_or(|a| a.name != name) {
                out.push(AnnotatorThroughput {
                    name,
                    ..AnnotatorThroughput::default()
                });
            }
            let Some(a) = out.last_mut() else { continue };
            a.submitted += items;
            a.active_hours += 1;
            a.per_hour.push(HourCount {
                hour_start_ms,
                items,
            });
        }
        for a in &mut out {
            a.items_per_hour = a.submitted as f64 / a.active_hours.max(1) as f64;
        }
        Ok(out)
    }

    /// Counts for `shugu stats` and the status bar.
    pub fn stats(&self) -> Result<ProjectStats, ProjectError> {
        let count = |s: ItemStatus| self.items.iter().filter(|i| i.status == s).count();
        let schema = self.schema();
        let class_counts = |counts: Vec<(ClassId, u64)>| -> Vec<ClassCount> {
            counts
                .into_iter()
                .map(|(id, count)| ClassCount {
                    id: id.0,
                    name: schema
                        .class(id)
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| format!("#{id}")),
                    count,
                })
                .collect()
        };
        // The census reads every box and span; on a connection of its own it
        // runs beside the quality figures instead of before them.
        let reader = self.store.reader();
        let (census, quality) = std::thread::scope(|scope| {
            let census = reader.map(|r| scope.spawn(move || r.census()));
            let quality = self.quality_figures();
            (census.map(|c| c.join()), quality)
        });
        let census = match census {
            Some(Ok(Ok(census))) => census,
            _ => self.store.census()?,
        };
        let (quality, agreement) = quality?;
        let boxes_per_class = class_counts(census.boxes_per_class);
        let spans_per_class = class_counts(census.spans_per_class);
        let labels_per_class = self
            .store
            .label_counts()?
            .into_iter()
            .map(|(id, count)| ClassCount {
                id: id.0,
                name: schema
                    .label(id)
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| format!("#{id}")),
                count,
            })
            .collect();
        Ok(ProjectStats {
            items: self.items.len(),
            items_new: count(ItemStatus::New),
            items_in_progress: count(ItemStatus::InProgress),
            items_submitted: count(ItemStatus::Submitted),
            items_accepted: count(ItemStatus::Accepted),
            items_rejected: count(ItemStatus::Rejected),
            items_broken: self.items.iter().filter(|i| i.is_broken()).count(),
            boxes: boxes_per_class.iter().map(|c| c.count).sum(),
            boxes_per_class,
            spans: spans_per_class.iter().map(|c| c.count).sum(),
            spans_per_class,
            annotators: self.annotator_stats(census.items_by_annotator),
            throughput: self.throughput()?,
            quality,
            agreement,
            labels_per_class,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b/img")),
            PathBuf::from("img")
        );
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/c/img")),
            PathBuf::from("../c/img")
        );
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b")),
            PathBuf::from(".")
        );
    }
}
