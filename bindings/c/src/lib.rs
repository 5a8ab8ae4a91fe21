//! A plain C ABI for the Recobro engine: JSON in, JSON out. The header is
//! `bindings/c/include/recobro.h`; read it for the contract.
//!
//! A thin layer over [`recobro::host`], the boundary every binding uses: this crate
//! only turns C pointers into text and back ([`convert`]) and an engine error into a
//! `recobro_error` ([`errors`]). Reading cases and batches, the canonical decision
//! JSON, error paths and the panic guard are the host boundary's.
//!
//! Ownership: every `char*` the library returns, and every string it writes into a
//! `recobro_error`, is owned by the caller and freed with `recobro_string_free` /
//! `recobro_error_free`. A `recobro_policy*` is freed with `recobro_policy_free`.
//!
//! Safety: no panic crosses the boundary (each entry point runs under
//! [`recobro::host::guard`]; a panic becomes an error with code `internal`). Inputs are
//! checked: a NULL pointer is an `input.invalid` error and text that is not UTF-8 an
//! `input.json` error, each at the argument's name ([`recobro::host::arg`]). A policy
//! is `Send + Sync`: one `recobro_policy*` may be used from any number of threads at
//! once (nothing mutates it after `recobro_policy_new`).

// This crate is the unsafe boundary: raw pointers from C are its whole purpose.
#![expect(
    unsafe_code,
    reason = "the C ABI: raw pointers and strings from C are this crate's purpose"
)]

mod convert;
mod errors;

pub use convert::RecobroPolicy;
pub use errors::RecobroError;

use convert::{boxed, c_arg, c_string, json, policy_ref, read_opt_str, read_str};
use errors::entry;
use recobro::host::{self, arg};
use recobro::money::Proposal;
use recobro::simulation::SimulationRequest;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// Decide one case given as C strings, through [`host::evaluate`].
///
/// # Safety
/// `policy` is NULL or a live policy; strings NULL or NUL-terminated.
unsafe fn evaluate(
    policy: *const RecobroPolicy,
    case_json: *const c_char,
    as_of: *const c_char,
    trace: bool,
) -> Result<*mut c_char, recobro::Error> {
    // SAFETY: forwarded from the caller.
    let (p, case, as_of) = unsafe {
        (
            policy_ref(policy)?,
            read_str(case_json, arg::CASE)?,
            read_str(as_of, arg::AS_OF)?,
        )
    };
    Ok(c_string(&host::evaluate(p, case, as_of, trace)?))
}

/// Compile policy source (Rhai). `options_json` may be NULL or a JSON object with
/// `modules` ({name: source}), `limits` ({max_operations: ...}), `closures`
/// ({calendar: [dates]}) and `rate_entries` ({table: [{from, rate, source, confidence}]}).
/// Returns NULL on failure (see `err`).
///
/// # Safety
/// `source` and `options_json` are NULL or NUL-terminated strings; `err` is NULL or
/// points to a writable `recobro_error`.
#[no_mangle]
pub unsafe extern "C" fn recobro_policy_new(
    source: *const c_char,
    options_json: *const c_char,
    err: *mut RecobroError,
) -> *mut RecobroPolicy {
    // SAFETY: pointers per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let source = read_str(source, c_arg::SOURCE)?;
            let options = read_opt_str(options_json, arg::OPTIONS)?;
            Ok(boxed(host::policy(source, options)?))
        })
    }
}

/// The embedded default consumer collections policy. NULL on failure.
///
/// # Safety
/// `err` is NULL or points to a writable `recobro_error`.
#[no_mangle]
pub unsafe extern "C" fn recobro_policy_default(err: *mut RecobroError) -> *mut RecobroPolicy {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            Ok(boxed(recobro::Policy::default_consumer()?))
        })
    }
}

/// An embedded policy by module path (`consumer/policy`, `b2b/policy`). NULL on failure.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; `err` as above.
#[no_mangle]
pub unsafe extern "C" fn recobro_policy_embedded(
    path: *const c_char,
    err: *mut RecobroError,
) -> *mut RecobroPolicy {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let path = read_str(path, c_arg::PATH)?;
            Ok(boxed(recobro::Policy::embedded(path)?))
        })
    }
}

/// Free a policy (NULL is fine). No call may use it afterwards, on any thread.
///
/// # Safety
/// `policy` is NULL or a pointer from `recobro_policy_new`/`_default`/`_embedded`
/// not yet freed.
#[no_mangle]
pub unsafe extern "C" fn recobro_policy_free(policy: *mut RecobroPolicy) {
    if policy.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: allocated by `boxed` and not freed yet, per the contract.
        drop(unsafe { Box::from_raw(policy) });
    }));
}

/// The policy's name, version and digest as JSON. NULL on failure.
///
/// # Safety
/// `policy` is NULL or a live policy; `err` as above.
#[no_mangle]
pub unsafe extern "C" fn recobro_policy_info(
    policy: *const RecobroPolicy,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            json(p.info())
        })
    }
}

