// SPDX-License-Identifier: BSD-2-Clause
/*
 * Suspect nodes and links of a sweep (sweep.h, doc/sweeps.md).
 *
 * Every pair's figure is fitted as x_ab = mu + node_a + node_b + link_ab
 * by median polish: a node term is the median, over the node's pairs, of
 * what is left once mu and the partners' terms are taken out, so one bad
 * partner cannot move it, while a bad node shifts all its pairs. What the
 * node terms do not explain is the link's residual: a cable, a switch
 * port, a route. Terms and residuals are scored against their own MAD,
 * which, unlike a standard deviation, the outliers cannot inflate. Three
 * metrics are fitted the same way: the median latency (SLOW_NODE,
 * SLOW_LINK), the tail's mass mean - median (UNSTABLE: loss and flapping
 * move the tail, not the median) and the bandwidth as time per byte
 * (LOW_BANDWIDTH: a link capped at 1/40 of the rest takes 40x the time,
 * a residual the model sees, while its bandwidth is only 194 MB/s below
 * the median, within the noise of the others).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

#define MAD_TO_SIGMA 1.4826 /* 1 / Phi^-1(3/4): MAD -> sigma for normals */

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
	m = bench_median(x, n);
	for (i = 0; i < n; i++)
		dev[i] = isnan(x[i]) ? NAN : fabs(x[i] - m);
	d = bench_median(dev, n);
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

#define POLISH_ITERS_MAX 20
#define SUSPECTS_MAX	 4096 /* links listed at most: the strongest */

int mpi_figs_init(struct mpi_figs *f, int n)
{
	uint64_t i;

	f->n = n;
	f->n_pairs = n > 1 ? (uint64_t)n * (uint64_t)(n - 1) / 2 : 0;
	f->f = malloc((f->n_pairs + 1) * sizeof(*f->f));
	if (!f->f)
		return -ENOMEM;
	for (i = 0; i < f->n_pairs; i++)
		f->f[i] = (struct mpi_fig){ NAN, NAN, NAN, NAN, NAN };
	return 0;
}

void mpi_figs_free(struct mpi_figs *f)
{
	free(f->f);
	f->f = NULL;
}

struct mpi_fig *mpi_figs_at(const struct mpi_figs *f, int a, int b)
{
	uint64_t lo = (uint64_t)(a < b ? a : b), hi = (uint64_t)(a < b ? b : a);

	return &f->f[lo * (2 * (uint64_t)f->n - lo - 1) / 2 + (hi - lo - 1)];
}

void mpi_fig_from_rows(const struct bench_row *rows, size_t n, size_t lat_size,
		       size_t bw_size, struct mpi_fig *out)
{
	*out = (struct mpi_fig){ NAN, NAN, NAN, NAN, NAN };
	for (size_t i = 0; i < n; i++) {
		const struct bench_row *r = &rows[i];

		if (r->size_bytes == lat_size) {
			out->lat_us = (float)(isnan(r->lat_us.median)
						      ? r->lat_us.mean
						      : r->lat_us.median);
			out->mean_us = (float)r->lat_us.mean;
			out->p99_us = (float)r->lat_us.p99;
			out->max_us = (float)r->lat_us.max;
		}
		if (r->size_bytes == bw_size)
			out->bw_MBps = (float)r->bw_MBps;
	}
}

static const char *const reason_names[] = {
	[MPI_REASON_SLOW_NODE] = "SLOW_NODE",
	[MPI_REASON_SLOW_LINK] = "SLOW_LINK",
	[MPI_REASON_LOW_BANDWIDTH] = "LOW_BANDWIDTH",
	[MPI_REASON_UNSTABLE] = "UNSTABLE",
	[MPI_REASON_UNREACHABLE] = "UNREACHABLE",
	[MPI_REASON_FAILED] = "FAILED",
};

const char *mpi_reason_name(enum mpi_reason r)
{
	return (unsigned)r < MPI_REASON_NR ? reason_names[r] : "?";
}

