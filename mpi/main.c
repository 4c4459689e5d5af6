// SPDX-License-Identifier: BSD-2-Clause
/*
 * ibpong-mpi: MPI ping-pong, ping-ping and bandwidth between ranks 0 and
 * 1 (mpirun -np 2 ibpong-mpi --help), or every node pair of a cluster
 * with --pairs (mpi/sweep.h). Rank 0 prints the table and writes --json.
 * Every rank leaves with the same exit code (bench/exit.h). The command
 * is mpi/front.c's; the front end bench/bench_main.h.
 */
#include "bench_main.h"
#include "mpi_bench.h"

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &mpi_cmd);
}
