// SPDX-License-Identifier: BSD-2-Clause
/*
 * Opening a device: the named one or the first with an active port; the
 * port; the GID (RoCE v2 with an IPv4-mapped address on Ethernet, like
 * perftest's auto-selection; none on InfiniBand, where the LID routes).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "verbs.h"

unsigned verbs_mtu_bytes(enum ibv_mtu mtu)
{
	switch (mtu) {
	case IBV_MTU_256:
		return 256;
	case IBV_MTU_512:
		return 512;
	case IBV_MTU_1024:
		return 1024;
	case IBV_MTU_2048:
		return 2048;
	case IBV_MTU_4096:
		return 4096;
	}
	return 0;
}

bool verbs_dev_is_eth(const struct verbs_dev *dev)
{
	return dev->port_attr.link_layer == IBV_LINK_LAYER_ETHERNET;
}

static bool gid_is_zero(const union ibv_gid *gid)
{
	static const uint8_t zero[16];

	return memcmp(gid->raw, zero, sizeof(zero)) == 0;
}

static bool gid_is_ipv4(const union ibv_gid *gid)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(gid->raw, prefix, sizeof(prefix)) == 0;
}

/* The first RoCE v2 IPv4-mapped GID, else the first RoCE v2, else 0. */
static int gid_pick(struct verbs_dev *dev)
{
	int i, v2 = -1, n = dev->port_attr.gid_tbl_len;
	struct ibv_gid_entry e;

	for (i = 0; i < n; i++) {
		if (ibv_query_gid_ex(dev->ctx, dev->port, i, &e, 0))
			continue;
		if (e.gid_type != IBV_GID_TYPE_ROCE_V2)
			continue;
		if (gid_is_ipv4(&e.gid))
			return i;
		if (v2 < 0)
			v2 = i;
	}
	return v2 >= 0 ? v2 : 0;
}

static const char *gid_type_name(uint32_t type)
{
	switch (type) {
	case IBV_GID_TYPE_IB:
		return "IB";
	case IBV_GID_TYPE_ROCE_V1:
		return "RoCE v1";
	case IBV_GID_TYPE_ROCE_V2:
		return "RoCE v2";
	}
	return "?";
}

/* "0 (RoCE v2), 1 (RoCE v2 IPv4)" for the error message. */
static void gid_list(const struct verbs_dev *dev, char *buf, size_t len)
{
	int i, n = dev->port_attr.gid_tbl_len;
	struct ibv_gid_entry e;
	size_t used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used + 32 < len; i++) {
		if (ibv_query_gid_ex(dev->ctx, dev->port, i, &e, 0) ||
		    gid_is_zero(&e.gid))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%d (%s%s)",
					 used ? ", " : "", i,
					 gid_type_name(e.gid_type),
					 gid_is_ipv4(&e.gid) ? " IPv4" : "");
	}
	if (!used)
		snprintf(buf, len, "none");
}

static int gid_setup(struct verbs_dev *dev, const struct verbs_cfg *cfg,
		     const char *name)
{
	char valid[256];
	int idx = cfg->gid_index;

	if (idx < 0 && !verbs_dev_is_eth(dev)) {
		dev->gid_index = -1;
		return 0;
	}
	if (idx < 0)
		idx = gid_pick(dev);
	if (idx < dev->port_attr.gid_tbl_len &&
	    !ibv_query_gid(dev->ctx, dev->port, idx, &dev->gid) &&
	    !gid_is_zero(&dev->gid)) {
		dev->gid_index = idx;
		return 0;
	}
	gid_list(dev, valid, sizeof(valid));
	bench_err("GID index %d of %s port %u is not valid (valid: %s): "
		  "see show_gids or /sys/class/infiniband/%s/ports/%u/gids",
		  idx, name, dev->port, valid, name, dev->port);
	return -EINVAL;
}

