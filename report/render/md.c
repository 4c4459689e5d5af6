/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Markdown writer. Text is escaped so that no character of a result
 * (a label, a path) turns into markup or HTML.
 */
#include <stdio.h>
#include <string.h>

#include "render/render.h"

static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_{}[]<>#!|~", *s))
			fputc('\\', f);
		if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static void md_begin(FILE *f, const char *title)
{
	(void)f;
	(void)title;
}

static void md_heading(FILE *f, int level, const char *text)
{
	fprintf(f, "%.*s ", level, "######");
	md_text(f, text);
	fprintf(f, "\n\n");
}

static void md_toc(FILE *f, const char *const *titles, size_t n)
{
	char id[160];
	size_t i;

	fputs("## Contents\n\n", f);
	for (i = 0; i < n; i++) {
		render_slug(titles[i], id, sizeof(id));
		fputs("- [", f);
		md_text(f, titles[i]);
		fprintf(f, "](#%s)\n", id);
	}
	fputs("\n", f);
}

static void md_para(FILE *f, const char *text)
{
	md_text(f, text);
	fprintf(f, "\n\n");
}

static void md_verdict(FILE *f, const char *label, const char *word, bool bad)
{
	(void)bad;
	md_text(f, label);
	fprintf(f, ": **");
	md_text(f, word);
	fprintf(f, "**\n\n");
}

static void md_list_begin(FILE *f)
{
	(void)f;
}

static void md_list_item(FILE *f, const char *text)
{
	fprintf(f, "- ");
	md_text(f, text);
	fprintf(f, "\n");
}

static void md_list_end(FILE *f)
{
	fprintf(f, "\n");
}

static void md_table_row(FILE *f, const char *const *cells, size_t n, bool bad)
{
	size_t i;

	fprintf(f, "|");
	for (i = 0; i < n; i++) {
		fprintf(f, " ");
		if (bad && i == 0)
			fprintf(f, "**");
		md_text(f, cells[i]);
		if (bad && i == 0)
			fprintf(f, "**");
		fprintf(f, " |");
	}
	fprintf(f, "\n");
}

static void md_table_begin(FILE *f, const char *const *head, size_t n)
{
	size_t i;

	md_table_row(f, head, n, false);
	fprintf(f, "|");
	for (i = 0; i < n; i++)
		fprintf(f, "---|");
	fprintf(f, "\n");
}

static void md_table_end(FILE *f)
{
	fprintf(f, "\n");
}

static int md_figure(FILE *f, const struct render_image *img, int idx)
{
	const char *base = strrchr(img->path, '/');

	(void)idx;
	fprintf(f, "![");
	md_text(f, img->caption);
	/* The image sits beside report.md: a relative link. */
	fprintf(f, "](%s)\n\n", base ? base + 1 : img->path);
	return 0;
}

static void md_end(FILE *f)
{
	(void)f;
}

const struct render_writer_ops render_md_ops = {
	.begin = md_begin,
	.heading = md_heading,
	.toc = md_toc,
	.para = md_para,
	.verdict = md_verdict,
	.list_begin = md_list_begin,
	.list_item = md_list_item,
	.list_end = md_list_end,
	.table_begin = md_table_begin,
	.table_row = md_table_row,
	.table_end = md_table_end,
	.figure = md_figure,
	.end = md_end,
};
