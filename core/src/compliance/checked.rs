//! Standard-library string and decimal functions that could hang, build a string far
//! past the size limit before checking it, or panic, replaced by checked ones.
//!
//! - `pad(string, len, padding)` with an empty padding looped forever (it adds the
//!   padding's length, 0, until the string is long enough): native code, so neither the
//!   operations nor the size limit ends it. An empty padding is now an error.
//! - `replace(string, find, substitute)` built the whole result before the size check:
//!   an empty `find` (a substitute between every two characters) or a long substitute
//!   made gigabytes first. The result's length is now worked out first and refused when
//!   over `max_string_size`, before any byte is written.
//! - `sin`, `cos` and `tan` of a decimal called rust_decimal's panicking versions
//!   (`tan` near π/2 panics "Tan overflowed"): the checked versions now, an error when
//!   there is no result.
//!
//! Installed with the strict array functions into the shared standard library
//! ([`crate::compliance::standard_library`]), replacing the functions of the same names
//! and parameters, so the policy reference is unchanged.

use super::arrays::standard_function;
use rhai::{EvalAltResult, ImmutableString, Module, NativeCallContext, INT};
use rust_decimal::{Decimal, MathematicalOps};

/// A result whose error is the policy's (a Rhai evaluation error).
type Rr<T> = Result<T, Box<EvalAltResult>>;

/// One of rust_decimal's checked functions of a decimal.
type Checked = fn(&Decimal) -> Option<Decimal>;

/// The size-limit error Rhai raises for a string (`limit.string_size`).
fn too_long() -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorDataTooLarge(
        "Length of string".into(),
        rhai::Position::NONE,
    ))
}

fn runtime(message: &str) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        message.to_string().into(),
        rhai::Position::NONE,
    ))
}

/// Replace the standard package's `pad`, `replace`, `sin`, `cos` and `tan` in `m`.
pub(crate) fn make_checked(m: &mut Module) {
    standard_function("pad", false).set_into_module(
        m,
        |ctx: NativeCallContext, s: &mut ImmutableString, len: INT, padding: &str| {
            pad(&ctx, s, len, padding)
        },
    );
    // Every `replace` whose substitute is a string or whose pattern may be empty: a
    // string for a string, a string for a character, a character for a string. (A
    // character for a character at most quadruples the string, which Rhai then checks.)
    standard_function("replace", false).set_into_module(
        m,
        |ctx: NativeCallContext, s: &mut ImmutableString, find: &str, sub: &str| {
            replace(&ctx, s, find, sub)
        },
    );
    standard_function("replace", false).set_into_module(
        m,
        |ctx: NativeCallContext, s: &mut ImmutableString, find: char, sub: &str| {
            replace(&ctx, s, find.encode_utf8(&mut [0; 4]), sub)
        },
    );
    standard_function("replace", false).set_into_module(
        m,
        |ctx: NativeCallContext, s: &mut ImmutableString, find: &str, sub: char| {
            replace(&ctx, s, find, sub.encode_utf8(&mut [0; 4]))
        },
    );
    let trig: [(&str, Checked); 3] = [
        ("sin", Decimal::checked_sin),
        ("cos", Decimal::checked_cos),
        ("tan", Decimal::checked_tan),
    ];
    for (name, f) in trig {
        standard_function(name, true).set_into_module(m, move |x: Decimal| -> Rr<Decimal> {
            f(&x).ok_or_else(|| {
                runtime("no decimal result (the value is beyond what a decimal holds)")
            })
        });
    }
}

/// `s` padded to `len` characters with repeats of `padding` (the last one cut), as
/// Rhai's `pad` does; an empty padding with anything to add is an error.
fn pad(ctx: &NativeCallContext, s: &mut ImmutableString, len: INT, padding: &str) -> Rr<()> {
    if len <= 0 {
        return Ok(());
    }
    let len = usize::try_from(len).map_err(|_| too_long())?;
    let max = ctx.engine().max_string_size();
    if max > 0 && len > max {
        return Err(too_long());
    }
    let have = s.chars().count();
    if len <= have {
        return Ok(());
    }
    if padding.is_empty() {
        return Err(runtime(
            "pad with an empty padding string never reaches the length",
        ));
    }
    let out = s.make_mut();
    out.extend(padding.chars().cycle().take(len - have));
    if max > 0 && out.len() > max {
        return Err(too_long());
    }
    Ok(())
}

/// Every `find` in `s` replaced by `sub`, as Rhai's `replace` does (`str::replace`:
/// an empty `find` matches before every character and at the end; an empty `s` is left
/// as it is), refused before it is built when the result would be over the size limit.
fn replace(ctx: &NativeCallContext, s: &mut ImmutableString, find: &str, sub: &str) -> Rr<()> {
    // As Rhai's: an empty string stays empty (`str::replace` would put one substitute
    // in it for an empty pattern).
    if s.is_empty() {
        return Ok(());
    }
    let max = ctx.engine().max_string_size();
    if max > 0 && sub.len() > find.len() {
        let matches = if find.is_empty() {
            s.chars().count().saturating_add(1)
        } else {
            s.matches(find).count()
        };
        let grows = matches.saturating_mul(sub.len() - find.len());
        if s.len().saturating_add(grows) > max {
            return Err(too_long());
        }
    }
    *s = s.replace(find, sub).into();
    Ok(())
}

