/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IMB-MPI1 text output: one result per point-to-point benchmark table
 * (PingPong, PingPing, Sendrecv, Exchange, Uniband, Biband). Collective
 * benchmarks in the same file are skipped (ibpong measures pairs); a file
 * with no point-to-point table is an error.
 *
 * Units: t[usec] is IMB's average over the repetitions. Mbytes/sec is
 * 10^6 B/s from IMB 2017 on and 2^20 B/s in IMB 4.x and earlier (IMB 4.0
 * prints 3693.63 for 4 MiB in 1082.94 us), so the version line of the
 * header decides the factor and a file without one is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

#define IMB_TOOL "IMB-MPI1"
/* 2^20 / 10^6: IMB 4.x "Mbytes" to MB. */
#define MIB_TO_MB 1.048576

enum imb_role {
	IMB_SIZE,
	IMB_REPS,
	IMB_T,
	IMB_TMIN,
	IMB_TMAX,
	IMB_TAVG,
	IMB_MBPS,
	IMB_MSGPS,
	IMB_IGNORE,
};

static const struct report_col_def imb_cols[] = {
	{ "#bytes", IMB_SIZE },	     { "#repetitions", IMB_REPS },
	{ "t[usec]", IMB_T },	     { "t_min[usec]", IMB_TMIN },
	{ "t_max[usec]", IMB_TMAX }, { "t_avg[usec]", IMB_TAVG },
	{ "Mbytes/sec", IMB_MBPS },  { "Msg/sec", IMB_MSGPS },
	{ "defects", IMB_IGNORE },   { NULL, 0 },
};

/* A point-to-point benchmark and how its figures map to ibpong's. */
struct imb_bench {
	const char *name;
	enum bench_test test;
	enum bench_lat_kind kind;
	const char *t_meaning; /* what t[usec] / t_avg[usec] is */
};

static const struct imb_bench imb_benches[] = {
	{ "PingPong", BENCH_TEST_LAT, BENCH_LAT_HALF_RTT,
	  "average over the repetitions of half the round trip" },
	{ "PingPongSpecificSource", BENCH_TEST_LAT, BENCH_LAT_HALF_RTT,
	  "average over the repetitions of half the round trip" },
	{ "PingPongAnySource", BENCH_TEST_LAT, BENCH_LAT_HALF_RTT,
	  "average over the repetitions of half the round trip" },
	{ "PingPing", BENCH_TEST_PINGPING, BENCH_LAT_ONE_MSG,
	  "average time of one message while both ranks send" },
	{ "PingPingSpecificSource", BENCH_TEST_PINGPING, BENCH_LAT_ONE_MSG,
	  "average time of one message while both ranks send" },
	{ "PingPingAnySource", BENCH_TEST_PINGPING, BENCH_LAT_ONE_MSG,
	  "average time of one message while both ranks send" },
	{ "Sendrecv", BENCH_TEST_PINGPING, BENCH_LAT_ONE_MSG,
	  "mean over the ranks of each rank's average time of one "
	  "MPI_Sendrecv (send right, receive from the left at once)" },
	{ "Exchange", BENCH_TEST_PINGPING, BENCH_LAT_ONE_MSG,
	  "mean over the ranks of each rank's average time of one exchange "
	  "cycle (2 sends and 2 receives per rank), not of one message" },
	{ "Uniband", BENCH_TEST_BW, BENCH_LAT_HALF_RTT, NULL },
	{ "Biband", BENCH_TEST_BIBW, BENCH_LAT_HALF_RTT, NULL },
	{ NULL, 0, 0, NULL },
};

struct imb_state {
	struct report_lines l;
	struct report_set out; /* this file's results so far */
	char version[48];      /* "" until the header line */
	unsigned long major;   /* 2021, 4, ... */
	char command[256];     /* "# Calling sequence was:" */
	bool want_command;
	const struct imb_bench *bench; /* current block; NULL: skipped */
	bool in_block;
	char processes[24];
	struct bench_result r; /* open result, test_name set */
	bool open;
	int roles[REPORT_TOKENS_MAX];
	unsigned n_cols;
};

