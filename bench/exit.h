/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exit codes shared by every ibpong command (documented in README.md).
 */
#ifndef BENCH_EXIT_H
#define BENCH_EXIT_H

enum bench_exit {
	BENCH_EXIT_OK = 0,	     /* success */
	BENCH_EXIT_CHECK = 1,	     /* a check or comparison failed */
	BENCH_EXIT_USAGE = 2,	     /* bad usage or bad input */
	BENCH_EXIT_RUNTIME = 3,	     /* runtime/transport failure: peer lost,
				      * timeout, no device */
	BENCH_EXIT_INCONCLUSIVE = 4, /* a check could not decide: an
				      * interval straddles the limit, or a
				      * row is unstable */
	BENCH_EXIT_INTERRUPTED = 5,  /* SIGINT, SIGTERM or SIGHUP: what was
				      * finished is written, marked
				      * incomplete */
};

#endif
