/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report export FILE... : one flat record per result row, for
 * dashboards (Grafana, a spreadsheet, pandas), like ReFrame's perflogs:
 * CSV with a fixed header, or JSON Lines. Every record carries what makes
 * its number comparable (tool, test, kinds, buffers, method, system) and
 * its units in the column names.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "log.h"
#include "report.h"
#include "variant.h"

enum export_format { EXPORT_CSV, EXPORT_JSONL };

/* The columns, in order; every record has all of them (empty: absent). */
static const char *const export_cols[] = {
	"start_time",
	"system",
	"labels",
	"tool",
	"tool_version",
	"test",
	"test_kind",
	"latency_kind",
	"method",
	"buffers",
	"processes",
	"host_a",
	"host_b",
	"rank_a",
	"rank_b",
	"size_bytes",
	"iterations",
	"lat_min_us",
	"lat_median_us",
	"lat_mean_us",
	"lat_stdev_us",
	"lat_p90_us",
	"lat_p99_us",
	"lat_p999_us",
	"lat_max_us",
	"lat_count",
	"bandwidth_MBps",
	"bandwidth_peak_MBps",
	"message_rate_per_s",
	"timed_out",
	"source",
};
#define EXPORT_NCOLS (sizeof(export_cols) / sizeof(export_cols[0]))
#define EXPORT_LAT0  17 /* index of lat_min_us */

static void export_usage(FILE *f)
{
	fprintf(f,
		"usage: ibpong report export FILE... [--format csv|jsonl] "
		"[-o FILE]\n"
		"\n"
		"One flat record per result row (per size, per pair in a "
		"sweep) for dashboards,\n"
		"like ReFrame's perflogs: CSV with a header line, or JSON "
		"Lines (one object per\n"
		"line). FILE is ibpong/1 JSON or IMB, OSU, perftest text "
		"(imported on the fly).\n"
		"Columns: start_time, system (run.labels.system, else "
		"cluster), labels\n"
		"(k=v;k=v), tool, tool_version, test, test_kind, "
		"latency_kind (one-way,\n"
		"round-trip, one-message), method, buffers (host or e.g. "
		"device/device (cuda)),\n"
		"processes, host_a, host_b, rank_a, rank_b, size_bytes, "
		"iterations,\n"
		"lat_{min,median,mean,stdev,p90,p99,p999,max}_us, lat_count, "
		"bandwidth_MBps and\n"
		"bandwidth_peak_MBps (MB = 10^6 B), message_rate_per_s, "
		"timed_out, source.\n"
		"An absent figure is an empty CSV field or a JSON null, never "
		"0.\n"
		"\n"
		"Options:\n"
		"  -f, --format csv|jsonl  the output format (default csv)\n"
		"  -o, --output FILE       write FILE atomically (default: "
		"stdout)\n"
		"  -h, --help              show this help\n"
		"\n"
		"Exit codes: 0 written, 2 bad usage or input, 3 the file could "
		"not be written.\n");
}

