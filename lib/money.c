/* money.c: amounts in integer minor units with ISO 4217 exponents, exact decimals, and rounded division. */
#include "money.h"

#include <stdlib.h>
#include <string.h>

/* ISO 4217 active codes (2024), grouped by exponent; all others are unknown
 * rather than guessed at 2, so a typo is an error and not someone's pay. */
static const char dig0[] = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
static const char dig3[] = "BHD IQD JOD KWD LYD OMR TND";
static const char dig4[] = "CLF UYW";
static const char dig2[] =
	"AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
	"BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR "
	"FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW "
	"KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN "
	"NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD "
	"SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU "
	"UZS VED VES WST XCD XSU YER ZAR ZMW ZWL";

/* every three-letter code's exponent, -1 unknown: built before main, so
 * that the threads that look codes up for each of millions of rows read it
 * and nothing else, and no flag is checked a call */
static signed char exp_of[26 * 26 * 26];

__attribute__((constructor)) static void
exp_build(void)
{
	static const struct { const char *list; int exp; } all[] = { { dig0, 0 }, { dig2, 2 }, { dig3, 3 }, { dig4, 4 } };

	memset(exp_of, -1, sizeof exp_of);
	for (size_t k = 0; k < sizeof all / sizeof *all; k++)
		for (const char *p = all[k].list; *p; p += p[3] ? 4 : 3)
			exp_of[((p[0] - 'A') * 26 + p[1] - 'A') * 26 + p[2] - 'A'] = (signed char)all[k].exp;
}

int
ppv_currency_exp(const char *code)
{
	if (code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' || code[2] < 'A' || code[2] > 'Z' ||
	    code[3])
		return -1;
	return exp_of[((code[0] - 'A') * 26 + code[1] - 'A') * 26 + code[2] - 'A'];
}

int
ppv_add(int64_t *acc, int64_t v)
{
	int64_t s;

	if (__builtin_add_overflow(*acc, v, &s))
		return -1;
	*acc = s;
	return 0;
}

__int128
ppv_pow10(int n)
{
	__int128 p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* Digits and one optional point: the integer of all digits and how many
 * were after the point. */
static int
digits(const char *s, size_t n, __int128 *v, int *frac)
{
	int seen = 0, point = 0, total = 0;

	*v = 0;
	*frac = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' && !point) {
			point = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (++total > 30)
			return -3;
		*v = *v * 10 + (s[i] - '0');
		seen = 1;
		*frac += point;
	}
	return seen && !(point && s[n - 1] == '.') ? 0 : -1;
}

int
ppv_money_parse(const char *s, size_t n, int exp, int64_t *minor)
{
	int neg = 0, frac, k;
	__int128 v;

	if (n && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++, n--;
	}
	if ((k = digits(s, n, &v, &frac)) < 0)
		return k;
	if (frac > exp)
		return -2;
	v *= ppv_pow10(exp - frac);
	if (v > INT64_MAX)
		return -3;
	*minor = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

char *
ppv_money_format(int64_t minor, int exp, char *buf)
{
	*ppv_money_put(minor, exp, buf) = 0;
	return buf;
}

char *
ppv_money_put(int64_t minor, int exp, char *buf)
{
	/* two digits a division: a million creators' payout rows are nine
	 * amounts each */
	static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	                            "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	                            "8081828384858687888990919293949596979899";
	char d[24], *q = d + sizeof d;  /* the digits, filled from the right */
	if (exp < 0)
		exp = 0;  /* an unknown currency's -1: the whole number */
	uint64_t u = minor < 0 ? -(uint64_t)minor : (uint64_t)minor;
	char *p = buf;

	while (u >= 100) {
		const char *two = pairs + 2 * (u % 100);
		u /= 100;
		*--q = two[1];
		*--q = two[0];
	}
	if (u >= 10) {
		*--q = pairs[2 * u + 1];
		*--q = pairs[2 * u];
	} else {
		*--q = (char)('0' + u);
	}
	while (d + sizeof d - q <= exp)
		*--q = '0';
	if (minor < 0)
		*p++ = '-';
	for (const char *dot = d + sizeof d - exp; q < dot;)
		*p++ = *q++;
	if (exp > 0) {
		*p++ = '.';
		while (q < d + sizeof d)
			*p++ = *q++;
	}
	return p;
}

int
ppv_decimal_parse(const char *s, size_t n, int neg, ppv_decimal *d)
{
	int minus = 0, frac;
	__int128 v;

	if (neg && n && *s == '-') {
		minus = 1;
		s++, n--;
	}
	if (digits(s, n, &v, &frac) < 0 || v > (__int128)999999999999999999LL)
		return -1;
	d->num = minus ? -(int64_t)v : (int64_t)v;
	d->scale = frac;
	return 0;
}

int64_t
ppv_div_round(__int128 num, __int128 den, enum ppv_rounding mode)
{
	if (den < 0)
		num = -num, den = -den;
	__int128 q = num / den, r = num % den;
	/* C truncates toward zero: work on the magnitude of the remainder */
	int neg = r < 0;
	__int128 ar = neg ? -r : r, twice = 2 * ar;

	if (twice > den || (twice == den && (mode == PPV_HALF_UP || (q & 1))))
		q += neg ? -1 : 1;
	return (int64_t)q;
}

char *
ppv_int_put(int64_t v, char *buf)
{
	return ppv_money_put(v, 0, buf);
}

int64_t
ppv_percent(int64_t amount, ppv_decimal d, enum ppv_rounding mode)
{
	return ppv_div_round((__int128)amount * d.num, ppv_pow10(d.scale) * 100, mode);
}

char *
ppv_i128_format(__int128 v, char *buf)
{
	char d[48];
	int n = 0;
	unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;

	do
		d[n++] = (char)('0' + (int)(u % 10));
	while ((u /= 10));
	char *p = buf;
	if (v < 0)
		*p++ = '-';
	while (n)
		*p++ = d[--n];
	*p = 0;
	return buf;
}
