//! The thumbnail grid driven headless: it shows the filtered items, a rubber band
//! selects, a label key labels the selection as one undo step, a reviewer rejects
//! many with one reason, Enter opens an item and Esc comes back.

use crate::common;
use crate::common::gui::{app_config, press, primary_button, start};
use eframe::egui::{Event, Key, Modifiers, Pos2, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::{Edit, ItemStatus};
use shugu::project::{Access, Project, StatusFilter};
use shugu::ui::Startup;
use shugu::ui::app::ShuguApp;
use shugu::ui::i18n::Language;
use shugu::ui::settings::{Role, Settings};

/// Six images, labels cat (Z) and dog (X); the first four submitted.
fn six_images() -> common::Fixture {
    let names: Vec<String> = (0..6).map(|i| format!("img{i}.png")).collect();
    let files: Vec<(&str, u32, u32)> = names.iter().map(|n| (n.as_str(), 64, 48)).collect();
    let f = common::image_project(&files, &["car"], &["cat", "dog"], false);
    let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
    for item in project.items()[..4]
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
    f
}

fn open(f: &common::Fixture, reviewer: bool) -> Harness<'static, ShuguApp> {
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    if reviewer {
        let path = config.settings_path.clone().unwrap();
        let (mut settings, _) = Settings::load(&path);
        settings.role = Role::Reviewer;
        settings.save(&path).unwrap();
    }
    start(config, Startup::Open(f.project.clone()))
}

fn tile(h: &Harness<ShuguApp>, position: usize) -> Rect {
    let ws = h.state().workspace().unwrap();
    ws.gallery
        .tiles()
        .iter()
        .find(|(p, _)| *p == position)
        .map(|(_, r)| *r)
        .unwrap_or_else(|| panic!("no tile for item {position}"))
}

fn drag(h: &mut Harness<ShuguApp>, from: Pos2, to: Pos2) {
    h.event(Event::PointerMoved(from));
    h.run();
    primary_button(h, from, true);
    for i in 1..=6 {
        h.event(Event::PointerMoved(from + (to - from) * (i as f32 / 6.0)));
        h.run();
    }
    primary_button(h, to, false);
}

/// A click on `pos` with `modifiers`, press and release in one frame: each
/// frame is a quarter of a second of the harness's time and thumbnails
/// arriving add frames, so a press and a release frames apart could last past
/// a click. Two frames first, so it is never the second of a double click.
fn click(h: &mut Harness<ShuguApp>, pos: Pos2, modifiers: Modifiers) {
    h.step();
    h.step();
    h.event(Event::ModifiersChanged(modifiers));
    h.event(Event::PointerMoved(pos));
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos,
            button: eframe::egui::PointerButton::Primary,
            pressed,
            modifiers,
        });
    }
    h.run();
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
}

/// The selected items, in project order.
fn selection(h: &Harness<ShuguApp>) -> Vec<usize> {
    let ws = h.state().workspace().unwrap();
    ws.gallery.selection.items().collect()
}

/// The items of the tiles drawn in the last frame.
fn shown_tiles(h: &Harness<ShuguApp>) -> Vec<usize> {
    let ws = h.state().workspace().unwrap();
    ws.gallery.tiles().iter().map(|t| t.0).collect()
}

fn statuses(h: &Harness<ShuguApp>) -> Vec<ItemStatus> {
    let ws = h.state().workspace().unwrap();
    ws.project.items().iter().map(|i| i.status).collect()
}

#[test]
fn the_grid_shows_the_filtered_items_and_a_band_label_is_one_undo_step() {
    let f = six_images();
    let mut h = open(&f, false);
    press(&mut h, Modifiers::NONE, Key::F4);
    assert!(h.state().workspace().unwrap().gallery_open());
    let all = shown_tiles(&h);
    assert_eq!(all, [0, 1, 2, 3, 4, 5]);

    // The item list's status filter drives the grid.
    h.state_mut().workspace_mut().unwrap().items.filter.status =
        StatusFilter::Is(ItemStatus::Submitted);
    h.run();
    let shown = shown_tiles(&h);
    assert_eq!(shown, [0, 1, 2, 3]);

    // A band from inside the first tile to inside the third.
    let (a, c) = (tile(&h, 0), tile(&h, 2));
    drag(&mut h, a.center(), c.center());
    let selected = selection(&h);
    assert_eq!(selected, [0, 1, 2]);

    press(&mut h, Modifiers::NONE, Key::Z);
    let labelled =
        |h: &Harness<ShuguApp>| common::image_label_names(&h.state().workspace().unwrap().project);
    let got = labelled(&h);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got.values().all(|names| names == &["cat"]));

    // One undo takes the label off all three.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(labelled(&h).is_empty());
    assert!(
        h.state().workspace().unwrap().gallery_open(),
        "undo stays on the grid"
    );
    // And the label key again clears what all have.
    press(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(labelled(&h).len(), 3);
    press(&mut h, Modifiers::NONE, Key::Z);
    assert!(labelled(&h).is_empty());
}

