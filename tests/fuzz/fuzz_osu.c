/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the osu importer on arbitrary bytes. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_one(report_import_osu, data, size);
}
