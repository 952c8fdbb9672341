//! A labelled text import is all or nothing, one bad span or record is
//! reported by line while the rest imports, a doccano `label` that is a lone
//! string is not taken for a document class when the project says it names a
//! span class, and a text project made from a file exists whole or not at all.

use crate::common::cli::{fails_cleanly, shugu, succeeds};
use shugu::formats::text::LabelledFormat;
use shugu::jobs::text::{LabelledImportReport, import_labelled};
use shugu::model::{LabelSchema, TextDoc};
use shugu::project::{Access, DB_FILE, NewTextItem, Project};
use std::path::{Path, PathBuf};
use std::process::Output;

fn import(
    project: &mut Project,
    file: &Path,
    format: LabelledFormat,
) -> Result<LabelledImportReport, shugu::jobs::JobError> {
    import_labelled(project, file, format, None, &mut |_| {})
}

fn item(line: usize, text: &str) -> NewTextItem {
    NewTextItem {
        rel_path: format!("reviews.jsonl:{line}"),
        doc: TextDoc {
            ext_id: None,
            text: text.into(),
            meta: None,
        },
    }
}

/// A text project of `texts` with the span classes `classes`, in `tmp/评论`.
fn project_of(tmp: &Path, classes: &[&str], texts: &[&str]) -> (PathBuf, Project) {
    let dir = tmp.join("评论");
    let mut project =
        Project::create_text(&dir, "评论", LabelSchema::with_classes(classes)).unwrap();
    let items: Vec<NewTextItem> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| item(i + 1, t))
        .collect();
    project.add_text_items(&items).unwrap();
    (dir, project)
}

/// `lines`, each ended by a line break, as the file `tmp/name`.
fn file_of(tmp: &Path, name: &str, lines: &[&str]) -> PathBuf {
    let file = tmp.join(name);
    std::fs::write(
        &file,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    file
}

/// `shugu new DIR --text FILE`.
fn new_text(dir: &Path, file: &Path) -> Output {
    shugu([
        "new".as_ref(),
        dir.as_os_str(),
        "--text".as_ref(),
        file.as_os_str(),
    ])
}

fn messages(report: &LabelledImportReport) -> Vec<String> {
    report
        .problems
        .iter()
        .map(shugu::jobs::text::describe)
        .collect()
}

#[test]
fn a_failure_in_the_matched_records_stores_none_of_the_new_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, project) = project_of(tmp.path(), &["PRODUCT"], &["贵州猕猴桃很甜", "湄潭翠芽"]);
    let history = project.history(None, 100).unwrap().len();
    drop(project);
    // Storing the spans of an item the project already has fails, as a full
    // disk would: the new record on line 1 is stored before that.
    let conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER refuse_edited_spans BEFORE INSERT ON span_packs \
         BEGIN SELECT RAISE(ABORT, 'the disk is full'); END;",
    )
    .unwrap();
    drop(conn);

    let file = file_of(
        tmp.path(),
        "labelled.jsonl",
        &[
            r#"{"text": "新的一条评论", "labels": ["好评"], "spans": [{"start": 0, "end": 2, "label": "NEW"}]}"#,
            r#"{"text": "贵州猕猴桃很甜", "spans": [{"start": 2, "end": 5, "label": "PRODUCT"}]}"#,
        ],
    );
    let mut project = Project::open(&dir, Access::ReadWrite).unwrap();
    let err = import(&mut project, &file, LabelledFormat::Jsonl).unwrap_err();
    assert!(err.to_string().contains("the disk is full"), "{err}");
    for project in [&project, &Project::open(&dir, Access::ReadOnly).unwrap()] {
        assert_eq!(project.items().len(), 2, "no new item was stored");
        assert_eq!(project.all_spans().unwrap(), []);
        let schema = project.schema();
        assert_eq!(schema.classes.len(), 1, "{:?}", schema.classes);
        assert!(schema.image_labels.is_empty(), "{:?}", schema.image_labels);
        assert_eq!(project.history(None, 100).unwrap().len(), history);
    }
}

