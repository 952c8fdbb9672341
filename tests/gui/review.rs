//! Reviewer mode driven headless: accept with one key, reject with a preset
//! reason that becomes a comment the annotator sees, all in the audit trail.

use crate::common;
use crate::common::gui::{app_config, click_image, start, wait_for};
use eframe::egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::Shape;
use shugu::model::{BBox, ClassId, CommentTarget, Edit, ItemStatus, NewAnnotation};
use shugu::project::{Access, Project};
use shugu::ui::Startup;
use shugu::ui::app::ShuguApp;
use shugu::ui::i18n::Language;
use shugu::ui::settings::{Role, Settings};

fn status(h: &Harness<ShuguApp>, index: usize) -> ItemStatus {
    h.state().workspace().unwrap().project.items()[index].status
}

fn press(h: &mut Harness<ShuguApp>, key: Key) {
    h.key_press_modifiers(Modifiers::NONE, key);
    h.run();
}

#[test]
fn a_reviewer_accepts_one_item_and_rejects_another_with_a_reason() {
    let f = common::three_images();
    let boxed = {
        let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
        project.set_author("alice");
        let c = project.items()[2].id;
        let boxed = project
            .apply(Edit::AddAnnotations(vec![NewAnnotation {
                item: c,
                class: ClassId(1),
                shape: Shape::Rect(BBox::from_corners([10.0, 8.0], [30.0, 22.0])),
                group: None,
                attributes: Default::default(),
            }]))
            .unwrap()
            .created[0];
        for item in project.items().iter().map(|i| i.id).collect::<Vec<_>>() {
            project
                .apply(Edit::SetStatus {
                    item,
                    status: ItemStatus::Submitted,
                })
                .unwrap();
        }
        boxed
    };
    let config = app_config(f.root.path(), "王审核", Language::English, vec![]);
    let settings_path = config.settings_path.clone().unwrap();
    let (mut settings, warning) = Settings::load(&settings_path);
    assert_eq!(warning, None);
    settings.role = Role::Reviewer;
    settings.save(&settings_path).unwrap();

    let mut h = start(config, Startup::Open(f.project.clone()));
    assert_eq!(
        h.state().shown_title,
        "test — reviewer mode — Shugu 数谷标注"
    );

    press(&mut h, Key::Y);
    assert_eq!(status(&h, 0), ItemStatus::Accepted);
    assert_eq!(h.state().workspace().unwrap().current, Some(1));

    press(&mut h, Key::R);
    h.get_by_label("loose box").click();
    h.run();
    assert_eq!(status(&h, 1), ItemStatus::Rejected);
    let (b, comments) = {
        let ws = h.state().workspace().unwrap();
        let b = ws.project.items()[1].id;
        (b, ws.project.comments(b).unwrap())
    };
    assert_eq!(comments.len(), 1);
    assert_eq!(
        (comments[0].body.as_str(), comments[0].author.as_str()),
        ("loose box", "王审核")
    );
    assert_eq!(h.state().workspace().unwrap().current, Some(2));

    // On the next item, the reviewer pins a comment to its box.
    press(&mut h, Key::Q);
    click_image(&mut h, 20.0, 15.0);
    assert_eq!(h.state().workspace().unwrap().selected, Some(boxed));
    h.get_by_label("Review comment on this one:").click();
    h.run();
    h.event(Event::Text("box is 3 px too wide".into()));
    h.run();
    h.get_by_label("Comment").click();
    h.run();
    let c = h.state().workspace().unwrap().project.items()[2].id;
    let pinned = h.state().workspace().unwrap().project.comments(c).unwrap();
    assert_eq!(pinned.len(), 1);
    assert_eq!(pinned[0].target, Some(CommentTarget::Annotation(boxed)));
    assert_eq!(pinned[0].body, "box is 3 px too wide");
    h.get_by_label_contains("box is 3 px too wide");

    // Back on the rejected item (it has left the queue of submitted items,
    // so the list shows every item again), the reason is in the panel and the trail.
    press(&mut h, Key::Escape);
    h.state_mut().workspace_mut().unwrap().items.filter = Default::default();
    h.run();
    press(&mut h, Key::A);
    h.get_by_label("loose box");
    let log = h
        .state()
        .workspace()
        .unwrap()
        .project
        .history(Some(b), 10)
        .unwrap();
    assert!(
        log.iter()
            .all(|e| e.author == "王审核" || e.author == "alice")
    );
    assert_eq!(log[0].author, "王审核");

    // Undo takes back the pinned comment, then the rejection and its reason
    // together.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(
        h.state()
            .workspace()
            .unwrap()
            .project
            .comments(c)
            .unwrap()
            .is_empty()
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(status(&h, 1), ItemStatus::Submitted);
    assert!(
        h.state()
            .workspace()
            .unwrap()
            .project
            .comments(b)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_annotator_cannot_accept_or_reject() {
    let f = common::image_project(&[("a.jpg", 40, 30)], &["car"], &[], false);
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    let mut h = start(config, Startup::Open(f.project.clone()));
    assert!(!h.state().shown_title.contains("reviewer"));
    press(&mut h, Key::Y);
    press(&mut h, Key::R);
    assert_eq!(status(&h, 0), ItemStatus::New);
    assert!(h.query_by_label("loose box").is_none(), "no reject window");
}

#[test]
fn the_item_list_filters_by_annotator() {
    let f = common::three_images();
    {
        let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
        for (index, author) in [(0, "alice"), (2, "bob")] {
            project.set_author(author);
            let item = project.items()[index].id;
            project
                .apply(Edit::AddAnnotations(vec![NewAnnotation {
                    item,
                    class: ClassId(1),
                    shape: Shape::Rect(BBox::from_corners([1.0, 1.0], [9.0, 9.0])),
                    group: None,
                    attributes: Default::default(),
                }]))
                .unwrap();
        }
        assert_eq!(project.annotators().unwrap(), ["alice", "bob"]);
    }
    let config = app_config(f.root.path(), "王审核", Language::English, vec![]);
    let mut h = start(config, Startup::Open(f.project.clone()));
    h.get_by_label("b.jpg");
    h.get_by_label("Annotated by").click();
    h.run();
    h.get_by_label("bob").click();
    h.run();
    assert_eq!(
        h.state().workspace().unwrap().filter().annotator.as_deref(),
        Some("bob")
    );
    h.get_by_label("c.jpg");
    assert!(h.query_by_label("a.jpg").is_none());
    assert!(h.query_by_label("b.jpg").is_none());
}

/// Switches role and name in the settings window, as a shared workstation would.
fn become_(h: &mut Harness<ShuguApp>, role: &str, name: &str) {
    h.get_by_label("Settings…").click();
    h.run();
    h.get_by_label(role).click();
    h.run();
    let field = h.get_by_label("Annotator name");
    field.click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.event(Event::Text(name.into()));
    h.run();
    h.key_press(Key::Escape);
    h.run();
}

#[test]
fn submit_review_rework_resubmit_accept() {
    let f = common::three_images();
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    let mut h = start(config, Startup::Open(f.project.clone()));
    let item =
        |h: &Harness<ShuguApp>, i: usize| h.state().workspace().unwrap().project.items()[i].id;

    // The annotator submits the first two items.
    press(&mut h, Key::Enter);
    press(&mut h, Key::Enter);
    assert_eq!(
        (status(&h, 0), status(&h, 1)),
        (ItemStatus::Submitted, ItemStatus::Submitted)
    );

    // The reviewer accepts the first and rejects the second.
    become_(&mut h, "Reviewer", "bob");
    assert_eq!(h.state().settings.author.as_deref(), Some("bob"));
    press(&mut h, Key::A);
    press(&mut h, Key::A);
    press(&mut h, Key::Y);
    press(&mut h, Key::R);
    h.get_by_label("wrong class").click();
    h.run();
    assert_eq!(
        (status(&h, 0), status(&h, 1)),
        (ItemStatus::Accepted, ItemStatus::Rejected)
    );

    // The annotator finds the rework item with the reason, and resubmits it.
    become_(&mut h, "Annotator", "alice");
    h.get_by_label("1 rejected to rework").click();
    h.run();
    assert_eq!(h.state().workspace().unwrap().current, Some(1));
    assert_eq!(
        h.state().workspace().unwrap().filter().status,
        shugu::project::StatusFilter::Is(ItemStatus::Rejected)
    );
    h.get_by_label_contains("wrong class");
    press(&mut h, Key::Enter);
    assert_eq!(status(&h, 1), ItemStatus::Submitted);

    // The reviewer accepts it.
    become_(&mut h, "Reviewer", "bob");
    press(&mut h, Key::A);
    press(&mut h, Key::Y);
    assert_eq!(status(&h, 1), ItemStatus::Accepted);

    // The audit trail of the second item, newest first.
    let log = h
        .state()
        .workspace()
        .unwrap()
        .project
        .history(Some(item(&h, 1)), 10)
        .unwrap();
    let trail: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.author.as_str(), e.kind.as_str()))
        .collect();
    assert_eq!(
        trail,
        [
            ("bob", "set_status"),
            ("alice", "set_status"),
            ("bob", "batch"),
            ("alice", "set_status"),
        ]
    );
    let comments = h
        .state()
        .workspace()
        .unwrap()
        .project
        .comments(item(&h, 1))
        .unwrap();
    assert_eq!(
        (comments[0].author.as_str(), comments[0].body.as_str()),
        ("bob", "wrong class")
    );
}

