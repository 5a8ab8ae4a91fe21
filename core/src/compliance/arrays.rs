//! The standard library's array functions that take a comparer (`sort`, `sort_by`,
//! `order`, `order_by`, `dedup`; `sort` and `dedup` also by the comparer's name as a
//! string, and `dedup()` with `==`), made strict.
//!
//! Rhai's own versions treat a comparer that fails as "equal" and go on: a `throw`,
//! an arithmetic error or a limit inside the comparer was dropped, and the decision
//! made as if nothing had happened. Worse, a comparer that runs to the operations limit
//! ran to it again on every comparison, so one `sort` of 1,000 elements outlived the
//! limit by minutes. Here the first error ends the call and is the policy's error, with
//! the comparer's position; a comparer must return an integer (negative, zero,
//! positive) or a boolean (`true`: in order), and anything else is an error rather than
//! an order picked by the values' types. A comparer that is a consistent order sorts
//! exactly as before (a stable sort has one result for it).
//!
//! They replace the standard package's functions of the same names and parameters in
//! the shared standard library ([`crate::compliance::standard_library`]), so every
//! engine (policies' and compliance packs') has them and the policy reference is
//! unchanged.

use rhai::{
    Array, Dynamic, EvalAltResult, FnPtr, FuncRegistration, ImmutableString, Module,
    NativeCallContext, INT,
};
use std::cmp::Ordering;

/// A result whose error is the policy's (a Rhai evaluation error).
type Rr<T> = Result<T, Box<EvalAltResult>>;

/// A registration that replaces the standard package's function `name` (internal
/// namespace, as the package's own; `pure` when it leaves its first argument alone).
pub(super) fn standard_function(name: &str, pure: bool) -> FuncRegistration {
    FuncRegistration::new(name)
        .in_internal_namespace()
        .with_purity(pure)
        .with_volatility(false)
}

/// Replace the comparer-taking array functions of `m` (the standard package).
pub(crate) fn make_strict(m: &mut Module) {
    for name in ["sort", "sort_by"] {
        standard_function(name, false).set_into_module(
            m,
            |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> Rr<()> {
                *a = sorted(&ctx, a, &f)?;
                Ok(())
            },
        );
    }
    for name in ["order", "order_by"] {
        standard_function(name, true).set_into_module(
            m,
            |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> Rr<Array> { sorted(&ctx, a, &f) },
        );
    }
    standard_function("dedup", false).set_into_module(
        m,
        |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> Rr<()> {
            *a = deduped(a, comparer_equal(&ctx, &f))?;
            Ok(())
        },
    );
    // The comparer named by a string, `a.sort("cmp")` and `a.dedup("cmp")` (Rhai's
    // `sort_by_fn_name` and `dedup_by_fn_name`): the same functions, or a failing
    // comparer named this way would be dropped as before.
    standard_function("sort", false).set_into_module(
        m,
        |ctx: NativeCallContext, a: &mut Array, name: ImmutableString| -> Rr<()> {
            *a = sorted(&ctx, a, &FnPtr::new(name)?)?;
            Ok(())
        },
    );
    standard_function("dedup", false).set_into_module(
        m,
        |ctx: NativeCallContext, a: &mut Array, name: ImmutableString| -> Rr<()> {
            *a = deduped(a, comparer_equal(&ctx, &FnPtr::new(name)?))?;
            Ok(())
        },
    );
    // `dedup()` compares with `==`: Rhai's took a missing `==` (two `Debt`s) or an error
    // in it for "not equal" and removed nothing.
    standard_function("dedup", false).set_into_module(
        m,
        |ctx: NativeCallContext, a: &mut Array| -> Rr<()> {
            *a = deduped(a, |kept, x| {
                ctx.call_native_fn::<bool>("==", (kept.clone(), x.clone()))
            })?;
            Ok(())
        },
    );
}

/// A comparer's result of the wrong type, as a policy runtime error.
fn comparer_error(expected: &str, got: &str) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        format!("a {expected}, not {got}").into(),
        rhai::Position::NONE,
    ))
}

