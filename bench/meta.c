// SPDX-License-Identifier: BSD-2-Clause
/*
 * Run metadata common to every command (doc/result-format.md, "run").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "env.h"
#include "log.h"
#include "run.h"

#define HOST_SLOT 256 /* bytes per rank in the host name exchange */

static int set_str(json_t *obj, const char *key, const char *v)
{
	return json_object_set_new(obj, key, json_string(v)) ? -ENOMEM : 0;
}

/* Quote an argument only when a shell would need it. */
static int append_arg(FILE *f, const char *arg)
{
	const char *p;

	if (*arg &&
	    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
			"OPQRSTUVWXYZ0123456789-_=.,:/+%@") == strlen(arg))
		return fputs(arg, f) < 0 ? -EIO : 0;
	fputc('\'', f);
	for (p = arg; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
	return 0;
}

static int describe_command_line(json_t *run, const struct bench_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i, ret;

	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	for (i = 0; i < o->argc && o->argv; i++) {
		if (i)
			fputc(' ', f);
		append_arg(f, o->argv[i]);
	}
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	ret = set_str(run, "command_line", buf);
	free(buf);
	return ret;
}

static int describe_start_time(json_t *run)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -EINVAL;
	return set_str(run, "start_time", buf);
}

/* One rank's slot; a name that is not UTF-8 text is refused by name. */
static int describe_host_add(json_t *hosts, char *slot, int rank)
{
	json_t *s, *raw;

	slot[HOST_SLOT - 1] = '\0';
	s = json_string(slot);
	if (!s) {
		/* NULL for bad UTF-8 or no memory: tell them apart */
		raw = json_string_nocheck(slot);
		json_decref(raw);
		if (!raw)
			return -ENOMEM;
		bench_err("rank %d announced a host name that is not UTF-8 "
			  "text; the result format stores names as UTF-8: "
			  "rename the host or check the peer's build",
			  rank);
		return -EILSEQ;
	}
	return json_array_append_new(hosts, s) ? -ENOMEM : 0;
}

/* Every rank's host name, in rank order, through the bootstrap. */
static int describe_hosts(json_t *run, struct bench_bootstrap *bs)
{
	char mine[HOST_SLOT] = { 0 }, *all;
	json_t *hosts;
	int i, ret;

	if (gethostname(mine, sizeof(mine) - 1))
		snprintf(mine, sizeof(mine), "unknown");
	all = calloc((size_t)bs->size, HOST_SLOT);
	hosts = json_array();
	ret = -ENOMEM;
	if (!all || !hosts)
		goto out;
	ret = bench_bootstrap_exchange(bs, mine, all, HOST_SLOT);
	if (ret) {
		bench_err("bootstrap %s: host name exchange failed: %s",
			  bs->ops->name, strerror(-ret));
		goto out;
	}
	for (i = 0; i < bs->size; i++) {
		ret = describe_host_add(hosts, all + (size_t)i * HOST_SLOT, i);
		if (ret)
			goto out;
	}
	ret = json_object_set(run, "hosts", hosts) ? -ENOMEM : 0;
out:
	json_decref(hosts);
	free(all);
	return ret;
}

static int describe_kernel(json_t *run)
{
	struct utsname u;
	char buf[3 * sizeof(u.release) + 3];

	if (uname(&u))
		return 0;
	snprintf(buf, sizeof(buf), "%s %s %s", u.sysname, u.release, u.machine);
	return set_str(run, "kernel", buf);
}

/* The "model name" of /proc/cpuinfo; absent on CPUs that lack it. */
static int describe_cpu(json_t *run)
{
	char line[512], *v, *nl;
	FILE *f = fopen("/proc/cpuinfo", "r");
	int ret = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		v = strchr(line, ':');
		if (!v)
			continue;
		v += strspn(v + 1, " \t") + 1;
		nl = strchr(v, '\n');
		if (nl)
			*nl = '\0';
		ret = set_str(run, "cpu_model", v);
		break;
	}
	fclose(f);
	return ret;
}

