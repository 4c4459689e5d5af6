/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The history database: open safely, migrate, store, load (db.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "history/db.h"
#include "log.h"

/* Version 0 -> 1. Later versions append a step; never edit a step. */
static const char *const report_db_migrations[] = {
	"CREATE TABLE runs ("
	" id INTEGER PRIMARY KEY,"
	" hash TEXT NOT NULL UNIQUE,"
	" stored_at TEXT NOT NULL,"
	" start_time TEXT,"
	" tool TEXT NOT NULL,"
	" test_name TEXT NOT NULL,"
	" test_kind TEXT NOT NULL,"
	" lat_kind TEXT NOT NULL,"
	" source TEXT,"
	" doc TEXT NOT NULL);"
	"CREATE INDEX runs_time ON runs (coalesce(start_time, stored_at));"
	"CREATE TABLE labels ("
	" run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
	" key TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" PRIMARY KEY (run_id, key));"
	"CREATE INDEX labels_kv ON labels (key, value);"
	"CREATE TABLE points ("
	" run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
	" size_bytes INTEGER NOT NULL,"
	" rank_a INTEGER NOT NULL,"
	" rank_b INTEGER NOT NULL,"
	" iters INTEGER,"
	" lat_min REAL, lat_median REAL, lat_mean REAL, lat_stdev REAL,"
	" lat_p90 REAL, lat_p99 REAL, lat_p999 REAL, lat_max REAL,"
	" bw_MBps REAL, msg_rate_per_s REAL,"
	" timed_out INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (run_id, size_bytes, rank_a, rank_b));",
};

#define REPORT_DB_N_MIGRATIONS                                                 \
	(sizeof(report_db_migrations) / sizeof(report_db_migrations[0]))

int report_db_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static int report_db_exec(struct report_db *db, const char *sql)
{
	int rc = sqlite3_exec(db->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		bench_err("%s: %s", db->path, sqlite3_errmsg(db->db));
		return report_db_errno(rc);
	}
	return 0;
}

/* The integer result of a one-value query (a PRAGMA). */
static int report_db_int(sqlite3 *h, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The first line of quick_check's answer, for a one-line message. */
static void report_db_first_line(const char *s, char *out, size_t len)
{
	size_t n = strcspn(s, "\n");

	if (!strncmp(s, "*** in database main ***\n", 25)) {
		s += 25;
		n = strcspn(s, "\n");
	}
	snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), s);
}

/*
 * A read-only connection to a WAL database creates its -wal and -shm
 * files; when the file turns out to be unusable, remove those we made
 * (an empty -wal holds nothing) so that nothing is left behind.
 */
static void report_db_unlink_new(const char *path, const bool existed[2])
{
	static const char *const sfx[] = { "-wal", "-shm" };
	char side[4096];
	struct stat sb;
	int i;

	for (i = 0; i < 2; i++) {
		if (existed[i] ||
		    (size_t)snprintf(side, sizeof(side), "%s%s", path,
				     sfx[i]) >= sizeof(side))
			continue;
		if (!stat(side, &sb) && (i == 1 || sb.st_size == 0))
			unlink(side);
	}
}

static int report_db_quick_check(sqlite3 *h, char *what, size_t len)
{
	sqlite3_stmt *st = NULL;
	const char *row;
	int rc;

	sqlite3_busy_timeout(h, REPORT_DB_BUSY_MS);
	rc = sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row = (const char *)sqlite3_column_text(st, 0);
		rc = row && !strcmp(row, "ok") ? SQLITE_OK : SQLITE_CORRUPT;
		if (rc)
			report_db_first_line(row ? row : "?", what, len);
	} else if (rc != SQLITE_OK) {
		snprintf(what, len, "%s", sqlite3_errmsg(h));
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Check an existing file without any write: a read-only connection, then
 * PRAGMA quick_check, which reads every page. Returns 0, -EBUSY or
 * -EINVAL.
 */
static int report_db_check_file(const char *path)
{
	char what[160] = "cannot open", side[4096];
	bool existed[2];
	sqlite3 *h = NULL;
	int rc;

	snprintf(side, sizeof(side), "%s-wal", path);
	existed[0] = !access(side, F_OK);
	snprintf(side, sizeof(side), "%s-shm", path);
	existed[1] = !access(side, F_OK);
	rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = report_db_quick_check(h, what, sizeof(what));
	sqlite3_close(h);
	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY) {
		bench_err("%s: %s", path, what);
		return -EBUSY;
	}
	report_db_unlink_new(path, existed);
	bench_err("%s: not a usable SQLite database (%s); left untouched", path,
		  what);
	return -EINVAL;
}

