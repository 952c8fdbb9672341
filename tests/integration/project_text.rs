//! Text projects through the project API: text items stored exactly, spans
//! validated in code points, the overlap rule, undo/redo, document classes and
//! statistics, and everything surviving a reopen.

use shugu::model::{ClassId, Edit, ItemStatus, LabelId, LabelSchema, NewSpan, SpanRef, TextDoc};
use shugu::project::{Access, NewTextItem, Project, ProjectError, ProjectKind};
use tempfile::TempDir;

const PRODUCT: ClassId = ClassId(1);
const ORIGIN: ClassId = ClassId(2);

fn schema(overlapping: bool) -> LabelSchema {
    let mut schema = LabelSchema::with_classes(&["PRODUCT", "ORIGIN"]);
    schema.add_image_label("好评");
    schema.add_image_label("差评");
    schema.allow_overlapping_spans = overlapping;
    schema
}

fn text_item(line: usize, text: &str) -> NewTextItem {
    NewTextItem {
        rel_path: format!("reviews.jsonl:{line}"),
        doc: TextDoc {
            ext_id: Some(format!("r{line}")),
            text: text.to_string(),
            meta: Some(r#"{"shop":"遵义"}"#.into()),
        },
    }
}

/// "贵州𠮷猕猴桃\r\n😀好吃": 𠮷 and 😀 are astral, so code points ≠ UTF-16 units.
const REVIEW: &str = "贵州𠮷猕猴桃\r\n😀好吃";

fn project(overlapping: bool) -> (TempDir, Project) {
    let tmp = tempfile::tempdir().unwrap();
    let mut project =
        Project::create_text(&tmp.path().join("评论"), "评论", schema(overlapping)).unwrap();
    let ids = project
        .add_text_items(&[text_item(1, REVIEW), text_item(2, "plain ascii")])
        .unwrap();
    assert_eq!(ids.len(), 2);
    (tmp, project)
}

fn span(project: &Project, index: usize, class: ClassId, start: u32, end: u32) -> NewSpan {
    NewSpan {
        item: project.items()[index].id,
        class,
        start,
        end,
    }
}

/// Imports a labelled file in our JSONL, offsets in code points.
fn import_jsonl(
    project: &mut Project,
    file: &std::path::Path,
) -> shugu::jobs::text::LabelledImportReport {
    use shugu::formats::text::LabelledFormat;
    shugu::jobs::text::import_labelled(project, file, LabelledFormat::Jsonl, None, &mut |_| {})
        .unwrap()
}

fn invalid(result: Result<impl std::fmt::Debug, ProjectError>) -> String {
    match result {
        Err(ProjectError::InvalidEdit(m)) => m,
        other => panic!("expected InvalidEdit, got {other:?}"),
    }
}

#[test]
fn text_is_stored_exactly_and_spans_count_code_points() {
    let (tmp, mut project) = project(false);
    assert_eq!(project.kind(), ProjectKind::Text);
    let item = project.items()[0].id;
    let doc = project.text(item).unwrap().unwrap();
    assert_eq!(doc.text, REVIEW, "CRLF and astral characters kept");
    assert_eq!(doc.ext_id.as_deref(), Some("r1"));

    // 贵州 = [0,2), 𠮷猕猴桃 = [2,6), 😀 = [8,9) after the \r\n at 6..8.
    let applied = project
        .apply(Edit::AddSpans(vec![
            span(&project, 0, ORIGIN, 0, 2),
            span(&project, 0, PRODUCT, 2, 6),
            span(&project, 0, PRODUCT, 8, 11),
        ]))
        .unwrap();
    assert_eq!(applied.created_spans.len(), 3);
    assert_eq!(project.items()[0].status, ItemStatus::InProgress);
    let covered: Vec<String> = project
        .spans(item)
        .unwrap()
        .iter()
        .map(|s| {
            doc.text
                .chars()
                .skip(s.start as usize)
                .take((s.end - s.start) as usize)
                .collect()
        })
        .collect();
    assert_eq!(covered, ["贵州", "𠮷猕猴桃", "😀好吃"]);

    let message = invalid(project.apply(Edit::AddSpans(vec![span(&project, 0, PRODUCT, 9, 12)])));
    assert!(
        message.contains("does not fit the 11 characters"),
        "{message}"
    );
    let message = invalid(project.apply(Edit::AddSpans(vec![span(&project, 0, PRODUCT, 3, 3)])));
    assert!(message.contains("[3, 3)"), "{message}");
    let message = invalid(project.apply(Edit::AddSpans(vec![span(&project, 0, ClassId(9), 0, 1)])));
    assert!(message.contains("no class with id 9"), "{message}");

    // Reopened, the text and spans are the same.
    let dir = project.dir().to_path_buf();
    drop(project);
    let reopened = Project::open(&dir, Access::ReadOnly).unwrap();
    assert_eq!(reopened.kind(), ProjectKind::Text);
    assert_eq!(reopened.text(item).unwrap().unwrap().text, REVIEW);
    assert_eq!(reopened.spans(item).unwrap().len(), 3);
    drop(tmp);
}

#[test]
fn overlapping_spans_are_refused_unless_the_schema_allows_them() {
    let (_tmp, mut strict) = project(false);
    strict
        .apply(Edit::AddSpans(vec![span(&strict, 0, PRODUCT, 2, 6)]))
        .unwrap();
    let message = invalid(strict.apply(Edit::AddSpans(vec![span(&strict, 0, ORIGIN, 0, 3)])));
    assert!(message.contains("overlaps span [2, 6)"), "{message}");
    let message = invalid(strict.apply(Edit::AddSpans(vec![
        span(&strict, 1, ORIGIN, 0, 5),
        span(&strict, 1, ORIGIN, 4, 6),
    ])));
    assert!(message.contains("overlaps span [0, 5)"), "{message}");
    // Touching is not overlapping.
    strict
        .apply(Edit::AddSpans(vec![span(&strict, 0, ORIGIN, 0, 2)]))
        .unwrap();

    let (_tmp2, mut nested) = project(true);
    nested
        .apply(Edit::AddSpans(vec![
            span(&nested, 0, PRODUCT, 0, 6),
            span(&nested, 0, ORIGIN, 0, 2),
        ]))
        .unwrap();
    assert_eq!(nested.all_spans().unwrap().len(), 2);
}

#[test]
fn span_edits_and_document_classes_undo_and_redo() {
    let (_tmp, mut project) = project(false);
    let item = project.items()[0].id;
    let created = project
        .apply(Edit::AddSpans(vec![span(&project, 0, PRODUCT, 2, 6)]))
        .unwrap()
        .created_spans[0];
    let created = SpanRef { item, id: created };
    project
        .apply(Edit::SetSpanClass {
            span: created,
            class: ORIGIN,
        })
        .unwrap();
    assert_eq!(project.span(created).unwrap().unwrap().class, ORIGIN);
    project
        .apply(Edit::SetImageLabels {
            item,
            labels: vec![LabelId(2)],
        })
        .unwrap();
    project.apply(Edit::DeleteSpans(vec![created])).unwrap();
    assert!(project.spans(item).unwrap().is_empty());

    project.undo().unwrap().unwrap(); // the delete
    let restored = project.span(created).unwrap().expect("same id restored");
    assert_eq!(
        (restored.class, restored.start, restored.end),
        (ORIGIN, 2, 6)
    );
    project.undo().unwrap().unwrap(); // the document class
    assert!(project.image_labels(item).unwrap().is_empty());
    project.undo().unwrap().unwrap(); // the class change
    assert_eq!(project.span(created).unwrap().unwrap().class, PRODUCT);
    project.undo().unwrap().unwrap(); // the add
    assert!(project.spans(item).unwrap().is_empty());
    assert_eq!(project.items()[0].status, ItemStatus::New);

    for _ in 0..4 {
        project.redo().unwrap().unwrap();
    }
    assert!(project.spans(item).unwrap().is_empty());
    assert_eq!(project.image_labels(item).unwrap(), vec![LabelId(2)]);

    let stats = project.stats().unwrap();
    assert_eq!(stats.spans, 0);
    project.undo().unwrap().unwrap();
    let stats = project.stats().unwrap();
    assert_eq!(stats.spans, 1);
    assert_eq!(stats.spans_per_class[0].name, "ORIGIN");
    assert_eq!(stats.labels_per_class[0].name, "差评");
}

#[test]
fn spans_are_refused_on_image_items() {
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("images");
    std::fs::create_dir(&images).unwrap();
    let mut project = Project::create(&tmp.path().join("p"), "p", &images, schema(false)).unwrap();
    let id = project
        .add_items(&[shugu::project::NewItem {
            rel_path: "a.jpg".into(),
            width: 10,
            height: 10,
            error: None,
        }])
        .unwrap()[0];
    let message = invalid(project.apply(Edit::AddSpans(vec![NewSpan {
        item: id,
        class: PRODUCT,
        start: 0,
        end: 1,
    }])));
    assert!(message.contains("a.jpg is not a text item"), "{message}");
}

#[test]
fn a_labelled_file_imports_into_an_empty_project_as_one_undo_step() {
    let tmp = tempfile::tempdir().unwrap();
    let mut project =
        Project::create_text(&tmp.path().join("p"), "p", LabelSchema::default()).unwrap();
    let file = tmp.path().join("labelled.jsonl");
    std::fs::write(
        &file,
        concat!(
            "{\"id\": \"a\", \"text\": \"贵州𠮷猕猴桃\", \"labels\": [\"好评\"], \"spans\": [{\"start\": 0, \"end\": 2, \"label\": \"ORIGIN\"}, {\"start\": 1, \"end\": 3, \"label\": \"X\"}, {\"start\": 2, \"end\": 6, \"label\": \"PRODUCT\"}]}\n",
            "{\"id\": \"b\", \"text\": \"plain\"}\n",
            "not json\n",
        ),
    )
    .unwrap();
    let report = import_jsonl(&mut project, &file);
    assert_eq!(
        (report.records, report.added_items, report.spans),
        (2, 2, 2)
    );
    assert_eq!(report.classified_items, 1);
    assert_eq!(report.new_classes, ["ORIGIN", "PRODUCT"]);
    assert_eq!(report.new_doc_classes, ["好评"]);
    let messages: Vec<String> = report
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.line, p.message))
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("1: span [1, 3) \"X\" overlaps span [0, 2)"),
        "{messages:?}"
    );
    assert!(messages[1].starts_with("3: "), "{messages:?}");

    let a = project.items()[0].id;
    assert_eq!(project.items()[0].status, ItemStatus::InProgress);
    assert_eq!(project.items()[1].status, ItemStatus::New);
    assert_eq!(
        project.text(a).unwrap().unwrap().ext_id.as_deref(),
        Some("a")
    );
    let spans: Vec<(u32, u32)> = project
        .spans(a)
        .unwrap()
        .iter()
        .map(|s| (s.start, s.end))
        .collect();
    assert_eq!(spans, [(0, 2), (2, 6)]);
    assert_eq!(project.image_labels(a).unwrap().len(), 1);

    // One undo takes the labels away; the texts stay, like scanned images.
    project.undo().unwrap().expect("the import is one step");
    assert!(project.all_spans().unwrap().is_empty());
    assert!(project.image_labels(a).unwrap().is_empty());
    assert_eq!(project.items().len(), 2);
    assert_eq!(project.items()[0].status, ItemStatus::New);
    project.redo().unwrap().unwrap();
    assert_eq!(project.all_spans().unwrap().len(), 2);
    assert_eq!(project.image_labels(a).unwrap().len(), 1);
    assert_eq!(project.items()[0].status, ItemStatus::InProgress);
    assert_eq!(project.items()[1].status, ItemStatus::New);

    // Importing the same file again matches every record: nothing new.
    let again = import_jsonl(&mut project, &file);
    assert_eq!((again.matched, again.added_items, again.spans), (2, 0, 0));
    assert_eq!(project.all_spans().unwrap().len(), 2);
}

