//! The text view for span (NER) labelling: a wrapped, scrollable document with
//! coloured, labelled spans, and a selection made with the mouse or keyboard.
//!
//! Pure UI: it takes the text and the spans to paint each frame and reports the
//! selection and clicks; the caller turns them into edits. Every offset in and
//! out is a Unicode code point (`text.chars()` index), end-exclusive. The text
//! is shown as given: a `\r` is drawn as nothing but still counts as a char.
//!
//! Long documents: the text is laid out per paragraph (long ones in pieces),
//! only the blocks in view are laid out each frame (egui caches their galleys),
//! and the others are measured a few at a time until their heights are exact.

mod clusters;
mod document;
mod input;
mod layout;
mod paint;
mod stacking;
mod state;
mod tokens;

pub use state::TextViewState;

use eframe::egui::{self, Sense, Ui, Vec2, vec2};
use std::ops::Range;
use std::time::{Duration, Instant};

/// A span to draw: `[start, end)` in code points. Out-of-range or reversed
/// bounds are clamped for drawing, never an error.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanPaint {
    pub start: usize,
    pub end: usize,
    pub color: egui::Color32,
    /// The class name, shown as a small tag above the span's first char.
    pub label: String,
    pub selected: bool,
}

#[derive(Clone, Debug)]
pub struct TextViewOptions {
    /// Extend selections to whole words (Latin letters, digits, `_`); CJK
    /// characters are tokens of their own. Surrounding spaces are dropped.
    pub snap_to_token: bool,
    /// The accessible name of the view (what kittest finds it by).
    pub label: String,
    /// Distinguishes several views in one window.
    pub id_salt: egui::IdSalt,
    /// The text's size in points; `None` is the body text's.
    pub font_size: Option<f32>,
    /// The text's colour; `None` is the visuals' text colour.
    pub text_color: Option<egui::Color32>,
}

impl Default for TextViewOptions {
    fn default() -> Self {
        Self {
            snap_to_token: false,
            label: "Document text".into(),
            id_salt: egui::IdSalt::new("shugu_text_view"),
            font_size: None,
            text_color: None,
        }
    }
}

pub struct TextViewResponse {
    pub response: egui::Response,
    /// The current selection, non-empty, in code points.
    pub selection: Option<Range<usize>>,
    /// A span (index into the given spans) clicked this frame without a
    /// drag: the smallest span under the pointer, or the span of a clicked tag.
    pub clicked_span: Option<usize>,
    /// The span under the pointer, chosen the same way.
    pub hovered_span: Option<usize>,
}

/// Space around the text inside the scroll area.
const PADDING: f32 = 8.0;
/// Off-screen blocks are measured until this much of the frame is spent.
const MEASURE_BUDGET: Duration = Duration::from_millis(2);

/// Shows `text` with `spans` and handles selection input.
pub fn show(
    ui: &mut Ui,
    text: &str,
    spans: &[SpanPaint],
    state: &mut TextViewState,
    options: &TextViewOptions,
) -> TextViewResponse {
    let frame_start = Instant::now();
    let text_color = text_color(ui, options);
    let metrics = metrics(ui, options);
    prepare(
        ui,
        text,
        state,
        metrics,
        text_color,
        frame_start + MEASURE_BUDGET,
    );

    let output = scroll_area(state, options).show_viewport(ui, |ui, viewport| {
        contents(ui, viewport, text, spans, state, options)
    });
    let (response, outcome, selection) = output.inner;
    remember_scroll(state, output.state.unclamped_offset().y);

    if !state.layout.is_fully_measured() {
        // Not an immediate repaint: the rest is measured in idle frames, and
        // test harnesses still see the UI as settled.
        ui.ctx().request_repaint_after(Duration::from_millis(5));
    }
    TextViewResponse {
        response,
        selection,
        clicked_span: outcome.clicked_span,
        hovered_span: outcome.hovered_span,
    }
}

/// Follows a new text or width, and measures off-screen blocks until
/// `measure_deadline`.
fn prepare(
    ui: &Ui,
    text: &str,
    state: &mut TextViewState,
    metrics: layout::Metrics,
    text_color: egui::Color32,
    measure_deadline: Instant,
) {
    if state.layout.sync_text(text) {
        state.selection = state::Selection::default();
        state.scroll_anchor = (0, 0.0);
        state.scroll_offset = -1.0; // forces the offset in `scroll_area`
        state.tag_hits.clear();
    }
    state.layout.sync_metrics(ui.ctx(), metrics);
    state.layout.begin_frame();
    state
        .layout
        .measure_until(ui.ctx(), text, text_color, measure_deadline);
}

/// The scroll area, moved so the text at the top of the view stays put when
/// blocks above it got their exact height since the last frame.
fn scroll_area(state: &mut TextViewState, options: &TextViewOptions) -> egui::ScrollArea {
    let (anchor_block, anchor_offset) = state.scroll_anchor;
    let anchored = state.layout.block_top(anchor_block) + anchor_offset;
    let area = egui::ScrollArea::vertical()
        .id_salt(options.id_salt)
        .auto_shrink(false)
        .scroll_source(egui::scroll_area::ScrollSource {
            drag: egui::scroll_area::DragScroll::Never,
            ..Default::default()
        });
    if (anchored - state.scroll_offset).abs() > 0.5 {
        area.vertical_scroll_offset(anchored.max(0.0))
    } else {
        area
    }
}

