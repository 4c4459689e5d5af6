/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * perftest text output (ib_send_lat, ib_write_lat, ib_read_lat,
 * ib_atomic_lat and their _bw siblings), client or server side.
 *
 * perftest's latency statistics leave out the two largest samples: of the
 * iters - 1 samples it sorts, t_max[usec] is the second largest, and the
 * mean, median ("t_typical"), stdev and percentiles are taken over the
 * rest. ibpong/1's max is the true largest sample, so t_max is not
 * imported as max; the others are imported with that caveat recorded in
 * run.source.statistics. Its MB/sec is 2^20 B/s (MiB/sec in 6.21 and
 * later), its Gb/sec 10^9 bit/s; both become 10^6 B/s here.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

#define MIB_TO_MB  1.048576 /* 2^20 / 10^6 */
#define GBIT_TO_MB 125.0    /* 10^9 / 8 / 10^6 */

enum pt_role {
	PT_SIZE,
	PT_ITERS,
	PT_MIN,
	PT_TMAX,
	PT_MEDIAN,
	PT_MEAN,
	PT_STDEV,
	PT_P99,
	PT_P999,
	PT_TPS,
	PT_PEAK_MIB,
	PT_AVG_MIB,
	PT_PEAK_GBIT,
	PT_AVG_GBIT,
	PT_MPPS,
	PT_IGNORE,
};

static const struct report_col_def pt_cols[] = {
	{ "#bytes", PT_SIZE },
	{ "#iterations", PT_ITERS },
	{ "#sl", PT_IGNORE },
	{ "t_min[usec]", PT_MIN },
	{ "t_max[usec]", PT_TMAX },
	{ "t_typical[usec]", PT_MEDIAN },
	{ "t_avg[usec]", PT_MEAN },
	{ "t_stdev[usec]", PT_STDEV },
	{ "99% percentile[usec]", PT_P99 },
	{ "99.9% percentile[usec]", PT_P999 },
	{ "tps average", PT_TPS },
	{ "BW peak[MB/sec]", PT_PEAK_MIB },
	{ "BW average[MB/sec]", PT_AVG_MIB },
	{ "BW peak[MiB/sec]", PT_PEAK_MIB },
	{ "BW average[MiB/sec]", PT_AVG_MIB },
	{ "BW peak[Gb/sec]", PT_PEAK_GBIT },
	{ "BW average[Gb/sec]", PT_AVG_GBIT },
	{ "MsgRate[Mpps]", PT_MPPS },
	{ "BW Port1[MB/sec]", PT_IGNORE },
	{ "BW Port2[MB/sec]", PT_IGNORE },
	{ "BW Port1[Gb/sec]", PT_IGNORE },
	{ "BW Port2[Gb/sec]", PT_IGNORE },
	{ "MsgRate Port1[Mpps]", PT_IGNORE },
	{ "MsgRate Port2[Mpps]", PT_IGNORE },
	{ "CPU_Util[%]", PT_IGNORE },
	{ NULL, 0 },
};

/* What each column becomes, for run.source.statistics. */
static const struct {
	int role;
	const char *field;
	const char *how;
} pt_stats[] = {
	{ PT_MIN, "latency_us.min", "t_min[usec]: the smallest sample" },
	{ PT_MEDIAN, "latency_us.median",
	  "t_typical[usec]: median of all samples but the 2 largest" },
	{ PT_MEAN, "latency_us.mean",
	  "t_avg[usec]: mean of all samples but the 2 largest" },
	{ PT_STDEV, "latency_us.stdev",
	  "t_stdev[usec]: over all samples but the 2 largest, each "
	  "deviation truncated to whole microseconds by perftest" },
	{ PT_P99, "latency_us.p99",
	  "99% percentile[usec]: sample of rank ceil(0.99 n) of all but the "
	  "2 largest, not interpolated" },
	{ PT_P999, "latency_us.p999",
	  "99.9% percentile[usec]: sample of rank ceil(0.999 n) of all but "
	  "the 2 largest (at 1000 iterations or fewer, t_max's sample)" },
	{ PT_TMAX, "latency_us.max",
	  "not imported: t_max[usec] is the second-largest sample (perftest "
	  "leaves the largest out), not the maximum" },
	{ PT_TPS, "message_rate_per_s",
	  "not imported: tps average counts ping-pong transactions, not "
	  "messages" },
	{ PT_PEAK_MIB, "bandwidth_peak_MBps",
	  "BW peak[MB/sec] (MiB/sec from perftest 6.21): 2^20 B/s; "
	  "multiplied by 1.048576" },
	{ PT_AVG_MIB, "bandwidth_MBps",
	  "BW average[MB/sec] (MiB/sec from perftest 6.21): 2^20 B/s; "
	  "multiplied by 1.048576" },
	{ PT_PEAK_GBIT, "bandwidth_peak_MBps",
	  "BW peak[Gb/sec]: 10^9 bit/s; multiplied by 125" },
	{ PT_AVG_GBIT, "bandwidth_MBps",
	  "BW average[Gb/sec]: 10^9 bit/s; multiplied by 125" },
	{ PT_MPPS, "message_rate_per_s", "MsgRate[Mpps]: multiplied by 10^6" },
	{ PT_ITERS, "iterations", "#iterations" },
};

