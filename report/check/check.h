/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong report check: acceptance rules (a latency ceiling or a bandwidth
 * floor over a range of message sizes), profiles that group them, and
 * their evaluation against loaded results. Private to report/check and
 * its tests.
 */
#ifndef REPORT_CHECK_H
#define REPORT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

#define REPORT_RULES_MAX 64

enum report_rule_kind {
	REPORT_RULE_MAX_LAT = 0, /* latency statistic <= limit (us) */
	REPORT_RULE_MIN_BW = 1,	 /* bandwidth >= limit (MB/s, 10^6 B/s) */
};

struct report_rule {
	enum report_rule_kind kind;
	size_t lo_bytes; /* sizes covered, inclusive */
	size_t hi_bytes;
	double limit;	 /* us for latency, MB/s for bandwidth */
	char sizes[48];	 /* the range as written, for messages */
	char system[48]; /* only for results whose system label is this;
			  * "" for every system without rules of its own */
};

#define REPORT_SCOPE_BENCH_MAX 8

/*
 * What a profile judges: the test kinds, the latency kinds and, by
 * "TOOL:TEST" shell patterns ("IMB-MPI1:PingPong", "ibpong*:latency"),
 * the tools' benchmarks. An empty list admits any. Results outside the
 * scope are reported as not judged; a run none of whose results is in
 * scope is "not applicable" (bad input, exit 2), never a PASS.
 */
struct report_scope {
	unsigned kinds;	    /* bit 1 << enum bench_test; 0: any */
	unsigned lat_kinds; /* bit 1 << enum bench_lat_kind; 0: any */
	char benchmarks[REPORT_SCOPE_BENCH_MAX][48];
	unsigned n_benchmarks;
	char text[160]; /* in words, for messages; "" when unrestricted */
};

struct report_profile {
	char name[64];
	char description[160];
	int stat; /* enum bench_stat_id, or -1 if not named */
	struct report_rule rules[REPORT_RULES_MAX];
	unsigned n_rules;
	struct report_scope scope;
	/* The run.labels key naming a result's system (ReFrame's system:
	 * partition) for per-system rules; default "system". */
	char system_label[32];
};

/*
 * Whether p judges r at all (its scope); if not, why gets "profile NAME
 * judges TEXT" or the part that does not match.
 */
bool report_profile_applies(const struct report_profile *p,
			    const struct bench_result *r, char *why,
			    size_t why_len);
/*
 * Whether rule k of p is about r: the rule's kind fits the test (no
 * latency ceiling on a bandwidth test) and its system is r's, or it names
 * none and r's system has no rules of its own.
 */
bool report_rule_applies(const struct report_profile *p, unsigned k,
			 const struct bench_result *r);
/*
 * Rule k is for no result of set: it names a system none belongs to, or
 * it names none and every result's system has rules of its own.
 */
bool report_rule_elsewhere(const struct report_profile *p, unsigned k,
			   const struct report_set *set);
/* r's system: run.labels[p->system_label], or NULL. */
const char *report_result_system(const struct report_profile *p,
				 const struct bench_result *r);

/* "0-512", "0:512", "4K-4M", "1M" (K, M, G = powers of 1024). */
int report_size_range_parse(const char *s, size_t *lo, size_t *hi);
/* "SIZE_RANGE:LIMIT" of --max-latency / --min-bandwidth; err on -EINVAL. */
int report_rule_parse(const char *arg, enum report_rule_kind kind,
		      struct report_rule *out, char *err, size_t err_len);
/* Append a rule; -E2BIG past REPORT_RULES_MAX. */
int report_profile_add(struct report_profile *p, const struct report_rule *r);
void report_profile_init(struct report_profile *p, const char *name);

/* A built-in profile by name, or -ENOENT. */
int report_profile_builtin(const char *name, struct report_profile *p);
/* "azure-a8a9, ..." for messages and --help. */
const char *report_profile_builtin_list(void);
/* A profile from JSON (see report_profile_usage). err on -EINVAL. */
int report_profile_from_json(const json_t *doc, const char *what,
			     struct report_profile *p, char *err,
			     size_t err_len);
