// SPDX-License-Identifier: BSD-2-Clause
/*
 * The engine registry: every engine of this build, in the order --help
 * lists them. Adding an engine is one line here (and its directory and
 * meson entry: doc/adding-engine.md). Compiled into each benchmark
 * executable, which links every engine library the build has.
 */
#include <string.h>

#include "config.h"
#include "engine.h"
#include "run.h"

extern const struct bench_engine_desc mpi_engine_desc;
extern const struct bench_engine_desc verbs_engine_desc;
extern const struct bench_engine_desc rdmacm_engine_desc;

const struct bench_engine_desc *const bench_engines[] = {
#if HAVE_MPI
	&mpi_engine_desc,
#endif
#if HAVE_VERBS
	&verbs_engine_desc,
#endif
#if HAVE_RDMACM
	&rdmacm_engine_desc,
#endif
	NULL,
};

/* --check's rules: report check's, when the build has the reporter. */
extern const struct bench_checker report_bench_checker;
const struct bench_checker *const bench_checker =
#if HAVE_REPORT
	&report_bench_checker;
#else
	NULL;
#endif

const struct bench_engine_desc *bench_engine_find(const char *name)
{
	const struct bench_engine_desc *const *e;

	for (e = bench_engines; name && *e; e++)
		if (!strcmp((*e)->name, name))
			return *e;
	return NULL;
}
