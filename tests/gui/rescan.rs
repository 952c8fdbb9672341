//! An image that could not be read is read again: on opening the project (a
//! half-copied file is whole by then) and by File → Rescan, which also adds
//! new files. Files a scan skips are listed by name, with why.

use crate::common;
use crate::common::gui::{app_config, open_file_menu_for, start, wait_for};
use egui_kittest::kittest::Queryable;
use shugu::project::{Access, Project};
use shugu::ui::Startup;
use shugu::ui::app::ShuguApp;
use shugu::ui::i18n::Language;
use std::path::Path;

/// A project with a 120×90 `photo.jpg` that was scanned half copied (cut in
/// half, so unreadable); returns it and the photo's whole bytes.
fn project_with_half_copied_photo() -> (common::Fixture, Vec<u8>) {
    let f = common::image_project(&[("a.png", 64, 48)], &["car"], &[], false);
    let path = f.images.join("photo.jpg");
    common::write_image(&path, 120, 90);
    let whole = std::fs::read(&path).unwrap();
    std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
    shugu::jobs::scan::BackgroundScan::start(project.image_root())
        .finish_into(&mut project, |_| {})
        .unwrap();
    (f, whole)
}

/// An item as stored in the project: (width, height, error).
fn stored(dir: &Path, rel_path: &str) -> (u32, u32, Option<String>) {
    let project = Project::open(dir, Access::ReadOnly).unwrap();
    let item = project.items().iter().find(|i| i.rel_path == rel_path);
    let item = item.expect("an item");
    (item.width, item.height, item.error.clone())
}

/// The item at `rel_path` as the open app sees it: (width, height, error).
fn item_in_app(app: &ShuguApp, rel_path: &str) -> Option<(u32, u32, Option<String>)> {
    let ws = app.workspace()?;
    let item = ws.project.items().iter().find(|i| i.rel_path == rel_path)?;
    Some((item.width, item.height, item.error.clone()))
}

#[test]
fn a_half_copied_image_is_readable_once_the_project_is_opened_again() {
    let (f, whole) = project_with_half_copied_photo();
    let (_, _, error) = stored(&f.project, "photo.jpg");
    let error = error.expect("a half file is unreadable");
    assert!(error.contains("truncated"), "{error}");
    // The copy finishes.
    std::fs::write(f.images.join("photo.jpg"), &whole).unwrap();

    let mut h = start(
        app_config(f.root.path(), "bob", Language::English, vec![]),
        Startup::Open(f.project.clone()),
    );
    wait_for(&mut h, |app| {
        item_in_app(app, "photo.jpg").is_some_and(|(_, _, error)| error.is_none())
    });
    assert_eq!(item_in_app(h.state(), "photo.jpg"), Some((120, 90, None)));
    h.get_by_label_contains("1 images that could not be read before are readable now");
    drop(h);
    // Stored, not only shown.
    assert_eq!(stored(&f.project, "photo.jpg"), (120, 90, None));
}

#[test]
fn file_rescan_reads_completed_images_again_and_adds_new_ones() {
    let (f, whole) = project_with_half_copied_photo();
    let mut h = start(
        app_config(f.root.path(), "bob", Language::English, vec![]),
        Startup::Open(f.project.clone()),
    );
    // Opening read it again, and it is still half there.
    wait_for(&mut h, |app| {
        app.workspace().is_some_and(|w| w.scan.is_none())
    });
    assert!(item_in_app(h.state(), "photo.jpg").unwrap().2.is_some());

    std::fs::write(f.images.join("photo.jpg"), &whole).unwrap();
    common::write_image(&f.images.join("new/b.png"), 30, 20);
    open_file_menu_for(&mut h, "Rescan image folder");
    h.get_by_label("Rescan image folder").click();
    wait_for(&mut h, |app| {
        app.workspace().is_some_and(|w| w.scan.is_none())
    });
    assert_eq!(item_in_app(h.state(), "photo.jpg"), Some((120, 90, None)));
    assert_eq!(item_in_app(h.state(), "new/b.png"), Some((30, 20, None)));
}

#[test]
fn files_a_scan_skips_are_listed_by_name_with_why() {
    let f = common::image_project(&[("a.png", 64, 48)], &["car"], &[], false);
    std::fs::write(f.images.join("IMG_0001.HEIC"), b"\0\0\0\x18ftypheic").unwrap();
    std::fs::write(f.images.join("cat.avif"), b"\0\0\0\x1cftypavif").unwrap();
    std::fs::write(f.images.join("notes.txt"), b"a cat").unwrap();
    let mut h = start(
        app_config(f.root.path(), "bob", Language::English, vec![]),
        Startup::Open(f.project.clone()),
    );
    open_file_menu_for(&mut h, "Rescan image folder");
    h.get_by_label("Rescan image folder").click();
    wait_for(&mut h, |app| {
        app.workspace().is_some_and(|w| w.scan.is_none())
    });
    h.get_by_label("3 files skipped").click();
    h.run();
    h.get_by_label("IMG_0001.HEIC — unsupported image format (HEIC)");
    h.get_by_label("cat.avif — unsupported image format (AVIF)");
    h.get_by_label("notes.txt — not an image");
}

#[test]
fn a_jpeg_missing_its_end_marker_is_shown_with_a_warning() {
    let f = common::image_project(&[("a.png", 64, 48)], &["car"], &[], false);
    let photo = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/demo-images/images/cameraman.jpg"),
    )
    .unwrap();
    std::fs::write(f.images.join("camera.jpg"), &photo[..photo.len() - 2]).unwrap();
    let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
    shugu::jobs::scan::BackgroundScan::start(project.image_root())
        .finish_into(&mut project, |_| {})
        .unwrap();
    drop(project);
    assert_eq!(stored(&f.project, "camera.jpg"), (512, 512, None));

    let mut h = start(
        app_config(f.root.path(), "bob", Language::English, vec![]),
        Startup::Open(f.project.clone()),
    );
    h.get_by_label("camera.jpg").click();
    let warning = "This JPEG has no end-of-image marker";
    for _ in 0..500 {
        h.step();
        if h.query_by_label_contains(warning).is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("no warning shown beside the image");
}
