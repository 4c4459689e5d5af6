/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cluster sweeps of ibpong-mpi (doc/sweeps.md): every node pair of a
 * schedule (ring, all, neighbors) measured by the ordinary run driver
 * over a 2-rank communicator, pairs of a round at once, results gathered
 * on rank 0, slow nodes and links found with robust statistics.
 */
#ifndef MPI_SWEEP_H
#define MPI_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "bootstrap.h"
#include "engine.h"
#include "options.h"
#include "result.h"
#include "sizes.h"

enum mpi_pairs {
	MPI_PAIRS_NONE,	     /* no sweep: ranks 0 and 1 only */
	MPI_PAIRS_RING,	     /* (i, i+1 mod N) */
	MPI_PAIRS_ALL,	     /* every pair, round-robin tournament */
	MPI_PAIRS_NEIGHBORS, /* (i, i+1), even i then odd i */
};

/* The sweep options of ibpong-mpi (mpi/sweep_opts.c parses them). */
struct mpi_sweep_opts {
	enum mpi_pairs pairs;
	const char *transport; /* --transport NAME as given, or NULL */
	/* the engine that measures (the front end's choice) and its cfg */
	const struct bench_engine_desc *eng;
	const void *eng_cfg;
	const char *sweep_only;	 /* a sweep option given (refused without
				  * --pairs), or NULL */
	unsigned per_node;	 /* ranks of each node that take part */
	unsigned concurrency;	 /* pairs at once in a round; 0: no cap */
	const char *node_id_env; /* --node-id-from env:VAR; NULL: host */
	struct bench_sizes matrix_sizes; /* sizes of the matrix CSVs */
	bool matrix_sizes_set;
	const char *matrix_dir;	  /* NULL: no CSV */
	double outlier_threshold; /* flag a robust score above this */
	double mad_floor;	  /* MAD at least this fraction of the median */
	size_t outlier_size;	  /* message size judged for outliers */
	bool outlier_size_set;	  /* else the smallest size of the run */
	unsigned retest_budget;	  /* pairs the confirmation may measure */
	const char *resume;	  /* --resume FILE: the --json of a sweep */
	long round_first;	  /* --rounds A:B, inclusive; 0 */
	long round_last;	  /* -1: to the end */
	double time_budget_s;	  /* --time-budget: no round starts later;
				   * 0: none */
	bool print_schedule;	  /* --print-schedule: no measurement */
	long simulate_nodes;	  /* > 0: schedule for this many nodes */
	/* testing hooks (doc/sweeps.md): never in production runs */
	int delay_rank;	   /* --inject-delay RANK:USEC; -1: none */
	uint64_t delay_us; /* busy-wait per message on delay_rank */
	int link_rank_a;   /* --inject-link-delay A:B:USEC; -1: none */
	int link_rank_b;   /* A busy-waits per message when paired with B */
	uint64_t link_us;
	int spike_rank;	      /* --inject-spikes RANK:EVERY:USEC; -1: none */
	uint64_t spike_every; /* busy-wait before every EVERYth message */
	uint64_t spike_us;
	int hang_rank; /* --inject-hang RANK:ROUND; -1: none */
	long hang_round;
	int kill_rank; /* --inject-kill RANK:ROUND; -1: none */
	long kill_round;
};

void mpi_sweep_opts_init(struct mpi_sweep_opts *so);
/* The sweep options (struct bench_opt tables) and its testing hooks. */
extern const struct bench_opt mpi_sweep_opts_table[];
extern const struct bench_opt mpi_sweep_hooks_table[];
/*
 * Handle one option: 0 if handled, 1 if not a sweep option, -EINVAL after
 * one line naming the option.
 */
int mpi_sweep_opts_handle(struct mpi_sweep_opts *so, int opt, const char *arg);
/* Check the combination after parsing; -EINVAL after one line. */
int mpi_sweep_opts_finish(struct mpi_sweep_opts *so,
			  const struct bench_opts *o);
const char *mpi_pairs_name(enum mpi_pairs p);

/* One pair of endpoints (indices into the sweep's endpoint list). */
struct mpi_pair {
	int a;
	int b;
};

