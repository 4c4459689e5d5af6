/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IMB-MPI1 text output: one result per point-to-point benchmark table
 * (PingPong, PingPing, Sendrecv, Exchange, Uniband, Biband), each block
 * of several "#processes" runs, and -multi output ("Multi-PingPong", with
 * or without its Group column: each group is a pair). Collective
 * benchmarks in the same file are skipped and listed with their line
 * (ibpong measures pairs); a file with no point-to-point table is an
 * error. Sendrecv and Exchange keep kinds of their own: neither is a
 * ping-ping. "time-out." rows are kept as such; "int-overflow" and
 * "out-of-mem." rows carry no figures and are left out with a note.
 * ibpong's own --format imb output reads back, with or without its
 * banner (without one: the file starts with its rule and a table).
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
	IMB_GROUP,
	IMB_IGNORE,
};

/* Groups of a -multi run whose ranks are kept ("# Group  0:  0  1"). */
#define IMB_GROUPS_MAX 1024

static const struct report_col_def imb_cols[] = {
	{ "#bytes", IMB_SIZE },
	{ "#repetitions", IMB_REPS },
	{ "t[usec]", IMB_T },
	{ "t_min[usec]", IMB_TMIN },
	{ "t_max[usec]", IMB_TMAX },
	{ "t_avg[usec]", IMB_TAVG },
	{ "Mbytes/sec", IMB_MBPS },
	{ "Msg/sec", IMB_MSGPS },
	{ "defects", IMB_IGNORE },
	{ "Group", IMB_GROUP },
	{ NULL, 0 },
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
	{ "Sendrecv", BENCH_TEST_SENDRECV, BENCH_LAT_ONE_MSG,
	  "mean over the ranks of each rank's average time of one "
	  "MPI_Sendrecv (send right, receive from the left at once)" },
	{ "Exchange", BENCH_TEST_EXCHANGE, BENCH_LAT_ONE_MSG,
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
	bool multi;	    /* "# Benchmarking Multi-NAME" (-multi) */
	bool group_col;	    /* the table starts with a Group column */
	char test_name[40]; /* "PingPong", "Multi-PingPong" */
	char processes[40];
	int group_rank[IMB_GROUPS_MAX][2]; /* first two ranks of group i */
	unsigned n_groups;
	bool ibpong;		    /* ibpong's own --format imb output */
	char ibpong_tool[32];	    /* "ibpong-mpi" from its banner; "" */
	unsigned long lines_before; /* non-blank lines before the first
				     * "# Benchmarking" */
	bool first_rule;	    /* the first line is ibpong's rule */
	bool ibpong_maybe;	    /* shaped like ibpong's output so far */
	unsigned block_lines;	    /* lines from "# Benchmarking" on */
	json_t *skipped;
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

/* Whether Mbytes/sec counts 10^6 B/s (IMB 2017 on, ibpong) or 2^20. */
static bool imb_decimal(const struct imb_state *s)
{
	return s->ibpong || s->major >= 2017;
}

/*
 * ibpong's --format imb banner: a comment naming "ibpong-mpi VERSION"
 * (or any "ibpong..." word) before the first table.
 */
static void imb_parse_ibpong(struct imb_state *s, const struct report_lines *l)
{
	unsigned i;

	for (i = 1; i < l->n_tok; i++)
		if (!strncmp(l->tok[i], "ibpong", 6)) {
			s->ibpong = true;
			snprintf(s->ibpong_tool, sizeof(s->ibpong_tool), "%.*s",
				 (int)strcspn(l->tok[i], ",;:"), l->tok[i]);
			if (i + 1 < l->n_tok && l->tok[i + 1][0] >= '0' &&
			    l->tok[i + 1][0] <= '9')
				snprintf(s->version, sizeof(s->version), "%.*s",
					 (int)strcspn(l->tok[i + 1], ",;"),
					 l->tok[i + 1]);
			return;
		}
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
		/* ibpong's IMB format prints IMB's own t definition. */
		if (s->ibpong && s->bench->test == BENCH_TEST_LAT)
			snprintf(how, sizeof(how),
				 "%s: the larger of both ranks' loop time / "
				 "#repetitions / 2 (IMB's t), as printed",
				 tcol);
		ret |= report_build_stat(r, "latency_us.mean", how);
	}
	if (s->ibpong)
		snprintf(how, sizeof(how),
			 "Mbytes/sec: ibpong's IMB format counts 10^6 B/s; as "
			 "printed");
	else if (s->major >= 2017)
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
	if (s->ibpong_maybe && s->block_lines == 2)
		s->ibpong = true;
	if (!s->version[0] && !s->ibpong)
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
	s->group_col = s->roles[0] == IMB_GROUP;
	if (s->roles[s->group_col] != IMB_SIZE)
		return report_lines_error(&s->l,
					  "expected '#bytes' as the first "
					  "column (after 'Group' in -multi "
					  "output)");
	ret = report_build_start(&s->r, s->l.name,
				 !s->ibpong	     ? IMB_TOOL
				 : s->ibpong_tool[0] ? s->ibpong_tool
						     : "ibpong",
				 s->version[0] ? s->version : NULL,
				 s->bench->test, s->test_name, s->bench->kind);
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
	ret = ret ?: imb_describe(s, tcol);
	if (!ret && s->multi)
		ret = report_build_note(
			&s->r, s->group_col
				       ? "IMB -multi: one row per group and "
					 "size; the pair is the group's first "
					 "two ranks"
				       : "IMB -multi: each row is the slowest "
					 "group's figure");
	if (!ret && s->ibpong && !s->ibpong_tool[0])
		ret = report_build_note(&s->r,
					"no IMB banner: taken as ibpong's own "
					"--format imb output (Mbytes/sec = "
					"10^6 B/s)");
	return ret;
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
		row->bw_MBps = imb_decimal(s) ? v : v * MIB_TO_MB;
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

/*
 * "int-overflow; The production rank*size caused int overflow; ..." and
 * "out-of-mem.; needed X= ...": IMB measured nothing at that size.
 */
static const char *imb_failed(const struct report_lines *l, unsigned first)
{
	if (first >= l->n_tok)
		return NULL;
	if (!strncmp(l->tok[first], "int-overflow", 12))
		return "int-overflow (the buffer size overflows an int)";
	if (!strncmp(l->tok[first], "out-of-mem", 10))
		return "out-of-mem. (beyond IMB's -mem limit)";
	return NULL;
}

/* The Group column of -multi output: the group's pair into row. */
static int imb_group(struct imb_state *s, struct bench_row *row)
{
	struct report_lines *l = &s->l;
	uint64_t g;

	if (report_parse_u64(l->tok[0], IMB_GROUPS_MAX - 1, &g) ||
	    g >= s->n_groups)
		return report_lines_error(l,
					  "group '%.40s' is not one of the %u "
					  "groups listed in the '# Group N:' "
					  "lines above",
					  l->tok[0], s->n_groups);
	row->rank_a = s->group_rank[g][0];
	row->rank_b = s->group_rank[g][1];
	return 0;
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
	if (s->group_col && l->n_tok < 2)
		return report_lines_error(l, "a group number alone; expected "
					     "'GROUP #bytes ...'");
	ret = report_build_row_size_tok(l, l->tok[s->group_col], &row);
	if (!ret && s->group_col)
		ret = imb_group(s, &row);
	if (ret)
		return ret;
	if (imb_failed(l, s->group_col + 1))
		return report_build_note(&s->r,
					 "IMB printed %s at %zu B: no "
					 "figures, row left out",
					 imb_failed(l, s->group_col + 1),
					 row.size_bytes);
	if (imb_timed_out(l)) {
		row.timed_out = true;
		if (l->n_tok > 2u + s->group_col)
			report_parse_u64(l->tok[1 + s->group_col],
					 REPORT_ITERS_MAX, &row.iters);
		return report_build_row(&s->r, &row, l);
	}
	if (l->n_tok != s->n_cols || l->tok_overflow)
		return report_lines_error(l,
					  "%u fields where the header has %u "
					  "columns; expected a complete row "
					  "or 'time-out.'",
					  l->n_tok, s->n_cols);
	for (i = 1u + s->group_col; i < s->n_cols; i++) {
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
	const char *name = s->l.n_tok >= 3 ? s->l.tok[2] : "";

	if (ret)
		return ret;
	s->in_block = true;
	s->processes[0] = '\0';
	s->n_groups = 0;
	s->multi = !strncmp(name, "Multi-", 6);
	snprintf(s->test_name, sizeof(s->test_name), "%s", name);
	s->bench = imb_bench_find(name + (s->multi ? 6 : 0));
	/*
	 * Without a banner, ibpong's output is its writer's exact shape: a
	 * 51-dash rule, "# Benchmarking NAME " (IMB's trailing blank), the
	 * processes, a rule, the header.
	 */
	s->block_lines = 0;
	s->ibpong_maybe = !s->version[0] && !s->ibpong &&
			  s->lines_before == 1 && s->first_rule &&
			  s->l.line[strlen(s->l.line) - 1] == ' ';
	if (!s->bench)
		return report_build_skip(&s->skipped, s->l.lineno, name,
					 "no IMB point-to-point benchmark "
					 "(PingPong, PingPing, Sendrecv, "
					 "Exchange, Uniband, Biband)");
	return 0;
}

/* "( 2 groups of 2 processes each ... )" and "Group  0:     0    1". */
static void imb_comment_multi(struct imb_state *s, const char *p)
{
	const struct report_lines *l = &s->l;
	uint64_t g, a, b;
	size_t n;

	if (!strncmp(p, "( ", 2) && strstr(p, " groups of ") &&
	    strstr(p, " processes")) {
		n = (size_t)(strstr(p, " processes") - (p + 2));
		snprintf(s->processes, sizeof(s->processes), "%.*s", (int)n,
			 p + 2);
		return;
	}
	if (l->n_tok < 5 || strcmp(l->tok[1], "Group"))
		return;
	n = strlen(l->tok[2]);
	if (n < 2 || l->tok[2][n - 1] != ':')
		return;
	l->tok[2][n - 1] = '\0';
	if (!report_parse_u64(l->tok[2], IMB_GROUPS_MAX - 1, &g) &&
	    g == s->n_groups && !report_parse_u64(l->tok[3], INT32_MAX, &a) &&
	    !report_parse_u64(l->tok[4], INT32_MAX, &b)) {
		s->group_rank[g][0] = (int)a;
		s->group_rank[g][1] = (int)b;
		s->n_groups++;
	}
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
	imb_comment_multi(s, p);
	if (!s->in_block && strstr(t, "ibpong"))
		imb_parse_ibpong(s, &s->l);
}

static int imb_line(void *state)
{
	struct imb_state *s = state;
	const char *t = report_lines_trimmed(&s->l);

	if (!strcmp(s->l.tok[0], "#bytes") ||
	    (s->l.n_tok > 1 && !strcmp(s->l.tok[0], "Group") &&
	     !strcmp(s->l.tok[1], "#bytes")))
		return imb_header(s);
	if (s->l.n_tok >= 3 && !strcmp(s->l.tok[0], "#") &&
	    !strcmp(s->l.tok[1], "Benchmarking"))
		return imb_block(s);
	if (!s->in_block && !s->lines_before++)
		s->first_rule = !strcmp(t, "#-------------------------------"
					   "--------------------");
	s->block_lines++;
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
		&s.l,	   &s.out, &s.r,     imb_line,
		imb_close, &s,	   imb_none, &s.skipped,
	};

	memset(&s, 0, sizeof(s));
	return report_import_text(&ti, buf, len, name, set, err, err_len);
}

/* IMB's banner, or one of its "# Benchmarking" titles. */
static bool imb_detect(const struct report_lines *l)
{
	const char *t = report_lines_trimmed(l);

	return strstr(t, "Intel(R) MPI Benchmark") ||
	       strstr(t, "Intel (R) MPI Benchmark") ||
	       !strncmp(t, "# Benchmarking ", 15);
}

static const enum bench_test imb_tests[] = {
	BENCH_TEST_LAT,	     BENCH_TEST_PINGPING, BENCH_TEST_SENDRECV,
	BENCH_TEST_EXCHANGE, BENCH_TEST_BW,	  BENCH_TEST_BIBW,
	BENCH_TEST_NR,
};

const struct report_importer report_importer_imb = {
	.name = "IMB-MPI1",
	.marker = "output ('Intel(R) MPI Benchmarks' banner)",
	.format = REPORT_FORMAT_IMB,
	.detect_line = imb_detect,
	.parse = report_import_imb,
	.tests = imb_tests,
};
