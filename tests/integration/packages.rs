//! Work packages through the project API: split a project into per-annotator
//! packages, label them as the annotators would, merge them back, and check
//! that nothing is lost, nothing duplicated, conflicts flagged, and the
//! agreement and golden figures come out as computed by hand.

use crate::common;
use crate::common::image_project;
use shugu::jobs::packages::{SplitOptions, merge_packages, split_project};
use shugu::model::Shape;
use shugu::model::{
    Annotation, AnnotationId, BBox, ClassId, Edit, ItemId, ItemStatus, LabelId, LabelSchema,
    NewAnnotation, NewSpan, PackageRole, TextDoc, VersionKind, annotation_key,
};
use shugu::project::{Access, NewTextItem, Project};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

const CAR: ClassId = ClassId(1);
const PERSON: ClassId = ClassId(2);

fn bx(x0: f32, y0: f32, x1: f32, y1: f32) -> BBox {
    BBox::from_corners([x0, y0], [x1, y1])
}

fn open(dir: &Path, author: &str) -> Project {
    let mut p = Project::open(dir, Access::ReadWrite).unwrap();
    p.set_author(author);
    p
}

fn add_box(p: &mut Project, item: ItemId, class: ClassId, bbox: BBox) -> AnnotationId {
    p.apply(Edit::AddAnnotations(vec![NewAnnotation {
        item,
        class,
        shape: Shape::Rect(bbox),
        group: None,
        attributes: Default::default(),
    }]))
    .unwrap()
    .created[0]
}

fn split(source: &Path, names: &[&str], overlap: f64, out: &Path) -> Vec<PathBuf> {
    let mut project = open(source, "lead");
    project.identity().unwrap();
    let options = SplitOptions {
        annotators: names.iter().map(|s| s.to_string()).collect(),
        overlap_percent: overlap,
        out_dir: out.to_path_buf(),
    };
    split_project(&project, &options, |_| {})
        .unwrap()
        .into_iter()
        .map(|m| m.dir)
        .collect()
}

fn merge(source: &Path, packages: &[PathBuf]) -> Vec<shugu::jobs::packages::PackageMerged> {
    let mut project = open(source, "lead");
    merge_packages(&mut project, packages).unwrap()
}

/// A package's items: path → (package id, role).
fn roles(package: &Path) -> HashMap<String, (ItemId, PackageRole)> {
    let p = Project::open(package, Access::ReadOnly).unwrap();
    p.package_items()
        .unwrap()
        .into_iter()
        .map(|(id, role, _)| (p.item(id).unwrap().rel_path.clone(), (id, role)))
        .collect()
}

/// Everything a merge could change, for "merging twice changes nothing".
fn state(dir: &Path) -> String {
    let p = Project::open(dir, Access::ReadOnly).unwrap();
    let comments: Vec<_> = p
        .items()
        .iter()
        .map(|i| p.comments(i.id).unwrap())
        .collect();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}",
        p.all_annotations().unwrap(),
        p.all_spans().unwrap(),
        p.items(),
        p.item_versions().unwrap(),
        comments,
        p.history(None, 100_000).unwrap().len()
    )
}

