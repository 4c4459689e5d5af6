// SPDX-License-Identifier: BSD-2-Clause
/*
 * The wire formats of pdata.h. Lengths are checked before any read: the
 * CM pads private data with zeros up to its maximum, and a hostile or
 * mismatched peer may send anything up to that maximum.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pdata.h"
#include "wire.h"

void verbs_conn_info_pack(const struct verbs_conn_info *ci, uint8_t *wire)
{
	bench_wire_put_be32(wire, ci->qpn);
	bench_wire_put_be32(wire + 4, ci->psn);
	bench_wire_put_be32(wire + 8, ci->qkey);
	bench_wire_put_be16(wire + 12, ci->lid);
	wire[14] = ci->mtu;
	memcpy(wire + 15, ci->gid, 16);
}

void verbs_conn_info_unpack(const uint8_t *wire, struct verbs_conn_info *ci)
{
	ci->qpn = bench_wire_get_be32(wire);
	ci->psn = bench_wire_get_be32(wire + 4);
	ci->qkey = bench_wire_get_be32(wire + 8);
	ci->lid = bench_wire_get_be16(wire + 12);
	ci->mtu = wire[14];
	memcpy(ci->gid, wire + 15, 16);
}

void rdmacm_hdr_pack(uint8_t kind, uint16_t length, uint32_t arg, uint8_t *wire)
{
	bench_wire_put_be32(wire, RDMACM_MAGIC);
	wire[4] = RDMACM_VERSION;
	wire[5] = kind;
	bench_wire_put_be16(wire + 6, length);
	bench_wire_put_be32(wire + 8, arg);
}

static void hdr_unpack(const uint8_t *wire, struct rdmacm_hdr *h)
{
	h->magic = bench_wire_get_be32(wire);
	h->version = wire[4];
	h->kind = wire[5];
	h->length = bench_wire_get_be16(wire + 6);
	h->arg = bench_wire_get_be32(wire + 8);
}

static const char *kind_name(unsigned kind)
{
	switch (kind) {
	case RDMACM_KIND_CONTROL:
		return "control";
	case RDMACM_KIND_PROBE:
		return "probe";
	case RDMACM_KIND_DATA:
		return "data";
	case RDMACM_KIND_REJECT:
		return "reject";
	}
	return "unknown";
}

int rdmacm_hdr_check(const void *data, size_t len, uint8_t kind,
		     struct rdmacm_hdr *hdr, char *why_text, size_t why_len)
{
	if (!data || len < RDMACM_HDR_BYTES) {
		snprintf(why_text, why_len,
			 "no ibpong header in the %zu "
			 "bytes of private data",
			 data ? len : 0);
		return RDMACM_WHY_FORMAT;
	}
	hdr_unpack(data, hdr);
	if (hdr->magic != RDMACM_MAGIC) {
		snprintf(why_text, why_len,
			 "not an ibpong cm peer (magic "
			 "0x%08x)",
			 hdr->magic);
		return RDMACM_WHY_FORMAT;
	}
	if (hdr->version != RDMACM_VERSION) {
		snprintf(why_text, why_len,
			 "header version %u, this end "
			 "speaks %u: use the same ibpong on both ends",
			 hdr->version, RDMACM_VERSION);
		return RDMACM_WHY_VERSION;
	}
	if (hdr->length < RDMACM_HDR_BYTES || hdr->length > len) {
		snprintf(why_text, why_len,
			 "bad header length %u (%zu bytes "
			 "received)",
			 hdr->length, len);
		return RDMACM_WHY_FORMAT;
	}
	if (hdr->kind != kind) {
		snprintf(why_text, why_len,
			 "a %s connection where a %s one "
			 "was expected",
			 kind_name(hdr->kind), kind_name(kind));
		return RDMACM_WHY_KIND;
	}
	return 0;
}

void rdmacm_data_pack(const struct verbs_conn_info *ci, uint8_t *wire)
{
	rdmacm_hdr_pack(RDMACM_KIND_DATA, RDMACM_DATA_BYTES, 0, wire);
	verbs_conn_info_pack(ci, wire + RDMACM_HDR_BYTES);
}

int rdmacm_data_unpack(const void *data, size_t len, struct verbs_conn_info *ci,
		       char *why_text, size_t why_len)
{
	struct rdmacm_hdr h;
	int ret;

	ret = rdmacm_hdr_check(data, len, RDMACM_KIND_DATA, &h, why_text,
			       why_len);
	if (ret)
		return ret;
	if (h.length < RDMACM_DATA_BYTES) {
		snprintf(why_text, why_len,
			 "a data connection's private data of %u bytes, "
			 "%d expected",
			 h.length, RDMACM_DATA_BYTES);
		return RDMACM_WHY_FORMAT;
	}
	verbs_conn_info_unpack((const uint8_t *)data + RDMACM_HDR_BYTES, ci);
	return 0;
}

int rdmacm_reject_unpack(const void *data, size_t len, uint32_t *why,
			 char *text, size_t text_len)
{
	const uint8_t *d = data;
	struct rdmacm_hdr h;
	char skip[96];
	size_t n, i;

	if (rdmacm_hdr_check(data, len, RDMACM_KIND_REJECT, &h, skip,
			     sizeof(skip)))
		return -EPROTO;
	if (!text_len)
		return -EINVAL;
	n = h.length - RDMACM_HDR_BYTES;
	if (n > text_len - 1)
		n = text_len - 1;
	for (i = 0; i < n; i++) {
		uint8_t c = d[RDMACM_HDR_BYTES + i];

		text[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	text[n] = '\0';
	*why = h.arg;
	return 0;
}
