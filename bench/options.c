// SPDX-License-Identifier: BSD-2-Clause
/*
 * The options every benchmark command shares.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "options.h"
#include "result.h"

enum {
	OPT_SIZES = BENCH_OPT_BASE,
	OPT_ITERS,
	OPT_WARMUP,
	OPT_TIME_PER_SIZE,
	OPT_TEST,
	OPT_WINDOW,
	OPT_VALIDATE,
	OPT_FORMAT,
	OPT_JSON,
	OPT_LABEL,
	OPT_TIMEOUT,
	OPT_QUIET,
	OPT_PROGRESS,
	OPT_PRECISION,
	OPT_MAX_TIME_PER_SIZE,
	OPT_MAX_ITERS,
	OPT_SAMPLES,
	OPT_CHECK,
	OPT_RETEST_BUDGET,
};

#define ITERS_MAX	      1000000000ull
#define WINDOW_MAX	      4096u
#define TIME_PER_SIZE_MAX     3600.0
#define TIMEOUT_MAX	      86400.0
#define RETEST_BUDGET_DEFAULT 64
#define RETEST_BUDGET_MAX     4096

/*
 * The shared options, once: getopt entries, --help lines and ids all
 * come from this list. To add one: a line here, an OPT_ id above, its
 * case in bench_opts_handle() (and the field in struct bench_opts).
 */
#define SHARED_OPTS(X)                                                         \
	X("sizes", OPT_SIZES, "MIN:MAX|LIST",                                  \
	  "message sizes: 0 (if MIN is 0), MIN, powers of two\n"               \
	  "and MAX; or a list such as 0,64,4K (K/M/G = 1024^n)\n"              \
	  "default 0:4M")                                                      \
	X("test", OPT_TEST, "latency|bw|bibw|pingping",                        \
	  "what to measure (default latency)")                                 \
	X("iters", OPT_ITERS, "N",                                             \
	  "timed iterations per size (default: --precision for\n"              \
	  "latency and pingping; else IMB's schedule,\n"                       \
	  "min(1000, 40 MiB / size) ping-pongs; bw and bibw:\n"                \
	  "max(20, min(1000, 40 MiB / (size x window))) windows)")             \
	X("warmup", OPT_WARMUP, "N",                                           \
	  "untimed iterations per size (default 10 %, at least 10)")           \
	X("time-per-size", OPT_TIME_PER_SIZE, "SECONDS",                       \
	  "iteration count from a time budget per size")                       \
	X("precision", OPT_PRECISION, "P|off",                                 \
	  "measure each size until the median's 95 % interval\n"               \
	  "is within +-P (1% or 0.01; default 1% for latency\n"                \
	  "and pingping; off: the fixed schedule, as bw/bibw)")                \
	X("max-time-per-size", OPT_MAX_TIME_PER_SIZE, "SECONDS",               \
	  "bound of --precision per size (default 0.1 below\n"                 \
	  "64 KiB, 0.25 from 64 KiB on)")                                      \
	X("max-iters", OPT_MAX_ITERS, "N",                                     \
	  "bound of --precision: timed iterations per size\n"                  \
	  "(default 1000000)")                                                 \
	X("samples", OPT_SAMPLES, "FILE",                                      \
	  "write every raw sample (CSV size_bytes,latency_us)")                \
	X("window", OPT_WINDOW, "N",                                           \
	  "messages per bandwidth window (default 64)")                        \
	X("validate", OPT_VALIDATE, NULL,                                      \
	  "fill and check every payload (outside the timing)")                 \
	X("format", OPT_FORMAT, "table|imb|csv",                               \
	  "output layout (default table)")                                     \
	X("json", OPT_JSON, "FILE", "write the ibpong/1 result to FILE")       \
	X("label", OPT_LABEL, "KEY=VALUE",                                     \
	  "add a label to the result (repeatable)")                            \
	X("timeout", OPT_TIMEOUT, "SECONDS",                                   \
	  "bound on every wait (default 30)")                                  \
	X("quiet", OPT_QUIET, NULL, "no progress on stderr")                   \
	X("progress", OPT_PROGRESS, NULL,                                      \
	  "a progress line per size on stderr even when it is\n"               \
	  "not a terminal (mpirun): size, rows done, time left")               \
	X("check", OPT_CHECK, "PROFILE|RULES",                                 \
	  "judge every size as report check does (a profile,\n"                \
	  "a profile file or SIZE_RANGE:USEC); measure the\n"                  \
	  "INCONCLUSIVE ones again; the verdict is the exit code")             \
	X("retest-budget", OPT_RETEST_BUDGET, "N",                             \
	  "sizes (--check) or pairs (sweeps) measured again\n"                 \
	  "(default 64)")

