//! The class picker on a project with COCO's 80 classes, some with Chinese
//! names: opened by its key, filtered by pinyin initials, applied with Enter
//! to the selected box (one undo step) and to the next box drawn, the most
//! recently used first (also after a restart), image labels in its second
//! mode, and a text project's selected characters.

use crate::common;
use crate::common::gui::{app_config, click_image, drag_on_image, select_chars, start};
use eframe::egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::{BBox, ClassId, Edit, LabelSchema, NewAnnotation};
use shugu::project::{Access, Project};
use shugu::ui::Startup;
use shugu::ui::app::{AppConfig, ShuguApp};
use shugu::ui::class_picker::{Picked, PickerMode};
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::i18n::Language;

/// COCO's 80 classes, four of them by a Chinese name instead.
fn class_names() -> Vec<&'static str> {
    let mut names = vec![
        "person",
        "bicycle",
        "car",
        "motorcycle",
        "airplane",
        "bus",
        "train",
        "truck",
        "boat",
        "traffic light",
        "fire hydrant",
        "stop sign",
        "parking meter",
        "bench",
        "bird",
        "cat",
        "dog",
        "horse",
        "sheep",
        "cow",
        "elephant",
        "bear",
        "zebra",
        "giraffe",
        "backpack",
        "umbrella",
        "handbag",
        "tie",
        "suitcase",
        "frisbee",
        "skis",
        "snowboard",
        "sports ball",
        "kite",
        "baseball bat",
        "baseball glove",
        "skateboard",
        "surfboard",
        "tennis racket",
        "bottle",
        "wine glass",
        "cup",
        "fork",
        "knife",
        "spoon",
        "bowl",
        "banana",
        "apple",
        "sandwich",
        "orange",
        "broccoli",
        "carrot",
        "hot dog",
        "pizza",
        "donut",
        "cake",
        "chair",
        "couch",
        "potted plant",
        "bed",
        "dining table",
        "toilet",
        "tv",
        "laptop",
        "mouse",
        "remote",
        "keyboard",
        "cell phone",
        "microwave",
        "oven",
        "toaster",
        "sink",
        "refrigerator",
        "book",
        "clock",
        "vase",
        "scissors",
        "teddy bear",
        "hair drier",
        "toothbrush",
    ];
    assert_eq!(names.len(), 80);
    names[40] = "行人";
    names[50] = "重型车";
    names[60] = "自行车";
    names[70] = "人行道";
    names
}

fn class_id(name: &str) -> ClassId {
    let position = class_names().iter().position(|n| *n == name).unwrap();
    ClassId(position as i64 + 1)
}

/// The project, with one `person` box on its first image.
fn fixture() -> common::Fixture {
    let f = common::image_project(
        &[("a.png", 400, 300), ("b.png", 400, 300)],
        &class_names(),
        &["白天", "夜间"],
        false,
    );
    let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
    let item = project.items()[0].id;
    let bbox = BBox::from_corners([50.0, 40.0], [150.0, 120.0]);
    project
        .apply(Edit::AddAnnotations(vec![NewAnnotation::rect(
            item,
            class_id("person"),
            bbox,
        )]))
        .unwrap();
    f
}

fn press(h: &mut Harness<ShuguApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

/// `/` as a keyboard sends it: the key and the text it types, in one frame.
fn press_slash(h: &mut Harness<ShuguApp>) {
    h.input_mut().events.extend([
        Event::Key {
            key: Key::Slash,
            physical_key: Some(Key::Slash),
            pressed: true,
            repeat: false,
            modifiers: Modifiers::NONE,
        },
        Event::Text("/".into()),
    ]);
    h.run();
    h.key_up(Key::Slash);
    h.run();
}

fn type_text(h: &mut Harness<ShuguApp>, text: &str) {
    h.event(Event::Text(text.into()));
    h.run();
}

fn picker_mode(h: &Harness<ShuguApp>) -> Option<PickerMode> {
    let ws = h.state().workspace().unwrap();
    ws.picker.as_ref().map(|p| p.mode)
}

/// The classes the open picker lists, in order.
fn listed(h: &Harness<ShuguApp>) -> Vec<ClassId> {
    let ws = h.state().workspace().unwrap();
    let picker = ws.picker.as_ref().expect("the picker is open");
    picker
        .hits()
        .iter()
        .map(|hit| match hit.key {
            Picked::Class(id) => id,
            Picked::Label(id) => panic!("label {id} in the class picker"),
        })
        .collect()
}

fn box_classes(h: &Harness<ShuguApp>) -> Vec<ClassId> {
    let ws = h.state().workspace().unwrap();
    let item = ws.current_item().unwrap().id;
    ws.project
        .annotations(item)
        .unwrap()
        .iter()
        .map(|b| b.class)
        .collect()
}

/// Opens the picker with `/`, types `query` and presses Enter.
fn pick(h: &mut Harness<ShuguApp>, query: &str) {
    press_slash(h);
    assert_eq!(picker_mode(h), Some(PickerMode::Classes));
    type_text(h, query);
    press(h, Modifiers::NONE, Key::Enter);
    assert_eq!(picker_mode(h), None, "Enter closes the picker");
}

fn config_for(f: &common::Fixture) -> AppConfig {
    app_config(f.root.path(), "alice", Language::English, vec![])
}

fn start_app(config: AppConfig, f: &common::Fixture) -> Harness<'static, ShuguApp> {
    start(config, Startup::Open(f.project.clone()))
}

