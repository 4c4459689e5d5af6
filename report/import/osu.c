/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OSU micro-benchmarks text output: osu_latency (with or without -z tail
 * percentiles), osu_bw, osu_bibw, their GPU builds (MPI-CUDA, MPI-ROCM:
 * the buffer placement is recorded), and the one-sided latency and
 * bandwidth tests (osu_put_latency, osu_get_bw, ...: kinds of their own,
 * never a ping-pong). MB/s is 10^6 B/s in OSU. One result per
 * "# OSU MPI ... Test" title; the other tests of a log (collectives,
 * multi-pair, start-up) are skipped and listed with their line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"

enum osu_role {
	OSU_SIZE,
	OSU_LAT,
	OSU_BW,
	OSU_VALID,
	OSU_PCT_LAT, /* "P50 Tail Lat(us)": percentile in osu_state.pct */
	OSU_IGNORE,
};

static const struct report_col_def osu_cols[] = {
	{ "Size", OSU_SIZE },
	{ "Latency (us)", OSU_LAT },
	{ "Latency(us)", OSU_LAT },
	{ "Avg Latency(us)", OSU_LAT },
	{ "Avg Latency (us)", OSU_LAT },
	{ "Bandwidth (MB/s)", OSU_BW },
	{ "Bandwidth(MB/s)", OSU_BW },
	{ "Validation", OSU_VALID },
	{ "Transmit Size", OSU_IGNORE },
	{ NULL, 0 },
};

/* What the words between "OSU MPI[_OP][-ACCEL] " and " Test" name. */
struct osu_test {
	const char *title;  /* lower case */
	const char *suffix; /* of the tool and test names */
	enum bench_test test, rma_test;
};

static const struct osu_test osu_tests[] = {
	{ "latency", "latency", BENCH_TEST_LAT, BENCH_TEST_RMA_LAT },
	{ "bandwidth", "bw", BENCH_TEST_BW, BENCH_TEST_RMA_BW },
	{ "bi-directional bandwidth", "bibw", BENCH_TEST_BIBW,
	  BENCH_TEST_RMA_BIBW },
	{ NULL, NULL, 0, 0 },
};

/* One-sided operations ("MPI_Put") and their short names (osu_put_bw). */
static const struct {
	const char *op, *brief;
} osu_rma_ops[] = {
	{ "put", "put" },
	{ "get", "get" },
	{ "accumulate", "acc" },
	{ "get_accumulate", "get_acc" },
	{ "fetch_and_op", "fop" },
	{ "compare_and_swap", "cas" },
	{ NULL, NULL },
};

struct osu_state {
	struct report_lines l;
	struct report_set out;
	const struct osu_test *test; /* NULL before the title */
	bool skip;		     /* inside a test not imported */
	bool titled;		     /* a title was seen */
	json_t *skipped;	     /* report_build_skip() entries */
	char tool[48];		     /* osu_latency, osu_put_bw, ... */
	char test_name[32];	     /* latency, put_bw, ... */
	enum bench_test kind;
	enum bench_lat_kind lat_kind;
	char version[24];
	char accel[16];	   /* "cuda" from "MPI-CUDA"; "" */
	char buf_send[16]; /* "device" from "# Send Buffer on DEVICE" */
	char buf_recv[16];
	char rma_win[40];  /* "# Window creation: MPI_Win_allocate" */
	char rma_sync[48]; /* "# Synchronization: MPI_Win_flush" */
	struct bench_result r;
	bool open; /* header seen, r started */
	int roles[REPORT_TOKENS_MAX];
	unsigned pct[REPORT_TOKENS_MAX];
	unsigned n_cols;
};

/* Also the driver's finish callback. */
static int osu_close(void *state)
{
	struct osu_state *s = state;
	int ret;

	if (!s->open)
		return 0;
	s->open = false;
	if (!s->r.n_rows) {
		/* A test that died after its header: the others still count. */
		bench_result_free(&s->r);
		return report_build_skip(&s->skipped, s->l.lineno, s->tool,
					 "its table has no rows");
	}
	ret = report_set_add(&s->out, &s->r, s->l.name);
	bench_result_free(&s->r);
	return ret;
}

/* Copy the first n bytes of p into out, lower case. */
static void osu_lower(char *out, size_t out_len, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < out_len; i++)
		out[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a'
							   : p[i]);
	out[i] = '\0';
}

/*
 * "MPI", "MPI-CUDA", "MPI_Put", "MPI_Put-ROCM": the one-sided operation
 * (NULL: point-to-point) and the accelerator into s->accel. false if the
 * word is not MPI's.
 */
