// SPDX-License-Identifier: BSD-2-Clause
/*
 * ibpong-mpi's command (bench/bench_main.h runs it): the MPI bootstrap
 * opened before the command line (MPI_Init takes it), OSU's habits, the
 * sweep options, checks before measuring, and an exit code that every
 * rank agrees on. Every rank parses the same command line and so reaches
 * the same verdict; only rank 0 prints. The MPI engine's descriptor is
 * here too: engine_mpi.c holds the engine itself.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_main.h"
#include "exit.h"
#include "guard.h"
#include "mpi_env.h"
#include "log.h"
#include "mpi_bench.h"
#include "sweep.h"

/* OSU's options, as osu_latency and osu_bw spell them. */
enum { OSU_M = 1, OSU_I, OSU_X, OSU_W, SWEEP, HOOK };

static const struct bench_opt mpi_osu_opts[] = {
	{ NULL, 'm', "[MIN:]MAX",
	  "--sizes MIN:MAX (MAX alone: 0:MAX, as OSU's -m)", OSU_M },
	{ NULL, 'i', "N", "--iters N (OSU's -i)", OSU_I },
	{ NULL, 'x', "N", "--warmup N (OSU's -x; not a GID index)", OSU_X },
	{ NULL, 'W', "N", "--window N (OSU's -W)", OSU_W },
	BENCH_OPT_END,
};

static const struct bench_opt *const mpi_cmd_opts[] = {
	mpi_osu_opts,
	mpi_sweep_opts_table,
	mpi_sweep_hooks_table,
	NULL,
};

static const char *const mpi_cmd_titles[] = {
	"OSU's habits",
	"Sweeps (doc/sweeps.md), every rank takes part",
	"Testing only (never in production runs)",
	NULL,
};

static int mpi_osu_sizes(struct bench_opts *o, const char *arg)
{
	char spec[64];
	const char *why;

	if (strchr(arg, ':') || strchr(arg, ','))
		snprintf(spec, sizeof(spec), "%s", arg);
	else
		snprintf(spec, sizeof(spec), "0:%s", arg);
	if (strlen(arg) >= sizeof(spec) - 2 ||
	    bench_sizes_parse(spec, &o->sizes, &why)) {
		bench_err("-m '%s': expected [MIN:]MAX, sizes in bytes with "
			  "K, M, G suffixes",
			  arg);
		return -EINVAL;
	}
	o->sizes_set = true;
	return 0;
}

static int mpi_cmd_opt(struct bench_main *m, int id, const char *arg)
{
	struct mpi_sweep_opts *so = m->state;
	static const char *const shared[] = {
		[OSU_I] = "iters", [OSU_X] = "warmup", [OSU_W] = "window"
	};

	switch (id) {
	case OSU_M:
		return mpi_osu_sizes(&m->o, arg);
	case OSU_I:
	case OSU_X:
	case OSU_W:
		return bench_opts_handle_name(&m->o, shared[id], arg);
	}
	return mpi_sweep_opts_handle(so, id, arg) ? -EINVAL : 0;
}

static void mpi_cmd_init(void *state)
{
	mpi_sweep_opts_init(state);
}

static int mpi_cmd_finish_opts(struct bench_main *m)
{
	struct mpi_sweep_opts *so = m->state;

	if (so->transport && strcmp(so->transport, m->eng->name)) {
		bench_err("--transport '%s': give the option in full, as "
			  "--transport NAME",
			  so->transport);
		return BENCH_EXIT_USAGE;
	}
	so->eng = m->eng;
	so->eng_cfg = m->cfg;
	m->o.warn_unpinned = true;
	m->o.tuning_env = mpi_env_tunes;
	if (mpi_sweep_opts_finish(so, &m->o)) {
		bench_err("try 'ibpong-mpi --help'");
		return BENCH_EXIT_USAGE;
	}
	if (so->pairs != MPI_PAIRS_NONE && m->o.check_spec) {
		bench_err("--check judges ranks 0 and 1; a sweep (--pairs) "
			  "gives its own verdicts: give one of them");
		return BENCH_EXIT_USAGE;
	}
	/* Sweeps compare pairs at equal counts: the fixed schedule unless
	 * --precision is given (doc/statistics.md). */
	if (so->pairs != MPI_PAIRS_NONE && !m->o.precision_set)
		m->o.precision = 0;
	return -1;
}

