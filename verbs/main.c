// SPDX-License-Identifier: BSD-2-Clause
/*
 * ibpong-verbs (`ibpong verbs`): without HOST it waits as the server
 * (bootstrap rank 1); with HOST it connects as the client (rank 0, the
 * initiator). Both ends print the same table. The front end is
 * bench/bench_main.h; exit codes: bench/exit.h.
 */
#include "bench_main.h"
#include "verbs.h"

static const struct bench_cmd verbs_cmd = {
	.prog = "ibpong verbs",
	.tool = "ibpong-verbs",
	.engine = "verbs",
	.synopsis =
		"Usage: ibpong verbs [OPTIONS]        wait as the server\n"
		"       ibpong verbs [OPTIONS] HOST   connect to the server "
		"on HOST\n"
		"Raw-verbs ping-pong and bandwidth (what ib_send_lat, "
		"ib_write_lat, ib_read_lat,\n"
		"ib_send_bw, ib_write_bw and ib_read_bw measure). Both ends "
		"print the table;\n"
		"give both the same options.\n",
	.exit_text =
		"Exit status:\n"
		"  0  success\n"
		"  2  bad usage: unknown option, bad value, bad combination; "
		"the two ends\n"
		"     were given different options (mismatched peers)\n"
		"  3  runtime failure: no RDMA device or active port, bad GID "
		"index, memlock\n"
		"     limit, peer lost or timed out, payload check failed\n",
	.peer = true,
	.port_default = VERBS_PORT_DEFAULT,
	.port_help = "out-of-band TCP port (default 18515)",
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &verbs_cmd);
}
