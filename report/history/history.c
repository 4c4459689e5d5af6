/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report store and history.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/verdict.h"
#include "exit.h"
#include "history/db.h"
#include "history/history.h"
#include "log.h"
#include "render/plot.h"

#define HISTORY_LABELS_MAX	 32
#define HISTORY_BASELINE_DEFAULT 5

struct history_opts {
	const char *db_path;
	const char *keys[HISTORY_LABELS_MAX];
	const char *values[HISTORY_LABELS_MAX];
	char *label_buf[HISTORY_LABELS_MAX]; /* owned copies of K=V */
	struct report_db_filter filter;
	unsigned baseline;
	struct report_cmp_rule rule;
	int stat;
	const char *plot_dir;
	enum report_plot_format format;
};

static int report_db_exit(int ret)
{
	if (ret == -EINVAL)
		return BENCH_EXIT_USAGE;
	return BENCH_EXIT_RUNTIME;
}

static void store_usage(FILE *f)
{
	fprintf(f,
		"usage: ibpong report store [--db FILE] RESULT...\n\n"
		"Store results (ibpong/1 JSON, or IMB, OSU, perftest text) in "
		"the history\ndatabase. A result already stored (same "
		"content hash: SHA-256 of its\ncanonical JSON) is reported "
		"as \"already stored\" and not inserted again.\nEvery file is "
		"read first: a bad file stores nothing. Several stores may\n"
		"run at once on one database (WAL, busy timeout %d s).\n\n"
		"Options:\n"
		"  --db FILE   the database (default %s; created if absent). "
		"A corrupt or\n"
		"              foreign file is refused and left untouched.\n"
		"  -h, --help  this help\n\n"
		"Exit: 0 stored, 2 bad usage, input or database file, 3 "
		"database failure.\n",
		REPORT_DB_BUSY_MS / 1000, REPORT_DB_DEFAULT);
}

static int store_parse(int argc, char **argv, const char **db_path)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*db_path = REPORT_DB_DEFAULT;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			*db_path = optarg;
			break;
		case 'h':
			store_usage(stdout);
			return 1;
		default:
			bench_err("run 'ibpong report store --help' for the "
				  "options");
			return -EINVAL;
		}
	}
	if (optind >= argc) {
		bench_err("no result files given; run 'ibpong report store "
			  "--help'");
		return -EINVAL;
	}
	return 0;
}

int report_cmd_store(int argc, char **argv)
{
	struct report_set set;
	struct report_db db = { 0 };
	const char *db_path;
	int64_t id = 0;
	size_t i;
	int ret;

	ret = store_parse(argc, argv, &db_path);
	if (ret)
		return ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	report_set_init(&set);
	ret = report_load_paths(argv + optind, argc - optind, &set);
	if (ret)
		goto out;
	ret = report_db_open(db_path, true, &db);
	if (ret) {
		ret = report_db_exit(ret);
		goto out;
	}
	for (i = 0; i < set.count; i++) {
		ret = report_db_store(&db, &set.items[i], set.paths[i], &id);
		if (ret < 0) {
			ret = report_db_exit(ret);
			goto out;
		}
		printf("%s (%s %s): %s (run %" PRId64 ")\n", set.paths[i],
		       set.items[i].tool ? set.items[i].tool : "?",
		       set.items[i].test_name ? set.items[i].test_name : "?",
		       ret ? "already stored" : "stored", id);
	}
	ret = BENCH_EXIT_OK;
out:
	report_db_close(&db);
	report_set_free(&set);
	return ret;
}

static void history_usage(FILE *f)
{
	fprintf(f,
		"usage: ibpong report history [OPTIONS]\n\n"
		"Per-size trends of the stored runs, one series per tool and "
		"test, oldest\nfirst (by run.start_time, else the time stored)"
		". The latest run of each\nseries is judged against the "
		"rolling baseline of the N runs before it:\nper size, the "
		"median of their values, with as noise the larger of the\n"
		"median of their (p90 - median) / median and 1.4826 * MAD / "
		"median of\ntheir values; the verdict rule is compare's "
		"(see 'ibpong report compare\n--help'): a change past the "
		"threshold is a regression only when the 95 %%\ninterval of "
		"the latest run and the baseline's (the order-statistics\n"
		"interval of the baseline runs' median, widened by their own "
		"intervals)\nare disjoint, else inconclusive; without intervals"
		" the threshold alone\ndecides.\n\n"
		"Options:\n"
		"  --db FILE         the database (default %s)\n"
		"  --label K=V       only runs labelled K=V (repeatable: all "
		"must match; none\n"
		"                    matching is an error, exit 2)\n"
		"  --since DATE      only runs started at or after DATE "
		"(YYYY-MM-DD or\n"
		"                    YYYY-MM-DDTHH:MM:SSZ, UTC)\n"
		"  --baseline N      runs in the rolling baseline (default %d)"
		"\n"
		"  --stat NAME       latency statistic (default median, else "
		"mean)\n"
		"  --tolerance PCT   smallest relative difference that counts "
		"(default 5)\n"
		"  --noise K         weight of the noise term (default 1)\n"
		"  --plot DIR        also draw the trend of each series into "
		"DIR (gnuplot):\n"
		"                    x the run date, the rolling baseline "
		"dashed, the\n"
		"                    latest run's regressions circled\n"
		"  --format FMT      png or svg for --plot (default png)\n"
		"  -h, --help        this help\n\n"
		"Exit: 0 no regression and none inconclusive, 1 a latest run "
		"regressed, 2 bad\nusage or database file, 3 database or "
		"gnuplot failure, 4 no regression but a\nchange past the "
		"threshold is inconclusive.\n",
		REPORT_DB_DEFAULT, HISTORY_BASELINE_DEFAULT);
}

