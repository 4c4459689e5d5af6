/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The check of the sweep's plain C tests (no cmocka: they run where only
 * MPI is built): CHECK(cond, fmt, ...) prints the failed condition with
 * its file and line and counts it in failures; main returns 1 when any.
 */
#ifndef IBPONG_TEST_SWEEP_CHECK_H
#define IBPONG_TEST_SWEEP_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			failures++;                                            \
		}                                                              \
	} while (0)

#endif
