/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The content of a report, written once for both writers: summary,
 * plots, and per result its run metadata, sweep suspects, table and
 * verdicts.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "render/doc.h"
#include "variant.h"

#define DOC_COLS_MAX	16
#define DOC_REASONS_MAX 20 /* reasons listed in the summary */

/* The verdicts of one result. */
struct doc_verdict {
	unsigned over_target; /* sizes over their --max-latency target */
	unsigned checked;     /* sizes with a target */
	unsigned regressions; /* sizes regressed against the baseline */
	unsigned compared;    /* sizes compared with the baseline */
	unsigned undecided;   /* of those, the intervals could not decide */
	char regressed[240];  /* "256 B +5.2 %, 1 KiB +9.1 %" */
};

void render_size_text(size_t size, char *buf, size_t len)
{
	if (size >= (1u << 20) && !(size % (1u << 20)))
		snprintf(buf, len, "%zu MiB", size >> 20);
	else if (size >= 1024 && !(size % 1024))
		snprintf(buf, len, "%zu KiB", size >> 10);
	else
		snprintf(buf, len, "%zu B", size);
}

void render_slug(const char *text, char *buf, size_t len)
{
	size_t n = 0;

	for (; *text && n + 1 < len; text++) {
		char c = *text;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			buf[n++] = c;
		else if (c == ' ')
			buf[n++] = '-';
	}
	buf[n] = '\0';
}

static const char *doc_basename(const char *path)
{
	const char *b = strrchr(path, '/');

	return b && b[1] ? b + 1 : path;
}

static void doc_num(char *buf, double v, const char *fmt)
{
	if (isnan(v))
		snprintf(buf, DOC_CELL, "-");
	else
		snprintf(buf, DOC_CELL, fmt, v);
}

static const struct bench_result *doc_base(const struct doc *d,
					   const struct bench_result *r)
{
	const struct bench_result *kind_match = NULL;
	size_t i;

	for (i = 0; d->baseline && i < d->baseline->count; i++) {
		const struct bench_result *b = &d->baseline->items[i];

		if (b->test != r->test)
			continue;
		if (!strcmp(b->test_name ? b->test_name : "",
			    r->test_name ? r->test_name : ""))
			return b;
		if (!kind_match)
			kind_match = b;
	}
	return kind_match;
}

/* The target cells of a row; returns whether it is over its target. */
static bool doc_row_target(const struct doc *d, const struct bench_row *row,
			   const struct report_metric *m, char *t, char *ok,
			   struct doc_verdict *v)
{
	const struct report_target *tg;
	struct report_point pt;

	tg = report_target_find(d->o->targets, d->o->n_targets,
				row->size_bytes);
	report_point_get(row, m, &pt);
	snprintf(t, DOC_CELL, "-");
	snprintf(ok, DOC_CELL, "-");
	if (!tg || m->bandwidth || isnan(pt.value))
		return false;
	v->checked++;
	doc_num(t, tg->max_us, "%.3f");
	snprintf(ok, DOC_CELL, "%s", pt.value > tg->max_us ? "FAIL" : "pass");
	v->over_target += pt.value > tg->max_us;
	return pt.value > tg->max_us;
}

