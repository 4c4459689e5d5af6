// SPDX-License-Identifier: BSD-2-Clause
/*
 * The run driver: parameter agreement, iteration counts, the steps,
 * samples to statistics, rows to every rank and to the writers.
 *
 * Units. Engines record clock ticks; here ticks become nanoseconds (the
 * clock's calibrated ns_per_tick), then microseconds. A latency sample of
 * kind HALF_RTT is halved; RTT and ONE_MSG are reported as they are. A
 * bandwidth sample is the time of one window: its lat_us statistics are
 * of the window time divided by the window, i.e. the time per message
 * while the window streams (the inverse of the message rate, not a
 * latency), and the row's latency kind is "one-message".
 *
 * Bandwidth. MB/s is 10^6 bytes per second everywhere. A latency test
 * reports size / mean latency (IMB's Mbytes/sec: bytes per microsecond);
 * a bandwidth test reports the bytes of every timed window (twice for
 * bibw) over the sum of the window times.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "env.h"
#include "guard.h"
#include "log.h"
#include "run.h"
#include "wire.h"
#include "writers.h"

#define ITERS_CAP    10000000ull /* bound of --time-per-size counts */
#define PROBE_FIRST  4ull	 /* iterations of the first probe */
#define PROBE_MIN_NS 20000000.0	 /* a probe this long is trusted: 20 ms */

struct run_ctx {
	struct bench_engine *eng;
	struct bench_bootstrap *bs;
	const struct bench_opts *o;
	struct bench_result *r;
	struct bench_writer w;
	bool print;	       /* this rank prints rows and writes --json */
	bool progress;	       /* progress on stderr */
	bool progress_lines;   /* whole lines (not a terminal: --progress) */
	double t_start_s;      /* monotonic time the first size started */
	struct bench_acc *acc; /* rank 0: the samples of the current size */
	double retest_s;       /* --check: retest time spent so far */
	unsigned retests_done; /* --check: retests so far */
	json_t *retests;       /* --check: one object per retest */
	FILE *samples_f;       /* --samples, rank 0: the temporary file */
	uint64_t loop_ticks;   /* this rank's timed loops of the size */
	char *samples_tmp;     /* its name until the rename */
	size_t planned;	       /* sizes of the run */
	struct bench_env_usage env0; /* counters at the first size */
};

static bool test_is_bw(enum bench_test t)
{
	return t == BENCH_TEST_BW || t == BENCH_TEST_BIBW;
}

/* Every rank receives rank 0's len bytes of buf. */
static int share_from_root(struct bench_bootstrap *bs, void *buf, size_t len)
{
	unsigned char *all;
	int ret;

	if (bs->size <= 1)
		return 0;
	all = malloc(len * (size_t)bs->size);
	if (!all)
		return -ENOMEM;
	ret = bench_bootstrap_exchange(bs, buf, all, len);
	if (ret)
		bench_err("bootstrap %s: exchange of %zu bytes failed: %s",
			  bs->ops->name, len, strerror(-ret));
	else
		memcpy(buf, all, len);
	free(all);
	return ret;
}

/*
 * The parameter set both ends must share, in a fixed little-endian
 * layout so that ends of different builds still compare field by field.
 */
enum wire_param {
	WP_TEST,
	WP_SIZES_COUNT,
	WP_SIZE_MIN,
	WP_SIZE_MAX,
	WP_SIZES_HASH,
	WP_ITERS,
	WP_WARMUP_SET,
	WP_WARMUP,
	WP_WINDOW,
	WP_VALIDATE,
	WP_TIME_PER_SIZE_US,
	WP_PRECISION_PPM,
	WP_MAX_TIME_PER_SIZE_US,
	WP_MAX_ITERS,
	WP_CHECK,
	WP_RETEST_BUDGET,
	WP_NR,
};

static const char *const wire_param_names[WP_NR] = {
	[WP_TEST] = "--test",
	[WP_SIZES_COUNT] = "the number of --sizes",
	[WP_SIZE_MIN] = "the smallest of --sizes",
	[WP_SIZE_MAX] = "the largest of --sizes",
	[WP_SIZES_HASH] = "the list of --sizes (hash)",
	[WP_ITERS] = "--iters",
	[WP_WARMUP_SET] = "whether --warmup is given",
	[WP_WARMUP] = "--warmup",
	[WP_WINDOW] = "--window",
	[WP_VALIDATE] = "--validate",
	[WP_TIME_PER_SIZE_US] = "--time-per-size (us)",
	[WP_PRECISION_PPM] = "--precision (ppm)",
	[WP_MAX_TIME_PER_SIZE_US] = "--max-time-per-size (us)",
	[WP_MAX_ITERS] = "--max-iters",
	[WP_CHECK] = "whether --check is given",
	[WP_RETEST_BUDGET] = "--retest-budget of --check",
};

/* FNV-1a over the list: equal lists hash equal, on any host. */
static uint64_t sizes_hash(const struct bench_sizes *sz)
{
	uint64_t h = 0xcbf29ce484222325ull, v;
	size_t i;
	int b;

	for (i = 0; i < sz->count; i++) {
		v = sz->bytes[i];
		for (b = 0; b < 8; b++) {
			h ^= (v >> (8 * b)) & 0xff;
			h *= 0x100000001b3ull;
		}
	}
	return h;
}

/* The core's fields: WP_NR words of w. */
static void params_pack(const struct bench_opts *o, uint64_t *w)
{
	const struct bench_sizes *sz = &o->sizes;
	int i;

	w[WP_TEST] = o->test;
	w[WP_SIZES_COUNT] = sz->count;
	w[WP_SIZE_MIN] = sz->count ? sz->bytes[0] : 0;
	w[WP_SIZE_MAX] = sz->count ? sz->bytes[sz->count - 1] : 0;
	w[WP_SIZES_HASH] = sizes_hash(sz);
	w[WP_ITERS] = o->iters;
	w[WP_WARMUP_SET] = o->warmup_set;
	w[WP_WARMUP] = o->warmup_set ? o->warmup : 0;
	w[WP_WINDOW] = test_is_bw(o->test) ? o->window : 0;
	w[WP_VALIDATE] = o->validate;
	w[WP_TIME_PER_SIZE_US] = (uint64_t)(o->time_per_size_s * 1e6 + 0.5);
	w[WP_PRECISION_PPM] = (uint64_t)(o->precision * 1e6 + 0.5);
	w[WP_MAX_TIME_PER_SIZE_US] =
		(uint64_t)(o->max_time_per_size_s * 1e6 + 0.5);
	w[WP_MAX_ITERS] = o->max_iters;
	/* both ends take part in the retests of --check */
	w[WP_CHECK] = o->check != NULL;
	w[WP_RETEST_BUDGET] = o->check ? o->check->retest_budget : 0;
	for (i = 0; i < WP_NR; i++)
		w[i] = htole64(w[i]);
}