double mpi_fig_metric(const struct mpi_fig *f, enum mpi_metric k)
{
	switch (k) {
	case MPI_METRIC_LAT:
		return f->lat_us;
	case MPI_METRIC_TAIL:
		return (double)f->mean_us - (double)f->lat_us;
	default: /* time per byte: delays add up, bandwidths do not */
		return f->bw_MBps > 0 ? 1000 / (double)f->bw_MBps : NAN;
	}
}

double mpi_metric_show(enum mpi_metric k, double x)
{
	return k == MPI_METRIC_BW && x > 0 ? 1000 / x : x;
}

/* +1 where larger is worse (all three, bandwidth as time per byte). */
static double metric_sign(enum mpi_metric k)
{
	(void)k;
	return 1;
}

/* Row e of the metric, less mu and the partners' terms, into buf. */
static size_t polish_row(const struct mpi_figs *f, enum mpi_metric k, int e,
			 double mu, const double *node, double *buf)
{
	size_t n = 0;
	double x;

	for (int j = 0; j < f->n; j++) {
		if (j == e)
			continue;
		x = mpi_fig_metric(mpi_figs_at(f, e, j), k);
		if (!isnan(x) && !isnan(node[j]))
			buf[n++] = x - mu - node[j];
	}
	return n;
}

/*
 * Median polish of a symmetric table. Start: node_e = median of row e
 * less mu, mu = the median of the row medians. Then node_e = median_j(x_ej
 * - mu - node_j), updated in place (Gauss-Seidel), the median of the terms
 * moved into mu, until nothing moves. Memory: two rows.
 */
static int polish(const struct mpi_figs *f, enum mpi_metric k,
		  struct mpi_fit *fit)
{
	double *buf = malloc(((size_t)f->n + 1) * sizeof(*buf)), c, old, moved;
	double *med = malloc(((size_t)f->n + 1) * sizeof(*med));
	size_t cnt;
	int e, it;

	if (!buf || !med) {
		free(buf);
		free(med);
		return -ENOMEM;
	}
	for (e = 0; e < f->n; e++)
		fit->node[e] = 0;
	for (e = 0; e < f->n; e++) {
		cnt = polish_row(f, k, e, 0, fit->node, buf);
		med[e] = cnt >= 2 ? bench_median(buf, cnt) : NAN;
	}
	fit->mu = bench_median(med, (size_t)f->n);
	for (e = 0; e < f->n; e++)
		fit->node[e] = med[e] - fit->mu;
	for (it = 0; it < POLISH_ITERS_MAX; it++) {
		moved = 0;
		for (e = 0; e < f->n; e++) {
			if (isnan(fit->node[e]))
				continue;
			cnt = polish_row(f, k, e, fit->mu, fit->node, buf);
			old = fit->node[e];
			fit->node[e] = cnt ? bench_median(buf, cnt) : NAN;
			moved = fmax(moved, fabs(fit->node[e] - old));
		}
		c = bench_median(fit->node, (size_t)f->n);
		fit->mu += c;
		for (e = 0; e < f->n; e++)
			fit->node[e] -= c;
		if (moved <= 1e-9 * fabs(fit->mu))
			break;
	}
	free(buf);
	free(med);
	return 0;
}

static int cmp_flt(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* Median of n floats, sorted in place. */
static double median_f(float *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_flt);
	return n % 2 ? v[n / 2] : ((double)v[n / 2 - 1] + v[n / 2]) / 2;
}

