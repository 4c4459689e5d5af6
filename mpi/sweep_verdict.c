// SPDX-License-Identifier: BSD-2-Clause
/*
 * The verdicts of a sweep (doc/sweeps.md): every suspect of the model is
 * CONFIRMED when its retests reproduce it, NOT_REPRODUCED when none does,
 * INCONCLUSIVE otherwise (some did, or it could not be retested); a
 * verdict per node and per suspect or failed link in run.verdicts, with
 * the figures, the partners and the retests as evidence; NHC-style lines
 * on stdout for a drain script; the exit code.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "sweep_int.h"

enum verdict_status {
	VERDICT_OK,
	VERDICT_NOT_REPRODUCED,
	VERDICT_INCONCLUSIVE,
	VERDICT_CONFIRMED,
	VERDICT_FAILED,
};

static const char *const status_names[] = {
	"OK", "NOT_REPRODUCED", "INCONCLUSIVE", "CONFIRMED", "FAILED",
};

/* What the retests of one suspect showed. */
struct eval {
	enum verdict_status status;
	int n_ret;     /* retests of the suspect itself measured */
	int n_rep;     /* of which reproduced it */
	int n_plan;    /* planned */
	bool ctl_bad;  /* a link's end is bad with a good partner too */
	bool weak;     /* the retests' median score under half the
			* suspect's: smaller than what made it suspect */
	double median; /* that median; NAN without retests */
	int end_bad;   /* a link's end CONFIRMED as a node (its
			* endpoint), so the link is not blamed on its
			* own; -1 none */
	enum mpi_reason end_reason; /* that node's reason */
	json_t *retests;	    /* evidence */
};

#define EVAL_RETESTS_MAX 8 /* retests of one suspect, more than planned */

struct verdicts {
	struct sweep *sw;
	struct mpi_sweep_view v;
	json_t *nodes_json; /* per endpoint: its reasons */
	int n_confirmed, n_inconclusive, n_not_reproduced;
};

static const char *metric_unit(enum mpi_metric k)
{
	return k == MPI_METRIC_BW ? "MB/s" : "us";
}

/* The unit of terms, MADs and scales: bandwidth is fitted as ns/B. */
static const char *fit_unit(enum mpi_metric k)
{
	return k == MPI_METRIC_BW ? "ns/B" : "us";
}

static const char *metric_what(enum mpi_metric k)
{
	static const char *const what[] = {
		[MPI_METRIC_LAT] = "latency",
		[MPI_METRIC_TAIL] = "mean-median",
		[MPI_METRIC_SPREAD] = "batch-spread",
		[MPI_METRIC_BW] = "bandwidth",
	};

	return (unsigned)k < MPI_METRIC_NR ? what[k] : "?";
}

static size_t metric_size(const struct sweep *sw, enum mpi_metric k)
{
	return k == MPI_METRIC_BW ? sw->bw_size : sw->lat_size;
}

/* JSON has no NAN: -1 for a figure not measured. */
static double nan_as(double x)
{
	return isnan(x) ? -1.0 : x;
}

/*
 * What each end of link suspect s shows now: the median of the node terms
 * (x - mu - n_g) that the end's pairs with good partners imply, measured
 * in this confirmation (every control of it and every retest of it as a
 * node suspect, whichever suspect planned them; never the pair s itself),
 * when that is worse than the fit's term (else, or with none measured, the
 * fit's). The link's retests are scored against these: a machine slower as
 * a whole during the confirmation than during the sweep slows the controls
 * as much, and a node whose figures swing (a jittery host) is judged by
 * all of its pairs, not by one control that happened to fall quiet, so no
 * link is blamed for either. Returns 0 or -ENOMEM.
 */
static int eval_ends_now(const struct verdicts *vd, const struct mpi_suspect *s,
			 double now[2])
{
	const struct mpi_plan *p = &vd->sw->plan;
	const struct mpi_fit *fit = &vd->sw->model.fit[s->metric];
	double *x = calloc(p->n + 1, sizeof(*x));
	size_t k;

	if (!x)
		return -ENOMEM;
	for (int end = 0; end < 2; end++) {
		int e = end ? s->b : s->a, other = end ? s->a : s->b;

		k = 0;
		for (size_t i = 0; i < p->n; i++) {
			const struct mpi_retest *t = &p->t[i];
			double v = mpi_fig_metric(&t->fig, s->metric);

			if (t->a != e || t->b == other || !t->measured ||
			    !(t->control || p->ent[t->entity].b < 0) ||
			    isnan(v) || isnan(fit->node[t->b]))
				continue;
			x[k++] = v - fit->mu - fit->node[t->b];
		}
		now[end] = fit->node[e];
		/* worse now only: a quiet end never adds blame */
		if (k)
			now[end] = fmax(now[end], bench_median(x, k));
	}
	free(x);
	return 0;
}