/* The engine's agreed fields (engine.h), after the core's WP_NR. */
struct run_params {
	const struct bench_engine_desc *d;
	const void *cfg;
	size_t n; /* WP_NR + the engine's */
};

static size_t params_count(const struct bench_engine_desc *d)
{
	const struct bench_param *const *t;
	const struct bench_param *p;
	size_t n = WP_NR;

	for (t = d ? d->params : NULL; t && *t; t++)
		for (p = *t; p->name; p++)
			n++;
	return n;
}

/* Field i of the engine (i counts from WP_NR). */
static const struct bench_param *params_engine(const struct run_params *rp,
					       size_t i)
{
	const struct bench_param *const *t;
	const struct bench_param *p;
	size_t k = WP_NR;

	for (t = rp->d->params; *t; t++)
		for (p = *t; p->name; p++)
			if (k++ == i)
				return p;
	return NULL;
}

static void params_pack_engine(const struct run_params *rp, uint64_t *w)
{
	size_t i;

	for (i = WP_NR; i < rp->n; i++)
		w[i] = htole64(params_engine(rp, i)->get(rp->cfg));
}

static const char *param_print(const struct run_params *rp, size_t id,
			       uint64_t v, char *buf, size_t len)
{
	const struct bench_param *p;

	if (id < WP_NR) {
		if (id == WP_TEST)
			snprintf(buf, len, "%s",
				 bench_test_name((enum bench_test)v));
		else
			snprintf(buf, len, "%" PRIu64, v);
		return wire_param_names[id];
	}
	p = params_engine(rp, id);
	if (p->text)
		p->text(v, buf, len);
	else
		snprintf(buf, len, "%" PRIu64, v);
	return p->name;
}

/* Compare every rank's set with ours; name the first differing field. */
static int params_compare(const struct bench_bootstrap *bs,
			  const struct run_params *rp, const uint64_t *all)
{
	const uint64_t *mine = all + (size_t)bs->rank * rp->n;
	char here[64], there[64];
	const char *name;
	size_t id;
	int rank;

	for (rank = 0; rank < bs->size; rank++) {
		const uint64_t *peer = all + (size_t)rank * rp->n;

		for (id = 0; id < rp->n; id++) {
			if (peer[id] == mine[id])
				continue;
			name = param_print(rp, id, le64toh(mine[id]), here,
					   sizeof(here));
			param_print(rp, id, le64toh(peer[id]), there,
				    sizeof(there));
			bench_err("parameter mismatch: %s is %s on rank %d "
				  "(this end) but %s on rank %d; give both "
				  "ends the same options",
				  name, here, bs->rank, there, rank);
			return -EBADE;
		}
	}
	return 0;
}

/*
 * The number of fields travels first, alone: ends whose engines agree
 * on a different set (another build, another engine) are told so
 * rather than compared word by word.
 */
static int params_count_agree(struct bench_bootstrap *bs, uint64_t n)
{
	uint64_t mine = htole64(n), *all;
	int rank, ret;

	all = calloc((size_t)bs->size, sizeof(mine));
	if (!all)
		return -ENOMEM;
	ret = bench_bootstrap_exchange(bs, &mine, all, sizeof(mine));
	if (ret)
		bench_err("bootstrap %s: parameter exchange failed: %s",
			  bs->ops->name, strerror(-ret));
	for (rank = 0; !ret && rank < bs->size; rank++) {
		if (all[rank] == mine)
			continue;
		bench_err("parameter mismatch: rank %d agrees %" PRIu64
			  " parameters, this end (rank %d) %" PRIu64
			  ": run the same ibpong and engine on every end",
			  rank, le64toh(all[rank]), bs->rank, n);
		ret = -EBADE;
	}
	free(all);
	return ret;
}

int bench_run_agree(struct bench_bootstrap *bs, const struct bench_opts *o,
		    const struct bench_engine_desc *d, const void *engine_cfg)
{
	struct run_params rp = { .d = d, .cfg = engine_cfg };
	uint64_t *mine, *all;
	int ret;

	rp.n = params_count(d);
	ret = params_count_agree(bs, rp.n);
	if (ret)
		return ret;
	mine = calloc(rp.n, sizeof(*mine));
	all = calloc((size_t)bs->size * rp.n, sizeof(*all));
	if (!mine || !all) {
		ret = -ENOMEM;
		goto out_free;
	}
	params_pack(o, mine);
	params_pack_engine(&rp, mine);
	ret = bench_bootstrap_exchange(bs, mine, all, rp.n * sizeof(*mine));
	if (ret)
		bench_err("bootstrap %s: parameter exchange failed: %s",
			  bs->ops->name, strerror(-ret));
	else
		ret = params_compare(bs, &rp, all);
out_free:
	free(mine);
	free(all);
	return ret;
}

int bench_engine_ranks_check(const struct bench_engine_desc *d, int size,
			     int rank)
{
	bool ok;

	if (!(d->flags & BENCH_ENGINE_TWO_RANKS))
		return 0;
	ok = size == 2 || (size > 2 && (d->flags & BENCH_ENGINE_IDLE_RANKS));
	if (ok)
		return 0;
	if (rank == 0)
		bench_err("needs 2 %s ranks, got %d%s",
			  d->ranks_noun ? d->ranks_noun : d->name, size,
			  d->ranks_hint ? d->ranks_hint : "");
	return -EINVAL;
}

/* Rows travel as little-endian 64-bit words. */
enum wire_row {
	WR_SIZE,
	WR_ITERS,
	WR_WARMUP,
	WR_COUNT,
	WR_STATS,
	WR_BW = WR_STATS + BENCH_STAT_NR,
	WR_BW_PEAK,
	WR_MSG_RATE,
	WR_MEDIAN_LO,
	WR_MEDIAN_HI,
	WR_MEAN_LO,
	WR_MEAN_HI,
	WR_BATCHES,
	WR_STABLE, /* stable + 1: 0 not assessed, 1 unstable, 2 stable */
	WR_STOP,
	WR_TIME,
	WR_RETESTS,
	WR_IMB_T,
	WR_NR,
};