/// The app on a new [`fixture`], which lives as long as it is kept.
fn open_app() -> (common::Fixture, Harness<'static, ShuguApp>) {
    let f = fixture();
    let h = start_app(config_for(&f), &f);
    (f, h)
}

#[test]
fn pinyin_initials_pick_a_class_for_the_selected_box_in_one_undo_step() {
    let (_f, mut h) = open_app();
    click_image(&mut h, 100.0, 80.0);
    let selected = h.state().workspace().unwrap().selected;
    assert!(selected.is_some(), "the box is selected");

    press_slash(&mut h);
    assert_eq!(picker_mode(&h), Some(PickerMode::Classes));
    // The key that opened it is not typed into the query.
    assert_eq!(
        h.state()
            .workspace()
            .unwrap()
            .picker
            .as_ref()
            .unwrap()
            .query,
        ""
    );
    assert_eq!(listed(&h).len(), 80);
    type_text(&mut h, "xr");
    assert_eq!(listed(&h), vec![class_id("行人")]);
    // The row shows the name (and the pinyin the query matched).
    h.get_by_label("行人");
    press(&mut h, Modifiers::NONE, Key::Enter);

    assert_eq!(picker_mode(&h), None);
    assert_eq!(box_classes(&h), vec![class_id("行人")]);
    let ws = h.state().workspace().unwrap();
    assert_eq!(ws.selected, selected, "the box stays selected");
    assert_eq!(ws.active_class, Some(class_id("行人")));

    // One undo step brings the class back, and is the only step.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(box_classes(&h), vec![class_id("person")]);
    assert!(!h.state().workspace().unwrap().project.can_undo());
}

#[test]
fn arrows_choose_escape_closes_and_the_pick_is_the_next_box_class() {
    let (_f, mut h) = open_app();

    // `xing` finds 行人 (from its first character), then 重型车, 自行车
    // and 人行道 (from their second), in schema order.
    press_slash(&mut h);
    type_text(&mut h, "xing");
    assert_eq!(
        listed(&h),
        vec![
            class_id("行人"),
            class_id("重型车"),
            class_id("自行车"),
            class_id("人行道")
        ]
    );
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    press(&mut h, Modifiers::NONE, Key::ArrowUp);
    press(&mut h, Modifiers::NONE, Key::Enter);
    // No box selected: nothing changes but the class of the next box.
    assert_eq!(box_classes(&h), vec![class_id("person")]);
    assert_eq!(
        h.state().workspace().unwrap().active_class,
        Some(class_id("自行车"))
    );

    // Esc closes without picking; the keys work on the canvas again.
    press_slash(&mut h);
    type_text(&mut h, "cxc");
    assert_eq!(listed(&h), vec![class_id("重型车")]);
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert_eq!(picker_mode(&h), None);
    assert_eq!(
        h.state().workspace().unwrap().active_class,
        Some(class_id("自行车"))
    );

    drag_on_image(&mut h, (200.0, 150.0), (300.0, 250.0));
    assert_eq!(
        box_classes(&h),
        vec![class_id("person"), class_id("自行车")]
    );
}

