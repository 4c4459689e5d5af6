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
	const struct report_importer *const *i;

	for (i = report_importers; *i; i++)
		if ((*i)->format == f)
			return (*i)->name;
	return "unknown";
}

/*
 * A whole-buffer test first (JSON starts with '{'), then line by line:
 * the first line that one of the importers claims decides.
 */
const struct report_importer *report_importer_detect(const char *buf,
						     size_t len)
{
	const struct report_importer *const *i, *found = NULL;
	struct report_lines l;

	for (i = report_importers; *i; i++)
		if ((*i)->detect_buf && (*i)->detect_buf(buf, len))
			return *i;
	report_lines_init(&l, buf, len, "", NULL, 0);
	while (!found && report_lines_next(&l) == 1) {
		report_lines_tokenize(&l);
		for (i = report_importers; *i && !found; i++)
			if ((*i)->detect_line && (*i)->detect_line(&l))
				found = *i;
	}
	report_lines_free(&l);
	return found;
}

enum report_format report_detect(const char *buf, size_t len)
{
	const struct report_importer *i = report_importer_detect(buf, len);

	return i ? i->format : REPORT_FORMAT_UNKNOWN;
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
	const struct report_importer *const *i, *imp;
	int n;

	if (buf_is_blank(buf, len)) {
		snprintf(err, err_len,
			 "%s: empty file; expected ibpong/1 JSON or the "
			 "output of IMB-MPI1, OSU or perftest",
			 name);
		return -EINVAL;
	}
	imp = report_importer_detect(buf, len);
	if (imp)
		return imp->parse(buf, len, name, set, err, err_len);
	n = snprintf(err, err_len, "%s: not a format ibpong knows; expected ",
		     name);
	for (i = report_importers; *i && n >= 0 && (size_t)n < err_len; i++)
		n += snprintf(err + n, err_len - (size_t)n, "%s%s%s%s",
			      i == report_importers ? ""
			      : i[1]		    ? ", "
						    : " or ",
			      (*i)->name, (*i)->marker ? " " : "",
			      (*i)->marker ? (*i)->marker : "");
	return -EINVAL;
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