#[test]
fn split_then_merge_brings_every_annotation_back_once() {
    let files: Vec<(String, u32, u32)> = (0..33)
        .map(|i| (format!("img{i:02}.jpg"), 40, 30))
        .collect();
    let files: Vec<(&str, u32, u32)> = files.iter().map(|(n, w, h)| (n.as_str(), *w, *h)).collect();
    let f = image_project(&files, &["car", "person"], &[], false);
    let mut source = open(&f.project, "lead");
    let items: Vec<ItemId> = source.items().iter().map(|i| i.id).collect();
    let path_of: HashMap<ItemId, String> = source
        .items()
        .iter()
        .map(|i| (i.id, i.rel_path.clone()))
        .collect();
    let mut carried = Vec::new();
    for &item in &items[..15] {
        carried.push(add_box(&mut source, item, CAR, bx(1.0, 1.0, 11.0, 11.0)));
    }
    // An id given out and deleted: packages must still start above it.
    let gone = add_box(&mut source, items[20], CAR, bx(0.0, 0.0, 5.0, 5.0));
    source.apply(Edit::DeleteAnnotations(vec![gone])).unwrap();
    drop(source);

    let out = f.root.path().join("packages");
    let packages = split(&f.project, &["ana", "bo", "chen"], 10.0, &out);
    assert_eq!(packages, ["ana", "bo", "chen"].map(|n| out.join(n)));

    // Assignment: everything somewhere, 3 overlap items in exactly two packages.
    let all_roles: Vec<_> = packages.iter().map(|p| roles(p)).collect();
    let mut count: HashMap<&str, Vec<PackageRole>> = HashMap::new();
    for r in &all_roles {
        for (path, (_, role)) in r {
            count.entry(path.as_str()).or_default().push(*role);
        }
    }
    assert_eq!(count.len(), 33);
    let overlap: HashSet<&str> = count
        .iter()
        .filter(|(_, r)| r.contains(&PackageRole::Overlap))
        .map(|(p, _)| *p)
        .collect();
    assert_eq!(overlap.len(), 3);
    for (path, r) in &count {
        let want = if overlap.contains(path) { 2 } else { 1 };
        assert_eq!(r.len(), want, "{path}: {r:?}");
    }
    let sizes: Vec<usize> = all_roles.iter().map(HashMap::len).collect();
    assert!(
        sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
        "{sizes:?}"
    );

    // Packages reference the same images, relatively, and carry the boxes with their ids.
    for pkg in &packages {
        let p = Project::open(pkg, Access::ReadOnly).unwrap();
        assert!(Path::new(&p.manifest().image_root).is_relative());
        assert_eq!(
            std::fs::canonicalize(p.image_root()).unwrap(),
            std::fs::canonicalize(&f.images).unwrap()
        );
        let info = p.package_info().unwrap().unwrap();
        assert_eq!(info.annotation_floor, gone.0);
        for b in p.all_annotations().unwrap() {
            assert!(carried.contains(&b.id));
            assert_eq!(b.provenance.author, "lead");
        }
    }

    // Each annotator labels their package: a person box on every item, submitted.
    let mut new_boxes: HashMap<String, Vec<Annotation>> = HashMap::new();
    for (pkg, name) in packages.iter().zip(["ana", "bo", "chen"]) {
        let mut p = open(pkg, name);
        let ids: Vec<ItemId> = p.items().iter().map(|i| i.id).collect();
        for item in ids {
            let id = add_box(&mut p, item, PERSON, bx(20.0, 5.0, 30.0, 25.0));
            assert!(id.0 > gone.0, "new ids are above the source's");
            new_boxes
                .entry(name.to_string())
                .or_default()
                .push(p.annotation(id).unwrap().unwrap());
            p.apply(Edit::SetStatus {
                item,
                status: ItemStatus::Submitted,
            })
            .unwrap();
        }
    }
    // ana moves a carried box on an item of hers alone, bo deletes one.
    let carried_on = |pkg: usize| -> (ItemId, AnnotationId) {
        let p = Project::open(&packages[pkg], Access::ReadOnly).unwrap();
        let car = |item: ItemId| {
            p.annotations(item)
                .unwrap()
                .into_iter()
                .find(|b| b.class == CAR)
        };
        let (item, b) = all_roles[pkg]
            .values()
            .filter(|(_, r)| *r == PackageRole::Assigned)
            .find_map(|(item, _)| car(*item).map(|b| (*item, b)))
            .expect("a carried box on an assigned item");
        (item, b.id)
    };
    let (_, moved) = carried_on(0);
    open(&packages[0], "ana")
        .apply(Edit::SetShape {
            id: moved,
            shape: Shape::Rect(bx(2.0, 2.0, 12.0, 12.0)),
        })
        .unwrap();
    let (_, deleted) = carried_on(1);
    open(&packages[1], "bo")
        .apply(Edit::DeleteAnnotations(vec![deleted]))
        .unwrap();

    let merged = merge(&f.project, &packages);
    assert!(merged.iter().all(|m| m.conflicts.is_empty()), "{merged:?}");
    let source = Project::open(&f.project, Access::ReadOnly).unwrap();
    let boxes = source.all_annotations().unwrap();
    // Carried boxes: once each, the moved one moved, the deleted one gone.
    for id in &carried {
        let n = boxes.iter().filter(|b| b.id == *id).count();
        assert_eq!(n, usize::from(*id != deleted), "box {id}");
    }
    assert_eq!(
        boxes.iter().find(|b| b.id == moved).unwrap().bounds(),
        bx(2.0, 2.0, 12.0, 12.0)
    );
    // New boxes: one per item, by the package's annotator with its time; on an
    // overlap item the first annotator by name wins and both versions are kept.
    let persons: Vec<&Annotation> = boxes.iter().filter(|b| b.class == PERSON).collect();
    assert_eq!(persons.len(), 33);
    let keys: HashSet<_> = boxes.iter().map(|b| (b.item, annotation_key(b))).collect();
    assert_eq!(keys.len(), boxes.len(), "no duplicates");
    for b in &persons {
        let path = &path_of[&b.item];
        let author = &b.provenance.author;
        let made = new_boxes[author.as_str()]
            .iter()
            .find(|n| n.provenance.created_ms == b.provenance.created_ms)
            .expect("the package's own box");
        assert_eq!(made.bounds(), b.bounds());
        let holders: Vec<&str> = ["ana", "bo", "chen"]
            .into_iter()
            .zip(&all_roles)
            .filter(|(_, r)| r.contains_key(path))
            .map(|(n, _)| n)
            .collect();
        assert_eq!(author, holders[0], "{path}");
    }
    for item in source.items() {
        assert_eq!(item.status, ItemStatus::Submitted, "{}", item.rel_path);
    }
    let versions = source.item_versions().unwrap();
    assert_eq!(versions.len(), 6);
    assert!(versions.iter().all(|v| v.kind == VersionKind::Overlap));
    drop(source);

    // Merging again changes nothing, not even the audit trail.
    let before = state(&f.project);
    merge(&f.project, &packages);
    assert_eq!(state(&f.project), before);

    // A conflict: the reviewer and chen both change the same item of chen's.
    let (path, (pkg_item, _)) = all_roles[2]
        .iter()
        .find(|(_, (_, r))| *r == PackageRole::Assigned)
        .unwrap();
    let src_item = *path_of.iter().find(|(_, p)| p == &path).unwrap().0;
    let reviewer_box = add_box(
        &mut open(&f.project, "rev"),
        src_item,
        CAR,
        bx(3.0, 3.0, 9.0, 9.0),
    );
    add_box(
        &mut open(&packages[2], "chen"),
        *pkg_item,
        CAR,
        bx(30.0, 20.0, 39.0, 29.0),
    );
    let merged = merge(&f.project, &packages[2..]);
    assert_eq!(merged[0].conflicts, vec![path.clone()]);
    let source = Project::open(&f.project, Access::ReadOnly).unwrap();
    let on_item = source.annotations(src_item).unwrap();
    assert!(
        on_item.iter().any(|b| b.id == reviewer_box),
        "the project's state is kept"
    );
    assert!(
        !on_item
            .iter()
            .any(|b| b.bounds() == bx(30.0, 20.0, 39.0, 29.0))
    );
    let kept = source.item_versions().unwrap();
    let conflict = kept
        .iter()
        .find(|v| v.kind == VersionKind::Conflict && v.item == src_item)
        .expect("chen's version is kept");
    assert_eq!(conflict.annotator, "chen");
    assert!(
        conflict
            .body
            .annotations
            .iter()
            .any(|b| b.bounds() == bx(30.0, 20.0, 39.0, 29.0))
    );
    let comments = source.comments(src_item).unwrap();
    assert_eq!(comments.len(), 1);
    assert!(comments[0].body.contains("conflict") && comments[0].body.contains("chen"));
    drop(source);
    // Flagged once, however often it is merged.
    let before = state(&f.project);
    merge(&f.project, &packages[2..]);
    assert_eq!(state(&f.project), before);
}

