/* rules.h: a month's money rules: fees matched first to last with their dates, withholding by country and tax form, FX rates by day, exact conversion. */
#ifndef PPV_RULES_H
#define PPV_RULES_H

#include <stdint.h>

#include "money.h"

/* No row of a table applies. */
enum { PPV_NOROW = 0xffff };

typedef struct {
	int store;                     /* a store fee, else the platform's */
	int kind;                      /* -1: any */
	char platform[16];             /* "": any */
	int64_t from, until;           /* [from, until) */
	ppv_decimal rate;
	int64_t fixed;                 /* per sale, in the base currency's minor units */
} ppv_fee;

typedef struct {
	char cc[4], bc[4], form[32];   /* "*": any */
	ppv_decimal rate;
} ppv_withholding;

typedef struct ppv_rules ppv_rules;

ppv_rules *ppv_rules_new(const char *base, enum ppv_rounding rounding);
void ppv_rules_free(ppv_rules *r);

/* The tables, CSV, plain or gzip. Each dies (exit 2) with file:line on a bad row. */
void ppv_rules_fees(ppv_rules *r, const char *path);
void ppv_rules_withholding(ppv_rules *r, const char *path);
void ppv_rules_fx(ppv_rules *r, const char *path);

/* The first fee row (store or platform) for a sale, or PPV_NOROW. */
int ppv_rules_fee(const ppv_rules *r, int store, int kind, const char *platform, int64_t t);
const ppv_fee *ppv_rules_fee_row(const ppv_rules *r, int row);
/* The first withholding row for a creator's country and tax form and a buyer's country. */
int ppv_rules_withholding_of(const ppv_rules *r, const char *creator_country, const char *tax_form,
                             const char *buyer_country);
const ppv_withholding *ppv_rules_withholding_row(const ppv_rules *r, int row);

/* Units of code per unit of the base currency on a day: the latest rate on or
 * before it (markets close at weekends). 0, or -1 without one. */
int ppv_rules_rate(const ppv_rules *r, const char *code, int64_t day, ppv_decimal *rate);
/* amount (in 10^-fexp of from's major unit) into to's minor units at instant
 * t's rates, rounded once; -1 without a rate, -2 when it does not fit. */
int ppv_rules_convert(const ppv_rules *r, __int128 amount, int fexp, const char *from, const char *to, int64_t t,
                      int64_t *out);

/* ppv_rules_convert in two steps, its rates looked up once for many amounts:
 * settling a million creators asked the same rate of each. */
typedef struct {
	__int128 mul, scale, den;      /* amount * mul * scale / den */
	enum ppv_rounding rounding;
} ppv_fx;
/* -1 without a rate. */
int ppv_rules_fx_at(const ppv_rules *r, int fexp, const char *from, const char *to, int64_t t, ppv_fx *fx);
/* -2 when the amount converted does not fit. */
int ppv_fx_apply(const ppv_fx *fx, __int128 amount, int64_t *out);

/* A table's date: YYYY-MM-DD at midnight UTC, or any instant. 0, or -1. */
int ppv_rules_day(const char *s, int64_t *t);

#endif
