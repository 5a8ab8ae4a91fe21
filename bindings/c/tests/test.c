/*
 * Test of the C ABI, run by bindings/c/test.sh (also under valgrind).
 *
 * Usage: test <cases dir> <expected dir> [timing iterations]
 *   <expected dir>/<name>.ndjson holds the line `recobro eval <name>.json --as-of ...`
 *   printed. Prints one line per check and closes with "N passed, M failed".
 *
 *        test --corpus <dir>
 *   Runs the whole cross-host conformance corpus: <dir>/manifest.tsv has one line
 *   per item of test-data/conformance/cases.json, `name TAB policy TAB as_of` (the
 *   policy an embedded path such as consumer/policy); <dir>/cases/<name>.json is the
 *   case and <dir>/expected/<name>.json the decision bytes. Every item is decided
 *   with its own embedded policy and clock and must equal its bytes.
 *
 *        test --errors <dir>
 *   Runs the cross-host error corpus (test-data/conformance/errors.json), laid out by
 *   test.sh as one directory per item, listed in <dir>/manifest: the call
 *   (`compile`, `evaluate`, `evaluate_batch`), the policy (`policy`, an embedded
 *   path, or `source` plus `options`), the input (`case` or `cases`) and `as_of`, one
 *   file each. The expected error is want/<field> (the field must equal the file's
 *   text) or want/<field>.none (the field must be absent), for code, message, path,
 *   line, column, module and help; a field with neither is not checked (not blessed
 *   yet). A batch that decides has rows/count and rows/<i>/ (`decided`, or `index`
 *   and the fields as above), checked against the rows of recobro_evaluate_many.
 *   The library must be built with the test-only `fault-injection` feature (test.sh
 *   does): the fault checks evaluate a case with the id FAULT_CASE_ID.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recobro.h"

#define AS_OF "2026-03-16T15:00:00Z"
#define MAX_CASES 64
/* The case id on which a library built with the test-only `fault-injection` switch
 * panics inside the engine (recobro::policy::FAULT_CASE_ID). */
#define FAULT_CASE_ID "__recobro_fault__"

static int passed = 0, failed = 0;

static void check(const char *name, int ok, const char *detail) {
    if (ok) {
        passed++;
        printf("  ok   %s\n", name);
    } else {
        failed++;
        printf("  FAIL %s %s\n", name, detail ? detail : "");
    }
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf) buf[n] = '\0';
    fclose(f);
    return buf;
}

static void chomp(char *s) {
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
}

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static int has(const char *haystack, const char *needle) {
    return haystack && strstr(haystack, needle) != NULL;
}

