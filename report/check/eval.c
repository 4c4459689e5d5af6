/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Evaluation of rules against results: PASS, FAIL or INCONCLUSIVE from
 * the figure's 95 % interval when the row has one (doc/statistics.md),
 * from the value alone when it has none (imports of IMB, OSU).
 *
 * Values are compared as they are printed, at two decimals: the table
 * shows 3.00 against a 3.00 limit as PASS and 3.01 as FAIL, and no binary
 * rounding error of a value such as 3.0000000000000004 can turn what the
 * user reads as 3.00 into a failure.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "options.h"

/* Larger values print without trouble but are not worth comparing. */
#define CENTS_LIMIT 1e15

/*
 * v as printed with "%.2f", in hundredths: the printed digits without
 * the point, read back by the suite's one number parser.
 */
static bool to_cents(double v, long long *out)
{
	char buf[40], *dot;
	uint64_t c;

	if (!isfinite(v) || fabs(v) >= CENTS_LIMIT)
		return false;
	snprintf(buf, sizeof(buf), "%.2f", fabs(v));
	dot = strchr(buf, '.');
	if (!dot)
		return false;
	memmove(dot, dot + 1, strlen(dot));
	if (bench_parse_u64(buf, 0, (uint64_t)(CENTS_LIMIT * 100), &c))
		return false;
	*out = signbit(v) ? -(long long)c : (long long)c;
	return true;
}

bool report_within(enum report_rule_kind kind, double value, double limit)
{
	long long v, l;

	if (!to_cents(value, &v) || !to_cents(limit, &l))
		return false;
	return kind == REPORT_RULE_MAX_LAT ? v <= l : v >= l;
}

void report_rule_metric(enum report_rule_kind kind, int stat, char *buf,
			size_t len)
{
	if (kind == REPORT_RULE_MIN_BW)
		snprintf(buf, len, "bandwidth (MB/s)");
	else
		snprintf(buf, len, "latency %s (us)",
			 bench_stat_name((enum bench_stat_id)stat));
}

static int check_push(struct report_check *c,
		      const struct report_check_item *it)
{
	if (c->n_items == c->cap_items) {
		size_t cap = c->cap_items ? c->cap_items * 2 : 64;
		struct report_check_item *items;

		items = realloc(c->items, cap * sizeof(*items));
		if (!items)
			return -ENOMEM;
		c->items = items;
		c->cap_items = cap;
	}
	c->items[c->n_items++] = *it;
	if (it->verdict == REPORT_PASS)
		c->n_pass++;
	else if (it->verdict == REPORT_FAIL)
		c->n_fail++;
	else if (it->verdict == REPORT_INCONCLUSIVE)
		c->n_inconclusive++;
	return 0;
}

const char *report_verdict_name(enum report_verdict v)
{
	switch (v) {
	case REPORT_PASS:
		return "PASS";
	case REPORT_FAIL:
		return "FAIL";
	case REPORT_INCONCLUSIVE:
		return "INCONCLUSIVE";
	default:
		return "-";
	}
}

enum report_verdict report_judge(enum report_rule_kind kind, double value,
				 struct bench_interval ci, int stable,
				 double limit)
{
	double near_end, far_end;

	if (stable == 0)
		return REPORT_INCONCLUSIVE;
	if (!isfinite(ci.lo) || !isfinite(ci.hi))
		return report_within(kind, value, limit) ? REPORT_PASS
							 : REPORT_FAIL;
	/* near_end: the end closest to failing; far_end: the other */
	near_end = kind == REPORT_RULE_MAX_LAT ? ci.hi : ci.lo;
	far_end = kind == REPORT_RULE_MAX_LAT ? ci.lo : ci.hi;
	if (report_within(kind, near_end, limit))
		return REPORT_PASS;
	if (!report_within(kind, far_end, limit))
		return REPORT_FAIL;
	return REPORT_INCONCLUSIVE;
}

struct bench_interval report_row_interval(const struct bench_row *row,
					  enum report_rule_kind kind, int stat)
{
	struct bench_interval none = { NAN, NAN }, ci = row->mean_ci_us;
	double mean = row->lat_us.mean;

