// SPDX-License-Identifier: BSD-2-Clause
/*
 * The front end of every benchmark command (bench_main.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_main.h"
#include "config.h"
#include "exit.h"
#include "log.h"
#include "run.h"

/* getopt values of long options: MAIN_LONG + index in the merged table */
#define MAIN_LONG  0x10000
#define MAIN_NOPTS 256

enum main_owner { OWN_MAIN, OWN_CMD, OWN_SHARED, OWN_ENGINE };

enum { MAIN_HELP = 1, MAIN_VERSION, MAIN_PORT, MAIN_BIND };

static const struct bench_opt main_opts[] = {
	{ "help", 'h', NULL, "this text", MAIN_HELP },
	{ "version", 'V', NULL, "the version", MAIN_VERSION },
	BENCH_OPT_END,
};

static const struct bench_opt main_peer_opts[] = {
	{ "port", 'p', "N", NULL, MAIN_PORT },
	{ "bind", 0, "ADDR", "local address (the server listens on it only)",
	  MAIN_BIND },
	BENCH_OPT_END,
};

/* One entry of the merged table. */
struct main_opt {
	const struct bench_opt *opt;
	enum main_owner owner;
	const struct bench_engine_desc *eng; /* OWN_ENGINE */
};

struct main_table {
	struct main_opt opts[MAIN_NOPTS];
	size_t n;
	int letter[128]; /* index + 1 of the owner of a short letter */
	struct option lo[MAIN_NOPTS + 1];
	char shorts[3 * 128 + 2];
};

static bool opt_end(const struct bench_opt *t)
{
	return !t->name && !t->letter;
}

static const struct main_opt *table_find_name(const struct main_table *t,
					      const char *name)
{
	size_t i;

	for (i = 0; name && i < t->n; i++)
		if (t->opts[i].opt->name && !strcmp(t->opts[i].opt->name, name))
			return &t->opts[i];
	return NULL;
}

static int table_add(struct main_table *t, const struct bench_opt *opts,
		     enum main_owner owner, const struct bench_engine_desc *eng)
{
	const struct bench_opt *o;

	for (o = opts; o && !opt_end(o); o++) {
		/* a name already taken (engines share --op...) stays first */
		if (o->name && table_find_name(t, o->name))
			continue;
		if (t->n == MAIN_NOPTS)
			return -E2BIG;
		t->opts[t->n] = (struct main_opt){ o, owner, eng };
		if (o->letter && !t->letter[(unsigned char)o->letter])
			t->letter[(unsigned char)o->letter] = (int)t->n + 1;
		t->n++;
	}
	return 0;
}

static void table_getopt(struct main_table *t)
{
	size_t i, nl = 0, ns = 0;
	int c;

	t->shorts[ns++] = ':'; /* a missing argument is reported as ':' */
	for (c = 1; c < 128; c++) {
		const struct bench_opt *o;

		if (!t->letter[c])
			continue;
		o = t->opts[t->letter[c] - 1].opt;
		t->shorts[ns++] = (char)c;
		if (o->arg)
			t->shorts[ns++] = ':';
	}
	t->shorts[ns] = '\0';
	for (i = 0; i < t->n; i++) {
		const struct bench_opt *o = t->opts[i].opt;

		if (!o->name)
			continue;
		t->lo[nl++] = (struct option){ o->name,
					       o->arg ? required_argument
						      : no_argument,
					       NULL, MAIN_LONG + (int)i };
	}
	memset(&t->lo[nl], 0, sizeof(t->lo[nl]));
}

static void usage_table(FILE *f, const struct main_table *t, const char *title,
			const struct bench_opt *opts)
{
	bool shown[128];
	const struct bench_opt *o;
	int c;

	if (!opts || opt_end(opts))
		return;
	for (c = 0; c < 128; c++)
		shown[c] = false;
	for (o = opts; !opt_end(o); o++) {
		c = (unsigned char)o->letter;
		if (c && t->letter[c] && t->opts[t->letter[c] - 1].opt == o)
			shown[c] = true;
	}
	if (title)
		fprintf(f, "%s:\n", title);
	bench_opt_usage(f, opts, shown);
}

static void usage_engine(FILE *f, const struct main_table *t,
			 const struct bench_engine_desc *d, const char *title)
{
	const struct bench_opt *const *tab;

	for (tab = d->opts; tab && *tab; tab++)
		usage_table(f, t, tab == d->opts ? title : NULL, *tab);
	if (d->opts && *d->opts)
		fputc('\n', f);
}