#[cfg(test)]
mod tests {
    use rhai::{Engine, EvalAltResult};

    fn engine() -> Engine {
        let mut e = Engine::new_raw();
        e.register_global_module(crate::compliance::standard_library());
        e.set_max_string_size(1000);
        e.set_max_operations(100_000);
        e
    }

    fn run(script: &str) -> Result<String, Box<EvalAltResult>> {
        engine().eval::<String>(script)
    }

    fn is_too_long(r: Result<String, Box<EvalAltResult>>) -> bool {
        matches!(r.map_err(|e| *e), Err(EvalAltResult::ErrorDataTooLarge(..)))
    }

    #[test]
    fn pad_pads_as_rhai_did_and_refuses_an_empty_padding() {
        assert_eq!(
            run(r#"let s = "ab"; s.pad(7, "xyz"); s"#).unwrap(),
            "abxyzxy"
        );
        assert_eq!(run(r#"let s = "abc"; s.pad(2, "x"); s"#).unwrap(), "abc");
        assert_eq!(run(r#"let s = "é"; s.pad(3, "ñ"); s"#).unwrap(), "éññ");
        assert_eq!(run(r#"let s = "a"; s.pad(-5, ""); s"#).unwrap(), "a");
        // Nothing to add: an empty padding is harmless.
        assert_eq!(run(r#"let s = "abc"; s.pad(3, ""); s"#).unwrap(), "abc");
        // Before: an endless native loop.
        let e = run(r#"let s = "a"; s.pad(10, ""); s"#).unwrap_err();
        assert!(e.to_string().contains("empty padding"), "{e}");
        assert!(is_too_long(run(r#"let s = "a"; s.pad(1001, "x"); s"#)));
        // Characters are counted, bytes limited: 600 two-byte characters are 1,200 bytes.
        assert!(is_too_long(run(r#"let s = ""; s.pad(600, "é"); s"#)));
    }

    #[test]
    fn replace_replaces_as_rhai_did_and_refuses_a_result_over_the_limit_first() {
        assert_eq!(
            run(r#"let s = "a-b-c"; s.replace("-", "+="); s"#).unwrap(),
            "a+=b+=c"
        );
        assert_eq!(
            run(r#"let s = "abc"; s.replace("", "."); s"#).unwrap(),
            ".a.b.c."
        );
        assert_eq!(
            run(r#"let s = "aaa"; s.replace("aa", ""); s"#).unwrap(),
            "a"
        );
        // 100 characters, a 10-byte substitute at 101 places: 1,110 bytes.
        assert!(is_too_long(run(
            r#"let s = ""; s.pad(100, "a"); s.replace("", "0123456789"); s"#
        )));
        // An empty string stays empty, as with Rhai's (not "." as `str::replace` gives).
        assert_eq!(run(r#"let s = ""; s.replace("", "."); s"#).unwrap(), "");
        assert_eq!(run(r#"let s = ""; s.replace('a', "xyz"); s"#).unwrap(), "");
        // A character for a string, and a string for a character.
        assert_eq!(
            run(r#"let s = "a-b"; s.replace('-', "+="); s"#).unwrap(),
            "a+=b"
        );
        assert_eq!(
            run(r#"let s = "a--b"; s.replace("--", '+'); s"#).unwrap(),
            "a+b"
        );
        // 100 'a's, each replaced by 20 bytes: 2,000 bytes, refused before it is built.
        assert!(is_too_long(run(
            r#"let s = ""; s.pad(100, "a"); s.replace('a', "01234567890123456789"); s"#
        )));
        // Exactly at the limit is allowed: 10 + 11 * 90 = 1,000.
        let ok =
            run(r#"let s = ""; s.pad(10, "a"); let t = ""; t.pad(90, "b"); s.replace("", t); s"#)
                .unwrap();
        assert_eq!(ok.len(), 1000);
    }

    #[test]
    fn trigonometry_of_a_decimal_is_an_error_not_a_panic() {
        let e = engine();
        let tan = e.eval::<rust_decimal::Decimal>("tan(1.5707963267948966192313216916)");
        assert!(tan.is_err(), "{tan:?}");
        let sin = e.eval::<rust_decimal::Decimal>("sin(0.0)").unwrap();
        assert_eq!(sin, rust_decimal::Decimal::ZERO);
        let cos = e.eval::<rust_decimal::Decimal>("cos(0.0)").unwrap();
        assert_eq!(cos, rust_decimal::Decimal::ONE);
    }
}
