/* test-money.c: ISO 4217 exponents, exact decimals, and rounding of ties both ways and below zero. */
#include "money.h"
#include "unit.h"

UNIT_TEST(test_money)
{
	int64_t v = 0;
	char b[32];
	ppv_decimal d;

	CHECK(ppv_currency_exp("USD") == 2);
	CHECK(ppv_currency_exp("JPY") == 0);
	CHECK(ppv_currency_exp("KWD") == 3);
	CHECK(ppv_currency_exp("CLF") == 4);
	CHECK(ppv_currency_exp("MAD") == 2);
	CHECK(ppv_currency_exp("ZWL") == 2);
	CHECK(ppv_currency_exp("XXX") == -1);
	CHECK(ppv_currency_exp("usd") == -1);
	CHECK(ppv_currency_exp("US") == -1);
	CHECK(ppv_currency_exp("USDX") == -1);

	CHECK(ppv_money_parse("12.50", 5, 2, &v) == 0 && v == 1250);
	CHECK(ppv_money_parse("12.5", 4, 2, &v) == 0 && v == 1250);
	CHECK(ppv_money_parse("12", 2, 2, &v) == 0 && v == 1200);
	CHECK(ppv_money_parse("-0.01", 5, 2, &v) == 0 && v == -1);
	CHECK(ppv_money_parse("+3", 2, 0, &v) == 0 && v == 3);
	CHECK(ppv_money_parse("1.234", 5, 3, &v) == 0 && v == 1234);
	CHECK(ppv_money_parse("12.501", 6, 2, &v) == -2);
	CHECK(ppv_money_parse("10.5", 4, 0, &v) == -2);
	CHECK(ppv_money_parse("12,50", 5, 2, &v) == -1);
	CHECK(ppv_money_parse("", 0, 2, &v) == -1);
	CHECK(ppv_money_parse(".", 1, 2, &v) == -1);
	CHECK(ppv_money_parse("1.", 2, 2, &v) == -1);
	CHECK(ppv_money_parse("1e3", 3, 2, &v) == -1);
	CHECK(ppv_money_parse("92233720368547758.08", 20, 2, &v) == -3);
	CHECK(ppv_money_parse("92233720368547758.07", 20, 2, &v) == 0 && v == INT64_MAX);

	v = INT64_MAX - 1;
	CHECK(ppv_add(&v, 1) == 0 && v == INT64_MAX);
	CHECK(ppv_add(&v, 1) == -1 && v == INT64_MAX);  /* unchanged on overflow */
	v = INT64_MIN;
	CHECK(ppv_add(&v, -1) == -1 && v == INT64_MIN);
	CHECK(ppv_add(&v, INT64_MAX) == 0 && v == -1);

	char w[48];
	CHECK_STR(ppv_i128_format(0, w), "0");
	CHECK_STR(ppv_i128_format(-(__int128)INT64_MAX * 1000, w), "-9223372036854775807000");
	CHECK_STR(ppv_i128_format(((__int128)1 << 126), w), "85070591730234615865843651857942052864");

	CHECK_STR(ppv_money_format(1250, 2, b), "12.50");
	CHECK_STR(ppv_money_format(-5, 2, b), "-0.05");
	CHECK_STR(ppv_money_format(0, 3, b), "0.000");
	CHECK_STR(ppv_money_format(1502, 0, b), "1502");
	CHECK_STR(ppv_money_format(-1502, -1, b), "-1502");
	CHECK_STR(ppv_money_format(7, 18, b), "0.000000000000000007");
	CHECK_STR(ppv_money_format(INT64_MIN, 2, b), "-92233720368547758.08");
	/* against printf's digits: every length, both signs, each exponent */
	int wrong = 0;
	uint64_t seed = 88172645463325252ULL;
	for (int i = 0; i < 20000; i++) {
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		int64_t m = (int64_t)(seed >> (seed % 64));
		m = i % 2 ? -m : m;
		if (i < 40)
			m = i % 2 ? INT64_MIN + i : INT64_MAX - i;
		for (int x = 0; x <= 4; x++) {
			char want[48], got[48];
			uint64_t u = m < 0 ? -(uint64_t)m : (uint64_t)m, p = 1;
			for (int k = 0; k < x; k++)
				p *= 10;
			if (x)
				snprintf(want, sizeof want, "%s%llu.%0*llu", m < 0 ? "-" : "", (unsigned long long)(u / p), x,
				         (unsigned long long)(u % p));
			else
				snprintf(want, sizeof want, "%lld", (long long)m);
			*ppv_money_put(m, x, got) = 0;
			wrong += strcmp(got, want) != 0;
		}
	}
	CHECK_INT(wrong, 0);
	/* put: the same digits, unterminated, and where they end */
	memset(b, 'x', 32);
	char *end = ppv_money_put(-5, 2, b);
	CHECK_INT(end - b, 5);
	CHECK(!memcmp(b, "-0.05x", 6));
	/* an integer: at most 20 bytes, the sign included */
	memset(b, 'x', 32);
	end = ppv_int_put(INT64_MIN, b);
	CHECK_INT(end - b, 20);
	CHECK(!memcmp(b, "-9223372036854775808x", 21));
	memset(b, 'x', 32);
	end = ppv_int_put(0, b);
	CHECK(!memcmp(b, "0x", 2));
	CHECK_INT(end - b, 1);
	memset(b, 'x', 32);
	end = ppv_int_put(1793577600, b);
	CHECK_INT(end - b, 10);
	CHECK(!memcmp(b, "1793577600x", 11));

	CHECK(ppv_decimal_parse("4.5", 3, 0, &d) == 0 && d.num == 45 && d.scale == 1);
	CHECK(ppv_decimal_parse("150.25", 6, 0, &d) == 0 && d.num == 15025 && d.scale == 2);
	CHECK(ppv_decimal_parse("-1", 2, 0, &d) == -1);
	CHECK(ppv_decimal_parse("-1", 2, 1, &d) == 0 && d.num == -1);

	/* ties: half-even goes to the even neighbour, half-up away from zero */
	CHECK(ppv_div_round(5, 2, PPV_HALF_EVEN) == 2);
	CHECK(ppv_div_round(7, 2, PPV_HALF_EVEN) == 4);
	CHECK(ppv_div_round(5, 2, PPV_HALF_UP) == 3);
	CHECK(ppv_div_round(-5, 2, PPV_HALF_EVEN) == -2);
	CHECK(ppv_div_round(-7, 2, PPV_HALF_EVEN) == -4);
	CHECK(ppv_div_round(-5, 2, PPV_HALF_UP) == -3);
	CHECK(ppv_div_round(5, -2, PPV_HALF_EVEN) == -2);
	CHECK(ppv_div_round(14, 10, PPV_HALF_EVEN) == 1);
	CHECK(ppv_div_round(16, 10, PPV_HALF_EVEN) == 2);
	CHECK(ppv_div_round(-16, 10, PPV_HALF_UP) == -2);
	CHECK(ppv_percent(100, (ppv_decimal){ 45, 1 }, PPV_HALF_EVEN) == 4);   /* 4.5 */
	CHECK(ppv_percent(100, (ppv_decimal){ 45, 1 }, PPV_HALF_UP) == 5);
	CHECK(ppv_percent(300, (ppv_decimal){ 45, 1 }, PPV_HALF_EVEN) == 14);  /* 13.5 */
	CHECK(ppv_percent(INT64_MAX / 2, (ppv_decimal){ 100, 0 }, PPV_HALF_EVEN) == INT64_MAX / 2);
	CHECK(ppv_pow10(18) == (__int128)1000000000000000000LL);
}
