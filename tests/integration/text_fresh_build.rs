//! An import into a text project without items builds a new database beside
//! `shugu.db` and renames it into place. What the old database held (the
//! project's identity, its audit trail) is kept, the result is an ordinary WAL
//! database that later edits and undo work on, and a process killed while
//! building leaves the project as it was.

use crate::common::cli::{open_when_free, shugu, text};
use shugu::formats::text::LabelledFormat;
use shugu::jobs::text::import_labelled;
use shugu::model::{LabelSchema, SpanRef, TextDoc};
use shugu::project::{DB_FILE, NewTextItem, Project};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `n` labelled reviews, each with one document class and two spans.
fn write_reviews(path: &Path, first: usize, n: usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in first..first + n {
        writeln!(
            out,
            r#"{{"id":"r{i}","text":"第{i}条：遵义猕猴桃很甜😀","labels":["好评"],"spans":[{{"start":{s},"end":{e},"label":"ORIGIN"}},{{"start":{p},"end":{q},"label":"PRODUCT"}}]}}"#,
            s = digits(i) + 3,
            e = digits(i) + 5,
            p = digits(i) + 5,
            q = digits(i) + 8,
        )
        .unwrap();
    }
}

fn digits(i: usize) -> usize {
    i.to_string().len()
}

fn building(dir: &Path) -> PathBuf {
    dir.join(format!("{DB_FILE}.building"))
}

