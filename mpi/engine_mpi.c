// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MPI engine: ping-pong (IMB PingPong, osu_latency), ping-ping (IMB
 * PingPing), unidirectional window plus ack (osu_bw) and bidirectional
 * windows (osu_bibw) between ranks 0 and 1. Other ranks stay idle and
 * only take part in the collectives.
 *
 * Each test has one iteration function per role, passed as a constant to
 * an always-inline loop, so the compiler emits one straight loop per
 * variant: no indirect call, no branch on options inside. MPI return
 * codes are OR-ed (MPI_SUCCESS is 0) and checked after the loop.
 *
 * A window posts every message of the window on the same buffer, as OSU
 * does (MPI calls overlapping pending receive buffers erroneous; no
 * implementation minds, and all messages of a window carry the same
 * payload, so --validate holds whatever order they land in).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mpi_bench.h"
#include "mpi_env.h"

#define MPI_TAG_DATA	1
#define MPI_TAG_ACK	2
#define MPI_TAG_VERDICT 3 /* --validate: each iteration's check result */

struct mpi_engine {
	MPI_Comm comm;	/* traffic only, apart from the bootstrap's */
	bool have_comm; /* comm is valid */
	int rank;	/* in comm */
	int peer;	/* the other rank of the pair; -1: idle rank */
	uint8_t *sbuf;	/* page aligned, buf_bytes each */
	uint8_t *rbuf;
	size_t buf_bytes;
	MPI_Request *reqs; /* two per window message (bibw) */
	unsigned n_reqs;   /* entries of reqs */
	uint32_t ack;	   /* the bandwidth acknowledgment */
	uint64_t corrupt_iter;
	uint64_t delay_ticks; /* --inject-delay on this rank; 0 none */
	uint64_t delay_every; /* before every Nth iteration only; >= 1 */
	uint64_t *progress;   /* &engine.progress: the watchdog's */
};

typedef int (*mpi_iter_fn)(struct mpi_engine *p, int count, unsigned window);

/* Iterations, one function per test and role. */

/*
 * Each call is its own statement: the operands of '|' are evaluated in
 * an order C leaves unspecified, and a receive before the send on both
 * ranks deadlocks the ping-pong.
 */
static inline int mpi_lat_ping(struct mpi_engine *p, int count, unsigned w)
{
	int err;

	(void)w;
	err = MPI_Send(p->sbuf, count, MPI_BYTE, p->peer, MPI_TAG_DATA,
		       p->comm);
	err |= MPI_Recv(p->rbuf, count, MPI_BYTE, p->peer, MPI_TAG_DATA,
			p->comm, MPI_STATUS_IGNORE);
	return err;
}

static inline int mpi_lat_pong(struct mpi_engine *p, int count, unsigned w)
{
	int err;

	(void)w;
	err = MPI_Recv(p->rbuf, count, MPI_BYTE, p->peer, MPI_TAG_DATA, p->comm,
		       MPI_STATUS_IGNORE);
	err |= MPI_Send(p->sbuf, count, MPI_BYTE, p->peer, MPI_TAG_DATA,
			p->comm);
	return err;
}

/* --validate: send back what came, so rank 0 checks the round trip. */
static int mpi_lat_echo(struct mpi_engine *p, int count, unsigned w)
{
	int err;

	(void)w;
	err = MPI_Recv(p->rbuf, count, MPI_BYTE, p->peer, MPI_TAG_DATA, p->comm,
		       MPI_STATUS_IGNORE);
	err |= MPI_Send(p->rbuf, count, MPI_BYTE, p->peer, MPI_TAG_DATA,
			p->comm);
	return err;
}

static inline int mpi_pingping(struct mpi_engine *p, int count, unsigned w)
{
	MPI_Request req;
	int err;

	(void)w;
	err = MPI_Isend(p->sbuf, count, MPI_BYTE, p->peer, MPI_TAG_DATA,
			p->comm, &req);
	err |= MPI_Recv(p->rbuf, count, MPI_BYTE, p->peer, MPI_TAG_DATA,
			p->comm, MPI_STATUS_IGNORE);
	err |= MPI_Wait(&req, MPI_STATUS_IGNORE);
	return err;
}

