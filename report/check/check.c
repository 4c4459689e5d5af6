/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report check FILE... : acceptance against latency ceilings and
 * bandwidth floors, three-valued (PASS, FAIL, INCONCLUSIVE) where rows
 * carry intervals. Exit 0 when every check passes, 1 when one fails, 4
 * when none fails but one is inconclusive, 2 on bad usage or input, 3
 * when the JUnit file cannot be written.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "compare/verdict.h"
#include "exit.h"
#include "log.h"

struct check_opts {
	const char *profile;	   /* --profile NAME|PATH */
	struct report_profile cli; /* rules from --max-latency etc. */
	const char *stat;	   /* --stat */
	const char *junit;	   /* --junit FILE */
};

static void check_usage(FILE *f)
{
	fprintf(f,
		"usage: ibpong report check FILE... [--profile NAME|PATH]\n"
		"           [--max-latency SIZE_RANGE:USEC]... "
		"[--min-bandwidth SIZE_RANGE:MBPS]...\n"
		"           [--stat STAT] [--junit FILE]\n"
		"\n"
		"Check results (ibpong/1 JSON, or IMB-MPI1, OSU or perftest "
		"output, imported\n"
		"on the fly) against latency ceilings and bandwidth floors. "
		"Prints every size\n"
		"with its value, its 95 %% interval, the limit and PASS, FAIL "
		"or INCONCLUSIVE,\n"
		"a verdict per file, then a summary.\n"
		"\n"
		"Options:\n"
		"  -p, --profile NAME|PATH   a built-in profile (%s) or a "
		"JSON profile file\n"
		"  -L, --max-latency R:USEC  every size in range R has latency "
		"<= USEC (repeatable)\n"
		"  -B, --min-bandwidth R:MBPS  every size in range R has "
		"bandwidth >= MBPS,\n"
		"                            in MB/s = 10^6 B/s (repeatable)\n"
		"  -s, --stat STAT           latency statistic: min, median, "
		"mean, stdev, p90,\n"
		"                            p99, p999, max (default: the "
		"profile's, else mean)\n"
		"  -j, --junit FILE          also write JUnit XML: one "
		"testcase "
		"per size and rule\n"
		"  -h, --help                show this help\n"
		"\n"
		"SIZE_RANGE: 0-512, 0:512, 4K-4M or 1M (K, M, G = 1024, "
		"1024^2, "
		"1024^3 bytes).\n"
		"Profile rules and command-line rules add up; --stat overrides "
		"the profile's.\n"
		"Built-in azure-a8a9: every size up to 512 B at most 3.00 us, "
		"mean (IMB t[usec]).\n"
		"\n"
		"Profile file (JSON; unknown keys are refused):\n"
		"  {\"name\": \"hb120\", \"description\": \"optional\", "
		"\"statistic\": \"mean\",\n"
		"   \"rules\": [{\"sizes\": \"0-512\", \"max_latency_us\": "
		"3.0},\n"
		"             {\"sizes\": \"1M-4M\", \"min_bandwidth_MBps\": "
		"10000}]}\n"
		"\"statistic\" is required when a rule limits latency; each "
		"rule has \"sizes\" and\n"
		"exactly one of max_latency_us, min_bandwidth_MBps.\n"
		"\n"
		"Values and limits are compared as printed, rounded to 0.01: "
		"3.00 passes a\n"
		"3.00 us ceiling, 3.01 fails. A timed-out or missing value "
		"fails.\n"
		"Verdicts use the 95 %% interval of the figure when the row "
		"has one (median,\n"
		"mean, bandwidth of ibpong results): PASS when all of it is "
		"within the limit,\n"
		"FAIL when all of it is beyond, INCONCLUSIVE when it straddles "
		"the limit or the\n"
		"row is unstable. Figures without an interval (IMB, OSU, "
		"perftest imports,\n"
		"min, p99...) are judged on the value and say \"no interval "
		"available\".\n"
		"Exit codes: 0 all checks pass, 1 a check failed, 4 none "
		"failed but one is\n"
		"inconclusive (measure again, with more iterations), 2 "
		"bad usage or input\n"
		"(also a statistic the input lacks, or a rule that matches no "
		"size), 3 cannot\n"
		"write the JUnit file.\n",
		report_profile_builtin_list());
}

static int check_opt_rule(struct check_opts *o, const char *arg,
			  enum report_rule_kind kind)
{
	struct report_rule r;
	char err[256];

	if (report_rule_parse(arg, kind, &r, err, sizeof(err))) {
		bench_err("%s", err);
		return -EINVAL;
	}
	if (report_profile_add(&o->cli, &r)) {
		bench_err("at most %d rules", REPORT_RULES_MAX);
		return -EINVAL;
	}
	return 0;
}

