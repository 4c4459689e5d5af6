/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Data files and the gnuplot run (plot.h).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "config.h"
#include "log.h"
#include "options.h"
#include "report.h"
#include "render/plot.h"
#include "render/plot_int.h"
#include "sizes.h"

#ifndef REPORT_GNUPLOT_SRCDIR
#define REPORT_GNUPLOT_SRCDIR "report/gnuplot"
#endif

const char *report_plot_ext(enum report_plot_format f)
{
	return f == REPORT_PLOT_SVG ? "svg" : "png";
}

int report_plot_format_parse(const char *s, enum report_plot_format *f)
{
	if (!strcmp(s, "png"))
		*f = REPORT_PLOT_PNG;
	else if (!strcmp(s, "svg"))
		*f = REPORT_PLOT_SVG;
	else
		return -EINVAL;
	return 0;
}

void report_series_free(struct report_series *s, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++) {
		free(s[i].title);
		free(s[i].pts);
		s[i].title = NULL;
		s[i].pts = NULL;
	}
}

/* A point the axis can show: latency axes are logarithmic. */
static bool report_plot_value_ok(double v, const struct report_metric *m)
{
	return isfinite(v) && (v > 0 || (m->bandwidth && v == 0));
}

static int plot_cmp_row(const void *a, const void *b, void *arg)
{
	const struct bench_row *rows = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	size_t sx = rows[x].size_bytes, sy = rows[y].size_bytes;

	if (sx != sy)
		return (sx > sy) - (sx < sy);
	return (x > y) - (x < y);
}

/*
 * One point per distinct size, ascending: the median over the rows of
 * that size (the pairs of a sweep). The rows are sorted by size through
 * an index, so that the whole series costs O(n log n), not a rescan of
 * every row for each size.
 */
int report_series_from_result(const struct bench_result *r,
			      const struct report_metric *m, const char *title,
			      struct report_series *out)
{
	struct report_point *pts, agg;
	size_t i, j, k, size, *idx;

	out->n = 0;
	out->title = strdup(title);
	out->pts = calloc(r->n_rows + 1, sizeof(*out->pts));
	pts = calloc(r->n_rows + 1, sizeof(*pts));
	idx = calloc(r->n_rows + 1, sizeof(*idx));
	if (!out->title || !out->pts || !pts || !idx) {
		free(pts);
		free(idx);
		return -ENOMEM;
	}
	for (i = 0; i < r->n_rows; i++)
		idx[i] = i;
	qsort_r(idx, r->n_rows, sizeof(*idx), plot_cmp_row, r->rows);
	for (i = 0; i < r->n_rows; i = j) {
		size = r->rows[idx[i]].size_bytes;
		for (j = i, k = 0;
		     j < r->n_rows && r->rows[idx[j]].size_bytes == size; j++)
			report_point_get(&r->rows[idx[j]], m, &pts[k++]);
		if (size == 0 && m->bandwidth)
			continue;
		report_point_aggregate(pts, k, &agg);
		if (!report_plot_value_ok(agg.value, m))
			continue;
		out->pts[out->n].x = size ? (double)size : REPORT_PLOT_ZERO_X;
		out->pts[out->n++].y = agg.value;
	}
	free(pts);
	free(idx);
	return 0;
}

int report_mkdir_p(const char *dir)
{
	char buf[PATH_MAX];
	size_t i, len = strlen(dir);

	if (!len || len >= sizeof(buf)) {
		bench_err("%s: bad directory name", dir);
		return -EINVAL;
	}
	memcpy(buf, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST) {
			int ret = -errno;

			bench_err("mkdir %s: %s", buf, strerror(errno));
			return ret;
		}
		buf[i] = dir[i];
	}
	return 0;
}

/* Quote s for a gnuplot single-quoted string: '' stands for '. */
static int plot_quote(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s; s++) {
		if (o + 3 >= len)
			return -ENOSPC;
		if (*s == '\'')
			out[o++] = '\'';
		out[o++] = (*s == '\n' || *s == '\r') ? ' ' : *s;
	}
	out[o] = '\0';
	return 0;
}

int plot_var(char **argv, int *argc, const char *name, const char *value)
{
	char q[PLOT_VAR_MAX], *arg;

	if (*argc + 2 >= PLOT_ARGS_MAX || plot_quote(value, q, sizeof(q)))
		return -ENOSPC;
	if (asprintf(&arg, "%s='%s'", name, q) < 0)
		return -ENOMEM;
	argv[(*argc)++] = strdup("-e");
	argv[(*argc)++] = arg;
	return argv[*argc - 2] ? 0 : -ENOMEM;
}

