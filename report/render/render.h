/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report plot and render: figures of a set of results, and the
 * report document written through one of two writers (Markdown, HTML).
 */
#ifndef REPORT_RENDER_H
#define REPORT_RENDER_H

#include <limits.h>
#include <stdio.h>

#include "check/check.h"
#include "render/plot.h"

/*
 * render's judgement, by check's rules: the profile (--profile and the
 * --max-latency / --min-bandwidth rules), its statistic, and the check of
 * the results it applies to (judged[i] is the index in the whole set of
 * the view's result i).
 */
struct render_judgement {
	struct report_profile profile;
	int stat;
	struct report_set view; /* the judged results (not owned items) */
	size_t *judged;		/* view index -> set index */
	struct report_check check;
	bool done; /* a profile or rules were given and check ran */
};

/* Options shared by plot and render. */
struct render_opts {
	const char *out_dir;
	const char *title;
	const char *group_by;	   /* overlay groups, not runs; or NULL */
	const char *baseline_path; /* render: compare with it; or NULL */
	const struct report_set *baseline; /* its results: drawn; or NULL */
	int stat;			   /* bench_stat_id or -1 */
	enum report_plot_format format;
	struct report_target targets[REPORT_TARGETS_MAX];
	size_t n_targets;
	struct report_cmp_rule rule;
	bool is_render;		   /* render (title is the report's) */
	const char *profile_arg;   /* --profile NAME|PATH */
	struct report_profile cli; /* --max-latency, --min-bandwidth */
	const struct render_judgement *judge; /* NULL: nothing judged */
	bool plots_skipped; /* render without gnuplot: tables only */
};

/* One image drawn. */
struct render_image {
	char path[PATH_MAX];
	char caption[256];
};

/*
 * Draw the figures of set into o->out_dir: per test, latency against
 * size and bandwidth against size, the runs (or groups) overlaid.
 * *images (free()) gets what was drawn. Returns 0 or a negative errno.
 */
int render_figures(const struct report_set *set, const struct render_opts *o,
		   struct render_image **images, size_t *n_images);

/*
 * The heatmap of a sweep result (rows with a pair) into img, named
 * plot<idx>-heatmap; *drawn is false (and nothing is done) for a result
 * without pairs. Returns 0 or a negative errno.
 */
int render_heatmap(const struct bench_result *r, const struct render_opts *o,
		   unsigned idx, struct render_image *img, bool *drawn);

/* A document writer (Markdown, HTML). Text arguments are plain text. */
struct render_writer_ops {
	void (*begin)(FILE *f, const char *title);
	void (*heading)(FILE *f, int level, const char *text);
	void (*para)(FILE *f, const char *text);
	/* A paragraph with a verdict word; bad: it is a failure. */
	void (*verdict)(FILE *f, const char *label, const char *word, bool bad);
	void (*list_begin)(FILE *f);
	void (*list_item)(FILE *f, const char *text);
	void (*list_end)(FILE *f);
	void (*table_begin)(FILE *f, const char *const *head, size_t n);
	/* bad: highlight the row (a failure or regression). */
	void (*table_row)(FILE *f, const char *const *cells, size_t n,
			  bool bad);
	void (*table_end)(FILE *f);
	/* A table of contents: one link per level-2 heading title. */
	void (*toc)(FILE *f, const char *const *titles, size_t n);
	/* An image written by render_figures (HTML inlines its SVG). */
	int (*figure)(FILE *f, const struct render_image *img, int idx);
	void (*end)(FILE *f);
};

/*
 * The anchor of a heading: lower-case letters and digits, '-' for the
 * rest, as GitHub makes them ("1. ibpong-mpi latency" -> "1-ibpong-mpi-
 * latency"); HTML headings of level 2 carry it as their id.
 */
void render_slug(const char *text, char *buf, size_t len);

/* A size for people: 4194304 -> "4 MiB", 512 -> "512 B". */
void render_size_text(size_t size, char *buf, size_t len);

extern const struct render_writer_ops render_md_ops;
extern const struct render_writer_ops render_html_ops;

/*
 * Write the whole report for set through ops into f. baseline (or NULL)
 * is compared with each result of the same test.
 */
int render_document(FILE *f, const struct render_writer_ops *ops,
		    const struct render_opts *o, const struct report_set *set,
		    const struct report_set *baseline,
		    const struct render_image *images, size_t n_images);

#endif