bool bench_engine_can_use(const struct bench_engine_desc *d,
			  const struct bench_bootstrap_ops *bs)
{
	const struct bench_bootstrap_ops *const *b;

	if (d->flags & BENCH_ENGINE_ANY_BOOTSTRAP)
		return true;
	for (b = d->bootstraps; b && *b; b++)
		if (*b == bs)
			return true;
	return false;
}

/* An engine that --ENGINE_OPT may choose. */
static bool main_offered(const struct bench_cmd *cmd,
			 const struct bench_engine_desc *d)
{
	return !cmd->engine_bootstrap ||
	       bench_engine_can_use(d, cmd->engine_bootstrap);
}

/* "mpi, verbs": the engines --ENGINE_OPT may choose. */
static void main_offered_names(const struct bench_cmd *cmd, char *buf,
			       size_t len)
{
	const struct bench_engine_desc *const *e;
	size_t n = 0;

	buf[0] = '\0';
	for (e = bench_engines; *e && n < len; e++)
		if (main_offered(cmd, *e))
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? ", " : "", (*e)->name);
}

static void main_usage(const struct bench_main *m, const struct main_table *t)
{
	const struct bench_cmd *cmd = m->cmd;
	const struct bench_engine_desc *const *e;
	char title[128];
	FILE *f = stdout;
	size_t i;

	fputs(cmd->synopsis, f);
	fputc('\n', f);
	usage_engine(f, t, m->eng, m->eng->opts_title);
	if (cmd->peer) {
		fprintf(f, "Connection:\n");
		fprintf(f, "  -p, --port N           %s\n", cmd->port_help);
		bench_opt_usage(f, main_peer_opts + 1, NULL);
		fputc('\n', f);
	}
	for (i = 0; cmd->opts && cmd->opts[i]; i++) {
		usage_table(f, t, cmd->opts_titles ? cmd->opts_titles[i] : NULL,
			    cmd->opts[i]);
		fputc('\n', f);
	}
	for (e = bench_engines; cmd->engine_opt && *e; e++) {
		if (*e == m->eng || !main_offered(cmd, *e))
			continue;
		snprintf(title, sizeof(title), "%s (with --%s %s)",
			 (*e)->opts_title, cmd->engine_opt, (*e)->name);
		usage_engine(f, t, *e, title);
	}
	bench_opts_usage(f);
	bench_opt_usage(f, main_opts, NULL);
	if (cmd->usage_more)
		cmd->usage_more(f);
	fputc('\n', f);
	fputs(cmd->exit_text, f);
}

static int main_peer_opt(struct bench_main *m, int id, const char *arg)
{
	long v;

	if (id == MAIN_BIND) {
		m->bcfg.bind_addr = arg;
		return 0;
	}
	if (bench_parse_int(arg, 1, 65535, &v))
		return bench_opts_bad("port", arg, "a port from 1 to 65535");
	m->bcfg.port = (uint16_t)v;
	return 0;
}

/* An option of an engine: the chosen one's, or refused. */
static int main_engine_opt(struct bench_main *m, const struct main_opt *mo,
			   const char *arg)
{
	const struct bench_engine_desc *d = m->eng;
	const struct bench_opt *const *tab, *o;

	if (mo->eng == d)
		return d->opt_handle(m->cfg, mo->opt->id, arg);
	/* the same name in the chosen engine's tables (--op of cm, verbs) */
	for (tab = d->opts; mo->opt->name && tab && *tab; tab++)
		for (o = *tab; !opt_end(o); o++)
			if (o->name && !strcmp(o->name, mo->opt->name))
				return d->opt_handle(m->cfg, o->id, arg);
	if (m->cmd->engine_opt)
		bench_err("--%s is an option of --%s %s; it does not apply to "
			  "--%s %s",
			  mo->opt->name, m->cmd->engine_opt, mo->eng->name,
			  m->cmd->engine_opt, d->name);
	else
		bench_err("--%s is an option of the %s engine, not of %s",
			  mo->opt->name, mo->eng->name, d->name);
	return -EINVAL;
}

