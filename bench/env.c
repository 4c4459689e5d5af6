// SPDX-License-Identifier: BSD-2-Clause
/*
 * The environment fingerprint (env.h). Everything is read from sysfs,
 * /proc and the scheduler; what a machine does not expose is left out,
 * never guessed. Each rank sends its part as compact JSON text in a slot
 * of fixed size through the bootstrap.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "env.h"
#include "log.h"
#include "result.h"

#define ENV_SLOT   8192 /* bytes per rank of the static part */
#define USAGE_SLOT 512	/* bytes per rank of the counters */
#define SYS_CPU	   "/sys/devices/system/cpu"

/* The first line of a small file, without its newline: 0 or -errno. */
static int env_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		ret = -EIO;
	fclose(f);
	if (!ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

/* obj[key] = the file's first line, when it is readable UTF-8 text. */
static int env_set_file(json_t *obj, const char *key, const char *path)
{
	char buf[256];
	json_t *s;

	if (env_read_line(path, buf, sizeof(buf)) || !buf[0])
		return 0;
	s = json_string(buf);
	if (!s) /* not UTF-8: left out */
		return 0;
	return json_object_set_new(obj, key, s) ? -ENOMEM : 0;
}

/* A CPU set in the kernel's list syntax ("0-3,8"); its count in n. */
static void env_cpulist(const cpu_set_t *set, size_t setsize, char *buf,
			size_t len, int *n)
{
	int max = (int)(setsize * 8), cpu, end, used = 0;

	*n = 0;
	buf[0] = '\0';
	for (cpu = 0; cpu < max; cpu++) {
		if (!CPU_ISSET_S(cpu, setsize, set))
			continue;
		for (end = cpu;
		     end + 1 < max && CPU_ISSET_S(end + 1, setsize, set); end++)
			;
		*n += end - cpu + 1;
		if ((size_t)used < len)
			used += snprintf(buf + used, len - (size_t)used,
					 end > cpu ? "%s%d-%d" : "%s%d",
					 used ? "," : "", cpu, end);
		cpu = end;
	}
}

/*
 * cpus_allowed (sched_getaffinity), its count, the online CPUs and
 * pinned: fewer allowed CPUs than online ones (a cpuset counts), or a
 * single online CPU, where there is nowhere else to run.
 */
static int env_affinity(json_t *o, bool *pinned)
{
	size_t setsize = CPU_ALLOC_SIZE(1024);
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t *set;
	char list[1024];
	int n, ret = 0, ncpu = 1024;

	*pinned = true;
	for (;;) {
		set = CPU_ALLOC(ncpu);
		if (!set)
			return -ENOMEM;
		setsize = CPU_ALLOC_SIZE(ncpu);
		if (!sched_getaffinity(0, setsize, set))
			break;
		CPU_FREE(set);
		if (errno != EINVAL || ncpu >= 1 << 16)
			return 0; /* unknown: left out */
		ncpu *= 2;
	}
	env_cpulist(set, setsize, list, sizeof(list), &n);
	CPU_FREE(set);
	*pinned = online <= 1 || n < online;
	ret |= json_object_set_new(o, "cpus_allowed", json_string(list));
	ret |= json_object_set_new(o, "cpus_allowed_count", json_integer(n));
	if (online > 0)
		ret |= json_object_set_new(o, "cpus_online_count",
					   json_integer(online));
	ret |= json_object_set_new(o, "pinned", json_boolean(*pinned));
	return ret ? -ENOMEM : 0;
}

/* The NUMA node of a CPU: its sysfs directory holds a "nodeN" link. */
static int env_cpu_node(int cpu)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int node = -1;

	snprintf(path, sizeof(path), SYS_CPU "/cpu%d", cpu);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, "node", 4) && d->d_name[4] >= '0' &&
		    d->d_name[4] <= '9') {
			node = atoi(d->d_name + 4);
			break;
		}
	closedir(dir);
	return node;
}

/* The CPU the rank is on now, its NUMA node and frequency governor. */
static int env_cpu(json_t *o)
{
	char path[96];
	int cpu = sched_getcpu(), node, ret = 0;

	if (cpu < 0)
		return 0;
	ret |= json_object_set_new(o, "cpu", json_integer(cpu));
	node = env_cpu_node(cpu);
	if (node >= 0)
		ret |= json_object_set_new(o, "numa_node", json_integer(node));
	if (ret)
		return -ENOMEM;
	snprintf(path, sizeof(path), SYS_CPU "/cpu%d/cpufreq/scaling_governor",
		 cpu);
	return env_set_file(o, "cpu_governor", path);
}

