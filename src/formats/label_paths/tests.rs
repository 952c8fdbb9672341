use super::*;

fn matcher(paths: &[&str], format_folders: &[&str]) -> PathMatcher<usize> {
    PathMatcher::new(
        paths.iter().enumerate().map(|(i, p)| (p.to_string(), i)),
        format_folders,
    )
}

fn yolo(paths: &[&str]) -> PathMatcher<usize> {
    matcher(paths, &["images", "labels"])
}

/// The item found and how, or the outcome.
fn found<T: Clone>(m: &PathMatcher<T>, name: &str) -> Option<(T, MatchLevel)> {
    match m.find(name) {
        PathMatch::Found(matched) => Some((matched.value, matched.level)),
        _ => None,
    }
}

use MatchLevel::*;

#[test]
fn an_exact_path_beats_a_key_shared_by_other_extensions() {
    let m = matcher(
        &["formats/one_pixel.jpg", "formats/one_pixel.png"],
        &["images"],
    );
    assert_eq!(found(&m, "formats/one_pixel.png"), Some((1, Exact)));
    assert_eq!(found(&m, "formats/one_pixel.jpg"), Some((0, Exact)));
    assert_eq!(found(&m, "images/formats/one_pixel.png"), Some((1, Key)));
    assert_eq!(
        m.find("formats/one_pixel.gif"),
        PathMatch::Ambiguous(vec![
            "formats/one_pixel.jpg".into(),
            "formats/one_pixel.png".into()
        ])
    );
}

#[test]
fn keys_drop_the_extension_and_the_format_folders() {
    let m = yolo(&["images/train/a.jpg", "images/val/a.jpg", "obj/b.png"]);
    assert_eq!(found(&m, "labels/train/a.txt"), Some((0, Key)));
    assert_eq!(found(&m, "labels/val/a.txt"), Some((1, Key)));
    assert_eq!(found(&m, "obj/b.txt"), Some((2, Key)));
    assert_eq!(found(&m, "LABELS/obj/b.txt"), Some((2, Key)));
}

#[test]
fn a_project_above_the_dataset_matches_by_suffix() {
    let m = yolo(&[
        "ds/images/train/a.jpg",
        "ds/images/val/a.jpg",
        "other/c.jpg",
    ]);
    assert_eq!(found(&m, "labels/train/a.txt"), Some((0, Suffix)));
    assert_eq!(found(&m, "labels/val/a.txt"), Some((1, Suffix)));
    // Suffixes are aligned on folders.
    assert_eq!(m.find("her/c.txt"), PathMatch::NotFound);
}

#[test]
fn a_dataset_above_the_project_matches_inside_the_image_roots_folder_only() {
    let m = yolo(&["0001.jpg", "sub/b.jpg"]).with_root(Path::new("/data/ds/images/train"));
    assert_eq!(found(&m, "labels/train/0001.txt"), Some((0, InsideRoot)));
    assert_eq!(found(&m, "labels/train/sub/b.txt"), Some((1, InsideRoot)));
    assert_eq!(m.find("labels/val/0001.txt"), PathMatch::NotFound);
    assert_eq!(m.find("labels/val/sub/b.txt"), PathMatch::NotFound);
    // The folders further out may differ: another machine's mount point.
    assert_eq!(
        found(&m, "C:\\Users\\me\\ds\\images\\train\\0001.jpg"),
        Some((0, InsideRoot))
    );
    assert_eq!(found(&m, "/mnt/old/train/0001.jpg"), Some((0, InsideRoot)));
    // Without the root, nothing is dropped.
    let m = yolo(&["0001.jpg"]);
    assert_eq!(m.find("labels/train/0001.txt"), PathMatch::NotFound);
}

#[test]
fn roboflow_splits_match_their_own_folder() {
    // train/images/x.jpg and train/labels/x.txt, the project over train/images.
    let m = yolo(&["x.jpg"]).with_root(Path::new("/d/train/images"));
    assert_eq!(found(&m, "train/labels/x.txt"), Some((0, InsideRoot)));
    assert_eq!(m.find("valid/labels/x.txt"), PathMatch::NotFound);
}

#[test]
fn the_image_roots_folder_is_found_through_dot_dot() {
    let m = yolo(&["a.jpg"]).with_root(Path::new("/p/project/../images/train"));
    assert_eq!(found(&m, "labels/train/a.txt"), Some((0, InsideRoot)));
}

#[test]
fn a_bare_name_matches_a_unique_file_name_anywhere() {
    let m = yolo(&[
        "real/bus.jpg",
        "x/car.jpg",
        "y/car.jpg",
        "x/van.jpg",
        "y/van.png",
    ]);
    assert_eq!(found(&m, "bus.jpg"), Some((0, FileName)));
    assert_eq!(
        m.find("car.jpg"),
        PathMatch::Ambiguous(vec!["x/car.jpg".into(), "y/car.jpg".into()])
    );
    assert_eq!(found(&m, "van.png"), Some((4, FileName)));
    assert_eq!(m.find("d.jpg"), PathMatch::NotFound);
}

#[test]
fn a_name_with_a_folder_never_leaves_it() {
    let m = yolo(&["train/a.jpg"]).with_root(Path::new("/ds"));
    assert_eq!(m.find("labels/val/a.txt"), PathMatch::NotFound);
    assert_eq!(found(&m, "labels/train/a.txt"), Some((0, Key)));
}

