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
