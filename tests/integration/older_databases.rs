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
        assert_eq!(stats["annotations"], 11, "{name}: {stats}");
        assert_eq!(stats["items_submitted"], 3, "{name}: done became submitted");

        let out = dir.join("export.json");
        export_ok(dir, "coco", &out);
        let coco: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(coco["images"].as_array().unwrap().len(), 9, "{name}");
        assert_eq!(coco["annotations"].as_array().unwrap().len(), 11, "{name}");

        let project = Project::open(dir, Access::ReadOnly).unwrap();
        assert!(project.is_read_only());
        assert_eq!(project.all_annotations().unwrap().len(), 11, "{name}");
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

/// A copy of the fixture `name` in a temporary folder.
fn fixture_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let from = repo().join("tests/fixtures/old_databases").join(name);
    for file in [MANIFEST_FILE, DB_FILE] {
        std::fs::copy(from.join(file), dir.join(file)).unwrap();
    }
    (tmp, dir)
}

/// What `make_v6_review.rs` stored, read back through the project.
fn check_v6_review(project: &Project) {
    use shugu::model::{AttrValue, BBox, CommentTarget, ItemStatus, VersionKind};
    let items = project.items();
    let by_path = |p: &str| items.iter().find(|i| i.rel_path == p).unwrap().id;
    let (astronaut, cat, coffee) = (
        by_path("astronaut.jpg"),
        by_path("cat-chelsea.jpg"),
        by_path("coffee.jpg"),
    );
    let boxes = project.all_annotations().unwrap();
    let summary: Vec<(i64, i64, i64, [f32; 4], &str)> = boxes
        .iter()
        .map(|b| {
            let bb = b.bounds();
            (
                b.id.0,
                b.item.0,
                b.class.0,
                [bb.min_x, bb.min_y, bb.max_x, bb.max_y],
                b.provenance.author.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, astronaut.0, 2, [153.0, 15.0, 302.0, 162.0], "ana"),
            (2, astronaut.0, 4, [350.5, 0.0, 475.25, 290.0], "ana"),
            (3, cat.0, 5, [134.0, 86.0, 210.0, 146.0], "ana"),
            (4, cat.0, 5, [294.0, 109.0, 343.0, 166.0], "ana"),
            (5, cat.0, 1, [20.0, 10.0, 440.0, 300.0], "ana"),
            (6, coffee.0, 3, [172.0, 17.0, 411.0, 306.0], "ana"),
        ]
    );
    let face = &boxes[0].attributes;
    assert_eq!(face.get("occluded"), Some(&AttrValue::Bool(true)));
    assert_eq!(face.get("pose"), Some(&AttrValue::Text("side".into())));
    assert_eq!(
        face.get("note"),
        Some(&AttrValue::Text("helmet glare 反光".into()))
    );
    assert_eq!(
        boxes[2].attributes.get("occluded"),
        Some(&AttrValue::Bool(false))
    );
    assert!(boxes[1].attributes.is_empty());
    assert!(boxes[2].provenance.updated_ms >= boxes[2].provenance.created_ms);

    let comments = project.comments(astronaut).unwrap();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].target, None);
    assert_eq!(comments[0].body, "check the helmet 头盔");
    assert_eq!(
        comments[1].target,
        Some(CommentTarget::Annotation(boxes[0].id))
    );

    let waiting = project.proposals(coffee).unwrap();
    let waiting: Vec<(i64, f32, BBox, &str)> = waiting
        .iter()
        .map(|p| (p.id.0, p.score, p.bounds(), p.source.as_str()))
        .collect();
    assert_eq!(
        waiting,
        vec![
            (
                3,
                0.55,
                BBox::from_corners([200.0, 40.0], [380.0, 280.0]),
                "detector-v1"
            ),
            (
                4,
                0.31,
                BBox::from_corners([5.0, 200.0], [90.0, 300.0]),
                "detector-v1"
            ),
        ]
    );
    let origin = project.annotation_origin(boxes[5].id).unwrap().unwrap();
    assert_eq!(
        (origin.source.as_str(), origin.score),
        ("detector-v1", 0.93)
    );
    assert_eq!(project.annotation_origin(boxes[0].id).unwrap(), None);

    let log = project.history(None, 100).unwrap();
    let kinds: Vec<&str> = log.iter().rev().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds[..15],
        [
            "add_boxes",
            "set_box_geometry",
            "add_boxes",
            "set_box_class",
            "set_box_attributes",
            "add_comments",
            "add_proposals",
            "accept_proposals",
            "delete_proposals",
            "set_status",
            "undo:set_status",
            "redo:set_status",
            "set_status",
            "set_golden",
            "set_item_version",
        ]
    );
    let status = |id| project.item(id).unwrap().status;
    assert_eq!(status(astronaut), ItemStatus::Accepted);
    assert_eq!(status(cat), ItemStatus::Submitted);
    assert_eq!(project.golden_items().unwrap(), vec![cat]);

    let versions = project.item_versions().unwrap();
    assert_eq!(versions.len(), 1);
    let v = &versions[0];
    assert_eq!(
        (v.item, v.annotator.as_str(), v.kind),
        (astronaut, "bo", VersionKind::Overlap)
    );
    let theirs: Vec<f32> = v
        .body
        .annotations
        .iter()
        .map(|b| b.bounds().max_x)
        .collect();
    assert_eq!(theirs, vec![298.0, 471.25]);
    assert!(
        v.body
            .annotations
            .iter()
            .all(|b| b.provenance.author == "bo")
    );
    assert_eq!(v.body.annotations[0].attributes, boxes[0].attributes);
}

