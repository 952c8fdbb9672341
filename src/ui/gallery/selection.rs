//! Which items of the grid are selected: click, Ctrl-click, Shift-click, Ctrl+A and
//! the rubber band, over the filtered list. Items are positions in the project's item
//! list; the filtered list (`shown`) gives the order a Shift-click range follows.

use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    chosen: BTreeSet<usize>,
    /// Where a Shift-click range starts: the last item clicked without Shift.
    anchor: Option<usize>,
    /// What was selected when a Ctrl rubber band started (it adds to that).
    before_band: Option<BTreeSet<usize>>,
}

/// The modifier keys of a click, as the grid reads them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClickKeys {
    /// Ctrl (Cmd on macOS): toggle one, or add a band to the selection.
    pub toggle: bool,
    /// Shift: select the range from the anchor.
    pub range: bool,
}

impl Selection {
    pub fn contains(&self, item: usize) -> bool {
        self.chosen.contains(&item)
    }

    pub fn len(&self) -> usize {
        self.chosen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chosen.is_empty()
    }

    /// The selected items, in project order.
    pub fn items(&self) -> impl Iterator<Item = usize> + '_ {
        self.chosen.iter().copied()
    }

    pub fn clear(&mut self) {
        self.chosen.clear();
        self.anchor = None;
    }

    /// A click on `item`.
    pub fn click(&mut self, item: usize, keys: ClickKeys, shown: &[usize]) {
        let anchor_at = self.anchor.and_then(|a| shown.iter().position(|&p| p == a));
        match (keys.range, anchor_at, shown.iter().position(|&p| p == item)) {
            (true, Some(from), Some(to)) => {
                if !keys.toggle {
                    self.chosen.clear();
                }
                let (lo, hi) = (from.min(to), from.max(to));
                self.chosen.extend(&shown[lo..=hi]);
            }
            _ if keys.toggle => {
                if !self.chosen.remove(&item) {
                    self.chosen.insert(item);
                }
                self.anchor = Some(item);
            }
            _ => {
                self.chosen.clear();
                self.chosen.insert(item);
                self.anchor = Some(item);
            }
        }
    }

    /// Every item shown.
    pub fn select_all(&mut self, shown: &[usize]) {
        self.chosen = shown.iter().copied().collect();
    }

    /// The rubber band now covers `items`; with `add`, on top of what was selected
    /// when it started.
    pub fn band(&mut self, items: &[usize], add: bool) {
        let base = self.before_band.get_or_insert_with(|| {
            if add {
                self.chosen.clone()
            } else {
                BTreeSet::new()
            }
        });
        let mut chosen = base.clone();
        chosen.extend(items);
        self.chosen = chosen;
        if let Some(&last) = items.last() {
            self.anchor = Some(last);
        }
    }

    /// The rubber band was let go.
    pub fn end_band(&mut self) {
        self.before_band = None;
    }

    /// Drops items no longer shown (the filter changed).
    pub fn keep_only(&mut self, shown: &[usize]) {
        if self.chosen.iter().any(|p| shown.binary_search(p).is_err()) {
            self.chosen.retain(|p| shown.binary_search(p).is_ok());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOWN: [usize; 6] = [1, 3, 4, 7, 8, 9];
    const CTRL: ClickKeys = ClickKeys {
        toggle: true,
        range: false,
    };
    const SHIFT: ClickKeys = ClickKeys {
        toggle: false,
        range: true,
    };

    fn items(s: &Selection) -> Vec<usize> {
        s.items().collect()
    }

    #[test]
    fn click_ctrl_click_and_shift_click() {
        let mut s = Selection::default();
        s.click(3, ClickKeys::default(), &SHOWN);
        assert_eq!(items(&s), [3]);
        s.click(8, CTRL, &SHOWN);
        assert_eq!(items(&s), [3, 8]);
        s.click(3, CTRL, &SHOWN);
        assert_eq!(items(&s), [8]);
        // The range runs from the last plain or Ctrl click, in the shown order.
        s.click(1, ClickKeys::default(), &SHOWN);
        s.click(7, SHIFT, &SHOWN);
        assert_eq!(items(&s), [1, 3, 4, 7]);
        s.click(4, SHIFT, &SHOWN);
        assert_eq!(items(&s), [1, 3, 4]);
    }

    #[test]
    fn select_all_band_and_filter() {
        let mut s = Selection::default();
        s.select_all(&SHOWN);
        assert_eq!(s.len(), 6);
        s.clear();
        s.click(1, ClickKeys::default(), &SHOWN);
        s.band(&[7, 8], true);
        s.band(&[7, 8, 9], true);
        s.end_band();
        assert_eq!(items(&s), [1, 7, 8, 9]);
        s.band(&[3], false);
        s.end_band();
        assert_eq!(items(&s), [3]);
        s.select_all(&SHOWN);
        s.keep_only(&[3, 9]);
        assert_eq!(items(&s), [3, 9]);
    }
}
