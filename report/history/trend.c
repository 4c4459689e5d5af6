/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * history: the per-size trend of each series of stored runs, the latest
 * run against the rolling baseline of the runs before it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "render/render.h"
#include "exit.h"
#include "history/history.h"
#include "log.h"
#include "variant.h"

/* Columns of past runs printed before the latest. */
#define TREND_COLUMNS_MAX 8
/* Sizes drawn in a trend plot (evenly picked), regressed ones added. */
#define TREND_PLOT_SIZES     6
#define TREND_PLOT_SIZES_MAX 10

/* One series: runs of the same tool and test, oldest first. */
struct trend {
	const struct report_set *set;
	size_t *members;
	size_t n;
	struct report_metric metric;
};

static bool trend_same(const struct bench_result *a,
		       const struct bench_result *b)
{
	/* GPU and host buffers, 2 and 4 processes: separate series. */
	return report_same_variant(a, b, NULL, 0) &&
	       !strcmp(a->tool ? a->tool : "", b->tool ? b->tool : "") &&
	       !strcmp(a->test_name ? a->test_name : "",
		       b->test_name ? b->test_name : "");
}

/* "run 12 2026-..." -> "#12" */
static void trend_run_name(const char *path, char *buf, size_t len)
{
	unsigned long long id = 0;

	sscanf(path, "run %llu", &id);
	snprintf(buf, len, "#%llu", id);
}

static void trend_header(const struct trend *t, size_t first, size_t nb)
{
	const struct bench_result *r = &t->set->items[t->members[t->n - 1]];
	char label[64], name[24], buffers[96];
	size_t i;

	report_buffers_text(r, buffers, sizeof(buffers));
	printf("series %s %s (%s, %s%s%s): %s\n", r->tool ? r->tool : "?",
	       r->test_name ? r->test_name : "?", bench_test_name(r->test),
	       bench_lat_kind_name(r->lat_kind),
	       strcmp(buffers, "host") ? ", buffers " : "",
	       strcmp(buffers, "host") ? buffers : "",
	       report_metric_label(&t->metric, label, sizeof(label)));
	printf("  %zu run(s); latest %s; baseline: the %zu run(s) before\n",
	       t->n, t->set->paths[t->members[t->n - 1]], nb);
	printf("\n%10s", "size");
	for (i = first; i < t->n; i++) {
		trend_run_name(t->set->paths[t->members[i]], name,
			       sizeof(name));
		printf(" %10s", name);
	}
	printf(" %10s %7s %-8s  %s\n", "baseline", "ratio", "95% CI",
	       "verdict");
}

/*
 * The verdict of one size of the latest run against the rolling
 * baseline of the nb runs before it; *base gets the baseline's point,
 * *cand the latest's. The one place where history judges a size: its
 * table and its plot's regression marks agree.
 */
static enum report_cmp_verdict
trend_judge(const struct report_history_params *p, const struct trend *t,
	    const struct bench_row *latest, size_t nb,
	    struct report_point *base, struct report_point *cand)
{
	struct report_point pts[nb ? nb : 1];
	const struct bench_row *row;
	size_t i, k = 0;

	for (i = t->n - 1 - nb; i < t->n - 1; i++) {
		row = report_row_find(&t->set->items[t->members[i]],
				      latest->size_bytes, latest->rank_a,
				      latest->rank_b);
		if (row)
			report_point_get(row, &t->metric, &pts[k++]);
	}
	report_point_aggregate(pts, k, base);
	report_point_get(latest, &t->metric, cand);
	return report_cmp_judge(&p->rule, t->metric.bandwidth, base, cand,
				NULL);
}