/// The comparer's verdict on `(x, y)`: `Greater` when `x` goes after `y`.
fn compare(ctx: &NativeCallContext, f: &FnPtr, x: &Dynamic, y: &Dynamic) -> Rr<Ordering> {
    let v = f.call_raw(ctx, None, [x.clone(), y.clone()])?;
    if let Ok(n) = v.as_int() {
        return Ok(n.cmp(&(0 as INT)));
    }
    match v.as_bool() {
        // As the standard library reads a boolean: `true` is "x before y".
        Ok(true) => Ok(Ordering::Less),
        Ok(false) => Ok(Ordering::Greater),
        Err(t) => Err(comparer_error(
            "sort comparer must return an integer (negative, zero or positive) or a boolean (true when in order)",
            t,
        )),
    }
}

/// A stable merge sort of a copy of `a` by the comparer, ending at its first error
/// (the caller's array is left as it was).
fn sorted(ctx: &NativeCallContext, a: &Array, f: &FnPtr) -> Rr<Array> {
    let mut v = a.clone();
    let mut buf = Vec::with_capacity(v.len() / 2 + 1);
    merge_sort(ctx, f, &mut v, &mut buf)?;
    Ok(v)
}

fn merge_sort(
    ctx: &NativeCallContext,
    f: &FnPtr,
    v: &mut [Dynamic],
    buf: &mut Vec<Dynamic>,
) -> Rr<()> {
    let n = v.len();
    if n <= 1 {
        return Ok(());
    }
    let mid = n / 2;
    merge_sort(ctx, f, &mut v[..mid], buf)?;
    merge_sort(ctx, f, &mut v[mid..], buf)?;
    // Already in order: the first of the right half does not go before the last of the
    // left. As Rust's stable sort asks, "is the right one less than the left one?": for a
    // comparer that is a strict order (`<`, `>`, an integer difference) equal elements
    // keep their places, as they did with Rhai's sort (Rust's `sort_by`).
    if compare(ctx, f, &v[mid], &v[mid - 1])? != Ordering::Less {
        return Ok(());
    }
    buf.clear();
    buf.extend(v[..mid].iter_mut().map(std::mem::take));
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < buf.len() && j < n {
        // Stable: the left element first unless the right one goes before it.
        // An error leaves `v` half merged: it is the caller's scratch copy, dropped.
        let right_first = compare(ctx, f, &v[j], &buf[i])? == Ordering::Less;
        if right_first {
            v[k] = std::mem::take(&mut v[j]);
            j += 1;
        } else {
            v[k] = std::mem::take(&mut buf[i]);
            i += 1;
        }
        k += 1;
    }
    // What is left of the left half fills the gap before the right half's rest.
    for x in buf.drain(i..) {
        v[k] = x;
        k += 1;
    }
    Ok(())
}

/// `a` without each element `same` calls equal (`true`) to the element kept before it,
/// as the standard library's `dedup` (`same` gets the kept element, then the next); the
/// first error of `same` is the result.
fn deduped(a: &Array, mut same: impl FnMut(&Dynamic, &Dynamic) -> Rr<bool>) -> Rr<Array> {
    let mut out: Array = Vec::with_capacity(a.len());
    for x in a {
        if let Some(kept) = out.last() {
            if same(kept, x)? {
                continue;
            }
        }
        out.push(x.clone());
    }
    Ok(out)
}

/// A dedup comparer as `same` for [`deduped`]: it must return a boolean (`true`:
/// equal).
fn comparer_equal<'a>(
    ctx: &'a NativeCallContext<'a>,
    f: &'a FnPtr,
) -> impl FnMut(&Dynamic, &Dynamic) -> Rr<bool> + 'a {
    move |kept, x| {
        f.call_raw(ctx, None, [kept.clone(), x.clone()])?
            .as_bool()
            .map_err(|t| {
                comparer_error("dedup comparer must return a boolean (true when equal)", t)
            })
    }
}

#[cfg(test)]
mod tests {
    use rhai::{Array, Dynamic, Engine, INT};

    fn engine() -> Engine {
        let mut e = Engine::new_raw();
        e.register_global_module(crate::compliance::standard_library());
        e
    }

