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

/*
 * Opening races with other writers (several 'report store' at once on a
 * new database). SQLite's busy handler waits for a lock only when the
 * connection holds none: a statement that reads and then writes (PRAGMA
 * journal_mode = WAL reads page 1, then upgrades to write it) gets
 * SQLITE_BUSY at once, without waiting, when another connection holds the
 * write lock (the deadlock SQLite refuses to wait into). So the schema is
 * created inside BEGIN IMMEDIATE (the write lock first: creators queue on
 * the busy handler), the journal mode is switched after that, and a whole
 * attempt that still meets SQLITE_BUSY is retried, with a growing random
 * back-off, until REPORT_DB_BUSY_MS have passed. Errors of an attempt are
 * kept in a buffer and printed once, by the last one.
 */
struct report_db_err {
	char msg[512];
};

static int report_db_exec(struct report_db *db, const char *sql,
			  struct report_db_err *e)
{
	int rc = sqlite3_exec(db->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		snprintf(e->msg, sizeof(e->msg), "%s: %s", db->path,
			 sqlite3_errmsg(db->db));
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
 * Check an existing file without any write: a read-only connection (its
 * busy timeout set before any statement), then PRAGMA quick_check, which
 * reads every page. Returns 0, -EBUSY or -EINVAL.
 */
static int report_db_check_file(const char *path, struct report_db_err *e)
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
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(h, REPORT_DB_BUSY_MS);
		rc = report_db_quick_check(h, what, sizeof(what));
	}
	sqlite3_close(h);
	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		snprintf(e->msg, sizeof(e->msg), "%s: %s", path, what);
		return -EBUSY;
	}
	report_db_unlink_new(path, existed);
	snprintf(e->msg, sizeof(e->msg),
		 "%s: not a usable SQLite database (%s); left untouched", path,
		 what);
	return -EINVAL;
}

/* Inside BEGIN IMMEDIATE: bring the schema to REPORT_DB_VERSION. */
static int report_db_migrate_locked(struct report_db *db,
				    struct report_db_err *e)
{
	int64_t version = 0, app = 0, tables = 0;
	char sql[96];
	size_t v;
	int ret;

	if (report_db_int(db->db, "PRAGMA user_version", &version) ||
	    report_db_int(db->db, "PRAGMA application_id", &app) ||
	    report_db_int(db->db, "SELECT count(*) FROM sqlite_master",
			  &tables)) {
		snprintf(e->msg, sizeof(e->msg), "%s: %s", db->path,
			 sqlite3_errmsg(db->db));
		return report_db_errno(sqlite3_errcode(db->db));
	}
	if ((app && app != REPORT_DB_APP_ID) || (!app && tables)) {
		snprintf(e->msg, sizeof(e->msg),
			 "%s: not an ibpong history database; left untouched",
			 db->path);
		return -EINVAL;
	}
	if (version > (int64_t)REPORT_DB_N_MIGRATIONS) {
		snprintf(e->msg, sizeof(e->msg),
			 "%s: schema version %lld is newer than this ibpong "
			 "(%d); left untouched",
			 db->path, (long long)version, REPORT_DB_VERSION);
		return -EINVAL;
	}
	for (v = (size_t)version; v < REPORT_DB_N_MIGRATIONS; v++) {
		ret = report_db_exec(db, report_db_migrations[v], e);
		if (ret)
			return ret;
	}
	snprintf(sql, sizeof(sql),
		 "PRAGMA user_version = %d; PRAGMA application_id = %d",
		 REPORT_DB_VERSION, REPORT_DB_APP_ID);
	return version < REPORT_DB_VERSION ? report_db_exec(db, sql, e) : 0;
}