/*
 * One retest of suspect s as evidence; its score into *score. ends: a
 * link's ends now (eval_ends_now), NULL for a node.
 */
static json_t *eval_one(const struct verdicts *vd, const struct mpi_suspect *s,
			const struct mpi_retest *t, const double *ends,
			double *score)
{
	const struct mpi_model *m = &vd->sw->model;
	const struct mpi_fit *fit = &m->fit[s->metric];
	/* a control's partner is its good node; a link's, the other end */
	int partner = t->control ? t->b : t->a == s->a ? t->b : t->a;
	double x = mpi_fig_metric(&t->fig, s->metric);

	if (s->b < 0 || t->control)
		*score = mpi_model_node_score(m, s->metric, partner, x);
	else
		*score = (x - fit->mu - ends[0] - ends[1]) / fit->link_scale;
	return json_pack("{s:i, s:i, s:s, s:b, s:b, s:f, s:f, s:f, s:f, s:f, "
			 "s:f, s:f, s:o}",
			 "rank", vd->v.ep_rank[t->a], "partner_rank",
			 vd->v.ep_rank[partner], "partner_host",
			 vd->v.hosts[vd->v.ep_rank[partner]], "control",
			 t->control, "measured", t->measured, "value",
			 nan_as(mpi_metric_show(s->metric, x)), "score",
			 isnan(*score) ? 0.0 : *score, "median_us",
			 nan_as(t->fig.lat_us), "mean_us",
			 nan_as(t->fig.mean_us), "p99_us",
			 nan_as(t->fig.p99_us), "max_us", nan_as(t->fig.max_us),
			 "spread_us", nan_as(t->fig.spread_us), "stable",
			 t->fig.stable < 0 ? json_null()
					   : json_boolean(t->fig.stable));
}

/*
 * Noise makes a pair slower, never faster: a real fault shows in every
 * retest, a busy neighbour in some. So CONFIRMED needs all of them (two
 * at least), NOT_REPRODUCED none. A fault also shows its size again: a
 * suspect whose retests, in their median, show less than half of the
 * score that made it suspect was mostly a transient that happens to
 * linger (a loaded machine), and stays INCONCLUSIVE.
 */
static void eval_status(struct eval *ev)
{
	if (!ev->n_ret)
		ev->status = VERDICT_INCONCLUSIVE;
	else if (!ev->n_rep)
		ev->status = VERDICT_NOT_REPRODUCED;
	else if (ev->n_ret >= 2 && ev->n_rep == ev->n_ret && !ev->ctl_bad &&
		 !ev->weak)
		ev->status = VERDICT_CONFIRMED;
	else
		ev->status = VERDICT_INCONCLUSIVE;
}

static int eval_suspect(const struct verdicts *vd, const struct mpi_suspect *s,
			struct eval *ev)
{
	const struct mpi_plan *p = &vd->sw->plan;
	const struct mpi_fit *fit = &vd->sw->model.fit[s->metric];
	double thr = vd->sw->so->outlier_threshold, sc;
	double ctl_max = -INFINITY, link_min = INFINITY;
	double scores[EVAL_RETESTS_MAX], ends[2] = { 0, 0 };
	int ent = mpi_plan_entity(p, s);

