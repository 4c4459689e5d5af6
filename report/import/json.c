/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong/1 JSON from a buffer: jansson parses, bench_result_from_json
 * validates every field.
 */
#include <errno.h>
#include <stdio.h>

#include "import.h"

int report_import_json(const char *buf, size_t len, const char *name,
		       struct report_set *set, char *err, size_t err_len)
{
	struct bench_result r;
	json_error_t jerr;
	char inner[256];
	json_t *doc;
	int ret;

	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		snprintf(err, err_len, "%s:%d: not valid JSON: %s", name,
			 jerr.line, jerr.text);
		return -EINVAL;
	}
	ret = bench_result_from_json(doc, &r, inner, sizeof(inner));
	json_decref(doc);
	if (ret == -EINVAL)
		snprintf(err, err_len, "%s: %s", name, inner);
	if (ret)
		return ret;
	ret = report_set_add(set, &r, name);
	bench_result_free(&r);
	return ret;
}
