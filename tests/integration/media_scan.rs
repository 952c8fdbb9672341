//! `scan_folder` on a realistic messy folder: sub-folders, non-image files, hidden
//! entries, broken images, Unicode names, links.

use crate::media_fixtures;

use image::{DynamicImage, RgbImage};
use media_fixtures::*;
use shugu::media::{MediaError, ScanEvent, ScanSummary, ScannedFile, scan_folder};
use std::path::Path;

/// Builds the folder used by most tests. Good: 4, broken: 4, other: 2, hidden: 2.
fn messy_folder(root: &Path) {
    let jpeg = jpeg_bytes(&photo(16, 12), 90);
    let png = png_bytes(&DynamicImage::ImageRgb8(RgbImage::new(8, 8)));
    write(root, "a.jpg", &jpeg);
    write(root, "B.JPG", &jpeg);
    write(root, "notes.txt", b"not an image");
    write(root, "sub/deeper/c.png", &png);
    write(root, "sub/data.csv", b"a,b\n1,2\n");
    write(root, "测试/猫 ñ.jpg", &jpeg);
    write(root, "broken/empty.jpg", b"");
    write(root, "broken/fake.png", b"hello, I am text");
    write(root, "broken/half.jpg", &truncated_jpeg());
    write(root, "broken/bomb.png", &png_bomb(50_000, 50_000));
    // Hidden entries are neither listed nor counted.
    write(root, ".hidden/x.jpg", &jpeg);
    write(root, ".DS_Store", b"\0\0\0\x01Bud1");
}

/// Runs a scan collecting every event.
fn scan_all(
    root: &Path,
    batch_size: usize,
) -> (Vec<Vec<ScannedFile>>, Vec<ScanSummary>, ScanSummary) {
    let mut batches = Vec::new();
    let mut dones = Vec::new();
    let summary = scan_folder(root, batch_size, |event| {
        match event {
            ScanEvent::Batch(files) => batches.push(files),
            ScanEvent::Done(summary) => dones.push(summary),
        }
        true
    })
    .expect("scan");
    (batches, dones, summary)
}

#[test]
fn counts_lists_and_orders_a_messy_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    messy_folder(dir.path());
    let (batches, dones, summary) = scan_all(dir.path(), 3);

    let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
    assert_eq!(sizes, [1, 3, 3, 1], "first batch at once, then batch_size");

    let files: Vec<&ScannedFile> = batches.iter().flatten().collect();
    let paths: Vec<&str> = files.iter().map(|f| f.rel_path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "B.JPG",
            "a.jpg",
            "broken/bomb.png",
            "broken/empty.jpg",
            "broken/fake.png",
            "broken/half.jpg",
            "sub/deeper/c.png",
            "测试/猫 ñ.jpg",
        ],
        "sorted by name at every level, '/' separators, hidden entries skipped"
    );

    assert_eq!(summary.images, 4);
    assert_eq!(summary.broken, 4);
    let skipped: Vec<(&str, String)> = summary
        .skipped
        .iter()
        .map(|s| (s.rel_path.as_str(), s.reason.to_string()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("notes.txt", "not an image".to_string()),
            ("sub/data.csv", "not an image".to_string()),
        ],
        "every skipped file named, with why"
    );
    assert_eq!(dones.len(), 1, "one Done event");
    assert_eq!(dones[0], summary, "Done carries the returned summary");

    let good = files
        .iter()
        .find(|f| f.rel_path == "测试/猫 ñ.jpg")
        .expect("listed");
    assert_eq!(
        good.info.as_ref().map(|i| (i.width, i.height)),
        Ok((16, 12))
    );

    // Each broken file is listed with an error, and the error names it.
    let expectations = [
        (
            "broken/bomb.png",
            "megapixel limit (possible decompression bomb)",
        ),
        ("broken/empty.jpg", "file is empty (0 bytes)"),
        ("broken/fake.png", "not an image (unrecognised format)"),
        (
            "broken/half.jpg",
            "truncated JPEG (the image data ends early)",
        ),
    ];
    assert_eq!(summary.errors.len(), expectations.len());
    for ((rel, message), (want_rel, want_text)) in summary.errors.iter().zip(expectations) {
        assert_eq!(rel, want_rel);
        assert!(message.ends_with(want_text), "{message}");
        // The summary names the file once, by `rel`; the file's own error names
        // it in full.
        assert!(!message.contains(want_rel), "{message} repeats the path");
        let listed = files
            .iter()
            .find(|f| f.rel_path == want_rel)
            .expect("listed");
        let err = listed.info.as_ref().expect_err("broken");
        assert!(err.to_string().contains(want_rel), "{err} names the file");
        assert_eq!(&err.problem(), message);
    }
}

#[test]
fn returning_false_cancels_after_the_first_batch() {
    let dir = tempfile::tempdir().expect("temp dir");
    messy_folder(dir.path());
    let mut events = 0;
    let summary = scan_folder(dir.path(), 100, |_| {
        events += 1;
        false
    })
    .expect("scan");
    assert_eq!(events, 1, "no further batch and no Done after cancelling");
    assert_eq!(summary.images + summary.broken, 1);
}

#[test]
fn empty_folder_sends_only_done() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (batches, dones, summary) = scan_all(dir.path(), 10);
    assert!(batches.is_empty());
    assert_eq!(dones.len(), 1);
    assert_eq!(summary, ScanSummary::default());
}

#[test]
fn root_must_be_a_readable_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "a.jpg", b"x");
    let err = scan_folder(&file, 10, |_| true).expect_err("a file is not a folder");
    assert_eq!(
        err,
        MediaError::NotAFolder {
            path: file.display().to_string()
        }
    );
    let missing = dir.path().join("nope");
    let err = scan_folder(&missing, 10, |_| true).expect_err("missing");
    assert!(
        err.to_string()
            .starts_with(&format!("{}: cannot read", missing.display()))
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_followed_but_loops_are_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "real/a.jpg", &jpeg_bytes(&photo(4, 4), 90));
    std::os::unix::fs::symlink(root.join("real"), root.join("linked")).expect("symlink");
    std::os::unix::fs::symlink(root, root.join("real/loop")).expect("symlink");
    let (batches, _, summary) = scan_all(root, 10);
    let paths: Vec<String> = batches.into_iter().flatten().map(|f| f.rel_path).collect();
    assert_eq!(paths, ["linked/a.jpg", "real/a.jpg"]);
    assert_eq!(summary.images, 2);
    assert_eq!(summary.broken, 0);
    let loops: Vec<&(String, String)> = summary
        .errors
        .iter()
        .filter(|(_, m)| m.ends_with("symbolic link loop, not followed"))
        .collect();
    assert_eq!(
        loops.len(),
        2,
        "one loop reached through each path: {:?}",
        summary.errors
    );
}

#[cfg(target_os = "linux")]
#[test]
fn non_unicode_name_is_listed_as_broken() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let name = std::ffi::OsStr::from_bytes(b"bad\xFFname.jpg");
    std::fs::write(dir.path().join(name), jpeg_bytes(&photo(4, 4), 90)).expect("write");
    let (batches, _, summary) = scan_all(dir.path(), 10);
    assert_eq!(summary.broken, 1);
    let files: Vec<ScannedFile> = batches.into_iter().flatten().collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].rel_path, "bad\u{FFFD}name.jpg");
    assert!(matches!(
        files[0].info,
        Err(MediaError::NonUnicodeName { .. })
    ));
}
