/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Line reader, tokenizer and number parsers shared by the text importers.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"

void report_lines_init(struct report_lines *l, const char *buf, size_t len,
		       const char *name, char *err, size_t err_len)
{
	memset(l, 0, sizeof(*l));
	l->buf = buf;
	l->len = len;
	l->name = name;
	l->err = err;
	l->err_len = err_len;
}

void report_lines_free(struct report_lines *l)
{
	free(l->line);
	free(l->work);
	l->line = NULL;
	l->work = NULL;
	l->cap = 0;
}

static int lines_reserve(struct report_lines *l, size_t n)
{
	char *line, *work;

	if (n <= l->cap)
		return 0;
	line = realloc(l->line, n);
	if (!line)
		return -ENOMEM;
	l->line = line;
	work = realloc(l->work, n);
	if (!work)
		return -ENOMEM;
	l->work = work;
	l->cap = n;
	return 0;
}

int report_lines_next(struct report_lines *l)
{
	size_t start = l->pos, end = l->pos, i, n = 0;
	int ret;

	if (l->pos >= l->len)
		return 0;
	while (end < l->len && l->buf[end] != '\n' && l->buf[end] != '\r')
		end++;
	ret = lines_reserve(l, end - start + 1);
	if (ret)
		return ret;
	/* A NUL byte would end the C string early: show it as a blank. */
	for (i = start; i < end; i++)
		l->line[n++] = l->buf[i] ? l->buf[i] : ' ';
	l->line[n] = '\0';
	if (end < l->len && l->buf[end] == '\r')
		end++;
	if (end < l->len && l->buf[end] == '\n')
		end++;
	l->pos = end;
	l->lineno++;
	l->n_tok = 0;
	l->tok_overflow = false;
	return 1;
}

void report_lines_tokenize(struct report_lines *l)
{
	char *p, *save = NULL;

	l->n_tok = 0;
	l->tok_overflow = false;
	strcpy(l->work, l->line);
	for (p = strtok_r(l->work, " \t\v\f", &save); p;
	     p = strtok_r(NULL, " \t\v\f", &save)) {
		if (l->n_tok == REPORT_TOKENS_MAX) {
			l->tok_overflow = true;
			break;
		}
		l->tok[l->n_tok++] = p;
	}
}

const char *report_lines_trimmed(const struct report_lines *l)
{
	const char *p = l->line;

	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int report_lines_error(struct report_lines *l, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->err && l->err_len) {
		if (l->lineno)
			snprintf(l->err, l->err_len, "%s:%lu: %s", l->name,
				 l->lineno, msg);
		else
			snprintf(l->err, l->err_len, "%s: %s", l->name, msg);
	}
	return -EINVAL;
}

int report_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* printf's spellings of infinities and NaNs (perftest prints them). */
static bool num_is_nonfinite(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	return !strcasecmp(s, "inf") || !strcasecmp(s, "nan") ||
	       !strcasecmp(s, "infinity");
}

int report_parse_num(const char *s, double *out, bool *nonfinite)
{
	const char *p = s;
	bool digits = false, dot = false;
	char *end;
	double v;

	*nonfinite = false;
	if (num_is_nonfinite(s)) {
		*out = NAN;
		*nonfinite = true;
		return 0;
	}
	/* Plain decimal only: no sign, hex, exponent or locale surprises. */
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits = true;
		else if (*p == '.' && !dot)
			dot = true;
		else
			return -EINVAL;
	}
	if (!digits || p - s > 40)
		return -EINVAL;
	v = strtod(s, &end);
	if (*end || !isfinite(v))
		return -EINVAL;
	*out = v;
	return 0;
}

/* Whether tokens first.. of l spell name (words separated by one space). */
static unsigned col_words(const struct report_lines *l, unsigned first,
			  const char *name)
{
	unsigned i = first;
	size_t n;

	while (*name) {
		if (i >= l->n_tok)
			return 0;
		n = strlen(l->tok[i]);
		if (strncmp(name, l->tok[i], n) ||
		    (name[n] != ' ' && name[n] != '\0'))
			return 0;
		name += n;
		if (*name == ' ')
			name++;
		i++;
	}
	return i - first;
}

unsigned report_col_match(const struct report_lines *l, unsigned first,
			  const struct report_col_def *defs, int *role)
{
	unsigned best = 0, k;

	for (; defs->name; defs++) {
		k = col_words(l, first, defs->name);
		if (k > best) {
			best = k;
			*role = defs->role;
		}
	}
	return best;
}

int report_cols_parse(struct report_lines *l, unsigned first,
		      const struct report_col_def *defs, const char *what,
		      int *roles, unsigned *n_cols)
{
	unsigned i = first, k, n = 0;
	int role = 0;

	if (l->tok_overflow)
		return report_lines_error(l,
					  "too many columns in the %s "
					  "table header",
					  what);
	while (i < l->n_tok) {
		k = report_col_match(l, i, defs, &role);
		if (!k)
			return report_lines_error(
				l,
				"unknown column '%.40s' in the %s table "
				"header; expected the tool's own header line",
				l->tok[i], what);
		roles[n++] = role;
		i += k;
	}
	*n_cols = n;
	return 0;
}
