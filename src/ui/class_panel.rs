//! The right-hand panel: classes with their hotkeys, image-level labels, the
//! item's model proposals (threshold, accept all, reject all), and the selected
//! annotation.

use super::canvas::{Tool, class_color, score_text};
use super::workspace::Workspace;
use crate::model::{
    Annotation, AttrValue, AttributeKind, CommentTarget, Edit, ImageLabelMode, Visibility,
};
use eframe::egui::{self, RichText};
use rust_i18n::t;

pub fn show(ui: &mut egui::Ui, ws: &mut Workspace) {
    let schema = ws.project.schema().clone();
    let text = ws.is_text();
    ui.heading(if text {
        t!("panel.span_classes")
    } else {
        t!("panel.classes")
    });
    for class in &schema.classes {
        let key = class.hotkey.as_deref().unwrap_or(" ");
        let selected = ws.active_class == Some(class.id);
        let clicked = ui
            .horizontal(|ui| {
                ui.label(RichText::new("■").color(class_color(&schema, class.id)));
                ui.selectable_label(selected, format!("[{key}] {}", class.name))
                    .clicked()
            })
            .inner;
        if clicked {
            ws.pick_class(class.id);
        }
    }

    if !text {
        next_keypoint(ui, ws, &schema);
    }
    add_class_field(ui, ws);

    if !schema.image_labels.is_empty() {
        ui.separator();
        ui.heading(if text {
            t!("panel.doc_classes")
        } else {
            t!("panel.image_labels")
        });
        let current = ws.image_labels().to_vec();
        ui.horizontal_wrapped(|ui| {
            for label in &schema.image_labels {
                let key = label.hotkey.as_deref().unwrap_or(" ");
                let caption = format!("[{key}] {}", label.name);
                let on = current.contains(&label.id);
                let clicked = match (text, schema.image_label_mode) {
                    // Document classes are toggle chips.
                    (true, _) => ui.selectable_label(on, caption).clicked(),
                    (false, ImageLabelMode::Single) => ui.radio(on, caption).clicked(),
                    (false, ImageLabelMode::Multi) => {
                        let mut checked = on;
                        ui.checkbox(&mut checked, caption).clicked()
                    }
                };
                if clicked {
                    ws.toggle_image_label(label.id);
                }
                if !text {
                    ui.end_row();
                }
            }
        });
    }

    ui.separator();
    if text {
        selected_span(ui, ws, &schema);
    } else {
        proposals(ui, ws, &schema);
        selected_annotation(ui, ws, &schema);
    }
    ui.separator();
    comments(ui, ws);
    history(ui, ws);
}

/// With the keypoint tool, which of the class's points the next click places.
fn next_keypoint(ui: &mut egui::Ui, ws: &Workspace, schema: &crate::model::LabelSchema) {
    let names = ws
        .active_class
        .and_then(|c| schema.class(c))
        .map(|c| c.keypoints.as_slice())
        .unwrap_or_default();
    let next = ws
        .canvas
        .next_keypoint
        .filter(|_| ws.tool == Tool::Keypoints);
    let Some((index, visibility)) = next else {
        return;
    };
    let Some(name) = names.get(index) else {
        return;
    };
    let key = if visibility == Visibility::Occluded {
        "panel.next_keypoint_occluded"
    } else {
        "panel.next_keypoint"
    };
    let text = t!(key, name = name, index = index + 1, count = names.len());
    ui.label(RichText::new(text).strong());
}

/// The review comments of the current item: a rejection's reason shows here
/// when the item comes back for rework.
fn comments(ui: &mut egui::Ui, ws: &mut Workspace) {
    let comments = ws.comments().to_vec();
    if comments.is_empty() {
        return;
    }
    ui.heading(t!("panel.comments"));
    for c in comments {
        let on = match c.target {
            None => String::new(),
            Some(CommentTarget::Annotation(id)) => {
                format!("{} #{id}: ", t!("review.on_annotation"))
            }
            Some(CommentTarget::Span(id)) => format!("{} #{id}: ", t!("review.on_span")),
        };
        ui.label(RichText::new(format!("{on}{}", c.body)).strong());
        ui.label(RichText::new(format!("{} · {}", c.author, format_time(c.created_ms))).weak());
    }
    ui.separator();
}

