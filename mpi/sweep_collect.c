// SPDX-License-Identifier: BSD-2-Clause
/*
 * Rank 0's side of a round: the reports of every live rank against a
 * deadline, the rows and failures they carry, --json, the verdict.
 *
 * The deadline moves: timeout_s after the last report (or rank 0's own
 * pair), and never before twice the longest pair seen plus timeout_s
 * from the round's start. Pairs of a round do the same work, so a rank
 * that lags this far behind the others has stopped.
 *
 * A rank that sent nothing is then probed: a synchronous send to the
 * receive every rank posts for the round (sweep_round_run) completes
 * only when that rank's MPI progresses. A rank held in its pair's
 * transfer by a stopped or dead partner still progresses (it polls
 * inside the blocking call) and answers; a stopped or dead one never
 * does. So of a silent pair, the one that answers is recorded as held
 * (run.held_ranks, not blamed) and the other as failed.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "sweep_int.h"

#define COLLECT_SLACK_S 2.0
#define COLLECT_PROBE_S 1.0 /* for the silent ranks to answer the probe */

struct collect {
	unsigned char **buf; /* world rank -> report and rows */
	MPI_Request *req;
	unsigned char *got;	 /* report received */
	unsigned char *before;	 /* alive at the start of the round */
	unsigned char *answered; /* silent, but answered the probe */
	int world;
};

static void collect_free(struct collect *c)
{
	for (int i = 0; c->buf && i < c->world; i++)
		free(c->buf[i]);
	free(c->buf);
	free(c->req);
	free(c->got);
	free(c->before);
	free(c->answered);
}

static int collect_alloc(struct collect *c, const struct sweep *sw, long k)
{
	size_t len = sizeof(struct sweep_report) +
		     sw->n_sizes * sizeof(struct bench_row);

	memset(c, 0, sizeof(*c));
	c->world = sw->world;
	c->buf = calloc((size_t)sw->world, sizeof(*c->buf));
	c->req = calloc((size_t)sw->world, sizeof(*c->req));
	c->got = calloc((size_t)sw->world, 1);
	c->before = malloc((size_t)sw->world);
	c->answered = calloc((size_t)sw->world, 1);
	if (!c->buf || !c->req || !c->got || !c->before || !c->answered)
		return -ENOMEM;
	memcpy(c->before, sw->alive, (size_t)sw->world);
	for (int i = 0; i < sw->world; i++) {
		c->req[i] = MPI_REQUEST_NULL;
		c->buf[i] = malloc(len);
		if (!c->buf[i])
			return -ENOMEM;
		if (!i || !sw->alive[i])
			continue;
		if (MPI_Irecv(c->buf[i], (int)len, MPI_BYTE, i,
			      sweep_tag(k, SWEEP_TAG_REPORT), sw->ctl,
			      &c->req[i]) != MPI_SUCCESS)
			return -EIO;
	}
	return 0;
}

static const struct sweep_report *report_of(const struct collect *c, int i)
{
	return c->got[i] ? (const struct sweep_report *)c->buf[i] : NULL;
}

/* Poll the reports until all are in or the deadline passes. */
static void collect_wait(struct sweep *sw, struct collect *c, double start)
{
	const struct timespec nap = { .tv_nsec = 100000 };
	double last = bench_mono_s(), deadline;
	int done, i;

	for (;;) {
		int pending = 0;

		for (i = 1; i < c->world; i++) {
			if (c->req[i] == MPI_REQUEST_NULL)
				continue;
			done = 0;
			MPI_Test(&c->req[i], &done, MPI_STATUS_IGNORE);
			if (!done) {
				pending++;
				continue;
			}
			c->got[i] = 1;
			sw->during[i] = report_of(c, i)->during;
			last = bench_mono_s();
			if (report_of(c, i)->elapsed_s > sw->max_pair_s)
				sw->max_pair_s = report_of(c, i)->elapsed_s;
		}
		if (!pending)
			return;
		deadline = last + sw->o->timeout_s + COLLECT_SLACK_S;
		if (deadline < start + 2 * sw->max_pair_s + sw->o->timeout_s)
			deadline =
				start + 2 * sw->max_pair_s + sw->o->timeout_s;
		if (bench_mono_s() > deadline)
			break;
		nanosleep(&nap, NULL);
	}
	for (i = 1; i < c->world; i++) {
		if (c->req[i] == MPI_REQUEST_NULL)
			continue;
		mpi_abandon(&c->req[i], sw->ctl, c->buf[i], true);
		c->buf[i] = NULL; /* the report of a silent rank: not read */
	}
}

