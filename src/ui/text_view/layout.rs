//! The laid-out document: one galley per block, stacked top to bottom. Heights
//! start as estimates and become exact as blocks are laid out (the visible ones
//! every frame, the rest a few at a time), so a long document never needs one
//! slow layout. Positions here are "content" coordinates: (0, 0) is the top
//! left of the first block.

use super::document::Document;
use super::tokens;
use eframe::egui::{
    self, Color32, FontId, Galley, Pos2, Rect,
    text::{LayoutJob, TextFormat, TextWrapping},
};
use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

/// How the text is set. Rows are taller than the font: tags sit in a band
/// above the text and underline bars in a band below it.
#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    pub font: FontId,
    pub font_height: f32,
    pub line_height: f32,
    pub wrap_width: f32,
    pub pixels_per_point: f32,
}

/// Average advances used to estimate the height of a block not yet laid out.
#[derive(Clone, Copy, Debug)]
struct Advances {
    wide: f32,
    narrow: f32,
}

pub struct DocumentLayout {
    text_hash: u64,
    pub doc: Document,
    metrics: Option<Metrics>,
    heights: Vec<f32>,
    measured: Vec<bool>,
    unmeasured: usize,
    /// `tops[i]` is the y of block `i`; the last entry is the total height.
    tops: Vec<f32>,
    tops_dirty: bool,
    /// The blocks laid out this frame, in the order they were laid out.
    shown: Vec<(usize, Arc<Galley>)>,
    next_to_measure: usize,
}

impl Default for DocumentLayout {
    fn default() -> Self {
        let doc = Document::new("");
        let blocks = doc.blocks.len();
        Self {
            text_hash: egui::util::hash(""),
            doc,
            metrics: None,
            heights: vec![0.0; blocks],
            measured: vec![false; blocks],
            unmeasured: blocks,
            tops: vec![0.0; blocks + 1],
            tops_dirty: true,
            shown: Vec::new(),
            next_to_measure: 0,
        }
    }
}

impl DocumentLayout {
    /// Rebuilds the blocks when the text is not the one laid out. Returns
    /// whether it changed.
    pub fn sync_text(&mut self, text: &str) -> bool {
        let hash = egui::util::hash(text);
        if hash == self.text_hash {
            return false;
        }
        self.text_hash = hash;
        self.doc = Document::new(text);
        self.metrics = None;
        self.shown.clear();
        true
    }

    /// Re-estimates every height when the font, width or scale changed.
    pub fn sync_metrics(&mut self, ctx: &egui::Context, metrics: Metrics) {
        if self.metrics.as_ref() == Some(&metrics) {
            return;
        }
        let advances = ctx.fonts_mut(|f| Advances {
            wide: f.glyph_width(&metrics.font, '中'),
            narrow: "etaoin shrdlu"
                .chars()
                .map(|c| f.glyph_width(&metrics.font, c))
                .sum::<f32>()
                / 13.0,
        });
        self.heights = (0..self.doc.blocks.len())
            .map(|b| self.estimate(b, advances, &metrics))
            .collect();
        self.measured = vec![false; self.heights.len()];
        self.unmeasured = self.heights.len();
        self.next_to_measure = 0;
        self.tops_dirty = true;
        self.shown.clear();
        self.metrics = Some(metrics);
    }

    fn estimate(&self, block: usize, advances: Advances, m: &Metrics) -> f32 {
        let width: f32 = self.doc.chars[self.doc.blocks[block].chars.clone()]
            .iter()
            .map(|c| {
                if tokens::is_ideograph(*c) || *c >= '\u{1F000}' {
                    advances.wide
                } else {
                    advances.narrow
                }
            })
            .sum();
        // Word wrapping leaves a little room at the end of most rows.
        let rows = (width * 1.05 / m.wrap_width.max(1.0)).ceil().max(1.0);
        rows * m.line_height
    }

    /// Forgets the galleys of the previous frame.
    pub fn begin_frame(&mut self) {
        self.shown.clear();
    }

