// SPDX-License-Identifier: BSD-2-Clause
/*
 * Connection set-up time: before the run the client makes --connect-iters
 * complete rdma_cm connections to the server, one after the other, each
 * with a fresh id and its own PD, CQ and QP (what rping and perftest -R
 * do once): resolve the address, resolve the route, create the QP,
 * connect (REQ, REP, RTU for RC; SIDR REQ and REP for UD), then
 * disconnect and wait for the server's DREP, so that one probe never
 * overlaps the next. The server listens for them between two barriers.
 * With --connect-iters 0 the statistics are the control connection's
 * alone (one sample). The client's samples go to the server through the
 * bootstrap, so both ends print and store the same figures.
 */
#include <endian.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "options.h"
#include "rdmacm.h"

static const char *const phase_names[RDMACM_PHASE_NR] = {
	[RDMACM_PHASE_ADDR] = "resolve_addr",
	[RDMACM_PHASE_ROUTE] = "resolve_route",
	[RDMACM_PHASE_CONN] = "connect",
	[RDMACM_PHASE_TOTAL] = "total",
};

/* Active side of one probe; fills ns[RDMACM_PHASE_NR]. */
static int probe_connect(const struct rdmacm_cfg *rc,
			 const struct bench_bootstrap_cfg *peer, int timeout_ms,
			 uint64_t *ns)
{
	const struct verbs_cfg *cfg = &rc->verbs;
	enum ibv_qp_type t = cfg->qp_type;
	uint8_t wire[RDMACM_HDR_BYTES];
	struct rdma_conn_param cp = { .private_data = wire,
				      .private_data_len = sizeof(wire),
				      .retry_count = 7,
				      .rnr_retry_count = 7 };
	struct rdmacm_ep ep = { 0 };
	uint64_t t0 = bench_mono_ns(), t1;
	int ret;

	ret = rdmacm_ep_resolve(&ep, peer->peer_host, peer->bind_addr,
				peer->port, t, timeout_ms);
	if (!ret)
		ret = rdmacm_ep_qp(&ep, t, 4, false);
	if (ret)
		goto out_close;
	rdmacm_hdr_pack(RDMACM_KIND_PROBE, sizeof(wire), 0, wire);
	t1 = bench_mono_ns();
	ret = rdmacm_ep_connect(&ep, &cp, timeout_ms);
	if (ret)
		goto out_close;
	ns[RDMACM_PHASE_CONN] = bench_mono_ns() - t1;
	ns[RDMACM_PHASE_TOTAL] = bench_mono_ns() - t0;
	ns[RDMACM_PHASE_ADDR] = ep.phase_ns[RDMACM_PHASE_ADDR];
	ns[RDMACM_PHASE_ROUTE] = ep.phase_ns[RDMACM_PHASE_ROUTE];
	/* wait for the DREP: the next probe must not overlap this one */
	if (ep.connected && !rdma_disconnect(ep.id))
		ret = rdmacm_ep_wait(&ep, RDMA_CM_EVENT_DISCONNECTED,
				     timeout_ms, "disconnecting");
out_close:
	rdmacm_ep_close(&ep);
	return ret;
}

/* Passive side of one probe. */
static int probe_accept(struct rdmacm_ep *listen, enum ibv_qp_type t,
			int timeout_ms)
{
	uint8_t wire[RDMACM_HDR_BYTES], pdata[RDMACM_HDR_BYTES];
	struct rdma_conn_param req, cp = { .private_data = wire,
					   .private_data_len = sizeof(wire),
					   .rnr_retry_count = 7 };
	struct rdmacm_ep ep = { 0 };
	int ret;

	ret = rdmacm_ep_request(listen, RDMACM_KIND_PROBE, timeout_ms, &ep,
				pdata, sizeof(pdata), &req);
	if (!ret)
		ret = rdmacm_ep_qp(&ep, t, 4, false);
	if (ret)
		goto out_close;
	rdmacm_hdr_pack(RDMACM_KIND_PROBE, sizeof(wire), 0, wire);
	ret = rdmacm_ep_accept(&ep, &cp, timeout_ms);
	if (!ret && ep.connected) {
		ret = rdmacm_ep_wait(&ep, RDMA_CM_EVENT_DISCONNECTED,
				     timeout_ms,
				     "waiting for the probe to disconnect");
		ep.connected = !ret; /* rdma_disconnect sends the DREP */
	}
out_close:
	rdmacm_ep_close(&ep);
	return ret;
}

static int probe_serve(const struct rdmacm_cfg *rc, struct bench_bootstrap *bs,
		       int timeout_ms)
{
	const struct bench_bootstrap_cfg *peer = rdmacm_bootstrap_cfg(bs);
	const struct verbs_cfg *cfg = &rc->verbs;
	struct rdmacm_ep listen = { 0 };
	unsigned i;
	int ret;

	ret = rdmacm_ep_listen(&listen, peer->bind_addr, peer->port,
			       cfg->qp_type);
	if (!ret)
		ret = bench_bootstrap_barrier(bs);
	for (i = 0; !ret && i < rc->connect_iters; i++)
		ret = probe_accept(&listen, cfg->qp_type, timeout_ms);
	rdmacm_ep_close(&listen);
	return ret;
}

