/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong-mpi: the MPI engine, the MPI bootstrap and its command.
 */
#ifndef MPI_BENCH_H
#define MPI_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mpi.h>

#include "bootstrap.h"
#include "engine.h"
#include "options.h"

/*
 * MPI has no timed wait: a blocking MPI_Send/MPI_Recv to a wedged peer
 * waits for ever. The bootstrap's collectives (barrier, exchange, agree)
 * are non-blocking requests polled against bs->timeout_s instead; inside
 * the timed loops nothing can time out, and a rank whose run fails while
 * its peer may still be blocked leaves through the command's finish, which
 * aborts the job when the ranks cannot agree on the exit code in time.
 */
extern const struct bench_bootstrap_ops mpi_bootstrap_ops;

/*
 * The MPI bootstrap over a given communicator (a sweep's pair) instead of
 * MPI_COMM_WORLD: put a pointer to it in bench_bootstrap_cfg.opaque. MPI
 * must be initialised; setup duplicates the communicator.
 */

/*
 * Options of the MPI engine, from the front end (the engine's cfg).
 */
struct mpi_engine_cfg {
	uint64_t corrupt_iter; /* testing hook (IBPONG_MPI_CORRUPT_ITER): with
				* --validate, rank 0 flips one payload byte of
				* this iteration (warm-up counts); UINT64_MAX:
				* never */
	uint64_t delay_ns;     /* testing hook (--inject-delay): busy-wait
				* this long before every iteration on this
				* rank, in a loop variant of its own; 0 none */
	uint64_t delay_every;  /* with delay_ns: only before every Nth
				* iteration (--inject-spikes); 0 or 1: each */
};

extern const struct bench_engine_ops mpi_engine_ops;

/*
 * Poll a non-blocking request until it completes or timeout_s passes
 * (none if <= 0). Returns 0, -ETIMEDOUT or -EIO, after logging "what".
 */
int mpi_wait_timeout(MPI_Request *req, double timeout_s, const char *what);
/* The same without the timeout's line: the caller says who is missing. */
int mpi_wait_quiet(MPI_Request *req, double timeout_s, const char *what);
/*
 * Give up a request whose wait failed. MPI may still complete it when the
 * silent rank wakes (mpirun sends SIGCONT before SIGTERM): a collective's
 * receives write into its buffers, a send reads its own, and Open MPI's
 * libnbc goes on sending on comm, the communicator it was posted on. So
 * mem, the one heap block that holds every buffer of the request (NULL:
 * none), goes with it: a point-to-point receive is cancelled first
 * (cancel true) and mem freed when that took or the request is done;
 * otherwise both are kept, tested again at each later call, and mem
 * freed only once MPI has completed the request; until then
 * mpi_comm_release() keeps comm. *req becomes MPI_REQUEST_NULL. Never
 * cancel a collective (MPI forbids it).
 */
void mpi_abandon(MPI_Request *req, MPI_Comm comm, void *mem, bool cancel);
/*
 * An MPI_Comm_idup of base, which writes comm (heap) when it completes,
 * maybe after a failed wait: post it, wait on req, then end it with the
 * wait's result: the duplicate into *out, or the request to mpi_abandon.
 */
struct mpi_dup {
	MPI_Request req;
	MPI_Comm base;
	MPI_Comm *comm;
};
int mpi_dup_post(struct mpi_dup *d, MPI_Comm base);
int mpi_dup_end(struct mpi_dup *d, int ret, MPI_Comm *out);
/*
 * An MPI_Iallgather of len bytes from each of the size ranks of comm,
 * through a heap block that may outlive a failed wait (mem: ours, then
 * everyone's): post it, wait on req as the caller does, then end it with
 * the wait's result, which copies everyone's into all or hands the
 * request to mpi_abandon, and returns that result.
 */