static bool osu_word(struct osu_state *s, const char *w, size_t n,
		     const char **brief)
{
	const char *dash = memchr(w, '-', n);
	size_t op_len = (size_t)((dash ? dash : w + n) - w);
	char op[24];
	unsigned i;

	*brief = NULL;
	s->accel[0] = '\0';
	if (op_len < 3 || strncmp(w, "MPI", 3))
		return false;
	if (dash)
		osu_lower(s->accel, sizeof(s->accel), dash + 1,
			  (size_t)(w + n - dash - 1));
	if (op_len == 3)
		return true;
	if (w[3] != '_')
		return false;
	osu_lower(op, sizeof(op), w + 4, op_len - 4);
	for (i = 0; osu_rma_ops[i].op; i++)
		if (!strcmp(op, osu_rma_ops[i].op)) {
			*brief = osu_rma_ops[i].brief;
			return true;
		}
	return false;
}

static void osu_version(struct osu_state *s, const char *end)
{
	end += strlen(" Test");
	while (*end == ' ')
		end++;
	if (*end == 'v')
		end++;
	snprintf(s->version, sizeof(s->version), "%.*s",
		 (int)strcspn(end, " \t"), end);
}

/*
 * "# OSU MPI Latency Test v7.4", "# OSU MPI-CUDA Bandwidth Test v5.9",
 * "# OSU MPI_Put Latency Test v5.8", "# OSU MPI_Get latency Test": a new
 * test. Those ibpong does not import (collectives, multi-pair, start-up)
 * are skipped with their line, and so are their tables.
 */
static int osu_title(struct osu_state *s, const char *t)
{
	const char *p = strstr(t, "OSU ") + 4, *end, *brief;
	const struct osu_test *o;
	size_t w = strcspn(p, " \t");
	char words[64];
	int ret;

	ret = osu_close(s);
	if (ret)
		return ret;
	s->test = NULL;
	s->skip = true;
	s->titled = true;
	s->buf_send[0] = s->buf_recv[0] = '\0';
	s->rma_win[0] = s->rma_sync[0] = '\0';
	end = strstr(p, " Test");
	if (!end || !osu_word(s, p, w, &brief) || end < p + w + 1)
		goto unsupported;
	osu_lower(words, sizeof(words), p + w + 1, (size_t)(end - p - w - 1));
	for (o = osu_tests; o->title; o++)
		if (!strcmp(words, o->title))
			break;
	if (!o->title)
		goto unsupported;
	s->test = o;
	s->skip = false;
	s->kind = brief ? o->rma_test : o->test;
	/* OSU halves the ping-pong; a one-sided operation is timed whole. */
	s->lat_kind = brief && o->test == BENCH_TEST_LAT ? BENCH_LAT_ONE_MSG
							 : BENCH_LAT_HALF_RTT;
	snprintf(s->test_name, sizeof(s->test_name), "%s%s%s",
		 brief ? brief : "", brief ? "_" : "", o->suffix);
	snprintf(s->tool, sizeof(s->tool), "osu_%s", s->test_name);
	osu_version(s, end);
	return 0;

unsupported:
	return report_build_skip(&s->skipped, s->l.lineno, t + 2,
				 "unsupported OSU benchmark (ibpong imports "
				 "latency, bw, bibw and one-sided tests)");
}

/* "# Send Buffer on DEVICE (D) and Receive Buffer on HOST (H)" */
static void osu_buffers(struct osu_state *s, const char *t)
{
	const char *p = strstr(t, "Send Buffer on "), *q;

	q = strstr(t, "Receive Buffer on ");
	if (!p || !q)
		return;
	p += strlen("Send Buffer on ");
	q += strlen("Receive Buffer on ");
	osu_lower(s->buf_send, sizeof(s->buf_send), p, strcspn(p, " \t"));
	osu_lower(s->buf_recv, sizeof(s->buf_recv), q, strcspn(q, " \t"));
}

/* "# Window creation: X", "# Synchronization: Y" of one-sided tests. */
static void osu_rma_line(struct osu_state *s, const char *t)
{
	const char *p;

	if ((p = strstr(t, "Window creation: ")))
		snprintf(s->rma_win, sizeof(s->rma_win), "%.*s",
			 (int)strcspn(p + 17, " \t"), p + 17);
	if ((p = strstr(t, "Synchronization: ")))
		snprintf(s->rma_sync, sizeof(s->rma_sync), "%.*s",
			 (int)strcspn(p + 17, " \t"), p + 17);
}

