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

static json_t *sweep_json(const struct sweep *sw)
{
	const struct mpi_sweep_opts *so = sw->so;
	json_t *o;

	o = json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:I, s:I, s:I, s:s?, "
		      "s:o}",
		      "pairs", mpi_pairs_name(so->pairs), "transport",
		      so->eng ? so->eng->name : "mpi", "endpoints", sw->n_ep,
		      "per_node", (int)so->per_node, "concurrency",
		      (int)so->concurrency, "rounds",
		      (json_int_t)sw->sched.n_rounds, "rounds_done",
		      (json_int_t)sw->rounds_done, "pairs_total",
		      (json_int_t)sw->sched.n_pairs, "pairs_measured",
		      (json_int_t)sw->n_done, "node_id_from", so->node_id_env,
		      "nodes", sweep_endpoints_json(sw));
	if (o && sw->st.path)
		json_object_set_new(o, "rows_file", json_string(sw->st.path));
	if (o && mpi_figs_ready(&sw->figs))
		json_object_set_new(
			o, "figures",
			json_pack("{s:s, s:I}", "kept",
				  sw->figs.mapped ? "file" : "memory", "bytes",
				  (json_int_t)sw->figs.bytes));
	if (o && (so->round_first || so->round_last >= 0))
		json_object_set_new(
			o, "rounds_asked",
			json_pack("[I, I]", (json_int_t)so->round_first,
				  (json_int_t)(so->round_last < 0
						       ? sw->sched.n_rounds - 1
						       : so->round_last)));
	if (o && so->time_budget_s)
		json_object_set_new(o, "time_budget_s",
				    json_real(so->time_budget_s));
	if (o)
		json_object_set_new(o, "stopped",
				    sw->stop ? json_string("time-budget")
					     : json_null());
	return o;
}

/*
 * run.env.ranks[].during: rank 0's counters now, every other rank's from
 * its last report (a rank lost later keeps what it last sent).
 */
static int describe_during(const struct sweep *sw, json_t *run)
{
	json_t *ranks = json_object_get(json_object_get(run, "env"), "ranks");
	struct bench_env_during mine;
	const struct bench_env_during *d;
	int r;

	if (!json_is_array(ranks))
		return 0;
	bench_env_during_read(&sw->env0, &mine);
	for (r = 0; r < sw->world && (size_t)r < json_array_size(ranks); r++) {
		d = !r					       ? &mine
		    : sw->during && sw->during[r].seconds >= 0 ? &sw->during[r]
							       : NULL;
		if (d &&
		    json_object_set_new(json_array_get(ranks, (size_t)r),
					"during", bench_env_during_json(d)))
			return -ENOMEM;
	}
	return 0;
}

