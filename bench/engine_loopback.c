// SPDX-License-Identifier: BSD-2-Clause
/*
 * The loopback engine (fio's null engine): one rank copies the payload to
 * a second buffer and back. It measures memcpy, which is not the point:
 * it exists so that the run driver, statistics and writers are tested
 * end to end without a network.
 *
 * lat: one iteration copies a -> b then b -> a (a "round trip").
 * pingping: the same two copies, reported as one message time.
 * bw: one window copies a -> b window times; bibw also copies b -> a.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "log.h"

struct loopback {
	unsigned char *a;
	unsigned char *b;
	size_t len;	      /* bytes in each buffer */
	uint64_t delay_ticks; /* cfg->delay_ns in clock ticks */
	uint64_t corrupt_iter;
	const struct bench_loopback_cfg *synth; /* NULL: real timing */
	uint64_t rng;				/* splitmix64 state */
	uint64_t synth_done;			/* synthetic samples so far */
};

/* Keep the compiler from dropping copies whose result nobody reads. */
#define LOOPBACK_BARRIER() __asm__ __volatile__("" ::: "memory")

static int loopback_init(struct bench_engine *eng)
{
	const struct bench_loopback_cfg *cfg = eng->cfg;
	struct loopback *lb = eng->priv;

	eng->lat_kind =
		cfg && cfg->round_trip ? BENCH_LAT_RTT : BENCH_LAT_HALF_RTT;
	if (cfg) {
		lb->delay_ticks = (uint64_t)((double)cfg->delay_ns /
					     eng->clock->ns_per_tick);
		lb->corrupt_iter = cfg->corrupt_iter;
		if (cfg->synth_base_ticks) {
			lb->synth = cfg;
			lb->rng = cfg->synth_seed;
		}
	}
	return 0;
}

static int loopback_prepare(struct bench_engine *eng, size_t max_size_bytes)
{
	struct loopback *lb = eng->priv;
	size_t len = max_size_bytes ? max_size_bytes : 1;

	lb->a = malloc(len);
	lb->b = malloc(len);
	if (!lb->a || !lb->b) {
		bench_err("loopback: cannot allocate 2 x %zu bytes", len);
		return -ENOMEM;
	}
	/* Fault the pages in now rather than in the first timed pass. */
	memset(lb->a, 0, len);
	memset(lb->b, 0, len);
	lb->len = len;
	return 0;
}

static inline void spin(const struct bench_clock *clk, uint64_t ticks)
{
	uint64_t t0 = bench_clock_now(clk);

	while (bench_clock_now(clk) - t0 < ticks)
		;
}

/* One message each way; the delay, when asked for, is per message. */
static inline __attribute__((always_inline)) void
round_trip(struct loopback *lb, const struct bench_clock *clk, size_t size,
	   bool delay)
{
	memcpy(lb->b, lb->a, size);
	if (delay)
		spin(clk, lb->delay_ticks);
	memcpy(lb->a, lb->b, size);
	if (delay)
		spin(clk, lb->delay_ticks);
	LOOPBACK_BARRIER();
}

static void fill(unsigned char *p, size_t size, uint64_t iter)
{
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = (unsigned char)(iter * 131 + i * 7 + 1);
}

static int check(const unsigned char *p, size_t size, uint64_t iter)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (p[i] != (unsigned char)(iter * 131 + i * 7 + 1)) {
			bench_err("loopback: payload of %zu bytes differs at "
				  "byte %zu of iteration %llu",
				  size, i, (unsigned long long)iter);
			return -EIO;
		}
	}
	return 0;
}

/* The plain variant: no option is looked at inside the loops. */
static void lat_plain(struct bench_engine *eng, const struct bench_step *st,
		      struct bench_samples *out, bool delay)
{
	const struct bench_clock *clk = eng->clock;
	struct loopback *lb = eng->priv;
	uint64_t i, t0;

	for (i = 0; i < st->warmup; i++)
		round_trip(lb, clk, st->size_bytes, delay);
	for (i = 0; i < st->iters; i++) {
		t0 = bench_clock_now(clk);
		round_trip(lb, clk, st->size_bytes, delay);
		bench_samples_record(out, bench_clock_now(clk) - t0);
	}
}

/* Fill before and check after each pass, both outside the timing. */
static int lat_validate(struct bench_engine *eng, const struct bench_step *st,
			struct bench_samples *out)
{
	const struct bench_clock *clk = eng->clock;
	struct loopback *lb = eng->priv;
	uint64_t i, t0, t1, n = st->warmup + st->iters;
	int ret;

	for (i = 0; i < n; i++) {
		fill(lb->a, st->size_bytes, i);
		t0 = bench_clock_now(clk);
		round_trip(lb, clk, st->size_bytes, lb->delay_ticks != 0);
		t1 = bench_clock_now(clk);
		if (lb->corrupt_iter && st->size_bytes &&
		    i + 1 == st->warmup + lb->corrupt_iter)
			lb->a[st->size_bytes - 1] ^= 0xff;
		ret = check(lb->a, st->size_bytes, i);
		if (ret)
			return ret;
		if (i >= st->warmup)
			bench_samples_record(out, t1 - t0);
	}
	return 0;
}

/* splitmix64 (Steele, Lea, Flood 2014): a uniform 64-bit stream. */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The copies as usual; the samples drawn, not timed (cfg comment). */
static void lat_synth(struct bench_engine *eng, const struct bench_step *st,
		      struct bench_samples *out)
{
	const struct bench_loopback_cfg *cfg =
		((struct loopback *)eng->priv)->synth;
	struct loopback *lb = eng->priv;
	uint64_t i, base;
	double u;