/* The baseline cells of a row; returns whether it regressed. */
static bool doc_row_base(const struct doc *d, const struct bench_result *b,
			 const struct bench_result *r,
			 const struct bench_row *row, char *val, char *ratio,
			 char *verdict, struct doc_verdict *v)
{
	const struct bench_row *rb;
	struct report_metric m;
	struct report_point pb, pc;
	enum report_cmp_verdict vd;

	snprintf(val, DOC_CELL, "-");
	snprintf(ratio, DOC_CELL, "-");
	snprintf(verdict, DOC_CELL, "n/a");
	rb = report_row_find(b, row->size_bytes, row->rank_a, row->rank_b);
	if (!rb)
		return false;
	report_metric_choose_pair(b, r, d->o->stat, &m, NULL);
	report_point_get(rb, &m, &pb);
	report_point_get(row, &m, &pc);
	vd = report_cmp_judge(&d->o->rule, m.bandwidth, &pb, &pc, NULL);
	doc_num(val, pb.value, "%.3f");
	if (vd != REPORT_CMP_NA)
		doc_num(ratio, pc.value / pb.value, "%.3f");
	snprintf(verdict, DOC_CELL, "%s", report_cmp_verdict_name(vd));
	v->compared += vd != REPORT_CMP_NA;
	v->regressions += vd == REPORT_CMP_REGRESSION;
	v->undecided += vd == REPORT_CMP_INCONCLUSIVE;
	if (vd == REPORT_CMP_REGRESSION && row->rank_a < 0) {
		size_t off = strlen(v->regressed);
		char hs[24];

		render_size_text(row->size_bytes, hs, sizeof(hs));
		if (off + 40 < sizeof(v->regressed))
			snprintf(v->regressed + off, sizeof(v->regressed) - off,
				 "%s%s %+.1f %%", off ? ", " : "", hs,
				 (pc.value / pb.value - 1) * 100);
		else if (!strstr(v->regressed, ", ..."))
			snprintf(v->regressed + off, sizeof(v->regressed) - off,
				 ", ...");
	}
	return vd == REPORT_CMP_REGRESSION;
}

static size_t doc_head(const struct doc *d, const struct bench_result *b,
		       const char **head)
{
	static const char *const base_cols[] = {
		"size",	  "iterations", "min us", "median us", "mean us",
		"p90 us", "p99 us",	"max us", "MB/s",      "msg/s",
	};
	size_t n = sizeof(base_cols) / sizeof(base_cols[0]), i;

	for (i = 0; i < n; i++)
		head[i] = base_cols[i];
	if (d->o->n_targets) {
		head[n++] = "target us";
		head[n++] = "target";
	}
	if (b) {
		head[n++] = "baseline";
		head[n++] = "ratio";
		head[n++] = "vs baseline";
	}
	return n;
}

static void doc_rows(const struct doc *d, const struct bench_result *r,
		     const struct bench_result *b, struct doc_verdict *v)
{
	static const enum bench_stat_id stats[] = {
		BENCH_STAT_MIN, BENCH_STAT_MEDIAN, BENCH_STAT_MEAN,
		BENCH_STAT_P90, BENCH_STAT_P99,	   BENCH_STAT_MAX,
	};
	char cells[DOC_COLS_MAX][DOC_CELL];
	const char *head[DOC_COLS_MAX], *cp[DOC_COLS_MAX];
	struct report_metric m;
	size_t i, k, n = doc_head(d, b, head), c;
	bool bad, sweep = false;

	for (i = 0; i < r->n_rows; i++)
		sweep |= r->rows[i].rank_a >= 0;
	report_metric_choose(r, d->o->stat, &m, NULL);
	/* A sweep: per node and per size, not every pair x size row. */
	if (sweep)
		doc_sweep_tables(d, r);
	else
		d->ops->table_begin(d->f, head, n);
	for (i = 0; i < r->n_rows; i++) {
		const struct bench_row *row = &r->rows[i];

		render_size_text(row->size_bytes, cells[0], DOC_CELL);
		if (row->rank_a >= 0) {
			char pair[48], hs[24];

			report_pair_name(r, row, pair, sizeof(pair));
			render_size_text(row->size_bytes, hs, sizeof(hs));
			snprintf(cells[0], DOC_CELL, "%.16s (%.40s)", hs, pair);
		}
		if (row->iters)
			snprintf(cells[1], DOC_CELL, "%llu",
				 (unsigned long long)row->iters);
		else
			snprintf(cells[1], DOC_CELL, "-");
		for (k = 0; k < 6; k++)
			doc_num(cells[2 + k],
				bench_stats_get(&row->lat_us, stats[k]),
				"%.3f");
		doc_num(cells[8], row->bw_MBps, "%.2f");
		doc_num(cells[9], row->msg_rate_per_s, "%.0f");
		if (row->timed_out)
			snprintf(cells[3], DOC_CELL, "timed out");
		c = 10;
		bad = false;
		if (d->o->n_targets) {
			bad |= doc_row_target(d, row, &m, cells[c],
					      cells[c + 1], v);
			c += 2;
		}
		if (b)
			bad |= doc_row_base(d, b, r, row, cells[c],
					    cells[c + 1], cells[c + 2], v);
		for (k = 0; k < n && !sweep; k++)
			cp[k] = cells[k];
		if (!sweep)
			d->ops->table_row(d->f, cp, n, bad);
	}
	if (!sweep)
		d->ops->table_end(d->f);
}

