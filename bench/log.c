// SPDX-License-Identifier: BSD-2-Clause
/*
 * One line per failure on stderr: "<prog>: error: ...".
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

/* The only mutable global of the project: set once by main. */
static const char *log_prog = "ibpong";

void bench_log_set_prog(const char *prog)
{
	if (prog && *prog)
		log_prog = prog;
}

const char *bench_log_prog(void)
{
	return log_prog;
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
	char msg[1024];

	/* Format first so that the line reaches stderr in one write. */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (level)
		fprintf(stderr, "%s: %s: %s\n", log_prog, level, msg);
	else
		fprintf(stderr, "%s: %s\n", log_prog, msg);
}

void bench_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

void bench_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warning", fmt, ap);
	va_end(ap);
}

void bench_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(NULL, fmt, ap);
	va_end(ap);
}