int report_profile_load(const char *path, struct report_profile *p, char *err,
			size_t err_len);
/* --profile NAME|PATH: a built-in name first, else a file. */
int report_profile_resolve(const char *arg, struct report_profile *p, char *err,
			   size_t err_len);

/*
 * Values are compared as printed, rounded to 0.01 (us or MB/s): a 3.00 us
 * ceiling passes 3.00 and 3.004 (printed 3.00), fails 3.006 and 3.01.
 */
bool report_within(enum report_rule_kind kind, double value, double limit);

enum report_verdict {
	REPORT_UNCHECKED,    /* no rule covers this size */
	REPORT_PASS,	     /* the whole interval (or the value) within */
	REPORT_FAIL,	     /* the whole interval (or the value) beyond */
	REPORT_INCONCLUSIVE, /* the interval straddles the limit, or the row
			      * is unstable */
};

/* "PASS", "FAIL", "INCONCLUSIVE", "-" */
const char *report_verdict_name(enum report_verdict v);

/*
 * The verdict of one value against one limit (doc/statistics.md): with an
 * interval (both ends finite), PASS when all of it is within, FAIL when
 * all of it is beyond, else INCONCLUSIVE; an unstable row (stable == 0)
 * is INCONCLUSIVE whatever its interval; without an interval the value
 * alone decides. Ends are compared as printed (report_within).
 */
enum report_verdict report_judge(enum report_rule_kind kind, double value,
				 struct bench_interval ci, int stable,
				 double limit);

/*
 * The interval of a row's figure for rule kind and latency statistic
 * stat: the median's or the mean's for latency; for bandwidth, the
 * mean's mapped through bandwidth = k / mean. NAN ends when none.
 */
struct bench_interval report_row_interval(const struct bench_row *row,
					  enum report_rule_kind kind, int stat);

/* One size of one result against one rule (or against none). */
struct report_check_item {
	size_t result; /* index in the set */
	size_t row;    /* index in its rows */
	int rule;      /* index in the profile, -1 when unchecked */
	enum report_rule_kind kind; /* what value is: latency or bandwidth */
	double value;		    /* the compared value; NAN if absent */
	struct bench_interval ci;   /* its 95 % interval; NAN if none */
	enum report_verdict verdict;
	const char *why; /* "timed out", "no value", "unstable", "no
			  * interval available", "interval straddles the
			  * limit", or NULL */
};

struct report_check {
	struct report_check_item *items;
	size_t n_items;
	size_t cap_items;
	size_t n_pass;
	size_t n_fail;
	size_t n_inconclusive;
};

/* The verdict of all checks of result index result (SIZE_MAX: of every
 * result): FAIL if one failed, else INCONCLUSIVE if one is, else PASS;
 * UNCHECKED when none was checked. */
enum report_verdict report_check_verdict(const struct report_check *c,
					 size_t result);

/*
 * Evaluate every result of set against p with statistic stat. -EINVAL
 * (with err) when the input cannot answer: a rule that no size of any
 * result covers, or a statistic a result does not give.
 */
int report_check_run(const struct report_set *set,
		     const struct report_profile *p, int stat,
		     struct report_check *out, char *err, size_t err_len);
void report_check_free(struct report_check *c);
/* "latency mean (us)" / "bandwidth (MB/s)" */
void report_rule_metric(enum report_rule_kind kind, int stat, char *buf,
			size_t len);

/* --check of the benchmarks (bench/run.h's bench_checker), defined in
 * bench_check.c. */
struct bench_checker;
extern const struct bench_checker report_bench_checker;

/* Write JUnit XML atomically: one testcase per checked size and rule. */
int report_junit_write(const char *path, const struct report_set *set,
		       const struct report_profile *p, int stat,
		       const struct report_check *c);

#endif
