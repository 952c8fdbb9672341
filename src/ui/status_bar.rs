//! The status bar: reviewer mode with the items waiting for review (or, for
//! an annotator, the rejected items to rework: a click lists them), item n/N, zoom,
//! cursor position in image pixels, save state.

use super::workspace::Workspace;
use crate::model::ItemStatus;
use crate::project::{ItemQuery, StatusFilter};
use eframe::egui::{self, RichText};
use rust_i18n::t;

fn count(ws: &Workspace, status: ItemStatus) -> usize {
    ws.project
        .items()
        .iter()
        .filter(|i| i.status == status)
        .count()
}

pub fn show(ui: &mut egui::Ui, ws: &mut Workspace) {
    ui.horizontal(|ui| {
        let rework = count(ws, ItemStatus::Rejected);
        if !ws.reviewer && rework > 0 {
            let badge = RichText::new(t!("status.to_rework", count = rework))
                .strong()
                .color(ui.visuals().warn_fg_color);
            if ui.link(badge).clicked() {
                ws.items.filter = ItemQuery {
                    status: StatusFilter::Is(ItemStatus::Rejected),
                    ..ItemQuery::default()
                };
                ws.step(0);
            }
            ui.separator();
        }
        if ws.reviewer {
            let waiting = count(ws, ItemStatus::Submitted);
            let badge = format!(
                "{} · {}",
                t!("role.reviewer_mode"),
                t!("status.to_review", count = waiting)
            );
            ui.label(
                RichText::new(badge)
                    .strong()
                    .color(ui.visuals().warn_fg_color),
            );
            ui.separator();
        }
        if let Some(lost) = ws.team.as_ref().and_then(|t| t.lost.as_deref()) {
            ui.label(
                RichText::new(t!("team.live_lost", reason = lost))
                    .color(ui.visuals().warn_fg_color),
            );
            ui.separator();
        }
        let total = ws.project.items().len();
        let n = ws.current.map(|c| c + 1).unwrap_or(0);
        if ws.is_text() {
            ui.label(t!("status.text_item", n = n, total = total));
        } else {
            ui.label(t!("status.item", n = n, total = total));
        }
        ui.separator();
        if ws.is_text() {
            ui.label(t!("status.spans", count = ws.text.spans().len()));
            ui.separator();
            if let Some(range) = &ws.text.selection {
                ui.label(t!("status.selection", start = range.start, end = range.end));
                ui.separator();
            }
        } else {
            let annotations = ws.annotations().len();
            ui.label(t!("status.annotations", count = annotations));
            ui.separator();
            ui.label(t!(
                "status.zoom",
                zoom = format!("{:.0}", ws.canvas.view.zoom * 100.0)
            ));
            ui.separator();
            match ws.canvas.cursor_image {
                Some(p) => ui.label(t!(
                    "status.cursor",
                    x = format!("{:.1}", p.x),
                    y = format!("{:.1}", p.y)
                )),
                None => ui.label(t!("status.cursor", x = "-", y = "-")),
            };
            ui.separator();
        }
        if let Some(scan) = ws.scan.as_ref().filter(|s| s.walks()) {
            ui.add(egui::Spinner::new());
            ui.label(t!("scan.progress", n = scan.found()));
            ui.separator();
        }
        if !ws.skipped.is_empty() && ui.link(t!("scan.skipped", n = ws.skipped.len())).clicked() {
            ws.show_skipped = true;
        }
        if let Some(message) = &ws.message {
            ui.label(RichText::new(message).color(ui.visuals().error_fg_color));
        } else if ws.project.is_read_only() {
            ui.label(RichText::new(t!("status.read_only")).color(ui.visuals().warn_fg_color));
        } else {
            // Every edit is committed before `apply` returns, so there is never unsaved work.
            ui.label(RichText::new(t!("status.saved")).weak());
        }
    });
}
