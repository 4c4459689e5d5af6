// SPDX-License-Identifier: BSD-2-Clause
/*
 * What rank 0 keeps for a sweep of 10,000 nodes, measured: the model's
 * figures (struct mpi_figs, every pair set) allocated for real, twice:
 *   - in memory (a sweep without --json): the resident growth is what
 *     mpi_sweep_memory() states and --print-schedule --simulate-nodes
 *     10000 prints (doc/sweeps.md, "Scale");
 *   - in a file of DIR (a sweep with --json): the process's own
 *     (anonymous) memory grows by at most 4 MB, the figures are file
 *     pages of a mapping as large as stated, and they read back.
 * Every rank's O(N) and rank 0's with --json are checked against their
 * bound: under 2 MB and under 10 MB.
 *
 * Usage: test-sweep-memory DIR (a directory on the disk a sweep's --json
 * would be on; the file has no name and goes with the process).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Resident bytes of this process: all, anonymous, file and shared pages
 * (/proc/self/status, kB). */
struct rss {
	double all, anon, file;
};

static struct rss resident(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	struct rss r = { -1, -1, -1 };
	char line[256];
	double kb;

	if (!f)
		return r;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmRSS: %lf", &kb) == 1)
			r.all = kb * 1024;
		else if (sscanf(line, "RssAnon: %lf", &kb) == 1)
			r.anon = kb * 1024;
		else if (sscanf(line, "RssFile: %lf", &kb) == 1)
			r.file = (r.file > 0 ? r.file : 0) + kb * 1024;
		else if (sscanf(line, "RssShmem: %lf", &kb) == 1)
			r.file = (r.file > 0 ? r.file : 0) + kb * 1024;
	}
	fclose(f);
	return r;
}

/* Every pair set, then a few read back. Returns the failures. */
static int fill(struct mpi_figs *f, const char *mode)
{
	struct mpi_fig fig = { 2, 3, 10, 40, 5, 1000, 1 };

	for (int a = 0; a < NODES; a++)
		for (int b = a + 1; b < NODES; b++) {
			fig.stable = (a + b) % 2;
			mpi_figs_set(f, a, b, &fig);
		}
	if (mpi_figs_unstable(f, 0, 1) || !mpi_figs_unstable(f, 0, 2) ||
	    mpi_figs_metric(f, 9998, 9999, MPI_METRIC_SPREAD) != 5 ||
	    mpi_figs_metric(f, 9999, 0, MPI_METRIC_LAT) != 2 ||
	    mpi_figs_metric(f, 17, 4711, MPI_METRIC_BW) != 1) {
		fprintf(stderr, "FAIL: %s: figures read back wrong\n", mode);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned metrics = mpi_fig_metrics(true, true);
	struct mpi_sweep_mem m;
	struct rss before, after;
	struct mpi_sched s;
	struct mpi_figs f;
	double grown;
	int failures = 0, ret;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	if (mpi_sched_init(&s, MPI_PAIRS_ALL, NODES, 0))
		return 1;
	/* --sizes 0,8: latency, tail and spread at 0 B, bandwidth at 8 B */
	mpi_sweep_memory(&s, 2, metrics, &m);

	/* in memory */
	before = resident();
	if (mpi_figs_init(&f, NODES, metrics)) {
		fprintf(stderr, "FAIL: cannot allocate the figures\n");
		return 1;
	}
	failures += fill(&f, "in memory");
	after = resident();
	grown = after.all - before.all;
	printf("# %d nodes, %llu pairs: figures stated %.1f MB (%.3f B a "
	       "pair); in memory the resident size grew %.1f MB; every rank "
	       "%.2f MB; rank 0 at most %.1f MB without --json, %.1f MB "
	       "with\n",
	       NODES, (unsigned long long)s.n_pairs, m.figs / 1e6,
	       m.figs / (double)s.n_pairs, grown / 1e6, m.rank / 1e6,
	       m.rank0_mem / 1e6, m.rank0 / 1e6);
	/* within the statement (and the sanitizer's shadow), and near it */
	if (!(grown <= m.figs * (1 + SHADOW) + 4e6 && grown >= 0.97 * m.figs)) {
		fprintf(stderr,
			"FAIL: in memory: resident growth %.1f MB, stated "
			"%.1f MB\n",
			grown / 1e6, m.figs / 1e6);
		failures++;
	}
	mpi_figs_free(&f);

	/* in a file of DIR, mapped */
	before = resident();
	ret = mpi_figs_init_file(&f, NODES, metrics, argv[1]);
	if (ret) {
		fprintf(stderr, "FAIL: cannot keep the figures in %s: %s\n",
			argv[1], strerror(-ret));
		return 1;
	}
	failures += fill(&f, "in a file");
	after = resident();
	printf("# in a file of %s: a mapping of %.1f MB; anonymous memory "
	       "grew %.2f MB, file pages %.1f MB\n",
	       argv[1], (double)f.bytes / 1e6, (after.anon - before.anon) / 1e6,
	       (after.file - before.file) / 1e6);
	if (!f.mapped || (double)f.bytes < m.figs ||
	    (double)f.bytes > m.figs + 6 * 4096) {
		fprintf(stderr,
			"FAIL: the file's mapping is %.1f MB, the "
			"statement %.1f MB\n",
			(double)f.bytes / 1e6, m.figs / 1e6);
		failures++;
	}
	if (before.anon < 0 || !(after.anon - before.anon <= 4e6)) {
		fprintf(stderr,
			"FAIL: in a file: anonymous memory grew %.1f MB, "
			"O(N) allows a few\n",
			(after.anon - before.anon) / 1e6);
		failures++;
	}
	if (!(after.file - before.file <= m.figs + 4e6)) {
		fprintf(stderr,
			"FAIL: in a file: %.1f MB of file pages, "
			"more than the figures\n",
			(after.file - before.file) / 1e6);
		failures++;
	}
	mpi_figs_free(&f);

	if (!(m.rank < 2e6)) {
		fprintf(stderr, "FAIL: every rank %.2f MB, O(N) means ~1 MB\n",
			m.rank / 1e6);
		failures++;
	}
	if (!(m.rank0 < 10e6)) {
		fprintf(stderr,
			"FAIL: rank 0 with --json %.2f MB, O(N) "
			"means a few MB\n",
			m.rank0 / 1e6);
		failures++;
	}
	mpi_sched_free(&s);
	return failures ? 1 : 0;
}
