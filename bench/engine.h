/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The transport engine: set up, one ping-pong, one bandwidth window, tear
 * down (after UCX's ucx_perf_funcs_t and fio's struct ioengine_ops). One
 * const struct bench_engine_ops per engine; the run driver (run.h) calls
 * it and knows nothing else about the transport. Engines never print:
 * they log a failure once where it is found (bench_log.h) and fill
 * samples whose units are clock ticks.
 */
#ifndef BENCH_ENGINE_H
#define BENCH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "bootstrap.h"
#include "clock.h"
#include "result.h" /* the test kinds and latency kinds */
#include "stats.h"

/* Capability flags. */
#define BENCH_CAP_LAT	    (1u << 0)
#define BENCH_CAP_BW	    (1u << 1)
#define BENCH_CAP_BIBW	    (1u << 2)
#define BENCH_CAP_PINGPING  (1u << 3)
#define BENCH_CAP_ZERO_BYTE (1u << 4) /* can move 0-byte messages */

/* One message size of one test, as both ends run it. */
struct bench_step {
	enum bench_test test;
	size_t size_bytes;
	uint64_t warmup; /* untimed iterations before the timed ones */
	uint64_t iters;	 /* timed iterations (ping-pongs or windows) */
	unsigned window; /* messages per window for bw/bibw */
	bool validate;	 /* fill and check payloads (outside the timing) */
};

/*
 * What an engine learns of the run before init and prepare, so that its
 * own options need not repeat the core's (set by the run driver).
 */
struct bench_plan {
	enum bench_test test;
	size_t max_size_bytes; /* the largest message of the run */
	unsigned window;       /* messages per bandwidth window, the most
				* in flight (--window; given for latency
				* tests too, so queues keep one size) */
	bool validate;	       /* payloads are filled and checked */
};

struct bench_engine;

struct bench_engine_ops {
	const char *name;
	size_t priv_size; /* private state, allocated zeroed by the core */
	unsigned caps;	  /* BENCH_CAP_* */
	/* Open local resources (device, library). May be NULL. */
	int (*init)(struct bench_engine *eng);
	/* Exchange addresses through the bootstrap; connect. May be NULL. */
	int (*connect)(struct bench_engine *eng, struct bench_bootstrap *bs);
	/* Allocate and register buffers once, for the largest size. */
	int (*prepare)(struct bench_engine *eng, size_t max_size_bytes);
	/*
	 * Latency (ping-pong or ping-ping): run step->warmup untimed and
	 * step->iters timed iterations. Rank 0 records one sample per timed
	 * iteration into out (which has room for step->iters); other ranks
	 * may record nothing. -EIO for a payload that fails validation.
	 */
	int (*run_lat)(struct bench_engine *eng, const struct bench_step *step,
		       struct bench_samples *out);
	/*
	 * Bandwidth (bw or bibw): step->iters timed windows of step->window
	 * messages; rank 0 records one sample per window, from the first
	 * post to the acknowledgment. May be NULL.
	 */
	int (*run_bw)(struct bench_engine *eng, const struct bench_step *step,
		      struct bench_samples *out);
	/* Add engine metadata (device, library) to the run object. */
	int (*describe)(struct bench_engine *eng, json_t *run);
	/* Release everything; accepts a partial setup. */
	void (*cleanup)(struct bench_engine *eng);
};

struct bench_engine {
	const struct bench_engine_ops *ops;
	void *priv;	 /* ops->priv_size bytes */
	const void *cfg; /* engine options from the front end */
	const struct bench_clock *clock;
	struct bench_bootstrap *bs;    /* set before init */
	const struct bench_plan *plan; /* set before init */
	enum bench_lat_kind lat_kind;  /* set by init; HALF_RTT by default */
	/* set by init: bibw is the sum of what each side measured over its
	 * own loop (perftest -b), not twice rank 0's rate (osu_bibw) */
	bool bibw_each_side;
	int timeout_ms; /* every wait gives up after this */
	/*
	 * Untimed iterations done in the current step (warm-up, and every
	 * iteration of a rank that records no sample), for the run guard's
	 * watchdog (guard.h); engines whose waits time out may leave it.
	 */
	uint64_t progress;
};

/*
 * Options of the loopback engine (engine cfg; NULL means all zero). They
 * exist for the tests of the core: a known time per message and a known
 * corruption.
 */
struct bench_loopback_cfg {
	uint64_t delay_ns;     /* busy-wait per message inside the timing */
	uint64_t corrupt_iter; /* with validate: damage the payload of this
				* timed iteration (1-based); 0 never */
	/*
	 * Synthetic latency samples from a known distribution (for the
	 * tests of the statistics): when synth_base_ticks > 0, run_lat
	 * still copies but records synth_base_ticks + an exponential draw
	 * of mean synth_exp_ticks (true median: base + mean * ln 2), from a
	 * splitmix64 stream seeded by synth_seed. After synth_shift_after
	 * timed samples (0: never) the base doubles: a machine that
	 * changes state.
	 */
	uint64_t synth_base_ticks;
	uint64_t synth_exp_ticks;
	uint64_t synth_seed;
	uint64_t synth_shift_after;
	bool round_trip; /* report a round trip (RTT), as RDMA read */
};