#define SHARED_LONGOPT(name, id, arg, help)                                    \
	{ name, (arg) ? required_argument : no_argument, NULL, id },
#define SHARED_OPT(name, id, arg, help) { name, 0, arg, help, id },

static const struct option shared_longopts[] = {
	SHARED_OPTS(SHARED_LONGOPT){ NULL, 0, NULL, 0 },
};

static const struct bench_opt shared_opts[] = {
	SHARED_OPTS(SHARED_OPT) BENCH_OPT_END,
};

const struct bench_opt *bench_opts_table(void)
{
	return shared_opts;
}

void bench_opts_init(struct bench_opts *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	bench_sizes_default(&o->sizes);
	o->test = BENCH_TEST_LAT;
	o->window = 64; /* osu_bw's window */
	o->format = BENCH_FORMAT_TABLE;
	o->timeout_s = 30;
	o->retest_budget = RETEST_BUDGET_DEFAULT;
	o->max_time_per_size_s = BENCH_MAX_TIME_PER_SIZE_DEFAULT;
	o->argc = argc;
	o->argv = argv;
}

void bench_opts_free(struct bench_opts *o)
{
	unsigned i;

	for (i = 0; i < o->n_labels; i++)
		free((char *)o->labels[i].key);
	o->n_labels = 0;
}

const struct option *bench_opts_longopts(void)
{
	return shared_longopts;
}

size_t bench_opts_longopts_count(void)
{
	return sizeof(shared_longopts) / sizeof(shared_longopts[0]) - 1;
}

int bench_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * The one rule of every number on a command line: it starts with a digit
 * (a '-' then a digit for a signed double), so that " 5", "+5" and "" are
 * refused everywhere the same way, and strtod's "inf", "nan" and hex
 * forms never pass.
 */
static bool number_start_ok(const char *s, bool sign)
{
	if (sign && *s == '-')
		s++;
	return (*s >= '0' && *s <= '9') ||
	       (*s == '.' && s[1] >= '0' && s[1] <= '9');
}

int bench_parse_double(const char *s, double *out)
{
	char *end;
	double v;
	size_t i;

	if (!s || !number_start_ok(s, true))
		return -EINVAL;
	for (i = 0; s[i]; i++)
		if (s[i] == 'x' || s[i] == 'X')
			return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -EINVAL;
	*out = v;
	return 0;
}

int bench_parse_int(const char *s, long min, long max, long *out)
{
	uint64_t v;

	if (min < 0)
		return -EINVAL;
	if (bench_parse_u64(s, (uint64_t)min, (uint64_t)max, &v))
		return -EINVAL;
	*out = (long)v;
	return 0;
}

