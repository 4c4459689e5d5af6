/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Content hash of a result: SHA-256 (OpenSSL's libcrypto) of its canonical
 * JSON. A build without libcrypto falls back to FNV-1a 64 and says so in
 * the stored value ("fnv1a64:"), so that the two never get mixed up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if REPORT_HAVE_LIBCRYPTO
#include <openssl/evp.h>
#endif

#include "history/db.h"

static void report_hex(const unsigned char *md, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * len] = '\0';
}

#if REPORT_HAVE_LIBCRYPTO
static int report_digest(const char *s, char hash[80])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (!EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL) ||
	    len != 32)
		return -ENOMEM;
	memcpy(hash, "sha256:", 7);
	report_hex(md, len, hash + 7);
	return 0;
}
#else
static int report_digest(const char *s, char hash[80])
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 offset basis */
	unsigned char md[8];
	int i;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull; /* FNV 64 prime */
	}
	for (i = 0; i < 8; i++)
		md[i] = (unsigned char)(h >> (56 - 8 * i));
	memcpy(hash, "fnv1a64:", 8);
	report_hex(md, sizeof(md), hash + 8);
	return 0;
}
#endif

int report_result_hash(const struct bench_result *r, char **canon,
		       char hash[80])
{
	json_t *doc = NULL;
	char *s;
	int ret;

	ret = bench_result_to_json(r, &doc);
	if (ret)
		return ret;
	s = json_dumps(doc, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(doc);
	if (!s)
		return -ENOMEM;
	ret = report_digest(s, hash);
	if (ret) {
		free(s);
		return ret;
	}
	*canon = s;
	return 0;
}
