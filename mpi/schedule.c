// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sweep schedules (sweep.h explains the circle method). Every function is
 * arithmetic on (round, endpoint): nothing grows with the number of
 * pairs, so a rank of a 10,000-node sweep holds 10,000 longs here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

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

/*
 * The confirmation's plan. Entities are the distinct nodes and links of
 * the suspects (a node slow and low in bandwidth is retested once: a
 * retest measures every size). Good partners are the usable endpoints
 * that are no suspect's; each entity takes the next ones in turn, so that
 * the retests spread over the cluster and no partner is asked twice by
 * the same entity.
 */
static int plan_entities(const struct mpi_model *m, struct mpi_plan *p)
{
	size_t i, j;

	p->ent = calloc(m->n_sus + 1, sizeof(*p->ent));
	p->planned = calloc(m->n_sus + 1, sizeof(*p->planned));
	if (!p->ent || !p->planned)
		return -ENOMEM;
	for (i = 0; i < m->n_sus; i++) { /* strongest first */
		for (j = 0; j < p->n_ent; j++)
			if (p->ent[j].a == m->sus[i].a &&
			    p->ent[j].b == m->sus[i].b)
				break;
		if (j == p->n_ent)
			p->ent[p->n_ent++] =
				(struct mpi_entity){ m->sus[i].a, m->sus[i].b,
						     m->sus[i].score };
	}
	return 0;
}

int mpi_plan_entity(const struct mpi_plan *p, const struct mpi_suspect *s)
{
	for (size_t j = 0; j < p->n_ent; j++)
		if (p->ent[j].a == s->a && p->ent[j].b == s->b)
			return (int)j;
	return -1;
}

/* How far from typical endpoint e is: its largest |node score|. */
static double plan_atypical(const struct mpi_model *m, int e)
{
	double worst = 0;

	for (int k = 0; k < MPI_METRIC_NR; k++) {
		const struct mpi_fit *fit = &m->fit[k];

		if (fit->ok && !isnan(fit->node[e]))
			worst = fmax(worst,
				     fabs(fit->node[e]) / fit->node_scale);
	}
	return worst;
}

struct plan_cand {
	double atypical;
	int e;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct plan_cand *x = a, *y = b;

	if (x->atypical != y->atypical)
		return x->atypical < y->atypical ? -1 : 1;
	return x->e - y->e;
}

/*
 * Good partners: the usable endpoints that no node suspect names, those
 * that no link suspect names either first, the most typical first (node
 * terms closest to 0 in every metric): a retest's implied term takes the
 * partner's term out, and a typical partner's is the surest.
 */
static int plan_good(const struct mpi_model *m, const bool *usable, int **good,
		     int *n_good)
{
	unsigned char *named = calloc((size_t)m->n + 1, 1);
	struct plan_cand *cand;
	int e, tier;

	*good = calloc((size_t)m->n + 1, sizeof(**good));
	if (!named || !*good) {
		free(named);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->n_sus; i++) {
		const struct mpi_suspect *s = &m->sus[i];

		if (s->b < 0)
			named[s->a] = 2;
		else
			for (e = 0; e < 2; e++)
				if (!named[e ? s->b : s->a])
					named[e ? s->b : s->a] = 1;
	}
	cand = calloc((size_t)m->n + 1, sizeof(*cand));
	if (!cand) {
		free(named);
		return -ENOMEM;
	}
	*n_good = 0;
	for (tier = 0; tier < 2; tier++) {
		int n = 0;

		for (e = 0; e < m->n; e++)
			if (usable[e] && named[e] == tier)
				cand[n++] =
					(struct plan_cand){ plan_atypical(m, e),
							    e };
		if (n)
			qsort(cand, (size_t)n, sizeof(*cand), cmp_cand);
		for (int i = 0; i < n; i++)
			(*good)[(*n_good)++] = cand[i].e;
	}
	free(cand);
	free(named);
	return 0;
}