/* One option: 0, 1 to leave with exit 0 (help, version), or -EINVAL. */
static int main_option(struct bench_main *m, const struct main_table *t,
		       const struct main_opt *mo, const char *arg)
{
	int ret;

	switch (mo->owner) {
	case OWN_MAIN:
		if (mo->opt->id == MAIN_PORT || mo->opt->id == MAIN_BIND)
			return main_peer_opt(m, mo->opt->id, arg);
		if (m->bs.rank == 0 && mo->opt->id == MAIN_HELP)
			main_usage(m, t);
		else if (m->bs.rank == 0)
			printf("%s %s\n", m->cmd->tool, IBPONG_VERSION);
		return 1;
	case OWN_CMD:
		return m->cmd->opt_handle(m, mo->opt->id, arg);
	case OWN_SHARED:
		ret = bench_opts_handle(&m->o, mo->opt->id, arg);
		return ret == 1 ? -EINVAL : ret;
	case OWN_ENGINE:
	default:
		return main_engine_opt(m, mo, arg);
	}
}

/*
 * The engine named by --ENGINE_OPT NAME (or =NAME) before getopt runs,
 * so that the option table and defaults are the chosen engine's.
 */
static int main_pick_engine(struct bench_main *m, int argc, char **argv)
{
	const char *opt = m->cmd->engine_opt, *name = m->cmd->engine;
	size_t len = opt ? strlen(opt) : 0;
	int i;

	for (i = 1; opt && i < argc && strcmp(argv[i], "--"); i++) {
		if (strncmp(argv[i], "--", 2) || strncmp(argv[i] + 2, opt, len))
			continue;
		if (argv[i][2 + len] == '=')
			name = argv[i] + 3 + len;
		else if (!argv[i][2 + len] && i + 1 < argc)
			name = argv[++i];
	}
	char names[128];

	m->eng = bench_engine_find(name);
	if (m->eng && main_offered(m->cmd, m->eng))
		return 0;
	main_offered_names(m->cmd, names, sizeof(names));
	if (m->eng)
		bench_err("--%s %s: the %s engine cannot run over the %s "
			  "bootstrap; choose one of %s",
			  opt, name, name, m->cmd->engine_bootstrap->name,
			  names);
	else
		bench_err("--%s '%s': expected one of %s", opt ? opt : "engine",
			  name, names);
	m->eng = NULL;
	return -EINVAL;
}

static int main_table_build(const struct bench_main *m, struct main_table *t)
{
	const struct bench_engine_desc *const *e;
	const struct bench_opt *const *tab;
	int ret;

	memset(t, 0, sizeof(*t));
	ret = table_add(t, main_opts, OWN_MAIN, NULL);
	if (!ret && m->cmd->peer)
		ret = table_add(t, main_peer_opts, OWN_MAIN, NULL);
	for (tab = m->cmd->opts; !ret && tab && *tab; tab++)
		ret = table_add(t, *tab, OWN_CMD, NULL);
	if (!ret)
		ret = table_add(t, bench_opts_table(), OWN_SHARED, NULL);
	for (tab = m->eng->opts; !ret && tab && *tab; tab++)
		ret = table_add(t, *tab, OWN_ENGINE, m->eng);
	for (e = bench_engines; !ret && m->cmd->engine_opt && *e; e++)
		for (tab = (*e)->opts;
		     !ret && main_offered(m->cmd, *e) && tab && *tab; tab++)
			ret = table_add(t, *tab, OWN_ENGINE, *e);
	if (ret)
		bench_err("too many options for one command line");
	else
		table_getopt(t);
	return ret;
}

/* getopt over the merged table: 0, 1 (help, version) or -EINVAL. */
static int main_getopt(struct bench_main *m, struct main_table *t, int argc,
		       char **argv)
{
	const struct main_opt *mo;
	int c, idx, ret = 0;

	optind = 0;
	opterr = 0;
	while (!ret &&
	       (c = getopt_long(argc, argv, t->shorts, t->lo, &idx)) != -1) {
		if (c == '?' || c == ':') {
			if (optopt && optopt < MAIN_LONG)
				bench_err("%s option '-%c'",
					  c == ':' ? "missing argument of the"
						   : "unknown",
					  optopt);
			else
				bench_err("%s option '%s'",
					  c == ':' ? "missing argument of the"
						   : "unknown or ambiguous",
					  argv[optind - 1]);
			return -EINVAL;
		}
		mo = c >= MAIN_LONG ? &t->opts[c - MAIN_LONG]
				    : &t->opts[t->letter[c] - 1];
		ret = main_option(m, t, mo, optarg);
	}
	if (ret)
		return ret;
	if (m->cmd->peer && optind < argc)
		m->bcfg.peer_host = argv[optind++];
	if (optind < argc) {
		bench_err("unexpected argument '%s'%s", argv[optind],
			  m->cmd->peer ? ": one HOST at most" : "");
		return -EINVAL;
	}
	return 0;
}

