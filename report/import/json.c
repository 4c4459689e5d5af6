/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong/1 JSON from a buffer: jansson parses, bench_result_from_json
 * validates every field.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "import.h"

int report_import_json(const char *buf, size_t len, const char *name,
		       struct report_set *set, char *err, size_t err_len)
{
	struct bench_result r;
	json_error_t jerr;
	char why[sizeof(jerr.text) * 4];
	char inner[256];
	json_t *doc;
	int ret;

	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		snprintf(err, err_len, "%s:%d: not valid JSON: %s", name,
			 jerr.line, bench_json_reason(&jerr, why, sizeof(why)));
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

/* JSON starts with '{', after blanks or a UTF-8 byte-order mark. */
static bool json_detect(const char *buf, size_t len)
{
	size_t i = 0;

	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && buf[i] && strchr(" \t\r\n", buf[i]))
		i++;
	return i < len && buf[i] == '{';
}

static const enum bench_test json_tests[] = {
	BENCH_TEST_LAT,	     BENCH_TEST_BW,	  BENCH_TEST_BIBW,
	BENCH_TEST_PINGPING, BENCH_TEST_SENDRECV, BENCH_TEST_EXCHANGE,
	BENCH_TEST_RMA_LAT,  BENCH_TEST_RMA_BW,	  BENCH_TEST_RMA_BIBW,
	BENCH_TEST_NR,
};

const struct report_importer report_importer_json = {
	.name = "ibpong/1 JSON",
	.format = REPORT_FORMAT_JSON,
	.detect_buf = json_detect,
	.parse = report_import_json,
	.tests = json_tests,
};
