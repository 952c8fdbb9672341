//! Box attributes: stored with their box, changed through `Edit::SetBoxAttributes`
//! (undo, redo, reopen), checked against the schema, added to databases made
//! before they existed, and toggled in the right-hand panel.

use crate::common;
use crate::common::gui::{app_config, start};
use egui_kittest::kittest::Queryable;
use shugu::model::{
    AttrValue, AttributeDef, AttributeKind, Attributes, BBox, ClassId, Edit, NewBox,
};
use shugu::project::{Access, Project};
use shugu::ui::Startup;
use shugu::ui::i18n::Language;

fn attrs(pairs: &[(&str, AttrValue)]) -> Attributes {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn text(s: &str) -> AttrValue {
    AttrValue::Text(s.into())
}

fn fixture_with_attributes() -> common::Fixture {
    let f = common::image_project(&[("a.png", 64, 48)], &["car"], &[], false);
    let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
    project
        .update_schema(|s| {
            s.add_attribute(AttributeDef::bool("occluded"));
            s.add_attribute(AttributeDef {
                name: "pose".into(),
                kind: AttributeKind::OneOf(vec!["Frontal".into(), "Left".into()]),
                default: None,
            });
        })
        .unwrap();
    f
}

#[test]
fn attributes_set_undo_redo_and_persist() {
    let f = fixture_with_attributes();
    let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
    let item = project.items()[0].id;
    let first = attrs(&[("difficult", AttrValue::Bool(true)), ("pose", text("Left"))]);
    let mut new = NewBox::new(
        item,
        ClassId(1),
        BBox::from_corners([1.0, 2.0], [30.0, 40.0]),
    );
    new.attributes = first.clone();
    let id = project.apply(Edit::AddBoxes(vec![new])).unwrap().created[0];
    assert_eq!(project.boxes(item).unwrap()[0].attributes, first);

    let second = attrs(&[
        ("occluded", AttrValue::Bool(true)),
        ("note", text("半遮挡")),
    ]);
    project
        .apply(Edit::SetBoxAttributes {
            id,
            attributes: second.clone(),
        })
        .unwrap();
    assert_eq!(project.boxes(item).unwrap()[0].attributes, second);
    let log = project.history(Some(item), 10).unwrap();
    assert!(log.iter().any(|e| e.kind == "set_box_attributes"));

    project.undo().unwrap();
    assert_eq!(project.boxes(item).unwrap()[0].attributes, first);
    project.redo().unwrap();
    assert_eq!(project.boxes(item).unwrap()[0].attributes, second);

    // Deleting and undoing the delete brings the attributes back too.
    project.apply(Edit::DeleteBoxes(vec![id])).unwrap();
    project.undo().unwrap();
    assert_eq!(project.boxes(item).unwrap()[0].attributes, second);

    // A value that does not fit the schema is refused, with the reason.
    let err = project
        .apply(Edit::SetBoxAttributes {
            id,
            attributes: attrs(&[("pose", text("Upside down"))]),
        })
        .unwrap_err();
    assert!(err.to_string().contains("Frontal, Left"), "{err}");
    let err = project
        .apply(Edit::SetBoxAttributes {
            id,
            attributes: attrs(&[("occluded", text("yes"))]),
        })
        .unwrap_err();
    assert!(err.to_string().contains("true or false"), "{err}");

    drop(project);
    let project = Project::open(&f.project, Access::ReadWrite).unwrap();
    assert_eq!(project.boxes(item).unwrap()[0].attributes, second);
    assert_eq!(project.schema().box_attributes.len(), 2);
}

#[test]
fn a_database_without_the_attributes_column_is_migrated() {
    let f = common::image_project(&[("a.png", 64, 48)], &["car"], &[], false);
    let item = {
        let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
        let item = project.items()[0].id;
        let b = NewBox::new(item, ClassId(1), BBox::from_corners([1.0, 1.0], [9.0, 9.0]));
        project.apply(Edit::AddBoxes(vec![b])).unwrap();
        item
    };
    // Make it look like a version 2 database: no `attrs` column.
    {
        let conn = rusqlite::Connection::open(f.project.join("shugu.db")).unwrap();
        conn.execute_batch("ALTER TABLE boxes DROP COLUMN attrs; PRAGMA user_version = 2;")
            .unwrap();
    }
    // Read-only (an export), it is read through a moved copy: no attributes.
    {
        let project = Project::open(&f.project, Access::ReadOnly).unwrap();
        assert!(project.is_read_only());
        assert!(project.all_boxes().unwrap()[0].attributes.is_empty());
        assert!(project.boxes(item).unwrap()[0].attributes.is_empty());
    }
    let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
    let b = project.boxes(item).unwrap().remove(0);
    assert!(b.attributes.is_empty());
    let set = attrs(&[("truncated", AttrValue::Bool(true))]);
    project
        .apply(Edit::SetBoxAttributes {
            id: b.id,
            attributes: set.clone(),
        })
        .unwrap();
    assert_eq!(project.boxes(item).unwrap()[0].attributes, set);
}

#[test]
fn panel_toggles_a_bool_attribute_of_the_selected_box() {
    let f = fixture_with_attributes();
    let (item, id) = {
        let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
        let item = project.items()[0].id;
        let b = NewBox::new(
            item,
            ClassId(1),
            BBox::from_corners([4.0, 4.0], [20.0, 20.0]),
        );
        let id = project.apply(Edit::AddBoxes(vec![b])).unwrap().created[0];
        (item, id)
    };
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    let mut h = start(config, Startup::Open(f.project.clone()));
    h.state_mut().workspace_mut().unwrap().selected = Some(id);
    h.run();

    let boxes = |h: &egui_kittest::Harness<shugu::ui::app::ShuguApp>| {
        let ws = h.state().workspace().unwrap();
        ws.project.boxes(item).unwrap()
    };
    h.get_by_label("occluded").click();
    h.run();
    let got = boxes(&h)[0].attributes.clone();
    assert_eq!(got.get("occluded"), Some(&AttrValue::Bool(true)));
    assert_eq!(boxes(&h)[0].provenance.updated_by, "alice");

    h.get_by_label("occluded").click();
    h.run();
    assert_eq!(
        boxes(&h)[0].attributes.get("occluded"),
        Some(&AttrValue::Bool(false))
    );

    // The change went through the edit path: undo puts it back.
    h.state_mut().workspace_mut().unwrap().undo();
    h.run();
    assert_eq!(
        boxes(&h)[0].attributes.get("occluded"),
        Some(&AttrValue::Bool(true))
    );
}
