// SPDX-License-Identifier: BSD-2-Clause
/*
 * Confirmation before blame (doc/sweeps.md): after the schedule's rounds,
 * rank 0 fits the model, plans the retests of its suspects
 * (mpi_plan_make) and sends every live rank its partners, one per
 * confirmation round; the rounds then run like the schedule's, with
 * MPI_RETEST_FACTOR times the iterations, and rank 0 keeps what each
 * retest showed for the verdicts.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sweep_int.h"

#define PLAN_SLACK_S 2.0

int sweep_endpoint_of(const struct sweep *sw, int rank)
{
	for (int e = 0; e < sw->n_ep; e++)
		if (sw->ep_rank[e] == rank)
			return e;
	return -1;
}

int sweep_partner(const struct sweep *sw, long k, int e)
{
	if (k < sw->sched.n_rounds)
		return mpi_sched_partner(&sw->sched, k, e);
	k -= sw->sched.n_rounds;
	if (e < 0 || !sw->my_plan || k >= sw->n_retest)
		return -1;
	return sw->my_plan[k];
}

size_t sweep_round_pairs(const struct sweep *sw, long k, struct mpi_pair *out)
{
	const struct mpi_retest *t;
	size_t n = 0;

	if (k < sw->sched.n_rounds)
		return mpi_sched_round(&sw->sched, k, out);
	for (size_t i = 0; i < sw->plan.n; i++) {
		t = &sw->plan.t[i];
		if (t->round == k - sw->sched.n_rounds)
			out[n++] = t->a < t->b
					   ? (struct mpi_pair){ t->a, t->b }
					   : (struct mpi_pair){ t->b, t->a };
	}
	return n;
}

size_t sweep_round_max(const struct sweep *sw)
{
	size_t m = sw->sched.max_per_round;

	return (size_t)sw->n_ep / 2 > m ? (size_t)sw->n_ep / 2 : m;
}

void sweep_record_fig(struct sweep *sw, long k, int ea, int eb,
		      const struct bench_row *rows, size_t n)
{
	struct mpi_retest *t;
	struct mpi_fig fig;

	mpi_fig_from_rows(rows, n, sw->lat_size, sw->bw_size, &fig);
	if (k < sw->sched.n_rounds) {
		if (mpi_figs_ready(&sw->figs))
			mpi_figs_set(&sw->figs, ea, eb, &fig);
		return;
	}
	for (size_t i = 0; i < sw->plan.n; i++) {
		t = &sw->plan.t[i];
		if (t->round != k - sw->sched.n_rounds ||
		    !((t->a == ea && t->b == eb) || (t->a == eb && t->b == ea)))
			continue;
		t->fig = fig;
		t->measured = true;
		return;
	}
}

/* The plan of endpoint e: [rounds, partner of round 0, ...]. */
static void plan_of(const struct mpi_plan *p, int e, int32_t *buf)
{
	buf[0] = (int32_t)p->n_rounds;
	for (long r = 0; r < p->n_rounds; r++)
		buf[1 + r] = -1;
	for (size_t i = 0; e >= 0 && i < p->n; i++) {
		if (p->t[i].a == e)
			buf[1 + p->t[i].round] = p->t[i].b;
		else if (p->t[i].b == e)
			buf[1 + p->t[i].round] = p->t[i].a;
	}
}

/* Rank 0: fit, plan, print the plan's size, send every live rank its part. */
static int confirm_send(struct sweep *sw, int32_t *mine)
{
	const struct mpi_model_cfg cfg = { sw->so->outlier_threshold,
					   sw->so->mad_floor };
	size_t len = 1 + (size_t)sw->so->retest_budget;
	int32_t *buf = calloc((size_t)sw->world * len, sizeof(*buf));
	MPI_Request *req = calloc((size_t)sw->world, sizeof(*req));
	bool *usable = calloc((size_t)sw->n_ep + 1, sizeof(*usable));
	int i, ret = -ENOMEM;

	if (!buf || !req || !usable)
		goto out;
	ret = mpi_model_fit(&sw->figs, &cfg, &sw->model);
	for (i = 0; i < sw->n_ep; i++)
		usable[i] = sw->alive[sw->ep_rank[i]];
	if (!ret)
		ret = mpi_plan_make(&sw->model, usable, sw->so->retest_budget,
				    sw->so->concurrency, &sw->plan);
	if (ret)
		goto out;
	if (sw->model.n_sus)
		printf("# confirmation: %zu suspect(s) of %zu node(s) and "
		       "link(s), %zu retest pair(s) in %ld round(s), %dx the "
		       "iterations\n",
		       sw->model.n_sus, sw->plan.n_ent, sw->plan.n,
		       sw->plan.n_rounds, MPI_RETEST_FACTOR);
	plan_of(&sw->plan, sw->my_ep, mine);
	for (i = 1; i < sw->world; i++) {
		req[i] = MPI_REQUEST_NULL;
		if (!sw->alive[i])
			continue;
		plan_of(&sw->plan, sweep_endpoint_of(sw, i),
			buf + (size_t)i * len);
		MPI_Isend(buf + (size_t)i * len, 1 + (int)sw->plan.n_rounds,
			  MPI_INT32_T, i,
			  sweep_tag(sw->sched.n_rounds, SWEEP_TAG_PLAN),
			  sw->ctl, &req[i]);
	}
	for (i = 1; i < sw->world; i++)
		if (req[i] != MPI_REQUEST_NULL &&
		    mpi_wait_timeout(&req[i], sw->o->timeout_s,
				     "sending the confirmation plan")) {
			MPI_Request_free(&req[i]);
			buf = NULL; /* MPI may still read it: leak it */
		}
out:
	free(buf);
	free(req);
	free(usable);
	return ret;
}

/* On a failed wait, *mine goes to mpi_abandon (NULL here). */
static int confirm_recv(struct sweep *sw, int32_t **mine)
{
	double wait = 2 * sw->max_pair_s + 2 * sw->o->timeout_s + PLAN_SLACK_S;
	MPI_Request req;
	int ret;

	if (MPI_Irecv(*mine, 1 + (int)sw->so->retest_budget, MPI_INT32_T, 0,
		      sweep_tag(sw->sched.n_rounds, SWEEP_TAG_PLAN), sw->ctl,
		      &req) != MPI_SUCCESS)
		return -EIO;
	ret = mpi_wait_timeout(&req, wait, "the confirmation plan of rank 0");
	if (ret) {
		mpi_abandon(&req, sw->ctl, *mine, true);
		*mine = NULL;
		bench_err("rank %d leaves the sweep before the confirmation: "
			  "rank 0 does not answer",
			  sw->me);
	}
	return ret;
}

int sweep_confirm(struct sweep *sw, long first_round, long *done)
{
	int32_t *mine;
	int ret;
	long k;

	*done = 0;
	if (!sw->so->retest_budget || !sw->alive[sw->me])
		return 0;
	mine = calloc(2 + (size_t)sw->so->retest_budget, sizeof(*mine));
	if (!mine)
		return -ENOMEM;
	ret = sw->me == 0 ? confirm_send(sw, mine) : confirm_recv(sw, &mine);
	if (ret) {
		free(mine);
		return ret;
	}
	sw->n_retest = mine[0] < 0 ? 0 : mine[0];
	sw->my_plan = mine + 1;
	sw->max_pair_s *= MPI_RETEST_FACTOR;
	for (k = 0; k < sw->n_retest && !ret && sw->alive[sw->me]; k++) {
		ret = sweep_round_run(sw, first_round + k);
		*done = k + 1;
	}
	sw->my_plan = NULL;
	free(mine);
	return ret;
}
