/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * JUnit XML for CI dashboards: one testsuite per result, one testcase per
 * checked size, pair (sweeps) and rule, named by the pair's hosts
 * ("node03-node07 512 B latency mean <= 3.00 us"), a <failure> for each
 * failed one.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "variant.h"

/* Text for an XML attribute; characters XML 1.0 forbids become '?'. */
static void xml_attr(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c == '\'')
			fputs("&apos;", f);
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			fputc('?', f);
		else
			fputc(c, f);
	}
}

/* 512 B, 4 KiB, 4 MiB; sizes that are no such multiple in bytes. */
static void junit_size(size_t size, char *buf, size_t len)
{
	if (size >= (1u << 20) && !(size % (1u << 20)))
		snprintf(buf, len, "%zu MiB", size >> 20);
	else if (size >= 1024 && !(size % 1024))
		snprintf(buf, len, "%zu KiB", size >> 10);
	else
		snprintf(buf, len, "%zu B", size);
}

static void junit_case(FILE *f, const struct report_set *set,
		       const struct report_profile *p, int stat,
		       const struct report_check_item *it)
{
	const struct bench_result *r = &set->items[it->result];
	const struct report_rule *rule = &p->rules[it->rule];
	const char *op = rule->kind == REPORT_RULE_MAX_LAT ? "<=" : ">=";
	size_t size = r->rows[it->row].size_bytes;
	char metric[48], text[256], pair[96], human[32];

	report_rule_metric(rule->kind, stat, metric, sizeof(metric));
	report_pair_name(r, &r->rows[it->row], pair, sizeof(pair));
	junit_size(size, human, sizeof(human));
	fputs("    <testcase classname=\"ibpong.check.", f);
	xml_attr(f, r->tool ? r->tool : "unknown");
	fputc('.', f);
	xml_attr(f, r->test_name ? r->test_name : "unknown");
	/* "node03-node07 512 B latency mean <= 3.00 us": a dashboard shows
	 * which link failed at which size. */
	if (rule->kind == REPORT_RULE_MAX_LAT)
		snprintf(text, sizeof(text), "%s%s%s latency %s <= %.2f us",
			 pair, pair[0] ? " " : "", human,
			 bench_stat_name((enum bench_stat_id)stat),
			 rule->limit);
	else
		snprintf(text, sizeof(text), "%s%s%s bandwidth >= %.2f MB/s",
			 pair, pair[0] ? " " : "", human, rule->limit);
	fputs("\" name=\"", f);
	xml_attr(f, text);
	fputs("\" time=\"0\"", f);
	if (it->verdict == REPORT_PASS) {
		fputs("/>\n", f);
		return;
	}
	if (!isfinite(it->value))
		snprintf(text, sizeof(text), "%s%s%s at %s: %s (limit %s %.2f)",
			 pair, pair[0] ? ": " : "", metric, human,
			 it->why ? it->why : "no value", op, rule->limit);
	else if (isfinite(it->ci.lo) && isfinite(it->ci.hi))
		snprintf(text, sizeof(text),
			 "%s%s%s at %s: %.2f, 95%% interval [%.2f, %.2f], "
			 "limit %s %.2f%s%s",
			 pair, pair[0] ? ": " : "", metric, human, it->value,
			 it->ci.lo, it->ci.hi, op, rule->limit,
			 it->why ? ": " : "", it->why ? it->why : "");
	else
		snprintf(text, sizeof(text),
			 "%s%s%s at %s: %.2f, limit %s %.2f%s%s", pair,
			 pair[0] ? ": " : "", metric, human, it->value, op,
			 rule->limit, it->why ? ": " : "",
			 it->why ? it->why : "");
	/* INCONCLUSIVE: neither passed nor failed, as JUnit's skipped */
	fputs(it->verdict == REPORT_INCONCLUSIVE
		      ? ">\n      <skipped message=\"INCONCLUSIVE: "
		      : ">\n      <failure type=\"limit\" message=\"",
	      f);
	xml_attr(f, text);
	fputs("\"/>\n    </testcase>\n", f);
}

static void junit_suite(FILE *f, const struct report_set *set,
			const struct report_profile *p, int stat,
			const struct report_check *c, size_t result)
{
	const struct bench_result *r = &set->items[result];
	size_t i, n = 0, fails = 0, skipped = 0;
	char name[512];

	for (i = 0; i < c->n_items; i++)
		if (c->items[i].result == result &&
		    c->items[i].verdict != REPORT_UNCHECKED) {
			n++;
			fails += c->items[i].verdict == REPORT_FAIL;
			skipped += c->items[i].verdict == REPORT_INCONCLUSIVE;
		}
	if (!n)
		return;
	snprintf(name, sizeof(name), "%s: %s %s", set->paths[result],
		 r->tool ? r->tool : "unknown",
		 r->test_name ? r->test_name : "");
	fputs("  <testsuite name=\"", f);
	xml_attr(f, name);
	fprintf(f,
		"\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		"skipped=\"%zu\">\n",
		n, fails, skipped);
	fputs("    <properties>\n      <property name=\"profile\" value=\"", f);
	xml_attr(f, p->name);
	fprintf(f,
		"\"/>\n      <property name=\"statistic\" value=\"%s\"/>\n"
		"    </properties>\n",
		bench_stat_name((enum bench_stat_id)stat));
	for (i = 0; i < c->n_items; i++)
		if (c->items[i].result == result &&
		    c->items[i].verdict != REPORT_UNCHECKED)
			junit_case(f, set, p, stat, &c->items[i]);
	fputs("  </testsuite>\n", f);
}

int report_junit_write(const char *path, const struct report_set *set,
		       const struct report_profile *p, int stat,
		       const struct report_check *c)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int ret;

	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"ibpong report check\" tests=\"%zu\" "
		"failures=\"%zu\" skipped=\"%zu\">\n",
		c->n_pass + c->n_fail + c->n_inconclusive, c->n_fail,
		c->n_inconclusive);
	for (i = 0; i < set->count; i++)
		junit_suite(f, set, p, stat, c, i);
	fputs("</testsuites>\n", f);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	ret = bench_write_file_atomic(path, buf, len);
	free(buf);
	return ret;
}
