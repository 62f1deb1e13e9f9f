/* test-cli.c: what clients send, made safe to quote in a diagnostic; large blocks on huge pages. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The VmFlags of the mapping holding p, from /proc/self/smaps; "" if none. */
static void
vmflags(const void *p, char *out, size_t cap)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0;

	*out = 0;
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(out, cap, "%s", line + 8);
			break;
		}
	}
	fclose(f);
}

UNIT_TEST(test_xbig)
{
	enum { MB = 1 << 20 };
	char flags[512];

	/* a new block of megabytes starts on a 2 MiB boundary and asks for
	 * huge pages, where the kernel has them */
	unsigned char *p = ppv_xbig(NULL, 5 * MB);
	CHECK(((uintptr_t)p & (2 * MB - 1)) == 0);
	memset(p, 7, 5 * MB);
	vmflags(p, flags, sizeof flags);
	if (!access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK))
		CHECK(strstr(flags, " hg") != NULL);
	/* growing keeps what it held */
	p = ppv_xbig(p, 9 * MB);
	CHECK(p[0] == 7 && p[5 * MB - 1] == 7);
	free(p);
	/* small blocks are plain ones */
	char *s = ppv_xbig(NULL, 100);
	memcpy(s, "ok", 3);
	s = ppv_xbig(s, 200);
	CHECK_STR(s, "ok");
	free(s);
}
