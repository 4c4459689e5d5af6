/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong-lab-delay: the lab cluster's delay fault (doc/lab.md). The lab's
 * host kernel has no sch_netem and cannot load modules, so a delay is made
 * in user space: iptables sends the packets of a fault to an NFQUEUE, this
 * program holds each one for a constant time and then accepts it. With a
 * constant delay the packets leave in the order they came, so the held ones
 * form a FIFO ring: the head is always the next one due.
 *
 * Only packet metadata is copied (NFQNL_COPY_META): the verdict needs the
 * packet id, never the payload. The queue is fail-open: should more than
 * --max-held packets wait at once, the kernel lets the extra ones pass
 * undelayed rather than drop them, and the count is printed at exit.
 *
 * SIGTERM or SIGINT (read through a signalfd, so no global flag) releases
 * every packet still held, then the program exits 0.
 *
 * Exit codes: 0 stopped by a signal, 2 bad usage, 3 runtime failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define DELAY_EXIT_USAGE   2
#define DELAY_EXIT_RUNTIME 3
#define DELAY_RCVBUF_BYTES (8u << 20)

/* One held packet: its queue id and when it is due (CLOCK_MONOTONIC). */
struct delay_pkt {
	uint32_t id;	 /* nfqueue packet id */
	uint64_t due_ns; /* release time */
};

struct delay_state {
	struct nfq_handle *h;	 /* the nfnetlink queue connection */
	struct nfq_q_handle *qh; /* our queue */
	struct delay_pkt *ring;	 /* held packets, FIFO */
	uint32_t cap;		 /* ring capacity (--max-held) */
	uint32_t head;		 /* oldest held packet */
	uint32_t count;		 /* packets held */
	uint64_t delay_ns;	 /* the constant delay */
	uint64_t passed;	 /* packets released after the delay */
	uint64_t overflow;	 /* arrived while the ring was full */
	int failed;		 /* a verdict failed: negative errno */
};

struct delay_opts {
	uint16_t queue;	   /* --queue */
	uint64_t delay_us; /* --delay-us */
	uint32_t max_held; /* --max-held */
};

static uint64_t delay_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int delay_verdict(struct delay_state *st, uint32_t id)
{
	if (nfq_set_verdict(st->qh, id, NF_ACCEPT, 0, NULL) < 0) {
		int ret = -errno;

		fprintf(stderr, "ibpong-lab-delay: nfq_set_verdict: %s\n",
			strerror(errno));
		return ret;
	}
	return 0;
}

static int delay_on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg,
			   struct nfq_data *nfa, void *data)
{
	struct delay_state *st = data;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id, slot;
	int ret;

	(void)qh;
	(void)msg;
	if (!ph)
		return 0;
	id = ntohl(ph->packet_id);
	if (st->count == st->cap) {
		st->overflow++;
		ret = delay_verdict(st, id);
		if (ret && !st->failed)
			st->failed = ret;
		return 0;
	}
	slot = (st->head + st->count) % st->cap;
	st->ring[slot].id = id;
	st->ring[slot].due_ns = delay_now_ns() + st->delay_ns;
	st->count++;
	return 0;
}

/* Release the packets due by NOW (all of them with ALL set). */
static int delay_release(struct delay_state *st, uint64_t now, int all)
{
	int ret;

	while (st->count && (all || st->ring[st->head].due_ns <= now)) {
		ret = delay_verdict(st, st->ring[st->head].id);
		if (ret)
			return ret;
		st->head = (st->head + 1) % st->cap;
		st->count--;
		st->passed++;
	}
	return 0;
}

/* Read every queued message the socket has now, without blocking. */
static int delay_drain(struct delay_state *st, int fd)
{
	char buf[65536] __attribute__((aligned));
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			if (errno == ENOBUFS) {
				/* The kernel dropped messages for our socket:
				 * fail-open means those packets passed. */
				st->overflow++;
				continue;
			}
			fprintf(stderr, "ibpong-lab-delay: recv: %s\n",
				strerror(errno));
			return -errno;
		}
		nfq_handle_packet(st->h, buf, (int)n);
		if (st->failed)
			return st->failed;
	}
}

static int delay_loop(struct delay_state *st, int sfd)
{
	struct pollfd pfd[2] = { { .fd = nfq_fd(st->h), .events = POLLIN },
				 { .fd = sfd, .events = POLLIN } };
	struct timespec ts, *tsp;
	uint64_t now, wait_ns;
	int ret;

	for (;;) {
		tsp = NULL;
		if (st->count) {
			now = delay_now_ns();
			wait_ns = st->ring[st->head].due_ns > now
					  ? st->ring[st->head].due_ns - now
					  : 0;
			ts.tv_sec = (time_t)(wait_ns / 1000000000u);
			ts.tv_nsec = (long)(wait_ns % 1000000000u);
			tsp = &ts;
		}
		if (ppoll(pfd, 2, tsp, NULL) < 0 && errno != EINTR) {
			fprintf(stderr, "ibpong-lab-delay: ppoll: %s\n",
				strerror(errno));
			return -errno;
		}
		if (pfd[1].revents & POLLIN)
			return delay_release(st, 0, 1);
		if (pfd[0].revents & POLLIN) {
			ret = delay_drain(st, pfd[0].fd);
			if (ret)
				return ret;
		}
		ret = delay_release(st, delay_now_ns(), 0);
		if (ret)
			return ret;
	}
}

