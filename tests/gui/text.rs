//! The real app on a text project, driven headless: select characters in the
//! document and press a class key, click a span and change or delete it,
//! toggle a document class, undo and redo; the project's state is asserted.

use crate::common::gui::{
    app_config, primary_button as button, select_chars, start_allowing_missing_glyphs, wait_for,
};
use eframe::egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::{ClassId, LabelSchema, SpanAnnotation};
use shugu::project::Project;
use shugu::ui::Startup;
use shugu::ui::app::ShuguApp;
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::i18n::Language;

/// 𠮷 and 😀 are astral characters, é is e + a combining accent.
const REVIEW: &str = "修文猕猴桃😀 很甜, 𠮷祥 cafe\u{301} ¥39.9";

fn harness(tmp: &tempfile::TempDir) -> Harness<'static, ShuguApp> {
    let dir = tmp.path().join("reviews");
    let mut schema = LabelSchema::with_classes(&["PRODUCT", "ORIGIN", "PRICE"]);
    schema.add_image_label("好评");
    schema.add_image_label("差评");
    crate::common::one_text_project(&dir, schema, REVIEW);
    let config = app_config(tmp.path(), "测试员", Language::English, vec![]);
    let mut h = start_allowing_missing_glyphs(config, Startup::Open(dir), FakeDialogs::default());
    h.run_steps(5);
    h
}

fn spans(h: &Harness<ShuguApp>) -> Vec<SpanAnnotation> {
    let ws = h.state().workspace().expect("a project is open");
    ws.project.all_spans().unwrap()
}

fn click_char(h: &mut Harness<ShuguApp>, index: usize) {
    h.run_steps(40);
    let pos = h
        .state()
        .workspace()
        .unwrap()
        .text
        .char_rect(index)
        .unwrap()
        .center();
    h.event(Event::PointerMoved(pos));
    h.run();
    button(h, pos, true);
    button(h, pos, false);
}

