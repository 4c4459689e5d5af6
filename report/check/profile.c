/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rules and profiles: the built-in ones and JSON profile files.
 *
 * A profile file (parsed with jansson; unknown keys are refused so that a
 * typo cannot silently drop a rule):
 *
 *   { "name": "hb120", "description": "optional text",
 *     "statistic": "mean",
 *     "rules": [ { "sizes": "0-512", "max_latency_us": 3.0 },
 *                { "sizes": "1M-4M", "min_bandwidth_MBps": 10000 } ] }
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sizes.h"

void report_profile_init(struct report_profile *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->stat = -1;
	snprintf(p->name, sizeof(p->name), "%s", name);
}

int report_profile_add(struct report_profile *p, const struct report_rule *r)
{
	if (p->n_rules == REPORT_RULES_MAX)
		return -E2BIG;
	p->rules[p->n_rules++] = *r;
	return 0;
}

int report_size_range_parse(const char *s, size_t *lo, size_t *hi)
{
	char buf[48];
	char *sep;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	sep = strpbrk(buf, "-:");
	if (!sep) {
		if (bench_size_parse(buf, lo))
			return -EINVAL;
		*hi = *lo;
		return 0;
	}
	*sep = '\0';
	if (bench_size_parse(buf, lo) || bench_size_parse(sep + 1, hi) ||
	    *lo > *hi)
		return -EINVAL;
	return 0;
}

/* The suite's one rule of numbers (report_parse_double): >= 0. */
static int rule_limit_parse(const char *s, double *out)
{
	return report_parse_double(s, out);
}

int report_rule_parse(const char *arg, enum report_rule_kind kind,
		      struct report_rule *out, char *err, size_t err_len)
{
	const char *opt = kind == REPORT_RULE_MAX_LAT ? "--max-latency"
						      : "--min-bandwidth";
	const char *colon = strrchr(arg, ':');
	struct report_rule r;
	size_t n;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	n = colon ? (size_t)(colon - arg) : 0;
	if (!colon || n >= sizeof(r.sizes))
		goto err_form;
	memcpy(r.sizes, arg, n);
	r.sizes[n] = '\0';
	if (report_size_range_parse(r.sizes, &r.lo_bytes, &r.hi_bytes) ||
	    rule_limit_parse(colon + 1, &r.limit))
		goto err_form;
	*out = r;
	return 0;

err_form:
	snprintf(err, err_len,
		 "%s '%s': expected SIZE_RANGE:%s, e.g. %s (sizes like 0-512, "
		 "4K-4M or 1M; K, M, G = powers of 1024; limit a number >= 0)",
		 opt, arg, kind == REPORT_RULE_MAX_LAT ? "USEC" : "MBPS",
		 kind == REPORT_RULE_MAX_LAT ? "0-512:3.0" : "1M-4M:10000");
	return -EINVAL;
}

/*
 * Targets as they were set, with the statistic they were set against and
 * what they were set for: azure-a8a9 is IMB PingPong's one-way t[usec]
 * (or ibpong's ping-pong, its equal), not PingPing's, a bandwidth's or
 * a round trip's.
 */
static const struct {
	const char *name;
	const char *description;
	enum bench_stat_id stat;
	struct report_rule rules[2];
	unsigned n_rules;
	struct report_scope scope;
} builtin_profiles[] = {
	{ "azure-a8a9",
	  "Azure A8/A9 RDMA: every message up to 512 B in 3.00 us or less "
	  "(mean, IMB PingPong's t[usec])",
	  BENCH_STAT_MEAN,
	  { { REPORT_RULE_MAX_LAT, 0, 512, 3.00, "0-512", "" } },
	  1,
	  { 1u << BENCH_TEST_LAT,
	    1u << BENCH_LAT_HALF_RTT,
	    { "IMB-MPI1:PingPong", "ibpong*:PingPong", "ibpong*:latency" },
	    3,
	    "IMB PingPong (or ibpong's ping-pong), one-way latency" } },
};

