/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one front end of every benchmark command (ibpong verbs, ibpong cm,
 * ibpong-mpi): the command line (the shared options, the engine's, the
 * command's own; --help and --version), the bootstrap (the engine's
 * list, tried in order), the run and the exit code (bench/exit.h), all
 * in one place. A command is a const struct bench_cmd and a main of one
 * line: return bench_main(argc, argv, &cmd).
 *
 * Options. Every table (struct bench_opt) is merged into one getopt_long
 * table. A short letter belongs to the first table that claims it, in
 * this order: the command's, the shared options, the engine's; a later
 * claim keeps only its long name (ibpong-mpi's -x is OSU's warm-up, its
 * GID index is --gid-index). With engine_opt set ("transport"), the
 * options of every engine in the registry are accepted by name and those
 * of an engine other than the chosen one are refused with one line.
 */
#ifndef BENCH_BENCH_MAIN_H
#define BENCH_BENCH_MAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "bootstrap.h"
#include "guard.h"
#include "engine.h"
#include "options.h"

struct bench_main;

/* A benchmark command: what it adds to the front end. */
struct bench_cmd {
	const char *prog;      /* in messages: "ibpong verbs" */
	const char *tool;      /* the result's tool: "ibpong-verbs" */
	const char *engine;    /* registry name of its (default) engine */
	const char *synopsis;  /* the first lines of --help */
	const char *exit_text; /* the last lines of --help */
	/*
	 * Two processes that meet over the network: an optional HOST (the
	 * client; none: serve), -p/--port N and --bind ADDR fill the
	 * bootstrap's cfg; every end prints its table.
	 */
	bool peer;
	uint16_t port_default; /* -p without the option */
	const char *port_help; /* --help text of -p */
	/* The command's own option tables (NULL-terminated, may be NULL),
	 * their --help headings, and their state. */
	const struct bench_opt *const *opts;
	const char *const *opts_titles;
	size_t state_size; /* bytes of m->state, allocated zeroed */
	void (*state_init)(void *state);
	/* One of opts: 0, or -EINVAL after one line naming the option. */
	int (*opt_handle)(struct bench_main *m, int id, const char *arg);
	/*
	 * The option of opts that names the engine ("transport"), or NULL;
	 * then the engines that can run over engine_bootstrap are offered.
	 */
	const char *engine_opt;
	const struct bench_bootstrap_ops *engine_bootstrap;
	/*
	 * After parsing, the engine chosen: check the combination. An exit
	 * code, or -1 to go on. May be NULL.
	 */
	int (*opts_finish)(struct bench_main *m);
	/*
	 * Open the bootstrap before parsing (MPI_Init takes argc and argv;
	 * ranks other than 0 then parse silently): 0 or a negative errno.
	 * NULL: the engine's bootstraps are tried after parsing.
	 */
	int (*start)(struct bench_main *m, int *argc, char ***argv);
	/* Checks once the bootstrap is open: exit code or -1. May be NULL. */
	int (*check)(struct bench_main *m);
	/*
	 * Measure instead of the ordinary run (a sweep): an exit code, or -1
	 * for the ordinary run. May be NULL.
	 */
	int (*run)(struct bench_main *m);
	/*
	 * Leave: agree on the exit code with every rank and close the
	 * bootstrap; returns the code. NULL: close and return code.
	 */
	int (*finish)(struct bench_main *m, int code);
	/* Extra --help text after the options (may be NULL). */
	void (*usage_more)(FILE *f);
	/*
	 * Run the guard's stall watchdog (bench/guard.h): MPI, which has no
	 * timed receive. Signals are always handled. stall_amend: the
	 * guard's amend hook (its arg is the struct bench_main), or NULL.
	 */
	bool watchdog;
	void (*stall_amend)(json_t *doc, const struct bench_guard_peer *peer,
			    const char *why, void *arg);
};

/* The state of one command run, handed to the command's hooks. */
struct bench_main {
	const struct bench_cmd *cmd;
	struct bench_opts o;
	const struct bench_engine_desc *eng; /* the chosen engine */
	void *cfg;			     /* its config (eng->cfg_size) */
	void *state;			     /* cmd->state_size bytes */
	struct bench_bootstrap bs;
	bool bs_open;
	struct bench_bootstrap_cfg bcfg; /* peer: HOST, --port, --bind */
	char serve_note[192];		 /* peer server: bcfg.serve_note */
	struct bench_guard *guard;	 /* signals and watchdog; m->o.guard */
	struct bench_check *check;	 /* --check, or NULL */
	int check_code;			 /* --check's exit code, or -1 */
};

/* Run the command; returns the process exit code (bench/exit.h). */
int bench_main(int argc, char **argv, const struct bench_cmd *cmd);

/*
 * The exit code of a run's result: 0, BENCH_EXIT_USAGE for mismatched
 * peers (-EBADE) and a test or size the engine refuses (-ENOTSUP),
 * else BENCH_EXIT_RUNTIME.
 */
int bench_exit_of(int ret);

/*
 * The ordinary measurement of m: clock, metadata, the engine's prologue,
 * bench_run over m->bs. Returns 0 or a negative errno (logged).
 */
int bench_main_measure(struct bench_main *m);

/*
 * Can a file be created at path (--json)? Tries a temporary file beside
 * it. 0, or a negative errno after one line naming the path.
 */
int bench_output_writable(const char *opt, const char *path);

/*
 * An output directory (--matrix-dir): created with its parents when
 * absent, then a temporary file is tried in it. 0, or a negative errno
 * after one line naming the directory.
 */
int bench_output_dir_ready(const char *opt, const char *dir);

#endif