/* The requested port, or the first active one; -ENETDOWN if none. */
static int port_pick(struct verbs_dev *dev, const struct verbs_cfg *cfg,
		     const char *name, bool quiet)
{
	unsigned p, first = cfg->ib_port ? (unsigned)cfg->ib_port : 1;
	unsigned last = cfg->ib_port ? first : dev->attr.phys_port_cnt;
	int ret;

	if (first > dev->attr.phys_port_cnt) {
		bench_err("%s has %u port(s), not port %u", name,
			  dev->attr.phys_port_cnt, first);
		return -EINVAL;
	}
	for (p = first; p <= last; p++) {
		ret = ibv_query_port(dev->ctx, p, &dev->port_attr);
		if (ret) {
			bench_err("ibv_query_port(%s, %u): %s", name, p,
				  strerror(ret));
			return -ret;
		}
		if (dev->port_attr.state == IBV_PORT_ACTIVE) {
			dev->port = (uint8_t)p;
			return 0;
		}
	}
	if (!quiet)
		bench_err("%s port %u is %s, not active: check the link "
			  "(ibv_devinfo -d %s)",
			  name, last, ibv_port_state_str(dev->port_attr.state),
			  name);
	return -ENETDOWN;
}

int verbs_dev_use(struct verbs_dev *dev, struct ibv_context *ctx,
		  const struct verbs_cfg *cfg)
{
	const char *name = ibv_get_device_name(ctx->device);
	int ret;

	dev->ctx = ctx;
	ret = ibv_query_device(ctx, &dev->attr);
	if (ret) {
		bench_err("ibv_query_device(%s): %s", name, strerror(ret));
		return -ret;
	}
	ret = port_pick(dev, cfg, name, false);
	if (ret)
		return ret;
	return gid_setup(dev, cfg, name);
}

/* Open one device; with quiet, a device without an active port is -ENETDOWN
 * without a message (the caller tries the next). */
static int dev_try(struct verbs_dev *dev, struct ibv_device *d,
		   const struct verbs_cfg *cfg, bool quiet)
{
	const char *name = ibv_get_device_name(d);
	struct ibv_context *ctx;
	int ret;

	ctx = ibv_open_device(d);
	if (!ctx) {
		ret = errno ? -errno : -ENODEV;
		bench_err("ibv_open_device(%s): %s", name, strerror(-ret));
		return ret;
	}
	dev->ctx = ctx;
	ret = ibv_query_device(ctx, &dev->attr);
	if (ret) {
		bench_err("ibv_query_device(%s): %s", name, strerror(ret));
		ret = -ret;
		goto err_close;
	}
	ret = port_pick(dev, cfg, name, quiet);
	if (ret)
		goto err_close;
	dev->close_ctx = true;
	ret = gid_setup(dev, cfg, name);
	if (ret)
		goto err_close;
	return 0;

err_close:
	dev->ctx = NULL;
	dev->close_ctx = false;
	ibv_close_device(ctx);
	return ret;
}

static void dev_names(struct ibv_device **list, int n, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? ", " : "",
					 ibv_get_device_name(list[i]));
}

static int dev_find(struct verbs_dev *dev, struct ibv_device **list, int n,
		    const struct verbs_cfg *cfg)
{
	char names[256];
	int i, ret;

	if (cfg->dev_name) {
		for (i = 0; i < n; i++)
			if (!strcmp(ibv_get_device_name(list[i]),
				    cfg->dev_name))
				return dev_try(dev, list[i], cfg, false);
		dev_names(list, n, names, sizeof(names));
		bench_err("no RDMA device named '%s' (found: %s)",
			  cfg->dev_name, names);
		return -ENODEV;
	}
	for (i = 0; i < n; i++) {
		ret = dev_try(dev, list[i], cfg, true);
		if (ret != -ENETDOWN)
			return ret;
	}
	dev_names(list, n, names, sizeof(names));
	bench_err("no RDMA device with an active port (found: %s): check the "
		  "links with ibv_devinfo",
		  names);
	return -ENETDOWN;
}

int verbs_dev_open(struct verbs_dev *dev, const struct verbs_cfg *cfg)
{
	struct ibv_device **list;
	int n = 0, ret;

	list = ibv_get_device_list(&n);
	if (!list || n == 0) {
		bench_err("no RDMA device found: load a driver (e.g. "
			  "rdma_rxe) or check ibv_devices");
		if (list)
			ibv_free_device_list(list);
		return -ENODEV;
	}
	ret = dev_find(dev, list, n, cfg);
	ibv_free_device_list(list);
	return ret;
}