/* Ranks other than 0 reach the same verdict without a word. */
static int main_quiet_begin(const struct bench_main *m)
{
	int saved, devnull;

	if (m->bs.rank == 0)
		return -1;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && devnull >= 0)
		dup2(devnull, STDERR_FILENO);
	if (devnull >= 0)
		close(devnull);
	return saved;
}

static void main_quiet_end(int saved)
{
	if (saved < 0)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

/* The whole command line: an exit code, or -1 to go on. */
static int main_parse(struct bench_main *m, int argc, char **argv)
{
	struct main_table *t = calloc(1, sizeof(*t));
	int ret, code = -1, quiet = main_quiet_begin(m);

	bench_opts_init(&m->o, argc, argv);
	m->o.print_all_ranks = m->cmd->peer;
	m->bcfg.port = m->cmd->port_default;
	ret = t ? main_pick_engine(m, argc, argv) : -ENOMEM;
	if (!ret && m->eng->cfg_size) {
		m->cfg = calloc(1, m->eng->cfg_size);
		ret = m->cfg ? 0 : -ENOMEM;
	}
	if (!ret && m->cfg && m->eng->cfg_init)
		m->eng->cfg_init(m->cfg);
	if (!ret)
		ret = main_table_build(m, t);
	if (!ret)
		ret = main_getopt(m, t, argc, argv);
	if (!ret)
		ret = bench_opts_finish(&m->o);
	if (!ret && m->eng->cfg_finish)
		ret = m->eng->cfg_finish(m->cfg, &m->o);
	if (!ret)
		ret = bench_run_check(m->eng->ops, &m->o);
	if (ret < 0 && ret != -ENOMEM)
		bench_err("try '%s --help'", m->cmd->prog);
	free(t);
	if (ret == -ENOMEM)
		code = BENCH_EXIT_RUNTIME;
	else if (ret)
		code = ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	else if (m->cmd->opts_finish)
		code = m->cmd->opts_finish(m);
	main_quiet_end(quiet);
	return code;
}

static bool main_env_is(const char *name, const char *value)
{
	const char *v = getenv(name);

	return v && !strcmp(v, value);
}

/*
 * A peer command checks its device before it listens or connects, so that
 * a bad device, port or GID fails at once, not when the other end comes;
 * the server then says once what it waits with (bench_bootstrap_cfg).
 */
static int main_preflight(struct bench_main *m)
{
	int ret;

	if (!m->cmd->peer)
		return -1;
	/* without one (rdma_cm), the bootstrap knows the device itself */
	if (!m->eng->preflight)
		return -1;
	/* testing only: the bootstrap's failure paths on a host without RDMA */
	if (main_env_is("IBPONG_PREFLIGHT", "0"))
		return -1;
	ret = m->eng->preflight(m->cfg, m->serve_note, sizeof(m->serve_note));
	if (ret)
		return bench_exit_of(ret);
	if (!m->bcfg.peer_host)
		m->bcfg.serve_note = m->serve_note;
	return -1;
}

/* The engine's bootstraps in order; -ENOTSUP passes to the next. */
static int main_bootstrap(struct bench_main *m)
{
	const struct bench_bootstrap_ops *const *b;
	int ret = -ENOTSUP;

	m->bcfg.timeout_s = m->o.timeout_s;
	m->bcfg.opaque = m->cfg;
	for (b = m->eng->bootstraps; b && *b && ret == -ENOTSUP; b++)
		ret = bench_bootstrap_open(&m->bs, *b, &m->bcfg);
	if (ret == -ENOTSUP)
		bench_err("no bootstrap of the %s engine can start here",
			  m->eng->name);
	m->bs_open = !ret;
	if (ret == -ENOTSUP)
		return BENCH_EXIT_RUNTIME;
	return ret ? bench_exit_of(ret) : -1;
}

int bench_exit_of(int ret)
{
	if (!ret)
		return BENCH_EXIT_OK;
	if (ret == -EBADE || ret == -ENOTSUP)
		return BENCH_EXIT_USAGE;
	return BENCH_EXIT_RUNTIME;
}

int bench_output_writable(const char *opt, const char *path)
{
	const char *slash = strrchr(path, '/');
	char tmp[PATH_MAX];
	struct stat st;
	int fd, ret;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		bench_err("%s %s: is a directory, expected a file name", opt,
			  path);
		return -EISDIR;
	}
	if (slash == path) /* "/name" */
		snprintf(tmp, sizeof(tmp), "/.ibpong-check.XXXXXX");
	else if (slash)
		snprintf(tmp, sizeof(tmp), "%.*s/.ibpong-check.XXXXXX",
			 (int)(slash - path), path);
	else
		snprintf(tmp, sizeof(tmp), ".ibpong-check.XXXXXX");
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		bench_err("%s %s: cannot create a file in its directory: %s",
			  opt, path, strerror(-ret));
		return ret;
	}
	close(fd);
	unlink(tmp);
	return 0;
}

