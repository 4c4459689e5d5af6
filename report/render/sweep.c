/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sweep sections of a report (doc.h): suspects with their evidence,
 * per node and per size tables instead of every pair x size row, the
 * pairs of note, and the failing checks grouped per size.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/doc.h"
#include "variant.h"

#define SWEEP_NOTE_MAX	20 /* pairs of note listed */
#define SWEEP_SIZES_MAX 64 /* sizes in the per-size table */

static int sweep_cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int sweep_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n) (sorted in place); NAN for none. */
static double sweep_median(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), sweep_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void sweep_num(char *buf, double v, const char *fmt)
{
	if (isfinite(v))
		snprintf(buf, DOC_CELL, fmt, v);
	else
		snprintf(buf, DOC_CELL, "-");
}

static const char *sweep_host(const struct bench_result *r, int rank)
{
	const char *h = json_string_value(
		json_array_get(json_object_get(r->run, "hosts"), (size_t)rank));

	return h ? h : "?";
}

/* Whether rank is one of run.suspects.nodes; *score gets its score. */
static bool sweep_node_suspect(const struct bench_result *r, int rank,
			       double *score)
{
	const json_t *nodes =
		json_object_get(json_object_get(r->run, "suspects"), "nodes");
	const json_t *n;
	size_t i;

	json_array_foreach ((json_t *)nodes, i, n)
		if (json_integer_value(json_object_get(n, "rank")) == rank) {
			*score = json_number_value(json_object_get(n, "score"));
			return true;
		}
	return false;
}

/* Whether the pair of row is one of run.suspects.links. */
static bool sweep_link_suspect(const struct bench_result *r,
			       const struct bench_row *row)
{
	const json_t *links =
		json_object_get(json_object_get(r->run, "suspects"), "links");
	const json_t *l;
	json_int_t a, b;
	size_t i;

	json_array_foreach ((json_t *)links, i, l) {
		a = json_integer_value(json_object_get(l, "a"));
		b = json_integer_value(json_object_get(l, "b"));
		if ((a == row->rank_a && b == row->rank_b) ||
		    (a == row->rank_b && b == row->rank_a))
			return true;
	}
	return false;
}

/* The value of row, and whether it is over its latency target. */
static double sweep_value(const struct doc *d, const struct bench_row *row,
			  const struct report_metric *m, bool *over)
{
	const struct report_target *t = report_target_find(
		d->o->targets, d->o->n_targets, row->size_bytes);
	struct report_point pt;

	report_point_get(row, m, &pt);
	*over = t && !m->bandwidth && isfinite(pt.value) &&
		pt.value > t->max_us;
	return pt.value;
}

/* One row into a group's figures: its value in v[*n], the worst kept. */
static void sweep_take(const struct doc *d, const struct bench_row *row,
		       const struct report_metric *m, double *v, size_t *n,
		       size_t *over_n, const struct bench_row **worst,
		       double *wv)
{
	bool over;
	double x = sweep_value(d, row, m, &over);

	*over_n += over;
	if (!isfinite(x))
		return;
	v[(*n)++] = x;
	if (!*worst || (m->bandwidth ? x < *wv : x > *wv)) {
		*worst = row;
		*wv = x;
	}
}

/* The values at size over the pairs (v: r->n_rows + 1 doubles). */
static size_t sweep_values(const struct doc *d, const struct bench_result *r,
			   size_t size, const struct report_metric *m,
			   double *v)
{
	size_t i, n = 0;
	bool over;
	double x;

	for (i = 0; i < r->n_rows; i++) {
		if (r->rows[i].rank_a < 0 || r->rows[i].size_bytes != size)
			continue;
		x = sweep_value(d, &r->rows[i], m, &over);
		if (isfinite(x))
			v[n++] = x;
	}
	return n;
}