	if (kind == REPORT_RULE_MAX_LAT) {
		if (stat == BENCH_STAT_MEDIAN)
			return row->median_ci_us;
		return stat == BENCH_STAT_MEAN ? ci : none;
	}
	/* bandwidth = k / mean: the interval's ends swap */
	if (!isfinite(row->bw_MBps) || !(mean > 0) || !(ci.lo > 0) ||
	    !isfinite(ci.hi))
		return none;
	return (struct bench_interval){ row->bw_MBps * mean / ci.hi,
					row->bw_MBps * mean / ci.lo };
}

enum report_verdict report_check_verdict(const struct report_check *c,
					 size_t result)
{
	bool fail = false, inc = false, pass = false;
	size_t i;

	for (i = 0; i < c->n_items; i++) {
		if (result != SIZE_MAX && c->items[i].result != result)
			continue;
		fail |= c->items[i].verdict == REPORT_FAIL;
		inc |= c->items[i].verdict == REPORT_INCONCLUSIVE;
		pass |= c->items[i].verdict == REPORT_PASS;
	}
	return fail   ? REPORT_FAIL
	       : inc  ? REPORT_INCONCLUSIVE
	       : pass ? REPORT_PASS
		      : REPORT_UNCHECKED;
}

void report_check_free(struct report_check *c)
{
	free(c->items);
	memset(c, 0, sizeof(*c));
}

static bool result_has_lat(const struct bench_result *r)
{
	size_t i;
	int s;

	for (i = 0; i < r->n_rows; i++)
		for (s = 0; s < BENCH_STAT_NR; s++)
			if (isfinite(bench_stats_get(&r->rows[i].lat_us, s)))
				return true;
	return false;
}

static bool result_has_bw(const struct bench_result *r)
{
	size_t i;

	for (i = 0; i < r->n_rows; i++)
		if (isfinite(r->rows[i].bw_MBps))
			return true;
	return false;
}

static double row_value(const struct bench_row *row,
			const struct report_rule *rule, int stat)
{
	if (!rule || rule->kind == REPORT_RULE_MAX_LAT)
		return bench_stats_get(&row->lat_us, stat);
	return row->bw_MBps;
}

/* Statistics with a value in some row, e.g. "min, median, mean". */
static unsigned stats_present(const struct bench_result *r, char *buf,
			      size_t len)
{
	unsigned n = 0;
	size_t i, off = 0;
	int s;

	buf[0] = '\0';
	for (s = 0; s < BENCH_STAT_NR; s++) {
		for (i = 0; i < r->n_rows; i++)
			if (isfinite(bench_stats_get(&r->rows[i].lat_us, s)))
				break;
		if (i == r->n_rows)
			continue;
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0,
					"%s%s", n ? ", " : "",
					bench_stat_name(s));
		n++;
	}
	return n;
}

/* A latency rule needs the chosen statistic in the covered rows. */
static int check_stat_present(const struct report_set *set, size_t i,
			      const struct report_profile *p, int stat,
			      char *err, size_t err_len)
{
	const struct bench_result *r = &set->items[i];
	bool covers = false;
	char have[96];
	unsigned k, n;
	size_t j;

	if (!result_has_lat(r))
		return 0;
	for (k = 0; k < p->n_rules; k++) {
		const struct report_rule *rule = &p->rules[k];

		if (rule->kind != REPORT_RULE_MAX_LAT ||
		    !report_rule_applies(p, k, r))
			continue;
		for (j = 0; j < r->n_rows; j++) {
			const struct bench_row *row = &r->rows[j];

			/* A timed-out size fails whatever the statistic. */
			if (row->size_bytes < rule->lo_bytes ||
			    row->size_bytes > rule->hi_bytes || row->timed_out)
				continue;
			covers = true;
			if (isfinite(bench_stats_get(&row->lat_us, stat)))
				return 0;
		}
	}
	if (!covers)
		return 0;
	n = stats_present(r, have, sizeof(have));
	if (n == 1)
		snprintf(err, err_len,
			 "%s: %s gives only the %s; use --stat %s",
			 set->paths[i], r->tool, have, have);
	else
		snprintf(err, err_len,
			 "%s: %s gives no %s (it gives %s); use --stat with "
			 "one of these",
			 set->paths[i], r->tool,
			 bench_stat_name((enum bench_stat_id)stat), have);
	return -EINVAL;
}

