/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rows of a real IMB-MPI1 2021.11 PingPong run, copied verbatim from
 * /work/shared/samples/imb-2021-pingpong-shm.txt (mpirun -np 2, Open MPI
 * 4.1.4, shared memory).
 */
#ifndef IBPONG_TEST_IMB_SAMPLE_H
#define IBPONG_TEST_IMB_SAMPLE_H

static const char *const imb_sample_header[] = {
	"#---------------------------------------------------",
	"# Benchmarking PingPong ",
	"# #processes = 2 ",
	"#---------------------------------------------------",
	"       #bytes #repetitions      t[usec]   Mbytes/sec",
};

static const char *const imb_sample_rows[] = {
	"            0         1000         0.14         0.00",
	"            1         1000         0.13         7.74",
	"         1024         1000         0.24      4252.25",
	"        32768         1000        14.58      2247.68",
	"        65536          640        22.13      2961.92",
	"       131072          320        36.03      3638.24",
	"       262144          160        95.95      2732.05",
	"       524288           80        91.92      5703.70",
	"      1048576           40       191.16      5485.37",
	"      2097152           20       504.86      4153.89",
	"      4194304           10      2430.14      1725.95",
};

#define IMB_SAMPLE_ROWS (sizeof(imb_sample_rows) / sizeof(imb_sample_rows[0]))

#endif