fn text_item(i: usize, text: &str) -> NewTextItem {
    NewTextItem {
        rel_path: format!("reviews.jsonl:{i}"),
        doc: TextDoc {
            ext_id: Some(format!("r{i}")),
            text: text.to_string(),
            meta: None,
        },
    }
}

#[test]
fn text_projects_split_and_merge_with_spans() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("评论");
    let mut schema = LabelSchema::with_classes(&["PRODUCT", "ORIGIN"]);
    schema.add_image_label("好评");
    let mut source = Project::create_text(&dir, "评论", schema).unwrap();
    source.set_author("lead");
    let texts: Vec<NewTextItem> = (0..10).map(|i| text_item(i, "贵州𠮷猕猴桃好吃")).collect();
    let ids = source.add_text_items(&texts).unwrap();
    let carried = source
        .apply(Edit::AddSpans(
            ids.iter()
                .map(|&item| NewSpan {
                    item,
                    class: ClassId(2),
                    start: 0,
                    end: 2,
                })
                .collect(),
        ))
        .unwrap()
        .created_spans;
    drop(source);
    let out = tmp.path().join("out");
    let packages = split(&dir, &["li", "wang"], 20.0, &out);
    for (pkg, name) in packages.iter().zip(["li", "wang"]) {
        let mut p = open(pkg, name);
        assert_eq!(
            p.all_texts().unwrap().len(),
            p.items().len(),
            "texts are copied"
        );
        assert_eq!(
            p.text(p.items()[0].id).unwrap().unwrap().text,
            "贵州𠮷猕猴桃好吃"
        );
        let items: Vec<ItemId> = p.items().iter().map(|i| i.id).collect();
        for item in items {
            p.apply(Edit::AddSpans(vec![NewSpan {
                item,
                class: ClassId(1),
                start: 2,
                end: 6,
            }]))
            .unwrap();
        }
    }
    // li deletes a carried span on an item of hers alone.
    let li_roles = roles(&packages[0]);
    let (li_item, _) = li_roles
        .values()
        .find(|(_, r)| *r == PackageRole::Assigned)
        .unwrap();
    let mut li = open(&packages[0], "li");
    let dropped = li
        .spans(*li_item)
        .unwrap()
        .iter()
        .find(|s| s.class == ClassId(2))
        .unwrap()
        .span_ref();
    li.apply(Edit::DeleteSpans(vec![dropped])).unwrap();
    drop(li);

    merge(&dir, &packages);
    let source = Project::open(&dir, Access::ReadOnly).unwrap();
    let spans = source.all_spans().unwrap();
    for id in &carried {
        let n = spans.iter().filter(|s| s.id == *id).count();
        assert_eq!(n, usize::from(*id != dropped.id), "span {id}");
    }
    let products: Vec<_> = spans.iter().filter(|s| s.class == ClassId(1)).collect();
    assert_eq!(
        products.len(),
        10,
        "one new span per text, overlap ones once"
    );
    assert!(
        products
            .iter()
            .all(|s| ["li", "wang"].contains(&s.provenance.author.as_str()))
    );
    // 2 overlap texts, each with both versions.
    assert_eq!(source.item_versions().unwrap().len(), 4);
    let report = source.agreement_report().unwrap();
    assert_eq!(report.overlap_items, 2);
    assert_eq!(report.pairs[0].f1, Some(1.0), "both drew the same spans");
    drop(source);
    let before = state(&dir);
    merge(&dir, &packages);
    assert_eq!(state(&dir), before);
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("a figure");
    assert!((a - b).abs() < 1e-9, "{a} is not {b}");
}

