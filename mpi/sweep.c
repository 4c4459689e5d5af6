// SPDX-License-Identifier: BSD-2-Clause
/*
 * The sweep driver (sweep_int.h describes a round). Rank 0 measures like
 * every other rank and also collects; it is the one rank a sweep cannot
 * lose.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exit.h"
#include "guard.h"
#include "log.h"
#include "run.h"
#include "sweep_int.h"

#define SWEEP_SLACK_S 2.0 /* added to deadlines: messages in flight */

/* This rank's node identity: $VAR of --node-id-from, else the host. */
static void sweep_node_id(const struct mpi_sweep_opts *so, char *buf)
{
	const char *v = so->node_id_env ? getenv(so->node_id_env) : NULL;

	memset(buf, 0, SWEEP_NODE_SLOT);
	if (v && *v)
		snprintf(buf, SWEEP_NODE_SLOT, "%s", v);
	else if (gethostname(buf, SWEEP_NODE_SLOT - 1))
		snprintf(buf, SWEEP_NODE_SLOT, "unknown");
}

/*
 * Rank 0: ranks that never reached a collective of the set-up (step).
 * They go to run.failed_ranks of a result without rows, marked
 * incomplete and written to --json now, with one line; the set-up cannot
 * complete without them, so the job ends here.
 */
static __attribute__((noreturn)) void
sweep_setup_lost(struct sweep *sw, const char *step, const int *missing, int n)
{
	json_t *ranks = json_array(), *run;
	char why[192], list[96] = "", detail[320];
	size_t off = 0;
	int i;

	snprintf(why, sizeof(why),
		 "stopped answering before %s (the sweep's set-up): hung or "
		 "dead",
		 step);
	for (i = 0; i < n && ranks; i++) {
		json_array_append_new(ranks,
				      json_pack("{s:i, s:s, s:s, s:i, s:s}",
						"rank", missing[i], "host",
						"unknown", "node", "unknown",
						"round", -1, "reason", why));
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%d",
					i ? ", " : "", missing[i]);
		if (off >= sizeof(list))
			break;
	}
	snprintf(detail, sizeof(detail), "rank%s %s %s", n > 1 ? "s" : "", list,
		 why);
	if (!sw->r->run)
		sw->r->run = json_object();
	run = sw->r->run;
	if (!sw->r->tool)
		sw->r->tool = strdup("ibpong-mpi");
	if (!sw->r->test_name)
		sw->r->test_name = strdup(bench_test_name(sw->o->test));
	if (ranks && run && sw->r->tool && sw->r->test_name &&
	    !json_object_set(run, "failed_ranks", ranks) &&
	    !json_object_set_new(run, "failed_pairs", json_array()) &&
	    !bench_result_mark_incomplete(sw->r, "peer stopped answering",
					  detail, 0) &&
	    sw->o->json_path &&
	    !bench_result_write_file(sw->r, sw->o->json_path))
		bench_err("%s; the result (no size measured) is in %s; ending "
			  "the job",
			  detail, sw->o->json_path);
	else
		bench_err("%s; ending the job", detail);
	json_decref(ranks);
	mpi_watchdog_end(BENCH_EXIT_RUNTIME);
}

/*
 * Wait for a posted collective of the set-up with a roll call
 * (mpi_roll_wait), so that rank 0 names the ranks that never reached it.
 */
static int sweep_setup_wait(struct sweep *sw, MPI_Comm comm, MPI_Request *req,
			    const char *step)
{
	int *missing = calloc((size_t)sw->world, sizeof(int));
	int n = 0, ret;

	if (!missing)
		return -ENOMEM;
	bench_guard_phase(sw->o->guard, 0, NULL, 0, "%s", step);
	ret = mpi_roll_wait(comm, req, sw->o->timeout_s, step, missing, &n);
	if (ret == -ETIMEDOUT && n)
		sweep_setup_lost(sw, step, missing, n);
	free(missing);
	return ret;
}

