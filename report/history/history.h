/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report history: series of stored runs and their verdicts.
 */
#ifndef REPORT_HISTORY_H
#define REPORT_HISTORY_H

#include "compare/verdict.h"
#include "render/plot.h"

struct report_history_params {
	struct report_cmp_rule rule;
	int stat;	      /* bench_stat_id or -1: default */
	unsigned baseline;    /* runs in the rolling baseline */
	const char *plot_dir; /* draw trends there; NULL: no plot */
	enum report_plot_format format;
};

/*
 * Print the series of set (runs oldest first, paths "run ID TIME") and
 * the verdict of each latest run. Returns the exit code
 * (report_cmp_exit: 1 if a latest run regressed, else 4 if one was
 * inconclusive).
 */
int report_history_print(const struct report_history_params *p,
			 const struct report_set *set);

/*
 * Handle --stat (s), --tolerance (t), --noise (k), --plot (p) and
 * --format (f). Returns 0 or -EINVAL after logging one line.
 */
int report_history_common_option(struct report_cmp_rule *rule, int *stat,
				 const char **plot_dir,
				 enum report_plot_format *format, int c,
				 const char *arg);

#endif
