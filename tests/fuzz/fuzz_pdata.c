/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the decoders of ibpong's rdma_cm private data
 * (verbs/pdata.c), as conn_rdmacm.c and rdmacm.c call them on what a
 * peer's CM event carries: a data connection's request or reply, and a
 * reject. Whatever the bytes, a decoder reads no byte past the length,
 * refuses with a reason, or accepts; what it accepts packs back to the
 * bytes it came from, and a reject's text is printable and terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_data(const uint8_t *data, size_t size)
{
	uint8_t back[RDMACM_DATA_BYTES];
	struct verbs_conn_info ci;
	char why[128];
	struct rdmacm_hdr h;

	if (rdmacm_data_unpack(data, size, &ci, why, sizeof(why))) {
		if (!memchr(why, '\0', sizeof(why)) || !why[0])
			abort();
		return;
	}
	if (size < RDMACM_DATA_BYTES ||
	    rdmacm_hdr_check(data, size, RDMACM_KIND_DATA, &h, why,
			     sizeof(why)))
		abort();
	rdmacm_data_pack(&ci, back);
	/* magic, version, kind and the payload come back; the length may
	 * be larger (padding) and a data header's arg is not read */
	if (memcmp(back, data, 6) ||
	    memcmp(back + RDMACM_HDR_BYTES, data + RDMACM_HDR_BYTES,
		   VERBS_CONN_INFO_WIRE))
		abort();
}

static void fuzz_reject(const uint8_t *data, size_t size)
{
	char text[RDMACM_REJ_MAX];
	uint32_t why = 0;
	size_t i, n;

	if (rdmacm_reject_unpack(data, size, &why, text, sizeof(text)))
		return;
	n = strnlen(text, sizeof(text));
	if (n == sizeof(text))
		abort();
	for (i = 0; i < n; i++)
		if (text[i] < 0x20 || text[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so that ASan sees any over-read */
	uint8_t *buf = malloc(size ? size : 1);
	struct rdmacm_hdr h;
	char why[128];
	unsigned kind;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	fuzz_data(buf, size);
	fuzz_reject(buf, size);
	for (kind = 0; kind <= RDMACM_KIND_REJECT + 1; kind++)
		rdmacm_hdr_check(buf, size, (uint8_t)kind, &h, why,
				 sizeof(why));
	free(buf);
	return 0;
}
