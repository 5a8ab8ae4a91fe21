//! The wasm build's allocator: a free list per small size class in front of the
//! standard library's allocator (dlmalloc on wasm32-unknown-unknown).
//!
//! A decision makes a few hundred small allocations (strings, Rhai values, vectors
//! of a few items) and frees them before the next one; dlmalloc's bins cost about 6%
//! of a decision in Node. A freed block of at most [`MAX`] bytes goes on its class's
//! list and the next allocation of that class takes it back: a pop and a push. Larger
//! or over-aligned blocks go to dlmalloc as before. Small blocks are not returned to
//! dlmalloc; wasm memory never shrinks anyway, and a run's peak of small blocks is
//! what the lists keep.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ptr;

/// Bytes between two size classes; also the alignment every class block has (the
/// alignment dlmalloc gives on wasm32).
const STEP: usize = 8;
/// Number of classes: blocks of 8, 16, ..., 256 bytes.
const CLASSES: usize = 32;
/// The largest block a class serves.
const MAX: usize = STEP * CLASSES;

/// The allocator: one list head per class. Each free block's first word points to
/// the next free block of its class.
pub struct SmallBlocks {
    heads: UnsafeCell<[*mut u8; CLASSES]>,
}

impl SmallBlocks {
    /// Empty lists.
    pub const fn new() -> SmallBlocks {
        SmallBlocks {
            heads: UnsafeCell::new([ptr::null_mut(); CLASSES]),
        }
    }
}

// SAFETY: this allocator is installed only on wasm32 without the `atomics` target
// feature (lib.rs), where the module runs on one thread: no two calls overlap.
unsafe impl Sync for SmallBlocks {}

/// The class of a layout, `None` for a block dlmalloc serves directly.
fn class(size: usize, align: usize) -> Option<usize> {
    if size == 0 || size > MAX || align > STEP {
        None
    } else {
        Some((size - 1) / STEP)
    }
}

/// The layout a class's blocks are allocated with from dlmalloc.
fn class_layout(c: usize) -> Layout {
    // INVARIANT: c < CLASSES, so the size is at most MAX, a multiple of STEP, a power
    // of two; the layout is valid and the `unwrap_or` is never taken.
    Layout::from_size_align((c + 1) * STEP, STEP).unwrap_or(Layout::new::<u64>())
}

