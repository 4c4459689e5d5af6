// SPDX-License-Identifier: BSD-2-Clause
/*
 * The default connection method: open the device named by the options,
 * swap struct verbs_conn_info through the bench bootstrap and move the QP
 * through INIT, RTR and RTS by hand (like perftest and rc_pingpong).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "verbs.h"

static int conn_bs_open(struct verbs_ctx *c, struct bench_bootstrap *bs)
{
	(void)bs;
	return verbs_dev_open(&c->dev, c->cfg);
}

/* Random 24-bit PSNs, as the spec suggests, so stale packets mismatch. */
static uint32_t conn_bs_psn(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)(ts.tv_nsec ^ getpid() ^ (ts.tv_sec << 8)) & 0xffffff;
}

static int conn_bs_connect(struct verbs_ctx *c, struct bench_bootstrap *bs)
{
	uint8_t wire[2][VERBS_CONN_INFO_WIRE];
	struct verbs_conn_info mine, peer;
	uint32_t psn = conn_bs_psn();
	int ret;

	ret = verbs_qp_create(c);
	if (ret)
		return ret;
	ret = verbs_qp_to_init(c);
	if (ret)
		return ret;
	verbs_conn_info_local(c, psn, &mine);
	verbs_conn_info_pack(&mine, wire[bs->rank]);
	ret = bench_bootstrap_exchange(bs, wire[bs->rank], wire,
				       VERBS_CONN_INFO_WIRE);
	if (ret) {
		bench_err("exchange of QP addresses with the peer failed: %s",
			  strerror(-ret));
		return ret;
	}
	verbs_conn_info_unpack(wire[1 - bs->rank], &peer);
	if (!verbs_mtu_bytes((enum ibv_mtu)peer.mtu)) {
		bench_err("the peer announced an invalid MTU code %u",
			  peer.mtu);
		return -EPROTO;
	}
	ret = verbs_qp_to_rtr(c, &peer);
	if (ret)
		return ret;
	ret = verbs_qp_to_rts(c, mine.psn);
	if (ret)
		return ret;
	if (c->cfg->qp_type == IBV_QPT_UD)
		return verbs_ah_create(c, &peer);
	return 0;
}

static void conn_bs_close(struct verbs_ctx *c)
{
	verbs_dev_close(&c->dev);
}

const struct verbs_conn_ops verbs_conn_bootstrap_ops = {
	.name = "bootstrap",
	.open = conn_bs_open,
	.connect = conn_bs_connect,
	.close = conn_bs_close,
};
