/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The history database (SQLite). Schema version 1 (PRAGMA user_version,
 * PRAGMA application_id = REPORT_DB_APP_ID):
 *
 *   runs(id INTEGER PRIMARY KEY, hash TEXT UNIQUE NOT NULL,
 *        stored_at TEXT NOT NULL, start_time TEXT, tool TEXT NOT NULL,
 *        test_name TEXT NOT NULL, test_kind TEXT NOT NULL,
 *        lat_kind TEXT NOT NULL, source TEXT, doc TEXT NOT NULL)
 *   labels(run_id -> runs.id, key TEXT, value TEXT, PRIMARY KEY(run_id, key))
 *   points(run_id -> runs.id, size_bytes INTEGER, rank_a INTEGER,
 *          rank_b INTEGER, iters INTEGER, lat_min, lat_median, lat_mean,
 *          lat_stdev, lat_p90, lat_p99, lat_p999, lat_max, bw_MBps,
 *          msg_rate_per_s REAL, timed_out INTEGER,
 *          PRIMARY KEY(run_id, size_bytes, rank_a, rank_b))
 *
 * runs.doc is the canonical ibpong/1 JSON of the result (jansson, sorted
 * keys, compact) and runs.hash "sha256:<hex>" of it (or "fnv1a64:<hex>"
 * in a build without libcrypto): a result stored twice is detected by it.
 * points repeats the numbers for SQL queries; history reads runs.doc.
 *
 * Several processes may store at once: WAL journal, a busy timeout, and
 * each result inserted in its own BEGIN IMMEDIATE transaction.
 */
#ifndef REPORT_DB_H
#define REPORT_DB_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "report.h"

#define REPORT_DB_DEFAULT "ibpong.db"
#define REPORT_DB_VERSION 1
#define REPORT_DB_APP_ID  0x49425047 /* "IBPG" */
#define REPORT_DB_BUSY_MS 60000

struct report_db {
	sqlite3 *db;
	const char *path;
};

/*
 * Open (create if allowed) and migrate. An existing file is first checked
 * read-only (PRAGMA quick_check) so that a corrupt or foreign file is
 * never written. Returns 0, -EINVAL for a bad file (logged: corrupt, not
 * an ibpong database, newer schema, missing and !create) or -EIO.
 */
int report_db_open(const char *path, bool create, struct report_db *out);
void report_db_close(struct report_db *db);
/*
 * An SQLite result code as a negative errno: -EBUSY (busy, locked),
 * -ENOMEM, -EINVAL (not a database, corrupt) or -EIO.
 */
int report_db_errno(int rc);

/*
 * Store one result. Returns 0 when inserted (*run_id set), 1 when a run
 * with the same hash is already there (*run_id its id), -ENOMEM or -EIO.
 */
int report_db_store(struct report_db *db, const struct bench_result *r,
		    const char *source, int64_t *run_id);

/* Selection for report_db_load. */
struct report_db_filter {
	const char **label_keys; /* runs having every key=value */
	const char **label_values;
	unsigned n_labels;
	const char *since; /* start_time >= since; NULL: all */
};

/*
 * Load the selected runs, oldest first (by start_time, else the time
 * they were stored), into set; each path is "run ID START_TIME".
 * Returns 0, -ENOMEM, -EIO or -EINVAL (a stored document that no longer
 * validates).
 */
int report_db_load(struct report_db *db, const struct report_db_filter *f,
		   struct report_set *set);

/*
 * The canonical JSON of r (new string, free()) and its hash
 * ("sha256:..." , at most 80 bytes with the NUL). 0 or -ENOMEM.
 */
int report_result_hash(const struct bench_result *r, char **canon,
		       char hash[80]);

#endif