/* The testing hooks name a rank of this job. */
static int mpi_front_inject_check(const struct bench_bootstrap *bs,
				  const struct mpi_sweep_opts *so)
{
	const struct {
		const char *opt;
		int rank;
	} hooks[] = {
		{ "--inject-delay", so->delay_rank },
		{ "--inject-hang", so->hang_rank },
		{ "--inject-kill", so->kill_rank },
	};

	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		if (hooks[i].rank < bs->size)
			continue;
		if (bs->rank == 0)
			bench_err("%s %d: there is no rank %d (ranks 0 to %d); "
				  "try 'ibpong-mpi --help'",
				  hooks[i].opt, hooks[i].rank, hooks[i].rank,
				  bs->size - 1);
		return -EINVAL;
	}
	return 0;
}

/*
 * What rank 0 writes can be written, before anything is measured: a
 * late failure would cost the run and exit 3 for a bad argument.
 */
static int mpi_front_outputs_check(const struct bench_opts *o)
{
	if (o->json_path && bench_output_writable("--json", o->json_path))
		return -EINVAL;
	if (o->samples_path &&
	    bench_output_writable("--samples", o->samples_path))
		return -EINVAL;
	return 0; /* --matrix-dir: bench_output_dir_ready, below */
}

static int mpi_cmd_check(struct bench_main *m)
{
	struct bench_bootstrap *bs = &m->bs;
	const struct bench_opts *o = &m->o;
	const struct mpi_sweep_opts *so = m->state;
	size_t largest =
		o->sizes.count ? o->sizes.bytes[o->sizes.count - 1] : 0;
	int code = -1;
	int agreed;

	/* the launch: 2 ranks or more (a sweep's pairs), the one check */
	if (!so->simulate_nodes &&
	    bench_engine_ranks_check(&mpi_engine_desc, bs->size, bs->rank))
		return BENCH_EXIT_USAGE;
	if (mpi_front_inject_check(bs, so))
		return BENCH_EXIT_USAGE;
	if (largest > INT_MAX) {
		if (bs->rank == 0)
			bench_err("--sizes: %zu B is above MPI's largest "
				  "count (%d B)",
				  largest, INT_MAX);
		return BENCH_EXIT_USAGE;
	}
	if (bs->rank == 0 && mpi_front_outputs_check(o))
		code = BENCH_EXIT_USAGE;
	/* before any pair is measured, not after (issue 12) */
	if (bs->rank == 0 && so->matrix_dir && code < 0 &&
	    bench_output_dir_ready("--matrix-dir", so->matrix_dir))
		code = BENCH_EXIT_USAGE;
	if (bs->rank == 0 && bs->size > 2 && !o->quiet &&
	    so->pairs == MPI_PAIRS_NONE)
		bench_warn("%d ranks: only ranks 0 and 1 measure", bs->size);
	if (mpi_bootstrap_agree(bs, code, &agreed))
		return BENCH_EXIT_RUNTIME;
	return agreed;
}