/* "P50 Tail Lat(us)" and "P90 Tail BW(MB/s)" (-z). */
static unsigned osu_pct_col(struct osu_state *s, unsigned i, unsigned col)
{
	struct report_lines *l = &s->l;
	uint64_t p;

	if (i + 2 >= l->n_tok || l->tok[i][0] != 'P' ||
	    report_parse_u64(l->tok[i] + 1, 100, &p) ||
	    strcmp(l->tok[i + 1], "Tail"))
		return 0;
	s->pct[col] = (unsigned)p;
	s->roles[col] =
		!strcmp(l->tok[i + 2], "Lat(us)") ? OSU_PCT_LAT : OSU_IGNORE;
	return 3;
}

static const char *osu_pct_field(unsigned pct)
{
	switch (pct) {
	case 50:
		return "latency_us.median";
	case 90:
		return "latency_us.p90";
	case 99:
		return "latency_us.p99";
	}
	return NULL;
}

static int osu_describe(struct osu_state *s)
{
	struct bench_result *r = &s->r;
	char how[160];
	unsigned i;
	int ret = 0;

	for (i = 0; i < s->n_cols && !ret; i++) {
		const char *field = osu_pct_field(s->pct[i]);

		if (s->roles[i] == OSU_LAT)
			ret = report_build_stat(
				r, "latency_us.mean",
				s->lat_kind == BENCH_LAT_ONE_MSG
					? "Latency (us): average time of one "
					  "one-sided operation and its "
					  "synchronisation, as printed"
					: "Avg Latency(us): average over the "
					  "iterations of half the round trip, "
					  "as printed");
		else if (s->roles[i] == OSU_BW)
			ret = report_build_stat(r, "bandwidth_MBps",
						"Bandwidth (MB/s): OSU counts "
						"10^6 B/s; as printed");
		else if (s->roles[i] == OSU_PCT_LAT && field) {
			snprintf(how, sizeof(how),
				 "P%u Tail Lat(us) (-z), as printed",
				 s->pct[i]);
			ret = report_build_stat(r, field, how);
		} else if (s->roles[i] == OSU_PCT_LAT ||
			   (s->roles[i] == OSU_IGNORE && s->pct[i]))
			ret = report_build_note(r,
						"column P%u Tail (-z) not "
						"imported: ibpong/1 has no "
						"such statistic",
						s->pct[i]);
	}
	return ret;
}

/* Where the buffers were and how a one-sided test synchronised. */
static int osu_describe_run(struct osu_state *s)
{
	struct bench_result *r = &s->r;
	int ret = 0;

	if (s->buf_send[0])
		ret = report_build_buffers(r, s->buf_send, s->buf_recv,
					   s->accel[0] ? s->accel : NULL);
	else if (s->accel[0])
		ret = report_build_buffers(r, NULL, NULL, s->accel);
	if (!ret && s->rma_win[0])
		ret = report_build_source(r, "window_creation", s->rma_win);
	if (!ret && s->rma_sync[0])
		ret = report_build_source(r, "synchronization", s->rma_sync);
	return ret;
}

static int osu_header(struct osu_state *s)
{
	struct report_lines *l = &s->l;
	unsigned i = 1, k, n = 0;
	int ret;

	if (s->skip)
		return 0;
	if (!s->test)
		return report_lines_error(l, "table header before the '# OSU "
					     "MPI ... Test' title line");
	ret = osu_close(s);
	if (ret)
		return ret;
	while (i < l->n_tok && !l->tok_overflow) {
		s->pct[n] = 0;
		k = osu_pct_col(s, i, n);
		if (!k)
			k = report_col_match(l, i, osu_cols, &s->roles[n]);
		if (!k)
			return report_lines_error(
				l,
				"unknown column '%.40s' in the OSU table "
				"header; expected '# Size' and the tool's "
				"columns",
				l->tok[i]);
		n++;
		i += k;
	}
	if (l->tok_overflow || n < 2 || s->roles[0] != OSU_SIZE)
		return report_lines_error(l, "expected '# Size' and at least "
					     "one measured column");
	s->n_cols = n;
	ret = report_build_start(&s->r, l->name, s->tool,
				 s->version[0] ? s->version : NULL, s->kind,
				 s->test_name, s->lat_kind);
	if (ret)
		return ret;
	s->open = true;
	return osu_describe(s) ?: osu_describe_run(s);
}

static int osu_value(struct osu_state *s, unsigned col, const char *tok,
		     struct bench_row *row)
{
	const char *field;
	bool nonfinite;
	double v;