    /// Differential: for comparers that are strict orders (an integer difference, `<`,
    /// `>`), `sort`, `sort_by`, `order` and `order_by` give exactly what Rust's stable
    /// `sort_by_key` gives on the same pairs (ties kept in place), for arrays of 0 to 60
    /// elements with many ties; `dedup` what `Vec::dedup_by` gives. (`<=` is not a strict
    /// order: a tie's right element goes first, as with Rust's `sort_by` it may.)
    #[test]
    fn consistent_comparers_sort_as_a_stable_sort() -> Result<(), Box<rhai::EvalAltResult>> {
        let e = engine();
        let mut seed: u64 = 7;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 33
        };
        let mut compared = 0;
        for n in 0..=60 {
            // (key, position): keys from a small range, so ties are frequent.
            let pairs: Vec<(INT, INT)> = (0..n).map(|i| ((next() % 7) as INT, i)).collect();
            let mut want = pairs.clone();
            want.sort_by_key(|p| p.0);
            let mut want_desc = pairs.clone();
            want_desc.sort_by_key(|p| std::cmp::Reverse(p.0));
            let arr: Array = pairs
                .iter()
                .map(|&(k, i)| Dynamic::from_array(vec![k.into(), i.into()]))
                .collect();
            for (script, expected) in [
                ("a.sort(|x, y| x[0] - y[0]); a", &want),
                ("a.sort_by(|x, y| x[0] < y[0]); a", &want),
                ("a.sort(|x, y| x[0] > y[0]); a", &want_desc),
                ("a.order(|x, y| y[0] - x[0])", &want_desc),
                (
                    "a.order_by(|x, y| if x[0] < y[0] { -1 } else if x[0] > y[0] { 1 } else { 0 })",
                    &want,
                ),
            ] {
                let mut scope = rhai::Scope::new();
                scope.push("a", arr.clone());
                let got: Array = e.eval_with_scope(&mut scope, script)?;
                let got: Vec<(INT, INT)> = got
                    .into_iter()
                    .map(|d| {
                        let p = d.cast::<Array>();
                        (p[0].as_int().unwrap_or(-1), p[1].as_int().unwrap_or(-1))
                    })
                    .collect();
                assert_eq!(&got, expected, "n {n}: {script}");
                compared += 1;
            }
            let mut want_dedup = pairs.clone();
            want_dedup.dedup_by(|cur, kept| kept.0 == cur.0);
            let mut scope = rhai::Scope::new();
            scope.push("a", arr.clone());
            let got: Array =
                e.eval_with_scope(&mut scope, "a.dedup(|kept, x| kept[0] == x[0]); a")?;
            let got: Vec<INT> = got
                .into_iter()
                .map(|d| d.cast::<Array>()[1].as_int().unwrap_or(-1))
                .collect();
            let want_dedup: Vec<INT> = want_dedup.iter().map(|p| p.1).collect();
            assert_eq!(got, want_dedup, "n {n}: dedup");
        }
        assert_eq!(compared, 61 * 5);
        Ok(())
    }

    /// The first error ends the call: the array is left as it was (a `try` sees it
    /// unsorted), and the comparer ran once.
    #[test]
    fn a_failing_comparer_leaves_the_array_and_stops() -> Result<(), Box<rhai::EvalAltResult>> {
        let e = engine();
        let got: Array = e.eval(
            "let a = [3, 1, 2]; let calls = [];
             try { a.sort(|x, y| { calls.push(1); throw \"no\" }) } catch { }
             [a, calls.len()]",
        )?;
        assert_eq!(
            got[0]
                .clone()
                .cast::<Array>()
                .iter()
                .map(|d| d.as_int().unwrap_or(-1))
                .collect::<Vec<_>>(),
            [3, 1, 2]
        );
        assert_eq!(got[1].as_int().unwrap_or(-1), 1);
        let err = e
            .eval::<Array>("[2.5, 1.5].order(|x, y| x - y)")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("must return an integer"), "{err}");
        Ok(())
    }

    #[test]
    fn dedup_without_a_comparer_removes_equal_neighbours_and_fails_without_equality() {
        let e = engine();
        let got = e
            .eval::<rhai::Array>(
                r#"let a = [1, 1, 2, "x", "x", 2, #{k: 1}, #{k: 1}, [1], [1], 1, "1"]; a.dedup(); a"#,
            )
            .unwrap();
        let text: Vec<String> = got.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["1", "2", "x", "2", "#{\"k\": 1}", "[1]", "1", "1"]);
        // Values with no `==` (a host type that defines none)
        // make an error, not a silent "not equal".
        let mut e = engine();
        #[derive(Clone)]
        struct Opaque;
        e.register_type::<Opaque>().register_fn("opaque", || Opaque);
        let r = e.eval::<rhai::Array>("let a = [opaque(), opaque()]; a.dedup(); a");
        assert!(r.is_err(), "{:?}", r.map(|a| a.len()));
    }
}
