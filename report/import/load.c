/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_load: read a file, tell its format from the content, import it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

const char *report_format_name(enum report_format f)
{
	switch (f) {
	case REPORT_FORMAT_JSON:
		return "ibpong/1 JSON";
	case REPORT_FORMAT_IMB:
		return "IMB-MPI1";
	case REPORT_FORMAT_OSU:
		return "OSU";
	case REPORT_FORMAT_PERFTEST:
		return "perftest";
	default:
		return "unknown";
	}
}

static enum report_format detect_line(struct report_lines *l)
{
	const char *t = report_lines_trimmed(l);

	if (strstr(t, "Intel(R) MPI Benchmark") ||
	    strstr(t, "Intel (R) MPI Benchmark") ||
	    !strncmp(t, "# Benchmarking ", 15))
		return REPORT_FORMAT_IMB;
	if (!strncmp(t, "# OSU ", 6))
		return REPORT_FORMAT_OSU;
	report_lines_tokenize(l);
	if (report_perftest_is_title(l))
		return REPORT_FORMAT_PERFTEST;
	if (l->n_tok >= 2 && !strcmp(l->tok[0], "#bytes") &&
	    !strcmp(l->tok[1], "#iterations"))
		return REPORT_FORMAT_PERFTEST;
	return REPORT_FORMAT_UNKNOWN;
}

/*
 * JSON starts with '{' (after blanks or a UTF-8 BOM); text formats are
 * told by their first marker line: IMB's banner or "# Benchmarking",
 * OSU's "# OSU" title, perftest's "... Test" title or "#bytes
 * #iterations" header.
 */
enum report_format report_detect(const char *buf, size_t len)
{
	enum report_format f = REPORT_FORMAT_UNKNOWN;
	struct report_lines l;
	size_t i = 0;

	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && strchr(" \t\r\n", buf[i]) && buf[i])
		i++;
	if (i < len && buf[i] == '{')
		return REPORT_FORMAT_JSON;
	report_lines_init(&l, buf, len, "", NULL, 0);
	while (f == REPORT_FORMAT_UNKNOWN && report_lines_next(&l) == 1)
		f = detect_line(&l);
	report_lines_free(&l);
	return f;
}

static bool buf_is_blank(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!strchr(" \t\r\n\v\f", buf[i]) || !buf[i])
			return false;
	return true;
}

int report_import_buf(const char *buf, size_t len, const char *name,
		      struct report_set *set, char *err, size_t err_len)
{
	if (buf_is_blank(buf, len)) {
		snprintf(err, err_len,
			 "%s: empty file; expected ibpong/1 JSON or the "
			 "output of IMB-MPI1, OSU or perftest",
			 name);
		return -EINVAL;
	}
	switch (report_detect(buf, len)) {
	case REPORT_FORMAT_JSON:
		return report_import_json(buf, len, name, set, err, err_len);
	case REPORT_FORMAT_IMB:
		return report_import_imb(buf, len, name, set, err, err_len);
	case REPORT_FORMAT_OSU:
		return report_import_osu(buf, len, name, set, err, err_len);
	case REPORT_FORMAT_PERFTEST:
		return report_import_perftest(buf, len, name, set, err,
					      err_len);
	default:
		snprintf(err, err_len,
			 "%s: not a format ibpong knows; expected ibpong/1 "
			 "JSON or the output of IMB-MPI1 ('Intel(R) MPI "
			 "Benchmarks' banner), OSU ('# OSU MPI ... Test') or "
			 "perftest ('... Latency Test' / '... BW Test')",
			 name);
		return -EINVAL;
	}
}

/* Read a whole file (at most REPORT_IMPORT_MAX_BYTES). */
static int load_read(const char *path, char **out, size_t *out_len, char *err,
		     size_t err_len)
{
	size_t len = 0, cap = 0, n;
	char *buf = NULL, *p;
	FILE *f;
	int ret = 0;

	f = fopen(path, "rb");
	if (!f) {
		ret = -errno;
		snprintf(err, err_len, "%s: cannot open: %s", path,
			 strerror(errno));
		return ret;
	}
	errno = 0;
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > REPORT_IMPORT_MAX_BYTES + 1)
				cap = REPORT_IMPORT_MAX_BYTES + 1;
			p = len == cap ? NULL : realloc(buf, cap);
			if (!p) {
				ret = len == cap ? -EFBIG : -ENOMEM;
				break;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (!ret && ferror(f))
		ret = errno ? -errno : -EIO;
	fclose(f);
	if (ret) {
		snprintf(err, err_len, "%s: cannot read: %s%s", path,
			 strerror(-ret),
			 ret == -EFBIG ? " (larger than 64 MiB)" : "");
		free(buf);
		return ret == -EFBIG ? -EINVAL : ret;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

int report_load(const char *path, struct report_set *set, char *err,
		size_t err_len)
{
	size_t len = 0;
	char *buf = NULL;
	int ret;

	ret = load_read(path, &buf, &len, err, err_len);
	if (ret)
		return ret;
	ret = report_import_buf(buf ? buf : "", len, path, set, err, err_len);
	free(buf);
	return ret;
}
