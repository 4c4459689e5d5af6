// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sweep schedules (sweep.h explains the circle method). Every function is
 * arithmetic on (round, endpoint): nothing grows with the number of
 * pairs, so a rank of a 10,000-node sweep holds 10,000 longs here.
 */
#include <errno.h>
#include <stdlib.h>

#include "sweep.h"

/* Circle method: endpoints after padding to an even count. */
static int all_m(const struct mpi_sched *s)
{
	return s->n % 2 ? s->n + 1 : s->n;
}

static int mod(long v, int m)
{
	long r = v % m;

	return (int)(r < 0 ? r + m : r);
}

static long base_rounds(enum mpi_pairs mode, int n)
{
	if (n < 2)
		return 0;
	switch (mode) {
	case MPI_PAIRS_ALL:
		return n % 2 ? n : n - 1;
	case MPI_PAIRS_RING:
		return n == 2 ? 1 : n % 2 ? 3 : 2;
	case MPI_PAIRS_NEIGHBORS:
		return n == 2 ? 1 : 2;
	default:
		return 0;
	}
}

/* Edges of a ring or neighbors base round: even i, odd i, closing edge. */
static int edge_count(const struct mpi_sched *s, long r)
{
	int n = s->n, wrap = s->mode == MPI_PAIRS_RING && n > 2;

	if (r == 2)
		return 1;
	if (r == 0)
		return n / 2;
	/* odd i with i + 1 < n, plus (n-1, 0) in a ring of even n */
	return (n - 1) / 2 + (wrap && n % 2 == 0);
}

static int base_count(const struct mpi_sched *s, long r)
{
	if (s->mode == MPI_PAIRS_ALL)
		return all_m(s) / 2 - s->n % 2;
	return edge_count(s, r);
}

/* The j-th pair of base round r, a < b. */
static struct mpi_pair base_pair(const struct mpi_sched *s, long r, int j)
{
	int m = all_m(s), i, a, b;

	if (s->mode == MPI_PAIRS_ALL) {
		i = j + s->n % 2; /* index 0 is the bye for odd n */
		a = i ? mod(r + i, m - 1) : (int)r;
		b = i ? mod(r - i, m - 1) : m - 1;
	} else {
		i = r == 2 ? s->n - 1 : (int)(2 * j + r);
		a = i;
		b = (i + 1) % s->n;
	}
	return a < b ? (struct mpi_pair){ a, b } : (struct mpi_pair){ b, a };
}

/* Partner of e in base round r of the circle method, index in *idx. */
static int all_partner(const struct mpi_sched *s, long r, int e, int *idx)
{
	int m = all_m(s), i, p;

	if (e == m - 1 || e == r) {
		p = e == r ? m - 1 : (int)r;
		*idx = 0;
		return p < s->n ? p : -1;
	}
	i = mod(e - r, m - 1);
	*idx = (i <= m / 2 - 1 ? i : m - 1 - i) - s->n % 2;
	p = mod(2 * r - e, m - 1);
	return p < s->n ? p : -1;
}

/* Partner of e in a ring or neighbors base round. */
static int edge_partner(const struct mpi_sched *s, long r, int e, int *idx)
{
	int n = s->n, i;

	for (int side = 0; side < 2; side++) {
		/* e as the left end of edge e, then the right end of e-1 */
		i = side ? mod(e - 1, n) : e;
		if (r == 2 ? i != n - 1 : (i % 2 != r))
			continue;
		if (i == n - 1 && (s->mode == MPI_PAIRS_NEIGHBORS || n == 2))
			continue;
		if (i == n - 1 && r != 2 && n % 2)
			continue; /* the closing edge of an odd ring */
		*idx = r == 2 ? 0 : (int)(i - r) / 2;
		return side ? i : (i + 1) % n;
	}
	return -1;
}

int mpi_sched_init(struct mpi_sched *s, enum mpi_pairs mode, int n,
		   unsigned cap)
{
	long r, subs;
	int c;

	s->mode = mode;
	s->n = n;
	s->cap = cap;
	s->n_base = base_rounds(mode, n);
	s->n_pairs = 0;
	s->max_per_round = 0;
	s->sub_start = calloc((size_t)s->n_base + 1, sizeof(*s->sub_start));
	if (!s->sub_start)
		return -ENOMEM;
	for (r = 0; r < s->n_base; r++) {
		c = base_count(s, r);
		subs = cap && (unsigned)c > cap ? (c + cap - 1) / cap : 1;
		s->sub_start[r + 1] = s->sub_start[r] + subs;
		s->n_pairs += (uint64_t)c;
		if ((size_t)c > s->max_per_round)
			s->max_per_round = (size_t)c;
	}
	if (cap && s->max_per_round > cap)
		s->max_per_round = cap;
	s->n_rounds = s->sub_start[s->n_base];
	return 0;
}

void mpi_sched_free(struct mpi_sched *s)
{
	free(s->sub_start);
	s->sub_start = NULL;
}

/* Base round of round k and the sub-round within it. */
static long sched_base(const struct mpi_sched *s, long k, long *sub)
{
	long lo = 0, hi = s->n_base, mid;

	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (s->sub_start[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	*sub = k - s->sub_start[lo];
	return lo;
}

int mpi_sched_partner(const struct mpi_sched *s, long k, int e)
{
	long r, sub;
	int p, idx = 0;

	if (k < 0 || k >= s->n_rounds || e < 0 || e >= s->n)
		return -1;
	r = sched_base(s, k, &sub);
	if (s->mode == MPI_PAIRS_ALL)
		p = all_partner(s, r, e, &idx);
	else
		p = edge_partner(s, r, e, &idx);
	if (p < 0 || (s->cap && idx / (long)s->cap != sub))
		return -1;
	return p;
}

size_t mpi_sched_round(const struct mpi_sched *s, long k, struct mpi_pair *out)
{
	long r, sub;
	int j, first, last;
	size_t n = 0;

	if (k < 0 || k >= s->n_rounds)
		return 0;
	r = sched_base(s, k, &sub);
	first = s->cap ? (int)(sub * s->cap) : 0;
	last = base_count(s, r);
	if (s->cap && first + (int)s->cap < last)
		last = first + (int)s->cap;
	for (j = first; j < last; j++)
		out[n++] = base_pair(s, r, j);
	return n;
}
