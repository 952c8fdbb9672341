//! Positions in the laid-out blocks: from a point to a code-point boundary or
//! char, and from code points to rectangles. Blocks hold no `\n`, so a
//! block-local char index is the glyph's index counted across the galley rows
//! (egui keeps one glyph per char, zero-width for the tail of a cluster).

use super::DocumentLayout;
use eframe::egui::{Galley, Pos2, Rect};
use std::ops::Range;
use std::sync::Arc;

impl DocumentLayout {
    /// The code-point boundary nearest to `pos`: before the first glyph
    /// whose middle is right of it. Zero-width glyphs (joiners, marks, the
    /// tail of a shaped cluster) cannot be pointed at, so they never decide.
    pub fn boundary_at(&self, pos: Pos2) -> usize {
        let Some((block, top, galley)) = self.block_near(pos.y) else {
            return if pos.y < 0.0 { 0 } else { self.doc.len() };
        };
        let chars = &self.doc.blocks[block].chars;
        let y = pos.y - top;
        let mut start = 0;
        let mut best: Option<(f32, usize)> = None;
        for row in &galley.rows {
            let glyphs = &row.row.glyphs;
            let distance = if y < row.min_y() {
                row.min_y() - y
            } else {
                (y - row.max_y()).max(0.0)
            };
            if best.is_none_or(|(d, _)| distance < d) {
                let column = glyphs
                    .iter()
                    .position(|g| {
                        g.advance_width > 0.0 && pos.x < row.pos.x + g.pos.x + g.advance_width / 2.0
                    })
                    .unwrap_or(glyphs.len());
                best = Some((distance, start + column));
            }
            start += glyphs.len() + usize::from(row.ends_with_newline);
        }
        let local = best.map_or(0, |(_, local)| local);
        self.before_carriage_return(chars.start + local.min(chars.len()))
    }

    /// A `\r` has no width, so the boundaries before and after it are at the
    /// same place; pointing there means "before it", so that selecting to
    /// the end of a CRLF line does not take the `\r` along.
    fn before_carriage_return(&self, index: usize) -> usize {
        match index.checked_sub(1).map(|i| self.doc.chars[i]) {
            Some('\r') => index - 1,
            _ => index,
        }
    }

    /// The character drawn under `pos`, if any.
    pub fn char_at(&self, pos: Pos2) -> Option<usize> {
        let (block, top, galley) = self.block_near(pos.y)?;
        let (x, y) = (pos.x, pos.y - top);
        let mut start = 0;
        for row in &galley.rows {
            let n = row.row.glyphs.len();
            if row.min_y() <= y && y < row.max_y() {
                let hit = row.row.glyphs.iter().position(|g| {
                    let left = row.pos.x + g.pos.x;
                    left <= x && x < left + g.advance_width
                })?;
                let local = start + hit;
                let chars = &self.doc.blocks[block].chars;
                return (local < chars.len()).then_some(chars.start + local);
            }
            start += n + usize::from(row.ends_with_newline);
        }
        None
    }

    /// The shown block whose extent holds `y`, with its top.
    fn block_near(&self, y: f32) -> Option<(usize, f32, &Arc<Galley>)> {
        let n = self.doc.blocks.len();
        if self.tops.len() != n + 1 || y < 0.0 || y >= self.tops[n] {
            return None;
        }
        let block = self.tops[..n]
            .partition_point(|top| *top <= y)
            .saturating_sub(1);
        self.galley(block).map(|g| (block, self.tops[block], g))
    }

    /// Text rectangles (one per row) covering the chars of `range` that lie
    /// in shown blocks.
    pub fn range_rects(&self, range: Range<usize>, out: &mut Vec<Rect>) {
        let Some(m) = &self.metrics else { return };
        if range.is_empty() {
            return;
        }
        for (block, galley) in &self.shown {
            let chars = &self.doc.blocks[*block].chars;
            let (a, b) = (range.start.max(chars.start), range.end.min(chars.end));
            if a >= b {
                continue;
            }
            let top = self.tops.get(*block).copied().unwrap_or(0.0);
            let (a, b) = (a - chars.start, b - chars.start);
            let mut start = 0;
            for row in &galley.rows {
                let glyphs = &row.row.glyphs;
                let (s, e) = (a.max(start), b.min(start + glyphs.len()));
                if s < e {
                    let left = row.pos.x + glyphs[s - start].pos.x;
                    let right = row.pos.x + glyphs[e - 1 - start].max_x();
                    let center = top + row.rect().center().y;
                    out.push(Rect::from_x_y_ranges(
                        left..=right,
                        center - m.font_height / 2.0..=center + m.font_height / 2.0,
                    ));
                }
                start += glyphs.len() + usize::from(row.ends_with_newline);
            }
        }
    }