/*
 * A number for people: rates in GHz/MHz (2.60 GHz, not 2.59613e+09),
 * integers whole, the rest with 4 significant digits.
 */
static char *doc_number(const char *key, double v)
{
	size_t n = key ? strlen(key) : 0;
	char *s = NULL;
	int ret;

	if (n > 3 && !strcmp(key + n - 3, "_hz") && v >= 1e9)
		ret = asprintf(&s, "%.2f GHz", v / 1e9);
	else if (n > 3 && !strcmp(key + n - 3, "_hz") && v >= 1e6)
		ret = asprintf(&s, "%.2f MHz", v / 1e6);
	else if (n > 3 && !strcmp(key + n - 3, "_ns"))
		ret = asprintf(&s, "%.4g ns", v);
	else if (v == floor(v) && fabs(v) < 1e15)
		ret = asprintf(&s, "%.0f", v);
	else
		ret = asprintf(&s, "%.4g", v);
	return ret < 0 ? NULL : s;
}

static char *doc_json_text_key(const json_t *v, const char *vkey);

/* A metadata value as one line of text (caller frees). */
static char *doc_json_text(const json_t *v)
{
	return doc_json_text_key(v, NULL);
}

static char *doc_json_text_key(const json_t *v, const char *vkey)
{
	const char *key;
	json_t *item;
	size_t i;
	char *s = NULL, *part, *tmp;

	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_number(v))
		return doc_number(vkey, json_number_value(v));
	if (!json_is_object(v) && !json_is_array(v))
		return json_dumps(v, JSON_ENCODE_ANY);
	s = strdup("");
	json_array_foreach (v, i, item) {
		part = doc_json_text(item);
		if (!s || !part ||
		    asprintf(&tmp, "%s%s%s", s, i ? ", " : "", part) < 0)
			tmp = NULL;
		free(part);
		free(s);
		s = tmp;
	}
	json_object_foreach ((json_t *)v, key, item) {
		part = doc_json_text_key(item, key);
		if (!s || !part ||
		    asprintf(&tmp, "%s%s%s=%s", s, *s ? ", " : "", key, part) <
			    0)
			tmp = NULL;
		free(part);
		free(s);
		s = tmp;
	}
	return s;
}

static void doc_meta(const struct doc *d, const struct bench_result *r,
		     const char *path)
{
	static const char *const head[] = { "field", "value" };
	char tool[256], test[256];
	const char *cells[2];
	const char *key;
	json_t *v;
	char *text;

	snprintf(tool, sizeof(tool), "%s %s", r->tool ? r->tool : "?",
		 r->tool_version ? r->tool_version : "");
	snprintf(test, sizeof(test), "%s (kind %s, %s latency)",
		 r->test_name ? r->test_name : "?", bench_test_name(r->test),
		 bench_lat_kind_name(r->lat_kind));
	d->ops->table_begin(d->f, head, 2);
	cells[0] = "file";
	cells[1] = path;
	d->ops->table_row(d->f, cells, 2, false);
	cells[0] = "tool";
	cells[1] = tool;
	d->ops->table_row(d->f, cells, 2, false);
	cells[0] = "test";
	cells[1] = test;
	d->ops->table_row(d->f, cells, 2, false);
	json_object_foreach (r->run, key, v) {
		json_t *copy = NULL;

		if (!strcmp(key, "suspects"))
			continue;
		/* The endpoints are in the per-node table. */
		if (!strcmp(key, "sweep") && json_is_object(v)) {
			copy = json_copy(v);
			json_object_del(copy, "nodes");
		}
		text = json_is_array(v) && !json_array_size(v)
			       ? strdup("none")
			       : doc_json_text_key(copy ? copy : v, key);
		json_decref(copy);
		cells[0] = key;
		cells[1] = text ? text : "?";
		d->ops->table_row(d->f, cells, 2, false);
		free(text);
	}
	d->ops->table_end(d->f);
}

