//! `ImageLoader` against a real (headless) egui context: loads on worker threads, caches
//! failures, evicts by bytes, downscales to the GPU limit.

use crate::media_fixtures;

use eframe::egui;
use image::{DynamicImage, RgbImage};
use media_fixtures::*;
use shugu::media::{ImageLoader, LoadState};
use std::path::Path;

/// Requests `key` until it is no longer loading (at most 10 s).
fn wait(loader: &mut ImageLoader, key: u64, path: &Path) -> LoadState {
    poll(|| match loader.request(key, path.to_path_buf()) {
        LoadState::Loading => None,
        done => Some(done),
    })
    .expect("the load finished within 10 s")
}

#[test]
fn loads_a_jpeg_off_the_calling_thread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "photo.jpg", &jpeg_bytes(&photo(64, 48), 90));
    let mut loader = ImageLoader::new(egui::Context::default(), 64 << 20);
    // The first request cannot be ready yet: decoding happens elsewhere.
    assert!(matches!(
        loader.request(1, path.clone()),
        LoadState::Loading
    ));
    match wait(&mut loader, 1, &path) {
        LoadState::Ready {
            texture,
            full_width,
            full_height,
            ..
        } => {
            assert_eq!((full_width, full_height), (64, 48));
            assert_eq!(texture.size(), [64, 48]);
        }
        other => panic!("expected Ready, got {other:?}"),
    }
    assert_eq!(loader.cached_bytes(), 64 * 48 * 4);
}

#[test]
fn broken_file_fails_with_its_message_and_is_not_retried() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "broken.jpg", b"");
    let mut loader = ImageLoader::new(egui::Context::default(), 64 << 20);
    match wait(&mut loader, 7, &path) {
        LoadState::Failed(message) => {
            assert_eq!(
                message,
                format!("{}: file is empty (0 bytes)", path.display())
            );
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    // Fix the file behind the loader's back: the cached failure is still reported,
    // proving it is not decoded again every frame...
    write(dir.path(), "broken.jpg", &jpeg_bytes(&photo(8, 8), 90));
    assert!(matches!(
        loader.request(7, path.clone()),
        LoadState::Failed(_)
    ));
    // ...until the caller says the file changed.
    loader.forget(7);
    assert!(matches!(
        wait(&mut loader, 7, &path),
        LoadState::Ready { .. }
    ));
}

#[test]
fn least_recently_used_texture_is_evicted_under_a_small_budget() {
    let dir = tempfile::tempdir().expect("temp dir");
    let jpeg = jpeg_bytes(&photo(64, 48), 90);
    let one = 64 * 48 * 4;
    let paths: Vec<_> = (0..3)
        .map(|i| write(dir.path(), &format!("{i}.jpg"), &jpeg))
        .collect();
    // Room for two textures, not three.
    let mut loader = ImageLoader::new(egui::Context::default(), 2 * one + one / 2);
    for (key, path) in paths.iter().enumerate() {
        assert!(matches!(
            wait(&mut loader, key as u64, path),
            LoadState::Ready { .. }
        ));
    }
    assert_eq!(loader.cached_bytes(), 2 * one);
    // Key 0 was the least recently used, so it is gone and loads again; 2 is still there.
    assert!(matches!(
        loader.request(2, paths[2].clone()),
        LoadState::Ready { .. }
    ));
    assert!(matches!(
        loader.request(0, paths[0].clone()),
        LoadState::Loading
    ));
}

#[test]
fn visible_image_is_kept_even_if_larger_than_the_budget() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "big.jpg", &jpeg_bytes(&photo(64, 48), 90));
    let mut loader = ImageLoader::new(egui::Context::default(), 1);
    assert!(matches!(
        wait(&mut loader, 1, &path),
        LoadState::Ready { .. }
    ));
    assert!(matches!(
        loader.request(1, path.clone()),
        LoadState::Ready { .. }
    ));
}

#[test]
fn prefetched_image_is_ready_when_requested() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "next.jpg", &jpeg_bytes(&photo(32, 32), 90));
    let mut loader = ImageLoader::new(egui::Context::default(), 64 << 20);
    loader.prefetch(5, path.clone());
    let ready = poll(|| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        (loader.cached_bytes() > 0).then_some(())
    });
    assert!(
        ready.is_some(),
        "the prefetch completed without any request"
    );
    assert!(matches!(loader.request(5, path), LoadState::Ready { .. }));
}

#[test]
fn images_are_downscaled_to_the_max_texture_side() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ctx = egui::Context::default();
    let mut loader = ImageLoader::new(ctx, 256 << 20);
    let side = loader.max_texture_side();
    assert!(
        side >= 1024,
        "egui reports a usable texture size, got {side}"
    );
    let wide = DynamicImage::ImageRgb8(RgbImage::new(side + 1000, 10));
    let path = write(dir.path(), "wide.png", &png_bytes(&wide));
    match wait(&mut loader, 1, &path) {
        LoadState::Ready {
            texture,
            full_width,
            full_height,
            ..
        } => {
            assert_eq!((full_width, full_height), (side + 1000, 10));
            assert_eq!(texture.size()[0], side as usize);
        }
        other => panic!("expected Ready, got {other:?}"),
    }
}

#[test]
fn dropping_the_loader_stops_its_threads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "a.jpg", &jpeg_bytes(&photo(16, 16), 90));
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut loader = ImageLoader::new(egui::Context::default(), 1 << 20);
        for key in 0..50 {
            loader.prefetch(key, path.clone());
        }
        drop(loader); // joins the workers
        let _ = done_tx.send(());
    });
    assert!(
        done_rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .is_ok(),
        "drop returned: workers stopped"
    );
}