/* Client: the probes into ns[i * RDMACM_PHASE_NR + phase]. */
static int probe_measure(const struct rdmacm_cfg *rc,
			 struct bench_bootstrap *bs, int timeout_ms,
			 uint64_t *ns)
{
	unsigned i;
	int ret;

	if (!rc->connect_iters) {
		memcpy(ns, rdmacm_bootstrap_phases(bs),
		       RDMACM_PHASE_NR * sizeof(*ns));
		return 0;
	}
	ret = bench_bootstrap_barrier(bs);
	for (i = 0; !ret && i < rc->connect_iters; i++)
		ret = probe_connect(rc, rdmacm_bootstrap_cfg(bs), timeout_ms,
				    ns + i * RDMACM_PHASE_NR);
	return ret;
}

/* The client's samples to both ends, as little-endian words. */
static int probe_share(struct bench_bootstrap *bs, uint64_t *ns, size_t n)
{
	uint64_t *all = calloc(2 * n, sizeof(*all));
	size_t i;
	int ret;

	if (!all)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		ns[i] = htole64(ns[i]);
	ret = bench_bootstrap_exchange(bs, ns, all, n * sizeof(*ns));
	for (i = 0; i < n && !ret; i++)
		ns[i] = le64toh(all[i]);
	free(all);
	return ret;
}

static int stats_json(const struct bench_stats *st, json_t **out)
{
	json_t *o = json_object();
	int id, ret = !o;

	if (!o)
		return -ENOMEM;
	ret |= json_object_set_new(o, "count",
				   json_integer((json_int_t)st->count));
	/* A percentile without enough samples is absent (stats.h). */
	for (id = 0; id < BENCH_STAT_NR; id++)
		if (isfinite(bench_stats_get(st, id)))
			ret |= json_object_set_new(
				o, bench_stat_name(id),
				json_real(bench_stats_get(st, id)));
	if (ret) {
		json_decref(o);
		return -ENOMEM;
	}
	*out = o;
	return 0;
}

/* Statistics of one phase, in microseconds. */
static int phase_stats(const uint64_t *ns, size_t n, int phase,
		       struct bench_stats *st)
{
	double *us = calloc(n, sizeof(*us));
	size_t i;
	int ret;

	if (!us)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		us[i] = (double)ns[i * RDMACM_PHASE_NR + (size_t)phase] / 1e3;
	ret = bench_stats_compute(us, n, st);
	free(us);
	return ret;
}

static const char *p99_buf(double v, char *buf)
{
	snprintf(buf, 24, "%.2f", v);
	return buf;
}

static void probe_print(FILE *f, const struct bench_stats *st, size_t n,
			const char *qp)
{
	char buf[RDMACM_PHASE_NR][24];
	int i;

	fprintf(f,
		"# rdma_cm connection set-up (%s), %zu connection%s, "
		"microseconds\n",
		qp, n, n == 1 ? "" : "s");
	fprintf(f, "#%-13s %12s %12s %12s %12s\n", "phase", "min", "median",
		"p99", "max");
	/* p99 needs 100 connections; "-" below that */
	for (i = 0; i < RDMACM_PHASE_NR; i++)
		fprintf(f, "%-14s %12.2f %12.2f %12s %12.2f\n", phase_names[i],
			st[i].min, st[i].median,
			isfinite(st[i].p99) ? p99_buf(st[i].p99, buf[i]) : "-",
			st[i].max);
	fflush(f);
}

static int probe_report(const uint64_t *ns, size_t n, const char *qp, FILE *f,
			json_t **out)
{
	struct bench_stats st[RDMACM_PHASE_NR];
	char key[32];
	json_t *phases = json_object(), *o;
	int i, ret = phases ? 0 : -ENOMEM;

	for (i = 0; i < RDMACM_PHASE_NR && !ret; i++) {
		ret = phase_stats(ns, n, i, &st[i]);
		if (!ret)
			ret = stats_json(&st[i], &o);
		snprintf(key, sizeof(key), "%s_us", phase_names[i]);
		if (!ret && json_object_set_new(phases, key, o))
			ret = -ENOMEM;
	}
	if (ret) {
		json_decref(phases);
		return ret;
	}
	/* "o" takes phases, on failure too */
	o = json_pack("{s:I, s:s, s:o}", "iterations", (json_int_t)n, "qp", qp,
		      "phases", phases);
	if (!o)
		return -ENOMEM;
	if (f)
		probe_print(f, st, n, qp);
	*out = o;
	return 0;
}

int rdmacm_probe_run(const struct rdmacm_cfg *rc, struct bench_bootstrap *bs,
		     int timeout_ms, FILE *f, json_t **out)
{
	size_t n = rc->connect_iters ? rc->connect_iters : 1;
	uint64_t *ns = calloc(n * RDMACM_PHASE_NR, sizeof(*ns));
	int ret;

	if (!ns)
		return -ENOMEM;
	if (bs->rank == 0)
		ret = probe_measure(rc, bs, timeout_ms, ns);
	else
		ret = rc->connect_iters ? probe_serve(rc, bs, timeout_ms) : 0;
	if (!ret)
		ret = probe_share(bs, ns, n * RDMACM_PHASE_NR);
	if (!ret)
		ret = probe_report(ns, n, verbs_qp_name(rc->verbs.qp_type), f,
				   out);
	free(ns);
	return ret;
}
