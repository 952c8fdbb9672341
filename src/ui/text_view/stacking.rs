//! Which spans to draw and at which stacking level, so overlapping and nested
//! spans all stay visible: each span gets the lowest underline level not used
//! by a span it overlaps.

use super::SpanPaint;
use std::ops::Range;

/// A span ready to draw: its range clamped to the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedSpan {
    /// Index into the caller's span slice.
    pub index: usize,
    pub range: Range<usize>,
    pub level: usize,
}

/// Clamps a span to `0..len`; reversed bounds are swapped. `None` when empty.
pub fn clamp(start: usize, end: usize, len: usize) -> Option<Range<usize>> {
    let (a, b) = if start <= end {
        (start, end)
    } else {
        (end, start)
    };
    let range = a.min(len)..b.min(len);
    (!range.is_empty()).then_some(range)
}

/// Drawable spans ordered by start (longer first on ties), with levels.
pub fn place(spans: &[SpanPaint], len: usize) -> Vec<PlacedSpan> {
    let mut placed: Vec<PlacedSpan> = spans
        .iter()
        .enumerate()
        .filter_map(|(index, s)| {
            clamp(s.start, s.end, len).map(|range| PlacedSpan {
                index,
                range,
                level: 0,
            })
        })
        .collect();
    placed.sort_by(|a, b| {
        (a.range.start, b.range.end, a.index).cmp(&(b.range.start, a.range.end, b.index))
    });
    // level_ends[l] is where the last span on level l ends.
    let mut level_ends: Vec<usize> = Vec::new();
    for span in &mut placed {
        let free = level_ends.iter().position(|end| *end <= span.range.start);
        span.level = free.unwrap_or(level_ends.len());
        if free.is_some() {
            level_ends[span.level] = span.range.end;
        } else {
            level_ends.push(span.range.end);
        }
    }
    placed
}

/// The smallest span containing `char_index` (the first given on ties).
pub fn smallest_at(placed: &[PlacedSpan], char_index: usize) -> Option<usize> {
    placed
        .iter()
        .filter(|s| s.range.contains(&char_index))
        .min_by_key(|s| (s.range.len(), s.index))
        .map(|s| s.index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::egui::Color32;

    fn span(start: usize, end: usize) -> SpanPaint {
        SpanPaint {
            start,
            end,
            color: Color32::RED,
            label: "x".into(),
            selected: false,
        }
    }

    fn levels(spans: &[SpanPaint], len: usize) -> Vec<(usize, usize)> {
        let mut v: Vec<_> = place(spans, len)
            .into_iter()
            .map(|p| (p.index, p.level))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn disjoint_spans_share_level_zero() {
        assert_eq!(
            levels(&[span(0, 3), span(3, 5), span(7, 9)], 10),
            vec![(0, 0), (1, 0), (2, 0)]
        );
    }

    #[test]
    fn nested_and_overlapping_spans_stack() {
        // 0: outer 0..10, 1: nested 2..4, 2: overlaps both 3..12, 3: after 1 ends.
        let spans = [span(0, 10), span(2, 4), span(3, 12), span(4, 6)];
        assert_eq!(levels(&spans, 20), vec![(0, 0), (1, 1), (2, 2), (3, 1)]);
    }

    #[test]
    fn same_start_puts_the_longer_span_below() {
        assert_eq!(levels(&[span(0, 2), span(0, 5)], 10), vec![(0, 1), (1, 0)]);
    }

    #[test]
    fn bad_ranges_are_clamped_or_dropped() {
        assert_eq!(clamp(5, 2, 10), Some(2..5));
        assert_eq!(clamp(8, 30, 10), Some(8..10));
        assert_eq!(clamp(12, 30, 10), None);
        assert_eq!(clamp(4, 4, 10), None);
        assert_eq!(clamp(usize::MAX, 0, 3), Some(0..3));
        let placed = place(&[span(9, 2), span(50, 60), span(3, 3)], 10);
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].range, 2..9);
    }

    #[test]
    fn smallest_span_under_a_char_wins() {
        let spans = [span(0, 10), span(2, 4), span(3, 12)];
        let placed = place(&spans, 20);
        assert_eq!(smallest_at(&placed, 3), Some(1));
        assert_eq!(smallest_at(&placed, 0), Some(0));
        assert_eq!(smallest_at(&placed, 11), Some(2));
        assert_eq!(smallest_at(&placed, 15), None);
    }
}