/* The calibration's figures, where the TSC was calibrated. */
static int describe_calibration(json_t *c, const struct bench_clock *clk)
{
	json_t *cal;
	int ret = 0;

	if (!clk->calibrations)
		return 0;
	cal = json_pack("{s:i, s:f, s:f, s:f}", "runs", (int)clk->calibrations,
			"spread_ppm", clk->spread_ppm, "uncertainty_ppm",
			clk->uncertainty_ppm, "duration_ms", clk->calibrate_ms);
	if (!cal)
		return -ENOMEM;
	if (clk->ref_hz > 0 && clk->tsc_hz > 0) {
		ret |= json_object_set_new(cal, "reference_hz",
					   json_real(clk->ref_hz));
		ret |= set_str(cal, "reference_source", clk->ref_source);
		ret |= json_object_set_new(
			cal, "reference_diff_ppm",
			json_real((clk->tsc_hz - clk->ref_hz) / clk->ref_hz *
				  1e6));
	}
	ret |= json_object_set_new(c, "calibration", cal);
	return ret ? -ENOMEM : 0;
}

static int describe_clock(json_t *run, const struct bench_clock *clk)
{
	json_t *c =
		json_pack("{s:s, s:s, s:f, s:f, s:f, s:I}", "source",
			  clk->source, "reason", clk->reason ? clk->reason : "",
			  "tsc_hz", clk->tsc_hz, "overhead_ns",
			  clk->overhead_ns, "resolution_ns", clk->resolution_ns,
			  "backward_steps", (json_int_t)clk->backwards);

	if (!c)
		return -ENOMEM;
	if (describe_calibration(c, clk)) {
		json_decref(c);
		return -ENOMEM;
	}
	return json_object_set_new(run, "clock", c) ? -ENOMEM : 0;
}

static int describe_iterations(json_t *run, const struct bench_opts *o)
{
	bool test_bw = o->test == BENCH_TEST_BW || o->test == BENCH_TEST_BIBW;
	json_t *it = json_object();
	int ret = 0;

	if (!it)
		return -ENOMEM;
	if (o->iters) {
		ret |= set_str(it, "policy", "fixed");
		ret |= json_object_set_new(it, "iterations",
					   json_integer((json_int_t)o->iters));
	} else if (o->time_per_size_s > 0) {
		ret |= set_str(it, "policy", "time");
		ret |= json_object_set_new(it, "time_per_size_s",
					   json_real(o->time_per_size_s));
	} else {
		ret |= set_str(it, "policy", "imb");
		ret |= set_str(
			it, "schedule",
			test_bw ? "max(20, min(1000, 40 MiB / (size x "
				  "window))) windows"
				: "min(1000, 40 MiB / size), at least 1");
	}
	if (o->warmup_set)
		ret |= json_object_set_new(it, "warmup",
					   json_integer((json_int_t)o->warmup));
	else
		ret |= set_str(it, "warmup", "10%, at least 10");
	if (test_bw)
		ret |= json_object_set_new(it, "window",
					   json_integer(o->window));
	ret |= json_object_set_new(it, "validate", json_boolean(o->validate));
	if (ret) {
		json_decref(it);
		return -ENOMEM;
	}
	return json_object_set_new(run, "iterations", it) ? -ENOMEM : 0;
}

static int describe_labels(struct bench_result *r, const struct bench_opts *o)
{
	unsigned i;
	int ret;

	for (i = 0; i < o->n_labels; i++) {
		ret = bench_result_set_label(r, o->labels[i].key,
					     o->labels[i].value);
		if (ret)
			return ret;
	}
	return 0;
}

int bench_run_describe(struct bench_result *r, const struct bench_opts *o,
		       struct bench_bootstrap *bs,
		       const struct bench_clock *clk)
{
	int ret = 0;

	if (!r->tool_version) {
		r->tool_version = strdup(IBPONG_VERSION);
		if (!r->tool_version)
			return -ENOMEM;
	}
	if (!r->run) {
		r->run = json_object();
		if (!r->run)
			return -ENOMEM;
	}
	ret = describe_command_line(r->run, o);
	ret = ret ? ret : describe_start_time(r->run);
	ret = ret ? ret : describe_hosts(r->run, bs);
	ret = ret ? ret : describe_kernel(r->run);
	ret = ret ? ret : describe_cpu(r->run);
	ret = ret ? ret : describe_clock(r->run, clk);
	ret = ret ? ret
		  : bench_env_describe(r->run, bs, o->warn_unpinned,
				       o->tuning_env);
	ret = ret ? ret : describe_iterations(r->run, o);
	ret = ret ? ret : describe_labels(r, o);
	return ret;
}