static int row_share(struct bench_bootstrap *bs, struct bench_row *row)
{
	uint64_t w[WR_NR];
	int id, ret;

	if (bs->size <= 1)
		return 0;
	w[WR_SIZE] = htole64(row->size_bytes);
	w[WR_ITERS] = htole64(row->iters);
	w[WR_WARMUP] = htole64(row->warmup);
	w[WR_COUNT] = htole64(row->lat_us.count);
	for (id = 0; id < BENCH_STAT_NR; id++)
		w[WR_STATS + id] =
			bench_wire_dbl_le(bench_stats_get(&row->lat_us, id));
	w[WR_BW] = bench_wire_dbl_le(row->bw_MBps);
	w[WR_BW_PEAK] = bench_wire_dbl_le(row->bw_peak_MBps);
	w[WR_MSG_RATE] = bench_wire_dbl_le(row->msg_rate_per_s);
	w[WR_MEDIAN_LO] = bench_wire_dbl_le(row->median_ci_us.lo);
	w[WR_MEDIAN_HI] = bench_wire_dbl_le(row->median_ci_us.hi);
	w[WR_MEAN_LO] = bench_wire_dbl_le(row->mean_ci_us.lo);
	w[WR_MEAN_HI] = bench_wire_dbl_le(row->mean_ci_us.hi);
	w[WR_BATCHES] = htole64(row->batches);
	w[WR_STABLE] = htole64((uint64_t)(row->stable + 1));
	w[WR_STOP] = htole64(row->stop);
	w[WR_TIME] = bench_wire_dbl_le(row->time_s);
	w[WR_RETESTS] = htole64(row->retests);
	w[WR_IMB_T] = bench_wire_dbl_le(row->imb_t_us);
	ret = share_from_root(bs, w, sizeof(w));
	if (ret)
		return ret;
	bench_row_init(row, le64toh(w[WR_SIZE]));
	row->iters = le64toh(w[WR_ITERS]);
	row->warmup = le64toh(w[WR_WARMUP]);
	row->lat_us.count = le64toh(w[WR_COUNT]);
	for (id = 0; id < BENCH_STAT_NR; id++)
		bench_stats_set(&row->lat_us, id,
				bench_wire_le_dbl(w[WR_STATS + id]));
	row->bw_MBps = bench_wire_le_dbl(w[WR_BW]);
	row->bw_peak_MBps = bench_wire_le_dbl(w[WR_BW_PEAK]);
	row->msg_rate_per_s = bench_wire_le_dbl(w[WR_MSG_RATE]);
	row->median_ci_us.lo = bench_wire_le_dbl(w[WR_MEDIAN_LO]);
	row->median_ci_us.hi = bench_wire_le_dbl(w[WR_MEDIAN_HI]);
	row->mean_ci_us.lo = bench_wire_le_dbl(w[WR_MEAN_LO]);
	row->mean_ci_us.hi = bench_wire_le_dbl(w[WR_MEAN_HI]);
	row->batches = (unsigned)le64toh(w[WR_BATCHES]);
	row->stable = (int)le64toh(w[WR_STABLE]) - 1;
	row->stop = (enum bench_stop)le64toh(w[WR_STOP]);
	row->time_s = bench_wire_le_dbl(w[WR_TIME]);
	row->retests = (unsigned)le64toh(w[WR_RETESTS]);
	row->imb_t_us = bench_wire_le_dbl(w[WR_IMB_T]);
	return 0;
}

/*
 * The guard's phase for an engine step: progress is rank 0's samples
 * count and the engine's count of untimed iterations (warm-up, and every
 * iteration of the other ranks).
 */
static void run_guard_step(struct run_ctx *c, const struct bench_step *st,
			   const struct bench_samples *s)
{
	c->eng->progress = 0;
	bench_guard_phase2(
		c->o->guard, 0, &s->count, &c->eng->progress,
		st->warmup + st->iters, "the %s loop at %zu B, as rank %d",
		bench_test_name(st->test), st->size_bytes, c->bs->rank);
}

/* One pass of the engine over step, after both ends are ready. */
static int run_step(struct run_ctx *c, const struct bench_step *st,
		    struct bench_samples *s)
{
	struct bench_engine *eng = c->eng;
	int ret;

	bench_guard_phase(c->o->guard, 0, NULL, 0,
			  "waiting for every rank before %zu B",
			  st->size_bytes);
	ret = bench_bootstrap_barrier(c->bs);
	if (ret) {
		bench_err("bootstrap %s: barrier before %zu bytes failed: %s",
			  c->bs->ops->name, st->size_bytes, strerror(-ret));
		return ret;
	}
	s->count = 0;
	s->loop_ticks = 0;
	run_guard_step(c, st, s);
	if (test_is_bw(st->test))
		ret = eng->ops->run_bw(eng, st, s);
	else
		ret = eng->ops->run_lat(eng, st, s);
	/* watched: what follows may wait on the peer (loop times, rows) */
	bench_guard_phase(c->o->guard, 0, NULL, 0,
			  "the statistics and exchanges after %zu B",
			  st->size_bytes);
	if (ret)
		bench_err("%s engine: %s of %zu bytes failed: %s",
			  eng->ops->name, bench_test_name(st->test),
			  st->size_bytes, strerror(-ret));
	return ret;
}

