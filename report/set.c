/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "log.h"
#include "report.h"

void report_set_init(struct report_set *set)
{
	memset(set, 0, sizeof(*set));
}

void report_set_free(struct report_set *set)
{
	size_t i;

	for (i = 0; i < set->count; i++) {
		bench_result_free(&set->items[i]);
		free(set->paths[i]);
	}
	free(set->items);
	free(set->paths);
	memset(set, 0, sizeof(*set));
}

int report_set_add(struct report_set *set, struct bench_result *r,
		   const char *path)
{
	char *p;

	if (set->count == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		struct bench_result *items;
		char **paths;

		items = realloc(set->items, cap * sizeof(*items));
		if (!items)
			return -ENOMEM;
		set->items = items;
		paths = realloc(set->paths, cap * sizeof(*paths));
		if (!paths)
			return -ENOMEM;
		set->paths = paths;
		set->cap = cap;
	}
	p = strdup(path);
	if (!p)
		return -ENOMEM;
	set->items[set->count] = *r;
	set->paths[set->count] = p;
	set->count++;
	bench_result_init(r);
	return 0;
}

int report_load_paths(char *const *paths, int n, struct report_set *set)
{
	char err[512];
	int i, ret;

	for (i = 0; i < n; i++) {
		err[0] = '\0';
		ret = report_load(paths[i], set, err, sizeof(err));
		if (ret == -ENOMEM) {
			bench_err("%s: out of memory", paths[i]);
			return BENCH_EXIT_RUNTIME;
		}
		if (ret) {
			if (err[0])
				bench_err("%s", err);
			else
				bench_err("%s: %s", paths[i], strerror(-ret));
			return BENCH_EXIT_USAGE;
		}
	}
	return 0;
}
