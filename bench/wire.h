/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one set of wire pack/unpack helpers: fixed-width integers at any
 * byte offset of a buffer, big-endian (network order: the verbs and
 * rdma_cm messages, the TCP bootstrap) or little-endian (the run
 * driver's parameter and row words), and doubles by their bits. No
 * alignment is assumed; every message layout is written with these.
 */
#ifndef BENCH_WIRE_H
#define BENCH_WIRE_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

static inline void bench_wire_put_be16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void bench_wire_put_be32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void bench_wire_put_be64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, sizeof(v));
}

static inline uint16_t bench_wire_get_be16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return be16toh(v);
}

static inline uint32_t bench_wire_get_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static inline uint64_t bench_wire_get_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

/* A double as its IEEE 754 bits in a little-endian 64-bit word. */
static inline uint64_t bench_wire_dbl_le(double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return htole64(u);
}

static inline double bench_wire_le_dbl(uint64_t u)
{
	double v;

	u = le64toh(u);
	memcpy(&v, &u, sizeof(v));
	return v;
}

#endif
