//! Box attributes: stored with their box, changed through `Edit::SetAnnotationAttributes`
//! (undo, redo, reopen), checked against the schema, added to databases made
//! before they existed, and toggled in the right-hand panel.

use crate::common;
use crate::common::gui::{app_config, start};
use egui_kittest::kittest::Queryable;
use shugu::model::{
    AttrValue, AttributeDef, AttributeKind, Attributes, BBox, ClassId, Edit, NewAnnotation,
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
    let mut new = NewAnnotation::rect(
        item,
        ClassId(1),
        BBox::from_corners([1.0, 2.0], [30.0, 40.0]),
    );
    new.attributes = first.clone();
    let id = project
        .apply(Edit::AddAnnotations(vec![new]))
        .unwrap()
        .created[0];
    assert_eq!(project.annotations(item).unwrap()[0].attributes, first);

    let second = attrs(&[
        ("occluded", AttrValue::Bool(true)),
        ("note", text("半遮挡")),
    ]);
    project
        .apply(Edit::SetAnnotationAttributes {
            id,
            attributes: second.clone(),
        })
        .unwrap();
    assert_eq!(project.annotations(item).unwrap()[0].attributes, second);
    let log = project.history(Some(item), 10).unwrap();
    assert!(log.iter().any(|e| e.kind == "set_annotation_attributes"));

    project.undo().unwrap();
    assert_eq!(project.annotations(item).unwrap()[0].attributes, first);
    project.redo().unwrap();
    assert_eq!(project.annotations(item).unwrap()[0].attributes, second);

    // Deleting and undoing the delete brings the attributes back too.
    project.apply(Edit::DeleteAnnotations(vec![id])).unwrap();
    project.undo().unwrap();
    assert_eq!(project.annotations(item).unwrap()[0].attributes, second);

    // A value that does not fit the schema is refused, with the reason.
    let err = project
        .apply(Edit::SetAnnotationAttributes {
            id,
            attributes: attrs(&[("pose", text("Upside down"))]),
        })
        .unwrap_err();
    assert!(err.to_string().contains("Frontal, Left"), "{err}");
    let err = project
        .apply(Edit::SetAnnotationAttributes {
            id,
            attributes: attrs(&[("occluded", text("yes"))]),
        })
        .unwrap_err();
    assert!(err.to_string().contains("true or false"), "{err}");

    drop(project);
    let project = Project::open(&f.project, Access::ReadWrite).unwrap();
    assert_eq!(project.annotations(item).unwrap()[0].attributes, second);
    assert_eq!(project.schema().attributes.len(), 2);
}

#[test]
fn a_database_without_the_attributes_column_is_migrated() {
    // Version 2 had no `boxes.attrs`; its demo, as that version wrote it.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v2");
    std::fs::create_dir_all(&dir).unwrap();
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/old_databases/v2-images");
    for file in ["project.ron", "shugu.db"] {
        std::fs::copy(from.join(file), dir.join(file)).unwrap();
    }
    // Read-only (an export), it is read through a moved copy: no attributes.
    {
        let project = Project::open(&dir, Access::ReadOnly).unwrap();
        assert!(project.is_read_only());
        let all = project.all_annotations().unwrap();
        assert_eq!(all.len(), 11);
        assert!(all.iter().all(|a| a.attributes.is_empty()));
    }
    let mut project = Project::open(&dir, Access::ReadWrite).unwrap();
    let b = project.all_annotations().unwrap().remove(0);
    assert!(b.attributes.is_empty());
    let set = attrs(&[("truncated", AttrValue::Bool(true))]);
    project
        .apply(Edit::SetAnnotationAttributes {
            id: b.id,
            attributes: set.clone(),
        })
        .unwrap();
    assert_eq!(project.annotations(b.item).unwrap()[0].attributes, set);
}

#[test]
fn panel_toggles_a_bool_attribute_of_the_selected_box() {
    let f = fixture_with_attributes();
    let (item, id) = {
        let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
        let item = project.items()[0].id;
        let b = NewAnnotation::rect(
            item,
            ClassId(1),
            BBox::from_corners([4.0, 4.0], [20.0, 20.0]),
        );
        let id = project
            .apply(Edit::AddAnnotations(vec![b]))
            .unwrap()
            .created[0];
        (item, id)
    };
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    let mut h = start(config, Startup::Open(f.project.clone()));
    h.state_mut().workspace_mut().unwrap().selected = Some(id);
    h.run();

    let boxes = |h: &egui_kittest::Harness<shugu::ui::app::ShuguApp>| {
        let ws = h.state().workspace().unwrap();
        ws.project.annotations(item).unwrap()
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
