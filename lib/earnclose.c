/* earnclose.c: the month closed: refunds and impressions in, each creator settled (status, payout, closing) on two cores, the payees listed, the sums by currency. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "earnint.h"
#include "par.h"
#include "strsort.h"

/* Past this many creators they are settled on two cores, half each: at a
 * million, the base-currency sums alone took 0.1 s of one core. */
enum { SETTLE_PAR = 32768 };

/* cr[from, to) settled: status, payout, closing, the sums in the base
 * currency; the creators with a month go to out, in memory order. */
struct settle {
	ppv_earn *e;
	size_t from, to, n;
	const ppv_earner **out;
	uint64_t *keys;                /* each one's id's sort key, beside it in out: it is at hand here */
	__int128 sales_base;           /* of the creators with a rate into the base currency */
	const ppv_fx *fx;              /* by payout currency, into the base at the month's last rate */
	const uint8_t *fx_ok;          /* that currency has such a rate */
	char err[256];                 /* not empty: why the run stops */
};

static void
settle(void *arg)
{
	struct settle *s = arg;
	const ppv_earn *e = s->e;
	int64_t minp[8];                /* --min-payout by exponent, parsed once */
	int have_minp[8] = { 0 };
	char *err = s->err;
	size_t cap = sizeof s->err;

	for (size_t i = s->from; i < s->to; i++) {
		struct creator *k = e->cr[i];
		ppv_earner *o = &k->o;
		if (!o->events && !o->opening)
			continue;  /* listed in --creators, nothing this month */
		if (!o->currency)
			continue;
		int64_t sales = o->gross, cost = o->store, bal = o->opening;
		if (ppv_add(&sales, -o->refunds) || ppv_add(&cost, o->platform) || ppv_add(&cost, o->withholding) ||
		    ppv_add(&cost, o->net) || ppv_add(&bal, o->net)) {
			ppv_errf(err, cap, "creator '%s': the month's %s amounts overflow a 64-bit total", o->id,
			         o->currency);
			return;
		}
		if (sales != cost) {
			ppv_errf(err, cap, "creator '%s' does not reconcile: a bug; no payout written", o->id);
			return;
		}
		int64_t min = k->tax ? e->tax[k->tax - 1].min_payout : -1;
		if (min < 0 && o->exp >= 0 && o->exp < 8 && have_minp[o->exp]) {
			min = minp[o->exp];
		} else if (min < 0) {
			if (ppv_money_parse(e->cfg.min_payout, strlen(e->cfg.min_payout), o->exp, &min)) {
				ppv_errf(err, cap, "--min-payout %s is not an amount in %s", e->cfg.min_payout, o->currency);
				return;
			}
			if (o->exp >= 0 && o->exp < 8)
				minp[o->exp] = min, have_minp[o->exp] = 1;
		}
		if (bal < 0) {
			o->status = PPV_NEGATIVE, o->payout = 0, o->closing = bal;
		} else if (bal >= min && bal > 0) {
			o->status = PPV_PAID, o->payout = bal, o->closing = 0;
		} else {
			o->status = PPV_HELD, o->payout = 0, o->closing = bal;
		}
		/* tiers count earnings in the base currency at the month's last rate */
		int64_t sb;
		const ppv_fx *fx = &s->fx[k->cur];
		if (!s->fx_ok[k->cur] || ppv_fx_apply(fx, o->net, &o->net_base) || ppv_fx_apply(fx, o->gross - o->refunds, &sb))
			o->net_base = INT64_MIN;
		else
			s->sales_base += sb;
		s->keys[s->n] = ppv_strsort_key(o->id);
		s->out[s->n++] = o;
	}
}