int bench_parse_seconds(const char *s, double max, double *out)
{
	double v;

	if (bench_parse_double(s, &v) || v <= 0 || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int bench_opts_bad(const char *opt, const char *arg, const char *expected)
{
	bench_err("--%s '%s': expected %s", opt, arg ? arg : "", expected);
	return -EINVAL;
}

static int handle_label(struct bench_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *key;

	if (!eq || eq == arg)
		return bench_opts_bad("label", arg,
				      "KEY=VALUE with a non-empty key");
	if (o->n_labels >= BENCH_LABELS_MAX) {
		bench_err("--label '%s': at most %d labels", arg,
			  BENCH_LABELS_MAX);
		return -EINVAL;
	}
	/* One copy holds both: the caller's arg need not outlive o. */
	key = strdup(arg);
	if (!key)
		return -ENOMEM;
	key[eq - arg] = '\0';
	o->labels[o->n_labels].key = key;
	o->labels[o->n_labels].value = key + (eq - arg) + 1;
	o->n_labels++;
	return 0;
}

static int handle_enum(struct bench_opts *o, int opt, const char *arg)
{
	int t;

	if (opt == OPT_TEST) {
		t = bench_test_from_name(arg);
		/* the other kinds are imported from other tools only */
		if (t < 0 || t > BENCH_TEST_PINGPING)
			return bench_opts_bad(
				"test", arg,
				"one of latency, bw, bibw, pingping");
		o->test = (enum bench_test)t;
		return 0;
	}
	if (strcmp(arg, "table") == 0)
		o->format = BENCH_FORMAT_TABLE;
	else if (strcmp(arg, "imb") == 0)
		o->format = BENCH_FORMAT_IMB;
	else if (strcmp(arg, "csv") == 0)
		o->format = BENCH_FORMAT_CSV;
	else
		return bench_opts_bad("format", arg, "one of table, imb, csv");
	return 0;
}

static int handle_number(struct bench_opts *o, int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case OPT_ITERS:
		if (bench_parse_u64(arg, 1, ITERS_MAX, &o->iters))
			return bench_opts_bad(
				"iters", arg,
				"a whole number from 1 to 1000000000");
		return 0;
	case OPT_WARMUP:
		if (bench_parse_u64(arg, 0, ITERS_MAX, &o->warmup))
			return bench_opts_bad(
				"warmup", arg,
				"a whole number from 0 to 1000000000");
		o->warmup_set = true;
		return 0;
	case OPT_WINDOW:
		if (bench_parse_u64(arg, 1, WINDOW_MAX, &v))
			return bench_opts_bad(
				"window", arg,
				"a whole number of messages from 1 to 4096");
		o->window = (unsigned)v;
		o->window_set = true;
		return 0;
	case OPT_TIME_PER_SIZE:
		if (bench_parse_seconds(arg, TIME_PER_SIZE_MAX,
					&o->time_per_size_s))
			return bench_opts_bad(
				"time-per-size", arg,
				"a number of seconds > 0 and <= 3600");
		return 0;
	default: /* OPT_TIMEOUT */
		if (bench_parse_seconds(arg, TIMEOUT_MAX, &o->timeout_s))
			return bench_opts_bad(
				"timeout", arg,
				"a number of seconds > 0 and <= 86400");
		return 0;
	}
}

/*
 * --precision P: "1%" or "0.01" (a fraction), in (0, 0.5]; "0" or "off"
 * turns adaptive iterations off (the fixed schedule).
 */
static int parse_precision(const char *arg, double *out)
{
	size_t len = arg ? strlen(arg) : 0;
	char buf[32];
	double v;

	if (arg && (!strcmp(arg, "off") || !strcmp(arg, "0"))) {
		*out = 0;
		return 0;
	}
	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, arg, len + 1);
	if (buf[len - 1] == '%')
		buf[len - 1] = '\0';
	if (bench_parse_double(buf, &v) || !(v > 0))
		return -EINVAL;
	if (arg[len - 1] == '%')
		v /= 100;
	if (v > 0.5)
		return -EINVAL;
	*out = v;
	return 0;
}

/* The options of adaptive iterations (doc/statistics.md). */
static int handle_precision(struct bench_opts *o, int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case OPT_PRECISION:
		if (parse_precision(arg, &o->precision))
			return bench_opts_bad("precision", arg,
					      "a relative half-width such as "
					      "1% or 0.01 (at most 50%), or "
					      "off");
		o->precision_set = true;
		return 0;
	case OPT_MAX_TIME_PER_SIZE:
		if (bench_parse_seconds(arg, TIME_PER_SIZE_MAX,
					&o->max_time_per_size_s))
			return bench_opts_bad("max-time-per-size", arg,
					      "a number of seconds > 0 and "
					      "<= 3600");
		o->max_time_per_size_set = true;
		return 0;
	case OPT_MAX_ITERS:
		if (bench_parse_u64(arg, 8, ITERS_MAX, &o->max_iters))
			return bench_opts_bad("max-iters", arg,
					      "a whole number from 8 to "
					      "1000000000");
		return 0;
	case OPT_CHECK:
		if (!arg || !*arg)
			return bench_opts_bad("check", arg,
					      "a profile name, a profile file "
					      "or SIZE_RANGE:USEC");
		o->check_spec = arg;
		return 0;
	case OPT_RETEST_BUDGET:
		if (bench_parse_u64(arg, 0, RETEST_BUDGET_MAX, &v))
			return bench_opts_bad("retest-budget", arg,
					      "a whole number from 0 to 4096");
		o->retest_budget = (unsigned)v;
		return 0;
	default: /* OPT_SAMPLES */
		if (!arg || !*arg)
			return bench_opts_bad("samples", arg, "a file name");
		o->samples_path = arg;
		return 0;
	}
}