static const struct imb_bench *imb_bench_find(const char *name)
{
	const struct imb_bench *b;

	for (b = imb_benches; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

/* "#    Intel(R) MPI Benchmarks 2021.11, MPI-1 part" and older spellings. */
static void imb_parse_version(struct imb_state *s, const char *line)
{
	const char *p = strstr(line, "Benchmark");
	size_t n = 0;

	if (!p)
		return;
	p += strlen("Benchmark");
	if (!strncmp(p, "s", 1))
		p++;
	if (!strncmp(p, " Suite", 6))
		p += 6;
	while (*p == ' ')
		p++;
	if (*p == 'V' || *p == 'v')
		p++;
	if (*p < '0' || *p > '9')
		return;
	while (p[n] && p[n] != ',' && n + 1 < sizeof(s->version))
		n++;
	while (n && p[n - 1] == ' ')
		n--;
	memcpy(s->version, p, n);
	s->version[n] = '\0';
	s->major = strtoul(s->version, NULL, 10);
}

/* Also the driver's finish callback. */
static int imb_close(void *state)
{
	struct imb_state *s = state;
	int ret;

	if (!s->open)
		return 0;
	s->open = false;
	if (!s->r.n_rows) {
		report_lines_error(&s->l,
				   "IMB benchmark %s has a table header but "
				   "no rows; expected '#bytes #repetitions "
				   "...' followed by one line per size",
				   s->r.test_name);
		bench_result_free(&s->r);
		return -EINVAL;
	}
	ret = report_set_add(&s->out, &s->r, s->l.name);
	bench_result_free(&s->r);
	return ret;
}

static int imb_describe(struct imb_state *s, const char *tcol)
{
	struct bench_result *r = &s->r;
	char how[200];
	unsigned i;
	int ret = 0;

	if (s->command[0])
		ret |= report_build_run(r, "command_line", s->command);
	if (s->processes[0])
		ret |= report_build_source(r, "processes", s->processes);
	ret |= report_build_stat(r, "iterations", "#repetitions");
	if (tcol) {
		snprintf(how, sizeof(how), "%s: %s, as printed", tcol,
			 s->bench->t_meaning);
		ret |= report_build_stat(r, "latency_us.mean", how);
	}
	if (s->major >= 2017)
		snprintf(how, sizeof(how),
			 "Mbytes/sec: IMB %s counts 10^6 B/s; as printed",
			 s->version);
	else
		snprintf(how, sizeof(how),
			 "Mbytes/sec: IMB %s counts 2^20 B/s; multiplied by "
			 "1.048576",
			 s->version);
	for (i = 0; i < s->n_cols; i++) {
		if (s->roles[i] == IMB_MBPS)
			ret |= report_build_stat(r, "bandwidth_MBps", how);
		if (s->roles[i] == IMB_MSGPS)
			ret |= report_build_stat(r, "message_rate_per_s",
						 "Msg/sec, as printed");
	}
	return ret ? -ENOMEM : 0;
}

static int imb_header(struct imb_state *s)
{
	const char *tcol = NULL;
	bool t_minmax = false;
	unsigned i;
	int ret;

	if (!s->in_block)
		return report_lines_error(&s->l,
					  "table header outside a benchmark; "
					  "expected '# Benchmarking NAME' "
					  "before it");
	if (!s->bench)
		return 0;
	if (!s->version[0])
		return report_lines_error(
			&s->l,
			"no 'Intel(R) MPI Benchmarks VERSION' line before the "
			"first table: cannot tell whether Mbytes/sec is 10^6 "
			"B/s (IMB 2017 and later) or 2^20 B/s (IMB 4.x); keep "
			"IMB's header in the file");
	ret = imb_close(s);
	if (ret)
		return ret;
	ret = report_cols_parse(&s->l, 0, imb_cols, "IMB", s->roles,
				&s->n_cols);
	if (ret)
		return ret;
	if (s->roles[0] != IMB_SIZE)
		return report_lines_error(&s->l, "expected '#bytes' as the "
						 "first column");
	ret = report_build_start(&s->r, s->l.name, IMB_TOOL, s->version,
				 s->bench->test, s->bench->name,
				 s->bench->kind);
	if (ret)
		return ret;
	s->open = true;
	for (i = 0; i < s->n_cols; i++) {
		t_minmax |= s->roles[i] == IMB_TMIN || s->roles[i] == IMB_TMAX;
		if (s->roles[i] == IMB_T)
			tcol = "t[usec]";
		if (s->roles[i] == IMB_TAVG)
			tcol = "t_avg[usec]";
	}
	if (t_minmax)
		ret = report_build_stat(&s->r, "t_min[usec], t_max[usec]",
					"not imported: the fastest and slowest "
					"rank's average time, not extremes of "
					"the repetitions");
	return ret ?: imb_describe(s, tcol);
}

/* One value of a data row into the row. */
static int imb_value(struct imb_state *s, int role, const char *tok,
		     struct bench_row *row)
{
	bool nonfinite;
	double v;

	if (role == IMB_REPS)
		return report_parse_u64(tok, REPORT_ITERS_MAX, &row->iters)
			       ? report_lines_error(&s->l,
						    "'%.40s' is not a "
						    "repetition count",
						    tok)
			       : 0;
	if (report_parse_num(tok, &v, &nonfinite))
		return report_lines_error(&s->l,
					  "'%.40s' is not a number; expected "
					  "a non-negative decimal",
					  tok);
	if (nonfinite)
		return report_build_note(&s->r,
					 "IMB printed '%s' at %zu B: "
					 "left out",
					 tok, row->size_bytes);
	if (role == IMB_T || role == IMB_TAVG)
		row->lat_us.mean = v;
	else if (role == IMB_MBPS)
		row->bw_MBps = s->major >= 2017 ? v : v * MIB_TO_MB;
	else if (role == IMB_MSGPS)
		row->msg_rate_per_s = v;
	return 0;
}

static bool imb_timed_out(const struct report_lines *l)
{
	unsigned i;

	for (i = 1; i < l->n_tok; i++)
		if (!strncmp(l->tok[i], "time-out", 8))
			return true;
	return false;
}

static int imb_row(struct imb_state *s)
{
	struct report_lines *l = &s->l;
	struct bench_row row;
	unsigned i;
	int ret;

	if (!s->in_block || (s->bench && !s->open))
		return report_lines_error(l, "data row before any table "
					     "header; expected '# "
					     "Benchmarking NAME' and a "
					     "'#bytes ...' header first");
	if (!s->bench)
		return 0;
	ret = report_build_row_size(l, &row);
	if (ret)
		return ret;
	if (imb_timed_out(l)) {
		row.timed_out = true;
		if (l->n_tok > 2)
			report_parse_u64(l->tok[1], REPORT_ITERS_MAX,
					 &row.iters);
		return report_build_row(&s->r, &row, l);
	}
	if (l->n_tok != s->n_cols || l->tok_overflow)
		return report_lines_error(l,
					  "%u fields where the header has %u "
					  "columns; expected a complete row "
					  "or 'time-out.'",
					  l->n_tok, s->n_cols);
	for (i = 1; i < s->n_cols; i++) {
		ret = imb_value(s, s->roles[i], l->tok[i], &row);
		if (ret)
			return ret;
	}
	return report_build_row(&s->r, &row, l);
}

/* "# Benchmarking NAME": a new block; unsupported ones are skipped. */
static int imb_block(struct imb_state *s)
{
	int ret = imb_close(s);

	if (ret)
		return ret;
	s->in_block = true;
	s->processes[0] = '\0';
	s->bench = s->l.n_tok >= 3 ? imb_bench_find(s->l.tok[2]) : NULL;
	return 0;
}

static void imb_comment(struct imb_state *s, const char *t)
{
	const char *p;

	if (strstr(t, "Intel(R) MPI Benchmark") ||
	    strstr(t, "Intel (R) MPI Benchmark"))
		imb_parse_version(s, t);
	if (strstr(t, "Calling sequence was")) {
		s->want_command = true;
		return;
	}
	p = t + 1;
	while (*p == ' ')
		p++;
	if (s->want_command && *p) {
		size_t n = (size_t)snprintf(s->command, sizeof(s->command),
					    "%s", p);

		if (n >= sizeof(s->command))
			n = sizeof(s->command) - 1;
		while (n && s->command[n - 1] == ' ')
			s->command[--n] = '\0';
		s->want_command = false;
	}
	if (!strncmp(p, "#processes = ", 13))
		snprintf(s->processes, sizeof(s->processes), "%.*s",
			 (int)strcspn(p + 13, " "), p + 13);
}

static int imb_line(void *state)
{
	struct imb_state *s = state;
	const char *t = report_lines_trimmed(&s->l);

	if (!strcmp(s->l.tok[0], "#bytes"))
		return imb_header(s);
	if (s->l.n_tok >= 3 && !strcmp(s->l.tok[0], "#") &&
	    !strcmp(s->l.tok[1], "Benchmarking"))
		return imb_block(s);
	if (*t == '#') {
		imb_comment(s, t);
		return 0;
	}
	/* Rows start with a size; any other line is a tool's aside. */
	if (s->l.tok[0][0] >= '0' && s->l.tok[0][0] <= '9')
		return imb_row(s);
	return 0;
}

/* What a file without a result is told. */
static const char imb_none[] = "no IMB point-to-point table; expected '# "
			       "Benchmarking PingPong' (or PingPing, Sendrecv, "
			       "Exchange, Uniband, Biband) and its table";

int report_import_imb(const char *buf, size_t len, const char *name,
		      struct report_set *set, char *err, size_t err_len)
{
	struct imb_state s;
	const struct report_text_importer ti = {
		&s.l, &s.out, &s.r, imb_line, imb_close, &s, imb_none,
	};

	memset(&s, 0, sizeof(s));
	return report_import_text(&ti, buf, len, name, set, err, err_len);
}
