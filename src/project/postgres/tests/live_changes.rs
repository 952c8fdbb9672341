//! Another workstation's changes taken in as they are heard (issue 16):
//! the items' statuses, items added since the list was read, and the label
//! schema, each within a second.

use super::super::{Change, RoleKind};
use super::{add_items, team};
use crate::model::{BBox, ClassId, Edit, ItemStatus, NewAnnotation, Shape};
use crate::project::{LiveFeed, Project};
use std::time::{Duration, Instant};

/// Waits for changes on `feed` and takes them into `project`, until
/// `done` holds; fails after a second.
fn take_until(project: &mut Project, feed: &LiveFeed, done: impl Fn(&Project) -> bool) {
    let start = Instant::now();
    while !done(project) {
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "not within a second"
        );
        std::thread::sleep(Duration::from_millis(10));
        let heard: Vec<Change> = feed.drain();
        project.take_changes(&heard).unwrap();
    }
}

#[test]
fn items_their_statuses_and_the_schema_changed_elsewhere_arrive_within_a_second() {
    let team = team("live changes", 2);
    let item = team.items[0];
    let mut alice = team.workstation("alice", RoleKind::Annotator);
    let mut boss = team.workstation("boss2", RoleKind::Admin);
    let mut bob = team.workstation("bob", RoleKind::Annotator);
    let feed = bob.live_feed().unwrap().expect("a team project is live");
    let revision = bob.revision();

    alice
        .apply(Edit::AddAnnotations(vec![NewAnnotation {
            item,
            class: ClassId(1),
            shape: Shape::Rect(BBox::from_xywh(1.0, 1.0, 5.0, 5.0)),
            group: None,
            attributes: Default::default(),
        }]))
        .unwrap();
    take_until(&mut bob, &feed, |b| {
        b.item(item).unwrap().status == ItemStatus::InProgress
    });
    assert!(bob.revision() > revision, "views read the project again");
    assert_eq!(bob.annotations(item).unwrap().len(), 1);

    boss.update_schema(|s| {
        s.add_class("bus");
    })
    .unwrap();
    take_until(&mut bob, &feed, |b| {
        b.schema().class_by_name("bus").is_some()
    });

    let added = add_items(&mut team.superuser(), 1);
    take_until(&mut bob, &feed, |b| b.item(added[0]).is_some());
    assert_eq!(bob.items().len(), 3);
}

#[test]
fn a_project_of_its_own_folder_is_not_live() {
    let tmp = tempfile::tempdir().unwrap();
    let project =
        Project::create_text(tmp.path(), "solo", crate::model::LabelSchema::default()).unwrap();
    assert!(project.live_feed().unwrap().is_none());
}
