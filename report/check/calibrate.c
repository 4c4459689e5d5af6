/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check --calibrate: a profile from known-good runs, for a new SKU or
 * partition without code changes (ReFrame keeps such references per
 * system:partition).
 *
 * Per size, each known-good run gives the 95 % interval of the statistic
 * (report_row_interval: the median's or the mean's, as check judges it;
 * the value itself where a run has none, e.g. an imported mean or a p99).
 * The limit is the worst end of those intervals with the margin added: a
 * latency ceiling at max(hi) * (1 + margin), a bandwidth floor at
 * min(lo) * (1 - margin), rounded outwards to 0.01 as limits are compared.
 * The interval's end, not the measured value: check passes a row only
 * when its whole interval is within the limit, so a limit at a good run's
 * value (or a margin thinner than its interval) would judge that very run
 * INCONCLUSIVE. With --system the rules name that system and
 * replace the rules of the same system in the --profile given, which are
 * kept otherwise.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "compare/verdict.h"

/* The range of the intervals at size over the runs: 0 or -ENOENT. */
static int cal_range(const struct report_set *set, size_t size, bool bw,
		     int stat, double *lo, double *hi)
{
	enum report_rule_kind kind =
		bw ? REPORT_RULE_MIN_BW : REPORT_RULE_MAX_LAT;
	struct bench_interval ci;
	size_t i, j;
	double v;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (i = 0; i < set->count; i++)
		for (j = 0; j < set->items[i].n_rows; j++) {
			const struct bench_row *row = &set->items[i].rows[j];

			if (row->size_bytes != size || row->timed_out)
				continue;
			v = bw ? row->bw_MBps
			       : bench_stats_get(&row->lat_us,
						 (enum bench_stat_id)stat);
			if (!isfinite(v))
				continue;
			ci = report_row_interval(row, kind, stat);
			*lo = fmin(*lo, isfinite(ci.lo) ? fmin(ci.lo, v) : v);
			*hi = fmax(*hi, isfinite(ci.hi) ? fmax(ci.hi, v) : v);
		}
	return isfinite(*lo) ? 0 : -ENOENT;
}

/* The runs must be one test measured one way. */
static int cal_same(const struct report_set *set, char *err, size_t err_len)
{
	size_t i;

	for (i = 1; i < set->count; i++)
		if (set->items[i].test != set->items[0].test ||
		    set->items[i].lat_kind != set->items[0].lat_kind) {
			snprintf(err, err_len,
				 "--calibrate: %s is a %s test (%s), %s a %s "
				 "test (%s); calibrate one test at a time",
				 set->paths[i],
				 bench_test_name(set->items[i].test),
				 bench_lat_kind_name(set->items[i].lat_kind),
				 set->paths[0],
				 bench_test_name(set->items[0].test),
				 bench_lat_kind_name(set->items[0].lat_kind));
			return -EINVAL;
		}
	return 0;
}

/* Distinct sizes of the runs, ascending, at most max. */
static size_t cal_sizes(const struct report_set *set, size_t *sizes, size_t max)
{
	size_t i, j, k, n = 0;

	for (i = 0; i < set->count; i++)
		for (j = 0; j < set->items[i].n_rows; j++) {
			size_t s = set->items[i].rows[j].size_bytes;

			for (k = 0; k < n && sizes[k] < s; k++)
				;
			if (k < n && sizes[k] == s)
				continue;
			if (n == max)
				return max + 1;
			memmove(sizes + k + 1, sizes + k,
				(n - k) * sizeof(*sizes));
			sizes[k] = s;
			n++;
		}
	return n;
}

static json_t *cal_scope(const struct report_set *set)
{
	const struct bench_result *r = &set->items[0];
	json_t *b = json_array();
	char name[160];
	size_t i, k;

	for (i = 0; b && i < set->count; i++) {
		snprintf(name, sizeof(name), "%s:%s",
			 set->items[i].tool ? set->items[i].tool : "*",
			 set->items[i].test_name ? set->items[i].test_name
						 : "*");
		for (k = 0; k < json_array_size(b); k++)
			if (!strcmp(json_string_value(json_array_get(b, k)),
				    name))
				break;
		if (k == json_array_size(b) && k < REPORT_SCOPE_BENCH_MAX)
			json_array_append_new(b, json_string(name));
	}
	return json_pack("{s:[s], s:[s], s:o}", "kinds",
			 bench_test_name(r->test), "latency",
			 bench_lat_kind_name(r->lat_kind), "benchmarks", b);
}