#define N_BUILTIN (sizeof(builtin_profiles) / sizeof(builtin_profiles[0]))

const char *report_profile_builtin_list(void)
{
	return "azure-a8a9";
}

int report_profile_builtin(const char *name, struct report_profile *p)
{
	unsigned i, k;

	for (i = 0; i < N_BUILTIN; i++) {
		if (strcmp(builtin_profiles[i].name, name))
			continue;
		report_profile_init(p, name);
		snprintf(p->description, sizeof(p->description), "%s",
			 builtin_profiles[i].description);
		p->stat = (int)builtin_profiles[i].stat;
		p->scope = builtin_profiles[i].scope;
		for (k = 0; k < builtin_profiles[i].n_rules; k++)
			p->rules[p->n_rules++] = builtin_profiles[i].rules[k];
		return 0;
	}
	return -ENOENT;
}

__attribute__((format(printf, 3, 4))) static int
prof_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int prof_rule(const json_t *o, size_t i, const char *what,
		     struct report_rule *r, char *err, size_t err_len)
{
	const char *key, *sizes;
	json_t *val, *lat, *bw;

	if (!json_is_object(o))
		return prof_err(err, err_len,
				"%s: rules[%zu]: expected an "
				"object",
				what, i);
	json_object_foreach ((json_t *)o, key, val)
		if (strcmp(key, "sizes") && strcmp(key, "max_latency_us") &&
		    strcmp(key, "min_bandwidth_MBps") && strcmp(key, "system"))
			return prof_err(err, err_len,
					"%s: rules[%zu]: unknown key '%s'; "
					"expected sizes, one of "
					"max_latency_us, min_bandwidth_MBps, "
					"and optionally system",
					what, i, key);
	sizes = json_string_value(json_object_get(o, "sizes"));
	lat = json_object_get(o, "max_latency_us");
	bw = json_object_get(o, "min_bandwidth_MBps");
	memset(r, 0, sizeof(*r));
	if (!sizes || strlen(sizes) >= sizeof(r->sizes) ||
	    report_size_range_parse(sizes, &r->lo_bytes, &r->hi_bytes))
		return prof_err(err, err_len,
				"%s: rules[%zu].sizes: expected a size range "
				"string such as \"0-512\", \"4K-4M\" or \"1M\"",
				what, i);
	strcpy(r->sizes, sizes);
	val = json_object_get(o, "system");
	if (val && (!json_string_value(val) || !*json_string_value(val) ||
		    strlen(json_string_value(val)) >= sizeof(r->system)))
		return prof_err(err, err_len,
				"%s: rules[%zu].system: expected a system "
				"name (the value of the results' system "
				"label), at most %zu characters",
				what, i, sizeof(r->system) - 1);
	if (val)
		strcpy(r->system, json_string_value(val));
	if (!lat == !bw)
		return prof_err(err, err_len,
				"%s: rules[%zu]: expected exactly one of "
				"max_latency_us and min_bandwidth_MBps",
				what, i);
	val = lat ? lat : bw;
	r->kind = lat ? REPORT_RULE_MAX_LAT : REPORT_RULE_MIN_BW;
	r->limit = json_number_value(val);
	if (!json_is_number(val) || !isfinite(r->limit) || r->limit < 0)
		return prof_err(err, err_len,
				"%s: rules[%zu].%s: expected a number >= 0",
				what, i,
				lat ? "max_latency_us" : "min_bandwidth_MBps");
	return 0;
}

