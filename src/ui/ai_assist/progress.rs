//! The batch run's window (progress, ETA, Cancel) and the notice a run ends with.

use crate::jobs::predict::{PredictReport, PredictRun};
use eframe::egui;
use rust_i18n::t;

/// Shows the batch window; returns whether Cancel was clicked.
pub fn window(ctx: &egui::Context, run: &PredictRun, model: &str) -> bool {
    let mut cancel = false;
    egui::Window::new(t!("ai.batch_title"))
        .id(egui::Id::unique("ai_batch"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_BOTTOM, [-16.0, -40.0])
        .show(ctx, |ui| {
            ui.label(t!("ai.chosen", name = model));
            let (done, total) = (run.done(), run.total());
            let fraction = if total == 0 {
                1.0
            } else {
                done as f32 / total as f32
            };
            ui.add(egui::ProgressBar::new(fraction).text(format!("{done} / {total}")));
            let eta = match run.eta() {
                Some(d) => t!("ai.eta", time = clock(d.as_secs())),
                None => t!("ai.starting"),
            };
            ui.label(eta);
            if run.is_cancelled() {
                ui.label(t!("ai.cancelling"));
            } else if ui.button(t!("ai.cancel")).clicked() {
                cancel = true;
            }
        });
    cancel
}

/// `m:ss`, or `h:mm:ss` past an hour.
fn clock(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// What a finished run says: what it stored, what failed, why it stopped.
pub fn finished_notice(report: &PredictReport) -> String {
    let mut lines = vec![
        t!(
            "ai.done",
            proposals = report.proposals,
            images = report.images - report.failed,
            model = report.source
        )
        .into_owned(),
    ];
    if report.cancelled {
        lines.push(t!("ai.cancelled", done = report.images, total = report.total).into_owned());
    }
    if let Some(reason) = &report.stopped_because {
        lines.push(t!("ai.stopped", reason = reason).into_owned());
    }
    if report.failed > 0 {
        let first = report.first_failure.as_deref().unwrap_or_default();
        lines.push(t!("ai.failed", n = report.failed, first = first).into_owned());
    }
    if !report.new_classes.is_empty() {
        lines.push(t!("ai.new_classes", names = report.new_classes.join(", ")).into_owned());
    }
    lines.extend(report.problems.iter().take(5).cloned());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn clock_reads_minutes_and_hours() {
        assert_eq!(clock(5), "0:05");
        assert_eq!(clock(125), "2:05");
        assert_eq!(clock(3725), "1:02:05");
    }
}
