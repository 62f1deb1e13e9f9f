/* csvio.h: CSV rows with columns found by header name, and correctly quoted CSV output (libcsv). */
#ifndef PPV_CSVIO_H
#define PPV_CSVIO_H

#include <stdio.h>
#include "input.h"

typedef struct ppv_csv ppv_csv;

/* Reads the header row at once; dies (exit 2) on an empty input. */
ppv_csv *ppv_csv_open(ppv_input *in);
/* Like ppv_csv_open, for input that may come without its header line (a
 * Hadoop input split): when no field of the first row is key, the columns
 * are those of header ("a,b,c") and the first row is data. NULL when the
 * input is empty. */
ppv_csv *ppv_csv_open_as(ppv_input *in, const char *header, const char *key);
/* Column index of a header name (case-insensitive, blanks trimmed), or -1. */
int ppv_csv_col(const ppv_csv *c, const char *name);
/* The same for a column the table cannot do without: dies (exit 2) naming it. */
int ppv_csv_need(const ppv_csv *c, const char *name);
/* The next row: 1, or 0 at the end. A malformed row dies with file:line. */
int ppv_csv_next(ppv_csv *c);
/* The field of the current row, "" when the row is short or col is -1. */
const char *ppv_csv_field(const ppv_csv *c, int col);
size_t ppv_csv_fieldlen(const ppv_csv *c, int col);
/* Both for n columns at once: a reader's hot path. */
void ppv_csv_fields(const ppv_csv *c, const int *col, int n, const char **f, size_t *len);
/* The first column of the current row whose field holds a NUL byte, or -1:
 * C strings would end there, so such a row is malformed. */
int ppv_csv_nul(const ppv_csv *c);
size_t ppv_csv_nfields(const ppv_csv *c);
/* The current row as one line of CSV, quoted as needed, a NUL shown as \0;
 * the caller frees it. */
char *ppv_csv_row_text(const ppv_csv *c);
/* Every field of the current row, each ending in a NUL, one after the other:
 * the row as data, to fingerprint it at once. */
const char *ppv_csv_row(const ppv_csv *c, size_t *n);
/* Such fields (a row kept from ppv_csv_row) as one line of CSV; the caller frees it. */
char *ppv_csv_fields_text(const char *fields, size_t n);
/* Line where the current row starts, for `file:line:` diagnostics. */
long ppv_csv_line(const ppv_csv *c);
const char *ppv_csv_name(const ppv_csv *c);
void ppv_csv_close(ppv_csv *c);

/* Writes one field, quoted only when it must be; last ends the record. */
void ppv_csv_put(FILE *fp, const char *s, size_t n, int last);
void ppv_csv_puts(FILE *fp, const char *s, int last);
/* A text field a spreadsheet will show as text: one starting with = + - @
 * (a formula to Excel) gets a leading apostrophe. */
void ppv_csv_text(FILE *fp, const char *s, int last);
/* ppv_csv_text's field (no separator) into o, which has room for 2n + 3
 * bytes; where it ends. For rows built in memory on another thread. */
char *ppv_csv_text_put(char *o, const char *s, size_t n);

#endif
