/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside the sweep (mpi/sweep*.c): the state every rank keeps and the
 * messages of a round.
 *
 * A round: every live rank runs its pair (or idles), then sends rank 0 a
 * report (struct sweep_report, followed by the leader's rows); rank 0
 * waits for them against a deadline, records rows and failures, writes
 * --json, and sends every live rank the verdict: which ranks are still in
 * the sweep. All of it point to point with polled requests, so that no
 * wait outlasts --timeout and no world collective involves a dead rank.
 */
#ifndef MPI_SWEEP_INT_H
#define MPI_SWEEP_INT_H

#include <mpi.h>

#include "clock.h"
#include "env.h"
#include "mpi_bench.h"
#include "sweep.h"

#define SWEEP_NODE_SLOT 128 /* bytes of a node identity */
#define SWEEP_TAG_COMM	7   /* MPI_Comm_create_group's tag */

enum sweep_tag_kind {
	SWEEP_TAG_HELLO,
	SWEEP_TAG_REPORT,
	SWEEP_TAG_VERDICT,
	SWEEP_TAG_PLAN,
	SWEEP_TAG_PROBE, /* rank 0 to a silent rank: does it progress? */
	SWEEP_TAG_NR,
};

/* Tags cycle over 4096 rounds; the MPI standard guarantees 32767. */
static inline int sweep_tag(long round, enum sweep_tag_kind kind)
{
	return 16 + (int)(round % 4096) * SWEEP_TAG_NR + (int)kind;
}

/* What a rank tells rank 0 after a round. */
struct sweep_report {
	int32_t status; /* SWEEP_OK, SWEEP_IDLE, or a negative errno */
	int32_t peer;	/* world rank of the partner; -1 idle */
	int32_t n_rows; /* struct bench_row that follow (leader) */
	int32_t pad;
	double elapsed_s;		/* the pair's run */
	struct bench_env_during during; /* this rank since the sweep began */
};

#define SWEEP_OK   0
#define SWEEP_IDLE 1

/* One pair to run (mpi/sweep_pair.c). */
struct sweep_pair {
	MPI_Comm ctl; /* the sweep's duplicate of MPI_COMM_WORLD */
	int me;	      /* world ranks */
	int peer;
	bool leader; /* rank 0 of the pair: holds and sends the rows */
	long round;
	double timeout_s;
	const struct bench_opts *o; /* no_output set */
	const struct mpi_sweep_opts *so;
	const struct bench_clock *clk;
};

/*
 * Run the pair; rows land in r on both ends. 0, -EHOSTDOWN when the
 * partner did not say hello within the timeout, or bench_run's error.
 */
int sweep_pair_run(const struct sweep_pair *sp, struct bench_result *r);

/*
 * The rows file beside --json (mpi/sweep_stream.c): JSON Lines, a header,
 * a line per measured pair with its rows, a line per finished round with
 * its failures; append-only, so that rank 0 keeps no rows and an
 * interrupted sweep keeps every round it finished.
 */
struct sweep_stream {
	FILE *f;	     /* rank 0: appending; NULL: no --json */
	char *path;	     /* the rows file */
	const char *json;    /* the summary, --json or --resume */
	unsigned char *done; /* schedule round -> done; every rank */
	size_t pairs_mark;   /* failed_pairs already written */
	size_t ranks_mark;   /* failed_ranks already written */
	size_t held_mark;    /* held_ranks already written */
};

/* The sweep's state on every rank. */
struct sweep {
	const struct bench_opts *o;
	const struct mpi_sweep_opts *so;
	struct bench_bootstrap *bs;
	struct bench_clock clk;
	struct bench_env_usage env0; /* this rank's counters at the start */
	MPI_Comm ctl;
	int me;
	int world;
	char **hosts; /* world rank -> host name */
	char **nodes; /* world rank -> node identity */
	int *ep_rank; /* endpoint -> world rank */
	int n_ep;
	int my_ep; /* -1: this rank does not take part */
	struct mpi_sched sched;
	unsigned char *alive; /* world rank -> still in the sweep */
	double max_pair_s;    /* longest pair run seen */
	size_t n_sizes;	      /* rows of one pair at most */
	size_t lat_size;      /* the size of the latency figures */
	size_t bw_size;	      /* of the bandwidth figures; SIZE_MAX none */
	unsigned fig_metrics; /* judged: 1 << enum mpi_metric */
	int32_t *my_plan;     /* confirmation round -> partner endpoint */
	long n_retest;	      /* confirmation rounds */
	/* rank 0 */
	struct bench_result *r;
	json_t *failed_pairs;
	json_t *failed_ranks;
	json_t *held_ranks; /* alive, held in a transfer by a silent partner */
	/* world rank -> its last report's counters (seconds < 0: none) */
	struct bench_env_during *during;
	unsigned long n_done; /* pairs measured */
	unsigned long
		n_done_before; /* of which by the job --resume continues */
	double start_s;
	long rounds_done;	/* schedule rounds done (this job and before) */
	bool stop;		/* --time-budget spent: no more rounds */
	double max_round_s;	/* longest round seen */
	struct sweep_stream st; /* rows to disk, --resume */
	struct mpi_figs figs;	/* every pair's figures */
	struct mpi_model model; /* fitted after the sweep's rounds */
	struct mpi_plan plan;	/* the confirmation */
};

/*
 * Rank 0's side of round k (mpi/sweep_collect.c): mine and r are its own
 * report and rows. Returns 0 or a negative errno (not for failed pairs:
 * those are recorded).
 */
int sweep_round_collect(struct sweep *sw, long k,
			const struct sweep_report *mine,
			const struct bench_result *r, double round_start);

/* One round (schedule or confirmation) on this rank (mpi/sweep.c). */
int sweep_round_run(struct sweep *sw, long k);

/* mpi/sweep_retest.c: the confirmation rounds after the schedule's. */
/* The partner endpoint of e in round k (schedule, then confirmation). */
int sweep_partner(const struct sweep *sw, long k, int e);
/* The pairs of round k into out (room for sched.max_per_round or more). */
size_t sweep_round_pairs(const struct sweep *sw, long k, struct mpi_pair *out);
/* Most pairs in any round of either kind. */
size_t sweep_round_max(const struct sweep *sw);
/* Rank 0: the figures of a measured pair (schedule or confirmation). */
void sweep_record_fig(struct sweep *sw, long k, int ea, int eb,
		      const struct bench_row *rows, size_t n);
/* Fit, plan and run the confirmation; every rank. 0 or a negative errno. */
int sweep_confirm(struct sweep *sw, long first_round, long *done);
int sweep_endpoint_of(const struct sweep *sw, int rank);

/* mpi/sweep_stream.c */
/*
 * Every rank, after the setup: rank 0 creates the rows file (or, with
 * --resume, reads it back: figures, failures, rounds done) and every rank
 * learns which rounds are done. 0, -EINVAL (a bad or foreign --resume
 * file, after one line) or another negative errno.
 */
int sweep_stream_open(struct sweep *sw);
void sweep_stream_close(struct sweep *sw);
/* Rank 0: a measured pair's rows, and the end of a schedule round. */
int sweep_stream_pair(struct sweep *sw, long k, const struct mpi_pair *p,
		      const struct bench_row *rows, size_t n);
int sweep_stream_round(struct sweep *sw, long k);
/*
 * Rank 0, between rounds: run.incomplete ("in progress", the rounds done)
 * and the watchdog's snapshot of the sweep so far (without rows when they
 * are on disk: the guard's writer copies them in from the rows file).
 */
int sweep_stream_snapshot(struct sweep *sw);
/* Rank 0: the summary --json, the rows copied in from the rows file. */
int sweep_stream_summary(struct sweep *sw, bool final);

/* mpi/sweep_verdict.c: verdicts, NHC lines, the exit code (rank 0). */
int sweep_verdicts(struct sweep *sw, FILE *f, int *code);

/* mpi/sweep_out.c */
void sweep_view(const struct sweep *sw, struct mpi_sweep_view *v);
/* run.sweep, run.slurm, run.failed_*, --json on rank 0 (first: once) */
int sweep_describe(struct sweep *sw, bool first, bool final);
/* Record a failed pair (rank 0). */
int sweep_fail_pair(struct sweep *sw, long round, int a, int b,
		    const char *reason);
int sweep_fail_rank(struct sweep *sw, long round, int rank, const char *reason);
/*
 * Record a rank that left the sweep alive, held in its pair's transfer by
 * the silent rank by (rank 0): run.held_ranks, not a failure of its own.
 */
int sweep_hold_rank(struct sweep *sw, long round, int rank, int by,
		    const char *reason);
/* One line per measured pair on stdout (rank 0). */
void sweep_print_pair(const struct sweep *sw, long round,
		      const struct bench_row *rows, size_t n);
/* One line per confirmation pair (rank 0). */
void sweep_print_retest(const struct sweep *sw, long round,
			const struct bench_row *rows, size_t n);
/* The end: suspects, matrices, final --json; returns the exit code. */
int sweep_finish(struct sweep *sw, int failed);

#endif
