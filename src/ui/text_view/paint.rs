//! Drawing one frame of the visible blocks: span backgrounds, the selection,
//! the text, underline bars (one level per overlapping span) and class tags.

use super::SpanPaint;
use super::layout::DocumentLayout;
use super::stacking::PlacedSpan;
use eframe::egui::{self, Color32, CornerRadius, FontId, Pos2, Rect, Stroke, StrokeKind, vec2};
use std::ops::Range;

/// Room above the text for tags and below it for underline bars.
pub const BAND: f32 = 12.0;
const TAG_FONT_SIZE: f32 = 9.5;
const BAR_THICKNESS: f32 = 2.0;
const BAR_STEP: f32 = 3.0;
/// Deeper levels share the last bar row; their backgrounds still nest.
const MAX_BAR_LEVELS: usize = 3;

pub struct Frame<'a> {
    pub text_color: Color32,
    pub selection_color: Color32,
    pub spans: &'a [SpanPaint],
    /// Spans touching the visible blocks, ordered by start.
    pub visible_spans: &'a [PlacedSpan],
    pub selection: Option<Range<usize>>,
    /// Drawn when the view has focus.
    pub caret: Option<usize>,
    /// Screen position of content (0, 0).
    pub origin: Pos2,
}

/// A drawn class tag, for clicking it in the next frame.
pub struct TagHit {
    /// Content coordinates.
    pub rect: Rect,
    pub span: usize,
    /// Where the span started when drawn (the span list may change).
    pub start: usize,
}

/// Paints the frame; returns the tags drawn.
pub fn paint(painter: &egui::Painter, layout: &DocumentLayout, f: &Frame<'_>) -> Vec<TagHit> {
    let shift = f.origin.to_vec2();
    let mut rects = Vec::new();
    let mut span_rects: Vec<Range<usize>> = Vec::with_capacity(f.visible_spans.len());

    for placed in f.visible_spans {
        let first = rects.len();
        layout.range_rects(placed.range.clone(), &mut rects);
        span_rects.push(first..rects.len());
        let span = &f.spans[placed.index];
        let fill = span
            .color
            .gamma_multiply(if span.selected { 0.45 } else { 0.22 });
        for r in &rects[first..] {
            painter.rect_filled(r.translate(shift).expand2(vec2(0.0, 1.0)), 0.0, fill);
        }
    }

    if let Some(selection) = &f.selection {
        let mut sel = Vec::new();
        layout.range_rects(selection.clone(), &mut sel);
        for r in sel {
            painter.rect_filled(
                r.translate(shift).expand2(vec2(0.0, 1.0)),
                0.0,
                f.selection_color,
            );
        }
    }

    for (_, top, galley) in layout.shown_blocks() {
        painter.galley(f.origin + vec2(0.0, top), galley, f.text_color);
    }

    for (placed, range) in f.visible_spans.iter().zip(&span_rects) {
        let span = &f.spans[placed.index];
        let level = placed.level.min(MAX_BAR_LEVELS - 1) as f32;
        for r in &rects[range.clone()] {
            let y = r.bottom() + 1.5 + level * BAR_STEP;
            let bar = Rect::from_x_y_ranges(r.x_range(), y..=y + BAR_THICKNESS);
            painter.rect_filled(bar.translate(shift), 0.0, span.color);
            if span.selected {
                let outline = r.translate(shift).expand(1.0);
                painter.rect_stroke(
                    outline,
                    2.0,
                    Stroke::new(1.5, span.color),
                    StrokeKind::Outside,
                );
            }
        }
    }

    let tags = paint_tags(painter, layout, f);

    if let Some(caret) = f.caret
        && let Some(r) = layout.caret_rect(caret)
    {
        let r = r.translate(shift);
        painter.line_segment(
            [r.left_top(), r.left_bottom()],
            Stroke::new(1.5, f.text_color),
        );
    }
    tags
}

/// One tag per span, just above its first char, pushed right when it would
/// cover the tag before it on the same row.
fn paint_tags(painter: &egui::Painter, layout: &DocumentLayout, f: &Frame<'_>) -> Vec<TagHit> {
    let shift = f.origin.to_vec2();
    let font = FontId::proportional(TAG_FONT_SIZE);
    let mut tags = Vec::new();
    let mut previous: Option<Rect> = None;
    for placed in f.visible_spans {
        let Some(first_char) = layout.char_rect(placed.range.start) else {
            continue;
        };
        let span = &f.spans[placed.index];
        let ink = if span.color.intensity() > 0.55 {
            Color32::BLACK
        } else {
            Color32::WHITE
        };
        let galley = painter.layout_no_wrap(span.label.clone(), font.clone(), ink);
        let size = galley.size() + vec2(6.0, 0.0);
        let mut rect = Rect::from_min_size(
            Pos2::new(first_char.left(), first_char.top() - size.y - 1.0),
            size,
        );
        if let Some(prev) = previous
            && (prev.top() - rect.top()).abs() < 1.0
            && rect.left() < prev.right() + 2.0
        {
            rect = rect.translate(vec2(prev.right() + 2.0 - rect.left(), 0.0));
        }
        previous = Some(rect);
        let screen = rect.translate(shift);
        painter.rect_filled(screen, CornerRadius::same(3), span.color);
        if span.selected {
            painter.rect_stroke(
                screen,
                CornerRadius::same(3),
                Stroke::new(1.5, f.text_color),
                StrokeKind::Outside,
            );
        }
        painter.galley(screen.min + vec2(3.0, 0.0), galley, ink);
        tags.push(TagHit {
            rect,
            span: placed.index,
            start: placed.range.start,
        });
    }
    tags
}