#[test]
fn a_single_label_project_keeps_the_first_class_of_a_new_record_and_says_so() {
    use shugu::formats::text::{LabelledFormat, Place};
    use shugu::jobs::text::import_labelled;
    let tmp = tempfile::tempdir().unwrap();
    let mut project =
        Project::create_text(&tmp.path().join("p"), "p", LabelSchema::default()).unwrap();
    // A Label Studio task with two choices and two overlapping spans.
    let file = tmp.path().join("ls.json");
    std::fs::write(
        &file,
        r#"[{"id": 7, "data": {"text": "贵州猕猴桃"}, "annotations": [{"result": [
            {"type": "choices", "value": {"choices": ["好评", "差评"]}},
            {"type": "labels", "value": {"start": 0, "end": 2, "labels": ["ORIGIN"]}},
            {"type": "labels", "value": {"start": 1, "end": 5, "labels": ["PRODUCT"]}}
        ]}]}]"#,
    )
    .unwrap();
    let report = import_labelled(
        &mut project,
        &file,
        LabelledFormat::LabelStudio,
        None,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        (report.added_items, report.spans, report.classified_items),
        (1, 1, 1)
    );
    let problems: Vec<(Place, usize, &str)> = report
        .problems
        .iter()
        .map(|p| (p.place, p.line, p.message.as_str()))
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems
            .iter()
            .all(|(place, line, _)| (*place, *line) == (Place::Task, 1))
    );
    assert!(
        problems
            .iter()
            .any(|(_, _, m)| m.contains("only \"好评\" was imported"))
    );
    assert!(
        problems
            .iter()
            .any(|(_, _, m)| m.contains("overlaps span [0, 2)"))
    );
    let item = project.items()[0].id;
    assert_eq!(project.image_labels(item).unwrap().len(), 1);
}

