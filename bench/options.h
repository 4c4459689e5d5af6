/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The options every benchmark command shares (sizes, iterations, warm-up,
 * labels, formats, --json, --validate). A command builds its getopt_long
 * table from bench_opts_longopts() plus its own entries and hands each
 * option it does not know to bench_opts_handle().
 */
#ifndef BENCH_OPTIONS_H
#define BENCH_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "sizes.h"

#define BENCH_LABELS_MAX 32

enum bench_format {
	BENCH_FORMAT_TABLE, /* human table (default) */
	BENCH_FORMAT_IMB,   /* IMB-MPI1 PingPong column layout */
	BENCH_FORMAT_CSV,
};

struct bench_label {
	const char *key;
	const char *value;
};

struct bench_opts {
	struct bench_sizes sizes;
	bool sizes_set;		/* --sizes given (else the default list) */
	uint64_t iters;		/* 0: IMB-like schedule */
	uint64_t warmup;	/* untimed iterations per size */
	bool warmup_set;	/* --warmup given */
	double time_per_size_s; /* > 0: iteration count from a time budget */
	/*
	 * Adaptive iterations (doc/statistics.md): when precision > 0, each
	 * size is measured in batches until the median's 95 % interval has
	 * a relative half-width of at most precision (0.01 = 1 %), or
	 * max_time_per_size_s, or max_iters timed iterations, is spent.
	 */
	double precision;
	double max_time_per_size_s;
	uint64_t max_iters;
	const char *samples_path; /* --samples FILE: every raw sample */
	enum bench_test test;
	unsigned window; /* messages per bandwidth window */
	bool window_set; /* --window given */
	bool validate;
	enum bench_format format;
	const char *json_path; /* NULL: no JSON */
	struct bench_label labels[BENCH_LABELS_MAX];
	unsigned n_labels;
	double timeout_s; /* bound on every wait */
	bool quiet;	  /* no progress on stderr */
	/*
	 * Print the table and write --json on every rank, not only rank 0:
	 * set by two-process commands whose ends each have their own
	 * command line and terminal (verbs, cm); MPI leaves it false.
	 */
	bool print_all_ranks;
	/*
	 * No table, progress or --json from the run driver: set by callers
	 * that run it many times and report themselves (ibpong-mpi sweeps).
	 */
	bool no_output;
	int argc; /* the command line, for the metadata */
	char **argv;
};

/* Option ids start here so commands can use short letters freely. */
#define BENCH_OPT_BASE 0x1000

void bench_opts_init(struct bench_opts *o, int argc, char **argv);
/* Release what bench_opts_handle() allocated (the copies of labels). */
void bench_opts_free(struct bench_opts *o);
/* NULL-terminated getopt_long entries for the shared options. */
const struct option *bench_opts_longopts(void);
/* Number of entries (without the terminator). */
size_t bench_opts_longopts_count(void);
/*
 * Handle one option returned by getopt_long. Returns 0 if handled, 1 if
 * the option is not a shared one, or -EINVAL after printing one line
 * naming the option and what was expected.
 */
int bench_opts_handle(struct bench_opts *o, int opt, const char *arg);
/* Check the combination (e.g. --window with latency); -EINVAL on error. */
int bench_opts_finish(struct bench_opts *o);
/* The help text of the shared options, for a command's --help. */
void bench_opts_usage(FILE *f);

/*
 * Helpers for a command's own options. A whole decimal number in [min,
 * max]: digits only, no sign, no suffix. 0 or -EINVAL.
 */
int bench_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* A whole finite decimal number (strtod's syntax). 0 or -EINVAL. */
int bench_parse_double(const char *s, double *out);
/*
 * Print "--OPT 'ARG': expected EXPECTED" (ARG may be NULL) as an error;
 * returns -EINVAL.
 */
int bench_opts_bad(const char *opt, const char *arg, const char *expected);

#endif
