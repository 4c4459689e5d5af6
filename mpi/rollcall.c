// SPDX-License-Identifier: BSD-2-Clause
/*
 * A set-up collective with a roll call (mpi_bench.h). A collective that
 * does not complete says nothing of who is missing; a token per rank
 * does. Every rank but 0 sends rank 0 a token once it has posted the
 * collective, so a rank stopped (or dead) before it reached the
 * collective is the one whose token never came. A rank stopped inside
 * the collective after its token left is not told apart from the others.
 *
 * The wait is a little shorter than the watchdog's allowance for the
 * phase (--timeout): rank 0 names the missing ranks before its watchdog
 * would end the job without names.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "mpi_bench.h"
#include "result.h"

#define ROLL_TAG    0x1b0
#define ROLL_EARLY  0.9	 /* of the timeout: before the watchdog */
#define ROLL_TOKENS 0.25 /* s for the last tokens after success */

/* Rank 0: test the token receives; put the ranks not heard in missing. */
static int roll_missing(MPI_Request *tok, int size, int *missing)
{
	int r, done, n = 0;

	for (r = 1; r < size; r++) {
		done = 0;
		if (tok[r - 1] != MPI_REQUEST_NULL)
			MPI_Test(&tok[r - 1], &done, MPI_STATUS_IGNORE);
		if (!done && tok[r - 1] != MPI_REQUEST_NULL)
			missing[n++] = r;
	}
	return n;
}

/* Rank 0: drop the token receives still pending. */
static void roll_cancel(MPI_Request *tok, int size)
{
	for (int r = 1; r < size; r++) {
		if (tok[r - 1] == MPI_REQUEST_NULL)
			continue;
		/* a receive's cancel is local: the wait returns at once */
		MPI_Cancel(&tok[r - 1]);
		MPI_Wait(&tok[r - 1], MPI_STATUS_IGNORE);
	}
}

/* Rank 0: the tokens of a completed collective, briefly. */
static void roll_drain(MPI_Request *tok, int size)
{
	double end = bench_mono_s() + ROLL_TOKENS;
	const struct timespec nap = { .tv_nsec = 50000 };
	int all = 0;

	while (!all && bench_mono_s() < end) {
		MPI_Testall(size - 1, tok, &all, MPI_STATUSES_IGNORE);
		if (!all)
			nanosleep(&nap, NULL);
	}
	if (!all)
		roll_cancel(tok, size);
}

int mpi_roll_wait(MPI_Comm comm, MPI_Request *req, double timeout_s,
		  const char *what, int *missing, int *n_missing)
{
	static const int token = 1; /* outlives the send, freed pending */
	MPI_Request *tok = NULL, sent;
	int rank, size, ret, *got;

	*n_missing = 0;
	MPI_Comm_rank(comm, &rank);
	MPI_Comm_size(comm, &size);
	if (rank != 0) {
		if (MPI_Isend(&token, 1, MPI_INT, 0, ROLL_TAG, comm, &sent) ==
		    MPI_SUCCESS)
			MPI_Request_free(&sent);
		return mpi_wait_timeout(req, timeout_s, what);
	}
	tok = calloc((size_t)size, sizeof(*tok));
	got = calloc((size_t)size, sizeof(*got));
	if (!tok || !got) {
		free(tok);
		free(got);
		return -ENOMEM;
	}
	for (int r = 1; r < size; r++)
		if (MPI_Irecv(&got[r], 1, MPI_INT, r, ROLL_TAG, comm,
			      &tok[r - 1]) != MPI_SUCCESS)
			tok[r - 1] = MPI_REQUEST_NULL;
	timeout_s = timeout_s > 0 ? ROLL_EARLY * timeout_s : 0;
	ret = mpi_wait_quiet(req, timeout_s, what);
	if (ret == -ETIMEDOUT)
		*n_missing = roll_missing(tok, size, missing);
	if (ret == -ETIMEDOUT && !*n_missing) /* else the caller names them */
		bench_err("%s: no answer from every rank after %g s", what,
			  timeout_s);
	if (ret)
		roll_cancel(tok, size);
	else
		roll_drain(tok, size);
	free(tok);
	free(got);
	return ret;
}
