/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exit codes shared by every ibpong command (documented in README.md).
 */
#ifndef BENCH_EXIT_H
#define BENCH_EXIT_H

enum bench_exit {
	BENCH_EXIT_OK = 0,	/* success */
	BENCH_EXIT_CHECK = 1,	/* a check or comparison failed */
	BENCH_EXIT_USAGE = 2,	/* bad usage or bad input */
	BENCH_EXIT_RUNTIME = 3, /* runtime/transport failure: peer lost,
				 * timeout, no device */
};

#endif
