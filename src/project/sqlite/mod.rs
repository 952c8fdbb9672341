//! The SQLite implementation of [`Store`] (`shugu.db`): opening, and moving
//! older databases forward, here, with the queries; transactions in
//! [`write`], their row operations in [`tx`], and a module per table or
//! job below them. WAL mode with `synchronous=FULL`, so a write is on disk
//! when it returns and survives a crash or power loss.

mod activity;
mod annotations;
mod boxes_to_shapes;
mod fresh;
mod items;
mod labels;
mod packages;
mod proposals;
mod review;
pub(super) mod span_pack;
mod text;
pub(super) mod text_block;
mod text_layouts;
mod tx;
mod varint;
mod write;

pub use packages::PackageItem;
pub use text::{SpanExtent, TextRow};

use crate::model::{
    Annotation, AnnotationId, AnnotationOrigin, ClassId, Item, ItemId, ItemStatus, LabelId,
    Proposal, ProposalId, SpanAnnotation, SpanRef, TextDoc,
};
use crate::project::ProjectError;
use crate::project::store::{Census, LogEntry, NewItem, Store, StoreTx};
use labels::LabelReader;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The database layout version (`PRAGMA user_version`). 2: the `done`
/// status became `submitted`, and review statuses exist. 3: boxes have
/// attributes (`boxes.attrs`, JSON; NULL when there are none), and an item's
/// spans are packed into its `texts` row instead of one `spans` row each. Both
/// migrations look at the tables rather than the version. 4: span packs of
/// layout 2 (see [`span_pack`]); layout 1 is still read. 5: texts in blocks
/// of consecutive items (`text_blocks`), edited spans in `span_packs`. 6:
/// imported document classes in blocks too (see [`labels`]). 7: annotations
/// carry a shape (`annotations`, its kind and encoded geometry; `boxes` moved
/// there as rects by [`boxes_to_shapes`]), and so do proposals. 8: proposals
/// carry attributes (`proposals.attrs`, an OCR line's text).
pub const DB_VERSION: i64 = 8;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS image_labels(
    item_id INTEGER NOT NULL,
    label_id INTEGER NOT NULL,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY(item_id, label_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edit_log(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time_ms INTEGER NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    item_id INTEGER,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS edit_log_by_item ON edit_log(item_id);
CREATE TABLE IF NOT EXISTS session(key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

pub struct SqliteStore {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// The migrated copy an older database is read through, deleted with
    /// the store (see [`SqliteStore::open`]).
    _copy: Option<tempfile::TempDir>,
}

impl SqliteStore {
    /// Opens (creating when writable) the database at `path`.
    pub fn open(path: &Path, read_only: bool) -> Result<Self, ProjectError> {
        let mut conn = if read_only {
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?
        } else {
            Connection::open(path)?
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > DB_VERSION {
            return Err(ProjectError::NewerFormat {
                path: path.to_path_buf(),
                found: version as u32,
                supported: DB_VERSION as u32,
            });
        }
        if read_only && version < DB_VERSION {
            return Self::open_migrated_copy(&conn);
        }
        if !read_only {
            fresh::remove_unfinished(path)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            // 64 MiB of page cache: a bulk insert then rewrites fewer pages into the WAL.
            conn.pragma_update(None, "cache_size", -65_536)?;
            create_tables(&conn)?;
            if version < 2 {
                items::rename_done_to_submitted(&conn)?;
            }
            text_layouts::move_forward(&mut conn)?;
            boxes_to_shapes::move_forward(&mut conn)?;
            proposals::add_attributes(&conn)?;
            conn.pragma_update(None, "user_version", DB_VERSION)?;
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            _copy: None,
        })
    }

    /// An older database cannot be moved forward where it is when it is
    /// opened read-only (another Shugu may be reading it, or the folder may
    /// be read-only), so it is read through a copy in the system's temporary
    /// folder that is moved forward as a writable open would, and deleted
    /// when the store is dropped. The original is not changed.
    fn open_migrated_copy(conn: &Connection) -> Result<Self, ProjectError> {
        let copy = tempfile::Builder::new()
            .prefix("shugu-older-")
            .tempdir()
            .map_err(|e| ProjectError::io(std::env::temp_dir(), e))?;
        let copy_path = copy.path().join("shugu.db");
        let target = copy_path.to_string_lossy().into_owned();
        // A consistent snapshot, the WAL's committed pages included.
        conn.execute("VACUUM INTO ?1", [&target])?;
        let mut store = Self::open(&copy_path, false)?;
        store._copy = Some(copy);
        Ok(store)
    }
}

/// Creates the tables a database lacks, and the columns added since
/// version 2.
pub(super) fn create_tables(conn: &Connection) -> Result<(), ProjectError> {
    conn.execute_batch(items::ITEMS_SCHEMA)?;
    conn.execute_batch(annotations::ANNOTATIONS_SCHEMA)?;
    conn.execute_batch(SCHEMA)?;
    conn.execute_batch(text::TEXT_SCHEMA)?;
    conn.execute_batch(labels::LABELS_SCHEMA)?;
    conn.execute_batch(review::REVIEW_SCHEMA)?;
    conn.execute_batch(packages::PACKAGE_SCHEMA)?;
    conn.execute_batch(proposals::PROPOSAL_SCHEMA)?;
    Ok(())
}

impl SqliteStore {
    /// The items with an annotation that `query` (one parameter) selects or
    /// a span that `span_matches`, in order.
    fn items_with_annotation(
        &self,
        query: &str,
        param: impl rusqlite::ToSql,
        span_matches: &dyn Fn(&span_pack::PackedSpan) -> bool,
    ) -> Result<Vec<ItemId>, ProjectError> {
        let mut stmt = self.conn.prepare_cached(query)?;
        let rows = stmt.query_map([param], |r| Ok(ItemId(r.get(0)?)))?;
        let mut items: Vec<ItemId> = rows.collect::<Result<_, _>>()?;
        text::for_each_span(&self.conn, &mut |item, s| {
            if span_matches(&s) && items.last() != Some(&item) {
                items.push(item);
            }
            Ok(())
        })?;
        items.sort_unstable();
        items.dedup();
        Ok(items)
    }
}

impl Store for SqliteStore {
    fn items(&self) -> Result<Vec<Item>, ProjectError> {
        items::items(&self.conn)
    }

    fn insert_items(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
        self.in_transaction(|tx| items::insert_items(tx, items))
    }

    fn update_item_facts(&mut self, items: &[NewItem]) -> Result<Vec<Item>, ProjectError> {
        self.in_transaction(|tx| items::update_item_facts(tx, items))
    }

    fn text_of(&self, item: ItemId) -> Result<Option<TextDoc>, ProjectError> {
        text::text_of(&self.conn, item)
    }

    fn text_len(&self, item: ItemId) -> Result<Option<u32>, ProjectError> {
        text::text_len(&self.conn, item)
    }

    fn all_texts(&self) -> Result<Vec<(ItemId, TextDoc)>, ProjectError> {
        text::all_texts(&self.conn)
    }

    fn for_each_text(
        &self,
        f: &mut dyn FnMut(text::TextRow<'_>) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        text::for_each_text(&self.conn, f)
    }

    fn comments_of(&self, item: ItemId) -> Result<Vec<crate::model::Comment>, ProjectError> {
        review::comments_of(&self.conn, item)
    }

    fn span(&self, at: SpanRef) -> Result<Option<SpanAnnotation>, ProjectError> {
        text::find_span(&self.conn, at)
    }

    fn spans_of(&self, item: ItemId) -> Result<Vec<SpanAnnotation>, ProjectError> {
        text::spans_of(&self.conn, item)
    }

    fn all_spans(&self) -> Result<Vec<SpanAnnotation>, ProjectError> {
        text::all_spans(&self.conn)
    }

    fn all_span_extents(&self) -> Result<Vec<text::SpanExtent>, ProjectError> {
        text::all_span_extents(&self.conn)
    }

    fn annotation(&self, id: AnnotationId) -> Result<Option<Annotation>, ProjectError> {
        annotations::find_annotation(&self.conn, id)
    }

    fn proposal(&self, id: ProposalId) -> Result<Option<Proposal>, ProjectError> {
        proposals::find_proposal(&self.conn, id)
    }

    fn proposals_of(&self, item: ItemId) -> Result<Vec<Proposal>, ProjectError> {
        proposals::proposals_of(&self.conn, item)
    }

    fn all_proposals(&self) -> Result<Vec<Proposal>, ProjectError> {
        proposals::all_proposals(&self.conn)
    }

    fn items_with_proposals(&self) -> Result<Vec<ItemId>, ProjectError> {
        proposals::items_with_proposals(&self.conn)
    }

    fn annotation_origin(
        &self,
        id: AnnotationId,
    ) -> Result<Option<AnnotationOrigin>, ProjectError> {
        proposals::annotation_origin(&self.conn, id)
    }

    fn annotations_of(&self, item: ItemId) -> Result<Vec<Annotation>, ProjectError> {
        annotations::annotations_of(&self.conn, item)
    }

    fn all_annotations(&self) -> Result<Vec<Annotation>, ProjectError> {
        annotations::all_annotations(&self.conn)
    }

    fn all_annotations_for_export(&self) -> Result<Vec<Annotation>, ProjectError> {
        annotations::all_annotations_for_export(&self.conn, &self.path)
    }

    fn image_labels_of(&self, item: ItemId) -> Result<Vec<LabelId>, ProjectError> {
        LabelReader::new().labels(&self.conn, item)
    }

    fn all_image_labels(&self) -> Result<Vec<(ItemId, Vec<LabelId>)>, ProjectError> {
        labels::all_labels(&self.conn)
    }

    fn items_with_class(&self, class: ClassId) -> Result<Vec<ItemId>, ProjectError> {
        self.items_with_annotation(
            "SELECT DISTINCT item_id FROM annotations WHERE class_id = ?1",
            class.0,
            &|s| s.class == class,
        )
    }

    fn annotators(&self) -> Result<Vec<String>, ProjectError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT author FROM annotations")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        let mut names: BTreeSet<String> = rows.collect::<Result<_, _>>()?;
        text::for_each_span(&self.conn, &mut |_, s| {
            if !names.contains(s.author) {
                names.insert(s.author.to_string());
            }
            Ok(())
        })?;
        Ok(names.into_iter().collect())
    }

    fn items_by_author(&self, author: &str) -> Result<Vec<ItemId>, ProjectError> {
        self.items_with_annotation(
            "SELECT DISTINCT item_id FROM annotations WHERE author = ?1",
            author,
            &|s| s.author == author,
        )
    }

    fn census(&self) -> Result<Census, ProjectError> {
        activity::census(&self.conn)
    }

    fn label_counts(&self) -> Result<Vec<(LabelId, u64)>, ProjectError> {
        labels::label_counts(&self.conn)
    }

    fn write(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        self.write_rows(work)
    }

    fn write_bulk(
        &mut self,
        work: &mut dyn FnMut(&mut dyn StoreTx) -> Result<(), ProjectError>,
    ) -> Result<(), ProjectError> {
        // A new database file cannot join a group's open transaction.
        if items::has_no_items(&self.conn)? && self.conn.is_autocommit() {
            return self.write_fresh(work);
        }
        self.write_rows(work)
    }

    fn reader(&self) -> Option<Box<dyn Store + Send>> {
        let reader = SqliteStore::open(&self.path, true).ok()?;
        Some(Box::new(reader))
    }

    fn next_span_id(&self) -> Result<i64, ProjectError> {
        Ok(text::last_span_id(&self.conn)? + 1)
    }

    fn log_of(&self, item: Option<ItemId>, limit: usize) -> Result<Vec<LogEntry>, ProjectError> {
        activity::log_of(&self.conn, item, limit)
    }

    fn session_value(&self, key: &str) -> Result<Option<String>, ProjectError> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM session WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn set_session_value(&mut self, key: &str, value: &str) -> Result<(), ProjectError> {
        self.conn
            .prepare_cached("INSERT INTO session(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")?
            .execute([key, value])?;
        Ok(())
    }

    fn statuses(&self) -> Result<Vec<(ItemId, ItemStatus)>, ProjectError> {
        items::statuses(&self.conn)
    }

    fn item_status(&self, item: ItemId) -> Result<Option<ItemStatus>, ProjectError> {
        items::item_status(&self.conn, item)
    }

    fn submissions_per_hour(&self) -> Result<Vec<(String, i64, usize)>, ProjectError> {
        activity::submissions_per_hour(&self.conn)
    }

    fn items_changed_since(&self, since_ms: i64) -> Result<Vec<ItemId>, ProjectError> {
        activity::items_changed_since(&self.conn, since_ms)
    }

    fn adopt_log(&mut self, entries: &[LogEntry]) -> Result<usize, ProjectError> {
        activity::adopt_log(&mut self.conn, entries)
    }

    fn begin_group(&mut self) -> Result<(), ProjectError> {
        self.begin_group_tx()
    }

    fn end_group(&mut self, commit: bool) -> Result<(), ProjectError> {
        self.end_group_tx(commit)
    }

    fn golden_items(&self) -> Result<Vec<ItemId>, ProjectError> {
        packages::golden_items(&self.conn)
    }

    fn item_versions(&self) -> Result<Vec<crate::model::ItemVersion>, ProjectError> {
        packages::item_versions(&self.conn)
    }

    fn id_floors(&self) -> Result<(i64, i64), ProjectError> {
        packages::id_floors(&self.conn)
    }

    fn write_package(
        &mut self,
        info: &crate::model::PackageInfo,
        items: &[packages::PackageItem],
    ) -> Result<(), ProjectError> {
        packages::write_package(&mut self.conn, info, items)
    }

    fn package_info(&self) -> Result<Option<crate::model::PackageInfo>, ProjectError> {
        packages::package_info(&self.conn)
    }

    fn package_items(&self) -> Result<Vec<packages::PackageItem>, ProjectError> {
        packages::package_items(&self.conn)
    }
}
