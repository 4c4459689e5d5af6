/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report import FILE... : write each imported result as ibpong/1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exit.h"
#include "import.h"
#include "log.h"
#include "render/plot.h"

#define IMPORT_LABELS_MAX 64

struct import_opts {
	const char *labels[IMPORT_LABELS_MAX]; /* "KEY=VALUE" */
	unsigned n_labels;
	const char *out_dir;  /* NULL: "." */
	const char *out_file; /* -o */
};

static void import_usage(FILE *f)
{
	fprintf(f,
		"usage: ibpong report import FILE... [--label KEY=VALUE]... "
		"[--out DIR | -o FILE]\n"
		"\n"
		"Convert the text output of IMB-MPI1 (PingPong, PingPing, "
		"Sendrecv, Exchange,\n"
		"Uniband, Biband, their -multi and several-#processes forms), "
		"the OSU\n"
		"micro-benchmarks (osu_latency, osu_bw, osu_bibw, their GPU "
		"builds, and the\n"
		"one-sided put/get/accumulate/fop/cas latency and put/get "
		"bandwidth tests,\n"
		"each its own kind), perftest (ib_{send,write,read,atomic}_"
		"{lat,bw}, -D\n"
		"included), ibpong's own --format imb output, or ibpong/1 "
		"JSON, "
		"into ibpong/1\n"
		"JSON files: one per benchmark table. The format is told from "
		"the content.\n"
		"Figures are normalised: latency in us, bandwidth in MB/s with "
		"MB = 10^6 bytes\n"
		"(IMB 4.x and perftest count 2^20; converted), message rate in "
		"messages/s;\n"
		"run.source.statistics records the column and conversion "
		"behind each field.\n"
		"The other tests of a log (collectives, multi-pair, ...) are "
		"skipped: listed\n"
		"on stderr as FILE:LINE: skipped TEST: REASON and in "
		"run.source.skipped.\n"
		"Nothing is written unless every input imports.\n"
		"\n"
		"Options:\n"
		"  -l, --label KEY=VALUE  set run.labels.KEY on every result "
		"(repeatable)\n"
		"  -d, --out DIR          write into DIR (created if missing; "
		"default: the\n"
		"                         current directory) as NAME.json, or "
		"NAME-TEST.json\n"
		"                         when a file holds several "
		"benchmarks; "
		"NAME is the\n"
		"                         input's name without extension\n"
		"  -o, --output FILE      write the one result to FILE (an "
		"error if the inputs\n"
		"                         give more than one)\n"
		"  -h, --help             show this help\n"
		"\n"
		"Exit codes: 0 written, 2 bad usage or input (nothing "
		"written), 3 a file\n"
		"could not be written.\n");
}

static int import_opt_label(struct import_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg) {
		bench_err("--label '%s': expected KEY=VALUE, e.g. "
			  "--label cluster=hb120",
			  arg);
		return -EINVAL;
	}
	if (o->n_labels == IMPORT_LABELS_MAX) {
		bench_err("--label: at most %d labels", IMPORT_LABELS_MAX);
		return -EINVAL;
	}
	o->labels[o->n_labels++] = arg;
	return 0;
}

/* Returns 0 to go on, 1 after --help, or -EINVAL. */
static int import_parse(int argc, char **argv, struct import_opts *o)
{
	static const struct option longopts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":l:d:o:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'l':
			if (import_opt_label(o, optarg))
				return -EINVAL;
			break;
		case 'd':
			o->out_dir = optarg;
			break;
		case 'o':
			o->out_file = optarg;
			break;
		case 'h':
			import_usage(stdout);
			return 1;
		case ':':
			bench_err("option '%s' needs a value; see 'ibpong "
				  "report import --help'",
				  argv[optind - 1]);
			return -EINVAL;
		default:
			bench_err("unknown option '%s'; see 'ibpong report "
				  "import --help'",
				  argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (o->out_dir && o->out_file) {
		bench_err("--out DIR and -o FILE exclude each other; give "
			  "one");
		return -EINVAL;
	}
	if (optind >= argc) {
		bench_err("no input file; usage: ibpong report import "
			  "FILE... (see --help)");
		return -EINVAL;
	}
	return 0;
}

/* "dir/imb-run.txt" -> "imb-run"; the caller frees. */
static char *import_base(const char *path)
{
	const char *b = strrchr(path, '/');
	char *base, *dot;

	base = strdup(b ? b + 1 : path);
	if (!base)
		return NULL;
	dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	return base;
}

/* Keep file names portable: letters, digits, '.', '_', '-'. */
static void import_sanitize(char *s)
{
	for (; *s; s++)
		if (!strchr("._-", *s) && !(*s >= 'a' && *s <= 'z') &&
		    !(*s >= 'A' && *s <= 'Z') && !(*s >= '0' && *s <= '9'))
			*s = '_';
}

static bool import_taken(char **paths, size_t n, const char *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(paths[i], p))
			return true;
	return false;
}

/* Output path of result i: DIR/NAME[-TEST][-N].json. */
static char *import_path(const struct import_opts *o,
			 const struct report_set *set, size_t i, char **paths)
{
	const char *dir = o->out_dir ? o->out_dir : ".";
	char *base, *test = NULL, *p = NULL;
	bool several = false;
	size_t j;
	int n;

	if (o->out_file)
		return strdup(o->out_file);
	for (j = 0; j < set->count; j++)
		several |= j != i && !strcmp(set->paths[j], set->paths[i]);
	base = import_base(set->paths[i]);
	test = strdup(set->items[i].test_name ? set->items[i].test_name
					      : "result");
	if (!base || !test)
		goto out;
	import_sanitize(test);
	for (n = 1; n < 1000; n++) {
		char num[16] = "";

		if (n > 1)
			snprintf(num, sizeof(num), "-%d", n);
		free(p);
		p = NULL;
		if (asprintf(&p, "%s/%s%s%s%s.json", dir, base,
			     several ? "-" : "", several ? test : "",
			     num) < 0) {
			p = NULL;
			break;
		}
		if (!import_taken(paths, i, p))
			break;
	}
out:
	free(base);
	free(test);
	return p;
}