/* One endpoint's row of the per-node table. */
static bool sweep_node_row(const struct doc *d, const struct bench_result *r,
			   int rank, size_t size, const struct report_metric *m,
			   double cluster, double *v, char (*c)[DOC_CELL])
{
	const struct bench_row *row, *worst = NULL;
	size_t i, n = 0, over_n = 0;
	double x, wv = NAN, score = NAN;
	bool sus;

	for (i = 0; i < r->n_rows; i++) {
		row = &r->rows[i];
		if (row->size_bytes != size ||
		    (row->rank_a != rank && row->rank_b != rank))
			continue;
		sweep_take(d, row, m, v, &n, &over_n, &worst, &wv);
	}
	if (!n)
		return false;
	sus = sweep_node_suspect(r, rank, &score);
	snprintf(c[0], DOC_CELL, "%.40s", sweep_host(r, rank));
	snprintf(c[1], DOC_CELL, "%d", rank);
	snprintf(c[2], DOC_CELL, "%zu", n);
	x = sweep_median(v, n);
	sweep_num(c[3], x, "%.3f");
	sweep_num(c[4], x / cluster, "%.2fx");
	snprintf(c[5], DOC_CELL, "%.30s %.3f",
		 sweep_host(r, worst->rank_a == rank ? worst->rank_b
						     : worst->rank_a),
		 wv);
	snprintf(c[6], DOC_CELL, "%zu of %zu", over_n, n);
	if (!d->o->n_targets || m->bandwidth)
		snprintf(c[6], DOC_CELL, "-");
	if (sus)
		snprintf(c[7], DOC_CELL, "SUSPECT (score %.1f)", score);
	else
		c[7][0] = '\0';
	return true;
}

/* Distinct ranks of the pairs at size, ascending (ranks: 2 n_rows + 1). */
static size_t sweep_ranks(const struct bench_result *r, size_t size, int *ranks)
{
	size_t i, k, n = 0;
	int x;

	for (i = 0; i < r->n_rows; i++) {
		if (r->rows[i].rank_a < 0 || r->rows[i].size_bytes != size)
			continue;
		for (k = 0; k < 2; k++) {
			x = k ? r->rows[i].rank_b : r->rows[i].rank_a;
			ranks[n++] = x;
		}
	}
	qsort(ranks, n, sizeof(*ranks), sweep_cmp_int);
	for (i = 0, k = 0; i < n; i++)
		if (!k || ranks[k - 1] != ranks[i])
			ranks[k++] = ranks[i];
	return k;
}

static void sweep_nodes(const struct doc *d, const struct bench_result *r,
			size_t size, const struct report_metric *m, double *v,
			int *ranks)
{
	static const char *const head[] = {
		"host",	       "rank",	     "pairs",
		"median",      "vs cluster", "worst pair with",
		"over target", "suspect",
	};
	char c[8][DOC_CELL], title[160], hs[24];
	const char *cp[8];
	size_t n = sweep_values(d, r, size, m, v), i, k;
	double cluster = sweep_median(v, n);

	render_size_text(size, hs, sizeof(hs));
	snprintf(title, sizeof(title),
		 "Per node, at %s (%s; cluster median %.3f)", hs,
		 m->bandwidth ? "bandwidth MB/s" : "latency us", cluster);
	d->ops->heading(d->f, 3, title);
	d->ops->table_begin(d->f, head, 8);
	n = sweep_ranks(r, size, ranks);
	for (i = 0; i < n; i++) {
		if (!sweep_node_row(d, r, ranks[i], size, m, cluster, v, c))
			continue;
		for (k = 0; k < 8; k++)
			cp[k] = c[k];
		d->ops->table_row(d->f, cp, 8, c[7][0] != '\0');
	}
	d->ops->table_end(d->f);
}

/* Per size across the pairs: min, median, worst (and which), target. */
static void sweep_sizes(const struct doc *d, const struct bench_result *r,
			const struct report_metric *m, double *v)
{
	static const char *const head[] = { "size",	  "pairs", "best",
					    "median",	  "worst", "worst pair",
					    "over target" };
	const struct bench_row *row, *worst;
	char c[7][DOC_CELL];
	const char *cp[7];
	size_t i, j, k, n, over_n, size, seen[SWEEP_SIZES_MAX], n_seen = 0;
	double x, wv;

	d->ops->table_begin(d->f, head, 7);
	for (i = 0; i < r->n_rows; i++) {
		size = r->rows[i].size_bytes;
		/* Each size once, in the order of its first row. */
		for (j = 0; j < n_seen && seen[j] != size; j++)
			;
		if (j < n_seen || r->rows[i].rank_a < 0 ||
		    n_seen == SWEEP_SIZES_MAX)
			continue;
		seen[n_seen++] = size;
		worst = NULL;
		wv = NAN;
		for (j = i, n = 0, over_n = 0; j < r->n_rows; j++) {
			row = &r->rows[j];
			if (row->size_bytes != size || row->rank_a < 0)
				continue;
			sweep_take(d, row, m, v, &n, &over_n, &worst, &wv);
		}
		render_size_text(size, c[0], DOC_CELL);
		snprintf(c[1], DOC_CELL, "%zu", n);
		x = sweep_median(v, n);
		sweep_num(c[2], n ? (m->bandwidth ? v[n - 1] : v[0]) : NAN,
			  "%.3f");
		sweep_num(c[3], x, "%.3f");
		sweep_num(c[4], wv, "%.3f");
		c[5][0] = '\0';
		if (worst)
			report_pair_name(r, worst, c[5], DOC_CELL);
		snprintf(c[6], DOC_CELL, "%zu", over_n);
		if (!d->o->n_targets || m->bandwidth)
			snprintf(c[6], DOC_CELL, "-");
		for (k = 0; k < 7; k++)
			cp[k] = c[k];
		d->ops->table_row(d->f, cp, 7, over_n > 0);
	}
	d->ops->table_end(d->f);
}