#[test]
fn a_reviewer_rejects_the_selection_with_one_reason() {
    let f = six_images();
    let mut h = open(&f, true);
    press(&mut h, Modifiers::NONE, Key::F4);
    // A click, then a Shift-click extends to a range.
    let (one, three) = (tile(&h, 1), tile(&h, 3));
    click(&mut h, one.center(), Modifiers::NONE);
    click(&mut h, three.center(), Modifiers::SHIFT);
    let selected = selection(&h);
    assert_eq!(selected, [1, 2, 3]);

    press(&mut h, Modifiers::NONE, Key::R);
    h.get_by_label("loose box").click();
    h.run();
    use ItemStatus::{New, Rejected, Submitted};
    assert_eq!(
        statuses(&h),
        [Submitted, Rejected, Rejected, Rejected, New, New]
    );
    let ws = h.state().workspace().unwrap();
    for item in &ws.project.items()[1..4] {
        let comments = ws.project.comments(item.id).unwrap();
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0].body, "loose box");
    }
    // One undo step for the whole rejection.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        statuses(&h),
        [Submitted, Submitted, Submitted, Submitted, New, New]
    );
}

#[test]
fn enter_opens_the_focused_item_and_esc_returns_to_the_grid() {
    let f = six_images();
    let mut h = open(&f, false);
    press(&mut h, Modifiers::NONE, Key::F4);
    let four = tile(&h, 4);
    click(&mut h, four.center(), Modifiers::NONE);
    press(&mut h, Modifiers::NONE, Key::Enter);
    {
        let ws = h.state().workspace().unwrap();
        assert!(!ws.gallery_open());
        assert_eq!(ws.current, Some(4));
        // Enter opened the item; it did not submit it.
        assert_eq!(ws.project.items()[4].status, ItemStatus::New);
    }
    press(&mut h, Modifiers::NONE, Key::Escape);
    let ws = h.state().workspace().unwrap();
    assert!(ws.gallery_open());
    assert_eq!(ws.gallery.focus, Some(4));
    assert!(ws.gallery.selection.contains(4));
}

#[test]
fn arrow_keys_move_through_the_grid_and_shift_extends_the_selection() {
    let f = six_images();
    let mut h = open(&f, false);
    press(&mut h, Modifiers::NONE, Key::F4);
    let focus = |h: &Harness<ShuguApp>| h.state().workspace().unwrap().gallery.focus;
    let selected = selection;
    // The grid opens on the item the single view showed; → takes the next one.
    assert_eq!(focus(&h), Some(0));
    press(&mut h, Modifiers::NONE, Key::ArrowRight);
    assert_eq!((focus(&h), selected(&h)), (Some(1), vec![1]));
    // ↓ goes a row down (as many tiles as a row holds; the last tile when no
    // row is below), Shift+↑ a row up (nowhere from the first row), selecting
    // from there to the anchor.
    let columns = h.state().workspace().unwrap().gallery.columns();
    assert!(
        columns >= 2,
        "the test window holds at least two tiles a row"
    );
    press(&mut h, Modifiers::NONE, Key::ArrowDown);
    let below = (1 + columns).min(5);
    assert_eq!((focus(&h), selected(&h)), (Some(below), vec![below]));
    press(&mut h, Modifiers::SHIFT, Key::ArrowUp);
    let above = below.checked_sub(columns).unwrap_or(below);
    assert_eq!(focus(&h), Some(above));
    // The plain ↓ moved the anchor with the focus, as a click does.
    assert_eq!(selected(&h), (above..=below).collect::<Vec<_>>());
    // ← past the first tile stays there; Enter opens the focused item.
    for _ in 0..3 {
        press(&mut h, Modifiers::NONE, Key::ArrowLeft);
    }
    assert_eq!(focus(&h), Some(0));
    press(&mut h, Modifiers::NONE, Key::Enter);
    let ws = h.state().workspace().unwrap();
    assert!(!ws.gallery_open());
    assert_eq!(ws.current, Some(0));
}
