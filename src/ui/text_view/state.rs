//! What the view remembers between frames: the selection, the scroll
//! position and the laid-out document.

use super::layout::DocumentLayout;
use super::paint::TagHit;
use super::{clusters, tokens};
use eframe::egui::{Pos2, Rect};
use std::ops::Range;

/// A selection as the user makes it: a fixed end (`anchor`) and a moving
/// end (`cursor`), both code-point boundaries. No anchor: only a caret.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub anchor: Option<usize>,
    pub cursor: usize,
}

impl Selection {
    /// The selected range widened to whole clusters (and whole words when
    /// snapping); `None` when it selects nothing.
    pub fn range(&self, chars: &[char], snap_to_token: bool) -> Option<Range<usize>> {
        let anchor = self.anchor?;
        let (a, b) = (anchor.min(self.cursor), anchor.max(self.cursor));
        if a == b {
            return None;
        }
        let (a, b) = clusters::widen(chars, a, b);
        let range = if snap_to_token {
            tokens::snap(chars, a..b)
        } else {
            a..b
        };
        (!range.is_empty()).then_some(range)
    }

    /// Replaces the ends with `range`, keeping the direction of the selection.
    pub fn set_keeping_direction(&mut self, range: Range<usize>) {
        let backwards = self.anchor.is_some_and(|a| self.cursor < a);
        let (anchor, cursor) = if backwards {
            (range.end, range.start)
        } else {
            (range.start, range.end)
        };
        self.anchor = Some(anchor);
        self.cursor = cursor;
    }
}

/// The persistent state of a text view. Keep one per view (per document
/// shown) across frames.
#[derive(Default)]
pub struct TextViewState {
    pub(super) selection: Selection,
    pub(super) layout: DocumentLayout,
    /// Screen position of content (0, 0) in the last frame.
    pub(super) origin: Option<Pos2>,
    /// The first visible block and how far into it the view is scrolled, so
    /// the text in view stays put when blocks above it get their exact height.
    pub(super) scroll_anchor: (usize, f32),
    pub(super) scroll_offset: f32,
    pub(super) scroll_to: Option<usize>,
    /// The tags drawn in the last frame.
    pub(super) tag_hits: Vec<TagHit>,
    /// A primary-button drag that started on the text is selecting.
    pub(super) selecting: bool,
}

impl TextViewState {
    /// The selection shown in the last frame, in code points.
    pub fn selection(&self, snap_to_token: bool) -> Option<Range<usize>> {
        self.selection.range(&self.layout.doc.chars, snap_to_token)
    }

    /// Selects `range` (code points; clamped to the text) or clears the
    /// selection. The caret goes to the end of the range.
    pub fn set_selection(&mut self, range: Option<Range<usize>>) {
        let len = self.layout.doc.len();
        self.selection = match range {
            Some(r) => Selection {
                anchor: Some(r.start.min(len)),
                cursor: r.end.min(len),
            },
            None => Selection {
                anchor: None,
                cursor: self.selection.cursor.min(len),
            },
        };
    }

    /// The caret (the moving end of the selection), in code points.
    pub fn cursor(&self) -> usize {
        self.selection.cursor
    }

    /// Scrolls the view so that the char at `index` is visible next frame.
    pub fn scroll_to_char(&mut self, index: usize) {
        self.scroll_to = Some(index);
    }

    /// Where the char at `index` was drawn in the last frame (screen
    /// coordinates, the height of the text), or `None` if it was not in view.
    /// `index == len` gives a zero-width rectangle after the last char.
    pub fn char_rect(&self, index: usize) -> Option<Rect> {
        let origin = self.origin?;
        let rect = self.layout.char_rect(index)?;
        Some(rect.translate(origin.to_vec2()))
    }

    /// Like [`Self::char_rect`], for the boundary before `index`.
    pub fn caret_rect(&self, index: usize) -> Option<Rect> {
        let origin = self.origin?;
        Some(self.layout.caret_rect(index)?.translate(origin.to_vec2()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn range_is_ordered_widened_and_never_empty() {
        let c = chars("a👨\u{200D}👩\u{200D}👧b");
        let s = Selection {
            anchor: Some(7),
            cursor: 3,
        };
        assert_eq!(s.range(&c, false), Some(1..7));
        let caret = Selection {
            anchor: Some(2),
            cursor: 2,
        };
        assert_eq!(caret.range(&c, false), None);
        assert_eq!(Selection::default().range(&c, false), None);
    }

    #[test]
    fn range_snaps_when_asked() {
        let c = chars("hello world");
        let s = Selection {
            anchor: Some(3),
            cursor: 8,
        };
        assert_eq!(s.range(&c, false), Some(3..8));
        assert_eq!(s.range(&c, true), Some(0..11));
    }

    #[test]
    fn set_keeping_direction_keeps_a_backward_selection_backward() {
        let mut s = Selection {
            anchor: Some(8),
            cursor: 3,
        };
        s.set_keeping_direction(0..11);
        assert_eq!((s.anchor, s.cursor), (Some(11), 0));
        let mut s = Selection {
            anchor: Some(3),
            cursor: 8,
        };
        s.set_keeping_direction(0..11);
        assert_eq!((s.anchor, s.cursor), (Some(0), 11));
    }
}