static double samples_sum_ns(const struct bench_engine *eng,
			     const struct bench_samples *s)
{
	double sum = 0;
	uint64_t i;

	for (i = 0; i < s->count; i++)
		sum += (double)s->ticks[i];
	return sum * eng->clock->ns_per_tick;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Rank 0's verdict on a probe of n iterations: 0 to probe again with
 * more, else the iteration count that fills the budget. The rate comes
 * from the median iteration, so that one preemption in a short probe
 * does not shrink the count tenfold.
 */
static uint64_t probe_verdict(const struct run_ctx *c, struct bench_samples *s,
			      uint64_t n)
{
	double total_ns = samples_sum_ns(c->eng, s);
	double budget_ns = c->o->time_per_size_s * 1e9;
	double per_iter_ns, iters;

	if (s->count == 0)
		return 1; /* the engine recorded nothing: row_fill says so */
	if (total_ns < PROBE_MIN_NS && total_ns < budget_ns / 10 &&
	    n < ITERS_CAP)
		return 0;
	qsort(s->ticks, s->count, sizeof(*s->ticks), cmp_u64);
	per_iter_ns =
		bench_clock_ticks_to_ns(c->eng->clock, s->ticks[s->count / 2]);
	iters = per_iter_ns > 0 ? budget_ns / per_iter_ns : (double)ITERS_CAP;
	if (iters < 1)
		return 1;
	if (iters > (double)ITERS_CAP)
		return ITERS_CAP;
	return (uint64_t)iters;
}

/*
 * --time-per-size: probe with growing counts until one probe is long
 * enough to trust its time per iteration. Rank 0 decides; the verdict
 * goes through the bootstrap so both ends run the same count.
 */
static int run_probe(struct run_ctx *c, struct bench_step *st)
{
	struct bench_step probe = *st;
	struct bench_samples s = { 0 };
	uint64_t n = PROBE_FIRST, verdict = 0;
	int ret;

	probe.warmup = 2;
	while (!verdict) {
		probe.iters = n;
		bench_samples_free(&s);
		ret = bench_samples_alloc(&s, n);
		if (ret)
			break;
		ret = run_step(c, &probe, &s);
		if (ret)
			break;
		verdict = c->bs->rank == 0 ? probe_verdict(c, &s, n) : 0;
		ret = share_from_root(c->bs, &verdict, sizeof(verdict));
		if (ret)
			break;
		probe.warmup = 0;
		n = n * 8 < ITERS_CAP ? n * 8 : ITERS_CAP;
	}
	st->iters = verdict;
	bench_samples_free(&s);
	return ret;
}

/* Iterations and warm-up of one size: --iters, --time-per-size or IMB. */
static int run_counts(struct run_ctx *c, struct bench_step *st)
{
	const struct bench_opts *o = c->o;
	int ret;

	if (o->iters) {
		st->iters = o->iters;
	} else if (o->time_per_size_s > 0) {
		ret = run_probe(c, st);
		if (ret)
			return ret;
	} else if (test_is_bw(st->test)) {
		st->iters = bench_schedule_windows(st->size_bytes, st->window);
	} else {
		st->iters = bench_schedule_iters(st->size_bytes);
	}
	st->warmup =
		o->warmup_set ? o->warmup : bench_schedule_warmup(st->iters);
	return 0;
}

/* Ticks to the reported unit (us): halved for HALF_RTT, per message
 * for bandwidth windows. */
static double row_scale(const struct bench_step *st,
			const struct bench_clock *clk, enum bench_lat_kind kind)
{
	double scale = clk->ns_per_tick / 1000.0;

	if (test_is_bw(st->test))
		scale /= st->window;
	else if (kind == BENCH_LAT_HALF_RTT)
		scale /= 2;
	return scale;
}

int bench_row_from_acc(struct bench_row *row, const struct bench_step *st,
		       struct bench_acc *acc, const struct bench_clock *clk,
		       enum bench_lat_kind kind)
{
	struct bench_summary sum;
	double mult;
	int ret;

	ret = bench_acc_summary(acc, row_scale(st, clk, kind), &sum);
	if (ret)
		return ret;
	row->lat_us = sum.st;
	row->median_ci_us = sum.median_ci;
	row->mean_ci_us = sum.mean_ci;
	row->batches = sum.batches;
	row->stable = sum.stable;
	/*
	 * Messages per second: the inverse of the mean time per message
	 * (for bw, the window's bytes over its time, which is the same:
	 * the sum of window times over the windows). Twice for bibw.
	 */
	mult = st->test == BENCH_TEST_BIBW ? 2.0 : 1.0;
	row->msg_rate_per_s = mult * 1e6 / row->lat_us.mean;
	/* messages per second times bytes, in 10^6 bytes per second; for a
	 * latency test this is IMB's size / t[usec] */
	row->bw_MBps = row->msg_rate_per_s * (double)st->size_bytes / 1e6;
	return 0;
}

int bench_row_compute(struct bench_row *row, const struct bench_step *st,
		      const struct bench_samples *s,
		      const struct bench_clock *clk, enum bench_lat_kind kind)
{
	struct bench_acc *acc;
	int ret;

	if (s->count == 0)
		return -EINVAL;
	/* Room for every sample: the figures are exact. */
	ret = bench_acc_create(s->count, &acc);
	if (ret)
		return ret;
	bench_acc_add(acc, s->ticks, s->count);
	ret = bench_row_from_acc(row, st, acc, clk, kind);
	bench_acc_destroy(acc);
	return ret;
}

static double progress_now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/*
 * The time left is the last size's wall time for each size still to
 * come: with the IMB schedule every large size moves about the same
 * bytes, so this errs long early (small sizes are quick) and is close
 * for the large sizes, which take most of the run.
 */
static void progress_show(const struct run_ctx *c, size_t idx, size_t n,
			  size_t bytes, double last_s)
{
	if (!c->progress || c->progress_lines)
		return;
	fprintf(stderr, "\r%s: size %zu of %zu (%zu bytes)", bench_log_prog(),
		idx + 1, n, bytes);
	if (idx > 0)
		fprintf(stderr, ", about %.0f s left",
			last_s * (double)(n - idx));
	fprintf(stderr, "...");
}

static void progress_done(const struct run_ctx *c, size_t idx, size_t n,
			  size_t bytes, double size_s)
{
	if (!c->progress)
		return;
	if (!c->progress_lines) {
		fprintf(stderr, "\r\033[K");
		return;
	}
	fprintf(stderr,
		"%s: progress: %zu bytes done, %zu of %zu rows, %.1f s "
		"elapsed, about %.0f s left\n",
		bench_log_prog(), bytes, idx + 1, n,
		progress_now_s() - c->t_start_s,
		size_s * (double)(n - idx - 1));
}

/*
 * ---- Measurement in batches (statistics; doc/statistics.md) ----
 *
 * A size is measured in engine calls of at most BATCH_MAX timed
 * iterations, so that the sample buffer is bounded whatever --iters or
 * the duration; rank 0 streams every batch into its accumulator (raw
 * samples up to a bound, then a histogram) and into --samples. Each
 * later batch starts with BATCH_WARMUP untimed iterations: the barrier
 * between batches lets the peer go cold.
 */
#define BATCH_MAX	   65536ull
#define BATCH_WARMUP	   2ull
#define ADAPT_FIRST	   100ull /* first batch of --precision, at most */
#define ADAPT_FIRST_MIN	   8ull	  /* and at least: [x(1), x(8)] is 99 % */
#define ADAPT_GROWTH	   4.0	  /* a batch is at most 4x what came before */
#define ADAPT_MARGIN	   1.2	  /* aim 20 % past the predicted count */
#define ADAPT_ITERS_MAX_DF 1000000ull /* --max-iters default */
#define ADAPT_MIN_DONE	   32ull      /* the precision stop needs as many */
#define ADAPT_SMALL_BYTES  65536u     /* below, the default cap is ... */
#define ADAPT_SMALL_CAP_S  0.1	      /* ... this (s) */

/*
 * The time cap of a size (doc/statistics.md): --max-time-per-size when
 * given; else 0.1 s below 64 KiB, where a size's samples are many and
 * what is left of its spread is the machine's, and the default
 * (0.25 s) from 64 KiB on, where a sample costs up to milliseconds.
 */
static double adapt_cap_s(const struct bench_opts *o, size_t bytes)
{
	if (o->max_time_per_size_set || bytes >= ADAPT_SMALL_BYTES ||
	    o->max_time_per_size_s <= ADAPT_SMALL_CAP_S)
		return o->max_time_per_size_s;
	return ADAPT_SMALL_CAP_S;
}

/* Every sample of a batch as "size_bytes,latency_us" (rank 0). */
static int samples_dump(struct run_ctx *c, const struct bench_step *st,
			const struct bench_samples *s)
{
	double scale = row_scale(st, c->eng->clock, c->r->lat_kind);
	uint64_t i;

	if (!c->samples_f)
		return 0;
	for (i = 0; i < s->count; i++)
		fprintf(c->samples_f, "%zu,%.6f\n", st->size_bytes,
			(double)s->ticks[i] * scale);
	if (ferror(c->samples_f)) {
		bench_err("--samples %s: write failed; check the disk",
			  c->o->samples_path);
		return -EIO;
	}
	return 0;
}

/* n timed iterations of st in batches; warm-up before the first only
 * when first is set. Rank 0 accumulates. */
static int run_batches(struct run_ctx *c, const struct bench_step *st,
		       uint64_t n, bool first, struct bench_samples *s)
{
	struct bench_step b = *st;
	int ret = 0;

	while (n && !ret) {
		b.iters = n < s->capacity ? n : s->capacity;
		b.warmup = first ? st->warmup : BATCH_WARMUP;
		first = false;
		ret = run_step(c, &b, s);
		c->loop_ticks += s->loop_ticks;
		if (ret || c->bs->rank != 0)
			goto next;
		if (s->count == 0) {
			bench_err("%s engine recorded no sample for %zu bytes",
				  c->eng->ops->name, st->size_bytes);
			return -EIO;
		}
		bench_acc_add(c->acc, s->ticks, s->count);
		ret = samples_dump(c, st, s);
next:
		n -= b.iters;
	}
	return ret;
}

/*
 * Rank 0's next batch under --precision: 0 when done (with *why). The
 * half-width shrinks as 1/sqrt(n), so the count that reaches P is
 * n (w/P)^2; the batch aims 20 % past it, grows at most 4x, and fits
 * the time and iteration caps left.
 */
static uint64_t adapt_next(struct run_ctx *c, size_t bytes, double elapsed_s,
			   uint64_t done, enum bench_stop *why)
{
	const struct bench_opts *o = c->o;
	uint64_t cap = o->max_iters ? o->max_iters : ADAPT_ITERS_MAX_DF;
	double w = bench_acc_median_rel_halfwidth(c->acc), want, left;
	double cap_s = adapt_cap_s(o, bytes);

	if (w <= o->precision && done >= ADAPT_MIN_DONE) {
		*why = BENCH_STOP_PRECISION;
		return 0;
	}
	if (cap_s > 0 && elapsed_s >= cap_s) {
		*why = BENCH_STOP_TIME_CAP;
		return 0;
	}
	if (done >= cap) {
		*why = BENCH_STOP_ITER_CAP;
		return 0;
	}
	want = isfinite(w) ? (double)done * (w / o->precision) *
					     (w / o->precision) * ADAPT_MARGIN -
				     (double)done
			   : (double)done;
	if (want > ADAPT_GROWTH * (double)done)
		want = ADAPT_GROWTH * (double)done;
	if (want < (double)ADAPT_MIN_DONE - (double)done)
		want = (double)ADAPT_MIN_DONE - (double)done;
	if (cap_s > 0) {
		left = (cap_s - elapsed_s) / elapsed_s * (double)done;
		if (want > left)
			want = left;
	}
	if (want > (double)(cap - done))
		want = (double)(cap - done);
	return want < 1 ? 1 : (uint64_t)want;
}

/* --precision: batches until precise, or a cap. Returns the stop. */
static int run_adaptive(struct run_ctx *c, const struct bench_step *st,
			double t0, struct bench_samples *s, uint64_t *done,
			enum bench_stop *why)
{
	uint64_t n = st->iters / 4;
	enum bench_stop stop = BENCH_STOP_UNKNOWN;
	uint64_t verdict[2];
	bool first = true;
	int ret;

	/* a quarter of the fixed schedule, within [8, 100]: large sizes
	 * are steady and few samples reach the precision */
	n = n > ADAPT_FIRST	  ? ADAPT_FIRST
	    : n < ADAPT_FIRST_MIN ? ADAPT_FIRST_MIN
				  : n;
	*done = 0;
	while (n) {
		ret = run_batches(c, st, n, first, s);
		if (ret)
			return ret;
		first = false;
		*done += n;
		n = c->bs->rank == 0
			    ? adapt_next(c, st->size_bytes, bench_mono_s() - t0,
					 *done, &stop)
			    : 0;
		verdict[0] = htole64(n);
		verdict[1] = htole64(stop);
		ret = share_from_root(c->bs, verdict, sizeof(verdict));
		if (ret)
			return ret;
		n = le64toh(verdict[0]);
		*why = (enum bench_stop)le64toh(verdict[1]);
	}
	return 0;
}

/* Every rank's loop ticks of the size, in rank order (*out, freed by the
 * caller). */
static int loops_gather(struct run_ctx *c, uint64_t **out)
{
	uint64_t mine = htole64(c->loop_ticks), *all;
	int i, ret;

	all = calloc((size_t)c->bs->size, sizeof(*all));
	if (!all)
		return -ENOMEM;
	ret = c->bs->size > 1 ? bench_bootstrap_exchange(c->bs, &mine, all,
							 sizeof(mine))
			      : 0;
	if (c->bs->size <= 1)
		all[0] = mine;
	if (ret) {
		bench_err("bootstrap %s: exchange of loop times failed: %s",
			  c->bs->ops->name, strerror(-ret));
		free(all);
		return ret;
	}
	for (i = 0; i < c->bs->size; i++)
		all[i] = le64toh(all[i]);
	*out = all;
	return 0;
}

void bench_row_add_loops(struct bench_row *row, const struct bench_step *st,
			 uint64_t iters, const uint64_t *loop_ticks,
			 size_t n_ranks, const struct bench_clock *clk,
			 enum bench_lat_kind kind, bool bibw_each_side)
{
	double t_max = 0, rate = 0, t;
	size_t i, timed = 0;

	if (!iters)
		return;
	for (i = 0; i < n_ranks; i++) {
		if (!loop_ticks[i])
			continue;
		t = bench_clock_ticks_to_ns(clk, loop_ticks[i]) / 1000.0 /
		    (double)iters;
		t_max = t > t_max ? t : t_max;
		rate += (double)st->window * 1e6 / t; /* t: us a window */
		timed++;
	}
	if (!timed)
		return;
	if (st->test == BENCH_TEST_LAT && kind == BENCH_LAT_HALF_RTT)
		row->imb_t_us = t_max / 2;
	else if (st->test == BENCH_TEST_PINGPING)
		row->imb_t_us = t_max;
	if (st->test == BENCH_TEST_BIBW && bibw_each_side && timed >= 2) {
		row->msg_rate_per_s = rate;
		row->bw_MBps = rate * (double)st->size_bytes / 1e6;
	}
}

/*
 * --check: while rank 0 judges the row INCONCLUSIVE, measure it again
 * with three times the samples so far added (the interval halves),
 * within the run's retest budget; every rank records each retest.
 */
#define RETEST_MAX   4u
#define RETEST_MAX_S 1.0 /* a retest's time, at least */

static uint64_t retest_count(struct run_ctx *c, const struct bench_row *row,
			     uint64_t done, enum bench_verdict *v)
{
	const struct bench_check *chk = c->o->check;
	double left = RETEST_MAX_S, per_iter, n;

	if (4 * c->o->max_time_per_size_s > left)
		left = 4 * c->o->max_time_per_size_s;
	*v = chk->judge(chk, c->r, row);
	if (*v != BENCH_VERDICT_INCONCLUSIVE || row->retests >= RETEST_MAX ||
	    c->retests_done >= chk->retest_budget || !done)
		return 0;
	per_iter = row->time_s / (double)done;
	n = 3.0 * (double)done;
	if (per_iter > 0 && n * per_iter > left)
		n = left / per_iter;
	return n < 1 ? 0 : (uint64_t)n;
}

static int retest_record(struct run_ctx *c, size_t bytes, uint64_t n,
			 enum bench_verdict v)
{
	static const char *const names[] = { "PASS", "FAIL", "INCONCLUSIVE" };

	if (!c->retests) {
		c->retests = json_array();
		if (!c->retests)
			return -ENOMEM;
	}
	return json_array_append_new(
		       c->retests,
		       json_pack("{s:I, s:s, s:I}", "size_bytes",
				 (json_int_t)bytes, "verdict_before",
				 (unsigned)v < 3 ? names[v] : "UNCHECKED",
				 "iterations_added", (json_int_t)n))
		       ? -ENOMEM
		       : 0;
}

static int run_retests(struct run_ctx *c, const struct bench_step *st,
		       struct bench_samples *s, double t0, uint64_t *done,
		       struct bench_row *row)
{
	enum bench_verdict v = BENCH_VERDICT_UNCHECKED;
	uint64_t w[2];
	double t1;
	int ret;

	for (;;) {
		w[0] = htole64(
			c->bs->rank == 0 ? retest_count(c, row, *done, &v) : 0);
		w[1] = htole64((uint64_t)(v + 1));
		ret = share_from_root(c->bs, w, sizeof(w));
		if (ret || !le64toh(w[0]))
			return ret;
		v = (enum bench_verdict)((int)le64toh(w[1]) - 1);
		t1 = bench_mono_s();
		ret = run_batches(c, st, le64toh(w[0]), true, s);
		ret = ret ?: retest_record(c, st->size_bytes, le64toh(w[0]), v);
		if (ret)
			return ret;
		*done += le64toh(w[0]);
		row->iters = *done;
		row->retests++;
		c->retests_done++;
		c->retest_s += bench_mono_s() - t1;
		if (c->bs->rank == 0) {
			ret = bench_row_from_acc(row, st, c->acc, c->eng->clock,
						 c->r->lat_kind);
			row->time_s = bench_mono_s() - t0;
		}
		ret = ret ?: row_share(c->bs, row);
		if (ret)
			return ret;
	}
}

/* One message size: counts, the batches, the row on every rank. */
static int run_size(struct run_ctx *c, size_t bytes, struct bench_row *row)
{
	struct bench_samples s = { 0 };
	struct bench_step st = {
		.test = c->o->test,
		.size_bytes = bytes,
		.window = test_is_bw(c->o->test) ? c->o->window : 1,
		.validate = c->o->validate,
	};
	enum bench_stop why = c->o->time_per_size_s > 0
				      ? BENCH_STOP_TIME_PER_SIZE
				      : BENCH_STOP_FIXED;
	double t0 = bench_mono_s();
	uint64_t done = 0, cap, *loops = NULL;
	int ret;

	ret = run_counts(c, &st);
	if (ret)
		return ret;
	cap = c->o->precision > 0 || st.iters > BATCH_MAX ? BATCH_MAX
							  : st.iters;
	ret = bench_samples_alloc(&s, cap);
	if (ret) {
		bench_err("cannot hold %" PRIu64 " samples of %zu bytes: %s",
			  cap, bytes, strerror(-ret));
		return ret;
	}
	if (c->acc)
		bench_acc_reset(c->acc);
	c->loop_ticks = 0;
	if (c->o->precision > 0) {
		ret = run_adaptive(c, &st, t0, &s, &done, &why);
	} else {
		done = st.iters;
		ret = run_batches(c, &st, st.iters, true, &s);
	}
	if (ret)
		goto out_free;
	ret = loops_gather(c, &loops);
	if (ret)
		goto out_free;
	bench_row_init(row, bytes);
	row->iters = done;
	row->warmup = st.warmup;
	if (c->bs->rank == 0) {
		ret = bench_row_from_acc(row, &st, c->acc, c->eng->clock,
					 c->r->lat_kind);
		if (!ret)
			bench_row_add_loops(row, &st, done, loops,
					    (size_t)c->bs->size, c->eng->clock,
					    c->r->lat_kind,
					    c->eng->bibw_each_side);
		if (ret) {
			bench_err("statistics of %zu bytes: %s", bytes,
				  strerror(-ret));
			goto out_free;
		}
		row->stop = why;
		row->time_s = bench_mono_s() - t0;
	}
	bench_guard_phase(c->o->guard, 0, NULL, 0,
			  "sharing the row of %zu B with every rank", bytes);
	ret = row_share(c->bs, row);
	if (!ret && c->o->check)
		ret = run_retests(c, &st, &s, t0, &done, row);
out_free:
	free(loops);
	bench_samples_free(&s);
	return ret;
}

/* run.check: the retest budget, its use and every retest. */
static int check_record(struct run_ctx *c)
{
	json_t *chk = json_object_get(c->r->run, "check");
	int ret = 0;

	if (!json_is_object(chk)) {
		chk = json_object();
		if (!chk || json_object_set_new(c->r->run, "check", chk))
			return -ENOMEM;
	}
	ret |= json_object_set_new(chk, "retest_budget",
				   json_integer(c->o->check->retest_budget));
	ret |= json_object_set_new(chk, "retest_s", json_real(c->retest_s));
	ret |= json_object_set_new(chk, "retests",
				   c->retests ? c->retests : json_array());
	c->retests = NULL;
	return ret ? -ENOMEM : 0;
}

/* Rank 0's accumulator and --samples file, for the whole run. */
static int measure_open(struct run_ctx *c)
{
	int ret, fd;

	if (c->bs->rank != 0)
		return 0;
	ret = bench_acc_create(0, &c->acc);
	if (ret) {
		bench_err("cannot allocate the statistics: %s", strerror(-ret));
		return ret;
	}
	if (!c->o->samples_path)
		return 0;
	if (asprintf(&c->samples_tmp, "%s.tmp.XXXXXX", c->o->samples_path) < 0)
		return -ENOMEM;
	fd = mkstemp(c->samples_tmp);
	c->samples_f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!c->samples_f) {
		ret = -errno;
		bench_err("--samples %s: cannot create it: %s",
			  c->o->samples_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	fprintf(c->samples_f,
		"# %s latency_us of every timed iteration\n"
		"size_bytes,latency_us\n",
		bench_lat_kind_name(c->r->lat_kind));
	return 0;
}

/* Close; keep --samples (renamed into place) when ok, else remove it. */
static int measure_close(struct run_ctx *c, bool ok)
{
	int ret = 0;

	bench_acc_destroy(c->acc);
	c->acc = NULL;
	if (c->samples_f) {
		if (fchmod(fileno(c->samples_f), 0644) ||
		    fflush(c->samples_f) || fsync(fileno(c->samples_f)))
			ret = -errno;
		if (fclose(c->samples_f) && !ret)
			ret = -errno;
		c->samples_f = NULL;
		if (ok && !ret && rename(c->samples_tmp, c->o->samples_path))
			ret = -errno;
		if (!ok || ret)
			unlink(c->samples_tmp);
		if (ok && ret)
			bench_err("--samples %s: cannot write it: %s",
				  c->o->samples_path, strerror(-ret));
	}
	free(c->samples_tmp);
	c->samples_tmp = NULL;
	return ok ? ret : 0;
}

/* What the guard writes if the run ends early: this rank's --json. */
static int run_snapshot(const struct run_ctx *c)
{
	int ret;

	if (!c->print || !c->o->json_path)
		return 0;
	/* should the run end before the exchange of bench_env_finish */
	ret = c->r->n_rows
		      ? bench_env_during_set(c->r->run, c->bs->rank, &c->env0)
		      : 0;
	return ret ? ret : bench_guard_snapshot(c->o->guard, c->r, c->planned);
}

static int run_sizes(struct run_ctx *c, const size_t *sizes, size_t n)
{
	struct bench_row row;
	double last_s = 0;
	size_t i;
	int ret;

	if (c->print)
		bench_writer_header(&c->w);
	c->t_start_s = progress_now_s();
	for (i = 0; i < n; i++) {
		double t0 = progress_now_s();

		progress_show(c, i, n, sizes[i], last_s);
		ret = run_size(c, sizes[i], &row);
		last_s = progress_now_s() - t0;
		progress_done(c, i, n, sizes[i], last_s);
		if (ret)
			return ret;
		ret = bench_result_add_row(c->r, &row);
		if (!ret)
			ret = run_snapshot(c);
		if (ret)
			return ret;
		if (c->print)
			bench_writer_row(&c->w, &row);
	}
	if (c->print)
		bench_writer_footer(&c->w);
	return 0;
}

static const unsigned test_caps[BENCH_TEST_NR] = {
	[BENCH_TEST_LAT] = BENCH_CAP_LAT,
	[BENCH_TEST_BW] = BENCH_CAP_BW,
	[BENCH_TEST_BIBW] = BENCH_CAP_BIBW,
	[BENCH_TEST_PINGPING] = BENCH_CAP_PINGPING,
};

/*
 * The sizes this engine runs: without zero-byte support 0 B is dropped
 * from the default list, and refused when the user asked for it.
 */
static int run_sizes_select(const struct bench_engine_ops *ops,
			    const struct bench_opts *o, const size_t **sizes,
			    size_t *n)
{
	const struct bench_sizes *sz = &o->sizes;
	size_t skip = 0;

	if (!(ops->caps & test_caps[o->test]) ||
	    (test_is_bw(o->test) && !ops->run_bw) ||
	    (!test_is_bw(o->test) && !ops->run_lat)) {
		bench_err("the %s engine cannot run --test %s", ops->name,
			  bench_test_name(o->test));
		return -ENOTSUP;
	}
	if (sz->count && sz->bytes[0] == 0 &&
	    !(ops->caps & BENCH_CAP_ZERO_BYTE)) {
		if (o->sizes_set) {
			bench_err("--sizes: the %s engine cannot send 0-byte "
				  "messages; start at 1",
				  ops->name);
			return -EINVAL;
		}
		skip = 1;
	}
	if (sz->count <= skip) {
		bench_err("--sizes: no message size to run");
		return -EINVAL;
	}
	*sizes = sz->bytes + skip;
	*n = sz->count - skip;
	return 0;
}

int bench_run_check(const struct bench_engine_ops *ops,
		    const struct bench_opts *o)
{
	const size_t *sizes;
	size_t n;

	return run_sizes_select(ops, o, &sizes, &n);
}

static void engine_close(struct bench_engine *eng)
{
	if (eng->ops && eng->ops->cleanup && eng->priv)
		eng->ops->cleanup(eng);
	free(eng->priv);
	eng->priv = NULL;
}

/* init, connect, prepare; on failure everything is undone. */
static int engine_open(struct bench_engine *eng, struct bench_bootstrap *bs,
		       const struct bench_opts *o, size_t max_size)
{
	const struct bench_engine_ops *ops = eng->ops;
	int ret = -ENOMEM;

	eng->priv = calloc(1, ops->priv_size ? ops->priv_size : 1);
	if (!eng->priv)
		goto err;
	eng->bs = bs;
	eng->lat_kind = BENCH_LAT_HALF_RTT;
	eng->timeout_ms = (int)(o->timeout_s * 1000);
	ret = ops->init ? ops->init(eng) : 0;
	if (ret)
		goto err;
	ret = ops->connect ? ops->connect(eng, bs) : 0;
	if (ret)
		goto err;
	ret = ops->prepare(eng, max_size);
	if (ret)
		goto err;
	return 0;
err:
	engine_close(eng);
	return ret;
}

static int result_method(struct bench_result *r);

/* Test, latency kind and engine metadata of the result. */
static int result_head(struct bench_result *r, struct bench_engine *eng,
		       const struct bench_opts *o)
{
	r->test = o->test;
	if (o->test == BENCH_TEST_PINGPING || test_is_bw(o->test))
		r->lat_kind = BENCH_LAT_ONE_MSG;
	else
		r->lat_kind = eng->lat_kind;
	if (!r->test_name) {
		r->test_name = strdup(bench_test_name(o->test));
		if (!r->test_name)
			return -ENOMEM;
	}
	if (!r->run) {
		r->run = json_object();
		if (!r->run)
			return -ENOMEM;
	}
	if (eng->ops->describe) {
		int ret = eng->ops->describe(eng, r->run);

		if (ret)
			return ret;
	}
	return result_method(r);
}

/*
 * run.method: how a figure was measured, when the engine did not say
 * (doc/result-format.md lists the names).
 */
static int result_method(struct bench_result *r)
{
	static const char *const names[BENCH_TEST_NR] = {
		[BENCH_TEST_LAT] = "ping-pong",
		[BENCH_TEST_BW] = "window-ack",
		[BENCH_TEST_BIBW] = "window-ack",
		[BENCH_TEST_PINGPING] = "ping-ping",
	};

	if (json_object_get(r->run, "method"))
		return 0;
	return json_object_set_new(r->run, "method",
				   json_string(names[r->test]))
		       ? -ENOMEM
		       : 0;
}

/*
 * --format imb prints what IMB measures or refuses: IMB has no round
 * trip, and its Uniband and Biband are windows of 256 messages, each
 * acknowledged.
 */
static int result_imb_check(const struct bench_result *r, unsigned window)
{
	const char *method =
		json_string_value(json_object_get(r->run, "method"));

	if (r->lat_kind == BENCH_LAT_RTT) {
		bench_err("--format imb: IMB has no round-trip latency, and "
			  "this test reports one (RDMA read); use --format "
			  "table or csv");
		return -EINVAL;
	}
	if (!test_is_bw(r->test))
		return 0;
	/* Biband also takes osu_bibw's windows both ways (the banner names
	 * the method); a stream is no window at all */
	if (window != 256 || !method ||
	    (strcmp(method, "window-ack") != 0 &&
	     (r->test != BENCH_TEST_BIBW || strcmp(method, "window-both")))) {
		bench_err("--format imb --test %s: IMB's %s acknowledges "
			  "windows of 256 messages, this run's are %u (method "
			  "%s); add --window 256%s, or use --format table or "
			  "csv",
			  bench_test_name(r->test), bench_imb_name(r->test),
			  window, method ? method : "?",
			  method && !strcmp(method, "stream")
				  ? " --bw-method window"
				  : "");
		return -EINVAL;
	}
	return 0;
}

/*
 * One clock read inside every sample: when it costs more than 1 % of the
 * shortest timed iteration (twice the smallest one-way latency of a
 * half round trip), the figures carry it visibly; say so once.
 */
static void run_clock_check(const struct run_ctx *c)
{
	const struct bench_clock *clk = c->eng->clock;
	double min_us = INFINITY, iter_ns;
	size_t i;

	if (!c->print || test_is_bw(c->o->test))
		return;
	for (i = 0; i < c->r->n_rows; i++)
		if (c->r->rows[i].lat_us.min < min_us)
			min_us = c->r->rows[i].lat_us.min;
	iter_ns =
		min_us * 1000 * (c->r->lat_kind == BENCH_LAT_HALF_RTT ? 2 : 1);
	if (!isfinite(iter_ns) || clk->overhead_ns <= iter_ns * 0.01)
		return;
	if (iter_ns < clk->overhead_ns)
		bench_warn("one clock read costs %.0f ns, more than the "
			   "shortest timed iteration (%.3f us), and every "
			   "sample holds one; clock: %s (%s)",
			   clk->overhead_ns, iter_ns / 1000, clk->source,
			   clk->reason ? clk->reason : "");
	else
		bench_warn("one clock read costs %.0f ns, %.1f %% of the "
			   "shortest timed iteration (%.3f us), and every "
			   "sample holds one; clock: %s (%s)",
			   clk->overhead_ns, clk->overhead_ns / iter_ns * 100,
			   iter_ns / 1000, clk->source,
			   clk->reason ? clk->reason : "");
}

/*
 * --json at the end of the run; after a failure (failed < 0), what was
 * finished, marked incomplete. Returns failed, or the write's error.
 */
static int run_save(const struct run_ctx *c, int failed)
{
	char detail[128];
	int ret;

	if (!c->print || !c->o->json_path)
		return failed;
	if (failed) {
		snprintf(detail, sizeof(detail), "the run failed: %s",
			 strerror(-failed));
		ret = bench_result_mark_incomplete(c->r, "failed", detail,
						   c->planned);
		if (ret)
			return failed;
	}
	ret = bench_result_write_file(c->r, c->o->json_path);
	if (ret)
		bench_err("--json %s: cannot write the result: %s",
			  c->o->json_path, strerror(-ret));
	else if (failed)
		bench_err(
			"--json %s: the %zu of %zu sizes finished are written, "
			"marked incomplete",
			c->o->json_path, c->r->n_rows, c->planned);
	bench_guard_done(c->o->guard);
	return failed ? failed : ret;
}

int bench_run(const struct bench_engine_ops *ops, const void *engine_cfg,
	      struct bench_bootstrap *bs, const struct bench_opts *o,
	      const struct bench_clock *clk, struct bench_result *r)
{
	const struct bench_engine_desc d = { .name = ops->name, .ops = ops };

	return bench_run_engine(&d, engine_cfg, bs, o, clk, r);
}

int bench_run_engine(const struct bench_engine_desc *d, const void *engine_cfg,
		     struct bench_bootstrap *bs, const struct bench_opts *o,
		     const struct bench_clock *clk, struct bench_result *r)
{
	const struct bench_engine_ops *ops = d->ops;
	struct bench_plan plan = { .test = o->test, .validate = o->validate };
	struct bench_engine eng = {
		.ops = ops, .cfg = engine_cfg, .clock = clk, .plan = &plan
	};
	struct run_ctx c = { .eng = &eng, .bs = bs, .o = o, .r = r };
	const size_t *sizes;
	size_t n;
	int ret;

	ret = bench_engine_ranks_check(d, bs->size, bs->rank);
	if (!ret)
		ret = run_sizes_select(ops, o, &sizes, &n);
	if (ret)
		return ret;
	plan.max_size_bytes = sizes[n - 1];
	plan.window = o->window;
	/* Agree before touching the transport: a mismatch costs nothing. */
	ret = bench_run_agree(bs, o, d, engine_cfg);
	if (ret)
		return ret;
	ret = engine_open(&eng, bs, o, sizes[n - 1]);
	if (ret)
		return ret;
	ret = result_head(r, &eng, o);
	if (!ret && o->format == BENCH_FORMAT_IMB)
		ret = result_imb_check(r, o->window);
	if (ret)
		goto out_close;
	c.print = (bs->rank == 0 || o->print_all_ranks) && !o->no_output;
	c.progress_lines = !isatty(STDERR_FILENO);
	c.progress = c.print && !o->quiet && (o->progress || !c.progress_lines);
	bench_writer_init(&c.w, stdout, o->format, r, bs->size, o->window);
	c.planned = n;
	ret = measure_open(&c);
	if (!ret)
		ret = run_snapshot(&c);
	bench_env_usage_read(&c.env0);
	if (!ret)
		ret = run_sizes(&c, sizes, n);
	ret = measure_close(&c, !ret) ?: ret;
	if (!ret)
		ret = bench_env_finish(r->run, bs, &c.env0);
	if (!ret && o->check)
		ret = check_record(&c);
	json_decref(c.retests);
	if (!ret)
		run_clock_check(&c);
	ret = run_save(&c, ret);
out_close:
	engine_close(&eng);
	return ret;
}
