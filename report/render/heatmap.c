/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The heatmap of a sweep result (rows with a pair): the latency of every
 * pair at the smallest size (the statistic plotted and judged), hosts on
 * both axes, suspects marked, the colour scale anchored to the cluster's
 * median and the target; and its drawing through report/gnuplot/heatmap.gp.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "render/plot_int.h"
#include "render/render.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The smallest size with pair rows; false when r is not a sweep. */
static bool heatmap_size(const struct bench_result *r, size_t *size)
{
	bool found = false;
	size_t i;

	for (i = 0; i < r->n_rows; i++) {
		if (r->rows[i].rank_a < 0)
			continue;
		if (!found || r->rows[i].size_bytes < *size)
			*size = r->rows[i].size_bytes;
		found = true;
	}
	return found;
}

/* Sorted distinct ranks of the pairs at size. */
static size_t heatmap_ranks(const struct bench_result *r, size_t size,
			    int *ranks)
{
	size_t i, k, n = 0;

	for (i = 0; i < r->n_rows; i++) {
		if (r->rows[i].rank_a < 0 || r->rows[i].size_bytes != size)
			continue;
		ranks[n++] = r->rows[i].rank_a;
		ranks[n++] = r->rows[i].rank_b;
	}
	qsort(ranks, n, sizeof(*ranks), cmp_int);
	for (i = 0, k = 0; i < n; i++)
		if (!k || ranks[k - 1] != ranks[i])
			ranks[k++] = ranks[i];
	return k;
}

static size_t heatmap_index(const int *ranks, size_t n, int rank)
{
	const int *p = bsearch(&rank, ranks, n, sizeof(*ranks), cmp_int);

	return (size_t)(p - ranks);
}