#[test]
fn agreement_and_golden_accuracy_match_hand_computed_values() {
    let f = image_project(
        &[
            ("1.jpg", 100, 100),
            ("2.jpg", 100, 100),
            ("3.jpg", 100, 100),
            ("4.jpg", 100, 100),
        ],
        &["car", "person"],
        &["day", "night"],
        false,
    );
    let (day, night) = (LabelId(1), LabelId(2));
    let mut source = open(&f.project, "lead");
    let items: Vec<ItemId> = source.items().iter().map(|i| i.id).collect();
    // Item 4 is golden: one car, the trusted answer. Golden is an edit with undo.
    add_box(&mut source, items[3], CAR, bx(0.0, 0.0, 20.0, 20.0));
    source
        .apply(Edit::SetGolden {
            item: items[3],
            golden: true,
        })
        .unwrap();
    source.undo().unwrap();
    assert!(source.golden_items().unwrap().is_empty());
    source.redo().unwrap();
    assert_eq!(source.golden_items().unwrap(), vec![items[3]]);
    drop(source);

    let out = f.root.path().join("out");
    let packages = split(&f.project, &["a", "b"], 100.0, &out);
    for pkg in &packages {
        let r = roles(pkg);
        assert_eq!(r.len(), 4);
        let p = Project::open(pkg, Access::ReadOnly).unwrap();
        let (golden, _) = r["4.jpg"];
        assert_eq!(r["4.jpg"].1, PackageRole::Golden);
        assert!(
            p.annotations(golden).unwrap().is_empty(),
            "the answer is hidden"
        );
    }
    // (item, boxes, label) per annotator.
    type Work = Vec<(&'static str, Vec<(ClassId, BBox)>, Option<LabelId>)>;
    let a: Work = vec![
        ("1.jpg", vec![(CAR, bx(0.0, 0.0, 10.0, 10.0))], Some(day)),
        (
            "2.jpg",
            vec![
                (CAR, bx(0.0, 0.0, 10.0, 10.0)),
                (PERSON, bx(20.0, 20.0, 30.0, 30.0)),
            ],
            Some(night),
        ),
        ("3.jpg", vec![], Some(night)),
        ("4.jpg", vec![(CAR, bx(0.0, 0.0, 20.0, 20.0))], None),
    ];
    let b: Work = vec![
        // IoU 81/100 with a's car.
        ("1.jpg", vec![(CAR, bx(1.0, 1.0, 10.0, 10.0))], Some(day)),
        ("2.jpg", vec![(CAR, bx(50.0, 50.0, 60.0, 60.0))], Some(day)),
        ("3.jpg", vec![], Some(night)),
        // IoU 100/700 with the answer: no match.
        ("4.jpg", vec![(CAR, bx(10.0, 10.0, 30.0, 30.0))], None),
    ];
    for (pkg, (name, work)) in packages.iter().zip([("a", a), ("b", b)]) {
        let mut p = open(pkg, name);
        let r = roles(pkg);
        for (path, boxes, label) in work {
            let item = r[path].0;
            for (class, bbox) in boxes {
                add_box(&mut p, item, class, bbox);
            }
            if let Some(l) = label {
                p.apply(Edit::SetImageLabels {
                    item,
                    labels: vec![l],
                })
                .unwrap();
            }
        }
    }
    merge(&f.project, &packages);
    let source = Project::open(&f.project, Access::ReadOnly).unwrap();
    // The trusted answer is untouched; both answers are kept.
    let answer = source.annotations(items[3]).unwrap();
    assert_eq!(answer.len(), 1);
    assert_eq!(answer[0].provenance.author, "lead");
    let q = source.annotator_quality().unwrap();
    assert_eq!(
        q.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    for x in &q {
        assert_eq!(x.overlap_items, 3);
        // Item F1s 1, 0 and 1 (both empty): mean 2/3.
        close(x.agreement_f1, 2.0 / 3.0);
        close(x.mean_similarity, 0.81);
        // Labels (day, day), (night, day), (night, night): observed 2/3,
        // chance 1/3·2/3 + 2/3·1/3 = 4/9, kappa (2/3 − 4/9)/(1 − 4/9) = 0.4.
        close(x.kappa, 0.4);
        assert_eq!(x.golden_items, 1);
    }
    close(q[0].golden_accuracy, 1.0);
    close(q[1].golden_accuracy, 0.0);
    let report = source.agreement_report().unwrap();
    assert_eq!(report.overlap_items, 3);
    assert_eq!(report.golden_items, 1);
    assert_eq!(report.pairs.len(), 1);
    assert_eq!(
        (
            report.pairs[0].first.as_str(),
            report.pairs[0].second.as_str()
        ),
        ("a", "b")
    );
    assert_eq!(report.pairs[0].items, 3);
    close(report.pairs[0].f1, 2.0 / 3.0);
    close(report.pairs[0].kappa, 0.4);
    close(report.mean_f1, 2.0 / 3.0);
}

#[test]
fn a_merge_brings_the_packages_audit_trail_and_pace_figures_along() {
    let files: Vec<(String, u32, u32)> = (0..6).map(|i| (format!("img{i}.jpg"), 40, 30)).collect();
    let refs: Vec<(&str, u32, u32)> = files.iter().map(|(n, w, h)| (n.as_str(), *w, *h)).collect();
    let f = common::image_project(&refs, &["car"], &[], false);
    let out = f.root.path().join("packages");
    let packages = split(&f.project, &["li", "wang"], 0.0, &out);

    let mut li = open(&packages[0], "li");
    let mine: Vec<(ItemId, String)> = li
        .items()
        .iter()
        .map(|i| (i.id, i.rel_path.clone()))
        .collect();
    for (item, _) in &mine {
        add_box(&mut li, *item, ClassId(1), bx(1.0, 1.0, 9.0, 9.0));
        li.apply(Edit::SetStatus {
            item: *item,
            status: ItemStatus::Submitted,
        })
        .unwrap();
    }
    drop(li);
    merge(&f.project, &packages);

    let source = Project::open(&f.project, Access::ReadOnly).unwrap();
    let pace = source.stats().unwrap().throughput;
    assert_eq!(pace.len(), 1, "{pace:?}");
    assert_eq!(
        (pace[0].name.as_str(), pace[0].submitted),
        ("li", mine.len())
    );
    let (_, path) = &mine[0];
    let item = source
        .items()
        .iter()
        .find(|i| &i.rel_path == path)
        .unwrap()
        .id;
    let trail = source.history(Some(item), 100).unwrap();
    let kinds: Vec<(&str, &str)> = trail
        .iter()
        .map(|e| (e.kind.as_str(), e.author.as_str()))
        .collect();
    assert!(kinds.contains(&("set_status", "li")), "{kinds:?}");
    assert!(kinds.contains(&("add_annotations", "li")), "{kinds:?}");
    let submitted = trail.iter().find(|e| e.kind == "set_status").unwrap();
    let detail: serde_json::Value = serde_json::from_str(&submitted.detail).unwrap();
    assert_eq!(detail["package"], "li");
    assert_eq!(detail["edit"]["SetStatus"]["status"], "submitted");
    drop(source);

    let before = state(&f.project);
    merge(&f.project, &packages);
    assert_eq!(state(&f.project), before, "the trail is not copied twice");
}

/// Merging several packages is one transaction and one step of undo: when the
/// second package fails half-way (an item the project does not have), nothing
/// of the first is kept, its audit trail included; when all succeed, one undo
/// takes every package's work back out.
#[test]
fn a_merge_of_several_packages_is_all_or_nothing_and_one_undo() {
    let files: Vec<(String, u32, u32)> = (0..6).map(|i| (format!("img{i}.jpg"), 40, 30)).collect();
    let refs: Vec<(&str, u32, u32)> = files.iter().map(|(n, w, h)| (n.as_str(), *w, *h)).collect();
    let f = common::image_project(&refs, &["car"], &[], false);
    let out = f.root.path().join("packages");
    let packages = split(&f.project, &["li", "wang"], 0.0, &out);
    for (package, who) in packages.iter().zip(["li", "wang"]) {
        let mut p = open(package, who);
        let items: Vec<ItemId> = p.items().iter().map(|i| i.id).collect();
        for item in items {
            add_box(&mut p, item, CAR, bx(1.0, 1.0, 9.0, 9.0));
        }
    }
    let before = state(&f.project);

    // Wang's package names an item the project lost since the split.
    let broken = f.root.path().join("broken");
    common::cli::copy_dir(&packages[1], &broken);
    let conn = rusqlite::Connection::open(broken.join("shugu.db")).unwrap();
    conn.execute(
        "UPDATE items SET rel_path = 'gone.jpg' WHERE id = (SELECT MAX(id) FROM items)",
        [],
    )
    .unwrap();
    drop(conn);
    let mut project = open(&f.project, "lead");
    let failed = merge_packages(&mut project, &[packages[0].clone(), broken]);
    let message = failed
        .expect_err("the second package names a missing item")
        .to_string();
    assert!(message.contains("gone.jpg"), "{message}");
    assert!(
        project.all_annotations().unwrap().is_empty(),
        "nothing of li's package is kept"
    );
    assert!(!project.can_undo());
    drop(project);
    assert_eq!(
        state(&f.project),
        before,
        "nothing stored, the trail included"
    );

    let mut project = open(&f.project, "lead");
    let merged = merge_packages(&mut project, &packages).unwrap();
    assert_eq!(merged.len(), 2);
    assert_eq!(project.all_annotations().unwrap().len(), 6);
    project.undo().unwrap();
    assert!(
        project.all_annotations().unwrap().is_empty(),
        "one undo takes both back"
    );
    assert!(!project.can_undo());
    project.redo().unwrap();
    assert_eq!(project.all_annotations().unwrap().len(), 6);
}

#[test]
fn shapes_go_through_a_package_and_agreement_compares_them() {
    use shugu::model::{Keypoint, Point, Polygon, ShapeKind, Visibility};
    let f = image_project(
        &[("1.jpg", 100, 100), ("2.jpg", 100, 100)],
        &["region", "hand"],
        &[],
        false,
    );
    let hand = ClassId(2);
    let triangle = |tip: f32| {
        Shape::Polygon(Polygon::new(vec![
            Point::new(10.0, 10.0),
            Point::new(50.0, 10.0),
            Point::new(30.0, tip),
        ]))
    };
    let pose = |dx: f32| {
        Shape::Keypoints(vec![
            Keypoint::new(20.0 + dx, 20.0, Visibility::Visible),
            Keypoint::new(60.0 + dx, 70.0, Visibility::Visible),
        ])
    };
    let mut source = open(&f.project, "lead");
    source
        .update_schema(|s| {
            s.classes[1].shapes = vec![ShapeKind::Keypoints];
            s.classes[1].keypoints = vec!["wrist".into(), "tip".into()];
        })
        .unwrap();
    let items: Vec<ItemId> = source.items().iter().map(|i| i.id).collect();
    let carried = source
        .apply(Edit::AddAnnotations(vec![NewAnnotation::new(
            items[0],
            CAR,
            triangle(40.0),
        )]))
        .unwrap()
        .created[0];
    drop(source);

    let out = f.root.path().join("out");
    let packages = split(&f.project, &["a", "b"], 100.0, &out);
    for (pkg, (name, tip, dx)) in packages.iter().zip([("a", 50.0, 0.0), ("b", 40.0, 2.0)]) {
        let mut p = open(pkg, name);
        let r = roles(pkg);
        let (first, second) = (r["1.jpg"].0, r["2.jpg"].0);
        let on_first = p.annotations(first).unwrap();
        assert_eq!(on_first[0].id, carried, "carried under its id");
        if tip != 40.0 {
            // One vertex dragged: one edit of the shape.
            p.apply(Edit::SetShape {
                id: carried,
                shape: triangle(tip),
            })
            .unwrap();
        }
        p.apply(Edit::AddAnnotations(vec![NewAnnotation::new(
            second,
            hand,
            pose(dx),
        )]))
        .unwrap();
    }
    merge(&f.project, &packages);
    let source = Project::open(&f.project, Access::ReadOnly).unwrap();
    let versions = source.item_versions().unwrap();
    let of = |item: ItemId, who: &str| {
        versions
            .iter()
            .find(|v| v.item == item && v.annotator == who)
            .unwrap_or_else(|| panic!("{who}'s version of {item}"))
            .body
            .annotations
            .iter()
            .map(|a| a.shape.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(of(items[0], "a"), [triangle(50.0)]);
    assert_eq!(of(items[0], "b"), [triangle(40.0)]);
    assert_eq!(of(items[1], "a"), [pose(0.0)]);
    assert_eq!(of(items[1], "b"), [pose(2.0)]);

    // Agreement: the triangles by IoU, the poses by OKS with the default sigma.
    let iou = triangle(50.0).iou(&triangle(40.0)).unwrap();
    let oks = pose(0.0).similarity(&pose(2.0), &[0.1, 0.1]).unwrap();
    assert!(iou > 0.5 && oks > 0.5, "both pairs match: {iou} {oks}");
    let report = source.agreement_report().unwrap();
    assert_eq!(report.overlap_items, 2);
    close(report.pairs[0].f1, 1.0);
    close(report.pairs[0].mean_similarity, (iou + oks) / 2.0);
}