static int check_opt(struct check_opts *o, int c, char **argv)
{
	switch (c) {
	case 'p':
		o->profile = optarg;
		return 0;
	case 'L':
		return check_opt_rule(o, optarg, REPORT_RULE_MAX_LAT);
	case 'B':
		return check_opt_rule(o, optarg, REPORT_RULE_MIN_BW);
	case 's':
		o->stat = optarg;
		return 0;
	case 'j':
		o->junit = optarg;
		return 0;
	case ':':
		bench_err("option '%s' needs a value; see 'ibpong report "
			  "check --help'",
			  argv[optind - 1]);
		return -EINVAL;
	default:
		bench_err("unknown option '%s'; see 'ibpong report check "
			  "--help'",
			  argv[optind - 1]);
		return -EINVAL;
	}
}

/* Returns 0 to go on, 1 after --help, or -EINVAL. */
static int check_parse(int argc, char **argv, struct check_opts *o)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "max-latency", required_argument, NULL, 'L' },
		{ "min-bandwidth", required_argument, NULL, 'B' },
		{ "stat", required_argument, NULL, 's' },
		{ "junit", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	report_profile_init(&o->cli, "command line");
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:L:B:s:j:h", longopts, NULL)) !=
	       -1) {
		if (c == 'h') {
			check_usage(stdout);
			return 1;
		}
		if (check_opt(o, c, argv))
			return -EINVAL;
	}
	if (optind >= argc) {
		bench_err("no input file; usage: ibpong report check FILE... "
			  "--profile NAME (see --help)");
		return -EINVAL;
	}
	return 0;
}

/* The profile to apply: --profile, then the command-line rules. */
static int check_profile(const struct check_opts *o, struct report_profile *p,
			 int *stat)
{
	char err[512];
	unsigned i;

	if (o->profile) {
		if (report_profile_resolve(o->profile, p, err, sizeof(err))) {
			bench_err("%s", err);
			return -EINVAL;
		}
	} else {
		*p = o->cli;
	}
	for (i = 0; o->profile && i < o->cli.n_rules; i++)
		if (report_profile_add(p, &o->cli.rules[i])) {
			bench_err("at most %d rules", REPORT_RULES_MAX);
			return -EINVAL;
		}
	if (!p->n_rules) {
		bench_err("nothing to check: give --profile NAME (built-in: "
			  "%s) or --max-latency / --min-bandwidth",
			  report_profile_builtin_list());
		return -EINVAL;
	}
	*stat = o->stat	       ? bench_stat_from_name(o->stat)
		: p->stat >= 0 ? p->stat
			       : BENCH_STAT_MEAN;
	if (*stat < 0) {
		bench_err("--stat '%s': expected min, median, mean, stdev, "
			  "p90, p99, p999 or max",
			  o->stat);
		return -EINVAL;
	}
	return 0;
}

static void check_print_head(const struct report_profile *p, int stat,
			     bool overridden)
{
	char metric[48];
	unsigned i;

	printf("profile: %s%s%s\n", p->name, p->description[0] ? ": " : "",
	       p->description);
	printf("statistic: %s%s\n", bench_stat_name(stat),
	       overridden ? " (--stat, overrides the profile's)" : "");
	for (i = 0; i < p->n_rules; i++) {
		report_rule_metric(p->rules[i].kind, stat, metric,
				   sizeof(metric));
		printf("rule: %s %s %.2f for sizes %s\n", metric,
		       p->rules[i].kind == REPORT_RULE_MAX_LAT ? "<=" : ">=",
		       p->rules[i].limit, p->rules[i].sizes);
	}
}

static void check_print_item(const struct report_set *set,
			     const struct report_profile *p, int stat,
			     const struct report_check_item *it)
{
	const struct bench_row *row = &set->items[it->result].rows[it->row];
	const struct report_rule *rule =
		it->rule >= 0 ? &p->rules[it->rule] : NULL;
	char metric[48], value[32], limit[32], ci[48];

	report_rule_metric(it->kind, stat, metric, sizeof(metric));
	if (isfinite(it->ci.lo) && isfinite(it->ci.hi))
		snprintf(ci, sizeof(ci), "[%.2f, %.2f]", it->ci.lo, it->ci.hi);
	else
		snprintf(ci, sizeof(ci), "-");
	if (row->timed_out)
		snprintf(value, sizeof(value), "time-out");
	else if (isfinite(it->value))
		snprintf(value, sizeof(value), "%.2f", it->value);
	else
		snprintf(value, sizeof(value), "-");
	if (rule)
		snprintf(limit, sizeof(limit), "%s %10.2f",
			 rule->kind == REPORT_RULE_MAX_LAT ? "<=" : ">=",
			 rule->limit);
	else
		snprintf(limit, sizeof(limit), "%13s", "-");
	printf("%10zu  %-20s %12s  %-22s  %s  %s%s%s\n", row->size_bytes,
	       metric, value, ci, limit,
	       it->verdict == REPORT_FAIL ? "FAIL <=="
	       : it->verdict == REPORT_INCONCLUSIVE
		       ? "INCONCLUSIVE ??"
		       : report_verdict_name(it->verdict),
	       it->why ? " " : "", it->why ? it->why : "");
}

