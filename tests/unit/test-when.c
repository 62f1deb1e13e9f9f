/* test-when.c: instants and durations. */
#include <stdint.h>

#include "unit.h"
#include "when.h"

UNIT_TEST(test_when)
{
	int64_t t, d;
	char buf[32];

	CHECK(ppv_time_parse("2026-11-25T04:30:00Z", &t) == 0 && t == 1795581000);
	CHECK(ppv_time_parse("2026-11-25T05:30:00+01:00", &t) == 0 && t == 1795581000);
	CHECK(ppv_time_parse("2026-11-25T04:30:00.250Z", &t) == 0 && t == 1795581000);
	CHECK(ppv_time_parse("2024-02-29", &t) == 0 && t == 1709164800);
	CHECK(ppv_time_parse("2023-02-29", &t) == -1);
	CHECK(ppv_time_parse("2026-11-25T04:30:00", &t) == -1);  /* no zone */
	CHECK(ppv_time_parse("1492404013", &t) == 0 && t == 1492404013);
	CHECK(ppv_time_parse("1492404013.5", &t) == 0 && t == 1492404013);
	CHECK(ppv_time_parse("12ab", &t) == -1);
	CHECK(ppv_time_parse("", &t) == -1);
	CHECK_STR(ppv_time_format(1795581000, buf), "2026-11-25T04:30:00Z");
	CHECK_STR(ppv_time_format(-1, buf), "1969-12-31T23:59:59Z");
	CHECK(ppv_duration_parse("90", &d) == 0 && d == 90);
	CHECK(ppv_duration_parse("2m", &d) == 0 && d == 120);
	CHECK(ppv_duration_parse("1h30m", &d) == 0 && d == 5400);
	CHECK(ppv_duration_parse("7d", &d) == 0 && d == 604800);
	CHECK(ppv_duration_parse("30m1h", &d) == -1);
	CHECK(ppv_duration_parse("1h30", &d) == -1);
	CHECK(ppv_duration_parse("1.5s", &d) == -1);
	CHECK(ppv_duration_parse("", &d) == -1);
	CHECK(ppv_duration_parse("99999999999999999999d", &d) == -1);
	CHECK(ppv_duration_parse_ms("1.5s", &d) == 0 && d == 1500);
	CHECK(ppv_duration_parse_ms("250ms", &d) == 0 && d == 250);
	CHECK(ppv_duration_parse_ms("2.5", &d) == 0 && d == 2500);
}
