/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the importer fuzz targets: run one importer on the input and,
 * when it accepts it, check that what it built is valid ibpong/1 (it
 * survives bench_result_to_json and bench_result_from_json) with sizes in
 * ascending order. A violation aborts, which libFuzzer reports as a crash.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>

#include "import.h"

typedef int (*fuzz_importer)(const char *buf, size_t len, const char *name,
			     struct report_set *set, char *err, size_t err_len);

static inline void fuzz_check_result(const struct bench_result *r)
{
	struct bench_result back;
	char err[256];
	json_t *doc;
	size_t i, j;

	/* Sizes ascend per pair (IMB -multi: one row per group and size). */
	for (i = 1; i < r->n_rows; i++)
		for (j = i; j-- > 0;)
			if (r->rows[j].rank_a == r->rows[i].rank_a &&
			    r->rows[j].rank_b == r->rows[i].rank_b) {
				if (r->rows[i].size_bytes <=
				    r->rows[j].size_bytes)
					abort();
				break;
			}
	if (!r->n_rows || bench_result_to_json(r, &doc))
		abort();
	if (bench_result_from_json(doc, &back, err, sizeof(err)))
		abort();
	if (back.n_rows != r->n_rows)
		abort();
	bench_result_free(&back);
	json_decref(doc);
}

static inline int fuzz_one(fuzz_importer imp, const uint8_t *data, size_t size)
{
	struct report_set set;
	char err[512];
	size_t i;

	report_set_init(&set);
	if (!imp((const char *)data, size, "fuzz", &set, err, sizeof(err)))
		for (i = 0; i < set.count; i++)
			fuzz_check_result(&set.items[i]);
	else if (set.count)
		abort(); /* all or nothing */
	report_set_free(&set);
	return 0;
}

#endif
