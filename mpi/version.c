// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MPI library's name and version from MPI_Get_library_version().
 * Known first lines:
 *   "Open MPI v4.1.4, package: Debian OpenMPI, ident: 4.1.4, ..."
 *   "MPICH Version:      4.0.2"
 *   "MVAPICH2 Version  :	2.3.7"
 *   "Intel(R) MPI Library 2021.6 for Linux* OS"
 * The version is the first word that starts with a digit (or "v" and a
 * digit); the library is what comes before it, less a trailing
 * "Version" and colon.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mpi_bench.h"

static int mpi_is_version_start(const char *s, const char *line)
{
	if (s != line && !isspace((unsigned char)s[-1]))
		return 0;
	if (isdigit((unsigned char)s[0]))
		return 1;
	return (s[0] == 'v' || s[0] == 'V') && isdigit((unsigned char)s[1]);
}

/* Length of s[0..n) without trailing blanks, colons and "Version". */
static size_t mpi_library_len(const char *s, size_t n)
{
	static const char word[] = "Version";
	const size_t wl = sizeof(word) - 1;

	for (;;) {
		while (n && (isspace((unsigned char)s[n - 1]) ||
			     s[n - 1] == ':' || s[n - 1] == ','))
			n--;
		if (n < wl || strncmp(s + n - wl, word, wl))
			return n;
		n -= wl;
	}
}

int mpi_version_parse(const char *raw, char *library, size_t library_len,
		      char *version, size_t version_len)
{
	size_t line_len = strcspn(raw, "\n");
	const char *v = NULL;
	size_t lib_n, ver_n;

	library[0] = '\0';
	version[0] = '\0';
	for (const char *s = raw; s < raw + line_len; s++) {
		if (mpi_is_version_start(s, raw)) {
			v = s;
			break;
		}
	}
	if (!v)
		return -EINVAL;
	lib_n = mpi_library_len(raw, (size_t)(v - raw));
	if (!isdigit((unsigned char)v[0]))
		v++;
	ver_n = strcspn(v, " \t\n,;");
	snprintf(library, library_len, "%.*s", (int)lib_n, raw);
	snprintf(version, version_len, "%.*s", (int)ver_n, v);
	return 0;
}