#[test]
fn new_and_matched_records_are_one_step_of_undo() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, mut project) = project_of(tmp.path(), &["PRODUCT"], &["贵州猕猴桃很甜"]);
    let file = file_of(
        tmp.path(),
        "labelled.jsonl",
        &[
            r#"{"text": "新的一条评论", "spans": [{"start": 0, "end": 2, "label": "NEW"}]}"#,
            r#"{"text": "贵州猕猴桃很甜", "labels": ["好评"], "spans": [{"start": 2, "end": 5, "label": "PRODUCT"}]}"#,
        ],
    );
    let report = import(&mut project, &file, LabelledFormat::Jsonl).unwrap();
    assert_eq!((report.matched, report.added_items), (1, 1));
    assert_eq!((report.spans, report.classified_items), (2, 1));
    let old = project.items()[0].id;
    assert_eq!(project.spans(old).unwrap().len(), 1);
    assert_eq!(project.image_labels(old).unwrap().len(), 1);
    assert_eq!(
        project.items()[0].status,
        shugu::model::ItemStatus::InProgress
    );
    project.undo().unwrap();
    assert_eq!(project.all_spans().unwrap(), [], "one undo takes both back");
    assert!(project.image_labels(old).unwrap().is_empty());
    assert_eq!(project.items()[0].status, shugu::model::ItemStatus::New);
}

#[test]
fn a_zero_length_span_is_reported_by_line_and_the_rest_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, mut project) = project_of(tmp.path(), &[], &[]);
    let file = file_of(
        tmp.path(),
        "ner.jsonl",
        &[
            r#"{"text": "Ann met Bo", "label": [[0, 3, "PER"]]}"#,
            r#"{"text": "Bo met Ann", "label": [[3, 3, "PER"], [7, 10, "PER"]]}"#,
            r#"{"text": "in Paris", "label": [[3, 8, "LOC"]]}"#,
        ],
    );
    let report = import(&mut project, &file, LabelledFormat::Doccano).unwrap();
    assert_eq!((report.added_items, report.spans), (3, 3));
    let problems = messages(&report);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("line 2: span #1 [3, 3) \"PER\" was left out")
            && problems[0].contains("empty"),
        "{problems:?}"
    );
    let second = project.items()[1].id;
    let spans = project.spans(second).unwrap();
    assert_eq!(
        spans.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(),
        [(7, 10)]
    );
}

#[test]
fn a_string_label_naming_a_span_class_is_reported_not_made_a_document_class() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, mut project) = project_of(tmp.path(), &["ORG"], &[]);
    let file = file_of(
        tmp.path(),
        "ner.jsonl",
        &[
            r#"{"text": "Apple Inc.", "label": "ORG"}"#,
            r#"{"text": "in Paris", "label": [[3, 8, "LOC"]]}"#,
            r#"{"text": "Paris again", "label": "LOC"}"#,
        ],
    );
    let report = import(&mut project, &file, LabelledFormat::Doccano).unwrap();
    assert_eq!((report.added_items, report.spans), (3, 1));
    assert_eq!(report.classified_items, 0);
    assert!(project.schema().image_labels.is_empty());
    let problems = messages(&report);
    assert_eq!(
        problems,
        [
            "line 1: `label` is a string (\"ORG\"), which names a span class; spans need [start, end, label]; it was left out",
            "line 3: `label` is a string (\"LOC\"), which names a span class; spans need [start, end, label]; it was left out",
        ]
    );
}

#[test]
fn doccano_classification_labels_as_lists_or_strings_become_document_classes() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, mut project) = project_of(tmp.path(), &[], &[]);
    // doccano's export writes lists; its import (and older tools) take a string.
    let file = file_of(
        tmp.path(),
        "cls.jsonl",
        &[
            r#"{"text": "Terrible customer service.", "label": ["negative"]}"#,
            r#"{"text": "Really great transaction.", "label": "positive"}"#,
        ],
    );
    let report = import(&mut project, &file, LabelledFormat::Doccano).unwrap();
    assert_eq!(report.problems, []);
    assert_eq!(report.classified_items, 2);
    let names: Vec<&str> = project
        .schema()
        .image_labels
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(names, ["negative", "positive"]);
}

