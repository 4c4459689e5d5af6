// SPDX-License-Identifier: BSD-2-Clause
/*
 * The sweep options of ibpong-mpi.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sweep.h"

enum {
	OPT_PAIRS = 0x2000,
	OPT_TRANSPORT,
	OPT_PER_NODE,
	OPT_CONCURRENCY,
	OPT_NODE_ID,
	OPT_MATRIX_SIZES,
	OPT_MATRIX_DIR,
	OPT_THRESHOLD,
	OPT_MAD_FLOOR,
	OPT_OUTLIER_SIZE,
	OPT_PRINT_SCHEDULE,
	OPT_SIMULATE,
	OPT_DELAY,
	OPT_HANG,
	OPT_KILL,
	OPT_RETEST_BUDGET,
	OPT_RESUME,
	OPT_ROUNDS,
	OPT_TIME_BUDGET,
	OPT_LINK_DELAY,
	OPT_SPIKES,
};

#define SWEEP_NODES_MAX	      (1 << 24)
#define SWEEP_RANK_MAX	      (1 << 24)
#define THRESHOLD_DEFAULT     5.0
#define MAD_FLOOR_DEFAULT     0.1
#define RETEST_BUDGET_DEFAULT 64
#define RETEST_BUDGET_MAX     4096

/* The sweep's options; all but --pairs need --pairs. */
const struct bench_opt mpi_sweep_opts_table[] = {
	{ "pairs", 0, "ring|all|neighbors",
	  "sweep these node pairs, a round's pairs at once", OPT_PAIRS },
	{ "transport", 0, "NAME",
	  "the engine that measures: mpi (default) or one\n"
	  "listed below with its options (MPI launches it)",
	  OPT_TRANSPORT },
	{ "per-node", 0, "N", "ranks per node that take part (default 1)",
	  OPT_PER_NODE },
	{ "concurrency", 0, "K",
	  "at most K pairs at once (default: all of a round)",
	  OPT_CONCURRENCY },
	{ "node-id-from", 0, "env:VAR",
	  "node identity from a variable, not the host name", OPT_NODE_ID },
	{ "matrix-sizes", 0, "LIST",
	  "sizes of the matrix CSVs (default: 0, 8, 4K, 1M if run)",
	  OPT_MATRIX_SIZES },
	{ "matrix-dir", 0, "DIR",
	  "write latency-SIZE.csv and bandwidth-SIZE.csv there",
	  OPT_MATRIX_DIR },
	{ "outlier-size", 0, "SIZE",
	  "size judged for suspects (default: the smallest)",
	  OPT_OUTLIER_SIZE },
	{ "outlier-threshold", 0, "X", "flag robust scores above X (default 5)",
	  OPT_THRESHOLD },
	{ "outlier-mad-floor", 0, "F", "MAD at least F x median (default 0.1)",
	  OPT_MAD_FLOOR },
	{ "resume", 0, "FILE", "continue the interrupted sweep of --json FILE",
	  OPT_RESUME },
	{ "rounds", 0, "A:B", "run rounds A to B of the schedule only (from 0)",
	  OPT_ROUNDS },
	{ "time-budget", 0, "SEC", "start no round after SEC seconds",
	  OPT_TIME_BUDGET },
	{ "print-schedule", 0, NULL,
	  "print the rounds, measure nothing (also --dry-run)",
	  OPT_PRINT_SCHEDULE },
	{ "dry-run", 0, NULL, NULL, OPT_PRINT_SCHEDULE },
	{ "simulate-nodes", 0, "N", "with --print-schedule: for N nodes",
	  OPT_SIMULATE },
	BENCH_OPT_END,
};

const struct bench_opt mpi_sweep_hooks_table[] = {
	{ "inject-delay", 0, "RANK:USEC", "busy-wait per message on RANK",
	  OPT_DELAY },
	{ "inject-link-delay", 0, "A:B:USEC",
	  "busy-wait per message on A when paired with B", OPT_LINK_DELAY },
	{ "inject-spikes", 0, "RANK:EVERY:USEC",
	  "busy-wait before every EVERYth message", OPT_SPIKES },
	{ "inject-hang", 0, "RANK:ROUND", "RANK stops answering at ROUND",
	  OPT_HANG },
	{ "inject-kill", 0, "RANK:ROUND", "RANK kills itself at ROUND",
	  OPT_KILL },
	BENCH_OPT_END,
};

static const char *const pairs_names[] = {
	[MPI_PAIRS_NONE] = "none",
	[MPI_PAIRS_RING] = "ring",
	[MPI_PAIRS_ALL] = "all",
	[MPI_PAIRS_NEIGHBORS] = "neighbors",
};

const char *mpi_pairs_name(enum mpi_pairs p)
{
	return (unsigned)p < 4 ? pairs_names[p] : "?";
}

