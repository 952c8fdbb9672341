//! The open project: creating and opening it, its manifest, its item list
//! (kept in id order, statuses refreshed after each edit) and the queries
//! over its store. Edits are in [`edit_path`](super::edit_path), labelled
//! text imports in [`labelled_texts`](super::labelled_texts), statistics in
//! [`stats`](super::stats).

use super::ProjectError;
use super::engine::StoredEdit;
use super::engine::validate::position_in;
use super::history::History;
use super::image_root_map::{self, ImageRootMap};
use super::lock::ProjectLock;
use super::manifest::{MANIFEST_FILE, Manifest, ProjectKind};
use super::sqlite::SqliteStore;
use super::store::{LogEntry, NewItem, SchemaHome, SpanExtent, Store, TextRow};
use crate::model::{
    Annotation, AnnotationId, AnnotationOrigin, ClassId, Comment, Item, ItemId, LabelId,
    LabelSchema, Proposal, ProposalId, SpanAnnotation, SpanId, SpanRef, TextDoc,
};
use std::path::{Component, Path, PathBuf};

pub const DB_FILE: &str = "shugu.db";
const CURRENT_ITEM_KEY: &str = "current_item";

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
    /// Ids of annotations the edit created, in order.
    pub created: Vec<AnnotationId>,
    /// Ids of spans the edit created, in order.
    pub created_spans: Vec<SpanId>,
}

impl Applied {
    pub(super) fn nothing() -> Self {
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
    pub(super) dir: PathBuf,
    pub(super) manifest: Manifest,
    pub(super) store: Box<dyn Store>,
    pub(super) history: History,
    pub(super) author: String,
    pub(super) items: Vec<Item>,
    pub(super) revision: u64,
    /// Held while the project is open, for its single writer.
    pub(super) _lock: Option<ProjectLock>,
    pub(super) read_only: bool,
    /// Where the label schema is saved when not in the manifest file (a
    /// team project's database).
    pub(super) schema_home: Option<Box<dyn SchemaHome>>,
    /// Where items are leased (a team project's server).
    pub(super) work_queue: Option<Box<dyn super::WorkQueue>>,
    /// This workstation's folders for stored image roots.
    pub(super) image_map: ImageRootMap,
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

/// Saves a changed manifest: its file, or, for a project whose schema lives
/// in its store's database, the schema there (the file only names it).
pub(super) fn save_manifest(
    manifest: &Manifest,
    dir: &Path,
    schema_home: &mut Option<Box<dyn SchemaHome>>,
) -> Result<(), ProjectError> {
    match schema_home {
        Some(home) => home.save(&manifest.schema),
        None => manifest.save(&dir.join(MANIFEST_FILE)),
    }
}

/// The SQLite store of the project in `dir`, made when missing.
fn sqlite_in(dir: &Path) -> Result<Box<dyn Store>, ProjectError> {
    Ok(Box::new(SqliteStore::open(&dir.join(DB_FILE), false)?))
}

/// Refuses an image root given as a URL (`smb://…`), with the way out.
pub(super) fn refuse_url_root(root: &Path) -> Result<(), ProjectError> {
    image_root_map::refuse_url(&root.to_string_lossy()).map_err(|message| {
        ProjectError::io(
            root,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, message),
        )
    })
}

/// `path` with `.` and `..` taken out as text, without asking the disk.
fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
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
        refuse_url_root(image_root)?;
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
        let root_text = image_root_map::plain_form(&rel.to_string_lossy()).replace('\\', "/");
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
        if manifest.kind == ProjectKind::Images {
            refuse_url_root(Path::new(&manifest.image_root))?;
        }
        if let Some(database) = &manifest.database {
            return super::postgres::open_team(dir, database, access);
        }
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

    pub(super) fn assemble(
        dir: &Path,
        manifest: Manifest,
        store: Box<dyn Store>,
        lock: Option<ProjectLock>,
    ) -> Result<Self, ProjectError> {
        let author = store.login().unwrap_or("annotator").to_string();
        let mut project = Self {
            dir: dir.to_path_buf(),
            manifest,
            store,
            history: History::default(),
            author,
            items: Vec::new(),
            revision: 0,
            read_only: lock.is_none(),
            _lock: lock,
            schema_home: None,
            work_queue: None,
            image_map: ImageRootMap::default(),
        };
        project.reload_items()?;
        Ok(project)
    }

