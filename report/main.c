/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report: dispatch to a sub-command.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "exit.h"
#include "log.h"
#include "report.h"

struct report_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct report_cmd report_cmds[] = {
	{ "import", report_cmd_import,
	  "convert IMB-MPI1, OSU or perftest output to ibpong/1 JSON" },
	{ "check", report_cmd_check,
	  "check results against latency/bandwidth targets" },
	{ "compare", report_cmd_compare,
	  "compare runs or regions, flag regressions" },
	{ "store", report_cmd_store, "store results in the history database" },
	{ "history", report_cmd_history,
	  "per-size trends, latest run against the rolling baseline" },
	{ "plot", report_cmd_plot, "draw plots with gnuplot (PNG, SVG)" },
	{ "render", report_cmd_render,
	  "write a Markdown and a self-contained HTML report" },
	{ "export", report_cmd_export,
	  "one flat record per row for dashboards (CSV, JSON Lines)" },
	{ NULL, NULL, NULL },
};

static void report_usage(FILE *f)
{
	const struct report_cmd *c;

	fprintf(f, "usage: ibpong report COMMAND [OPTIONS] [FILE...]\n\n"
		   "Options:\n  -h, --help     this text\n"
		   "  -V, --version  the version\n\nCommands:\n");
	for (c = report_cmds; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'ibpong report COMMAND --help' for a command's "
		   "options.\nExit codes: 0 success, 1 a check or comparison "
		   "failed, 2 bad usage or input, 3 runtime failure.\n");
}

int main(int argc, char **argv)
{
	const struct report_cmd *c;

	bench_log_set_prog("ibpong report");
	if (argc < 2) {
		report_usage(stderr);
		return BENCH_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		report_usage(stdout);
		return BENCH_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("ibpong report %s\n", IBPONG_VERSION);
		return BENCH_EXIT_OK;
	}
	for (c = report_cmds; c->name; c++) {
		if (!strcmp(argv[1], c->name)) {
			char prog[64];

			snprintf(prog, sizeof(prog), "ibpong report %s",
				 c->name);
			bench_log_set_prog(prog);
			return c->run(argc - 1, argv + 1);
		}
	}
	bench_err("unknown command '%s'; run 'ibpong report --help' for the "
		  "list",
		  argv[1]);
	return BENCH_EXIT_USAGE;
}