static bool plot_file_exists(const char *dir, const char *kind)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s.gp", dir, kind) >=
	    sizeof(path))
		return false;
	return access(path, R_OK) == 0;
}

/* The template directory holding kind.gp (see plot.h). */
int plot_template_dir(const char *kind, char *out, size_t len)
{
	/* ibpong-report is installed in libexec/ibpong/ (config.h) */
	static const char *const rel[] = { "/" IBPONG_LIBEXEC_TO_DATA
					   "/gnuplot",
					   "/../share/ibpong/gnuplot" };
	const char *env = getenv("IBPONG_GNUPLOT_DIR");
	char exe[PATH_MAX];
	ssize_t n;
	size_t i;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return plot_file_exists(out, kind) ? 0 : -ENOENT;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			if ((size_t)snprintf(out, len, "%s%s", exe, rel[i]) <
				    len &&
			    plot_file_exists(out, kind))
				return 0;
		}
	}
	snprintf(out, len, "%s", REPORT_GNUPLOT_SRCDIR);
	return plot_file_exists(out, kind) ? 0 : -ENOENT;
}

/* Wait for pid at most timeout_s; kill it past that. */
static int plot_wait(pid_t pid, int timeout_s)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	long waited_ms = 0;
	int status;
	pid_t w;

	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (waited_ms >= timeout_s * 1000L) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			bench_err("gnuplot: no result after %d s; killed",
				  timeout_s);
			return -ETIMEDOUT;
		}
		nanosleep(&tick, NULL);
		waited_ms += 10;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		bench_err("gnuplot: not found (install gnuplot, or set "
			  "IBPONG_GNUPLOT)");
		return -ENOENT;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		bench_err("gnuplot failed (status %d)", status);
		return -EIO;
	}
	return 0;
}

/* Whether prog (a path, or a name looked up in $PATH) can be run. */
static bool plot_executable(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[PATH_MAX];
	size_t len;

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	for (p = path && *path ? path : "/usr/bin:/bin"; p;
	     p = end ? end + 1 : NULL) {
		end = strchr(p, ':');
		len = end ? (size_t)(end - p) : strlen(p);
		if ((size_t)snprintf(buf, sizeof(buf), "%.*s/%s", (int)len,
				     len ? p : ".", prog) >= sizeof(buf))
			continue;
		if (access(buf, X_OK) == 0)
			return true;
	}
	return false;
}

bool report_plot_available(void)
{
	const char *gp = getenv("IBPONG_GNUPLOT");

	return plot_executable(gp && *gp ? gp : "gnuplot");
}

/* $IBPONG_GNUPLOT_TIMEOUT (seconds), else REPORT_PLOT_TIMEOUT_S. */
static int plot_timeout_s(void)
{
	const char *env = getenv("IBPONG_GNUPLOT_TIMEOUT");
	long v;

	/* the one rule of numbers (bench/options.h); else the default */
	if (!env || bench_parse_int(env, 1, 3600, &v))
		return REPORT_PLOT_TIMEOUT_S;
	return (int)v;
}