fn press(h: &mut Harness<ShuguApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

fn shape(spans: &[SpanAnnotation]) -> Vec<(u32, u32, ClassId)> {
    spans.iter().map(|s| (s.start, s.end, s.class)).collect()
}

#[test]
fn select_label_change_delete_classify_undo_redo() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(&tmp);

    // 修文 = [0, 2) as ORIGIN (key 2), 猕猴桃😀 = [2, 6) as PRODUCT (key 1).
    select_chars(&mut h, 0, 2);
    press(&mut h, Modifiers::NONE, Key::Num2);
    select_chars(&mut h, 2, 6);
    press(&mut h, Modifiers::NONE, Key::Num1);
    assert_eq!(
        shape(&spans(&h)),
        vec![(0, 2, ClassId(2)), (2, 6, ClassId(1))]
    );
    let s = &spans(&h)[1];
    assert_eq!(s.provenance.author, "测试员");

    // Shift+Right extends a selection by one code point: 𠮷祥 is [11, 13).
    select_chars(&mut h, 11, 12);
    press(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    press(&mut h, Modifiers::NONE, Key::Num1);
    assert_eq!(shape(&spans(&h))[2], (11, 13, ClassId(1)));

    // cafe + combining accent is [14, 19): five code points.
    select_chars(&mut h, 14, 19);
    press(&mut h, Modifiers::NONE, Key::Num3);
    assert_eq!(shape(&spans(&h))[3], (14, 19, ClassId(3)));

    // Click the 𠮷祥 span, change its class to ORIGIN, then delete it.
    click_char(&mut h, 12);
    press(&mut h, Modifiers::NONE, Key::Num2);
    assert_eq!(shape(&spans(&h))[2], (11, 13, ClassId(2)));
    click_char(&mut h, 12);
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert_eq!(spans(&h).len(), 3);
    assert!(spans(&h).iter().all(|s| s.start != 11));

    // The first document class's hotkey toggles it.
    let (item, hotkey) = {
        let ws = h.state().workspace().unwrap();
        let schema = ws.project.schema();
        (
            ws.project.items()[0].id,
            schema.image_labels[0].hotkey.clone().unwrap(),
        )
    };
    let key = Key::from_name(&hotkey).unwrap();
    press(&mut h, Modifiers::NONE, key);
    let labels = |h: &Harness<ShuguApp>| {
        h.state()
            .workspace()
            .unwrap()
            .project
            .image_labels(item)
            .unwrap()
    };
    assert_eq!(labels(&h).len(), 1);
    press(&mut h, Modifiers::NONE, key);
    assert!(labels(&h).is_empty());

    // Undo: the two class toggles, the delete, the class change; then redo all.
    let before = shape(&spans(&h));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(labels(&h).len(), 1);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(labels(&h).is_empty());
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(spans(&h).len(), 4, "the delete is undone");
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(shape(&spans(&h))[2], (11, 13, ClassId(1)));
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(shape(&spans(&h))[2], (11, 13, ClassId(2)));
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(labels(&h).len(), 1);
    press(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(shape(&spans(&h)), before);
    assert!(labels(&h).is_empty());

    // The item's history panel lists the changes with their author.
    h.get_by_label("History").click();
    h.run();
    let count = |h: &Harness<ShuguApp>, text: &str| h.get_all_by_label_contains(text).count();
    assert_eq!(count(&h, "测试员 · added spans"), 4);
    assert_eq!(count(&h, "测试员 · Redo: deleted spans"), 1);
    assert_eq!(count(&h, "测试员 · Undo: changed a class"), 1);
}

fn texts_of(project: &Project) -> Vec<String> {
    let texts = project.all_texts().unwrap().into_iter();
    texts.map(|(_, d)| d.text).collect()
}

#[test]
fn a_text_file_becomes_a_project_from_the_start_screen() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("评论.jsonl");
    std::fs::write(
        &file,
        "\u{feff}{\"id\": 1, \"text\": \"贵州猕猴桃很甜\"}\r\n{broken\r\n\r\n{\"text\": \"湄潭翠芽\"}\r\n",
    )
    .unwrap();
    let config = app_config(tmp.path(), "测试员", Language::English, vec![]);
    let dialogs = FakeDialogs {
        files: vec![file.clone()],
        ..FakeDialogs::default()
    };
    let mut h = start_allowing_missing_glyphs(config, Startup::StartScreen, dialogs);
    h.get_by_label("New text project from file…").click();
    for _ in 0..200 {
        h.step();
        if h.state().workspace().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let ws = h
        .state()
        .workspace()
        .expect("the new project opens when the texts are in");
    assert!(ws.is_text());
    assert_eq!(ws.project.dir(), tmp.path().join("评论.shugu"));
    assert_eq!(texts_of(&ws.project), ["贵州猕猴桃很甜", "湄潭翠芽"]);
    let notice = h
        .state()
        .notice
        .clone()
        .expect("the unreadable line is reported");
    assert!(notice.contains("line 2: not valid JSON"), "{notice}");
}

#[test]
fn a_failed_text_project_is_not_reopened_empty_by_the_next_attempt() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("评论.csv");
    // No `text` column: the import fails.
    std::fs::write(&file, "body,stars\n很甜,5\n").unwrap();
    let config = app_config(tmp.path(), "测试员", Language::English, vec![]);
    let dialogs = FakeDialogs {
        files: vec![file.clone(), file.clone()],
        ..FakeDialogs::default()
    };
    let mut h = start_allowing_missing_glyphs(config, Startup::StartScreen, dialogs);
    h.get_by_label("New text project from file…").click();
    wait_for(&mut h, |app| app.notice.is_some());
    let notice = h.state().notice.clone().unwrap_or_default();
    assert!(notice.contains("no column `text`"), "{notice}");
    assert!(h.state().workspace().is_none());
    let dir = tmp.path().join("评论.shugu");
    assert!(!dir.exists(), "a failed import leaves no project folder");

    std::fs::write(&file, "text,stars\n很甜,5\n一般,3\n").unwrap();
    h.get_by_label("OK").click();
    h.run_steps(2);
    h.get_by_label("New text project from file…").click();
    wait_for(&mut h, |app| app.workspace().is_some());
    let ws = h.state().workspace().unwrap();
    assert_eq!(ws.project.dir(), dir);
    assert_eq!(
        texts_of(&ws.project),
        ["很甜", "一般"],
        "the second attempt reads the file"
    );
}