/* Items of an array (strings or objects) as JSON text. */
static void doc_suspect_items(const struct doc *d, const json_t *arr)
{
	json_t *item;
	char *text;
	size_t i;

	json_array_foreach ((json_t *)arr, i, item) {
		text = doc_json_text(item);
		d->ops->list_item(d->f, text ? text : "?");
		free(text);
	}
}

/*
 * run.suspects (sweeps): ibpong-mpi's object {nodes: [...], links: [...]}
 * (doc_sweep_suspects) or an array whose entries are strings or objects.
 */
static void doc_suspects(const struct doc *d, const struct bench_result *r)
{
	json_t *sus = json_object_get(r->run, "suspects");

	if (doc_sweep_suspects(d, r) || !json_is_array(sus) ||
	    !json_array_size(sus))
		return;
	d->ops->heading(d->f, 3, "Sweep suspects");
	d->ops->list_begin(d->f);
	doc_suspect_items(d, sus);
	d->ops->list_end(d->f);
}

/* The check verdict of set result i, or -1 when it was not judged. */
static int doc_judged(const struct doc *d, size_t i)
{
	const struct render_judgement *j = d->o->judge;
	size_t k;

	for (k = 0; j && k < j->view.count; k++)
		if (j->judged[k] == i)
			return (int)report_check_verdict(&j->check, k);
	return -1;
}

static const char *doc_verdict_word(const struct doc_verdict *v, bool *bad)
{
	*bad = v->over_target || v->regressions;
	if (*bad)
		return "FAIL";
	if (v->undecided)
		return "INCONCLUSIVE";
	return v->checked || v->compared ? "PASS" : "no target";
}

static void doc_verdict_text(const struct doc_verdict *v, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (v->checked)
		off += (size_t)snprintf(buf, len,
					"%u of %u size(s) over target",
					v->over_target, v->checked);
	if (v->compared && off < len)
		off += (size_t)snprintf(
			buf + off, len - off,
			"%s%u of %u size(s) regressed against the baseline",
			off ? "; " : "", v->regressions, v->compared);
	if (v->undecided && off < len)
		snprintf(buf + off, len - off, ", %u inconclusive",
			 v->undecided);
	if (!v->checked && !v->compared)
		snprintf(buf, len, "no --max-latency target and no baseline");
}

/* A sweep's "2 sizes x 28 pairs" (kept as is for other results). */
static void doc_sweep_sizes(const struct bench_result *r, char *buf, size_t len)
{
	size_t i, k, sizes = 0, pairs = 0;

	for (i = 0; i < r->n_rows; i++) {
		if (r->rows[i].rank_a < 0)
			return;
		for (k = 0;
		     k < i && r->rows[k].size_bytes != r->rows[i].size_bytes;
		     k++)
			;
		sizes += k == i;
	}
	if (!sizes)
		return;
	pairs = r->n_rows / sizes;
	snprintf(buf, len, "%zu x %zu pairs", sizes, pairs);
}

/* The result's section title; also its TOC entry. */
static void doc_result_title(const struct doc *d, size_t i, char *buf,
			     size_t len)
{
	const struct bench_result *r = &d->set->items[i];

	snprintf(buf, len, "%zu. %s %s (%s)", i + 1, r->tool ? r->tool : "?",
		 r->test_name ? r->test_name : "?",
		 doc_basename(d->set->paths[i]));
}

