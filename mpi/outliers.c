// SPDX-License-Identifier: BSD-2-Clause
/*
 * Suspect nodes and links of a sweep (sweep.h, doc/sweeps.md).
 *
 * A node's figure is the median latency of its pairs: one slow peer moves
 * the median of N-1 pairs by at most one rank, so a good node paired once
 * with a bad one stays good, while a bad node is slow in every pair. The
 * nodes' figures are then scored against their own median with the MAD,
 * which, unlike a standard deviation, the outliers themselves cannot
 * inflate. A link is suspect when it stands out among all links while
 * neither of its nodes does: a cable or switch port, not a host.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

#define MAD_TO_SIGMA 1.4826 /* 1 / Phi^-1(3/4): MAD -> sigma for normals */

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double mpi_median(const double *x, size_t n)
{
	double *v, m;
	size_t i, k = 0;

	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return NAN;
	for (i = 0; i < n; i++)
		if (!isnan(x[i]))
			v[k++] = x[i];
	qsort(v, k, sizeof(*v), cmp_dbl);
	m = !k ? NAN : k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	free(v);
	return m;
}

int mpi_robust_scores(const double *x, size_t n, double floor, double *scores,
		      double *median, double *mad)
{
	double *dev, m, d, scale;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += !isnan(x[i]);
	if (k < 3)
		return -EINVAL;
	dev = malloc(n * sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	m = mpi_median(x, n);
	for (i = 0; i < n; i++)
		dev[i] = isnan(x[i]) ? NAN : fabs(x[i] - m);
	d = mpi_median(dev, n);
	free(dev);
	scale = MAD_TO_SIGMA * fmax(d, floor * fabs(m));
	for (i = 0; i < n; i++)
		scores[i] = isnan(x[i]) ? NAN
			    : scale > 0 ? (x[i] - m) / scale
					: (x[i] > m ? INFINITY : 0);
	*median = m;
	*mad = d;
	return 0;
}

/* The latency figure of a row: its median, else its mean. */
static double row_value(const struct bench_row *row)
{
	return isnan(row->lat_us.median) ? row->lat_us.mean
					 : row->lat_us.median;
}

struct links {
	const struct bench_row **rows; /* the pairs' rows at the size */
	double *val;
	double *score;
	size_t n;
	int *ep_of_rank; /* world rank -> endpoint, -1 */
	int n_ranks;
};

static void links_free(struct links *l)
{
	free(l->rows);
	free(l->val);
	free(l->score);
	free(l->ep_of_rank);
}

static int links_collect(const struct bench_result *r,
			 const struct mpi_sweep_view *v, size_t size,
			 struct links *l)
{
	size_t i;
	int e;

	memset(l, 0, sizeof(*l));
	for (e = 0; e < v->n_ep; e++)
		l->n_ranks = v->ep_rank[e] + 1 > l->n_ranks ? v->ep_rank[e] + 1
							    : l->n_ranks;
	l->rows = calloc(r->n_rows + 1, sizeof(*l->rows));
	l->val = calloc(r->n_rows + 1, sizeof(*l->val));
	l->score = calloc(r->n_rows + 1, sizeof(*l->score));
	l->ep_of_rank = malloc(((size_t)l->n_ranks + 1) * sizeof(int));
	if (!l->rows || !l->val || !l->score || !l->ep_of_rank)
		return -ENOMEM;
	for (e = 0; e < l->n_ranks; e++)
		l->ep_of_rank[e] = -1;
	for (e = 0; e < v->n_ep; e++)
		l->ep_of_rank[v->ep_rank[e]] = e;
	for (i = 0; i < r->n_rows; i++) {
		const struct bench_row *row = &r->rows[i];

		if (row->size_bytes != size || row->rank_a < 0 ||
		    row->rank_a >= l->n_ranks || row->rank_b >= l->n_ranks ||
		    l->ep_of_rank[row->rank_a] < 0 ||
		    l->ep_of_rank[row->rank_b] < 0)
			continue;
		l->rows[l->n] = row;
		l->val[l->n++] = row_value(row);
	}
	return 0;
}

/* Median of the links of each endpoint. */
static int node_values(const struct links *l, int n_ep, double *x)
{
	double *tmp = malloc((l->n + 1) * sizeof(*tmp));
	size_t i, k;
	int e;

	if (!tmp)
		return -ENOMEM;
	for (e = 0; e < n_ep; e++) {
		for (i = 0, k = 0; i < l->n; i++)
			if (l->ep_of_rank[l->rows[i]->rank_a] == e ||
			    l->ep_of_rank[l->rows[i]->rank_b] == e)
				tmp[k++] = l->val[i];
		x[e] = k ? mpi_median(tmp, k) : NAN;
	}
	free(tmp);
	return 0;
}

static json_t *node_json(const struct mpi_sweep_view *v, int e, double score,
			 double x)
{
	int rank = v->ep_rank[e];

	return json_pack("{s:s, s:i, s:s, s:f, s:f}", "node", v->nodes[rank],
			 "rank", rank, "host", v->hosts[rank], "score", score,
			 "median_us", x);
}

static json_t *link_json(const struct mpi_sweep_view *v,
			 const struct bench_row *row, double score)
{
	int a = row->rank_a, b = row->rank_b;

	return json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:f, s:f}", "a", a,
			 "b", b, "host_a", v->hosts[a], "host_b", v->hosts[b],
			 "node_a", v->nodes[a], "node_b", v->nodes[b], "score",
			 score, "latency_us", row_value(row));
}

