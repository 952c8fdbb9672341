//! Work packages and golden items from the GUI, driven headless: File → split
//! into packages (annotators typed into the form, folder from the dialog),
//! an annotator's work in a package, File → merge it back; and a reviewer
//! marking an item golden with its key.

use crate::common;
use crate::common::gui::{app_config, start, start_allowing_missing_glyphs, wait_for};
use eframe::egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::Shape;
use shugu::model::{BBox, ClassId, Edit, ItemStatus, NewAnnotation};
use shugu::project::{Access, Project};
use shugu::ui::Startup;
use shugu::ui::app::ShuguApp;
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::i18n::Language;
use shugu::ui::settings::{Role, Settings};

fn click(h: &mut Harness<ShuguApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

#[test]
fn split_from_the_file_menu_then_merge_an_annotators_work_back() {
    let f = common::three_images();
    let out = f.root.path().join("packages");
    let config = app_config(f.root.path(), "lead", Language::English, vec![]);
    let dialogs = FakeDialogs {
        folders: vec![out.clone(), out.clone()],
        ..FakeDialogs::default()
    };
    let mut h = start_allowing_missing_glyphs(config, Startup::Open(f.project.clone()), dialogs);

    click(&mut h, "File");
    click(&mut h, "Split into work packages…");
    h.get_by_label("Annotators (comma-separated)").click();
    h.run();
    h.event(Event::Text("li, wang".into()));
    h.run();
    // Not `click`: while the worker runs, a spinner repaints every frame.
    h.get_by_label("Choose folder and split").click();
    wait_for(&mut h, |app| app.notice.is_some());
    let notice = h.state().notice.clone().unwrap();
    assert!(notice.starts_with("Made 2 work packages"), "{notice}");
    let li_dir = out.join("li");
    assert!(Project::is_project_dir(&li_dir));
    assert!(Project::is_project_dir(&out.join("wang")));
    h.state_mut().notice = None;

    // li labels and submits everything in their package.
    let li_items = {
        let mut li = Project::open(&li_dir, Access::ReadWrite).unwrap();
        li.set_author("li");
        let items: Vec<_> = li
            .items()
            .iter()
            .map(|i| (i.id, i.rel_path.clone()))
            .collect();
        for (item, _) in &items {
            li.apply(Edit::AddAnnotations(vec![NewAnnotation {
                item: *item,
                class: ClassId(1),
                shape: Shape::Rect(BBox::from_corners([2.0, 2.0], [20.0, 15.0])),
                group: None,
                attributes: Default::default(),
            }]))
            .unwrap();
            li.apply(Edit::SetStatus {
                item: *item,
                status: ItemStatus::Submitted,
            })
            .unwrap();
        }
        items
    };
    assert!(!li_items.is_empty());

    click(&mut h, "File");
    h.get_by_label("Merge work packages…").click();
    wait_for(&mut h, |app| app.notice.is_some());
    let notice = h.state().notice.clone().unwrap();
    assert!(notice.starts_with("Merged 2 work packages"), "{notice}");
    let ws = h.state().workspace().unwrap();
    for (_, path) in &li_items {
        let item = ws
            .project
            .items()
            .iter()
            .find(|i| &i.rel_path == path)
            .unwrap();
        assert_eq!(item.status, ItemStatus::Submitted, "{path}");
        let boxes = ws.project.annotations(item.id).unwrap();
        assert_eq!(boxes.len(), 1, "{path}");
        assert_eq!(boxes[0].provenance.author, "li");
    }
}

#[test]
fn a_reviewer_marks_an_item_golden_and_back_with_its_key() {
    let f = common::three_images();
    let config = app_config(f.root.path(), "王审核", Language::English, vec![]);
    let settings_path = config.settings_path.clone().unwrap();
    let (mut settings, _) = Settings::load(&settings_path);
    settings.role = Role::Reviewer;
    settings.save(&settings_path).unwrap();
    let mut h = start(config, Startup::Open(f.project.clone()));
    let golden = |h: &Harness<ShuguApp>| {
        let ws = h.state().workspace().unwrap();
        let item = ws.project.items()[ws.current.unwrap()].id;
        ws.project.is_golden(item).unwrap()
    };
    assert!(!golden(&h));
    h.key_press_modifiers(Modifiers::COMMAND, Key::G);
    h.run();
    assert!(golden(&h));
    h.key_press_modifiers(Modifiers::COMMAND, Key::G);
    h.run();
    assert!(!golden(&h));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(golden(&h), "undo brings the mark back");
}