/* Replace the first `from` in `s` with `to` (a new malloc'd string). */
static char *replace(const char *s, const char *from, const char *to) {
    const char *at = strstr(s, from);
    if (!at) return strdup(s);
    size_t head = (size_t)(at - s), n = strlen(s) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    memcpy(out, s, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static char *names[MAX_CASES];
static char *cases[MAX_CASES];
static char *expected[MAX_CASES];
static int n_cases = 0;
static recobro_policy *shared_policy;

static int json_filter(const struct dirent *e) {
    size_t n = strlen(e->d_name);
    return n > 5 && strcmp(e->d_name + n - 5, ".json") == 0;
}

static void load(const char *cases_dir, const char *expected_dir) {
    struct dirent **list;
    int n = scandir(cases_dir, &list, json_filter, alphasort);
    char path[4096];
    for (int i = 0; i < n; i++) {
        if (n_cases < MAX_CASES) {
            size_t len = strlen(list[i]->d_name) - 5;
            names[n_cases] = strndup(list[i]->d_name, len);
            snprintf(path, sizeof path, "%s/%s", cases_dir, list[i]->d_name);
            cases[n_cases] = read_file(path);
            snprintf(path, sizeof path, "%s/%s.ndjson", expected_dir, names[n_cases]);
            expected[n_cases] = read_file(path);
            if (expected[n_cases]) chomp(expected[n_cases]);
            n_cases++;
        }
        free(list[i]);
    }
    if (n > 0) free(list);
}

static const char *case_named(const char *name) {
    for (int i = 0; i < n_cases; i++)
        if (strcmp(names[i], name) == 0) return cases[i];
    return NULL;
}

/* Expect a failure from a call that returned `out`; checks code (and path if given). */
static void expect_error(const char *name, char *out, recobro_error *err, const char *code,
                         const char *path) {
    char detail[1024];
    snprintf(detail, sizeof detail, "(ok=%d code=%s path=%s message=%s)", err->ok,
             err->code ? err->code : "NULL", err->path ? err->path : "NULL",
             err->message ? err->message : "NULL");
    int ok = out == NULL && err->ok == 0 && streq(err->code, code) && err->message &&
             (path == NULL || streq(err->path, path));
    check(name, ok, detail);
    recobro_string_free(out);
}

/* The same for a call that returns a policy. */
static void expect_policy_error(const char *name, recobro_policy *p, recobro_error *err, const char *code,
                                const char *path) {
    char detail[1024];
    snprintf(detail, sizeof detail, "(ok=%d code=%s path=%s message=%s)", err->ok,
             err->code ? err->code : "NULL", err->path ? err->path : "NULL",
             err->message ? err->message : "NULL");
    int ok = p == NULL && err->ok == 0 && streq(err->code, code) && err->message &&
             (path == NULL || streq(err->path, path));
    check(name, ok, detail);
    recobro_policy_free(p);
}

static void *worker(void *arg) {
    long t = (long)arg;
    long mismatches = 0;
    recobro_error err = RECOBRO_ERROR_INIT;
    for (int round = 0; round < 3; round++) {
        for (int k = 0; k < n_cases; k++) {
            int i = (int)((k + t + round) % n_cases);
            char *d = recobro_evaluate(shared_policy, cases[i], AS_OF, &err);
            if (!d || !expected[i] || strcmp(d, expected[i]) != 0) mismatches++;
            recobro_string_free(d);
            recobro_error_free(&err);
        }
    }
    return (void *)mismatches;
}

/* The whole conformance corpus: every item with its own embedded policy and clock. */
#define MAX_POLICIES 16
static int run_corpus(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.tsv", dir);
    char *manifest = read_file(path);
    if (!manifest) {
        printf("  FAIL no manifest at %s\n", path);
        return 1;
    }
    char *pol_names[MAX_POLICIES];
    recobro_policy *pols[MAX_POLICIES];
    int n_pols = 0, items = 0, mismatches = 0;
    recobro_error err = RECOBRO_ERROR_INIT;
    char *save = NULL;
    for (char *line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tab1 = strchr(line, '\t');
        char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab1 || !tab2) {
            printf("  FAIL bad manifest line `%s`\n", line);
            mismatches++;
            continue;
        }
        *tab1 = '\0';
        *tab2 = '\0';
        const char *name = line, *pol = tab1 + 1, *as_of = tab2 + 1;
        items++;
        recobro_policy *policy = NULL;
        for (int i = 0; i < n_pols; i++)
            if (strcmp(pol_names[i], pol) == 0) policy = pols[i];
        if (!policy) {
            if (n_pols == MAX_POLICIES) {
                printf("  FAIL %s: more than %d policies\n", name, MAX_POLICIES);
                mismatches++;
                continue;
            }
            policy = recobro_policy_embedded(pol, &err);
            if (!policy) {
                printf("  FAIL %s: embedded policy %s: %s\n", name, pol, err.message ? err.message : "?");
                recobro_error_free(&err);
                mismatches++;
                continue;
            }
            pol_names[n_pols] = strdup(pol);
            pols[n_pols++] = policy;
        }
        snprintf(path, sizeof path, "%s/cases/%s.json", dir, name);
        char *case_json = read_file(path);
        snprintf(path, sizeof path, "%s/expected/%s.json", dir, name);
        char *want = read_file(path);
        if (want) chomp(want);
        char *got = case_json ? recobro_evaluate(policy, case_json, as_of, &err) : NULL;
        if (!got || !want || strcmp(got, want) != 0) {
            mismatches++;
            printf("  FAIL %s (%s at %s): %s\n", name, pol, as_of,
                   got ? "decision differs from the corpus bytes" : (err.message ? err.message : "no case or expected file"));
        }
        recobro_string_free(got);
        recobro_error_free(&err);
        free(case_json);
        free(want);
    }
    for (int i = 0; i < n_pols; i++) {
        recobro_policy_free(pols[i]);
        free(pol_names[i]);
    }
    free(manifest);
    printf("corpus: %d items, %d policies, %d mismatches\n", items, n_pols, mismatches);
    return mismatches == 0 && items > 0 ? 0 : 1;
}

/* ---- The cross-host error corpus ------------------------------------------------ */

/* <dir>/<name> as a malloc'd string, or NULL when there is no such file. */
static char *read_in(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return read_file(path);
}

static int exists_in(const char *dir, const char *name) {
    char *t = read_in(dir, name);
    free(t);
    return t != NULL;
}

/* Check one field against <want>/<field> (equal) or <want>/<field>.none (absent);
 * neither file: not checked. `got` is NULL when the field is absent. */
static int field_ok(const char *item, const char *want, const char *field, const char *got) {
    char name[512];
    snprintf(name, sizeof name, "%s/%s", want, field);
    char *expected = read_in(item, name);
    int ok = 1;
    if (expected) {
        ok = got != NULL && strcmp(got, expected) == 0;
    } else {
        snprintf(name, sizeof name, "%s/%s.none", want, field);
        ok = !exists_in(item, name) || got == NULL;
    }
    if (!ok)
        printf("  FAIL %s: `%s` is %s%s%s, the corpus says %s%s%s\n", item, field, got ? "`" : "",
               got ? got : "absent", got ? "`" : "", expected ? "`" : "", expected ? expected : "absent",
               expected ? "`" : "");
    free(expected);
    return ok;
}

/* The fields of a recobro_error against <want>/. */
static int error_ok(const char *item, const char *want, const recobro_error *err) {
    char line[32], column[32];
    snprintf(line, sizeof line, "%d", err->line);
    snprintf(column, sizeof column, "%d", err->column);
    int ok = field_ok(item, want, "code", err->code);
    ok &= field_ok(item, want, "message", err->message);
    ok &= field_ok(item, want, "path", err->path);
    ok &= field_ok(item, want, "line", err->line ? line : NULL);
    ok &= field_ok(item, want, "column", err->column ? column : NULL);
    ok &= field_ok(item, want, "module", err->module);
    ok &= field_ok(item, want, "help", err->help);
    return ok;
}

/* A tiny reader of the JSON the library writes, enough to take a batch apart. */
static const char *ws(const char *p) {
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
    return p;
}

/* The end of the JSON value at `p` (strings, nesting), or NULL. */
static const char *skip_value(const char *p) {
    int depth = 0;
    p = ws(p);
    do {
        if (*p == '\0') return NULL;
        if (*p == '"') {
            for (p++; *p != '"'; p++) {
                if (*p == '\0') return NULL;
                if (*p == '\\' && *++p == '\0') return NULL;
            }
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            depth--;
        } else if (depth == 0) {
            while (*p && !strchr(",]} \n\r\t", *p)) p++;
            return p;
        }
        p++;
    } while (depth > 0);
    return p;
}

/* The JSON string at `p` decoded (escapes as serde_json writes them; \u for ASCII
 * control characters only), malloc'd; NULL if `p` is no string. */
static char *decode_string(const char *p) {
    if (*p != '"') return NULL;
    const char *end = skip_value(p);
    if (!end) return NULL;
    char *out = malloc((size_t)(end - p) + 1), *w = out;
    for (p++; p < end - 1; p++) {
        if (*p != '\\') {
            *w++ = *p;
            continue;
        }
        switch (*++p) {
        case 'n': *w++ = '\n'; break;
        case 't': *w++ = '\t'; break;
        case 'r': *w++ = '\r'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'u': {
            unsigned v = 0;
            sscanf(p + 1, "%4x", &v);
            *w++ = (char)v;
            p += 4;
            break;
        }
        default: *w++ = *p; break;
        }
    }
    *w = '\0';
    return out;
}

/* The value of `key` in the JSON object at `obj` (a pointer into the text), or NULL. */
static const char *member(const char *obj, const char *key) {
    const char *p = ws(obj);
    if (*p != '{') return NULL;
    p = ws(p + 1);
    while (*p == '"') {
        char *k = decode_string(p);
        const char *colon = skip_value(p);
        if (!k || !colon || *(colon = ws(colon)) != ':') {
            free(k);
            return NULL;
        }
        const char *v = ws(colon + 1);
        int found = strcmp(k, key) == 0;
        free(k);
        if (found) return v;
        p = skip_value(v);
        if (!p) return NULL;
        p = ws(p);
        if (*p != ',') return NULL;
        p = ws(p + 1);
    }
    return NULL;
}

/* A member as text (a string decoded, a number as written), malloc'd; NULL if absent. */
static char *member_text(const char *obj, const char *key) {
    const char *v = member(obj, key);
    if (!v) return NULL;
    if (*v == '"') return decode_string(v);
    const char *end = skip_value(v);
    return end ? strndup(v, (size_t)(end - v)) : NULL;
}

/* The rows of a batch against rows/<i>/. */
static int rows_ok(const char *item, const char *out) {
    char *count_text = read_in(item, "rows/count");
    int want_rows = count_text ? atoi(count_text) : -1, ok = 1, i = 0;
    free(count_text);
    const char *p = ws(out);
    if (*p != '[') {
        printf("  FAIL %s: the batch is not a JSON array\n", item);
        return 0;
    }
    p = ws(p + 1);
    for (; *p && *p != ']'; i++) {
        const char *end = skip_value(p);
        if (!end) {
            printf("  FAIL %s: row %d does not end\n", item, i);
            return 0;
        }
        char want[64], name[96];
        snprintf(want, sizeof want, "rows/%d", i);
        snprintf(name, sizeof name, "%s/decided", want);
        if (exists_in(item, name)) {
            if (!member(p, "segment")) {
                printf("  FAIL %s: row %d should be a decision: %.200s\n", item, i, p);
                ok = 0;
            }
        } else {
            const char *error = member(p, "error");
            char *index = member_text(p, "index");
            ok &= field_ok(item, want, "index", index);
            free(index);
            if (!error) {
                printf("  FAIL %s: row %d should be an error: %.200s\n", item, i, p);
                ok = 0;
            } else {
                const char *fields[] = {"code", "message", "path", "line", "column", "module", "help"};
                for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
                    char *got = member_text(error, fields[f]);
                    ok &= field_ok(item, want, fields[f], got);
                    free(got);
                }
            }
        }
        p = ws(end);
        if (*p == ',') p = ws(p + 1);
    }
    if (i != want_rows) {
        printf("  FAIL %s: %d rows, the corpus says %d\n", item, i, want_rows);
        ok = 0;
    }
    return ok;
}

