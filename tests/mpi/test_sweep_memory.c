// SPDX-License-Identifier: BSD-2-Clause
/*
 * What rank 0 keeps for a sweep of 10,000 nodes, measured: the schedule
 * and the model's figures (struct mpi_figs, every pair set) allocated for
 * real, their resident growth against what mpi_sweep_memory() states and
 * --print-schedule --simulate-nodes 10000 prints (doc/sweeps.md, "Scale").
 * The other ranks' O(N) is checked against its bound: under 2 MB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sweep.h"

#define NODES 10000

#if defined(__SANITIZE_ADDRESS__)
#define SHADOW 0.125 /* AddressSanitizer: a shadow byte per 8 */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHADOW 0.125
#endif
#endif
#ifndef SHADOW
#define SHADOW 0.0
#endif

/* Resident bytes of this process (/proc/self/statm). */
static double resident(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, res = 0;

	if (!f)
		return -1;
	if (fscanf(f, "%lu %lu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return (double)res * (double)sysconf(_SC_PAGESIZE);
}

int main(void)
{
	unsigned metrics = mpi_fig_metrics(true, true);
	struct mpi_fig fig = { 2, 3, 10, 40, 5, 1000, 1 };
	struct mpi_sweep_mem m;
	struct mpi_sched s;
	struct mpi_figs f;
	double before, grown;
	int failures = 0;

	if (mpi_sched_init(&s, MPI_PAIRS_ALL, NODES, 0))
		return 1;
	/* --sizes 0,8: latency, tail and spread at 0 B, bandwidth at 8 B */
	mpi_sweep_memory(&s, 2, metrics, &m);
	before = resident();
	if (mpi_figs_init(&f, NODES, metrics)) {
		fprintf(stderr, "FAIL: cannot allocate the figures\n");
		return 1;
	}
	for (int a = 0; a < NODES; a++)
		for (int b = a + 1; b < NODES; b++) {
			fig.stable = (a + b) % 2;
			mpi_figs_set(&f, a, b, &fig);
		}
	grown = resident() - before;
	printf("# %d nodes, %llu pairs: figures stated %.1f MB (%.3f B a "
	       "pair), resident growth %.1f MB; every rank %.2f MB; rank 0 "
	       "at most %.1f MB\n",
	       NODES, (unsigned long long)s.n_pairs, m.figs / 1e6,
	       m.figs / (double)s.n_pairs, grown / 1e6, m.rank / 1e6,
	       m.rank0 / 1e6);
	/* within the statement (and the sanitizer's shadow), and near it */
	if (!(grown <= m.figs * (1 + SHADOW) + 4e6 && grown >= 0.97 * m.figs)) {
		fprintf(stderr,
			"FAIL: resident growth %.1f MB, stated %.1f MB\n",
			grown / 1e6, m.figs / 1e6);
		failures++;
	}
	if (!(m.rank < 2e6)) {
		fprintf(stderr, "FAIL: every rank %.2f MB, O(N) means ~1 MB\n",
			m.rank / 1e6);
		failures++;
	}
	if (mpi_figs_unstable(&f, 0, 1) || !mpi_figs_unstable(&f, 0, 2) ||
	    mpi_figs_metric(&f, 9998, 9999, MPI_METRIC_SPREAD) != 5) {
		fprintf(stderr, "FAIL: figures read back wrong\n");
		failures++;
	}
	mpi_figs_free(&f);
	mpi_sched_free(&s);
	return failures ? 1 : 0;
}
