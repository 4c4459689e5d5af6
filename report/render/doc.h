/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to render: the state of one document being written (doc.c),
 * shared with the sweep sections (sweep.c).
 */
#ifndef REPORT_RENDER_DOC_H
#define REPORT_RENDER_DOC_H

#include "render/render.h"

#define DOC_CELL 64 /* bytes of one table cell */

struct doc {
	FILE *f;
	const struct render_writer_ops *ops;
	const struct render_opts *o;
	const struct report_set *set;
	const struct report_set *baseline;
};

/*
 * The sweep sections of result r (rows with a pair), instead of every
 * pair x size row: per node at the smallest size (median of its pairs,
 * against the cluster's median, worst pair, pairs over target, suspect),
 * per size across the pairs, and the pairs of note (over target or a
 * suspect link), worst first.
 */
void doc_sweep_tables(const struct doc *d, const struct bench_result *r);

/*
 * One line per ibpong-mpi suspect (run.suspects {nodes, links}): hosts,
 * reason and evidence. Returns whether r had such suspects.
 */
bool doc_sweep_suspects(const struct doc *d, const struct bench_result *r);

/*
 * The failing (or inconclusive) checks of a sweep, one line per result,
 * rule, size and verdict: how many pairs of how many, the host common to
 * all of them, the worst pair by how much. done[i] marks check items
 * written. Returns the lines written.
 */
size_t doc_sweep_reasons(const struct doc *d, bool *done);

#endif