    /// The text rectangle of the char at `index`, or a zero-width one at the
    /// end of its block for the boundary after the last char.
    pub fn char_rect(&self, index: usize) -> Option<Rect> {
        let mut rects = Vec::new();
        self.range_rects(index..index + 1, &mut rects);
        if let Some(rect) = rects.first() {
            return Some(*rect);
        }
        let block = self.doc.block_of(index);
        let chars = &self.doc.blocks.get(block)?.chars;
        if index != chars.end {
            return None;
        }
        self.caret_rect(index)
    }

    /// A zero-width rectangle at the boundary before `index` (at the end of
    /// the text or block: after its last char).
    pub fn caret_rect(&self, index: usize) -> Option<Rect> {
        let m = self.metrics.as_ref()?;
        let block = self.doc.block_of(index);
        let galley = self.galley(block)?;
        let chars = &self.doc.blocks[block].chars;
        let local = index.clamp(chars.start, chars.end) - chars.start;
        let top = self.tops.get(block).copied().unwrap_or(0.0);
        let mut start = 0;
        for (i, row) in galley.rows.iter().enumerate() {
            let glyphs = &row.row.glyphs;
            let is_last = i + 1 == galley.rows.len();
            if local < start + glyphs.len() || is_last {
                let x = match glyphs.get(local.saturating_sub(start)) {
                    Some(g) if local >= start => row.pos.x + g.pos.x,
                    _ => row.pos.x + glyphs.last().map_or(0.0, |g| g.max_x()),
                };
                let center = top + row.rect().center().y;
                return Some(Rect::from_x_y_ranges(
                    x..=x,
                    center - m.font_height / 2.0..=center + m.font_height / 2.0,
                ));
            }
            start += glyphs.len() + usize::from(row.ends_with_newline);
        }
        None
    }

    /// The document range of the visual row holding the boundary `index`
    /// (its block if that is not laid out).
    pub fn row_range(&self, index: usize) -> Range<usize> {
        let block = self.doc.block_of(index);
        let chars = self.doc.blocks[block].chars.clone();
        let Some(galley) = self.galley(block) else {
            return chars;
        };
        let local = index.clamp(chars.start, chars.end) - chars.start;
        let mut start = 0;
        for (i, row) in galley.rows.iter().enumerate() {
            let end = start + row.row.glyphs.len();
            if local < end || i + 1 == galley.rows.len() {
                let end = end.min(chars.len());
                let start = chars.start + start.min(end);
                return start..self.before_carriage_return(chars.start + end).max(start);
            }
            start = end + usize::from(row.ends_with_newline);
        }
        chars
    }
}

#[cfg(test)]
mod tests {
    use super::super::Metrics;
    use super::*;
    use eframe::egui::{self, Color32, FontId, pos2};
    use std::time::{Duration, Instant};

    fn context() -> egui::Context {
        let ctx = egui::Context::default();
        crate::ui::fonts::install(&ctx);
        ctx.run_ui(egui::RawInput::default(), |_| {})
            .textures_delta
            .clear();
        ctx
    }

    fn metrics(wrap_width: f32) -> Metrics {
        Metrics {
            font: FontId::proportional(14.0),
            font_height: 16.0,
            line_height: 40.0,
            wrap_width,
            pixels_per_point: 1.0,
        }
    }

    /// Every block laid out, as if all were in view.
    fn laid_out(text: &str, wrap_width: f32) -> DocumentLayout {
        let ctx = context();
        let mut layout = DocumentLayout::default();
        layout.sync_text(text);
        layout.sync_metrics(&ctx, metrics(wrap_width));
        for block in 0..layout.doc.blocks.len() {
            layout.show_block(&ctx, text, block, Color32::WHITE);
        }
        layout.settle();
        layout
    }

