/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The result model and its JSON form, "ibpong/1" (doc/result-format.md).
 * ibpong's benchmarks write it, the reporter's importers produce it from
 * IMB, OSU and perftest text, and everything in the reporter reads it.
 */
#ifndef BENCH_RESULT_H
#define BENCH_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "stats.h"

#define BENCH_FORMAT_ID "ibpong/1"

/*
 * The kinds of test a result holds: what an engine runs (the first four,
 * bench/engine.h's capabilities) and what only importers produce.
 */
enum bench_test {
	BENCH_TEST_LAT,	     /* ping-pong */
	BENCH_TEST_BW,	     /* unidirectional window, then an ack */
	BENCH_TEST_BIBW,     /* windows in both directions at once */
	BENCH_TEST_PINGPING, /* both send at once, then both receive */
	/*
	 * Imported only (no engine runs them): tests of the tools that are
	 * not one of the above, kept apart so that they never join the
	 * series or the limits of a ping-pong.
	 */
	BENCH_TEST_SENDRECV, /* IMB Sendrecv: a chain of MPI_Sendrecv */
	BENCH_TEST_EXCHANGE, /* IMB Exchange: both neighbours, 2 sends */
	BENCH_TEST_RMA_LAT,  /* OSU one-sided: put/get/acc... latency */
	BENCH_TEST_RMA_BW,   /* OSU one-sided put/get bandwidth */
	BENCH_TEST_RMA_BIBW, /* OSU one-sided put bidirectional bandwidth */
	BENCH_TEST_NR,
};

/* How a latency sample (one timed iteration) becomes the reported figure. */
enum bench_lat_kind {
	BENCH_LAT_HALF_RTT, /* one-way = round trip / 2 (IMB, OSU) */
	BENCH_LAT_RTT,	    /* round trip, reported as is (RDMA read) */
	BENCH_LAT_ONE_MSG,  /* one message (or one-sided operation) time, as
			     * is (IMB PingPing, OSU MPI_Put latency) */
};

/* Why the measurement of a size stopped (the row's "stop"). */
enum bench_stop {
	BENCH_STOP_UNKNOWN,	  /* not said (imports, older files) */
	BENCH_STOP_FIXED,	  /* a fixed count: --iters or the schedule */
	BENCH_STOP_TIME_PER_SIZE, /* the count of --time-per-size ran */
	BENCH_STOP_PRECISION,	  /* --precision reached */
	BENCH_STOP_TIME_CAP,	  /* --max-time-per-size spent first */
	BENCH_STOP_ITER_CAP,	  /* the iteration cap reached first */
	BENCH_STOP_NR,
};

/*
 * The largest figure a reader accepts (latency in us, MB/s, messages/s):
 * 1e15 us is 31 years. Latency statistics must also be above 0 (stdev
 * may be 0); bandwidth and rates may be 0.
 */
#define BENCH_VALUE_MAX 1e15

/* One message size (of one pair, in a sweep). */
struct bench_row {
	size_t size_bytes;
	uint64_t iters;		   /* timed iterations; 0 if unknown */
	uint64_t warmup;	   /* untimed iterations; 0 if unknown */
	struct bench_stats lat_us; /* latency in microseconds, lat_kind of
				    * the result; fields NAN if absent */
	double bw_MBps;		   /* MB/s, MB = 10^6 bytes; NAN if absent */
	double bw_peak_MBps;	   /* perftest's BW peak; NAN if absent */
	double msg_rate_per_s;	   /* messages per second; NAN if absent */
	/* IMB's t[usec]: the largest over the timing ranks of loop time /
	 * iterations (/ 2 for a ping-pong); NAN if absent */
	double imb_t_us;
	int rank_a; /* sweep pair, -1 outside sweeps */
	int rank_b;
	bool timed_out; /* IMB "time-out." row: no numbers */
	/* Precision (doc/statistics.md); NAN, 0 or -1 when absent. */
	struct bench_interval median_ci_us; /* 95 %, order statistics */
	struct bench_interval mean_ci_us;   /* 95 %, batch means */
	unsigned batches;		    /* batch means behind mean_ci */
	int stable;	      /* 1 stable, 0 unstable, -1 not assessed */
	enum bench_stop stop; /* why measuring stopped */
	double time_s;	      /* wall time of the size: warm-up, every
			       * batch and retest; NAN if unknown */
	unsigned retests;     /* extra measurements of --check */
};