	for (i = 0; i < st->warmup + st->iters; i++)
		round_trip(lb, eng->clock, st->size_bytes, false);
	for (i = 0; i < st->iters; i++) {
		base = cfg->synth_base_ticks;
		if (cfg->synth_shift_after &&
		    lb->synth_done >= cfg->synth_shift_after)
			base *= 2;
		/* u in (0, 1]: 53 random bits */
		u = ((double)(splitmix64(&lb->rng) >> 11) + 1.0) / 0x1p53;
		bench_samples_record(
			out, base + (uint64_t)(-log(u) *
					       (double)cfg->synth_exp_ticks));
		lb->synth_done++;
	}
}

static int loopback_run_lat(struct bench_engine *eng,
			    const struct bench_step *st,
			    struct bench_samples *out)
{
	struct loopback *lb = eng->priv;

	if (st->size_bytes > lb->len || out->capacity < st->iters)
		return -EINVAL;
	if (lb->synth)
		lat_synth(eng, st, out);
	else if (st->validate)
		return lat_validate(eng, st, out);
	else if (lb->delay_ticks)
		lat_plain(eng, st, out, true);
	else
		lat_plain(eng, st, out, false);
	return 0;
}

/* bidir and delay are constants after inlining: no branch per message. */
static inline __attribute__((always_inline)) void
window(struct loopback *lb, const struct bench_clock *clk,
       const struct bench_step *st, bool bidir, bool delay)
{
	unsigned m;

	for (m = 0; m < st->window; m++) {
		memcpy(lb->b, lb->a, st->size_bytes);
		if (bidir)
			memcpy(lb->a, lb->b, st->size_bytes);
		if (delay)
			spin(clk, lb->delay_ticks);
		LOOPBACK_BARRIER();
	}
}

static inline __attribute__((always_inline)) void
bw_plain(struct bench_engine *eng, const struct bench_step *st,
	 struct bench_samples *out, bool bidir, bool delay)
{
	const struct bench_clock *clk = eng->clock;
	struct loopback *lb = eng->priv;
	uint64_t i, t0;

	for (i = 0; i < st->warmup; i++)
		window(lb, clk, st, bidir, delay);
	for (i = 0; i < st->iters; i++) {
		t0 = bench_clock_now(clk);
		window(lb, clk, st, bidir, delay);
		bench_samples_record(out, bench_clock_now(clk) - t0);
	}
}

static int bw_validate(struct bench_engine *eng, const struct bench_step *st,
		       struct bench_samples *out)
{
	bool bidir = st->test == BENCH_TEST_BIBW, delay;
	const struct bench_clock *clk = eng->clock;
	struct loopback *lb = eng->priv;
	uint64_t i, t0, t1, n = st->warmup + st->iters;
	int ret;

	delay = lb->delay_ticks != 0;
	for (i = 0; i < n; i++) {
		fill(lb->a, st->size_bytes, i);
		t0 = bench_clock_now(clk);
		window(lb, clk, st, bidir, delay);
		t1 = bench_clock_now(clk);
		if (lb->corrupt_iter && st->size_bytes &&
		    i + 1 == st->warmup + lb->corrupt_iter)
			lb->b[0] ^= 0xff;
		ret = check(lb->b, st->size_bytes, i);
		if (ret)
			return ret;
		if (i >= st->warmup)
			bench_samples_record(out, t1 - t0);
	}
	return 0;
}

static int loopback_run_bw(struct bench_engine *eng,
			   const struct bench_step *st,
			   struct bench_samples *out)
{
	struct loopback *lb = eng->priv;
	bool bidir = st->test == BENCH_TEST_BIBW;

	if (st->size_bytes > lb->len || out->capacity < st->iters)
		return -EINVAL;
	if (st->validate)
		return bw_validate(eng, st, out);
	if (bidir && lb->delay_ticks)
		bw_plain(eng, st, out, true, true);
	else if (bidir)
		bw_plain(eng, st, out, true, false);
	else if (lb->delay_ticks)
		bw_plain(eng, st, out, false, true);
	else
		bw_plain(eng, st, out, false, false);
	return 0;
}

static int loopback_describe(struct bench_engine *eng, json_t *run)
{
	(void)eng;
	return json_object_set_new(run, "transport", json_string("loopback"))
		       ? -ENOMEM
		       : 0;
}

static void loopback_cleanup(struct bench_engine *eng)
{
	struct loopback *lb = eng->priv;

	if (!lb)
		return;
	free(lb->a);
	free(lb->b);
	lb->a = NULL;
	lb->b = NULL;
}

const struct bench_engine_ops bench_engine_loopback_ops = {
	.name = "loopback",
	.priv_size = sizeof(struct loopback),
	.caps = BENCH_CAP_LAT | BENCH_CAP_BW | BENCH_CAP_BIBW |
		BENCH_CAP_PINGPING | BENCH_CAP_ZERO_BYTE,
	.init = loopback_init,
	.prepare = loopback_prepare,
	.run_lat = loopback_run_lat,
	.run_bw = loopback_run_bw,
	.describe = loopback_describe,
	.cleanup = loopback_cleanup,
};

/* Both ends report the same latency kind; cfg NULL is all zero. */
static uint64_t loopback_param_round_trip(const void *cfg)
{
	const struct bench_loopback_cfg *c = cfg;

	return c && c->round_trip;
}

static const struct bench_param loopback_params[] = {
	{ "round_trip (loopback)", loopback_param_round_trip, NULL },
	BENCH_PARAM_END,
};

static const struct bench_param *const loopback_param_tables[] = {
	loopback_params,
	NULL,
};

const struct bench_engine_desc bench_engine_loopback_desc = {
	.name = "loopback",
	.ops = &bench_engine_loopback_ops,
	.cfg_size = sizeof(struct bench_loopback_cfg),
	.params = loopback_param_tables,
};