/* mkdir -p: each component in turn; an existing one is fine. */
static int main_mkdirs(const char *dir)
{
	char path[PATH_MAX];
	size_t i, n = strlen(dir);

	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) && errno != EEXIST)
			return -errno;
		path[i] = i < n ? '/' : '\0';
	}
	return 0;
}

int bench_output_dir_ready(const char *opt, const char *dir)
{
	char probe[PATH_MAX];
	struct stat st;
	int ret;

	ret = main_mkdirs(dir);
	if (!ret && (stat(dir, &st) || !S_ISDIR(st.st_mode)))
		ret = -ENOTDIR;
	if (ret) {
		bench_err("%s %s: cannot create the directory: %s", opt, dir,
			  strerror(-ret));
		return ret;
	}
	if (snprintf(probe, sizeof(probe), "%s/x", dir) >= (int)sizeof(probe))
		return -ENAMETOOLONG;
	return bench_output_writable(opt, probe);
}

/*
 * The guard starts first: signals are blocked before any thread exists
 * (MPI_Init starts some), so that only the guard receives them.
 */
static int main_guard_start(struct bench_main *m)
{
	struct bench_guard_cfg cfg = {
		.timeout_s = 30,
		.watch = m->cmd->watchdog,
		.amend = m->cmd->stall_amend,
		.amend_arg = m,
	};
	int ret;

	ret = bench_guard_block_signals();
	if (!ret)
		ret = bench_guard_start(&m->guard, &cfg);
	if (ret)
		bench_err("cannot start the guard thread: %s", strerror(-ret));
	return ret;
}

/*
 * What the guard needs of the options: --timeout, and --json where this
 * process writes it (every end of a peer command; rank 0 of MPI, whose
 * other ranks leave on a signal without a line). Peer commands check
 * that --json can be written before they meet: a run must not be lost to
 * a late check.
 */
static int main_guard_opts(struct bench_main *m)
{
	bool writes = m->cmd->peer || m->bs.rank == 0;

	m->o.guard = m->guard;
	bench_guard_set_timeout(m->guard, m->o.timeout_s);
	bench_guard_set_json(m->guard, writes ? m->o.json_path : NULL);
	bench_guard_set_quiet(m->guard, !writes);
	bench_guard_phase(m->guard, 0, NULL, 0, "starting the run");
	if (m->cmd->peer && m->o.json_path &&
	    bench_output_writable("--json", m->o.json_path))
		return BENCH_EXIT_USAGE;
	if (m->cmd->peer && m->o.samples_path &&
	    bench_output_writable("--samples", m->o.samples_path))
		return BENCH_EXIT_USAGE;
	return -1;
}

/* Whom a 2-rank run waits on, for the guard's line. */
static void main_guard_peer(struct bench_main *m, const struct bench_result *r)
{
	struct bench_guard_peer p = { .rank = m->bs.rank ? 0 : 1, .round = -1 };
	json_t *hosts = r->run ? json_object_get(r->run, "hosts") : NULL;

	if (m->bs.size != 2)
		return;
	p.host = json_string_value(json_array_get(hosts, (size_t)p.rank));
	bench_guard_set_peer(m->guard, &p);
}

