/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the cmocka tests: cmocka's float assertion works in
 * single precision, too coarse for statistics checks.
 */
#ifndef IBPONG_TEST_CHECK_H
#define IBPONG_TEST_CHECK_H

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* |a - b| <= eps, in double precision, printing both values. */
#define assert_near(a, b, eps)                                                 \
	do {                                                                   \
		double a_ = (a), b_ = (b);                                     \
		if (!(fabs(a_ - b_) <= (eps)))                                 \
			fail_msg("%s = %.12g, expected %.12g (+-%g)", #a, a_,  \
				 b_, (double)(eps));                           \
	} while (0)

/*
 * Capture what a call writes on stderr (fd 2): begin, run the call, end
 * copies the text into buf.
 */
struct capture {
	int saved_fd;
	FILE *tmp;
};

static inline void capture_begin(struct capture *c, int fd)
{
	fflush(fd == 1 ? stdout : stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved_fd = dup(fd);
	assert_true(c->saved_fd >= 0);
	assert_true(dup2(fileno(c->tmp), fd) >= 0);
}

static inline void capture_end(struct capture *c, int fd, char *buf, size_t len)
{
	size_t n;

	fflush(fd == 1 ? stdout : stderr);
	assert_true(dup2(c->saved_fd, fd) >= 0);
	close(c->saved_fd);
	rewind(c->tmp);
	n = fread(buf, 1, len - 1, c->tmp);
	buf[n] = '\0';
	fclose(c->tmp);
}

#endif
