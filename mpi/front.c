// SPDX-License-Identifier: BSD-2-Clause
/*
 * ibpong-mpi's front end: command line, checks before measuring, and an
 * exit code that every rank agrees on. Every rank parses the same
 * command line and so reaches the same verdict; only rank 0 prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "exit.h"
#include "log.h"
#include "mpi_bench.h"
#include "sweep.h"

#define MPI_FRONT_LONGOPTS_MAX 96

static const struct option mpi_front_own_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
};

static void mpi_front_usage(FILE *f)
{
	fputs("Usage: mpirun -np 2 ibpong-mpi [OPTION]...\n"
	      "MPI point-to-point benchmark between ranks 0 and 1: "
	      "ping-pong latency,\n"
	      "ping-ping, and uni- and bidirectional bandwidth (IMB and "
	      "OSU methods).\n"
	      "Ranks from 2 on stay idle, unless --pairs sweeps the "
	      "cluster.\n\n",
	      f);
	bench_opts_usage(f);
	mpi_sweep_usage(f);
	fputs("  -h, --help             this text\n"
	      "  -V, --version          the version\n\n"
	      "Exit codes: 0 success, 1 a sweep suspect CONFIRMED, 2 bad "
	      "usage,\n"
	      "3 runtime failure (allocation, transfer, corrupted payload, a "
	      "rank that\n"
	      "stopped answering, a failed sweep pair), 4 sweep inconclusive "
	      "(suspects\n"
	      "that the retests did not settle: measure again).\n",
	      f);
}

/* The shared options plus ours; -EINVAL if the table is too small. */
static int mpi_front_longopts(struct option *lo, size_t max)
{
	size_t n = bench_opts_longopts_count();
	size_t own = sizeof(mpi_front_own_opts) / sizeof(mpi_front_own_opts[0]);
	size_t nsw;
	const struct option *sw = mpi_sweep_longopts(&nsw);

	if (n + own + nsw + 1 > max)
		return -EINVAL;
	memcpy(lo, bench_opts_longopts(), n * sizeof(*lo));
	memcpy(lo + n, mpi_front_own_opts, sizeof(mpi_front_own_opts));
	memcpy(lo + n + own, sw, nsw * sizeof(*lo));
	memset(lo + n + own + nsw, 0, sizeof(*lo));
	return 0;
}

/* One option: an exit code, or -1 to go on. */
static int mpi_front_option(struct bench_opts *o, struct mpi_sweep_opts *so,
			    int c, int rank)
{
	int ret;

	switch (c) {
	case 'h':
		if (rank == 0)
			mpi_front_usage(stdout);
		return BENCH_EXIT_OK;
	case 'V':
		if (rank == 0)
			printf("ibpong-mpi %s\n", IBPONG_VERSION);
		return BENCH_EXIT_OK;
	case '?': /* getopt_long has said why */
		return BENCH_EXIT_USAGE;
	default:
		ret = bench_opts_handle(o, c, optarg);
		if (ret == 1)
			ret = mpi_sweep_opts_handle(so, c, optarg);
		return ret ? BENCH_EXIT_USAGE : -1;
	}
}

static int mpi_front_getopt(struct bench_opts *o, struct mpi_sweep_opts *so,
			    int argc, char **argv, int rank)
{
	struct option lo[MPI_FRONT_LONGOPTS_MAX];
	int code = -1;
	int c;

	if (mpi_front_longopts(lo, MPI_FRONT_LONGOPTS_MAX)) {
		bench_err("too many options for the option table");
		return BENCH_EXIT_RUNTIME;
	}
	opterr = rank == 0;
	while (code < 0 &&
	       (c = getopt_long(argc, argv, "hVd:x:", lo, NULL)) != -1)
		code = mpi_front_option(o, so, c, rank);
	if (code < 0 && optind < argc) {
		bench_err("unexpected argument '%s'", argv[optind]);
		code = BENCH_EXIT_USAGE;
	}
	if (code < 0 && (bench_opts_finish(o) || mpi_sweep_opts_finish(so, o)))
		code = BENCH_EXIT_USAGE;
	if (code == BENCH_EXIT_USAGE)
		bench_err("try 'ibpong-mpi --help'");
	return code;
}

