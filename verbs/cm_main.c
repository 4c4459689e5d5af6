// SPDX-License-Identifier: BSD-2-Clause
/*
 * ibpong-cm (`ibpong cm`): `ibpong verbs` with rdma_cm connections.
 * Without HOST it waits as the server (rank 1); with HOST it connects as
 * the client (rank 0). The rdma_cm bootstrap connects first, then the
 * connection set-up is timed (the engine's prologue, run.connect), then
 * the verbs engine runs with the rdma_cm connection method. The front
 * end is bench/bench_main.h; exit codes: bench/exit.h.
 */
#include "bench_main.h"
#include "rdmacm.h"

static const struct bench_cmd cm_cmd = {
	.prog = "ibpong cm",
	.tool = "ibpong-cm",
	.engine = "cm",
	.synopsis =
		"Usage: ibpong cm [OPTIONS]        wait as the server\n"
		"       ibpong cm [OPTIONS] HOST   connect to the server on "
		"HOST\n"
		"`ibpong verbs` over connections made by rdma_cm (what "
		"perftest -R and rping\n"
		"do): HOST and --bind are IP addresses or names of RDMA "
		"interfaces, and the\n"
		"device, port and GID come from the IP route. Both ends print "
		"the table and\n"
		"the connection set-up statistics; give both the same "
		"options.\n",
	.exit_text =
		"Exit status:\n"
		"  0  success\n"
		"  2  bad usage (also -d, -i, -x, --qp uc: rdma_cm decides "
		"or cannot); the\n"
		"     two ends were given different options (mismatched "
		"peers)\n"
		"  3  runtime failure: unreachable address, no RDMA device "
		"behind the route,\n"
		"     connection rejected, peer disconnected or timed out, "
		"payload check failed\n",
	.peer = true,
	.port_default = VERBS_PORT_DEFAULT,
	.port_help = "rdma_cm port (default 18515)",
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &cm_cmd);
}