extern const struct bench_engine_ops bench_engine_loopback_ops;
/* Its descriptor (not in the registry: the tests of the core use it). */
extern const struct bench_engine_desc bench_engine_loopback_desc;

/*
 * What the front end (bench/bench_main.h) knows of an engine: its name,
 * its options and how they fill its config, what it needs of the ranks
 * and the bootstrap. One const descriptor per engine, listed in the
 * registry (bench/registry.c).
 */
struct bench_opt;
struct bench_opts;

/* Descriptor flags. */
#define BENCH_ENGINE_TWO_RANKS (1u << 0) /* exactly two ranks take part */
/* Runs over any bootstrap (a sweep's MPI pair), not only its own. */
#define BENCH_ENGINE_ANY_BOOTSTRAP (1u << 1)
/* With TWO_RANKS: more ranks may be there, idle; ranks 0 and 1 measure. */
#define BENCH_ENGINE_IDLE_RANKS (1u << 2)

/*
 * One field of an engine's config that both ends must share. The run
 * driver agrees every engine's fields with the core's parameters, in one
 * exchange (run.h: bench_run_agree); a difference fails on every rank
 * with one line naming the field and both values. Tables end with
 * BENCH_PARAM_END.
 */
struct bench_param {
	const char *name; /* the option, as a mismatch names it: "--mtu" */
	/* This end's value, from the engine's config. */
	uint64_t (*get)(const void *cfg);
	/* A value as the mismatch prints it. NULL: decimal. */
	void (*text)(uint64_t v, char *buf, size_t len);
};

#define BENCH_PARAM_END                                                        \
	{                                                                      \
		NULL, NULL, NULL                                               \
	}

struct bench_engine_desc {
	const char *name; /* registry name: --transport NAME */
	const struct bench_engine_ops *ops;
	unsigned flags;		/* BENCH_ENGINE_* */
	size_t cfg_size;	/* the engine's config (eng->cfg), allocated
				 * zeroed by the front end */
	const char *opts_title; /* --help heading of its options */
	/* NULL-terminated list of option tables (struct bench_opt). */
	const struct bench_opt *const *opts;
	/*
	 * NULL-terminated list of tables of the config fields both ends
	 * must share (struct bench_param). May be NULL: none.
	 */
	const struct bench_param *const *params;
	/*
	 * With TWO_RANKS, how a failed rank count is told: "needs 2
	 * <ranks_noun> ranks, got N<ranks_hint>". NULL: the engine's name,
	 * nothing.
	 */
	const char *ranks_noun;
	const char *ranks_hint;
	/* The bootstraps its own command tries, in order; NULL-terminated. */
	const struct bench_bootstrap_ops *const *bootstraps;
	/* Defaults of the config. May be NULL (all zero). */
	void (*cfg_init)(void *cfg);
	/*
	 * One option of its tables (id of the entry). 0, or -EINVAL after
	 * one line naming the option.
	 */
	int (*opt_handle)(void *cfg, int id, const char *arg);
	/*
	 * After parsing: check the combination. 0 or -EINVAL after one
	 * line. May be NULL.
	 */
	int (*cfg_finish)(void *cfg, const struct bench_opts *o);
	/*
	 * After the parameter agreement, before the measured run (rdma_cm
	 * times its connection set-up here). May be NULL.
	 */
	int (*prologue)(void *cfg, struct bench_bootstrap *bs,
			const struct bench_opts *o, struct bench_result *r);
	/*
	 * After a run failed with ret: say once what the peer did, unless
	 * ret is -ECONNRESET (the peer's loss is named already). May be NULL.
	 */
	void (*failed)(struct bench_bootstrap *bs, int ret);
	/*
	 * Two-process commands, before the bootstrap listens or connects:
	 * can this end measure at all (the device, its port, the GID)?
	 * Describes what it will use in note ("device rxe0, port 1, GID
	 * ...", for the server's waiting line). 0, or a negative errno after
	 * one line. May be NULL.
	 */
	int (*preflight)(void *cfg, char *note, size_t len);
};

/* The registry (bench/registry.c): NULL-terminated. */
extern const struct bench_engine_desc *const bench_engines[];
/* The engine of that name, or NULL. */
const struct bench_engine_desc *bench_engine_find(const char *name);
/*
 * Does a run of size ranks fit the engine (BENCH_ENGINE_TWO_RANKS,
 * IDLE_RANKS)? 0, or -EINVAL after one line on rank 0. The one check of
 * the rank count: the run driver makes it before anything else.
 */
int bench_engine_ranks_check(const struct bench_engine_desc *d, int size,
			     int rank);
/* Can the engine run over this bootstrap? */
bool bench_engine_can_use(const struct bench_engine_desc *d,
			  const struct bench_bootstrap_ops *bs);

#endif
