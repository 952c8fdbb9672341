//! A project whose image folder this workstation cannot reach: the message
//! says so, and the folder picked there is kept in the settings as this
//! workstation's mapping of the project's image root.

use crate::common::gui::{app_config, start_allowing_missing_glyphs};
use crate::common::three_images;
use egui_kittest::kittest::Queryable;
use shugu::project::MANIFEST_FILE;
use shugu::ui::Startup;
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::i18n::Language;
use shugu::ui::settings::Settings;

#[test]
fn an_unreachable_image_folder_is_said_and_the_folder_picked_is_mapped() {
    let f = three_images();
    let moved = f.root.path().join("moved");
    std::fs::rename(&f.images, &moved).unwrap();
    let manifest = std::fs::read(f.project.join(MANIFEST_FILE)).unwrap();
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    let settings_path = config.settings_path.clone().unwrap();
    let dialogs = FakeDialogs {
        folders: vec![moved.clone()],
        ..FakeDialogs::default()
    };
    let mut h = start_allowing_missing_glyphs(config, Startup::Open(f.project.clone()), dialogs);

    let expected = format!(
        "The image folder {} is not reachable from this workstation; map it in Settings",
        f.images.display()
    );
    h.get_by_label_contains(&expected);
    assert!(h.state().unreachable_images.is_some());

    h.get_by_label("Choose the image folder on this workstation…")
        .click();
    h.run();
    assert!(h.query_by_label_contains(&expected).is_none());
    let app = h.state();
    assert!(app.unreachable_images.is_none());
    let project = &app.workspace().unwrap().project;
    assert_eq!(project.image_root(), moved);
    assert_eq!(project.items().len(), 3);
    assert!(
        project
            .items()
            .iter()
            .all(|i| project.item_path(i).is_file())
    );

    let (saved, warning) = Settings::load(&settings_path);
    assert_eq!(warning, None);
    assert_eq!(saved.image_roots.len(), 1);
    assert_eq!(saved.image_roots[0].local, moved);
    assert_eq!(
        saved.image_map().resolve(&f.images.to_string_lossy()),
        Some(moved)
    );
    // Nothing of the project changed.
    assert_eq!(
        std::fs::read(f.project.join(MANIFEST_FILE)).unwrap(),
        manifest
    );
}