/* Refuse to replace one of the inputs with its own conversion. */
static int import_check_clobber(const char *out, int argc, char **argv)
{
	struct stat so, si;
	int i;

	if (stat(out, &so))
		return 0;
	for (i = optind; i < argc; i++)
		if (!stat(argv[i], &si) && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino) {
			bench_err("%s would overwrite the input %s; choose "
				  "another --out or -o",
				  out, argv[i]);
			return -EINVAL;
		}
	return 0;
}

static int import_labels(const struct import_opts *o, struct report_set *set)
{
	size_t i;
	unsigned k;
	int ret;

	for (i = 0; i < set->count; i++)
		for (k = 0; k < o->n_labels; k++) {
			const char *eq = strchr(o->labels[k], '=');
			char *key = strndup(o->labels[k],
					    (size_t)(eq - o->labels[k]));

			if (!key)
				return -ENOMEM;
			ret = bench_result_set_label(&set->items[i], key,
						     eq + 1);
			free(key);
			if (ret)
				return ret;
		}
	return 0;
}

static int import_load(int argc, char **argv, struct report_set *set)
{
	char err[512];
	int i, ret;

	for (i = optind; i < argc; i++) {
		ret = report_load(argv[i], set, err, sizeof(err));
		if (ret) {
			bench_err("%s", err);
			return ret;
		}
	}
	return 0;
}

/* Work out every output path first: nothing is written on bad usage. */
static int import_paths(const struct import_opts *o, struct report_set *set,
			int argc, char **argv, char **paths)
{
	size_t i;

	if (o->out_file && set->count != 1) {
		bench_err("-o FILE takes exactly one result, and the inputs "
			  "give %zu; use --out DIR",
			  set->count);
		return -EINVAL;
	}
	for (i = 0; i < set->count; i++) {
		paths[i] = import_path(o, set, i, paths);
		if (!paths[i])
			return -ENOMEM;
		if (import_check_clobber(paths[i], argc, argv))
			return -EINVAL;
	}
	return 0;
}

/*
 * The tests of the inputs that were not imported, once per file, on
 * stderr: "FILE:LINE: skipped TEST: REASON".
 */
static void import_skipped(const struct report_set *set)
{
	size_t i, k;

	for (i = 0; i < set->count; i++) {
		json_t *sk = json_object_get(
			json_object_get(set->items[i].run, "source"),
			"skipped");
		json_t *e;

		const char *file = json_string_value(json_object_get(
			json_object_get(set->items[i].run, "source"), "file"));

		/* Once per file, and not again when its JSON is read back. */
		if ((i && !strcmp(set->paths[i], set->paths[i - 1])) || !file ||
		    strcmp(file, set->paths[i]))
			continue;
		json_array_foreach (sk, k, e) {
			fprintf(stderr,
				"%s:%" JSON_INTEGER_FORMAT ": skipped %s: %s\n",
				set->paths[i],
				json_integer_value(json_object_get(e, "line")),
				json_string_value(json_object_get(e, "test")),
				json_string_value(
					json_object_get(e, "reason")));
		}
	}
}

static int import_write(const struct report_set *set, char **paths)
{
	const struct bench_result *r;
	size_t i;
	int ret;

	for (i = 0; i < set->count; i++) {
		r = &set->items[i];
		ret = bench_result_write_file(r, paths[i]);
		if (ret) {
			bench_err("cannot write %s: %s; check that the "
				  "directory exists and is writable",
				  paths[i], strerror(-ret));
			return ret;
		}
		printf("%s: %s%s%s, %zu sizes (from %s)\n", paths[i], r->tool,
		       strcmp(r->tool, r->test_name) ? " " : "",
		       strcmp(r->tool, r->test_name) ? r->test_name : "",
		       r->n_rows, set->paths[i]);
	}
	return 0;
}

int report_cmd_import(int argc, char **argv)
{
	struct report_set set;
	struct import_opts o;
	char **paths = NULL;
	int ret, code = BENCH_EXIT_USAGE;
	size_t i;

	ret = import_parse(argc, argv, &o);
	if (ret)
		return ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	report_set_init(&set);
	ret = import_load(argc, argv, &set);
	if (!ret)
		ret = import_labels(&o, &set);
	if (!ret) {
		paths = calloc(set.count + 1, sizeof(*paths));
		ret = paths ? import_paths(&o, &set, argc, argv, paths)
			    : -ENOMEM;
	}
	if (!ret) {
		code = BENCH_EXIT_RUNTIME;
		/* As render does: --out DIR is created (after every check). */
		ret = o.out_dir ? report_mkdir_p(o.out_dir) : 0;
		if (!ret)
			import_skipped(&set);
		if (!ret)
			ret = import_write(&set, paths);
	}
	if (ret == -ENOMEM)
		bench_err("out of memory");
	if (!ret)
		code = BENCH_EXIT_OK;
	for (i = 0; paths && i < set.count; i++)
		free(paths[i]);
	free(paths);
	report_set_free(&set);
	return code;
}