/// The current item's audit trail: who changed what, and when.
fn history(ui: &mut egui::Ui, ws: &mut Workspace) {
    if ws.current_item().is_none() {
        return;
    }
    let entries = ws.history();
    egui::CollapsingHeader::new(t!("panel.history"))
        .id_salt("history")
        .show(ui, |ui| {
            if entries.is_empty() {
                ui.label(RichText::new(t!("history.none")).weak());
            }
            for e in entries {
                ui.label(format!(
                    "{} · {} · {}",
                    format_time(e.time_ms),
                    e.author,
                    describe_change(&e.kind)
                ));
            }
        });
}

/// An edit-log kind in words: `undo:add_annotations` → "undo: added
/// annotations". Kinds of logs written before shapes (`add_boxes`, …) read as
/// their annotation counterparts.
fn describe_change(kind: &str) -> String {
    let (origin, kind) = match kind.split_once(':') {
        Some((origin, kind)) => (Some(origin), kind),
        None => (None, kind),
    };
    let words = match kind {
        "add_annotations" | "copy_annotations" | "add_boxes" | "copy_boxes" => {
            t!("history.add_annotations")
        }
        "restore_annotations" | "restore_boxes" => t!("history.restore_annotations"),
        "delete_annotations" | "delete_boxes" => t!("history.delete_annotations"),
        "set_shape" | "set_box_geometry" => t!("history.set_shape"),
        "set_annotation_class" | "set_box_class" | "set_span_class" => t!("history.set_class"),
        "add_spans" => t!("history.add_spans"),
        "restore_spans" => t!("history.restore_spans"),
        "delete_spans" => t!("history.delete_spans"),
        "set_image_labels" => t!("history.set_labels"),
        "set_status" => t!("history.set_status"),
        "add_comments" => t!("history.add_comments"),
        "restore_comments" => t!("history.restore_comments"),
        "delete_comments" => t!("history.delete_comments"),
        "add_proposals" | "restore_proposals" => t!("history.add_proposals"),
        "delete_proposals" => t!("history.delete_proposals"),
        "accept_proposals" | "restore_accepted" => t!("history.accept_proposals"),
        "unaccept_proposals" => t!("history.unaccept_proposals"),
        "set_annotation_attributes" | "set_box_attributes" => t!("history.set_attributes"),
        other => other.to_string().into(),
    };
    match origin {
        Some("undo") => format!("{}: {words}", t!("menu.undo")),
        Some("redo") => format!("{}: {words}", t!("menu.redo")),
        Some(other) => format!("{other}: {words}"),
        None => words.into_owned(),
    }
}

/// The item's model proposals: how many, the selected one with accept and
/// reject buttons, a score threshold, and accept-all / reject-all.
fn proposals(ui: &mut egui::Ui, ws: &mut Workspace, schema: &crate::model::LabelSchema) {
    let proposals = ws.proposals().to_vec();
    if proposals.is_empty() {
        return;
    }
    let writable = !ws.project.is_read_only();
    ui.heading(t!("panel.proposals"));
    ui.label(t!("proposals.count", n = proposals.len()));
    if let Some(p) = proposals
        .iter()
        .find(|p| Some(p.id) == ws.selected_proposal)
    {
        let class = schema
            .class(p.class)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        ui.label(format!("{class} · {} · {}", score_text(p.score), p.source));
        ui.horizontal(|ui| {
            if ui
                .add_enabled(writable, egui::Button::new(t!("proposals.accept")))
                .clicked()
            {
                ws.accept_selected_proposal();
            }
            if ui
                .add_enabled(writable, egui::Button::new(t!("proposals.reject")))
                .clicked()
            {
                ws.reject_selected_proposal();
            }
        });
    } else {
        ui.label(RichText::new(t!("proposals.click_hint")).weak());
    }
    let caption = ui.label(t!("proposals.threshold"));
    ui.add(egui::Slider::new(&mut ws.proposal_threshold, 0.0..=1.0).step_by(0.01))
        .labelled_by(caption.id);
    let above = ws.proposals_above_threshold().len();
    if ui
        .add_enabled(
            writable && above > 0,
            egui::Button::new(t!("proposals.accept_above", n = above)),
        )
        .clicked()
    {
        ws.accept_proposals_above();
    }
    if ui
        .add_enabled(writable, egui::Button::new(t!("proposals.reject_all")))
        .clicked()
    {
        ws.reject_all_proposals();
    }
    ui.separator();
}

