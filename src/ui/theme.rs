//! Design tokens: every colour, size and spacing the views use, in one place.
//! Sizes are in egui points (logical pixels), independent of the image zoom.

use crate::model::{ItemStatus, Rgb};
use eframe::egui::{self, Color32, FontFamily, FontId, TextStyle, Vec2};

// --- Text ---

/// Body text is a little larger than egui's 12.5 so hanzi stay legible.
pub const BODY_SIZE: f32 = 14.5;
pub const SMALL_SIZE: f32 = 12.0;
pub const MONO_SIZE: f32 = 13.5;
pub const HEADING_SIZE: f32 = 20.0;
/// Class names drawn on the canvas next to their boxes.
pub const BOX_LABEL_SIZE: f32 = 13.0;

// --- Reading: a text project's document ---

/// The document's text size by default, larger than the UI's body text for a
/// day of reading. Ctrl+plus / Ctrl+minus / Ctrl+wheel change it for the
/// user (kept in the settings), Ctrl+0 comes back here.
pub const READING_SIZE: f32 = 18.0;
pub const READING_SIZE_MIN: f32 = 10.0;
pub const READING_SIZE_MAX: f32 = 40.0;
/// One press of Ctrl+plus or Ctrl+minus.
pub const READING_SIZE_STEP: f32 = 1.0;
/// The document's text and the page behind it: near-white on near-black,
/// about 14:1, well above the 7:1 that WCAG asks of body text (AAA).
pub const READING_TEXT: Color32 = Color32::from_rgb(235, 235, 230);
pub const READING_BACKGROUND: Color32 = Color32::from_rgb(28, 29, 32);

/// A reading size within [`READING_SIZE_MIN`]..=[`READING_SIZE_MAX`], in
/// half points; the default for a size that is not a number.
pub fn reading_size(size: f32) -> f32 {
    if size.is_nan() {
        return READING_SIZE;
    }
    ((size * 2.0).round() / 2.0).clamp(READING_SIZE_MIN, READING_SIZE_MAX)
}