	memset(ev, 0, sizeof(*ev));
	ev->end_bad = -1;
	ev->retests = json_array();
	if (!ev->retests)
		return -ENOMEM;
	if (s->b >= 0 && ent >= 0 && eval_ends_now(vd, s, ends))
		return -ENOMEM;
	for (size_t i = 0; ent >= 0 && i < p->n; i++) {
		const struct mpi_retest *t = &p->t[i];

		if (t->entity != ent)
			continue;
		ev->n_plan += !t->control;
		if (json_array_append_new(ev->retests,
					  eval_one(vd, s, t, ends, &sc)))
			return -ENOMEM;
		if (!t->measured)
			continue;
		if (t->control) {
			ctl_max = fmax(ctl_max, sc * fit->node_scale);
			continue;
		}
		if (ev->n_ret < EVAL_RETESTS_MAX)
			scores[ev->n_ret] = isnan(sc) ? -INFINITY : sc;
		ev->n_ret++;
		ev->n_rep += sc > thr;
		link_min = fmin(link_min, sc * fit->link_scale);
	}
	/* the end itself is bad when it explains half the link's excess */
	ev->ctl_bad = ctl_max > 0.5 * link_min;
	ev->median = ev->n_ret
			     ? bench_median(scores, ev->n_ret < EVAL_RETESTS_MAX
							    ? (size_t)ev->n_ret
							    : EVAL_RETESTS_MAX)
			     : NAN;
	ev->weak = ev->n_ret && ev->median < 0.5 * s->score;
	eval_status(ev);
	return 0;
}

/*
 * The rows' stability flags behind a suspect: of a link, its pair's; of
 * a node, how many of its pairs were unstable (batch halves disagreeing).
 */
static json_t *stability_json(const struct verdicts *vd,
			      const struct mpi_suspect *s)
{
	const struct mpi_figs *f = &vd->sw->figs;
	int n = 0, measured = 0;

	if (s->b >= 0)
		return json_pack("{s:b}", "unstable",
				 mpi_figs_unstable(f, s->a, s->b));
	for (int j = 0; j < f->n; j++) {
		if (j == s->a || isnan(mpi_figs_metric(f, s->a, j, s->metric)))
			continue;
		measured++;
		n += mpi_figs_unstable(f, s->a, j);
	}
	return json_pack("{s:i, s:i}", "unstable_pairs", n, "pairs", measured);
}

/*
 * The name a drain script acts on: the host, or the node identity of
 * --node-id-from (several nodes may share a host name then).
 */
static const char *verdict_name(const struct verdicts *vd, int e)
{
	int r = vd->v.ep_rank[e];

	return vd->sw->so->node_id_env ? vd->v.nodes[r] : vd->v.hosts[r];
}

static json_t *reason_json(const struct verdicts *vd,
			   const struct mpi_suspect *s, const struct eval *ev)
{
	const struct mpi_fit *fit = &vd->sw->model.fit[s->metric];
	json_t *o = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:I, s:f, s:f, s:f, s:f, s:f, "
		"s:f, s:i, s:i, s:i, s:b, s:O}",
		"code", mpi_reason_name(s->reason), "status",
		status_names[ev->status], "metric", metric_what(s->metric),
		"unit", metric_unit(s->metric), "fit_unit", fit_unit(s->metric),
		"size_bytes", (json_int_t)metric_size(vd->sw, s->metric),
		"score", s->score, "value",
		mpi_metric_show(s->metric, s->value), "expected",
		mpi_metric_show(s->metric, s->expected), "term", s->term,
		"cluster_median", mpi_metric_show(s->metric, fit->median),
		"scale", s->b < 0 ? fit->node_scale : fit->link_scale,
		"retests_planned", ev->n_plan, "retests_measured", ev->n_ret,
		"reproduced", ev->n_rep, "endpoint_bad_elsewhere", ev->ctl_bad,
		"retests", ev->retests);
	json_t *st = stability_json(vd, s);

	if (o && !isnan(ev->median))
		json_object_set_new(
			o, "retest_median_score",
			json_real(isfinite(ev->median) ? ev->median : 0));
	if (o)
		json_object_set_new(o, "smaller_in_retests",
				    json_boolean(ev->weak));
	if (o && s->b >= 0)
		json_object_set_new(
			o, "end_confirmed",
			ev->end_bad < 0
				? json_null()
				: json_pack("{s:s, s:s}", "host",
					    verdict_name(vd, ev->end_bad),
					    "code",
					    mpi_reason_name(ev->end_reason)));

	if (!o || !st || json_object_update(o, st)) {
		json_decref(o);
		o = NULL;
	}
	json_decref(st);
	return o;
}