/* Inside BEGIN IMMEDIATE: bring the schema to REPORT_DB_VERSION. */
static int report_db_migrate_locked(struct report_db *db)
{
	int64_t version = 0, app = 0, tables = 0;
	char sql[96];
	size_t v;
	int ret;

	if (report_db_int(db->db, "PRAGMA user_version", &version) ||
	    report_db_int(db->db, "PRAGMA application_id", &app) ||
	    report_db_int(db->db, "SELECT count(*) FROM sqlite_master",
			  &tables)) {
		bench_err("%s: %s", db->path, sqlite3_errmsg(db->db));
		return -EIO;
	}
	if ((app && app != REPORT_DB_APP_ID) || (!app && tables)) {
		bench_err("%s: not an ibpong history database; left untouched",
			  db->path);
		return -EINVAL;
	}
	if (version > (int64_t)REPORT_DB_N_MIGRATIONS) {
		bench_err("%s: schema version %lld is newer than this ibpong "
			  "(%d); left untouched",
			  db->path, (long long)version, REPORT_DB_VERSION);
		return -EINVAL;
	}
	for (v = (size_t)version; v < REPORT_DB_N_MIGRATIONS; v++) {
		ret = report_db_exec(db, report_db_migrations[v]);
		if (ret)
			return ret;
	}
	snprintf(sql, sizeof(sql),
		 "PRAGMA user_version = %d; PRAGMA application_id = %d",
		 REPORT_DB_VERSION, REPORT_DB_APP_ID);
	return version < REPORT_DB_VERSION ? report_db_exec(db, sql) : 0;
}

static int report_db_migrate(struct report_db *db)
{
	int64_t version = 0, app = 0;
	int ret;

	/* Current already: no write lock taken (readers stay readers). */
	if (!report_db_int(db->db, "PRAGMA user_version", &version) &&
	    !report_db_int(db->db, "PRAGMA application_id", &app) &&
	    version == REPORT_DB_VERSION && app == REPORT_DB_APP_ID)
		return 0;
	ret = report_db_exec(db, "BEGIN IMMEDIATE");
	if (ret)
		return ret;
	ret = report_db_migrate_locked(db);
	if (ret) {
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
		return ret;
	}
	return report_db_exec(db, "COMMIT");
}

int report_db_open(const char *path, bool create, struct report_db *out)
{
	struct report_db db = { .path = path };
	struct stat sb;
	int flags = SQLITE_OPEN_READWRITE, rc, ret;

	if (stat(path, &sb) == 0 && sb.st_size > 0) {
		ret = report_db_check_file(path);
		if (ret)
			return ret;
	} else if (!create) {
		bench_err("%s: no such history database (run 'ibpong report "
			  "store' first)",
			  path);
		return -EINVAL;
	}
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &db.db, flags, NULL);
	if (rc != SQLITE_OK) {
		bench_err("%s: sqlite3_open_v2: %s", path,
			  db.db ? sqlite3_errmsg(db.db) : sqlite3_errstr(rc));
		sqlite3_close(db.db);
		return -EIO;
	}
	sqlite3_busy_timeout(db.db, REPORT_DB_BUSY_MS);
	ret = report_db_exec(&db, "PRAGMA journal_mode = WAL;"
				  "PRAGMA foreign_keys = ON");
	if (!ret)
		ret = report_db_migrate(&db);
	if (ret) {
		sqlite3_close(db.db);
		return ret;
	}
	*out = db;
	return 0;
}

void report_db_close(struct report_db *db)
{
	if (db && db->db)
		sqlite3_close(db->db);
	if (db)
		db->db = NULL;
}
