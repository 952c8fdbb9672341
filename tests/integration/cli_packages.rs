//! `shugu split` and `shugu merge` through the binary, and their refusals of
//! bad input: a clear message, a non-zero exit, no panic.

use crate::common;
use crate::common::cli::{fails_cleanly, open_when_free, shugu, succeeds};
use crate::common::image_project;
use shugu::model::Shape;
use shugu::model::{BBox, ClassId, Edit, NewAnnotation};
use shugu::project::{Access, Project};
use std::path::Path;

fn add_box(dir: &Path, author: &str, item: usize) {
    let mut p = open_when_free(dir);
    p.set_author(author);
    let item = p.items()[item].id;
    p.apply(Edit::AddAnnotations(vec![NewAnnotation {
        item,
        class: ClassId(1),
        shape: Shape::Rect(BBox::from_corners([1.0, 1.0], [9.0, 9.0])),
        group: None,
        attributes: Default::default(),
    }]))
    .unwrap();
}

fn ten_images() -> common::Fixture {
    let names: Vec<String> = (0..10).map(|i| format!("{i}.jpg")).collect();
    let files: Vec<(&str, u32, u32)> = names.iter().map(|n| (n.as_str(), 20, 20)).collect();
    image_project(&files, &["car"], &[], false)
}

#[test]
fn split_and_merge_round_trip_through_the_binary() {
    let f = ten_images();
    add_box(&f.project, "lead", 0);
    let out = f.root.path().join("out");
    let stdout = succeeds(&shugu([
        "split".as_ref(),
        f.project.as_os_str(),
        "--annotators".as_ref(),
        "ana, bo,陈".as_ref(),
        "--overlap".as_ref(),
        "20%".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]));
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    for name in ["ana", "bo", "陈"] {
        assert!(Project::is_project_dir(&out.join(name)), "{name}");
        add_box(&out.join(name), name, 1);
    }
    let packages = ["ana", "bo", "陈"].map(|n| out.join(n));
    let merge = |packages: &[std::path::PathBuf]| {
        let mut args = vec!["merge".into(), f.project.clone().into_os_string()];
        args.extend(packages.iter().map(|p| p.clone().into_os_string()));
        shugu(args)
    };
    let stdout = succeeds(&merge(&packages));
    assert!(stdout.contains("ana"), "{stdout}");
    let count = || {
        Project::open(&f.project, Access::ReadOnly)
            .unwrap()
            .all_annotations()
            .unwrap()
            .len()
    };
    // The carried box once, and one new box from each package's first item
    // (an item two packages share counts once).
    let after = count();
    assert!(after >= 2, "{after}");
    succeeds(&merge(&packages));
    assert_eq!(count(), after, "merging twice adds nothing");
}

#[test]
fn bad_input_is_refused_clearly() {
    let f = ten_images();
    let out = f.root.path().join("out");
    let run = |dir: &Path, annotators: &str, overlap: &str| {
        shugu([
            "split".as_ref(),
            dir.as_os_str(),
            "--annotators".as_ref(),
            annotators.as_ref(),
            "--overlap".as_ref(),
            overlap.as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ])
    };
    let missing = f.root.path().join("nowhere");
    let err = fails_cleanly(&run(&missing, "a,b", "10%"));
    assert!(
        err.contains("nowhere") && err.contains("no Shugu project"),
        "{err}"
    );
    let err = fails_cleanly(&run(&f.project, " , ", "10%"));
    assert!(err.contains("no annotators"), "{err}");
    let err = fails_cleanly(&run(&f.project, "a,b", "150%"));
    assert!(err.contains("outside 0–100%"), "{err}");
    let err = fails_cleanly(&run(&f.project, "a,b", "lots"));
    assert!(err.contains("not a percentage"), "{err}");
    let err = fails_cleanly(&run(&f.project, "a,a", "10%"));
    assert!(err.contains("named twice"), "{err}");
    let err = fails_cleanly(&run(&f.project, "a", "10%"));
    assert!(err.contains("at least two annotators"), "{err}");
    assert!(!out.exists(), "nothing is written for bad input");

    // A package of another project, a project that is no package, a missing folder.
    let other = ten_images();
    let other_out = other.root.path().join("out");
    succeeds(&shugu([
        "split".as_ref(),
        other.project.as_os_str(),
        "--annotators".as_ref(),
        "x,y".as_ref(),
        "-o".as_ref(),
        other_out.as_os_str(),
    ]));
    let merge =
        |package: &Path| shugu(["merge".as_ref(), f.project.as_os_str(), package.as_os_str()]);
    let err = fails_cleanly(&merge(&other_out.join("x")));
    assert!(err.contains("not of") && err.contains("x"), "{err}");
    let err = fails_cleanly(&merge(&other.project));
    assert!(err.contains("not a work package"), "{err}");
    let err = fails_cleanly(&merge(&missing));
    assert!(err.contains("nowhere"), "{err}");
    let err = fails_cleanly(&shugu(["merge".as_ref(), f.project.as_os_str()]));
    assert!(err.contains("PACKAGES"), "{err}");
}
