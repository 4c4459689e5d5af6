/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Building an imported result: the run.source record that says where each
 * figure came from, rows in ascending size, and the all-or-nothing move of
 * one file's results into the caller's set.
 */
#include <errno.h>
#include <inttypes.h>
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

int report_build_skip(json_t **skipped, unsigned long line, const char *test,
		      const char *reason)
{
	char *t = build_clean(test);
	size_t n;

	if (!t)
		return -ENOMEM;
	n = strlen(t);
	while (n && t[n - 1] == ' ')
		t[--n] = '\0';
	if (!*skipped)
		*skipped = json_array();
	/* Bounded like the notes: a log of a thousand collectives. */
	if (*skipped && json_array_size(*skipped) >= REPORT_NOTES_MAX) {
		free(t);
		return 0;
	}
	if (!*skipped ||
	    json_array_append_new(*skipped, json_pack("{s:I, s:s, s:s}", "line",
						      (json_int_t)line, "test",
						      t, "reason", reason))) {
		free(t);
		return -ENOMEM;
	}
	free(t);
	return 0;
}

int report_build_buffers(struct bench_result *r, const char *send,
			 const char *recv, const char *accelerator)
{
	json_t *b = json_object();
	int ret = b ? 0 : -ENOMEM;

	if (!ret && json_object_set_new(r->run, "buffers", b))
		ret = -ENOMEM;
	if (!ret && send)
		ret = build_set(b, "send", send);
	if (!ret && recv)
		ret = build_set(b, "recv", recv);
	if (!ret && accelerator)
		ret = build_set(b, "accelerator", accelerator);
	return ret;
}

/* Each result of out gets run.source.skipped = a copy of skipped. */
static int build_attach_skipped(struct report_set *out, json_t *skipped)
{
	size_t i;

	for (i = 0; skipped && i < out->count; i++) {
		json_t *source = json_object_get(out->items[i].run, "source");

		if (json_object_set_new(source, "skipped",
					json_deep_copy(skipped)))
			return -ENOMEM;
	}
	return 0;
}

/* Nothing imported: name the first test skipped, with its line. */
static int build_none(const struct report_text_importer *ti)
{
	json_t *first = ti->skipped && *ti->skipped
				? json_array_get(*ti->skipped, 0)
				: NULL;

	if (!first) {
		ti->l->lineno = 0;
		return report_lines_error(ti->l, "%s", ti->none);
	}
	ti->l->lineno = (unsigned long)json_integer_value(
		json_object_get(first, "line"));
	return report_lines_error(
		ti->l, "%s: '%s'; %s",
		json_string_value(json_object_get(first, "reason")),
		json_string_value(json_object_get(first, "test")), ti->none);
}

int report_build_row(struct bench_result *r, const struct bench_row *row,
		     struct report_lines *l)
{
	const char *bad = bench_row_bad_value(row);
	size_t i = r->n_rows;

	if (bad)
		return report_lines_error(
			l,
			"%s of message size %zu is out of range; expected a "
			"figure from 0 to %g (a latency above 0), as a real "
			"run prints",
			bad, row->size_bytes, BENCH_VALUE_MAX);
	/* Rows of pairs (IMB -multi groups) ascend per pair. */
	while (i && (r->rows[i - 1].rank_a != row->rank_a ||
		     r->rows[i - 1].rank_b != row->rank_b))
		i--;
	if (i && row->size_bytes <= r->rows[i - 1].size_bytes)
		return report_lines_error(
			l,
			"message size %zu does not follow %zu; expected sizes "
			"in ascending order (one run per table)",
			row->size_bytes, r->rows[i - 1].size_bytes);
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
	return report_build_row_size_tok(l, l->tok[0], row);
}

int report_build_row_size_tok(struct report_lines *l, const char *tok,
			      struct bench_row *row)
{
	uint64_t size;

	if (report_parse_u64(tok, UINT64_MAX, &size)) {
		const char *p = tok;

		while (*p >= '0' && *p <= '9')
			p++;
		return report_lines_error(
			l,
			*p ? "message size '%.40s' is not a whole number of "
			     "bytes; expected digits only"
			   : "message size '%.40s' does not fit in 64 bits; "
			     "expected a size in bytes",
			tok);
	}
	if (size > REPORT_SIZE_MAX)
		return report_lines_error(l,
					  "message size %" PRIu64
					  " is larger than 1 TiB, the largest "
					  "ibpong accepts",
					  size);
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
		ret = build_none(ti);
		goto err_free;
	}
	ret = build_attach_skipped(ti->out, ti->skipped ? *ti->skipped : NULL);
	if (ret)
		goto err_free;
	report_lines_free(ti->l);
	if (ti->skipped) {
		json_decref(*ti->skipped);
		*ti->skipped = NULL;
	}
	return report_build_commit(ti->out, set);

err_free:
	if (ti->skipped) {
		json_decref(*ti->skipped);
		*ti->skipped = NULL;
	}
	bench_result_free(ti->r);
	report_set_free(ti->out);
	report_lines_free(ti->l);
	return ret;
}