/* Run gnuplot argv in dir, stdin from /dev/null, with a timeout. */
static int plot_run(char **argv, const char *dir)
{
	pid_t pid;
	int fd;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		bench_err("fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		if (chdir(dir))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	return plot_wait(pid, plot_timeout_s());
}

/* Write one series as "x y" lines under a header naming it. */
static int plot_write_series(const char *path, const struct report_series *s)
{
	FILE *f = fopen(path, "w");
	char title[256];
	size_t i;

	if (!f) {
		bench_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	snprintf(title, sizeof(title), "%s", s->title);
	for (i = 0; title[i]; i++)
		if (title[i] == '"' || title[i] == '#')
			title[i] = '\'';
	fprintf(f, "x \"%s\"\n", title);
	for (i = 0; i < s->n; i++)
		if (!isnan(s->pts[i].y))
			fprintf(f, "%.17g %.17g\n", s->pts[i].x, s->pts[i].y);
	if (fclose(f)) {
		bench_err("%s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

int report_target_parse(const char *s, struct report_target *t)
{
	char buf[128], *colon, *sep;
	size_t lo, hi;
	double us;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	colon = strrchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (report_parse_double(colon + 1, &us) || !(us > 0))
		return -EINVAL;
	sep = strchr(buf, '-');
	if (!sep)
		sep = strchr(buf, ':');
	if (sep)
		*sep = '\0';
	if (bench_size_parse(buf, &lo))
		return -EINVAL;
	hi = lo;
	if (sep && bench_size_parse(sep + 1, &hi))
		return -EINVAL;
	if (hi < lo)
		return -EINVAL;
	t->min_bytes = lo;
	t->max_bytes = hi;
	t->max_us = us;
	return 0;
}

const struct report_target *report_target_find(const struct report_target *t,
					       size_t n, size_t size_bytes)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (size_bytes >= t[i].min_bytes &&
		    size_bytes <= t[i].max_bytes)
			return &t[i];
	return NULL;
}

static void plot_size_label(double x, char *buf, size_t len)
{
	static const char units[] = "BKMGT";
	double v = x;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u)
		snprintf(buf, len, "%.0f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f", v);
}

/* A tic list over the x range of fig: powers of 2 or 4, "0" at the floor. */
static void plot_size_tics(const struct report_figure *fig, char *out,
			   size_t len, bool *zero, double *xlo, double *xhi)
{
	double lo = INFINITY, hi = 0, x;
	size_t i, k, off;
	char label[16];
	int step = 1, p, p_lo, p_hi;

	*zero = false;
	for (i = 0; i < fig->n_series; i++)
		for (k = 0; k < fig->series[i].n; k++) {
			x = fig->series[i].pts[k].x;
			*zero |= x == REPORT_PLOT_ZERO_X;
			lo = x < lo && x >= 1 ? x : lo;
			hi = x > hi ? x : hi;
		}
	p_lo = isinf(lo) ? 0 : (int)floor(log2(lo));
	p_hi = hi >= 1 ? (int)ceil(log2(hi)) : 0;
	*xlo = *zero ? REPORT_PLOT_ZERO_X : ldexp(1, p_lo);
	*xhi = ldexp(1, p_hi) > *xlo ? ldexp(1, p_hi) : 2 * *xlo;
	while ((p_hi - p_lo) / step > 12)
		step *= 2;
	off = (size_t)snprintf(out, len, "(%s", *zero ? "\"0\" 0.5" : "");
	for (p = p_lo; p <= p_hi && off < len; p += step) {
		plot_size_label(ldexp(1, p), label, sizeof(label));
		off += (size_t)snprintf(out + off, len - off, "%s\"%s\" %.0f",
					off > 1 ? ", " : "", label,
					ldexp(1, p));
	}
	if (off < len)
		snprintf(out + off, len - off, ")");
}

/* 4096 -> "4 KiB" (legends). */
static void plot_size_text(size_t size, char *buf, size_t len)
{
	if (size >= (1u << 20) && !(size % (1u << 20)))
		snprintf(buf, len, "%zu MiB", size >> 20);
	else if (size >= 1024 && !(size % 1024))
		snprintf(buf, len, "%zu KiB", size >> 10);
	else
		snprintf(buf, len, "%zu B", size);
}

/* The legend of the targets: their values and ranges. */
static void plot_target_title(const struct report_figure *fig, char *buf,
			      size_t len)
{
	char lo[24], hi[24];
	size_t i, off;

	off = (size_t)snprintf(buf, len, "target");
	for (i = 0; i < fig->n_targets && off < len; i++) {
		const struct report_target *t = &fig->targets[i];

		plot_size_text(t->min_bytes, lo, sizeof(lo));
		plot_size_text(t->max_bytes, hi, sizeof(hi));
		off += (size_t)snprintf(
			buf + off, len - off, "%s <= %.3g us (%s%s%s)",
			i ? ";" : "", t->max_us, lo,
			t->max_bytes > t->min_bytes ? " - " : "",
			t->max_bytes > t->min_bytes ? hi : "");
	}
}

/* Points "x y" into dir/file; 0 or -errno. */
static int plot_write_points(const char *dir, const char *file,
			     const struct report_xy *p, size_t n, bool pairs)
{
	char path[PATH_MAX];
	FILE *f;
	size_t i;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	for (i = 0; i < n; i++)
		fprintf(f, "%.17g %.17g\n%s", p[i].x, p[i].y,
			pairs && i % 2 ? "\n" : "");
	return fclose(f) ? -EIO : 0;
}

/*
 * The dashed segments (the targets, or fig->segs) into tfile and the
 * marked points (those over their target, or fig->marks) into ffile;
 * "" for none. ttitle and ftitle get their legends.
 */
static int plot_write_targets(const struct report_figure *fig, const char *dir,
			      const char *name, char *tfile, char *ffile,
			      size_t len, char *ttitle, char *ftitle,
			      size_t tlen)
{
	struct report_xy *p;
	const struct report_target *t;
	size_t i, k, n = 0;
	int ret;

	tfile[0] = ffile[0] = '\0';
	snprintf(ttitle, tlen, "%s", fig->segs_title ? fig->segs_title : "");
	snprintf(ftitle, tlen, "%s",
		 fig->marks_title ? fig->marks_title : "over target");
	if (fig->n_segs) {
		snprintf(tfile, len, "%s-base.dat", name);
		ret = plot_write_points(dir, tfile, fig->segs, fig->n_segs,
					true);
		if (ret)
			return ret;
	}
	if (fig->n_marks) {
		snprintf(ffile, len, "%s-marks.dat", name);
		return plot_write_points(dir, ffile, fig->marks, fig->n_marks,
					 false);
	}
	if (!fig->n_targets)
		return 0;
	p = calloc(2 * fig->n_targets + 1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (i = 0; i < fig->n_targets; i++) {
		t = &fig->targets[i];
		p[2 * i].x = t->min_bytes ? (double)t->min_bytes
					  : REPORT_PLOT_ZERO_X;
		p[2 * i + 1].x = t->max_bytes ? (double)t->max_bytes
					      : REPORT_PLOT_ZERO_X;
		p[2 * i].y = p[2 * i + 1].y = t->max_us;
	}
	snprintf(tfile, len, "%s-target.dat", name);
	plot_target_title(fig, ttitle, tlen);
	ret = plot_write_points(dir, tfile, p, 2 * fig->n_targets, true);
	free(p);
	if (ret)
		return ret;
	for (i = 0; i < fig->n_series; i++)
		for (k = 0; k < fig->series[i].n; k++) {
			const struct report_xy *q = &fig->series[i].pts[k];
			size_t size = q->x < 1 ? 0 : (size_t)q->x;

			t = report_target_find(fig->targets, fig->n_targets,
					       size);
			n += t && q->y > t->max_us;
		}
	if (!n)
		return 0;
	p = calloc(n, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (i = 0, n = 0; i < fig->n_series; i++)
		for (k = 0; k < fig->series[i].n; k++) {
			const struct report_xy *q = &fig->series[i].pts[k];

			t = report_target_find(fig->targets, fig->n_targets,
					       q->x < 1 ? 0 : (size_t)q->x);
			if (t && q->y > t->max_us)
				p[n++] = *q;
		}
	snprintf(ffile, len, "%s-fail.dat", name);
	ret = plot_write_points(dir, ffile, p, n, false);
	free(p);
	return ret;
}

/* Write the series data files; files gets their names. */
static int plot_write_data(const struct report_figure *fig, const char *dir,
			   const char *name, char *files, size_t len)
{
	char fname[128], path[PATH_MAX];
	size_t i, k, off = 0;
	int ret;

	files[0] = '\0';
	for (i = 0; i < fig->n_series; i++) {
		for (k = 0; k < fig->series[i].n; k++)
			if (!isnan(fig->series[i].pts[k].y))
				break;
		if (k == fig->series[i].n)
			continue;
		snprintf(fname, sizeof(fname), "%s-%zu.dat", name, i + 1);
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, fname) >=
		    sizeof(path))
			return -ENAMETOOLONG;
		ret = plot_write_series(path, &fig->series[i]);
		if (ret)
			return ret;
		off += (size_t)snprintf(files + off, len - off, "%s%s",
					off ? " " : "", fname);
		if (off >= len)
			return -ENOSPC;
	}
	return off ? 0 : -EINVAL;
}

static void plot_free_args(char **argv, int argc)
{
	int i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
}

/* The titles and files beside the series, for plot_args. */
struct plot_extra {
	char tfile[PATH_MAX];
	char ffile[PATH_MAX];
	char bfile[PATH_MAX];
	char ttitle[512];
	char ftitle[256];
};

static int plot_args(const struct report_figure *fig, const char *tpl,
		     const char *out, enum report_plot_format fmt,
		     const char *files, const struct plot_extra *x, char **argv,
		     int *argc)
{
	const char *gp = getenv("IBPONG_GNUPLOT");
	char tics[PLOT_VAR_MAX];
	double xlo = 1, xhi = 2;
	bool zero = false;
	int ret;

	argv[(*argc)++] = strdup(gp && *gp ? gp : "gnuplot");
	if (fig->xtics)
		snprintf(tics, sizeof(tics), "%s", fig->xtics);
	else if (strcmp(fig->kind, "trend"))
		plot_size_tics(fig, tics, sizeof(tics), &zero, &xlo, &xhi);
	else
		tics[0] = '\0';
	ret = plot_var(argv, argc, "fmt", report_plot_ext(fmt));
	ret = ret ?: plot_var(argv, argc, "outfile", out);
	ret = ret ?: plot_var(argv, argc, "plottitle", fig->title);
	ret = ret ?: plot_var(argv, argc, "ylabel", fig->ylabel);
	ret = ret
		      ?: plot_var(argv, argc, "xlabel",
				  fig->xlabel ? fig->xlabel : "");
	ret = ret ?: plot_var(argv, argc, "files", files);
	ret = ret ?: plot_var(argv, argc, "tpldir", tpl);
	ret = ret ?: plot_var(argv, argc, "targetfile", x->tfile);
	ret = ret ?: plot_var(argv, argc, "failfile", x->ffile);
	ret = ret ?: plot_var(argv, argc, "targettitle", x->ttitle);
	ret = ret ?: plot_var(argv, argc, "failtitle", x->ftitle);
	ret = ret ?: plot_var(argv, argc, "basefile", x->bfile);
	ret = ret ?: plot_var(argv, argc, "xtics", tics);
	ret = ret
		      ?: plot_var(argv, argc, "timeformat",
				  fig->timeformat ? fig->timeformat
						  : "%Y-%m-%d");
	if (ret)
		return ret;
	argv[(*argc)++] = strdup("-e");
	if (asprintf(&argv[*argc],
		     "zeronote=%d; xlo=%.17g; xhi=%.17g; xtime=%d", zero, xlo,
		     xhi, fig->xtime) < 0)
		return -ENOMEM;
	(*argc)++;
	if (asprintf(&argv[*argc], "%s/%s.gp", tpl, fig->kind) < 0)
		return -ENOMEM;
	(*argc)++;
	return 0;
}

/*
 * Unless ret already failed, run gnuplot in dir and check that it wrote
 * dir/out (the path into path); argv is freed either way.
 */
int plot_run_check(int ret, char **argv, int argc, const char *dir,
		   const char *out, char *path, size_t len)
{
	struct stat sb;

	if (!ret)
		ret = plot_run(argv, dir);
	plot_free_args(argv, argc);
	if ((size_t)snprintf(path, len, "%s/%s", dir, out) >= len && !ret)
		ret = -ENAMETOOLONG;
	if (!ret && (stat(path, &sb) || sb.st_size == 0)) {
		bench_err("gnuplot wrote no %s", path);
		ret = -EIO;
	}
	return ret;
}

/* The baseline series into x->bfile ("" without one). */
static int plot_write_base(const struct report_figure *fig, const char *dir,
			   const char *name, struct plot_extra *x)
{
	char path[PATH_MAX];

	x->bfile[0] = '\0';
	if (!fig->baseline || !fig->baseline->n)
		return 0;
	snprintf(x->bfile, sizeof(x->bfile), "%s-baseline.dat", name);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, x->bfile) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	return plot_write_series(path, fig->baseline);
}

int report_plot_draw(const struct report_figure *fig, const char *dir,
		     const char *name, enum report_plot_format fmt, char *path,
		     size_t len)
{
	char tpl[PATH_MAX], files[PLOT_VAR_MAX], out[PATH_MAX];
	char *argv[PLOT_ARGS_MAX] = { 0 };
	struct plot_extra *x = calloc(1, sizeof(*x));
	int argc = 0, ret;

	if (!x)
		return -ENOMEM;
	ret = plot_template_dir(fig->kind, tpl, sizeof(tpl));
	if (ret) {
		bench_err("gnuplot template %s.gp not found (looked in "
			  "$IBPONG_GNUPLOT_DIR, ../share/ibpong/gnuplot, %s)",
			  fig->kind, REPORT_GNUPLOT_SRCDIR);
		free(x);
		return ret;
	}
	ret = plot_write_data(fig, dir, name, files, sizeof(files));
	if (ret == -EINVAL)
		bench_err("%s: no values to plot", name);
	if (!ret)
		ret = plot_write_targets(fig, dir, name, x->tfile, x->ffile,
					 sizeof(x->tfile), x->ttitle, x->ftitle,
					 sizeof(x->ftitle));
	if (!ret)
		ret = plot_write_base(fig, dir, name, x);
	snprintf(out, sizeof(out), "%s.%s", name, report_plot_ext(fmt));
	if (!ret)
		ret = plot_args(fig, tpl, out, fmt, files, x, argv, &argc);
	free(x);
	return plot_run_check(ret, argv, argc, dir, out, path, len);
}