/* Print one size; returns its verdict. */
static enum report_cmp_verdict trend_row(const struct report_history_params *p,
					 const struct trend *t,
					 const struct bench_row *latest,
					 size_t first, size_t nb,
					 unsigned *no_ci)
{
	struct report_point base, cand, pt;
	const struct bench_row *row;
	enum report_cmp_verdict v;
	size_t i;

	printf("%10zu", latest->size_bytes);
	for (i = first; i < t->n; i++) {
		row = report_row_find(&t->set->items[t->members[i]],
				      latest->size_bytes, latest->rank_a,
				      latest->rank_b);
		pt.value = NAN;
		if (row)
			report_point_get(row, &t->metric, &pt);
		if (isnan(pt.value))
			printf(" %10s", "-");
		else
			printf(" %10.3f", pt.value);
	}
	v = trend_judge(p, t, latest, nb, &base, &cand);
	if (isnan(base.value))
		printf(" %10s %7s", "-", "-");
	else
		printf(" %10.3f %7.3f", base.value, cand.value / base.value);
	printf(" %-8s  %s\n",
	       report_cmp_ci_name(report_cmp_intervals(&base, &cand)),
	       report_cmp_verdict_name(v));
	if (v != REPORT_CMP_NA &&
	    report_cmp_intervals(&base, &cand) == REPORT_CI_NONE)
		*no_ci += 1;
	return v;
}

/* The tallies of the latest runs' verdicts. */
struct trend_count {
	unsigned regressions;
	unsigned inconclusive;
	unsigned no_ci; /* judged without intervals (threshold alone) */
};

static void trend_print(const struct report_history_params *p,
			const struct trend *t, struct trend_count *c)
{
	const struct bench_result *latest =
		&t->set->items[t->members[t->n - 1]];
	size_t nb = t->n - 1 < p->baseline ? t->n - 1 : p->baseline;
	size_t first = t->n - 1 - nb, i;
	enum report_cmp_verdict v;

	if (t->n - first > TREND_COLUMNS_MAX)
		first = t->n - TREND_COLUMNS_MAX;
	trend_header(t, first, nb);
	for (i = 0; i < latest->n_rows; i++) {
		v = trend_row(p, t, &latest->rows[i], first, nb, &c->no_ci);
		c->regressions += v == REPORT_CMP_REGRESSION;
		c->inconclusive += v == REPORT_CMP_INCONCLUSIVE;
	}
	printf("\n");
}

/* "run 12 2026-11-20T02:00:00Z" -> its time in seconds; NAN if none. */
static double trend_run_time(const char *path)
{
	const char *at = strchr(path, ' ');
	struct tm tm;
	char *end;

	at = at ? strchr(at + 1, ' ') : NULL;
	memset(&tm, 0, sizeof(tm));
	if (!at)
		return NAN;
	end = strptime(at + 1, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		end = strptime(at + 1, "%Y-%m-%d", &tm);
	return end ? (double)timegm(&tm) : NAN;
}

/* One plotted line: the value of one size across the runs, by date. */
static int trend_series(const struct trend *t, size_t size,
			struct report_series *s)
{
	struct report_point pt;
	char title[48];
	size_t i;

	render_size_text(size, title, sizeof(title));
	s->title = strdup(title);
	s->pts = calloc(t->n, sizeof(*s->pts));
	if (!s->title || !s->pts)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		const struct bench_result *r = &t->set->items[t->members[i]];
		const struct bench_row *row = report_row_find(r, size, -1, -1);

		pt.value = NAN;
		if (row)
			report_point_get(row, &t->metric, &pt);
		s->pts[s->n].x = trend_run_time(t->set->paths[t->members[i]]);
		s->pts[s->n++].y = pt.value;
	}
	return 0;
}

/* The sizes drawn: evenly spread, the smallest and largest, and every
 * regressed size (up to TREND_PLOT_SIZES_MAX in all). */
static size_t trend_sizes(const struct report_history_params *p,
			  const struct trend *t, size_t nb, size_t *sizes)
{
	const struct bench_result *latest =
		&t->set->items[t->members[t->n - 1]];
	struct report_point base, cand;
	size_t i, k, n = latest->n_rows, m = 0;

	for (i = 0; i < TREND_PLOT_SIZES && i < n; i++)
		sizes[m++] =
			latest->rows[n <= TREND_PLOT_SIZES
					     ? i
					     : i * (n - 1) /
						       (TREND_PLOT_SIZES - 1)]
				.size_bytes;
	for (i = 0; i < n && m < TREND_PLOT_SIZES_MAX; i++) {
		if (trend_judge(p, t, &latest->rows[i], nb, &base, &cand) !=
		    REPORT_CMP_REGRESSION)
			continue;
		for (k = 0; k < m && sizes[k] != latest->rows[i].size_bytes;
		     k++)
			;
		if (k == m)
			sizes[m++] = latest->rows[i].size_bytes;
	}
	for (i = 1; i < m; i++) /* ascending, for the legend */
		for (k = i; k > 0 && sizes[k - 1] > sizes[k]; k--) {
			size_t x = sizes[k];

			sizes[k] = sizes[k - 1];
			sizes[k - 1] = x;
		}
	return m;
}

