// SPDX-License-Identifier: BSD-2-Clause
/*
 * --check inside the benchmarks (ibpong-mpi, ibpong verbs, ibpong cm):
 * the rules of `ibpong report check` (a built-in profile, a profile file,
 * or SIZE_RANGE:USEC, a latency ceiling) judge every row as it is
 * measured, so that the run driver can measure the INCONCLUSIVE ones
 * again (bench/run.h), and the final verdict becomes the exit code.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "exit.h"
#include "log.h"
#include "run.h"

struct report_bench_check {
	struct bench_check chk; /* first: the run driver's view */
	struct report_profile prof;
	int stat;
};

static const struct report_bench_check *rbc_of(const struct bench_check *c)
{
	return (const struct report_bench_check *)c;
}

static bool row_has(const struct bench_row *row, enum report_rule_kind kind,
		    int stat)
{
	if (kind == REPORT_RULE_MAX_LAT)
		return isfinite(bench_stats_get(&row->lat_us, stat));
	return isfinite(row->bw_MBps);
}

/* The worst verdict of the rules covering row: FAIL > INCONCLUSIVE > PASS. */
static enum bench_verdict rbc_judge(const struct bench_check *c,
				    const struct bench_result *r,
				    const struct bench_row *row)
{
	const struct report_bench_check *rc = rbc_of(c);
	enum bench_verdict worst = BENCH_VERDICT_UNCHECKED;
	enum report_verdict v;
	unsigned k;

	(void)r;
	for (k = 0; k < rc->prof.n_rules; k++) {
		const struct report_rule *rule = &rc->prof.rules[k];

		if (row->size_bytes < rule->lo_bytes ||
		    row->size_bytes > rule->hi_bytes)
			continue;
		if (row->timed_out || !row_has(row, rule->kind, rc->stat)) {
			v = REPORT_FAIL;
		} else {
			v = report_judge(
				rule->kind,
				rule->kind == REPORT_RULE_MAX_LAT
					? bench_stats_get(&row->lat_us,
							  rc->stat)
					: row->bw_MBps,
				report_row_interval(row, rule->kind, rc->stat),
				row->stable, rule->limit);
		}
		if (v == REPORT_FAIL)
			return BENCH_VERDICT_FAIL;
		if (v == REPORT_INCONCLUSIVE)
			worst = BENCH_VERDICT_INCONCLUSIVE;
		else if (worst == BENCH_VERDICT_UNCHECKED)
			worst = BENCH_VERDICT_PASS;
	}
	return worst;
}

static int report_bench_check_open(const char *spec, unsigned retest_budget,
				   struct bench_check **out)
{
	struct report_bench_check *rc = calloc(1, sizeof(*rc));
	struct report_rule rule;
	char err[512], err2[256];

	if (!rc)
		return -ENOMEM;
	if (strchr(spec, ':') && !strchr(spec, '/') &&
	    !report_rule_parse(spec, REPORT_RULE_MAX_LAT, &rule, err2,
			       sizeof(err2))) {
		report_profile_init(&rc->prof, "command line");
		report_profile_add(&rc->prof, &rule);
	} else if (report_profile_resolve(spec, &rc->prof, err, sizeof(err))) {
		bench_err("--check %s: %s", spec, err);
		free(rc);
		return -EINVAL;
	}
	/* the profile's statistic; else the median, whose interval is
	 * distribution-free */
	rc->stat = rc->prof.stat >= 0 ? rc->prof.stat : BENCH_STAT_MEDIAN;
	rc->chk.judge = rbc_judge;
	rc->chk.ctx = rc;
	rc->chk.retest_budget = retest_budget;
	*out = &rc->chk;
	return 0;
}

static void report_bench_check_close(struct bench_check *c)
{
	free((void *)rbc_of(c));
}

/* One line per checked size and the run's verdict; returns the exit code. */
static int report_bench_check_finish(const struct bench_check *c,
				     const struct bench_result *r, bool print)
{
	const struct report_bench_check *rc = rbc_of(c);
	size_t i, n[3] = { 0, 0, 0 };
	enum bench_verdict v, all = BENCH_VERDICT_UNCHECKED;
	static const char *const names[] = { "PASS", "FAIL", "INCONCLUSIVE" };

	if (print)
		printf("# --check %s (statistic %s): verdict per size\n",
		       rc->prof.name, bench_stat_name(rc->stat));
	for (i = 0; i < r->n_rows; i++) {
		v = rbc_judge(c, r, &r->rows[i]);
		if (v == BENCH_VERDICT_UNCHECKED)
			continue;
		n[v]++;
		if (print)
			printf("#   %10zu B  %-12s (%u retest%s)\n",
			       r->rows[i].size_bytes, names[v],
			       r->rows[i].retests,
			       r->rows[i].retests == 1 ? "" : "s");
	}
	all = n[BENCH_VERDICT_FAIL]	      ? BENCH_VERDICT_FAIL
	      : n[BENCH_VERDICT_INCONCLUSIVE] ? BENCH_VERDICT_INCONCLUSIVE
	      : n[BENCH_VERDICT_PASS]	      ? BENCH_VERDICT_PASS
					      : BENCH_VERDICT_UNCHECKED;
	if (print && all == BENCH_VERDICT_UNCHECKED)
		printf("# --check: no rule covers any measured size\n");
	else if (print)
		printf("# --check verdict: %s (%zu pass, %zu fail, %zu "
		       "inconclusive)\n",
		       names[all], n[BENCH_VERDICT_PASS], n[BENCH_VERDICT_FAIL],
		       n[BENCH_VERDICT_INCONCLUSIVE]);
	fflush(stdout);
	return all == BENCH_VERDICT_FAIL	   ? BENCH_EXIT_CHECK
	       : all == BENCH_VERDICT_INCONCLUSIVE ? BENCH_EXIT_INCONCLUSIVE
	       : all == BENCH_VERDICT_UNCHECKED	   ? BENCH_EXIT_USAGE
						   : BENCH_EXIT_OK;
}

const struct bench_checker report_bench_checker = {
	.open = report_bench_check_open,
	.finish = report_bench_check_finish,
	.close = report_bench_check_close,
};
