/* rules.c: a month's money rules from their tables: fees, withholding and FX rates, and conversion at them. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "event.h"
#include "streq.h"
#include "when.h"

struct fxcur {
	char code[4];
	struct { int64_t day; ppv_decimal rate; } *d;
	size_t n, cap;
};

/* pattern is "*" (anything) or s but for case */
static inline int
matches(const char *pattern, const char *s)
{
	return (pattern[0] == '*' && !pattern[1]) || ppv_caseeq(pattern, s);
}

struct ppv_rules {
	char base[4];
	enum ppv_rounding rounding;
	ppv_fee *fee;
	size_t nfee;
	ppv_withholding *wh;
	size_t nwh;
	struct fxcur *fx;
	size_t nfx;
};

ppv_rules *
ppv_rules_new(const char *base, enum ppv_rounding rounding)
{
	ppv_rules *r = ppv_xcalloc(1, sizeof *r);

	snprintf(r->base, sizeof r->base, "%s", base);
	r->rounding = rounding;
	return r;
}

void
ppv_rules_free(ppv_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nfx; i++)
		free(r->fx[i].d);
	free(r->fee), free(r->wh), free(r->fx);
	free(r);
}

static const char *
field(ppv_csv *c, int col)
{
	return ppv_csv_field(c, col);
}

int
ppv_rules_day(const char *s, int64_t *t)
{
	unsigned y, m, d;
	char tail;

	if (sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		*t = ppv_days_from_civil(y, m, d) * 86400;
		return 0;
	}
	return ppv_time_parse(s, t);
}


void
ppv_rules_fees(ppv_rules *rs, const char *path)
{
	ppv_input *in = ppv_input_open(path);
	ppv_csv *c = ppv_csv_open(in);
	int cfee = ppv_csv_need(c, "fee"), ckind = ppv_csv_need(c, "kind"), cplat = ppv_csv_need(c, "platform"), cfrom = ppv_csv_need(c, "from"),
	    cuntil = ppv_csv_need(c, "until"), crate = ppv_csv_need(c, "rate"), cfixed = ppv_csv_col(c, "fixed");

	while (ppv_csv_next(c)) {
		ppv_fee f = { .kind = -1, .from = INT64_MIN, .until = INT64_MAX };
		const char *name = ppv_csv_name(c);
		long line = ppv_csv_line(c);
		if (rs->nfee >= PPV_NOROW)
			ppv_die(PPV_ERR, "%s:%ld: too many fee rows", name, line);
		if (!strcmp(field(c, cfee), "store"))
			f.store = 1;
		else if (strcmp(field(c, cfee), "platform"))
			ppv_die(PPV_ERR, "%s:%ld: fee '%s' is neither 'store' nor 'platform'", name, line, field(c, cfee));
		if (*field(c, ckind) && (f.kind = ppv_kind_of(field(c, ckind))) < 0)
			ppv_die(PPV_ERR, "%s:%ld: unknown kind '%s'", name, line, field(c, ckind));
		if (strlen(field(c, cplat)) >= sizeof f.platform)
			ppv_die(PPV_ERR, "%s:%ld: platform '%s' is too long", name, line, field(c, cplat));
		strcpy(f.platform, field(c, cplat));
		if ((*field(c, cfrom) && ppv_rules_day(field(c, cfrom), &f.from)) ||
		    (*field(c, cuntil) && ppv_rules_day(field(c, cuntil), &f.until)))
			ppv_die(PPV_ERR, "%s:%ld: from and until are dates (YYYY-MM-DD) or RFC 3339 times", name, line);
		const char *r = field(c, crate);
		if (ppv_decimal_parse(r, strlen(r), 0, &f.rate) || f.rate.num > 100 * ppv_pow10(f.rate.scale))
			ppv_die(PPV_ERR, "%s:%ld: rate '%s' is not a percentage from 0 to 100", name, line, r);
		const char *fx = field(c, cfixed);
		if (*fx && (ppv_money_parse(fx, strlen(fx), ppv_currency_exp(rs->base), &f.fixed) || f.fixed < 0))
			ppv_die(PPV_ERR, "%s:%ld: fixed '%s' is not an amount in %s (--base)", name, line, fx, rs->base);
		rs->fee = ppv_xrealloc(rs->fee, (rs->nfee + 1) * sizeof *rs->fee);
		rs->fee[rs->nfee++] = f;
	}
	ppv_csv_close(c);
	ppv_input_close(in);
}

