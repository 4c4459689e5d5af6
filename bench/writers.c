// SPDX-License-Identifier: BSD-2-Clause
/*
 * Text writers: human table, IMB-MPI1 layout, CSV.
 */
#include <inttypes.h>
#include <math.h>

#include "writers.h"

static bool is_bw(enum bench_test t)
{
	return t == BENCH_TEST_BW || t == BENCH_TEST_BIBW;
}

void bench_writer_init(struct bench_writer *w, FILE *f,
		       enum bench_format format, const struct bench_result *r,
		       int n_procs, unsigned window)
{
	w->f = f;
	w->format = format;
	w->r = r;
	w->n_procs = n_procs;
	w->window = window;
}

const char *bench_imb_name(enum bench_test t)
{
	switch (t) {
	case BENCH_TEST_BW:
		return "Uniband";
	case BENCH_TEST_BIBW:
		return "Biband";
	case BENCH_TEST_PINGPING:
		return "PingPing";
	default:
		return "PingPong";
	}
}

/* A fixed-width number, or "-" right-aligned when the figure is absent. */
static void put_num(FILE *f, int width, int prec, double v)
{
	if (isfinite(v))
		fprintf(f, " %*.*f", width, prec, v);
	else
		fprintf(f, " %*s", width, "-");
}

/*
 * The precision column: the median's 95 % interval as a relative
 * half-width in percent, "*" appended when the row is unstable.
 */
static void put_ci(FILE *f, const struct bench_row *row)
{
	const struct bench_interval *ci = &row->median_ci_us;
	double med = row->lat_us.median;
	char buf[24];

	if (isfinite(ci->lo) && isfinite(ci->hi) && med > 0)
		snprintf(buf, sizeof(buf), "%.2f%s",
			 (ci->hi - ci->lo) / 2 / med * 100,
			 row->stable == 0 ? "*" : "");
	else
		snprintf(buf, sizeof(buf), "-%s", row->stable == 0 ? "*" : "");
	fprintf(f, " %8s", buf);
}

#define CI_LEGEND                                                              \
	"; +-med%%: half-width of the median's 95 %% interval, relative, * = " \
	"unstable\n"

/* run.method, or "" when the result has none. */
static const char *writer_method(const struct bench_writer *w)
{
	const char *m = w->r->run ? json_string_value(json_object_get(w->r->run,
								      "method"))
				  : NULL;

	return m ? m : "";
}

/*
 * One "# note: ..." line per run.notes entry: what the engine changed on
 * the way (a 0-byte RDMA write sent as a write with immediate).
 */
static void header_notes(const struct bench_writer *w)
{
	json_t *notes = w->r->run ? json_object_get(w->r->run, "notes") : NULL;
	size_t i;

	for (i = 0; i < json_array_size(notes); i++)
		if (json_is_string(json_array_get(notes, i)))
			fprintf(w->f, "# note: %s\n",
				json_string_value(json_array_get(notes, i)));
}

static void table_header(const struct bench_writer *w)
{
	const struct bench_result *r = w->r;
	FILE *f = w->f;

	header_notes(w);
	if (is_bw(r->test)) {
		fprintf(f,
			"# %s, method %s: window of %u messages; time per "
			"message in us (window time / window); MB/s = 10^6 "
			"B/s" CI_LEGEND,
			bench_test_name(r->test), writer_method(w), w->window);
		fprintf(f,
			"# %10s %10s %12s %10s %10s %10s %10s %10s %10s "
			"%8s\n",
			"size[B]", "windows", "MB/s", "Mmsg/s", "min", "median",
			"mean", "p99", "max", "+-med%");
		return;
	}
	fprintf(f,
		"# %s, method %s: %s latency in us; MB/s = 10^6 B/s" CI_LEGEND,
		bench_test_name(r->test), writer_method(w),
		bench_lat_kind_name(r->lat_kind));
	fprintf(f,
		"# %10s %10s %9s %9s %9s %9s %9s %9s %9s %9s %11s %8s "
		"%8s\n",
		"size[B]", "iters", "min", "median", "mean", "stdev", "p90",
		"p99", "p99.9", "max", "MB/s", "Mmsg/s", "+-med%");
}

static void table_row(const struct bench_writer *w, const struct bench_row *row)
{
	const struct bench_stats *st = &row->lat_us;
	FILE *f = w->f;

	fprintf(f, "  %10zu %10" PRIu64, row->size_bytes, row->iters);
	if (is_bw(w->r->test)) {
		put_num(f, 12, 2, row->bw_MBps);
		put_num(f, 10, 4, row->msg_rate_per_s / 1e6);
		put_num(f, 10, 3, st->min);
		put_num(f, 10, 3, st->median);
		put_num(f, 10, 3, st->mean);
		put_num(f, 10, 3, st->p99);
		put_num(f, 10, 3, st->max);
	} else {
		put_num(f, 9, 3, st->min);
		put_num(f, 9, 3, st->median);
		put_num(f, 9, 3, st->mean);
		put_num(f, 9, 3, st->stdev);
		put_num(f, 9, 3, st->p90);
		put_num(f, 9, 3, st->p99);
		put_num(f, 9, 3, st->p999);
		put_num(f, 9, 3, st->max);
		put_num(f, 11, 2, row->bw_MBps);
		put_num(f, 8, 4, row->msg_rate_per_s / 1e6);
	}
	put_ci(f, row);
	fputc('\n', f);
}