/* run.* of the sweep on rank 0, then --json (after every round). */
int sweep_describe(struct sweep *sw, bool first, bool final)
{
	json_t *run = sw->r->run;
	int ret;

	if (!sw->failed_pairs)
		sw->failed_pairs = json_array();
	if (!sw->failed_ranks)
		sw->failed_ranks = json_array();
	if (!sw->held_ranks)
		sw->held_ranks = json_array();
	if (!sw->failed_pairs || !sw->failed_ranks || !sw->held_ranks || !run)
		return -ENOMEM;
	if (!sw->r->tool)
		sw->r->tool = strdup("ibpong-mpi");
	if (!sw->r->test_name)
		sw->r->test_name = strdup(bench_test_name(sw->o->test));
	sw->r->test = sw->o->test;
	if (!sw->r->tool || !sw->r->test_name ||
	    json_object_set_new(run, "sweep", sweep_json(sw)) ||
	    json_object_set(run, "failed_pairs", sw->failed_pairs) ||
	    json_object_set(run, "failed_ranks", sw->failed_ranks) ||
	    json_object_set(run, "held_ranks", sw->held_ranks))
		return -ENOMEM;
	/* the launcher's library, whatever measures */
	ret = first ? mpi_engine_ops.describe(NULL, run) : 0;
	json_object_set_new(
		run, "transport",
		json_string(sw->so->eng ? sw->so->eng->name : "mpi"));
	ret = ret || !first ? ret : describe_slurm(run);
	ret = ret || first ? ret : describe_during(sw, run);
	if (!ret && final)
		json_object_del(run, "incomplete");
	else if (!ret && !first)
		ret = sweep_stream_snapshot(sw);
	if (ret || !sw->st.f)
		return ret;
	return sweep_stream_summary(sw, final);
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

/* A rank's entry of run.failed_ranks or run.held_ranks (by >= 0). */
static int rank_entry(struct sweep *sw, json_t *to, long round, int rank,
		      int by, const char *reason)
{
	json_t *e = json_pack("{s:i, s:s, s:s, s:I, s:s}", "rank", rank, "host",
			      sw->hosts[rank], "node", sw->nodes[rank], "round",
			      (json_int_t)round, "reason", reason);

	if (e && by >= 0 && json_object_set_new(e, "by", json_integer(by))) {
		json_decref(e);
		return -ENOMEM;
	}
	return json_array_append_new(to, e) ? -ENOMEM : 0;
}

int sweep_fail_rank(struct sweep *sw, long round, int rank, const char *reason)
{
	fprintf(stderr,
		"ibpong-mpi: rank %d (host %s, node %s) left the "
		"sweep: %s\n",
		rank, sw->hosts[rank], sw->nodes[rank], reason);
	return rank_entry(sw, sw->failed_ranks, round, rank, -1, reason);
}

int sweep_hold_rank(struct sweep *sw, long round, int rank, int by,
		    const char *reason)
{
	fprintf(stderr,
		"ibpong-mpi: rank %d (host %s, node %s) left the sweep, not "
		"blamed: %s\n",
		rank, sw->hosts[rank], sw->nodes[rank], reason);
	return rank_entry(sw, sw->held_ranks, round, rank, by, reason);
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
	if (sw->n_done == sw->n_done_before + 1)
		printf("# %5s %6s %6s  %-20s %-20s %8s %12s %8s %12s\n",
		       "round", "rank_a", "rank_b", "node_a", "node_b", "bytes",
		       "median[us]", "bytes", "MB/s");
	printf("  %5ld %6d %6d  %-20s %-20s %8zu %12.2f %8zu %12.2f\n", round,
	       first->rank_a, first->rank_b, sw->nodes[first->rank_a],
	       sw->nodes[first->rank_b], first->size_bytes,
	       first->lat_us.median, last->size_bytes, last->bw_MBps);
	fflush(stdout);
}

/*
 * The matrices from the summary just written (the rows are on disk, not
 * in memory), or from the rows in memory without --json.
 */
static int sweep_write_matrices(struct sweep *sw,
				const struct mpi_sweep_view *v)
{
	struct bench_result back;
	char err[256];
	int ret;

	if (!sw->st.f)
		return sw->r->n_rows ? mpi_sweep_matrices(sw->r, v,
							  &sw->so->matrix_sizes,
							  sw->so->matrix_dir)
				     : 0;
	bench_result_init(&back);
	ret = bench_result_read_file(sw->st.json, &back, err, sizeof(err));
	if (ret)
		bench_err("--matrix-dir: cannot read back %s: %s", sw->st.json,
			  err);
	else if (back.n_rows)
		ret = mpi_sweep_matrices(&back, v, &sw->so->matrix_sizes,
					 sw->so->matrix_dir);
	bench_result_free(&back);
	return ret;
}

int sweep_finish(struct sweep *sw, int failed)
{
	struct mpi_sweep_view v;
	size_t nf = json_array_size(sw->failed_pairs) +
		    json_array_size(sw->failed_ranks);
	int ret, code = BENCH_EXIT_OK;

	sweep_view(sw, &v);
	ret = sweep_verdicts(sw, stdout, &code);
	if (ret)
		failed = ret;
	ret = sw->failed_pairs ? sweep_describe(sw, false, true) : -ENOMEM;
	if (!ret && sw->so->matrix_dir && sweep_write_matrices(sw, &v))
		failed = failed ?: -EIO;
	printf("# sweep: %s, %d endpoints, %ld of %ld rounds, %lu of %llu "
	       "pairs measured, %zu failure(s), %.2f s\n",
	       mpi_pairs_name(sw->so->pairs), sw->n_ep, sw->rounds_done,
	       sw->sched.n_rounds, sw->n_done,
	       (unsigned long long)sw->sched.n_pairs, nf,
	       bench_mono_s() - sw->start_s);
	fflush(stdout);
	if (failed || ret || nf)
		return BENCH_EXIT_RUNTIME;
	return code;
}

/* Bytes, the way a person reads them (10^3 steps). */
static const char *human(double b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB" };
	int u = 0;

	while (b >= 1000 && u < 4) {
		b /= 1000;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
	return buf;
}

void mpi_sweep_memory(const struct mpi_sched *s, size_t n_sizes,
		      unsigned metrics, struct mpi_sweep_mem *m)
{
	double n = s->n, rows = (double)n_sizes * sizeof(struct bench_row);
	double report = sizeof(struct sweep_report) + rows;

	m->sched = (double)(s->n_base + 1) * sizeof(long);
	m->names = n * (2 * sizeof(char *) + 2 * 32); /* ~20 B names */
	m->xchg = n * 2 * SWEEP_NODE_SLOT;
	m->small = n * (1 + sizeof(int) + 2 * sizeof(int32_t));
	m->pair_rows = 2 * report;
	m->rank = m->sched + m->names + m->small + m->pair_rows;
	/* each report, its request, 3 flags, its buffer, the last counters */
	m->reports = n * (report + sizeof(MPI_Request) + 3 + sizeof(void *) +
			  sizeof(struct bench_env_during));
	m->figs = (double)s->n_pairs * mpi_figs_pair_bytes(metrics);
	/* fit_scales' 65536 counts, the node terms, polish's two rows */
	m->fit = 65536.0 * sizeof(uint64_t) +
		 n * (MPI_METRIC_NR + 3) * sizeof(double);
	m->rank0 = m->rank + m->reports + m->fit;
	m->rank0_mem = m->rank0 + m->figs;
	m->rows = (double)s->n_pairs * rows;
}

static void sweep_print_memory(const struct mpi_sched *s, size_t n_sizes,
			       unsigned metrics, FILE *f)
{
	struct mpi_sweep_mem m;
	char b[6][32];

	mpi_sweep_memory(s, n_sizes, metrics, &m);
	fprintf(f,
		"# memory per rank: %s (schedule %s, names %s, flags and "
		"verdict buffer %s, its pair's rows %s); %s more during the "
		"names' exchange at the start\n",
		human(m.rank, b[0], 32), human(m.sched, b[1], 32),
		human(m.names, b[2], 32), human(m.small, b[3], 32),
		human(m.pair_rows, b[4], 32), human(m.xchg, b[5], 32));
	fprintf(f,
		"# rank 0 also: the round's reports %s, %s more while the "
		"model is fitted: at most %s in all; the model's figures, %s "
		"(%d x 2 B and 1 bit x %llu pairs), in a file beside the "
		"--json summary, mapped (in memory without --json: %s in "
		"all); no rows (%zu B x %zu sizes x %llu pairs = %s): they "
		"stream to disk\n",
		human(m.reports, b[0], 32), human(m.fit, b[1], 32),
		human(m.rank0, b[2], 32), human(m.figs, b[3], 32),
		__builtin_popcount(metrics), (unsigned long long)s->n_pairs,
		human(m.rank0_mem, b[4], 32), sizeof(struct bench_row), n_sizes,
		(unsigned long long)s->n_pairs, human(m.rows, b[5], 32));
}

int mpi_sweep_print_schedule(const struct mpi_sweep_opts *so, int n_ep,
			     size_t n_sizes, unsigned metrics, FILE *f)
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
	sweep_print_memory(&s, n_sizes, metrics, f);
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