/* The verdict of a present value, and the reason worth printing. */
static void judge_item(struct report_check_item *it,
		       const struct bench_row *row,
		       const struct report_rule *rule)
{
	bool has_ci = isfinite(it->ci.lo) && isfinite(it->ci.hi);

	it->verdict = report_judge(rule->kind, it->value, it->ci, row->stable,
				   rule->limit);
	if (row->stable == 0)
		it->why = "unstable";
	else if (!has_ci)
		it->why = "no interval available";
	else if (it->verdict == REPORT_INCONCLUSIVE)
		it->why = "interval straddles the limit";
}

/*
 * Size j of result i against every rule. A latency rule applies to
 * results with latency figures, a bandwidth rule to those with bandwidth.
 */
static int check_row(struct report_check *c, const struct report_set *set,
		     size_t i, size_t j, const struct report_profile *p,
		     int stat, const bool has[2], bool *matched)
{
	const struct bench_result *r = &set->items[i];
	const struct bench_row *row = &r->rows[j];
	bool has_lat = has[REPORT_RULE_MAX_LAT], covered = false;
	struct report_check_item it;
	unsigned k;
	int ret;

	for (k = 0; k < p->n_rules; k++) {
		const struct report_rule *rule = &p->rules[k];

		if (row->size_bytes < rule->lo_bytes ||
		    row->size_bytes > rule->hi_bytes || !has[rule->kind] ||
		    !report_rule_applies(p, k, r))
			continue;
		it = (struct report_check_item){ i,
						 j,
						 (int)k,
						 rule->kind,
						 row_value(row, rule, stat),
						 report_row_interval(
							 row, rule->kind, stat),
						 REPORT_FAIL,
						 NULL };
		if (row->timed_out)
			it.why = "timed out";
		else if (!isfinite(it.value))
			it.why = "no value";
		else
			judge_item(&it, row, rule);
		matched[k] = true;
		covered = true;
		ret = check_push(c, &it);
		if (ret)
			return ret;
	}
	if (covered)
		return 0;
	it = (struct report_check_item){
		i,
		j,
		-1,
		has_lat ? REPORT_RULE_MAX_LAT : REPORT_RULE_MIN_BW,
		has_lat ? bench_stats_get(&row->lat_us, stat) : row->bw_MBps,
		report_row_interval(
			row, has_lat ? REPORT_RULE_MAX_LAT : REPORT_RULE_MIN_BW,
			stat),
		REPORT_UNCHECKED,
		NULL
	};
	return check_push(c, &it);
}

int report_check_run(const struct report_set *set,
		     const struct report_profile *p, int stat,
		     struct report_check *out, char *err, size_t err_len)
{
	bool matched[REPORT_RULES_MAX] = { false };
	char metric[48];
	size_t i, j;
	unsigned k;
	int ret;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < set->count; i++) {
		bool has[2];

		has[REPORT_RULE_MAX_LAT] = result_has_lat(&set->items[i]);
		has[REPORT_RULE_MIN_BW] = result_has_bw(&set->items[i]);
		ret = check_stat_present(set, i, p, stat, err, err_len);
		for (j = 0; !ret && j < set->items[i].n_rows; j++)
			ret = check_row(out, set, i, j, p, stat, has, matched);
		if (ret)
			goto err_free;
	}
	for (k = 0; k < p->n_rules; k++) {
		/* A rule of another system than the inputs' is not due. */
		if (matched[k] || report_rule_elsewhere(p, k, set))
			continue;
		report_rule_metric(p->rules[k].kind, stat, metric,
				   sizeof(metric));
		snprintf(err, err_len,
			 "rule %s %s %.2f for sizes %s matches no size of any "
			 "result with %s figures; check the inputs and the "
			 "size range",
			 metric,
			 p->rules[k].kind == REPORT_RULE_MAX_LAT ? "<=" : ">=",
			 p->rules[k].limit, p->rules[k].sizes,
			 p->rules[k].kind == REPORT_RULE_MAX_LAT ? "latency"
								 : "bandwidth");
		ret = -EINVAL;
		goto err_free;
	}
	return 0;

err_free:
	if (ret == -ENOMEM)
		snprintf(err, err_len, "out of memory");
	report_check_free(out);
	return ret;
}
