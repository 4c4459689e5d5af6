// SPDX-License-Identifier: BSD-2-Clause
/*
 * Rows to disk (doc/sweeps.md, "Rows on disk"): rank 0 appends every
 * measured pair's rows to the rows file as one JSON line and keeps only
 * the pair's 16-byte figures; the summary --json copies the rows in from
 * the file, line by line, so that no rank ever holds them all. --resume
 * reads the file back: the figures, the failures, the rounds done (a
 * round is done when its closing line is there; the lines of a round cut
 * short are cut off and the round runs again).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"
#include "log.h"
#include "sweep_int.h"

#define ROWS_FORMAT 1
/* the summary is rewritten after every round up to this many pairs */
#define SUMMARY_EVERY_ROUND_PAIRS 20000

static char *rows_path(const char *json)
{
	size_t n = strlen(json);
	char *p = malloc(n + 16);

	if (!p)
		return NULL;
	if (n > 5 && !strcmp(json + n - 5, ".json"))
		n -= 5;
	snprintf(p, n + 16, "%.*s.rows.jsonl", (int)n, json);
	return p;
}

static json_t *header_json(const struct sweep *sw)
{
	json_t *sizes = json_array(), *nodes = json_array();

	for (size_t i = 0; sizes && i < sw->o->sizes.count; i++)
		json_array_append_new(
			sizes, json_integer((json_int_t)sw->o->sizes.bytes[i]));
	for (int e = 0; nodes && e < sw->n_ep; e++)
		json_array_append_new(nodes,
				      json_string(sw->nodes[sw->ep_rank[e]]));
	return json_pack("{s:i, s:s, s:i, s:i, s:I, s:o, s:o}",
			 "ibpong_sweep_rows", ROWS_FORMAT, "pairs",
			 mpi_pairs_name(sw->so->pairs), "endpoints", sw->n_ep,
			 "concurrency", (int)sw->so->concurrency, "rounds",
			 (json_int_t)sw->sched.n_rounds, "sizes", sizes,
			 "nodes", nodes);
}

static int line_write(FILE *f, json_t *o)
{
	int ret = 0;

	if (!o)
		return -ENOMEM;
	if (json_dumpf(o, f, JSON_COMPACT | JSON_REAL_PRECISION(10)) ||
	    fputc('\n', f) == EOF)
		ret = -EIO;
	json_decref(o);
	return ret;
}

/* A row of the file (JSON) -> the figures' inputs. */
static void row_from_json(const json_t *o, struct bench_row *row)
{
	const json_t *lat = json_object_get(o, "latency_us");
	const json_t *bw = json_object_get(o, "bandwidth_MBps");
	const json_t *ci =
		json_object_get(json_object_get(o, "ci95_us"), "mean");
	const json_t *st = json_object_get(o, "stable");

	bench_row_init(row, (size_t)json_integer_value(
				    json_object_get(o, "size_bytes")));
	if (lat) {
		row->lat_us.median =
			json_number_value(json_object_get(lat, "median"));
		row->lat_us.mean =
			json_number_value(json_object_get(lat, "mean"));
		row->lat_us.p99 =
			json_number_value(json_object_get(lat, "p99"));
		row->lat_us.max =
			json_number_value(json_object_get(lat, "max"));
		row->lat_us.count = (uint64_t)json_integer_value(
			json_object_get(lat, "count"));
	}
	/* what the batch spread needs: the mean's interval, its batches */
	if (json_array_size(ci) == 2) {
		row->mean_ci_us.lo = json_number_value(json_array_get(ci, 0));
		row->mean_ci_us.hi = json_number_value(json_array_get(ci, 1));
		row->batches = (unsigned)json_integer_value(json_object_get(
			json_object_get(o, "ci95_us"), "batches"));
	}
	row->stable = json_is_boolean(st) ? json_is_true(st) : -1;
	if (bw)
		row->bw_MBps = json_number_value(bw);
}

/* One pair line on --resume: its figures. */
static int resume_pair(struct sweep *sw, const json_t *line)
{
	const json_t *rows = json_object_get(line, "rows"), *x;
	struct bench_row r[BENCH_SIZES_MAX];
	int a = (int)json_integer_value(json_object_get(line, "a"));
	int b = (int)json_integer_value(json_object_get(line, "b"));
	size_t i, n = 0;
	struct mpi_fig fig;

	if (a < 0 || b < 0 || a >= sw->n_ep || b >= sw->n_ep || a == b ||
	    !json_is_array(rows))
		return -EINVAL;
	json_array_foreach (rows, i, x)
		if (n < BENCH_SIZES_MAX)
			row_from_json(x, &r[n++]);
	mpi_fig_from_rows(r, n, sw->lat_size, sw->bw_size, &fig);
	mpi_figs_set(&sw->figs, a, b, &fig);
	sw->n_done++;
	return 0;
}

