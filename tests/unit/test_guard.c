// SPDX-License-Identifier: BSD-2-Clause
/*
 * The run guard's thread: a prompt stop does not wait out its 50 ms tick
 * (every process used to end up to a tick late, and mpirun waits for the
 * last rank), one that is not prompt does, and a SIGCONT, mpirun's first word
 * when it ends a job, does not end the process, nor does the one the stop
 * itself sends.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "guard.h"

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct bench_guard *start(void)
{
	struct bench_guard_cfg cfg = { .timeout_s = 10 };
	struct bench_guard *g = NULL;

	assert_int_equal(bench_guard_start(&g, &cfg), 0);
	assert_non_null(g);
	return g;
}

/*
 * Stopped 5 ms after it started, the thread is in the middle of a 50 ms
 * sleep: a stop that waited for the tick takes about 45 ms. 20 stops in
 * a row, the slowest well under that.
 */
static void test_stop_is_prompt(void **state)
{
	struct timespec five_ms = { .tv_nsec = 5000000 };
	double worst = 0, t;
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		struct bench_guard *g = start();

		nanosleep(&five_ms, NULL);
		t = mono_s();
		bench_guard_stop(g, true);
		t = mono_s() - t;
		worst = t > worst ? t : worst;
	}
	print_message("slowest stop: %.2f ms (the tick: 50 ms)\n", worst * 1e3);
	assert_true(worst < 0.025);
}

/* Not prompt (an exit code other than 0, guard.h): the tick is waited
 * out, and the thread still stops. */
static void test_stop_waits_tick(void **state)
{
	struct timespec five_ms = { .tv_nsec = 5000000 };
	struct bench_guard *g = start();
	double t;

	(void)state;
	nanosleep(&five_ms, NULL);
	t = mono_s();
	bench_guard_stop(g, false);
	t = mono_s() - t;
	print_message("stop, not prompt: %.2f ms\n", t * 1e3);
	assert_true(t > 0.020 && t < 5);
}

/* A SIGCONT to the process is not an interruption (the guard would
 * _exit(5)); the process goes on and the guard stops normally. */
static void test_sigcont_goes_on(void **state)
{
	struct timespec ten_ms = { .tv_nsec = 10000000 };
	struct bench_guard *g = start();

	(void)state;
	assert_int_equal(kill(getpid(), SIGCONT), 0);
	nanosleep(&ten_ms, NULL);
	nanosleep(&ten_ms, NULL);
	bench_guard_stop(g, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_is_prompt),
		cmocka_unit_test(test_stop_waits_tick),
		cmocka_unit_test(test_sigcont_goes_on),
	};

	/* as bench_main: only the guard thread takes these signals */
	if (bench_guard_block_signals())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
