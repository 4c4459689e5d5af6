/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "options.h"
#include "report.h"
#include "stats.h"

int report_opt_stat(const char *arg, int *stat)
{
	*stat = bench_stat_from_name(arg);
	if (*stat >= 0)
		return 0;
	bench_err("--stat: unknown statistic '%s'", arg);
	return -EINVAL;
}

int report_opt_tolerance(const char *arg, double *tolerance)
{
	if (!report_parse_percent(arg, tolerance))
		return 0;
	bench_err("--tolerance: expected a percentage, got '%s'", arg);
	return -EINVAL;
}

int report_opt_format(const char *arg, enum report_plot_format *format)
{
	if (!report_plot_format_parse(arg, format))
		return 0;
	bench_err("--format: expected png or svg, got '%s'", arg);
	return -EINVAL;
}

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