static inline int mpi_bw_send(struct mpi_engine *p, int count, unsigned w)
{
	int err = 0;

	for (unsigned i = 0; i < w; i++)
		err |= MPI_Isend(p->sbuf, count, MPI_BYTE, p->peer,
				 MPI_TAG_DATA, p->comm, &p->reqs[i]);
	err |= MPI_Waitall((int)w, p->reqs, MPI_STATUSES_IGNORE);
	return err | MPI_Recv(&p->ack, sizeof(p->ack), MPI_BYTE, p->peer,
			      MPI_TAG_ACK, p->comm, MPI_STATUS_IGNORE);
}

static inline int mpi_bw_recv(struct mpi_engine *p, int count, unsigned w)
{
	int err = 0;

	for (unsigned i = 0; i < w; i++)
		err |= MPI_Irecv(p->rbuf, count, MPI_BYTE, p->peer,
				 MPI_TAG_DATA, p->comm, &p->reqs[i]);
	err |= MPI_Waitall((int)w, p->reqs, MPI_STATUSES_IGNORE);
	return err | MPI_Send(&p->ack, sizeof(p->ack), MPI_BYTE, p->peer,
			      MPI_TAG_ACK, p->comm);
}

static inline int mpi_bibw(struct mpi_engine *p, int count, unsigned w)
{
	int err = 0;

	for (unsigned i = 0; i < w; i++)
		err |= MPI_Irecv(p->rbuf, count, MPI_BYTE, p->peer,
				 MPI_TAG_DATA, p->comm, &p->reqs[i]);
	for (unsigned i = 0; i < w; i++)
		err |= MPI_Isend(p->sbuf, count, MPI_BYTE, p->peer,
				 MPI_TAG_DATA, p->comm, &p->reqs[w + i]);
	return err | MPI_Waitall((int)(2 * w), p->reqs, MPI_STATUSES_IGNORE);
}

/* The loops. */

/* Rank 0: one timestamp per iteration, samples back to back. */
static inline __attribute__((always_inline)) int
mpi_loop_timed(struct mpi_engine *p, mpi_iter_fn fn,
	       const struct bench_step *st, const struct bench_clock *clk,
	       struct bench_samples *out)
{
	const int count = (int)st->size_bytes;
	const unsigned w = st->window;
	uint64_t t0, t1, start;
	int err = 0;

	for (uint64_t i = 0; i < st->warmup; i++) {
		err |= fn(p, count, w);
		*p->progress = i + 1;
	}
	t0 = start = bench_clock_now(clk);
	for (uint64_t i = 0; i < st->iters; i++) {
		err |= fn(p, count, w);
		t1 = bench_clock_now(clk);
		bench_samples_record(out, t1 - t0);
		t0 = t1;
	}
	out->loop_ticks = t0 - start;
	return err;
}

/*
 * Rank 1: the same iterations, its loop timed as a whole (IMB times the
 * loop on both ranks and reports the larger), no sample per iteration.
 */
static inline __attribute__((always_inline)) int
mpi_loop_plain(struct mpi_engine *p, mpi_iter_fn fn,
	       const struct bench_step *st, const struct bench_clock *clk,
	       struct bench_samples *out)
{
	const int count = (int)st->size_bytes;
	const unsigned w = st->window;
	uint64_t start;
	int err = 0;

	for (uint64_t i = 0; i < st->warmup; i++) {
		err |= fn(p, count, w);
		*p->progress = i + 1;
	}
	start = bench_clock_now(clk);
	/* no sample here: this count is the watchdog's only sign */
	for (uint64_t i = 0; i < st->iters; i++) {
		err |= fn(p, count, w);
		*p->progress = st->warmup + i + 1;
	}
	out->loop_ticks = bench_clock_now(clk) - start;
	return err;
}

static inline __attribute__((always_inline)) int
mpi_loop(struct bench_engine *eng, mpi_iter_fn initiator, mpi_iter_fn responder,
	 const struct bench_step *st, struct bench_samples *out)
{
	struct mpi_engine *p = eng->priv;

	if (p->rank == 0)
		return mpi_loop_timed(p, initiator, st, eng->clock, out);
	return mpi_loop_plain(p, responder, st, eng->clock, out);
}