struct pt_state {
	struct report_lines l;
	struct report_set out;
	char tool[32]; /* "ib_write_lat"; "" before the title */
	enum bench_test test;
	enum bench_lat_kind kind;
	char device[64];
	char link[32];
	char conn[16];
	bool server;
	bool no_peak;	 /* "WARNING: BW peak won't be measured in this run." */
	bool peak_noted; /* the peak column was found unmeasured */
	struct bench_result r;
	bool open; /* table header seen */
	bool done; /* the rule line after the rows was seen */
	int roles[REPORT_TOKENS_MAX];
	unsigned n_cols;
};

static bool pt_has_word(const struct report_lines *l, const char *w)
{
	unsigned i;

	for (i = 0; i < l->n_tok; i++)
		if (!strcmp(l->tok[i], w))
			return true;
	return false;
}

/* "RDMA_Write Latency Test", "Send BW Test", "Send Bidirectional BW ..." */
bool report_perftest_is_title(const struct report_lines *l)
{
	return l->n_tok >= 3 && l->tok[0][0] != '#' &&
	       !strcmp(l->tok[l->n_tok - 1], "Test") &&
	       (pt_has_word(l, "Latency") || pt_has_word(l, "BW"));
}

static int pt_title(struct pt_state *s)
{
	static const struct {
		const char *word, *verb;
	} verbs[] = {
		{ "Send", "send" },	 { "RDMA_Write", "write" },
		{ "RDMA_Read", "read" }, { "Atomic", "atomic" },
		{ NULL, NULL },
	};
	struct report_lines *l = &s->l;
	bool lat = pt_has_word(l, "Latency");
	unsigned i;

	if (s->tool[0])
		return report_lines_error(l, "a second perftest title; "
					     "expected the output of one run "
					     "per file");
	for (i = 0; verbs[i].word; i++)
		if (!strcmp(l->tok[0], verbs[i].word))
			break;
	if (!verbs[i].word)
		return report_lines_error(l,
					  "unsupported perftest test '%.60s'; "
					  "expected Send, RDMA_Write, "
					  "RDMA_Read or Atomic",
					  report_lines_trimmed(l));
	snprintf(s->tool, sizeof(s->tool), "ib_%s_%s", verbs[i].verb,
		 lat ? "lat" : "bw");
	s->test = lat				    ? BENCH_TEST_LAT
		  : pt_has_word(l, "Bidirectional") ? BENCH_TEST_BIBW
						    : BENCH_TEST_BW;
	/* perftest reports READ and ATOMIC latency as the full round trip. */
	s->kind =
		lat && (i == 2 || i == 3) ? BENCH_LAT_RTT : BENCH_LAT_HALF_RTT;
	return 0;
}

/* " Dual-port : OFF\t\tDevice : rxe0": copy the value of key. */
static void pt_field(const char *line, const char *key, char *out,
		     size_t out_len)
{
	const char *p = strstr(line, key);
	size_t n;

	if (!p)
		return;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != ':')
		return;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t");
	if (n && n < out_len) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