    const TEXT: &str = "贵州猕猴桃 kiwi e\u{301}x tea\r\n第二段 second paragraph";

    #[test]
    fn each_char_centre_hits_that_char_and_its_left_edge_that_boundary() {
        // Narrow enough to wrap the first paragraph.
        let layout = laid_out(TEXT, 90.0);
        let chars: Vec<char> = TEXT.chars().collect();
        let mut wrapped = false;
        for (i, c) in chars.iter().enumerate() {
            if matches!(c, '\n' | '\r' | '\u{301}') {
                continue;
            }
            let rect = layout.char_rect(i).unwrap();
            assert!(rect.width() > 0.0, "{c:?} at {i} has no width");
            assert_eq!(layout.char_at(rect.center()), Some(i), "{c:?} at {i}");
            let edge = pos2(rect.left(), rect.center().y);
            assert_eq!(layout.boundary_at(edge), i, "left of {c:?} at {i}");
            wrapped |= i > 0 && rect.top() > layout.char_rect(0).unwrap().bottom();
        }
        assert!(wrapped, "the test text should wrap");
    }

    #[test]
    fn carriage_return_has_no_width_and_points_before_itself() {
        let layout = laid_out(TEXT, 1000.0);
        let cr = TEXT.chars().position(|c| c == '\r').unwrap();
        let rect = layout.char_rect(cr).unwrap();
        assert_eq!(rect.width(), 0.0);
        assert_eq!(
            layout.boundary_at(pos2(rect.right() + 30.0, rect.center().y)),
            cr
        );
        assert_eq!(layout.row_range(cr).end, cr);
    }

    #[test]
    fn a_range_over_a_wrap_gives_one_rect_per_row() {
        let layout = laid_out(TEXT, 90.0);
        let mut rects = Vec::new();
        layout.range_rects(0..15, &mut rects);
        assert!(rects.len() >= 2, "{rects:?}");
        for pair in rects.windows(2) {
            assert!(pair[1].top() > pair[0].top());
        }
        // Out-of-range and empty ranges draw nothing and do not panic.
        rects.clear();
        layout.range_rects(500..900, &mut rects);
        layout.range_rects(3..3, &mut rects);
        assert!(rects.is_empty());
        assert!(layout.char_rect(usize::MAX - 1).is_none());
    }

    #[test]
    fn rows_tile_each_block() {
        let layout = laid_out(TEXT, 90.0);
        let mut index = 0;
        let mut rows = 0;
        let first = &layout.doc.blocks[0].chars;
        while index < first.end - 1 {
            let row = layout.row_range(index);
            assert_eq!(row.start, index, "rows must follow each other");
            index = row.end.max(index + 1);
            rows += 1;
        }
        assert!(rows >= 2);
    }

    #[test]
    fn points_outside_the_text_clamp_to_its_ends() {
        let layout = laid_out(TEXT, 1000.0);
        let len = TEXT.chars().count();
        assert_eq!(layout.boundary_at(pos2(5.0, -50.0)), 0);
        assert_eq!(layout.boundary_at(pos2(5.0, 1e6)), len);
        assert_eq!(layout.char_at(pos2(-10.0, 10.0)), None);
        assert_eq!(layout.caret_rect(len).map(|r| r.width()), Some(0.0));
    }

    #[test]
    fn heights_are_estimated_then_measured_within_the_deadline() {
        let ctx = context();
        let text = "北京大学 Peking University\n".repeat(300);
        let mut layout = DocumentLayout::default();
        layout.sync_text(&text);
        layout.sync_metrics(&ctx, metrics(300.0));
        let estimated = layout.total_height();
        assert!(estimated >= 300.0 * 40.0, "{estimated}");
        layout.measure_until(&ctx, &text, Color32::WHITE, Instant::now());
        assert!(
            !layout.is_fully_measured(),
            "a past deadline measures nothing"
        );
        let far = Instant::now() + Duration::from_secs(60);
        layout.measure_until(&ctx, &text, Color32::WHITE, far);
        assert!(layout.is_fully_measured());
        // Each paragraph fits on one 40-point row; the last block is empty.
        assert_eq!(layout.total_height(), 301.0 * 40.0);
        assert_eq!(layout.block_at_y(40.0 * 7.5), 7);
    }
}