static int resume_round(struct sweep *sw, const json_t *line)
{
	json_int_t k = json_integer_value(json_object_get(line, "round_done"));
	json_t *x;
	size_t i;

	if (k < 0 || k >= sw->sched.n_rounds)
		return -EINVAL;
	sw->st.done[k] = 1;
	json_array_foreach (json_object_get(line, "failed_pairs"), i, x)
		json_array_append(sw->failed_pairs, x);
	json_array_foreach (json_object_get(line, "failed_ranks"), i, x)
		json_array_append(sw->failed_ranks, x);
	json_array_foreach (json_object_get(line, "held_ranks"), i, x)
		json_array_append(sw->held_ranks, x);
	return 0;
}

/* The header of a --resume file against this sweep. */
static int resume_header(struct sweep *sw, json_t *line)
{
	json_t *mine = header_json(sw);
	int same = mine && json_equal(mine, line);

	json_decref(mine);
	if (same)
		return 0;
	bench_err("--resume %s: %s is another sweep (pairs, endpoints, nodes, "
		  "concurrency or sizes differ): run it with the same options "
		  "and ranks",
		  sw->st.json, sw->st.path);
	return -EINVAL;
}

/* Read the rows file back; *keep: bytes up to the last round done. */
static int resume_read(struct sweep *sw, FILE *f, off_t *keep)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int ret = 0;

	*keep = 0;
	while (!ret && (len = getline(&buf, &cap, f)) > 0) {
		json_t *line = json_loads(buf, 0, NULL);

		if (!line || buf[len - 1] != '\n') {
			json_decref(line);
			break; /* a line cut short: the round runs again */
		}
		if (!lineno++)
			ret = resume_header(sw, line);
		else if (json_object_get(line, "round_done"))
			ret = resume_round(sw, line);
		else
			ret = resume_pair(sw, line);
		if (!ret &&
		    (lineno == 1 || json_object_get(line, "round_done")))
			*keep = ftello(f);
		json_decref(line);
	}
	free(buf);
	if (!ret && !lineno) {
		bench_err("--resume %s: %s is empty", sw->st.json, sw->st.path);
		ret = -EINVAL;
	} else if (ret == -EINVAL && lineno > 1) {
		bench_err("--resume %s: %s: line %ld is not a sweep's",
			  sw->st.json, sw->st.path, lineno);
	}
	return ret;
}

/*
 * Figures and failures of the rounds done, then the file cut after the
 * last of them (pairs of a round cut short are measured again).
 */
static int resume_load(struct sweep *sw)
{
	FILE *f = fopen(sw->st.path, "r");
	off_t keep;
	int ret;

	if (!f) {
		bench_err("--resume %s: cannot read %s: %s", sw->st.json,
			  sw->st.path, strerror(errno));
		return -EINVAL;
	}
	ret = resume_read(sw, f, &keep);
	fclose(f);
	if (!ret && truncate(sw->st.path, keep)) {
		bench_err("--resume %s: cannot cut %s: %s", sw->st.json,
			  sw->st.path, strerror(errno));
		ret = -EIO;
	}
	for (long k = 0; !ret && k < sw->sched.n_rounds; k++)
		sw->rounds_done += sw->st.done[k];
	sw->n_done_before = sw->n_done;
	sw->st.pairs_mark = json_array_size(sw->failed_pairs);
	sw->st.ranks_mark = json_array_size(sw->failed_ranks);
	sw->st.held_mark = json_array_size(sw->held_ranks);
	if (!ret)
		printf("# resume: %ld of %ld rounds done, %lu pairs measured, "
		       "from %s\n",
		       sw->rounds_done, sw->sched.n_rounds, sw->n_done,
		       sw->st.path);
	return ret;
}

static int stream_guard_write(json_t *doc, const char *path, void *arg);