unsafe impl GlobalAlloc for SmallBlocks {
    // Not inlined: one copy of each path rather than one at every allocation site
    // (76 KB more code, 34 KB gzipped, for no measured gain).
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(c) = class(layout.size(), layout.align()) else {
            // SAFETY: the caller's contract (a non-zero size) is passed on.
            return unsafe { System.alloc(layout) };
        };
        // SAFETY: one thread (see `Sync`), and no reference to the heads outlives
        // this call.
        let heads = unsafe { &mut *self.heads.get() };
        let head = heads[c];
        if head.is_null() {
            // SAFETY: a class layout has a non-zero size.
            return unsafe { System.alloc(class_layout(c)) };
        }
        // SAFETY: `head` is a free block of this class (at least 8 bytes, aligned to
        // 8), whose first word `dealloc` wrote.
        heads[c] = unsafe { head.cast::<*mut u8>().read() };
        head
    }

    #[inline(never)]
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        let Some(c) = class(layout.size(), layout.align()) else {
            // SAFETY: `p` came from `System.alloc` with this layout (`alloc` above).
            return unsafe { System.dealloc(p, layout) };
        };
        // SAFETY: one thread; `p` is a block of class `c` (the caller passes the
        // layout it was allocated with, which gives the same class), at least 8 bytes
        // and aligned to 8, no longer in use: its first word holds the list's link.
        unsafe {
            let heads = &mut *self.heads.get();
            p.cast::<*mut u8>().write(heads[c]);
            heads[c] = p;
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = class(layout.size(), layout.align());
        let new = class(new_size, layout.align());
        match (old, new) {
            // The block already has room for the new size.
            (Some(a), Some(b)) if a == b => p,
            // SAFETY: both sizes are dlmalloc's own: the caller's contract is passed on.
            (None, None) => unsafe { System.realloc(p, layout, new_size) },
            _ => {
                // SAFETY: the caller guarantees `new_size` is non-zero and, rounded up
                // to `layout.align()`, does not overflow `isize`.
                let new_layout =
                    unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
                // SAFETY: as `alloc`, `dealloc`; the two blocks do not overlap.
                unsafe {
                    let q = self.alloc(new_layout);
                    if !q.is_null() {
                        ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                        self.dealloc(p, layout);
                    }
                    q
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The allocator on the host, over the host's `System` in place of dlmalloc: the
    //! wasm build installs it globally, where only the whole Node suite exercised it.
    //! A local instance here, on one thread (its `Sync` premise).

    use super::{SmallBlocks, MAX, STEP};
    use std::alloc::{GlobalAlloc, Layout};

    /// A live block: where, its layout, and the byte it was filled with.
    struct Live {
        p: *mut u8,
        layout: Layout,
        fill: u8,
    }

    /// Every byte of the block still holds its fill: nothing else wrote over it.
    fn intact(b: &Live) -> bool {
        // SAFETY: `b.p` is a live block of `b.layout.size()` bytes, all written.
        (0..b.layout.size()).all(|i| unsafe { b.p.add(i).read() } == b.fill)
    }

    fn fill(p: *mut u8, size: usize, byte: u8) {
        // SAFETY: the caller passes a live block of at least `size` bytes.
        unsafe { p.write_bytes(byte, size) }
    }

    /// A seeded xorshift: the same sequence on every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    #[test]
    fn a_freed_block_is_the_next_of_its_class_and_aligned() {
        let a = SmallBlocks::new();
        let l24 = Layout::from_size_align(24, 8).unwrap();
        let l17 = Layout::from_size_align(17, 1).unwrap();
        // SAFETY: layouts of non-zero size; each block is freed once with its layout.
        unsafe {
            let p = a.alloc(l24);
            assert_eq!(p as usize % STEP, 0);
            a.dealloc(p, l24);
            // 17 bytes is the same class as 24 (17..=24): the freed block comes back.
            let q = a.alloc(l17);
            assert_eq!(q, p);
            // A second one of the class is a new block.
            let r = a.alloc(l24);
            assert_ne!(r, q);
            assert_eq!(r as usize % STEP, 0);
            // A zeroed block is zeroed even when it is a reused, written one.
            fill(q, 17, 0xab);
            a.dealloc(q, l17);
            let z = a.alloc_zeroed(l24);
            assert_eq!(z, q);
            assert!((0..24).all(|i| z.add(i).read() == 0));
            a.dealloc(z, l24);
            a.dealloc(r, l24);
            // Over-aligned and large blocks are the system's, and aligned as asked.
            let big = Layout::from_size_align(MAX + 1, 8).unwrap();
            let aligned = Layout::from_size_align(16, 64).unwrap();
            let (b, c) = (a.alloc(big), a.alloc(aligned));
            assert_eq!(c as usize % 64, 0);
            a.dealloc(b, big);
            a.dealloc(c, aligned);
        }
    }

    #[test]
    fn random_allocations_never_overlap_and_realloc_keeps_the_bytes() {
        let a = SmallBlocks::new();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut live: Vec<Live> = Vec::new();
        let sizes = [
            1, 7, 8, 9, 16, 24, 31, 64, 100, 128, 200, 255, 256, 257, 300, 1000, 5000,
        ];
        let aligns = [1, 2, 4, 8, 16];
        for step in 0..20_000u32 {
            let fill_byte = (step % 251) as u8 + 1;
            match rng.next(10) {
                // Allocate (more often than free, so the heap grows and churns).
                0..=4 => {
                    let size = sizes[rng.next(sizes.len())];
                    let layout =
                        Layout::from_size_align(size, aligns[rng.next(aligns.len())]).unwrap();
                    // SAFETY: a non-zero size.
                    let p = unsafe { a.alloc(layout) };
                    assert!(!p.is_null());
                    assert_eq!(p as usize % layout.align(), 0, "{layout:?}");
                    fill(p, size, fill_byte);
                    live.push(Live {
                        p,
                        layout,
                        fill: fill_byte,
                    });
                }
                // Free one, checking that nothing wrote over it meanwhile.
                5..=7 if !live.is_empty() => {
                    let b = live.swap_remove(rng.next(live.len()));
                    assert!(intact(&b), "step {step}: a live block was overwritten");
                    // SAFETY: allocated by `a` with this layout, freed once.
                    unsafe { a.dealloc(b.p, b.layout) };
                }
                // Grow or shrink one, across classes and to and from the system's.
                8..=9 if !live.is_empty() => {
                    let i = rng.next(live.len());
                    let b = &live[i];
                    assert!(intact(b), "step {step}");
                    let new_size = sizes[rng.next(sizes.len())];
                    // SAFETY: allocated by `a` with this layout; a non-zero new size.
                    let q = unsafe { a.realloc(b.p, b.layout, new_size) };
                    assert!(!q.is_null());
                    let kept = b.layout.size().min(new_size);
                    // SAFETY: `q` holds at least `new_size` bytes.
                    assert!((0..kept).all(|k| unsafe { q.add(k).read() } == b.fill));
                    let layout = Layout::from_size_align(new_size, b.layout.align()).unwrap();
                    assert_eq!(q as usize % layout.align(), 0);
                    fill(q, new_size, fill_byte);
                    live[i] = Live {
                        p: q,
                        layout,
                        fill: fill_byte,
                    };
                }
                _ => {}
            }
        }
        assert!(live.len() > 100, "the heap churned with many blocks live");
        for b in live {
            assert!(intact(&b));
            // SAFETY: as above.
            unsafe { a.dealloc(b.p, b.layout) };
        }
    }
}