    pub(super) fn reload_items(&mut self) -> Result<(), ProjectError> {
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
        self.read_only
    }

    /// The absolute image folder on this workstation: the stored root
    /// through this workstation's mapping, if one covers it.
    pub fn image_root(&self) -> PathBuf {
        let stored = self.stored_image_root();
        self.image_map
            .resolve(&stored.to_string_lossy())
            .unwrap_or(stored)
    }

    /// The image root as the project stores it, made absolute against the
    /// project folder when relative: what a mapping maps.
    pub fn stored_image_root(&self) -> PathBuf {
        let root = &self.manifest.image_root;
        if image_root_map::is_absolute_anywhere(root) {
            PathBuf::from(root)
        } else {
            lexically_normal(&self.dir.join(root))
        }
    }

    /// Resolves image paths through `map` from now on; nothing stored changes.
    pub fn set_image_map(&mut self, map: ImageRootMap) {
        self.image_map = map;
        self.revision += 1;
    }

    /// False when the project's images are an image folder that this
    /// workstation cannot reach (a share not mounted, a project moved).
    pub fn images_reachable(&self) -> bool {
        self.kind() != ProjectKind::Images || self.image_root().is_dir()
    }

    /// The file behind an item.
    pub fn item_path(&self, item: &Item) -> PathBuf {
        self.image_root().join(&item.rel_path)
    }

    pub fn author(&self) -> &str {
        &self.author
    }

    /// Sets who the following edits are attributed to. On a team project
    /// they are the database login's, and this changes nothing.
    pub fn set_author(&mut self, author: &str) {
        if self.store.login().is_some() {
            return;
        }
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
    pub(super) fn adopt_items(&mut self, added: Vec<Item>) -> Vec<ItemId> {
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

    /// An item's annotations, by id.
    pub fn annotations(&self, item: ItemId) -> Result<Vec<Annotation>, ProjectError> {
        self.store.annotations_of(item)
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

    /// Items with an annotation, an image label or a proposal waiting: what
    /// a model run over the unlabelled items leaves out.
    pub fn labelled_items(&self) -> Result<std::collections::HashSet<ItemId>, ProjectError> {
        let mut set: std::collections::HashSet<ItemId> = self
            .store
            .census()?
            .items_by_annotator
            .into_iter()
            .flat_map(|(_, items)| items)
            .collect();
        set.extend(
            self.store
                .all_image_labels()?
                .into_iter()
                .filter(|(_, labels)| !labels.is_empty())
                .map(|(item, _)| item),
        );
        set.extend(self.store.items_with_proposals()?);
        Ok(set)
    }

    /// The model and score an annotation came from, when it was an accepted
    /// proposal.
    pub fn annotation_origin(
        &self,
        id: AnnotationId,
    ) -> Result<Option<AnnotationOrigin>, ProjectError> {
        self.store.annotation_origin(id)
    }

    /// Every annotation, ordered by item then id.
    pub fn all_annotations(&self) -> Result<Vec<Annotation>, ProjectError> {
        self.store.all_annotations()
    }

    /// Every annotation as an export writes it, ordered by item then id,
    /// its provenance left empty ([`Store::all_annotations_for_export`]).
    pub fn all_annotations_for_export(&self) -> Result<Vec<Annotation>, ProjectError> {
        self.store.all_annotations_for_export()
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

    /// Everyone who made an annotation or span, by name.
    pub fn annotators(&self) -> Result<Vec<String>, ProjectError> {
        self.store.annotators()
    }

    /// Items with an annotation or span made by `author` (a review queue per annotator).
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

    pub(super) fn check_writable(&self) -> Result<(), ProjectError> {
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
        save_manifest(&manifest, &self.dir, &mut self.schema_home)?;
        self.manifest = manifest;
        self.revision += 1;
        Ok(())
    }

    /// An item's review comments, oldest first.
    pub fn comments(&self, item: ItemId) -> Result<Vec<Comment>, ProjectError> {
        self.store.comments_of(item)
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