/*
 * The testing hooks --inject-delay (a slow node for the sweep tests) and
 * --inject-spikes (an unstable one): a busy-wait before every (or every
 * Nth) iteration of this rank. A loop of its own, so
 * that the ordinary loops above carry no trace of it.
 */
static __attribute__((noinline)) int
mpi_loop_delayed(struct bench_engine *eng, mpi_iter_fn initiator,
		 mpi_iter_fn responder, const struct bench_step *st,
		 struct bench_samples *out)
{
	struct mpi_engine *p = eng->priv;
	mpi_iter_fn fn = p->rank == 0 ? initiator : responder;
	const uint64_t n = st->warmup + st->iters;
	uint64_t t0 = 0, t1, spin;
	int err = 0;

	for (uint64_t i = 0; i < n; i++) {
		if (i == st->warmup)
			t0 = bench_clock_now(eng->clock);
		spin = bench_clock_now(eng->clock);
		while (i % p->delay_every == 0 &&
		       bench_clock_now(eng->clock) - spin < p->delay_ticks)
			;
		err |= fn(p, (int)st->size_bytes, st->window);
		*p->progress = i + 1;
		if (p->rank != 0 || i < st->warmup)
			continue;
		t1 = bench_clock_now(eng->clock);
		bench_samples_record(out, t1 - t0);
		t0 = t1;
	}
	return err;
}

static int mpi_step_end(const struct bench_step *st, int err)
{
	if (err != MPI_SUCCESS) {
		bench_err("MPI transfer failed at size %zu B", st->size_bytes);
		return -EIO;
	}
	return 0;
}

/* --validate: payload patterns, checked outside the timing. */

/*
 * A 64-bit seed per (iteration, sender), distinct for every iteration
 * (an odd multiplier is a bijection), spread over each 8-byte group and
 * mixed with the offset, so that a stale, shifted or foreign payload fails.
 */
static uint64_t mpi_pattern_seed(uint64_t iter, int sender)
{
	return (iter * 2 + (uint64_t)sender + 1) * 0x9e3779b97f4a7c15ull;
}

static inline uint8_t mpi_pattern_byte(uint64_t seed, size_t off)
{
	return (uint8_t)((seed >> ((off & 7) * 8)) ^ (off >> 3) ^ (off >> 11));
}

static void mpi_pattern_fill(uint8_t *buf, size_t len, uint64_t iter,
			     int sender)
{
	uint64_t seed = mpi_pattern_seed(iter, sender);

	for (size_t i = 0; i < len; i++)
		buf[i] = mpi_pattern_byte(seed, i);
}

static int mpi_pattern_check(const uint8_t *buf, size_t len, uint64_t iter,
			     int sender, int rank)
{
	uint64_t seed = mpi_pattern_seed(iter, sender);

	for (size_t i = 0; i < len; i++) {
		if (buf[i] == mpi_pattern_byte(seed, i))
			continue;
		bench_err("validation failed on rank %d: size %zu B, iteration "
			  "%llu, offset %zu: got 0x%02x, expected 0x%02x",
			  rank, len, (unsigned long long)iter, i, buf[i],
			  mpi_pattern_byte(seed, i));
		return -EIO;
	}
	return 0;
}

/* What one rank does in a validated iteration. */
struct mpi_role {
	mpi_iter_fn fn;
	bool fill;	/* fill sbuf with this rank's pattern first */
	int check_from; /* whose pattern rbuf then holds; -1: none */
};

static struct mpi_role mpi_role_get(enum bench_test test, int rank)
{
	const int peer = !rank;

	switch (test) {
	case BENCH_TEST_LAT:
		if (rank == 0)
			return (struct mpi_role){ mpi_lat_ping, true, 0 };
		return (struct mpi_role){ mpi_lat_echo, false, 0 };
	case BENCH_TEST_BW:
		if (rank == 0)
			return (struct mpi_role){ mpi_bw_send, true, -1 };
		return (struct mpi_role){ mpi_bw_recv, false, 0 };
	case BENCH_TEST_BIBW:
		return (struct mpi_role){ mpi_bibw, true, peer };
	default:
		return (struct mpi_role){ mpi_pingping, true, peer };
	}
}

