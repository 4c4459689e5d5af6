// SPDX-License-Identifier: BSD-2-Clause
/*
 * ibpong-mpi's watchdog: the run guard (bench/guard.h) with its stall
 * watchdog on, since MPI has no timed receive. A rank that stops
 * answering (dead, stopped by SIGSTOP, or spinning) leaves its partner
 * blocked in MPI_Recv for ever; the guard of rank 0 then writes what was
 * measured, names the silent rank and its host, and ends the process
 * with _exit(3), and the launcher ends the others. No MPI call is made
 * on the way out: mpirun's abort path is not relied upon.
 *
 * In a sweep the silent rank is also added to run.failed_ranks and its
 * pair to run.failed_pairs of the snapshot before it is written.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench_main.h"
#include "exit.h"
#include "guard.h"
#include "log.h"
#include "mpi_bench.h"

#define MPI_FAILED_ALLOW_S 0.5 /* a failed rank waits for the others */
#define MPI_SILENT_ALLOW_S 0.1 /* the only other rank did not answer */

/* The host of rank in run.hosts of doc, or "unknown". */
static const char *watchdog_host(json_t *doc, int rank)
{
	json_t *hosts = json_object_get(json_object_get(doc, "run"), "hosts");
	const char *h = json_string_value(json_array_get(hosts, (size_t)rank));

	return h ? h : "unknown";
}

static int watchdog_append(json_t *run, const char *key, json_t *entry)
{
	json_t *arr = json_object_get(run, key);

	if (!entry)
		return -ENOMEM;
	if (!json_is_array(arr)) {
		arr = json_array();
		if (!arr || json_object_set_new(run, key, arr)) {
			json_decref(entry);
			return -ENOMEM;
		}
	}
	return json_array_append_new(arr, entry) ? -ENOMEM : 0;
}

/* A sweep's stall on rank 0: the partner failed, and so did the pair. */
void mpi_watchdog_amend(json_t *doc, const struct bench_guard_peer *peer,
			const char *why, void *arg)
{
	const struct bench_main *m = arg;
	json_t *run = json_object_get(doc, "run");
	int me = m->bs.rank;
	int a = me < peer->rank ? me : peer->rank;
	int b = me < peer->rank ? peer->rank : me;

	if (!json_is_object(run) || peer->round < 0 || peer->rank < 0)
		return;
	watchdog_append(run, "failed_ranks",
			json_pack("{s:i, s:s, s:s, s:I, s:s}", "rank",
				  peer->rank, "host",
				  watchdog_host(doc, peer->rank), "node",
				  watchdog_host(doc, peer->rank), "round",
				  (json_int_t)peer->round, "reason", why));
	watchdog_append(run, "failed_pairs",
			json_pack("{s:i, s:i, s:s, s:s, s:I, s:s}", "rank_a", a,
				  "rank_b", b, "host_a", watchdog_host(doc, a),
				  "host_b", watchdog_host(doc, b), "round",
				  (json_int_t)peer->round, "reason", why));
}

double mpi_watchdog_init_allow(int argc, char **argv)
{
	double v = 30;
	int i;

	for (i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--timeout"))
			bench_parse_double(argv[i + 1], &v);
	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--timeout=", 10))
			bench_parse_double(argv[i] + 10, &v);
	return MPI_INIT_ALLOW_S + (v > 0 ? v : 30);
}

void mpi_watchdog_end(int code)
{
	fflush(stdout);
	fflush(stderr);
	_exit(code);
}

/*
 * A rank whose run failed may have left its partner blocked in a
 * transfer that never ends: it allows the others half a second to arrive
 * (a failed bootstrap wait has already taken --timeout: the job still
 * ends within --timeout + 1 s). When the bootstrap's wait timed out on
 * the only other rank of the job, that rank is the silent one: a tenth
 * of a second is for a rank that failed at the same moment.
 * A stall ends the process with the code this rank has (3 at least: a
 * rank stopped answering); the results are already written. Open MPI's
 * MPI_Finalize waits for every rank: it is bounded the same way.
 */
int mpi_watchdog_finish(struct bench_main *m, int code)
{
	struct bench_bootstrap *bs = &m->bs;
	const struct bench_guard_peer unknown = { .rank = -1, .round = -1 };
	struct bench_guard *g = m->guard;
	int agreed = code;
	double allow;

	if (!m->bs_open)
		return code;
	bench_guard_set_stall_code(
		g, code >= BENCH_EXIT_RUNTIME ? code : BENCH_EXIT_RUNTIME);
	/* a collective of every rank: the partner of the last step is not
	 * the one to blame */
	if (bs->size > 2)
		bench_guard_set_peer(g, &unknown);
	if (code < BENCH_EXIT_RUNTIME)
		allow = 0;
	else if (bs->size == 2 && mpi_bootstrap_silent(bs))
		allow = MPI_SILENT_ALLOW_S;
	else
		allow = MPI_FAILED_ALLOW_S;
	bench_guard_phase(g, allow, NULL, 0,
			  "agreeing on the exit code (%d here)", code);
	if (mpi_bootstrap_agree(bs, code, &agreed)) {
		bench_err("rank %d: the other ranks do not answer; ending "
			  "this rank",
			  bs->rank);
		fflush(stdout);
		_exit(code >= BENCH_EXIT_RUNTIME ? code : BENCH_EXIT_RUNTIME);
	}
	bench_guard_set_stall_code(
		g, agreed >= BENCH_EXIT_RUNTIME ? agreed : BENCH_EXIT_RUNTIME);
	bench_guard_phase(g, 0, NULL, 0, "MPI_Finalize");
	bench_bootstrap_close(bs);
	m->bs_open = false;
	bench_guard_phase(g, -1, NULL, 0, "exiting");
	return agreed;
}
