/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The figures of a set of results: one latency and one bandwidth plot per
 * test, each run (or label group) a line.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "render/render.h"
#include "variant.h"

/* "dir/base_run.json" -> "base_run" */
static void figure_file_title(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	char *dot;

	snprintf(buf, len, "%s", base ? base + 1 : path);
	dot = strrchr(buf, '.');
	if (dot && dot != buf)
		*dot = '\0';
}

/* Whether run.labels[key] differs among the members (or is missing). */
static bool figure_label_differs(const struct report_set *set,
				 const size_t *members, size_t n,
				 const char *key)
{
	const char *first = bench_result_label(&set->items[members[0]], key);
	const char *v;
	size_t i;

	for (i = 1; i < n; i++) {
		v = bench_result_label(&set->items[members[i]], key);
		if (!v || !first || strcmp(v, first))
			return true;
	}
	return false;
}

#define FIGURE_KEYS_MAX 8

/* The label keys whose values tell the members apart (at most 8). */
static size_t figure_keys(const struct report_set *set, const size_t *members,
			  size_t n, const char **keys)
{
	const char *key;
	size_t i, k, nk = 0;
	json_t *v;

	for (i = 0; i < n; i++)
		json_object_foreach (
			json_object_get(set->items[members[i]].run, "labels"),
			key, v) {
			for (k = 0; k < nk && strcmp(keys[k], key); k++)
				;
			if (k == nk && nk < FIGURE_KEYS_MAX &&
			    (n == 1 ||
			     figure_label_differs(set, members, n, key)))
				keys[nk++] = key;
		}
	return nk;
}

/*
 * A run's legend: the labels (run.labels, ibpong's --label values) that
 * tell it from the other runs of the figure, "k=v, k=v" ("no k" where it
 * lacks one); with no such label, its start time, else its file name.
 */
static void figure_run_title(const struct report_set *set,
			     const size_t *members, size_t n, size_t i,
			     char *buf, size_t len)
{
	const struct bench_result *r = &set->items[members[i]];
	const char *keys[FIGURE_KEYS_MAX], *v, *start;
	size_t nk = figure_keys(set, members, n, keys), k, off = 0;

	buf[0] = '\0';
	for (k = 0; k < nk && off < len; k++) {
		v = bench_result_label(r, keys[k]);
		off += (size_t)snprintf(buf + off, len - off, "%s%s%s%s",
					off ? ", " : "", v ? keys[k] : "no ",
					v ? "=" : keys[k], v ? v : "");
	}
	if (off)
		return;
	start = json_string_value(json_object_get(r->run, "start_time"));
	if (start && n > 1)
		snprintf(buf, len, "%s", start);
	else
		figure_file_title(set->paths[members[i]], buf, len);
}

static bool figure_same_test(const struct bench_result *a,
			     const struct bench_result *b)
{
	/* Never one-way and round-trip, GPU and host, on one axis. */
	return report_same_variant(a, b, NULL, 0) &&
	       !strcmp(a->test_name ? a->test_name : "",
		       b->test_name ? b->test_name : "");
}

static bool figure_in_group(const struct bench_result *r, const char *key,
			    const char *group)
{
	const char *v = bench_result_label(r, key);

	return !strcmp(v ? v : "(unlabelled)", group);
}

static double figure_x(const struct bench_row *row)
{
	return row->size_bytes ? (double)row->size_bytes : REPORT_PLOT_ZERO_X;
}

/* The median at s->pts[k].x over the group's runs. */
static void figure_group_point(const struct report_set *set,
			       const size_t *members, size_t n,
			       const struct report_metric *m, const char *key,
			       struct report_series *s, size_t k,
			       struct report_point *pts)
{
	struct report_point agg;
	size_t i, j, np = 0;

	for (i = 0; i < n; i++) {
		const struct bench_result *r = &set->items[members[i]];

		if (!figure_in_group(r, key, s->title))
			continue;
		for (j = 0; j < r->n_rows; j++)
			if (figure_x(&r->rows[j]) == s->pts[k].x)
				report_point_get(&r->rows[j], m, &pts[np++]);
	}
	report_point_aggregate(pts, np, &agg);
	s->pts[k].y = agg.value;
}

static int figure_cmp_x(const void *a, const void *b)
{
	const struct report_xy *p = a, *q = b;

	return (p->x > q->x) - (p->x < q->x);
}