/* The NHC-style line of one judged suspect. */
static void verdict_line(const struct verdicts *vd, const struct mpi_suspect *s,
			 const struct eval *ev, FILE *f)
{
	const struct mpi_fit *fit = &vd->sw->model.fit[s->metric];
	const char *ha = verdict_name(vd, s->a);
	const char *hb = s->b < 0 ? NULL : verdict_name(vd, s->b);
	const char *u = metric_unit(s->metric);
	char who[300], what[300];

	snprintf(who, sizeof(who), "%s%s%s", ha, hb ? "-" : "", hb ? hb : "");
	if (hb)
		snprintf(what, sizeof(what),
			 "%zu B %s %.1f %s, expected %.1f %s",
			 metric_size(vd->sw, s->metric), metric_what(s->metric),
			 mpi_metric_show(s->metric, s->value), u,
			 mpi_metric_show(s->metric, s->expected), u);
	else
		snprintf(what, sizeof(what),
			 "%zu B %s %.1f %s, cluster median %.1f %s",
			 metric_size(vd->sw, s->metric), metric_what(s->metric),
			 mpi_metric_show(s->metric, s->value), u,
			 mpi_metric_show(s->metric, fit->median), u);
	if (ev->status == VERDICT_CONFIRMED)
		fprintf(f, "%s | ERROR: ibpong: %s %s, confirmed with %d %s\n",
			who, mpi_reason_name(s->reason), what, ev->n_rep,
			hb ? "retests" : "partners");
	else if (ev->status == VERDICT_INCONCLUSIVE && ev->end_bad >= 0)
		fprintf(f,
			"%s | WARNING: ibpong: %s %s, reproduced in %d of %d "
			"retests but not blamed on its own: its end %s is "
			"CONFIRMED %s, which shows in every pair of it; "
			"measure again once %s is repaired\n",
			who, mpi_reason_name(s->reason), what, ev->n_rep,
			ev->n_ret, verdict_name(vd, ev->end_bad),
			mpi_reason_name(ev->end_reason),
			verdict_name(vd, ev->end_bad));
	else if (ev->status == VERDICT_INCONCLUSIVE && ev->weak &&
		 ev->n_rep == ev->n_ret)
		fprintf(f,
			"%s | WARNING: ibpong: %s %s, not confirmed: "
			"reproduced in %d of %d retests, smaller (median "
			"score %.1f, suspect at %.1f); measure again\n",
			who, mpi_reason_name(s->reason), what, ev->n_rep,
			ev->n_ret, ev->median, s->score);
	else if (ev->status == VERDICT_INCONCLUSIVE)
		fprintf(f,
			"%s | WARNING: ibpong: %s %s, not confirmed: "
			"reproduced in %d of %d retests (%d planned); "
			"measure again\n",
			who, mpi_reason_name(s->reason), what, ev->n_rep,
			ev->n_ret, ev->n_plan);
	else
		fprintf(f, "# not reproduced: %s %s %s, in 0 of %d retests\n",
			who, mpi_reason_name(s->reason), what, ev->n_ret);
}

static json_t *node_entry(const struct verdicts *vd, int e)
{
	int r = vd->v.ep_rank[e];

	return json_pack("{s:s, s:i, s:s, s:s, s:[]}", "node", vd->v.nodes[r],
			 "rank", r, "host", vd->v.hosts[r], "verdict", "OK",
			 "reasons");
}

static json_t *link_entry(const struct verdicts *vd, int ra, int rb)
{
	return json_pack("{s:i, s:i, s:s, s:s, s:s, s:s, s:s, s:[]}", "rank_a",
			 ra, "rank_b", rb, "host_a", vd->v.hosts[ra], "host_b",
			 vd->v.hosts[rb], "node_a", vd->v.nodes[ra], "node_b",
			 vd->v.nodes[rb], "verdict", "OK", "reasons");
}

/* The entry's verdict: the worst status of its reasons. */
static void entry_status(json_t *entry, enum verdict_status st)
{
	const char *cur = json_string_value(json_object_get(entry, "verdict"));
	int i;

	for (i = 0; i < VERDICT_FAILED; i++)
		if (cur && !strcmp(cur, status_names[i]))
			break;
	if ((int)st > i)
		json_object_set_new(entry, "verdict",
				    json_string(status_names[st]));
}

