// SPDX-License-Identifier: BSD-2-Clause
/*
 * The run guard (guard.h). The thread sleeps in sigtimedwait() for at
 * most GUARD_TICK_NS, which is also the watchdog's period: a stall is
 * seen within its allowance plus one tick. bench_guard_stop(g, true)
 * wakes it with a SIGCONT of its own (pthread_kill), which the stopping
 * thread does not take for mpirun's: the process ends at once, not up
 * to a tick later (mpirun waits for the last rank to exit).
 *
 * Once the thread has decided to end the process it takes the lock and
 * never gives it back: the main thread, should it wake up, blocks on its
 * next phase or snapshot instead of racing the last write.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exit.h"
#include "guard.h"
#include "log.h"

#define GUARD_TICK_NS 50000000L /* 50 ms */
#define GUARD_TEXT    256
#define GUARD_SAID    (GUARD_TEXT + 4096)

struct bench_guard {
	pthread_t thread;
	pthread_mutex_t lock;
	bool stop;
	struct bench_guard_cfg cfg;
	char *json_path;
	bench_guard_writer_fn writer; /* NULL: guard_write_text */
	void *writer_arg;
	int stall_code;
	/* the phase: seq changes on every bench_guard_phase */
	uint64_t seq;
	double allow_s;
	const uint64_t *counter;
	const uint64_t *counter2;
	uint64_t total;
	char what[GUARD_TEXT];
	/* the peer */
	struct bench_guard_peer peer;
	char peer_host[GUARD_TEXT];
	/* the snapshot */
	json_t *doc;
	size_t done;
	size_t planned;
	bool quiet;	     /* a signal ends the process without a line */
	bool final;	     /* the complete result is written */
	bool urgent;	     /* SIGCONT came: every snapshot is written */
	double written_s;    /* when the last provisional file was */
	double write_cost_s; /* and how long it took */
};

/*
 * SIGCONT does not end the run: Open MPI's mpirun, told to end a job,
 * sends SIGCONT, then SIGTERM a second later and SIGKILL some
 * milliseconds after that, too soon for a write under load. SIGCONT
 * therefore puts the snapshot on disk at once and every later one too
 * (no rate limit), so that a SIGKILL after it loses no printed size.
 * Blocking it does not keep a stopped process stopped: the kernel
 * continues it when the signal is sent.
 */
static const int guard_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGCONT };

static void guard_sigset(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(guard_signals) / sizeof(int); i++)
		sigaddset(set, guard_signals[i]);
}

int bench_guard_block_signals(void)
{
	sigset_t set;

	guard_sigset(&set);
	return -pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static double guard_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int bench_result_doc_mark_incomplete(json_t *doc, const char *reason,
				     const char *detail, size_t done,
				     size_t planned)
{
	json_t *run = json_object_get(doc, "run");
	json_t *inc;

	if (!json_is_object(run))
		return -EINVAL;
	inc = json_pack("{s:s, s:s, s:I, s:I}", "reason", reason, "detail",
			detail ? detail : "", "sizes_done", (json_int_t)done,
			"sizes_planned", (json_int_t)planned);
	if (!inc || json_object_set_new(run, "incomplete", inc))
		return -ENOMEM;
	return 0;
}

int bench_result_mark_incomplete(struct bench_result *r, const char *reason,
				 const char *detail, size_t planned)
{
	json_t *inc;

	if (!r->run)
		r->run = json_object();
	if (!r->run)
		return -ENOMEM;
	inc = json_pack("{s:s, s:s, s:I, s:I}", "reason", reason, "detail",
			detail ? detail : "", "sizes_done",
			(json_int_t)r->n_rows, "sizes_planned",
			(json_int_t)planned);
	if (!inc || json_object_set_new(r->run, "incomplete", inc))
		return -ENOMEM;
	return 0;
}

static int guard_write_text(json_t *doc, const char *path, void *arg)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	int ret =
		text ? bench_write_file_atomic_nowait(path, text, strlen(text))
		     : -ENOMEM;

	(void)arg;
	free(text);
	return ret;
}

/* The snapshot to its file; the lock is held. */
static int guard_write_doc(struct bench_guard *g, json_t *doc)
{
	if (g->writer)
		return g->writer(doc, g->json_path, g->writer_arg);
	return guard_write_text(doc, g->json_path, NULL);
}

/*
 * Write the snapshot marked incomplete; the lock is held. Returns what
 * the final line says about the file.
 */
static void guard_write(struct bench_guard *g, const char *reason,
			const char *detail, char *said, size_t len)
{
	int ret;

	snprintf(said, len, "no result file");
	if (g->final) {
		snprintf(said, len, "the result was already written");
		return;
	}
	if (!g->json_path || !g->doc)
		return;
	ret = bench_result_doc_mark_incomplete(g->doc, reason, detail, g->done,
					       g->planned);
	if (!ret)
		ret = guard_write_doc(g, g->doc);
	if (ret)
		snprintf(said, len, "cannot write %s: %s", g->json_path,
			 strerror(-ret));
	else
		snprintf(said, len,
			 "%zu of %zu sizes written to %s, marked "
			 "incomplete",
			 g->done, g->planned, g->json_path);
}