/* Series of one group of runs: the median per size. */
static int figure_group_series(const struct report_set *set,
			       const size_t *members, size_t n,
			       const struct report_metric *m, const char *key,
			       const char *group, struct report_series *s)
{
	struct report_point *pts;
	size_t i, j, k, rows = 0;

	for (i = 0; i < n; i++)
		rows += set->items[members[i]].n_rows;
	pts = calloc(rows + 1, sizeof(*pts));
	s->title = strdup(group);
	s->pts = calloc(rows + 1, sizeof(*s->pts));
	s->n = 0;
	if (!pts || !s->title || !s->pts) {
		free(pts);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const struct bench_result *r = &set->items[members[i]];

		if (!figure_in_group(r, key, group))
			continue;
		for (j = 0; j < r->n_rows; j++) {
			double x = figure_x(&r->rows[j]);

			if (m->bandwidth && !r->rows[j].size_bytes)
				continue;
			for (k = 0; k < s->n && s->pts[k].x != x; k++)
				;
			if (k == s->n)
				s->pts[s->n++].x = x;
		}
	}
	qsort(s->pts, s->n, sizeof(*s->pts), figure_cmp_x);
	for (k = 0; k < s->n; k++)
		figure_group_point(set, members, n, m, key, s, k, pts);
	free(pts);
	return 0;
}

static bool figure_is_sweep(const struct bench_result *r)
{
	return r->n_rows && r->rows[0].rank_a >= 0;
}

/*
 * A sweep's worst pair per size (the largest latency, the smallest
 * bandwidth): the line its median hides, titled "TITLE: worst pair".
 */
static int figure_worst_series(const struct bench_result *r,
			       const struct report_metric *m, const char *title,
			       struct report_series *out)
{
	struct report_point pt;
	size_t i, k;
	double x;

	out->n = 0;
	out->pts = calloc(r->n_rows + 1, sizeof(*out->pts));
	if (!out->pts || asprintf(&out->title, "%s: worst pair", title) < 0)
		return -ENOMEM;
	for (i = 0; i < r->n_rows; i++) {
		report_point_get(&r->rows[i], m, &pt);
		x = figure_x(&r->rows[i]);
		if (!isfinite(pt.value) || !(pt.value > 0) ||
		    (m->bandwidth && !r->rows[i].size_bytes))
			continue;
		for (k = 0; k < out->n && out->pts[k].x != x; k++)
			;
		if (k == out->n)
			out->pts[out->n++] = (struct report_xy){ x, pt.value };
		else if (m->bandwidth ? pt.value < out->pts[k].y
				      : pt.value > out->pts[k].y)
			out->pts[k].y = pt.value;
	}
	qsort(out->pts, out->n, sizeof(*out->pts), figure_cmp_x);
	return 0;
}

/* The series of a test: one per run, or one per group. */
static int figure_series(const struct report_set *set, const size_t *members,
			 size_t n, const struct report_metric *m,
			 const char *group_by, struct report_series *s,
			 size_t *n_series)
{
	char title[256];
	size_t i, k;
	int ret = 0;

	*n_series = 0;
	for (i = 0; i < n && !ret; i++) {
		const struct bench_result *r = &set->items[members[i]];
		const char *g;

		if (!group_by) {
			figure_run_title(set, members, n, i, title,
					 sizeof(title));
			/* A sweep: the median of its pairs, and the worst. */
			if (figure_is_sweep(r)) {
				ret = figure_worst_series(r, m, title,
							  &s[*n_series + 1]);
				snprintf(title + strlen(title),
					 sizeof(title) - strlen(title),
					 ": median of the pairs");
			}
			ret = ret
				      ?: report_series_from_result(
						 r, m, title, &s[*n_series]);
			*n_series += figure_is_sweep(r) ? 2 : 1;
			continue;
		}
		g = bench_result_label(r, group_by);
		g = g ? g : "(unlabelled)";
		for (k = 0; k < *n_series && strcmp(s[k].title, g); k++)
			;
		if (k == *n_series)
			ret = figure_group_series(set, members, n, m, group_by,
						  g, &s[(*n_series)++]);
	}
	return ret;
}

/* The baseline run of r's test and variant (render --baseline), or NULL. */
static const struct bench_result *figure_base(const struct render_opts *o,
					      const struct bench_result *r)
{
	const struct bench_result *kind_match = NULL, *b;
	size_t i;

	for (i = 0; o->baseline && i < o->baseline->count; i++) {
		b = &o->baseline->items[i];
		if (!report_same_variant(b, r, NULL, 0))
			continue;
		if (!strcmp(b->test_name ? b->test_name : "",
			    r->test_name ? r->test_name : ""))
			return b;
		if (!kind_match)
			kind_match = b;
	}
	return kind_match;
}

/*
 * Targets are drawn only on the figures of results the judgement applies
 * to: a one-way profile's ceiling never lands on a round-trip axis.
 */
static bool figure_targets_apply(const struct render_opts *o,
				 const struct bench_result *r)
{
	char why[256];

	return !o->judge ||
	       report_profile_applies(&o->judge->profile, r, why, sizeof(why));
}

static int figure_draw(const struct report_set *set, const size_t *members,
		       size_t n, const struct report_metric *m,
		       const struct render_opts *o, const char *name,
		       struct render_image *img)
{
	const struct bench_result *r = &set->items[members[0]];
	const struct bench_result *b = figure_base(o, r);
	struct report_series *s, base = { 0 };
	struct report_figure fig = { 0 };
	char ylabel[64], title[256], full[512], bt[300], lab[280];
	size_t n_series = 0;
	int ret;