void verbs_dev_note(const char *dev_name, uint8_t port,
		    const union ibv_gid *gid, uint16_t lid, char *buf,
		    size_t len)
{
	char g[INET6_ADDRSTRLEN] = "";

	if (gid && !gid_is_zero(gid))
		inet_ntop(AF_INET6, gid->raw, g, sizeof(g));
	if (*g)
		snprintf(buf, len, "device %s, port %u, GID %s", dev_name, port,
			 g);
	else
		snprintf(buf, len, "device %s, port %u, LID 0x%x", dev_name,
			 port, lid);
}

int verbs_dev_preflight(void *cfg, char *note, size_t len)
{
	struct verbs_dev dev = { 0 };
	int ret;

	ret = verbs_dev_open(&dev, cfg);
	if (ret)
		return ret;
	verbs_dev_note(ibv_get_device_name(dev.ctx->device), dev.port,
		       dev.gid_index >= 0 ? &dev.gid : NULL, dev.port_attr.lid,
		       note, len);
	verbs_dev_close(&dev);
	return 0;
}

void verbs_dev_close(struct verbs_dev *dev)
{
	if (dev->ctx && dev->close_ctx)
		ibv_close_device(dev->ctx);
	dev->ctx = NULL;
	dev->close_ctx = false;
}

/* The kernel driver bound to the device (soft devices have no parent). */
static void dev_driver(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/infiniband/%s/device/driver",
		 name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		base = strrchr(target, '/');
		snprintf(buf, len, "%.63s", base ? base + 1 : target);
	} else if (!strncmp(name, "rxe", 3)) {
		snprintf(buf, len, "rdma_rxe");
	} else if (!strncmp(name, "siw", 3)) {
		snprintf(buf, len, "siw");
	} else {
		snprintf(buf, len, "unknown");
	}
}

/* Gb/s per lane of ibv_port_attr.active_speed */
static double speed_gbps(uint8_t speed)
{
	switch (speed) {
	case 1:
		return 2.5;
	case 2:
		return 5;
	case 4:
	case 8:
		return 10;
	case 16:
		return 14;
	case 32:
		return 25;
	case 64:
		return 50;
	case 128:
		return 100;
	}
	return 0;
}

static int width_lanes(uint8_t width)
{
	switch (width) {
	case 1:
		return 1;
	case 2:
		return 4;
	case 4:
		return 8;
	case 8:
		return 12;
	case 16:
		return 2;
	}
	return 0;
}

int verbs_dev_describe(const struct verbs_dev *dev, json_t **out)
{
	const char *name = ibv_get_device_name(dev->ctx->device);
	const struct ibv_port_attr *pa = &dev->port_attr;
	char guid[32], gid[INET6_ADDRSTRLEN], drv[64], width[8], speed[24];
	uint64_t g = be64toh(dev->attr.node_guid);
	json_t *o;

	snprintf(guid, sizeof(guid), "%04x:%04x:%04x:%04x",
		 (unsigned)(g >> 48) & 0xffff, (unsigned)(g >> 32) & 0xffff,
		 (unsigned)(g >> 16) & 0xffff, (unsigned)g & 0xffff);
	inet_ntop(AF_INET6, dev->gid.raw, gid, sizeof(gid));
	dev_driver(name, drv, sizeof(drv));
	snprintf(width, sizeof(width), "%dX", width_lanes(pa->active_width));
	snprintf(speed, sizeof(speed), "%g Gb/s", speed_gbps(pa->active_speed));
	o = json_pack(
		"{s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:s, s:s, s:i, "
		"s:s, s:s}",
		"name", name, "fw_ver", dev->attr.fw_ver, "node_guid", guid,
		"port", dev->port, "port_state", ibv_port_state_str(pa->state),
		"link_layer", verbs_dev_is_eth(dev) ? "Ethernet" : "InfiniBand",
		"active_mtu", verbs_mtu_bytes(pa->active_mtu), "active_speed",
		speed, "active_width", width, "gid_index", dev->gid_index,
		"gid", dev->gid_index >= 0 ? gid : "", "driver", drv);
	if (!o)
		return -ENOMEM;
	if (json_object_set_new(o, "lid", json_integer(pa->lid))) {
		json_decref(o);
		return -ENOMEM;
	}
	*out = o;
	return 0;
}
