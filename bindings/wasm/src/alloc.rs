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
