// SPDX-License-Identifier: BSD-2-Clause
/*
 * The latency and bandwidth matrices of a sweep, one CSV per size: a row
 * and a column per endpoint, the pair's figure in both cells (the
 * matrix is symmetric), empty for the diagonal and pairs not measured.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sweep.h"

/* Sizes of the matrices: those asked, else 0, 8, 4K, 1M when run. */
static void matrix_sizes(const struct bench_result *r,
			 const struct bench_sizes *asked, size_t *out,
			 size_t *n)
{
	static const size_t dflt[] = { 0, 8, 4096, 1 << 20 };
	const size_t *want = asked->count ? asked->bytes : dflt;
	size_t nw = asked->count ? asked->count : 4, i, k;

	*n = 0;
	for (i = 0; i < nw; i++)
		for (k = 0; k < r->n_rows; k++)
			if (r->rows[k].size_bytes == want[i]) {
				out[(*n)++] = want[i];
				break;
			}
	if (!*n && r->n_rows && !asked->count)
		out[(*n)++] = r->rows[0].size_bytes;
}

static double cell(const struct bench_row *row, bool bw)
{
	return bw ? row->bw_MBps : row->lat_us.median;
}

static int matrix_csv(const struct mpi_sweep_view *v, const double *m,
		      const char *path)
{
	FILE *out = fopen(path, "w");
	int e, f;

	if (!out) {
		bench_err("--matrix-dir: %s: %s", path, strerror(errno));
		return -EIO;
	}
	fprintf(out, "rank,host,node");
	for (e = 0; e < v->n_ep; e++)
		fprintf(out, ",%d", v->ep_rank[e]);
	fputc('\n', out);
	for (e = 0; e < v->n_ep; e++) {
		fprintf(out, "%d,%s,%s", v->ep_rank[e], v->hosts[v->ep_rank[e]],
			v->nodes[v->ep_rank[e]]);
		for (f = 0; f < v->n_ep; f++)
			if (isnan(m[(size_t)e * v->n_ep + f]))
				fputc(',', out);
			else
				fprintf(out, ",%.4f",
					m[(size_t)e * v->n_ep + f]);
		fputc('\n', out);
	}
	return fclose(out) ? -EIO : 0;
}

static int matrix_write(const struct bench_result *r,
			const struct mpi_sweep_view *v, size_t size, bool bw,
			const char *path)
{
	size_t cells = (size_t)v->n_ep * (size_t)v->n_ep, i;
	double *m = malloc(cells * sizeof(*m));
	int *ep = NULL, e, f, maxr = 0, ret;

	for (e = 0; e < v->n_ep; e++)
		maxr = v->ep_rank[e] > maxr ? v->ep_rank[e] : maxr;
	ep = malloc(((size_t)maxr + 1) * sizeof(*ep));
	if (!m || !ep) {
		free(m);
		free(ep);
		return -ENOMEM;
	}
	for (i = 0; i < cells; i++)
		m[i] = NAN;
	for (e = 0; e <= maxr; e++)
		ep[e] = -1;
	for (e = 0; e < v->n_ep; e++)
		ep[v->ep_rank[e]] = e;
	for (i = 0; i < r->n_rows; i++) {
		const struct bench_row *row = &r->rows[i];

		if (row->size_bytes != size || row->rank_a < 0 ||
		    row->rank_a > maxr || row->rank_b > maxr ||
		    ep[row->rank_a] < 0 || ep[row->rank_b] < 0)
			continue;
		e = ep[row->rank_a];
		f = ep[row->rank_b];
		m[(size_t)e * v->n_ep + f] = m[(size_t)f * v->n_ep + e] =
			cell(row, bw);
	}
	ret = matrix_csv(v, m, path);
	free(m);
	free(ep);
	return ret;
}

int mpi_sweep_matrices(const struct bench_result *r,
		       const struct mpi_sweep_view *v,
		       const struct bench_sizes *sizes, const char *dir)
{
	size_t want[BENCH_SIZES_MAX], n, i;
	char path[4096];
	int ret = 0;

	matrix_sizes(r, sizes, want, &n);
	for (i = 0; i < n && !ret; i++) {
		snprintf(path, sizeof(path), "%s/latency-%zu.csv", dir,
			 want[i]);
		ret = matrix_write(r, v, want[i], false, path);
		snprintf(path, sizeof(path), "%s/bandwidth-%zu.csv", dir,
			 want[i]);
		if (!ret)
			ret = matrix_write(r, v, want[i], true, path);
		if (!ret)
			printf("# matrices: %s/latency-%zu.csv, "
			       "%s/bandwidth-%zu.csv\n",
			       dir, want[i], dir, want[i]);
	}
	return ret;
}
