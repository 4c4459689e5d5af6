// SPDX-License-Identifier: BSD-2-Clause
/*
 * The sweep's verdicts (mpi/sweep_verdict.c) on a synthetic cluster and
 * synthetic retests, through the real model, plan and verdict code:
 *   - a link whose retests all reproduce it is CONFIRMED, alone;
 *   - the same link at a node that is CONFIRMED SLOW_NODE is INCONCLUSIVE,
 *     naming the node (end_confirmed), and only the node is blamed: the
 *     lab's node delayed by 200 us swings its pairs' batch spread from 20
 *     to 490 us, and three link retests above two controls once confirmed
 *     a link UNSTABLE that was the node's (CI, 2026-12-02).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "sweep_int.h"
#include "sweep_check.h"

#define N	8
#define SLOW	3 /* the delayed node */
#define FLAP_A	3 /* the link whose batch spread is high */
#define FLAP_B	6
#define SLOW_US 200.0

/* Deterministic noise in [-0.03, 0.03]. */
static double noise(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return ((double)((*seed >> 8) % 10001) / 10000.0 - 0.5) * 0.06;
}

/*
 * One pair's figures: 20 us pairs, 5 us batch spreads; SLOW's pairs 200 us
 * slower when slow_node, FLAP_A-FLAP_B's spread 20x.
 */
static struct mpi_fig pair_fig(int a, int b, bool slow_node, unsigned *seed)
{
	bool flap =
		(a == FLAP_A && b == FLAP_B) || (a == FLAP_B && b == FLAP_A);
	double lat = 20 * (1 + noise(seed));
	double spread = 5 * (1 + 5 * noise(seed));
	struct mpi_fig f;

	if (slow_node && (a == SLOW || b == SLOW))
		lat += SLOW_US;
	if (flap)
		spread *= 20;
	f.lat_us = (float)lat;
	f.mean_us = (float)(lat + 1 + noise(seed));
	f.p99_us = (float)(lat + 10);
	f.max_us = (float)(lat + 30);
	f.spread_us = (float)spread;
	f.bw_MBps = NAN;
	f.stable = spread < 50;
	return f;
}

static const char *status_of(const json_t *entry)
{
	return json_string_value(json_object_get(entry, "verdict")) ?: "-";
}

/* The link a-b in run.verdicts.links, or NULL. */
static const json_t *link_of(const json_t *v, int a, int b)
{
	const json_t *l;
	size_t i;

	json_array_foreach (json_object_get(v, "links"), i, l)
		if (json_integer_value(json_object_get(l, "rank_a")) == a &&
		    json_integer_value(json_object_get(l, "rank_b")) == b)
			return l;
	return NULL;
}

static void run(bool slow_node)
{
	const struct mpi_model_cfg cfg = { 5, 0.1 };
	struct mpi_sweep_opts so = { .outlier_threshold = 5,
				     .mad_floor = 0.1,
				     .retest_budget = 64 };
	struct bench_result r = { 0 };
	struct sweep sw = { 0 };
	char *hosts[N], name[N][16], *out = NULL;
	int ep_rank[N], code = -1;
	bool usable[N];
	unsigned seed = 7;
	size_t out_len = 0;
	const json_t *v, *link;
	FILE *f;

	for (int e = 0; e < N; e++) {
		snprintf(name[e], sizeof(name[e]), "node%d", e);
		hosts[e] = name[e];
		ep_rank[e] = e;
		usable[e] = true;
	}
	sw.so = &so;
	sw.hosts = sw.nodes = hosts;
	sw.ep_rank = ep_rank;
	sw.n_ep = sw.world = N;
	sw.lat_size = 0;
	sw.bw_size = SIZE_MAX;
	sw.r = &r;
	r.run = json_object();
	sw.failed_pairs = json_array();
	sw.failed_ranks = json_array();
	CHECK(!mpi_figs_init(&sw.figs, N, mpi_fig_metrics(true, false)),
	      "figs");
	for (int a = 0; a < N; a++)
		for (int b = a + 1; b < N; b++) {
			struct mpi_fig x = pair_fig(a, b, slow_node, &seed);

			mpi_figs_set(&sw.figs, a, b, &x);
		}
	CHECK(!mpi_model_fit(&sw.figs, &cfg, &sw.model), "fit");
	CHECK(!mpi_plan_make(&sw.model, usable, so.retest_budget, 0, &sw.plan),
	      "plan");
	/* every retest shows the fault again, the controls nothing more */
	for (size_t i = 0; i < sw.plan.n; i++) {
		struct mpi_retest *t = &sw.plan.t[i];

		t->fig = pair_fig(t->a, t->b, slow_node, &seed);
		t->measured = true;
	}
	f = open_memstream(&out, &out_len);
	CHECK(f && !sweep_verdicts(&sw, f, &code), "verdicts");
	if (f)
		fclose(f);
	v = json_object_get(r.run, "verdicts");
	link = link_of(v, FLAP_A, FLAP_B);
	CHECK(code == BENCH_EXIT_CHECK, "exit %d, expected 1", code);
	CHECK(link, "link %d-%d judged", FLAP_A, FLAP_B);
	if (!slow_node) {
		CHECK(!strcmp(status_of(link), "CONFIRMED"),
		      "a flapping link alone: %s, expected CONFIRMED",
		      status_of(link));
		CHECK(json_integer_value(json_object_get(v, "confirmed")) == 1,
		      "confirmed %lld",
		      json_integer_value(json_object_get(v, "confirmed")));
	} else {
		const json_t *node =
			json_array_get(json_object_get(v, "nodes"), SLOW);
		const json_t *reason =
			json_array_get(json_object_get(link, "reasons"), 0);
		const json_t *end = json_object_get(reason, "end_confirmed");

		CHECK(!strcmp(status_of(node), "CONFIRMED"),
		      "the slow node: %s, expected CONFIRMED", status_of(node));
		CHECK(!strcmp(status_of(link), "INCONCLUSIVE"),
		      "the link at the slow node: %s, expected INCONCLUSIVE",
		      status_of(link));
		CHECK(json_integer_value(
			      json_object_get(reason, "reproduced")) == 3,
		      "its retests reproduced it");
		CHECK(!strcmp(json_string_value(json_object_get(end, "host"))
				      ?: "",
			      "node3") &&
			      !strcmp(json_string_value(
					      json_object_get(end, "code"))
					      ?: "",
				      "SLOW_NODE"),
		      "end_confirmed names node3 SLOW_NODE");
		CHECK(json_array_size(json_object_get(
			      json_object_get(r.run, "suspects"), "links")) ==
			      0,
		      "no link blamed in run.suspects");
		CHECK(out &&
			      strstr(out, "node3-node6 | WARNING: ibpong: "
					  "UNSTABLE") &&
			      strstr(out, "its end node3 is CONFIRMED "
					  "SLOW_NODE"),
		      "the link's line:\n%s", out ? out : "");
		CHECK(out && strstr(out, "node3 | ERROR: ibpong: SLOW_NODE"),
		      "the node's line:\n%s", out ? out : "");
	}
	if (failures)
		fprintf(stderr, "%s", out ? out : "");
	free(out);
	mpi_plan_free(&sw.plan);
	mpi_model_free(&sw.model);
	mpi_figs_free(&sw.figs);
	json_decref(r.run);
	json_decref(sw.failed_pairs);
	json_decref(sw.failed_ranks);
}

int main(void)
{
	run(false);
	run(true);
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	else
		printf("ok: a flapping link alone CONFIRMED; at a CONFIRMED "
		       "slow node INCONCLUSIVE, naming the node\n");
	return failures ? 1 : 0;
}