/// Decide one case (`case_json`, a JSON object) at `as_of` (RFC 3339 with an offset).
/// Returns the canonical decision JSON (the bytes `recobro eval` prints), or NULL.
///
/// # Safety
/// `policy` is NULL or a live policy; strings NULL or NUL-terminated; `err` as above.
#[no_mangle]
pub unsafe extern "C" fn recobro_evaluate(
    policy: *const RecobroPolicy,
    case_json: *const c_char,
    as_of: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            evaluate(policy, case_json, as_of, false)
        })
    }
}

/// Like `recobro_evaluate`, with the trace (pipeline steps, rule outcomes, the
/// policy's `print` output) in the decision.
///
/// # Safety
/// As `recobro_evaluate`.
#[no_mangle]
pub unsafe extern "C" fn recobro_evaluate_traced(
    policy: *const RecobroPolicy,
    case_json: *const c_char,
    as_of: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            evaluate(policy, case_json, as_of, true)
        })
    }
}

/// Decide many cases (`cases_json`, a JSON array of case objects) in parallel.
/// Returns a JSON array with one element per case, in order: the decision (canonical
/// JSON), or `{"index": i, "error": {...}}` whose paths start with `[i]`. The call
/// itself fails (NULL) only when `cases_json` is not a JSON array or `as_of` is bad.
///
/// # Safety
/// As `recobro_evaluate`.
#[no_mangle]
pub unsafe extern "C" fn recobro_evaluate_many(
    policy: *const RecobroPolicy,
    cases_json: *const c_char,
    as_of: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            let cases = read_str(cases_json, arg::CASES)?;
            let as_of = read_str(as_of, arg::AS_OF)?;
            Ok(c_string(&host::evaluate_batch(p, cases, as_of)?))
        })
    }
}

/// The day's work queue of a batch (`host::queue`): `cases_json` as for
/// `recobro_evaluate_many`, `capacity_json` the daily capacity per channel
/// (`{"call": 400}`; channels not listed are not limited). Returns the queue JSON
/// (`schemas/work-queue.schema.json`), every case in it or in its `errors`; NULL when
/// `as_of`, the capacities (errors at `capacity.CHANNEL`) or the batch are bad.
///
/// # Safety
/// As `recobro_evaluate`; `capacity_json` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn recobro_queue(
    policy: *const RecobroPolicy,
    cases_json: *const c_char,
    as_of: *const c_char,
    capacity_json: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            let cases = read_str(cases_json, arg::CASES)?;
            let as_of = read_str(as_of, arg::AS_OF)?;
            let capacity = read_str(capacity_json, "capacity")?;
            Ok(c_string(&host::queue(p, cases, as_of, capacity)?.to_json()))
        })
    }
}

/// May this contact happen? `channel` is `call`, `sms`, `email`, `whatsapp`, `letter`,
/// `visit` or `push`; `at` an RFC 3339 instant; `debt_id` NULL or a debt of the case.
/// Returns JSON: `case_id`, `channel`, `at`, `allowed`, `blocked_by`,
/// `next_allowed_at` (null when allowed, or when only a person can lift the block)
/// and `rules` (every rule with citation and outcome). NULL on failure.
///
/// # Safety
/// As `recobro_evaluate`; `debt_id` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn recobro_check_contact(
    policy: *const RecobroPolicy,
    case_json: *const c_char,
    channel: *const c_char,
    at: *const c_char,
    debt_id: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            let case = read_str(case_json, arg::CASE)?;
            let channel = host::channel(read_str(channel, arg::CHANNEL)?, arg::CHANNEL)?;
            let at = host::instant(read_str(at, arg::AT)?, arg::AT)?;
            let debt = read_opt_str(debt_id, c_arg::DEBT_ID)?;
            json(&p.check_contact(&host::case(case)?, channel, at, debt)?)
        })
    }
}

/// Check a debtor's plan proposal (`proposal_json`: `down_payment`, `installments`,
/// `frequency`, `first_due_on`) against the first plan the policy offers the case.
/// Returns JSON: `accepted`, `broken`, `schedule`, `bounds`. NULL on failure.
///
/// # Safety
/// As `recobro_evaluate`.
#[no_mangle]
pub unsafe extern "C" fn recobro_check_plan(
    policy: *const RecobroPolicy,
    case_json: *const c_char,
    as_of: *const c_char,
    proposal_json: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let p = policy_ref(policy)?;
            let case = read_str(case_json, arg::CASE)?;
            let as_of = host::instant(read_str(as_of, arg::AS_OF)?, arg::AS_OF)?;
            let proposal_json = read_str(proposal_json, arg::PROPOSAL)?;
            let proposal: Proposal = host::read(proposal_json, arg::PROPOSAL)?;
            json(&p.check_plan(&host::case(case)?, as_of, &proposal)?)
        })
    }
}

