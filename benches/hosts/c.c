/* The C host of the cross-host performance record (see README.md).
 * Usage: bench-c CASES.ndjson [rounds] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "recobro.h"

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
    double t0 = now_ns();
    if (argc < 2) { fprintf(stderr, "usage: bench-c CASES.ndjson [rounds]\n"); return 2; }
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) { fclose(f); return 2; }
    fclose(f);
    text[size] = 0;
    size_t n = 0, cap = 1024;
    char **lines = malloc(cap * sizeof *lines);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (n == cap) lines = realloc(lines, (cap *= 2) * sizeof *lines);
        lines[n++] = line;
    }
    const char *as_of = "2026-03-16T15:00:00Z";
    recobro_error err = {0};
    recobro_policy *p = recobro_policy_default(&err);
    if (!p) { fprintf(stderr, "%s\n", err.message); return 1; }
    size_t bytes = 0, failed = 0;
    char *first = recobro_evaluate(p, lines[0], as_of, &err);
    if (!first) { fprintf(stderr, "%s\n", err.message); return 1; }
    bytes += strlen(first);
    recobro_string_free(first);
    double cold_ms = (now_ns() - t0) / 1e6;
    double best = 1e300;
    for (int r = 0; r < rounds; r++) {
        double t = now_ns();
        for (size_t i = 0; i < n; i++) {
            char *d = recobro_evaluate(p, lines[i], as_of, &err);
            if (!d) { failed++; recobro_error_free(&err); continue; }
            bytes += strlen(d);
            recobro_string_free(d);
        }
        double per = (now_ns() - t) / (double)n;
        if (per < best) best = per;
    }
    /* The batch: one JSON array of every case. */
    size_t total = 2;
    for (size_t i = 0; i < n; i++) total += strlen(lines[i]) + 1;
    char *array = malloc(total + 1), *w = array;
    *w++ = '[';
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(lines[i]);
        memcpy(w, lines[i], l);
        w += l;
        *w++ = i + 1 < n ? ',' : ']';
    }
    *w = 0;
    double t = now_ns();
    char *many = recobro_evaluate_many(p, array, as_of, &err);
    double batch = (double)n / ((now_ns() - t) / 1e9);
    if (!many) { fprintf(stderr, "%s\n", err.message); return 1; }
    recobro_string_free(many);
    free(array);
    recobro_policy_free(p);
    printf("{\"host\":\"c\",\"cases\":%zu,\"ns_per_case\":%.0f,\"batch_cases_per_s\":%.0f,"
           "\"cold_start_ms\":%.1f,\"failed\":%zu,\"bytes\":%zu}\n",
           n, best, batch, cold_ms, failed, bytes);
    free(lines);
    free(text);
    return 0;
}
