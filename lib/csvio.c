/* csvio.c: pull-style CSV rows on top of libcsv's push parser, and CSV field output. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "csvio.h"

struct ppv_csv {
	struct csv_parser p;
	ppv_input *in;
	char *arena;           /* fields of the current row, each NUL-terminated */
	size_t alen, acap;
	size_t *off;           /* field i starts at arena + off[i] */
	size_t *len;
	size_t nf, fcap;
	char **hdr;            /* header names, normalized */
	size_t nhdr;
	int done;              /* a row is complete */
	long line, rowline;
	int started;
	int pending;           /* the first row was data, not a header: not yet returned */
	int nul;               /* the first field of the row holding a NUL byte, + 1 */
	int nulline;           /* a line of the row holds one: only then are fields searched */
};

static void
on_field(void *s, size_t n, void *data)
{
	ppv_csv *c = data;

	if (c->nf == c->fcap) {
		c->fcap = c->fcap ? 2 * c->fcap : 16;
		c->off = ppv_xrealloc(c->off, c->fcap * sizeof *c->off);
		c->len = ppv_xrealloc(c->len, c->fcap * sizeof *c->len);
	}
	while (c->alen + n + 1 > c->acap) {
		c->acap = c->acap ? 2 * c->acap : 256;
		c->arena = ppv_xrealloc(c->arena, c->acap);
	}
	if (c->nulline && n && !c->nul && memchr(s, 0, n))
		c->nul = (int)c->nf + 1;
	c->off[c->nf] = c->alen;
	c->len[c->nf] = n;
	if (n)
		memcpy(c->arena + c->alen, s, n);
	c->alen += n;
	c->arena[c->alen++] = '\0';
	c->nf++;
}

static void
on_row(int term, void *data)
{
	ppv_csv *c = data;

	(void)term;
	c->done = 1;
}

static int
next_row(ppv_csv *c)
{
	char *s;
	ssize_t n;

	c->nf = c->alen = 0;
	c->nul = c->nulline = 0;
	c->done = 0;
	c->started = 0;
	while (!c->done) {
		if ((n = ppv_input_line(c->in, &s)) < 0) {
			if (csv_fini(&c->p, on_field, on_row, c) != 0)
				ppv_die(PPV_ERR, "%s:%ld: unterminated quoted field",
				        ppv_input_name(c->in), c->rowline);
			return c->done;
		}
		c->line = ppv_input_lineno(c->in);
		if (!c->started) {
			c->rowline = c->line;
			c->started = 1;
		}
		s[n] = '\n';  /* the reader's NUL replaced the newline libcsv needs */
		if (!c->nulline && memchr(s, 0, (size_t)n))
			c->nulline = 1;
		if (csv_parse(&c->p, s, (size_t)n + 1, on_field, on_row, c) != (size_t)n + 1)
			ppv_die(PPV_ERR, "%s:%ld: %s", ppv_input_name(c->in), c->line,
			        csv_strerror(csv_error(&c->p)));
		s[n] = '\0';
		/* blank lines produce no row in libcsv; start the next row there */
		if (!c->done && c->nf == 0 && c->p.pstate == 0)
			c->started = 0;
	}
	return 1;
}

static char *
normalize(const char *s, size_t n)
{
	char *r;

	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))  /* a BOM from spreadsheets */
		s += 3, n -= 3;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	r = ppv_xrealloc(NULL, n + 1);
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

/* A parser with the first row read, or NULL for an empty input. */
static ppv_csv *
begin(ppv_input *in)
{
	ppv_csv *c = ppv_xcalloc(1, sizeof *c);

	c->in = in;
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		ppv_die(PPV_ERR, "out of memory");
	if (!next_row(c)) {
		ppv_csv_close(c);
		return NULL;
	}
	return c;
}

/* The current row's fields as the header names. */
static void
header_from_row(ppv_csv *c)
{
	c->nhdr = c->nf;
	c->hdr = ppv_xrealloc(NULL, c->nhdr * sizeof *c->hdr);
	for (size_t i = 0; i < c->nf; i++)
		c->hdr[i] = normalize(c->arena + c->off[i], c->len[i]);
}

ppv_csv *
ppv_csv_open(ppv_input *in)
{
	ppv_csv *c = begin(in);

	if (!c)
		ppv_die(PPV_ERR, "%s: empty input: a CSV header was expected", ppv_input_name(in));
	header_from_row(c);
	return c;
}

int
ppv_csv_col(const ppv_csv *c, const char *name)
{
	for (size_t i = 0; i < c->nhdr; i++)
		if (!strcasecmp(c->hdr[i], name))
			return (int)i;
	return -1;
}

int
ppv_csv_need(const ppv_csv *c, const char *name)
{
	int col = ppv_csv_col(c, name);

	if (col < 0)
		ppv_die(PPV_ERR, "%s: no '%s' column", ppv_csv_name(c), name);
	return col;
}

int
ppv_csv_next(ppv_csv *c)
{
	if (c->pending) {
		c->pending = 0;
		return 1;
	}
	return next_row(c);
}

ppv_csv *
ppv_csv_open_as(ppv_input *in, const char *header, const char *key)
{
	ppv_csv *c = begin(in);

	if (!c)
		return NULL;
	for (size_t i = 0; i < c->nf; i++) {
		char *h = normalize(c->arena + c->off[i], c->len[i]);
		int found = !strcmp(h, key);
		free(h);
		if (found) {
			header_from_row(c);
			return c;
		}
	}
	/* no header: the columns are the documented ones, and this row is data */
	for (const char *p = header; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t n = strcspn(p, ",");
		c->hdr = ppv_xrealloc(c->hdr, (c->nhdr + 1) * sizeof *c->hdr);
		c->hdr[c->nhdr++] = normalize(p, n);
	}
	c->pending = 1;
	return c;
}