static void doc_result(const struct doc *d, size_t i, struct doc_verdict *v)
{
	const struct bench_result *r = &d->set->items[i], *b = doc_base(d, r);
	char title[512], text[256];
	const char *word;
	bool bad;

	doc_result_title(d, i, title, sizeof(title));
	d->ops->heading(d->f, 2, title);
	d->ops->heading(d->f, 3, "Run");
	doc_meta(d, r, d->set->paths[i]);
	doc_suspects(d, r);
	d->ops->heading(d->f, 3, "Results");
	doc_rows(d, r, b, v);
	doc_verdict_text(v, text, sizeof(text));
	word = doc_verdict_word(v, &bad);
	d->ops->verdict(d->f, text, word, bad);
}

static void doc_summary(const struct doc *d, const struct doc_verdict *v,
			bool *any_bad, bool *any_checked)
{
	static const char *const head[] = { "#",      "result", "tool",
					    "test",   "sizes",	"start time",
					    "verdict" };
	char cells[7][DOC_CELL * 4];
	const char *cp[7];
	size_t i, k;
	bool bad;

	d->ops->heading(d->f, 2, "Summary");
	d->ops->table_begin(d->f, head, 7);
	for (i = 0; i < d->set->count; i++) {
		const struct bench_result *r = &d->set->items[i];
		const char *start = json_string_value(
			json_object_get(r->run, "start_time"));

		snprintf(cells[0], sizeof(cells[0]), "%zu", i + 1);
		snprintf(cells[1], sizeof(cells[1]), "%s",
			 doc_basename(d->set->paths[i]));
		snprintf(cells[2], sizeof(cells[2]), "%s",
			 r->tool ? r->tool : "?");
		snprintf(cells[3], sizeof(cells[3]), "%s (%s)",
			 r->test_name ? r->test_name : "?",
			 bench_test_name(r->test));
		snprintf(cells[4], sizeof(cells[4]), "%zu", r->n_rows);
		doc_sweep_sizes(r, cells[4], sizeof(cells[4]));
		snprintf(cells[5], sizeof(cells[5]), "%s", start ? start : "-");
		snprintf(cells[6], sizeof(cells[6]), "%s",
			 doc_verdict_word(&v[i], &bad));
		if (d->o->judge) {
			int jv = doc_judged(d, i);

			bad = v[i].regressions || jv == REPORT_FAIL;
			snprintf(cells[6], sizeof(cells[6]), "%s%s",
				 jv < 0 ? "not judged"
					: report_verdict_name(
						  (enum report_verdict)jv),
				 v[i].regressions ? ", regressed"
				 : v[i].undecided ? ", inconclusive against "
						    "the baseline"
						  : "");
		}
		*any_bad |= bad;
		*any_checked |= v[i].checked || v[i].compared;
		for (k = 0; k < 7; k++)
			cp[k] = cells[k];
		d->ops->table_row(d->f, cp, 7, bad);
	}
	d->ops->table_end(d->f);
}

/* One failing or inconclusive check, with how far from its limit. */
static void doc_reason_item(const struct doc *d,
			    const struct report_check_item *it)
{
	const struct render_judgement *j = d->o->judge;
	const struct bench_result *r = &j->view.items[it->result];
	const struct bench_row *row = &r->rows[it->row];
	const struct report_rule *rule = &j->profile.rules[it->rule];
	bool lat = rule->kind == REPORT_RULE_MAX_LAT;
	char pair[96], size[32], text[512], by[48] = "";
	/* A clear failure needs no "no interval available". */
	const char *why = it->verdict == REPORT_FAIL ? NULL : it->why;

	report_pair_name(r, row, pair, sizeof(pair));
	render_size_text(row->size_bytes, size, sizeof(size));
	if (isfinite(it->value) && rule->limit > 0)
		snprintf(by, sizeof(by), " (%+.1f %%)",
			 (it->value / rule->limit - 1) * 100);
	snprintf(text, sizeof(text),
		 "%s: %s %s, %s%s%s: %s %s %.2f %s, limit %s %.2f %s%s%s%s "
		 "[target]",
		 report_verdict_name(it->verdict),
		 doc_basename(j->view.paths[it->result]),
		 r->test_name ? r->test_name : "?", size, pair[0] ? " " : "",
		 pair, lat ? "latency" : "bandwidth",
		 lat ? bench_stat_name((enum bench_stat_id)j->stat) : "",
		 isfinite(it->value) ? it->value : 0.0, lat ? "us" : "MB/s",
		 lat ? "<=" : ">=", rule->limit, lat ? "us" : "MB/s", by,
		 why ? "; " : "", why ? why : "");
	if (!isfinite(it->value))
		snprintf(text, sizeof(text), "%s: %s %s, %s%s%s: %s [target]",
			 report_verdict_name(it->verdict),
			 doc_basename(j->view.paths[it->result]),
			 r->test_name ? r->test_name : "?", size,
			 pair[0] ? " " : "", pair,
			 it->why ? it->why : "no value");
	d->ops->list_item(d->f, text);
}