/// A database of layout 2 kept a `texts` row per item and one `spans` row per
/// span. Opening it for writing moves both into blocks of texts, keeping
/// texts, ids, provenance and the id counter; a read-only open before that
/// reads the same without changing the file.
#[test]
fn texts_and_span_rows_of_an_earlier_version_are_moved_on_open() {
    let (tmp, mut project) = project(true);
    let dir = project.dir().to_path_buf();
    project
        .apply(Edit::AddSpans(vec![
            span(&project, 0, PRODUCT, 3, 6),
            span(&project, 0, ORIGIN, 0, 2),
            span(&project, 1, PRODUCT, 0, 5),
        ]))
        .unwrap();
    let before = project.all_spans().unwrap();
    let texts = project.all_texts().unwrap();
    drop(project);

    let db = dir.join(shugu::project::DB_FILE);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP TABLE text_blocks; DROP TABLE span_packs;
             CREATE TABLE texts(item_id INTEGER PRIMARY KEY, ext_id TEXT, body TEXT NOT NULL, \
             char_len INTEGER NOT NULL, meta TEXT);
             CREATE TABLE spans(id INTEGER PRIMARY KEY AUTOINCREMENT, item_id INTEGER NOT NULL, \
             class_id INTEGER NOT NULL, start_cp INTEGER NOT NULL, end_cp INTEGER NOT NULL, \
             author TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_by TEXT NOT NULL, \
             updated_ms INTEGER NOT NULL);
             DELETE FROM id_counters; PRAGMA user_version = 2;",
        )
        .unwrap();
        for (item, doc) in &texts {
            conn.execute(
                "INSERT INTO texts VALUES(?1,?2,?3,?4,?5)",
                rusqlite::params![
                    item.0,
                    doc.ext_id,
                    doc.text,
                    doc.text.chars().count() as i64,
                    doc.meta
                ],
            )
            .unwrap();
        }
        for s in &before {
            let p = &s.provenance;
            conn.execute(
                "INSERT INTO spans VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                rusqlite::params![
                    s.id.0,
                    s.item.0,
                    s.class.0,
                    s.start,
                    s.end,
                    p.author,
                    p.created_ms,
                    p.updated_by,
                    p.updated_ms
                ],
            )
            .unwrap();
        }
        // A deleted span's id stays taken.
        conn.execute(
            "UPDATE sqlite_sequence SET seq = 40 WHERE name = 'spans'",
            [],
        )
        .unwrap();
    }
    // Read-only, it is read through a moved copy and left as it is.
    {
        let project = Project::open(&dir, Access::ReadOnly).unwrap();
        assert_eq!(project.all_spans().unwrap(), before);
        assert_eq!(project.all_texts().unwrap(), texts);
        let conn = rusqlite::Connection::open(&db).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 2, "the original is not changed");
    }

    let mut project = Project::open(&dir, Access::ReadWrite).unwrap();
    assert_eq!(project.all_spans().unwrap(), before);
    assert_eq!(project.all_texts().unwrap(), texts);
    let item = project.items()[0].id;
    assert_eq!(project.text(item).unwrap().unwrap().text, REVIEW);
    let added = project
        .apply(Edit::AddSpans(vec![span(&project, 0, ORIGIN, 7, 8)]))
        .unwrap()
        .created_spans[0];
    assert_eq!(added.0, 41, "ids go on after the largest ever given");
    assert_eq!(project.spans(item).unwrap().len(), 3);
    drop(project);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('spans', 'texts')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "the older tables are gone once moved");
    drop(tmp);
}

