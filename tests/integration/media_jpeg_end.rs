//! A JPEG that lacks only its end-of-image marker (a phone or camera stopped
//! before writing its last two bytes) opens, with a warning, showing exactly
//! the pixels of the whole file; one cut inside its image data is refused as
//! truncated. Real photographs: the demo project's.

use shugu::media::{ImageWarning, MediaError, decode_for_display, probe};
use std::path::{Path, PathBuf};

fn demo_photos() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/demo-images/images");
    let mut photos: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    photos.sort();
    assert!(photos.len() >= 5, "{photos:?}");
    photos
}

/// `photo`'s first `len` bytes in `dir`.
fn cut(dir: &Path, photo: &Path, len: impl Fn(usize) -> usize) -> PathBuf {
    let bytes = std::fs::read(photo).unwrap();
    let name = photo.file_name().unwrap();
    let path = dir.join(name);
    std::fs::write(&path, &bytes[..len(bytes.len())]).unwrap();
    path
}

#[test]
fn a_jpeg_missing_only_its_end_marker_opens_with_a_warning_and_every_pixel() {
    let dir = tempfile::tempdir().unwrap();
    for photo in demo_photos() {
        let whole = std::fs::read(&photo).unwrap();
        assert_eq!(
            &whole[whole.len() - 2..],
            [0xFF, 0xD9],
            "{photo:?} ends whole"
        );
        let path = cut(dir.path(), &photo, |n| n - 2);

        let info = probe(&path).unwrap_or_else(|e| panic!("{e}"));
        let expected = probe(&photo).unwrap();
        assert_eq!(info.warning, Some(ImageWarning::NoJpegEnd), "{path:?}");
        assert_eq!((info.width, info.height), (expected.width, expected.height));
        assert_eq!(expected.warning, None);

        let shown = decode_for_display(&path, 4096).unwrap_or_else(|e| panic!("{e}"));
        let original = decode_for_display(&photo, 4096).unwrap();
        assert_eq!(shown.warning, Some(ImageWarning::NoJpegEnd));
        assert!(
            shown.image.pixels == original.image.pixels,
            "{path:?}: every pixel"
        );
    }
}

#[test]
fn a_jpeg_cut_inside_its_image_data_is_refused_as_truncated() {
    let dir = tempfile::tempdir().unwrap();
    for photo in demo_photos() {
        for (what, len) in [
            (
                "half",
                Box::new(|n: usize| n / 2) as Box<dyn Fn(usize) -> usize>,
            ),
            ("a tenth short", Box::new(|n: usize| n - n / 10)),
        ] {
            let path = cut(dir.path(), &photo, &len);
            for result in [
                probe(&path).map(|_| ()),
                decode_for_display(&path, 4096).map(|_| ()),
            ] {
                match result {
                    Err(MediaError::Truncated { detail, .. }) => {
                        assert_eq!(detail, "the image data ends early", "{path:?} {what}")
                    }
                    other => panic!("{path:?} cut {what}: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn a_progressive_jpeg_without_its_end_marker_is_still_refused() {
    // The decoder cannot tell where a progressive JPEG's data runs out; the
    // frame header alone makes it progressive (SOF2 in place of SOF0).
    let dir = tempfile::tempdir().unwrap();
    let photo = &demo_photos()[0];
    let mut bytes = std::fs::read(photo).unwrap();
    bytes.truncate(bytes.len() - 2);
    let sof0 = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline frame header");
    bytes[sof0 + 1] = 0xC2;
    let path = dir.path().join("progressive.jpg");
    std::fs::write(&path, &bytes).unwrap();
    match probe(&path) {
        Err(MediaError::Truncated { detail, .. }) => {
            assert!(detail.contains("progressive"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
}