    pub fn is_fully_measured(&self) -> bool {
        self.unmeasured == 0
    }

    /// Lays out a block (egui caches the galley between frames) and keeps it
    /// for hit testing and painting this frame.
    pub fn show_block(&mut self, ctx: &egui::Context, text: &str, block: usize, color: Color32) {
        if block >= self.doc.blocks.len() || self.galley(block).is_some() {
            return;
        }
        let galley = self.lay_out(ctx, text, block, color);
        self.shown.push((block, galley));
    }

    fn lay_out(
        &mut self,
        ctx: &egui::Context,
        text: &str,
        block: usize,
        color: Color32,
    ) -> Arc<Galley> {
        let Some(m) = &self.metrics else {
            return ctx.fonts_mut(|f| f.layout_job(LayoutJob::default()));
        };
        let format = TextFormat {
            font_id: m.font.clone(),
            color,
            line_height: Some(m.line_height),
            ..Default::default()
        };
        let mut job = LayoutJob::single_section(self.doc.display_text(text, block), format);
        job.wrap = TextWrapping::wrap_at_width(m.wrap_width);
        let galley = ctx.fonts_mut(|f| f.layout_job(job));
        let height = galley.rect.height().max(m.line_height);
        if self.heights[block] != height {
            self.heights[block] = height;
            self.tops_dirty = true;
        }
        if !self.measured[block] {
            self.measured[block] = true;
            self.unmeasured -= 1;
        }
        galley
    }

    /// Lays out blocks not measured yet, in document order, until `deadline`.
    pub fn measure_until(
        &mut self,
        ctx: &egui::Context,
        text: &str,
        color: Color32,
        deadline: Instant,
    ) {
        let n = self.doc.blocks.len();
        while self.unmeasured > 0 && Instant::now() < deadline {
            while self.measured[self.next_to_measure % n] {
                self.next_to_measure = (self.next_to_measure + 1) % n;
            }
            self.lay_out(ctx, text, self.next_to_measure % n, color);
        }
    }

    fn tops(&mut self) -> &[f32] {
        if self.tops_dirty {
            self.tops.clear();
            let mut y = 0.0;
            self.tops.push(y);
            for h in &self.heights {
                y += h;
                self.tops.push(y);
            }
            self.tops_dirty = false;
        }
        &self.tops
    }

    pub fn total_height(&mut self) -> f32 {
        self.tops().last().copied().unwrap_or(0.0)
    }

    pub fn block_top(&mut self, block: usize) -> f32 {
        let tops = self.tops();
        tops[block.min(tops.len() - 1)]
    }

    /// The block at height `y` (clamped to the first and last block).
    pub fn block_at_y(&mut self, y: f32) -> usize {
        let n = self.doc.blocks.len();
        let tops = self.tops();
        tops[..n].partition_point(|top| *top <= y).saturating_sub(1)
    }

    /// The blocks overlapping `y_range`.
    pub fn blocks_in(&mut self, y_range: egui::Rangef) -> Range<usize> {
        let first = self.block_at_y(y_range.min);
        let last = self.block_at_y(y_range.max);
        first..last + 1
    }

    pub fn galley(&self, block: usize) -> Option<&Arc<Galley>> {
        self.shown.iter().find(|(b, _)| *b == block).map(|(_, g)| g)
    }

    /// The laid-out blocks with their top, in document order.
    pub fn shown_blocks(&self) -> Vec<(usize, f32, Arc<Galley>)> {
        let mut v: Vec<_> = self
            .shown
            .iter()
            .map(|(b, g)| (*b, self.tops.get(*b).copied().unwrap_or(0.0), g.clone()))
            .collect();
        v.sort_by_key(|(b, _, _)| *b);
        v
    }

    /// Recomputes block tops if any height changed; call before reading
    /// positions through `&self` methods.
    pub fn settle(&mut self) {
        self.tops();
    }

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
