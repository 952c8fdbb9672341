//! Work on worker threads that goes wrong: a panicking job ends with an error
//! in the window and frees the menus.

use crate::common;
use crate::common::gui::{app_config, open_file_menu_for, start, wait_for};
use egui_kittest::kittest::{NodeT, Queryable};
use shugu::ui::Startup;
use shugu::ui::dataset_jobs::DatasetJob;
use shugu::ui::i18n::Language;

#[test]
fn a_panicking_job_shows_its_error_and_frees_the_menus() {
    let f = common::image_project(&[("a.png", 64, 48)], &["car"], &[], false);
    let config = app_config(f.root.path(), "bob", Language::English, vec![]);
    let mut h = start(config, Startup::Open(f.project.clone()));
    let job = DatasetJob::run(
        "Import YOLO…".into(),
        f.images.clone(),
        "Import (yolo) failed".into(),
        |_, _| panic!("index out of bounds: the len is 3 but the index is 4294967295"),
    );
    h.state_mut().run_dataset_job(job);
    wait_for(&mut h, |app| app.notice.is_some());
    let notice = h.state().notice.clone().unwrap();
    assert!(notice.contains("stopped unexpectedly"), "{notice}");
    assert!(notice.contains("the index is 4294967295"), "{notice}");
    // The progress window is gone, and Import and Export work again.
    h.state_mut().notice = None;
    h.run();
    assert!(h.query_by_label(&f.images.display().to_string()).is_none());
    for item in ["Import YOLO…", "Export YOLO…"] {
        open_file_menu_for(&mut h, item);
        let node = h.get_by_label(item);
        assert!(!node.accesskit_node().is_disabled(), "{item} is disabled");
        h.key_press(eframe::egui::Key::Escape);
        h.run();
    }
}