int bench_opts_handle(struct bench_opts *o, int opt, const char *arg)
{
	const char *why;

	switch (opt) {
	case OPT_SIZES:
		if (bench_sizes_parse(arg, &o->sizes, &why))
			return bench_opts_bad("sizes", arg, why);
		o->sizes_set = true;
		return 0;
	case OPT_ITERS:
	case OPT_WARMUP:
	case OPT_WINDOW:
	case OPT_TIME_PER_SIZE:
	case OPT_TIMEOUT:
		return handle_number(o, opt, arg);
	case OPT_TEST:
	case OPT_FORMAT:
		return handle_enum(o, opt, arg);
	case OPT_VALIDATE:
		o->validate = true;
		return 0;
	case OPT_JSON:
		if (!arg || !*arg)
			return bench_opts_bad("json", arg, "a file name");
		o->json_path = arg;
		return 0;
	case OPT_LABEL:
		return handle_label(o, arg);
	case OPT_QUIET:
		o->quiet = true;
		return 0;
	case OPT_PROGRESS:
		o->progress = true;
		return 0;
	case OPT_PRECISION:
	case OPT_MAX_TIME_PER_SIZE:
	case OPT_MAX_ITERS:
	case OPT_SAMPLES:
	case OPT_CHECK:
	case OPT_RETEST_BUDGET:
		return handle_precision(o, opt, arg);
	default:
		return 1;
	}
}

int bench_opts_handle_name(struct bench_opts *o, const char *name,
			   const char *arg)
{
	const struct bench_opt *t;

	for (t = shared_opts; t->name; t++)
		if (!strcmp(t->name, name))
			return bench_opts_handle(o, t->id, arg);
	return 1;
}

/*
 * The default latency run is adaptive (BENCH_PRECISION_DEFAULT, README
 * says why); --iters and --time-per-size choose a fixed count instead, so
 * they exclude an explicit --precision.
 */
static int finish_precision(struct bench_opts *o)
{
	bool fixed = o->iters || o->time_per_size_s > 0;

	if (fixed && o->precision_set && o->precision > 0) {
		bench_err("--precision excludes --iters and --time-per-size: "
			  "give one of them");
		return -EINVAL;
	}
	/* bw and bibw keep OSU's fixed window counts unless asked */
	if (fixed || o->precision_set || o->test == BENCH_TEST_BW ||
	    o->test == BENCH_TEST_BIBW)
		return 0;
	o->precision = BENCH_PRECISION_DEFAULT;
	return 0;
}

int bench_opts_finish(struct bench_opts *o)
{
	bool lat = o->test == BENCH_TEST_LAT || o->test == BENCH_TEST_PINGPING;

	if (finish_precision(o))
		return -EINVAL;

	if (o->iters && o->time_per_size_s > 0) {
		bench_err("--iters and --time-per-size exclude each other: "
			  "give one of them");
		return -EINVAL;
	}
	if (lat && o->window_set) {
		bench_err("--window applies to --test bw and bibw only, not "
			  "to --test %s",
			  bench_test_name(o->test));
		return -EINVAL;
	}
	if (!lat && o->format == BENCH_FORMAT_IMB && o->window != 256) {
		bench_err("--format imb --test %s: IMB's %s acknowledges "
			  "windows of 256 messages, this run's are %u; add "
			  "--window 256, or use --format table or csv",
			  bench_test_name(o->test),
			  o->test == BENCH_TEST_BW ? "Uniband" : "Biband",
			  o->window);
		return -EINVAL;
	}
	return 0;
}

void bench_opts_usage(FILE *f)
{
	fputs("Shared options:\n", f);
	bench_opt_usage(f, shared_opts, NULL);
}

/* "  -d, --device NAME" padded to the help column, then the help. */
#define USAGE_COL 25

static void opt_usage_one(FILE *f, const struct bench_opt *t, bool letter)
{
	const char *h = t->help, *nl;
	int n = fprintf(f, "  ");

	if (letter && t->letter)
		n += fprintf(f, "-%c%s", t->letter, t->name ? ", " : "");
	if (t->name)
		n += fprintf(f, "--%s", t->name);
	if (t->arg)
		n += fprintf(f, " %s", t->arg);
	if (n >= USAGE_COL)
		n = fprintf(f, "\n") - 1;
	for (;;) {
		nl = strchr(h, '\n');
		fprintf(f, "%*s%.*s\n", USAGE_COL - n, "",
			nl ? (int)(nl - h) : (int)strlen(h), h);
		if (!nl)
			break;
		h = nl + 1;
		n = 0;
	}
}

void bench_opt_usage(FILE *f, const struct bench_opt *t, const bool *letters)
{
	for (; t && (t->name || t->letter); t++) {
		if (!t->help)
			continue; /* an alias */
		opt_usage_one(f, t,
			      !letters || letters[(unsigned char)t->letter]);
	}
}
