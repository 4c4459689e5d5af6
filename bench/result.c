/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The result model and its ibpong/1 JSON form (doc/result-format.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "result.h"

#define BENCH_ROWS_MAX (1u << 24)

static const char *const bench_test_names[BENCH_TEST_NR] = {
	[BENCH_TEST_LAT] = "latency",
	[BENCH_TEST_BW] = "bw",
	[BENCH_TEST_BIBW] = "bibw",
	[BENCH_TEST_PINGPING] = "pingping",
	[BENCH_TEST_SENDRECV] = "sendrecv",
	[BENCH_TEST_EXCHANGE] = "exchange",
	[BENCH_TEST_RMA_LAT] = "rma-latency",
	[BENCH_TEST_RMA_BW] = "rma-bw",
	[BENCH_TEST_RMA_BIBW] = "rma-bibw",
};

static const char *const bench_lat_kind_names[] = {
	[BENCH_LAT_HALF_RTT] = "one-way",
	[BENCH_LAT_RTT] = "round-trip",
	[BENCH_LAT_ONE_MSG] = "one-message",
};

#define BENCH_UNIT_BANDWIDTH "MB/s, 1 MB = 10^6 bytes"

void bench_result_init(struct bench_result *r)
{
	memset(r, 0, sizeof(*r));
	r->lat_kind = BENCH_LAT_HALF_RTT;
}

void bench_result_free(struct bench_result *r)
{
	free(r->tool);
	free(r->tool_version);
	free(r->test_name);
	json_decref(r->run);
	free(r->rows);
	bench_result_init(r);
}

void bench_row_init(struct bench_row *row, size_t size_bytes)
{
	memset(row, 0, sizeof(*row));
	row->size_bytes = size_bytes;
	bench_stats_clear(&row->lat_us);
	row->bw_MBps = NAN;
	row->bw_peak_MBps = NAN;
	row->msg_rate_per_s = NAN;
	row->imb_t_us = NAN;
	row->rank_a = -1;
	row->rank_b = -1;
	row->median_ci_us.lo = row->median_ci_us.hi = NAN;
	row->mean_ci_us.lo = row->mean_ci_us.hi = NAN;
	row->stable = -1;
	row->stop = BENCH_STOP_UNKNOWN;
	row->time_s = NAN;
}

static const char *const bench_stop_names[BENCH_STOP_NR] = {
	[BENCH_STOP_FIXED] = "fixed",
	[BENCH_STOP_TIME_PER_SIZE] = "time-per-size",
	[BENCH_STOP_PRECISION] = "precision",
	[BENCH_STOP_TIME_CAP] = "time-cap",
	[BENCH_STOP_ITER_CAP] = "iteration-cap",
};

const char *bench_stop_name(enum bench_stop s)
{
	if ((unsigned)s >= BENCH_STOP_NR)
		return NULL;
	return bench_stop_names[s];
}

static int bench_stop_from_name(const char *name)
{
	int i;

	for (i = 1; i < BENCH_STOP_NR; i++)
		if (!strcmp(name, bench_stop_names[i]))
			return i;
	return -EINVAL;
}

int bench_result_add_row(struct bench_result *r, const struct bench_row *row)
{
	if (r->n_rows == r->cap_rows) {
		size_t cap = r->cap_rows ? r->cap_rows * 2 : 32;
		struct bench_row *rows;

		if (cap > BENCH_ROWS_MAX)
			return -ENOMEM;
		rows = realloc(r->rows, cap * sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		r->rows = rows;
		r->cap_rows = cap;
	}
	r->rows[r->n_rows++] = *row;
	return 0;
}

const char *bench_lat_kind_name(enum bench_lat_kind k)
{
	if ((unsigned)k >= sizeof(bench_lat_kind_names) / sizeof(char *))
		return "unknown";
	return bench_lat_kind_names[k];
}

const char *bench_test_name(enum bench_test t)
{
	if ((unsigned)t >= BENCH_TEST_NR)
		return "unknown";
	return bench_test_names[t];
}

int bench_test_from_name(const char *name)
{
	int t;

	for (t = 0; t < BENCH_TEST_NR; t++)
		if (!strcmp(name, bench_test_names[t]))
			return t;
	return -EINVAL;
}

static int bench_lat_kind_from_name(const char *name)
{
	unsigned k;

	for (k = 0; k < sizeof(bench_lat_kind_names) / sizeof(char *); k++)
		if (!strcmp(name, bench_lat_kind_names[k]))
			return (int)k;
	return -EINVAL;
}

static json_t *bench_result_run(struct bench_result *r)
{
	if (!r->run)
		r->run = json_object();
	return r->run;
}

int bench_result_set_label(struct bench_result *r, const char *key,
			   const char *value)
{
	json_t *run = bench_result_run(r);
	json_t *labels;

	if (!run)
		return -ENOMEM;
	labels = json_object_get(run, "labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		if (!labels || json_object_set_new(run, "labels", labels))
			return -ENOMEM;
	}
	if (json_object_set_new(labels, key, json_string(value)))
		return -ENOMEM;
	return 0;
}

const char *bench_result_label(const struct bench_result *r, const char *key)
{
	json_t *labels = json_object_get(r->run, "labels");

	return json_string_value(json_object_get(labels, key));
}

/* Add key = v only when v is a finite number (absent statistics stay out). */
static int bench_json_set_num(json_t *obj, const char *key, double v)
{
	if (!isfinite(v))
		return 0;
	return json_object_set_new(obj, key, json_real(v)) ? -ENOMEM : 0;
}

/*
 * A sweep row's pair: the ranks, and their host names from run.hosts (the
 * model keeps ranks only; run.hosts holds the names).
 */
static json_t *bench_pair_to_json(const struct bench_row *row,
				  const json_t *hosts)
{
	const char *a = json_string_value(json_array_get(hosts, row->rank_a));
	const char *b = json_string_value(json_array_get(hosts, row->rank_b));
	json_t *p = json_pack("{s:i, s:i}", "rank_a", row->rank_a, "rank_b",
			      row->rank_b);

	if (p && a && b &&
	    (json_object_set_new(p, "host_a", json_string(a)) ||
	     json_object_set_new(p, "host_b", json_string(b)))) {
		json_decref(p);
		return NULL;
	}
	return p;
}

/* [lo, hi], or nothing for an absent interval. */
static int bench_json_set_interval(json_t *obj, const char *key,
				   struct bench_interval ci)
{
	if (!isfinite(ci.lo) || !isfinite(ci.hi))
		return 0;
	return json_object_set_new(obj, key, json_pack("[f, f]", ci.lo, ci.hi))
		       ? -ENOMEM
		       : 0;
}

/* ci95_us, stable, stop, time_s, retests: each only when known. */
static int bench_row_precision_to_json(const struct bench_row *row, json_t *o)
{
	json_t *ci = json_object();
	int ret = 0;

	if (!ci)
		return -ENOMEM;
	ret |= bench_json_set_interval(ci, "median", row->median_ci_us);
	ret |= bench_json_set_interval(ci, "mean", row->mean_ci_us);
	if (row->batches && isfinite(row->mean_ci_us.lo))
		ret |= json_object_set_new(ci, "batches",
					   json_integer(row->batches));
	if (json_object_size(ci))
		ret |= json_object_set(o, "ci95_us", ci);
	json_decref(ci);
	if (row->stable >= 0)
		ret |= json_object_set_new(o, "stable",
					   json_boolean(row->stable));
	if (bench_stop_name(row->stop))
		ret |= json_object_set_new(
			o, "stop", json_string(bench_stop_name(row->stop)));
	ret |= bench_json_set_num(o, "time_s", row->time_s);
	if (row->retests)
		ret |= json_object_set_new(o, "retests",
					   json_integer(row->retests));
	return ret ? -ENOMEM : 0;
}

static json_t *bench_row_to_json(const struct bench_row *row,
				 const json_t *hosts)
{
	json_t *o = json_object();
	json_t *lat = json_object();
	int ret = 0;
	int id;

	if (!o || !lat)
		goto err_free;
	ret |= json_object_set_new(o, "size_bytes",
				   json_integer((json_int_t)row->size_bytes));
	if (row->iters)
		ret |= json_object_set_new(
			o, "iterations", json_integer((json_int_t)row->iters));
	if (row->warmup)
		ret |= json_object_set_new(
			o, "warmup", json_integer((json_int_t)row->warmup));
	for (id = 0; id < BENCH_STAT_NR; id++)
		ret |= bench_json_set_num(lat, bench_stat_name(id),
					  bench_stats_get(&row->lat_us, id));
	if (json_object_size(lat) && row->lat_us.count)
		ret |= json_object_set_new(
			lat, "count",
			json_integer((json_int_t)row->lat_us.count));
	if (json_object_size(lat))
		ret |= json_object_set(o, "latency_us", lat);
	ret |= bench_row_precision_to_json(row, o);
	ret |= bench_json_set_num(o, "bandwidth_MBps", row->bw_MBps);
	ret |= bench_json_set_num(o, "bandwidth_peak_MBps", row->bw_peak_MBps);
	ret |= bench_json_set_num(o, "message_rate_per_s", row->msg_rate_per_s);
	ret |= bench_json_set_num(o, "imb_t_us", row->imb_t_us);
	if (row->rank_a >= 0)
		ret |= json_object_set_new(o, "pair",
					   bench_pair_to_json(row, hosts));
	if (row->timed_out)
		ret |= json_object_set_new(o, "timed_out", json_true());
	if (ret)
		goto err_free;
	json_decref(lat);
	return o;

err_free:
	json_decref(lat);
	json_decref(o);
	return NULL;
}

int bench_result_to_json(const struct bench_result *r, json_t **out)
{
	json_t *doc, *rows, *run;
	const json_t *hosts = json_object_get(r->run, "hosts");
	size_t i;

	run = r->run ? json_deep_copy(r->run) : json_object();
	doc = json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:{s:s, s:s, "
			"s:s}, s:o}",
			"format", BENCH_FORMAT_ID, "tool", "name",
			r->tool ? r->tool : "unknown", "version",
			r->tool_version ? r->tool_version : "unknown", "test",
			"name",
			r->test_name ? r->test_name : bench_test_name(r->test),
			"kind", bench_test_name(r->test), "latency",
			bench_lat_kind_name(r->lat_kind), "units", "latency",
			"us", "bandwidth", BENCH_UNIT_BANDWIDTH, "message_rate",
			"messages/s", "run", run);
	if (!doc)
		return -ENOMEM;
	rows = json_array();
	if (!rows || json_object_set_new(doc, "results", rows))
		goto err_free;
	for (i = 0; i < r->n_rows; i++)
		if (json_array_append_new(
			    rows, bench_row_to_json(&r->rows[i], hosts)))
			goto err_free;
	*out = doc;
	return 0;

err_free:
	json_decref(doc);
	return -ENOMEM;
}

const char *bench_json_reason(const json_error_t *e, char *buf, size_t len)
{
	size_t o = 0;

	if (!len)
		return buf;
	for (const unsigned char *c = (const unsigned char *)e->text;
	     *c && o + 5 < len; c++) {
		if (*c == '\n')
			o += (size_t)snprintf(buf + o, len - o, "\\n");
		else if (*c == '\t')
			o += (size_t)snprintf(buf + o, len - o, "\\t");
		else if (*c < 0x20 || *c >= 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", *c);
		else
			buf[o++] = (char)*c;
	}
	buf[o] = '\0';
	return buf;
}

__attribute__((format(printf, 3, 4))) static int
bench_json_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (err && err_len) {
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A required string member, or NULL after writing the reason. */
static const char *bench_json_str(const json_t *obj, const char *key,
				  const char *where, char *err, size_t err_len)
{
	const char *s = json_string_value(json_object_get(obj, key));

	if (!s)
		bench_json_err(err, err_len, "%s.%s: expected a string", where,
			       key);
	return s;
}

static int bench_json_uint(const json_t *obj, const char *key, uint64_t *v,
			   bool required, const char *where, char *err,
			   size_t err_len)
{
	json_t *j = json_object_get(obj, key);

	if (!j && !required)
		return 0;
	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return bench_json_err(err, err_len,
				      "%s.%s: expected a non-negative integer",
				      where, key);
	*v = (uint64_t)json_integer_value(j);
	return 0;
}

static int bench_json_num(const json_t *obj, const char *key, double *v,
			  const char *where, char *err, size_t err_len)
{
	json_t *j = json_object_get(obj, key);

	if (!j)
		return 0;
	if (!json_is_number(j) || !isfinite(json_number_value(j)) ||
	    json_number_value(j) < 0 || json_number_value(j) > BENCH_VALUE_MAX)
		return bench_json_err(err, err_len,
				      "%s.%s: expected a number from 0 to %g",
				      where, key, BENCH_VALUE_MAX);
	*v = json_number_value(j);
	return 0;
}

/*
 * A latency statistic is a positive, finite time, below BENCH_VALUE_MAX
 * (a value beyond it is damage, not a measurement; left in, it would
 * pass check and compare and break the logarithmic axes of the plots);
 * only the standard deviation may be 0.
 */
static bool bench_lat_num_ok(int id, double v)
{
	if (!isfinite(v) || v < 0 || v > BENCH_VALUE_MAX)
		return false;
	return v > 0 || id == BENCH_STAT_STDEV;
}

static bool bench_lat_value_ok(int id, const json_t *val)
{
	return bench_lat_num_ok(id, json_is_number(val) ? json_number_value(val)
							: NAN);
}

static bool bench_num_ok(double v)
{
	return isnan(v) || (v >= 0 && v <= BENCH_VALUE_MAX);
}

const char *bench_row_bad_value(const struct bench_row *row)
{
	static const char *const lat_names[BENCH_STAT_NR] = {
		"latency_us.min",   "latency_us.median", "latency_us.mean",
		"latency_us.stdev", "latency_us.p90",	 "latency_us.p99",
		"latency_us.p999",  "latency_us.max",
	};
	int id;

	for (id = 0; id < BENCH_STAT_NR; id++) {
		double v = bench_stats_get(&row->lat_us, id);

		if (!isnan(v) && !bench_lat_num_ok(id, v))
			return lat_names[id];
	}
	if (!bench_num_ok(row->bw_MBps))
		return "bandwidth_MBps";
	if (!bench_num_ok(row->bw_peak_MBps))
		return "bandwidth_peak_MBps";
	if (!bench_num_ok(row->msg_rate_per_s))
		return "message_rate_per_s";
	if (!bench_num_ok(row->imb_t_us))
		return "imb_t_us";
	return NULL;
}

static int bench_row_lat_from_json(const json_t *lat, struct bench_row *row,
				   const char *where, char *err, size_t err_len)
{
	const char *key;
	json_t *val;
	int id;

	if (!lat)
		return 0;
	if (!json_is_object(lat))
		return bench_json_err(err, err_len,
				      "%s.latency_us: expected an object",
				      where);
	json_object_foreach ((json_t *)lat, key, val) {
		if (!strcmp(key, "count")) {
			if (!json_is_integer(val) ||
			    json_integer_value(val) < 0)
				return bench_json_err(
					err, err_len,
					"%s.latency_us.count: expected a "
					"non-negative integer",
					where);
			row->lat_us.count = (uint64_t)json_integer_value(val);
			continue;
		}
		id = bench_stat_from_name(key);
		if (id < 0)
			return bench_json_err(
				err, err_len,
				"%s.latency_us.%s: unknown "
				"statistic (expected count, min, median, "
				"mean, stdev, p90, p99, p999, max)",
				where, key);
		if (!bench_lat_value_ok(id, val))
			return bench_json_err(
				err, err_len,
				"%s.latency_us.%s: expected a number above 0 "
				"and at most %g us%s (a zero or absurd latency "
				"is no measurement)",
				where, key, BENCH_VALUE_MAX,
				id == BENCH_STAT_STDEV ? ", or 0" : "");
		bench_stats_set(&row->lat_us, id, json_number_value(val));
	}
	return 0;
}

/* "key": [lo, hi] with lo <= hi, both finite; absent is fine. */
static int bench_json_interval(const json_t *obj, const char *key,
			       struct bench_interval *ci, const char *where,
			       char *err, size_t err_len)
{
	json_t *j = json_object_get(obj, key);
	json_t *lo = json_array_get(j, 0), *hi = json_array_get(j, 1);

	if (!j)
		return 0;
	if (!json_is_array(j) || json_array_size(j) != 2 ||
	    !json_is_number(lo) || !json_is_number(hi) ||
	    !isfinite(json_number_value(lo)) ||
	    !isfinite(json_number_value(hi)) ||
	    json_number_value(lo) > json_number_value(hi))
		return bench_json_err(err, err_len,
				      "%s.ci95_us.%s: expected [lo, hi] with "
				      "lo <= hi",
				      where, key);
	ci->lo = json_number_value(lo);
	ci->hi = json_number_value(hi);
	return 0;
}

static int bench_row_precision_from_json(const json_t *o, struct bench_row *row,
					 const char *where, char *err,
					 size_t err_len)
{
	const json_t *ci = json_object_get(o, "ci95_us");
	const json_t *stable = json_object_get(o, "stable");
	const json_t *stop = json_object_get(o, "stop");
	uint64_t batches = 0, retests = 0;
	int ret, s;

	if (ci && !json_is_object(ci))
		return bench_json_err(err, err_len,
				      "%s.ci95_us: expected an object", where);
	ret = bench_json_interval(ci, "median", &row->median_ci_us, where, err,
				  err_len);
	ret = ret
		      ?: bench_json_interval(ci, "mean", &row->mean_ci_us,
					     where, err, err_len);
	ret = ret
		      ?: bench_json_uint(ci, "batches", &batches, false, where,
					 err, err_len);
	ret = ret
		      ?: bench_json_uint(o, "retests", &retests, false, where,
					 err, err_len);
	ret = ret
		      ?: bench_json_num(o, "time_s", &row->time_s, where, err,
					err_len);
	if (ret)
		return ret;
	if (batches > UINT32_MAX || retests > UINT32_MAX)
		return bench_json_err(err, err_len,
				      "%s: batches or retests too large",
				      where);
	row->batches = (unsigned)batches;
	row->retests = (unsigned)retests;
	if (stable && !json_is_boolean(stable))
		return bench_json_err(err, err_len,
				      "%s.stable: expected true or false",
				      where);
	if (stable)
		row->stable = json_is_true(stable);
	if (!stop)
		return 0;
	s = json_is_string(stop) ? bench_stop_from_name(json_string_value(stop))
				 : -EINVAL;
	if (s < 0)
		return bench_json_err(err, err_len,
				      "%s.stop: expected one of fixed, "
				      "time-per-size, precision, time-cap, "
				      "iteration-cap",
				      where);
	row->stop = s;
	return 0;
}

static int bench_row_pair_from_json(const json_t *pair, struct bench_row *row,
				    const char *where, char *err,
				    size_t err_len)
{
	uint64_t a = 0, b = 0;
	int ret;

	if (!pair)
		return 0;
	ret = bench_json_uint(pair, "rank_a", &a, true, where, err, err_len);
	if (!ret)
		ret = bench_json_uint(pair, "rank_b", &b, true, where, err,
				      err_len);
	if (ret)
		return ret;
	if (a > INT32_MAX || b > INT32_MAX)
		return bench_json_err(err, err_len, "%s.pair: rank too large",
				      where);
	/* host_a and host_b repeat run.hosts: checked, not stored */
	if ((json_object_get(pair, "host_a") &&
	     !json_is_string(json_object_get(pair, "host_a"))) ||
	    (json_object_get(pair, "host_b") &&
	     !json_is_string(json_object_get(pair, "host_b"))))
		return bench_json_err(err, err_len,
				      "%s.pair.host_a/host_b: expected strings",
				      where);
	row->rank_a = (int)a;
	row->rank_b = (int)b;
	return 0;
}

static int bench_row_from_json(const json_t *o, size_t idx,
			       struct bench_row *row, char *err, size_t err_len)
{
	char where[48];
	uint64_t size = 0;
	int ret;

	snprintf(where, sizeof(where), "results[%zu]", idx);
	if (!json_is_object(o))
		return bench_json_err(err, err_len, "%s: expected an object",
				      where);
	ret = bench_json_uint(o, "size_bytes", &size, true, where, err,
			      err_len);
	if (ret)
		return ret;
	bench_row_init(row, (size_t)size);
	ret = bench_json_uint(o, "iterations", &row->iters, false, where, err,
			      err_len);
	ret = ret
		      ?: bench_json_uint(o, "warmup", &row->warmup, false,
					 where, err, err_len);
	ret = ret
		      ?: bench_row_lat_from_json(
				 json_object_get(o, "latency_us"), row, where,
				 err, err_len);
	ret = ret
		      ?: bench_json_num(o, "bandwidth_MBps", &row->bw_MBps,
					where, err, err_len);
	ret = ret
		      ?: bench_json_num(o, "bandwidth_peak_MBps",
					&row->bw_peak_MBps, where, err,
					err_len);
	ret = ret
		      ?: bench_json_num(o, "message_rate_per_s",
					&row->msg_rate_per_s, where, err,
					err_len);
	ret = ret
		      ?: bench_json_num(o, "imb_t_us", &row->imb_t_us, where,
					err, err_len);
	ret = ret
		      ?: bench_row_pair_from_json(json_object_get(o, "pair"),
						  row, where, err, err_len);
	ret = ret ?: bench_row_precision_from_json(o, row, where, err, err_len);
	if (ret)
		return ret;
	row->timed_out = json_is_true(json_object_get(o, "timed_out"));
	return 0;
}

static int bench_result_head_from_json(const json_t *doc,
				       struct bench_result *r, char *err,
				       size_t err_len)
{
	const json_t *tool = json_object_get(doc, "tool");
	const json_t *test = json_object_get(doc, "test");
	const char *name, *version, *tname, *kind, *lat;
	int t, k;

	name = bench_json_str(tool, "name", "tool", err, err_len);
	version = name ? bench_json_str(tool, "version", "tool", err, err_len)
		       : NULL;
	tname = version ? bench_json_str(test, "name", "test", err, err_len)
			: NULL;
	kind = tname ? bench_json_str(test, "kind", "test", err, err_len)
		     : NULL;
	lat = kind ? bench_json_str(test, "latency", "test", err, err_len)
		   : NULL;
	if (!lat)
		return -EINVAL;
	t = bench_test_from_name(kind);
	if (t < 0)
		return bench_json_err(err, err_len,
				      "test.kind: '%s' is not one of latency, "
				      "bw, bibw, pingping",
				      kind);
	k = bench_lat_kind_from_name(lat);
	if (k < 0)
		return bench_json_err(err, err_len,
				      "test.latency: '%s' is not one of "
				      "one-way, round-trip, one-message",
				      lat);
	r->test = t;
	r->lat_kind = k;
	r->tool = strdup(name);
	r->tool_version = strdup(version);
	r->test_name = strdup(tname);
	if (!r->tool || !r->tool_version || !r->test_name)
		return -ENOMEM;
	return 0;
}

int bench_result_from_json(const json_t *doc, struct bench_result *r, char *err,
			   size_t err_len)
{
	const char *fmt = json_string_value(json_object_get(doc, "format"));
	const json_t *rows, *run;
	struct bench_row row;
	size_t i;
	int ret;

	bench_result_init(r);
	if (!json_is_object(doc))
		return bench_json_err(err, err_len,
				      "expected a JSON object at the top");
	if (!fmt || strcmp(fmt, BENCH_FORMAT_ID))
		return bench_json_err(err, err_len,
				      "format: expected \"%s\", found %s%s%s",
				      BENCH_FORMAT_ID, fmt ? "\"" : "",
				      fmt ? fmt : "nothing", fmt ? "\"" : "");
	ret = bench_result_head_from_json(doc, r, err, err_len);
	if (ret)
		goto err_free;
	run = json_object_get(doc, "run");
	if (run && !json_is_object(run)) {
		ret = bench_json_err(err, err_len, "run: expected an object");
		goto err_free;
	}
	r->run = run ? json_deep_copy(run) : json_object();
	rows = json_object_get(doc, "results");
	if (!json_is_array(rows)) {
		ret = bench_json_err(err, err_len,
				     "results: expected an array");
		goto err_free;
	}
	for (i = 0; i < json_array_size(rows); i++) {
		ret = bench_row_from_json(json_array_get(rows, i), i, &row, err,
					  err_len);
		if (!ret)
			ret = bench_result_add_row(r, &row);
		if (ret)
			goto err_free;
	}
	return 0;

err_free:
	bench_result_free(r);
	return ret;
}

static int write_file_atomic(const char *path, const void *data, size_t len,
			     bool wait)
{
	char *tmp;
	int fd, ret = 0;
	size_t off = 0;

	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		goto err_free;
	}
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto err_unlink;
		}
		off += (size_t)n;
	}
	/* mkstemp creates 0600; results are ordinary files. */
	if (!wait)
		sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (fchmod(fd, 0644) || (wait && fsync(fd))) {
		ret = -errno;
		goto err_unlink;
	}
	if (close(fd)) {
		fd = -1;
		ret = -errno;
		goto err_unlink;
	}
	fd = -1;
	if (rename(tmp, path)) {
		ret = -errno;
		goto err_unlink;
	}
	free(tmp);
	return 0;

err_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
err_free:
	free(tmp);
	return ret;
}

int bench_write_file_atomic(const char *path, const void *data, size_t len)
{
	return write_file_atomic(path, data, len, true);
}

int bench_write_file_atomic_nowait(const char *path, const void *data,
				   size_t len)
{
	return write_file_atomic(path, data, len, false);
}

int bench_result_write_file(const struct bench_result *r, const char *path)
{
	json_t *doc;
	char *text;
	int ret;

	ret = bench_result_to_json(r, &doc);
	if (ret)
		return ret;
	text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(doc);
	if (!text)
		return -ENOMEM;
	ret = bench_write_file_atomic(path, text, strlen(text));
	free(text);
	return ret;
}

int bench_result_read_file(const char *path, struct bench_result *r, char *err,
			   size_t err_len)
{
	json_error_t jerr;
	json_t *doc;
	char inner[256];
	int ret;

	bench_result_init(r);
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		if (access(path, R_OK))
			return -errno;
		char why[sizeof(jerr.text) * 4];

		return bench_json_err(
			err, err_len, "%s:%d: not valid JSON: %s", path,
			jerr.line, bench_json_reason(&jerr, why, sizeof(why)));
	}
	ret = bench_result_from_json(doc, r, inner, sizeof(inner));
	json_decref(doc);
	if (ret == -EINVAL)
		bench_json_err(err, err_len, "%s: %s", path, inner);
	return ret;
}