/* One list of applies_to: names into a bit mask via from_name. */
static int prof_scope_mask(const json_t *list, const char *what,
			   const char *key, int (*from_name)(const char *),
			   const char *expected, unsigned *mask, char *err,
			   size_t err_len)
{
	const json_t *v;
	size_t i;
	int b;

	if (!list)
		return 0;
	if (!json_is_array(list) || !json_array_size(list))
		return prof_err(err, err_len,
				"%s: applies_to.%s: expected a non-empty "
				"array of %s",
				what, key, expected);
	json_array_foreach (list, i, v) {
		b = json_string_value(v) ? from_name(json_string_value(v))
					 : -EINVAL;
		if (b < 0)
			return prof_err(err, err_len,
					"%s: applies_to.%s[%zu]: expected one "
					"of %s",
					what, key, i, expected);
		*mask |= 1u << b;
	}
	return 0;
}

static int prof_lat_kind(const char *name)
{
	int i;

	for (i = BENCH_LAT_HALF_RTT; i <= BENCH_LAT_ONE_MSG; i++)
		if (!strcmp(name, bench_lat_kind_name((enum bench_lat_kind)i)))
			return i;
	return -EINVAL;
}

/*
 * "applies_to": {"kinds": ["latency"], "latency": ["one-way"],
 *                "benchmarks": ["IMB-MPI1:PingPong", "ibpong*:latency"],
 *                "description": "IMB PingPong, one-way"}
 */
static int prof_scope(const json_t *o, const char *what, struct report_scope *s,
		      char *err, size_t err_len)
{
	const json_t *b = json_object_get(o, "benchmarks"), *v;
	const char *key, *d;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!json_is_object(o))
		return prof_err(err, err_len,
				"%s: applies_to: expected an object", what);
	json_object_foreach ((json_t *)o, key, v)
		if (strcmp(key, "kinds") && strcmp(key, "latency") &&
		    strcmp(key, "benchmarks") && strcmp(key, "description"))
			return prof_err(err, err_len,
					"%s: applies_to: unknown key '%s'; "
					"expected kinds, latency, benchmarks, "
					"description",
					what, key);
	if (prof_scope_mask(json_object_get(o, "kinds"), what, "kinds",
			    bench_test_from_name,
			    "latency, bw, bibw, pingping, sendrecv, exchange, "
			    "rma-latency, rma-bw, rma-bibw",
			    &s->kinds, err, err_len) ||
	    prof_scope_mask(json_object_get(o, "latency"), what, "latency",
			    prof_lat_kind, "one-way, round-trip, one-message",
			    &s->lat_kinds, err, err_len))
		return -EINVAL;
	if (b && (!json_is_array(b) || !json_array_size(b) ||
		  json_array_size(b) > REPORT_SCOPE_BENCH_MAX))
		return prof_err(err, err_len,
				"%s: applies_to.benchmarks: expected 1 to %d "
				"\"TOOL:TEST\" patterns, e.g. "
				"\"IMB-MPI1:PingPong\"",
				what, REPORT_SCOPE_BENCH_MAX);
	json_array_foreach (b, i, v) {
		if (!json_string_value(v) ||
		    !strchr(json_string_value(v), ':') ||
		    strlen(json_string_value(v)) >= sizeof(s->benchmarks[0]))
			return prof_err(err, err_len,
					"%s: applies_to.benchmarks[%zu]: "
					"expected \"TOOL:TEST\" (shell "
					"patterns), e.g. \"osu_latency:*\"",
					what, i);
		strcpy(s->benchmarks[s->n_benchmarks++], json_string_value(v));
	}
	d = json_string_value(json_object_get(o, "description"));
	snprintf(s->text, sizeof(s->text), "%s",
		 d ? d
		   : "the tests named in "
		     "its applies_to");
	return 0;
}

static int prof_head(const json_t *doc, const char *what,
		     struct report_profile *p, char *err, size_t err_len)
{
	const char *key, *s;
	json_t *val;

