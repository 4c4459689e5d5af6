/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Option values the report sub-commands share, each with its one-line
 * message on error.
 */
#ifndef REPORT_CLI_H
#define REPORT_CLI_H

#include "render/plot.h"

/* --stat NAME: *stat = its bench_stat (negative if unknown). 0 or -EINVAL. */
int report_opt_stat(const char *arg, int *stat);
/* --tolerance PCT: *tolerance = the fraction. 0 or -EINVAL. */
int report_opt_tolerance(const char *arg, double *tolerance);
/* --format png|svg. 0 or -EINVAL. */
int report_opt_format(const char *arg, enum report_plot_format *format);

#endif