/* Suspect nodes into arr; bad[e] marks them. Returns how many. */
static int nodes_judge(const struct mpi_sweep_view *v, const double *x,
		       const double *score, double threshold, bool *bad,
		       json_t *arr, FILE *f, double median)
{
	int e, n = 0;

	for (e = 0; e < v->n_ep; e++) {
		bad[e] = score[e] > threshold;
		if (!bad[e])
			continue;
		n++;
		json_array_append_new(arr, node_json(v, e, score[e], x[e]));
		fprintf(f,
			"suspect node %s: rank %d on %s, median of its pairs "
			"%.2f us against %.2f us for the cluster (score "
			"%.1f)\n",
			v->nodes[v->ep_rank[e]], v->ep_rank[e],
			v->hosts[v->ep_rank[e]], x[e], median, score[e]);
	}
	return n;
}

static int links_judge(const struct mpi_sweep_view *v, const struct links *l,
		       double threshold, const bool *bad, json_t *arr, FILE *f)
{
	const struct bench_row *row;
	size_t i;
	int n = 0;

	for (i = 0; i < l->n; i++) {
		row = l->rows[i];
		if (!(l->score[i] > threshold) ||
		    bad[l->ep_of_rank[row->rank_a]] ||
		    bad[l->ep_of_rank[row->rank_b]])
			continue;
		n++;
		json_array_append_new(arr, link_json(v, row, l->score[i]));
		fprintf(f,
			"suspect link %d (%s) - %d (%s): %.2f us (score "
			"%.1f)\n",
			row->rank_a, v->hosts[row->rank_a], row->rank_b,
			v->hosts[row->rank_b], row_value(row), l->score[i]);
	}
	return n;
}

static json_t *suspects_head(size_t size, double threshold, double floor,
			     double median, double mad)
{
	return json_pack("{s:I, s:s, s:f, s:f, s:f, s:f, s:[], s:[]}",
			 "size_bytes", (json_int_t)size, "statistic",
			 "latency_us.median", "threshold", threshold,
			 "mad_floor", floor, "median_us",
			 isnan(median) ? 0.0 : median, "mad_us",
			 isnan(mad) ? 0.0 : mad, "nodes", "links");
}

int mpi_sweep_suspects(struct bench_result *r, const struct mpi_sweep_view *v,
		       size_t size, double threshold, double floor, FILE *f)
{
	double *x = NULL, *score = NULL, median = NAN, mad = NAN, lm, lmad;
	bool *bad = NULL;
	struct links l;
	json_t *sus = NULL;
	int ret, n = 0;

	ret = links_collect(r, v, size, &l);
	x = calloc((size_t)v->n_ep + 1, sizeof(*x));
	score = calloc((size_t)v->n_ep + 1, sizeof(*score));
	bad = calloc((size_t)v->n_ep + 1, sizeof(*bad));
	if (ret || !x || !score || !bad) {
		ret = -ENOMEM;
		goto out;
	}
	ret = node_values(&l, v->n_ep, x);
	if (ret)
		goto out;
	if (mpi_robust_scores(x, (size_t)v->n_ep, floor, score, &median,
			      &mad) == 0) {
		sus = suspects_head(size, threshold, floor, median, mad);
		ret = sus ? 0 : -ENOMEM;
		if (!sus)
			goto out;
		n = nodes_judge(v, x, score, threshold, bad,
				json_object_get(sus, "nodes"), f, median);
	}
	if (sus &&
	    mpi_robust_scores(l.val, l.n, floor, l.score, &lm, &lmad) == 0)
		n += links_judge(v, &l, threshold, bad,
				 json_object_get(sus, "links"), f);
	ret = sus && json_object_set_new(r->run, "suspects", sus) ? -ENOMEM : n;
out:
	links_free(&l);
	free(x);
	free(score);
	free(bad);
	return ret;
}
