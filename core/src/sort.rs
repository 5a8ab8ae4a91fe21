//! One stable sort for the whole crate.
//!
//! `slice::sort_by` is generic over the element type and the comparator, so each call
//! site adds its own copy of the standard library's sort to the build (about 7 KB of
//! WASM each at opt-level 3). In WebAssembly, [`sort_by`] sorts the positions of the
//! elements instead, through one shared, non-generic instance, then moves the elements
//! into that order: the same stable order as `sort_by`, with one copy of the sort in the
//! build. Elsewhere it is `slice::sort_by` itself.
//!
//! `BTreeMap::from_iter` (`collect()` into a map) sorts its entries first, with a copy
//! of the sort per map type; [`map_from`] inserts them one by one: the same map.
//!
//! A leaf: it uses no other module of the crate.

use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Sort `v` stably by `cmp`: the order `v.sort_by(cmp)` gives.
///
/// In WebAssembly through [`sort_by_positions`] (one copy of the sort in the build);
/// elsewhere, where a copy per call site costs nothing that matters, `v.sort_by(cmp)`
/// itself (no positions to allocate and move: the simulator sorts every simulated day).
#[cfg_attr(
    not(target_family = "wasm"),
    expect(
        clippy::ptr_arg,
        reason = "the WebAssembly build moves the elements out of the Vec"
    )
)]
pub(crate) fn sort_by<T>(v: &mut Vec<T>, cmp: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(target_family = "wasm")]
    sort_by_positions(v, cmp);
    #[cfg(not(target_family = "wasm"))]
    v.sort_by(cmp);
}

/// Sort `v` stably by `cmp` through the one shared instance of the sort: the order
/// `v.sort_by(cmp)` gives.
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
fn sort_by_positions<T>(v: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    // Already in order (often: a list re-sorted after a push): a stable sort leaves it
    // as it is, so skip the allocations.
    if v.windows(2).all(|w| cmp(&w[0], &w[1]) != Ordering::Greater) {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items = v.as_slice();
        sort_positions(&mut order, &mut |a, b| cmp(&items[a], &items[b]));
    }
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    // Each position appears once in `order`: every slot is taken exactly once.
    v.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
}

/// Sort `v` stably by `key`: the order `v.sort_by_key(key)` gives.
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sort `v` stably by its order: the order `v.sort()` gives.
pub(crate) fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// The map `entries.into_iter().collect()` gives (a later entry replaces an earlier
/// one with the same key), built without sorting the entries first.
pub(crate) fn map_from<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut m = BTreeMap::new();
    for (k, v) in entries {
        m.insert(k, v);
    }
    m
}

/// The one instance of the standard library's (stable) sort.
#[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
#[inline(never)]
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_order_as_the_standard_stable_sort() {
        // Pairs sorted by their first element: ties keep their order.
        let mut seed = 7u64;
        for n in [0usize, 1, 2, 3, 10, 33, 200, 1000] {
            let v: Vec<(u8, usize)> = (0..n)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            let mut got = v.clone();
            sort_by_key(&mut got, |x| x.0);
            assert_eq!(got, want);
            let mut want = v.clone();
            let odd_first = |a: &(u8, usize), b: &(u8, usize)| (b.0 % 2).cmp(&(a.0 % 2));
            want.sort_by(odd_first);
            let mut got = v.clone();
            sort_by(&mut got, odd_first);
            assert_eq!(got, want);
            // The WebAssembly build's sort, tested on every host.
            let mut got = v.clone();
            sort_by_positions(&mut got, odd_first);
            assert_eq!(got, want);
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            let mut got = v.clone();
            sort_by_positions(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, want);
            let mut want = v.clone();
            want.sort();
            let mut got = v;
            sort(&mut got);
            assert_eq!(got, want);
        }
    }

    #[test]
    fn the_same_map_as_collect() {
        let entries = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)];
        let want: BTreeMap<&str, i32> = entries.into_iter().collect();
        assert_eq!(map_from(entries), want);
    }
}
