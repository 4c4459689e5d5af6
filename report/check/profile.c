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

static int rule_limit_parse(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s)
		return -EINVAL;
	v = strtod(s, &end);
	if (*end || !isfinite(v) || v < 0)
		return -EINVAL;
	*out = v;
	return 0;
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

/* Targets as they were set, with the statistic they were set against. */
static const struct {
	const char *name;
	const char *description;
	enum bench_stat_id stat;
	struct report_rule rules[2];
	unsigned n_rules;
} builtin_profiles[] = {
	{ "azure-a8a9",
	  "Azure A8/A9 RDMA: every message up to 512 B in 3.00 us or less "
	  "(mean, IMB PingPong's t[usec])",
	  BENCH_STAT_MEAN,
	  { { REPORT_RULE_MAX_LAT, 0, 512, 3.00, "0-512" } },
	  1 },
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
		    strcmp(key, "min_bandwidth_MBps"))
			return prof_err(err, err_len,
					"%s: rules[%zu]: unknown key '%s'; "
					"expected sizes and one of "
					"max_latency_us, min_bandwidth_MBps",
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
		    strcmp(key, "statistic") && strcmp(key, "rules"))
			return prof_err(err, err_len,
					"%s: unknown key '%s'; expected name, "
					"description, statistic, rules",
					what, key);
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
	json_t *doc;
	int ret;

	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		if (jerr.line < 1)
			return prof_err(err, err_len,
					"profile %s: cannot read: %s", path,
					jerr.text);
		return prof_err(err, err_len,
				"profile %s:%d: not valid JSON: "
				"%s",
				path, jerr.line, jerr.text);
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
