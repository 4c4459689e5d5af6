// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sweep schedules and robust scores, without MPI running: every pair of
 * the mode exactly once, rounds disjoint, the partner function agreeing
 * with the round lists, the round counts of doc/sweeps.md, and the robust
 * scores (tests/mpi/test_sweep_model.c tests the model).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"
#include "sweep_check.h"

static bool expected_pair(enum mpi_pairs mode, int n, int a, int b)
{
	switch (mode) {
	case MPI_PAIRS_ALL:
		return true;
	case MPI_PAIRS_NEIGHBORS:
		return b == a + 1;
	default:
		return b == a + 1 || (a == 0 && b == n - 1);
	}
}

static long expected_rounds(enum mpi_pairs mode, int n)
{
	if (n < 2)
		return 0;
	if (mode == MPI_PAIRS_ALL)
		return n % 2 ? n : n - 1;
	if (n == 2)
		return 1;
	return mode == MPI_PAIRS_RING && n % 2 ? 3 : 2;
}

/* One round: disjoint, valid, and as the partner function says. */
static void check_round(const struct mpi_sched *s, long k,
			const struct mpi_pair *p, size_t np, char *seen,
			int *busy)
{
	int n = s->n, e;
	size_t i;

	for (e = 0; e < n; e++)
		busy[e] = -1;
	CHECK(!s->cap || np <= s->cap, "round %ld has %zu > cap %u", k, np,
	      s->cap);
	for (i = 0; i < np; i++) {
		CHECK(p[i].a >= 0 && p[i].a < p[i].b && p[i].b < n,
		      "bad pair %d-%d", p[i].a, p[i].b);
		CHECK(busy[p[i].a] < 0 && busy[p[i].b] < 0,
		      "round %ld not disjoint", k);
		CHECK(!seen[p[i].a * n + p[i].b], "pair %d-%d twice", p[i].a,
		      p[i].b);
		CHECK(expected_pair(s->mode, n, p[i].a, p[i].b),
		      "unexpected pair %d-%d", p[i].a, p[i].b);
		seen[p[i].a * n + p[i].b] = 1;
		busy[p[i].a] = p[i].b;
		busy[p[i].b] = p[i].a;
	}
	for (e = 0; e < n; e++)
		CHECK(mpi_sched_partner(s, k, e) == busy[e],
		      "mode %d n %d cap %u round %ld: partner of %d is %d, "
		      "list says %d",
		      s->mode, n, s->cap, k, e, mpi_sched_partner(s, k, e),
		      busy[e]);
}

static void check_sched(enum mpi_pairs mode, int n, unsigned cap)
{
	struct mpi_sched s;
	struct mpi_pair *p;
	char *seen = calloc((size_t)n * n + 1, 1);
	int *busy = calloc((size_t)n + 1, sizeof(int));
	uint64_t count = 0;
	int a, b;
	long k;

	if (mpi_sched_init(&s, mode, n, cap) || !seen || !busy) {
		CHECK(0, "init failed");
		return;
	}
	p = calloc(s.max_per_round + 1, sizeof(*p));
	for (k = 0; k < s.n_rounds; k++) {
		size_t np = mpi_sched_round(&s, k, p);

		count += np;
		check_round(&s, k, p, np, seen, busy);
	}
	for (a = 0; a < n; a++)
		for (b = a + 1; b < n; b++)
			CHECK(seen[a * n + b] == expected_pair(mode, n, a, b) ||
				      (mode == MPI_PAIRS_RING && n == 2),
			      "mode %d n %d: pair %d-%d missing", mode, n, a,
			      b);
	CHECK(count == s.n_pairs,
	      "mode %d n %d: %llu pairs listed, %llu "
	      "counted",
	      mode, n, (unsigned long long)count,
	      (unsigned long long)s.n_pairs);
	if (!cap)
		CHECK(s.n_rounds == expected_rounds(mode, n),
		      "mode %d n %d: %ld rounds, expected %ld", mode, n,
		      s.n_rounds, expected_rounds(mode, n));
	free(p);
	free(seen);
	free(busy);
	mpi_sched_free(&s);
}

static void check_scale(void)
{
	struct mpi_sched s;

	mpi_sched_init(&s, MPI_PAIRS_ALL, 10000, 0);
	CHECK(s.n_rounds == 9999 && s.n_pairs == 49995000ull &&
		      s.max_per_round == 5000,
	      "10,000 nodes: %ld rounds, %llu pairs", s.n_rounds,
	      (unsigned long long)s.n_pairs);
	CHECK(mpi_sched_partner(&s, 9998, 9999) == 9998,
	      "last round of the fixed endpoint");
	mpi_sched_free(&s);
}

static void check_scores(void)
{
	double x[] = { 10, 10.1, 9.9, 10, 30, NAN }, sc[6], m, mad;

	CHECK(mpi_robust_scores(x, 6, 0.1, sc, &m, &mad) == 0, "scores");
	CHECK(m == 10 && fabs(mad - 0.1) < 1e-9, "median %g mad %g", m, mad);
	/* the floor (0.1 x 10 = 1) is above the MAD */
	CHECK(fabs(sc[4] - 20 / 1.4826) < 1e-6, "score %g", sc[4]);
	CHECK(isnan(sc[5]) && fabs(sc[1]) < 0.1, "NAN skipped");
	CHECK(mpi_robust_scores(x, 2, 0.1, sc, &m, &mad) < 0, "too few");
}

int main(void)
{
	static const unsigned caps[] = { 0, 1, 2, 3, 5 };
	enum mpi_pairs mode;
	size_t c;
	int n;

	for (mode = MPI_PAIRS_RING; mode <= MPI_PAIRS_NEIGHBORS; mode++)
		for (n = 1; n <= 41; n++)
			for (c = 0; c < sizeof(caps) / sizeof(caps[0]); c++)
				check_sched(mode, n, caps[c]);
	check_scale();
	check_scores();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
