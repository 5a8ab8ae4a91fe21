//! Allocations per evaluation, counted by a global allocator that wraps the system's:
//! reading the case from JSON, deciding it, and writing the decision, each on its own.
//! Usage: `bench-allocs CASES.ndjson`; prints one JSON line (mean allocations and bytes
//! per case for each step). Counts, not times: the same on every run of the same build.

use recobro::{Case, EvalOptions, Instant, Policy};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are
// only read.
#[expect(
    unsafe_code,
    reason = "a counting allocator must implement GlobalAlloc"
)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: the caller's contract is passed on to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size as u64, Relaxed);
        // SAFETY: as for `dealloc`, and `new_size` is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn counted<T>(f: impl FnOnce() -> T) -> (T, u64, u64) {
    let (a, b) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    let out = f();
    (out, ALLOCS.load(Relaxed) - a, BYTES.load(Relaxed) - b)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: bench-allocs CASES.ndjson")?;
    let text = std::fs::read_to_string(&path)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let as_of = "2026-03-16T15:00:00Z".parse::<Instant>()?;
    let policy = Policy::default_consumer()?;
    // Warm up: the first evaluation on a thread fills per-thread caches.
    policy.evaluate_owned(Case::from_json(lines[0])?, as_of, EvalOptions::default())?;
    let (mut parse, mut decide, mut write) = ([0u64; 2], [0u64; 2], [0u64; 2]);
    for l in &lines {
        let (case, a, b) = counted(|| Case::from_json(l));
        parse[0] += a;
        parse[1] += b;
        let (d, a, b) = counted(|| policy.evaluate_owned(case?, as_of, EvalOptions::default()));
        decide[0] += a;
        decide[1] += b;
        let d = d?;
        let (_json, a, b) = counted(|| d.to_json());
        write[0] += a;
        write[1] += b;
    }
    let n = lines.len() as f64;
    let per = |x: u64| (x as f64 / n).round();
    println!(
        "{{\"cases\":{},\"parse_allocs\":{},\"parse_bytes\":{},\"decide_allocs\":{},\"decide_bytes\":{},\"write_allocs\":{},\"write_bytes\":{}}}",
        lines.len(),
        per(parse[0]),
        per(parse[1]),
        per(decide[0]),
        per(decide[1]),
        per(write[0]),
        per(write[1])
    );
    Ok(())
}