#[test]
fn a_failed_new_text_project_leaves_nothing_and_the_next_attempt_makes_it_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reviews");
    let file = tmp.path().join("reviews.csv");
    std::fs::write(&file, "body,stars\n很甜,5\n").unwrap();
    let stderr = fails_cleanly(&new_text(&dir, &file));
    assert!(stderr.contains("no column `text`"), "{stderr}");
    assert!(!dir.exists(), "nothing is left at {}", dir.display());
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        [file.file_name().unwrap()],
        "no temporary folder is left"
    );

    std::fs::write(&file, "text,stars\n很甜,5\n一般,3\n").unwrap();
    succeeds(&new_text(&dir, &file));
    let project = Project::open(&dir, Access::ReadOnly).unwrap();
    assert_eq!(project.items().len(), 2);
}

#[test]
fn a_new_text_project_in_an_existing_folder_keeps_what_the_folder_held() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reviews");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.md"), "mine").unwrap();
    let file = tmp.path().join("reviews.txt");
    std::fs::write(&file, "很甜\n一般\n").unwrap();
    succeeds(&new_text(&dir, &file));
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.md")).unwrap(),
        "mine"
    );
    let project = Project::open(&dir, Access::ReadOnly).unwrap();
    assert_eq!(project.items().len(), 2);
}

#[test]
fn two_records_of_one_item_with_overlapping_spans_keep_the_first_and_report_the_second() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, mut project) = project_of(tmp.path(), &["PRODUCT"], &["贵州猕猴桃很甜"]);
    let file = file_of(
        tmp.path(),
        "twice.jsonl",
        &[
            r#"{"text": "贵州猕猴桃很甜", "spans": [{"start": 2, "end": 5, "label": "PRODUCT"}]}"#,
            r#"{"text": "贵州猕猴桃很甜", "spans": [{"start": 4, "end": 7, "label": "TASTE"}, {"start": 2, "end": 5, "label": "PRODUCT"}]}"#,
        ],
    );
    let report = import(&mut project, &file, LabelledFormat::Jsonl).unwrap();
    assert_eq!((report.matched, report.spans), (2, 1));
    let problems = messages(&report);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("line 2: span [4, 7) \"TASTE\" overlaps span [2, 5)"),
        "{problems:?}"
    );
    let spans = project.spans(project.items()[0].id).unwrap();
    assert_eq!(
        spans.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(),
        [(2, 5)]
    );
}

#[test]
fn a_file_of_which_no_record_can_be_read_makes_no_project() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reviews");
    let file = file_of(
        tmp.path(),
        "reviews.jsonl",
        &["{broken", r#"{"body": "很甜"}"#],
    );
    let stderr = fails_cleanly(&new_text(&dir, &file));
    assert!(stderr.contains("no text could be read"), "{stderr}");
    assert!(
        stderr.contains("line 2: the record has no `text` field"),
        "{stderr}"
    );
    assert!(!dir.exists());
}

/// A FIFO or a link to a device given as the texts to annotate or as a labelled file
/// is refused by name at once: neither a read that waits for a writer nor
/// one that never ends.
#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_as_a_text_file_fails_without_hanging() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, project) = project_of(tmp.path(), &["ORG"], &["一条评论"]);
    drop(project);
    let fifo = tmp.path().join("reviews.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // A link with a text file's name, to a device that never ends.
    let zero = tmp.path().join("zero.jsonl");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let zero = zero.as_path();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let runs: [(Vec<&std::ffi::OsStr>, &Path); 4] = [
        (
            vec![
                "new".as_ref(),
                a.as_os_str(),
                "--text".as_ref(),
                fifo.as_os_str(),
            ],
            &fifo,
        ),
        (
            vec![
                "new".as_ref(),
                b.as_os_str(),
                "--text".as_ref(),
                zero.as_os_str(),
            ],
            zero,
        ),
        (
            vec![
                "import".as_ref(),
                dir.as_os_str(),
                fifo.as_os_str(),
                "--format".as_ref(),
                "jsonl".as_ref(),
            ],
            &fifo,
        ),
        (
            vec![
                "import".as_ref(),
                dir.as_os_str(),
                zero.as_os_str(),
                "--format".as_ref(),
                "labelstudio".as_ref(),
            ],
            zero,
        ),
    ];
    for (args, file) in runs {
        let out = crate::common::cli::shugu_within(60, &args);
        let stderr = fails_cleanly(&out);
        assert!(
            stderr.contains(&file.display().to_string()) && stderr.contains("not a regular file"),
            "{args:?}: {stderr}"
        );
    }
}
