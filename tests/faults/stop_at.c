/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fault for the MPI campaign (mpi_faults.py): LD_PRELOAD'ed into
 * ibpong-mpi, it stops one rank with a real SIGSTOP when that rank enters
 * a given MPI call for the Nth time, through the MPI profiling interface
 * (each wrapper calls its PMPI_ twin). The set-up of a sweep is over in
 * milliseconds; a signal from outside cannot land in it reliably.
 *
 * IBPONG_FAULT_STOP=RANK:CALL:N, CALL one of those below, N >= 1.
 * IBPONG_FAULT_TRACE=1 prints every wrapped call (rank, call, count).
 */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int stop_rank(void)
{
	const char *r = getenv("OMPI_COMM_WORLD_RANK");

	if (!r)
		r = getenv("PMI_RANK");
	return r ? atoi(r) : -1;
}

/* Called on entry of every wrapped call. */
static void stop_check(const char *call)
{
	static unsigned long counts[16];
	static const char *names[16];
	const char *spec = getenv("IBPONG_FAULT_STOP");
	char want[64];
	unsigned long n = 0;
	int rank = -1, i;

	for (i = 0; i < 16 && names[i] && strcmp(names[i], call); i++)
		;
	if (i == 16)
		return;
	names[i] = call;
	counts[i]++;
	if (getenv("IBPONG_FAULT_TRACE"))
		fprintf(stderr, "stop_at: rank %d %s #%lu\n", stop_rank(), call,
			counts[i]);
	if (!spec || sscanf(spec, "%d:%63[^:]:%lu", &rank, want, &n) != 3)
		return;
	if (rank == stop_rank() && !strcmp(want, call) && n == counts[i])
		raise(SIGSTOP);
}

int MPI_Comm_dup(MPI_Comm comm, MPI_Comm *out)
{
	stop_check("MPI_Comm_dup");
	return PMPI_Comm_dup(comm, out);
}

int MPI_Comm_idup(MPI_Comm comm, MPI_Comm *out, MPI_Request *req)
{
	stop_check("MPI_Comm_idup");
	return PMPI_Comm_idup(comm, out, req);
}

int MPI_Iallgather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf,
		   int rcount, MPI_Datatype rtype, MPI_Comm comm,
		   MPI_Request *req)
{
	stop_check("MPI_Iallgather");
	return PMPI_Iallgather(sbuf, scount, stype, rbuf, rcount, rtype, comm,
			       req);
}

int MPI_Iallreduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type,
		   MPI_Op op, MPI_Comm comm, MPI_Request *req)
{
	stop_check("MPI_Iallreduce");
	return PMPI_Iallreduce(sbuf, rbuf, count, type, op, comm, req);
}

int MPI_Ibarrier(MPI_Comm comm, MPI_Request *req)
{
	stop_check("MPI_Ibarrier");
	return PMPI_Ibarrier(comm, req);
}