#[test]
fn each_level_is_tried_for_every_form_before_the_next() {
    // The upload prefix's form finds `a.png` exactly; the form before it would
    // find `3f2a9c1b-a.jpg` by key only.
    let m = matcher(&["3f2a9c1b-a.jpg", "a.png"], &[]);
    assert_eq!(found(&m, "/data/upload/1/3f2a9c1b-a.png"), Some((1, Exact)));
}

#[test]
fn label_studio_urls_find_their_items() {
    let m = matcher(&["real/bus.jpg", "路.jpg", "images/a b.jpg"], &[]);
    assert_eq!(
        found(&m, "/data/local-files/?d=/real/bus.jpg"),
        Some((0, Exact))
    );
    assert_eq!(
        found(&m, "/data/upload/7/3f2a9c1b-%E8%B7%AF.jpg"),
        Some((1, Exact))
    );
    assert_eq!(
        found(
            &m,
            "http://localhost:8080/data/local-files/?d=images/a%20b.jpg"
        ),
        Some((2, Exact))
    );
    assert_eq!(found(&m, "s3://bucket/real/bus.jpg"), Some((0, Exact)));
    // The uploaded file's own name, prefix and all, comes first.
    let m = matcher(&["路.jpg", "3f2a9c1b-路.jpg"], &[]);
    assert_eq!(
        found(&m, "/data/upload/7/3f2a9c1b-%E8%B7%AF.jpg"),
        Some((1, Exact))
    );
}

#[test]
fn the_raw_name_is_tried_before_its_decoding() {
    let m = matcher(&["50% [a].jpg", "50%25.jpg", "50%.jpg"], &[]);
    assert_eq!(found(&m, "50% [a].jpg"), Some((0, Exact)));
    assert_eq!(found(&m, "50%25.jpg"), Some((1, Exact)));
    let m = matcher(&["50%.jpg"], &[]);
    assert_eq!(found(&m, "50%25.jpg"), Some((0, Exact)));
}

#[test]
fn absolute_and_climbing_names_are_only_keys() {
    let m = matcher(&["a.jpg", "sub/b.jpg"], &["images"]);
    assert_eq!(found(&m, "../../images/a.jpg"), Some((0, Key)));
    assert_eq!(found(&m, "/sub/b.jpg"), Some((1, Exact)));
    assert_eq!(found(&m, ".\\sub\\b.jpg"), Some((1, Exact)));
    assert_eq!(m.find("/etc/passwd"), PathMatch::NotFound);
    assert_eq!(m.find("../../etc/passwd"), PathMatch::NotFound);
    assert_eq!(m.find(""), PathMatch::NotFound);
    assert_eq!(m.find("images/"), PathMatch::NotFound);
}

#[test]
fn nfc_and_nfd_names_match() {
    let nfd = "images/cafe\u{301}.jpg";
    let m = yolo(&[nfd]);
    assert_eq!(found(&m, "labels/caf\u{e9}.txt"), Some((0, Key)));
    assert_eq!(found(&m, "images/caf\u{e9}.jpg"), Some((0, Exact)));
}

#[test]
fn found_items_carry_their_path() {
    let m = yolo(&["images/a.jpg"]);
    let PathMatch::Found(matched) = m.find("labels/a.txt") else {
        panic!("a.txt finds a.jpg");
    };
    assert_eq!(matched.path, "images/a.jpg");
}

#[test]
fn escaping_paths_are_named() {
    assert!(relative_problem("../../etc/passwd").is_some());
    assert!(relative_problem("/etc/passwd").is_some());
    assert!(relative_problem("C:\\x.jpg").is_some());
    assert!(relative_problem("a\\..\\..\\b").is_some());
    assert!(relative_problem("images/a.jpg").is_none());
}

#[test]
fn paths_resolve_inside_the_root_only() {
    let root = Path::new("/d/images");
    let base = Path::new("/d/labels/real");
    assert_eq!(
        resolve_in_root(root, base, "../../images/real/bus.jpg"),
        Ok("real/bus.jpg".into())
    );
    assert_eq!(
        resolve_in_root(root, base, "..\\..\\images\\real\\bus.jpg"),
        Ok("real/bus.jpg".into())
    );
    assert_eq!(
        resolve_in_root(root, Path::new("/d/images/sub"), "./a.jpg"),
        Ok("sub/a.jpg".into())
    );
    assert_eq!(
        resolve_in_root(root, base, "/d/images/x/a.jpg"),
        Ok("x/a.jpg".into())
    );
    assert!(resolve_in_root(root, base, "bus.jpg").is_err());
    assert!(resolve_in_root(root, base, "../../../../../../etc/passwd").is_err());
    assert!(resolve_in_root(root, base, "/etc/passwd").is_err());
    assert!(resolve_in_root(root, base, "../../images").is_err());
    assert!(resolve_in_root(root, base, "../../images2/a.jpg").is_err());
    if !cfg!(windows) {
        assert!(resolve_in_root(root, base, "C:\\d\\images\\a.jpg").is_err());
    }
}

#[test]
fn a_name_left_bare_inside_the_image_root_matches_a_unique_file_name() {
    // label-studio-converter wrote `?d=dataset/b.png` for an image the project
    // keeps in dataset/sub/.
    let m = matcher(&["a.png", "sub/b.png"], &[]).with_root(Path::new("/x/dataset"));
    assert_eq!(
        found(&m, "/data/local-files/?d=dataset/b.png"),
        Some((1, FileName))
    );
    assert_eq!(m.find("other/b.png"), PathMatch::NotFound);
}
