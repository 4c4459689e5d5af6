// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TCP bootstrap: a server (rank 1) accepts one client (rank 0).
 *
 * Every message is a 12-byte header in network byte order, then the
 * payload:
 *
 *	u32 magic   'IBPG'
 *	u16 version BOOTSTRAP_TCP_VERSION
 *	u16 type    enum tcp_msg_type
 *	u32 length  payload bytes, at most TCP_MSG_MAX
 *
 * Both ends send HELLO first, so a peer of another version is named on
 * both ends. Rank 0 always sends before it receives and rank 1 receives
 * before it sends: two large payloads never fill both socket buffers at
 * once. Every read, write, connect and accept is bounded by the timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bootstrap.h"
#include "clock.h"
#include "log.h"
#include "wire.h"

#define TCP_MAGIC	      0x49425047u /* "IBPG" */
#define BOOTSTRAP_TCP_VERSION 1
#define TCP_MSG_MAX	      (1u << 20)
#define TCP_HDR_LEN	      12
#define TCP_RETRY_MS	      100

enum tcp_msg_type {
	TCP_MSG_HELLO = 1,
	TCP_MSG_DATA = 2,
	TCP_MSG_BARRIER = 3,
};

struct tcp_priv {
	int fd;
	int timeout_ms;
	char peer[NI_MAXHOST + NI_MAXSERV + 2]; /* "host:port", for messages */
};

static const char *tcp_msg_name(unsigned type)
{
	switch (type) {
	case TCP_MSG_HELLO:
		return "hello";
	case TCP_MSG_DATA:
		return "data";
	case TCP_MSG_BARRIER:
		return "barrier";
	}
	return "unknown";
}

static int tcp_left_ms(int64_t deadline_ms)
{
	int64_t left = deadline_ms - (int64_t)(bench_mono_ns() / 1000000);

	return left > 0 ? (int)left : 0;
}