/* Fields as one line of CSV through a memory stream; the caller frees it. */
typedef struct {
	FILE *m;
	char *text;
	size_t n;
} textbuf;

static void
text_begin(textbuf *t)
{
	t->text = NULL;
	if (!(t->m = open_memstream(&t->text, &t->n)))
		ppv_die(PPV_ERR, "out of memory");
}

static char *
text_end(textbuf *t)
{
	if (fclose(t->m) == EOF || !t->text)
		ppv_die(PPV_ERR, "out of memory");
	if (t->n && t->text[t->n - 1] == '\n')
		t->text[t->n - 1] = '\0';
	return t->text;
}

char *
ppv_csv_row_text(const ppv_csv *c)
{
	textbuf t;

	text_begin(&t);
	for (size_t i = 0; i < c->nf; i++) {
		const char *s = c->arena + c->off[i];
		size_t n = c->len[i];
		/* a NUL would end the text where it stands: shown as \0 instead */
		char *shown = NULL;
		if (memchr(s, 0, n)) {
			size_t k = 0;
			shown = ppv_xrealloc(NULL, 2 * n);
			for (size_t j = 0; j < n; j++)
				if (s[j])
					shown[k++] = s[j];
				else
					shown[k++] = '\\', shown[k++] = '0';
			s = shown, n = k;
		}
		ppv_csv_put(t.m, s, n, i + 1 == c->nf);
		free(shown);
	}
	return text_end(&t);
}

char *
ppv_csv_fields_text(const char *fields, size_t n)
{
	textbuf t;

	text_begin(&t);
	for (const char *p = fields, *end = fields + n; p < end;) {
		size_t k = strlen(p);
		ppv_csv_put(t.m, p, k, p + k + 1 >= end);
		p += k + 1;
	}
	return text_end(&t);
}

const char *
ppv_csv_row(const ppv_csv *c, size_t *n)
{
	*n = c->alen;
	return c->arena;
}

int
ppv_csv_nul(const ppv_csv *c)
{
	return c->nul - 1;
}

const char *
ppv_csv_field(const ppv_csv *c, int col)
{
	if (col < 0 || (size_t)col >= c->nf)
		return "";
	return c->arena + c->off[col];
}

void
ppv_csv_fields(const ppv_csv *c, const int *col, int n, const char **f, size_t *len)
{
	for (int i = 0; i < n; i++) {
		if (col[i] < 0 || (size_t)col[i] >= c->nf) {
			f[i] = "", len[i] = 0;
		} else {
			f[i] = c->arena + c->off[col[i]];
			len[i] = c->len[col[i]];
		}
	}
}

size_t
ppv_csv_fieldlen(const ppv_csv *c, int col)
{
	if (col < 0 || (size_t)col >= c->nf)
		return 0;
	return c->len[col];
}

size_t
ppv_csv_nfields(const ppv_csv *c)
{
	return c->nf;
}

long
ppv_csv_line(const ppv_csv *c)
{
	return c->rowline;
}

const char *
ppv_csv_name(const ppv_csv *c)
{
	return ppv_input_name(c->in);
}

void
ppv_csv_close(ppv_csv *c)
{
	if (!c)
		return;
	csv_free(&c->p);
	for (size_t i = 0; i < c->nhdr; i++)
		free(c->hdr[i]);
	free(c->hdr);
	free(c->arena);
	free(c->off);
	free(c->len);
	free(c);
}

/* Four vectorized memchr passes beat one byte loop on long fields (tokens,
 * URLs); on short ones (ids, names) the four calls cost more than the bytes:
 * a million creators' payout rows spent 0.1 s of a core in them. */
static int
needs_quotes(const char *s, size_t n)
{
	if (n && (s[0] == ' ' || s[n - 1] == ' '))
		return 1;
	if (n < 32) {
		for (size_t i = 0; i < n; i++)
			if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
				return 1;
		return 0;
	}
	return memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) || memchr(s, '\r', n);
}

void
ppv_csv_put(FILE *fp, const char *s, size_t n, int last)
{
	/* Quote only when the field needs it, so plain values stay greppable. */
	if (needs_quotes(s, n))
		csv_fwrite(fp, s, n);
	else
		fwrite_unlocked(s, 1, n, fp);  /* no thread shares a CSV stream; the lock was a tenth of a token's cost */
	putc_unlocked(last ? '\n' : ',', fp);
}

void
ppv_csv_puts(FILE *fp, const char *s, int last)
{
	ppv_csv_put(fp, s, strlen(s), last);
}

/* A spreadsheet runs a cell starting with these as a formula (OWASP's CSV
 * injection); a leading apostrophe makes it text and shows nothing. */
static int
formula(const char *s)
{
	return *s && strchr("=+-@\t\r", *s);
}

void
ppv_csv_text(FILE *fp, const char *s, int last)
{
	if (formula(s)) {
		size_t n = strlen(s);
		char *t = ppv_xrealloc(NULL, n + 2);
		t[0] = '\'';
		memcpy(t + 1, s, n + 1);
		ppv_csv_put(fp, t, n + 1, last);
		free(t);
		return;
	}
	ppv_csv_puts(fp, s, last);
}

char *
ppv_csv_text_put(char *o, const char *s, size_t n)
{
	int f = formula(s);

	if (!needs_quotes(s, n)) {
		if (f)
			*o++ = '\'';
		return (char *)memcpy(o, s, n) + n;
	}
	/* quoted after the apostrophe, if any: "'..." */
	size_t k = csv_write(o + f, 2 * n + 2, s, n);
	if (f)
		o[0] = '"', o[1] = '\'';
	return o + f + k;
}