/* The kept rules of base (not those of the system being calibrated). */
static int cal_keep(const struct report_profile *base, const char *system,
		    json_t *rules)
{
	unsigned k;
	int ret = 0;

	for (k = 0; base && k < base->n_rules && !ret; k++) {
		const struct report_rule *r = &base->rules[k];
		json_t *o;

		if (!strcmp(r->system, system ? system : ""))
			continue;
		o = json_pack("{s:s, s:f}", "sizes", r->sizes,
			      r->kind == REPORT_RULE_MAX_LAT
				      ? "max_latency_us"
				      : "min_bandwidth_MBps",
			      r->limit);
		if (o && r->system[0])
			json_object_set_new(o, "system",
					    json_string(r->system));
		ret = o && !json_array_append_new(rules, o) ? 0 : -ENOMEM;
	}
	return ret;
}

static int cal_rules(const struct report_set *set, const struct cal_opts *o,
		     json_t *rules, char *err, size_t err_len)
{
	bool bw = report_result_is_bw(&set->items[0]);
	size_t sizes[REPORT_RULES_MAX + 1], n, i;
	double lo, hi, limit;
	char sz[32];
	json_t *r;

	n = cal_sizes(set, sizes, REPORT_RULES_MAX);
	if (n + json_array_size(rules) > REPORT_RULES_MAX) {
		snprintf(err, err_len,
			 "--calibrate: more than %d sizes and rules; calibrate "
			 "fewer sizes",
			 REPORT_RULES_MAX);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (cal_range(set, sizes[i], bw, o->stat, &lo, &hi))
			continue;
		limit = bw ? floor(lo * (1 - o->margin) * 100) / 100
			   : ceil(hi * (1 + o->margin) * 100) / 100;
		snprintf(sz, sizeof(sz), "%zu", sizes[i]);
		r = json_pack("{s:s, s:f}", "sizes", sz,
			      bw ? "min_bandwidth_MBps" : "max_latency_us",
			      limit);
		if (r && o->system)
			json_object_set_new(r, "system",
					    json_string(o->system));
		if (!r || json_array_append_new(rules, r))
			return -ENOMEM;
	}
	return 0;
}

int report_calibrate(const struct report_set *set, const struct cal_opts *o,
		     const struct report_profile *base, char *err,
		     size_t err_len)
{
	json_t *doc = NULL, *rules = json_array();
	char desc[200], *text = NULL;
	int ret;

	ret = rules ? cal_same(set, err, err_len) : -ENOMEM;
	if (!ret)
		ret = cal_keep(base, o->system, rules);
	if (!ret)
		ret = cal_rules(set, o, rules, err, err_len);
	if (ret)
		goto out;
	snprintf(desc, sizeof(desc),
		 "calibrated from %zu known-good run(s)%s%s: per size, the "
		 "worst end of their 95 %% intervals of the %s (the value "
		 "where a run has none) with a %.0f %% margin",
		 set->count, o->system ? " of " : "",
		 o->system ? o->system : "",
		 bench_stat_name((enum bench_stat_id)o->stat), o->margin * 100);
	doc = json_pack("{s:s, s:s, s:s, s:o, s:O}", "name",
			base ? base->name : o->name, "description", desc,
			"statistic",
			bench_stat_name((enum bench_stat_id)o->stat),
			"applies_to", cal_scope(set), "rules", rules);
	if (doc && o->system && !(base && base->system_label[0]))
		json_object_set_new(
			doc, "system_label",
			json_string(o->label ? o->label : "system"));
	if (doc && base && base->system_label[0])
		json_object_set_new(doc, "system_label",
				    json_string(base->system_label));
	text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
					     JSON_REAL_PRECISION(12))
		   : NULL;
	ret = text ? bench_write_file_atomic(o->out, text, strlen(text))
		   : -ENOMEM;
	if (ret && ret != -ENOMEM)
		snprintf(err, err_len, "cannot write %s: %s", o->out,
			 strerror(-ret));
out:
	if (ret == -ENOMEM)
		snprintf(err, err_len, "out of memory");
	free(text);
	json_decref(doc);
	json_decref(rules);
	return ret;
}