void
ppv_rules_withholding(ppv_rules *rs, const char *path)
{
	ppv_input *in = ppv_input_open(path);
	ppv_csv *c = ppv_csv_open(in);
	int ccc = ppv_csv_need(c, "creator_country"), cbc = ppv_csv_need(c, "buyer_country"), cform = ppv_csv_need(c, "tax_form"),
	    crate = ppv_csv_need(c, "rate");

	while (ppv_csv_next(c)) {
		ppv_withholding w;
		const char *name = ppv_csv_name(c), *r = field(c, crate);
		long line = ppv_csv_line(c);
		if (rs->nwh >= PPV_NOROW)
			ppv_die(PPV_ERR, "%s:%ld: too many withholding rows", name, line);
		if (strlen(field(c, ccc)) > 3 || strlen(field(c, cbc)) > 3 || strlen(field(c, cform)) >= sizeof w.form)
			ppv_die(PPV_ERR, "%s:%ld: countries are ISO 3166 codes or '*'", name, line);
		snprintf(w.cc, sizeof w.cc, "%s", *field(c, ccc) ? field(c, ccc) : "*");
		snprintf(w.bc, sizeof w.bc, "%s", *field(c, cbc) ? field(c, cbc) : "*");
		snprintf(w.form, sizeof w.form, "%s", *field(c, cform) ? field(c, cform) : "*");
		if (ppv_decimal_parse(r, strlen(r), 0, &w.rate) || w.rate.num > 100 * ppv_pow10(w.rate.scale))
			ppv_die(PPV_ERR, "%s:%ld: rate '%s' is not a percentage from 0 to 100", name, line, r);
		rs->wh = ppv_xrealloc(rs->wh, (rs->nwh + 1) * sizeof *rs->wh);
		rs->wh[rs->nwh++] = w;
	}
	ppv_csv_close(c);
	ppv_input_close(in);
}

static struct fxcur *
fx_find(const ppv_rules *rs, const char *code)
{
	for (size_t i = 0; i < rs->nfx; i++)
		if (ppv_streq(rs->fx[i].code, code))
			return &rs->fx[i];
	return NULL;
}

void
ppv_rules_fx(ppv_rules *rs, const char *path)
{
	ppv_input *in = ppv_input_open(path);
	ppv_csv *c = ppv_csv_open(in);
	int cdate = ppv_csv_need(c, "date"), ccur = ppv_csv_need(c, "currency"), crate = ppv_csv_need(c, "rate");

	while (ppv_csv_next(c)) {
		const char *name = ppv_csv_name(c), *r = field(c, crate);
		long line = ppv_csv_line(c);
		char code[4];
		int64_t t;
		ppv_decimal d;
		if (ppv_rules_day(field(c, cdate), &t))
			ppv_die(PPV_ERR, "%s:%ld: date '%s' is not YYYY-MM-DD", name, line, field(c, cdate));
		if (ppv_currency_code(field(c, ccur), code) < 0)
			ppv_die(PPV_ERR, "%s:%ld: '%s' is not an ISO 4217 currency", name, line, field(c, ccur));
		if (ppv_decimal_parse(r, strlen(r), 0, &d) || d.num <= 0 || d.scale > 12 || d.num > 1000000000000LL)
			ppv_die(PPV_ERR, "%s:%ld: rate '%s' is not a positive decimal of at most 12 digits", name, line, r);
		if (!strcmp(code, rs->base))
			ppv_die(PPV_ERR, "%s:%ld: a rate for the base currency %s, which is 1 by definition", name, line, code);
		struct fxcur *f = fx_find(rs, code);
		if (!f) {
			rs->fx = ppv_xrealloc(rs->fx, (rs->nfx + 1) * sizeof *rs->fx);
			f = &rs->fx[rs->nfx++];
			memset(f, 0, sizeof *f);
			memcpy(f->code, code, 4);
		}
		if (f->n == f->cap) {
			f->cap = f->cap ? 2 * f->cap : 64;
			f->d = ppv_xrealloc(f->d, f->cap * sizeof *f->d);
		}
		f->d[f->n].day = t / 86400;
		f->d[f->n].rate = d;
		f->n++;
	}
	ppv_csv_close(c);
	ppv_input_close(in);
	for (size_t i = 0; i < rs->nfx; i++) {
		struct fxcur *f = &rs->fx[i];
		/* by day; a day given twice is an error rather than a silent pick */
		for (size_t a = 1; a < f->n; a++)
			for (size_t b = a; b > 0 && f->d[b - 1].day >= f->d[b].day; b--) {
				if (f->d[b - 1].day == f->d[b].day)
					ppv_die(PPV_ERR, "%s: two %s rates for one day", path, f->code);
				__typeof__(*f->d) t = f->d[b];
				f->d[b] = f->d[b - 1];
				f->d[b - 1] = t;
			}
	}
}

