/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The HTML writer: one self-contained page (inline CSS, plots inlined as
 * SVG, no external resource). Every text is escaped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "render/render.h"

#define HTML_SVG_MAX (64u << 20)

static const char html_style[] =
	"body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,"
	"sans-serif;margin:0;background:#f4f5f7;color:#1d2330}"
	"main{max-width:1180px;margin:0 auto;padding:24px 32px 64px;"
	"background:#fff;min-height:100vh;box-sizing:border-box}"
	"h1{font-size:1.7em;margin:0.2em 0 0.3em;border-bottom:3px solid "
	"#1f77b4;padding-bottom:0.3em}"
	"h2{font-size:1.3em;margin-top:1.8em;border-bottom:1px solid #dde;"
	"padding-bottom:0.2em}"
	"h3{font-size:1.05em;margin:1.2em 0 0.4em;color:#445}"
	"table{border-collapse:collapse;margin:0.4em 0 1em;font-size:0.86em}"
	"th,td{border:1px solid #d5d9e0;padding:3px 8px;text-align:left;"
	"font-variant-numeric:tabular-nums}"
	"th{background:#eef1f6;font-weight:600}td.n{text-align:right}"
	"td.FAIL,td.REGRESSION{color:#c62828;font-weight:600}"
	"td.improvement,td.pass{color:#1a7f37}"
	"td{white-space:nowrap}"
	"table.meta td{text-align:left;max-width:860px;overflow-wrap:anywhere;"
	"white-space:normal}"
	"tbody tr:nth-child(even){background:#fafbfc}"
	"tr.bad,tr.bad:nth-child(even){background:#fde8e8}"
	".verdict{font-size:1.05em;margin:0.6em 0 1.2em}"
	".pass{color:#1a7f37}.fail{color:#c62828}.none{color:#666}"
	"figure{margin:1em 0 2em}figcaption{color:#555;font-size:0.9em}"
	".plot svg{max-width:100%;height:auto;border:1px solid #e3e6ea}"
	"ul{margin-top:0.2em}";

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void html_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width, initial-scale=1\">\n<title>",
	      f);
	html_text(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n",
		html_style);
}

static void html_heading(FILE *f, int level, const char *text)
{
	char id[160];

	render_slug(text, id, sizeof(id));
	if (level == 2)
		fprintf(f, "<h2 id=\"%s\">", id);
	else
		fprintf(f, "<h%d>", level);
	html_text(f, text);
	fprintf(f, "</h%d>\n", level);
}

static void html_toc(FILE *f, const char *const *titles, size_t n)
{
	char id[160];
	size_t i;

	fputs("<nav class=\"toc\"><h2 id=\"contents\">Contents</h2><ol>\n", f);
	for (i = 0; i < n; i++) {
		render_slug(titles[i], id, sizeof(id));
		fprintf(f, "<li><a href=\"#%s\">", id);
		html_text(f, titles[i]);
		fputs("</a></li>\n", f);
	}
	fputs("</ol></nav>\n", f);
}

static void html_para(FILE *f, const char *text)
{
	fputs("<p>", f);
	html_text(f, text);
	fputs("</p>\n", f);
}

static void html_verdict(FILE *f, const char *label, const char *word, bool bad)
{
	const char *cls = bad ? "fail" : strcmp(word, "PASS") ? "none" : "pass";

	fputs("<p class=\"verdict\">", f);
	html_text(f, label);
	fprintf(f, ": <strong class=\"%s\">", cls);
	html_text(f, word);
	fputs("</strong></p>\n", f);
}

static void html_list_begin(FILE *f)
{
	fputs("<ul>\n", f);
}

static void html_list_item(FILE *f, const char *text)
{
	fputs("<li>", f);
	html_text(f, text);
	fputs("</li>\n", f);
}

static void html_list_end(FILE *f)
{
	fputs("</ul>\n", f);
}

static void html_table_begin(FILE *f, const char *const *head, size_t n)
{
	size_t i;

	/* A two-column field/value table is run metadata. */
	fprintf(f, "<table%s>\n<thead><tr>",
		n == 2 && !strcmp(head[0], "field") ? " class=\"meta\"" : "");
	for (i = 0; i < n; i++) {
		fputs("<th>", f);
		html_text(f, head[i]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
}

/* The class of a cell: numbers align right, verdict words are colored. */
static const char *html_cell_class(const char *s)
{
	static const char *const words[] = { "FAIL", "REGRESSION",
					     "improvement", "pass" };
	char *end;
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			return words[i];
	if (!strcmp(s, "-"))
		return "n";
	strtod(s, &end);
	return end != s && (!*end || *end == ' ') ? "n" : NULL;
}

static void html_table_row(FILE *f, const char *const *cells, size_t n,
			   bool bad)
{
	const char *cls;
	size_t i;

	fputs(bad ? "<tr class=\"bad\">" : "<tr>", f);
	for (i = 0; i < n; i++) {
		cls = html_cell_class(cells[i]);
		if (cls)
			fprintf(f, "<td class=\"%s\">", cls);
		else
			fputs("<td>", f);
		html_text(f, cells[i]);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

static void html_table_end(FILE *f)
{
	fputs("</tbody>\n</table>\n", f);
}

static char *html_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    (unsigned long)n > HTML_SVG_MAX || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

/*
 * Copy an SVG without its XML prolog, prefixing every id and every local
 * reference (href="#..", url(#..)) so that several plots in one page
 * keep their own definitions.
 */
static void html_svg_copy(FILE *f, const char *svg, int idx)
{
	static const char *const marks[] = { "id='", "id=\"", "href='#",
					     "href=\"#", "url(#" };
	const char *p = strstr(svg, "<svg");
	size_t i, len;

	while (p && *p) {
		for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
			len = strlen(marks[i]);
			if (!strncmp(p, marks[i], len))
				break;
		}
		if (i < sizeof(marks) / sizeof(marks[0])) {
			fwrite(p, 1, len, f);
			fprintf(f, "p%d-", idx);
			p += len;
			continue;
		}
		fputc(*p++, f);
	}
}

static int html_figure(FILE *f, const struct render_image *img, int idx)
{
	size_t len = 0;
	char *svg = html_read(img->path, &len);

	if (!svg || !strstr(svg, "<svg")) {
		bench_err("%s: cannot read the SVG plot", img->path);
		free(svg);
		return -EIO;
	}
	fputs("<figure>\n<div class=\"plot\">\n", f);
	html_svg_copy(f, svg, idx);
	fputs("</div>\n<figcaption>", f);
	html_text(f, img->caption);
	fputs("</figcaption>\n</figure>\n", f);
	free(svg);
	return 0;
}

static void html_end(FILE *f)
{
	fputs("</main>\n</body>\n</html>\n", f);
}

const struct render_writer_ops render_html_ops = {
	.begin = html_begin,
	.heading = html_heading,
	.toc = html_toc,
	.para = html_para,
	.verdict = html_verdict,
	.list_begin = html_list_begin,
	.list_item = html_list_item,
	.list_end = html_list_end,
	.table_begin = html_table_begin,
	.table_row = html_table_row,
	.table_end = html_table_end,
	.figure = html_figure,
	.end = html_end,
};
