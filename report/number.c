/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The reporter's numbers on a command line and in profiles, by the
 * suite's one rule (bench/options.h). Apart from cli.c so that the
 * profile reader's fuzz target links without the rest of the reporter.
 */
#include <errno.h>
#include <string.h>

#include "options.h"
#include "report.h"

int report_parse_double(const char *s, double *out)
{
	double v;

	/* the one rule of numbers on a command line (bench/options.h) */
	if (bench_parse_double(s, &v) || v < 0)
		return -EINVAL;
	*out = v;
	return 0;
}

int report_parse_percent(const char *s, double *frac)
{
	char buf[64];
	size_t len = strlen(s);
	double v;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len + 1);
	if (buf[len - 1] == '%')
		buf[len - 1] = '\0';
	if (report_parse_double(buf, &v))
		return -EINVAL;
	*frac = v / 100;
	return 0;
}