/*
 * Both ranks learn each iteration's check result, outside the timing: a
 * failure seen by one rank alone (osu_bw's receiver, a PingPing side)
 * would otherwise leave the other blocked in its next transfer until the
 * watchdog ends the job. The rank that saw it has named it already.
 */
static int mpi_verdict_swap(struct mpi_engine *p, const struct bench_step *st,
			    int mine)
{
	int bad = mine != 0, peer_bad = 0;
	int err;

	err = MPI_Sendrecv(&bad, 1, MPI_INT, p->peer, MPI_TAG_VERDICT,
			   &peer_bad, 1, MPI_INT, p->peer, MPI_TAG_VERDICT,
			   p->comm, MPI_STATUS_IGNORE);
	if (err != MPI_SUCCESS)
		return mpi_step_end(st, err);
	return mine ? mine : peer_bad ? -EIO : 0;
}

/*
 * Two timestamps per iteration here, so that filling and checking stay
 * outside the samples; warm-up iterations are validated too.
 */
static int mpi_loop_validated(struct bench_engine *eng,
			      const struct bench_step *st,
			      struct bench_samples *out)
{
	struct mpi_engine *p = eng->priv;
	struct mpi_role role = mpi_role_get(st->test, p->rank);
	const uint64_t n = st->warmup + st->iters;
	const size_t len = st->size_bytes;
	uint64_t t0, t1;
	int ret;

	for (uint64_t i = 0; i < n; i++) {
		if (role.fill)
			mpi_pattern_fill(p->sbuf, len, i, p->rank);
		if (p->rank == 0 && i == p->corrupt_iter && role.fill && len)
			p->sbuf[len / 2] ^= 0x5a;
		t0 = bench_clock_now(eng->clock);
		ret = role.fn(p, (int)len, st->window);
		t1 = bench_clock_now(eng->clock);
		if (ret != MPI_SUCCESS)
			return mpi_step_end(st, ret);
		*p->progress = i + 1;
		if (p->rank == 0 && i >= st->warmup)
			bench_samples_record(out, t1 - t0);
		if (i >= st->warmup) /* both ranks: IMB's t */
			out->loop_ticks += t1 - t0;
		ret = role.check_from < 0
			      ? 0
			      : mpi_pattern_check(p->rbuf, len, i,
						  role.check_from, p->rank);
		ret = mpi_verdict_swap(p, st, ret);
		if (ret)
			return ret;
	}
	return 0;
}

/* Engine operations. */

static int mpi_step_check(struct mpi_engine *p, const struct bench_step *st)
{
	if (st->size_bytes > p->buf_bytes || st->size_bytes > INT_MAX) {
		bench_err("size %zu B is above the prepared %zu B",
			  st->size_bytes, p->buf_bytes);
		return -EINVAL;
	}
	if (st->window > p->n_reqs / 2) {
		free(p->reqs);
		p->n_reqs = 0;
		p->reqs = calloc(2 * (size_t)st->window, sizeof(*p->reqs));
		if (!p->reqs) {
			bench_err("calloc(%u requests) failed", 2 * st->window);
			return -ENOMEM;
		}
		p->n_reqs = 2 * st->window;
	}
	return 0;
}

static int mpi_run_lat(struct bench_engine *eng, const struct bench_step *st,
		       struct bench_samples *out)
{
	struct mpi_engine *p = eng->priv;
	int ret;

	if (p->peer < 0)
		return 0;
	ret = mpi_step_check(p, st);
	if (ret)
		return ret;
	if (st->validate)
		return mpi_loop_validated(eng, st, out);
	if (p->delay_ticks && st->test == BENCH_TEST_PINGPING)
		ret = mpi_loop_delayed(eng, mpi_pingping, mpi_pingping, st,
				       out);
	else if (p->delay_ticks)
		ret = mpi_loop_delayed(eng, mpi_lat_ping, mpi_lat_pong, st,
				       out);
	else if (st->test == BENCH_TEST_PINGPING)
		ret = mpi_loop(eng, mpi_pingping, mpi_pingping, st, out);
	else
		ret = mpi_loop(eng, mpi_lat_ping, mpi_lat_pong, st, out);
	return mpi_step_end(st, ret);
}

