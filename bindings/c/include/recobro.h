/*
 * recobro.h: the C ABI of the Recobro collections decision engine.
 *
 * JSON in, JSON out. Link against librecobro_c.so (or librecobro_c.a plus
 * -lpthread -ldl -lm). Hand-written; bindings/c/test.sh checks that it declares
 * exactly the functions the library exports.
 *
 * Strings
 *   Every `const char*` argument is NUL-terminated UTF-8. A NULL where a string is
 *   required is an `input.invalid` error whose `path` names the argument; text that
 *   is not UTF-8 is an error at the argument: `input.json` for a JSON argument
 *   (case, cases, options, proposal, request), `input.invalid` for any other
 *   (source, path, as_of, channel, ...). The library keeps no
 *   pointer to an argument after a call.
 *
 * Argument names in error paths (the same on every Recobro host, snake_case)
 *   case, cases, as_of, at, channel, proposal, options, request (recobro::host::arg)
 *   and, for the arguments only C has, source, path, policy, debt_id. The C parameter
 *   `case_json` is reported as `case`, `cases_json` as `cases`, `options_json` as
 *   `options`, `proposal_json` as `proposal`, `request_json` as `request`. Errors
 *   inside an argument are under its name (`options.limits.max_operations`,
 *   `proposal.first_due_on`, `request.days`), except inside a case: a case's paths
 *   are relative to the case (`debts[2].due_on`), and an error about the case text as
 *   a whole (JSON that does not parse, not an object) has the path "" (empty).
 *
 * Ownership
 *   Every `char*` the library returns is yours: free it with recobro_string_free().
 *   Every string the library writes into a recobro_error is freed by
 *   recobro_error_free(). A recobro_policy* is freed with recobro_policy_free().
 *   recobro_version() returns a static string: do not free it.
 *
 * Errors
 *   Each call that can fail takes a `recobro_error* err` (may be NULL if you only
 *   look at the return value). On success the call sets err->ok = 1 and every field
 *   to NULL/0; on failure it returns NULL and sets err->ok = 0, `code` and `message`,
 *   plus `path` (input errors; "" for a whole case), `line`/`column` (1-based, policy
 *   errors), `module`
 *   (policy errors inside an imported module) and `help` when the engine can say how
 *   to fix it. These are the fields of the flat error JSON every Recobro host writes
 *   (recobro::host::error_json), and the one-line rendering hosts print is
 *   "code: path: message" or "code: message (module `m`, line l, column c)".
 *   The library only writes the struct, never reads it: call
 *   recobro_error_free() after a failure before passing the struct to another call,
 *   or its strings leak. recobro_error_free() on a success struct does nothing.
 *
 *   Codes (stable): policy.syntax, policy.runtime, policy.contract, policy.module,
 *   limit.operations, limit.call_depth, limit.expression_depth, limit.string_size,
 *   limit.array_size, limit.map_size, limit.modules, limit.variables, input.json,
 *   input.invalid, internal (a bug in the engine: a panic caught at the boundary).
 *
 * Threads
 *   A recobro_policy is immutable after it is built (Rust: Send + Sync). One policy
 *   may be used from any number of threads at once, without locking. Free it only
 *   when no call on any thread is using it. recobro_evaluate_many() runs cases in
 *   parallel on the library's own thread pool.
 *
 * Panics
 *   No Rust panic crosses this boundary: each entry point catches it and reports
 *   an `internal` error (this needs the library built with panic = "unwind", the
 *   default).
 */
#ifndef RECOBRO_H
#define RECOBRO_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A compiled policy (opaque). */
typedef struct recobro_policy recobro_policy;

/* The outcome of a call. Declare it as `recobro_error err = RECOBRO_ERROR_INIT;`. */
typedef struct recobro_error {
    int32_t ok;       /* 1 on success, 0 on failure */
    char *code;       /* stable code such as "policy.syntax"; NULL on success */
    char *message;    /* plain-words description; NULL on success */
    char *path;       /* input path such as "debts[2].due_on" ("": the whole case), or NULL */
    int32_t line;     /* 1-based policy line, or 0 */
    int32_t column;   /* 1-based policy column, or 0 */
    char *module;     /* imported module the line/column are in, or NULL (main policy) */
    char *help;       /* how to fix it, or NULL */
} recobro_error;

