/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The importer registry, in detection order: adding an importer is its
 * file, one line here and its meson entry (doc/adding-importer.md).
 */
#include "import.h"

const struct report_importer *const report_importers[] = {
	&report_importer_json,
	&report_importer_imb,
	&report_importer_osu,
	&report_importer_perftest,
	NULL,
};
