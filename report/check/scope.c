/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a profile and its rules are about: see check.h (report_scope).
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "compare/verdict.h"

const char *report_result_system(const struct report_profile *p,
				 const struct bench_result *r)
{
	return bench_result_label(r, p->system_label[0] ? p->system_label
							: "system");
}

static bool scope_bench(const struct report_scope *s,
			const struct bench_result *r)
{
	char name[160];
	unsigned i;

	if (!s->n_benchmarks)
		return true;
	snprintf(name, sizeof(name), "%s:%s", r->tool ? r->tool : "",
		 r->test_name ? r->test_name : "");
	for (i = 0; i < s->n_benchmarks; i++)
		if (!fnmatch(s->benchmarks[i], name, 0))
			return true;
	return false;
}

bool report_profile_applies(const struct report_profile *p,
			    const struct bench_result *r, char *why,
			    size_t why_len)
{
	const struct report_scope *s = &p->scope;
	const char *what = NULL;

	if (s->kinds && !(s->kinds & (1u << r->test)))
		what = "test kind";
	else if (s->lat_kinds && !report_result_is_bw(r) &&
		 !(s->lat_kinds & (1u << r->lat_kind)))
		what = "latency kind";
	else if (!scope_bench(s, r))
		what = "benchmark";
	if (!what)
		return true;
	if (why)
		snprintf(why, why_len, "profile %s judges %s only (not its %s)",
			 p->name, s->text[0] ? s->text : "other tests", what);
	return false;
}

/* r's system has rules of its own in p. */
static bool rule_system_has_own(const struct report_profile *p, const char *sys)
{
	unsigned k;

	for (k = 0; sys && k < p->n_rules; k++)
		if (!strcmp(p->rules[k].system, sys))
			return true;
	return false;
}

bool report_rule_applies(const struct report_profile *p, unsigned k,
			 const struct bench_result *r)
{
	const struct report_rule *rule = &p->rules[k];
	const char *sys = report_result_system(p, r);

	/* A bandwidth test's latency is a window's time, not a message's. */
	if (rule->kind == REPORT_RULE_MAX_LAT && report_result_is_bw(r))
		return false;
	if (rule->system[0])
		return sys && !strcmp(sys, rule->system);
	return !rule_system_has_own(p, sys);
}

bool report_rule_elsewhere(const struct report_profile *p, unsigned k,
			   const struct report_set *set)
{
	const char *sys;
	size_t i;

	/* A generic rule is due when some result has no rules of its own. */
	if (!p->rules[k].system[0]) {
		for (i = 0; i < set->count; i++)
			if (!rule_system_has_own(
				    p, report_result_system(p, &set->items[i])))
				return false;
		return set->count > 0;
	}
	for (i = 0; i < set->count; i++) {
		sys = report_result_system(p, &set->items[i]);
		if (sys && !strcmp(sys, p->rules[k].system))
			return false;
	}
	return true;
}