/* Wait for events on fd until the deadline: 0, -ETIMEDOUT or -errno. */
static int tcp_wait(int fd, short events, int64_t deadline_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int ret;

	do {
		ret = poll(&pfd, 1, tcp_left_ms(deadline_ms));
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	return 0;
}

/*
 * Send sbuf or receive into rbuf (the other NULL) all len bytes by the
 * deadline. The one loop of both directions: a closed or lost
 * connection and a timeout are told once, naming the peer.
 */
static int tcp_io_all(struct tcp_priv *p, const char *sbuf, char *rbuf,
		      size_t len, int64_t deadline_ms)
{
	bool out = sbuf != NULL;
	size_t done = 0;
	int ret;

	while (done < len) {
		ssize_t n = out ? send(p->fd, sbuf + done, len - done,
				       MSG_NOSIGNAL | MSG_DONTWAIT)
				: recv(p->fd, rbuf + done, len - done,
				       MSG_DONTWAIT);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == 0 && !out) {
			bench_err("the peer %s closed the connection (it "
				  "stopped or failed: see its output)",
				  p->peer);
			return -ECONNRESET;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			ret = -errno;
			bench_err("lost the connection to the peer %s: %s: "
				  "%s (it stopped or failed: see its output)",
				  p->peer, out ? "send" : "recv",
				  strerror(-ret));
			return ret;
		}
		ret = tcp_wait(p->fd, out ? POLLOUT : POLLIN, deadline_ms);
		if (ret == -ETIMEDOUT) {
			bench_err("timed out after %d ms %s the peer %s",
				  p->timeout_ms,
				  out ? "sending to" : "waiting for", p->peer);
			return ret;
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int tcp_write_all(struct tcp_priv *p, const void *buf, size_t len,
			 int64_t deadline_ms)
{
	return tcp_io_all(p, buf, NULL, len, deadline_ms);
}

static int tcp_read_all(struct tcp_priv *p, void *buf, size_t len,
			int64_t deadline_ms)
{
	return tcp_io_all(p, NULL, buf, len, deadline_ms);
}

static int tcp_send_msg(struct tcp_priv *p, unsigned type, const void *data,
			size_t len)
{
	int64_t deadline_ms =
		(int64_t)(bench_mono_ns() / 1000000) + p->timeout_ms;
	uint8_t hdr[TCP_HDR_LEN];
	int ret;

	if (len > TCP_MSG_MAX) {
		bench_err("bootstrap message of %zu bytes exceeds the %u-byte "
			  "limit",
			  len, TCP_MSG_MAX);
		return -EMSGSIZE;
	}
	bench_wire_put_be32(hdr, TCP_MAGIC);
	bench_wire_put_be16(hdr + 4, BOOTSTRAP_TCP_VERSION);
	bench_wire_put_be16(hdr + 6, (uint16_t)type);
	bench_wire_put_be32(hdr + 8, (uint32_t)len);
	ret = tcp_write_all(p, hdr, sizeof(hdr), deadline_ms);
	if (ret)
		return ret;
	return tcp_write_all(p, data, len, deadline_ms);
}

/* Validate a header against what this end expects next. */
static int tcp_check_hdr(struct tcp_priv *p, const uint8_t *hdr, unsigned type,
			 size_t len)
{
	uint32_t magic = bench_wire_get_be32(hdr);
	unsigned version = bench_wire_get_be16(hdr + 4);
	unsigned got_type = bench_wire_get_be16(hdr + 6);
	uint32_t got_len = bench_wire_get_be32(hdr + 8);

	if (magic != TCP_MAGIC) {
		bench_err("the peer %s does not speak the ibpong bootstrap "
			  "protocol (magic 0x%08x): check --port",
			  p->peer, magic);
		return -EPROTO;
	}
	if (version != BOOTSTRAP_TCP_VERSION) {
		bench_err("peer speaks protocol version %u, this ibpong speaks "
			  "%u: run the same ibpong version on both ends",
			  version, BOOTSTRAP_TCP_VERSION);
		return -EPROTO;
	}
	if (got_len > TCP_MSG_MAX) {
		bench_err("the peer %s sent a %u-byte message, more than the "
			  "%u-byte limit",
			  p->peer, got_len, TCP_MSG_MAX);
		return -EPROTO;
	}
	if (got_type != type) {
		bench_err(
			"protocol error: expected a %s message from the "
			"peer, got %s (type %u): the two ends are out of step",
			tcp_msg_name(type), tcp_msg_name(got_type), got_type);
		return -EPROTO;
	}
	if (got_len != len) {
		bench_err(
			"the peer sent a %s message of %u bytes where this "
			"end expects %zu: run the same ibpong version on both "
			"ends",
			tcp_msg_name(type), got_len, len);
		return -EPROTO;
	}
	return 0;
}

static int tcp_recv_msg(struct tcp_priv *p, unsigned type, void *data,
			size_t len)
{
	int64_t deadline_ms =
		(int64_t)(bench_mono_ns() / 1000000) + p->timeout_ms;
	uint8_t hdr[TCP_HDR_LEN];
	int ret;

	ret = tcp_read_all(p, hdr, sizeof(hdr), deadline_ms);
	if (ret)
		return ret;
	ret = tcp_check_hdr(p, hdr, type, len);
	if (ret)
		return ret;
	return tcp_read_all(p, data, len, deadline_ms);
}

/* Rank 0 sends first, rank 1 receives first (see the top comment). */
static int tcp_swap(struct bench_bootstrap *bs, unsigned type, const void *mine,
		    void *theirs, size_t len)
{
	struct tcp_priv *p = bs->priv;
	int ret;

	if (bs->rank == 0) {
		ret = tcp_send_msg(p, type, mine, len);
		if (!ret)
			ret = tcp_recv_msg(p, type, theirs, len);
	} else {
		ret = tcp_recv_msg(p, type, theirs, len);
		if (!ret)
			ret = tcp_send_msg(p, type, mine, len);
	}
	return ret;
}

static int tcp_hello(struct bench_bootstrap *bs)
{
	struct tcp_priv *p = bs->priv;
	int ret;

	if (bs->rank == 0)
		return tcp_swap(bs, TCP_MSG_HELLO, NULL, NULL, 0);
	/* Answer even a bad hello, so that the client names the mismatch. */
	ret = tcp_recv_msg(p, TCP_MSG_HELLO, NULL, 0);
	if (ret != -EPROTO && ret)
		return ret;
	if (tcp_send_msg(p, TCP_MSG_HELLO, NULL, 0) && !ret)
		return -ECONNRESET;
	return ret;
}

static void tcp_name_peer(struct tcp_priv *p, const struct sockaddr *sa,
			  socklen_t sa_len)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo(sa, sa_len, host, sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV))
		snprintf(p->peer, sizeof(p->peer), "(unknown)");
	else
		snprintf(p->peer, sizeof(p->peer), "%s:%s", host, serv);
}

static int tcp_socket_tune(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		return -errno;
	return 0;
}

/* One non-blocking connect attempt: 0, -ETIMEDOUT or the socket error. */
static int tcp_connect_one(const struct addrinfo *ai, int64_t deadline_ms,
			   int *fd_out)
{
	socklen_t elen = sizeof(int);
	int fd, ret, err = 0;

	fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
		ret = -errno;
		goto err_close;
	}
	ret = tcp_wait(fd, POLLOUT, deadline_ms);
	if (ret)
		goto err_close;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen)) {
		ret = -errno;
		goto err_close;
	}
	if (err) {
		ret = -err;
		goto err_close;
	}
	*fd_out = fd;
	return 0;

err_close:
	close(fd);
	return ret;
}