/* An allgather of the set-up on ctl, with the roll call. */
static int sweep_setup_collective(struct sweep *sw, const char *step,
				  const void *mine, void *all, size_t len)
{
	struct mpi_gather g;
	int ret;

	ret = mpi_gather_post(&g, sw->ctl, sw->world, mine, len, step);
	if (ret)
		return ret;
	ret = sweep_setup_wait(sw, sw->ctl, &g.req, step);
	return mpi_gather_end(&g, ret, all);
}

/* Node identities and host names of every rank. */
static int sweep_names(struct sweep *sw)
{
	char mine[2][SWEEP_NODE_SLOT], *all;
	int i, ret;

	sweep_node_id(sw->so, mine[0]);
	memset(mine[1], 0, SWEEP_NODE_SLOT);
	if (gethostname(mine[1], SWEEP_NODE_SLOT - 1))
		snprintf(mine[1], SWEEP_NODE_SLOT, "unknown");
	all = calloc((size_t)sw->world, sizeof(mine));
	sw->nodes = calloc((size_t)sw->world, sizeof(char *));
	sw->hosts = calloc((size_t)sw->world, sizeof(char *));
	if (!all || !sw->nodes || !sw->hosts) {
		free(all);
		return -ENOMEM;
	}
	ret = sweep_setup_collective(sw, "exchanging the node names", mine, all,
				     sizeof(mine));
	for (i = 0; !ret && i < sw->world; i++) {
		char *slot = all + (size_t)i * sizeof(mine);

		slot[SWEEP_NODE_SLOT - 1] = slot[2 * SWEEP_NODE_SLOT - 1] = 0;
		sw->nodes[i] = strdup(slot);
		sw->hosts[i] = strdup(slot + SWEEP_NODE_SLOT);
		if (!sw->nodes[i] || !sw->hosts[i])
			ret = -ENOMEM;
	}
	free(all);
	return ret;
}

static int cmp_by_node(const void *a, const void *b, void *arg)
{
	char *const *nodes = arg;
	int x = *(const int *)a, y = *(const int *)b;
	int c = strcmp(nodes[x], nodes[y]);

	return c ? c : (x > y) - (x < y);
}

