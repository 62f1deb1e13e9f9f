/* test-input.c: lines of any length: fatal past 1 MiB by default, one skipped line on request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "input.h"
#include "unit.h"

UNIT_TEST(test_input)
{
	char path[] = "/tmp/ppv-unit-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	char *line;

	fputs("first\n", f);
	for (int i = 0; i < 3 << 20; i++)
		putc('x', f);
	fputs("\nlast", f);
	fclose(f);
	ppv_input *in = ppv_input_open(path);
	ppv_input_long_lines(in);
	CHECK(ppv_input_line(in, &line) == 5);
	CHECK_STR(line, "first");
	CHECK(ppv_input_line(in, &line) == -2);
	CHECK(ppv_input_lineno(in) == 2);
	CHECK(ppv_input_line(in, &line) == 4);
	CHECK_STR(line, "last");
	CHECK(ppv_input_lineno(in) == 3);
	CHECK(ppv_input_line(in, &line) == -1);
	ppv_input_close(in);

	/* a NUL inside a field is found, not read as the end of the text */
	f = fopen(path, "w");
	fwrite("a,b\n1,x\0y\n2,z\n", 1, 14, f);
	fclose(f);
	in = ppv_input_open(path);
	ppv_csv *c = ppv_csv_open(in);
	CHECK(ppv_csv_next(c) == 1);
	CHECK(ppv_csv_nul(c) == 1);
	char *text = ppv_csv_row_text(c);
	CHECK_STR(text, "1,x\\0y");
	free(text);
	CHECK(ppv_csv_next(c) == 1);
	CHECK(ppv_csv_nul(c) == -1);
	size_t n;
	const char *raw = ppv_csv_row(c, &n);
	text = ppv_csv_fields_text(raw, n);
	CHECK_STR(text, "2,z");
	free(text);
	text = ppv_csv_fields_text("a b\0c,d\0\0", 9);
	CHECK_STR(text, "a b,\"c,d\",");
	free(text);
	ppv_csv_close(c);
	ppv_input_close(in);
	unlink(path);
}