static int mpi_run_bw(struct bench_engine *eng, const struct bench_step *st,
		      struct bench_samples *out)
{
	struct mpi_engine *p = eng->priv;
	int ret;

	if (p->peer < 0)
		return 0;
	ret = mpi_step_check(p, st);
	if (ret)
		return ret;
	if (st->validate)
		return mpi_loop_validated(eng, st, out);
	if (p->delay_ticks && st->test == BENCH_TEST_BIBW)
		ret = mpi_loop_delayed(eng, mpi_bibw, mpi_bibw, st, out);
	else if (p->delay_ticks)
		ret = mpi_loop_delayed(eng, mpi_bw_send, mpi_bw_recv, st, out);
	else if (st->test == BENCH_TEST_BIBW)
		ret = mpi_loop(eng, mpi_bibw, mpi_bibw, st, out);
	else
		ret = mpi_loop(eng, mpi_bw_send, mpi_bw_recv, st, out);
	return mpi_step_end(st, ret);
}

static int mpi_init(struct bench_engine *eng)
{
	const struct mpi_engine_cfg *cfg = eng->cfg;
	struct mpi_engine *p = eng->priv;

	p->progress = &eng->progress;
	p->corrupt_iter = cfg ? cfg->corrupt_iter : UINT64_MAX;
	p->delay_every = cfg && cfg->delay_every ? cfg->delay_every : 1;
	if (cfg && cfg->delay_ns && eng->clock->ns_per_tick > 0)
		p->delay_ticks = (uint64_t)((double)cfg->delay_ns /
					    eng->clock->ns_per_tick);
	if (eng->plan->test == BENCH_TEST_PINGPING)
		eng->lat_kind = BENCH_LAT_ONE_MSG;
	else
		eng->lat_kind = BENCH_LAT_HALF_RTT;
	return 0;
}

static int mpi_connect(struct bench_engine *eng, struct bench_bootstrap *bs)
{
	struct mpi_engine *p = eng->priv;
	struct mpi_dup d;
	int ret;

	if (bs->ops != &mpi_bootstrap_ops) {
		bench_err("the MPI engine needs the MPI bootstrap, not %s",
			  bs->ops->name);
		return -ENOTSUP;
	}
	ret = mpi_dup_post(&d, mpi_bootstrap_comm(bs));
	if (ret)
		return ret;
	ret = mpi_wait_timeout(&d.req, eng->timeout_ms / 1000.0,
			       "duplicating the communicator");
	ret = mpi_dup_end(&d, ret, &p->comm);
	if (ret)
		return ret;
	p->have_comm = true;
	MPI_Comm_set_errhandler(p->comm, MPI_ERRORS_RETURN);
	MPI_Comm_rank(p->comm, &p->rank);
	p->peer = p->rank < 2 ? !p->rank : -1;
	return 0;
}

/* Allocate and touch both buffers; a failure on one rank fails all. */
static int mpi_buffers_alloc(struct mpi_engine *p, size_t bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = bytes ? bytes : 1;
	int ret;

	free(p->sbuf);
	free(p->rbuf);
	p->sbuf = p->rbuf = NULL;
	ret = posix_memalign((void **)&p->sbuf, page, len);
	if (ret)
		goto err;
	ret = posix_memalign((void **)&p->rbuf, page, len);
	if (ret)
		goto err_free_sbuf;
	memset(p->sbuf, 0xa5, len);
	memset(p->rbuf, 0, len);
	p->buf_bytes = bytes;
	return 0;

err_free_sbuf:
	free(p->sbuf);
	p->sbuf = NULL;
err:
	bench_err("cannot allocate the buffers of the largest size, 2 x %zu "
		  "B: posix_memalign: %s",
		  len, strerror(ret));
	return -ret;
}