static int pt_describe(struct pt_state *s)
{
	struct bench_result *r = &s->r;
	unsigned i, c;
	int ret = 0;

	for (c = 0; c < s->n_cols; c++)
		for (i = 0; i < sizeof(pt_stats) / sizeof(pt_stats[0]); i++)
			if (pt_stats[i].role == s->roles[c])
				ret |= report_build_stat(r, pt_stats[i].field,
							 pt_stats[i].how);
	/* Duration mode (-D): no samples, t_avg is time over iterations. */
	for (c = 0; c < s->n_cols; c++)
		if (s->roles[c] == PT_TPS)
			ret |= report_build_stat(
				r, "latency_us.mean",
				"t_avg[usec]: duration mode (-D): the run's "
				"time over its iterations (halved for a "
				"one-way test), from no kept samples");
	/* Its BW peak column then holds a 0.00 that was never measured. */
	if (s->no_peak)
		ret |= report_build_stat(r, "bandwidth_peak_MBps",
					 "not measured: perftest printed 'BW "
					 "peak won't be measured in this run' "
					 "(duration mode -D, or -N); its 0.00 "
					 "is left out");
	ret |= report_build_source(r, "side", s->server ? "server" : "client");
	if (s->conn[0])
		ret |= report_build_source(r, "connection_type", s->conn);
	if (s->device[0])
		ret |= report_build_device(r, "name", s->device);
	if (s->device[0] && s->link[0])
		ret |= report_build_device(r, "link_layer", s->link);
	return ret ? -ENOMEM : 0;
}

static int pt_header(struct pt_state *s)
{
	struct report_lines *l = &s->l;
	int ret;

	if (!s->tool[0])
		return report_lines_error(l, "table header before the "
					     "perftest title line (e.g. "
					     "'Send Latency Test')");
	if (s->open)
		return report_lines_error(l, "a second perftest table; "
					     "expected one run per file");
	ret = report_cols_parse(l, 0, pt_cols, "perftest", s->roles,
				&s->n_cols);
	if (ret)
		return ret;
	if (s->n_cols < 2 || s->roles[0] != PT_SIZE)
		return report_lines_error(l, "expected '#bytes' and the "
					     "measured columns");
	ret = report_build_start(&s->r, l->name, s->tool, NULL, s->test,
				 s->tool, s->kind);
	if (ret)
		return ret;
	s->open = true;
	return pt_describe(s);
}

static void pt_set(struct bench_row *row, int role, double v)
{
	switch (role) {
	case PT_MIN:
		row->lat_us.min = v;
		break;
	case PT_MEDIAN:
		row->lat_us.median = v;
		break;
	case PT_MEAN:
		row->lat_us.mean = v;
		break;
	case PT_STDEV:
		row->lat_us.stdev = v;
		break;
	case PT_P99:
		row->lat_us.p99 = v;
		break;
	case PT_P999:
		row->lat_us.p999 = v;
		break;
	case PT_PEAK_MIB:
		row->bw_peak_MBps = v * MIB_TO_MB;
		break;
	case PT_AVG_MIB:
		row->bw_MBps = v * MIB_TO_MB;
		break;
	case PT_PEAK_GBIT:
		row->bw_peak_MBps = v * GBIT_TO_MB;
		break;
	case PT_AVG_GBIT:
		row->bw_MBps = v * GBIT_TO_MB;
		break;
	case PT_MPPS:
		row->msg_rate_per_s = v * 1e6;
		break;
	}
}

/*
 * A peak below the average was never measured: perftest's duration mode
 * (-D) prints BW peak 0.00, with a warning from 4.x releases after 4.5
 * on and without one in 4.5.
 */
static int pt_peak_check(struct pt_state *s, struct bench_row *row)
{
	if (!(row->bw_peak_MBps < row->bw_MBps))
		return 0;
	row->bw_peak_MBps = NAN;
	if (s->peak_noted)
		return 0;
	s->peak_noted = true;
	return report_build_stat(&s->r, "bandwidth_peak_MBps",
				 "not measured: BW peak printed below BW "
				 "average (0.00 in duration mode -D); left "
				 "out");
}