/*
 * A schedule: rounds of disjoint pairs. It is computed, never stored:
 * memory is O(N) whatever the number of pairs (a prefix of round counts
 * per base round), and any rank finds its partner in O(log N).
 *
 * all: the circle method. For N even, endpoint N-1 stays put and the
 * others turn: in base round r, (r, N-1) and ((r+i) mod (N-1), (r-i) mod
 * (N-1)) for i = 1..N/2-1, i.e. the partner of e is (2r - e) mod (N-1).
 * N-1 rounds cover the N(N-1)/2 pairs once each. For N odd a phantom
 * endpoint N makes it even; its partner sits the round out (a bye): N
 * rounds. ring: the edges (i, i+1 mod N), even i then odd i (then the
 * closing edge for odd N): 2 or 3 rounds. neighbors: (i, i+1), even i
 * then odd i: 2 rounds. A concurrency cap K splits each base round into
 * ceil(pairs / K) sub-rounds.
 */
struct mpi_sched {
	enum mpi_pairs mode;
	int n;		      /* endpoints */
	unsigned cap;	      /* pairs per round at most; 0: no cap */
	long n_base;	      /* rounds before the cap */
	long *sub_start;      /* n_base + 1 prefix sums of sub-rounds */
	long n_rounds;	      /* rounds after the cap */
	uint64_t n_pairs;     /* pairs of the whole schedule */
	size_t max_per_round; /* most pairs in one round */
};

int mpi_sched_init(struct mpi_sched *s, enum mpi_pairs mode, int n,
		   unsigned cap);
void mpi_sched_free(struct mpi_sched *s);
/* The partner of endpoint e in round k, or -1 (idle in that round). */
int mpi_sched_partner(const struct mpi_sched *s, long k, int e);
/* The pairs of round k (a < b) into out (room for max_per_round). */
size_t mpi_sched_round(const struct mpi_sched *s, long k, struct mpi_pair *out);

/*
 * Robust scores (mpi/outliers.c): m = median(x), MAD = median(|x - m|),
 * score_i = (x_i - m) / (1.4826 * max(MAD, floor * m)). 1.4826 makes
 * the MAD estimate the standard deviation of normal data; the floor keeps
 * a near-uniform cluster (MAD close to 0) from turning noise into huge
 * scores. NAN values are skipped and score NAN. Returns 0, -EINVAL
 * (fewer than 3 values) or -ENOMEM.
 */
int mpi_robust_scores(const double *x, size_t n, double floor, double *scores,
		      double *median, double *mad);

/* What the sweep knows about its endpoints, for naming and scoring. */
struct mpi_sweep_view {
	int n_ep;		  /* endpoints */
	const int *ep_rank;	  /* endpoint -> world rank */
	const char *const *hosts; /* world rank -> host name */
	const char *const *nodes; /* world rank -> node identity */
};

/* The figures of one pair (a retest's evidence). NAN: not measured. */
struct mpi_fig {
	float lat_us;	 /* median latency at the latency size */
	float mean_us;	 /* its mean: the tail's mass */
	float p99_us;	 /* its p99 */
	float max_us;	 /* its true max */
	float spread_us; /* batch disagreement: the batch means' standard
			  * deviation scaled to one sample */
	float bw_MBps;	 /* bandwidth at the bandwidth size, MB = 10^6 B */
	int8_t stable;	 /* the row's stability flag: 1, 0, -1 unknown */
};

/* The metrics the model fits, each as pair = mu + node_a + node_b + link. */
enum mpi_metric {
	MPI_METRIC_LAT,	   /* median latency: larger is worse */
	MPI_METRIC_TAIL,   /* mean - median: larger is worse */
	MPI_METRIC_SPREAD, /* batch disagreement (spread_us): larger is worse */
	MPI_METRIC_BW,	   /* time per byte, 1000 / bandwidth (ns/B) */
	MPI_METRIC_NR,
};

/*
 * What rank 0 keeps of every pair for the model (mpi/outliers.c): one
 * bfloat16 (2 B: a float's upper half, rounded to nearest, 8 significant
 * bits, within 0.4 %) per judged metric (metrics, a mask of 1 << enum
 * mpi_metric) and one bit, the latency row's stability flag, dense over
 * the n(n-1)/2 endpoint pairs. Nothing else: the rows stream to disk with
 * their full precision, p99 and max are evidence of the retests only.
 * In memory (mpi_figs_init), or in an unnamed file mapped from a
 * directory (mpi_figs_init_file: a sweep with --json keeps them beside
 * its rows file, so that rank 0's own memory is O(N); the kernel caches
 * the file's pages as memory allows and can write them back).
 */
struct mpi_figs {
	int n;			    /* endpoints */
	uint64_t n_pairs;	    /* n(n-1)/2 */
	unsigned metrics;	    /* judged: 1 << enum mpi_metric */
	uint16_t *m[MPI_METRIC_NR]; /* per judged metric, n_pairs slots,
				     * each a bfloat16's complement (0: not
				     * measured); else NULL */
	uint8_t *unstable;	    /* bit per pair: its row was unstable */
	unsigned char *base;	    /* the one block m and unstable are in */
	uint64_t bytes;		    /* its size */
	bool mapped;		    /* a file's mapping, not the heap */
};