#[test]
fn the_dashboard_opens_with_its_key_and_shows_the_projects_figures() {
    let f = common::three_images();
    {
        let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
        project.set_author("alice");
        let a = project.items()[0].id;
        project
            .apply(Edit::SetStatus {
                item: a,
                status: ItemStatus::Submitted,
            })
            .unwrap();
    }
    let config = app_config(f.root.path(), "王审核", Language::English, vec![]);
    let mut h = start(config, Startup::Open(f.project.clone()));
    assert!(h.query_by_label("Items per status").is_none());

    press(&mut h, Key::F9);
    assert!(h.state().dashboard.open);
    wait_for(&mut h, |app| app.dashboard.figures().is_some());
    h.get_by_label("Items per status");
    h.get_by_label("Items submitted per hour, per annotator");
    // Nobody was reviewed yet and no box was drawn: those charts say so.
    assert_eq!(h.query_all_by_label("Nothing to show yet").count(), 4);

    press(&mut h, Key::F9);
    assert!(!h.state().dashboard.open);
    assert!(h.query_by_label("Items per status").is_none());

    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Statistics dashboard").click();
    h.run();
    assert!(h.state().dashboard.open);
}

#[test]
fn a_reviewer_starts_on_the_queue_of_submitted_items() {
    let f = common::three_images();
    {
        let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
        for item in project.items()[1..]
            .iter()
            .map(|i| i.id)
            .collect::<Vec<_>>()
        {
            project
                .apply(Edit::SetStatus {
                    item,
                    status: ItemStatus::Submitted,
                })
                .unwrap();
        }
    }
    let config = app_config(f.root.path(), "王审核", Language::English, vec![]);
    let settings_path = config.settings_path.clone().unwrap();
    let (mut settings, _) = Settings::load(&settings_path);
    settings.role = Role::Reviewer;
    settings.save(&settings_path).unwrap();

    let mut h = start(config, Startup::Open(f.project.clone()));
    {
        let ws = h.state().workspace().unwrap();
        assert_eq!(ws.filter(), &shugu::project::ItemQuery::review_queue());
        assert_eq!(ws.current, Some(1), "the first submitted item");
    }
    h.get_by_label("2 / 3");
    h.get_by_label("reviewer mode · 2 to review");
    press(&mut h, Key::Y);
    press(&mut h, Key::Y);
    assert_eq!(status(&h, 1), ItemStatus::Accepted);
    assert_eq!(status(&h, 2), ItemStatus::Accepted);
    assert_eq!(
        status(&h, 0),
        ItemStatus::New,
        "not in the queue, not reviewed"
    );
    h.get_by_label("reviewer mode · 0 to review");
}