/* (first rank of the node, rank) pairs, compared as such. */
static int cmp_ep(const void *a, const void *b)
{
	const int *x = a, *y = b;

	if (x[0] != y[0])
		return (x[0] > y[0]) - (x[0] < y[0]);
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/*
 * Endpoints: the nodes in the order of their first rank, and the first
 * per_node ranks of each, in rank order. O(N log N): sort by node, take
 * the head of each group, sort by (group's first rank, rank).
 */
static int sweep_endpoints(struct sweep *sw)
{
	int *idx = calloc((size_t)sw->world, sizeof(int));
	int *ep = calloc((size_t)sw->world * 2, sizeof(int));
	int i, g = 0, first = 0;

	sw->ep_rank = calloc((size_t)sw->world, sizeof(int));
	if (!idx || !ep || !sw->ep_rank) {
		free(idx);
		free(ep);
		return -ENOMEM;
	}
	for (i = 0; i < sw->world; i++)
		idx[i] = i;
	qsort_r(idx, (size_t)sw->world, sizeof(int), cmp_by_node, sw->nodes);
	for (i = 0; i < sw->world; i++) {
		if (!i || strcmp(sw->nodes[idx[i]], sw->nodes[idx[i - 1]])) {
			first = idx[i];
			g = 0;
		}
		if ((unsigned)g++ >= sw->so->per_node)
			continue;
		ep[2 * sw->n_ep] = first;
		ep[2 * sw->n_ep++ + 1] = idx[i];
	}
	qsort(ep, (size_t)sw->n_ep, 2 * sizeof(int), cmp_ep);
	sw->my_ep = -1;
	for (i = 0; i < sw->n_ep; i++) {
		sw->ep_rank[i] = ep[2 * i + 1];
		if (sw->ep_rank[i] == sw->me)
			sw->my_ep = i;
	}
	free(idx);
	free(ep);
	return 0;
}

/*
 * The sizes of the figures: latency at --outlier-size or the smallest
 * (none for bw and bibw), bandwidth at the largest (of a latency test:
 * when it is another size).
 */
static void sweep_fig_sizes(struct sweep *sw)
{
	const struct bench_sizes *sz = &sw->o->sizes;
	bool bw_test =
		sw->o->test == BENCH_TEST_BW || sw->o->test == BENCH_TEST_BIBW;
	size_t largest = sz->count ? sz->bytes[sz->count - 1] : 0;

	sw->lat_size = sw->so->outlier_size_set ? sw->so->outlier_size
		       : sz->count		? sz->bytes[0]
						: 0;
	/* a bandwidth test's latency is a window's time: not judged */
	if (bw_test && !sw->so->outlier_size_set)
		sw->lat_size = SIZE_MAX;
	/* one size of a latency test: its bandwidth is its latency again */
	sw->bw_size = sz->count && (bw_test || largest != sw->lat_size)
			      ? largest
			      : SIZE_MAX;
	sw->fig_metrics = mpi_fig_metrics(sw->lat_size != SIZE_MAX,
					  sw->bw_size != SIZE_MAX);
}

/*
 * The sweep's communicator. MPI_Comm_dup blocks for ever on a rank that
 * stopped answering; the non-blocking duplicate is polled like every
 * other wait.
 */
static int sweep_ctl_dup(struct sweep *sw)
{
	struct mpi_dup d;
	int ret;

	sw->ctl = MPI_COMM_NULL; /* until the duplicate completes */
	ret = mpi_dup_post(&d, mpi_bootstrap_comm(sw->bs));
	if (ret)
		return ret;
	ret = sweep_setup_wait(sw, mpi_bootstrap_comm(sw->bs), &d.req,
			       "setting up the sweep's communicator");
	ret = mpi_dup_end(&d, ret, &sw->ctl);
	if (ret)
		return ret;
	MPI_Comm_set_errhandler(sw->ctl, MPI_ERRORS_RETURN);
	return 0;
}

/*
 * Rank 0's figures of every pair, for the model: with --json (or
 * --resume) in an unnamed file beside the summary, as the rows are, so
 * that rank 0's memory stays O(N); in memory when that directory cannot
 * hold them (said once) or without a file (a sweep for a terminal).
 */
static int sweep_figs_init(struct sweep *sw)
{
	const char *json = sw->o->json_path ? sw->o->json_path : sw->so->resume;
	char dir[4096], *slash;
	int ret;

	if (json) {
		snprintf(dir, sizeof(dir), "%s", json);
		slash = strrchr(dir, '/');
		if (!slash)
			snprintf(dir, sizeof(dir), ".");
		else if (slash == dir)
			dir[1] = '\0'; /* a file at the root: "/" */
		else
			*slash = '\0';
		ret = mpi_figs_init_file(&sw->figs, sw->n_ep, sw->fig_metrics,
					 dir);
		if (!ret)
			return 0;
		bench_warn("cannot keep the model's figures in %s (%s): they "
			   "stay in memory",
			   dir, strerror(-ret));
	}
	return mpi_figs_init(&sw->figs, sw->n_ep, sw->fig_metrics);
}

static int sweep_setup(struct sweep *sw)
{
	int ret;

	sw->me = sw->bs->rank;
	sw->world = sw->bs->size;
	ret = bench_clock_init(&sw->clk);
	if (ret) {
		bench_err("cannot set up the clock: %s", strerror(-ret));
		return ret;
	}
	ret = sweep_ctl_dup(sw);
	if (ret)
		return ret;
	ret = sweep_names(sw);
	if (!ret)
		ret = sweep_endpoints(sw);
	if (!ret)
		ret = mpi_sched_init(&sw->sched, sw->so->pairs, sw->n_ep,
				     sw->so->concurrency);
	sw->alive = calloc((size_t)sw->world, 1);
	if (!ret && !sw->alive)
		ret = -ENOMEM;
	if (!ret && sw->me == 0 && !sw->so->print_schedule)
		ret = sweep_figs_init(sw);
	if (!ret)
		memset(sw->alive, 1, (size_t)sw->world);
	return ret;
}

static void sweep_free(struct sweep *sw)
{
	int i;

	for (i = 0; i < sw->world && sw->nodes; i++)
		free(sw->nodes[i]);
	for (i = 0; i < sw->world && sw->hosts; i++)
		free(sw->hosts[i]);
	free(sw->nodes);
	free(sw->hosts);
	free(sw->ep_rank);
	free(sw->alive);
	mpi_sched_free(&sw->sched);
	mpi_figs_free(&sw->figs);
	mpi_model_free(&sw->model);
	mpi_plan_free(&sw->plan);
	sweep_stream_close(sw);
	json_decref(sw->failed_pairs);
	json_decref(sw->failed_ranks);
	json_decref(sw->held_ranks);
	free(sw->during);
	if (sw->ctl != MPI_COMM_NULL)
		mpi_comm_release(&sw->ctl);
}

/* The testing hooks of a round: stop answering, or die. */
static void sweep_inject(const struct sweep *sw, long k)
{
	const struct timespec nap = { .tv_sec = 1 };

	if (sw->so->kill_rank == sw->me && sw->so->kill_round == k) {
		fprintf(stderr,
			"ibpong-mpi: rank %d: --inject-kill: killing "
			"myself in round %ld\n",
			sw->me, k);
		raise(SIGKILL);
	}
	if (sw->so->hang_rank != sw->me || sw->so->hang_round != k)
		return;
	fprintf(stderr,
		"ibpong-mpi: rank %d: --inject-hang: no answer from "
		"round %ld on\n",
		sw->me, k);
	for (;;)
		nanosleep(&nap, NULL);
}

/* Whom this rank waits on in round k, for the watchdog's line. */
static void sweep_guard_peer(const struct sweep *sw, int peer, long k)
{
	struct bench_guard_peer p = {
		.rank = peer,
		.host = sw->hosts[peer],
		.round = k,
	};

	bench_guard_set_peer(sw->o->guard, &p);
}

/* This rank's part of round k: the pair, or nothing. */
static void sweep_my_pair(struct sweep *sw, long k, struct sweep_report *rep,
			  struct bench_result *r)
{
	struct bench_opts o = *sw->o;
	struct sweep_pair sp = {
		.ctl = sw->ctl,
		.me = sw->me,
		.round = k,
		.timeout_s = sw->o->timeout_s,
		.o = &o,
		.so = sw->so,
		.clk = &sw->clk,
	};
	int pe = sweep_partner(sw, k, sw->my_ep);
	double t0;

	memset(rep, 0, sizeof(*rep));
	rep->status = SWEEP_IDLE;
	rep->peer = -1;
	if (sw->my_ep < 0 || pe < 0 || !sw->alive[sw->ep_rank[pe]])
		return;
	o.no_output = true;
	o.json_path = NULL;
	if (k >= sw->sched.n_rounds) /* confirmation: more iterations */
		o.iters *= MPI_RETEST_FACTOR;
	sp.peer = sw->ep_rank[pe];
	sweep_guard_peer(sw, sp.peer, k);
	sp.leader = sw->my_ep < pe;
	rep->peer = sp.peer;
	t0 = bench_mono_s();
	rep->status = sweep_pair_run(&sp, r);
	rep->elapsed_s = bench_mono_s() - t0;
	if (rep->elapsed_s > sw->max_pair_s)
		sw->max_pair_s = rep->elapsed_s;
	if (!rep->status && sp.leader)
		rep->n_rows = (int32_t)r->n_rows;
}

/* The report and the leader's rows, in one message. */
static size_t sweep_msg_bytes(const struct sweep *sw)
{
	return sizeof(struct sweep_report) +
	       sw->n_sizes * sizeof(struct bench_row);
}

static int sweep_send_report(struct sweep *sw, long k,
			     const struct sweep_report *rep,
			     const struct bench_result *r, double deadline_s)
{
	size_t len = sizeof(*rep) + (size_t)rep->n_rows * sizeof(*r->rows);
	unsigned char *buf = malloc(sweep_msg_bytes(sw));
	MPI_Request req;
	int ret;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, rep, sizeof(*rep));
	if (rep->n_rows)
		memcpy(buf + sizeof(*rep), r->rows,
		       (size_t)rep->n_rows * sizeof(*r->rows));
	if (MPI_Isend(buf, (int)len, MPI_BYTE, 0,
		      sweep_tag(k, SWEEP_TAG_REPORT), sw->ctl,
		      &req) != MPI_SUCCESS) {
		free(buf);
		return -EIO;
	}
	/* a large report waits for rank 0, which may still be measuring */
	ret = mpi_wait_timeout(&req, deadline_s - bench_mono_s(),
			       "sending the round's report to rank 0");
	if (ret)
		MPI_Request_free(&req); /* buf stays: MPI may still read it */
	else
		free(buf);
	return ret;
}