struct sweep_note {
	const struct bench_row *row;
	double value;
	bool over;
	bool link;
};

static int sweep_cmp_note(const void *a, const void *b)
{
	const struct sweep_note *x = a, *y = b;

	return (x->value < y->value) - (x->value > y->value);
}

/* The pairs over target or on a suspect link, worst first. */
static void sweep_notes(const struct doc *d, const struct bench_result *r,
			const struct report_metric *m)
{
	static const char *const head[] = { "pair", "ranks", "size", "value",
					    "why" };
	struct sweep_note *nt = calloc(r->n_rows + 1, sizeof(*nt));
	char c[5][DOC_CELL], text[96];
	const char *cp[5];
	size_t i, n = 0, k;

	for (i = 0; nt && i < r->n_rows; i++) {
		struct sweep_note x = { &r->rows[i], NAN, false, false };

		if (r->rows[i].rank_a < 0)
			continue;
		x.value = sweep_value(d, x.row, m, &x.over);
		x.link = sweep_link_suspect(r, x.row);
		if (x.over || x.link)
			nt[n++] = x;
	}
	if (!n) {
		free(nt);
		return;
	}
	qsort(nt, n, sizeof(*nt), sweep_cmp_note);
	d->ops->heading(d->f, 3,
			"Pairs of note (over target, or a suspect "
			"link), worst first");
	d->ops->table_begin(d->f, head, 5);
	for (i = 0; i < n && i < SWEEP_NOTE_MAX; i++) {
		report_pair_name(r, nt[i].row, c[0], DOC_CELL);
		snprintf(c[1], DOC_CELL, "%d-%d", nt[i].row->rank_a,
			 nt[i].row->rank_b);
		render_size_text(nt[i].row->size_bytes, c[2], DOC_CELL);
		sweep_num(c[3], nt[i].value, "%.3f");
		snprintf(c[4], DOC_CELL, "%s%s%s",
			 nt[i].over ? "over target" : "",
			 nt[i].over && nt[i].link ? ", " : "",
			 nt[i].link ? "suspect link" : "");
		for (k = 0; k < 5; k++)
			cp[k] = c[k];
		d->ops->table_row(d->f, cp, 5, nt[i].over);
	}
	d->ops->table_end(d->f);
	if (n > SWEEP_NOTE_MAX) {
		snprintf(text, sizeof(text),
			 "... and %zu more; every pair is in the JSON result.",
			 n - SWEEP_NOTE_MAX);
		d->ops->para(d->f, text);
	}
	free(nt);
}

void doc_sweep_tables(const struct doc *d, const struct bench_result *r)
{
	size_t i, smallest = (size_t)-1, pairs = 0;
	struct report_metric m;
	char text[160];
	double *v = calloc(r->n_rows + 1, sizeof(*v));
	int *ranks = calloc(2 * r->n_rows + 1, sizeof(*ranks));

	for (i = 0; i < r->n_rows; i++)
		if (r->rows[i].rank_a >= 0) {
			smallest = r->rows[i].size_bytes < smallest
					   ? r->rows[i].size_bytes
					   : smallest;
			pairs++;
		}
	if (v && ranks && pairs) {
		report_metric_choose(r, d->o->stat, &m, NULL);
		sweep_nodes(d, r, smallest, &m, v, ranks);
		snprintf(text, sizeof(text), "Per size, across the pairs (%s)",
			 m.bandwidth ? "bandwidth MB/s" : "latency us");
		d->ops->heading(d->f, 3, text);
		sweep_sizes(d, r, &m, v);
		sweep_notes(d, r, &m);
	}
	free(v);
	free(ranks);
}