/* The server may start a little later: retry until the deadline. */
static int tcp_client(struct tcp_priv *p, const struct bench_bootstrap_cfg *cfg)
{
	int64_t deadline_ms =
		(int64_t)(bench_mono_ns() / 1000000) + p->timeout_ms;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char port[8];
	int ret, fd = -1;

	snprintf(port, sizeof(port), "%u", cfg->port);
	ret = getaddrinfo(cfg->peer_host, port, &hints, &res);
	if (ret) {
		bench_err("cannot resolve '%s': %s", cfg->peer_host,
			  gai_strerror(ret));
		return -EHOSTUNREACH;
	}
	for (;;) {
		for (ai = res; ai; ai = ai->ai_next) {
			ret = tcp_connect_one(ai, deadline_ms, &fd);
			if (!ret)
				goto connected;
		}
		if (tcp_left_ms(deadline_ms) == 0)
			break;
		poll(NULL, 0, TCP_RETRY_MS);
	}
	bench_err("cannot connect to %s port %u within %d ms: %s (is "
		  "`ibpong verbs` running there as the server?)",
		  cfg->peer_host, cfg->port, p->timeout_ms,
		  strerror(ret == -ETIMEDOUT ? ETIMEDOUT : -ret));
	freeaddrinfo(res);
	return ret;

connected:
	tcp_name_peer(p, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(res);
	p->fd = fd;
	return tcp_socket_tune(fd);
}

static int tcp_listen(const struct bench_bootstrap_cfg *cfg, int *fd_out)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE };
	struct addrinfo *res, *ai;
	int ret, fd = -1, one = 1;
	char port[8];

	snprintf(port, sizeof(port), "%u", cfg->port);
	ret = getaddrinfo(cfg->bind_addr, port, &hints, &res);
	if (ret) {
		bench_err("cannot resolve --bind '%s': %s",
			  cfg->bind_addr ? cfg->bind_addr : "",
			  gai_strerror(ret));
		return -EINVAL;
	}
	ret = -EADDRNOTAVAIL;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			ret = -errno;
			continue;
		}
		if (!setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)) &&
		    !bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 1))
			break;
		ret = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		bench_err("cannot listen on %s port %u: %s",
			  cfg->bind_addr ? cfg->bind_addr : "any address",
			  cfg->port, strerror(-ret));
		return ret;
	}
	*fd_out = fd;
	return 0;
}

static int tcp_server(struct tcp_priv *p, const struct bench_bootstrap_cfg *cfg)
{
	int64_t deadline_ms =
		(int64_t)(bench_mono_ns() / 1000000) + p->timeout_ms;
	struct sockaddr_storage ss;
	socklen_t ss_len = sizeof(ss);
	int ret, lfd = -1, fd;

	ret = tcp_listen(cfg, &lfd);
	if (ret)
		return ret;
	if (cfg->serve_note)
		bench_note("waiting for a client on port %u (%s)", cfg->port,
			   cfg->serve_note);
	ret = tcp_wait(lfd, POLLIN, deadline_ms);
	if (ret) {
		bench_err("no client connected to port %u within %d ms%s",
			  cfg->port, p->timeout_ms,
			  ret == -ETIMEDOUT ? " (raise --timeout)" : "");
		goto err_close_listen;
	}
	fd = accept4(lfd, (struct sockaddr *)&ss, &ss_len, SOCK_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		bench_err("accept: %s", strerror(-ret));
		goto err_close_listen;
	}
	close(lfd);
	tcp_name_peer(p, (struct sockaddr *)&ss, ss_len);
	p->fd = fd;
	return tcp_socket_tune(fd);

err_close_listen:
	close(lfd);
	return ret;
}

static int tcp_setup(struct bench_bootstrap *bs,
		     const struct bench_bootstrap_cfg *cfg)
{
	struct tcp_priv *p = bs->priv;
	int ret;

	p->fd = -1;
	p->timeout_ms =
		cfg->timeout_s > 0 ? (int)(cfg->timeout_s * 1000) : 30000;
	bs->size = 2;
	bs->rank = cfg->peer_host ? 0 : 1;
	ret = bs->rank == 0 ? tcp_client(p, cfg) : tcp_server(p, cfg);
	if (ret)
		return ret;
	return tcp_hello(bs);
}

static int tcp_barrier(struct bench_bootstrap *bs)
{
	return tcp_swap(bs, TCP_MSG_BARRIER, NULL, NULL, 0);
}

static int tcp_exchange(struct bench_bootstrap *bs, const void *mine, void *all,
			size_t len)
{
	char *out = all;

	memmove(out + (size_t)bs->rank * len, mine, len);
	return tcp_swap(bs, TCP_MSG_DATA, mine,
			out + (size_t)(1 - bs->rank) * len, len);
}

static void tcp_cleanup(struct bench_bootstrap *bs)
{
	struct tcp_priv *p = bs->priv;

	if (p && p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
}

const struct bench_bootstrap_ops bench_bootstrap_tcp_ops = {
	.name = "tcp",
	.priv_size = sizeof(struct tcp_priv),
	.setup = tcp_setup,
	.barrier = tcp_barrier,
	.exchange = tcp_exchange,
	.cleanup = tcp_cleanup,
};