static void heatmap_fill(const struct bench_result *r, size_t size,
			 const struct report_metric *m, const int *ranks,
			 size_t n, double *cells)
{
	const struct bench_row *row;
	struct report_point pt;
	size_t i, a, b;

	for (i = 0; i < n * n; i++)
		cells[i] = NAN;
	for (i = 0; i < r->n_rows; i++) {
		row = &r->rows[i];
		if (row->rank_a < 0 || row->size_bytes != size)
			continue;
		report_point_get(row, m, &pt);
		a = heatmap_index(ranks, n, row->rank_a);
		b = heatmap_index(ranks, n, row->rank_b);
		cells[a * n + b] = cells[b * n + a] = pt.value;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The cluster's median: of every measured pair, each counted once. */
static double heatmap_median(const double *cells, size_t n)
{
	double *v = calloc(n * n + 1, sizeof(*v)), med = NAN;
	size_t i, k, c = 0;

	if (!v)
		return NAN;
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (!isnan(cells[i * n + k]))
				v[c++] = cells[i * n + k];
	qsort(v, c, sizeof(*v), cmp_double);
	if (c)
		med = c % 2 ? v[c / 2] : (v[c / 2 - 1] + v[c / 2]) / 2;
	free(v);
	return med;
}

/* Whether rank is an endpoint of ranks (its index into *idx). */
static bool heatmap_find(const int *ranks, size_t n, json_int_t rank,
			 size_t *idx)
{
	int k = (int)rank;
	const int *p = rank == k
			       ? bsearch(&k, ranks, n, sizeof(*ranks), cmp_int)
			       : NULL;

	if (p)
		*idx = (size_t)(p - ranks);
	return p != NULL;
}

/*
 * Host labels, and run.suspects (ibpong-mpi's {nodes, links}): suspect
 * nodes flagged, suspect links marked in both cells.
 */
static void heatmap_names(const struct bench_result *r, const int *ranks,
			  size_t n, char (*labels)[48], bool *suspect,
			  unsigned char *marks)
{
	const json_t *hosts = json_object_get(r->run, "hosts");
	const json_t *sus = json_object_get(r->run, "suspects"), *it;
	size_t i, a, b;
	const char *h;

	for (i = 0; i < n; i++) {
		h = json_string_value(json_array_get(hosts, (size_t)ranks[i]));
		if (h)
			snprintf(labels[i], 48, "%.40s", h);
		else
			snprintf(labels[i], 48, "rank %d", ranks[i]);
	}
	json_array_foreach (json_object_get(sus, "nodes"), i, it)
		if (heatmap_find(
			    ranks, n,
			    json_integer_value(json_object_get(it, "rank")),
			    &a))
			suspect[a] = true;
	json_array_foreach (json_object_get(sus, "links"), i, it)
		if (heatmap_find(ranks, n,
				 json_integer_value(json_object_get(it, "a")),
				 &a) &&
		    heatmap_find(ranks, n,
				 json_integer_value(json_object_get(it, "b")),
				 &b))
			marks[a * n + b] = marks[b * n + a] = 1;
}

/* Buffers of a heatmap of n endpoints. */
struct heatmap_buf {
	int *ranks;
	double *cells;
	char (*labels)[48];
	const char **lp;
	bool *suspect;
	unsigned char *marks;
};

static int heatmap_alloc(struct heatmap_buf *b, size_t n)
{
	b->cells = calloc(n * n + 1, sizeof(*b->cells));
	b->labels = calloc(n + 1, sizeof(*b->labels));
	b->lp = calloc(n + 1, sizeof(*b->lp));
	b->suspect = calloc(n + 1, sizeof(*b->suspect));
	b->marks = calloc(n * n + 1, sizeof(*b->marks));
	return b->cells && b->labels && b->lp && b->suspect && b->marks
		       ? 0
		       : -ENOMEM;
}

static void heatmap_free(struct heatmap_buf *b)
{
	free(b->ranks);
	free(b->cells);
	free(b->labels);
	free(b->lp);
	free(b->suspect);
	free(b->marks);
}

int render_heatmap(const struct bench_result *r, const struct render_opts *o,
		   unsigned idx, struct render_image *img, bool *drawn)
{
	struct report_heatmap hm = { 0 };
	struct heatmap_buf b = { 0 };
	const struct report_target *t;
	struct report_metric m;
	char title[256], name[64], cb[96], hs[24];
	size_t size = 0, n, i;
	int ret;

	*drawn = false;
	if (!heatmap_size(r, &size))
		return 0;
	b.ranks = calloc(2 * r->n_rows + 1, sizeof(*b.ranks));
	if (!b.ranks)
		return -ENOMEM;
	n = heatmap_ranks(r, size, b.ranks);
	ret = heatmap_alloc(&b, n);
	if (ret)
		goto out;
	report_metric_choose(r, o->stat, &m, NULL);
	m.bandwidth = false;
	heatmap_fill(r, size, &m, b.ranks, n, b.cells);
	heatmap_names(r, b.ranks, n, b.labels, b.suspect, b.marks);
	for (i = 0; i < n; i++)
		b.lp[i] = b.labels[i];
	/* The target anchors the scale where the judgement applies. */
	t = !o->judge || report_profile_applies(&o->judge->profile, r, cb,
						sizeof(cb))
		    ? report_target_find(o->targets, o->n_targets, size)
		    : NULL;
	render_size_text(size, hs, sizeof(hs));
	snprintf(title, sizeof(title),
		 "%s %s: pair latency at %s (%zu endpoints)",
		 r->tool ? r->tool : "?", r->test_name ? r->test_name : "?", hs,
		 n);
	snprintf(cb, sizeof(cb), "%s %s latency (us)", bench_stat_name(m.stat),
		 bench_lat_kind_name(r->lat_kind));
	hm = (struct report_heatmap){ .title = title,
				      .cblabel = cb,
				      .labels = b.lp,
				      .suspect = b.suspect,
				      .n = n,
				      .cells = b.cells,
				      .marks = b.marks,
				      .median = heatmap_median(b.cells, n),
				      .target = t ? t->max_us : NAN };
	snprintf(name, sizeof(name), "plot%u-heatmap", idx);
	ret = report_plot_heatmap(&hm, o->out_dir, name, o->format, img->path,
				  sizeof(img->path));
	snprintf(img->caption, sizeof(img->caption),
		 "%.160s; colour: pale at the cluster median (%.3g us), red at "
		 "the %s (%.3g us)",
		 title, hm.median, t ? "target" : "twice the median",
		 t ? t->max_us : 2 * hm.median);
	*drawn = !ret;
out:
	heatmap_free(&b);
	return ret;
}

/* "x y value" per measured cell; -EINVAL if none. */
static int heatmap_write(const struct report_heatmap *hm, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i, k, n = 0;
	double v;

	if (!f) {
		bench_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	for (i = 0; i < hm->n; i++)
		for (k = 0; k < hm->n; k++) {
			v = hm->cells[i * hm->n + k];
			if (isnan(v))
				continue;
			fprintf(f, "%zu %zu %.17g\n", k, i, v);
			n++;
		}
	if (fclose(f)) {
		bench_err("%s: %s", path, strerror(errno));
		return -EIO;
	}
	return n ? 0 : -EINVAL;
}

/* The suspect links' cells, "x y"; name[0] = '\0' when there is none. */
static int heatmap_write_marks(const struct report_heatmap *hm, const char *dir,
			       char *name)
{
	char path[PATH_MAX];
	size_t i, n = 0;
	FILE *f;

	for (i = 0; hm->marks && i < hm->n * hm->n; i++)
		n += hm->marks[i] != 0;
	if (!n) {
		name[0] = '\0';
		return 0;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "w");
	if (!f) {
		bench_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	for (i = 0; i < hm->n * hm->n; i++)
		if (hm->marks[i])
			fprintf(f, "%zu %zu\n", i % hm->n, i / hm->n);
	if (fclose(f)) {
		bench_err("%s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* At most about 24 labels along an axis; '"' in a host name as '. */
static void heatmap_tics(const struct report_heatmap *hm, char *out, size_t len)
{
	size_t i, step = hm->n > 24 ? (hm->n + 23) / 24 : 1, off, k;
	char label[64];

	off = (size_t)snprintf(out, len, "(");
	for (i = 0; i < hm->n && off < len; i += step) {
		snprintf(label, sizeof(label), "%s%s", hm->labels[i],
			 hm->suspect && hm->suspect[i] ? " (!)" : "");
		for (k = 0; label[k]; k++)
			if (label[k] == '"' || label[k] == '\\')
				label[k] = '\'';
		off += (size_t)snprintf(out + off, len - off, "%s\"%s\" %zu",
					i ? ", " : "", label, i);
	}
	if (off < len)
		snprintf(out + off, len - off, ")");
}

/*
 * The colour scale (see struct report_heatmap): pale at the median,
 * yellow half way, red at the target, dark red beyond it. Fills the
 * gnuplot palette and colour-bar tics, and the range [*lo, *hi].
 */
static void heatmap_scale(const struct report_heatmap *hm, char *pal,
			  char *tics, size_t len, double *lo, double *hi)
{
	double vmin = INFINITY, m = hm->median, t, pm, pt, v;
	size_t i;

	for (i = 0; i < hm->n * hm->n; i++) {
		v = hm->cells[i];
		if (!isnan(v) && v < vmin)
			vmin = v;
	}
	t = isfinite(hm->target) ? hm->target : 2 * m;
	*lo = fmin(vmin, fmin(m, t)) * 0.98;
	*hi = fmax(t, m) * 1.25;
	pm = (m - *lo) / (*hi - *lo);
	pt = (t - *lo) / (*hi - *lo);
	if (pt > pm + 0.02)
		snprintf(pal, len,
			 "(0 '#f7fcf5', %.4f '#e5f5e0', %.4f '#fed976', "
			 "%.4f '#e31a1c', 1 '#67000d')",
			 pm, (pm + pt) / 2, pt);
	else /* the median at or over the target: all alarming */
		snprintf(pal, len, "(0 '#fed976', %.4f '#e31a1c', 1 '#67000d')",
			 pt > 0.01 ? pt : 0.01);
	snprintf(tics, len, "(\"median %.3g\" %.17g, \"%s %.3g\" %.17g)", m, m,
		 isfinite(hm->target) ? "target" : "2 x median", t, t);
}

/* The suspect nodes' indices, space-separated, for the template. */
static void heatmap_suspects(const struct report_heatmap *hm, char *out,
			     size_t len)
{
	size_t i, off = 0;

	out[0] = '\0';
	for (i = 0; hm->suspect && i < hm->n && off < len; i++)
		if (hm->suspect[i])
			off += (size_t)snprintf(out + off, len - off, "%s%zu",
						off ? " " : "", i);
}

int report_plot_heatmap(const struct report_heatmap *hm, const char *dir,
			const char *name, enum report_plot_format fmt,
			char *path, size_t len)
{
	char tpl[PATH_MAX], data[PATH_MAX], out[PATH_MAX], tics[PLOT_VAR_MAX];
	char marks[PATH_MAX], pal[256], cbtics[256], sus[PLOT_VAR_MAX];
	char *argv[PLOT_ARGS_MAX] = { 0 };
	const char *gp = getenv("IBPONG_GNUPLOT");
	double lo, hi;
	int argc = 0, ret;

	ret = plot_template_dir("heatmap", tpl, sizeof(tpl));
	if (ret) {
		bench_err("gnuplot template heatmap.gp not found");
		return ret;
	}
	snprintf(data, sizeof(data), "%s/%s.dat", dir, name);
	ret = heatmap_write(hm, data);
	if (ret == -EINVAL)
		bench_err("%s: no pair to draw", name);
	snprintf(marks, sizeof(marks), "%s-marks.dat", name);
	ret = ret ?: heatmap_write_marks(hm, dir, marks);
	snprintf(data, sizeof(data), "%s.dat", name);
	snprintf(out, sizeof(out), "%s.%s", name, report_plot_ext(fmt));
	heatmap_tics(hm, tics, sizeof(tics));
	heatmap_scale(hm, pal, cbtics, sizeof(pal), &lo, &hi);
	heatmap_suspects(hm, sus, sizeof(sus));
	argv[argc++] = strdup(gp && *gp ? gp : "gnuplot");
	ret = ret ?: plot_var(argv, &argc, "fmt", report_plot_ext(fmt));
	ret = ret ?: plot_var(argv, &argc, "outfile", out);
	ret = ret ?: plot_var(argv, &argc, "plottitle", hm->title);
	ret = ret ?: plot_var(argv, &argc, "ylabel", "host");
	ret = ret ?: plot_var(argv, &argc, "cblabel", hm->cblabel);
	ret = ret ?: plot_var(argv, &argc, "datafile", data);
	ret = ret ?: plot_var(argv, &argc, "marksfile", marks);
	ret = ret ?: plot_var(argv, &argc, "tpldir", tpl);
	ret = ret ?: plot_var(argv, &argc, "tics", tics);
	ret = ret ?: plot_var(argv, &argc, "hmpalette", pal);
	ret = ret ?: plot_var(argv, &argc, "hmcbtics", cbtics);
	ret = ret ?: plot_var(argv, &argc, "suspects", sus);
	if (!ret && (asprintf(&argv[argc++], "-e") < 0 ||
		     asprintf(&argv[argc++], "n=%zu; cblo=%.17g; cbhi=%.17g",
			      hm->n, lo, hi) < 0 ||
		     asprintf(&argv[argc++], "%s/heatmap.gp", tpl) < 0))
		ret = -ENOMEM;
	return plot_run_check(ret, argv, argc, dir, out, path, len);
}
