//! `shugu new` names every file it skips and why; `shugu rescan` reads again
//! an image that was half copied when the project was made, and adds new files.

use crate::common;
use crate::common::cli::{shugu, succeeds, text};
use shugu::project::{Access, Project};

#[test]
fn new_names_skipped_files_and_rescan_reads_a_completed_image() {
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("照片");
    common::write_image(&images.join("a.png"), 40, 30);
    common::write_image(&images.join("photo.jpg"), 120, 90);
    let whole = std::fs::read(images.join("photo.jpg")).unwrap();
    std::fs::write(images.join("photo.jpg"), &whole[..whole.len() / 2]).unwrap();
    std::fs::write(images.join("IMG_0001.HEIC"), b"\0\0\0\x18ftypheic").unwrap();
    std::fs::write(images.join("cat.avif"), b"\0\0\0\x1cftypavif").unwrap();
    std::fs::write(images.join("notes.txt"), b"a cat").unwrap();
    // A photo whose camera stopped before its last two bytes.
    let photo = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("projects/demo-images/images/cameraman.jpg"),
    )
    .unwrap();
    std::fs::write(images.join("camera.jpg"), &photo[..photo.len() - 2]).unwrap();
    let project = tmp.path().join("project");

    let out = shugu([
        "new".as_ref(),
        project.as_os_str(),
        "--images".as_ref(),
        images.as_os_str(),
    ]);
    let stdout = succeeds(&out);
    let stderr = text(&out.stderr);
    assert!(
        stdout.contains("2 images, 1 unreadable, 3 other files skipped"),
        "{stdout}"
    );
    for line in [
        "camera.jpg: the JPEG has no end-of-image marker",
        "IMG_0001.HEIC: unsupported image format (HEIC)",
        "cat.avif: unsupported image format (AVIF)",
        "notes.txt",
        "photo.jpg: truncated JPEG",
    ] {
        assert!(stderr.contains(line), "{line} in {stderr}");
    }

    // The copy finishes, and another photo arrives.
    std::fs::write(images.join("photo.jpg"), &whole).unwrap();
    common::write_image(&images.join("b.jpg"), 20, 10);
    let out = shugu(["rescan".as_ref(), project.as_os_str()]);
    let stdout = succeeds(&out);
    assert!(
        stdout.contains("1 new images, 1 of 1 unreadable images readable now"),
        "{stdout}"
    );
    let p = Project::open(&project, Access::ReadOnly).unwrap();
    let facts: Vec<(&str, u32, u32, bool)> = p
        .items()
        .iter()
        .map(|i| (i.rel_path.as_str(), i.width, i.height, i.is_broken()))
        .collect();
    assert_eq!(
        facts,
        [
            ("a.png", 40, 30, false),
            ("camera.jpg", 512, 512, false),
            ("photo.jpg", 120, 90, false),
            ("b.jpg", 20, 10, false)
        ]
    );
}
