/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Insert results into and read them back from the history database.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history/db.h"
#include "log.h"

#define REPORT_SQL_MAX 4096

static int report_db_fail(struct report_db *db, const char *what, int rc)
{
	int ret = report_db_errno(rc);

	bench_err("%s: %s: %s", db->path, what, sqlite3_errmsg(db->db));
	/* The file passed report_db_open's checks: a bad one now is I/O. */
	return ret == -EINVAL ? -EIO : ret;
}

static void report_bind_num(sqlite3_stmt *st, int idx, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_double(st, idx, v);
}

static void report_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

/* Run a prepared statement to completion; finalizes it. */
static int report_db_done(struct report_db *db, sqlite3_stmt *st,
			  const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return report_db_fail(db, what, rc);
	return 0;
}

static int report_db_insert_run(struct report_db *db,
				const struct bench_result *r,
				const char *source, const char *hash,
				const char *canon)
{
	const char *start =
		json_string_value(json_object_get(r->run, "start_time"));
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	sqlite3_stmt *st;
	int rc;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = sqlite3_prepare_v2(
		db->db,
		"INSERT INTO runs (hash, stored_at, start_time, tool, "
		"test_name, test_kind, lat_kind, source, doc) VALUES "
		"(?, ?, ?, ?, ?, ?, ?, ?, ?)",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		return report_db_fail(db, "insert run", rc);
	report_bind_text(st, 1, hash);
	report_bind_text(st, 2, now);
	report_bind_text(st, 3, start);
	report_bind_text(st, 4, r->tool ? r->tool : "");
	report_bind_text(st, 5, r->test_name ? r->test_name : "");
	report_bind_text(st, 6, bench_test_name(r->test));
	report_bind_text(st, 7, bench_lat_kind_name(r->lat_kind));
	report_bind_text(st, 8, source);
	report_bind_text(st, 9, canon);
	return report_db_done(db, st, "insert run");
}

static int report_db_insert_labels(struct report_db *db,
				   const struct bench_result *r, int64_t id)
{
	json_t *labels = json_object_get(r->run, "labels"), *v;
	const char *key;
	sqlite3_stmt *st;
	int rc, ret;

	json_object_foreach (labels, key, v) {
		if (!json_is_string(v))
			continue;
		rc = sqlite3_prepare_v2(db->db,
					"INSERT INTO labels (run_id, key, "
					"value) VALUES (?, ?, ?)",
					-1, &st, NULL);
		if (rc != SQLITE_OK)
			return report_db_fail(db, "insert label", rc);
		sqlite3_bind_int64(st, 1, id);
		report_bind_text(st, 2, key);
		report_bind_text(st, 3, json_string_value(v));
		ret = report_db_done(db, st, "insert label");
		if (ret)
			return ret;
	}
	return 0;
}

static int report_db_insert_points(struct report_db *db,
				   const struct bench_result *r, int64_t id)
{
	sqlite3_stmt *st;
	size_t i;
	int rc, k;

	rc = sqlite3_prepare_v2(
		db->db,
		"INSERT OR REPLACE INTO points VALUES (?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?)",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		return report_db_fail(db, "insert point", rc);
	for (i = 0; i < r->n_rows; i++) {
		const struct bench_row *row = &r->rows[i];

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)row->size_bytes);
		sqlite3_bind_int(st, 3, row->rank_a);
		sqlite3_bind_int(st, 4, row->rank_b);
		if (row->iters)
			sqlite3_bind_int64(st, 5, (sqlite3_int64)row->iters);
		else
			sqlite3_bind_null(st, 5);
		for (k = 0; k < BENCH_STAT_NR; k++)
			report_bind_num(st, 6 + k,
					bench_stats_get(&row->lat_us, k));
		report_bind_num(st, 14, row->bw_MBps);
		report_bind_num(st, 15, row->msg_rate_per_s);
		sqlite3_bind_int(st, 16, row->timed_out);
		rc = sqlite3_step(st);
		if (rc != SQLITE_DONE) {
			sqlite3_finalize(st);
			return report_db_fail(db, "insert point", rc);
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* The id of the run with this hash: 1 found, 0 not, negative error. */
static int report_db_find_hash(struct report_db *db, const char *hash,
			       int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db->db, "SELECT id FROM runs WHERE hash = ?",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return report_db_fail(db, "find run", rc);
	report_bind_text(st, 1, hash);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : report_db_fail(db, "find run", rc);
}

static int report_db_store_locked(struct report_db *db,
				  const struct bench_result *r,
				  const char *source, const char *hash,
				  const char *canon, int64_t *run_id)
{
	int64_t id = 0;
	int ret;

	ret = report_db_find_hash(db, hash, &id);
	if (ret) {
		*run_id = id;
		return ret;
	}
	ret = report_db_insert_run(db, r, source, hash, canon);
	if (ret)
		return ret;
	id = sqlite3_last_insert_rowid(db->db);
	ret = report_db_insert_labels(db, r, id);
	if (!ret)
		ret = report_db_insert_points(db, r, id);
	if (!ret)
		*run_id = id;
	return ret;
}

int report_db_store(struct report_db *db, const struct bench_result *r,
		    const char *source, int64_t *run_id)
{
	char hash[80], *canon = NULL;
	int rc, ret;

	ret = report_result_hash(r, &canon, hash);
	if (ret)
		return ret;
	rc = sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		ret = report_db_fail(db, "begin", rc);
		goto out;
	}
	ret = report_db_store_locked(db, r, source, hash, canon, run_id);
	if (ret < 0) {
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	rc = sqlite3_exec(db->db, ret ? "ROLLBACK" : "COMMIT", NULL, NULL,
			  NULL);
	if (rc != SQLITE_OK) {
		ret = report_db_fail(db, "commit", rc);
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
	}
out:
	free(canon);
	return ret;
}

static int report_db_select(struct report_db *db,
			    const struct report_db_filter *f,
			    sqlite3_stmt **out)
{
	char sql[REPORT_SQL_MAX];
	size_t len;
	unsigned i;
	int rc, idx = 1;

	len = (size_t)snprintf(sql, sizeof(sql),
			       "SELECT id, coalesce(start_time, stored_at), "
			       "doc FROM runs WHERE 1");
	for (i = 0; i < f->n_labels && len < sizeof(sql); i++)
		len += (size_t)snprintf(
			sql + len, sizeof(sql) - len,
			" AND EXISTS (SELECT 1 FROM labels l WHERE "
			"l.run_id = runs.id AND l.key = ? AND l.value = ?)");
	if (f->since && len < sizeof(sql))
		len += (size_t)snprintf(
			sql + len, sizeof(sql) - len,
			" AND coalesce(start_time, stored_at) >= ?");
	if (len < sizeof(sql))
		snprintf(sql + len, sizeof(sql) - len,
			 " ORDER BY coalesce(start_time, stored_at), id");
	rc = sqlite3_prepare_v2(db->db, sql, -1, out, NULL);
	if (rc != SQLITE_OK)
		return report_db_fail(db, "select runs", rc);
	for (i = 0; i < f->n_labels; i++) {
		report_bind_text(*out, idx++, f->label_keys[i]);
		report_bind_text(*out, idx++, f->label_values[i]);
	}
	if (f->since)
		report_bind_text(*out, idx, f->since);
	return 0;
}

/* Parse one stored document and add it to set. */
static int report_db_add_doc(struct report_db *db, sqlite3_stmt *st,
			     struct report_set *set)
{
	struct bench_result r;
	char err[256], path[96];
	json_error_t jerr;
	json_t *doc;
	int ret;

	snprintf(path, sizeof(path), "run %" PRId64 " %s",
		 (int64_t)sqlite3_column_int64(st, 0),
		 (const char *)sqlite3_column_text(st, 1));
	doc = json_loads((const char *)sqlite3_column_text(st, 2), 0, &jerr);
	bench_result_init(&r);
	if (!doc) {
		char why[sizeof(jerr.text) * 4];

		bench_err("%s: %s: stored document: %s", db->path, path,
			  bench_json_reason(&jerr, why, sizeof(why)));
		return -EINVAL;
	}
	ret = bench_result_from_json(doc, &r, err, sizeof(err));
	json_decref(doc);
	if (ret) {
		bench_err("%s: %s: %s", db->path, path, err);
		bench_result_free(&r);
		return ret;
	}
	ret = report_set_add(set, &r, path);
	bench_result_free(&r);
	return ret;
}

int report_db_load(struct report_db *db, const struct report_db_filter *f,
		   struct report_set *set)
{
	sqlite3_stmt *st;
	int rc, ret;

	ret = report_db_select(db, f, &st);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret = report_db_add_doc(db, st, set);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = report_db_fail(db, "select runs", rc);
	sqlite3_finalize(st);
	return ret;
}
