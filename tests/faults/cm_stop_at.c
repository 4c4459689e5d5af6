/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fault for the rdma_cm campaign (rdma_faults.py, area cm-kill-setup):
 * LD_PRELOAD'ed into an `ibpong cm` server, it stops the process with a
 * real SIGSTOP when it enters a given librdmacm call for the Nth time, so
 * that the campaign can kill the client while the server is between
 * taking the connection request and accepting it (a window of a few
 * milliseconds that a signal from outside cannot hit reliably).
 *
 * IBPONG_FAULT_CM_STOP=CALL:N, CALL rdma_create_qp or rdma_accept, N >= 1
 * (the bootstrap's control connection is the first, the data connection
 * the second). IBPONG_FAULT_CM_MARK=FILE is created just before the stop.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <rdma/rdma_cma.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void stop_check(const char *call, unsigned long n)
{
	const char *spec = getenv("IBPONG_FAULT_CM_STOP");
	const char *mark = getenv("IBPONG_FAULT_CM_MARK");
	char want[64];
	unsigned long at;
	int fd;

	if (!spec || sscanf(spec, "%63[^:]:%lu", want, &at) != 2 ||
	    strcmp(want, call) || at != n)
		return;
	if (mark) {
		fd = open(mark, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			close(fd);
	}
	raise(SIGSTOP);
}

int rdma_create_qp(struct rdma_cm_id *id, struct ibv_pd *pd,
		   struct ibv_qp_init_attr *attr)
{
	static int (*real)(struct rdma_cm_id *, struct ibv_pd *,
			   struct ibv_qp_init_attr *);
	static unsigned long n;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "rdma_create_qp");
	stop_check("rdma_create_qp", ++n);
	return real(id, pd, attr);
}

int rdma_accept(struct rdma_cm_id *id, struct rdma_conn_param *param)
{
	static int (*real)(struct rdma_cm_id *, struct rdma_conn_param *);
	static unsigned long n;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "rdma_accept");
	stop_check("rdma_accept", ++n);
	return real(id, param);
}