int
ppv_rules_rate(const ppv_rules *rs, const char *code, int64_t day, ppv_decimal *r)
{
	if (ppv_streq(code, rs->base)) {
		*r = (ppv_decimal){ 1, 0 };
		return 0;
	}
	const struct fxcur *f = fx_find(rs, code);
	if (!f || !f->n || f->d[0].day > day)
		return -1;
	size_t lo = 0, hi = f->n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (f->d[mid].day <= day)
			lo = mid;
		else
			hi = mid;
	}
	*r = f->d[lo].rate;
	return 0;
}

int
ppv_rules_fx_at(const ppv_rules *rs, int fexp, const char *from, const char *to, int64_t t, ppv_fx *fx)
{
	int texp = ppv_currency_exp(to);
	ppv_decimal rf, rt;
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);

	if (ppv_streq(from, to))
		rf = rt = (ppv_decimal){ 1, 0 };
	else if (ppv_rules_rate(rs, from, day, &rf) || ppv_rules_rate(rs, to, day, &rt))
		return -1;
	/* amount / 10^fexp / rf * rt * 10^texp, with rates as num / 10^scale */
	fx->mul = rt.num;
	fx->scale = ppv_pow10(texp + rf.scale);
	fx->den = ppv_pow10(fexp + rt.scale) * rf.num;
	fx->rounding = rs->rounding;
	return 0;
}

int
ppv_fx_apply(const ppv_fx *fx, __int128 amount, int64_t *out)
{
	__int128 num;

	if (__builtin_mul_overflow(amount, fx->mul, &num) || __builtin_mul_overflow(num, fx->scale, &num))
		return -2;
	__int128 q = num / fx->den;
	if (q > INT64_MAX / 2 || q < INT64_MIN / 2)
		return -2;
	*out = ppv_div_round(num, fx->den, fx->rounding);
	return 0;
}

int
ppv_rules_convert(const ppv_rules *rs, __int128 amount, int fexp, const char *from, const char *to, int64_t t, int64_t *out)
{
	ppv_fx fx;

	return ppv_rules_fx_at(rs, fexp, from, to, t, &fx) ? -1 : ppv_fx_apply(&fx, amount, out);
}

int
ppv_rules_fee(const ppv_rules *rs, int store, int kind, const char *platform, int64_t t)
{
	for (size_t i = 0; i < rs->nfee; i++) {
		const ppv_fee *f = &rs->fee[i];
		if (f->store == store && (f->kind < 0 || f->kind == kind) &&
		    (!*f->platform || ppv_streq(f->platform, platform)) && t >= f->from && t < f->until)
			return (int)i;
	}
	return PPV_NOROW;
}

int
ppv_rules_withholding_of(const ppv_rules *rs, const char *country, const char *form, const char *buyer)
{
	for (size_t i = 0; i < rs->nwh; i++) {
		const ppv_withholding *w = &rs->wh[i];
		if (matches(w->cc, country) && matches(w->bc, buyer) && matches(w->form, form))
			return (int)i;
	}
	return PPV_NOROW;
}

const ppv_fee *
ppv_rules_fee_row(const ppv_rules *r, int row)
{
	return &r->fee[row];
}

const ppv_withholding *
ppv_rules_withholding_row(const ppv_rules *r, int row)
{
	return &r->wh[row];
}
