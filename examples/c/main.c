/*
 * A C host of the Recobro engine: decide a case, then ask whether a call is allowed.
 *
 *   cargo build -p recobro-c && make -C examples/c     (links target/debug/librecobro_c.a)
 *   target/c-example/recobro-example examples/data/cases/preventive.json [as_of]
 */
#include <stdio.h>
#include <stdlib.h>

#include "recobro.h"

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* Print an error the way the CLI does: code, where, message, help. */
static void print_error(const recobro_error *err) {
    fprintf(stderr, "%s: ", err->code);
    if (err->path && err->path[0]) fprintf(stderr, "%s: ", err->path);
    fprintf(stderr, "%s", err->message);
    if (err->line) fprintf(stderr, " (line %d, column %d)", err->line, err->column);
    fprintf(stderr, "\n");
    if (err->help) fprintf(stderr, "  help: %s\n", err->help);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s CASE.json [AS_OF]\n", argv[0]);
        return 2;
    }
    const char *as_of = argc > 2 ? argv[2] : "2026-03-16T15:00:00Z";
    char *case_json = read_file(argv[1]);
    if (!case_json) {
        perror(argv[1]);
        return 2;
    }

    int status = 0;
    recobro_error err = RECOBRO_ERROR_INIT;
    /* Compile once; the policy may then be shared by every thread of the host. */
    recobro_policy *policy = recobro_policy_default(&err);
    if (!policy) {
        print_error(&err);
        recobro_error_free(&err);
        free(case_json);
        return 1;
    }

    char *decision = recobro_evaluate(policy, case_json, as_of, &err);
    if (decision) {
        printf("%s\n", decision); /* the canonical decision JSON */
        recobro_string_free(decision);
    } else {
        print_error(&err);
        recobro_error_free(&err);
        status = 1;
    }

    char *check = recobro_check_contact(policy, case_json, "call", as_of, NULL, &err);
    if (check) {
        printf("%s\n", check); /* allowed, blocked_by, next_allowed_at, rules */
        recobro_string_free(check);
    } else {
        print_error(&err);
        recobro_error_free(&err);
        status = 1;
    }

    recobro_policy_free(policy);
    free(case_json);
    return status;
}
