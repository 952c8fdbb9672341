//! The centre of a text project: the document with its spans highlighted, and
//! what the annotator selected in it. Edits are made by the workspace. The
//! document reads at the theme's reading size and colours; the reading-size
//! keys and Ctrl+wheel over it change the size (the app keeps it in the
//! settings).

use super::canvas::class_color;
use super::keymap::Action;
use super::text_view::{self, SpanPaint, TextViewOptions, TextViewState};
use super::theme::{self, READING_SIZE_STEP};
use crate::model::{ClassId, ItemId, SpanAnnotation, SpanId, TextDoc};
use crate::project::{Project, ProjectError};
use eframe::egui;
use rust_i18n::t;
use std::ops::Range;

/// How much of egui's zoom gesture is one reading-size step: a little less
/// than one line of wheel (40 points, ×1.22). A wheel notch is one line on
/// most systems, two under X11.
const ZOOM_PER_STEP: f32 = 1.2;

/// The current item's text and spans, re-read when the project changes.
#[derive(Default)]
struct TextCache {
    key: Option<(ItemId, u64)>,
    doc: TextDoc,
    spans: Vec<SpanAnnotation>,
}

pub struct TextPane {
    view: TextViewState,
    /// The document's text size in points (half points, within the
    /// theme's bounds).
    pub reading_size: f32,
    /// Ctrl+wheel zoom not yet enough for a step.
    zoom_carry: f32,
    cache: TextCache,
    pub snap_to_token: bool,
    /// The span clicked last; digits change its class, Del deletes it.
    pub selected: Option<SpanId>,
    /// The characters selected in the text (code points), as of the last frame.
    pub selection: Option<Range<usize>>,
}

impl Default for TextPane {
    fn default() -> Self {
        Self {
            view: TextViewState::default(),
            reading_size: theme::READING_SIZE,
            zoom_carry: 1.0,
            cache: TextCache::default(),
            snap_to_token: false,
            selected: None,
            selection: None,
        }
    }
}

impl TextPane {
    /// Applies a reading-size key; other actions are not the pane's.
    pub fn reading_key(&mut self, action: Action) {
        self.reading_size = match action {
            Action::ReadingLarger => theme::reading_size(self.reading_size + READING_SIZE_STEP),
            Action::ReadingSmaller => theme::reading_size(self.reading_size - READING_SIZE_STEP),
            Action::ReadingReset => theme::READING_SIZE,
            _ => return,
        };
    }

    /// Ctrl+wheel over the document (egui's zoom gesture, a pinch too)
    /// changes the size a step per wheel notch, as the keys do.
    fn zoom(&mut self, ui: &egui::Ui, over_document: bool) {
        let delta = ui.input(|i| i.zoom_delta());
        if !over_document || delta == 1.0 {
            return;
        }
        self.zoom_carry *= delta;
        let steps = (self.zoom_carry.ln() / ZOOM_PER_STEP.ln()).trunc();
        if steps != 0.0 {
            self.reading_size = theme::reading_size(self.reading_size + steps * READING_SIZE_STEP);
            self.zoom_carry /= ZOOM_PER_STEP.powf(steps);
        }
    }

    /// Forgets what was selected (another item is shown).
    pub fn reset(&mut self) {
        self.selected = None;
        self.selection = None;
        self.view.set_selection(None);
    }

    /// Clears the text selection after it became a span.
    pub fn clear_selection(&mut self) {
        self.selection = None;
        self.view.set_selection(None);
    }

    pub fn spans(&self) -> &[SpanAnnotation] {
        &self.cache.spans
    }

    pub fn selected_span(&self) -> Option<&SpanAnnotation> {
        let id = self.selected?;
        self.cache.spans.iter().find(|s| s.id == id)
    }

    /// Re-reads the item's text and spans when the item or the project changed.
    pub fn refresh(&mut self, project: &Project, item: ItemId) -> Result<(), ProjectError> {
        let key = Some((item, project.revision()));
        if self.cache.key == key {
            return Ok(());
        }
        let doc = project.text(item)?.unwrap_or_default();
        let spans = project.spans(item)?;
        self.cache = TextCache { key, doc, spans };
        if let Some(sel) = self.selected
            && !self.cache.spans.iter().any(|s| s.id == sel)
        {
            self.selected = None;
        }
        Ok(())
    }

    /// Shows the document; returns the span clicked this frame, if any.
    /// Spans in `commented` have a review comment pinned to them.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        commented: &[SpanId],
    ) -> Option<SpanId> {
        let schema = project.schema();
        let paints: Vec<SpanPaint> = self
            .cache
            .spans
            .iter()
            .map(|s| SpanPaint {
                start: s.start as usize,
                end: s.end as usize,
                color: class_color(schema, s.class),
                label: {
                    let name = schema
                        .class(s.class)
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| format!("#{}", s.class));
                    // A pinned review comment shows as a mark on the tag.
                    if commented.contains(&s.id) {
                        format!("{name} !")
                    } else {
                        name
                    }
                },
                selected: self.selected == Some(s.id),
            })
            .collect();
        let options = TextViewOptions {
            snap_to_token: self.snap_to_token,
            label: t!("text.view").into_owned(),
            font_size: Some(self.reading_size),
            text_color: Some(theme::READING_TEXT),
            ..Default::default()
        };
        ui.painter()
            .rect_filled(ui.max_rect(), 0.0, theme::READING_BACKGROUND);
        let response = text_view::show(ui, &self.cache.doc.text, &paints, &mut self.view, &options);
        self.zoom(ui, response.response.contains_pointer());
        self.selection = response.selection.clone();
        let clicked = response
            .clicked_span
            .and_then(|i| self.cache.spans.get(i))
            .map(|s| s.id);
        if clicked.is_some() {
            self.selected = clicked;
        } else if response.response.clicked() {
            self.selected = None;
        }
        clicked
    }

    /// The class of a span, for making it the active class when it is clicked.
    pub fn class_of(&self, id: SpanId) -> Option<ClassId> {
        self.cache
            .spans
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.class)
    }

    /// Where a character is on screen (tests drag between characters).
    pub fn char_rect(&self, index: usize) -> Option<egui::Rect> {
        self.view.char_rect(index)
    }

    /// The caret before character `index`, on screen.
    pub fn caret_rect(&self, index: usize) -> Option<egui::Rect> {
        self.view.caret_rect(index)
    }
}