#define RECOBRO_ERROR_INIT {1, 0, 0, 0, 0, 0, 0, 0}

/* The library version ("0.1.0"); static, do not free. */
const char *recobro_version(void);

/*
 * Compile a policy (Rhai source). `options_json` may be NULL or a JSON object:
 *   {"modules": {"house/bands": "fn band(c) { ... }"},      modules the policy may import
 *    "limits": {"max_operations": 100000, ...},              sandbox limits (others default)
 *    "closures": {"CO": ["2026-03-20"], "*": [...]},          extra closed days per calendar
 *    "rate_entries": {"ecb_mro": [{"from": "2026-07-01", "rate": "2.15",
 *                                  "source": "...", "confidence": "confirmed"}]},
 *    "scorecards": {"house": "{\"name\": \"house\", ...}"}}  scorecards by name, JSON text
 * Limit fields: max_operations, max_call_depth, max_expression_depth,
 * max_function_expression_depth, max_string_size, max_array_size, max_map_size,
 * max_modules, max_variables. A scorecard (the format: core/src/policy/scorecard.rs)
 * is called by the policy with `c.score("house")` and replaces an embedded one of that
 * name (the default policy's "behavioural"); each is checked here, and one that does
 * not check (a gap or an overlap between bins, an unknown fact) fails with
 * "policy.contract" at its line, module "scorecards/NAME". Errors in the options are
 * at paths under "options" ("options.limits.max_operations"). Returns NULL on failure.
 */
recobro_policy *recobro_policy_new(const char *source, const char *options_json,
                                   recobro_error *err);

/* The embedded default consumer collections policy ("consumer/policy"). */
recobro_policy *recobro_policy_default(recobro_error *err);

/* An embedded policy by path: "consumer/policy", "b2b/policy". */
recobro_policy *recobro_policy_embedded(const char *path, recobro_error *err);

/* Free a policy (NULL is fine). */
void recobro_policy_free(recobro_policy *policy);

/* {"name": ..., "version": ..., "digest": "sha256:..."} */
char *recobro_policy_info(const recobro_policy *policy, recobro_error *err);

/*
 * Decide one case (a JSON object, see DESIGN.md "The case") at `as_of`, an RFC 3339
 * instant with an offset ("2026-03-16T15:00:00Z"). Returns the canonical decision
 * JSON: the same bytes `recobro eval FILE --as-of T` prints, on every host.
 */
char *recobro_evaluate(const recobro_policy *policy, const char *case_json,
                       const char *as_of, recobro_error *err);

/* Like recobro_evaluate, with "trace" in the decision. */
char *recobro_evaluate_traced(const recobro_policy *policy, const char *case_json,
                              const char *as_of, recobro_error *err);

/*
 * Decide many cases in parallel. `cases_json`: a JSON array of case objects, one
 * case object, or NDJSON (one case per line). Returns a JSON array, one element per
 * case in order: the decision (canonical JSON), or {"index": i, "error": {"code",
 * "message", "path"?, "line"?, "column"?, "module"?, "help"?}} with input paths under
 * the case's index ("[3].debts[0].due_on"; "[3]" for the whole case). Each case is
 * read on its own: a bad case (even one that is not JSON) is one error row. Fails as
 * a whole (NULL) only when `as_of` is bad or the text is no batch at all (path
 * "cases").
 */
char *recobro_evaluate_many(const recobro_policy *policy, const char *cases_json,
                            const char *as_of, recobro_error *err);

/*
 * May this contact happen at `at`? `channel`: call, sms, email, whatsapp, letter,
 * visit, push. `debt_id` may be NULL. Returns {"case_id", "channel", "at",
 * "allowed", "blocked_by", "next_allowed_at", "rules"}; next_allowed_at is null
 * when allowed, or when only a person can lift the block (an opt-out, a dispute).
 */
