// SPDX-License-Identifier: BSD-2-Clause
/*
 * ibpong, the front command (git-style): "ibpong CMD ARGS" runs
 * ibpong-CMD found beside this executable (the build tree), else in the
 * install's libexec directory, found relative to this executable.
 */
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "exit.h"
#include "log.h"

struct front_cmd {
	const char *name;
	const char *summary;
	int built;	       /* HAVE_* of config.h */
	const char *not_built; /* why, and what to install */
};

static const struct front_cmd front_cmds[] = {
	{ "verbs", "raw-verbs ping-pong over an RC/UC/UD QP", HAVE_VERBS,
	  "rdma-core's libibverbs was not found when configuring; install "
	  "libibverbs-dev (rdma-core) and reconfigure" },
	{ "cm", "the same over rdma_cm connection setup", HAVE_RDMACM,
	  "rdma-core's librdmacm was not found when configuring; install "
	  "librdmacm-dev (rdma-core) and reconfigure" },
	{ "report", "import, check, compare, history and plots of results",
	  HAVE_REPORT,
	  "sqlite3 was not found when configuring; install libsqlite3-dev "
	  "and reconfigure" },
	{ "lab", "a Soft-RoCE (rxe) lab to try everything without hardware", 1,
	  NULL },
};

#define N_CMDS (sizeof(front_cmds) / sizeof(front_cmds[0]))

static void front_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ibpong [--help | --version] COMMAND [ARGS]\n\n"
		   "RDMA and MPI ping-pong benchmarks.\n\nCommands:\n");
	for (i = 0; i < N_CMDS; i++)
		fprintf(f, "  %-8s %s%s\n", front_cmds[i].name,
			front_cmds[i].summary,
			front_cmds[i].built ? "" : " (not built)");
	fprintf(f,
		"\nMPI: launchers start ibpong-mpi directly, e.g.\n"
		"  mpirun -np 2 ibpong-mpi --sizes 0:4M%s\n"
		"\n'ibpong help COMMAND' or 'ibpong COMMAND --help' shows a "
		"command's options.\n\n"
		"Exit codes:\n"
		"  0  success\n"
		"  1  a check or comparison failed\n"
		"  2  bad usage or bad input\n"
		"  3  runtime or transport failure (peer lost, timeout, "
		"no device)\n",
		HAVE_MPI ? "" : " (not built: no MPI found when configuring)");
}

static const struct front_cmd *front_find(const char *name)
{
	size_t i;

	for (i = 0; i < N_CMDS; i++)
		if (strcmp(front_cmds[i].name, name) == 0)
			return &front_cmds[i];
	return NULL;
}

/* Directory of this executable, from /proc/self/exe. */
static int front_self_dir(char *dir, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return -errno;
	exe[n] = '\0';
	if (snprintf(dir, len, "%s", dirname(exe)) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* exec dir/ibpong-name; returns only on failure. */
static int front_exec_in(const char *dir, const char *name, char **argv)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/ibpong-%s", dir, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	argv[0] = path;
	execv(path, argv);
	return -errno;
}

static int front_run(const struct front_cmd *cmd, char **argv)
{
	char dir[PATH_MAX];
	int ret = -ENOENT;

	if (!cmd->built) {
		fprintf(stderr, "ibpong: '%s' was not built: %s\n", cmd->name,
			cmd->not_built);
		return BENCH_EXIT_USAGE;
	}
	ret = front_self_dir(dir, sizeof(dir));
	if (ret == 0)
		ret = front_exec_in(dir, cmd->name, argv);
	/* Installed: relative to this executable, so that a moved or
	 * staged prefix finds its own helpers, never another install's. */
	if (ret == -ENOENT &&
	    strlen(dir) + sizeof(IBPONG_BIN_TO_LIBEXEC) + 1 < sizeof(dir)) {
		strcat(dir, "/" IBPONG_BIN_TO_LIBEXEC);
		ret = front_exec_in(dir, cmd->name, argv);
	}
	bench_err("cannot run ibpong-%s (looked beside ibpong and in %s): %s",
		  cmd->name, dir, strerror(-ret));
	return BENCH_EXIT_RUNTIME;
}

static int front_unknown(const char *name)
{
	if (strcmp(name, "mpi") == 0) {
		fprintf(stderr,
			"ibpong: 'mpi' is not a sub-command: start ibpong-mpi "
			"with your MPI launcher, e.g. 'mpirun -np 2 "
			"ibpong-mpi'\n");
		return BENCH_EXIT_USAGE;
	}
	fprintf(stderr,
		"ibpong: '%s' is not a command; see 'ibpong --help' (commands: "
		"verbs, cm, report, lab)\n",
		name);
	return BENCH_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const struct front_cmd *cmd;
	static char help_arg[] = "--help";
	char *help_argv[3] = { NULL, help_arg, NULL };

	bench_log_set_prog("ibpong");
	if (argc < 2) {
		front_usage(stderr);
		return BENCH_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		front_usage(stdout);
		return BENCH_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("ibpong %s\n", IBPONG_VERSION);
		return BENCH_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			front_usage(stdout);
			return BENCH_EXIT_OK;
		}
		cmd = front_find(argv[2]);
		return cmd ? front_run(cmd, help_argv) : front_unknown(argv[2]);
	}
	if (argv[1][0] == '-') {
		fprintf(stderr,
			"ibpong: unknown option '%s'; see 'ibpong "
			"--help'\n",
			argv[1]);
		return BENCH_EXIT_USAGE;
	}
	cmd = front_find(argv[1]);
	return cmd ? front_run(cmd, argv + 1) : front_unknown(argv[1]);
}
