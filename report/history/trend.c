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

#include "cli.h"
#include "exit.h"
#include "history/history.h"
#include "log.h"
#include "variant.h"

/* Columns of past runs printed before the latest. */
#define TREND_COLUMNS_MAX 8
/* Sizes drawn in a trend plot (evenly picked). */
#define TREND_PLOT_SIZES 6

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

/* Print one size; returns its verdict. */
static enum report_cmp_verdict trend_row(const struct report_history_params *p,
					 const struct trend *t,
					 const struct bench_row *latest,
					 size_t first, size_t nb,
					 unsigned *no_ci)
{
	struct report_point pts[nb ? nb : 1], base, cand, pt;
	const struct bench_row *row;
	enum report_cmp_verdict v;
	size_t i, k = 0;

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
	for (i = t->n - 1 - nb; i < t->n - 1; i++) {
		row = report_row_find(&t->set->items[t->members[i]],
				      latest->size_bytes, latest->rank_a,
				      latest->rank_b);
		if (row)
			report_point_get(row, &t->metric, &pts[k++]);
	}
	report_point_aggregate(pts, k, &base);
	report_point_get(latest, &t->metric, &cand);
	v = report_cmp_judge(&p->rule, t->metric.bandwidth, &base, &cand, NULL);
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

/* One plotted line: the value of one size across the runs. */
static int trend_series(const struct trend *t, size_t size,
			struct report_series *s)
{
	struct report_point pt;
	char title[48];
	size_t i;

	if (size >= (1u << 20) && !(size % (1u << 20)))
		snprintf(title, sizeof(title), "%zu MiB", size >> 20);
	else if (size >= 1024 && !(size % 1024))
		snprintf(title, sizeof(title), "%zu KiB", size >> 10);
	else
		snprintf(title, sizeof(title), "%zu B", size);
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
		s->pts[s->n].x = (double)(i + 1);
		s->pts[s->n++].y = pt.value;
	}
	return 0;
}

static int trend_xtics(const struct trend *t, char *buf, size_t len)
{
	char name[24];
	size_t i, off = 0;

	off += (size_t)snprintf(buf, len, "(");
	for (i = 0; i < t->n && off < len; i++) {
		trend_run_name(t->set->paths[t->members[i]], name,
			       sizeof(name));
		off += (size_t)snprintf(buf + off, len - off, "%s\"%s\" %zu",
					i ? ", " : "", name, i + 1);
	}
	if (off + 2 > len)
		return -ENOSPC;
	snprintf(buf + off, len - off, ")");
	return 0;
}

static int trend_plot(const struct report_history_params *p,
		      const struct trend *t, unsigned idx)
{
	const struct bench_result *latest =
		&t->set->items[t->members[t->n - 1]];
	struct report_series s[TREND_PLOT_SIZES] = { { 0 } };
	struct report_figure fig = { .kind = "trend", .series = s };
	char ylabel[64], title[160], name[32], path[4096], xtics[4096];
	size_t i, k, n = latest->n_rows;
	int ret = 0;

	/* Evenly spread sizes, the smallest and the largest included. */
	for (i = 0; i < TREND_PLOT_SIZES && i < n && !ret; i++) {
		k = n <= TREND_PLOT_SIZES
			    ? i
			    : i * (n - 1) / (TREND_PLOT_SIZES - 1);
		ret = trend_series(t, latest->rows[k].size_bytes,
				   &s[fig.n_series++]);
	}
	snprintf(title, sizeof(title), "%s %s: history",
		 latest->tool ? latest->tool : "?",
		 latest->test_name ? latest->test_name : "?");
	fig.title = title;
	fig.ylabel = report_metric_label(&t->metric, ylabel, sizeof(ylabel));
	fig.xlabel = "run";
	if (!ret && !trend_xtics(t, xtics, sizeof(xtics)))
		fig.xtics = xtics;
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