int mpi_front_parse(struct bench_opts *o, struct mpi_sweep_opts *so, int argc,
		    char **argv, int rank)
{
	int saved = -1;
	int devnull;
	int code;

	bench_opts_init(o, argc, argv);
	mpi_sweep_opts_init(so);
	/* Ranks other than 0 reach the same verdict silently. */
	if (rank != 0) {
		fflush(stderr);
		saved = dup(STDERR_FILENO);
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (saved >= 0 && devnull >= 0)
			dup2(devnull, STDERR_FILENO);
		if (devnull >= 0)
			close(devnull);
	}
	code = mpi_front_getopt(o, so, argc, argv, rank);
	if (saved >= 0) {
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	return code;
}

/* Can a file be created beside path? Tries the temporary file itself. */
static int mpi_front_json_writable(const char *path)
{
	const char *slash = strrchr(path, '/');
	char tmp[PATH_MAX];
	struct stat st;
	int fd, ret;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		bench_err("--json %s: is a directory, expected a file name",
			  path);
		return -EISDIR;
	}

	if (slash)
		snprintf(tmp, sizeof(tmp), "%.*s/.ibpong-check.XXXXXX",
			 (int)(slash - path), path);
	else
		snprintf(tmp, sizeof(tmp), ".ibpong-check.XXXXXX");
	if (slash == path) /* "/name" */
		snprintf(tmp, sizeof(tmp), "/.ibpong-check.XXXXXX");
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		bench_err(
			"--json %s: cannot create a file in its directory: %s",
			path, strerror(-ret));
		return ret;
	}
	close(fd);
	unlink(tmp);
	return 0;
}

int mpi_front_check(struct bench_bootstrap *bs, const struct bench_opts *o,
		    const struct mpi_sweep_opts *so)
{
	size_t largest =
		o->sizes.count ? o->sizes.bytes[o->sizes.count - 1] : 0;
	int code = -1;
	int agreed;

	if (bs->size < 2 && !so->simulate_nodes) {
		if (bs->rank == 0)
			bench_err("needs 2 MPI ranks, got %d: run it as "
				  "'mpirun -np 2 ibpong-mpi ...'",
				  bs->size);
		return BENCH_EXIT_USAGE;
	}
	if (largest > INT_MAX) {
		if (bs->rank == 0)
			bench_err("--sizes: %zu B is above MPI's largest "
				  "count (%d B)",
				  largest, INT_MAX);
		return BENCH_EXIT_USAGE;
	}
	if (bs->rank == 0 && o->json_path &&
	    mpi_front_json_writable(o->json_path))
		code = BENCH_EXIT_USAGE;
	if (bs->rank == 0 && bs->size > 2 && !o->quiet &&
	    so->pairs == MPI_PAIRS_NONE)
		bench_warn("%d ranks: only ranks 0 and 1 measure", bs->size);
	if (mpi_bootstrap_agree(bs, code, &agreed))
		return BENCH_EXIT_RUNTIME;
	return agreed;
}

int mpi_front_start(struct bench_bootstrap *bs, int *argc, char ***argv)
{
	struct bench_bootstrap_cfg cfg = {
		.timeout_s = 30,
		.argc = argc,
		.argv = argv,
	};

	bench_log_set_prog("ibpong-mpi");
	if (bench_bootstrap_open(bs, &mpi_bootstrap_ops, &cfg))
		return BENCH_EXIT_RUNTIME;
	return -1;
}

int mpi_front_finish(struct bench_bootstrap *bs, int code)
{
	int agreed = code;

	if (mpi_bootstrap_agree(bs, code, &agreed)) {
		bench_err("rank %d: the other ranks do not answer; aborting "
			  "the job",
			  bs->rank);
		MPI_Abort(MPI_COMM_WORLD, code > 0 ? code : BENCH_EXIT_RUNTIME);
	}
	bench_bootstrap_close(bs);
	return agreed;
}
