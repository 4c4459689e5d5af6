/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Building an imported result: the run.source record that says where each
 * figure came from, rows in ascending size, and the all-or-nothing move of
 * one file's results into the caller's set.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

#define REPORT_NOTES_MAX 32

/*
 * A copy safe for JSON: bytes outside printable ASCII become '?' (the
 * tools print ASCII; anything else is noise, and jansson refuses invalid
 * UTF-8).
 */
static char *build_clean(const char *s)
{
	char *c = strdup(s), *p;

	for (p = c; p && *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	return c;
}

static json_t *build_source(struct bench_result *r)
{
	return json_object_get(r->run, "source");
}

int report_build_start(struct bench_result *r, const char *name,
		       const char *tool, const char *version,
		       enum bench_test test, const char *test_name,
		       enum bench_lat_kind kind)
{
	char *file = build_clean(name);
	json_t *source;

	bench_result_init(r);
	r->tool = strdup(tool);
	r->tool_version = version ? build_clean(version) : NULL;
	r->test_name = strdup(test_name);
	r->test = test;
	r->lat_kind = kind;
	source = file ? json_pack("{s:s, s:s, s:{}, s:[]}", "file", file,
				  "tool", tool, "statistics", "notes")
		      : NULL;
	r->run = json_pack("{s:s, s:o}", "transport", "imported", "source",
			   source);
	free(file);
	if (!r->tool || (version && !r->tool_version) || !r->test_name ||
	    !r->run) {
		bench_result_free(r);
		return -ENOMEM;
	}
	return 0;
}

int report_build_stat(struct bench_result *r, const char *field,
		      const char *how)
{
	json_t *stats = json_object_get(build_source(r), "statistics");

	if (json_object_set_new(stats, field, json_string(how)))
		return -ENOMEM;
	return 0;
}

int report_build_note(struct bench_result *r, const char *fmt, ...)
{
	json_t *notes = json_object_get(build_source(r), "notes");
	char msg[256];
	va_list ap;

	/* Bounded: a file full of "inf" must not grow the record without end.
	 */
	if (json_array_size(notes) >= REPORT_NOTES_MAX)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json_array_size(notes) == REPORT_NOTES_MAX - 1)
		snprintf(msg, sizeof(msg), "further notes left out");
	/* One note per distinct text. */
	for (size_t i = 0; i < json_array_size(notes); i++)
		if (!strcmp(json_string_value(json_array_get(notes, i)), msg))
			return 0;
	if (json_array_append_new(notes, json_string(msg)))
		return -ENOMEM;
	return 0;
}

static int build_set(json_t *obj, const char *key, const char *value)
{
	char *c = build_clean(value);
	int ret;

	ret = c && !json_object_set_new(obj, key, json_string(c)) ? 0 : -ENOMEM;
	free(c);
	return ret;
}

int report_build_source(struct bench_result *r, const char *key,
			const char *value)
{
	return build_set(build_source(r), key, value);
}

int report_build_run(struct bench_result *r, const char *key, const char *value)
{
	return build_set(r->run, key, value);
}

int report_build_device(struct bench_result *r, const char *key,
			const char *value)
{
	json_t *dev = json_object_get(r->run, "device");

	if (!dev) {
		dev = json_object();
		if (json_object_set_new(r->run, "device", dev))
			return -ENOMEM;
	}
	return build_set(dev, key, value);
}

int report_build_row(struct bench_result *r, const struct bench_row *row,
		     struct report_lines *l)
{
	if (r->n_rows && row->size_bytes <= r->rows[r->n_rows - 1].size_bytes)
		return report_lines_error(
			l,
			"message size %zu does not follow %zu; expected sizes "
			"in ascending order (one run per table)",
			row->size_bytes, r->rows[r->n_rows - 1].size_bytes);
	return bench_result_add_row(r, row);
}

int report_build_commit(struct report_set *from, struct report_set *to)
{
	size_t i, n = to->count;
	int ret = 0;

	for (i = 0; i < from->count; i++) {
		json_t *source = json_object_get(from->items[i].run, "source");

		/* Keep the record short: no empty list of notes. */
		if (!json_array_size(json_object_get(source, "notes")))
			json_object_del(source, "notes");
		ret = report_set_add(to, &from->items[i], from->paths[i]);
		if (ret)
			break;
	}
	if (ret) {
		/* Give back what was moved, so that to is as it was. */
		while (to->count > n) {
			to->count--;
			bench_result_free(&to->items[to->count]);
			free(to->paths[to->count]);
		}
	}
	report_set_free(from);
	return ret;
}