#[test]
fn imported_document_classes_are_read_edited_cleared_and_counted_like_any_other() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let schema = LabelSchema {
        image_label_mode: shugu::model::ImageLabelMode::Multi,
        ..LabelSchema::default()
    };
    let mut project = Project::create_text(&dir, "p", schema).unwrap();
    let file = tmp.path().join("classes.jsonl");
    let lines: String = (0..600)
        .map(|i| {
            let labels = match i % 3 {
                0 => r#"["好评","物流"]"#,
                1 => r#"["差评"]"#,
                _ => "[]",
            };
            format!("{{\"text\": \"第{i}条\", \"labels\": {labels}}}\n")
        })
        .collect();
    std::fs::write(&file, lines).unwrap();
    let report = import_jsonl(&mut project, &file);
    assert_eq!(report.classified_items, 400);
    let schema = project.schema().clone();
    let id = |name: &str| {
        schema
            .image_labels
            .iter()
            .find(|l| l.name == name)
            .unwrap()
            .id
    };
    let (good, bad, shipping) = (id("好评"), id("差评"), id("物流"));
    let items: Vec<_> = project.items().iter().map(|i| i.id).collect();
    let mut both = vec![good, shipping];
    both.sort();
    assert_eq!(project.image_labels(items[0]).unwrap(), both);
    assert_eq!(project.image_labels(items[1]).unwrap(), [bad]);
    assert_eq!(project.image_labels(items[2]).unwrap(), []);
    let counts = |p: &Project| -> Vec<(String, u64)> {
        p.stats()
            .unwrap()
            .labels_per_class
            .into_iter()
            .map(|c| (c.name, c.count))
            .collect()
    };
    let mut expected = vec![
        ("好评".to_string(), 200),
        ("差评".to_string(), 200),
        ("物流".to_string(), 200),
    ];
    expected.sort_by_key(|(name, _)| id(name));
    assert_eq!(counts(&project), expected);

    // Edited, an item's classes replace its imported ones; cleared, it has none.
    project
        .apply(Edit::SetImageLabels {
            item: items[0],
            labels: vec![bad],
        })
        .unwrap();
    project
        .apply(Edit::SetImageLabels {
            item: items[1],
            labels: vec![],
        })
        .unwrap();
    project
        .apply(Edit::SetImageLabels {
            item: items[2],
            labels: vec![good],
        })
        .unwrap();
    let all = project.all_image_labels().unwrap();
    assert_eq!(all.len(), 400);
    assert_eq!(all[0], (items[0], vec![bad]));
    assert_eq!(all[1], (items[2], vec![good]));
    assert_eq!(all[2], (items[3], both.clone()));
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "in id order");
    let mut after = expected.clone();
    for (name, count) in &mut after {
        *count = match name.as_str() {
            "好评" => 200,
            "差评" => 200,
            _ => 199,
        };
    }
    assert_eq!(counts(&project), after);

    // Undo brings the imported classes back, also after a reopen.
    for _ in 0..3 {
        project.undo().unwrap().unwrap();
    }
    assert_eq!(project.image_labels(items[0]).unwrap(), both);
    assert_eq!(project.image_labels(items[1]).unwrap(), [bad]);
    assert_eq!(project.image_labels(items[2]).unwrap(), []);
    drop(project);
    let project = Project::open(&dir, Access::ReadOnly).unwrap();
    assert_eq!(counts(&project), expected);
    assert_eq!(project.image_labels(items[1]).unwrap(), [bad]);
}

#[test]
fn chunks_resolved_before_another_edit_took_their_span_ids_are_refused_whole() {
    use shugu::project::LabelledText;
    let (_tmp, mut project) = project(false);
    let mut resolver = project.text_resolver().unwrap();
    let chunk = resolver
        .resolve(vec![LabelledText {
            item: text_item(3, "遵义辣椒酱"),
            spans: vec![(0, 2, "ORIGIN".to_string())],
            labels: vec!["好评".to_string()],
        }])
        .unwrap();
    let edit = Edit::AddSpans(vec![span(&project, 1, PRODUCT, 0, 5)]);
    project.apply(edit).unwrap();
    let refused = project.add_resolved_texts([Ok::<_, ProjectError>(chunk)]);
    assert!(invalid(refused).contains("span ids"));
    assert_eq!(project.items().len(), 2);
    assert_eq!(project.all_spans().unwrap().len(), 1);
}