/*
 * Wait for rank 0's verdict: the ranks that left the sweep this round,
 * then whether the sweep stops here (--time-budget).
 */
static int sweep_recv_verdict(struct sweep *sw, long k, double deadline_s)
{
	int32_t *left = calloc((size_t)sw->world + 2, sizeof(*left));
	MPI_Request req;
	char what[64];
	int i, ret;

	if (!left)
		return -ENOMEM;
	if (MPI_Irecv(left, sw->world + 2, MPI_INT32_T, 0,
		      sweep_tag(k, SWEEP_TAG_VERDICT), sw->ctl,
		      &req) != MPI_SUCCESS) {
		free(left);
		return -EIO;
	}
	snprintf(what, sizeof(what), "round %ld: verdict of rank 0", k);
	ret = mpi_wait_timeout(&req, deadline_s - bench_mono_s(), what);
	if (ret) {
		mpi_abandon(&req, sw->ctl, left, true);
		return ret;
	}
	for (i = 0; i < left[0] && i < sw->world; i++)
		if (left[1 + i] > 0 && left[1 + i] < sw->world)
			sw->alive[left[1 + i]] = 0;
	if (left[0] >= 0 && left[0] < sw->world && left[1 + left[0]])
		sw->stop = true; /* --time-budget spent */
	if (k < sw->sched.n_rounds)
		sw->st.done[k] = 1;
	free(left);
	return 0;
}

