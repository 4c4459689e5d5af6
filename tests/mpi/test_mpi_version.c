// SPDX-License-Identifier: BSD-2-Clause
/*
 * mpi_version_parse() on the first lines of known MPI libraries.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mpi_bench.h"

struct version_case {
	const char *raw;
	int ret;
	const char *library;
	const char *version;
};

static const struct version_case cases[] = {
	{ "Open MPI v4.1.4, package: Debian OpenMPI, ident: 4.1.4, repo rev: "
	  "v4.1.4, May 26, 2022",
	  0, "Open MPI", "4.1.4" },
	{ "Open MPI v5.0.3rc1, package: Open MPI", 0, "Open MPI", "5.0.3rc1" },
	{ "MPICH Version:      4.0.2\nMPICH Release date: Thu Apr  7 12:34:45 "
	  "CDT 2022",
	  0, "MPICH", "4.0.2" },
	{ "MVAPICH2 Version     :\t2.3.7\nMVAPICH2 Release date", 0, "MVAPICH2",
	  "2.3.7" },
	{ "Intel(R) MPI Library 2021.6 for Linux* OS", 0,
	  "Intel(R) MPI Library", "2021.6" },
	{ "no number here", -EINVAL, "", "" },
	{ "", -EINVAL, "", "" },
};

int main(void)
{
	char library[64], version[32];
	int failed = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct version_case *c = &cases[i];
		int ret = mpi_version_parse(c->raw, library, sizeof(library),
					    version, sizeof(version));

		if (ret == c->ret && !strcmp(library, c->library) &&
		    !strcmp(version, c->version))
			continue;
		printf("FAIL '%s': got %d '%s' '%s', expected %d '%s' '%s'\n",
		       c->raw, ret, library, version, c->ret, c->library,
		       c->version);
		failed++;
	}
	printf("%d passed, %d failed\n",
	       (int)(sizeof(cases) / sizeof(cases[0])) - failed, failed);
	return failed ? 1 : 0;
}
