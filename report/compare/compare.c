/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report compare: a baseline against candidates, size by size, or
 * groups of runs (regions) side by side. The rule is in verdict.h.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/verdict.h"
#include "exit.h"
#include "log.h"
#include "variant.h"

struct compare_opts {
	struct report_cmp_rule rule;
	int stat;	      /* bench_stat_id, or -1 for the default */
	const char *group_by; /* label key, or NULL */
};

/* Tallies of the verdicts printed. */
struct compare_count {
	unsigned n[REPORT_CMP_REGRESSION + 1];
	unsigned no_ci; /* judged without intervals (threshold alone) */
};

static void compare_usage(FILE *f)
{
	fprintf(f,
		"usage: ibpong report compare [OPTIONS] BASELINE CANDIDATE...\n"
		"       ibpong report compare [OPTIONS] --group-by LABEL "
		"FILE...\n\n"
		"Compare each candidate with the baseline, size by size: the "
		"values, the\nratio candidate/baseline, what the 95%% "
		"intervals "
		"say and a verdict\n(REGRESSION, improvement, inconclusive, no "
		"significant change). Files are\nibpong/1 JSON or IMB, OSU, "
		"perftest text.\n\n"
		"Options:\n"
		"  --stat NAME       latency statistic: min, median, mean, "
		"stdev, p90, p99,\n"
		"                    p999, max (default: median, or mean for "
		"results that\n"
		"                    carry only means, as imported ones do)\n"
		"  --tolerance PCT   smallest relative difference that counts "
		"(default 5)\n"
		"  --noise K         weight of the noise term (default 1; 0: "
		"tolerance only)\n"
		"  --group-by LABEL  group all files by run.labels[LABEL] "
		"(e.g. region);\n"
		"                    a group's value per size is the median of "
		"its runs; the\n"
		"                    group of the first file is the baseline\n"
		"  -h, --help        this help\n\n"
		"Bandwidth tests (bw, bibw) compare bandwidth, higher is "
		"better; latency\ntests compare the latency statistic, lower "
		"is better.\n\n"
		"Rule: d = candidate / baseline - 1; noise of a run at a size ="
		"\n(p90 - median) / median when it has both (ibpong JSON), "
		"else 0;\nthreshold t = max(tolerance, K * max(noise of "
		"baseline, noise of candidate)).\n|d| <= t: no significant "
		"change. Past t, latency d > t is a REGRESSION and\nd < -t an "
		"improvement (bandwidth the reverse) when both rows carry the "
		"95 %%\ninterval of the metric (ibpong/1 ci95_us: median, "
		"mean; "
		"bandwidth through\nthe mean's) and the two intervals are "
		"disjoint; when they overlap, or a\nrow is unstable, the change"
		" is inconclusive. Without an interval on both\nsides "
		"(imported IMB/OSU means, --stat p99...) t alone decides and "
		"the"
		"\n95%% CI column says none. A group's noise is the larger of "
		"the median of\nits runs' noises and 1.4826 * MAD / median of "
		"its runs' values; its\ninterval spans the order-statistics "
		"interval of its runs' median, widened\nby their own intervals."
		"\n\n"
		"Exit: 0 no regression and none inconclusive, 1 a regression, "
		"2 "
		"bad usage\nor input, 4 no regression but a change past the "
		"threshold is inconclusive.\n");
}