/* One round on this rank. */
int sweep_round_run(struct sweep *sw, long k)
{
	struct sweep_report rep;
	struct bench_result r;
	double start = bench_mono_s(), deadline;
	MPI_Request probe;
	int ret, probe_got;

	sweep_inject(sw, k);
	/* rank 0's probe, should this rank fall silent (sweep_collect.c) */
	if (sw->me == 0 ||
	    MPI_Irecv(&probe_got, 1, MPI_INT, 0, sweep_tag(k, SWEEP_TAG_PROBE),
		      sw->ctl, &probe) != MPI_SUCCESS)
		probe = MPI_REQUEST_NULL;
	bench_result_init(&r);
	sweep_my_pair(sw, k, &rep, &r);
	bench_env_during_read(&sw->env0, &rep.during);
	bench_guard_phase(sw->o->guard, -1, NULL, 0, "round %ld's reports", k);
	if (sw->me == 0) {
		ret = sweep_round_collect(sw, k, &rep, &r, start);
	} else {
		/* rank 0's pair may last as long as ours, then it waits */
		deadline = bench_mono_s() + 2 * sw->max_pair_s +
			   2 * sw->o->timeout_s + 2 * SWEEP_SLACK_S;
		ret = sweep_send_report(sw, k, &rep, &r, deadline);
		if (!ret)
			ret = sweep_recv_verdict(sw, k, deadline);
		if (ret)
			bench_err("rank %d leaves the sweep in round %ld: rank "
				  "0 does not answer",
				  sw->me, k);
	}
	if (probe != MPI_REQUEST_NULL) { /* a receive's cancel is local */
		MPI_Cancel(&probe);
		MPI_Wait(&probe, MPI_STATUS_IGNORE);
	}
	bench_result_free(&r);
	return ret;
}