static bool history_date_ok(const char *s)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i, len = strlen(s);

	if (len != 10 && len != 16 && len != 17 && len != 19 && len != 20)
		return false;
	for (i = 0; i < len; i++) {
		if (pattern[i] == 'd' ? (s[i] < '0' || s[i] > '9')
				      : s[i] != pattern[i])
			return false;
	}
	return true;
}

static int history_add_label(struct history_opts *o, const char *arg)
{
	unsigned n = o->filter.n_labels;
	char *eq, *copy;

	if (n == HISTORY_LABELS_MAX) {
		bench_err("--label: at most %d labels", HISTORY_LABELS_MAX);
		return -EINVAL;
	}
	eq = strchr(arg, '=');
	if (!eq || eq == arg) {
		bench_err("--label: expected KEY=VALUE, got '%s'", arg);
		return -EINVAL;
	}
	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	copy[eq - arg] = '\0';
	o->label_buf[n] = copy;
	o->keys[n] = copy;
	o->values[n] = copy + (eq - arg) + 1;
	o->filter.n_labels++;
	return 0;
}

static int history_option(struct history_opts *o, int c, const char *arg)
{
	double v;

	switch (c) {
	case 'd':
		o->db_path = arg;
		return 0;
	case 'l':
		return history_add_label(o, arg);
	case 'S':
		if (history_date_ok(arg)) {
			o->filter.since = arg;
			return 0;
		}
		bench_err("--since: expected YYYY-MM-DD[THH:MM[:SS]Z], got "
			  "'%s'",
			  arg);
		return -EINVAL;
	case 'b':
		if (!report_parse_double(arg, &v) && v >= 1 && v <= 10000 &&
		    v == floor(v)) {
			o->baseline = (unsigned)v;
			return 0;
		}
		bench_err("--baseline: expected a run count >= 1, got '%s'",
			  arg);
		return -EINVAL;
	default:
		return report_history_common_option(
			&o->rule, &o->stat, &o->plot_dir, &o->format, c, arg);
	}
}

static int history_parse(int argc, char **argv, struct history_opts *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "label", required_argument, NULL, 'l' },
		{ "since", required_argument, NULL, 'S' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "stat", required_argument, NULL, 's' },
		{ "tolerance", required_argument, NULL, 't' },
		{ "noise", required_argument, NULL, 'k' },
		{ "plot", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			history_usage(stdout);
			return 1;
		}
		if (c == '?') {
			bench_err("run 'ibpong report history --help' for "
				  "the options");
			return -EINVAL;
		}
		ret = history_option(o, c, optarg);
		if (ret)
			return ret;
	}
	if (optind < argc) {
		bench_err("unexpected argument '%s'; run 'ibpong report "
			  "history --help'",
			  argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static void history_opts_init(struct history_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->db_path = REPORT_DB_DEFAULT;
	o->filter.label_keys = o->keys;
	o->filter.label_values = o->values;
	o->baseline = HISTORY_BASELINE_DEFAULT;
	report_cmp_rule_init(&o->rule);
	o->stat = -1;
	o->format = REPORT_PLOT_PNG;
}

static void history_opts_free(struct history_opts *o)
{
	unsigned i;

	for (i = 0; i < o->filter.n_labels; i++)
		free(o->label_buf[i]);
}

int report_cmd_history(int argc, char **argv)
{
	struct history_opts o;
	struct report_db db = { 0 };
	struct report_set set;
	struct report_history_params p;
	int ret;

	history_opts_init(&o);
	report_set_init(&set);
	ret = history_parse(argc, argv, &o);
	if (ret) {
		ret = ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
		goto out;
	}
	ret = report_db_open(o.db_path, false, &db);
	if (!ret)
		ret = report_db_load(&db, &o.filter, &set);
	if (ret) {
		ret = report_db_exit(ret);
		goto out;
	}
	/* A typo in a nightly job's --label must not read as "all green". */
	if (!set.count && o.filter.n_labels) {
		bench_err("--label %s=%s%s matches no stored run; check the "
			  "spelling (labels are case-sensitive), or run "
			  "without --label to see every series",
			  o.keys[0], o.values[0],
			  o.filter.n_labels > 1 ? " (with the other --label)"
						: "");
		ret = BENCH_EXIT_USAGE;
		goto out;
	}
	p = (struct report_history_params){ .rule = o.rule,
					    .stat = o.stat,
					    .baseline = o.baseline,
					    .plot_dir = o.plot_dir,
					    .format = o.format };
	ret = report_history_print(&p, &set);
out:
	report_db_close(&db);
	report_set_free(&set);
	history_opts_free(&o);
	return ret;
}