/* The metrics judged with a latency size and with a bandwidth size. */
unsigned mpi_fig_metrics(bool latency, bool bandwidth);
/* Bytes per pair of a mpi_figs of these metrics (the bit included). */
double mpi_figs_pair_bytes(unsigned metrics);
/* Every figure NAN, in memory. Returns 0 or -ENOMEM. */
int mpi_figs_init(struct mpi_figs *f, int n, unsigned metrics);
/*
 * Every figure NAN, in an unnamed file of directory dir, its blocks
 * reserved (no SIGBUS on a full disk later) and mapped. Returns 0 or a
 * negative errno (the directory's filesystem, no space): nothing is held.
 */
int mpi_figs_init_file(struct mpi_figs *f, int n, unsigned metrics,
		       const char *dir);
/* Whether f holds figures (after an init, before the free). */
bool mpi_figs_ready(const struct mpi_figs *f);
void mpi_figs_free(struct mpi_figs *f);
/* The slot of pair (a, b), a != b, either order. */
uint64_t mpi_figs_slot(const struct mpi_figs *f, int a, int b);
/* Keep fig's judged metrics for pair (a, b). */
void mpi_figs_set(struct mpi_figs *f, int a, int b, const struct mpi_fig *fig);
/* Set one metric of pair (a, b) (x NAN: not measured). */
void mpi_figs_set_metric(struct mpi_figs *f, int a, int b, enum mpi_metric k,
			 double x);
/* A metric of pair (a, b); NAN when not measured or not judged. */
double mpi_figs_metric(const struct mpi_figs *f, int a, int b,
		       enum mpi_metric k);
/* Whether pair (a, b)'s row was flagged unstable. */
bool mpi_figs_unstable(const struct mpi_figs *f, int a, int b);
/* A figure from a pair's rows: latency at lat_size, bandwidth at bw_size. */
void mpi_fig_from_rows(const struct bench_row *rows, size_t n, size_t lat_size,
		       size_t bw_size, struct mpi_fig *out);

/* Reason codes of a verdict (doc/sweeps.md). */
enum mpi_reason {
	MPI_REASON_SLOW_NODE,
	MPI_REASON_SLOW_LINK,
	MPI_REASON_LOW_BANDWIDTH,
	MPI_REASON_UNSTABLE,
	MPI_REASON_UNREACHABLE,
	MPI_REASON_FAILED,
	MPI_REASON_NR,
};

const char *mpi_reason_name(enum mpi_reason r);

/* One metric's robust fit (median polish, doc/sweeps.md). */
struct mpi_fit {
	bool ok;	   /* enough pairs to fit */
	double mu;	   /* the typical pair's figure */
	double *node;	   /* n node terms */
	double node_mad;   /* MAD of the node terms */
	double node_scale; /* 1.4826 max(node_mad, floor mu) */
	double link_mad;   /* MAD of the residuals */
	double link_scale; /* 1.4826 max(link_mad, floor mu) */
	double median;	   /* median of the pairs' figures */
};

/* A suspect: a node (b = -1) or a link whose score is above threshold. */
struct mpi_suspect {
	enum mpi_reason reason;
	enum mpi_metric metric;
	int a, b;	 /* endpoints, a < b for a link */
	double score;	 /* term / scale, in the bad direction */
	double value;	 /* node: median of its pairs; link: the pair */
	double expected; /* what a good node or link would show */
	double term;	 /* node term or link residual */
};

struct mpi_model_cfg {
	double threshold; /* --outlier-threshold */
	double floor;	  /* --outlier-mad-floor */
};

struct mpi_model {
	struct mpi_fit fit[MPI_METRIC_NR];
	struct mpi_suspect *sus;
	size_t n_sus;
	int n; /* endpoints */
};

/*
 * Fit the three metrics of f and list the suspects, the strongest first.
 * Returns 0 or -ENOMEM; fewer than 3 endpoints with figures fit nothing.
 */
int mpi_model_fit(const struct mpi_figs *f, const struct mpi_model_cfg *cfg,
		  struct mpi_model *m);