/* MAD of the node terms and of the residuals, the pairs' median. */
static int fit_scales(const struct mpi_figs *f, enum mpi_metric k,
		      double floor_base, double floor, struct mpi_fit *fit)
{
	float *r = malloc((f->n_pairs + 1) * sizeof(*r));
	double *a = malloc(((size_t)f->n + 1) * sizeof(*a)), x;
	size_t n = 0;
	uint64_t p = 0;

	if (!r || !a) {
		free(r);
		free(a);
		return -ENOMEM;
	}
	for (int e = 0; e < f->n; e++)
		a[e] = fabs(fit->node[e]);
	fit->node_mad = bench_median(a, (size_t)f->n);
	for (int i = 0; i < f->n; i++)
		for (int j = i + 1; j < f->n; j++, p++)
			if (!isnan(x = mpi_fig_metric(&f->f[p], k)))
				r[n++] = (float)x;
	fit->median = median_f(r, n);
	n = 0;
	p = 0;
	for (int i = 0; i < f->n; i++)
		for (int j = i + 1; j < f->n; j++, p++) {
			x = mpi_fig_metric(&f->f[p], k) - fit->mu -
			    fit->node[i] - fit->node[j];
			if (!isnan(x))
				r[n++] = (float)fabs(x);
		}
	fit->link_mad = median_f(r, n);
	fit->node_scale =
		MAD_TO_SIGMA * fmax(fit->node_mad, floor * floor_base);
	fit->link_scale =
		MAD_TO_SIGMA * fmax(fit->link_mad, floor * floor_base);
	free(r);
	free(a);
	return 0;
}

static enum mpi_reason node_reason(enum mpi_metric k)
{
	return k == MPI_METRIC_LAT    ? MPI_REASON_SLOW_NODE
	       : k == MPI_METRIC_TAIL ? MPI_REASON_UNSTABLE
				      : MPI_REASON_LOW_BANDWIDTH;
}

static enum mpi_reason link_reason(enum mpi_metric k)
{
	return k == MPI_METRIC_LAT    ? MPI_REASON_SLOW_LINK
	       : k == MPI_METRIC_TAIL ? MPI_REASON_UNSTABLE
				      : MPI_REASON_LOW_BANDWIDTH;
}