#[test]
fn a_version_6_project_keeps_every_box_attribute_comment_proposal_and_history_entry() {
    let (_tmp, dir) = fixture_copy("v6-review");
    let project = Project::open(&dir, Access::ReadOnly).unwrap();
    check_v6_review(&project);
    drop(project);

    let mut project = Project::open(&dir, Access::ReadWrite).unwrap();
    assert_eq!(user_version(&dir.join(DB_FILE)), DB_VERSION);
    check_v6_review(&project);
    // Ids are never reused: the next box comes after every box ever made.
    let item = project.items()[0].id;
    let class = project.schema().classes[0].id;
    let added = project
        .apply(shugu::model::Edit::AddAnnotations(vec![
            shugu::model::NewAnnotation::rect(
                item,
                class,
                shugu::model::BBox::from_corners([1.0, 1.0], [9.0, 9.0]),
            ),
        ]))
        .unwrap();
    assert_eq!(added.created[0].0, 7);
    drop(project);

    let project = Project::open(&dir, Access::ReadWrite).unwrap();
    assert_eq!(project.all_annotations().unwrap().len(), 7);
}

#[test]
fn a_version_6_work_package_keeps_its_source_floors_and_starting_states() {
    let (_tmp, dir) = fixture_copy("v6-package");
    let mut project = Project::open(&dir, Access::ReadWrite).unwrap();
    let info = project.package_info().unwrap().unwrap();
    assert_eq!((info.annotator.as_str(), info.annotation_floor), ("li", 6));
    assert_eq!(project.id_floors().unwrap().0, 6);
    let items = project.package_items().unwrap();
    assert_eq!(items.len(), 9);
    let started: usize = items
        .iter()
        .map(|(_, _, base)| base.annotations.len())
        .sum();
    assert_eq!(started, 3);
    assert_eq!(project.all_annotations().unwrap().len(), 3);
    let item = project.items()[1].id;
    let class = project.schema().classes[0].id;
    let added = project
        .apply(shugu::model::Edit::AddAnnotations(vec![
            shugu::model::NewAnnotation::rect(
                item,
                class,
                shugu::model::BBox::from_corners([1.0, 1.0], [9.0, 9.0]),
            ),
        ]))
        .unwrap();
    assert!(added.created[0].0 > 6, "{:?}", added.created);
}