/* "k=v;k=v" of run.labels, keys sorted. */
static char *export_labels(const struct bench_result *r)
{
	const json_t *labels = json_object_get(r->run, "labels");
	char *buf = NULL;
	size_t len = 0;
	const char **keys;
	const char *k;
	json_t *v;
	size_t n = 0, i, j;
	FILE *f;

	keys = calloc(json_object_size(labels) + 1, sizeof(*keys));
	f = keys ? open_memstream(&buf, &len) : NULL;
	if (!f) {
		free(keys);
		return NULL;
	}
	json_object_foreach ((json_t *)labels, k, v) {
		for (i = n; i > 0 && strcmp(keys[i - 1], k) > 0; i--)
			keys[i] = keys[i - 1];
		keys[i] = k;
		n++;
	}
	for (j = 0; j < n; j++)
		fprintf(f, "%s%s=%s", j ? ";" : "", keys[j],
			json_string_value(json_object_get(labels, keys[j])));
	free(keys);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static json_t *export_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *export_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* One record as a JSON object with every column. */
static json_t *export_record(const struct bench_result *r,
			     const struct bench_row *row, const char *path)
{
	const json_t *hosts = json_object_get(r->run, "hosts");
	const json_t *src = json_object_get(r->run, "source");
	const json_t *method = json_object_get(r->run, "method");
	const char *sys = bench_result_label(r, "system");
	char buffers[96], *labels = export_labels(r), *m = NULL;
	json_t *o = json_object(), *v[EXPORT_NCOLS];
	size_t i;
	int s;

	report_buffers_text(r, buffers, sizeof(buffers));
	if (method && !json_is_string(method))
		m = json_dumps(method, JSON_COMPACT | JSON_SORT_KEYS);
	v[0] = export_str(
		json_string_value(json_object_get(r->run, "start_time")));
	v[1] = export_str(sys ? sys : bench_result_label(r, "cluster"));
	v[2] = export_str(labels && *labels ? labels : NULL);
	v[3] = export_str(r->tool);
	v[4] = export_str(r->tool_version);
	v[5] = export_str(r->test_name);
	v[6] = json_string(bench_test_name(r->test));
	v[7] = json_string(bench_lat_kind_name(r->lat_kind));
	v[8] = export_str(m ? m : json_string_value(method));
	v[9] = json_string(buffers);
	v[10] = export_str(
		json_string_value(json_object_get(src, "processes")));
	v[11] = row->rank_a >= 0 ? export_str(json_string_value(
					   json_array_get(hosts, row->rank_a)))
				 : json_null();
	v[12] = row->rank_a >= 0 ? export_str(json_string_value(
					   json_array_get(hosts, row->rank_b)))
				 : json_null();
	v[13] = row->rank_a >= 0 ? json_integer(row->rank_a) : json_null();
	v[14] = row->rank_a >= 0 ? json_integer(row->rank_b) : json_null();
	v[15] = json_integer((json_int_t)row->size_bytes);
	v[16] = row->iters ? json_integer((json_int_t)row->iters) : json_null();
	for (s = 0; s < BENCH_STAT_NR; s++)
		v[EXPORT_LAT0 + s] =
			export_num(bench_stats_get(&row->lat_us, s));
	v[25] = row->lat_us.count ? json_integer((json_int_t)row->lat_us.count)
				  : json_null();
	v[26] = export_num(row->bw_MBps);
	v[27] = export_num(row->bw_peak_MBps);
	v[28] = export_num(row->msg_rate_per_s);
	v[29] = json_boolean(row->timed_out);
	v[30] = json_string(path);
	for (i = 0; i < EXPORT_NCOLS; i++)
		if (!o || json_object_set_new(o, export_cols[i], v[i])) {
			json_decref(o);
			o = NULL;
		}
	free(labels);
	free(m);
	return o;
}

/* RFC 4180: quoted when it holds a comma, quote or line break. */
static void export_csv_field(FILE *f, const json_t *v)
{
	char num[40];
	const char *s = num, *p;

	if (json_is_null(v))
		return;
	if (json_is_string(v))
		s = json_string_value(v);
	else if (json_is_integer(v))
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	else if (json_is_real(v))
		snprintf(num, sizeof(num), "%.9g", json_real_value(v));
	else
		s = json_is_true(v) ? "true" : "false";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static int export_write(FILE *f, enum export_format fmt,
			const struct report_set *set)
{
	size_t i, j, c;
	json_t *o;
	char *line;

	for (c = 0; fmt == EXPORT_CSV && c < EXPORT_NCOLS; c++)
		fprintf(f, "%s%s", c ? "," : "", export_cols[c]);
	if (fmt == EXPORT_CSV)
		fputc('\n', f);
	for (i = 0; i < set->count; i++)
		for (j = 0; j < set->items[i].n_rows; j++) {
			o = export_record(&set->items[i],
					  &set->items[i].rows[j],
					  set->paths[i]);
			if (!o)
				return -ENOMEM;
			for (c = 0; fmt == EXPORT_CSV && c < EXPORT_NCOLS;
			     c++) {
				if (c)
					fputc(',', f);
				export_csv_field(
					f, json_object_get(o, export_cols[c]));
			}
			if (fmt == EXPORT_JSONL) {
				line = json_dumps(
					o, JSON_COMPACT | JSON_PRESERVE_ORDER |
						   JSON_REAL_PRECISION(15));
				if (line)
					fputs(line, f);
				free(line);
			}
			fputc('\n', f);
			json_decref(o);
		}
	return 0;
}

/* Returns 0 to go on, 1 after --help, or -EINVAL. */
static int export_parse(int argc, char **argv, enum export_format *fmt,
			const char **out)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*fmt = EXPORT_CSV;
	*out = NULL;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:o:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			export_usage(stdout);
			return 1;
		}
		if (c == 'o') {
			*out = optarg;
		} else if (c == 'f' && (!strcmp(optarg, "csv") ||
					!strcmp(optarg, "jsonl"))) {
			*fmt = strcmp(optarg, "csv") ? EXPORT_JSONL
						     : EXPORT_CSV;
		} else if (c == 'f') {
			bench_err("--format '%s': expected csv or jsonl",
				  optarg);
			return -EINVAL;
		} else {
			bench_err("%s '%s'; see 'ibpong report export --help'",
				  c == ':' ? "option needs a value:"
					   : "unknown option",
				  argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind >= argc) {
		bench_err("no input file; usage: ibpong report export FILE... "
			  "(see --help)");
		return -EINVAL;
	}
	return 0;
}

int report_cmd_export(int argc, char **argv)
{
	enum export_format fmt;
	struct report_set set;
	const char *out;
	char err[512], *buf = NULL;
	size_t len = 0;
	int ret, i, code = BENCH_EXIT_USAGE;
	FILE *f;

	ret = export_parse(argc, argv, &fmt, &out);
	if (ret)
		return ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	report_set_init(&set);
	for (i = optind; i < argc; i++)
		if (report_load(argv[i], &set, err, sizeof(err))) {
			bench_err("%s", err);
			goto out;
		}
	code = BENCH_EXIT_RUNTIME;
	f = open_memstream(&buf, &len);
	ret = f ? export_write(f, fmt, &set) : -ENOMEM;
	if ((f && fclose(f)) || ret) {
		bench_err("out of memory");
		goto out;
	}
	ret = out ? bench_write_file_atomic(out, buf, len)
		  : (fwrite(buf, 1, len, stdout) == len ? 0 : -EIO);
	if (ret) {
		bench_err("cannot write %s: %s; check the directory",
			  out ? out : "stdout", strerror(-ret));
		goto out;
	}
	code = BENCH_EXIT_OK;
out:
	free(buf);
	report_set_free(&set);
	return code;
}