/* First-fit into rounds: disjoint endpoints, at most cap pairs. */
static void plan_rounds(struct mpi_plan *p, unsigned cap)
{
	size_t i, j, in_round;
	long r;

	p->n_rounds = 0;
	for (i = 0; i < p->n; i++) {
		for (r = 0;; r++) {
			bool clash = false;

			in_round = 0;
			for (j = 0; j < i && !clash; j++) {
				if (p->t[j].round != r)
					continue;
				in_round++;
				clash = p->t[j].a == p->t[i].a ||
					p->t[j].a == p->t[i].b ||
					p->t[j].b == p->t[i].a ||
					p->t[j].b == p->t[i].b;
			}
			if (!clash && (!cap || in_round < cap))
				break;
		}
		p->t[i].round = r;
		if (r + 1 > p->n_rounds)
			p->n_rounds = r + 1;
	}
}

static void plan_add(struct mpi_plan *p, int a, int b, int ent, bool control)
{
	p->t[p->n++] = (struct mpi_retest){
		.a = a,
		.b = b,
		.entity = ent,
		.control = control,
		.fig = { NAN, NAN, NAN, NAN, NAN },
	};
}

/* The next good partner that is neither x nor y nor z, or -1. */
static int plan_pick(const int *good, int n_good, int *next, int x, int y,
		     int z)
{
	for (int tries = 0; tries < n_good; tries++) {
		int g = good[(*next)++ % n_good];

		if (g != x && g != y && g != z)
			return g;
	}
	return -1;
}

/* The retests of entity i; false when they do not fit the budget. */
static bool plan_entity(struct mpi_plan *p, size_t i, const int *good,
			int n_good, int *next, unsigned budget)
{
	const struct mpi_entity *en = &p->ent[i];
	int g[MPI_RETEST_PARTNERS], k, n = 0;

	if (en->b < 0) {
		for (k = 0; k < MPI_RETEST_PARTNERS; k++) {
			g[n] = plan_pick(good, n_good, next, en->a,
					 n ? g[0] : -1, n > 1 ? g[1] : -1);
			n += g[n] >= 0;
		}
		if (!n || p->n + (size_t)n > budget)
			return false;
		for (k = 0; k < n; k++)
			plan_add(p, en->a, g[k], (int)i, false);
		return true;
	}
	g[0] = plan_pick(good, n_good, next, en->a, en->b, -1);
	g[1] = plan_pick(good, n_good, next, en->a, en->b, g[0]);
	if (g[1] < 0)
		g[1] = g[0];
	n = MPI_RETEST_LINK + (g[0] >= 0 ? 2 : 0);
	if (p->n + (size_t)n > budget)
		return false;
	/* the controls between the link's retests: a burst of load on the
	 * machine falls on both, not on the link's alone */
	for (k = 0; k < MPI_RETEST_LINK; k++) {
		plan_add(p, en->a, en->b, (int)i, false);
		if (g[0] >= 0 && k < 2)
			plan_add(p, k ? en->b : en->a, g[k], (int)i, true);
	}
	return true;
}

int mpi_plan_make(const struct mpi_model *m, const bool *usable,
		  unsigned budget, unsigned cap, struct mpi_plan *p)
{
	int *good = NULL, n_good = 0, next = 0, ret;
	size_t i;

	memset(p, 0, sizeof(*p));
	ret = plan_entities(m, p);
	if (!ret)
		ret = plan_good(m, usable, &good, &n_good);
	p->t = calloc((size_t)budget + 1, sizeof(*p->t));
	if (ret || !p->t) {
		free(good);
		mpi_plan_free(p);
		return -ENOMEM;
	}
	for (i = 0; i < p->n_ent; i++) {
		const struct mpi_entity *en = &p->ent[i];

		if (!usable[en->a] || (en->b >= 0 && !usable[en->b]))
			continue;
		p->planned[i] = plan_entity(p, i, good, n_good, &next, budget);
	}
	plan_rounds(p, cap);
	free(good);
	return 0;
}

void mpi_plan_free(struct mpi_plan *p)
{
	free(p->ent);
	free(p->planned);
	free(p->t);
	memset(p, 0, sizeof(*p));
}