/*
 * The baseline of each drawn size (a dashed segment over the baseline
 * runs' dates to the latest) and the regressed sizes of the latest run
 * (circled).
 */
static void trend_marks(const struct report_history_params *p,
			const struct trend *t, size_t nb, const size_t *sizes,
			size_t n, struct report_xy *segs, size_t *n_segs,
			struct report_xy *marks, size_t *n_marks)
{
	const struct bench_result *latest =
		&t->set->items[t->members[t->n - 1]];
	double x0 = trend_run_time(t->set->paths[t->members[t->n - 1 - nb]]);
	double x1 = trend_run_time(t->set->paths[t->members[t->n - 1]]);
	struct report_point base, cand;
	enum report_cmp_verdict v;
	const struct bench_row *row;
	size_t i;

	*n_segs = *n_marks = 0;
	for (i = 0; i < n && nb; i++) {
		row = report_row_find(latest, sizes[i], -1, -1);
		if (!row)
			continue;
		v = trend_judge(p, t, row, nb, &base, &cand);
		if (isfinite(base.value) && base.value > 0) {
			segs[(*n_segs)++] =
				(struct report_xy){ x0, base.value };
			segs[(*n_segs)++] =
				(struct report_xy){ x1, base.value };
		}
		if (v == REPORT_CMP_REGRESSION && isfinite(cand.value))
			marks[(*n_marks)++] =
				(struct report_xy){ x1, cand.value };
	}
}

/* Labels every run of the series shares ("cluster=hb120"), or "". */
static void trend_labels(const struct trend *t, char *buf, size_t len)
{
	const struct bench_result *r = &t->set->items[t->members[0]];
	const json_t *v;
	const char *key, *x;
	size_t i, off = 0;

	buf[0] = '\0';
	json_object_foreach (json_object_get(r->run, "labels"), key, v) {
		for (i = 1; i < t->n; i++) {
			x = bench_result_label(&t->set->items[t->members[i]],
					       key);
			if (!x || !json_is_string(v) ||
			    strcmp(x, json_string_value(v)))
				break;
		}
		if (i == t->n && json_is_string(v) && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s=%s",
						off ? ", " : "", key,
						json_string_value(v));
	}
}

static int trend_plot(const struct report_history_params *p,
		      const struct trend *t, unsigned idx)
{
	const struct bench_result *latest =
		&t->set->items[t->members[t->n - 1]];
	struct report_series s[TREND_PLOT_SIZES_MAX] = { { 0 } };
	struct report_xy segs[2 * TREND_PLOT_SIZES_MAX],
		marks[TREND_PLOT_SIZES_MAX];
	struct report_figure fig = { .kind = "trend", .series = s };
	char ylabel[96], title[320], name[32], path[4096], labels[160];
	char segs_title[96];
	size_t sizes[TREND_PLOT_SIZES_MAX], i, n;
	size_t nb = t->n - 1 < p->baseline ? t->n - 1 : p->baseline;
	int ret = 0;

	n = trend_sizes(p, t, nb, sizes);
	for (i = 0; i < n && !ret; i++)
		ret = trend_series(t, sizes[i], &s[fig.n_series++]);
	trend_marks(p, t, nb, sizes, n, segs, &fig.n_segs, marks, &fig.n_marks);
	fig.segs = segs;
	fig.marks = marks;
	snprintf(segs_title, sizeof(segs_title), "baseline: median of %zu runs",
		 nb);
	fig.segs_title = segs_title;
	fig.marks_title = "regression (latest)";
	trend_labels(t, labels, sizeof(labels));
	snprintf(title, sizeof(title), "%s %s: history by run date%s%s%s",
		 latest->tool ? latest->tool : "?",
		 latest->test_name ? latest->test_name : "?",
		 labels[0] ? " (" : "", labels, labels[0] ? ")" : "");
	fig.title = title;
	report_metric_label(&t->metric, ylabel, sizeof(ylabel));
	if (!t->metric.bandwidth)
		snprintf(ylabel, sizeof(ylabel), "%s %s latency (us)",
			 bench_stat_name(t->metric.stat),
			 bench_lat_kind_name(latest->lat_kind));
	fig.ylabel = ylabel;
	fig.xlabel = "run start time (UTC)";
	fig.xtime = true;
	/* Hours only where the runs lie within two days. */
	fig.timeformat =
		trend_run_time(t->set->paths[t->members[t->n - 1]]) -
					trend_run_time(
						t->set->paths[t->members[0]]) <
				2 * 86400
			? "%m-%d %H:%M"
			: "%Y-%m-%d";
	snprintf(name, sizeof(name), "trend-%u", idx);
	if (!ret)
		ret = report_plot_draw(&fig, p->plot_dir, name, p->format, path,
				       sizeof(path));
	if (!ret)
		printf("plot: %s\n\n", path);
	report_series_free(s, fig.n_series);
	return ret;
}