/* Rank 0: create the file, or read it back; 0 or a negative errno. */
static int stream_open0(struct sweep *sw)
{
	int ret = 0;

	sw->st.path = rows_path(sw->st.json);
	if (!sw->st.path)
		return -ENOMEM;
	if (!sw->failed_pairs)
		sw->failed_pairs = json_array();
	if (!sw->failed_ranks)
		sw->failed_ranks = json_array();
	if (!sw->held_ranks)
		sw->held_ranks = json_array();
	if (!sw->failed_pairs || !sw->failed_ranks || !sw->held_ranks)
		return -ENOMEM;
	if (sw->so->resume)
		ret = resume_load(sw);
	if (ret)
		return ret;
	sw->st.f = fopen(sw->st.path, sw->so->resume ? "a" : "w");
	if (!sw->st.f) {
		bench_err("--json %s: cannot write the rows file %s: %s",
			  sw->st.json, sw->st.path, strerror(errno));
		return -EIO;
	}
	if (!sw->so->resume)
		ret = line_write(sw->st.f, header_json(sw));
	if (!ret && fflush(sw->st.f))
		ret = -EIO;
	if (ret)
		return ret;
	/* a stall writes the summary with the rows so far */
	bench_guard_set_json(sw->o->guard, sw->st.json);
	bench_guard_set_writer(sw->o->guard, stream_guard_write, sw);
	return 0;
}

int sweep_stream_open(struct sweep *sw)
{
	int ret = 0;

	sw->st.json = sw->o->json_path ? sw->o->json_path : sw->so->resume;
	sw->st.done = calloc((size_t)sw->sched.n_rounds + 1, 1);
	if (!sw->st.done)
		return -ENOMEM;
	if (!sw->st.json)
		return 0;
	if (sw->me == 0)
		ret = stream_open0(sw);
	/* every rank is there at the start: collectives are safe */
	if (MPI_Bcast(&ret, 1, MPI_INT, 0, sw->ctl) != MPI_SUCCESS ||
	    (!ret && sw->so->resume &&
	     MPI_Bcast(sw->st.done, (int)sw->sched.n_rounds, MPI_BYTE, 0,
		       sw->ctl) != MPI_SUCCESS))
		return ret ? ret : -EIO;
	return ret;
}

void sweep_stream_close(struct sweep *sw)
{
	if (sw->st.f) {
		/* never the snapshot without its rows over the summary */
		bench_guard_snapshot_json(sw->o->guard, NULL, 0, 0);
		bench_guard_set_writer(sw->o->guard, NULL, NULL);
		fclose(sw->st.f);
	}
	sw->st.f = NULL;
	free(sw->st.path);
	free(sw->st.done);
	sw->st.path = NULL;
	sw->st.done = NULL;
}

int sweep_stream_pair(struct sweep *sw, long k, const struct mpi_pair *p,
		      const struct bench_row *rows, size_t n)
{
	struct bench_result one;
	json_t *doc = NULL;
	int ret;

	bench_result_init(&one);
	one.run = json_pack("{s:O}", "hosts",
			    json_object_get(sw->r->run, "hosts"));
	ret = one.run ? 0 : -ENOMEM;
	for (size_t i = 0; !ret && i < n; i++)
		ret = bench_result_add_row(&one, &rows[i]);
	if (!ret)
		ret = bench_result_to_json(&one, &doc);
	if (!ret)
		ret = line_write(sw->st.f,
				 json_pack("{s:I, s:i, s:i, s:O}", "round",
					   (json_int_t)k, "a", p->a, "b", p->b,
					   "rows",
					   json_object_get(doc, "results")));
	json_decref(doc);
	bench_result_free(&one);
	return ret;
}

/* The failures of arr from *mark on, and the mark moved. */
static json_t *failures_since(json_t *arr, size_t *mark)
{
	json_t *out = json_array();

	for (size_t i = *mark; out && i < json_array_size(arr); i++)
		json_array_append(out, json_array_get(arr, i));
	*mark = json_array_size(arr);
	return out;
}

int sweep_stream_round(struct sweep *sw, long k)
{
	int ret;

	ret = line_write(
		sw->st.f,
		json_pack("{s:I, s:o, s:o, s:o}", "round_done", (json_int_t)k,
			  "failed_pairs",
			  failures_since(sw->failed_pairs, &sw->st.pairs_mark),
			  "failed_ranks",
			  failures_since(sw->failed_ranks, &sw->st.ranks_mark),
			  "held_ranks",
			  failures_since(sw->held_ranks, &sw->st.held_mark)));
	/* the round is on disk before rank 0 says it is done */
	if (!ret && (fflush(sw->st.f) || fdatasync(fileno(sw->st.f))))
		ret = -EIO;
	if (ret)
		bench_err("--json: cannot write %s: %s", sw->st.path,
			  strerror(-ret));
	return ret;
}