/// The WCAG contrast ratio of two colours, 1 (none) to 21 (black on white).
pub fn contrast_ratio(a: Color32, b: Color32) -> f32 {
    let luminance = |c: Color32| {
        let linear = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(c.r()) + 0.7152 * linear(c.g()) + 0.0722 * linear(c.b())
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

// --- Spacing and layout ---

pub const SPACE_XS: f32 = 2.0;
pub const SPACE_S: f32 = 4.0;
pub const SPACE_M: f32 = 8.0;
pub const SPACE_L: f32 = 16.0;
pub const SPACE_XL: f32 = 32.0;

pub const LEFT_PANEL_WIDTH: f32 = 260.0;
pub const LEFT_PANEL_MIN_WIDTH: f32 = 180.0;
pub const RIGHT_PANEL_WIDTH: f32 = 280.0;
pub const RIGHT_PANEL_MIN_WIDTH: f32 = 200.0;
pub const THUMBNAIL_SIZE: f32 = 96.0;
pub const ROW_HEIGHT: f32 = 24.0;
/// Width of the start screen's centred column.
pub const START_COLUMN_WIDTH: f32 = 560.0;

// --- Canvas ---

pub const BOX_STROKE_WIDTH: f32 = 2.0;
pub const BOX_STROKE_WIDTH_HOVERED: f32 = 2.5;
pub const BOX_STROKE_WIDTH_SELECTED: f32 = 3.0;
/// Alpha of a box's fill; the class colour at this alpha, so the image stays visible.
pub const BOX_FILL_ALPHA: u8 = 28;
pub const BOX_FILL_ALPHA_SELECTED: u8 = 56;
/// Side of the square resize handles on a selected box.
pub const HANDLE_SIZE: f32 = 8.0;
/// How far from a handle or edge the pointer still grabs it.
pub const HANDLE_GRAB_RADIUS: f32 = 8.0;
/// Boxes smaller than this on screen while drawing are discarded as stray clicks.
pub const MIN_DRAWN_BOX_SIZE: f32 = 4.0;

pub const SELECTION_COLOR: Color32 = Color32::from_rgb(255, 214, 10);
pub const HANDLE_FILL: Color32 = Color32::WHITE;
pub const HANDLE_STROKE: Color32 = Color32::from_rgb(20, 20, 20);
/// The rubber band while drawing a new box, before it has a class colour.
pub const DRAW_PREVIEW_COLOR: Color32 = Color32::from_rgb(255, 255, 255);
/// Crosshair lines following the pointer in box mode.
pub const CROSSHAIR_COLOR: Color32 = Color32::from_rgba_premultiplied(200, 200, 200, 120);
pub const CANVAS_BACKGROUND: Color32 = Color32::from_rgb(24, 24, 27);

// --- Messages ---

pub const OK_COLOR: Color32 = Color32::from_rgb(80, 200, 120);
pub const WARN_COLOR: Color32 = Color32::from_rgb(240, 180, 40);
pub const ERROR_COLOR: Color32 = Color32::from_rgb(240, 85, 85);
pub const BROKEN_COLOR: Color32 = ERROR_COLOR;
/// Waiting for review.
pub const SUBMITTED_COLOR: Color32 = Color32::from_rgb(175, 130, 240);
/// Sent back for rework.
pub const REJECTED_COLOR: Color32 = Color32::from_rgb(240, 140, 60);

pub fn class_color(rgb: Rgb) -> Color32 {
    Color32::from_rgb(rgb.0, rgb.1, rgb.2)
}

/// The translucent fill inside a box of this class.
pub fn class_fill(rgb: Rgb, selected: bool) -> Color32 {
    let alpha = if selected {
        BOX_FILL_ALPHA_SELECTED
    } else {
        BOX_FILL_ALPHA
    };
    Color32::from_rgba_unmultiplied(rgb.0, rgb.1, rgb.2, alpha)
}

/// Black or white, whichever reads better on `background` (e.g. a class chip).
pub fn text_on(background: Color32) -> Color32 {
    // Relative luminance with sRGB weights; good enough for a two-way choice.
    let [r, g, b, _] = background.to_array();
    let luma = 0.2126 * f32::from(r) + 0.7152 * f32::from(g) + 0.0722 * f32::from(b);
    if luma > 150.0 {
        Color32::BLACK
    } else {
        Color32::WHITE
    }
}

pub fn status_color(status: ItemStatus) -> Color32 {
    match status {
        ItemStatus::New => Color32::from_rgb(140, 140, 150),
        ItemStatus::InProgress => Color32::from_rgb(90, 160, 240),
        ItemStatus::Submitted => SUBMITTED_COLOR,
        ItemStatus::Accepted => OK_COLOR,
        ItemStatus::Rejected => REJECTED_COLOR,
    }
}

pub fn box_stroke_width(selected: bool, hovered: bool) -> f32 {
    if selected {
        BOX_STROKE_WIDTH_SELECTED
    } else if hovered {
        BOX_STROKE_WIDTH_HOVERED
    } else {
        BOX_STROKE_WIDTH
    }
}

pub fn box_label_font() -> FontId {
    FontId::new(BOX_LABEL_SIZE, FontFamily::Proportional)
}

/// Sets the app's look: dark, slightly larger text, roomier controls. Call once
/// at start-up (after `fonts::install`).
pub fn apply(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Dark);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Small,
                FontId::new(SMALL_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Body,
                FontId::new(BODY_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Button,
                FontId::new(BODY_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Heading,
                FontId::new(HEADING_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(MONO_SIZE, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = Vec2::new(SPACE_M, 6.0);
        style.spacing.button_padding = Vec2::new(SPACE_M, SPACE_S);
        style.spacing.interact_size.y = 22.0;
        style.visuals.selection.bg_fill = Color32::from_rgb(40, 100, 170);
        style.visuals.warn_fg_color = WARN_COLOR;
        style.visuals.error_fg_color = ERROR_COLOR;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs one egui pass. The texture updates a renderer would upload are
    /// dropped on purpose; egui asserts that they are not dropped silently.
    fn pass(ctx: &egui::Context, raw: egui::RawInput, run_ui: impl FnMut(&mut egui::Ui)) {
        ctx.run_ui(raw, run_ui).textures_delta.clear();
    }

    #[test]
    fn class_color_keeps_the_rgb() {
        assert_eq!(
            class_color(Rgb(230, 25, 75)),
            Color32::from_rgb(230, 25, 75)
        );
        let fill = class_fill(Rgb(230, 25, 75), false);
        assert_eq!(fill.a(), BOX_FILL_ALPHA);
        assert!(class_fill(Rgb(1, 2, 3), true).a() > fill.a());
    }

    #[test]
    fn text_on_picks_the_readable_colour() {
        assert_eq!(text_on(Color32::from_rgb(255, 225, 25)), Color32::BLACK);
        assert_eq!(text_on(Color32::from_rgb(0, 0, 128)), Color32::WHITE);
        assert_eq!(text_on(Color32::WHITE), Color32::BLACK);
        assert_eq!(text_on(Color32::BLACK), Color32::WHITE);
    }

    #[test]
    fn selection_is_thicker_than_normal() {
        assert!(box_stroke_width(true, false) > box_stroke_width(false, true));
        assert!(box_stroke_width(false, true) > box_stroke_width(false, false));
    }

    #[test]
    fn statuses_have_distinct_colours() {
        let colours: std::collections::HashSet<_> =
            ItemStatus::ALL.into_iter().map(status_color).collect();
        assert_eq!(colours.len(), ItemStatus::ALL.len());
    }

    #[test]
    fn the_document_reads_at_a_high_contrast() {
        assert!(contrast_ratio(READING_TEXT, READING_BACKGROUND) >= 7.0);
        assert!((contrast_ratio(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 1e-3);
        assert_eq!(contrast_ratio(Color32::GRAY, Color32::GRAY), 1.0);
    }

    #[test]
    fn reading_sizes_are_bounded_half_points() {
        assert_eq!(reading_size(17.3), 17.5);
        assert_eq!(reading_size(3.0), READING_SIZE_MIN);
        assert_eq!(reading_size(400.0), READING_SIZE_MAX);
        assert_eq!(reading_size(f32::NAN), READING_SIZE);
        assert_eq!(reading_size(f32::INFINITY), READING_SIZE_MAX);
        const { assert!(READING_SIZE > BODY_SIZE) };
    }

    #[test]
    fn apply_makes_it_dark_with_larger_body_text() {
        let ctx = egui::Context::default();
        apply(&ctx);
        pass(&ctx, egui::RawInput::default(), |_| {});
        let style = ctx.global_style();
        assert!(style.visuals.dark_mode);
        assert_eq!(style.text_styles[&TextStyle::Body].size, BODY_SIZE);
        assert_eq!(style.text_styles[&TextStyle::Heading].size, HEADING_SIZE);
    }
}