static int compare_parse(int argc, char **argv, struct compare_opts *o)
{
	static const struct option longopts[] = {
		{ "stat", required_argument, NULL, 's' },
		{ "tolerance", required_argument, NULL, 't' },
		{ "noise", required_argument, NULL, 'k' },
		{ "group-by", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	report_cmp_rule_init(&o->rule);
	o->stat = -1;
	o->group_by = NULL;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->stat = bench_stat_from_name(optarg);
			if (o->stat < 0) {
				bench_err("--stat: unknown statistic '%s' "
					  "(min, median, mean, stdev, p90, "
					  "p99, p999, max)",
					  optarg);
				return -EINVAL;
			}
			break;
		case 't':
			if (report_parse_percent(optarg, &o->rule.tolerance)) {
				bench_err("--tolerance: expected a percentage "
					  ">= 0, got '%s'",
					  optarg);
				return -EINVAL;
			}
			break;
		case 'k':
			if (report_parse_double(optarg, &o->rule.noise_k)) {
				bench_err("--noise: expected a number >= 0, "
					  "got '%s'",
					  optarg);
				return -EINVAL;
			}
			break;
		case 'g':
			o->group_by = optarg;
			break;
		case 'h':
			compare_usage(stdout);
			return 1;
		default:
			bench_err("run 'ibpong report compare --help' for "
				  "the options");
			return -EINVAL;
		}
	}
	return 0;
}

static void compare_print_value(double v)
{
	if (isnan(v))
		printf(" %12s", "-");
	else
		printf(" %12.3f", v);
}

static void compare_print_row(const struct bench_row *row, bool pairs,
			      const struct report_point *b,
			      const struct report_point *c,
			      enum report_cmp_verdict v, double t)
{
	enum report_cmp_ci ci = report_cmp_intervals(b, c);

	printf("%10zu", row->size_bytes);
	if (pairs)
		printf(" %5d-%-5d", row->rank_a, row->rank_b);
	compare_print_value(b->value);
	compare_print_value(c->value);
	if (v == REPORT_CMP_NA)
		printf(" %7s %7s", "-", "-");
	else
		printf(" %7.3f %6.1f%%", c->value / b->value, 100 * t);
	printf(" %-8s  %s\n", report_cmp_ci_name(ci),
	       report_cmp_verdict_name(v));
}

static bool compare_has_pairs(const struct bench_result *r)
{
	size_t i;

	for (i = 0; i < r->n_rows; i++)
		if (r->rows[i].rank_a >= 0)
			return true;
	return false;
}

/*
 * The baseline result for cand: the same test measured the same way
 * (variant.h), preferably by name. NULL with why set when none is: the
 * reason from the closest candidate (same name, else same kind).
 */
static const struct bench_result *
compare_find_base(const struct report_set *base,
		  const struct bench_result *cand, char *why, size_t why_len)
{
	const struct bench_result *kind_match = NULL;
	bool named = false;
	size_t i;

	snprintf(why, why_len, "no %s result in the baseline",
		 bench_test_name(cand->test));
	for (i = 0; i < base->count; i++) {
		const struct bench_result *b = &base->items[i];
		bool same_name = b->test_name && cand->test_name &&
				 !strcmp(b->test_name, cand->test_name);
		char w[160];

		if (!report_same_variant(b, cand, w, sizeof(w))) {
			if (same_name || (!named && b->test == cand->test)) {
				snprintf(why, why_len, "%s", w);
				named |= same_name;
			}
			continue;
		}
		if (same_name)
			return b;
		if (!kind_match)
			kind_match = b;
	}
	return kind_match;
}

static void compare_header(const char *role, const char *path,
			   const struct bench_result *r)
{
	printf("%-9s %s: %s %s (%s, %s)\n", role, path, r->tool ? r->tool : "?",
	       r->test_name ? r->test_name : "?", bench_test_name(r->test),
	       bench_lat_kind_name(r->lat_kind));
}

static void compare_results(const struct compare_opts *o,
			    const struct bench_result *b,
			    const struct bench_result *c,
			    struct compare_count *count)
{
	struct report_metric m;
	struct report_point pb, pc;
	bool pairs = compare_has_pairs(c), fell_back;
	enum report_cmp_verdict v;
	char label[64];
	size_t i;
	double t;

