/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The importers: IMB-MPI1, OSU and perftest text, and ibpong/1 JSON, read
 * from a memory buffer (so that the fuzz targets need no files) into a
 * report_set. Private to report/import, its tests and its fuzz targets.
 */
#ifndef REPORT_IMPORT_H
#define REPORT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* Largest input file accepted (the outputs are a few kilobytes). */
#define REPORT_IMPORT_MAX_BYTES (64u << 20)
/* Columns of one table line. */
#define REPORT_TOKENS_MAX 24

enum report_format {
	REPORT_FORMAT_UNKNOWN,
	REPORT_FORMAT_JSON,
	REPORT_FORMAT_IMB,
	REPORT_FORMAT_OSU,
	REPORT_FORMAT_PERFTEST,
};

/*
 * Each importer parses buf (len bytes, not NUL-terminated, any content)
 * and appends its results to set, all or none. name is the file name used
 * in messages and in run.source.file. On bad input it returns -EINVAL and
 * writes one line into err: "NAME:LINE: what was found; what was
 * expected". -ENOMEM otherwise.
 */
int report_import_imb(const char *buf, size_t len, const char *name,
		      struct report_set *set, char *err, size_t err_len);
int report_import_osu(const char *buf, size_t len, const char *name,
		      struct report_set *set, char *err, size_t err_len);
int report_import_perftest(const char *buf, size_t len, const char *name,
			   struct report_set *set, char *err, size_t err_len);
int report_import_json(const char *buf, size_t len, const char *name,
		       struct report_set *set, char *err, size_t err_len);

/*
 * An importer declares itself (after the engines' bench_engine_desc):
 * its name, how its content is told, its parser and the test kinds it
 * produces. The registry (registry.c) lists them in detection order;
 * adding one is its file, one line there and its meson entry
 * (doc/adding-importer.md).
 */
struct report_lines;

struct report_importer {
	const char *name;	   /* "IMB-MPI1", in messages */
	const char *marker;	   /* what tells it, for the unknown-format
				    * message: "'# OSU MPI ... Test'" */
	enum report_format format; /* for report_detect() */
	/* The whole buffer is this format (JSON's '{'). May be NULL. */
	bool (*detect_buf)(const char *buf, size_t len);
	/*
	 * This line (trimmed in report_lines_trimmed(), tokenized) marks the
	 * format. The first line any importer claims decides. May be NULL.
	 */
	bool (*detect_line)(const struct report_lines *l);
	/* Parse: as report_import_imb() below. */
	int (*parse)(const char *buf, size_t len, const char *name,
		     struct report_set *set, char *err, size_t err_len);
	/* The test kinds it produces (bench/result.h), BENCH_TEST_NR last. */
	const enum bench_test *tests;
};

/* The registry, NULL-terminated, in detection order. */
extern const struct report_importer *const report_importers[];
extern const struct report_importer report_importer_json;
extern const struct report_importer report_importer_imb;
extern const struct report_importer report_importer_osu;
extern const struct report_importer report_importer_perftest;
/* The importer whose markers the content shows, or NULL. */
const struct report_importer *report_importer_detect(const char *buf,
						     size_t len);
/* Guess the format from the content (the importers' markers). */
enum report_format report_detect(const char *buf, size_t len);
const char *report_format_name(enum report_format f);
/* Detect, then run the matching importer. */
int report_import_buf(const char *buf, size_t len, const char *name,
		      struct report_set *set, char *err, size_t err_len);

/* ---- shared by the importers (lines.c) ---- */

/* Line reader over a buffer: CR, LF and CRLF end a line. */
struct report_lines {
	const char *buf;
	size_t len;
	size_t pos;
	unsigned long lineno; /* of the current line, from 1 */
	char *line;	      /* current line, NUL-terminated (owned) */
	size_t cap;	      /* bytes allocated for line */
	char *work;	      /* scratch copy for tokenizing (owned) */
	char *tok[REPORT_TOKENS_MAX];
	unsigned n_tok;
	bool tok_overflow; /* more than REPORT_TOKENS_MAX fields */
	const char *name;  /* file name for messages */
	char *err;
	size_t err_len;
};

void report_lines_init(struct report_lines *l, const char *buf, size_t len,
		       const char *name, char *err, size_t err_len);
void report_lines_free(struct report_lines *l);
/* Next line into l->line: 1, or 0 at the end, or -ENOMEM. */
int report_lines_next(struct report_lines *l);
/* Split the current line on blanks into l->tok / l->n_tok. */
void report_lines_tokenize(struct report_lines *l);
/* Write "NAME:LINE: message" into the error buffer; returns -EINVAL. */
__attribute__((format(printf, 2, 3))) int
report_lines_error(struct report_lines *l, const char *fmt, ...);
/* The current line without leading blanks. */
const char *report_lines_trimmed(const struct report_lines *l);

/* A decimal integer of digits only. 0 or -EINVAL (also on overflow). */
int report_parse_u64(const char *s, uint64_t max, uint64_t *out);
/*
 * A non-negative decimal number as the tools print it; "inf", "-inf",
 * "nan" and "-nan" (printf's forms) give 0 with *out = NAN and *nonfinite
 * set. Anything else, negative numbers included, is -EINVAL.
 */
