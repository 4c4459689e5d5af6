/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report plot and render: the command lines.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exit.h"
#include "log.h"
#include "render/render.h"

static const char render_common_help[] =
	"  --out DIR           output directory (created if absent; "
	"required)\n"
	"  --max-latency R:US  latency target for the sizes of range R: "
	"MIN-MAX,\n"
	"                      MIN:MAX or one size (K, M, G: powers of 1024)"
	",\n"
	"                      e.g. 0-8K:2.5; repeatable. Drawn as a line; "
	"points\n"
	"                      whose plotted statistic is above it are "
	"marked\n"
	"  --stat NAME         latency statistic plotted and checked: min, "
	"median,\n"
	"                      mean, p90, p99, p999, max (default median, "
	"or mean\n"
	"                      for results that carry only means)\n"
	"  --group-by LABEL    one line per value of run.labels[LABEL] "
	"(median of\n"
	"                      its runs per size) instead of one per run\n"
	"  -h, --help          this help\n";

static void plot_usage(FILE *f)
{
	fprintf(f,
		"usage: ibpong report plot [OPTIONS] --out DIR RESULT...\n\n"
		"Draw, per test, latency against message size (log-log, "
		"log2 x; 0 B is\ndrawn at 0.5 B) and bandwidth against size, "
		"every run overlaid, with\ngnuplot (templates: "
		"$IBPONG_GNUPLOT_DIR, ../share/ibpong/gnuplot beside\nthe "
		"program, or the source tree). Writes DIR/plotN-latency.FMT, "
		"DIR/plotN-\nbandwidth.FMT and their data files.\n\n"
		"Options:\n"
		"  --format FMT        png (default) or svg\n"
		"  --title TEXT        the plots' title\n%s\n"
		"Exit: 0 drawn, 2 bad usage or input, 3 gnuplot failed or "
		"timed out.\n",
		render_common_help);
}

static void render_usage(FILE *f)
{
	fprintf(f,
		"usage: ibpong report render [OPTIONS] --out DIR RESULT...\n\n"
		"Write DIR/report.md (Markdown) and DIR/report.html (one "
		"self-contained\npage: plots inlined as SVG, tables, "
		"verdicts, run metadata, sweep\nsuspects; no external "
		"resource), atomically, with the SVG plots beside.\n\n"
		"Options:\n"
		"  --title TEXT        the report's title\n"
		"  --baseline FILE     compare each result with the same test "
		"in FILE\n"
		"                      (the rule of 'ibpong report compare')\n"
		"  --tolerance PCT     for --baseline (default 5)\n%s\n"
		"Exit: 0 written, 1 written and a target failed or a result "
		"regressed,\n2 bad usage or input, 3 gnuplot or write "
		"failure.\n",
		render_common_help);
}

static int render_option(struct render_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'o':
		o->out_dir = arg;
		return 0;
	case 'T':
		o->title = arg;
		return 0;
	case 'g':
		o->group_by = arg;
		return 0;
	case 'B':
		o->baseline_path = arg;
		return 0;
	case 's':
		return report_opt_stat(arg, &o->stat);
	case 'f':
		return report_opt_format(arg, &o->format);
	case 't':
		return report_opt_tolerance(arg, &o->rule.tolerance);
	case 'm':
		if (o->n_targets < REPORT_TARGETS_MAX &&
		    !report_target_parse(arg, &o->targets[o->n_targets])) {
			o->n_targets++;
			return 0;
		}
		bench_err("--max-latency: expected RANGE:USEC such as "
			  "0-8K:2.5 (at most %d), got '%s'",
			  REPORT_TARGETS_MAX, arg);
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

/* Parse argv; returns 0, 1 for --help (printed), or -EINVAL. */
static int render_parse(int argc, char **argv, bool is_render,
			struct render_opts *o)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, 'T' },
		{ "group-by", required_argument, NULL, 'g' },
		{ "stat", required_argument, NULL, 's' },
		{ "max-latency", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "tolerance", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->stat = -1;
	o->is_render = is_render;
	o->format = is_render ? REPORT_PLOT_SVG : REPORT_PLOT_PNG;
	report_cmp_rule_init(&o->rule);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			(is_render ? render_usage : plot_usage)(stdout);
			return 1;
		}
		if ((is_render && c == 'f') ||
		    (!is_render && (c == 'B' || c == 't')) || c == '?' ||
		    render_option(o, c, optarg)) {
			if (c != 'm' && c != 's' && c != 'f' && c != 't')
				bench_err("run 'ibpong report %s --help' for "
					  "the options",
					  argv[0]);
			return -EINVAL;
		}
	}
	if (!o->out_dir) {
		bench_err("--out DIR is required");
		return -EINVAL;
	}
	if (optind >= argc) {
		bench_err("no result files given");
		return -EINVAL;
	}
	return 0;
}

static int render_exit(int ret)
{
	if (ret == -EINVAL)
		return BENCH_EXIT_USAGE;
	return BENCH_EXIT_RUNTIME;
}

int report_cmd_plot(int argc, char **argv)
{
	struct render_image *img = NULL;
	struct render_opts o;
	struct report_set set;
	size_t n = 0, i;
	int ret;

	ret = render_parse(argc, argv, false, &o);
	if (ret)
		return ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	report_set_init(&set);
	ret = report_load_paths(argv + optind, argc - optind, &set);
	if (ret)
		goto out;
	ret = report_mkdir_p(o.out_dir);
	if (!ret)
		ret = render_figures(&set, &o, &img, &n);
	if (ret) {
		ret = render_exit(ret);
		goto out;
	}
	for (i = 0; i < n; i++)
		printf("%s\n", img[i].path);
out:
	free(img);
	report_set_free(&set);
	return ret;
}

/* Render through ops into memory, then write dir/name atomically. */
static int render_write(const struct render_writer_ops *ops,
			const struct render_opts *o,
			const struct report_set *set,
			const struct report_set *base,
			const struct render_image *img, size_t n,
			const char *name, int *verdict)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	ret = render_document(f, ops, o, set, base->count ? base : NULL, img,
			      n);
	if (fclose(f) && ret >= 0)
		ret = -ENOMEM;
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*verdict = ret;
	snprintf(path, sizeof(path), "%s/%s", o->out_dir, name);
	ret = bench_write_file_atomic(path, buf, len);
	if (ret)
		bench_err("%s: %s", path, strerror(-ret));
	else
		printf("%s\n", path);
	free(buf);
	return ret;
}

int report_cmd_render(int argc, char **argv)
{
	struct render_image *img = NULL;
	struct report_set set, base;
	struct render_opts o;
	size_t n = 0;
	int ret, verdict = 0;

	ret = render_parse(argc, argv, true, &o);
	if (ret)
		return ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	report_set_init(&set);
	report_set_init(&base);
	ret = report_load_paths(argv + optind, argc - optind, &set);
	if (!ret && o.baseline_path)
		ret = report_load_paths((char *const *)&o.baseline_path, 1,
					&base);
	if (ret)
		goto out;
	ret = report_mkdir_p(o.out_dir);
	if (!ret)
		ret = render_figures(&set, &o, &img, &n);
	if (!ret)
		ret = render_write(&render_md_ops, &o, &set, &base, img, n,
				   "report.md", &verdict);
	if (!ret)
		ret = render_write(&render_html_ops, &o, &set, &base, img, n,
				   "report.html", &verdict);
	if (ret)
		ret = render_exit(ret);
	else
		ret = verdict ? BENCH_EXIT_CHECK : BENCH_EXIT_OK;
out:
	free(img);
	report_set_free(&set);
	report_set_free(&base);
	return ret;
}