static void trim_newline(char *s) {
    if (s) chomp(s);
}

/* One item of the error corpus; 1 when the library fails it exactly as the corpus says. */
static int error_item(const char *item) {
    char *call = read_in(item, "call"), *embedded = read_in(item, "policy"), *source = read_in(item, "source");
    char *options = read_in(item, "options"), *as_of = read_in(item, "as_of");
    char *case_text = read_in(item, "case"), *cases_text = read_in(item, "cases");
    trim_newline(call);
    trim_newline(embedded);
    trim_newline(as_of);
    recobro_error err = RECOBRO_ERROR_INIT;
    recobro_policy *policy = embedded ? recobro_policy_embedded(embedded, &err)
                                      : recobro_policy_new(source, options, &err);
    int ok = 0;
    if (streq(call, "compile")) {
        ok = policy == NULL && err.ok == 0 && error_ok(item, "want", &err);
        if (policy) printf("  FAIL %s: the policy compiled\n", item);
    } else if (!policy) {
        printf("  FAIL %s: the policy does not compile: %s\n", item, err.message ? err.message : "?");
    } else if (streq(call, "evaluate")) {
        char *out = recobro_evaluate(policy, case_text, as_of, &err);
        ok = out == NULL && err.ok == 0 && error_ok(item, "want", &err);
        if (out) printf("  FAIL %s: the case was decided\n", item);
        recobro_string_free(out);
    } else if (streq(call, "evaluate_batch")) {
        char *out = recobro_evaluate_many(policy, cases_text, as_of, &err);
        if (exists_in(item, "rows/count")) {
            ok = out != NULL && err.ok == 1 && rows_ok(item, out);
            if (!out) printf("  FAIL %s: the batch failed: %s\n", item, err.message ? err.message : "?");
        } else {
            ok = out == NULL && err.ok == 0 && error_ok(item, "want", &err);
            if (out) printf("  FAIL %s: the batch did not fail\n", item);
        }
        recobro_string_free(out);
    } else {
        printf("  FAIL %s: unknown call `%s`\n", item, call ? call : "?");
    }
    recobro_error_free(&err);
    recobro_policy_free(policy);
    free(call);
    free(embedded);
    free(source);
    free(options);
    free(as_of);
    free(case_text);
    free(cases_text);
    return ok;
}

