/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * compare --group-by: runs grouped by a label (a region, a cluster), one
 * column per group, each cell the median across the group's runs.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/verdict.h"
#include "exit.h"
#include "log.h"
#include "variant.h"

#define GROUP_NONE "(unlabelled)"

/* The results of one test, grouped. */
struct group_table {
	const struct report_set *set;
	const char *key;
	size_t *members; /* indices into set of this test's results */
	size_t n_members;
	const char **names; /* group names, baseline first */
	size_t n_groups;
	size_t *group_of; /* group index of each member */
	size_t *sizes;	  /* distinct sizes, ascending */
	size_t n_sizes;
	size_t n_rows; /* rows of all results: bounds a cell's points */
	struct report_metric metric;
};

static const char *group_name(const struct bench_result *r, const char *key)
{
	const char *v = bench_result_label(r, key);

	return v ? v : GROUP_NONE;
}

static bool group_same_test(const struct bench_result *a,
			    const struct bench_result *b)
{
	if (!report_same_variant(a, b, NULL, 0))
		return false;
	if (!a->test_name || !b->test_name)
		return a->test_name == b->test_name;
	return !strcmp(a->test_name, b->test_name);
}

static size_t group_index(struct group_table *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->n_groups; i++)
		if (!strcmp(g->names[i], name))
			return i;
	g->names[g->n_groups] = name;
	return g->n_groups++;
}

static void group_add_size(struct group_table *g, size_t size)
{
	size_t i, j;

	for (i = 0; i < g->n_sizes && g->sizes[i] < size; i++)
		;
	if (i < g->n_sizes && g->sizes[i] == size)
		return;
	for (j = g->n_sizes; j > i; j--)
		g->sizes[j] = g->sizes[j - 1];
	g->sizes[i] = size;
	g->n_sizes++;
}

/* Fill g with the results of the same test as set->items[first]. */
static int group_build(struct group_table *g, size_t first)
{
	const struct report_set *set = g->set;
	size_t i, k, n_rows = 0;

	g->members = calloc(set->count, sizeof(*g->members));
	g->names = calloc(set->count, sizeof(*g->names));
	g->group_of = calloc(set->count, sizeof(*g->group_of));
	for (i = 0; i < set->count; i++)
		n_rows += set->items[i].n_rows;
	g->n_rows = n_rows;
	g->sizes = calloc(n_rows + 1, sizeof(*g->sizes));
	if (!g->members || !g->names || !g->group_of || !g->sizes)
		return -ENOMEM;
	for (i = first; i < set->count; i++) {
		const struct bench_result *r = &set->items[i];

		if (!group_same_test(r, &set->items[first]))
			continue;
		g->members[g->n_members] = i;
		g->group_of[g->n_members++] =
			group_index(g, group_name(r, g->key));
		for (k = 0; k < r->n_rows; k++)
			group_add_size(g, r->rows[k].size_bytes);
	}
	return 0;
}

static void group_free(struct group_table *g)
{
	free(g->members);
	free(g->names);
	free(g->group_of);
	free(g->sizes);
}

/* The aggregated point of group gi at size. */
static void group_point(const struct group_table *g, size_t gi, size_t size,
			struct report_point *pts, struct report_point *out)
{
	size_t i, k, n = 0;

	for (i = 0; i < g->n_members; i++) {
		const struct bench_result *r = &g->set->items[g->members[i]];

		if (g->group_of[i] != gi)
			continue;
		for (k = 0; k < r->n_rows; k++)
			if (r->rows[k].size_bytes == size)
				report_point_get(&r->rows[k], &g->metric,
						 &pts[n++]);
	}
	report_point_aggregate(pts, n, out);
}

static void group_print_header(const struct group_table *g)
{
	const struct bench_result *r = &g->set->items[g->members[0]];
	char label[64];
	size_t i, k, runs;

	printf("test %s %s (%s): %s by %s; baseline group '%s'\n",
	       r->tool ? r->tool : "?", r->test_name ? r->test_name : "?",
	       bench_test_name(r->test),
	       report_metric_label(&g->metric, label, sizeof(label)), g->key,
	       g->names[0]);
	for (i = 0; i < g->n_groups; i++) {
		for (runs = 0, k = 0; k < g->n_members; k++)
			runs += g->group_of[k] == i;
		printf("  group '%s': %zu run(s)\n", g->names[i], runs);
	}
	printf("\n%10s %14.14s", "size", g->names[0]);
	for (i = 1; i < g->n_groups; i++)
		printf(" | %14.14s %7s %-8s %-12s", g->names[i], "ratio",
		       "95% CI", "verdict");
	printf("\n");
}

static int group_print(const struct group_table *g,
		       const struct report_cmp_rule *rule,
		       unsigned *regressions, unsigned *inconclusive)
{
	struct report_point *pts, base, cand;
	enum report_cmp_verdict v;
	size_t s, i;

	pts = calloc(g->n_rows + 1, sizeof(*pts));
	if (!pts)
		return -ENOMEM;
	group_print_header(g);
	for (s = 0; s < g->n_sizes; s++) {
		group_point(g, 0, g->sizes[s], pts, &base);
		printf("%10zu %14.3f", g->sizes[s], base.value);
		for (i = 1; i < g->n_groups; i++) {
			group_point(g, i, g->sizes[s], pts, &cand);
			v = report_cmp_judge(rule, g->metric.bandwidth, &base,
					     &cand, NULL);
			*regressions += v == REPORT_CMP_REGRESSION;
			*inconclusive += v == REPORT_CMP_INCONCLUSIVE;
			printf(" | %14.3f %7.3f %-8s %-12s", cand.value,
			       cand.value / base.value,
			       report_cmp_ci_name(
				       report_cmp_intervals(&base, &cand)),
			       report_cmp_verdict_name(v));
		}
		printf("\n");
	}
	printf("\n");
	free(pts);
	return 0;
}

int report_compare_groups(const struct report_cmp_rule *rule, int stat,
			  const char *key, const struct report_set *set)
{
	unsigned regressions = 0, inconclusive = 0;
	bool *done;
	size_t i, k;
	int ret = 0;

	done = calloc(set->count + 1, sizeof(*done));
	if (!done)
		return BENCH_EXIT_RUNTIME;
	for (i = 0; i < set->count && !ret; i++) {
		struct group_table g = { .set = set, .key = key };

		if (done[i])
			continue;
		ret = group_build(&g, i);
		if (!ret) {
			for (k = 0; k < g.n_members; k++)
				done[g.members[k]] = true;
			report_metric_choose(&set->items[i], stat, &g.metric,
					     NULL);
			ret = group_print(&g, rule, &regressions,
					  &inconclusive);
		}
		group_free(&g);
	}
	free(done);
	if (ret) {
		bench_err("out of memory");
		return BENCH_EXIT_RUNTIME;
	}
	printf("summary: %u regression(s), %u inconclusive across groups by "
	       "%s\n",
	       regressions, inconclusive, key);
	return report_cmp_exit(regressions, inconclusive);
}