	if (!json_is_object(doc))
		return prof_err(err, err_len, "%s: expected a JSON object",
				what);
	json_object_foreach ((json_t *)doc, key, val)
		if (strcmp(key, "name") && strcmp(key, "description") &&
		    strcmp(key, "statistic") && strcmp(key, "rules") &&
		    strcmp(key, "applies_to") && strcmp(key, "system_label"))
			return prof_err(err, err_len,
					"%s: unknown key '%s'; expected name, "
					"description, statistic, applies_to, "
					"system_label, rules",
					what, key);
	val = json_object_get(doc, "system_label");
	if (val && (!json_string_value(val) || !*json_string_value(val) ||
		    strlen(json_string_value(val)) >= sizeof(p->system_label)))
		return prof_err(err, err_len,
				"%s: system_label: expected the run.labels "
				"key that names the system, e.g. \"cluster\"",
				what);
	if (val)
		snprintf(p->system_label, sizeof(p->system_label), "%s",
			 json_string_value(val));
	if (json_object_get(doc, "applies_to") &&
	    prof_scope(json_object_get(doc, "applies_to"), what, &p->scope, err,
		       err_len))
		return -EINVAL;
	if ((s = json_string_value(json_object_get(doc, "name"))))
		snprintf(p->name, sizeof(p->name), "%s", s);
	if ((s = json_string_value(json_object_get(doc, "description"))))
		snprintf(p->description, sizeof(p->description), "%s", s);
	val = json_object_get(doc, "statistic");
	if (val) {
		s = json_string_value(val);
		p->stat = s ? bench_stat_from_name(s) : -EINVAL;
		if (p->stat < 0)
			return prof_err(err, err_len,
					"%s: statistic: expected one of min, "
					"median, mean, stdev, p90, p99, p999, "
					"max",
					what);
	}
	return 0;
}

int report_profile_from_json(const json_t *doc, const char *what,
			     struct report_profile *p, char *err,
			     size_t err_len)
{
	const json_t *rules = json_object_get(doc, "rules");
	struct report_rule r;
	bool lat = false;
	size_t i;
	int ret;

	report_profile_init(p, what);
	ret = prof_head(doc, what, p, err, err_len);
	if (ret)
		return ret;
	if (!json_is_array(rules) || !json_array_size(rules))
		return prof_err(err, err_len,
				"%s: rules: expected a non-empty array of "
				"{\"sizes\": ..., \"max_latency_us\" or "
				"\"min_bandwidth_MBps\": ...}",
				what);
	for (i = 0; i < json_array_size(rules); i++) {
		ret = prof_rule(json_array_get(rules, i), i, what, &r, err,
				err_len);
		if (ret)
			return ret;
		if (report_profile_add(p, &r))
			return prof_err(err, err_len, "%s: more than %d rules",
					what, REPORT_RULES_MAX);
		lat |= r.kind == REPORT_RULE_MAX_LAT;
	}
	if (lat && p->stat < 0)
		return prof_err(err, err_len,
				"%s: statistic: a profile with latency rules "
				"names its statistic (e.g. \"mean\")",
				what);
	return 0;
}

int report_profile_load(const char *path, struct report_profile *p, char *err,
			size_t err_len)
{
	json_error_t jerr;
	char why[sizeof(jerr.text) * 4];
	json_t *doc;
	int ret;

	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		if (jerr.line < 1)
			return prof_err(
				err, err_len, "profile %s: cannot read: %s",
				path,
				bench_json_reason(&jerr, why, sizeof(why)));
		return prof_err(err, err_len,
				"profile %s:%d: not valid JSON: "
				"%s",
				path, jerr.line,
				bench_json_reason(&jerr, why, sizeof(why)));
	}
	ret = report_profile_from_json(doc, path, p, err, err_len);
	json_decref(doc);
	return ret;
}

int report_profile_resolve(const char *arg, struct report_profile *p, char *err,
			   size_t err_len)
{
	if (!report_profile_builtin(arg, p))
		return 0;
	if (!strchr(arg, '/') && !strstr(arg, ".json") && access(arg, F_OK))
		return prof_err(err, err_len,
				"unknown profile '%s'; built-in profiles: %s; "
				"or give the path of a JSON profile file",
				arg, report_profile_builtin_list());
	return report_profile_load(arg, p, err, err_len);
}
