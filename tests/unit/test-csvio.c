/* test-csvio.c: CSV columns by header name, quoting both ways, gzip input, headerless splits, formula-safe text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "csvio.h"
#include "input.h"
#include "unit.h"

UNIT_TEST(test_csvio)
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

	/* quoted whatever the field's length (short ones are scanned byte by
	 * byte, long ones by memchr) and wherever the character is */
	static const size_t lens[] = { 1, 2, 31, 32, 33, 100 };
	int misquoted = 0;
	for (size_t l = 0; l < sizeof lens / sizeof *lens; l++) {
		for (size_t at = 0; at < lens[l]; at++) {
			for (const char *ch = ",\"\n\r "; *ch; ch++) {
				char field[101];
				memset(field, 'x', lens[l]);
				field[lens[l]] = 0;
				field[at] = *ch;
				int inner = *ch == ' ' && at > 0 && at < lens[l] - 1;
				m = open_memstream(&buf, &len);
				ppv_csv_puts(m, field, 1);
				fclose(m);
				misquoted += (buf[0] == '"') == inner;
				free(buf);
			}
		}
		m = open_memstream(&buf, &len);
		ppv_csv_put(m, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		            lens[l], 1);
		fclose(m);
		misquoted += buf[0] == '"';
		free(buf);
	}
	CHECK(misquoted == 0);

	m = open_memstream(&buf, &len);
	ppv_csv_text(m, "=SUM(A1)", 0);
	ppv_csv_text(m, "@x", 0);
	ppv_csv_text(m, "a-b", 0);
	ppv_csv_text(m, "", 1);
	fclose(m);
	CHECK_STR(buf, "'=SUM(A1),'@x,a-b,\n");
	free(buf);

	/* a split without its header: the given columns, the first row kept */
	for (int with = 0; with < 2; with++) {
		FILE *f = fopen(path, "w");
		fputs(with ? "b,a\n2,1\n" : "2,1\n", f);
		fclose(f);
		in = ppv_input_open(path);
		c = ppv_csv_open_as(in, "b,a", "a");
		CHECK(c && ppv_csv_col(c, "a") == 1);
		CHECK(ppv_csv_next(c) == 1);
		CHECK_STR(ppv_csv_field(c, 1), "1");
		CHECK(ppv_csv_next(c) == 0);
		ppv_csv_close(c);
		ppv_input_close(in);
	}
	FILE *f = fopen(path, "w");
	fclose(f);
	in = ppv_input_open(path);
	CHECK(ppv_csv_open_as(in, "b,a", "a") == NULL);
	ppv_input_close(in);
	unlink(path);
}

/* ppv_csv_text_put writes into memory what ppv_csv_text writes to a stream,
 * every case of quoting and of a formula's apostrophe alike. */
UNIT_TEST(test_csv_text_put)
{
	static const char *const fields[] = {
		"", "c0001", "a b", " lead", "trail ", "a,b", "say \"hi\"", "two\nlines", "cr\r", "=SUM(A1)", "+1",
		"-2", "@x", "\tx", "\rx", "=a,b", "@\"q\"", "-x ", "a-b", "0123456789012345678901234567890123456789",
		"0123456789012345678901234567890123456789,", "=0123456789012345678901234567890123456789\"",
	};
	int differ = 0;

	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		char *want;
		size_t len, n = strlen(fields[i]);
		FILE *m = open_memstream(&want, &len);
		ppv_csv_text(m, fields[i], 0);
		fclose(m);
		char *got = malloc(2 * n + 4), *end = ppv_csv_text_put(got, fields[i], n);
		*end++ = ',';
		if ((size_t)(end - got) != len || memcmp(got, want, len)) {
			fprintf(stderr, "field %zu: ppv_csv_text '%s', ppv_csv_text_put '%.*s'\n", i, want, (int)(end - got),
			        got);
			differ++;
		}
		free(got);
		free(want);
	}
	CHECK(differ == 0);
}
