//! Databases of every older layout, as the code of that version wrote them
//! (`tests/fixtures/old_databases/make.sh` runs each version's own demo
//! generators from the git history), open read-only for every read command:
//! `stats` and `export` answer with what the writer stored, and the files are
//! left as they were. The shipped demos are at the current version.

use crate::common::cli::{export_ok, shugu, succeeds};
use serde_json::Value;
use shugu::project::{Access, DB_FILE, DB_VERSION, FORMAT_VERSION, MANIFEST_FILE, Project};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn user_version(db: &Path) -> i64 {
    let read_only = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let conn = rusqlite::Connection::open_with_flags(db, read_only).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// For every older version, a copy of its `vN-KIND` fixture in a temporary
/// folder (tests must not write beside the fixtures; reading needs no
/// images), handed to `check` with its name; then the file must be as it was.
fn for_every_older_version(kind: &str, check: impl Fn(&str, &Path)) {
    for version in 1..DB_VERSION {
        let name = format!("v{version}-{kind}");
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        let from = repo().join("tests/fixtures/old_databases").join(&name);
        for file in [MANIFEST_FILE, DB_FILE] {
            std::fs::copy(from.join(file), dir.join(file)).unwrap();
        }
        let db = dir.join(DB_FILE);
        assert_eq!(user_version(&db), version, "{name}");
        let before = std::fs::read(&db).unwrap();
        check(&name, &dir);
        assert_eq!(user_version(&db), version, "{name}: not moved forward");
        assert!(
            std::fs::read(&db).unwrap() == before,
            "{name}: the file is unchanged"
        );
    }
}

fn stats_json(dir: &Path) -> Value {
    let out = shugu(["stats".as_ref(), dir.as_os_str(), "--json".as_ref()]);
    serde_json::from_str(&succeeds(&out)).unwrap()
}

#[test]
fn every_older_image_database_answers_stats_and_export_read_only() {
    for_every_older_version("images", |name, dir| {
        let stats = stats_json(dir);
        assert_eq!(stats["items"], 9, "{name}: {stats}");
        assert_eq!(stats["boxes"], 11, "{name}: {stats}");
        assert_eq!(stats["items_submitted"], 3, "{name}: done became submitted");

        let out = dir.join("export.json");
        export_ok(dir, "coco", &out);
        let coco: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(coco["images"].as_array().unwrap().len(), 9, "{name}");
        assert_eq!(coco["annotations"].as_array().unwrap().len(), 11, "{name}");

        let project = Project::open(dir, Access::ReadOnly).unwrap();
        assert!(project.is_read_only());
        assert_eq!(project.all_boxes().unwrap().len(), 11, "{name}");
    });
}

#[test]
fn every_older_text_database_answers_stats_and_export_read_only() {
    for_every_older_version("text", |name, dir| {
        let stats = stats_json(dir);
        assert_eq!(stats["items"], 200, "{name}: {stats}");
        assert_eq!(stats["spans"], 143, "{name}: {stats}");
        let classified: u64 = stats["labels_per_class"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_u64().unwrap())
            .sum();
        assert_eq!(classified, 75, "{name}: {stats}");

        let out = dir.join("export.jsonl");
        export_ok(dir, "jsonl", &out);
        let text = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 200, "{name}");
        let spans: usize = lines
            .iter()
            .map(|l| l["spans"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(spans, 143, "{name}");
    });
}

#[test]
fn the_shipped_demos_are_at_the_current_version() {
    for demo in ["projects/demo-images", "projects/demo-text"] {
        let dir = repo().join(demo);
        assert_eq!(user_version(&dir.join(DB_FILE)), DB_VERSION, "{demo}");
        let manifest = std::fs::read_to_string(dir.join(MANIFEST_FILE)).unwrap();
        assert!(
            manifest.contains(&format!("format_version: {FORMAT_VERSION},")),
            "{demo}: {manifest}"
        );
    }
}
