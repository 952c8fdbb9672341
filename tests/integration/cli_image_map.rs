//! A project whose images are somewhere else on this workstation: the
//! `SHUGU_IMAGE_MAP` mapping finds them, and nothing stored changes.

use crate::common::cli::{fails_cleanly, open_when_free, succeeds};
use crate::common::{cli::shugu, image_project};
use shugu::model::{Edit, LabelId};
use shugu::project::{IMAGE_MAP_ENV, MANIFEST_FILE};
use std::ffi::OsStr;
use std::path::Path;
use std::process::Output;

/// `shugu export DIR --format yolo-cls -o OUT` (which copies the images),
/// with `map` as the workstation's mapping.
fn export_classes(project: &Path, out: &Path, map: Option<&OsStr>) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_shugu"));
    command.args([
        "export".as_ref(),
        project.as_os_str(),
        "--format".as_ref(),
        "yolo-cls".as_ref(),
        "--val".as_ref(),
        "0%".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    match map {
        Some(map) => command.env(IMAGE_MAP_ENV, map),
        None => command.env_remove(IMAGE_MAP_ENV),
    };
    command.output().unwrap()
}

#[test]
fn images_moved_elsewhere_are_found_through_the_mapping_and_nothing_stored_changes() {
    let f = image_project(
        &[("a.jpg", 20, 10), ("b.jpg", 20, 10)],
        &[],
        &["cat"],
        false,
    );
    {
        let mut p = open_when_free(&f.project);
        let a = p.items().iter().find(|i| i.rel_path == "a.jpg").unwrap().id;
        p.apply(Edit::SetImageLabels {
            item: a,
            labels: vec![LabelId(1)],
        })
        .unwrap();
    }
    let manifest = f.project.join(MANIFEST_FILE);
    // Made on another workstation, whose images were on a Windows share.
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text.replace(
        "image_root: \"../images\"",
        r#"image_root: "\\\\fileserver\\Share\\cats""#,
    );
    assert!(text.contains("fileserver"), "{text}");
    std::fs::write(&manifest, &text).unwrap();
    let here = f.root.path().join("mnt").join("share");
    std::fs::create_dir_all(&here).unwrap();
    std::fs::rename(&f.images, here.join("cats")).unwrap();

    let out = f.root.path().join("cls");
    let unmapped = fails_cleanly(&export_classes(&f.project, &out, None));
    assert!(unmapped.contains("a.jpg"), "{unmapped}");

    // A prefix of the stored root, written with the other separators and case.
    let mut map = std::ffi::OsString::from("//FILESERVER/share=");
    map.push(&here);
    succeeds(&export_classes(&f.project, &out, Some(&map)));
    assert_eq!(
        std::fs::read(out.join("train/cat/a.jpg")).unwrap(),
        std::fs::read(here.join("cats/a.jpg")).unwrap()
    );
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), text);

    let bad = fails_cleanly(&export_classes(&f.project, &out, Some("/nowhere".as_ref())));
    assert!(bad.contains("STORED=LOCAL"), "{bad}");
}

#[test]
fn a_url_is_refused_as_an_image_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let err = fails_cleanly(&shugu([
        "new".as_ref(),
        dir.as_os_str(),
        "--images".as_ref(),
        "smb://fileserver/share/cats".as_ref(),
    ]));
    assert!(
        err.contains("smb://fileserver/share/cats is a URL, not a folder: mount the share"),
        "{err}"
    );
    assert!(!dir.exists());
}
