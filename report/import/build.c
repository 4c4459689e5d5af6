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

int report_build_row_size(struct report_lines *l, struct bench_row *row)
{
	uint64_t size;

	if (report_parse_u64(l->tok[0], REPORT_SIZE_MAX, &size))
		return report_lines_error(l, "message size '%.40s' too large",
					  l->tok[0]);
	bench_row_init(row, (size_t)size);
	return 0;
}

int report_build_row_table(struct report_lines *l, unsigned n_cols,
			   struct bench_row *row)
{
	if (l->n_tok != n_cols || l->tok_overflow)
		return report_lines_error(l,
					  "%u fields where the header has %u "
					  "columns; expected a complete row",
					  l->n_tok, n_cols);
	return report_build_row_size(l, row);
}

int report_import_text(const struct report_text_importer *ti, const char *buf,
		       size_t len, const char *name, struct report_set *set,
		       char *err, size_t err_len)
{
	int ret;

	report_lines_init(ti->l, buf, len, name, err, err_len);
	report_set_init(ti->out);
	bench_result_init(ti->r);
	while ((ret = report_lines_next(ti->l)) == 1) {
		report_lines_tokenize(ti->l);
		if (!ti->l->n_tok)
			continue;
		ret = ti->line(ti->state);
		if (ret)
			goto err_free;
	}
	ret = ret ?: ti->finish(ti->state);
	if (ret)
		goto err_free;
	if (!ti->out->count) {
		ti->l->lineno = 0;
		ret = report_lines_error(ti->l, "%s", ti->none);
		goto err_free;
	}
	report_lines_free(ti->l);
	return report_build_commit(ti->out, set);

err_free:
	bench_result_free(ti->r);
	report_set_free(ti->out);
	report_lines_free(ti->l);
	return ret;
}
