/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Text writers for a result table: the human table, IMB-MPI1's layout and
 * CSV (after dav1d's tools/output/muxer.h). A writer prints a header, one
 * line per row as it completes, and a footer, to any FILE (so that tests
 * can write to memory).
 */
#ifndef BENCH_WRITERS_H
#define BENCH_WRITERS_H

#include <stdio.h>

#include "options.h"
#include "result.h"

struct bench_writer {
	FILE *f;		      /* destination */
	enum bench_format format;     /* table, imb or csv */
	const struct bench_result *r; /* test, lat_kind, test_name */
	int n_procs;		      /* ranks, for IMB's "#processes" */
	unsigned window;	      /* messages per window (bw, bibw) */
};

void bench_writer_init(struct bench_writer *w, FILE *f,
		       enum bench_format format, const struct bench_result *r,
		       int n_procs, unsigned window);
/* Column titles (and IMB's "# Benchmarking" block). */
void bench_writer_header(const struct bench_writer *w);
/* One row; absent figures print as "-" (table), empty (csv). */
void bench_writer_row(const struct bench_writer *w,
		      const struct bench_row *row);
void bench_writer_footer(const struct bench_writer *w);

/* IMB's benchmark name for a test: PingPong, PingPing, Uniband, Biband. */
const char *bench_imb_name(enum bench_test t);

#endif