static int mpi_cmd_start(struct bench_main *m, int *argc, char ***argv)
{
	double allow = mpi_watchdog_init_allow(*argc, *argv);
	struct bench_bootstrap_cfg cfg = {
		/* --timeout of argv, not parsed yet (MPI_Init takes argv) */
		.timeout_s = allow - MPI_INIT_ALLOW_S,
		.argc = argc,
		.argv = argv,
	};

	const char *rank = getenv("OMPI_COMM_WORLD_RANK");

	/* the launcher's rank, before MPI_Init tells it: as after it, only
	 * rank 0 speaks of a signal (mpirun's SIGTERM ends the others) */
	rank = rank ? rank : getenv("PMI_RANK");
	rank = rank ? rank : getenv("PMIX_RANK");
	rank = rank ? rank : getenv("SLURM_PROCID");
	bench_guard_set_quiet(m->guard, rank && strcmp(rank, "0"));
	bench_guard_phase(m->guard, allow, NULL, 0, "starting MPI (MPI_Init)");
	return bench_bootstrap_open(&m->bs, &mpi_bootstrap_ops, &cfg);
}

static int mpi_cmd_run(struct bench_main *m)
{
	const struct mpi_sweep_opts *so = m->state;

	if (so->pairs == MPI_PAIRS_NONE)
		return -1;
	return mpi_sweep_main(&m->bs, &m->o, so);
}

const struct bench_cmd mpi_cmd = {
	.prog = "ibpong-mpi",
	.tool = "ibpong-mpi",
	.engine = "mpi",
	.synopsis = "Usage: mpirun -np 2 ibpong-mpi [OPTION]...\n"
		    "MPI point-to-point benchmark between ranks 0 and 1: "
		    "ping-pong latency,\n"
		    "ping-ping, and uni- and bidirectional bandwidth (IMB and "
		    "OSU methods).\n"
		    "Ranks from 2 on stay idle, unless --pairs sweeps the "
		    "cluster.\n",
	.exit_text =
		"Exit codes: 0 success, 1 a sweep suspect CONFIRMED, 2 bad "
		"usage,\n"
		"3 runtime failure (allocation, transfer, corrupted "
		"payload, a rank that\n"
		"stopped answering, a failed sweep pair), 4 sweep "
		"inconclusive (suspects\n"
		"that the retests did not settle: measure again), 5 "
		"interrupted (SIGINT,\n"
		"SIGTERM, SIGHUP). A watchdog ends a job whose peer stops "
		"answering after\n"
		"--timeout; the sizes finished are written to --json, marked "
		"incomplete.\n",
	.opts = mpi_cmd_opts,
	.opts_titles = mpi_cmd_titles,
	.state_size = sizeof(struct mpi_sweep_opts),
	.state_init = mpi_cmd_init,
	.opt_handle = mpi_cmd_opt,
	.engine_opt = "transport",
	.engine_bootstrap = &mpi_bootstrap_ops,
	.opts_finish = mpi_cmd_finish_opts,
	.start = mpi_cmd_start,
	.check = mpi_cmd_check,
	.run = mpi_cmd_run,
	.finish = mpi_watchdog_finish,
	.watchdog = true,
	.stall_amend = mpi_watchdog_amend,
};

/* The testing hook of struct mpi_engine_cfg, from the environment. */
static void mpi_cfg_init(void *cfg)
{
	struct mpi_engine_cfg *c = cfg;
	const char *s = getenv("IBPONG_MPI_CORRUPT_ITER");

	/* the one number parser (bench/options.h); else never */
	if (!s || bench_parse_u64(s, 0, UINT64_MAX, &c->corrupt_iter))
		c->corrupt_iter = UINT64_MAX;
}

static const struct bench_bootstrap_ops *const mpi_bootstraps[] = {
	&mpi_bootstrap_ops,
	NULL,
};

const struct bench_engine_desc mpi_engine_desc = {
	.name = "mpi",
	.ops = &mpi_engine_ops,
	.flags = BENCH_ENGINE_TWO_RANKS | BENCH_ENGINE_IDLE_RANKS,
	.ranks_noun = "MPI",
	.ranks_hint = ": run it as 'mpirun -np 2 ibpong-mpi ...'",
	.cfg_size = sizeof(struct mpi_engine_cfg),
	.opts_title = "MPI options",
	.bootstraps = mpi_bootstraps,
	.cfg_init = mpi_cfg_init,
};