char *recobro_check_contact(const recobro_policy *policy, const char *case_json,
                            const char *channel, const char *at, const char *debt_id,
                            recobro_error *err);

/*
 * Check a debtor's plan proposal against the first plan the policy offers:
 * `proposal_json` = {"down_payment": "100.00", "installments": 6,
 * "frequency": "monthly", "first_due_on": "2026-04-01"}.
 * Returns {"accepted", "broken", "schedule", "bounds"}. Errors in the proposal are at
 * paths under "proposal" ("proposal.first_due_on").
 */
char *recobro_check_plan(const recobro_policy *policy, const char *case_json,
                         const char *as_of, const char *proposal_json, recobro_error *err);

/*
 * Run a simulation. `request_json` (every field optional):
 *   {"policies": [{"source": "..."} | {"embedded": "b2b/policy"} | {},   champion first;
 *                 each may add "modules", "limits", "closures", "rate_entries",
 *                 "scorecards"],
 *                                                  empty: the default consumer policy
 *    "cases": [case, ...],                           absent: a generated portfolio
 *    "generate": 1000, "start": "2026-03-16T15:00:00Z", "days": 180, "seed": 42,
 *    "shares": [50, 50], "experiment": "exp-1",      shares absent: every case, every policy
 *    "response_model": {...},                        absent: the documented defaults
 *    "replications": 1}                               1 to 100; 2 or more: "uncertainty"
 * Returns the result JSON ("settings", "arms": [{"policy", "role", "kpis",
 * "vs_champion", "series"}], with replications "uncertainty": 95% intervals, verdicts,
 * bands, a live test's size), as `recobro simulate --json` prints it. Errors in the
 * request are at paths under "request" ("request.days", "request.split.shares").
 */
char *recobro_simulate(const char *request_json, recobro_error *err);

/*
 * Compare a live experiment's arms: `request_json` as schemas/experiment-request.schema.json
 * ({"experiment", "shares", "test": {"kind": "fixed", "plan": {...}} | {"kind":
 * "sequential", "minimum_effect"}, "outcomes": [{"case_id", "collected", "contacts"}]}).
 * Returns the report JSON (schemas/experiment-report.schema.json), as `recobro experiment
 * analyze --json` prints it. Errors are at paths under "experiment"
 * ("experiment.outcomes[3].arm").
 */
char *recobro_experiment(const char *request_json, recobro_error *err);

/*
 * The cases a fixed-horizon test needs: `plan_json` {"metric", "baseline", "sd",
 * "minimum_effect", "power", "shares"}. Returns {"cases_per_arm", "cases_total", ...} as
 * `recobro experiment plan --json` prints it. Errors are at paths under "plan".
 */
char *recobro_experiment_plan(const char *plan_json, recobro_error *err);

/*
 * The day's work queue of a batch under daily channel capacities: `cases_json` as for
 * recobro_evaluate_many, `capacity_json` like {"call": 400, "sms": 5000} (channels not
 * listed are not limited). Every case is decided, then queued by priority, expected
 * value (outstanding x best_slot.rate x a calibrated score's probability) and id; a case
 * whose channel is full takes its next lawful candidate ("rerouted") or waits, with the
 * reason. Returns the queue JSON (schemas/work-queue.schema.json), as `recobro queue
 * --format json` prints it; a case that cannot be read or decided is in its "errors".
 * NULL when as_of, the capacities (errors at "capacity.CHANNEL") or the batch are bad.
 */
char *recobro_queue(const recobro_policy *policy, const char *cases_json, const char *as_of,
                    const char *capacity_json, recobro_error *err);

/* Free a string returned by the library (NULL is fine). */
void recobro_string_free(char *s);

/* Free the strings inside `err` and reset it to success. The struct is yours. */
void recobro_error_free(recobro_error *err);

#ifdef __cplusplus
}
#endif

#endif /* RECOBRO_H */
