/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report: importers turn IMB/OSU/perftest text into ibpong/1 results
 * (bench/result.h); every other sub-command reads results only.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>

#include "result.h"

/* A list of loaded results. */
struct report_set {
	struct bench_result *items;
	size_t count;
	size_t cap;
	char **paths; /* file each result came from (owned) */
};

void report_set_init(struct report_set *set);
void report_set_free(struct report_set *set);
/* Append r (moved: r is left empty) loaded from path. 0 or -ENOMEM. */
int report_set_add(struct report_set *set, struct bench_result *r,
		   const char *path);

/*
 * Load one file: ibpong/1 JSON, or the text output of IMB-MPI1, OSU or
 * perftest (detected from its content). One file may add several results
 * (an IMB run of several benchmarks). On error returns -EINVAL (bad input,
 * err names the file, the line and what was expected) or -errno for I/O.
 */
int report_load(const char *path, struct report_set *set, char *err,
		size_t err_len);
/*
 * Load every file of paths[0..n-1] into set with report_load(), logging
 * one line on failure. Returns 0 or the exit code to return: 2 for bad
 * input, 3 for a runtime failure (out of memory). (set.c)
 */
int report_load_paths(char *const *paths, int n, struct report_set *set);

/*
 * The reporter's numbers on a command line, by the suite's one rule
 * (bench/options.h: a digit first, nothing after). (number.c)
 * A non-negative number; -EINVAL otherwise.
 */
int report_parse_double(const char *s, double *out);
/* "5" or "5%" (percent) into a fraction; -EINVAL if not >= 0. */
int report_parse_percent(const char *s, double *frac);

/* Sub-commands: argv[0] is the sub-command name; return an exit code. */
int report_cmd_import(int argc, char **argv);
int report_cmd_check(int argc, char **argv);
int report_cmd_compare(int argc, char **argv);
int report_cmd_store(int argc, char **argv);
int report_cmd_history(int argc, char **argv);
int report_cmd_plot(int argc, char **argv);
int report_cmd_render(int argc, char **argv);
int report_cmd_export(int argc, char **argv);

#endif