/* "rank 1 (host node2)", or "a rank" when unknown. */
static void guard_peer_name(const struct bench_guard *g, char *buf, size_t len)
{
	if (g->peer.rank < 0)
		snprintf(buf, len, "a rank");
	else if (g->peer.host)
		snprintf(buf, len, "rank %d (host %s)", g->peer.rank,
			 g->peer.host);
	else
		snprintf(buf, len, "rank %d", g->peer.rank);
}

/* What this rank was doing, with the counter's progress. */
static uint64_t guard_count(const uint64_t *c)
{
	return c ? __atomic_load_n(c, __ATOMIC_RELAXED) : 0;
}

static void guard_doing(const struct bench_guard *g, char *buf, size_t len)
{
	uint64_t n = guard_count(g->counter) + guard_count(g->counter2);

	if (!g->what[0])
		snprintf(buf, len, "starting");
	else if (g->counter && g->total)
		snprintf(buf, len, "%s (%" PRIu64 " of %" PRIu64 " done)",
			 g->what, n, g->total);
	else
		snprintf(buf, len, "%s", g->what);
}

static __attribute__((noreturn)) void guard_signal_exit(struct bench_guard *g,
							int sig)
{
	char doing[GUARD_TEXT + 64], detail[GUARD_TEXT + 96], said[GUARD_SAID];

	pthread_mutex_lock(&g->lock);
	guard_doing(g, doing, sizeof(doing));
	snprintf(detail, sizeof(detail), "SIG%s while %s", sigabbrev_np(sig),
		 doing);
	guard_write(g, "interrupted", detail, said, sizeof(said));
	if (!g->quiet)
		bench_err("interrupted by %s: %s", detail, said);
	_exit(BENCH_EXIT_INTERRUPTED);
}

static __attribute__((noreturn)) void guard_stall_exit(struct bench_guard *g,
						       double silent_s)
{
	char who[GUARD_TEXT + 32], doing[GUARD_TEXT + 64], said[GUARD_SAID];
	char why[2 * GUARD_TEXT + 160];

	/* the lock is held */
	guard_peer_name(g, who, sizeof(who));
	guard_doing(g, doing, sizeof(doing));
	snprintf(why, sizeof(why),
		 "%s stopped answering: no progress for %.1f s while %s", who,
		 silent_s, doing);
	if (g->cfg.amend)
		g->cfg.amend(g->final ? NULL : g->doc, &g->peer, why,
			     g->cfg.amend_arg);
	guard_write(g, "peer stopped answering", why, said, sizeof(said));
	bench_err("%s; %s; ending the job (--timeout %g s)", why, said,
		  g->cfg.timeout_s);
	_exit(g->stall_code);
}

/* One tick of the watchdog; the lock is held. */
static void guard_watch(struct bench_guard *g, uint64_t *last, double *since)
{
	uint64_t v =
		g->seq + guard_count(g->counter) + guard_count(g->counter2);
	double now = guard_now_s();
	double allow = g->allow_s ? g->allow_s : g->cfg.timeout_s;

	if (v != *last || g->allow_s < 0 || allow <= 0) {
		*last = v;
		*since = now;
		return;
	}
	if (now - *since > allow)
		guard_stall_exit(g, now - *since);
}

static void guard_urgent(struct bench_guard *g);

static void *guard_main(void *arg)
{
	const struct timespec tick = { .tv_nsec = GUARD_TICK_NS };
	struct bench_guard *g = arg;
	uint64_t last = UINT64_MAX;
	double since = guard_now_s();
	sigset_t set;
	int sig;

	guard_sigset(&set);
	for (;;) {
		sig = sigtimedwait(&set, NULL, &tick);
		if (sig > 0 && sig != SIGCONT)
			guard_signal_exit(g, sig);
		pthread_mutex_lock(&g->lock);
		if (g->stop) { /* a SIGCONT then may be the stop's own */
			pthread_mutex_unlock(&g->lock);
			return NULL;
		}
		if (sig == SIGCONT)
			guard_urgent(g);
		if (g->cfg.watch)
			guard_watch(g, &last, &since);
		pthread_mutex_unlock(&g->lock);
	}
}

int bench_guard_start(struct bench_guard **out,
		      const struct bench_guard_cfg *cfg)
{
	struct bench_guard *g = calloc(1, sizeof(*g));
	int ret;

	if (!g)
		return -ENOMEM;
	g->cfg = *cfg;
	g->stall_code = BENCH_EXIT_RUNTIME;
	g->peer.rank = -1;
	g->peer.round = -1;
	pthread_mutex_init(&g->lock, NULL);
	ret = -pthread_create(&g->thread, NULL, guard_main, g);
	if (ret) {
		pthread_mutex_destroy(&g->lock);
		free(g);
		return ret;
	}
	*out = g;
	return 0;
}

void bench_guard_stop(struct bench_guard *g, bool prompt)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stop = true;
	pthread_mutex_unlock(&g->lock);
	if (prompt)
		pthread_kill(g->thread, SIGCONT); /* no tick's wait (above) */
	pthread_join(g->thread, NULL);
	pthread_mutex_destroy(&g->lock);
	json_decref(g->doc);
	free(g->json_path);
	free(g);
}