/* "FILE: IMB-MPI1 2021.11 PingPong (latency test, one-way latency)" */
static void check_print_title(const char *path, const struct bench_result *r)
{
	bool lat = !report_result_is_bw(r);

	printf("\n%s: %s", path, r->tool);
	if (r->tool_version && strcmp(r->tool_version, "unknown"))
		printf(" %s", r->tool_version);
	if (r->test_name && strcmp(r->test_name, r->tool))
		printf(" %s", r->test_name);
	printf(" (%s test%s%s%s)\n", bench_test_name(r->test), lat ? ", " : "",
	       lat ? bench_lat_kind_name(r->lat_kind) : "",
	       lat ? " latency" : "");
}

static void check_print(const struct report_set *set,
			const struct report_profile *p, int stat,
			const struct report_check *c)
{
	const struct bench_result *r;
	size_t i, last = (size_t)-1;

	for (i = 0; i < c->n_items; i++) {
		if (c->items[i].result != last) {
			last = c->items[i].result;
			r = &set->items[last];
			check_print_title(set->paths[last], r);
			printf("%10s  %-20s %12s  %-22s  %13s  %s\n", "size",
			       "metric", "value", "95% interval", "limit",
			       "result");
		}
		check_print_item(set, p, stat, &c->items[i]);
		if (i + 1 == c->n_items || c->items[i + 1].result != last)
			printf("%s: %s\n", set->paths[last],
			       report_verdict_name(
				       report_check_verdict(c, last)));
	}
}

static int check_load(int argc, char **argv, struct report_set *set)
{
	char err[512];
	int i;

	for (i = optind; i < argc; i++)
		if (report_load(argv[i], set, err, sizeof(err))) {
			bench_err("%s", err);
			return -EINVAL;
		}
	return 0;
}

static int check_finish(const struct check_opts *o,
			const struct report_set *set,
			const struct report_profile *p, int stat,
			const struct report_check *c)
{
	int ret;

	size_t total = c->n_pass + c->n_fail + c->n_inconclusive;
	enum report_verdict v = report_check_verdict(c, SIZE_MAX);

	if (v == REPORT_FAIL)
		printf("\nFAIL: %zu of %zu checks failed", c->n_fail, total);
	else if (v == REPORT_INCONCLUSIVE)
		printf("\nINCONCLUSIVE: %zu of %zu checks could not decide (an "
		       "interval straddles the limit, or a row is unstable)",
		       c->n_inconclusive, total);
	else
		printf("\nPASS: all %zu checks passed", c->n_pass);
	if (v == REPORT_FAIL && c->n_inconclusive)
		printf(", %zu inconclusive", c->n_inconclusive);
	printf(" (profile %s, statistic %s)\n", p->name, bench_stat_name(stat));
	if (o->junit) {
		ret = report_junit_write(o->junit, set, p, stat, c);
		if (ret) {
			bench_err("cannot write the JUnit file %s: %s; check "
				  "the directory",
				  o->junit, strerror(-ret));
			return BENCH_EXIT_RUNTIME;
		}
	}
	return v == REPORT_FAIL		  ? BENCH_EXIT_CHECK
	       : v == REPORT_INCONCLUSIVE ? BENCH_EXIT_INCONCLUSIVE
					  : BENCH_EXIT_OK;
}

int report_cmd_check(int argc, char **argv)
{
	struct report_profile prof;
	struct report_check c;
	struct report_set set;
	struct check_opts o;
	int ret, stat, code = BENCH_EXIT_USAGE;
	char err[512];

	ret = check_parse(argc, argv, &o);
	if (ret)
		return ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	if (check_profile(&o, &prof, &stat))
		return BENCH_EXIT_USAGE;
	report_set_init(&set);
	if (check_load(argc, argv, &set))
		goto out;
	if (report_check_run(&set, &prof, stat, &c, err, sizeof(err))) {
		bench_err("%s", err);
		goto out;
	}
	check_print_head(&prof, stat,
			 o.stat && o.profile && prof.stat >= 0 &&
				 prof.stat != stat);
	check_print(&set, &prof, stat, &c);
	code = check_finish(&o, &set, &prof, stat, &c);
	report_check_free(&c);
out:
	report_set_free(&set);
	return code;
}
