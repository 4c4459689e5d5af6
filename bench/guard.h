/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The run guard: what a benchmark has measured survives every way out of
 * the run. One thread per process waits for SIGINT, SIGTERM and SIGHUP
 * (blocked in every other thread) and, when asked, watches the progress
 * of the run. On a signal, or when a watched phase shows no progress for
 * its allowance, it writes the last snapshot of the result to --json
 * atomically, marked incomplete (run.incomplete, doc/result-format.md),
 * prints one line saying why, and ends the process at once with _exit():
 * BENCH_EXIT_INTERRUPTED for a signal, BENCH_EXIT_RUNTIME for a stall.
 * SIGCONT, the first step of mpirun's way of ending a job (SIGCONT,
 * SIGTERM 1 s later, SIGKILL milliseconds after it), puts the snapshot
 * on disk at once and every later one as it comes.
 *
 * The watchdog exists for MPI, which has no timed receive: a blocking
 * MPI_Recv from a stopped peer never returns, and mpirun's own abort path
 * cannot be relied on (Open MPI 4.1's can die of SIGSEGV under load).
 * Progress is a phase change (bench_guard_phase, a few per message size)
 * or a step of a counter the phase names: the samples count of the timed
 * loop, which the loop advances anyway, so that the loop itself carries
 * no trace of the guard.
 */
#ifndef BENCH_GUARD_H
#define BENCH_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "result.h"

struct bench_guard;

/* The rank this one waits on: what a stall line names. */
struct bench_guard_peer {
	int rank;	  /* -1: unknown (a collective of many ranks) */
	const char *host; /* NULL: unknown */
	long round;	  /* sweep round; -1 outside sweeps */
};

/* What the watchdog says about the end of the run it stopped. */
struct bench_guard_cfg {
	double timeout_s; /* default allowance of a watched phase */
	bool watch;	  /* run the stall watchdog (MPI); else signals only */
	/*
	 * Called by the guard thread on a stall, before the snapshot is
	 * written (ibpong-mpi sweeps add the silent rank to
	 * run.failed_ranks). doc is the snapshot, or NULL when there is
	 * none; why is the line printed. May be NULL.
	 */
	void (*amend)(json_t *doc, const struct bench_guard_peer *peer,
		      const char *why, void *arg);
	void *amend_arg;
};

/*
 * Block SIGINT, SIGTERM and SIGHUP in the calling thread: call it first
 * in main, before any library starts a thread (MPI_Init does), so that
 * every thread inherits the mask and only the guard receives them.
 * Returns 0 or a negative errno.
 */
int bench_guard_block_signals(void);

/*
 * Start the guard thread. Signals are handled from here on; the watchdog
 * watches nothing until a phase is set. Returns 0 or a negative errno.
 */
int bench_guard_start(struct bench_guard **out,
		      const struct bench_guard_cfg *cfg);
/*
 * Stop and join the thread; accepts NULL. Signals stay blocked. prompt:
 * wake the thread instead of waiting out its tick (up to 50 ms, on every
 * rank, and mpirun waits for the last). bench_main asks for it when the
 * exit code is 0. With another code mpirun ends the job at the first
 * rank's exit, and a rank still in MPI_Finalize (PMIx_Finalize waits for
 * mpirun) is killed a second later: woken, 4 of 25 refused runs lost a
 * rank's exit code that way, so those keep the tick's wait.
 */
void bench_guard_stop(struct bench_guard *g, bool prompt);

/* Where the snapshot goes (NULL: nowhere, e.g. ranks other than 0). */
void bench_guard_set_json(struct bench_guard *g, const char *path);
void bench_guard_set_timeout(struct bench_guard *g, double timeout_s);
/*
 * A signal ends the process without its line (MPI ranks other than 0:
 * the launcher signals every rank, rank 0 speaks for the job).
 */
void bench_guard_set_quiet(struct bench_guard *g, bool quiet);
/*
 * How the snapshot is written (guard thread, lock held): fn(doc, path,
 * arg) writes doc to path atomically and returns 0 or a negative errno.
 * A sweep writes its summary with the rows of its rows file. NULL: doc
 * as one JSON text (the default).
 */
typedef int (*bench_guard_writer_fn)(json_t *doc, const char *path, void *arg);
void bench_guard_set_writer(struct bench_guard *g, bench_guard_writer_fn fn,
			    void *arg);
/* Turn the stall watchdog on or off (signals are always handled). */
void bench_guard_set_watch(struct bench_guard *g, bool on);
/* The exit code of a stall (BENCH_EXIT_RUNTIME unless set). */
void bench_guard_set_stall_code(struct bench_guard *g, int code);
/* The rank this one waits on (copied), for the stall line. */
void bench_guard_set_peer(struct bench_guard *g,
			  const struct bench_guard_peer *peer);

/*
 * Enter a phase (what the stall line says this rank was doing).
 * allow_s: silence allowed; 0 for the configured timeout; < 0 for a phase
 * that is not watched (local work, or a wait with its own bound). counter:
 * progress within the phase (read without a lock, see above), or NULL;
 * total: its expected end, for the line (0 unknown). Accepts g NULL.
 */
__attribute__((format(printf, 5, 6))) void
bench_guard_phase(struct bench_guard *g, double allow_s,
		  const uint64_t *counter, uint64_t total, const char *fmt,
		  ...);

/* The same with two counters, whose sum is the progress. */
__attribute__((format(printf, 6, 7))) void
bench_guard_phase2(struct bench_guard *g, double allow_s, const uint64_t *c1,
		   const uint64_t *c2, uint64_t total, const char *fmt, ...);

/*
 * The result as it stands: copied (rows and metadata), with planned the
 * number of sizes the run means to measure. The guard writes the latest
 * one on a bad exit. Accepts g NULL. Returns 0 or -ENOMEM.
 */
int bench_guard_snapshot(struct bench_guard *g, const struct bench_result *r,
			 size_t planned);
/* The same from a JSON document (stolen), done of planned sizes finished. */
void bench_guard_snapshot_json(struct bench_guard *g, json_t *doc, size_t done,
			       size_t planned);
/*
 * The final result is written: exit paths write nothing more (a stall or
 * signal after this only ends the process). Accepts NULL.
 */
void bench_guard_done(struct bench_guard *g);

/*
 * Set run.incomplete of a result document: reason ("interrupted",
 * "peer stopped answering", "failed"), detail (one line), and the sizes
 * done of planned. Returns 0 or -ENOMEM.
 */
int bench_result_doc_mark_incomplete(json_t *doc, const char *reason,
				     const char *detail, size_t done,
				     size_t planned);
/* The same on a result, written into r->run. */
int bench_result_mark_incomplete(struct bench_result *r, const char *reason,
				 const char *detail, size_t planned);

#endif
