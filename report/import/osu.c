/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OSU micro-benchmarks text output: osu_latency (with or without -z tail
 * percentiles), osu_bw, osu_bibw. MB/s is 10^6 B/s in OSU. One result per
 * "# OSU MPI ... Test" title.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct osu_test {
	const char *title; /* between "OSU MPI[-X] " and " Test" */
	const char *tool;
	enum bench_test test;
	const char *test_name;
};

static const struct osu_test osu_tests[] = {
	{ "Latency", "osu_latency", BENCH_TEST_LAT, "latency" },
	{ "Bandwidth", "osu_bw", BENCH_TEST_BW, "bw" },
	{ "Bi-Directional Bandwidth", "osu_bibw", BENCH_TEST_BIBW, "bibw" },
	{ NULL, NULL, 0, NULL },
};

struct osu_state {
	struct report_lines l;
	struct report_set out;
	const struct osu_test *test; /* NULL before the title */
	char version[24];
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
		bench_result_free(&s->r);
		return report_lines_error(&s->l,
					  "the %s table has no rows; "
					  "expected one line per size",
					  s->test->tool);
	}
	ret = report_set_add(&s->out, &s->r, s->l.name);
	bench_result_free(&s->r);
	return ret;
}

/* "# OSU MPI Latency Test v7.4", "# OSU MPI-CUDA Bandwidth Test v5.9". */
static int osu_title(struct osu_state *s, const char *t)
{
	const char *p = strstr(t, "OSU ") + 4, *end;
	const struct osu_test *o;
	size_t n;
	int ret;

	ret = osu_close(s);
	if (ret)
		return ret;
	end = strstr(p, " Test");
	if (strncmp(p, "MPI", 3) || !end)
		goto unsupported;
	p += strcspn(p, " ");
	while (*p == ' ')
		p++;
	n = (size_t)(end - p);
	for (o = osu_tests; o->title; o++)
		if (strlen(o->title) == n && !strncmp(p, o->title, n))
			break;
	if (!o->title)
		goto unsupported;
	s->test = o;
	end += strlen(" Test");
	while (*end == ' ')
		end++;
	if (*end == 'v')
		end++;
	snprintf(s->version, sizeof(s->version), "%.*s",
		 (int)strcspn(end, " \t"), end);
	return 0;

unsupported:
	return report_lines_error(&s->l,
				  "unsupported OSU benchmark '%.60s'; ibpong "
				  "imports osu_latency, osu_bw and osu_bibw",
				  t);
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
			ret = report_build_stat(r, "latency_us.mean",
						"Avg Latency(us): average over "
						"the iterations of half the "
						"round trip, as printed");
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

static int osu_header(struct osu_state *s)
{
	struct report_lines *l = &s->l;
	unsigned i = 1, k, n = 0;
	int ret;

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
	ret = report_build_start(&s->r, l->name, s->test->tool,
				 s->version[0] ? s->version : NULL,
				 s->test->test, s->test->test_name,
				 BENCH_LAT_HALF_RTT);
	if (ret)
		return ret;
	s->open = true;
	return osu_describe(s);
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
		&s.l, &s.out, &s.r, osu_line, osu_close, &s, osu_none,
	};

	memset(&s, 0, sizeof(s));
	return report_import_text(&ti, buf, len, name, set, err, err_len);
}
