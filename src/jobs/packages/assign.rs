//! Which items go to which annotator: a pure function of the items, so a
//! split can be repeated and checked.

use crate::model::{ItemId, PackageRole};
use crate::project::stable_hash;
use std::collections::HashSet;

/// Each annotator's items with their roles, in item order.
pub type Assignment = Vec<Vec<(ItemId, PackageRole)>>;

/// Spreads `items` over `annotators` annotators. Golden items go to everyone.
/// Of the rest, `overlap_percent` % (rounded), picked by a stable hash of the
/// item id, go to two annotators each, in turn; the others go one by one to
/// whoever has the fewest items so far.
pub fn assign(
    items: &[ItemId],
    golden: &HashSet<ItemId>,
    annotators: usize,
    overlap_percent: f64,
) -> Assignment {
    let mut out: Assignment = vec![Vec::new(); annotators];
    if annotators == 0 {
        return out;
    }
    let pool: Vec<ItemId> = items
        .iter()
        .copied()
        .filter(|i| !golden.contains(i))
        .collect();
    let wanted = (pool.len() as f64 * overlap_percent / 100.0).round() as usize;
    let overlap_count = if annotators < 2 {
        0
    } else {
        wanted.min(pool.len())
    };
    let mut by_hash = pool.clone();
    by_hash.sort_by_key(|id| (stable_hash(&id.0.to_le_bytes()), *id));
    let overlap: HashSet<ItemId> = by_hash[..overlap_count].iter().copied().collect();
    for (turn, id) in by_hash[..overlap_count].iter().enumerate() {
        out[turn % annotators].push((*id, PackageRole::Overlap));
        out[(turn + 1) % annotators].push((*id, PackageRole::Overlap));
    }
    for id in pool.iter().filter(|i| !overlap.contains(i)) {
        let least = (0..annotators)
            .min_by_key(|&a| (out[a].len(), a))
            .unwrap_or(0);
        out[least].push((*id, PackageRole::Assigned));
    }
    for package in &mut out {
        package.extend(
            items
                .iter()
                .filter(|i| golden.contains(i))
                .map(|&i| (i, PackageRole::Golden)),
        );
        package.sort_by_key(|(id, _)| *id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_items_go_to_two_and_the_rest_evenly() {
        let items: Vec<ItemId> = (1..=40).map(ItemId).collect();
        let golden: HashSet<ItemId> = [ItemId(7)].into();
        let a = assign(&items, &golden, 3, 10.0);
        let mut seen = std::collections::HashMap::<ItemId, usize>::new();
        for p in &a {
            for (id, _) in p {
                *seen.entry(*id).or_default() += 1;
            }
        }
        // 39 non-golden items, 4 of them overlap.
        assert_eq!(seen.values().filter(|&&n| n == 2).count(), 4);
        assert_eq!(seen[&ItemId(7)], 3);
        assert!(items.iter().all(|i| seen.contains_key(i)));
        let sizes: Vec<usize> = a.iter().map(Vec::len).collect();
        assert!(
            sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
            "{sizes:?}"
        );
        assert_eq!(a, assign(&items, &golden, 3, 10.0), "deterministic");
    }
}
