/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Message sizes and the iteration schedule.
 */
#ifndef BENCH_SIZES_H
#define BENCH_SIZES_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_SIZE_MAX_DEFAULT (4u << 20) /* 4 MiB */
#define BENCH_SIZES_MAX	       4096	  /* entries in one list */

struct bench_sizes {
	size_t bytes[BENCH_SIZES_MAX]; /* ascending, no duplicates */
	size_t count;
};

/* 0 B and every power of two from 1 B to 4 MiB. */
void bench_sizes_default(struct bench_sizes *sz);

/*
 * Parse "MIN:MAX" (MIN itself, then every power of two in (MIN, MAX],
 * plus MAX itself: "0:4M" is 0, 1, 2, ... 4M; "3:100" is 3, 4, 8, ... 64,
 * 100) or "A,B,C" (a list, sorted and without duplicates). Numbers take
 * K, M, G suffixes (powers of 1024); sizes above 2G are refused. Returns
 * 0 or -EINVAL; on error *why (if not NULL) points at a static
 * description of what was expected.
 */
int bench_sizes_parse(const char *spec, struct bench_sizes *sz,
		      const char **why);

/* Parse one size with an optional K/M/G suffix. Returns 0 or -EINVAL. */
int bench_size_parse(const char *s, size_t *bytes);

/*
 * IMB's default schedule: 1000 repetitions, fewer for large messages so
 * that each size moves at most 40 MiB: min(1000, 40 MiB / size), at
 * least 1.
 */
uint64_t bench_schedule_iters(size_t size_bytes);

/*
 * Bandwidth windows of window messages: the same 40 MiB bound on the
 * bytes of all windows, but at least 20 windows (osu_bw's count for large
 * messages) and at most 1000: max(20, min(1000, 40 MiB / (size x window))).
 */
uint64_t bench_schedule_windows(size_t size_bytes, unsigned window);

/* Default warm-up for a given iteration count: 10 %, at least 10 (IMB). */
uint64_t bench_schedule_warmup(uint64_t iters);

#endif
