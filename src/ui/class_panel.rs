//! The right-hand panel: box classes with their hotkeys, image-level labels, and
//! the selected box.

use super::canvas::class_color;
use super::workspace::Workspace;
use crate::model::{Edit, ImageLabelMode};
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
        return;
    }
    ui.heading(t!("panel.selected"));
    let selected = ws
        .selected
        .and_then(|id| ws.boxes().iter().find(|b| b.id == id).cloned());
    match selected {
        None => {
            ui.label(RichText::new(t!("box.none_selected")).weak());
        }
        Some(b) => {
            let [x, y, w, h] = b.bbox.to_xywh();
            ui.label(format!("#{}  x {x:.1}  y {y:.1}  w {w:.1}  h {h:.1}", b.id));
            let mut class = b.class;
            egui::ComboBox::from_label(t!("box.class"))
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
                ws.apply(Edit::SetBoxClass { id: b.id, class });
            }
            ui.label(
                RichText::new(format!(
                    "{} · {}",
                    b.provenance.updated_by,
                    format_time(b.provenance.updated_ms)
                ))
                .weak(),
            );
            if ui.button(t!("box.delete")).clicked() {
                ws.delete_selected();
            }
        }
    }
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
    if ui.button(t!("box.delete")).clicked() {
        ws.delete_selected();
    }
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