/* The host's settings: SMT, transparent huge pages, clocksource, DMI. */
static int env_host(json_t *o)
{
	char buf[256], *open, *close;
	json_t *dmi = json_object();
	int ret = 0;

	if (!dmi)
		return -ENOMEM;
	if (!env_read_line(SYS_CPU "/smt/active", buf, sizeof(buf)) &&
	    (buf[0] == '0' || buf[0] == '1'))
		ret |= json_object_set_new(o, "smt_active",
					   json_boolean(buf[0] == '1'));
	/* "always [madvise] never": the bracketed one is in force */
	if (!env_read_line("/sys/kernel/mm/transparent_hugepage/enabled", buf,
			   sizeof(buf)) &&
	    (open = strchr(buf, '[')) && (close = strchr(open, ']'))) {
		*close = '\0';
		ret |= json_object_set_new(o, "transparent_hugepage",
					   json_string(open + 1));
	}
	ret |= env_set_file(o, "clocksource",
			    "/sys/devices/system/clocksource/clocksource0/"
			    "current_clocksource");
	ret |= env_set_file(dmi, "sys_vendor", "/sys/class/dmi/id/sys_vendor");
	ret |= env_set_file(dmi, "product_name",
			    "/sys/class/dmi/id/product_name");
	if (json_object_size(dmi))
		ret |= json_object_set(o, "dmi", dmi);
	json_decref(dmi);
	return ret ? -ENOMEM : 0;
}

static int env_not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Every RDMA device of the host and the NUMA node of its PCI function. */
static int env_hcas(json_t *o)
{
	struct dirent **names;
	json_t *hcas, *h;
	char path[512], buf[32];
	int i, n, ret = 0;

	n = scandir("/sys/class/infiniband", &names, env_not_dot, alphasort);
	if (n < 0)
		return 0;
	hcas = json_array();
	for (i = 0; i < n; i++) {
		h = hcas ? json_pack("{s:s}", "name", names[i]->d_name) : NULL;
		snprintf(path, sizeof(path),
			 "/sys/class/infiniband/%s/device/numa_node",
			 names[i]->d_name);
		/* -1: the platform names no node; absent: no PCI device */
		if (h && !env_read_line(path, buf, sizeof(buf)))
			ret |= json_object_set_new(h, "numa_node",
						   json_integer(atoi(buf)));
		if (!h || json_array_append_new(hcas, h))
			ret = -ENOMEM;
		free(names[i]);
	}
	free(names);
	if (!ret && hcas)
		ret = json_object_set(o, "hcas", hcas);
	json_decref(hcas);
	return ret || !hcas ? -ENOMEM : 0;
}

static int env_entry_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * "tuning_env": how many environment entries tunes() accepts and the
 * FNV-1a 64 digest of them, sorted, each with its newline: two ranks
 * launched alike give the same digest whatever order environ has.
 */