/* The reason of a suspect: its code ("SLOW_NODE" -> "slow node"). */
static void sweep_reason_text(const json_t *s, bool link, char *buf, size_t len)
{
	const char *code = json_string_value(json_object_get(s, "code"));
	size_t i;

	snprintf(buf, len, "%s",
		 code	? code
		 : link ? "slow link"
			: "slow node");
	for (i = 0; buf[i]; i++)
		buf[i] = buf[i] == '_'			  ? ' '
			 : buf[i] >= 'A' && buf[i] <= 'Z' ? (char)(buf[i] + 32)
							  : buf[i];
}

/*
 * One suspect of run.suspects: hosts, reason, evidence. A latency
 * suspect's evidence is its latency against the cluster median; one
 * blamed on another figure (tail, bandwidth: latency_us / median_us 0)
 * gives its value as ibpong-mpi measured it.
 */
static void sweep_suspect_text(const json_t *sus, const json_t *s, bool link,
			       char *buf, size_t len)
{
	double cl = json_number_value(json_object_get(sus, "median_us"));
	double th = json_number_value(json_object_get(sus, "threshold"));
	double v = json_number_value(
		json_object_get(s, link ? "latency_us" : "median_us"));
	const char *ha = json_string_value(json_object_get(s, "host_a"));
	const char *hb = json_string_value(json_object_get(s, "host_b"));
	const char *h = json_string_value(json_object_get(s, "host"));
	char what[200], ev[160], reason[48];

	sweep_reason_text(s, link, reason, sizeof(reason));
	if (link)
		snprintf(what, sizeof(what), "%s %s - %s (ranks %lld-%lld)",
			 reason, ha ? ha : "?", hb ? hb : "?",
			 json_integer_value(json_object_get(s, "a")),
			 json_integer_value(json_object_get(s, "b")));
	else
		snprintf(what, sizeof(what), "%s %s (rank %lld)", reason,
			 h ? h : "?",
			 json_integer_value(json_object_get(s, "rank")));
	if (v > 0 && cl > 0)
		snprintf(ev, sizeof(ev),
			 "%s %.2f us, %.1fx the cluster median %.2f us",
			 link ? "" : "the median of its pairs", v, v / cl, cl);
	else if (v > 0)
		snprintf(ev, sizeof(ev), "%.2f us", v);
	else
		snprintf(ev, sizeof(ev), "measured %.4g (not a latency)",
			 json_number_value(json_object_get(s, "value")));
	snprintf(buf, len, "%s: %s (robust score %.1f, threshold %.1f)", what,
		 ev[0] == ' ' ? ev + 1 : ev,
		 json_number_value(json_object_get(s, "score")), th);
}

bool doc_sweep_suspects(const struct doc *d, const struct bench_result *r)
{
	const json_t *sus = json_object_get(r->run, "suspects"), *it;
	const json_t *nodes = json_object_get(sus, "nodes");
	const json_t *links = json_object_get(sus, "links");
	char buf[512], hs[24], title[96];
	size_t i;

	if (!json_is_object(sus) ||
	    !(json_array_size(nodes) + json_array_size(links)))
		return false;
	render_size_text(
		(size_t)json_integer_value(json_object_get(sus, "size_bytes")),
		hs, sizeof(hs));
	snprintf(title, sizeof(title), "Sweep suspects (at %s)", hs);
	d->ops->heading(d->f, 3, title);
	d->ops->list_begin(d->f);
	json_array_foreach (nodes, i, it) {
		sweep_suspect_text(sus, it, false, buf, sizeof(buf));
		d->ops->list_item(d->f, buf);
	}
	json_array_foreach (links, i, it) {
		sweep_suspect_text(sus, it, true, buf, sizeof(buf));
		d->ops->list_item(d->f, buf);
	}
	d->ops->list_end(d->f);
	return true;
}

/* The rank shared by every failing pair of a group, or -1. */
static int sweep_common_rank(const struct report_check *c,
			     const struct bench_result *r, const bool *in)
{
	int cand[2] = { -1, -1 }, k;
	size_t i;
	bool first = true;

	for (i = 0; i < c->n_items; i++) {
		const struct bench_row *row = &r->rows[c->items[i].row];

		if (!in[i])
			continue;
		if (first) {
			cand[0] = row->rank_a;
			cand[1] = row->rank_b;
			first = false;
		}
		for (k = 0; k < 2; k++)
			if (cand[k] != row->rank_a && cand[k] != row->rank_b)
				cand[k] = -1;
	}
	return cand[0] >= 0 ? cand[0] : cand[1];
}

