/* money.h: amounts in integer minor units with ISO 4217 exponents, exact decimals, and rounded division. */
#ifndef PPV_MONEY_H
#define PPV_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Digits after the point of an ISO 4217 code (JPY 0, USD 2, KWD 3, CLF 4);
 * -1 for a code that is not an active currency. */
int ppv_currency_exp(const char *code);

/* "12.50", "-3", "0.125": exactly exp digits or fewer after the point.
 * 0, or -1 when it is not a decimal, -2 when it has more digits than the
 * currency has, -3 when it does not fit. */
int ppv_money_parse(const char *s, size_t n, int exp, int64_t *minor);
/* "-12.50", exp (0 to 4 in ISO 4217, at most 18) digits after the point;
 * buf holds at least 32 bytes. */
char *ppv_money_format(int64_t minor, int exp, char *buf);
/* The same, unterminated; the end of what it wrote. */
char *ppv_money_put(int64_t minor, int exp, char *buf);
/* An integer in decimal ("-42"), unterminated, in at most 20 bytes: an
 * amount of exponent 0. The end of what it wrote. */
char *ppv_int_put(int64_t v, char *buf);

/* A rate or a percentage as written: num / 10^scale, up to 18 digits. */
typedef struct {
	int64_t num;
	int scale;
} ppv_decimal;

/* 0, or -1 when s is not a decimal (a sign is allowed only when neg is). */
int ppv_decimal_parse(const char *s, size_t n, int neg, ppv_decimal *d);

enum ppv_rounding { PPV_HALF_EVEN, PPV_HALF_UP };

/* num / den rounded to the nearest integer, ties by mode; den != 0. The
 * result must fit in 64 bits (the caller's amounts make sure it does). */
int64_t ppv_div_round(__int128 num, __int128 den, enum ppv_rounding mode);
/* amount * d / 100, rounded: a percentage of an amount. */
int64_t ppv_percent(int64_t amount, ppv_decimal d, enum ppv_rounding mode);

__int128 ppv_pow10(int n);
/* An exact 128-bit sum in decimal; buf holds at least 41 bytes. */
char *ppv_i128_format(__int128 v, char *buf);

/* *acc += v; -1, with *acc unchanged, when the sum does not fit in 64 bits:
 * every total of amounts goes through here, so none wraps silently. */
int ppv_add(int64_t *acc, int64_t v);

#endif
