// SPDX-License-Identifier: BSD-2-Clause
/*
 * What rank 0 writes about a sweep: run.sweep, run.slurm, failures, one
 * line per pair, the matrices, the summary and the schedule.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exit.h"
#include "log.h"
#include "sweep_int.h"

#define SCHEDULE_LIST_MAX 20000 /* pairs listed by --print-schedule */

void sweep_view(const struct sweep *sw, struct mpi_sweep_view *v)
{
	v->n_ep = sw->n_ep;
	v->ep_rank = sw->ep_rank;
	v->hosts = (const char *const *)sw->hosts;
	v->nodes = (const char *const *)sw->nodes;
}

/* run.slurm from the environment of rank 0, when under Slurm. */
static int describe_slurm(json_t *run)
{
	static const char *const vars[][2] = {
		{ "job_id", "SLURM_JOB_ID" },
		{ "cluster_name", "SLURM_CLUSTER_NAME" },
		{ "step_id", "SLURM_STEP_ID" },
		{ "nodelist", "SLURM_JOB_NODELIST" },
		{ "ntasks", "SLURM_NTASKS" },
		{ "partition", "SLURM_JOB_PARTITION" },
	};
	json_t *s;
	const char *v;
	size_t i;

	if (!getenv("SLURM_JOB_ID"))
		return 0;
	s = json_object();
	if (!s)
		return -ENOMEM;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		v = getenv(vars[i][1]);
		if (v && json_object_set_new(s, vars[i][0], json_string(v))) {
			json_decref(s);
			return -ENOMEM;
		}
	}
	return json_object_set_new(run, "slurm", s) ? -ENOMEM : 0;
}