/* The schedule's rounds of --rounds that are not done yet. */
static int sweep_rounds(struct sweep *sw)
{
	long k, last = sw->so->round_last;
	int ret = 0;

	if (last < 0 || last >= sw->sched.n_rounds)
		last = sw->sched.n_rounds - 1;
	for (k = sw->so->round_first; k <= last && !ret && !sw->stop; k++) {
		if (!sw->alive[sw->me])
			break; /* rank 0 has given up on this rank */
		if (sw->st.done[k])
			continue; /* --resume: done before */
		ret = sweep_round_run(sw, k);
	}
	return ret;
}

int mpi_sweep_main(struct bench_bootstrap *bs, const struct bench_opts *o,
		   const struct mpi_sweep_opts *so)
{
	struct bench_result r;
	struct sweep sw = { .o = o, .so = so, .bs = bs, .ctl = MPI_COMM_NULL };
	long retest_done = 0;
	int ret, code = BENCH_EXIT_RUNTIME;

	bench_result_init(&r);
	sw.r = &r;
	sw.n_sizes = o->sizes.count;
	sweep_fig_sizes(&sw);
	sw.start_s = bench_mono_s();
	ret = sweep_setup(&sw);
	if (!ret && so->print_schedule) {
		if (sw.me == 0)
			code = mpi_sweep_print_schedule(so, sw.n_ep,
							o->sizes.count,
							sw.fig_metrics, stdout);
		else
			code = BENCH_EXIT_OK;
		goto out;
	}
	if (!ret && sw.n_ep < 2) {
		if (sw.me == 0)
			bench_err("--pairs: %d node(s) take part, 2 at least "
				  "are needed (one rank per node by default: "
				  "see --per-node and --node-id-from)",
				  sw.n_ep);
		code = BENCH_EXIT_USAGE;
		goto out;
	}
	if (!ret)
		ret = bench_run_describe(&r, o, bs, &sw.clk);
	if (!ret && sw.me == 0)
		ret = sweep_describe(&sw, true, false);
	if (!ret) {
		ret = sweep_stream_open(&sw);
		if (ret == -EINVAL) {
			code = BENCH_EXIT_USAGE; /* a bad --resume file */
			goto out;
		}
	}
	bench_env_usage_read(&sw.env0); /* run.env.ranks[].during */
	/* the summary, and the watchdog's snapshot, from here on */
	if (!ret && sw.me == 0)
		ret = sweep_describe(&sw, false, false);
	/*
	 * Only rank 0 ends the job on a stall: another rank blocked by a
	 * silent partner is left to rank 0's deadlines, which record it
	 * failed and go on without it.
	 */
	bench_guard_set_watch(o->guard, sw.me == 0);
	if (!ret)
		ret = sweep_rounds(&sw);
	if (!ret)
		ret = sweep_confirm(&sw, sw.sched.n_rounds, &retest_done);
	bench_guard_set_watch(o->guard, true);
	if (sw.me == 0) {
		code = sweep_finish(&sw, ret); /* the final summary */
		bench_guard_done(o->guard);
	} else
		code = ret ? BENCH_EXIT_RUNTIME : BENCH_EXIT_OK;
out:
	sweep_free(&sw);
	bench_result_free(&r);
	return code;
}