static int main_tool_name(struct bench_result *r, const char *tool)
{
	if (!r->tool)
		r->tool = strdup(tool);
	if (!r->tool_version)
		r->tool_version = strdup(IBPONG_VERSION);
	return r->tool && r->tool_version ? 0 : -ENOMEM;
}

int bench_main_measure(struct bench_main *m)
{
	const struct bench_engine_desc *d = m->eng;
	struct bench_result r;
	struct bench_clock clk;
	int ret;

	bench_result_init(&r);
	ret = bench_clock_init(&clk);
	if (ret) {
		bench_err("cannot set up the clock: %s", strerror(-ret));
		goto out;
	}
	/* a mismatch is found before the prologue spends any time */
	if (d->prologue)
		ret = bench_run_agree(&m->bs, &m->o, d, m->cfg);
	if (!ret)
		ret = bench_run_describe(&r, &m->o, &m->bs, &clk);
	if (!ret)
		ret = main_tool_name(&r, m->cmd->tool);
	if (!ret)
		main_guard_peer(m, &r);
	if (!ret && d->prologue)
		ret = d->prologue(m->cfg, &m->bs, &m->o, &r);
	if (!ret)
		ret = bench_run_engine(d, m->cfg, &m->bs, &m->o, &clk, &r);
	if (!ret && m->check)
		m->check_code = bench_checker->finish(
			m->check, &r, m->bs.rank == 0 || m->o.print_all_ranks);
out:
	/* a mismatch is told by both ends already, the peer's exit too */
	if (ret && ret != -EBADE && d->failed)
		d->failed(&m->bs, ret);
	bench_result_free(&r);
	return ret;
}

static int main_finish(struct bench_main *m, int code)
{
	if (m->cmd->finish)
		return m->cmd->finish(m, code);
	if (m->bs_open)
		bench_bootstrap_close(&m->bs);
	m->bs_open = false;
	return code;
}

/* --check: the rules, before anything is measured. Exit code or -1. */
static int main_check_open(struct bench_main *m)
{
	int quiet, ret;

	if (!m->o.check_spec)
		return -1;
	if (!bench_checker) {
		bench_err("--check: this build has no reporter (SQLite was "
			  "not found); build with it or check with ibpong "
			  "report check afterwards");
		return BENCH_EXIT_USAGE;
	}
	/* every rank opens it; the cause is told once, as for options */
	quiet = main_quiet_begin(m);
	ret = bench_checker->open(m->o.check_spec, m->o.retest_budget,
				  &m->check);
	main_quiet_end(quiet);
	if (ret)
		return ret == -ENOMEM ? BENCH_EXIT_RUNTIME : BENCH_EXIT_USAGE;
	m->o.check = m->check;
	return -1;
}

int bench_main(int argc, char **argv, const struct bench_cmd *cmd)
{
	struct bench_main m = { .cmd = cmd, .check_code = -1 };
	int code = -1;

	bench_log_set_prog(cmd->prog);
	if (main_guard_start(&m))
		return BENCH_EXIT_RUNTIME;
	if (cmd->state_size) {
		m.state = calloc(1, cmd->state_size);
		if (!m.state)
			return BENCH_EXIT_RUNTIME;
		if (cmd->state_init)
			cmd->state_init(m.state);
	}
	if (cmd->start) {
		if (cmd->start(&m, &argc, &argv))
			code = BENCH_EXIT_RUNTIME;
		else
			m.bs_open = true;
	}
	if (code < 0)
		code = main_parse(&m, argc, argv);
	if (code < 0)
		code = main_guard_opts(&m);
	if (code < 0 && !m.bs_open)
		code = main_preflight(&m);
	if (code < 0 && !m.bs_open)
		code = main_bootstrap(&m);
	m.bs.timeout_s = m.o.timeout_s;
	if (code < 0 && cmd->check)
		code = cmd->check(&m);
	if (code < 0)
		code = main_check_open(&m);
	if (code < 0 && cmd->run)
		code = cmd->run(&m);
	if (code < 0)
		code = bench_exit_of(bench_main_measure(&m));
	if (code == BENCH_EXIT_OK && m.check_code >= 0)
		code = m.check_code;
	if (m.check)
		bench_checker->close(m.check);
	code = main_finish(&m, code);
	bench_guard_stop(m.guard, code == BENCH_EXIT_OK);
	bench_opts_free(&m.o);
	free(m.cfg);
	free(m.state);
	return code;
}
