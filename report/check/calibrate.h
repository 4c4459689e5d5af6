/* SPDX-License-Identifier: BSD-2-Clause */
/* check --calibrate: a profile from known-good runs (calibrate.c). */
#ifndef REPORT_CALIBRATE_H
#define REPORT_CALIBRATE_H

#include "check.h"

struct cal_opts {
	const char *out;    /* the profile file to write */
	const char *name;   /* its name without --profile */
	const char *system; /* --system: the rules name it; NULL: all */
	const char *label;  /* run.labels key of the system ("system") */
	double margin;	    /* 0.10 for 10 % */
	int stat;	    /* enum bench_stat_id */
};

/*
 * Write o->out: the rules of base (may be NULL) except those of
 * o->system, then one rule per size of set. 0, or -EINVAL / -errno with
 * err set.
 */
int report_calibrate(const struct report_set *set, const struct cal_opts *o,
		     const struct report_profile *base, char *err,
		     size_t err_len);

#endif