fn sqlite_value<T: rusqlite::types::FromSql>(dir: &Path, sql: &str) -> T {
    let conn = rusqlite::Connection::open_with_flags(
        dir.join(DB_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn import(project: &mut Project, file: &Path) -> shugu::jobs::text::LabelledImportReport {
    import_labelled(project, file, LabelledFormat::Jsonl, None, &mut |_| {}).unwrap()
}

#[test]
fn an_import_into_an_empty_project_keeps_what_its_database_held() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("评论");
    let mut project = Project::create_text(&dir, "评论", LabelSchema::default()).unwrap();
    let identity = project.identity().unwrap();
    let first = tmp.path().join("first.jsonl");
    write_reviews(&first, 1, 300);

    let report = import(&mut project, &first);
    assert_eq!((report.added_items, report.spans), (300, 600));
    assert!(!building(&dir).exists());
    assert_eq!(project.stored_identity().unwrap(), Some(identity.clone()));
    assert_eq!(project.history(None, 10).unwrap().len(), 1);

    // The project goes on in the new file: an import into it now goes
    // through the WAL, and its ids follow those of the first.
    let second = tmp.path().join("second.jsonl");
    write_reviews(&second, 301, 5);
    let report = import(&mut project, &second);
    assert_eq!(report.added_items, 5);
    let ids: Vec<i64> = project.items().iter().map(|i| i.id.0).collect();
    assert_eq!(ids, (1..=305).collect::<Vec<_>>());
    let last = project.items()[304].id;
    let spans = project.spans(last).unwrap();
    assert_eq!(spans.iter().map(|s| s.id.0).collect::<Vec<_>>(), [609, 610]);

    // Keys stay unique in the new file.
    let taken = NewTextItem {
        rel_path: project.items()[0].rel_path.clone(),
        doc: TextDoc {
            ext_id: None,
            text: "重复".into(),
            meta: None,
        },
    };
    assert!(project.add_text_items(&[taken]).is_err());
    assert_eq!(project.items().len(), 305);

    // Undo of the first import, through the new file, takes its labels away.
    project.undo().unwrap();
    project.undo().unwrap();
    assert!(project.spans(project.items()[0].id).unwrap().is_empty());
    project.redo().unwrap();
    let item = project.items()[0].id;
    let spans = project.spans(item).unwrap();
    assert_eq!(spans.len(), 2);
    project
        .apply(shugu::model::Edit::DeleteSpans(vec![SpanRef {
            item,
            id: spans[0].id,
        }]))
        .unwrap();
    drop(project);

    assert_eq!(sqlite_value::<String>(&dir, "PRAGMA journal_mode"), "wal");
    assert_eq!(sqlite_value::<i64>(&dir, "PRAGMA page_size"), 16_384);
    assert_eq!(sqlite_value::<String>(&dir, "PRAGMA integrity_check"), "ok");
    let unique_indexes: i64 = sqlite_value(
        &dir,
        "SELECT COUNT(*) FROM pragma_index_list('items') WHERE \"unique\" = 1",
    );
    assert_eq!(unique_indexes, 1);
    let project = open_when_free(&dir);
    assert_eq!(project.items().len(), 305);
    assert_eq!(project.stored_identity().unwrap(), Some(identity));
    assert_eq!(project.spans(item).unwrap().len(), 1);
}

#[test]
fn an_unfinished_build_is_removed_when_the_project_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    drop(Project::create_text(&dir, "p", LabelSchema::default()).unwrap());
    std::fs::write(building(&dir), b"half a database").unwrap();

    let mut project = open_when_free(&dir);
    assert!(!building(&dir).exists());
    let file = tmp.path().join("r.jsonl");
    write_reviews(&file, 1, 3);
    assert_eq!(import(&mut project, &file).added_items, 3);
}

/// `shugu import` of a large file is killed as soon as its new database
/// appears; the project opens as it was, and the same import then succeeds.
#[cfg(unix)]
#[test]
fn killing_an_import_while_it_builds_leaves_the_project_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let identity = Project::create_text(&dir, "p", LabelSchema::default())
        .unwrap()
        .identity()
        .unwrap();
    let file = tmp.path().join("big.jsonl");
    write_reviews(&file, 1, 200_000);

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shugu"))
        .args(["import".as_ref(), dir.as_os_str(), file.as_os_str()])
        .args(["--format", "jsonl"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !building(&dir).exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before its new database appeared"
        );
        assert!(started.elapsed().as_secs() < 60, "no new database appeared");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    child.kill().unwrap();
    child.wait().unwrap();

    let project = open_when_free(&dir);
    assert!(project.items().is_empty());
    assert_eq!(project.stored_identity().unwrap(), Some(identity));
    assert!(!building(&dir).exists());
    drop(project);
    assert_eq!(sqlite_value::<String>(&dir, "PRAGMA integrity_check"), "ok");

    let out = shugu([
        "import".as_ref(),
        dir.as_os_str(),
        file.as_os_str(),
        "--format".as_ref(),
        "jsonl".as_ref(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(open_when_free(&dir).items().len(), 200_000);
}

/// Spans as imported live with their texts; once an item's spans are
/// edited, its edited set is what every reader sees, in item order, for
/// items whose imported set was empty too.
#[test]
fn edited_spans_win_over_imported_ones_in_every_reader() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let mut project = Project::create_text(&dir, "p", LabelSchema::default()).unwrap();
    let file = tmp.path().join("r.jsonl");
    write_reviews(&file, 1, 3);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap()
        .write_all("{\"id\":\"bare\",\"text\":\"没有标注的评论\"}\n".as_bytes())
        .unwrap();
    import(&mut project, &file);
    let items: Vec<_> = project.items().iter().map(|i| i.id).collect();
    let second = project.spans(items[1]).unwrap();
    project
        .apply(shugu::model::Edit::DeleteSpans(vec![SpanRef {
            item: items[1],
            id: second[0].id,
        }]))
        .unwrap();
    let product = project.schema().class_by_name("PRODUCT").unwrap().id;
    project
        .apply(shugu::model::Edit::AddSpans(vec![shugu::model::NewSpan {
            item: items[3],
            class: product,
            start: 0,
            end: 2,
        }]))
        .unwrap();

    let per_item: Vec<(i64, usize)> = project
        .all_spans()
        .unwrap()
        .chunk_by(|a, b| a.item == b.item)
        .map(|run| (run[0].item.0, run.len()))
        .collect();
    let ids: Vec<i64> = items.iter().map(|i| i.0).collect();
    assert_eq!(
        per_item,
        [(ids[0], 2), (ids[1], 1), (ids[2], 2), (ids[3], 1)]
    );
    drop(project);
    let project = open_when_free(&dir);
    assert_eq!(project.spans(items[1]).unwrap().len(), 1);
    assert_eq!(project.spans(items[3]).unwrap()[0].class, product);
    assert_eq!(
        project.text(items[3]).unwrap().unwrap().text,
        "没有标注的评论"
    );
}
