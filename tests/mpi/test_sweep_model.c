// SPDX-License-Identifier: BSD-2-Clause
/*
 * The sweep's model (mpi/outliers.c) and confirmation plan
 * (mpi/schedule.c) on synthetic clusters with known faults and a few
 * percent of deterministic noise: exactly the faulty node or link is a
 * suspect, with the right reason; none without a fault; the plan's
 * partners are good and distinct, its rounds disjoint, its budget kept.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"
#include "sweep_check.h"

#define N 12

enum fault {
	NONE,
	SLOW_NODE,
	SLOW_LINK,
	LOSSY_NODE,
	CAPPED_LINK,
	FLAPPING_NODE,
	FLAPPING_LINK,
};

#define ALL_METRICS mpi_fig_metrics(true, true)

/* Deterministic noise in [-0.03, 0.03]. */
static double noise(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return ((double)((*seed >> 8) % 10001) / 10000.0 - 0.5) * 0.06;
}

/*
 * 2 us pairs, 10 us tails, batch spreads of 5 us, 10,000 MB/s; node 7
 * or link 2-9 faulty. A flapping node or link: batches disagree (the
 * spread 20x, the rows unstable) while median and mean stay.
 */
static void cluster(struct mpi_figs *f, enum fault fault)
{
	unsigned seed = 42;

	mpi_figs_init(f, N, ALL_METRICS);
	for (int a = 0; a < N; a++)
		for (int b = a + 1; b < N; b++) {
			struct mpi_fig fig, *x = &fig;
			double spread = 5 * (1 + 10 * noise(&seed));
			double lat = 2 * (1 + noise(&seed));
			double tail = 1 * (1 + 10 * noise(&seed));
			double bw = 10000 * (1 + noise(&seed));
			bool node = a == 7 || b == 7, link = a == 2 && b == 9;

			if (fault == SLOW_NODE && node)
				lat += 1.8; /* 3.8 us against 2 */
			if (fault == SLOW_LINK && link)
				lat *= 2.8;
			if (fault == LOSSY_NODE && node)
				tail = 3000; /* p99 3 ms, mean + 300 us */
			if (fault == CAPPED_LINK && link)
				bw /= 4;
			if ((fault == FLAPPING_NODE && node) ||
			    (fault == FLAPPING_LINK && link))
				spread *= 20;
			x->lat_us = (float)lat;
			x->mean_us = (float)(lat + tail / 10);
			x->p99_us = (float)(lat + tail);
			x->max_us = (float)(lat + 3 * tail);
			x->spread_us = (float)spread;
			x->bw_MBps = (float)bw;
			x->stable = spread < 50;
			mpi_figs_set(f, a, b, x);
		}
}

static void expect(enum fault fault, enum mpi_reason reason, int a, int b)
{
	const struct mpi_model_cfg cfg = { 5, 0.1 };
	struct mpi_model m;
	struct mpi_figs f;

	cluster(&f, fault);
	CHECK(mpi_model_fit(&f, &cfg, &m) == 0, "fit");
	if (fault == NONE) {
		CHECK(m.n_sus == 0,
		      "no fault: %zu suspects, the first %s %d-%d", m.n_sus,
		      m.n_sus ? mpi_reason_name(m.sus[0].reason) : "",
		      m.n_sus ? m.sus[0].a : 0, m.n_sus ? m.sus[0].b : 0);
	} else {
		CHECK(m.n_sus == 1, "fault %d: %zu suspects, 1 expected", fault,
		      m.n_sus);
		CHECK(m.n_sus && m.sus[0].reason == reason && m.sus[0].a == a &&
			      m.sus[0].b == b,
		      "fault %d: %s %d-%d", fault,
		      m.n_sus ? mpi_reason_name(m.sus[0].reason) : "-",
		      m.n_sus ? m.sus[0].a : -2, m.n_sus ? m.sus[0].b : -2);
	}
	if (fault == FLAPPING_NODE || fault == FLAPPING_LINK) {
		/* the batches' disagreement, not the tail's mass */
		CHECK(m.n_sus && m.sus[0].metric == MPI_METRIC_SPREAD,
		      "flapping: metric %d",
		      m.n_sus ? (int)m.sus[0].metric : -1);
		CHECK(mpi_figs_unstable(&f, a, b < 0 ? 0 : b) &&
			      !mpi_figs_unstable(&f, 0, 1),
		      "the rows' stability flags kept");
	}
	CHECK(fabs(m.fit[MPI_METRIC_LAT].mu - 2) < 0.1, "mu %g",
	      m.fit[MPI_METRIC_LAT].mu);
	if (fault == SLOW_NODE) {
		CHECK(fabs(m.fit[MPI_METRIC_LAT].node[7] - 1.8) < 0.15,
		      "node term %g", m.fit[MPI_METRIC_LAT].node[7]);
		/* a retest at 3.9 us with a good partner: still slow */
		CHECK(mpi_model_node_score(&m, MPI_METRIC_LAT, 0, 3.9) > 5,
		      "retest score");
		CHECK(mpi_model_node_score(&m, MPI_METRIC_LAT, 0, 2.1) < 5,
		      "a fine retest");
	}
	if (fault == SLOW_LINK)
		CHECK(mpi_model_link_score(&m, MPI_METRIC_LAT, 2, 9, 5.6) > 5,
		      "link retest score");
	mpi_model_free(&m);
	mpi_figs_free(&f);
}