#[test]
fn recently_used_classes_come_first_and_are_kept_for_the_project() {
    let f = fixture();
    let config = config_for(&f);
    let mut h = start_app(config.clone(), &f);
    pick(&mut h, "xr");
    // 重 read chong (it is also zhong).
    pick(&mut h, "cxc");
    assert_eq!(
        h.state().workspace().unwrap().active_class,
        Some(class_id("重型车"))
    );

    press_slash(&mut h);
    let order = listed(&h);
    assert_eq!(
        order[..4],
        [
            class_id("重型车"),
            class_id("行人"),
            class_id("person"),
            class_id("bicycle")
        ]
    );
    assert_eq!(order.len(), 80);
    // Among the matches too: 行人, found by its second character, comes
    // before 人行道 and `remote`, which start with r.
    type_text(&mut h, "r");
    let found = listed(&h);
    assert_eq!(found[0], class_id("行人"));
    let at = |name| found.iter().position(|c| *c == class_id(name)).unwrap();
    assert!(at("remote") < at("人行道"), "name prefix before pinyin");
    press(&mut h, Modifiers::NONE, Key::Escape);
    drop(h);

    // Another session of the same project, with the same settings.
    let mut h = start_app(config, &f);
    press_slash(&mut h);
    assert_eq!(listed(&h)[..2], [class_id("重型车"), class_id("行人")]);
}

#[test]
fn the_label_mode_toggles_an_image_label_and_clicks_pick_or_close() {
    let (_f, mut h) = open_app();
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::K);
    assert_eq!(picker_mode(&h), Some(PickerMode::Labels));
    type_text(&mut h, "yj");
    press(&mut h, Modifiers::NONE, Key::Enter);
    let ws = h.state_mut().workspace_mut().unwrap();
    assert_eq!(
        ws.image_labels().to_vec(),
        vec![shugu::model::LabelId(2)],
        "夜间 is set"
    );
    // Ctrl+K opens the class mode too; a click on a row picks it.
    press(&mut h, Modifiers::COMMAND, Key::K);
    assert_eq!(picker_mode(&h), Some(PickerMode::Classes));
    type_text(&mut h, "rxd");
    h.get_by_label("人行道").click();
    h.run();
    assert_eq!(picker_mode(&h), None);
    assert_eq!(
        h.state().workspace().unwrap().active_class,
        Some(class_id("人行道"))
    );
    // A click beside it closes it.
    press_slash(&mut h);
    let corner = eframe::egui::pos2(20.0, 780.0);
    h.event(Event::PointerMoved(corner));
    h.run();
    common::gui::primary_button(&mut h, corner, true);
    common::gui::primary_button(&mut h, corner, false);
    assert_eq!(picker_mode(&h), None);
    assert_eq!(
        h.state().workspace().unwrap().active_class,
        Some(class_id("人行道"))
    );
}

#[test]
fn a_text_project_labels_the_selected_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("news");
    let mut names = class_names();
    names[0] = "地名";
    common::one_text_project(&dir, LabelSchema::with_classes(&names), "北京下雪了");
    let config = app_config(tmp.path(), "alice", Language::English, vec![]);
    let mut h = common::gui::start_allowing_missing_glyphs(
        config,
        Startup::Open(dir),
        FakeDialogs::default(),
    );
    h.run_steps(5);
    select_chars(&mut h, 0, 2);
    press_slash(&mut h);
    type_text(&mut h, "dim");
    press(&mut h, Modifiers::NONE, Key::Enter);
    let ws = h.state().workspace().unwrap();
    let spans: Vec<(u32, u32, ClassId)> = ws
        .project
        .all_spans()
        .unwrap()
        .iter()
        .map(|s| (s.start, s.end, s.class))
        .collect();
    assert_eq!(spans, vec![(0, 2, ClassId(1))]);
}

#[test]
fn page_keys_move_by_ten_and_the_chosen_row_scrolls_into_view() {
    let (_f, mut h) = open_app();
    press_slash(&mut h);
    // Rows out of view are not laid out, so not found by their name.
    assert!(h.query_by_label("frisbee").is_none());
    for _ in 0..3 {
        press(&mut h, Modifiers::NONE, Key::PageDown);
    }
    press(&mut h, Modifiers::NONE, Key::ArrowUp);
    h.get_by_label("frisbee");
    press(&mut h, Modifiers::NONE, Key::PageUp);
    h.get_by_label("cow");
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(
        h.state().workspace().unwrap().active_class,
        Some(class_id("cow"))
    );
}

#[test]
fn the_list_opens_at_full_height_after_a_short_one() {
    let (_f, mut h) = open_app();
    press_slash(&mut h);
    type_text(&mut h, "xr");
    press(&mut h, Modifiers::NONE, Key::Escape);
    press_slash(&mut h);
    // The twelfth row, with nothing typed.
    h.get_by_label("stop sign");
}