int
ppv_earn_finish(ppv_earn *e, char *err, size_t cap)
{
	ppv_progress_end(&e->prog, e->k.read);
	if (e->partial && !e->cfg.reduce) {
		ppv_earn_imp_sort(e);
		ppv_earn_partial_end(e);
		return 0;
	}
	size_t unmatched = e->spill ? ppv_earn_spill_run(e) : ppv_earn_refunds(e);
	if (unmatched && !e->cfg.quiet)
		ppv_warn("%zu refund%s of sales not in the input: taken from net, no fee given back", unmatched,
		         unmatched == 1 ? "" : "s");
	ppv_earn_imp_apply(e);
	if (e->partial) {
		ppv_earn_results_put(e);
		return 0;
	}
	/* Every event is in: the event index and the creator map go back to the
	 * kernel before the list and the sort take as much again. Memory given
	 * back and taken again at once cost this host 6 ms a 100 MB, fresh memory
	 * 160 ms; a million creators' list and sort are 33 MB. */
	ppv_evindex_free(&e->ix);
	free(e->crmap);
	e->crmap = NULL;
	e->list = ppv_xbig(NULL, e->ncr * sizeof *e->list);
	e->keys = ppv_xbig(NULL, e->ncr * sizeof *e->keys);
	ppv_fx fx[MAXCUR];
	uint8_t fx_ok[MAXCUR];
	for (int i = 0; i < e->ncur; i++)
		fx_ok[i] = !ppv_rules_fx_at(e->rules, ppv_currency_exp(e->curs[i]), e->curs[i], e->cfg.base, e->cfg.end - 1,
		                            &fx[i]);
	size_t m = e->ncr < SETTLE_PAR ? 0 : e->ncr / 2;
	struct settle a = { e, 0, m, 0, e->list, e->keys, 0, fx, fx_ok, "" },
		      b = { e, m, e->ncr, 0, e->list + m, e->keys + m, 0, fx, fx_ok, "" };
	if (m)
		ppv_par2(settle, &a, &b);
	else
		settle(&b);
	/* the first creator in memory order that stops the run, as one core would find it */
	if (*a.err || *b.err)
		return ppv_errf(err, cap, "%s", *a.err ? a.err : b.err);
	memmove(e->list + a.n, e->list + m, b.n * sizeof *e->list);
	memmove(e->keys + a.n, e->keys + m, b.n * sizeof *e->keys);
	e->nlist = a.n + b.n;
	e->sales_base = a.sales_base + b.sales_base;
	return 0;
}

void
ppv_earn_sort(ppv_earn *e)
{
	ppv_earn_sort_beside(e, NULL, NULL);
}

void
ppv_earn_sort_beside(ppv_earn *e, void (*job)(void *), void *arg)
{
	/* the keys settling took in memory order: the sort reads no creator
	 * for them, which at a million cost it a cache miss each */
	ppv_strsort_beside((const void **)e->list, e->keys, e->nlist, offsetof(ppv_earner, id), job, arg);
	free(e->keys);
	e->keys = NULL;
}

const ppv_earner *const *
ppv_earn_list(const ppv_earn *e, size_t *n)
{
	*n = e->nlist;
	return e->list;
}

const ppv_earn_counts *
ppv_earn_stats(const ppv_earn *e)
{
	return &e->k;
}

int
ppv_earn_kinds(const ppv_earn *e, const char *cur, int64_t v[K_NKINDS])
{
	memset(v, 0, K_NKINDS * sizeof *v);
	for (int i = 0; i < e->ncur; i++) {
		if (strcmp(e->curs[i], cur))
			continue;
		for (int k = 0; k < K_NKINDS; k++) {
			if (e->kinds[i][k] > INT64_MAX || e->kinds[i][k] < INT64_MIN)
				return -1;
			v[k] = (int64_t)e->kinds[i][k];
		}
	}
	return 0;
}

int
ppv_earn_sales_base(const ppv_earn *e, int64_t *v)
{
	if (e->sales_base > INT64_MAX || e->sales_base < INT64_MIN)
		return -1;
	*v = (int64_t)e->sales_base;
	return 0;
}
