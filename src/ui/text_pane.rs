//! The centre of a text project: the document with its spans highlighted, and
//! what the annotator selected in it. Edits are made by the workspace.

use super::canvas::class_color;
use super::text_view::{self, SpanPaint, TextViewOptions, TextViewState};
use crate::model::{ClassId, ItemId, SpanAnnotation, SpanId, TextDoc};
use crate::project::{Project, ProjectError};
use eframe::egui;
use rust_i18n::t;
use std::ops::Range;

/// The current item's text and spans, re-read when the project changes.
#[derive(Default)]
struct TextCache {
    key: Option<(ItemId, u64)>,
    doc: TextDoc,
    spans: Vec<SpanAnnotation>,
}

#[derive(Default)]
pub struct TextPane {
    view: TextViewState,
    cache: TextCache,
    pub snap_to_token: bool,
    /// The span clicked last; digits change its class, Del deletes it.
    pub selected: Option<SpanId>,
    /// The characters selected in the text (code points), as of the last frame.
    pub selection: Option<Range<usize>>,
}

impl TextPane {
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
            ..Default::default()
        };
        let response = text_view::show(ui, &self.cache.doc.text, &paints, &mut self.view, &options);
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