/* Unmeasured pairs (NAN) are skipped; 2 endpoints fit nothing. */
static void check_sparse(void)
{
	const struct mpi_model_cfg cfg = { 5, 0.1 };
	struct mpi_model m;
	struct mpi_figs f;

	cluster(&f, SLOW_NODE);
	mpi_figs_set(&f, 7, 0,
		     &(struct mpi_fig){ NAN, NAN, NAN, NAN, NAN, NAN, -1 });
	mpi_figs_set(&f, 3, 4,
		     &(struct mpi_fig){ NAN, NAN, NAN, NAN, NAN, NAN, -1 });
	CHECK(mpi_model_fit(&f, &cfg, &m) == 0 && m.n_sus == 1 &&
		      m.sus[0].a == 7,
	      "sparse: node 7 still found");
	mpi_model_free(&m);
	mpi_figs_free(&f);
	mpi_figs_init(&f, 2, ALL_METRICS);
	mpi_figs_set(&f, 0, 1, &(struct mpi_fig){ 2, 3, 4, 5, 6, 7, 1 });
	CHECK(mpi_model_fit(&f, &cfg, &m) == 0 && m.n_sus == 0 &&
		      !m.fit[MPI_METRIC_LAT].ok,
	      "2 endpoints: no fit");
	mpi_model_free(&m);
	mpi_figs_free(&f);
}

static void check_plan_rounds(const struct mpi_plan *p, unsigned cap)
{
	for (size_t i = 0; i < p->n; i++) {
		size_t in_round = 0;

		CHECK(p->t[i].a != p->t[i].b,
		      "retest %zu pairs a node with "
		      "itself",
		      i);
		CHECK(p->t[i].round >= 0 && p->t[i].round < p->n_rounds,
		      "round");
		for (size_t j = 0; j < p->n; j++) {
			if (p->t[j].round != p->t[i].round)
				continue;
			in_round++;
			CHECK(j == i || (p->t[j].a != p->t[i].a &&
					 p->t[j].a != p->t[i].b &&
					 p->t[j].b != p->t[i].a &&
					 p->t[j].b != p->t[i].b),
			      "round %ld not disjoint", p->t[i].round);
		}
		CHECK(!cap || in_round <= cap, "cap");
	}
}

/* Node 7 slow, link 2-9 slow: the plan and its budget. */
static void check_plan(void)
{
	const struct mpi_model_cfg cfg = { 5, 0.1 };
	bool usable[N];
	struct mpi_model m;
	struct mpi_figs f;
	struct mpi_plan p;
	int ent;

	cluster(&f, SLOW_NODE);
	mpi_figs_set_metric(&f, 2, 9, MPI_METRIC_LAT,
			    2.8 * mpi_figs_metric(&f, 2, 9, MPI_METRIC_LAT));
	for (int e = 0; e < N; e++)
		usable[e] = true;
	CHECK(mpi_model_fit(&f, &cfg, &m) == 0 && m.n_sus == 2,
	      "node 7 and link 2-9: %zu suspects", m.n_sus);
	CHECK(mpi_plan_make(&m, usable, 64, 0, &p) == 0, "plan");
	CHECK(p.n_ent == 2 && p.n == MPI_RETEST_PARTNERS + MPI_RETEST_LINK + 2,
	      "%zu entities, %zu retests", p.n_ent, p.n);
	for (size_t i = 0; i < m.n_sus; i++) {
		ent = mpi_plan_entity(&p, &m.sus[i]);
		CHECK(ent >= 0 && p.planned[ent], "suspect %zu planned", i);
	}
	for (size_t i = 0; i < p.n; i++) {
		const struct mpi_retest *t = &p.t[i];

		if (p.ent[t->entity].b >= 0)
			continue;
		CHECK(t->a == 7 && t->b != 7 && t->b != 2 && t->b != 9,
		      "node 7's partner %d is good", t->b);
		for (size_t j = 0; j < i; j++)
			CHECK(p.t[j].entity != t->entity || p.t[j].b != t->b,
			      "partners distinct");
	}
	check_plan_rounds(&p, 0);
	mpi_plan_free(&p);
	/* a budget of 6: the strongest (the link, 2.8x) only; a cap of 1 */
	CHECK(mpi_plan_make(&m, usable, 6, 1, &p) == 0 &&
		      p.n == MPI_RETEST_LINK + 2 &&
		      p.n_rounds == MPI_RETEST_LINK + 2 && p.ent[0].b == 9 &&
		      p.planned[0] && !p.planned[1],
	      "budget 6: %zu retests in %ld rounds", p.n, p.n_rounds);
	check_plan_rounds(&p, 1);
	/* one round each: the controls fall between the link's retests */
	for (size_t i = 0; i < p.n; i++)
		CHECK(p.t[i].control == (i % 2 == 1),
		      "retest %zu (round %ld) %s a control", i, p.t[i].round,
		      p.t[i].control ? "is" : "is not");
	mpi_plan_free(&p);
	/* node 7 gone: not retested */
	usable[7] = false;
	CHECK(mpi_plan_make(&m, usable, 64, 0, &p) == 0 &&
		      p.n == MPI_RETEST_LINK + 2,
	      "dead node 7 not planned: %zu", p.n);
	mpi_plan_free(&p);
	mpi_model_free(&m);
	mpi_figs_free(&f);
}

int main(void)
{
	expect(NONE, 0, 0, 0);
	expect(SLOW_NODE, MPI_REASON_SLOW_NODE, 7, -1);
	expect(SLOW_LINK, MPI_REASON_SLOW_LINK, 2, 9);
	expect(LOSSY_NODE, MPI_REASON_UNSTABLE, 7, -1);
	expect(CAPPED_LINK, MPI_REASON_LOW_BANDWIDTH, 2, 9);
	expect(FLAPPING_NODE, MPI_REASON_UNSTABLE, 7, -1);
	expect(FLAPPING_LINK, MPI_REASON_UNSTABLE, 2, 9);
	check_sparse();
	check_plan();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	else
		printf("sweep model: all checks passed\n");
	return failures ? 1 : 0;
}