/*
 * IMB-MPI1 2021: every column is 13 characters wide ("%13s" titles; rows
 * are the integer columns then "%13.2f"); t[usec] is IMB's t (the larger
 * of both ranks' loop time / repetitions, halved for PingPong; the mean
 * where the ranks' loops were not timed), Mbytes/sec is 10^6 B/s.
 * Uniband and Biband print Mbytes/sec and Msg/sec instead. The banner
 * names the tool so that `ibpong report import` reads the output back.
 */
static void imb_header(const struct bench_writer *w)
{
	const struct bench_result *r = w->r;
	FILE *f = w->f;

	fprintf(f,
		"#------------------------------------------------------------"
		"\n");
	fprintf(f, "#    %s %s, IMB-MPI1 format (Mbytes/sec = 10^6 B/s)\n",
		r->tool ? r->tool : "ibpong",
		r->tool_version ? r->tool_version : "?");
	if (is_bw(r->test))
		fprintf(f, "#    method %s, window of %u messages\n",
			writer_method(w), w->window);
	else
		fprintf(f,
			"#    t[usec]: the larger of both ranks' loop time / "
			"#repetitions%s\n",
			r->test == BENCH_TEST_LAT ? " / 2" : "");
	fprintf(f,
		"#------------------------------------------------------------"
		"\n");

	fprintf(f, "#---------------------------------------------------\n");
	fprintf(f, "# Benchmarking %s \n", bench_imb_name(w->r->test));
	fprintf(f, "# #processes = %d \n", w->n_procs);
	fprintf(f, "#---------------------------------------------------\n");
	if (is_bw(w->r->test))
		fprintf(f, "%13s%13s%13s%13s\n", "#bytes", "#repetitions",
			"Mbytes/sec", "Msg/sec");
	else
		fprintf(f, "%13s%13s%13s%13s\n", "#bytes", "#repetitions",
			"t[usec]", "Mbytes/sec");
}

static void imb_row(const struct bench_writer *w, const struct bench_row *row)
{
	FILE *f = w->f;

	fprintf(f, "%13zu%13" PRIu64, row->size_bytes, row->iters);
	if (row->timed_out) {
		fprintf(f, "    time-out.\n");
		return;
	}
	if (is_bw(w->r->test))
		fprintf(f, "%13.2f%13.0f\n", row->bw_MBps, row->msg_rate_per_s);
	else
		/* IMB: Mbytes/sec = size / t, with its own t */
		fprintf(f, "%13.2f%13.2f\n",
			isfinite(row->imb_t_us) ? row->imb_t_us
						: row->lat_us.mean,
			isfinite(row->imb_t_us) && row->imb_t_us > 0
				? (double)row->size_bytes / row->imb_t_us
				: row->bw_MBps);
}

static void csv_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.9g", v);
	else
		fputc(',', f);
}

static void csv_header(const struct bench_writer *w)
{
	int id;

	fprintf(w->f, "size_bytes,iterations,warmup");
	for (id = 0; id < BENCH_STAT_NR; id++)
		fprintf(w->f, ",latency_%s_us", bench_stat_name(id));
	fprintf(w->f, ",bandwidth_MBps,message_rate_per_s,samples,"
		      "median_ci95_lo_us,median_ci95_hi_us,mean_ci95_lo_us,"
		      "mean_ci95_hi_us,stable,stop,imb_t_us,latency_kind,"
		      "method\n");
}

static void csv_row(const struct bench_writer *w, const struct bench_row *row)
{
	int id;

	fprintf(w->f, "%zu,%" PRIu64 ",%" PRIu64, row->size_bytes, row->iters,
		row->warmup);
	for (id = 0; id < BENCH_STAT_NR; id++)
		csv_num(w->f, bench_stats_get(&row->lat_us, id));
	csv_num(w->f, row->bw_MBps);
	csv_num(w->f, row->msg_rate_per_s);
	if (row->lat_us.count)
		fprintf(w->f, ",%" PRIu64, row->lat_us.count);
	else
		fputc(',', w->f);
	csv_num(w->f, row->median_ci_us.lo);
	csv_num(w->f, row->median_ci_us.hi);
	csv_num(w->f, row->mean_ci_us.lo);
	csv_num(w->f, row->mean_ci_us.hi);
	fprintf(w->f, ",%s,%s",
		row->stable < 0 ? ""
		: row->stable	? "yes"
				: "no",
		bench_stop_name(row->stop) ? bench_stop_name(row->stop) : "");
	csv_num(w->f, row->imb_t_us);
	fprintf(w->f, ",%s,%s\n", bench_lat_kind_name(w->r->lat_kind),
		writer_method(w));
}

void bench_writer_header(const struct bench_writer *w)
{
	switch (w->format) {
	case BENCH_FORMAT_IMB:
		imb_header(w);
		break;
	case BENCH_FORMAT_CSV:
		csv_header(w);
		break;
	default:
		table_header(w);
		break;
	}
	fflush(w->f);
}

void bench_writer_row(const struct bench_writer *w, const struct bench_row *row)
{
	switch (w->format) {
	case BENCH_FORMAT_IMB:
		imb_row(w, row);
		break;
	case BENCH_FORMAT_CSV:
		csv_row(w, row);
		break;
	default:
		table_row(w, row);
		break;
	}
	/* Rows appear as they complete, even through a pipe. */
	fflush(w->f);
}

void bench_writer_footer(const struct bench_writer *w)
{
	/* IMB closes each benchmark's table with a blank line. */
	if (w->format == BENCH_FORMAT_IMB)
		fputc('\n', w->f);
	fflush(w->f);
}