/* The silent ranks of the round: which ones still progress MPI. */
static void collect_probe(struct sweep *sw, struct collect *c, long k)
{
	static const int one = 1; /* outlives a send left pending */
	const struct timespec nap = { .tv_nsec = 1000000 };
	MPI_Request *req = calloc((size_t)c->world, sizeof(*req));
	double end = bench_mono_s() + (sw->o->timeout_s < COLLECT_PROBE_S
					       ? sw->o->timeout_s
					       : COLLECT_PROBE_S);
	int r, n = 0, done;

	for (r = 0; req && r < c->world; r++) {
		req[r] = MPI_REQUEST_NULL;
		if (!r || !c->before[r] || c->got[r])
			continue;
		if (MPI_Issend(&one, 1, MPI_INT, r,
			       sweep_tag(k, SWEEP_TAG_PROBE), sw->ctl,
			       &req[r]) == MPI_SUCCESS)
			n++;
		else
			req[r] = MPI_REQUEST_NULL;
	}
	while (n && bench_mono_s() < end) {
		for (r = 1; r < c->world; r++) {
			if (req[r] == MPI_REQUEST_NULL)
				continue;
			done = 0;
			MPI_Test(&req[r], &done, MPI_STATUS_IGNORE);
			if (done) {
				c->answered[r] = 1;
				n--;
			}
		}
		if (n)
			nanosleep(&nap, NULL);
	}
	for (r = 1; req && r < c->world; r++)
		if (req[r] != MPI_REQUEST_NULL)
			MPI_Request_free(&req[r]); /* a silent rank's */
	free(req);
}

/* The rank that holds rank r (run.held_ranks), or -1. */
static int held_by(const struct sweep *sw, int r)
{
	const json_t *x;
	size_t i;

	json_array_foreach (sw->held_ranks, i, x)
		if (json_integer_value(json_object_get(x, "rank")) == r)
			return (int)json_integer_value(
				json_object_get(x, "by"));
	return -1;
}

/* Of a pair's two silent ranks, the one that did not answer the probe. */
static int silent_one(const struct collect *c, int ra, int rb)
{
	if (c->got[ra])
		return rb;
	if (c->got[rb])
		return ra;
	return c->answered[ra] && !c->answered[rb] ? rb : ra;
}

/* Why a pair of live ranks failed, from their reports. */
static void pair_reason(const struct collect *c, int ra, int rb, char *buf,
			size_t len)
{
	const struct sweep_report *a = report_of(c, ra), *b = report_of(c, rb);

	if (!a && !b && c->answered[ra] != c->answered[rb])
		snprintf(buf, len,
			 "rank %d stopped answering in the pair (rank %d, "
			 "alive, was held by it)",
			 silent_one(c, ra, rb),
			 silent_one(c, ra, rb) == ra ? rb : ra);
	else if (!a || !b)
		snprintf(buf, len, "rank %d sent no report (hung or dead)",
			 silent_one(c, ra, rb));
	else if (a->status == -EHOSTDOWN || b->status == -EHOSTDOWN)
		snprintf(buf, len,
			 "rank %d did not answer the hello of rank "
			 "%d",
			 a->status == -EHOSTDOWN ? rb : ra,
			 a->status == -EHOSTDOWN ? ra : rb);
	else
		snprintf(buf, len, "run failed on rank %d: %s",
			 a->status < 0 ? ra : rb,
			 strerror(-(a->status < 0 ? a->status : b->status)));
}

