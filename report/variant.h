/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What makes two results comparable: the same test kind and latency kind,
 * the same buffer placement (host or GPU memory), the same number of MPI
 * processes (IMB -npmin blocks) and the same measuring method. compare
 * refuses the others, history keeps them in separate series.
 */
#ifndef REPORT_VARIANT_H
#define REPORT_VARIANT_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

/*
 * Whether a and b measured the same thing the same way. If not, and why
 * is not NULL, one phrase saying what differs ("latency kinds differ:
 * one-way vs round-trip").
 */
bool report_same_variant(const struct bench_result *a,
			 const struct bench_result *b, char *why,
			 size_t why_len);

/* "device/device (cuda)" or "host" for a result's run.buffers. */
void report_buffers_text(const struct bench_result *r, char *buf, size_t len);

/*
 * A sweep row's pair by host: "node03-node07" from run.hosts, "rank 3-7"
 * when the hosts are not known; "" outside sweeps.
 */
void report_pair_name(const struct bench_result *r, const struct bench_row *row,
		      char *buf, size_t len);

#endif