static void verdict_count(struct verdicts *vd, enum verdict_status st)
{
	vd->n_confirmed += st == VERDICT_CONFIRMED;
	vd->n_inconclusive += st == VERDICT_INCONCLUSIVE;
	vd->n_not_reproduced += st == VERDICT_NOT_REPRODUCED;
}

/* The entry of a node suspect, or of a link (made when new). */
static json_t *suspect_entry(const struct verdicts *vd, json_t *links,
			     const struct mpi_suspect *s)
{
	int ra = vd->v.ep_rank[s->a], rb;
	json_t *l, *entry;
	size_t j;

	if (s->b < 0)
		return json_array_get(vd->nodes_json, (size_t)s->a);
	rb = vd->v.ep_rank[s->b];
	json_array_foreach (links, j, l)
		if (json_integer_value(json_object_get(l, "rank_a")) == ra &&
		    json_integer_value(json_object_get(l, "rank_b")) == rb)
			return l;
	entry = link_entry(vd, ra, rb);
	return entry && !json_array_append_new(links, entry) ? entry : NULL;
}

static bool blamed_has(const json_t *blamed, const json_t *entry)
{
	const json_t *x;
	size_t i;

	json_array_foreach (blamed, i, x)
		if (x == entry)
			return true;
	return false;
}

/*
 * A link CONFIRMED whose end is a CONFIRMED node is not blamed on its own:
 * the node's fault shows in every pair it is in, by different amounts
 * each time when it is a jittery one (the bad node is the one common to
 * all failing pairs), and a handful of retests cannot part the link's
 * share from the node's. It is INCONCLUSIVE, naming the node: measure
 * again once the node is repaired.
 */
static int verdicts_ends(const struct verdicts *vd, struct eval *ev)
{
	const struct mpi_model *m = &vd->sw->model;
	int *bad = malloc(sizeof(*bad) * ((size_t)vd->v.n_ep + 1));

	if (!bad)
		return -ENOMEM;
	for (int e = 0; e < vd->v.n_ep; e++)
		bad[e] = -1;
	for (size_t i = 0; i < m->n_sus; i++)
		if (m->sus[i].b < 0 && ev[i].status == VERDICT_CONFIRMED &&
		    bad[m->sus[i].a] < 0)
			bad[m->sus[i].a] = (int)m->sus[i].reason;
	for (size_t i = 0; i < m->n_sus; i++) {
		const struct mpi_suspect *s = &m->sus[i];
		int end = s->b < 0	   ? -1
			  : bad[s->a] >= 0 ? s->a
			  : bad[s->b] >= 0 ? s->b
					   : -1;

		if (end < 0 || ev[i].status != VERDICT_CONFIRMED)
			continue;
		ev[i].status = VERDICT_INCONCLUSIVE;
		ev[i].end_bad = end;
		ev[i].end_reason = (enum mpi_reason)bad[end];
	}
	free(bad);
	return 0;
}

/* Every suspect of the model, judged, into its node or link entry. */
static int verdicts_suspects(struct verdicts *vd, json_t *links, json_t *blamed,
			     FILE *f)
{
	const struct mpi_model *m = &vd->sw->model;
	struct eval *ev = calloc(m->n_sus ? m->n_sus : 1, sizeof(*ev));
	json_t *entry, *reason;
	size_t i;
	int ret = -ENOMEM;

	if (!ev)
		return -ENOMEM;
	for (i = 0; i < m->n_sus; i++) {
		ret = eval_suspect(vd, &m->sus[i], &ev[i]);
		if (ret)
			goto out;
	}
	ret = verdicts_ends(vd, ev);
	for (i = 0; !ret && i < m->n_sus; i++) {
		const struct mpi_suspect *s = &m->sus[i];

		ret = -ENOMEM;
		reason = reason_json(vd, s, &ev[i]);
		entry = suspect_entry(vd, links, s);
		if (!reason || !entry) {
			json_decref(reason);
			goto out;
		}
		json_array_append_new(json_object_get(entry, "reasons"),
				      reason);
		entry_status(entry, ev[i].status);
		verdict_count(vd, ev[i].status);
		verdict_line(vd, s, &ev[i], f);
		if (ev[i].status == VERDICT_CONFIRMED &&
		    !blamed_has(blamed, entry))
			json_array_append(blamed, entry);
		ret = 0;
	}
out:
	for (i = 0; i < m->n_sus; i++) /* calloc'd: NULL when not judged */
		json_decref(ev[i].retests);
	free(ev);
	return ret;
}

