/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The options every benchmark command shares (sizes, iterations, warm-up,
 * labels, formats, --json, --validate), the declaration of an option
 * (struct bench_opt: what engines and commands list, bench/bench_main.h
 * parses) and the one parser of numbers, sizes and durations every
 * command uses.
 */
#ifndef BENCH_OPTIONS_H
#define BENCH_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "sizes.h"

struct bench_check;

#define BENCH_LABELS_MAX 32

struct bench_guard;

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
	bool precision_set; /* --precision given (else the default) */
	double max_time_per_size_s;
	bool max_time_per_size_set; /* given: one cap for every size (else
				     * 0.1 s below 64 KiB, run.c) */
	uint64_t max_iters;
	const char *samples_path; /* --samples FILE: every raw sample */
	/* --check: judge each row, retest the inconclusive (run.h); NULL
	 * without --check. The front end owns it. */
	const struct bench_check *check;
	const char *check_spec; /* --check PROFILE|RULES, or NULL */
	unsigned retest_budget; /* --retest-budget: pairs of a sweep or
				 * sizes of --check measured again */
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
	 * --progress: a line per size on stderr even when stderr is not a
	 * terminal (under mpirun it is a pipe); without it, progress shows
	 * only on a terminal. --quiet wins.
	 */
	bool progress;
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
	/*
	 * Rank 0 warns once when a rank is not pinned to CPUs (run.env,
	 * bench/env.h): set by ibpong-mpi, whose ranks a launcher places.
	 */
	bool warn_unpinned;
	/*
	 * Which environment entries ("NAME=VALUE") tune the engine's library,
	 * or NULL: every rank fingerprints them (run.env.ranks[].tuning_env)
	 * and rank 0 warns once when a rank's differ from its own.
	 */
	bool (*tuning_env)(const char *entry);
	/*
	 * The run guard of the process (guard.h), or NULL: the driver tells
	 * it each phase and, where it writes --json, each finished size.
	 */
	struct bench_guard *guard;
	int argc; /* the command line, for the metadata */
	char **argv;
};

/*
 * One command-line option as a table declares it (the shared options,
 * an engine's, a command's). Tables end with BENCH_OPT_END.
 */
struct bench_opt {
	const char *name; /* long name without "--"; NULL: a letter only */
	char letter;	  /* short option; 0: none */
	const char *arg;  /* the argument as --help shows it ("N");
			   * NULL: the option takes none */
	const char *help; /* --help text, '\n' between lines; NULL: an
			   * alias, accepted but not listed */
	int id;		  /* what the table's handler receives */
};

#define BENCH_OPT_END                                                          \
	{                                                                      \
		NULL, 0, NULL, NULL, 0                                         \
	}

/* The shared options as a table (ids for bench_opts_handle()). */
const struct bench_opt *bench_opts_table(void);
/*
 * The --help lines of a table: "  -d, --device NAME   text...", the
 * help text at column 25. letters: which short letters this table owns
 * in the command (indexed by letter; NULL: all of them).
 */
void bench_opt_usage(FILE *f, const struct bench_opt *t, const bool *letters);

/*
 * The default run is adaptive: 1 % relative half-width of the median's
 * 95 % interval, at most 0.25 s per size (README: why).
 */
#define BENCH_PRECISION_DEFAULT		0.01
#define BENCH_MAX_TIME_PER_SIZE_DEFAULT 0.25

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
/* bench_opts_handle() of the shared option of that long name. */
int bench_opts_handle_name(struct bench_opts *o, const char *name,
			   const char *arg);
/* Check the combination (e.g. --window with latency); -EINVAL on error. */
int bench_opts_finish(struct bench_opts *o);
/* The help text of the shared options, for a command's --help. */
void bench_opts_usage(FILE *f);

/*
 * The parser of every number on a command line, one set of rules: a
 * number starts with a digit (no sign, no blank, no "+"), ends at the end
 * of the string, and lies in its range. Sizes (K/M/G) are sizes.h's
 * bench_size_parse(), which follows the same rules.
 *
 * A whole decimal number in [min, max]: digits only. 0 or -EINVAL.
 */
int bench_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* The same into a long (0 <= min <= max). 0 or -EINVAL. */
int bench_parse_int(const char *s, long min, long max, long *out);
/*
 * A finite decimal number: a digit first (or "-" then a digit, or ".5"),
 * strtod's syntax after it but no hexadecimal, "inf" or "nan". 0 or
 * -EINVAL.
 */
int bench_parse_double(const char *s, double *out);
/* A number of seconds in (0, max] (bench_parse_double). 0 or -EINVAL. */
int bench_parse_seconds(const char *s, double max, double *out);
/*
 * Print "--OPT 'ARG': expected EXPECTED" (ARG may be NULL) as an error;
 * returns -EINVAL.
 */
int bench_opts_bad(const char *opt, const char *arg, const char *expected);

#endif
