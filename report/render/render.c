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
	"  --profile NAME|PATH judge as 'ibpong report check' does: a "
	"built-in profile\n"
	"                      (azure-a8a9) or a JSON profile file; the "
	"same rules,\n"
	"                      scope and statistic; --max-latency and "
	"--min-bandwidth\n"
	"                      add rules as in check\n"
	"  --min-bandwidth R:MBPS  bandwidth floor for the sizes of range R "
	"(MB/s)\n"
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
		"DIR/plotN-\nbandwidth.FMT and their data files. Legends: "
		"the labels that tell the\nruns apart (run.labels, --label "
		"values), else the start time or file.\nA sweep: the median "
		"of its pairs and the worst pair, and a heatmap by\nhost, "
		"suspects marked, pale at the cluster median, red at the "
		"target.\n\n"
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
		"Judged with --profile or rules: exactly check's rules and "
		"statistic; the\nsummary gives the reasons (sizes, pairs, by "
		"how much; target and\nregression apart) and the sweep "
		"suspects first. A sweep gets per-node and\nper-size tables, "
		"not every pair x size row. --baseline is drawn dashed.\n"
		"Without gnuplot: the tables-only report, and one line saying "
		"so.\n"
		"Exit: 0 written, 1 written and a target failed or a result "
		"regressed,\n2 bad usage or input (also: not applicable), 3 "
		"gnuplot or write failure,\n4 written, none failed but one is "
		"inconclusive.\n",
		render_common_help);
}

/* A --max-latency / --min-bandwidth rule, as check parses it. */
static int render_rule(struct render_opts *o, const char *arg,
		       enum report_rule_kind kind)
{
	struct report_rule r;
	char err[256];

	if (report_rule_parse(arg, kind, &r, err, sizeof(err)) ||
	    report_profile_add(&o->cli, &r)) {
		bench_err("%s", err);
		return -EINVAL;
	}
	return 0;
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
	case 'p':
		o->profile_arg = arg;
		return 0;
	case 'b':
		return render_rule(o, arg, REPORT_RULE_MIN_BW);
	case 'm':
		if (o->n_targets < REPORT_TARGETS_MAX &&
		    !report_target_parse(arg, &o->targets[o->n_targets])) {
			o->n_targets++;
			return render_rule(o, arg, REPORT_RULE_MAX_LAT);
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
		{ "profile", required_argument, NULL, 'p' },
		{ "min-bandwidth", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	report_profile_init(&o->cli, "command line");
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
		    (!is_render &&
		     (c == 'B' || c == 't' || c == 'p' || c == 'b')) ||
		    c == '?' || render_option(o, c, optarg)) {
			if (c != 'm' && c != 's' && c != 'f' && c != 't' &&
			    c != 'b' && c != 'p')
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

/*
 * Judge set as check does: the same profile, scope, rules and statistic.
 * Nothing to judge (no profile, no rule): j->done stays false. 0, or
 * -EINVAL with the message printed (check's, e.g. not applicable).
 */
static int render_judge(struct render_opts *o, const struct report_set *set,
			struct render_judgement *j)
{
	char err[512], why[256];
	unsigned k;
	size_t i;

	memset(j, 0, sizeof(*j));
	report_profile_init(&j->profile, "command line");
	if (o->profile_arg &&
	    report_profile_resolve(o->profile_arg, &j->profile, err,
				   sizeof(err))) {
		bench_err("%s", err);
		return -EINVAL;
	}
	for (k = 0; k < o->cli.n_rules; k++)
		if (report_profile_add(&j->profile, &o->cli.rules[k])) {
			bench_err("at most %d rules", REPORT_RULES_MAX);
			return -EINVAL;
		}
	if (!j->profile.n_rules)
		return 0;
	j->stat = o->stat >= 0		 ? o->stat
		  : j->profile.stat >= 0 ? j->profile.stat
					 : BENCH_STAT_MEAN;
	/* The plots show the statistic that was judged. */
	o->stat = j->stat;
	j->view.items = calloc(set->count + 1, sizeof(*j->view.items));
	j->view.paths = calloc(set->count + 1, sizeof(*j->view.paths));
	j->judged = calloc(set->count + 1, sizeof(*j->judged));
	if (!j->view.items || !j->view.paths || !j->judged)
		return -ENOMEM;
	for (i = 0; i < set->count; i++) {
		if (!report_profile_applies(&j->profile, &set->items[i], why,
					    sizeof(why)))
			continue;
		j->judged[j->view.count] = i;
		j->view.items[j->view.count] = set->items[i];
		j->view.paths[j->view.count++] = set->paths[i];
	}
	if (!j->view.count) {
		bench_err("not applicable: %s; no input is such a test", why);
		return -EINVAL;
	}
	if (report_check_run(&j->view, &j->profile, j->stat, &j->check, err,
			     sizeof(err))) {
		bench_err("%s", err);
		return -EINVAL;
	}
	/* The profile's latency ceilings are drawn as --max-latency's. */
	for (k = 0; k < j->profile.n_rules && o->n_targets < REPORT_TARGETS_MAX;
	     k++) {
		const struct report_rule *r = &j->profile.rules[k];

		/* The command line's are targets already. */
		if (r->kind != REPORT_RULE_MAX_LAT ||
		    k >= j->profile.n_rules - o->cli.n_rules)
			continue;
		o->targets[o->n_targets++] =
			(struct report_target){ r->lo_bytes, r->hi_bytes,
						r->limit };
	}
	j->done = true;
	o->judge = j;
	return 0;
}

static void render_judge_free(struct render_judgement *j)
{
	if (j->done)
		report_check_free(&j->check);
	free(j->view.items);
	free(j->view.paths);
	free(j->judged);
}

int report_cmd_render(int argc, char **argv)
{
	struct render_image *img = NULL;
	struct render_judgement judge = { 0 };
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
	ret = render_judge(&o, &set, &judge);
	if (ret)
		goto out;
	o.baseline = base.count ? &base : NULL;
	ret = report_mkdir_p(o.out_dir);
	/* No gnuplot: the tables-only report, and one line saying so. */
	o.plots_skipped = !report_plot_available();
	if (!ret && o.plots_skipped)
		bench_warn("plots skipped (gnuplot not found; install "
			   "gnuplot-nox or set IBPONG_GNUPLOT): writing the "
			   "tables-only report");
	else if (!ret)
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
		ret = verdict == 1   ? BENCH_EXIT_CHECK
		      : verdict == 2 ? BENCH_EXIT_INCONCLUSIVE
				     : BENCH_EXIT_OK;
out:
	if (ret == -EINVAL)
		ret = BENCH_EXIT_USAGE;
	else if (ret < 0)
		ret = BENCH_EXIT_RUNTIME;
	render_judge_free(&judge);
	free(img);
	report_set_free(&set);
	report_set_free(&base);
	return ret;
}