/* The rows of a good pair, with its world ranks, into the result. */
static int pair_rows(struct sweep *sw, const struct collect *c, long k,
		     const struct mpi_pair *p)
{
	int ra = sw->ep_rank[p->a], rb = sw->ep_rank[p->b];
	const struct sweep_report *a = report_of(c, ra);
	struct bench_row *rows = (struct bench_row *)(c->buf[ra] + sizeof(*a));
	int i, ret = 0;

	for (i = 0; i < a->n_rows; i++) {
		rows[i].rank_a = ra;
		rows[i].rank_b = rb;
	}
	sweep_record_fig(sw, k, p->a, p->b, rows, (size_t)a->n_rows);
	if (k >= sw->sched.n_rounds) {
		sweep_print_retest(sw, k, rows, (size_t)a->n_rows);
		return 0;
	}
	if (sw->st.f) /* the rows go to disk, not to memory */
		ret = sweep_stream_pair(sw, k, p, rows, (size_t)a->n_rows);
	for (i = 0; !sw->st.f && i < a->n_rows && !ret; i++)
		ret = bench_result_add_row(sw->r, &rows[i]);
	if (ret)
		return ret;
	sw->n_done++;
	sweep_print_pair(sw, k, rows, (size_t)a->n_rows);
	return 0;
}

static int collect_judge_pair(struct sweep *sw, const struct collect *c, long k,
			      const struct mpi_pair *p)
{
	int ra = sw->ep_rank[p->a], rb = sw->ep_rank[p->b];
	const struct sweep_report *a = report_of(c, ra), *b = report_of(c, rb);
	char why[160];

	if (!c->before[ra] || !c->before[rb]) {
		int gone = !c->before[ra] ? ra : rb, by = held_by(sw, gone);

		if (by < 0)
			snprintf(why, sizeof(why),
				 "rank %d left the sweep earlier", gone);
		else
			snprintf(why, sizeof(why),
				 "rank %d left the sweep earlier, held in a "
				 "transfer by rank %d: not measured",
				 gone, by);
		return sweep_fail_pair(sw, k, ra, rb, why);
	}
	if (a && b && a->status == SWEEP_OK && b->status == SWEEP_OK &&
	    a->n_rows > 0)
		return pair_rows(sw, c, k, p);
	pair_reason(c, ra, rb, why, sizeof(why));
	return sweep_fail_pair(sw, k, ra, rb, why);
}

/* A rank that sent no report in round k: failed, or held by its partner. */
static int collect_silent(struct sweep *sw, const struct collect *c, long k,
			  int r, int partner)
{
	char why[192];

	sw->alive[r] = 0;
	if (c->answered[r] && partner > 0 && c->before[partner] &&
	    !c->got[partner] && !c->answered[partner]) {
		snprintf(why, sizeof(why),
			 "no report in round %ld: alive (it answered rank 0's "
			 "probe) but held in its pair by rank %d, which did "
			 "not answer",
			 k, partner);
		return sweep_hold_rank(sw, k, r, partner, why);
	}
	snprintf(why, sizeof(why), "no report in round %ld: %s", k,
		 c->answered[r] ? "alive (it answered rank 0's probe) but "
				  "too late"
				: "hung or dead (no answer to rank 0's probe)");
	return sweep_fail_rank(sw, k, r, why);
}

static int collect_judge(struct sweep *sw, const struct collect *c, long k)
{
	struct mpi_pair *pairs;
	int *partner;
	size_t i, n;
	int r, ret = 0;

	pairs = calloc(sweep_round_max(sw) + 1, sizeof(*pairs));
	partner = malloc((size_t)sw->world * sizeof(*partner));
	if (!pairs || !partner) {
		free(pairs);
		free(partner);
		return -ENOMEM;
	}
	n = sweep_round_pairs(sw, k, pairs);
	for (r = 0; r < sw->world; r++)
		partner[r] = -1;
	for (i = 0; i < n; i++) {
		int ra = sw->ep_rank[pairs[i].a], rb = sw->ep_rank[pairs[i].b];

		partner[ra] = rb;
		partner[rb] = ra;
	}
	for (r = 1; r < sw->world && !ret; r++)
		if (c->before[r] && !c->got[r])
			ret = collect_silent(sw, c, k, r, partner[r]);
	for (i = 0; i < n && !ret; i++)
		ret = collect_judge_pair(sw, c, k, &pairs[i]);
	free(pairs);
	free(partner);
	return ret;
}