void mpi_sweep_opts_init(struct mpi_sweep_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->per_node = 1;
	so->outlier_threshold = THRESHOLD_DEFAULT;
	so->mad_floor = MAD_FLOOR_DEFAULT;
	so->delay_rank = -1;
	so->hang_rank = -1;
	so->link_rank_a = so->link_rank_b = -1;
	so->spike_rank = -1;
	so->retest_budget = RETEST_BUDGET_DEFAULT;
	so->round_last = -1;
	so->kill_rank = -1;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	return bench_parse_int(s, min, max, out);
}

/* A finite number >= min. */
static int parse_double(const char *s, double min, double *out)
{
	double v;

	if (bench_parse_double(s, &v) || v < min)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "RANK:N" */
static int parse_rank_num(const char *s, long max, int *rank, long *num)
{
	char buf[64], *colon;
	long r;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (parse_long(buf, 0, SWEEP_RANK_MAX, &r) ||
	    parse_long(colon + 1, 0, max, num))
		return -EINVAL;
	*rank = (int)r;
	return 0;
}

static int handle_pairs(struct mpi_sweep_opts *so, const char *arg)
{
	for (unsigned i = MPI_PAIRS_RING; i <= MPI_PAIRS_NEIGHBORS; i++)
		if (!strcmp(arg, pairs_names[i])) {
			so->pairs = (enum mpi_pairs)i;
			return 0;
		}
	return bench_opts_bad("pairs", arg, "ring, all or neighbors");
}

/* The options of the sweep's shape and analysis. */
static int handle_shape(struct mpi_sweep_opts *so, int opt, const char *arg)
{
	const char *why = NULL;
	long v;

	switch (opt) {
	case OPT_PER_NODE:
		if (parse_long(arg, 1, 4096, &v))
			return bench_opts_bad("per-node", arg,
					      "a count from 1 to 4096");
		so->per_node = (unsigned)v;
		return 0;
	case OPT_CONCURRENCY:
		if (parse_long(arg, 1, SWEEP_NODES_MAX, &v))
			return bench_opts_bad("concurrency", arg,
					      "a count from 1");
		so->concurrency = (unsigned)v;
		return 0;
	case OPT_NODE_ID:
		if (strncmp(arg, "env:", 4) || !arg[4])
			return bench_opts_bad("node-id-from", arg,
					      "env:VARIABLE");
		so->node_id_env = arg + 4;
		return 0;
	case OPT_MATRIX_SIZES:
		if (bench_sizes_parse(arg, &so->matrix_sizes, &why))
			return bench_opts_bad("matrix-sizes", arg,
					      why ? why : "sizes");
		so->matrix_sizes_set = true;
		return 0;
	case OPT_OUTLIER_SIZE:
		if (bench_size_parse(arg, &so->outlier_size))
			return bench_opts_bad("outlier-size", arg,
					      "a size (K, M, G)");
		so->outlier_size_set = true;
		return 0;
	case OPT_THRESHOLD:
		if (parse_double(arg, 0.1, &so->outlier_threshold))
			return bench_opts_bad("outlier-threshold", arg,
					      "a number >= 0.1");
		return 0;
	case OPT_MAD_FLOOR:
		if (parse_double(arg, 0, &so->mad_floor))
			return bench_opts_bad("outlier-mad-floor", arg,
					      "a fraction of the median >= 0");
		return 0;
	case OPT_SIMULATE:
		if (parse_long(arg, 1, SWEEP_NODES_MAX, &so->simulate_nodes))
			return bench_opts_bad("simulate-nodes", arg,
					      "a node count");
		return 0;
	}
	return 1;
}

/* --rounds A:B (inclusive), A: or A */
static int handle_rounds(struct mpi_sweep_opts *so, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char head[32];

	if ((colon ? (size_t)(colon - arg) : strlen(arg)) >= sizeof(head))
		goto bad;
	snprintf(head, sizeof(head), "%.*s",
		 (int)(colon ? (size_t)(colon - arg) : strlen(arg)), arg);
	if (parse_long(head, 0, LONG_MAX, &so->round_first))
		goto bad;
	so->round_last = so->round_first;
	if (colon && !colon[1])
		so->round_last = -1;
	else if (colon && parse_long(colon + 1, 0, LONG_MAX, &so->round_last))
		goto bad;
	if (so->round_last >= 0 && so->round_last < so->round_first)
		goto bad;
	return 0;
bad:
	return bench_opts_bad("rounds", arg,
			      "A:B, A: or A (round numbers from 0, A <= B)");
}

/* "RANK:N:M" of --inject-link-delay and --inject-spikes. */
static int handle_two(struct mpi_sweep_opts *so, int opt, const char *arg)
{
	const char *rest = strchr(arg, ':');
	char head[32];
	long n, m;
	int r, r2;

	if (!rest || (size_t)(rest - arg) >= sizeof(head))
		goto bad;
	snprintf(head, sizeof(head), "%.*s", (int)(rest - arg), arg);
	if (parse_long(head, 0, SWEEP_RANK_MAX, &n) ||
	    parse_rank_num(rest + 1, 10000000, &r2, &m))
		goto bad;
	r = (int)n;
	if (opt == OPT_LINK_DELAY) {
		if (r == r2)
			goto bad;
		so->link_rank_a = r;
		so->link_rank_b = r2;
		so->link_us = (uint64_t)m;
	} else {
		if (r2 < 1)
			goto bad;
		so->spike_rank = r;
		so->spike_every = (uint64_t)r2;
		so->spike_us = (uint64_t)m;
	}
	return 0;
bad:
	return opt == OPT_LINK_DELAY
		       ? bench_opts_bad("inject-link-delay", arg,
					"RANK_A:RANK_B:USEC, two ranks")
		       : bench_opts_bad("inject-spikes", arg,
					"RANK:EVERY:USEC, EVERY >= 1");
}

/* Testing hooks. */
static int handle_other(struct mpi_sweep_opts *so, int opt, const char *arg)
{
	long v;

	switch (opt) {
	case OPT_DELAY:
		if (parse_rank_num(arg, 10000000, &so->delay_rank, &v))
			return bench_opts_bad("inject-delay", arg, "RANK:USEC");
		so->delay_us = (uint64_t)v;
		return 0;
	case OPT_LINK_DELAY:
	case OPT_SPIKES:
		return handle_two(so, opt, arg);
	case OPT_RESUME:
		so->resume = arg;
		return 0;
	case OPT_ROUNDS:
		return handle_rounds(so, arg);
	case OPT_TIME_BUDGET:
		if (parse_double(arg, 0.001, &so->time_budget_s))
			return bench_opts_bad("time-budget", arg,
					      "seconds, more than 0");
		return 0;
	case OPT_RETEST_BUDGET:
		if (parse_long(arg, 0, RETEST_BUDGET_MAX, &v))
			return bench_opts_bad("retest-budget", arg,
					      "a pair count from 0 to 4096");
		so->retest_budget = (unsigned)v;
		return 0;
	case OPT_HANG:
		if (parse_rank_num(arg, LONG_MAX, &so->hang_rank,
				   &so->hang_round))
			return bench_opts_bad("inject-hang", arg, "RANK:ROUND");
		return 0;
	case OPT_KILL:
		if (parse_rank_num(arg, LONG_MAX, &so->kill_rank,
				   &so->kill_round))
			return bench_opts_bad("inject-kill", arg, "RANK:ROUND");
		return 0;
	}
	return 1;
}

/* The name of a sweep option, for the refusal without --pairs. */
static const char *opt_name(int opt)
{
	const struct bench_opt *t;

	for (t = mpi_sweep_opts_table; t->name; t++)
		if (t->id == opt)
			return t->name;
	for (t = mpi_sweep_hooks_table; t->name; t++)
		if (t->id == opt)
			return t->name;
	return "?";
}

int mpi_sweep_opts_handle(struct mpi_sweep_opts *so, int opt, const char *arg)
{
	int ret;

	if (opt != OPT_PAIRS && !so->sweep_only)
		so->sweep_only = opt_name(opt);
	switch (opt) {
	case OPT_PAIRS:
		return handle_pairs(so, arg);
	case OPT_TRANSPORT:
		/* the front end chose the engine by this name already */
		so->transport = arg;
		return 0;
	case OPT_MATRIX_DIR:
		so->matrix_dir = arg;
		return 0;
	case OPT_PRINT_SCHEDULE:
		so->print_schedule = true;
		return 0;
	}
	ret = handle_shape(so, opt, arg);
	return ret == 1 ? handle_other(so, opt, arg) : ret;
}

int mpi_sweep_opts_finish(struct mpi_sweep_opts *so, const struct bench_opts *o)
{
	/* --retest-budget is a shared option (it bounds --check too) */
	so->retest_budget = o->retest_budget;
	if (so->pairs == MPI_PAIRS_NONE && so->sweep_only) {
		bench_err("--%s is a sweep option: it needs --pairs "
			  "ring|all|neighbors",
			  so->sweep_only);
		return -EINVAL;
	}
	if (so->pairs == MPI_PAIRS_NONE &&
	    (so->delay_rank >= 0 || so->hang_rank >= 0 || so->kill_rank >= 0)) {
		bench_err("--inject-delay, --inject-hang and --inject-kill are "
			  "hooks of sweeps: they need --pairs "
			  "ring|all|neighbors");
		return -EINVAL;
	}
	if (so->resume && o->json_path && strcmp(so->resume, o->json_path)) {
		bench_err("--resume %s continues that sweep and writes it: "
			  "leave out --json, or give the same file",
			  so->resume);
		return -EINVAL;
	}
	if (so->simulate_nodes && !so->print_schedule) {
		bench_err("--simulate-nodes only goes with --print-schedule");
		return -EINVAL;
	}
	if (so->eng && strcmp(so->eng->name, "mpi") &&
	    (so->delay_rank >= 0 || so->link_rank_a >= 0 ||
	     so->spike_rank >= 0)) {
		bench_err("--inject-delay, --inject-link-delay and "
			  "--inject-spikes are hooks of the MPI engine: use "
			  "--transport mpi");
		return -EINVAL;
	}
	return 0;
}
