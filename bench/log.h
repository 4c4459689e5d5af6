/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One line per failure, on stderr, prefixed with the program name.
 */
#ifndef BENCH_LOG_H
#define BENCH_LOG_H

/* Program name used as prefix ("ibpong verbs", "ibpong-mpi"...). */
void bench_log_set_prog(const char *prog);
const char *bench_log_prog(void);

__attribute__((format(printf, 1, 2))) void bench_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void bench_warn(const char *fmt, ...);
/* A status line ("<prog>: ..."), e.g. a server's "waiting for a client". */
__attribute__((format(printf, 1, 2))) void bench_note(const char *fmt, ...);

#endif