/* FAILED nodes (run.failed_ranks). */
static void verdicts_failed_ranks(struct verdicts *vd, FILE *f)
{
	const struct sweep *sw = vd->sw;
	json_t *x, *entry;
	size_t i;
	int r, e;

	json_array_foreach (sw->failed_ranks, i, x) {
		r = (int)json_integer_value(json_object_get(x, "rank"));
		e = sweep_endpoint_of(sw, r);
		if (e < 0)
			continue;
		entry = json_array_get(vd->nodes_json, (size_t)e);
		json_array_append_new(json_object_get(entry, "reasons"),
				      json_pack("{s:s, s:s, s:O?}", "code",
						"FAILED", "status", "FAILED",
						"reason",
						json_object_get(x, "reason")));
		entry_status(entry, VERDICT_FAILED);
		fprintf(f, "%s | ERROR: ibpong: FAILED rank %d: %s\n",
			verdict_name(vd, e), r,
			json_string_value(json_object_get(x, "reason")));
	}
}

/* UNREACHABLE links (run.failed_pairs). */
static int verdicts_failed_pairs(struct verdicts *vd, json_t *links)
{
	json_t *x, *entry;
	size_t i;

	json_array_foreach (vd->sw->failed_pairs, i, x) {
		int ra = (int)json_integer_value(json_object_get(x, "rank_a"));
		int rb = (int)json_integer_value(json_object_get(x, "rank_b"));

		entry = link_entry(vd, ra, rb);
		if (!entry || json_array_append_new(links, entry))
			return -ENOMEM;
		json_array_append_new(
			json_object_get(entry, "reasons"),
			json_pack("{s:s, s:s, s:O?, s:O?}", "code",
				  "UNREACHABLE", "status", "FAILED", "reason",
				  json_object_get(x, "reason"), "round",
				  json_object_get(x, "round")));
		entry_status(entry, VERDICT_FAILED);
	}
	return 0;
}

/* The first CONFIRMED reason of a verdict entry. */
static const json_t *entry_confirmed(const json_t *entry)
{
	const json_t *r;
	size_t i;

	json_array_foreach (json_object_get(entry, "reasons"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "status"))
				    ?: "",
			    "CONFIRMED"))
			return r;
	return NULL;
}

/*
 * One blamed entry in run.suspects' shape (the reporter's): nodes {node,
 * rank, host, score, median_us}, links {a, b, host_a, host_b, node_a,
 * node_b, score, latency_us}, with the reason's code and value.
 */
static json_t *suspect_item(const json_t *e)
{
	const json_t *r = entry_confirmed(e);
	double score = json_number_value(json_object_get(r, "score"));
	double value = json_number_value(json_object_get(r, "value"));
	bool lat =
		!strcmp(json_string_value(json_object_get(r, "metric")) ?: "",
			"latency");
	const char *code = json_string_value(json_object_get(r, "code"));

	if (json_object_get(e, "node"))
		return json_pack("{s:O, s:O, s:O, s:f, s:f, s:s?, s:f}", "node",
				 json_object_get(e, "node"), "rank",
				 json_object_get(e, "rank"), "host",
				 json_object_get(e, "host"), "score", score,
				 "median_us", lat ? value : 0.0, "code", code,
				 "value", value);
	return json_pack(
		"{s:O, s:O, s:O, s:O, s:O, s:O, s:f, s:f, s:s?, s:f}", "a",
		json_object_get(e, "rank_a"), "b", json_object_get(e, "rank_b"),
		"host_a", json_object_get(e, "host_a"), "host_b",
		json_object_get(e, "host_b"), "node_a",
		json_object_get(e, "node_a"), "node_b",
		json_object_get(e, "node_b"), "score", score, "latency_us",
		lat ? value : 0.0, "code", code, "value", value);
}