/// Run a simulation described by `request_json` (see the header for its fields).
/// Returns the result as JSON (`settings`, `arms` with `kpis`, `vs_champion` and the
/// daily `series`), as `recobro simulate --json` prints it. NULL on failure.
///
/// # Safety
/// `request_json` NULL or NUL-terminated; `err` as above.
#[no_mangle]
pub unsafe extern "C" fn recobro_simulate(
    request_json: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let text = read_str(request_json, arg::REQUEST)?;
            let request: SimulationRequest = host::simulation_request(text)?;
            // The request's policies compile as it runs: their input errors' paths are
            // under `request` too.
            json(&request.run().map_err(|e| e.under(arg::REQUEST))?)
        })
    }
}

/// Compare a live experiment's arms (`host::experiment`): `request_json` as
/// `schemas/experiment-request.schema.json`. Returns the report JSON; NULL on failure
/// (errors under `experiment`).
///
/// # Safety
/// `request_json` NULL or NUL-terminated; `err` as above.
#[no_mangle]
pub unsafe extern "C" fn recobro_experiment(
    request_json: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let text = read_str(request_json, arg::EXPERIMENT)?;
            json(&host::experiment(text)?)
        })
    }
}

/// The cases a fixed-horizon test needs (`host::experiment_plan`). Returns the plan
/// JSON; NULL on failure (errors under `plan`).
///
/// # Safety
/// `plan_json` NULL or NUL-terminated; `err` as above.
#[no_mangle]
pub unsafe extern "C" fn recobro_experiment_plan(
    plan_json: *const c_char,
    err: *mut RecobroError,
) -> *mut c_char {
    // SAFETY: per the contract above.
    unsafe {
        entry(err, ptr::null_mut(), || {
            let text = read_str(plan_json, arg::PLAN)?;
            json(&host::experiment_plan(text)?)
        })
    }
}

/// Free a string the library returned (NULL is fine).
///
/// # Safety
/// `s` is NULL or a string returned by this library, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn recobro_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let mut s = s;
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: a string from this library, per the contract.
        unsafe { convert::free_c_string(&mut s) };
    }));
}

/// Free the strings inside an error and reset it to success (`ok` = 1, NULLs, zeros).
/// The struct itself belongs to the caller. NULL is fine; so is a success struct.
///
/// # Safety
/// `err` is NULL or a struct the library filled in (or zero-initialised).
#[no_mangle]
pub unsafe extern "C" fn recobro_error_free(err: *mut RecobroError) {
    if err.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: a valid struct per the contract; its strings came from `c_string`.
        unsafe { errors::clear(&mut *err) };
    }));
}

/// The library version, a static string (do not free).
#[no_mangle]
pub extern "C" fn recobro_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn zeroed() -> RecobroError {
        RecobroError {
            ok: 7,
            ..RecobroError::SUCCESS
        }
    }

    fn text(p: *const c_char) -> String {
        if p.is_null() {
            return String::new();
        }
        // SAFETY: a string from this library in these tests.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let mut err = zeroed();
        // SAFETY: `err` is a valid struct.
        let v = unsafe {
            entry(&mut err, 0, || -> Result<i32, recobro::Error> {
                panic!("boom")
            })
        };
        assert_eq!(v, 0);
        assert_eq!(err.ok, 0);
        assert_eq!(text(err.code), "internal");
        assert!(text(err.message).contains("boom"));
        // SAFETY: filled in by the library.
        unsafe { recobro_error_free(&mut err) };
        assert_eq!(err.ok, 1);
        assert!(err.code.is_null() && err.message.is_null());
    }

    #[test]
    fn null_and_bad_utf8_are_input_errors_at_the_argument() {
        let mut err = zeroed();
        // SAFETY: NULL arguments are allowed and reported.
        let p = unsafe { recobro_evaluate(ptr::null(), ptr::null(), ptr::null(), &mut err) };
        assert!(p.is_null());
        assert_eq!(
            (text(err.code), text(err.path)),
            ("input.invalid".into(), "policy".into())
        );
        // SAFETY: as above.
        unsafe { recobro_error_free(&mut err) };
        let bad = [0x66u8, 0x6e, 0xff, 0x00];
        // SAFETY: a NUL-terminated byte string.
        let pol = unsafe { recobro_policy_new(bad.as_ptr().cast(), ptr::null(), &mut err) };
        assert!(pol.is_null());
        // Policy source is no JSON: `input.invalid` (a JSON argument would be `input.json`).
        assert_eq!(text(err.code), "input.invalid");
        assert_eq!(text(err.path), "source");
        assert!(text(err.message).contains("UTF-8"));
        // SAFETY: as above.
        unsafe { recobro_error_free(&mut err) };
    }

    #[test]
    fn options_errors_name_their_path_under_options() {
        let mut err = zeroed();
        let source = c"fn segment(c) { \"x\" }";
        let options = c"{\"closures\": {\"CO\": [\"2026-13-01\"]}}";
        // SAFETY: NUL-terminated strings and a valid struct.
        let p = unsafe { recobro_policy_new(source.as_ptr(), options.as_ptr(), &mut err) };
        assert!(p.is_null());
        assert_eq!(text(err.path), "options.closures.CO[0]");
        // SAFETY: filled in by the library.
        unsafe { recobro_error_free(&mut err) };
    }
}
