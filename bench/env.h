/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The environment fingerprint of a run, run.env of the result
 * (doc/result-format.md): for every rank, the CPUs it may run on and the
 * one it ran on, their NUMA nodes and the HCAs', the host's CPU frequency
 * governor, SMT, transparent huge pages, clocksource and DMI identity;
 * and what disturbed the rank while it measured (context switches, steal
 * time). Each rank reads its own; the bootstrap gathers them in rank
 * order.
 */
#ifndef BENCH_ENV_H
#define BENCH_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "bootstrap.h"

/* What a rank's counters read at one instant. */
struct bench_env_usage {
	int64_t voluntary;    /* context switches of the calling thread */
	int64_t involuntary;  /* ... forced by the scheduler */
	uint64_t steal_ticks; /* /proc/stat steal, all CPUs, USER_HZ */
	uint64_t total_ticks; /* /proc/stat every field, all CPUs */
	double mono_s;	      /* CLOCK_MONOTONIC */
	int cpu;	      /* sched_getcpu(), -1 if unknown */
	bool have_rusage;     /* getrusage(RUSAGE_THREAD) answered */
	bool have_stat;	      /* /proc/stat was read */
};

/* Read the calling thread's counters now (never fails: unknowns marked). */
void bench_env_usage_read(struct bench_env_usage *u);

/* The counters between two readings: a rank's "during" (plain data). */
struct bench_env_during {
	double seconds;
	double steal_s;
	double steal_percent;
	int64_t voluntary;
	int64_t involuntary;
	int32_t cpu_end; /* -1 if unknown */
	uint8_t have_rusage;
	uint8_t have_steal;
};

/* What disturbed this thread since start, read now. */
void bench_env_during_read(const struct bench_env_usage *start,
			   struct bench_env_during *d);
/* The "during" object of d (doc/result-format.md), or NULL (no memory). */
json_t *bench_env_during_json(const struct bench_env_during *d);

/*
 * run.env: {"pinned": every rank pinned, "ranks": [one object per rank]}
 * through the bootstrap (every rank calls it, every rank gets all). With
 * warn_unpinned, rank 0 warns once on stderr when a rank is not pinned.
 * With tunes, each rank adds "tuning_env": {count, digest} of the
 * environment entries tunes() accepts (FNV-1a 64 of them sorted, one per
 * line), and when some rank's digest differs from rank 0's, run.env gets
 * "tuning_env_differs": [those ranks] and rank 0 warns once.
 * Returns 0 or a negative errno (logged).
 */
int bench_env_describe(json_t *run, struct bench_bootstrap *bs,
		       bool warn_unpinned, bool (*tunes)(const char *entry));

/*
 * Adds "during" to every rank of run.env: the counters since start (this
 * rank's, read by bench_env_usage_read) through the bootstrap. Nothing
 * (and no exchange) when run has no env: every rank behaves alike.
 * Returns 0 or a negative errno (logged).
 */
int bench_env_finish(json_t *run, struct bench_bootstrap *bs,
		     const struct bench_env_usage *start);

/*
 * Sets "during" of rank's entry of run.env alone, from start to now, with
 * no exchange (what a result written before the end holds: a failed or
 * interrupted run keeps its writer's counters up to its last size).
 * Returns 0 or -ENOMEM; nothing when run has no such rank.
 */
int bench_env_during_set(json_t *run, int rank,
			 const struct bench_env_usage *start);

#endif
