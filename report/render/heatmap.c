// SPDX-License-Identifier: BSD-2-Clause
/*
 * The heatmap of a sweep result (rows with a pair): the median latency of
 * every pair at the smallest size, ranks on both axes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The smallest size with pair rows; false when r is not a sweep. */
static bool heatmap_size(const struct bench_result *r, size_t *size)
{
	bool found = false;
	size_t i;

	for (i = 0; i < r->n_rows; i++) {
		if (r->rows[i].rank_a < 0)
			continue;
		if (!found || r->rows[i].size_bytes < *size)
			*size = r->rows[i].size_bytes;
		found = true;
	}
	return found;
}

/* Sorted distinct ranks of the pairs at size. */
static size_t heatmap_ranks(const struct bench_result *r, size_t size,
			    int *ranks)
{
	size_t i, k, n = 0;

	for (i = 0; i < r->n_rows; i++) {
		if (r->rows[i].rank_a < 0 || r->rows[i].size_bytes != size)
			continue;
		ranks[n++] = r->rows[i].rank_a;
		ranks[n++] = r->rows[i].rank_b;
	}
	qsort(ranks, n, sizeof(*ranks), cmp_int);
	for (i = 0, k = 0; i < n; i++)
		if (!k || ranks[k - 1] != ranks[i])
			ranks[k++] = ranks[i];
	return k;
}

static size_t heatmap_index(const int *ranks, size_t n, int rank)
{
	const int *p = bsearch(&rank, ranks, n, sizeof(*ranks), cmp_int);

	return (size_t)(p - ranks);
}

static void heatmap_fill(const struct bench_result *r, size_t size,
			 const int *ranks, size_t n, double *cells)
{
	const struct bench_row *row;
	size_t i, a, b;
	double v;

	for (i = 0; i < n * n; i++)
		cells[i] = NAN;
	for (i = 0; i < r->n_rows; i++) {
		row = &r->rows[i];
		if (row->rank_a < 0 || row->size_bytes != size)
			continue;
		v = isnan(row->lat_us.median) ? row->lat_us.mean
					      : row->lat_us.median;
		a = heatmap_index(ranks, n, row->rank_a);
		b = heatmap_index(ranks, n, row->rank_b);
		cells[a * n + b] = cells[b * n + a] = v;
	}
}

int render_heatmap(const struct bench_result *r, const struct render_opts *o,
		   unsigned idx, struct render_image *img, bool *drawn)
{
	struct report_heatmap hm = { .cblabel = "median latency [us]" };
	char title[256], name[64];
	size_t size = 0, n;
	int *ranks;
	double *cells;
	int ret;

	*drawn = false;
	if (!heatmap_size(r, &size))
		return 0;
	ranks = calloc(2 * r->n_rows + 1, sizeof(*ranks));
	if (!ranks)
		return -ENOMEM;
	n = heatmap_ranks(r, size, ranks);
	cells = calloc(n * n + 1, sizeof(*cells));
	if (!cells) {
		free(ranks);
		return -ENOMEM;
	}
	heatmap_fill(r, size, ranks, n, cells);
	snprintf(title, sizeof(title),
		 "%s %s: pair latency at %zu B "
		 "(%zu ranks)",
		 r->tool ? r->tool : "?", r->test_name ? r->test_name : "?",
		 size, n);
	hm.title = title;
	hm.ranks = ranks;
	hm.n = n;
	hm.cells = cells;
	snprintf(name, sizeof(name), "plot%u-heatmap", idx);
	ret = report_plot_heatmap(&hm, o->out_dir, name, o->format, img->path,
				  sizeof(img->path));
	snprintf(img->caption, sizeof(img->caption), "%s", title);
	*drawn = !ret;
	free(cells);
	free(ranks);
	return ret;
}
