//! A text project's File → Import ▸ and Export ▸ entries (issue 15, one
//! format registry): labelled texts import from the menu (doccano, Shugu's
//! JSONL), holding the project on the import's thread, and export in every
//! text format (JSONL, doccano, Hugging Face).

use crate::common::gui::{app_config, file_menu_job, start_allowing_missing_glyphs, undo_in_app};
use egui_kittest::Harness;
use serde_json::{Value, json};
use shugu::model::LabelSchema;
use shugu::ui::Startup;
use shugu::ui::app::ShuguApp;
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::i18n::Language;

const REVIEW: &str = "猕猴桃很甜 😀 kiwi";

/// The project's spans, `(start, end)` sorted.
fn spans(h: &Harness<ShuguApp>) -> Vec<(u32, u32)> {
    let project = &h.state().workspace().unwrap().project;
    let mut spans: Vec<(u32, u32)> = project
        .all_spans()
        .unwrap()
        .iter()
        .map(|s| (s.start, s.end))
        .collect();
    spans.sort();
    spans
}

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn labelled_texts_import_and_export_in_every_text_format_from_the_file_menu() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reviews");
    let mut schema = LabelSchema::with_classes(&["PRODUCT"]);
    schema.add_image_label("好评");
    crate::common::one_text_project(&dir, schema, REVIEW);
    // doccano counts UTF-16 units: 𠮷 is two of them.
    let doccano = tmp.path().join("doccano.jsonl");
    let records = [
        json!({"text": REVIEW, "label": [[0, 3, "PRODUCT"]]}),
        json!({"text": "𠮷祥 apples", "label": [[0, 3, "PRODUCT"]]}),
    ];
    std::fs::write(&doccano, format!("{}\n{}\n", records[0], records[1])).unwrap();
    let ours = tmp.path().join("ours.jsonl");
    let record = json!({"text": "另一条 review", "labels": ["好评"], "spans": [], "offset_unit": "codepoint"});
    std::fs::write(&ours, format!("{record}\n")).unwrap();
    let (jsonl_out, doccano_out, hf_out) = (
        tmp.path().join("out.jsonl"),
        tmp.path().join("out.doccano.jsonl"),
        tmp.path().join("out.hf.jsonl"),
    );
    let dialogs = FakeDialogs {
        files: vec![doccano, ours],
        save_paths: vec![jsonl_out.clone(), doccano_out.clone(), hf_out.clone()],
        ..FakeDialogs::default()
    };
    let config = app_config(tmp.path(), "alice", Language::English, vec![]);
    let mut h = start_allowing_missing_glyphs(config, Startup::Open(dir), dialogs);

    let notice = file_menu_job(&mut h, "Import doccano JSONL…");
    assert!(
        notice.starts_with("Imported 2 records from")
            && notice.contains("1 matched to texts, 1 added as new texts; 2 spans"),
        "{notice}"
    );
    let project = &h.state().workspace().unwrap().project;
    assert!(!project.is_read_only());
    assert_eq!(project.items().len(), 2);
    // Code points: 猕猴桃 is three, 𠮷祥 two.
    assert_eq!(spans(&h), [(0, 2), (0, 3)]);

    let notice = file_menu_job(&mut h, "Import labelled JSONL…");
    assert!(notice.contains("1 added as new texts"), "{notice}");

    let notice = file_menu_job(&mut h, "Export JSONL…");
    assert!(notice.contains("3 texts and 2 spans"), "{notice}");
    let records = lines(&jsonl_out);
    assert_eq!(records.len(), 3);
    assert_eq!(records[2]["labels"], json!(["好评"]));

    let notice = file_menu_job(&mut h, "Export doccano JSONL…");
    assert!(notice.contains("3 texts and 2 spans"), "{notice}");
    // The new text's span in UTF-16 units again, as doccano writes them.
    let records = lines(&doccano_out);
    assert_eq!(records[1]["entities"], json!([[0, 3, "PRODUCT"]]));

    let notice = file_menu_job(&mut h, "Export Hugging Face classification…");
    assert!(notice.contains("1 texts"), "{notice}");
    assert!(
        notice.contains("Left out 2 texts without a document class"),
        "{notice}"
    );
    let records = lines(&hf_out);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["label_text"], "好评");

    // The project that came back kept its undo history: a step per import
    // (the texts an import adds stay; their spans and labels go).
    undo_in_app(&mut h);
    let project = &h.state().workspace().unwrap().project;
    let labels = project.all_image_labels().unwrap();
    assert!(labels.iter().all(|(_, l)| l.is_empty()), "{labels:?}");
    assert_eq!(spans(&h), [(0, 2), (0, 3)]);
    undo_in_app(&mut h);
    assert!(spans(&h).is_empty());
}
