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
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stats.h"
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

unsigned mpi_fig_metrics(bool latency, bool bandwidth)
{
	return (latency ? 1u << MPI_METRIC_LAT | 1u << MPI_METRIC_TAIL |
				  1u << MPI_METRIC_SPREAD
			: 0) |
	       (bandwidth ? 1u << MPI_METRIC_BW : 0);
}

double mpi_figs_pair_bytes(unsigned metrics)
{
	return __builtin_popcount(metrics) * sizeof(uint16_t) + 1.0 / 8;
}

/*
 * bfloat16: the upper 16 bits of a float, rounded to nearest even. NAN
 * is 0xffff; a value rounded past the largest float is infinite, still
 * the worst. A slot holds the pattern's complement, so that zero bytes
 * (calloc's pages, a reserved file's blocks) read as "not measured".
 */
#define BF16_NAN 0xffffu

static uint16_t bf16_from(double x)
{
	float f = (float)x;
	uint32_t u;

	if (isnan(f))
		return BF16_NAN;
	memcpy(&u, &f, sizeof(u));
	u += 0x7fffu + ((u >> 16) & 1u);
	return (uint16_t)(u >> 16);
}

static double bf16_to(uint16_t h)
{
	uint32_t u = (uint32_t)h << 16;
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/* The bfloat16 pattern of metric k at slot p, and its store. */
static uint16_t fig_get(const struct mpi_figs *f, int k, uint64_t p)
{
	return (uint16_t)~f->m[k][p];
}

static void fig_put(struct mpi_figs *f, int k, uint64_t p, uint16_t h)
{
	f->m[k][p] = (uint16_t)~h;
}

#define FIGS_ALIGN 4096u

/* Where each array lies in one block of every slot: offsets, total. */
static uint64_t figs_layout(const struct mpi_figs *f, uint64_t *off)
{
	uint64_t at = 0;

	for (int k = 0; k <= MPI_METRIC_NR; k++) {
		off[k] = at;
		if (k == MPI_METRIC_NR)
			at += f->n_pairs / 8 + 1; /* the unstable bits */
		else if (f->metrics & (1u << k))
			at += (f->n_pairs + 1) * sizeof(uint16_t);
		at = (at + FIGS_ALIGN - 1) / FIGS_ALIGN * FIGS_ALIGN;
	}
	return at;
}

static void figs_point(struct mpi_figs *f, unsigned char *base,
		       const uint64_t *off)
{
	f->base = base;
	for (int k = 0; k < MPI_METRIC_NR; k++)
		f->m[k] = f->metrics & (1u << k) ? (uint16_t *)(base + off[k])
						 : NULL;
	f->unstable = base + off[MPI_METRIC_NR];
}

static void figs_empty(struct mpi_figs *f, int n, unsigned metrics)
{
	memset(f, 0, sizeof(*f));
	f->n = n;
	f->n_pairs = n > 1 ? (uint64_t)n * (uint64_t)(n - 1) / 2 : 0;
	f->metrics = metrics;
}

int mpi_figs_init(struct mpi_figs *f, int n, unsigned metrics)
{
	uint64_t off[MPI_METRIC_NR + 1];
	unsigned char *base;

	figs_empty(f, n, metrics);
	f->bytes = figs_layout(f, off);
	base = calloc(f->bytes, 1);
	if (!base)
		return -ENOMEM;
	figs_point(f, base, off);
	return 0;
}

/* An unnamed file in dir: O_TMPFILE, else a name unlinked at once. */
static int figs_tmpfile(const char *dir)
{
	char path[4096];
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
			errno != EINVAL && errno != ENOENT))
		return fd >= 0 ? fd : -errno;
	if (snprintf(path, sizeof(path), "%s/.ibpong-figs.XXXXXX", dir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

int mpi_figs_init_file(struct mpi_figs *f, int n, unsigned metrics,
		       const char *dir)
{
	uint64_t off[MPI_METRIC_NR + 1];
	void *base;
	int fd, ret;

	figs_empty(f, n, metrics);
	f->bytes = figs_layout(f, off);
	fd = figs_tmpfile(dir);
	if (fd < 0)
		return fd;
	/* every block reserved now: a full disk is this error, not a
	 * SIGBUS at some store during the sweep */
	ret = -posix_fallocate(fd, 0, (off_t)f->bytes);
	if (ret)
		goto err_close;
	base = mmap(NULL, f->bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		ret = -errno;
		goto err_close;
	}
	close(fd);
	f->mapped = true;
	figs_point(f, base, off);
	return 0;
err_close:
	close(fd);
	figs_empty(f, n, metrics);
	return ret;
}

bool mpi_figs_ready(const struct mpi_figs *f)
{
	return f->unstable != NULL;
}

void mpi_figs_free(struct mpi_figs *f)
{
	if (f->mapped && f->base)
		munmap(f->base, f->bytes);
	else
		free(f->base);
	figs_empty(f, f->n, f->metrics);
}

uint64_t mpi_figs_slot(const struct mpi_figs *f, int a, int b)
{
	uint64_t lo = (uint64_t)(a < b ? a : b), hi = (uint64_t)(a < b ? b : a);

	return lo * (2 * (uint64_t)f->n - lo - 1) / 2 + (hi - lo - 1);
}

void mpi_figs_set(struct mpi_figs *f, int a, int b, const struct mpi_fig *fig)
{
	uint64_t p = mpi_figs_slot(f, a, b);

	for (int k = 0; k < MPI_METRIC_NR; k++)
		if (f->m[k])
			fig_put(f, k, p,
				bf16_from(mpi_fig_metric(fig,
							 (enum mpi_metric)k)));
	if (fig->stable == 0)
		f->unstable[p / 8] |= (uint8_t)(1u << (p % 8));
	else
		f->unstable[p / 8] &= (uint8_t) ~(1u << (p % 8));
}

void mpi_figs_set_metric(struct mpi_figs *f, int a, int b, enum mpi_metric k,
			 double x)
{
	if (f->m[k])
		fig_put(f, k, mpi_figs_slot(f, a, b), bf16_from(x));
}

double mpi_figs_metric(const struct mpi_figs *f, int a, int b,
		       enum mpi_metric k)
{
	return f->m[k] ? bf16_to(fig_get(f, k, mpi_figs_slot(f, a, b))) : NAN;
}

bool mpi_figs_unstable(const struct mpi_figs *f, int a, int b)
{
	uint64_t p = mpi_figs_slot(f, a, b);

	return f->unstable[p / 8] & (1u << (p % 8));
}

/*
 * The batch means' standard deviation scaled to one sample, from the
 * interval of the mean: half-width = t(B-1) sd_B / sqrt(B), and sd_B =
 * sd_1 / sqrt(n / B) for n samples in B batches, so sd_1 = half-width x
 * sqrt(n) / t(B-1). It does not shrink with more iterations (a retest
 * runs 4x as many) while the batches disagree as much.
 */
static float fig_spread(const struct bench_row *r)
{
	double hw = (r->mean_ci_us.hi - r->mean_ci_us.lo) / 2;

	if (!(hw >= 0) || r->batches < 2 || !r->lat_us.count)
		return NAN;
	return (float)(hw * sqrt((double)r->lat_us.count) /
		       bench_t975(r->batches - 1));
}

void mpi_fig_from_rows(const struct bench_row *rows, size_t n, size_t lat_size,
		       size_t bw_size, struct mpi_fig *out)
{
	*out = (struct mpi_fig){ NAN, NAN, NAN, NAN, NAN, NAN, -1 };
	for (size_t i = 0; i < n; i++) {
		const struct bench_row *r = &rows[i];

		if (r->size_bytes == lat_size) {
			out->lat_us = (float)(isnan(r->lat_us.median)
						      ? r->lat_us.mean
						      : r->lat_us.median);
			out->mean_us = (float)r->lat_us.mean;
			out->p99_us = (float)r->lat_us.p99;
			out->max_us = (float)r->lat_us.max;
			out->spread_us = fig_spread(r);
			out->stable = (int8_t)r->stable;
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
	case MPI_METRIC_SPREAD:
		return f->spread_us;
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
		x = mpi_figs_metric(f, e, j, k);
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

/*
 * Medians over every pair in 512 KB, exact for bfloat16 values: a count
 * per bit pattern, the patterns mapped so that their order is the
 * values' order (negative: all bits flipped; positive: the sign set).
 */
#define BF16_KEYS 65536u

static unsigned bf16_key(uint16_t h)
{
	return h & 0x8000u ? (uint16_t)~h : h | 0x8000u;
}

static double bf16_of_key(unsigned k)
{
	return bf16_to((uint16_t)(k & 0x8000u ? k & 0x7fffu : ~k));
}

/* The median of what count holds (n values): the middle two's mean. */
static double key_median(const uint64_t *count, uint64_t n)
{
	uint64_t lo = (n - 1) / 2, hi = n / 2, seen = 0;
	double a = NAN;

	if (!n)
		return NAN;
	for (unsigned k = 0; k < BF16_KEYS; k++) {
		if (!count[k])
			continue;
		if (isnan(a) && seen + count[k] > lo)
			a = bf16_of_key(k);
		if (seen + count[k] > hi)
			return (a + bf16_of_key(k)) / 2;
		seen += count[k];
	}
	return a;
}

/* MAD of the node terms and of the residuals, the pairs' median. */
static int fit_scales(const struct mpi_figs *f, enum mpi_metric k,
		      double floor_base, double floor, struct mpi_fit *fit)
{
	uint64_t *count = calloc(BF16_KEYS, sizeof(*count));
	double *a = malloc(((size_t)f->n + 1) * sizeof(*a)), x;
	uint64_t n = 0, p = 0;
	uint16_t h;

	if (!count || !a) {
		free(count);
		free(a);
		return -ENOMEM;
	}
	for (int e = 0; e < f->n; e++)
		a[e] = fabs(fit->node[e]);
	fit->node_mad = bench_median(a, (size_t)f->n);
	for (p = 0; p < f->n_pairs; p++)
		if ((h = fig_get(f, k, p)) != BF16_NAN) {
			count[bf16_key(h)]++;
			n++;
		}
	fit->median = key_median(count, n);
	memset(count, 0, BF16_KEYS * sizeof(*count));
	n = 0;
	p = 0;
	for (int i = 0; i < f->n; i++)
		for (int j = i + 1; j < f->n; j++, p++) {
			x = bf16_to(fig_get(f, k, p)) - fit->mu - fit->node[i] -
			    fit->node[j];
			if (!isnan(x)) {
				count[bf16_key(bf16_from(fabs(x)))]++;
				n++;
			}
		}
	fit->link_mad = key_median(count, n);
	fit->node_scale =
		MAD_TO_SIGMA * fmax(fit->node_mad, floor * floor_base);
	fit->link_scale =
		MAD_TO_SIGMA * fmax(fit->link_mad, floor * floor_base);
	free(count);
	free(a);
	return 0;
}

static enum mpi_reason node_reason(enum mpi_metric k)
{
	return k == MPI_METRIC_LAT  ? MPI_REASON_SLOW_NODE
	       : k == MPI_METRIC_BW ? MPI_REASON_LOW_BANDWIDTH
				    : MPI_REASON_UNSTABLE;
}

static enum mpi_reason link_reason(enum mpi_metric k)
{
	return k == MPI_METRIC_LAT  ? MPI_REASON_SLOW_LINK
	       : k == MPI_METRIC_BW ? MPI_REASON_LOW_BANDWIDTH
				    : MPI_REASON_UNSTABLE;
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
			if (j != e && !isnan(x = mpi_figs_metric(f, e, j, k)))
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
			x = bf16_to(fig_get(f, k, p));
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

	if (!f->m[k])
		return false; /* not judged in this sweep */
	for (int e = 0; e < f->n && nodes < 3; e++) {
		int cnt = 0;

		for (int j = 0; j < f->n && cnt < 2; j++)
			cnt += j != e && !isnan(mpi_figs_metric(f, e, j, k));
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
	/* the tail's and spread's floor: a fraction of the latency */
	base = k == MPI_METRIC_TAIL || k == MPI_METRIC_SPREAD
		       ? m->fit[MPI_METRIC_LAT].mu
		       : fit->mu;
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