static int report_db_migrate(struct report_db *db, struct report_db_err *e)
{
	int64_t version = 0, app = 0;
	int ret;

	/* Current already: no write lock taken (readers stay readers). */
	if (!report_db_int(db->db, "PRAGMA user_version", &version) &&
	    !report_db_int(db->db, "PRAGMA application_id", &app) &&
	    version == REPORT_DB_VERSION && app == REPORT_DB_APP_ID)
		return 0;
	/* The write lock before any read: a creator waits for another. */
	ret = report_db_exec(db, "BEGIN IMMEDIATE", e);
	if (ret)
		return ret;
	ret = report_db_migrate_locked(db, e);
	if (ret) {
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
		return ret;
	}
	return report_db_exec(db, "COMMIT", e);
}

/* WAL (readers never block the writer); a no-op read once it is set. */
static int report_db_wal(struct report_db *db, struct report_db_err *e)
{
	sqlite3_stmt *st;
	const char *mode;
	int rc;

	rc = sqlite3_prepare_v2(db->db, "PRAGMA journal_mode = WAL", -1, &st,
				NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0)
				: NULL;
	if (rc == SQLITE_ROW && mode && !strcmp(mode, "wal")) {
		sqlite3_finalize(st);
		return report_db_exec(db, "PRAGMA foreign_keys = ON", e);
	}
	snprintf(e->msg, sizeof(e->msg), "%s: journal_mode WAL: %s", db->path,
		 rc == SQLITE_ROW ? (mode ? mode : "?")
				  : sqlite3_errmsg(db->db));
	sqlite3_finalize(st);
	/* Still another mode: a writer held the lock the switch needed. */
	return rc == SQLITE_ROW ? -EBUSY : report_db_errno(rc);
}

static int report_db_open_once(const char *path, bool create,
			       struct report_db *out, struct report_db_err *e)
{
	struct report_db db = { .path = path };
	struct stat sb;
	int flags = SQLITE_OPEN_READWRITE, rc, ret;

	if (stat(path, &sb) == 0 && sb.st_size > 0) {
		ret = report_db_check_file(path, e);
		if (ret)
			return ret;
	} else if (!create) {
		snprintf(e->msg, sizeof(e->msg),
			 "%s: no such history database (run 'ibpong report "
			 "store' first)",
			 path);
		return -EINVAL;
	}
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &db.db, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(e->msg, sizeof(e->msg), "%s: sqlite3_open_v2: %s",
			 path,
			 db.db ? sqlite3_errmsg(db.db) : sqlite3_errstr(rc));
		sqlite3_close(db.db);
		return -EIO;
	}
	/* Before any statement: every lock wait below may use it. */
	sqlite3_busy_timeout(db.db, REPORT_DB_BUSY_MS);
	ret = report_db_migrate(&db, e);
	if (!ret)
		ret = report_db_wal(&db, e);
	if (ret) {
		sqlite3_close(db.db);
		return ret;
	}
	*out = db;
	return 0;
}

static double report_db_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int report_db_open(const char *path, bool create, struct report_db *out)
{
	struct report_db_err e = { "" };
	double start = report_db_now_ms(), wait_ms = 5;
	unsigned seed = (unsigned)getpid() ^ (unsigned)start;
	struct timespec ts;
	int ret;

	for (;;) {
		ret = report_db_open_once(path, create, out, &e);
		if (ret != -EBUSY ||
		    report_db_now_ms() - start >= REPORT_DB_BUSY_MS)
			break;
		/* A random share of a doubling step: writers spread out. */
		ts.tv_sec = 0;
		ts.tv_nsec = (long)((wait_ms / 2 + (double)rand_r(&seed) /
							   RAND_MAX * wait_ms) *
				    1e6);
		nanosleep(&ts, NULL);
		wait_ms = wait_ms < 200 ? wait_ms * 2 : 400;
	}
	if (ret == -EBUSY)
		bench_err("%s (locked by another process for %d s); try again "
			  "later",
			  e.msg, REPORT_DB_BUSY_MS / 1000);
	else if (ret)
		bench_err("%s", e.msg);
	return ret;
}

void report_db_close(struct report_db *db)
{
	if (db && db->db)
		sqlite3_close(db->db);
	if (db)
		db->db = NULL;
}