/*
 * The verdict to every rank still in the sweep: the ranks that left it
 * in this round, then whether to stop ([n, rank..., stop], almost always
 * [0, 0]), so that a round costs
 * rank 0 N small messages, not N copies of an N-byte table.
 */
static void collect_verdict(struct sweep *sw, const struct collect *c, long k)
{
	MPI_Request *req = calloc((size_t)sw->world, sizeof(*req));
	int32_t *left = calloc((size_t)sw->world + 2, sizeof(*left));
	bool in_flight = false;
	int i;

	if (!req || !left)
		goto out;
	for (i = 1; i < sw->world; i++)
		if (c->before[i] && !sw->alive[i])
			left[1 + left[0]++] = i;
	left[1 + left[0]] = sw->stop;
	for (i = 1; i < sw->world; i++) {
		req[i] = MPI_REQUEST_NULL;
		if (sw->alive[i] && c->got[i])
			MPI_Isend(left, 2 + left[0], MPI_INT32_T, i,
				  sweep_tag(k, SWEEP_TAG_VERDICT), sw->ctl,
				  &req[i]);
	}
	for (i = 1; i < sw->world; i++) {
		if (req[i] == MPI_REQUEST_NULL)
			continue;
		/* a rank that stopped taking them costs one timeout */
		if (mpi_wait_timeout(&req[i], sw->o->timeout_s, "verdict")) {
			MPI_Request_free(&req[i]);
			in_flight = true;
		}
	}
out:
	free(req);
	if (!in_flight) /* else MPI may still read it: leak a few bytes */
		free(left);
}

/*
 * A schedule round is done: on disk (its closing line, then the summary),
 * and, with --time-budget, whether another round of the longest kind seen
 * still fits.
 */
static int collect_round_done(struct sweep *sw, long k, double round_start)
{
	double now = bench_mono_s();
	int ret = 0;

	sw->st.done[k] = 1;
	sw->rounds_done++;
	if (now - round_start > sw->max_round_s)
		sw->max_round_s = now - round_start;
	if (sw->so->time_budget_s &&
	    now - sw->start_s + sw->max_round_s > sw->so->time_budget_s)
		sw->stop = true;
	if (sw->st.f)
		ret = sweep_stream_round(sw, k);
	return ret ? ret : sweep_describe(sw, false, false);
}

int sweep_round_collect(struct sweep *sw, long k,
			const struct sweep_report *mine,
			const struct bench_result *r, double round_start)
{
	struct collect c = { 0 };
	int ret;

	if (!sw->during) {
		sw->during = calloc((size_t)sw->world, sizeof(*sw->during));
		for (int i = 0; sw->during && i < sw->world; i++)
			sw->during[i].seconds = -1;
	}
	ret = sw->during ? collect_alloc(&c, sw, k) : -ENOMEM;
	if (ret)
		goto out;
	memcpy(c.buf[0], mine, sizeof(*mine));
	if (mine->n_rows)
		memcpy(c.buf[0] + sizeof(*mine), r->rows,
		       (size_t)mine->n_rows * sizeof(*r->rows));
	c.got[0] = 1;
	/* the engine's metadata (run.device for verbs) from rank 0's pair */
	if (r->run)
		json_object_update_missing(sw->r->run, r->run);
	collect_wait(sw, &c, round_start);
	collect_probe(sw, &c, k);
	ret = collect_judge(sw, &c, k);
	if (!ret && k < sw->sched.n_rounds)
		ret = collect_round_done(sw, k, round_start);
	collect_verdict(sw, &c, k);
out:
	collect_free(&c);
	return ret;
}