	report_metric_choose_pair(b, c, o->stat, &m, &fell_back);
	if (fell_back)
		bench_warn("no %s latency in both results; comparing means",
			   bench_stat_name(o->stat < 0 ? BENCH_STAT_MEDIAN
						       : o->stat));
	printf("metric    %s\n\n",
	       report_metric_label(&m, label, sizeof(label)));
	printf("%10s%s %12s %12s %7s %7s %-8s  %s\n", "size",
	       pairs ? "  pair      " : "", "baseline", "candidate", "ratio",
	       "thresh", "95% CI", "verdict");
	for (i = 0; i < c->n_rows; i++) {
		const struct bench_row *rc = &c->rows[i], *rb;

		rb = report_row_find(b, rc->size_bytes, rc->rank_a, rc->rank_b);
		if (!rb)
			continue;
		report_point_get(rb, &m, &pb);
		report_point_get(rc, &m, &pc);
		v = report_cmp_judge(&o->rule, m.bandwidth, &pb, &pc, &t);
		count->n[v]++;
		count->no_ci +=
			v != REPORT_CMP_NA &&
			report_cmp_intervals(&pb, &pc) == REPORT_CI_NONE;
		compare_print_row(rc, pairs, &pb, &pc, v, t);
	}
	printf("\n");
}

static int compare_plain(const struct compare_opts *o, char **paths, int n)
{
	struct report_set base, cand;
	struct compare_count count = { { 0 }, 0 };
	char why[200];
	int ret, i;
	size_t j;

	report_set_init(&base);
	report_set_init(&cand);
	ret = report_load_paths(paths, 1, &base);
	if (!ret)
		ret = report_load_paths(paths + 1, n - 1, &cand);
	if (ret)
		goto out;
	for (j = 0; j < cand.count; j++) {
		const struct bench_result *b;

		b = compare_find_base(&base, &cand.items[j], why, sizeof(why));
		if (!b) {
			bench_err(
				"%s: cannot compare with the baseline %s: %s; "
				"compare runs of the same test, measured "
				"the same way",
				cand.paths[j], paths[0], why);
			ret = BENCH_EXIT_USAGE;
			goto out;
		}
		i = (int)(b - base.items);
		compare_header("baseline", base.paths[i], b);
		compare_header("candidate", cand.paths[j], &cand.items[j]);
		compare_results(o, b, &cand.items[j], &count);
	}
	printf("summary: %u regression(s), %u improvement(s), %u inconclusive, "
	       "%u no significant change, %u n/a\n",
	       count.n[REPORT_CMP_REGRESSION], count.n[REPORT_CMP_IMPROVEMENT],
	       count.n[REPORT_CMP_INCONCLUSIVE], count.n[REPORT_CMP_SAME],
	       count.n[REPORT_CMP_NA]);
	if (count.no_ci)
		printf("note: %u size(s) without a 95 %% interval on both "
		       "sides (imported figures, or a\nstatistic that has "
		       "none): judged on the threshold alone\n",
		       count.no_ci);
	ret = report_cmp_exit(count.n[REPORT_CMP_REGRESSION],
			      count.n[REPORT_CMP_INCONCLUSIVE]);
out:
	report_set_free(&base);
	report_set_free(&cand);
	return ret;
}

int report_cmd_compare(int argc, char **argv)
{
	struct compare_opts o;
	struct report_set all;
	int ret, n;

	ret = compare_parse(argc, argv, &o);
	if (ret)
		return ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	n = argc - optind;
	if (n < 1 || (!o.group_by && n < 2)) {
		bench_err("expected a baseline and at least one candidate; "
			  "run 'ibpong report compare --help'");
		return BENCH_EXIT_USAGE;
	}
	if (!o.group_by)
		return compare_plain(&o, argv + optind, n);
	report_set_init(&all);
	ret = report_load_paths(argv + optind, n, &all);
	if (!ret)
		ret = report_compare_groups(&o.rule, o.stat, o.group_by, &all);
	report_set_free(&all);
	return ret;
}