static int run_errors(const char *dir) {
    char *manifest = read_in(dir, "manifest");
    if (!manifest) {
        printf("  FAIL no manifest in %s\n", dir);
        return 1;
    }
    int items = 0, mismatches = 0;
    char *save = NULL, item[4096];
    for (char *name = strtok_r(manifest, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
        snprintf(item, sizeof item, "%s/%s", dir, name);
        items++;
        if (error_item(item)) {
            printf("  ok   %s\n", name);
        } else {
            mismatches++;
        }
    }
    free(manifest);
    printf("errors: %d items, %d mismatches\n", items, mismatches);
    return mismatches == 0 && items > 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "--errors") == 0) return run_errors(argv[2]);
    if (argc > 2 && strcmp(argv[1], "--corpus") == 0) return run_corpus(argv[2]);
    const char *cases_dir = argc > 1 ? argv[1] : "examples/data/cases";
    const char *expected_dir = argc > 2 ? argv[2] : "target/c-test/expected";
    long timing_n = argc > 3 ? atol(argv[3]) : 2000;
    load(cases_dir, expected_dir);
    printf("recobro %s, %d sample cases\n", recobro_version(), n_cases);
    check("sample cases found", n_cases > 0, cases_dir);

    recobro_error err = RECOBRO_ERROR_INIT;
    recobro_policy *policy = recobro_policy_default(&err);
    check("default policy", policy != NULL && err.ok == 1 && err.code == NULL, err.message);
    char *info = recobro_policy_info(policy, &err);
    check("policy info", has(info, "\"name\":\"consumer-default\"") && has(info, "sha256:"), info);
    recobro_string_free(info);

    /* 1. Decisions equal the CLI's bytes. */
    printf("decisions vs recobro eval\n");
    for (int i = 0; i < n_cases; i++) {
        char label[256];
        snprintf(label, sizeof label, "%s: json equals the CLI's bytes", names[i]);
        char *d = recobro_evaluate(policy, cases[i], AS_OF, &err);
        check(label, d && expected[i] && strcmp(d, expected[i]) == 0 && err.ok == 1,
              d ? d : err.message);
        recobro_string_free(d);
        recobro_error_free(&err);
    }
    char *traced = recobro_evaluate_traced(policy, case_named("administrative"), AS_OF, &err);
    check("traced decision has a trace", has(traced, "\"trace\":[{\"step\":\"facts\""), err.message);
    recobro_string_free(traced);

    /* 2. evaluate_many: the same bytes, errors indexed. */
    printf("evaluate_many\n");
    {
        size_t total = 16;
        for (int i = 0; i < n_cases; i++) total += strlen(cases[i]) + 2;
        const char *bad_case = "{\"id\": \"X\"}";
        total += strlen(bad_case) + 2;
        char *array = malloc(total), *want = NULL;
        strcpy(array, "[");
        for (int i = 0; i < n_cases; i++) {
            strcat(array, cases[i]);
            strcat(array, ",");
        }
        strcat(array, bad_case);
        strcat(array, "]");
        char *out = recobro_evaluate_many(policy, array, AS_OF, &err);
        size_t wlen = 16;
        for (int i = 0; i < n_cases; i++) wlen += expected[i] ? strlen(expected[i]) + 1 : 1;
        want = malloc(wlen);
        strcpy(want, "[");
        for (int i = 0; i < n_cases; i++) {
            strcat(want, expected[i] ? expected[i] : "");
            strcat(want, ",");
        }
        int prefix_ok = out && strncmp(out, want, strlen(want)) == 0;
        check("batch decisions equal the CLI's bytes, in order", prefix_ok, err.message);
        char index_needle[64];
        snprintf(index_needle, sizeof index_needle, "{\"index\":%d,\"error\":{\"code\":\"input.",
                 n_cases);
        check("bad case row is an indexed error", has(out, index_needle), out);
        recobro_string_free(out);
        free(array);
        free(want);
        out = recobro_evaluate_many(policy, "5", AS_OF, &err);
        expect_error("evaluate_many: no batch at all fails at cases", out, &err, "input.invalid", "cases");
        recobro_error_free(&err);
        out = recobro_evaluate_many(policy, "{\"id\": \"X\"}", AS_OF, &err);
        check("evaluate_many: one case object is a batch of one",
              out && err.ok == 1 && has(out, "[{\"index\":0,\"error\":{\"code\":\"input.invalid\"") &&
                  has(out, "\"path\":\"[0]\"}}]"),
              out);
        recobro_string_free(out);
        recobro_error_free(&err);
    }

    /* 3. Every error kind. */
    printf("errors\n");
    recobro_policy *p = recobro_policy_new("fn segment(c) {\n    let x = ;\n}\n", NULL, &err);
    {
        char detail[512];
        snprintf(detail, sizeof detail, "(code=%s line=%d column=%d)", err.code ? err.code : "NULL",
                 err.line, err.column);
        check("policy.syntax with line and column",
              p == NULL && streq(err.code, "policy.syntax") && err.line == 2 && err.column > 0 &&
                  err.path == NULL,
              detail);
    }
    recobro_error_free(&err);
    check("error_free resets to success", err.ok == 1 && err.code == NULL && err.message == NULL &&
                                              err.line == 0 && err.column == 0, NULL);

    p = recobro_policy_new("fn segment(c) {\n    no_such_function(c)\n}\n", NULL, &err);
    check("policy with an unknown function compiles", p != NULL, err.message);
    char *out = recobro_evaluate(p, case_named("preventive"), AS_OF, &err);
    check("policy.runtime with its line", out == NULL && streq(err.code, "policy.runtime") && err.line == 2,
          err.message);
    recobro_string_free(out);
    recobro_error_free(&err);
    recobro_policy_free(p);

    p = recobro_policy_new("fn segment(c) { let n = 0; loop { n += 1; } }",
                           "{\"limits\": {\"max_operations\": 5000}}", &err);
    out = recobro_evaluate(p, case_named("preventive"), AS_OF, &err);
    expect_error("limit.operations", out, &err, "limit.operations", NULL);
    recobro_error_free(&err);
    recobro_policy_free(p);

    p = recobro_policy_new("import \"house/nope\" as n;\nfn segment(c) { \"x\" }", NULL, &err);
    check("policy.module with position", p == NULL && streq(err.code, "policy.module") && err.line == 1,
          err.message);
    recobro_error_free(&err);

    p = recobro_policy_new("import \"house/bands\" as b;\nfn segment(c) { b::band(c) }",
                           "{\"modules\": {\"house/bands\": \"fn band(c) { if c.days_past_due > 30 "
                           "{ \\\"late\\\" } else { \\\"early\\\" } }\"}}",
                           &err);
    out = recobro_evaluate(p, case_named("legal"), AS_OF, &err);
    check("host modules", has(out, "\"segment\":\"late\""), err.message);
    recobro_string_free(out);
    recobro_error_free(&err);
    recobro_policy_free(p);

    /* Scores: the default policy's decision carries the behavioural score (worked by
     * hand from rules/scorecards/behavioural.json: 15 days past due, no promise, no
     * payment, risk_score 300: 230 + 90 + 80 + 0 + 10 + 180 = 590, band low, reason codes
     * by shortfall recent_payment 70, promises_kept 50, days_past_due 10). */
    {
        const char *scored_case =
            "{\"id\": \"S-1\", \"debtor\": {\"id\": \"D-1\", \"kind\": \"consumer\", "
            "\"jurisdiction\": \"CO\", \"timezone\": \"America/Bogota\"}, \"debts\": [{\"id\": \"L-1\", "
            "\"currency\": \"COP\", \"original_amount\": \"1000000\", \"outstanding\": \"800000\", "
            "\"issued_on\": \"2025-06-01\", \"due_on\": \"2026-03-01\"}], "
            "\"attributes\": {\"risk_score\": 300}}";
        out = recobro_evaluate(policy, scored_case, AS_OF, &err);
        check("a decision carries the behavioural score",
              has(out, "\"scores\":[{\"scorecard\":\"behavioural\",\"version\":\"1.0.0\","
                       "\"score\":590,\"band\":\"low\",") &&
                  has(out, "\"event\":\"pays within 30 days\",\"reasons\":["
                           "{\"characteristic\":\"recent_payment\",\"reason\":\"No recent payment\","
                           "\"points\":10,\"best\":80},"
                           "{\"characteristic\":\"promises_kept\",\"reason\":\"Few kept payment promises\","
                           "\"points\":0,\"best\":50},"
                           "{\"characteristic\":\"days_past_due\",\"reason\":"
                           "\"Days past due on the oldest overdue debt\",\"points\":90,\"best\":100}]}]"),
              out ? out : err.message);
        recobro_string_free(out);
        recobro_error_free(&err);
        int scored = 0;
        for (int i = 0; i < n_cases; i++) scored += has(expected[i], "\"scores\":[{\"scorecard\":\"behavioural\"");
        check("the CLI's decisions of the sample cases carry the score (compared byte for byte above)",
              scored >= n_cases / 2, NULL);

        /* A host scorecard in the options: 5 points below 10 days past due, 0 from 10
         * on; band a from 3, else b. The second bin is on line 8 of the card. */
        const char *house_options =
            "{\"scorecards\": {\"house\": \"{\\n"
            "  \\\"name\\\": \\\"house\\\",\\n"
            "  \\\"version\\\": \\\"7\\\",\\n"
            "  \\\"characteristics\\\": [\\n"
            "    {\\\"id\\\": \\\"dpd\\\", \\\"fact\\\": \\\"days_past_due\\\", \\\"reason\\\": \\\"DPD\\\",\\n"
            "     \\\"bins\\\": [\\n"
            "       {\\\"to\\\": 10, \\\"points\\\": 5},\\n"
            "       {\\\"from\\\": 10, \\\"points\\\": 0}\\n"
            "     ]}\\n"
            "  ],\\n"
            "  \\\"bands\\\": [{\\\"name\\\": \\\"a\\\", \\\"min\\\": 3}, {\\\"name\\\": \\\"b\\\"}]\\n"
            "}\"}}";
        const char *scoring = "fn segment(c) { c.score(\"house\").band }";
        p = recobro_policy_new(scoring, house_options, &err);
        check("a host scorecard in the options compiles", p != NULL, err.message);
        out = recobro_evaluate(p, scored_case, AS_OF, &err);
        check("the host scorecard is scored (15 DPD: 0 points, band b)",
              has(out, "\"segment\":\"b\"") &&
                  has(out, "\"scores\":[{\"scorecard\":\"house\",\"version\":\"7\",\"score\":0,"
                           "\"band\":\"b\",\"reasons\":[{\"characteristic\":\"dpd\",\"reason\":\"DPD\","
                           "\"points\":0,\"best\":5}]}]"),
              out ? out : err.message);
        recobro_string_free(out);
        recobro_error_free(&err);
        recobro_policy_free(p);

        char *gap = replace(house_options, "{\\\"from\\\": 10, \\\"points\\\": 0}",
                            "{\\\"from\\\": 12, \\\"points\\\": 0}");
        check("the gap is in the card", gap && strcmp(gap, house_options) != 0, gap);
        p = recobro_policy_new(scoring, gap, &err);
        {
            char detail[1024];
            snprintf(detail, sizeof detail, "(code=%s line=%d module=%s message=%s)",
                     err.code ? err.code : "NULL", err.line, err.module ? err.module : "NULL",
                     err.message ? err.message : "NULL");
            check("a scorecard with a gap between bins: policy.contract at the bin's line",
                  p == NULL && streq(err.code, "policy.contract") && err.line == 8 && err.column > 0 &&
                      streq(err.module, "scorecards/house") && has(err.message, "fall in no bin"),
                  detail);
        }
        recobro_policy_free(p);
        recobro_error_free(&err);
        free(gap);
    }

    p = recobro_policy_new("fn segment(c) { \"x\" }", "{\"limits\": {\"max_operation\": 5}}", &err);
    check("bad options name their path",
          p == NULL && streq(err.code, "input.invalid") && streq(err.path, "options.limits.max_operation"),
          err.path);
    recobro_error_free(&err);

    char *bad_date = replace(case_named("preventive"), "\"due_on\": \"2026-03-18\"",
                             "\"due_on\": \"18/03/2026\"");
    out = recobro_evaluate(policy, bad_date, AS_OF, &err);
    expect_error("input.invalid with its path", out, &err, "input.invalid", "debts[0].due_on");
    recobro_error_free(&err);
    free(bad_date);

    out = recobro_evaluate(policy, "{\"id\": ", AS_OF, &err);
    expect_error("input.json", out, &err, "input.json", NULL);
    recobro_error_free(&err);

    out = recobro_evaluate(policy, case_named("preventive"), "2026-03-16 15:00", &err);
    expect_error("bad clock names as_of", out, &err, "input.invalid", "as_of");
    recobro_error_free(&err);

    const char invalid_utf8[] = {'{', '"', 'i', 'd', '"', ':', ' ', '"', (char)0xC3, (char)0x28, '"', '}', 0};
    out = recobro_evaluate(policy, invalid_utf8, AS_OF, &err);
    expect_error("invalid UTF-8 in case_json: input.json at case", out, &err, "input.json", "case");
    check("invalid UTF-8: the message says so", has(err.message, "not UTF-8"), err.message);
    recobro_error_free(&err);
    /* Policy source is no JSON: its bytes that are not UTF-8 are input.invalid. */
    p = recobro_policy_new(invalid_utf8, NULL, &err);
    expect_policy_error("invalid UTF-8 in source", p, &err, "input.invalid", "source");
    recobro_error_free(&err);

    out = recobro_evaluate(NULL, case_named("preventive"), AS_OF, &err);
    expect_error("NULL policy", out, &err, "input.invalid", "policy");
    recobro_error_free(&err);
    out = recobro_evaluate(policy, NULL, AS_OF, &err);
    expect_error("NULL case_json names case", out, &err, "input.invalid", "case");
    recobro_error_free(&err);
    out = recobro_evaluate(policy, case_named("preventive"), NULL, &err);
    expect_error("NULL as_of", out, &err, "input.invalid", "as_of");
    recobro_error_free(&err);
    p = recobro_policy_new(NULL, NULL, &err);
    expect_policy_error("NULL source", p, &err, "input.invalid", "source");
    recobro_error_free(&err);
    out = recobro_simulate(NULL, &err);
    expect_error("NULL request_json names request", out, &err, "input.invalid", "request");
    recobro_error_free(&err);
    out = recobro_evaluate(policy, NULL, AS_OF, NULL);
    check("NULL err is allowed", out == NULL, NULL);
    recobro_policy_free(NULL);
    recobro_string_free(NULL);
    recobro_error_free(NULL);
    check("freeing NULL is a no-op", 1, NULL);

    /* 4. check_contact. */
    printf("check_contact\n");
    out = recobro_check_contact(policy, case_named("preventive"), "call", "2026-03-14T20:30:00Z", NULL, &err);
    check("blocked with next_allowed_at",
          has(out, "\"allowed\":false") && has(out, "\"blocked_by\":[\"co.ley2300.hours\"]") &&
              has(out, "\"next_allowed_at\":\"2026-03-16T12:00:00Z\""),
          out ? out : err.message);
    recobro_string_free(out);
    out = recobro_check_contact(policy, case_named("preventive"), "call", AS_OF, "L-1", &err);
    check("allowed on Monday 10:00 Bogota", has(out, "\"allowed\":true") && has(out, "\"next_allowed_at\":null"),
          out ? out : err.message);
    recobro_string_free(out);
    out = recobro_check_contact(policy, case_named("preventive"), "pigeon", AS_OF, NULL, &err);
    expect_error("unknown channel", out, &err, "input.invalid", "channel");
    recobro_error_free(&err);

    /* 5. check_plan. */
    out = recobro_check_plan(policy, case_named("extrajudicial"), AS_OF,
                             "{\"down_payment\": \"0\", \"installments\": 200, \"frequency\": \"monthly\", "
                             "\"first_due_on\": \"2026-04-01\"}",
                             &err);
    check("check_plan names broken bounds", has(out, "\"accepted\":false") && has(out, "\"schedule\""),
          out ? out : err.message);
    recobro_string_free(out);
    recobro_error_free(&err);

    /* 6. Simulation. */
    printf("simulate\n");
    out = recobro_simulate("{\"generate\": 20, \"days\": 10, \"seed\": 3}", &err);
    check("what-if over a generated portfolio", has(out, "\"role\":\"champion\"") && has(out, "\"cases\":20"),
          out ? "" : err.message);
    recobro_string_free(out);
    out = recobro_simulate("{\"policies\": [{}, {\"embedded\": \"consumer/policy\"}], \"generate\": 10, "
                           "\"days\": 5, \"shares\": [60, 30]}",
                           &err);
    expect_error("shares must add up to 100", out, &err, "input.invalid", "request.split.shares");
    recobro_error_free(&err);
    out = recobro_simulate("{\"days\": \"many\"}", &err);
    expect_error("bad request field names its path under request", out, &err, "input.invalid", "request.days");
    recobro_error_free(&err);
    out = recobro_simulate("{\"generate\": 20, \"days\": 5, \"replications\": 3}", &err);
    check("replications give intervals", has(out, "\"uncertainty\":{\"replications\":3"), out ? "" : err.message);
    recobro_string_free(out);
    out = recobro_simulate("{\"replications\": 0}", &err);
    expect_error("replications are bounded", out, &err, "input.invalid", "request.replications");
    recobro_error_free(&err);

    /* 6b. Live experiments. sd 150, detect 25: (1.959964 + 0.841621)^2 * 2 * 150^2 / 25^2
     * = 565.1 -> 566 per arm (Chow, Shao & Wang 3.2.1). */
    printf("experiments\n");
    out = recobro_experiment_plan("{\"baseline\": \"120\", \"sd\": \"150\", \"minimum_effect\": \"25\"}", &err);
    check("plan: 566 per arm", has(out, "\"cases_per_arm\":[566,566]"), out ? out : err.message);
    recobro_string_free(out);
    out = recobro_experiment_plan("{\"baseline\": \"120\", \"minimum_effect\": \"25\"}", &err);
    expect_error("a plan of amounts needs sd", out, &err, "input.invalid", "plan.sd");
    recobro_error_free(&err);
    out = recobro_experiment("{\"experiment\": \"e\", \"shares\": [50, 50], \"test\": {\"kind\": \"sequential\", "
                             "\"minimum_effect\": \"10\"}, \"outcomes\": [{\"case_id\": \"A\", \"collected\": \"5\"}, "
                             "{\"case_id\": \"A\", \"collected\": \"5\"}]}",
                             &err);
    expect_error("a case once", out, &err, "input.invalid", "experiment.outcomes[1].case_id");
    recobro_error_free(&err);
    out = recobro_experiment("{\"experiment\": \"e\", \"shares\": [50, 50], \"test\": {\"kind\": \"sequential\", "
                             "\"minimum_effect\": \"10\"}, \"outcomes\": [{\"case_id\": \"A\", \"collected\": \"5\"}]}",
                             &err);
    check("a running sequential test", has(out, "\"status\":\"running\"") && has(out, "\"verdict\":null"),
          out ? out : err.message);
    recobro_string_free(out);

    /* Work queues: with no call capacity, the administrative case (call, then SMS, then
     * email, all allowed at AS_OF) is rerouted to its SMS (core/tests/queue.rs works the
     * rules by hand). */
    printf("work queue\n");
    {
        const char *adm = case_named("administrative");
        size_t n = strlen(adm) + 3;
        char *batch = malloc(n);
        snprintf(batch, n, "[%s]", adm);
        out = recobro_queue(policy, batch, AS_OF, "{\"call\": 0}", &err);
        check("queue: rerouted to the SMS", has(out, "\"status\":\"rerouted\"") && has(out, "\"channel\":\"sms\"") &&
              has(out, "call capacity (0) reached: next lawful candidate 1 (sms)"), out ? out : err.message);
        recobro_string_free(out);
        out = recobro_queue(policy, batch, AS_OF, "{}", &err);
        check("queue: scheduled without a limit", has(out, "\"status\":\"scheduled\"") && has(out, "\"rank\":1"),
              out ? out : err.message);
        recobro_string_free(out);
        out = recobro_queue(policy, batch, AS_OF, "{\"fax\": 3}", &err);
        expect_error("queue: an unknown channel", out, &err, "input.invalid", "capacity.fax");
        recobro_error_free(&err);
        free(batch);
    }

    /* 7. No panic crosses the boundary: the engine panics on the case id FAULT_CASE_ID
     * (the fault-injection build); every call fails with `internal`, and only that call. */
    printf("fault injection\n");
    {
        const char *good = case_named("preventive");
        const char *good_want = NULL;
        for (int i = 0; i < n_cases; i++)
            if (strcmp(names[i], "preventive") == 0) good_want = expected[i];
        char *poison = replace(good, "\"id\": \"C-PRE\"", "\"id\": \"" FAULT_CASE_ID "\"");
        check("the poisoned case carries the fault id", has(poison, "\"" FAULT_CASE_ID "\""), NULL);

        out = recobro_evaluate(policy, poison, AS_OF, &err);
        expect_error("evaluate: the injected panic is an internal error", out, &err, "internal", NULL);
        check("evaluate: the message names the injected fault", has(err.message, "injected fault"),
              err.message);
        recobro_error_free(&err);
        out = recobro_evaluate_traced(policy, poison, AS_OF, &err);
        expect_error("evaluate_traced: internal", out, &err, "internal", NULL);
        recobro_error_free(&err);
        out = recobro_check_plan(policy, poison, AS_OF,
                                 "{\"down_payment\": \"0\", \"installments\": 3, \"frequency\": "
                                 "\"monthly\", \"first_due_on\": \"2026-04-01\"}",
                                 &err);
        expect_error("check_plan: internal", out, &err, "internal", NULL);
        recobro_error_free(&err);
        {
            size_t len = strlen(poison) + 64;
            char *request = malloc(len);
            snprintf(request, len, "{\"cases\": [%s], \"days\": 2}", poison);
            out = recobro_simulate(request, &err);
            expect_error("simulate: internal", out, &err, "internal", NULL);
            recobro_error_free(&err);
            free(request);
        }

        out = recobro_evaluate(policy, good, AS_OF, &err);
        check("the same policy decides the sample case afterwards",
              out && err.ok == 1 && good_want && strcmp(out, good_want) == 0, out ? out : err.message);
        recobro_string_free(out);
        recobro_error_free(&err);

        /* A batch: the poisoned case at index 1 among every sample case. Its row is an
         * `internal` error; every other row is the decision, in order. */
        size_t total = strlen(poison) + 16, wlen = 64;
        for (int i = 0; i < n_cases; i++) {
            total += strlen(cases[i]) + 1;
            wlen += expected[i] ? strlen(expected[i]) + 1 : 1;
        }
        char *array = malloc(total), *head = malloc(wlen), *tail = malloc(wlen);
        strcpy(array, "[");
        snprintf(head, wlen, "[%s,{\"index\":1,\"error\":{\"code\":\"internal\",",
                 n_cases > 0 && expected[0] ? expected[0] : "");
        strcpy(tail, "}}");
        for (int i = 0; i < n_cases; i++) {
            strcat(array, cases[i]);
            strcat(array, ",");
            if (i == 0) {
                strcat(array, poison);
                strcat(array, ",");
            } else {
                strcat(tail, ",");
                strcat(tail, expected[i] ? expected[i] : "");
            }
        }
        array[strlen(array) - 1] = ']';
        strcat(tail, "]");
        out = recobro_evaluate_many(policy, array, AS_OF, &err);
        size_t n = out ? strlen(out) : 0, nh = strlen(head), nt = strlen(tail);
        check("evaluate_many: the call itself succeeds", out != NULL && err.ok == 1, err.message);
        check("evaluate_many: the poisoned row is an internal error naming the fault",
              n >= nh + nt && strncmp(out, head, nh) == 0 && has(out, "injected fault"), out);
        check("evaluate_many: every other case decides, in order",
              n >= nh + nt && strcmp(out + n - nt, tail) == 0, out);
        recobro_string_free(out);
        recobro_error_free(&err);
        free(array);
        free(head);
        free(tail);
        free(poison);
    }

    /* 8. Threads: one policy, several threads at once, the same bytes. */
    printf("threads\n");
    shared_policy = policy;
    pthread_t th[4];
    long mismatches = 0;
    for (long t = 0; t < 4; t++) pthread_create(&th[t], NULL, worker, (void *)t);
    for (int t = 0; t < 4; t++) {
        void *r;
        pthread_join(th[t], &r);
        mismatches += (long)r;
    }
    char detail[64];
    snprintf(detail, sizeof detail, "%ld mismatches", mismatches);
    check("4 threads x 3 rounds share one policy, same bytes", mismatches == 0, detail);

    /* 9. Per-call time of one evaluation (JSON in, JSON out). */
    if (timing_n > 0) {
        printf("timing\n");
        const char *c = case_named("administrative");
        for (long i = 0; i < timing_n / 5; i++) recobro_string_free(recobro_evaluate(policy, c, AS_OF, NULL));
        double t0 = now_ns();
        for (long i = 0; i < timing_n; i++) recobro_string_free(recobro_evaluate(policy, c, AS_OF, NULL));
        printf("  timing: c recobro_evaluate (json in, json out): %.0f ns/call\n", (now_ns() - t0) / (double)timing_n);
        t0 = now_ns();
        for (long i = 0; i < timing_n; i++) recobro_string_free(recobro_policy_info(policy, NULL));
        printf("  timing: c recobro_policy_info (a near-empty call): %.0f ns/call\n", (now_ns() - t0) / (double)timing_n);
        size_t len = strlen(c);
        char *batch = malloc(100 * (len + 1) + 2);
        char *w = batch;
        *w++ = '[';
        for (int i = 0; i < 100; i++) {
            if (i) *w++ = ',';
            memcpy(w, c, len);
            w += len;
        }
        *w++ = ']';
        *w = '\0';
        long rounds = timing_n / 100 > 5 ? timing_n / 100 : 5;
        t0 = now_ns();
        for (long i = 0; i < rounds; i++) recobro_string_free(recobro_evaluate_many(policy, batch, AS_OF, NULL));
        printf("  timing: c recobro_evaluate_many, 100 cases: %.0f ns/call\n", (now_ns() - t0) / (double)rounds);
        free(batch);
    }

    recobro_policy_free(policy);
    for (int i = 0; i < n_cases; i++) {
        free(names[i]);
        free(cases[i]);
        free(expected[i]);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
