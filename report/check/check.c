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

#include "calibrate.h"
#include "check.h"
#include "compare/verdict.h"
#include "exit.h"
#include "log.h"
#include "variant.h"

struct check_opts {
	const char *profile;	   /* --profile NAME|PATH */
	struct report_profile cli; /* rules from --max-latency etc. */
	const char *stat;	   /* --stat */
	const char *junit;	   /* --junit FILE */
	const char *calibrate;	   /* --calibrate FILE */
	const char *margin;	   /* --margin PCT */
	const char *system;	   /* --system NAME */
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
		"testcase per size, pair\n"
		"                            and rule, named by the pair's "
		"hosts\n"
		"  -C, --calibrate FILE      write a profile from these "
		"known-good runs instead:\n"
		"                            per size the worst end of "
		"the runs' 95 %% intervals\n"
		"                            (the value without one) plus "
		"--margin (with\n"
		"                            --profile: its rules are kept "
		"but those of --system)\n"
		"  -m, --margin PCT          calibration margin in %% "
		"(default 10)\n"
		"  -S, --system NAME         rules for this system only (the "
		"runs' label whose\n"
		"                            value is NAME names the system, "
		"or the profile's\n"
		"                            system_label)\n"
		"  -h, --help                show this help\n"
		"\n"
		"SIZE_RANGE: 0-512, 0:512, 4K-4M or 1M (K, M, G = 1024, "
		"1024^2, "
		"1024^3 bytes).\n"
		"Profile rules and command-line rules add up; --stat overrides "
		"the profile's.\n"
		"A profile judges only what it applies to; the other results "
		"are listed as\n"
		"not judged, and a run with none it applies to is refused "
		"(not applicable).\n"
		"Built-in azure-a8a9: IMB PingPong's (or ibpong's ping-pong) "
		"one-way latency,\n"
		"every size up to 512 B at most 3.00 us, mean (IMB "
		"t[usec]).\n"
		"\n"
		"Profile file (JSON; unknown keys are refused):\n"
		"  {\"name\": \"hb120\", \"description\": \"optional\", "
		"\"statistic\": \"mean\",\n"
		"   \"rules\": [{\"sizes\": \"0-512\", \"max_latency_us\": "
		"3.0},\n"
		"             {\"sizes\": \"1M-4M\", \"min_bandwidth_MBps\": "
		"10000},\n"
		"             {\"sizes\": \"0-512\", \"max_latency_us\": "
		"2.0, \"system\": \"hb120\"}],\n"
		"   \"applies_to\": {\"kinds\": [\"latency\"], \"latency\": "
		"[\"one-way\"],\n"
		"                  \"benchmarks\": [\"IMB-MPI1:PingPong\"], "
		"\"description\": \"...\"},\n"
		"   \"system_label\": \"cluster\"}\n"
		"A rule with \"system\" applies to the results whose "
		"run.labels[system_label]\n"
		"(default \"system\") is that name; those systems use their "
		"own rules only.\n"
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
	case 'C':
		o->calibrate = optarg;
		return 0;
	case 'm':
		o->margin = optarg;
		return 0;
	case 'S':
		o->system = optarg;
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
		{ "calibrate", required_argument, NULL, 'C' },
		{ "margin", required_argument, NULL, 'm' },
		{ "system", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	report_profile_init(&o->cli, "command line");
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:L:B:s:j:C:m:S:h", longopts,
				NULL)) != -1) {
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
	char metric[48], value[32], limit[32], ci[48], pair[96];

	report_pair_name(&set->items[it->result], row, pair, sizeof(pair));
	if (pair[0])
		printf("%-24s", pair);
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
			if (r->n_rows && r->rows[0].rank_a >= 0)
				printf("%-24s", "pair");
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

/* The results p judges, as a view of set (items copied, not owned). */
struct check_view {
	struct report_set set;
	size_t n_out; /* results of the input that p does not judge */
};

static void check_view_free(struct check_view *v)
{
	free(v->set.items);
	free(v->set.paths);
}

/*
 * Keep the results in p's scope. None: "not applicable", a bad input
 * (exit 2), never a PASS.
 */
static int check_view_make(const struct report_profile *p,
			   const struct report_set *set, struct check_view *v)
{
	char why[256] = "";
	size_t i;

	memset(v, 0, sizeof(*v));
	v->set.items = calloc(set->count + 1, sizeof(*v->set.items));
	v->set.paths = calloc(set->count + 1, sizeof(*v->set.paths));
	if (!v->set.items || !v->set.paths) {
		bench_err("out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < set->count; i++) {
		if (!report_profile_applies(p, &set->items[i], why,
					    sizeof(why))) {
			v->n_out++;
			continue;
		}
		v->set.items[v->set.count] = set->items[i];
		v->set.paths[v->set.count++] = set->paths[i];
	}
	if (v->set.count)
		return 0;
	bench_err("not applicable: %s; %s is %s %s (%s test, %s)%s", why,
		  set->paths[0], set->items[0].tool,
		  set->items[0].test_name ? set->items[0].test_name : "",
		  bench_test_name(set->items[0].test),
		  bench_lat_kind_name(set->items[0].lat_kind),
		  set->count > 1 ? ", and so is every other input" : "");
	return -EINVAL;
}

/* "not judged: FILE: TOOL TEST (kind, latency): why", before the tables. */
static void check_print_out(const struct report_profile *p,
			    const struct report_set *set)
{
	const struct bench_result *r;
	char why[256];
	size_t i;

	for (i = 0; i < set->count; i++) {
		r = &set->items[i];
		if (report_profile_applies(p, r, why, sizeof(why)))
			continue;
		printf("not judged: %s: %s %s (%s test, %s): %s\n",
		       set->paths[i], r->tool, r->test_name ? r->test_name : "",
		       bench_test_name(r->test),
		       bench_lat_kind_name(r->lat_kind), why);
	}
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

/* --calibrate FILE: write a profile from the inputs, judge nothing. */
static int check_calibrate(const struct check_opts *o,
			   const struct report_set *set)
{
	struct report_profile base;
	struct cal_opts c = { o->calibrate, "calibrated", o->system,
			      NULL,	    0.10,	  BENCH_STAT_MEAN };
	char err[512];

	if (o->margin) {
		if (report_parse_percent(o->margin, &c.margin) ||
		    !(c.margin < 10)) {
			bench_err("--margin '%s': expected a percentage such "
				  "as 10",
				  o->margin);
			return BENCH_EXIT_USAGE;
		}
	}
	if (o->profile &&
	    report_profile_resolve(o->profile, &base, err, sizeof(err))) {
		bench_err("%s", err);
		return BENCH_EXIT_USAGE;
	}
	if (o->stat)
		c.stat = bench_stat_from_name(o->stat);
	else if (o->profile && base.stat >= 0)
		c.stat = base.stat;
	if (c.stat < 0) {
		bench_err("--stat '%s': expected min, median, mean, stdev, "
			  "p90, p99, p999 or max",
			  o->stat);
		return BENCH_EXIT_USAGE;
	}
	/* The label that carries the system: the runs' key whose value it is.
	 */
	if (o->system && set->count) {
		const char *key;
		json_t *v;

		json_object_foreach (
			json_object_get(set->items[0].run, "labels"), key, v)
			if (json_string_value(v) &&
			    !strcmp(json_string_value(v), o->system))
				c.label = key;
	}
	if (report_calibrate(set, &c, o->profile ? &base : NULL, err,
			     sizeof(err))) {
		bench_err("%s", err);
		return strncmp(err, "cannot write", 12) ? BENCH_EXIT_USAGE
							: BENCH_EXIT_RUNTIME;
	}
	printf("%s: profile from %zu run(s)%s%s, margin %.0f %%\n",
	       o->calibrate, set->count, o->system ? " of " : "",
	       o->system ? o->system : "", c.margin * 100);
	return BENCH_EXIT_OK;
}

int report_cmd_check(int argc, char **argv)
{
	struct report_profile prof;
	struct report_check c;
	struct report_set set;
	struct check_view view = { 0 };
	struct check_opts o;
	int ret, stat, code = BENCH_EXIT_USAGE;
	char err[512];

	ret = check_parse(argc, argv, &o);
	if (ret)
		return ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	report_set_init(&set);
	if (o.calibrate) {
		code = check_load(argc, argv, &set) ? BENCH_EXIT_USAGE
						    : check_calibrate(&o, &set);
		goto out;
	}
	if (check_profile(&o, &prof, &stat))
		goto out;
	if (check_load(argc, argv, &set))
		goto out;
	if (check_view_make(&prof, &set, &view))
		goto out;
	if (report_check_run(&view.set, &prof, stat, &c, err, sizeof(err))) {
		bench_err("%s", err);
		goto out;
	}
	/* Rules for other systems only: nothing was judged, so no PASS. */
	if (!c.n_pass && !c.n_fail && !c.n_inconclusive) {
		const char *sys =
			report_result_system(&prof, &view.set.items[0]);

		bench_err("not applicable: no rule of profile %s is for %s "
			  "(system %s%s%s); label the runs with --label "
			  "%s=NAME or give a rule without \"system\"",
			  prof.name, view.set.paths[0], sys ? "'" : "none",
			  sys ? sys : "", sys ? "'" : "",
			  prof.system_label[0] ? prof.system_label : "system");
		report_check_free(&c);
		goto out;
	}
	check_print_head(&prof, stat,
			 o.stat && o.profile && prof.stat >= 0 &&
				 prof.stat != stat);
	check_print_out(&prof, &set);
	check_print(&view.set, &prof, stat, &c);
	code = check_finish(&o, &view.set, &prof, stat, &c);
	if (view.n_out)
		printf("%zu result(s) not judged: outside profile %s (listed "
		       "above)\n",
		       view.n_out, prof.name);
	report_check_free(&c);
out:
	check_view_free(&view);
	report_set_free(&set);
	return code;
}
