//! A least-recently-used cache bounded by bytes, for decoded textures.
//!
//! Bounded by bytes rather than by count because image sizes vary by orders of magnitude:
//! ten 4K photos weigh as much as thousands of thumbnails. One key can be pinned when
//! evicting — the image on screen — so that a budget smaller than a single image never
//! makes the visible image disappear and reload in a loop.
//!
//! Generic over the value so the policy is tested without a GPU or an egui context.

use std::collections::{BTreeMap, HashMap};

struct Entry<V> {
    value: V,
    bytes: usize,
    /// Position in `TextureCache::by_age`.
    tick: u64,
}

/// Values by `u64` key, evicted least-recently-used first when over the byte budget.
pub(crate) struct TextureCache<V> {
    entries: HashMap<u64, Entry<V>>,
    /// tick → key; the first entry is the least recently used.
    by_age: BTreeMap<u64, u64>,
    next_tick: u64,
    used: usize,
    budget: usize,
}

impl<V> TextureCache<V> {
    pub fn new(budget: usize) -> Self {
        TextureCache {
            entries: HashMap::new(),
            by_age: BTreeMap::new(),
            next_tick: 0,
            used: 0,
            budget,
        }
    }

    /// The value for `key`, marking it as the most recently used.
    pub fn get(&mut self, key: u64) -> Option<&V> {
        let tick = self.next_tick;
        let entry = self.entries.get_mut(&key)?;
        self.by_age.remove(&entry.tick);
        self.by_age.insert(tick, key);
        entry.tick = tick;
        self.next_tick += 1;
        Some(&entry.value)
    }

    #[cfg(test)]
    pub fn contains(&self, key: u64) -> bool {
        self.entries.contains_key(&key)
    }

    /// Inserts (or replaces) `key` as the most recently used, then evicts the least
    /// recently used entries other than `pinned` until the total fits the budget.
    pub fn insert(&mut self, key: u64, value: V, bytes: usize, pinned: Option<u64>) {
        self.remove(key);
        let tick = self.next_tick;
        self.next_tick += 1;
        self.entries.insert(key, Entry { value, bytes, tick });
        self.by_age.insert(tick, key);
        self.used += bytes;
        self.evict_to_budget(pinned);
    }

    pub fn remove(&mut self, key: u64) -> Option<V> {
        let entry = self.entries.remove(&key)?;
        self.by_age.remove(&entry.tick);
        self.used -= entry.bytes;
        Some(entry.value)
    }

    /// Total bytes of the cached values.
    pub fn used_bytes(&self) -> usize {
        self.used
    }

    fn evict_to_budget(&mut self, pinned: Option<u64>) {
        while self.used > self.budget {
            let oldest = self
                .by_age
                .values()
                .copied()
                .find(|&key| Some(key) != pinned);
            match oldest {
                Some(key) => {
                    self.remove(key);
                }
                None => break, // only the pinned entry is left
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used_first() {
        let mut cache = TextureCache::new(300);
        cache.insert(1, "a", 100, None);
        cache.insert(2, "b", 100, None);
        cache.insert(3, "c", 100, None);
        assert_eq!(cache.get(1), Some(&"a")); // 2 is now the oldest
        cache.insert(4, "d", 100, None);
        assert!(!cache.contains(2));
        assert!(cache.contains(1) && cache.contains(3) && cache.contains(4));
        assert_eq!(cache.used_bytes(), 300);
    }

    #[test]
    fn pinned_entry_survives_even_over_budget() {
        let mut cache = TextureCache::new(50);
        cache.insert(1, "big", 500, Some(1));
        assert!(cache.contains(1), "the visible image is kept");
        cache.insert(2, "other", 10, Some(1));
        assert!(cache.contains(1));
        assert!(!cache.contains(2), "everything else goes");
        assert_eq!(cache.used_bytes(), 500);
        // Once unpinned, it is evicted by the next insert.
        cache.insert(3, "next", 10, Some(3));
        assert!(!cache.contains(1));
        assert_eq!(cache.used_bytes(), 10);
    }

    #[test]
    fn replacing_a_key_updates_the_byte_count() {
        let mut cache = TextureCache::new(1000);
        cache.insert(1, "a", 100, None);
        cache.insert(1, "a2", 40, None);
        assert_eq!(cache.used_bytes(), 40);
        assert_eq!(cache.remove(1), Some("a2"));
        assert_eq!(cache.used_bytes(), 0);
    }
}