/// The selected annotation of an image project: its shape, class and
/// provenance.
fn selected_annotation(ui: &mut egui::Ui, ws: &mut Workspace, schema: &crate::model::LabelSchema) {
    ui.heading(t!("panel.selected"));
    let selected = ws
        .selected
        .and_then(|id| ws.annotations().iter().find(|a| a.id == id).cloned());
    match selected {
        None => {
            ui.label(RichText::new(t!("annotation.none_selected")).weak());
        }
        Some(b) => {
            let [x, y, w, h] = b.bounds().to_xywh();
            let kind = b.shape.kind().as_str();
            ui.label(format!(
                "#{} {kind}  x {x:.1}  y {y:.1}  w {w:.1}  h {h:.1}",
                b.id
            ));
            let mut class = b.class;
            egui::ComboBox::from_label(t!("annotation.class"))
                .selected_text(
                    schema
                        .class(class)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                )
                .show_ui(ui, |ui| {
                    for c in &schema.classes {
                        ui.selectable_value(&mut class, c.id, &c.name);
                    }
                });
            if class != b.class {
                ws.apply(Edit::SetAnnotationClass { id: b.id, class });
            }
            attributes(ui, ws, schema, &b);
            ui.label(
                RichText::new(format!(
                    "{} · {}",
                    b.provenance.updated_by,
                    format_time(b.provenance.updated_ms)
                ))
                .weak(),
            );
            if let Ok(Some(origin)) = ws.project.annotation_origin(b.id) {
                ui.label(
                    RichText::new(t!(
                        "proposals.origin",
                        source = origin.source,
                        score = score_text(origin.score)
                    ))
                    .weak(),
                );
            }
            if ui.button(t!("annotation.delete")).clicked() {
                ws.delete_selected();
            }
            comment_field(ui, ws);
        }
    }
}

/// The selected annotation's attributes: the schema's first (a checkbox for a
/// flag, a combo box for one of a list, a text field for text), then the
/// annotation's free keys. A change replaces its attributes through
/// `Edit::SetAnnotationAttributes`.
fn attributes(
    ui: &mut egui::Ui,
    ws: &mut Workspace,
    schema: &crate::model::LabelSchema,
    b: &Annotation,
) {
    let free = b
        .attributes
        .iter()
        .filter(|(name, _)| schema.attribute(name).is_none());
    if schema.attributes.is_empty() && free.clone().next().is_none() {
        return;
    }
    ui.label(RichText::new(t!("annotation.attributes")).strong());
    let mut changed = None;
    for def in &schema.attributes {
        let value = b
            .attributes
            .get(&def.name)
            .cloned()
            .unwrap_or_else(|| def.default_value());
        let new = match &def.kind {
            AttributeKind::Bool => bool_field(ui, &def.name, &value),
            AttributeKind::OneOf(options) => {
                let mut chosen = value.to_text();
                egui::ComboBox::from_label(&def.name)
                    .selected_text(chosen.clone())
                    .show_ui(ui, |ui| {
                        for o in options {
                            ui.selectable_value(&mut chosen, o.clone(), o);
                        }
                    });
                Some(AttrValue::Text(chosen)).filter(|v| *v != value)
            }
            AttributeKind::Text => text_field(ui, b, &def.name, &value),
        };
        if let Some(v) = new {
            changed = Some((def.name.clone(), v));
        }
    }
    for (name, value) in free {
        let new = match value {
            AttrValue::Bool(_) => bool_field(ui, name, value),
            AttrValue::Text(_) => text_field(ui, b, name, value),
        };
        if let Some(v) = new {
            changed = Some((name.clone(), v));
        }
    }
    if let Some((name, value)) = changed {
        let mut attributes = b.attributes.clone();
        attributes.insert(name, value);
        ws.apply(Edit::SetAnnotationAttributes {
            id: b.id,
            attributes,
        });
    }
}