/* A passing judgement: the check closest to its limit, and its margin. */
static void doc_closest(const struct doc *d)
{
	const struct render_judgement *j = d->o->judge;
	const struct report_check_item *it, *best = NULL;
	double q, best_q = -INFINITY;
	char text[320], size[24], pair[96];
	size_t i;

	for (i = 0; i < j->check.n_items; i++) {
		it = &j->check.items[i];
		if (it->verdict != REPORT_PASS || it->rule < 0 ||
		    !isfinite(it->value) ||
		    !(j->profile.rules[it->rule].limit > 0))
			continue;
		q = it->value / j->profile.rules[it->rule].limit;
		if (it->kind != REPORT_RULE_MAX_LAT)
			q = q > 0 ? 1 / q : -INFINITY;
		if (q > best_q) {
			best_q = q;
			best = it;
		}
	}
	if (!best)
		return;
	render_size_text(j->view.items[best->result].rows[best->row].size_bytes,
			 size, sizeof(size));
	report_pair_name(&j->view.items[best->result],
			 &j->view.items[best->result].rows[best->row], pair,
			 sizeof(pair));
	snprintf(text, sizeof(text),
		 "closest to its limit: %s %s%s%s: %.2f %s against %.2f (%+.1f "
		 "%%)",
		 doc_basename(j->view.paths[best->result]), size,
		 pair[0] ? " " : "", pair, best->value,
		 best->kind == REPORT_RULE_MAX_LAT ? "us" : "MB/s",
		 j->profile.rules[best->rule].limit,
		 (best->value / j->profile.rules[best->rule].limit - 1) * 100);
	d->ops->list_item(d->f, text);
}

/*
 * The baseline's reason for result i, if any: its regressions, or else
 * the comparisons the intervals could not decide. Returns the items.
 */
static size_t doc_base_reason(const struct doc *d, size_t i,
			      const struct doc_verdict *v)
{
	const char *test = d->set->items[i].test_name;
	double tol = d->o->rule.tolerance * 100;
	char text[1024], head[320];

	snprintf(head, sizeof(head), "%s %s", doc_basename(d->set->paths[i]),
		 test ? test : "?");
	if (v->regressions)
		snprintf(text, sizeof(text),
			 "REGRESSION: %s: %u of %u size(s) regressed against "
			 "the baseline (tolerance %.0f %%, or the noise)%s%s "
			 "[regression]",
			 head, v->regressions, v->compared, tol,
			 v->regressed[0] ? ": " : "", v->regressed);
	else if (v->undecided)
		snprintf(
			text, sizeof(text),
			"INCONCLUSIVE: %s: %u of %u size(s) changed beyond the "
			"tolerance (%.0f %%) but their 95 %% intervals overlap "
			"the baseline's: measure again [inconclusive]",
			head, v->undecided, v->compared, tol);
	else
		return 0;
	d->ops->list_item(d->f, text);
	return 1;
}

/*
 * Why the verdict is what it is, at the top: sweep suspects first, then
 * every size that failed or was inconclusive against its target (pair,
 * value, limit, by how much), the regressions against the baseline
 * apart, and what was not judged.
 */
