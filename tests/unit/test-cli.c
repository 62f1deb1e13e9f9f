/* test-cli.c: what clients send, made safe to quote in a diagnostic. */
#include <stdint.h>

#include "cli.h"
#include "unit.h"

UNIT_TEST(test_cli)
{
	char out[64];

	CHECK_STR(ppv_printable(out, sizeof out, "live", 4), "live");
	CHECK_STR(ppv_printable(out, sizeof out, "l\n\x1b[2J", 6), "l\\x0a\\x1b[2J");
	CHECK_STR(ppv_printable(out, sizeof out, "a'b\\c", 5), "a\\x27b\\x5cc");
	CHECK_STR(ppv_printable(out, sizeof out, "\xc3\xa9\x7f", 3), "\\xc3\\xa9\\x7f");
	CHECK_STR(ppv_printable(out, sizeof out, "x\0y", 3), "x\\x00y");
	/* cut to fit, never half an escape */
	CHECK_STR(ppv_printable(out, 8, "abc\ndef", 7), "abc\\x0a");
	CHECK_STR(ppv_printable(out, 7, "abc\ndef", 7), "abc");
	CHECK_STR(ppv_printable(out, 6, "abcdefgh", 8), "abcde");
}

UNIT_TEST(test_mem_available)
{
	/* Linux always says how much memory is free */
	CHECK(ppv_mem_available() > (uint64_t)1 << 20);
}
