/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the check profile reader (report_profile_from_json,
 * what `ibpong report check --profile FILE` reads). An accepted profile
 * must hold rules whose size ranges are ordered.
 */
#include <stdint.h>
#include <stdlib.h>

#include "check/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_profile p;
	json_error_t jerr;
	char err[256];
	json_t *doc;
	size_t i;

	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
			 &jerr);
	if (!doc)
		return 0;
	if (!report_profile_from_json(doc, "fuzz", &p, err, sizeof(err))) {
		if (p.n_rules > REPORT_RULES_MAX)
			abort();
		for (i = 0; i < p.n_rules; i++)
			if (p.rules[i].lo_bytes > p.rules[i].hi_bytes ||
			    !(p.rules[i].limit >= 0))
				abort();
	}
	json_decref(doc);
	return 0;
}