static void doc_reasons(const struct doc *d, const struct doc_verdict *v)
{
	const struct render_judgement *j = d->o->judge;
	char text[512], why[256];
	size_t i, n = 0;
	bool *done;

	for (i = 0; i < d->set->count; i++)
		if (json_object_get(d->set->items[i].run, "suspects"))
			doc_suspects(d, &d->set->items[i]);
	d->ops->heading(d->f, 3, "Reasons for the verdict");
	d->ops->list_begin(d->f);
	done = j ? calloc(j->check.n_items + 1, sizeof(*done)) : NULL;
	/* Sweeps: one line per size, the pairs counted and the worst. */
	if (done)
		n = doc_sweep_reasons(d, done);
	for (i = 0; done && i < j->check.n_items; i++)
		if (!done[i] &&
		    (j->check.items[i].verdict == REPORT_FAIL ||
		     j->check.items[i].verdict == REPORT_INCONCLUSIVE)) {
			/* A sweep may fail hundreds: the first ones, a count.
			 */
			if (n < DOC_REASONS_MAX)
				doc_reason_item(d, &j->check.items[i]);
			n++;
		}
	if (n > DOC_REASONS_MAX) {
		snprintf(text, sizeof(text),
			 "... and %zu more size(s) beyond their limit: see the "
			 "tables below",
			 n - DOC_REASONS_MAX);
		d->ops->list_item(d->f, text);
	}
	for (i = 0; i < d->set->count; i++)
		n += doc_base_reason(d, i, &v[i]);
	for (i = 0; j && i < d->set->count; i++) {
		if (report_profile_applies(&j->profile, &d->set->items[i], why,
					   sizeof(why)))
			continue;
		snprintf(text, sizeof(text), "not judged: %s %s: %s",
			 doc_basename(d->set->paths[i]),
			 d->set->items[i].test_name ? d->set->items[i].test_name
						    : "?",
			 why);
		d->ops->list_item(d->f, text);
	}
	free(done);
	if (j && !n) {
		snprintf(text, sizeof(text),
			 "every judged size within its limit: %zu check(s), "
			 "profile %s, statistic %s",
			 j->check.n_pass, j->profile.name,
			 bench_stat_name((enum bench_stat_id)j->stat));
		d->ops->list_item(d->f, text);
		doc_closest(d);
	} else if (!j && !n) {
		d->ops->list_item(d->f, "nothing failed or regressed");
	}
	d->ops->list_end(d->f);
}

/*
 * A sweep that did not finish (interrupted, rounds or pairs missing,
 * pairs that failed) is marked as such at the top, before any verdict.
 */
static void doc_partial(const struct doc *d)
{
	char text[256];
	size_t i;

	for (i = 0; i < d->set->count; i++) {
		const json_t *run = d->set->items[i].run;
		const json_t *sw = json_object_get(run, "sweep");
		json_int_t rounds = json_integer_value(
				   json_object_get(sw, "rounds")),
			   done = json_integer_value(
				   json_object_get(sw, "rounds_done")),
			   pairs = json_integer_value(
				   json_object_get(sw, "pairs_total")),
			   measured = json_integer_value(
				   json_object_get(sw, "pairs_measured"));
		size_t failed =
			json_array_size(json_object_get(run, "failed_pairs"));

		if (!sw || (done >= rounds && measured >= pairs && !failed))
			continue;
		snprintf(text, sizeof(text),
			 "%s: %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT
			 " rounds done, %" JSON_INTEGER_FORMAT
			 " of %" JSON_INTEGER_FORMAT
			 " pairs measured, %zu pair(s) failed: the verdict "
			 "covers only what was measured",
			 doc_basename(d->set->paths[i]), done, rounds, measured,
			 pairs, failed);
		d->ops->verdict(d->f, "This run is incomplete", "PARTIAL RUN",
				true);
		d->ops->para(d->f, text);
	}
}

