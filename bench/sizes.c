// SPDX-License-Identifier: BSD-2-Clause
/*
 * Message size lists and IMB's iteration schedule.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sizes.h"

/* InfiniBand caps one message at 2^31 bytes; nothing larger makes sense. */
#define SIZE_LIMIT (2ull << 30)
/* IMB moves at most this many bytes per message size. */
#define SCHEDULE_BYTES	     (40ull << 20)
#define SCHEDULE_ITERS	     1000
#define SCHEDULE_WINDOWS_MIN 20 /* osu_bw's count for large messages */
#define SCHEDULE_WARMUP_MIN  10 /* IMB's floor */

static const char spec_why[] =
	"MIN:MAX or a comma-separated list such as 0,64,4K "
	"(sizes in bytes, suffixes K, M, G = 1024, 1024^2, 1024^3; "
	"at most 2G)";

void bench_sizes_default(struct bench_sizes *sz)
{
	size_t s;

	sz->count = 0;
	sz->bytes[sz->count++] = 0;
	for (s = 1; s <= BENCH_SIZE_MAX_DEFAULT; s <<= 1)
		sz->bytes[sz->count++] = s;
}

int bench_size_parse(const char *s, size_t *bytes)
{
	unsigned long long v, mult = 1;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'K':
	case 'k':
		mult = 1ull << 10;
		end++;
		break;
	case 'M':
	case 'm':
		mult = 1ull << 20;
		end++;
		break;
	case 'G':
	case 'g':
		mult = 1ull << 30;
		end++;
		break;
	}
	if (*end != '\0' || v > SIZE_LIMIT / mult)
		return -EINVAL;
	*bytes = (size_t)(v * mult);
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* Sort and drop duplicates, so that a list may be given in any order. */
static void sizes_normalise(struct bench_sizes *sz)
{
	size_t i, n = 0;

	qsort(sz->bytes, sz->count, sizeof(sz->bytes[0]), cmp_size);
	for (i = 0; i < sz->count; i++)
		if (n == 0 || sz->bytes[n - 1] != sz->bytes[i])
			sz->bytes[n++] = sz->bytes[i];
	sz->count = n;
}

static int sizes_push(struct bench_sizes *sz, size_t v)
{
	if (sz->count >= BENCH_SIZES_MAX)
		return -EINVAL;
	sz->bytes[sz->count++] = v;
	return 0;
}

static int sizes_parse_range(const char *min_s, const char *max_s,
			     struct bench_sizes *sz)
{
	size_t min, max, p;

	if (bench_size_parse(min_s, &min) || bench_size_parse(max_s, &max) ||
	    min > max)
		return -EINVAL;
	sz->count = 0;
	sizes_push(sz, min);
	for (p = 1; p <= max; p <<= 1)
		if (p > min)
			sizes_push(sz, p);
	if (max != min)
		sizes_push(sz, max);
	sizes_normalise(sz);
	return 0;
}

static int sizes_parse_list(char *list, struct bench_sizes *sz)
{
	char *tok, *save = NULL;
	size_t v;

	sz->count = 0;
	/* strtok_r would skip empty items; "1,,2" must be an error. */
	if (list[0] == ',' || list[strlen(list) - 1] == ',' ||
	    strstr(list, ",,"))
		return -EINVAL;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (bench_size_parse(tok, &v) || sizes_push(sz, v))
			return -EINVAL;
	}
	sizes_normalise(sz);
	return 0;
}

int bench_sizes_parse(const char *spec, struct bench_sizes *sz,
		      const char **why)
{
	char buf[256], *colon;
	int ret;

	if (why)
		*why = spec_why;
	sz->count = 0;
	if (!spec || !*spec || strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, spec);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		ret = sizes_parse_range(buf, colon + 1, sz);
	} else {
		ret = sizes_parse_list(buf, sz);
	}
	if (ret)
		sz->count = 0;
	return ret;
}

uint64_t bench_schedule_iters(size_t size_bytes)
{
	uint64_t n;

	if (size_bytes == 0)
		return SCHEDULE_ITERS;
	n = SCHEDULE_BYTES / size_bytes;
	if (n > SCHEDULE_ITERS)
		n = SCHEDULE_ITERS;
	return n ? n : 1;
}

uint64_t bench_schedule_windows(size_t size_bytes, unsigned window)
{
	uint64_t n = bench_schedule_iters(size_bytes * (window ? window : 1));

	return n < SCHEDULE_WINDOWS_MIN ? SCHEDULE_WINDOWS_MIN : n;
}

uint64_t bench_schedule_warmup(uint64_t iters)
{
	uint64_t w = iters / 10;

	return w < SCHEDULE_WARMUP_MIN ? SCHEDULE_WARMUP_MIN : w;
}