static int model_add(struct mpi_model *m, size_t *cap,
		     const struct mpi_suspect *s)
{
	struct mpi_suspect *n;

	if (m->n_sus == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		n = realloc(m->sus, *cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		m->sus = n;
	}
	m->sus[m->n_sus++] = *s;
	return 0;
}

double mpi_model_node_score(const struct mpi_model *m, enum mpi_metric k,
			    int partner, double x)
{
	const struct mpi_fit *fit = &m->fit[k];

	if (!fit->ok || isnan(x) || isnan(fit->node[partner]))
		return NAN;
	return metric_sign(k) * (x - fit->mu - fit->node[partner]) /
	       fit->node_scale;
}

double mpi_model_link_score(const struct mpi_model *m, enum mpi_metric k, int a,
			    int b, double x)
{
	const struct mpi_fit *fit = &m->fit[k];

	if (!fit->ok || isnan(x) || isnan(fit->node[a]) || isnan(fit->node[b]))
		return NAN;
	return metric_sign(k) * (x - fit->mu - fit->node[a] - fit->node[b]) /
	       fit->link_scale;
}

/* The nodes of metric k above threshold; bad[e] marks them. */
static int judge_nodes(const struct mpi_figs *f, enum mpi_metric k,
		       double threshold, struct mpi_model *m, size_t *cap,
		       bool *bad)
{
	const struct mpi_fit *fit = &m->fit[k];
	double *buf = malloc(((size_t)f->n + 1) * sizeof(*buf)), sc, x;
	size_t cnt;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (int e = 0; e < f->n && !ret; e++) {
		sc = metric_sign(k) * fit->node[e] / fit->node_scale;
		bad[e] = sc > threshold;
		if (!bad[e])
			continue;
		cnt = 0;
		for (int j = 0; j < f->n; j++)
			if (j != e &&
			    !isnan(x = mpi_fig_metric(mpi_figs_at(f, e, j), k)))
				buf[cnt++] = x;
		ret = model_add(m, cap,
				&(struct mpi_suspect){
					.reason = node_reason(k),
					.metric = k,
					.a = e,
					.b = -1,
					.score = sc,
					.value = bench_median(buf, cnt),
					.expected = fit->median,
					.term = fit->node[e],
				});
	}
	free(buf);
	return ret;
}

/* The links of metric k above threshold whose nodes are not suspect. */
static int judge_links(const struct mpi_figs *f, enum mpi_metric k,
		       double threshold, struct mpi_model *m, size_t *cap,
		       const bool *bad)
{
	const struct mpi_fit *fit = &m->fit[k];
	uint64_t p = 0;
	double x, sc;
	int ret = 0;

	for (int i = 0; i < f->n; i++)
		for (int j = i + 1; j < f->n && !ret; j++, p++) {
			x = mpi_fig_metric(&f->f[p], k);
			sc = mpi_model_link_score(m, k, i, j, x);
			if (!(sc > threshold) || bad[i] || bad[j])
				continue;
			ret = model_add(
				m, cap,
				&(struct mpi_suspect){
					.reason = link_reason(k),
					.metric = k,
					.a = i,
					.b = j,
					.score = sc,
					.value = x,
					.expected = fit->mu + fit->node[i] +
						    fit->node[j],
					.term = x - fit->mu - fit->node[i] -
						fit->node[j],
				});
		}
	return ret;
}

/* Enough figures of metric k: 3 nodes with 2 pairs each at least. */
static bool fit_possible(const struct mpi_figs *f, enum mpi_metric k)
{
	int nodes = 0;

	for (int e = 0; e < f->n && nodes < 3; e++) {
		int cnt = 0;

		for (int j = 0; j < f->n && cnt < 2; j++)
			cnt += j != e &&
			       !isnan(mpi_fig_metric(mpi_figs_at(f, e, j), k));
		nodes += cnt >= 2;
	}
	return nodes >= 3;
}

static int cmp_suspect(const void *a, const void *b)
{
	const struct mpi_suspect *x = a, *y = b;

	return (x->score < y->score) - (x->score > y->score);
}

static int model_metric(const struct mpi_figs *f,
			const struct mpi_model_cfg *cfg, enum mpi_metric k,
			struct mpi_model *m, size_t *cap, bool *bad)
{
	struct mpi_fit *fit = &m->fit[k];
	double base;
	int ret;

	fit->node = calloc((size_t)f->n + 1, sizeof(*fit->node));
	if (!fit->node)
		return -ENOMEM;
	if (!fit_possible(f, k))
		return 0;
	ret = polish(f, k, fit);
	/* the tail's floor is a fraction of the latency, not of the tail */
	base = k == MPI_METRIC_TAIL ? m->fit[MPI_METRIC_LAT].mu : fit->mu;
	if (!ret)
		ret = fit_scales(f, k, fabs(base), cfg->floor, fit);
	if (ret)
		return ret;
	fit->ok = fit->node_scale > 0 && fit->link_scale > 0;
	if (!fit->ok)
		return 0;
	ret = judge_nodes(f, k, cfg->threshold, m, cap, bad);
	return ret ? ret : judge_links(f, k, cfg->threshold, m, cap, bad);
}

int mpi_model_fit(const struct mpi_figs *f, const struct mpi_model_cfg *cfg,
		  struct mpi_model *m)
{
	bool *bad = calloc((size_t)f->n + 1, sizeof(*bad));
	size_t cap = 0;
	int ret = bad ? 0 : -ENOMEM;

	memset(m, 0, sizeof(*m));
	m->n = f->n;
	for (int k = 0; k < MPI_METRIC_NR && !ret; k++)
		ret = model_metric(f, cfg, (enum mpi_metric)k, m, &cap, bad);
	free(bad);
	if (ret) {
		mpi_model_free(m);
		return ret;
	}
	if (m->n_sus) /* qsort's base may not be NULL */
		qsort(m->sus, m->n_sus, sizeof(*m->sus), cmp_suspect);
	if (m->n_sus > SUSPECTS_MAX)
		m->n_sus = SUSPECTS_MAX;
	return 0;
}

void mpi_model_free(struct mpi_model *m)
{
	for (int k = 0; k < MPI_METRIC_NR; k++) {
		free(m->fit[k].node);
		m->fit[k].node = NULL;
	}
	free(m->sus);
	m->sus = NULL;
	m->n_sus = 0;
}