static void doc_toc(const struct doc *d, bool plots)
{
	char(*t)[512] = calloc(d->set->count + 2, sizeof(*t));
	const char **p = calloc(d->set->count + 2, sizeof(*p));
	size_t i, n = 0;

	if (t && p) {
		p[n++] = "Summary";
		if (plots)
			p[n++] = "Plots";
		for (i = 0; i < d->set->count; i++) {
			doc_result_title(d, i, t[i], sizeof(t[i]));
			p[n++] = t[i];
		}
		d->ops->toc(d->f, p, n);
	}
	free(t);
	free(p);
}

static void doc_intro(const struct doc *d, const char *title)
{
	char text[512], now[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S", &tm);
	d->ops->begin(d->f, title);
	d->ops->heading(d->f, 1, title);
	snprintf(text, sizeof(text),
		 "Generated by ibpong report %s on %s UTC from %zu "
		 "result(s).%s%s",
		 IBPONG_VERSION, now, d->set->count,
		 d->o->baseline_path ? " Baseline: " : "",
		 d->o->baseline_path ? d->o->baseline_path : "");
	d->ops->para(d->f, text);
}

int render_document(FILE *f, const struct render_writer_ops *ops,
		    const struct render_opts *o, const struct report_set *set,
		    const struct report_set *baseline,
		    const struct render_image *images, size_t n_images)
{
	struct doc d = { .ops = ops, .o = o, .set = set, .baseline = baseline };
	const char *title =
		o->title && *o->title ? o->title : "ibpong benchmark report";
	struct doc_verdict *v;
	char *body = NULL;
	size_t len = 0, i;
	bool bad = false, checked = false, inconclusive = false;
	int ret = 0;

	v = calloc(set->count + 1, sizeof(*v));
	d.f = open_memstream(&body, &len);
	if (!v || !d.f) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < set->count; i++)
		doc_result(&d, i, &v[i]);
	fclose(d.f);
	d.f = f;
	doc_intro(&d, title);
	doc_toc(&d, n_images || o->plots_skipped);
	doc_partial(&d);
	doc_summary(&d, v, &bad, &checked);
	if (o->judge) {
		enum report_verdict jv = REPORT_PASS;

		for (i = 0; i < o->judge->view.count; i++) {
			enum report_verdict x =
				report_check_verdict(&o->judge->check, i);

			if (x == REPORT_FAIL ||
			    (x == REPORT_INCONCLUSIVE && jv != REPORT_FAIL))
				jv = x;
		}
		/* A regression fails the report as in check + compare,
		 * an undecided comparison makes it inconclusive. */
		for (i = 0; i < set->count; i++)
			if (v[i].regressions)
				jv = REPORT_FAIL;
			else if (v[i].undecided && jv == REPORT_PASS)
				jv = REPORT_INCONCLUSIVE;
		bad = jv == REPORT_FAIL;
		inconclusive = jv == REPORT_INCONCLUSIVE;
		ops->verdict(f, "Overall verdict", report_verdict_name(jv),
			     bad || inconclusive);
	} else {
		for (i = 0; !bad && i < set->count; i++)
			inconclusive |= v[i].undecided > 0;
		ops->verdict(f, "Overall verdict",
			     bad	    ? "FAIL"
			     : inconclusive ? "INCONCLUSIVE"
			     : checked	    ? "PASS"
					    : "no target",
			     bad || inconclusive);
	}
	doc_reasons(&d, v);
	if (n_images || o->plots_skipped)
		ops->heading(f, 2, "Plots");
	if (o->plots_skipped)
		ops->para(f, "Plots were skipped: gnuplot was not found on "
			     "this machine (install gnuplot-nox, or set "
			     "IBPONG_GNUPLOT). The tables below hold every "
			     "figure.");
	for (i = 0; i < n_images && !ret; i++)
		ret = ops->figure(f, &images[i], (int)i + 1);
	if (body)
		fwrite(body, 1, len, f);
	ops->end(f);
	free(body);
	free(v);
	if (ret)
		return ret;
	return bad ? 1 : inconclusive ? 2 : 0;
}