void mpi_model_free(struct mpi_model *m);
/* A metric's figure of one pair (NAN when not measured). */
double mpi_fig_metric(const struct mpi_fig *f, enum mpi_metric k);
/* A metric's figure the way a person reads it: bandwidth in MB/s. */
double mpi_metric_show(enum mpi_metric k, double x);
/*
 * How bad pair (a, b)'s figure x is, in units of the scale, against the
 * fit: for a node suspect a (b its good partner) the node term it implies,
 * for a link the residual. Positive is the bad direction.
 */
double mpi_model_node_score(const struct mpi_model *m, enum mpi_metric k,
			    int partner, double x);
double mpi_model_link_score(const struct mpi_model *m, enum mpi_metric k, int a,
			    int b, double x);

/* A node (b = -1) or a link (a < b) that the confirmation retests. */
struct mpi_entity {
	int a;
	int b;
	double score; /* its strongest suspect's */
};

/* One pair of the confirmation. */
struct mpi_retest {
	int a, b;	    /* endpoints: a is the entity's node or link end */
	int entity;	    /* index into the plan's entities */
	bool control;	    /* a link's end with a good partner */
	long round;	    /* confirmation round, from 0 */
	bool measured;	    /* its rows came back */
	struct mpi_fig fig; /* what they showed */
};

/*
 * The confirmation plan (mpi/schedule.c): every node suspect is measured
 * again with MPI_RETEST_PARTNERS good partners, every link suspect
 * MPI_RETEST_LINK times itself plus once each of its ends with a good
 * partner (the controls, planned between its retests), the strongest
 * first, while the budget of pairs lasts. Pairs of
 * a round are disjoint, at most cap (0: any) per round.
 */
struct mpi_plan {
	struct mpi_entity *ent;
	size_t n_ent;
	bool *planned; /* per entity: its retests fit the budget */
	struct mpi_retest *t;
	size_t n;
	long n_rounds;
};

#define MPI_RETEST_PARTNERS 3
#define MPI_RETEST_LINK	    3 /* 2 at least: a control after each of two */
#define MPI_RETEST_FACTOR   4 /* iterations of a retest, x --iters */

/*
 * usable[e]: e may be retested or serve as a partner (alive). Returns 0
 * or -ENOMEM.
 */
int mpi_plan_make(const struct mpi_model *m, const bool *usable,
		  unsigned budget, unsigned cap, struct mpi_plan *p);
void mpi_plan_free(struct mpi_plan *p);
/* The entity of a suspect in p, or -1. */
int mpi_plan_entity(const struct mpi_plan *p, const struct mpi_suspect *s);

/* Write DIR/latency-SIZE.csv and DIR/bandwidth-SIZE.csv per size. */
int mpi_sweep_matrices(const struct bench_result *r,
		       const struct mpi_sweep_view *v,
		       const struct bench_sizes *sizes, const char *dir);

/*
 * The sweep: every rank calls it after the front end's checks; rank 0
 * prints and writes --json after every round. Returns an exit code:
 * 0, 1 (suspects found), 3 (a pair or rank failed, or a runtime error).
 */
int mpi_sweep_main(struct bench_bootstrap *bs, const struct bench_opts *o,
		   const struct mpi_sweep_opts *so);
/*
 * What a rank holds for a sweep of schedule s with n_sizes sizes and the
 * judged metrics (doc/sweeps.md, "Scale"), counted from the structures,
 * in bytes.
 */
struct mpi_sweep_mem {
	double sched;	  /* the schedule's prefix sums */
	double names;	  /* host and node names */
	double xchg;	  /* transient: the names' all-gather */
	double small;	  /* flags, endpoint map, verdict buffer */
	double pair_rows; /* its own pair's rows (twice) */
	double rank;	  /* every rank: the sum of the above but xchg */
	double reports;	  /* rank 0: a round's reports */
	double figs;	  /* rank 0: the model's figures (struct mpi_figs), in
			   * a file beside --json's, else in memory */
	double fit;	  /* rank 0: more while the model is fitted */
	double rank0;	  /* rank 0 at its peak with --json (figures in the
			   * file): rank + reports + fit, O(N) */
	double rank0_mem; /* the same without --json: + figs */
	double rows;	  /* every row of the sweep: on disk, never held */
};

void mpi_sweep_memory(const struct mpi_sched *s, size_t n_sizes,
		      unsigned metrics, struct mpi_sweep_mem *out);

/*
 * --print-schedule: the schedule and the memory a rank needs for it (for
 * n_sizes sizes, the judged metrics) on f, without measuring; an exit
 * code.
 */
int mpi_sweep_print_schedule(const struct mpi_sweep_opts *so, int n_ranks,
			     size_t n_sizes, unsigned metrics, FILE *f);

#endif