	s = calloc(2 * n, sizeof(*s));
	if (!s)
		return -ENOMEM;
	ret = figure_series(set, members, n, m, o->group_by, s, &n_series);
	if (!ret && b) {
		size_t at = (size_t)(b - o->baseline->items);

		figure_run_title(o->baseline, &at, 1, 0, lab, sizeof(lab));
		snprintf(bt, sizeof(bt), "baseline: %s", lab);
		ret = report_series_from_result(b, m, bt, &base);
		fig.baseline = &base;
	}
	snprintf(title, sizeof(title), "%s %s: %s against message size%s",
		 r->tool ? r->tool : "?", r->test_name ? r->test_name : "?",
		 m->bandwidth ? "bandwidth" : "latency",
		 m->bandwidth ? ""
			      : (r->lat_kind == BENCH_LAT_RTT ? " (round trip)"
							      : ""));
	fig.kind = m->bandwidth ? "bandwidth" : "latency";
	if (o->title && *o->title && !o->is_render)
		snprintf(full, sizeof(full), "%s: %s", o->title, title);
	else
		snprintf(full, sizeof(full), "%s", title);
	fig.title = full;
	/* The axis says what the figure is: one-way or round trip, MB. */
	if (m->bandwidth)
		snprintf(ylabel, sizeof(ylabel),
			 "bandwidth (MB/s, MB = 10^6 B)");
	else
		snprintf(ylabel, sizeof(ylabel), "%s %s latency (us)",
			 bench_stat_name(m->stat),
			 bench_lat_kind_name(r->lat_kind));
	fig.ylabel = ylabel;
	fig.series = s;
	fig.n_series = n_series;
	if (!m->bandwidth && figure_targets_apply(o, r)) {
		fig.targets = o->targets;
		fig.n_targets = o->n_targets;
	}
	if (!ret)
		ret = report_plot_draw(&fig, o->out_dir, name, o->format,
				       img->path, sizeof(img->path));
	snprintf(img->caption, sizeof(img->caption), "%s", title);
	report_series_free(&base, 1);
	report_series_free(s, n_series);
	free(s);
	return ret;
}

static bool figure_has_bw(const struct report_set *set, const size_t *members,
			  size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < set->items[members[i]].n_rows; k++)
			if (!isnan(set->items[members[i]].rows[k].bw_MBps) &&
			    set->items[members[i]].rows[k].size_bytes)
				return true;
	return false;
}

/* Both figures of one test (members of set). */
static int figure_test(const struct report_set *set, const size_t *members,
		       size_t n, const struct render_opts *o, unsigned idx,
		       struct render_image *img, size_t *n_img)
{
	const struct bench_result *r = &set->items[members[0]];
	struct report_metric m;
	char name[64];
	int ret = 0;

	report_metric_choose(r, o->stat, &m, NULL);
	if (!m.bandwidth) {
		snprintf(name, sizeof(name), "plot%u-latency", idx);
		ret = figure_draw(set, members, n, &m, o, name,
				  &img[(*n_img)++]);
	}
	m.bandwidth = true;
	if (!ret && figure_has_bw(set, members, n)) {
		snprintf(name, sizeof(name), "plot%u-bandwidth", idx);
		ret = figure_draw(set, members, n, &m, o, name,
				  &img[(*n_img)++]);
	}
	return ret;
}

int render_figures(const struct report_set *set, const struct render_opts *o,
		   struct render_image **images, size_t *n_images)
{
	struct render_image *img;
	size_t *members, i, k, n, n_img = 0;
	unsigned idx = 0;
	bool *done;
	int ret = 0;

	/* latency, bandwidth and, for a sweep, a heatmap per result */
	img = calloc(3 * set->count + 1, sizeof(*img));
	members = calloc(set->count + 1, sizeof(*members));
	done = calloc(set->count + 1, sizeof(*done));
	if (!img || !members || !done) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < set->count && !ret; i++) {
		if (done[i])
			continue;
		for (n = 0, k = i; k < set->count; k++)
			if (!done[k] &&
			    figure_same_test(&set->items[k], &set->items[i])) {
				done[k] = true;
				members[n++] = k;
			}
		ret = figure_test(set, members, n, o, ++idx, img, &n_img);
	}
	for (i = 0; i < set->count && !ret; i++) {
		bool drawn;

		ret = render_heatmap(&set->items[i], o, idx + 1, &img[n_img],
				     &drawn);
		n_img += drawn;
		idx += drawn;
	}
out:
	free(members);
	free(done);
	if (ret) {
		free(img);
		return ret;
	}
	*images = img;
	*n_images = n_img;
	return 0;
}