static int env_tuning(json_t *o, bool (*tunes)(const char *entry))
{
	const char **list;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t n = 0, i;
	char hex[24];
	char **e;

	for (e = environ; *e; e++)
		n += tunes(*e);
	list = calloc(n + 1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (n = 0, e = environ; *e; e++)
		if (tunes(*e))
			list[n++] = *e;
	qsort(list, n, sizeof(*list), env_entry_cmp);
	for (i = 0; i < n; i++)
		for (const char *c = list[i];; c++) {
			h = (h ^ (unsigned char)(*c ? *c : '\n')) *
			    0x100000001b3ull;
			if (!*c)
				break;
		}
	free(list);
	snprintf(hex, sizeof(hex), "%016" PRIx64, h);
	return json_object_set_new(o, "tuning_env",
				   json_pack("{s:I, s:s}", "count",
					     (json_int_t)n, "digest", hex))
		       ? -ENOMEM
		       : 0;
}

/* This rank's static part, as compact JSON text in slot. */
static int env_mine(char *slot, size_t len, bool (*tunes)(const char *entry))
{
	json_t *o = json_object();
	bool pinned;
	char *text;
	int ret;

	if (!o)
		return -ENOMEM;
	ret = env_affinity(o, &pinned);
	ret = ret ? ret : env_cpu(o);
	ret = ret ? ret : env_host(o);
	ret = ret ? ret : env_hcas(o);
	ret = ret || !tunes ? ret : env_tuning(o, tunes);
	text = ret ? NULL : json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return ret ? ret : -ENOMEM;
	if (strlen(text) >= len) /* a host with very many HCAs: say so */
		snprintf(slot, len, "{\"truncated\":true}");
	else
		memcpy(slot, text, strlen(text) + 1);
	free(text);
	return 0;
}

/* Each rank's slot parsed into an array; a bad one is a broken peer. */
static int env_collect(const char *all, size_t slot, int size, json_t *ranks)
{
	json_error_t jerr;
	json_t *o;
	int i;

	for (i = 0; i < size; i++) {
		char buf[ENV_SLOT];

		memcpy(buf, all + (size_t)i * slot, slot);
		buf[slot - 1] = '\0';
		o = json_loads(buf, 0, &jerr);
		if (!json_is_object(o)) {
			char why[sizeof(jerr.text) * 4];

			json_decref(o);
			bench_err("rank %d sent an environment that is not a "
				  "JSON object (%s): check the peer's build",
				  i,
				  bench_json_reason(&jerr, why, sizeof(why)));
			return -EPROTO;
		}
		if (json_array_append_new(ranks, o))
			return -ENOMEM;
	}
	return 0;
}

/* All the ranks' slots, in rank order, into *ranks. */
static int env_gather(struct bench_bootstrap *bs, const char *mine, size_t slot,
		      const char *what, json_t **ranks)
{
	char *all = calloc((size_t)bs->size, slot);
	int ret = -ENOMEM;

	*ranks = json_array();
	if (!all || !*ranks)
		goto out;
	ret = bench_bootstrap_exchange(bs, mine, all, slot);
	if (ret)
		bench_err("bootstrap %s: %s exchange failed: %s", bs->ops->name,
			  what, strerror(-ret));
	else
		ret = env_collect(all, slot, bs->size, *ranks);
out:
	free(all);
	if (ret) {
		json_decref(*ranks);
		*ranks = NULL;
	}
	return ret;
}

static void env_warn_unpinned(json_t *ranks)
{
	char list[256] = "";
	size_t i, used = 0;
	json_t *o;

	json_array_foreach (ranks, i, o) {
		if (json_is_false(json_object_get(o, "pinned")) &&
		    used < sizeof(list))
			used += (size_t)snprintf(list + used,
						 sizeof(list) - used, "%s%zu",
						 used ? ", " : "", i);
	}
	bench_warn("rank%s %s %s not pinned to CPUs (each may run on every "
		   "online CPU): results on unpinned ranks are noisy; pin "
		   "them (mpirun --bind-to core, srun --cpu-bind=cores)",
		   strchr(list, ',') ? "s" : "", list,
		   strchr(list, ',') ? "are" : "is");
}

/*
 * The ranks whose tuning_env digest differs from rank 0's, into
 * run.env.tuning_env_differs, with one warning from rank 0.
 */
static int env_tuning_compare(json_t *env, json_t *ranks, int me)
{
	const json_t *t0 =
		json_object_get(json_array_get(ranks, 0), "tuning_env");
	const char *d0 = json_string_value(json_object_get(t0, "digest"));
	json_t *differs = json_array(), *o;
	char list[256] = "";
	size_t i, used = 0;

	if (!differs)
		return -ENOMEM;
	json_array_foreach (ranks, i, o) {
		const char *d = json_string_value(json_object_get(
			json_object_get(o, "tuning_env"), "digest"));

		if (!d0 || !d || !strcmp(d, d0))
			continue;
		if (json_array_append_new(differs, json_integer((json_int_t)i)))
			goto nomem;
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used,
						 sizeof(list) - used, "%s%zu",
						 used ? ", " : "", i);
	}
	if (!json_array_size(differs)) {
		json_decref(differs);
		return 0;
	}
	if (me == 0)
		bench_warn("rank%s %s %s a different tuning environment from "
			   "rank 0's (the variables that tune the library, "
			   "run.env.ranks[].tuning_env): their figures may "
			   "not compare; launch every rank alike",
			   strchr(list, ',') ? "s" : "", list,
			   strchr(list, ',') ? "have" : "has");
	return json_object_set_new(env, "tuning_env_differs", differs) ? -ENOMEM
								       : 0;
nomem:
	json_decref(differs);
	return -ENOMEM;
}

int bench_env_describe(json_t *run, struct bench_bootstrap *bs,
		       bool warn_unpinned, bool (*tunes)(const char *entry))
{
	char mine[ENV_SLOT] = { 0 };
	json_t *ranks, *o, *env;
	bool pinned = true;
	size_t i;
	int ret;

	ret = env_mine(mine, sizeof(mine), tunes);
	if (ret)
		return ret;
	ret = env_gather(bs, mine, sizeof(mine), "environment", &ranks);
	if (ret)
		return ret;
	json_array_foreach (ranks, i, o) {
		if (json_is_false(json_object_get(o, "pinned")))
			pinned = false;
	}
	env = json_pack("{s:b, s:o}", "pinned", pinned, "ranks", ranks);
	if (!env || json_object_set_new(run, "env", env))
		return -ENOMEM;
	if (!pinned && warn_unpinned && bs->rank == 0)
		env_warn_unpinned(ranks);
	return tunes ? env_tuning_compare(env, ranks, bs->rank) : 0;
}