/* The rows of the rows file into out, as the summary's results. */
static int summary_rows(const char *rows, FILE *out)
{
	FILE *in = fopen(rows, "r");
	char *buf = NULL;
	size_t cap = 0, i;
	bool first = true;
	long lineno = 0;
	json_t *line, *x;
	int ret = 0;

	if (!in)
		return -EIO;
	while (!ret && getline(&buf, &cap, in) > 0) {
		if (!lineno++)
			continue; /* the header */
		line = json_loads(buf, 0, NULL);
		if (!line)
			break; /* the last line, being written: not ours */
		json_array_foreach (json_object_get(line, "rows"), i, x) {
			fputs(first ? "\n    " : ",\n    ", out);
			first = false;
			if (json_dumpf(x, out,
				       JSON_COMPACT | JSON_REAL_PRECISION(10)))
				ret = -EIO;
		}
		json_decref(line);
	}
	free(buf);
	fclose(in);
	return ret;
}

/* doc without its results, then the rows of the rows file, then the end. */
static int summary_write(const char *rows, json_t *doc, FILE *out)
{
	char *text, *end;
	int ret;

	json_object_del(doc, "results");
	text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	end = text ? strrchr(text, '}') : NULL;
	if (!end) {
		free(text);
		return -ENOMEM;
	}
	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	fwrite(text, 1, (size_t)(end - text), out);
	free(text);
	fputs(",\n  \"results\": [", out);
	ret = summary_rows(rows, out);
	fputs("\n  ]\n}\n", out);
	return ret;
}

/* The same to path, atomically: temporary file, fsync, rename. */
static int summary_file(const char *rows, json_t *doc, const char *path)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	FILE *out = NULL;
	int fd, ret;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, n, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	out = fd < 0 ? NULL : fdopen(fd, "w");
	if (!out) {
		ret = fd < 0 ? -errno : -ENOMEM;
		if (fd >= 0)
			close(fd);
		goto out_free;
	}
	ret = summary_write(rows, doc, out);
	if (fflush(out) || fsync(fileno(out)))
		ret = ret ?: -EIO;
	if (fclose(out))
		ret = ret ?: -EIO;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
out_free:
	free(tmp);
	return ret;
}

/*
 * The watchdog's writer (bench_guard_set_writer): its snapshot, the
 * summary without rows, with the rows of the rows file, as far as a
 * line is whole. The guard thread runs it while the sweep is stalled.
 */
static int stream_guard_write(json_t *doc, const char *path, void *arg)
{
	struct sweep *sw = arg;

	/* the pairs of the round cut short; never wait on the main thread */
	if (sw->st.f && !ftrylockfile(sw->st.f)) {
		fflush_unlocked(sw->st.f);
		funlockfile(sw->st.f);
	}
	return summary_file(sw->st.path, doc, path);
}

int sweep_stream_snapshot(struct sweep *sw)
{
	size_t planned = (size_t)sw->sched.n_pairs * sw->n_sizes;
	char detail[96];
	json_t *doc;
	int ret;

	snprintf(detail, sizeof(detail), "%ld of %ld rounds done",
		 sw->rounds_done, sw->sched.n_rounds);
	ret = bench_result_mark_incomplete(sw->r, "in progress", detail,
					   planned);
	if (ret || !sw->st.f) /* no --json: nothing for the guard to write */
		return ret;
	ret = bench_result_to_json(sw->r, &doc);
	if (ret)
		return ret;
	/* the summary on disk is the provisional file: none of the guard's */
	bench_guard_snapshot_json(sw->o->guard, doc, sw->n_done * sw->n_sizes,
				  planned);
	return 0;
}

int sweep_stream_summary(struct sweep *sw, bool final)
{
	json_t *doc = NULL;
	int ret;

	if (!final && sw->rounds_done && sw->n_done > SUMMARY_EVERY_ROUND_PAIRS)
		return 0; /* the rows file has it; the summary at the end */
	if (fflush(sw->st.f))
		ret = -EIO;
	else
		ret = bench_result_to_json(sw->r, &doc);
	if (!ret)
		ret = summary_file(sw->st.path, doc, sw->st.json);
	json_decref(doc);
	if (ret)
		bench_err("--json %s: cannot write the summary: %s",
			  sw->st.json, strerror(-ret));
	return ret;
}