static json_t *sweep_endpoints_json(const struct sweep *sw)
{
	json_t *a = json_array();
	int e, r;

	for (e = 0; a && e < sw->n_ep; e++) {
		r = sw->ep_rank[e];
		if (json_array_append_new(
			    a, json_pack("{s:i, s:s, s:s}", "rank", r, "host",
					 sw->hosts[r], "node", sw->nodes[r]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *sweep_json(const struct sweep *sw, long rounds_done)
{
	const struct mpi_sweep_opts *so = sw->so;

	return json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:I, s:I, s:I, s:s?, "
			 "s:o}",
			 "pairs", mpi_pairs_name(so->pairs), "transport",
			 so->eng ? so->eng->name : "mpi", "endpoints", sw->n_ep,
			 "per_node", (int)so->per_node, "concurrency",
			 (int)so->concurrency, "rounds",
			 (json_int_t)sw->sched.n_rounds, "rounds_done",
			 (json_int_t)rounds_done, "pairs_total",
			 (json_int_t)sw->sched.n_pairs, "pairs_measured",
			 (json_int_t)sw->n_done, "node_id_from",
			 so->node_id_env, "nodes", sweep_endpoints_json(sw));
}

/* run.* of the sweep on rank 0, then --json (after every round). */
int sweep_describe(struct sweep *sw, long rounds_done)
{
	json_t *run = sw->r->run;
	int ret;

	if (!sw->failed_pairs)
		sw->failed_pairs = json_array();
	if (!sw->failed_ranks)
		sw->failed_ranks = json_array();
	if (!sw->failed_pairs || !sw->failed_ranks || !run)
		return -ENOMEM;
	if (!sw->r->tool)
		sw->r->tool = strdup("ibpong-mpi");
	if (!sw->r->test_name)
		sw->r->test_name = strdup(bench_test_name(sw->o->test));
	sw->r->test = sw->o->test;
	if (!sw->r->tool || !sw->r->test_name ||
	    json_object_set_new(run, "sweep", sweep_json(sw, rounds_done)) ||
	    json_object_set(run, "failed_pairs", sw->failed_pairs) ||
	    json_object_set(run, "failed_ranks", sw->failed_ranks))
		return -ENOMEM;
	/* the launcher's library, whatever measures */
	ret = rounds_done ? 0 : mpi_engine_ops.describe(NULL, run);
	json_object_set_new(
		run, "transport",
		json_string(sw->so->eng ? sw->so->eng->name : "mpi"));
	ret = ret || rounds_done ? ret : describe_slurm(run);
	if (ret || !sw->o->json_path)
		return ret;
	ret = bench_result_write_file(sw->r, sw->o->json_path);
	if (ret)
		bench_err("--json %s: cannot write the result: %s",
			  sw->o->json_path, strerror(-ret));
	return ret;
}

int sweep_fail_pair(struct sweep *sw, long round, int a, int b,
		    const char *reason)
{
	fprintf(stderr,
		"ibpong-mpi: round %ld: pair %d (%s) - %d (%s) "
		"failed: %s\n",
		round, a, sw->nodes[a], b, sw->nodes[b], reason);
	return json_array_append_new(
		       sw->failed_pairs,
		       json_pack("{s:i, s:i, s:s, s:s, s:I, s:s}", "rank_a", a,
				 "rank_b", b, "host_a", sw->hosts[a], "host_b",
				 sw->hosts[b], "round", (json_int_t)round,
				 "reason", reason))
		       ? -ENOMEM
		       : 0;
}

int sweep_fail_rank(struct sweep *sw, long round, int rank, const char *reason)
{
	fprintf(stderr,
		"ibpong-mpi: rank %d (host %s, node %s) left the "
		"sweep: %s\n",
		rank, sw->hosts[rank], sw->nodes[rank], reason);
	return json_array_append_new(
		       sw->failed_ranks,
		       json_pack("{s:i, s:s, s:s, s:I, s:s}", "rank", rank,
				 "host", sw->hosts[rank], "node",
				 sw->nodes[rank], "round", (json_int_t)round,
				 "reason", reason))
		       ? -ENOMEM
		       : 0;
}

void sweep_print_retest(const struct sweep *sw, long round,
			const struct bench_row *rows, size_t n)
{
	if (!n)
		return;
	printf("  retest %5ld %6d %6d  %-20s %-20s %8zu %12.2f %12.2f\n",
	       round - sw->sched.n_rounds, rows[0].rank_a, rows[0].rank_b,
	       sw->nodes[rows[0].rank_a], sw->nodes[rows[0].rank_b],
	       rows[0].size_bytes, rows[0].lat_us.median, rows[0].lat_us.p99);
	fflush(stdout);
}

void sweep_print_pair(const struct sweep *sw, long round,
		      const struct bench_row *rows, size_t n)
{
	const struct bench_row *first, *last;

	if (!n)
		return;
	first = &rows[0];
	last = &rows[n - 1];
	if (sw->n_done == 1)
		printf("# %5s %6s %6s  %-20s %-20s %8s %12s %8s %12s\n",
		       "round", "rank_a", "rank_b", "node_a", "node_b", "bytes",
		       "median[us]", "bytes", "MB/s");
	printf("  %5ld %6d %6d  %-20s %-20s %8zu %12.2f %8zu %12.2f\n", round,
	       first->rank_a, first->rank_b, sw->nodes[first->rank_a],
	       sw->nodes[first->rank_b], first->size_bytes,
	       first->lat_us.median, last->size_bytes, last->bw_MBps);
	fflush(stdout);
}

int sweep_finish(struct sweep *sw, long rounds_done, int failed)
{
	struct mpi_sweep_view v;
	size_t nf = json_array_size(sw->failed_pairs) +
		    json_array_size(sw->failed_ranks);
	int ret, code = BENCH_EXIT_OK;

	sweep_view(sw, &v);
	ret = sweep_verdicts(sw, stdout, &code);
	if (ret)
		failed = ret;
	if (sw->so->matrix_dir && sw->r->n_rows &&
	    mpi_sweep_matrices(sw->r, &v, &sw->so->matrix_sizes,
			       sw->so->matrix_dir))
		failed = failed ?: -EIO;
	ret = sw->failed_pairs ? sweep_describe(sw, rounds_done) : -ENOMEM;
	printf("# sweep: %s, %d endpoints, %ld of %ld rounds, %lu of %llu "
	       "pairs measured, %zu failure(s), %.2f s\n",
	       mpi_pairs_name(sw->so->pairs), sw->n_ep, rounds_done,
	       sw->sched.n_rounds, sw->n_done,
	       (unsigned long long)sw->sched.n_pairs, nf,
	       bench_mono_s() - sw->start_s);
	fflush(stdout);
	if (failed || ret || nf)
		return BENCH_EXIT_RUNTIME;
	return code;
}

int mpi_sweep_print_schedule(const struct mpi_sweep_opts *so, int n_ep, FILE *f)
{
	int n = so->simulate_nodes ? (int)so->simulate_nodes : n_ep;
	struct mpi_sched s;
	struct mpi_pair *p;
	size_t i, k;
	long r;

	if (mpi_sched_init(&s, so->pairs, n, so->concurrency))
		return BENCH_EXIT_RUNTIME;
	fprintf(f,
		"# pairs %s, %d nodes, %ld rounds, %llu pairs, at most "
		"%zu pairs per round\n",
		mpi_pairs_name(so->pairs), n, s.n_rounds,
		(unsigned long long)s.n_pairs, s.max_per_round);
	fprintf(f,
		"# schedule per rank: %zu B; rank 0 holds %llu rows of "
		"%zu B per message size\n",
		(size_t)(s.n_base + 1) * sizeof(long),
		(unsigned long long)s.n_pairs, sizeof(struct bench_row));
	p = calloc(s.max_per_round + 1, sizeof(*p));
	for (r = 0; p && s.n_pairs <= SCHEDULE_LIST_MAX && r < s.n_rounds;
	     r++) {
		k = mpi_sched_round(&s, r, p);
		fprintf(f, "round %ld:", r);
		for (i = 0; i < k; i++)
			fprintf(f, " %d-%d", p[i].a, p[i].b);
		fputc('\n', f);
	}
	free(p);
	mpi_sched_free(&s);
	return BENCH_EXIT_OK;
}