	if (s->roles[col] == OSU_VALID) {
		if (!strcmp(tok, "Pass"))
			return 0;
		if (!strcmp(tok, "Fail"))
			return report_build_note(&s->r,
						 "OSU validation failed at "
						 "%zu B",
						 row->size_bytes);
		return report_lines_error(&s->l,
					  "'%.40s' in the Validation "
					  "column; expected Pass or Fail",
					  tok);
	}
	if (report_parse_num(tok, &v, &nonfinite))
		return report_lines_error(&s->l,
					  "'%.40s' is not a number; expected "
					  "a non-negative decimal",
					  tok);
	if (nonfinite)
		return report_build_note(&s->r,
					 "OSU printed '%s' at %zu B: "
					 "left out",
					 tok, row->size_bytes);
	field = osu_pct_field(s->pct[col]);
	if (s->roles[col] == OSU_LAT)
		row->lat_us.mean = v;
	else if (s->roles[col] == OSU_BW)
		row->bw_MBps = v;
	else if (s->roles[col] == OSU_PCT_LAT && field)
		bench_stats_set(&row->lat_us,
				s->pct[col] == 50   ? BENCH_STAT_MEDIAN
				: s->pct[col] == 90 ? BENCH_STAT_P90
						    : BENCH_STAT_P99,
				v);
	return 0;
}

static int osu_row(struct osu_state *s)
{
	struct report_lines *l = &s->l;
	struct bench_row row;
	unsigned i;
	int ret;

	/* Before the first title: host lists, IP addresses, the job's own. */
	if (s->skip || (!s->test && !s->open && !s->titled))
		return 0;
	/* "1 more process has sent help message ...": mpirun, not OSU */
	if (l->n_tok > 1 &&
	    ((l->tok[1][0] >= 'a' && l->tok[1][0] <= 'z') ||
	     (l->tok[1][0] >= 'A' && l->tok[1][0] <= 'Z')) &&
	    strcasecmp(l->tok[1], "inf") && strcasecmp(l->tok[1], "nan"))
		return 0;
	if (!s->open)
		return report_lines_error(l, "data row before the '# Size ...' "
					     "table header");
	ret = report_build_row_table(l, s->n_cols, &row);
	if (ret)
		return ret;
	for (i = 1; i < s->n_cols; i++) {
		ret = osu_value(s, i, l->tok[i], &row);
		if (ret)
			return ret;
	}
	return report_build_row(&s->r, &row, l);
}

static int osu_line(void *state)
{
	struct osu_state *s = state;
	const char *t = report_lines_trimmed(&s->l);

	if (!strncmp(t, "# OSU ", 6))
		return osu_title(s, t);
	if (*t == '#' && !s->open) {
		osu_buffers(s, t);
		osu_rma_line(s, t);
	}
	if (s->l.n_tok >= 2 && !strcmp(s->l.tok[0], "#") &&
	    !strcmp(s->l.tok[1], "Size"))
		return osu_header(s);
	if (s->l.tok[0][0] >= '0' && s->l.tok[0][0] <= '9')
		return osu_row(s);
	/* Comments, allocation notes, warnings: not the tool's table. */
	return 0;
}

/* What a file without a result is told. */
static const char osu_none[] =
	"no OSU table; expected a '# OSU MPI ... Test' title, "
	"a '# Size ...' header and one line per size";

int report_import_osu(const char *buf, size_t len, const char *name,
		      struct report_set *set, char *err, size_t err_len)
{
	struct osu_state s;
	const struct report_text_importer ti = {
		&s.l,	   &s.out, &s.r,     osu_line,
		osu_close, &s,	   osu_none, &s.skipped,
	};

	memset(&s, 0, sizeof(s));
	return report_import_text(&ti, buf, len, name, set, err, err_len);
}

/* OSU's title: "# OSU MPI Latency Test v7.4". */
static bool osu_detect(const struct report_lines *l)
{
	return !strncmp(report_lines_trimmed(l), "# OSU ", 6);
}

static const enum bench_test osu_tests_made[] = {
	BENCH_TEST_LAT,	    BENCH_TEST_BW,     BENCH_TEST_BIBW,
	BENCH_TEST_RMA_LAT, BENCH_TEST_RMA_BW, BENCH_TEST_RMA_BIBW,
	BENCH_TEST_NR,
};

const struct report_importer report_importer_osu = {
	.name = "OSU",
	.marker = "output ('# OSU MPI ... Test')",
	.format = REPORT_FORMAT_OSU,
	.detect_line = osu_detect,
	.parse = report_import_osu,
	.tests = osu_tests_made,
};