/* run.suspects: what is blamed (CONFIRMED), for the reporter. */
static json_t *suspects_json(const struct verdicts *vd, json_t *blamed)
{
	const struct mpi_fit *lat = &vd->sw->model.fit[MPI_METRIC_LAT];
	json_t *nodes = json_array(), *links = json_array(), *x;
	size_t i;

	json_array_foreach (blamed, i, x)
		json_array_append_new(json_object_get(x, "node") ? nodes
								 : links,
				      suspect_item(x));
	return json_pack(
		"{s:I, s:s, s:f, s:f, s:f, s:f, s:o, s:o}", "size_bytes",
		(json_int_t)vd->sw->lat_size, "statistic", "latency_us.median",
		"threshold", vd->sw->so->outlier_threshold, "mad_floor",
		vd->sw->so->mad_floor, "median_us", lat->ok ? lat->median : 0.0,
		"mad_us", lat->ok ? lat->link_mad : 0.0, "nodes", nodes,
		"links", links);
}

static json_t *cluster_json(const struct sweep *sw)
{
	json_t *c = json_object();

	for (int k = 0; c && k < MPI_METRIC_NR; k++) {
		const struct mpi_fit *fit = &sw->model.fit[k];
		enum mpi_metric mk = (enum mpi_metric)k;

		if (!fit->ok)
			continue;
		json_object_set_new(
			c, metric_what(mk),
			json_pack("{s:s, s:s, s:I, s:f, s:f, s:f, s:f, s:f, "
				  "s:f}",
				  "unit", metric_unit(mk), "fit_unit",
				  fit_unit(mk), "size_bytes",
				  (json_int_t)metric_size(sw, mk), "median",
				  mpi_metric_show(mk, fit->median), "mu",
				  fit->mu, "node_mad", fit->node_mad,
				  "node_scale", fit->node_scale, "link_mad",
				  fit->link_mad, "link_scale",
				  fit->link_scale));
	}
	return c;
}

static int verdicts_build(struct verdicts *vd, FILE *f)
{
	json_t *links = json_array(), *blamed = json_array(), *doc;
	int ret = -ENOMEM;

	vd->nodes_json = json_array();
	if (!links || !blamed || !vd->nodes_json)
		goto out;
	for (int e = 0; e < vd->v.n_ep; e++)
		if (json_array_append_new(vd->nodes_json, node_entry(vd, e)))
			goto out;
	ret = verdicts_suspects(vd, links, blamed, f);
	verdicts_failed_ranks(vd, f);
	if (!ret)
		ret = verdicts_failed_pairs(vd, links);
	if (ret)
		goto out;
	doc = json_pack("{s:s, s:f, s:f, s:i, s:i, s:o, s:O, s:O, s:i, s:i, "
			"s:i}",
			"model",
			"pair = mu + node_a + node_b + link_ab, median polish",
			"threshold", vd->sw->so->outlier_threshold, "mad_floor",
			vd->sw->so->mad_floor, "retest_budget",
			(int)vd->sw->so->retest_budget, "retest_factor",
			MPI_RETEST_FACTOR, "cluster", cluster_json(vd->sw),
			"nodes", vd->nodes_json, "links", links, "confirmed",
			vd->n_confirmed, "inconclusive", vd->n_inconclusive,
			"not_reproduced", vd->n_not_reproduced);
	if (!doc || json_object_set_new(vd->sw->r->run, "verdicts", doc) ||
	    json_object_set_new(vd->sw->r->run, "suspects",
				suspects_json(vd, blamed)))
		ret = -ENOMEM;
out:
	json_decref(links);
	json_decref(blamed);
	json_decref(vd->nodes_json);
	return ret;
}

int sweep_verdicts(struct sweep *sw, FILE *f, int *code)
{
	const struct mpi_model_cfg cfg = { sw->so->outlier_threshold,
					   sw->so->mad_floor };
	struct verdicts vd = { .sw = sw };
	int ret = 0;

	sweep_view(sw, &vd.v);
	if (!sw->model.fit[0].node && mpi_figs_ready(&sw->figs))
		ret = mpi_model_fit(&sw->figs, &cfg, &sw->model);
	if (!ret)
		ret = verdicts_build(&vd, f);
	if (ret)
		return ret;
	fprintf(f,
		"# verdicts: %d confirmed, %d inconclusive, %d not "
		"reproduced (model: pair = mu + node + node + link)\n",
		vd.n_confirmed, vd.n_inconclusive, vd.n_not_reproduced);
	*code = vd.n_confirmed	    ? BENCH_EXIT_CHECK
		: vd.n_inconclusive ? BENCH_EXIT_INCONCLUSIVE
				    : BENCH_EXIT_OK;
	return 0;
}