struct bench_result {
	char *tool; /* "ibpong-mpi", "IMB-MPI1", "osu_latency", ... */
	char *tool_version;
	enum bench_test test;
	char *test_name; /* as the tool names it: "latency", "PingPong",
			  * "ib_write_bw", ... */
	enum bench_lat_kind lat_kind;
	json_t *run; /* run metadata object (owned), see the doc */
	struct bench_row *rows;
	size_t n_rows;
	size_t cap_rows;
};

void bench_result_init(struct bench_result *r);
void bench_result_free(struct bench_result *r);
/* Append a row (copied). Returns 0 or -ENOMEM. */
int bench_result_add_row(struct bench_result *r, const struct bench_row *row);
/* A row with every statistic NAN and no pair. */
void bench_row_init(struct bench_row *row, size_t size_bytes);
/*
 * Whether every figure of row is one a reader accepts (see
 * BENCH_VALUE_MAX): NULL if so, else the name of the first that is not
 * ("latency_us.mean", "bandwidth_MBps", ...). Importers refuse such a row
 * rather than write a result that bench_result_from_json would refuse.
 */
const char *bench_row_bad_value(const struct bench_row *row);

/* Set run.labels[key] = value. */
int bench_result_set_label(struct bench_result *r, const char *key,
			   const char *value);
/* run.labels[key] or NULL. */
const char *bench_result_label(const struct bench_result *r, const char *key);

/* "fixed", "time-per-size", "precision", "time-cap", "iteration-cap";
 * NULL for BENCH_STOP_UNKNOWN */
const char *bench_stop_name(enum bench_stop s);

/* "one-way" / "round-trip" / "one-message" */
const char *bench_lat_kind_name(enum bench_lat_kind k);
/* "latency" / "bw" / "bibw" / "pingping" / "sendrecv" / "exchange" /
 * "rma-latency" / "rma-bw" / "rma-bibw" */
const char *bench_test_name(enum bench_test t);
int bench_test_from_name(const char *name); /* -EINVAL if unknown */

/* To JSON (new reference). Returns 0 or -ENOMEM. */
int bench_result_to_json(const struct bench_result *r, json_t **out);
/*
 * From JSON, validating every field. On error returns -EINVAL and writes
 * a one-line reason naming the offending field into err.
 */
int bench_result_from_json(const json_t *doc, struct bench_result *r, char *err,
			   size_t err_len);

/*
 * jansson's reason for a failed parse as one printable line: it quotes the
 * offending token, which may be a newline or another control byte; those
 * and every byte outside printable ASCII become C escapes (\n, \x01).
 * Returns buf.
 */
const char *bench_json_reason(const json_error_t *e, char *buf, size_t len);

/* Write atomically: a temporary file in the same directory, then rename. */
int bench_result_write_file(const struct bench_result *r, const char *path);
/* Read and validate a file; err as for bench_result_from_json. */
int bench_result_read_file(const char *path, struct bench_result *r, char *err,
			   size_t err_len);

/* Write len bytes to path atomically (temp file, fsync, rename). */
int bench_write_file_atomic(const char *path, const void *data, size_t len);
/*
 * The same without waiting for the disk: the data is handed to writeback
 * (sync_file_range) but not waited for, so that the file is in place in
 * bounded time (an exit path with a deadline: mpirun's SIGKILL follows
 * its SIGTERM by 1 s, and an fsync on a busy disk can take longer). A
 * crash of the process leaves the old file or the new one; only a crash
 * of the machine may lose it.
 */
int bench_write_file_atomic_nowait(const char *path, const void *data,
				   size_t len);

#endif
