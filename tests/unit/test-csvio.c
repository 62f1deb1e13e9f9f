/* test-csvio.c: CSV columns by header name, quoting both ways, gzip input. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "csvio.h"
#include "input.h"
#include "unit.h"

void
test_csvio(void)
{
	char path[] = "/tmp/ppv-unit-XXXXXX";
	int fd = mkstemp(path);
	gzFile gz = gzdopen(fd, "wb");

	gzputs(gz, "\xEF\xBB\xBFSubject , path\r\n\"fan, \"\"one\"\"\",/a\r\n\r\nfan2,\"/b\nc\"\nshort\n");
	gzclose(gz);

	ppv_input *in = ppv_input_open(path);
	ppv_csv *c = ppv_csv_open(in);
	int cs = ppv_csv_col(c, "subject"), cp = ppv_csv_col(c, "PATH");
	CHECK(cs == 0 && cp == 1 && ppv_csv_col(c, "ip") == -1);
	CHECK(ppv_csv_next(c) == 1);
	CHECK_STR(ppv_csv_field(c, cs), "fan, \"one\"");
	CHECK_STR(ppv_csv_field(c, cp), "/a");
	CHECK(ppv_csv_line(c) == 2);
	CHECK(ppv_csv_next(c) == 1);
	CHECK_STR(ppv_csv_field(c, cp), "/b\nc");
	CHECK(ppv_csv_line(c) == 4);
	CHECK(ppv_csv_next(c) == 1);
	CHECK_STR(ppv_csv_field(c, cp), "");
	CHECK(ppv_csv_nfields(c) == 1);
	CHECK(ppv_csv_next(c) == 0);
	ppv_csv_close(c);
	ppv_input_close(in);
	unlink(path);

	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	ppv_csv_puts(m, "plain", 0);
	ppv_csv_puts(m, "a,b", 0);
	ppv_csv_puts(m, "say \"hi\"", 0);
	ppv_csv_puts(m, "", 1);
	fclose(m);
	CHECK_STR(buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\n");
	free(buf);
}
