/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the TCP bootstrap's decoder, through its real code
 * path. A thread plays a hostile server on loopback: it accepts the
 * client and sends the input as the server's bytes, then closes. The
 * client (bench_bootstrap_tcp_ops, rank 0) says hello and, when the
 * hello is accepted, runs an exchange and a barrier as a run would. It
 * must refuse junk with an error, never crash, and never wait past its
 * timeout (the input ends with EOF, so no wait is long).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bootstrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_server {
	int lfd;
	const uint8_t *data;
	size_t size;
};

static void *fuzz_serve(void *arg)
{
	struct fuzz_server *s = arg;
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = accept(s->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	while (off < s->size) {
		n = send(fd, s->data + off, s->size - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	close(fd);
	return NULL;
}

static int fuzz_listen(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(fd, 4) || getsockname(fd, (struct sockaddr *)&a, &len))
		abort();
	*port = ntohs(a.sin_port);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int lfd = -1;
	static uint16_t port;
	struct fuzz_server s = { .data = data, .size = size };
	struct bench_bootstrap_cfg cfg = {
		.peer_host = "127.0.0.1",
		.timeout_s = 1,
	};
	struct bench_bootstrap bs;
	char mine[128] = "fuzz", all[256];
	pthread_t t;

	/* the bootstrap names every refusal on stderr: left there, so that
	 * a sanitizer's report is not lost with them */
	if (lfd < 0)
		lfd = fuzz_listen(&port);
	s.lfd = lfd;
	cfg.port = port;
	if (pthread_create(&t, NULL, fuzz_serve, &s))
		abort();
	if (!bench_bootstrap_open(&bs, &bench_bootstrap_tcp_ops, &cfg)) {
		if (bs.size != 2 || bs.rank != 0)
			abort();
		if (!bench_bootstrap_exchange(&bs, mine, all, 8))
			bench_bootstrap_barrier(&bs);
		bench_bootstrap_exchange(&bs, mine, all, sizeof(mine));
		bench_bootstrap_close(&bs);
	}
	pthread_join(t, NULL);
	return 0;
}
