//! The files a folder scan did not take, each with why: images of a format
//! this build cannot open (HEIC, AVIF, camera raw…) and files that are not
//! images. Opened from the status bar. And the warning an image opened with.

use crate::jobs::scan::{SkipReason, SkippedFile};
use crate::media::ImageWarning;
use eframe::egui;
use rust_i18n::t;

/// Why a file was skipped, in the UI's language.
pub fn reason_text(reason: SkipReason) -> String {
    match reason {
        SkipReason::UnsupportedImage(format) => {
            t!("scan.unsupported", format = format).into_owned()
        }
        SkipReason::NotAnImage => t!("scan.not_an_image").into_owned(),
    }
}

/// A warning about an image that opened, in the UI's language.
pub fn warning_text(warning: ImageWarning) -> String {
    match warning {
        ImageWarning::NoJpegEnd => t!("image.no_jpeg_end").into_owned(),
    }
}

/// The list of skipped files, while `open`.
pub fn skipped_window(ctx: &egui::Context, open: &mut bool, skipped: &[SkippedFile]) {
    if !*open {
        return;
    }
    egui::Window::new(t!("scan.skipped_title"))
        .open(open)
        .default_size([520.0, 360.0])
        .show(ctx, |ui| {
            ui.label(t!("scan.skipped", n = skipped.len()));
            ui.separator();
            let row_height = ui.text_style_height(&egui::TextStyle::Body);
            egui::ScrollArea::vertical().show_rows(ui, row_height, skipped.len(), |ui, rows| {
                for file in &skipped[rows] {
                    ui.label(format!("{} — {}", file.rel_path, reason_text(file.reason)));
                }
            });
        });
}
