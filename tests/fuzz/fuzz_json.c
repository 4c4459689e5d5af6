/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the ibpong/1 reader (json_loadb, then
 * bench_result_from_json); an accepted document must survive a round
 * trip through bench_result_to_json.
 */
#include <stdint.h>
#include <stdlib.h>

#include "result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bench_result r, back;
	json_error_t jerr;
	json_t *doc, *out;
	char err[256];

	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
			 &jerr);
	if (!doc)
		return 0;
	if (!bench_result_from_json(doc, &r, err, sizeof(err))) {
		if (bench_result_to_json(&r, &out))
			abort();
		if (bench_result_from_json(out, &back, err, sizeof(err)))
			abort();
		if (back.n_rows != r.n_rows)
			abort();
		bench_result_free(&back);
		json_decref(out);
		bench_result_free(&r);
	}
	json_decref(doc);
	return 0;
}
