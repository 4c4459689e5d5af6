/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_same_variant: see variant.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "variant.h"

void report_buffers_text(const struct bench_result *r, char *buf, size_t len)
{
	const json_t *b = json_object_get(r->run, "buffers");
	const char *s = json_string_value(json_object_get(b, "send"));
	const char *d = json_string_value(json_object_get(b, "recv"));
	const char *acc = json_string_value(json_object_get(b, "accelerator"));

	if (!s && !d && !acc) {
		snprintf(buf, len, "host");
		return;
	}
	snprintf(buf, len, "%s/%s%s%s%s", s ? s : "host", d ? d : "host",
		 acc ? " (" : "", acc ? acc : "", acc ? ")" : "");
}

/* A run key as text for messages: a string as is, else its JSON. */
static void variant_text(const json_t *v, char *buf, size_t len)
{
	char *dump;

	if (!v) {
		snprintf(buf, len, "unstated");
	} else if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
	} else {
		dump = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		snprintf(buf, len, "%s", dump ? dump : "?");
		free(dump);
	}
}

static const json_t *variant_processes(const struct bench_result *r)
{
	return json_object_get(json_object_get(r->run, "source"), "processes");
}

bool report_same_variant(const struct bench_result *a,
			 const struct bench_result *b, char *why,
			 size_t why_len)
{
	char ta[96], tb[96];
	char dummy[1];

	if (!why) {
		why = dummy;
		why_len = sizeof(dummy);
	}
	if (a->test != b->test) {
		snprintf(why, why_len, "test kinds differ: %s vs %s",
			 bench_test_name(a->test), bench_test_name(b->test));
		return false;
	}
	if (a->lat_kind != b->lat_kind) {
		snprintf(why, why_len, "latency kinds differ: %s vs %s",
			 bench_lat_kind_name(a->lat_kind),
			 bench_lat_kind_name(b->lat_kind));
		return false;
	}
	report_buffers_text(a, ta, sizeof(ta));
	report_buffers_text(b, tb, sizeof(tb));
	if (strcmp(ta, tb)) {
		snprintf(why, why_len, "buffers differ: %s vs %s", ta, tb);
		return false;
	}
	if (!json_equal(json_object_get(a->run, "method"),
			json_object_get(b->run, "method")) &&
	    json_object_get(a->run, "method") &&
	    json_object_get(b->run, "method")) {
		variant_text(json_object_get(a->run, "method"), ta, sizeof(ta));
		variant_text(json_object_get(b->run, "method"), tb, sizeof(tb));
		snprintf(why, why_len, "methods differ: %s vs %s", ta, tb);
		return false;
	}
	if (variant_processes(a) && variant_processes(b) &&
	    !json_equal(variant_processes(a), variant_processes(b))) {
		variant_text(variant_processes(a), ta, sizeof(ta));
		variant_text(variant_processes(b), tb, sizeof(tb));
		snprintf(why, why_len, "MPI processes differ: %s vs %s", ta,
			 tb);
		return false;
	}
	return true;
}

void report_pair_name(const struct bench_result *r, const struct bench_row *row,
		      char *buf, size_t len)
{
	const json_t *hosts = json_object_get(r->run, "hosts");
	const char *a, *b;

	if (row->rank_a < 0) {
		snprintf(buf, len, "%s", "");
		return;
	}
	a = json_string_value(json_array_get(hosts, (size_t)row->rank_a));
	b = json_string_value(json_array_get(hosts, (size_t)row->rank_b));
	if (a && b)
		snprintf(buf, len, "%s-%s", a, b);
	else
		snprintf(buf, len, "rank %d-%d", row->rank_a, row->rank_b);
}