/// Remembers the block at the top of the view and the scroll offset
/// relative to that block's top (padding included).
fn remember_scroll(state: &mut TextViewState, offset: f32) {
    state.scroll_offset = offset;
    let block = state.layout.block_at_y(offset - PADDING);
    state.scroll_anchor = (block, offset - state.layout.block_top(block));
}

/// The inside of the scroll area: lays out what is in view, handles input
/// and paints.
fn contents(
    ui: &mut Ui,
    viewport: egui::Rect,
    text: &str,
    spans: &[SpanPaint],
    state: &mut TextViewState,
    options: &TextViewOptions,
) -> (egui::Response, input::InputOutcome, Option<Range<usize>>) {
    let text_color = text_color(ui, options);
    let content_min = ui.min_rect().min;
    let origin = content_min + vec2(PADDING, PADDING);
    let content_view = viewport.translate(-vec2(PADDING, PADDING));
    lay_out_visible(ui, text, state, content_view.y_range(), text_color);
    if let Some(index) = state.scroll_to.take() {
        scroll_to(ui, text, state, index, origin, text_color);
    }

    let id = ui.make_persistent_id((options.id_salt, "text"));
    let response = ui.interact(
        viewport.translate(content_min.to_vec2()),
        id,
        Sense::click_and_drag(),
    );
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::accesskit::Role::Document, true, &options.label)
    });

    let placed = stacking::place(spans, state.layout.doc.len());
    let outcome = input::handle(ui, &response, state, &placed, origin, options.snap_to_token);
    if outcome.caret_moved {
        scroll_to(ui, text, state, state.selection.cursor, origin, text_color);
    }
    if response.hovered() {
        ui.ctx().set_cursor_icon(if outcome.hovered_span.is_some() {
            egui::CursorIcon::PointingHand
        } else {
            egui::CursorIcon::Text
        });
    }

    state.layout.settle();
    let visible = visible_chars(state);
    let visible_spans: Vec<_> = placed
        .into_iter()
        .filter(|p| p.range.start < visible.end && visible.start < p.range.end)
        .collect();
    let selection = state.selection(options.snap_to_token);
    let frame = paint::Frame {
        text_color,
        selection_color: ui.visuals().selection.bg_fill.gamma_multiply(0.7),
        spans,
        visible_spans: &visible_spans,
        selection: selection.clone(),
        caret: response.has_focus().then_some(state.selection.cursor),
        origin,
    };
    state.tag_hits = paint::paint(ui.painter(), &state.layout, &frame);
    state.origin = Some(origin);

    let total = state.layout.total_height();
    ui.set_min_size(Vec2::new(ui.available_width(), total + 2.0 * PADDING));
    (response, outcome, selection)
}

fn text_color(ui: &Ui, options: &TextViewOptions) -> egui::Color32 {
    options
        .text_color
        .unwrap_or_else(|| ui.visuals().text_color())
}

fn metrics(ui: &Ui, options: &TextViewOptions) -> layout::Metrics {
    let body = egui::TextStyle::Body.resolve(ui.style());
    let font = match options.font_size {
        Some(size) => egui::FontId::new(size, body.family),
        None => body,
    };
    let font_height = ui.fonts_mut(|f| f.row_height(&font));
    let scroll_bar = ui.spacing().scroll.allocated_width();
    layout::Metrics {
        line_height: (font_height + 2.0 * paint::BAND).round(),
        font_height,
        font,
        wrap_width: (ui.available_width() - 2.0 * PADDING - scroll_bar).max(20.0),
        pixels_per_point: ui.pixels_per_point(),
    }
}

/// Lays out the blocks in `y_range` (content coordinates). Laying out fixes
/// their heights, which can bring more blocks into view, so repeat a few times.
fn lay_out_visible(
    ui: &Ui,
    text: &str,
    state: &mut TextViewState,
    y_range: egui::Rangef,
    color: egui::Color32,
) {
    for _ in 0..4 {
        let blocks = state.layout.blocks_in(y_range);
        let before = state.layout.total_height();
        for block in blocks {
            state.layout.show_block(ui.ctx(), text, block, color);
        }
        if state.layout.total_height() == before {
            break;
        }
    }
    state.layout.settle();
}

/// Lays out the block holding `index` if needed and asks the scroll area to
/// bring the char into view.
fn scroll_to(
    ui: &Ui,
    text: &str,
    state: &mut TextViewState,
    index: usize,
    origin: egui::Pos2,
    color: egui::Color32,
) {
    let block = state.layout.doc.block_of(index);
    state.layout.show_block(ui.ctx(), text, block, color);
    state.layout.settle();
    if let Some(rect) = state.layout.caret_rect(index) {
        let rect = rect
            .translate(origin.to_vec2())
            .expand2(vec2(0.0, paint::BAND));
        ui.scroll_to_rect(rect, None);
    }
}

/// The code points of the blocks laid out this frame.
fn visible_chars(state: &TextViewState) -> Range<usize> {
    let doc = &state.layout.doc;
    let shown = state.layout.shown_blocks();
    let start = shown
        .iter()
        .map(|(b, _, _)| doc.blocks[*b].chars.start)
        .min();
    let end = shown.iter().map(|(b, _, _)| doc.blocks[*b].chars.end).max();
    match (start, end) {
        (Some(s), Some(e)) => s..e,
        _ => 0..0,
    }
}