int report_parse_num(const char *s, double *out, bool *nonfinite);

/* One known column of a table header. */
struct report_col_def {
	const char *name; /* as printed, words separated by one space */
	int role;	  /* the importer's meaning */
};

/*
 * Match the longest column name of defs (NULL-name terminated) at token
 * first of the current line. Returns the number of tokens it spans, or 0
 * if none matches; *role gets the def's role.
 */
unsigned report_col_match(const struct report_lines *l, unsigned first,
			  const struct report_col_def *defs, int *role);
/*
 * Match a whole header from token first: roles[] gets one role per
 * column, *n_cols their count. An unknown column is -EINVAL naming it and
 * what (e.g. "IMB") the table is.
 */
int report_cols_parse(struct report_lines *l, unsigned first,
		      const struct report_col_def *defs, const char *what,
		      int *roles, unsigned *n_cols);

/* Whether the current (tokenized) line is a perftest test title. */
bool report_perftest_is_title(const struct report_lines *l);

/* Largest message size and iteration count an importer accepts. */
#define REPORT_SIZE_MAX	 (1ull << 40)
#define REPORT_ITERS_MAX (1ull << 50)

/* ---- building a result (result.c in this directory: build.c) ---- */

/*
 * Start a result: tool, version (may be NULL), test kind and name, latency
 * kind; run = {transport: "imported", source: {file, tool, statistics:{},
 * notes: []}}.
 */
int report_build_start(struct bench_result *r, const char *name,
		       const char *tool, const char *version,
		       enum bench_test test, const char *test_name,
		       enum bench_lat_kind kind);
/* run.source.statistics[field] = how. */
int report_build_stat(struct bench_result *r, const char *field,
		      const char *how);
/* Append a note to run.source.notes. */
__attribute__((format(printf, 2, 3))) int
report_build_note(struct bench_result *r, const char *fmt, ...);
/*
 * Strings copied from the input (versions, names) are stored with every
 * byte outside printable ASCII replaced by '?'.
 */
/* run.source[key] = value (string). */
int report_build_source(struct bench_result *r, const char *key,
			const char *value);
/* run[key] = value (string). */
int report_build_run(struct bench_result *r, const char *key,
		     const char *value);
/* run.device[key] = value (string). */
int report_build_device(struct bench_result *r, const char *key,
			const char *value);
/*
 * Start row from the current line: its first field is the message size
 * (at most REPORT_SIZE_MAX). 0 or -EINVAL (message written).
 */
int report_build_row_size(struct report_lines *l, struct bench_row *row);
/* The same with the size in tok (a field of l's line). */
int report_build_row_size_tok(struct report_lines *l, const char *tok,
			      struct bench_row *row);
/*
 * The same for a table of n_cols columns, after checking that the line
 * has exactly that many fields.
 */
int report_build_row_table(struct report_lines *l, unsigned n_cols,
			   struct bench_row *row);
/*
 * Append a row; refuses (with l's line in the message) a size that does
 * not ascend.
 */
int report_build_row(struct bench_result *r, const struct bench_row *row,
		     struct report_lines *l);
/*
 * Record that the test at line (its title, as printed) was not imported,
 * and why: {"line": N, "test": "...", "reason": "..."} appended to
 * *skipped (created on first use). 0 or -ENOMEM.
 */
int report_build_skip(json_t **skipped, unsigned long line, const char *test,
		      const char *reason);
/*
 * run.buffers = {send, recv: "host" / "device" / "managed" as the tool
 * says, accelerator: "cuda" / "rocm" / ...}; NULL leaves a key out.
 */
int report_build_buffers(struct bench_result *r, const char *send,
			 const char *recv, const char *accelerator);
/* Move every result of from into to (all or none), then free from. */
int report_build_commit(struct report_set *from, struct report_set *to);

/* One text importer's state, as the shared driver sees it. */
struct report_text_importer {
	struct report_lines *l; /* the line reader */
	struct report_set *out; /* this file's results so far */
	struct bench_result *r; /* the open result */
	/* One line, tokenized in l and not blank: 0 or an error. */
	int (*line)(void *state);
	/* After the last line: close the open result; 0 or an error. */
	int (*finish)(void *state);
	void *state; /* passed to line and finish */
	/* Message (line 0) when finish left no result in out. */
	const char *none;
	/*
	 * The importer's report_build_skip() list, or NULL. Each result of
	 * the file gets a copy as run.source.skipped; a file whose every
	 * test was skipped is refused, naming the first.
	 */
	json_t **skipped;
};

/*
 * The loop every text importer shares: initialize l, out and r; feed each
 * non-blank line of buf, tokenized, to line(); call finish(); refuse a
 * file with no result; then move out into set. All or none: on error
 * everything is freed.
 */
int report_import_text(const struct report_text_importer *ti, const char *buf,
		       size_t len, const char *name, struct report_set *set,
		       char *err, size_t err_len);

#endif