/* Mark the group of item i in in[]; count its pairs and the worst. */
static size_t sweep_group(const struct report_check *c, size_t i,
			  const struct bench_result *r, bool *in, size_t *total,
			  size_t *worst)
{
	const struct report_check_item *a = &c->items[i], *b;
	size_t j, n = 0;
	bool lat = a->kind == REPORT_RULE_MAX_LAT;

	*total = 0;
	*worst = i;
	for (j = 0; j < c->n_items; j++) {
		b = &c->items[j];
		in[j] = false;
		if (b->result != a->result || b->rule != a->rule ||
		    r->rows[b->row].size_bytes != r->rows[a->row].size_bytes ||
		    r->rows[b->row].rank_a < 0)
			continue;
		(*total)++;
		if (b->verdict != a->verdict)
			continue;
		in[j] = true;
		n++;
		if (isfinite(b->value) &&
		    (!isfinite(c->items[*worst].value) ||
		     (lat ? b->value > c->items[*worst].value
			  : b->value < c->items[*worst].value)))
			*worst = j;
	}
	return n;
}

static void sweep_reason(const struct doc *d, size_t i, const bool *in,
			 size_t n, size_t total, size_t worst)
{
	const struct render_judgement *j = d->o->judge;
	const struct report_check_item *it = &j->check.items[i];
	const struct report_check_item *w = &j->check.items[worst];
	const struct bench_result *r = &j->view.items[it->result];
	const struct report_rule *rule = &j->profile.rules[it->rule];
	bool lat = rule->kind == REPORT_RULE_MAX_LAT;
	int common = sweep_common_rank(&j->check, r, in);
	char size[24], pair[96], text[640], with[96] = "", by[32] = "";
	const char *base = strrchr(j->view.paths[it->result], '/');

	render_size_text(r->rows[it->row].size_bytes, size, sizeof(size));
	report_pair_name(r, &r->rows[w->row], pair, sizeof(pair));
	if (common >= 0 && n > 1)
		snprintf(with, sizeof(with), ", every one with %.60s (rank %d)",
			 sweep_host(r, common), common);
	if (isfinite(w->value) && rule->limit > 0)
		snprintf(by, sizeof(by), " (%+.1f %%)",
			 (w->value / rule->limit - 1) * 100);
	snprintf(text, sizeof(text),
		 "%s: %s %s, %s: %zu of %zu pairs %s limit %s %.2f %s%s; "
		 "worst %s %.2f %s%s%s%s [target]",
		 report_verdict_name(it->verdict), base ? base + 1 : "",
		 r->test_name ? r->test_name : "?", size, n, total,
		 it->verdict == REPORT_FAIL ? "beyond the"
					    : "not clearly within the",
		 lat ? "<=" : ">=", rule->limit, lat ? "us" : "MB/s", with,
		 pair, isfinite(w->value) ? w->value : 0.0, lat ? "us" : "MB/s",
		 by, w->why && it->verdict != REPORT_FAIL ? "; " : "",
		 w->why && it->verdict != REPORT_FAIL ? w->why : "");
	d->ops->list_item(d->f, text);
}

size_t doc_sweep_reasons(const struct doc *d, bool *done)
{
	const struct render_judgement *j = d->o->judge;
	size_t i, k, n, total, worst, lines = 0;
	bool *in;

	if (!j || !j->check.n_items)
		return 0;
	in = calloc(j->check.n_items, sizeof(*in));
	for (i = 0; in && i < j->check.n_items; i++) {
		const struct report_check_item *it = &j->check.items[i];

		if (done[i] || it->rule < 0 ||
		    j->view.items[it->result].rows[it->row].rank_a < 0 ||
		    (it->verdict != REPORT_FAIL &&
		     it->verdict != REPORT_INCONCLUSIVE))
			continue;
		n = sweep_group(&j->check, i, &j->view.items[it->result], in,
				&total, &worst);
		for (k = 0; k < j->check.n_items; k++)
			done[k] |= in[k];
		sweep_reason(d, i, in, n, total, worst);
		lines++;
	}
	free(in);
	return lines;
}