static int delay_open(struct delay_state *st, const struct delay_opts *o)
{
	uint32_t flags = NFQA_CFG_F_FAIL_OPEN;

	st->h = nfq_open();
	if (!st->h) {
		fprintf(stderr,
			"ibpong-lab-delay: nfq_open: %s (run as root)\n",
			strerror(errno));
		return -errno;
	}
	st->qh = nfq_create_queue(st->h, o->queue, delay_on_packet, st);
	if (!st->qh) {
		fprintf(stderr,
			"ibpong-lab-delay: nfq_create_queue %u: %s (is another "
			"program bound to that queue?)\n",
			o->queue, strerror(errno));
		return -errno;
	}
	if (nfq_set_mode(st->qh, NFQNL_COPY_META, 0) < 0 ||
	    nfq_set_queue_maxlen(st->qh, o->max_held) < 0 ||
	    nfq_set_queue_flags(st->qh, flags, flags) < 0) {
		fprintf(stderr, "ibpong-lab-delay: configuring queue %u: %s\n",
			o->queue, strerror(errno));
		return -errno;
	}
	nfnl_rcvbufsiz(nfq_nfnlh(st->h), DELAY_RCVBUF_BYTES);
	return 0;
}

static void delay_close(struct delay_state *st)
{
	if (st->qh)
		nfq_destroy_queue(st->qh);
	if (st->h)
		nfq_close(st->h);
	free(st->ring);
}

static void delay_usage(FILE *f)
{
	fputs("Usage: ibpong-lab-delay --queue N --delay-us USEC "
	      "[--max-held N]\n"
	      "Hold every packet of NFQUEUE N for USEC microseconds, then "
	      "accept it\n"
	      "(the ibpong lab cluster's delay fault; see doc/lab.md). "
	      "Runs until\nSIGTERM or SIGINT, which release the packets "
	      "still held.\n"
	      "  --queue N       NFQUEUE number (0-65535)\n"
	      "  --delay-us USEC the delay (1 us - 10 s)\n"
	      "  --max-held N    packets held at once, beyond which they pass "
	      "undelayed\n"
	      "                  (default 65536)\n"
	      "Exit codes: 0 stopped by a signal, 2 bad usage, 3 runtime "
	      "failure.\n",
	      f);
}

static int delay_parse_u64(const char *s, uint64_t lo, uint64_t hi,
			   uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int delay_parse(int argc, char **argv, struct delay_opts *o)
{
	static const struct option lopts[] = {
		{ "queue", required_argument, NULL, 'q' },
		{ "delay-us", required_argument, NULL, 'd' },
		{ "max-held", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, have_q = 0, have_d = 0;

	o->max_held = 65536;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			if (delay_parse_u64(optarg, 0, 65535, &v))
				goto bad;
			o->queue = (uint16_t)v;
			have_q = 1;
			break;
		case 'd':
			if (delay_parse_u64(optarg, 1, 10000000, &v))
				goto bad;
			o->delay_us = v;
			have_d = 1;
			break;
		case 'm':
			if (delay_parse_u64(optarg, 1, 1u << 20, &v))
				goto bad;
			o->max_held = (uint32_t)v;
			break;
		case 'h':
			delay_usage(stdout);
			exit(0);
		default:
			goto usage;
		}
	}
	if (optind != argc || !have_q || !have_d)
		goto usage;
	return 0;
bad:
	fprintf(stderr, "ibpong-lab-delay: bad value '%s' for --%s\n", optarg,
		lopts[c == 'q'	 ? 0
		      : c == 'd' ? 1
				 : 2]
			.name);
	return -EINVAL;
usage:
	delay_usage(stderr);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct delay_opts o = { 0 };
	struct delay_state st = { 0 };
	sigset_t mask;
	int sfd, ret;

	if (delay_parse(argc, argv, &o))
		return DELAY_EXIT_USAGE;
	st.cap = o.max_held;
	st.delay_ns = o.delay_us * 1000u;
	st.ring = calloc(st.cap, sizeof(*st.ring));
	if (!st.ring) {
		fprintf(stderr, "ibpong-lab-delay: out of memory\n");
		return DELAY_EXIT_RUNTIME;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "ibpong-lab-delay: signalfd: %s\n",
			strerror(errno));
		goto err_free;
	}
	ret = delay_open(&st, &o);
	if (ret)
		goto err_close;
	/* The lab waits for this line before it adds the iptables rule. */
	fprintf(stderr,
		"ibpong-lab-delay: queue %u ready, delay %" PRIu64 " us\n",
		o.queue, o.delay_us);
	ret = delay_loop(&st, sfd);
	if (ret)
		goto err_close;
	fprintf(stderr,
		"ibpong-lab-delay: queue %u: %" PRIu64
		" packets delayed %" PRIu64 " us, %" PRIu64
		" passed undelayed (queue full)\n",
		o.queue, st.passed, o.delay_us, st.overflow);
	delay_close(&st);
	close(sfd);
	return 0;
err_close:
	delay_close(&st);
	close(sfd);
	return DELAY_EXIT_RUNTIME;
err_free:
	free(st.ring);
	return DELAY_EXIT_RUNTIME;
}
