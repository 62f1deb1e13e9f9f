/* test-event.c: an event row's currency and amount checked together: a known ISO 4217 code of three capitals, its exponent's digits at most. */
#include "event.h"
#include "unit.h"

static int
parse(const char *amount, const char *cur, ppv_event *v, char *err)
{
	const char *f[10] = { "e1", "1790812800", "c1", "ticket", amount, cur, "US", "v1", "web", "" };
	return ppv_event_parse(v, f, err, 256);
}

UNIT_TEST(test_event_currency)
{
	ppv_event v;
	char err[256];

	CHECK_INT(parse("12.34", "USD", &v, err), 0);
	CHECK_INT(v.amount, 1234);
	CHECK_STR(v.cur, "USD");
	CHECK_INT(parse("1250", "JPY", &v, err), 0);
	CHECK_INT(v.amount, 1250);
	CHECK_INT(parse("1.234", "KWD", &v, err), 0);
	CHECK_INT(v.amount, 1234);
	CHECK(parse("12.5", "JPY", &v, err) < 0);
	CHECK_STR(err, "amount '12.5' has more digits than JPY has");
	char code[4] = "---";
	CHECK_INT(ppv_currency_code("KWD", code), 3);
	CHECK_STR(code, "KWD");
	CHECK_INT(ppv_currency_code("JPY", code), 0);
	CHECK_INT(ppv_currency_code("usd", code), -1);
	CHECK_STR(code, "JPY");
	const char *bad[] = { "usd", "US", "USDX", "XXX", "", "U$D", "US " };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char want[64];
		snprintf(want, sizeof want, "'%s' is not an ISO 4217 currency", bad[i]);
		CHECK(parse("1", bad[i], &v, err) < 0);
		CHECK_STR(err, want);
	}
}