static int pt_row(struct pt_state *s)
{
	struct report_lines *l = &s->l;
	struct bench_row row;
	bool nonfinite;
	unsigned i;
	double v;
	int ret;

	if (s->done)
		return 0;
	if (!s->open)
		return report_lines_error(l, "data row before the '#bytes "
					     "...' table header");
	ret = report_build_row_table(l, s->n_cols, &row);
	if (ret)
		return ret;
	for (i = 1; i < s->n_cols; i++) {
		if (s->roles[i] == PT_ITERS) {
			if (report_parse_u64(l->tok[i], REPORT_ITERS_MAX,
					     &row.iters))
				return report_lines_error(
					l, "'%.40s' is not an iteration count",
					l->tok[i]);
			continue;
		}
		if (report_parse_num(l->tok[i], &v, &nonfinite))
			return report_lines_error(l,
						  "'%.40s' is not a number; "
						  "expected a non-negative "
						  "decimal",
						  l->tok[i]);
		if (nonfinite) {
			ret = report_build_note(&s->r,
						"perftest printed '%s' in "
						"column %u at %zu B: left out",
						l->tok[i], i + 1,
						row.size_bytes);
			if (ret)
				return ret;
			continue;
		}
		if (!(s->no_peak && (s->roles[i] == PT_PEAK_MIB ||
				     s->roles[i] == PT_PEAK_GBIT)))
			pt_set(&row, s->roles[i], v);
	}
	ret = pt_peak_check(s, &row);
	return ret ?: report_build_row(&s->r, &row, l);
}

static void pt_meta(struct pt_state *s, const char *t)
{
	if (strstr(t, "Waiting for client"))
		s->server = true;
	if (strstr(t, "BW peak won't be measured"))
		s->no_peak = true;
	pt_field(t, "Device", s->device, sizeof(s->device));
	pt_field(t, "Link type", s->link, sizeof(s->link));
	pt_field(t, "Connection type", s->conn, sizeof(s->conn));
}

static int pt_line(void *state)
{
	struct pt_state *s = state;
	const char *t = report_lines_trimmed(&s->l);

	if (!strcmp(s->l.tok[0], "#bytes"))
		return pt_header(s);
	if (!strncmp(t, "-----", 5)) {
		/* The rule under the last row ends the table. */
		if (s->open && s->r.n_rows)
			s->done = true;
		return 0;
	}
	if (s->l.tok[0][0] >= '0' && s->l.tok[0][0] <= '9')
		return pt_row(s);
	if (!s->open && report_perftest_is_title(&s->l))
		return pt_title(s);
	if (!s->open)
		pt_meta(s, t);
	return 0;
}

static const char *pt_missing(const struct pt_state *s)
{
	if (!s->tool[0])
		return "no perftest title line (such as 'Send Latency Test') "
		       "and no table; expected perftest's output";
	if (s->open)
		return "the table has no rows; expected one line per size";
	if (s->server)
		return "no result table: this is a server side that prints "
		       "none (ib_read_lat does so); import the client's output";
	return "no result table; expected a '#bytes ...' header and one "
	       "line per size";
}

/* Not reached: pt_finish adds the one result or fails. */
static const char pt_none[] = "no result table; expected perftest's output";

/* The table ends the file: add the one result it holds. */
static int pt_finish(void *state)
{
	struct pt_state *s = state;

	s->l.lineno = 0;
	if (!s->open || !s->r.n_rows)
		return report_lines_error(&s->l, "%s", pt_missing(s));
	return report_set_add(&s->out, &s->r, s->l.name);
}

int report_import_perftest(const char *buf, size_t len, const char *name,
			   struct report_set *set, char *err, size_t err_len)
{
	struct pt_state s;
	const struct report_text_importer ti = {
		&s.l, &s.out, &s.r, pt_line, pt_finish, &s, pt_none, NULL,
	};

	memset(&s, 0, sizeof(s));
	return report_import_text(&ti, buf, len, name, set, err, err_len);
}

/* perftest's "... Test" title, or its "#bytes #iterations" header. */
static bool pt_detect(const struct report_lines *l)
{
	return report_perftest_is_title(l) ||
	       (l->n_tok >= 2 && !strcmp(l->tok[0], "#bytes") &&
		!strcmp(l->tok[1], "#iterations"));
}

static const enum bench_test pt_tests[] = {
	BENCH_TEST_LAT,
	BENCH_TEST_BW,
	BENCH_TEST_BIBW,
	BENCH_TEST_NR,
};

const struct report_importer report_importer_perftest = {
	.name = "perftest",
	.marker = "output ('... Latency Test' / '... BW Test')",
	.format = REPORT_FORMAT_PERFTEST,
	.detect_line = pt_detect,
	.parse = report_import_perftest,
	.tests = pt_tests,
};