static int trend_collect(struct trend *t, bool *done, size_t first)
{
	const struct report_set *set = t->set;
	size_t i;

	t->members = calloc(set->count, sizeof(*t->members));
	if (!t->members)
		return -ENOMEM;
	for (i = first; i < set->count; i++) {
		if (done[i] || !trend_same(&set->items[i], &set->items[first]))
			continue;
		done[i] = true;
		t->members[t->n++] = i;
	}
	return 0;
}

int report_history_print(const struct report_history_params *p,
			 const struct report_set *set)
{
	struct trend_count count = { 0, 0, 0 };
	unsigned idx = 0;
	bool *done;
	size_t i;
	int ret = 0;

	if (!set->count) {
		printf("no stored runs match\n");
		return BENCH_EXIT_OK;
	}
	if (p->plot_dir && report_mkdir_p(p->plot_dir))
		return BENCH_EXIT_RUNTIME;
	done = calloc(set->count, sizeof(*done));
	if (!done)
		return BENCH_EXIT_RUNTIME;
	for (i = 0; i < set->count && !ret; i++) {
		struct trend t = { .set = set };

		if (done[i])
			continue;
		ret = trend_collect(&t, done, i);
		if (!ret) {
			report_metric_choose(&set->items[t.members[t.n - 1]],
					     p->stat, &t.metric, NULL);
			trend_print(p, &t, &count);
		}
		if (!ret && p->plot_dir && t.n > 1)
			ret = trend_plot(p, &t, ++idx);
		else if (!ret && p->plot_dir)
			printf("plot: none (a single run)\n\n");
		free(t.members);
	}
	free(done);
	if (ret)
		return BENCH_EXIT_RUNTIME;
	printf("summary: %u regression(s), %u inconclusive in the latest "
	       "runs\n",
	       count.regressions, count.inconclusive);
	if (count.no_ci)
		printf("note: %u size(s) without a 95 %% interval on both "
		       "sides (imported figures, or a\nstatistic that has "
		       "none): judged on the threshold alone\n",
		       count.no_ci);
	return report_cmp_exit(count.regressions, count.inconclusive);
}

int report_history_common_option(struct report_cmp_rule *rule, int *stat,
				 const char **plot_dir,
				 enum report_plot_format *format, int c,
				 const char *arg)
{
	switch (c) {
	case 's':
		return report_opt_stat(arg, stat);
	case 't':
		return report_opt_tolerance(arg, &rule->tolerance);
	case 'k':
		if (!report_parse_double(arg, &rule->noise_k))
			return 0;
		bench_err("--noise: expected a number >= 0, got '%s'", arg);
		return -EINVAL;
	case 'p':
		*plot_dir = arg;
		return 0;
	case 'f':
		return report_opt_format(arg, format);
	default:
		bench_err("unknown option");
		return -EINVAL;
	}
}
