/* test-throttle.c: bans after repeated failures, log lines per address and in all, a bounded table. */
#include "throttle.h"
#include "unit.h"

static ppv_throttle t;

UNIT_TEST(test_throttle)
{
	ppv_throttle_verdict v;
	char addr[32];

	memset(&t, 0, sizeof t);
	/* the first failure is said; the next ones within 10 s are counted */
	v = ppv_throttle_fail(&t, "10.0.0.1", 1000);
	CHECK(v.log && v.quiet == 0 && !v.banned);
	v = ppv_throttle_fail(&t, "10.0.0.1", 2000);
	CHECK(!v.log && !v.banned);
	v = ppv_throttle_fail(&t, "10.0.0.1", 3000);
	CHECK(!v.log);
	CHECK(!ppv_throttle_banned(&t, "10.0.0.1", 3000));
	/* another address has its own count */
	v = ppv_throttle_fail(&t, "10.0.0.2", 3000);
	CHECK(v.log && v.quiet == 0);
	/* the fifth within a minute bans, said at once with the ones not said */
	ppv_throttle_fail(&t, "10.0.0.1", 4000);
	v = ppv_throttle_fail(&t, "10.0.0.1", 5000);
	CHECK(v.banned && v.log && v.quiet == 3);
	CHECK(ppv_throttle_banned(&t, "10.0.0.1", 5000 + 59999));
	CHECK(!ppv_throttle_banned(&t, "10.0.0.1", 5000 + 60000));
	CHECK(!ppv_throttle_banned(&t, "10.0.0.2", 6000));
	/* failures a minute apart never add up to a ban */
	for (int i = 0; i < 10; i++) {
		v = ppv_throttle_fail(&t, "10.0.0.3", 100000 + i * 60000);
		CHECK(!v.banned && v.log);
	}
	/* many addresses: at most 20 lines in 10 s, in all */
	unsigned said = 0;
	for (int i = 0; i < 100; i++) {
		snprintf(addr, sizeof addr, "192.0.2.%d", i);
		said += ppv_throttle_fail(&t, addr, 2000000).log;
	}
	CHECK(said == 20);
	/* more addresses than the table holds: it stays bounded, the newest known */
	for (int i = 0; i < 1000; i++) {
		snprintf(addr, sizeof addr, "198.51.%d.%d", i / 256, i % 256);
		for (int k = 0; k < 5; k++)
			ppv_throttle_fail(&t, addr, 3000000 + i);
	}
	CHECK(t.n == PPV_THROTTLE_ADDRS);
	CHECK(ppv_throttle_banned(&t, "198.51.3.231", 3000999));
}