/// A checkbox for a flag; the new value when it was clicked.
fn bool_field(ui: &mut egui::Ui, name: &str, value: &AttrValue) -> Option<AttrValue> {
    let mut on = value.as_bool().unwrap_or(false);
    ui.checkbox(&mut on, name)
        .changed()
        .then_some(AttrValue::Bool(on))
}

/// A text field that keeps what is typed until Enter or leaving the field, so
/// a word is one edit rather than one per key; the new value then.
fn text_field(
    ui: &mut egui::Ui,
    b: &Annotation,
    name: &str,
    value: &AttrValue,
) -> Option<AttrValue> {
    let id = ui.scope_id().with(("attribute", b.id.0, name));
    let current = value.to_text();
    let mut draft = ui
        .data(|d| d.get_temp::<String>(id))
        .unwrap_or_else(|| current.clone());
    let response = ui
        .horizontal(|ui| {
            let caption = ui.label(name);
            ui.text_edit_singleline(&mut draft).labelled_by(caption.id)
        })
        .inner;
    if response.lost_focus() {
        ui.data_mut(|d| d.remove::<String>(id));
        return (draft != current).then_some(AttrValue::Text(draft));
    }
    if response.has_focus() {
        ui.data_mut(|d| d.insert_temp(id, draft));
    }
    None
}

/// The selected span of a text project, and the snap-to-token switch.
fn selected_span(ui: &mut egui::Ui, ws: &mut Workspace, schema: &crate::model::LabelSchema) {
    ui.checkbox(&mut ws.text.snap_to_token, t!("text.snap_to_token"));
    ui.separator();
    ui.heading(t!("panel.selected_span"));
    let Some(span) = ws.text.selected_span().cloned() else {
        ui.label(RichText::new(t!("span.none_selected")).weak());
        return;
    };
    let class = schema
        .class(span.class)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    ui.label(format!(
        "#{}  [{}, {})  {class}",
        span.id, span.start, span.end
    ));
    ui.label(
        RichText::new(format!(
            "{} · {}",
            span.provenance.updated_by,
            format_time(span.provenance.updated_ms)
        ))
        .weak(),
    );
    if ui.button(t!("annotation.delete")).clicked() {
        ws.delete_selected();
    }
    comment_field(ui, ws);
}

/// A field to pin a review comment to the selected annotation or span.
fn comment_field(ui: &mut egui::Ui, ws: &mut Workspace) {
    if ws.project.is_read_only() {
        return;
    }
    let caption = ui.label(RichText::new(t!("review.comment_label")).weak());
    ui.horizontal(|ui| {
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut ws.comment_draft)
                    .hint_text(t!("review.comment_hint"))
                    .desired_width(140.0),
            )
            .labelled_by(caption.id);
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let has_text = !ws.comment_draft.trim().is_empty();
        let clicked = ui
            .add_enabled(has_text, egui::Button::new(t!("review.comment")))
            .clicked();
        if (clicked || enter) && has_text {
            ws.comment_on_selection();
        }
    });
}

fn format_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A field to add a class; the schema lives in the manifest, not in the edit log.
fn add_class_field(ui: &mut egui::Ui, ws: &mut Workspace) {
    if ws.project.is_read_only() {
        return;
    }
    ui.horizontal(|ui| {
        let edit = ui.add(
            egui::TextEdit::singleline(&mut ws.new_class_draft)
                .hint_text(t!("class.add_hint"))
                .desired_width(120.0),
        );
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let name = ws.new_class_draft.trim().to_string();
        if (ui.button(t!("class.add")).clicked() || enter) && !name.is_empty() {
            let mut added = None;
            match ws
                .project
                .update_schema(|s| added = Some(s.add_class(&name)))
            {
                Ok(()) => {
                    ws.active_class = added.or(ws.active_class);
                    ws.new_class_draft.clear();
                }
                Err(e) => ws.message = Some(e.to_string()),
            }
        }
    });
}
