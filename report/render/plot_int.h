/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to render: the gnuplot run shared by plot.c (line figures)
 * and heatmap.c (a sweep's matrix).
 */
#ifndef REPORT_RENDER_PLOT_INT_H
#define REPORT_RENDER_PLOT_INT_H

#include <stddef.h>

#define PLOT_ARGS_MAX 40   /* gnuplot's argv */
#define PLOT_VAR_MAX  8192 /* one -e "name='value'" value */

/* Append -e "name='value'" (quoted for gnuplot) to argv. 0 or -errno. */
int plot_var(char **argv, int *argc, const char *name, const char *value);
/* The template directory holding kind.gp (plot.h). 0 or -ENOENT. */
int plot_template_dir(const char *kind, char *out, size_t len);
/*
 * Unless ret already failed, run gnuplot argv in dir and check that it
 * wrote dir/out (its path into path); argv is freed either way.
 */
int plot_run_check(int ret, char **argv, int argc, const char *dir,
		   const char *out, char *path, size_t len);

#endif
