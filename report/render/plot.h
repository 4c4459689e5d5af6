/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Plots through gnuplot: the C code writes data files and runs gnuplot on
 * a template of report/gnuplot/ with -e "var='value'" settings (no
 * generated scripts), with a timeout.
 *
 * Templates are looked up in $IBPONG_GNUPLOT_DIR, then relative to the
 * executable (installed: share/ibpong/gnuplot of its own prefix), then the
 * source tree.
 * The gnuplot program is $IBPONG_GNUPLOT, else "gnuplot" from $PATH; it
 * is killed after $IBPONG_GNUPLOT_TIMEOUT seconds (default 60).
 */
#ifndef REPORT_PLOT_H
#define REPORT_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "compare/verdict.h"

#define REPORT_PLOT_TIMEOUT_S 60
#define REPORT_TARGETS_MAX    32
/* Where 0 B goes on a log2 axis (noted in the plot). */
#define REPORT_PLOT_ZERO_X 0.5

enum report_plot_format {
	REPORT_PLOT_PNG, /* pngcairo */
	REPORT_PLOT_SVG,
};

/* "png" / "svg"; parse returns 0 or -EINVAL. */
const char *report_plot_ext(enum report_plot_format f);
int report_plot_format_parse(const char *s, enum report_plot_format *f);

/* A latency target: sizes [min_bytes, max_bytes] at most max_us. */
struct report_target {
	size_t min_bytes;
	size_t max_bytes;
	double max_us;
};

/*
 * Parse "RANGE:USEC", RANGE being MIN-MAX, MIN:MAX or one size (K, M, G:
 * powers of 1024): "0-8K:2.5", "0:8K:2.5", "64K:20". 0 or -EINVAL.
 */
int report_target_parse(const char *s, struct report_target *t);
/* The target covering size, or NULL. */
const struct report_target *report_target_find(const struct report_target *t,
					       size_t n, size_t size_bytes);

struct report_xy {
	double x;
	double y;
};

/* One line of a plot. */
struct report_series {
	char *title;	       /* owned */
	struct report_xy *pts; /* owned; y NAN points are skipped */
	size_t n;
};

void report_series_free(struct report_series *s, size_t n);
/* The series of r's metric (x: size, 0 B at REPORT_PLOT_ZERO_X). */
int report_series_from_result(const struct bench_result *r,
			      const struct report_metric *m, const char *title,
			      struct report_series *out);

/* What to draw. */
struct report_figure {
	const char *kind; /* template: "latency", "bandwidth", "trend" */
	const char *title;
	const char *ylabel;
	const char *xlabel; /* trend only */
	const struct report_series *series;
	size_t n_series;
	const struct report_target *targets; /* latency: NULL or n_targets */
	size_t n_targets;
	const char *xtics; /* trend: gnuplot tics list, or NULL */
	/* A baseline run, drawn dashed under its own title; or NULL. */
	const struct report_series *baseline;
	/*
	 * Marked points (drawn circled, titled marks_title), e.g. the
	 * regressions of a trend; latency figures mark the points over
	 * their target themselves.
	 */
	const struct report_xy *marks;
	size_t n_marks;
	const char *marks_title;
	/* Dashed segments, pairs of points (a trend's rolling baseline). */
	const struct report_xy *segs;
	size_t n_segs; /* points: twice the segments */
	const char *segs_title;
	bool xtime; /* trend: x is a time in seconds since the epoch */
	const char *timeformat; /* its strftime format ("%Y-%m-%d") */
};

/*
 * Draw fig into dir/name.<ext> (data files beside it, dir/name-*.dat).
 * path (len bytes) gets the image path. Returns 0, -EINVAL (nothing to
 * plot), -ENOENT (no template or gnuplot), -ETIMEDOUT or -EIO.
 */
int report_plot_draw(const struct report_figure *fig, const char *dir,
		     const char *name, enum report_plot_format fmt, char *path,
		     size_t len);

/* A sweep's matrix (report/gnuplot/heatmap.gp). */
struct report_heatmap {
	const char *title;
	const char *cblabel;	   /* the colour bar: metric and unit */
	const char *const *labels; /* n endpoint labels (host names) */
	const bool *suspect;	   /* n flags: a suspect node (outlined) */
	size_t n;
	const double *cells;	    /* n x n, row-major; NAN: not measured */
	const unsigned char *marks; /* n x n: a suspect link (circled) */
	/*
	 * The colour scale: the cluster's median is the healthy end, the
	 * target (NAN: none; then twice the median) the alarming one, so
	 * that a healthy cluster is all pale however small its spread.
	 */
	double median;
	double target;
};
/*
 * Draw hm into dir/name.<ext> (its data in dir/name.dat); path as for
 * report_plot_draw. Returns 0, -EINVAL (no cell), -ENOENT, -ETIMEDOUT
 * or -EIO.
 */
int report_plot_heatmap(const struct report_heatmap *hm, const char *dir,
			const char *name, enum report_plot_format fmt,
			char *path, size_t len);

/*
 * Whether gnuplot ($IBPONG_GNUPLOT, else "gnuplot" in $PATH) is there to
 * run: render writes the tables-only report without it.
 */
bool report_plot_available(void);

/* Make dir (and its parents). 0 or -errno, logged. */
int report_mkdir_p(const char *dir);

#endif