/* The first line of /proc/stat: "cpu user nice system idle ... steal" */
static void env_read_stat(struct bench_env_usage *u)
{
	unsigned long long v[10] = { 0 };
	char line[512];
	int n, i;

	if (env_read_line("/proc/stat", line, sizeof(line)))
		return;
	n = sscanf(line,
		   "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		   &v[8], &v[9]);
	if (n < 8)
		return;
	/* guest and guest_nice (8, 9) are already in user and nice */
	for (i = 0; i < 8; i++)
		u->total_ticks += v[i];
	u->steal_ticks = v[7];
	u->have_stat = true;
}

void bench_env_usage_read(struct bench_env_usage *u)
{
	struct rusage ru;
	struct timespec ts;

	memset(u, 0, sizeof(*u));
	u->cpu = sched_getcpu();
	if (!getrusage(RUSAGE_THREAD, &ru)) {
		u->voluntary = ru.ru_nvcsw;
		u->involuntary = ru.ru_nivcsw;
		u->have_rusage = true;
	}
	env_read_stat(u);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	u->mono_s = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_env_during_read(const struct bench_env_usage *s,
			   struct bench_env_during *d)
{
	struct bench_env_usage e;
	long hz = sysconf(_SC_CLK_TCK);

	bench_env_usage_read(&e);
	memset(d, 0, sizeof(*d));
	d->seconds = e.mono_s - s->mono_s;
	d->cpu_end = e.cpu;
	if (s->have_rusage && e.have_rusage) {
		d->voluntary = e.voluntary - s->voluntary;
		d->involuntary = e.involuntary - s->involuntary;
		d->have_rusage = 1;
	}
	if (s->have_stat && e.have_stat && hz > 0 &&
	    e.total_ticks > s->total_ticks) {
		double steal = (double)(e.steal_ticks - s->steal_ticks);

		d->steal_s = steal / (double)hz;
		d->steal_percent =
			steal * 100 / (double)(e.total_ticks - s->total_ticks);
		d->have_steal = 1;
	}
}

json_t *bench_env_during_json(const struct bench_env_during *d)
{
	json_t *o = json_pack("{s:f}", "seconds", d->seconds);
	int ret = 0;

	if (!o)
		return NULL;
	if (d->cpu_end >= 0)
		ret |= json_object_set_new(o, "cpu_end",
					   json_integer(d->cpu_end));
	if (d->have_rusage) {
		ret |= json_object_set_new(o, "voluntary_context_switches",
					   json_integer(d->voluntary));
		ret |= json_object_set_new(o, "involuntary_context_switches",
					   json_integer(d->involuntary));
	}
	if (d->have_steal) {
		ret |= json_object_set_new(o, "steal_s", json_real(d->steal_s));
		ret |= json_object_set_new(o, "steal_percent",
					   json_real(d->steal_percent));
	}
	if (ret) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The counters between start and now, as compact JSON in slot. */
static int env_usage_mine(const struct bench_env_usage *s, char *slot,
			  size_t len)
{
	struct bench_env_during d;
	json_t *o;
	char *text;

	bench_env_during_read(s, &d);
	o = bench_env_during_json(&d);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text || strlen(text) >= len) {
		free(text);
		return -ENOMEM;
	}
	memcpy(slot, text, strlen(text) + 1);
	free(text);
	return 0;
}

int bench_env_during_set(json_t *run, int rank,
			 const struct bench_env_usage *start)
{
	json_t *ranks = json_object_get(json_object_get(run, "env"), "ranks");
	json_t *entry = json_array_get(ranks, (size_t)rank);
	struct bench_env_during d;

	if (!json_is_object(entry))
		return 0;
	bench_env_during_read(start, &d);
	return json_object_set_new(entry, "during", bench_env_during_json(&d))
		       ? -ENOMEM
		       : 0;
}

int bench_env_finish(json_t *run, struct bench_bootstrap *bs,
		     const struct bench_env_usage *start)
{
	json_t *ranks = json_object_get(json_object_get(run, "env"), "ranks");
	char mine[USAGE_SLOT] = { 0 };
	json_t *during, *o;
	size_t i;
	int ret;

	if (!json_is_array(ranks) || json_array_size(ranks) != (size_t)bs->size)
		return 0;
	ret = env_usage_mine(start, mine, sizeof(mine));
	if (ret)
		return ret;
	ret = env_gather(bs, mine, sizeof(mine), "run counters", &during);
	if (ret)
		return ret;
	json_array_foreach (during, i, o) {
		if (json_object_set(json_array_get(ranks, i), "during", o)) {
			ret = -ENOMEM;
			break;
		}
	}
	json_decref(during);
	return ret;
}
