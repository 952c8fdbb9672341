//! The laid-out document: one galley per block, stacked top to bottom. Heights
//! start as estimates and become exact as blocks are laid out (the visible ones
//! every frame, the rest a few at a time), so a long document never needs one
//! slow layout. Positions here are "content" coordinates: (0, 0) is the top
//! left of the first block.

use super::document::Document;
use super::tokens;
use eframe::egui::{
    self, Color32, FontId, Galley,
    text::{LayoutJob, TextFormat, TextWrapping},
};
use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

mod geometry;

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
}