void bench_guard_set_json(struct bench_guard *g, const char *path)
{
	char *copy = path ? strdup(path) : NULL;

	if (!g) {
		free(copy);
		return;
	}
	pthread_mutex_lock(&g->lock);
	free(g->json_path);
	g->json_path = copy;
	pthread_mutex_unlock(&g->lock);
}

void bench_guard_set_writer(struct bench_guard *g, bench_guard_writer_fn fn,
			    void *arg)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->writer = fn;
	g->writer_arg = arg;
	pthread_mutex_unlock(&g->lock);
}

void bench_guard_set_quiet(struct bench_guard *g, bool quiet)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->quiet = quiet;
	pthread_mutex_unlock(&g->lock);
}

void bench_guard_set_timeout(struct bench_guard *g, double timeout_s)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->cfg.timeout_s = timeout_s;
	pthread_mutex_unlock(&g->lock);
}

void bench_guard_set_watch(struct bench_guard *g, bool on)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->cfg.watch = on;
	pthread_mutex_unlock(&g->lock);
}

void bench_guard_set_stall_code(struct bench_guard *g, int code)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stall_code = code;
	pthread_mutex_unlock(&g->lock);
}

void bench_guard_set_peer(struct bench_guard *g,
			  const struct bench_guard_peer *peer)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->peer = *peer;
	if (peer->host) {
		snprintf(g->peer_host, sizeof(g->peer_host), "%s", peer->host);
		g->peer.host = g->peer_host;
	}
	pthread_mutex_unlock(&g->lock);
}

static void guard_vphase(struct bench_guard *g, double allow_s,
			 const uint64_t *c1, const uint64_t *c2, uint64_t total,
			 const char *fmt, va_list ap)
{
	pthread_mutex_lock(&g->lock);
	g->seq++;
	g->allow_s = allow_s;
	g->counter = c1;
	g->counter2 = c2;
	g->total = total;
	vsnprintf(g->what, sizeof(g->what), fmt, ap);
	pthread_mutex_unlock(&g->lock);
}

void bench_guard_phase(struct bench_guard *g, double allow_s,
		       const uint64_t *counter, uint64_t total, const char *fmt,
		       ...)
{
	va_list ap;

	if (!g)
		return;
	va_start(ap, fmt);
	guard_vphase(g, allow_s, counter, NULL, total, fmt, ap);
	va_end(ap);
}

void bench_guard_phase2(struct bench_guard *g, double allow_s,
			const uint64_t *c1, const uint64_t *c2, uint64_t total,
			const char *fmt, ...)
{
	va_list ap;

	if (!g)
		return;
	va_start(ap, fmt);
	guard_vphase(g, allow_s, c1, c2, total, fmt, ap);
	va_end(ap);
}

void bench_guard_snapshot_json(struct bench_guard *g, json_t *doc, size_t done,
			       size_t planned)
{
	json_t *old;

	if (!g) {
		json_decref(doc);
		return;
	}
	pthread_mutex_lock(&g->lock);
	old = g->doc;
	g->doc = doc;
	g->done = done;
	g->planned = planned;
	pthread_mutex_unlock(&g->lock);
	json_decref(old);
}

/*
 * The provisional file: what a SIGKILL of this very process leaves. At
 * most a tenth of the run goes to it: it is written again only when ten
 * times the last write's duration has passed, and it is written by the
 * caller, between sizes, never while a timed loop runs. The lock is
 * held.
 */
static void guard_provisional(struct bench_guard *g, json_t *doc, size_t done,
			      size_t planned)
{
	double t0 = guard_now_s();

	if (!g->json_path || g->final ||
	    (!g->urgent && g->written_s > 0 &&
	     t0 - g->written_s < 10 * g->write_cost_s))
		return;
	if (bench_result_doc_mark_incomplete(
		    doc, "in progress", "the run has not ended", done, planned))
		return;
	if (!guard_write_doc(g, doc)) {
		g->written_s = guard_now_s();
		g->write_cost_s = g->written_s - t0;
	}
}

/* SIGCONT, with the lock held: the last snapshot on disk now, and every
 * later one. */
static void guard_urgent(struct bench_guard *g)
{
	g->urgent = true;
	if (g->doc)
		guard_provisional(g, g->doc, g->done, g->planned);
}

int bench_guard_snapshot(struct bench_guard *g, const struct bench_result *r,
			 size_t planned)
{
	json_t *doc;
	int ret;

	if (!g)
		return 0;
	ret = bench_result_to_json(r, &doc);
	if (ret)
		return ret;
	/* under the lock: an exit path's write is never overtaken */
	pthread_mutex_lock(&g->lock);
	guard_provisional(g, doc, r->n_rows, planned);
	pthread_mutex_unlock(&g->lock);
	bench_guard_snapshot_json(g, doc, r->n_rows, planned);
	return 0;
}

void bench_guard_done(struct bench_guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->final = true;
	pthread_mutex_unlock(&g->lock);
}
