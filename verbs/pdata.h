/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wire formats of what the two ends of `ibpong verbs` and `ibpong cm`
 * send each other before the QP is up: the packed struct
 * verbs_conn_info, and the versioned header of ibpong's rdma_cm private
 * data with the decoders of the data and reject kinds (the layout is
 * described in rdmacm.h). Nothing here needs rdma-core, so that the fuzz
 * build (tests/fuzz/fuzz_pdata.c), which may have no verbs, compiles it.
 *
 * Every decoder takes what the peer sent as it came (pointer and length,
 * either of them possibly 0) and never reads past it.
 */
#ifndef VERBS_PDATA_H
#define VERBS_PDATA_H

#include <stddef.h>
#include <stdint.h>

#define RDMACM_MAGIC	 0x4942434du /* "IBCM" */
#define RDMACM_VERSION	 2 /* 1 carried the options in the control REQ */
#define RDMACM_HDR_BYTES 12
#define RDMACM_REQ_MAX	 56  /* RC REQ private data, the smallest */
#define RDMACM_REJ_MAX	 148 /* REJ private data */

enum rdmacm_kind {
	RDMACM_KIND_CONTROL = 1,
	RDMACM_KIND_PROBE = 2,
	RDMACM_KIND_DATA = 3,
	RDMACM_KIND_REJECT = 4,
};

/* Why a server rejected a connection (the reject's arg). */
enum rdmacm_why {
	RDMACM_WHY_FORMAT = 1, /* not an ibpong header, or a bad length */
	RDMACM_WHY_VERSION,    /* another header version */
	RDMACM_WHY_KIND,       /* a kind the server does not expect now */
};

/* The header, unpacked. */
struct rdmacm_hdr {
	uint32_t magic;
	uint8_t version;
	uint8_t kind;	 /* enum rdmacm_kind */
	uint16_t length; /* header and payload bytes */
	uint32_t arg;
};

/*
 * What one end tells the other about its QP. Connection methods carry it
 * as they like (bootstrap exchange, rdma_cm private data); in transit it
 * is packed with verbs_conn_info_pack() (fixed layout, big-endian).
 */
struct verbs_conn_info {
	uint32_t qpn;
	uint32_t psn;  /* first packet sequence number */
	uint32_t qkey; /* UD */
	uint16_t lid;
	uint8_t mtu; /* enum ibv_mtu this end can use */
	uint8_t gid[16];
};

#define VERBS_CONN_INFO_WIRE 31 /* bytes of the packed form */
/* The private data of a data connection: header and connection info. */
#define RDMACM_DATA_BYTES (RDMACM_HDR_BYTES + VERBS_CONN_INFO_WIRE)

void verbs_conn_info_pack(const struct verbs_conn_info *ci, uint8_t *wire);
void verbs_conn_info_unpack(const uint8_t *wire, struct verbs_conn_info *ci);

void rdmacm_hdr_pack(uint8_t kind, uint16_t length, uint32_t arg,
		     uint8_t *wire);
/*
 * Check a received header: magic, version, length within len, kind.
 * Returns 0, or a positive enum rdmacm_why with a reason in why_text.
 */
int rdmacm_hdr_check(const void *data, size_t len, uint8_t kind,
		     struct rdmacm_hdr *hdr, char *why_text, size_t why_len);

/* The private data of a data connection (RDMACM_DATA_BYTES at wire). */
void rdmacm_data_pack(const struct verbs_conn_info *ci, uint8_t *wire);
/*
 * Decode a data connection's private data into *ci (set only on
 * success). Returns 0, or a positive enum rdmacm_why with a reason in
 * why_text.
 */
int rdmacm_data_unpack(const void *data, size_t len, struct verbs_conn_info *ci,
		       char *why_text, size_t why_len);
/*
 * Decode a reject's private data: the server's reason code in *why and
 * its text, printable ASCII only (other bytes become '?'), in text.
 * Returns 0, or -EPROTO when it is not an ibpong reject (nothing set).
 */
int rdmacm_reject_unpack(const void *data, size_t len, uint32_t *why,
			 char *text, size_t text_len);

#endif