struct mpi_gather {
	MPI_Request req;
	MPI_Comm comm;
	uint8_t *mem;
	size_t len, total;
};
int mpi_gather_post(struct mpi_gather *g, MPI_Comm comm, int size,
		    const void *mine, size_t len, const char *what);
int mpi_gather_end(struct mpi_gather *g, int ret, void *all);
/*
 * The maximum of every rank's mine over comm, in *worst, waited for at
 * most timeout_s ("what" names the wait in its timeout line).
 */
int mpi_max_timed(MPI_Comm comm, int mine, double timeout_s, const char *what,
		  int *worst);
/*
 * MPI_Comm_free, unless a request abandoned on *comm may still be
 * progressed: then the communicator is kept to the end. *comm becomes
 * MPI_COMM_NULL either way.
 */
void mpi_comm_release(MPI_Comm *comm);

/*
 * Wait for a posted collective of the set-up (req, on comm) with a roll
 * call: every rank but 0 tells rank 0 it has posted it. Rank 0 waits a
 * little less than timeout_s (its watchdog's allowance) and, when the
 * collective does not complete, puts in missing (room for the size of
 * comm) the ranks it never heard from, *n_missing of them. Returns 0,
 * -ETIMEDOUT, -EIO or -ENOMEM (on rank 0, the timeout's line only when
 * no rank is missing: the caller names those).
 */
int mpi_roll_wait(MPI_Comm comm, MPI_Request *req, double timeout_s,
		  const char *what, int *missing, int *n_missing);

/* The bootstrap's communicator (a duplicate of MPI_COMM_WORLD). */
MPI_Comm mpi_bootstrap_comm(const struct bench_bootstrap *bs);
/* A barrier or exchange of the bootstrap has timed out (no answer). */
bool mpi_bootstrap_silent(const struct bench_bootstrap *bs);

/*
 * Agree on an exit code: every rank contributes mine, all get the largest
 * in *agreed. Returns 0, or -ETIMEDOUT when some rank did not arrive
 * within bs->timeout_s (it may be blocked in a transfer).
 */
int mpi_bootstrap_agree(struct bench_bootstrap *bs, int mine, int *agreed);

/*
 * Split MPI_Get_library_version()'s text ("Open MPI v4.1.4, package:
 * ...", "MPICH Version: 4.0.2 ...") into library name and version.
 * Returns 0, or -EINVAL when no version number is found (both outputs
 * are then empty strings).
 */
int mpi_version_parse(const char *raw, char *library, size_t library_len,
		      char *version, size_t version_len);

/* The command ibpong-mpi (mpi/front.c; bench/bench_main.h runs it). */
struct bench_cmd;
extern const struct bench_cmd mpi_cmd;
/* The MPI engine's descriptor (bench/engine.h), in mpi/front.c. */
extern const struct bench_engine_desc mpi_engine_desc;

/*
 * The watchdog of ibpong-mpi (mpi/watchdog.c, bench/guard.h). The stall
 * hook: a sweep's silent partner of rank 0 into run.failed_ranks and
 * run.failed_pairs; arg is the struct bench_main.
 */
struct bench_guard_peer;
void mpi_watchdog_amend(json_t *doc, const struct bench_guard_peer *peer,
			const char *why, void *arg);
/*
 * Agree on the exit code and finalise MPI under the watchdog: a rank
 * whose run failed allows the others half a second, a stall ends the rank
 * with _exit() (never MPI_Abort). Returns the agreed code.
 */
struct bench_main;
int mpi_watchdog_finish(struct bench_main *m, int code);
/* The watchdog's allowance for MPI_Init: 60 s plus --timeout of argv. */
#define MPI_INIT_ALLOW_S 60.0 /* a launch on a large cluster is slow */
double mpi_watchdog_init_allow(int argc, char **argv);
/*
 * End this process now with code, its result written, without an MPI
 * call (a rank is known lost: no collective can complete); the launcher
 * ends the others.
 */
__attribute__((noreturn)) void mpi_watchdog_end(int code);

#endif