static int mpi_prepare(struct bench_engine *eng, size_t max_size_bytes)
{
	struct mpi_engine *p = eng->priv;
	int mine = 0, worst = 0, ret;

	if (max_size_bytes > INT_MAX) {
		bench_err("size %zu B is above MPI's count limit (%d B)",
			  max_size_bytes, INT_MAX);
		return -EINVAL;
	}
	if (p->peer >= 0)
		mine = -mpi_buffers_alloc(p, max_size_bytes);
	ret = mpi_max_timed(p->comm, mine, eng->timeout_ms / 1000.0,
			    "agreeing on the buffers", &worst);
	return ret ? ret : -worst;
}

/* run.method and run.method_detail of the test (doc/result-format.md). */
static int mpi_describe_method(const struct bench_engine *eng, json_t *run)
{
	const struct bench_plan *plan = eng ? eng->plan : NULL;
	static const char *const names[BENCH_TEST_NR][2] = {
		[BENCH_TEST_LAT] = { "ping-pong",
				     "MPI_Send then MPI_Recv; IMB PingPong, "
				     "osu_latency" },
		[BENCH_TEST_PINGPING] = { "ping-ping",
					  "MPI_Isend, MPI_Recv, MPI_Wait on "
					  "both ranks; IMB PingPing" },
		[BENCH_TEST_BW] = { "window-ack",
				    "a window of MPI_Isend, MPI_Waitall, a "
				    "4-byte acknowledgment; osu_bw" },
		[BENCH_TEST_BIBW] = { "window-both",
				      "both ranks post a window of MPI_Irecv "
				      "and MPI_Isend and wait for all; twice "
				      "rank 0's rate, as osu_bibw" },
	};

	if (!plan) /* a sweep's run object: each pair's result says */
		return 0;
	if (json_object_set_new(run, "method",
				json_string(names[plan->test][0])) ||
	    json_object_set_new(run, "method_detail",
				json_string(names[plan->test][1])))
		return -ENOMEM;
	return 0;
}

static int mpi_describe(struct bench_engine *eng, json_t *run)
{
	char raw[MPI_MAX_LIBRARY_VERSION_STRING] = "";
	char library[128];
	char version[64];
	json_t *mpi;
	int len = 0;

	MPI_Get_library_version(raw, &len);
	/* Keep the first line only: MPICH's text runs over many. */
	raw[strcspn(raw, "\n")] = '\0';
	mpi_version_parse(raw, library, sizeof(library), version,
			  sizeof(version));
	mpi = json_pack("{s:s, s:s, s:s}", "library", library, "version",
			version, "raw", raw);
	if (mpi && (mpi_env_describe(mpi) || mpi_thresholds_describe(mpi))) {
		json_decref(mpi);
		return -ENOMEM;
	}
	if (!mpi || json_object_set_new(run, "mpi", mpi) ||
	    json_object_set_new(run, "transport", json_string("mpi")))
		return -ENOMEM;
	return mpi_describe_method(eng, run);
}

static void mpi_cleanup(struct bench_engine *eng)
{
	struct mpi_engine *p = eng->priv;

	if (!p)
		return;
	free(p->sbuf);
	free(p->rbuf);
	free(p->reqs);
	p->sbuf = p->rbuf = NULL;
	p->reqs = NULL;
	p->buf_bytes = 0;
	p->n_reqs = 0;
	if (p->have_comm)
		mpi_comm_release(&p->comm);
	p->have_comm = false;
}

const struct bench_engine_ops mpi_engine_ops = {
	.name = "mpi",
	.priv_size = sizeof(struct mpi_engine),
	.caps = BENCH_CAP_LAT | BENCH_CAP_BW | BENCH_CAP_BIBW |
		BENCH_CAP_PINGPING | BENCH_CAP_ZERO_BYTE,
	.init = mpi_init,
	.connect = mpi_connect,
	.prepare = mpi_prepare,
	.run_lat = mpi_run_lat,
	.run_bw = mpi_run_bw,
	.describe = mpi_describe,
	.cleanup = mpi_cleanup,
};
