/* earn.c: a month of creator earnings from event logs: fees, FX, withholding, refunds, balances, in integer minor units. */
#include "earn.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "csvio.h"
#include "evindex.h"
#include "rules.h"
#include "streq.h"
#include "evread.h"
#include "earnint.h"
#include "progress.h"
#include "when.h"

/* Row errors: fatal, or to --rejects and counted. Returns -1 for the caller. */
static int __attribute__((format(printf, 2, 3)))
reject(ppv_earn *e, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!e->cfg.rejects)
		ppv_die(PPV_ERR, "%s:%ld: %s", e->file, e->line, msg);
	FILE *f = e->cfg.rejects;
	char ln[24];
	snprintf(ln, sizeof ln, "%ld", e->line);
	ppv_csv_puts(f, e->file, 0);
	ppv_csv_puts(f, ln, 0);
	ppv_csv_puts(f, msg, 0);
	/* the row itself, as one CSV text field */
	char *row = e->rowtext || !e->csv ? NULL : ppv_csv_row_text(e->csv);
	ppv_csv_puts(f, e->rowtext ? e->rowtext : row ? row : "", 1);
	free(row);
	e->k.rejected++;
	return -1;
}

static int
cur_index(ppv_earn *e, const char *code)
{
	for (int i = 0; i < e->ncur; i++)
		if (!memcmp(e->curs[i], code, 4))
			return i;
	if (e->ncur == MAXCUR)
		ppv_die(PPV_ERR, "more than %d currencies", MAXCUR);
	memcpy(e->curs[e->ncur], code, 4);
	return e->ncur++;
}

ppv_earn *
ppv_earn_new(const ppv_earn_cfg *cfg)
{
	ppv_earn *e = ppv_xrealloc(NULL, sizeof *e);

	memset(e, 0, sizeof *e);
	e->cfg = *cfg;
	e->rules = ppv_rules_new(cfg->base, cfg->rounding);
	ppv_progress_start(&e->prog, "events");
	e->partial = cfg->partial;
	ppv_partial_tag(e->tag, cfg->start, cfg->end, cfg->base, cfg->ad_currency,
	                cfg->rounding == PPV_HALF_UP ? "half-up" : "half-even");
	e->idoff = cfg->reduce ? K_NKINDS * sizeof(int64_t) : 0;
	e->crmask = 1023;
	e->crmap = ppv_xrealloc(NULL, (e->crmask + 1) * sizeof *e->crmap);
	memset(e->crmap, 0, (e->crmask + 1) * sizeof *e->crmap);
	e->impmask = 1023;
	e->impmap = ppv_xrealloc(NULL, (e->impmask + 1) * sizeof *e->impmap);
	memset(e->impmap, 0, (e->impmask + 1) * sizeof *e->impmap);
	ppv_evindex_init(&e->ix);
	return e;
}

void
ppv_earn_free(ppv_earn *e)
{
	if (!e)
		return;
	ppv_ahead_free(e->slab_ahead);
	for (size_t i = 0; i < e->nslabs; i++)
		free(e->slabs[i]);
	free(e->slabs);
	ppv_rules_free(e->rules);
	for (size_t i = 0; i < e->npend; i++)
		free(e->pend[i].id);
	for (size_t i = 0; i < e->nfiles; i++)
		free(e->files[i]);
	free(e->files);
	free(e->cr), free(e->crmap), free(e->tax);
	ppv_evindex_free(&e->ix);
	free(e->rates), free(e->pend), free(e->imp), free(e->impmap), free(e->list), free(e->keys);
	free(e);
}

/* --- creators --- */

const char *const ppv_status_names[3] = { "paid", "held", "negative" };

/* The creator of id, whose ppv_creator_hash is h (0: not yet known). */
static struct creator *
creator_find(ppv_earn *e, const char *id, uint64_t h)
{
	if (!h)
		h = ppv_creator_hash(id, strlen(id));
	for (size_t i = h & e->crmask;; i = (i + 1) & e->crmask) {
		const struct crslot *s = &e->crmap[i];
		if (!s->ref)
			return NULL;
		if (s->h != (uint32_t)h)
			continue;
		/* the id itself, right after the creator, not o.id: one load less */
		struct creator *c = ppv_earn_cr_at(e, s->ref);
		if (ppv_streq((const char *)(c + 1) + e->idoff, id))
			return c;
	}
}

/* A new creator, its name (NULL: none) after its id. */
static struct creator *
creator_add(ppv_earn *e, const char *id, uint64_t h, const char *name)
{
	if (!h)
		h = ppv_creator_hash(id, strlen(id));
	if (e->ncr + 1 > (e->crmask + 1) / 2) {
		size_t mask = 2 * e->crmask + 1;
		struct crslot *map = ppv_xbig(NULL, (mask + 1) * sizeof *map);
		memset(map, 0, (mask + 1) * sizeof *map);
		for (size_t k = 0; k <= e->crmask; k++) {
			if (!e->crmap[k].ref)
				continue;
			size_t i = e->crmap[k].h & mask;
			while (map[i].ref)
				i = (i + 1) & mask;
			map[i] = e->crmap[k];
		}
		free(e->crmap);
		e->crmap = map;
		e->crmask = mask;
	}
	if (e->ncr == e->crcap) {
		e->crcap = e->crcap ? 2 * e->crcap : 64;
		/* a new block, not realloc: realloc grew it in the heap, on small
		 * pages, 1,300 faults at a million creators (10 us each on this
		 * VM); the copy is of half as many pointers */
		struct creator **cr = ppv_xbig(NULL, e->crcap * sizeof *cr);
		if (e->ncr)
			memcpy(cr, e->cr, e->ncr * sizeof *cr);
		free(e->cr);
		e->cr = cr;
	}
	/* the id right after its creator, creators side by side: no allocation
	 * of its own for each of a million creators, and one cache miss less */
	size_t n = strlen(id) + 1, nn = name && *name ? strlen(name) + 1 : 0;
	size_t need = (sizeof(struct creator) + e->idoff + n + nn + 15) & ~(size_t)15;
	if (need > e->slab_left) {
		size_t size = need > SLAB ? need : SLAB;
		/* a second slab: more may follow, each faulted in on another
		 * thread while the last fills (lib/ahead.c says why) */
		if (e->nslabs == 1)
			e->slab_ahead = ppv_ahead_new();
		if (e->nslabs == (1u << (32 - SLAB_UNITS_LOG2)) - 1)
			ppv_die(PPV_ERR, "more than %zu creators: a slot has 32 bits for where each is", e->ncr);
		e->slabs = ppv_xrealloc(e->slabs, (e->nslabs + 1) * sizeof *e->slabs);
		e->slab_at = e->nslabs ? ppv_ahead_take(e->slab_ahead, size) : ppv_xbig(NULL, size);
		e->slabs[e->nslabs++] = e->slab_at;
		e->slab_left = size;
		if (e->slab_ahead)
			ppv_ahead_ask(e->slab_ahead, SLAB);
	}
	struct creator *c = (struct creator *)(void *)e->slab_at;
	e->slab_at += need, e->slab_left -= need;
	memset(c, 0, sizeof *c + e->idoff);
	char *at = memcpy((char *)(c + 1) + e->idoff, id, n);
	if (nn)
		memcpy(at + n, name, nn), c->o.named = 1;
	c->o.id = at;
	size_t i = h & e->crmask;
	while (e->crmap[i].ref)
		i = (i + 1) & e->crmask;
	e->cr[e->ncr++] = c;
	size_t off = (size_t)((char *)c - e->slabs[e->nslabs - 1]) / CR_UNIT;
	e->crmap[i] = (struct crslot){ (uint32_t)h, (uint32_t)(((e->nslabs - 1) << SLAB_UNITS_LOG2 | off) + 1) };
	return c;
}

static void
creator_currency(ppv_earn *e, struct creator *c, const char *code)
{
	static char codes[MAXCUR][4];  /* interned: the earner points at it */
	static int n;
	int i;

	for (i = 0; i < n && strcmp(codes[i], code); i++)
		;
	if (i == n) {
		if (n == MAXCUR)
			ppv_die(PPV_ERR, "more than %d currencies", MAXCUR);
		memcpy(codes[n++], code, 4);
	}
	c->o.currency = codes[i];
	c->o.exp = ppv_currency_exp(code);
	c->cur = (uint8_t)cur_index(e, code);
}

void
ppv_earn_creators(ppv_earn *e, const char *path)
{
	ppv_input *in = ppv_input_open(path);
	ppv_csv *c = ppv_csv_open(in);
	int cid = ppv_csv_need(c, "creator_id"), cname = ppv_csv_col(c, "name"), ccountry = ppv_csv_col(c, "country"),
	    ccur = ppv_csv_need(c, "currency"), cform = ppv_csv_col(c, "tax_form"), cmin = ppv_csv_col(c, "min_payout");

	e->creators_table = 1;
	while (ppv_csv_next(c)) {
		const char *id = ppv_csv_field(c, cid), *cur = ppv_csv_field(c, ccur);
		char code[4];
		long line = ppv_csv_line(c);
		if (!*id)
			ppv_die(PPV_ERR, "%s:%ld: empty creator_id", ppv_csv_name(c), line);
		if (creator_find(e, id, 0))
			ppv_die(PPV_ERR, "%s:%ld: creator '%s' listed twice", ppv_csv_name(c), line, id);
		if (ppv_currency_code(cur, code) < 0)
			ppv_die(PPV_ERR, "%s:%ld: '%s' is not an ISO 4217 currency", ppv_csv_name(c), line, cur);
		struct creator *k = creator_add(e, id, 0, ppv_csv_field(c, cname));
		k->from_table = 1;
		creator_currency(e, k, code);
		if (e->ntax == e->taxcap) {
			e->taxcap = e->taxcap ? 2 * e->taxcap : 64;
			e->tax = ppv_xrealloc(e->tax, e->taxcap * sizeof *e->tax);
		}
		struct taxinfo *t = &e->tax[e->ntax++];
		snprintf(t->country, sizeof t->country, "%s", ppv_csv_field(c, ccountry));
		snprintf(t->tax_form, sizeof t->tax_form, "%s", ppv_csv_field(c, cform));
		k->tax = (uint32_t)e->ntax;
		t->min_payout = -1;
		if (*ppv_csv_field(c, cmin) && ppv_money_parse(ppv_csv_field(c, cmin), ppv_csv_fieldlen(c, cmin), k->o.exp,
		                                       &t->min_payout))
			ppv_die(PPV_ERR, "%s:%ld: min_payout '%s' is not an amount in %s", ppv_csv_name(c), line,
			        ppv_csv_field(c, cmin), code);
	}
	ppv_csv_close(c);
	ppv_input_close(in);
}

/* --- fees, withholding, FX --- */

/* At the rates of instant t, or the row rejected saying which rate is missing. */
static int
convert(ppv_earn *e, __int128 amount, int fexp, const char *from, const char *to, int64_t t, int64_t *out)
{
	ppv_decimal r;
	char d[32];
	int k = ppv_rules_convert(e->rules, amount, fexp, from, to, t, out);

	if (k == -1)
		return reject(e, "no %s rate on or before %.10s (--fx)",
		              ppv_rules_rate(e->rules, from, t / 86400, &r) ? from : to, ppv_time_format(t, d));
	if (k == -2)
		return reject(e, "amount too large to convert");
	return 0;
}

void
ppv_earn_fees(ppv_earn *e, const char *path)
{
	ppv_rules_fees(e->rules, path);
}

void
ppv_earn_withholding(ppv_earn *e, const char *path)
{
	ppv_rules_withholding(e->rules, path);
}

void
ppv_earn_fx(ppv_earn *e, const char *path)
{
	ppv_rules_fx(e->rules, path);
}

static int
wh_of(const ppv_earn *e, const struct creator *c, const char *buyer)
{
	const struct taxinfo *t = c->tax ? &e->tax[c->tax - 1] : NULL;

	return ppv_rules_withholding_of(e->rules, t ? t->country : "", t ? t->tax_form : "", buyer);
}

/* --- the event index --- */

void
ppv_earn_expect(ppv_earn *e, uint64_t bytes)
{
	e->expect_bytes = bytes;
}

/* The slot of an event_id, new or not; *fresh says which. */
static ppv_evslot *
slot_of(ppv_earn *e, const char *id, int *fresh)
{
	uint64_t h = e->id_fp ? e->id_fp : ppv_evread_fp(id, strlen(id));

	e->id_fp = 0;
	return ppv_evindex_add(&e->ix, h, fresh);
}

static uint16_t
rates_of(ppv_earn *e, int srow, int prow, int wrow)
{
	uint32_t h = ((uint32_t)srow * 2654435761u ^ (uint32_t)prow * 40503u ^ (uint32_t)wrow) & 4095;

	for (;; h = (h + 1) & 4095) {
		uint32_t k = e->ratemap[h];
		if (!k) {
			if (e->nrates == 4095)
				ppv_die(PPV_ERR, "more than 4095 combinations of fee and withholding rows");
			e->rates = ppv_xrealloc(e->rates, (e->nrates + 1) * sizeof *e->rates);
			e->rates[e->nrates] = (struct rates){ (uint16_t)srow, (uint16_t)prow, (uint16_t)wrow };
			e->ratemap[h] = (uint32_t)++e->nrates;
			return (uint16_t)(e->nrates - 1);
		}
		const struct rates *r = &e->rates[k - 1];
		if (r->store == srow && r->platform == prow && r->wh == wrow)
			return (uint16_t)(k - 1);
	}
}

/* --- applying line items --- */

static void
ledger(ppv_earn *e, const char *id, int64_t t, const struct creator *c, int kind, int64_t amount,
       const char *cur, const item *it, const char *ref)
{
	FILE *f = e->cfg.ledger;
	char b[32], when[32];

	if (!f)
		return;
	ppv_csv_text(f, id, 0);
	ppv_csv_puts(f, ppv_time_format(t, when), 0);
	ppv_csv_text(f, c->o.id, 0);
	ppv_csv_puts(f, ppv_kind_names[kind], 0);
	ppv_csv_puts(f, ppv_money_format(amount, ppv_currency_exp(cur), b), 0);
	ppv_csv_puts(f, cur, 0);
	ppv_csv_puts(f, c->o.currency, 0);
	const int64_t v[] = { it->gross, it->refund, it->store, it->platform, it->wh, it->net };
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		ppv_csv_puts(f, ppv_money_format(v[i], c->o.exp, b), 0);
	ppv_csv_text(f, ref ? ref : "", 1);
}

/* A total past 64 bits is no payout anyone can make: the run stops. */
void
ppv_earn_overflow(const ppv_earn *e, const struct creator *c)
{
	if (e->line > 0)
		ppv_die(PPV_ERR, "%s:%ld: creator '%s': the month's %s amounts overflow a 64-bit total", e->file, e->line,
		        c->o.id, c->o.currency);
	ppv_die(PPV_ERR, "%s: creator '%s': the month's %s amounts overflow a 64-bit total", e->file, c->o.id,
	        c->o.currency);
}

static void
apply(ppv_earn *e, struct creator *c, int kind, const item *it)
{
	int64_t sales;
	if (__builtin_sub_overflow(it->gross, it->refund, &sales) || ppv_add(&c->o.gross, it->gross) ||
	    ppv_add(&c->o.refunds, it->refund) || ppv_add(&c->o.store, it->store) ||
	    ppv_add(&c->o.platform, it->platform) || ppv_add(&c->o.withholding, it->wh) ||
	    ppv_add(&c->o.net, it->net) || (e->idoff && ppv_add(&ppv_earn_kinds_of(c)[kind], sales)))
		ppv_earn_overflow(e, c);
	e->kinds[c->cur][kind] += sales;
	c->o.events++;
}

/* Fees of a sale of gross g: the store's first, the platform's on what is
 * left, withholding on the rest; none ever more than what is left. */
static int
fees(ppv_earn *e, const struct creator *c, int64_t g, const char *cur, int64_t t, int srow, int prow, int wrow,
     int fixed, item *it)
{
	int64_t left = g, fx;

	memset(it, 0, sizeof *it);
	it->gross = g;
	const int rows[2] = { srow, prow };
	int64_t *dst[2] = { &it->store, &it->platform };
	for (int k = 0; k < 2; k++) {
		if (rows[k] == NONE)
			continue;
		const ppv_fee *f = ppv_rules_fee_row(e->rules, rows[k]);
		int64_t v = ppv_percent(left, f->rate, e->cfg.rounding);
		if (fixed && f->fixed) {
			if (convert(e, f->fixed, ppv_currency_exp(e->cfg.base), e->cfg.base, c->o.currency, t, &fx))
				return -1;
			v += fx;
		}
		if (left >= 0 && v > left)
			v = left;
		*dst[k] = v;
		left -= v;
	}
	if (wrow != NONE) {
		it->wh = ppv_percent(left, ppv_rules_withholding_row(e->rules, wrow)->rate, e->cfg.rounding);
		left -= it->wh;
	}
	it->net = left;
	return 0;
}

struct creator *
ppv_earn_creator_for(ppv_earn *e, const char *id, uint64_t h, const char *cur)
{
	struct creator *c = creator_find(e, id, h);

	if (!c) {
		if (e->creators_table) {
			reject(e, "creator '%s' is not in --creators", id);
			return NULL;
		}
		c = creator_add(e, id, h, NULL);
	}
	if (!c->o.currency)
		creator_currency(e, c, cur);
	else if (!c->from_table && strcmp(c->o.currency, cur))
		/* which currency would win would depend on the order of the rows */
		ppv_die(PPV_ERR, "%s:%ld: creator '%s' has amounts in %s and %s: give the payout currency in "
		        "--creators", e->file, e->line, id, c->o.currency, cur);
	return c;
}

size_t
ppv_earn_file_index(ppv_earn *e)
{
	if (!e->nfiles || strcmp(e->files[e->nfiles - 1], e->file)) {
		e->files = ppv_xrealloc(e->files, (e->nfiles + 1) * sizeof *e->files);
		e->files[e->nfiles++] = ppv_xstrdup(e->file);
	}
	return e->nfiles - 1;
}

static void
pend_add(ppv_earn *e, const ppv_event *v)
{
	if (e->npend == e->pendcap) {
		e->pendcap = e->pendcap ? 2 * e->pendcap : 256;
		e->pend = ppv_xrealloc(e->pend, e->pendcap * sizeof *e->pend);
	}
	struct pending *p = &e->pend[e->npend++];
	size_t a = strlen(v->id) + 1, b = strlen(v->ref) + 1, c = strlen(v->creator) + 1;
	p->id = ppv_xrealloc(NULL, a + b + c);
	p->ref = p->id + a;
	p->creator = p->ref + b;
	memcpy(p->id, v->id, a);
	memcpy(p->ref, v->ref, b);
	memcpy(p->creator, v->creator, c);
	size_t fi = ppv_earn_file_index(e);  /* may move e->files */
	p->file = e->files[fi];
	p->line = e->line;
	p->creator_fp = v->creator_fp;
	p->ref_fp = 0;
	p->t = v->t;
	p->amount = v->amount;
	p->kind = v->kind;
	p->cur = (uint8_t)cur_index(e, v->cur);
	snprintf(p->country, sizeof p->country, "%s", v->country);
}

/* Everything after parsing: once per event_id, then applied, held back
 * (refunds) or, with --partial, written for the merge. */
void
ppv_earn_process(ppv_earn *e, const ppv_event *v)
{
	int fresh;
	ppv_evslot *s = slot_of(e, v->id, &fresh);

	if (!fresh) {
		/* the same event twice counts once; two different events under one
		 * id cannot be settled by order, which must not matter */
		if (s->body != v->body) {
			char *text = e->raw ? ppv_csv_fields_text(e->raw, e->rawlen) : NULL;
			e->rowtext = text;
			reject(e, "event_id '%s' was seen before with other fields", v->id);
			e->rowtext = NULL;
			free(text);
			return;
		}
		e->k.duplicate++;
		return;
	}
	s->body = v->body;
	int in_month = v->t >= e->cfg.start && v->t < e->cfg.end;
	int refund = v->kind == K_REFUND || v->kind == K_CHARGEBACK;
	struct creator *k = NULL;
	if (in_month && !refund && !(k = ppv_earn_creator_for(e, v->creator, v->creator_fp, v->cur)))
		return;
	if (e->partial && !e->cfg.reduce) {
		ppv_event_partial(e->partial, e->tag, v);
		return;
	}
	if (refund) {
		if (!in_month)
			e->k.outside++;
		else
			pend_add(e, v);
		return;
	}
	int srow = NONE, prow = NONE, wrow = NONE;
	if (v->kind != K_ADJUSTMENT) {
		static const struct creator nobody;
		const struct creator *w = k ? k : creator_find(e, v->creator, v->creator_fp);
		srow = ppv_rules_fee(e->rules, 1, v->kind, v->platform, v->t);
		prow = ppv_rules_fee(e->rules, 0, v->kind, v->platform, v->t);
		wrow = wh_of(e, w ? w : &nobody, v->country);
		/* a sale is remembered whether in the month or not: a refund this
		 * month may reverse a sale of an earlier one, at the rates it had */
		s->left = v->amount;
		s->rates = rates_of(e, srow, prow, wrow);
		s->cur = (uint8_t)cur_index(e, v->cur);
		s->sale = 1;
	}
	if (!in_month) {
		e->k.outside++;
		return;
	}
	int64_t g;
	item it;
	if (convert(e, v->amount, ppv_currency_exp(v->cur), v->cur, k->o.currency, v->t, &g) ||
	    fees(e, k, g, v->cur, v->t, srow, prow, wrow, 1, &it))
		return;
	apply(e, k, v->kind, &it);
	e->k.used++;
	ledger(e, v->id, v->t, k, v->kind, v->amount, v->cur, &it, NULL);
}


/* A run that would not fit stops before it swaps for hours: a month of
 * events takes about 31 bytes each, measured over ten million. */
static void
memory_check(const ppv_earn *e, uint64_t events, const char *from)
{
	uint64_t need = events * 31, avail = ppv_mem_available(), mib = 1 << 20;

	if (avail && need > avail)
		ppv_die(PPV_ERR, "%s: about %llu events (%s) need about %llu MiB, more than the %llu MiB this "
		        "machine has free: split the month with --partial and --merge (see ppv-earnings(1))", e->file,
		        (unsigned long long)events, from, (unsigned long long)(need / mib),
		        (unsigned long long)(avail / mib));
}

void
ppv_earn_events(ppv_earn *e, const char *path)
{
	ppv_evread *r = ppv_evread_open(path);
	const ppv_evrec *x;
	size_t n;

	e->file = ppv_evread_name(r);
	e->csv = NULL;
	while ((x = ppv_evread_next(r, &n))) {
		uint64_t rb = ppv_evread_row_bytes(r);
		if (e->cfg.memory && !e->spill_decided) {
			/* past --memory, or from a pipe whose size no one knows: in partitions, on disk */
			uint64_t events = e->expect_bytes && rb ? e->ix.used + e->expect_bytes / rb : 0;
			e->spill_decided = 1;
			if (!events || events * 31 > e->cfg.memory)
				ppv_earn_spill_begin(e, events);
			else
				ppv_evindex_reserve(&e->ix, events);
			e->expect_bytes = 0;
		} else if (e->expect_bytes && rb) {
			memory_check(e, e->ix.used + e->expect_bytes / rb, "judged from the logs' size");
			ppv_evindex_reserve(&e->ix, e->ix.used + e->expect_bytes / rb);
			e->expect_bytes = 0;
		} else if (!e->spill && (e->ix.used + n) * 100 > e->ix.n * 90) {
			/* from a pipe: the table is about to grow by half */
			memory_check(e, e->ix.n + e->ix.n / 2, "judged from the events read so far");
		}
		for (size_t i = 0; i < n; i++) {
			/* the slots this event will probe, fetched while the ones before
			 * are applied; its creator once the slot naming it is here */
			if (i + 8 < n && x[i + 8].id_fp) {
				__builtin_prefetch(ppv_evindex_home(&e->ix, x[i + 8].id_fp));
				__builtin_prefetch(&e->crmap[x[i + 8].v.creator_fp & e->crmask]);
			}
			if (i + 4 < n && x[i + 4].id_fp) {
				const struct crslot *s = &e->crmap[x[i + 4].v.creator_fp & e->crmask];
				/* its sums, the first two lines, and its id, which the
				 * lookup compares, right after it */
				if (s->ref) {
					const struct creator *c = ppv_earn_cr_at(e, s->ref);
					__builtin_prefetch(c);
					__builtin_prefetch((const char *)c + 64);
					__builtin_prefetch(c + 1);
				}
			}
			e->line = x[i].line;
			e->k.read++;
			if (x[i].error) {
				e->rowtext = x[i].row;
				reject(e, "%s", x[i].error);
				e->rowtext = NULL;
				continue;
			}
			e->id_fp = x[i].id_fp;
			e->raw = x[i].raw, e->rawlen = x[i].rawlen;
			if (e->spill)
				ppv_earn_spill_put(e, &x[i].v, x[i].id_fp);
			else
				ppv_earn_process(e, &x[i].v);
			e->raw = NULL;
		}
		ppv_progress_tick(&e->prog, e->k.read / 4096 * 4096);
	}
	ppv_evread_close(r);
}

/* --- partial results, for sharded runs --- */

/* --- impressions --- */

static uint64_t
imp_hash(const struct creator *c, int64_t day, const char *country)
{
	return ppv_creator_hash(c->o.id, strlen(c->o.id)) ^ (uint64_t)day * 0x9e3779b97f4a7c15ULL ^
	       ppv_creator_hash(country, strlen(country)) * 31;
}

struct imp *
ppv_earn_imp_of(ppv_earn *e, struct creator *c, int64_t day, const char *country)
{
	uint64_t h = imp_hash(c, day, country);

	for (size_t i = h & e->impmask;; i = (i + 1) & e->impmask) {
		if (!e->impmap[i]) {
			if (e->nimp + 1 > (e->impmask + 1) / 2) {
				size_t mask = 2 * e->impmask + 1;
				free(e->impmap);
				e->impmap = ppv_xbig(NULL, (mask + 1) * sizeof *e->impmap);
				memset(e->impmap, 0, (mask + 1) * sizeof *e->impmap);
				e->impmask = mask;
				for (size_t k = 0; k < e->nimp; k++) {
					struct imp *m = &e->imp[k];
					size_t j = imp_hash(m->c, m->day, m->country) & mask;
					while (e->impmap[j])
						j = (j + 1) & mask;
					e->impmap[j] = k + 1;
				}
				return ppv_earn_imp_of(e, c, day, country);
			}
			if (e->nimp == e->impcap) {
				e->impcap = e->impcap ? 2 * e->impcap : 256;
				e->imp = ppv_xbig(e->imp, e->impcap * sizeof *e->imp);
			}
			struct imp *m = &e->imp[e->nimp++];
			memset(m, 0, sizeof *m);
			m->c = c;
			m->day = day;
			snprintf(m->country, sizeof m->country, "%s", country);
			e->impmap[i] = e->nimp;
			return m;
		}
		struct imp *m = &e->imp[e->impmap[i] - 1];
		if (m->c == c && m->day == day && !strcmp(m->country, country))
			return m;
	}
}

void
ppv_earn_impressions(ppv_earn *e, const char *path)
{
	ppv_input *in = ppv_input_open(path);
	ppv_csv *c = ppv_csv_open(in);
	int ct = ppv_csv_need(c, "time"), cc = ppv_csv_need(c, "creator_id"), ccpm = ppv_csv_need(c, "cpm"), ccountry = ppv_csv_col(c, "country");
	int exp = ppv_currency_exp(e->cfg.ad_currency);

	e->csv = c;
	e->file = ppv_csv_name(c);
	while (ppv_csv_next(c)) {
		int64_t t, milli;
		const char *cpm = ppv_csv_field(c, ccpm);
		e->line = ppv_csv_line(c);
		e->k.read++;
		if (ppv_time_parse(ppv_csv_field(c, ct), &t)) {
			reject(e, "time '%s' is neither RFC 3339 nor unix seconds", ppv_csv_field(c, ct));
			continue;
		}
		/* cpm to three more places than the currency has; what one impression
		 * earns is a thousandth of it, so the sum is divided only once, at the end */
		if (ppv_money_parse(cpm, strlen(cpm), exp + 3, &milli) || milli < 0) {
			reject(e, "cpm '%s' is not an amount in %s", cpm, e->cfg.ad_currency);
			continue;
		}
		if (t < e->cfg.start || t >= e->cfg.end) {
			e->k.outside++;
			continue;
		}
		struct creator *k = ppv_earn_creator_for(e, ppv_csv_field(c, cc), 0, e->cfg.ad_currency);
		if (!k)
			continue;
		struct imp *m = ppv_earn_imp_of(e, k, t / 86400, ppv_csv_field(c, ccountry));
		m->cpm += milli;
		m->n++;
		e->k.impressions++;
	}
	e->csv = NULL;
	ppv_csv_close(c);
	ppv_input_close(in);
}

/* --- the end of the month --- */

static int
by_pend(const void *a, const void *b)
{
	return strcmp(((const struct pending *)a)->id, ((const struct pending *)b)->id);
}

static int
by_imp(const void *a, const void *b)
{
	const struct imp *x = a, *y = b;
	int k = strcmp(x->c->o.id, y->c->o.id);

	return k ? k : x->day != y->day ? (x->day < y->day ? -1 : 1) : strcmp(x->country, y->country);
}

size_t
ppv_earn_refunds(ppv_earn *e)
{
	size_t unmatched = 0;

	/* in event_id order, so which of two refunds of one sale is over the
	 * amount does not depend on the order of the input */
	if (e->npend)
		qsort(e->pend, e->npend, sizeof *e->pend, by_pend);
	for (size_t i = 0; i < e->npend; i++) {
		struct pending *p = &e->pend[i];
		/* the creator and the sale of the refund 8 on, asked for ahead: at
		 * a million creators each lookup was cache misses, one after another */
		if (i + 8 < e->npend) {
			struct pending *q = &e->pend[i + 8];
			if (!q->creator_fp)
				q->creator_fp = ppv_creator_hash(q->creator, strlen(q->creator));
			q->ref_fp = ppv_evread_fp(q->ref, strlen(q->ref));
			__builtin_prefetch(&e->crmap[q->creator_fp & e->crmask]);
			__builtin_prefetch(ppv_evindex_home(&e->ix, q->ref_fp));
		}
		const char *cur = e->curs[p->cur];
		e->file = p->file;
		e->line = p->line;
		struct creator *k = ppv_earn_creator_for(e, p->creator, p->creator_fp, cur);
		if (!k)
			continue;
		ppv_evslot *sale = ppv_evindex_find(&e->ix, p->ref_fp ? p->ref_fp : ppv_evread_fp(p->ref, strlen(p->ref)));
		int srow = NONE, prow = NONE, wrow = NONE;
		if (sale && !sale->sale) {
			reject(e, "ref_event_id '%s' is not a sale", p->ref);
			continue;
		}
		char amt[32];
		ppv_money_format(p->amount, ppv_currency_exp(cur), amt);
		if (sale) {
			if (strcmp(e->curs[sale->cur], cur)) {
				reject(e, "%s in %s of a sale in %s", ppv_kind_names[p->kind], cur, e->curs[sale->cur]);
				continue;
			}
			if (p->amount > sale->left) {
				reject(e, "%s of %s is more than the %s left of sale '%s'", ppv_kind_names[p->kind], amt,
				       ppv_money_format(sale->left, ppv_currency_exp(cur), (char[32]){ 0 }), p->ref);
				continue;
			}
			sale->left -= p->amount;
			const struct rates *r = &e->rates[sale->rates];
			srow = r->store, prow = r->platform, wrow = r->wh;
		} else {
			unmatched++;
		}
		int64_t g;
		item it;
		/* reversed at the sale's rates; a fixed fee is not given back, and a
		 * refund of a sale not in the input comes out of net alone */
		if (convert(e, p->amount, ppv_currency_exp(cur), cur, k->o.currency, p->t, &g) ||
		    fees(e, k, g, cur, p->t, srow, prow, wrow, 0, &it))
			continue;
		item r = { 0, g, -it.store, -it.platform, -it.wh, -it.net };
		apply(e, k, p->kind, &r);
		e->k.used++;
		ledger(e, p->id, p->t, k, p->kind, p->amount, cur, &r, p->ref);
	}
	e->k.unmatched_refunds += unmatched;
	return unmatched;
}

void
ppv_earn_imp_sort(ppv_earn *e)
{
	if (e->nimp)
		qsort(e->imp, e->nimp, sizeof *e->imp, by_imp);
}

void
ppv_earn_imp_apply(ppv_earn *e)
{
	ppv_earn_imp_sort(e);
	for (size_t i = 0; i < e->nimp; i++) {
		struct imp *m = &e->imp[i];
		struct creator *k = m->c;
		int64_t t = m->day * 86400, g;
		char id[128];
		item it;
		e->file = "impressions";
		e->line = 0;
		e->csv = NULL;
		int aexp = ppv_currency_exp(e->cfg.ad_currency);
		if (convert(e, m->cpm, aexp + 6, e->cfg.ad_currency, k->o.currency, t, &g) ||
		    fees(e, k, g, e->cfg.ad_currency, t, ppv_rules_fee(e->rules, 1, K_AD, "web", t), ppv_rules_fee(e->rules, 0, K_AD, "web", t),
		         wh_of(e, k, m->country), 0, &it))
			continue;
		apply(e, k, K_AD, &it);
		snprintf(id, sizeof id, "impressions:%s:%lld:%s", k->o.id, (long long)m->day, m->country);
		ledger(e, id, t, k, K_AD, ppv_div_round(m->cpm, 1000000, e->cfg.rounding), e->cfg.ad_currency, &it, NULL);
	}
}

void
ppv_earn_balances(ppv_earn *e, const char *path)
{
	ppv_input *in = ppv_input_open(path);
	ppv_csv *c = ppv_csv_open(in);
	int cid = ppv_csv_need(c, "creator_id"), ccur = ppv_csv_need(c, "currency"), cbal = ppv_csv_need(c, "balance");

	while (ppv_csv_next(c)) {
		const char *name = ppv_csv_name(c), *id = ppv_csv_field(c, cid), *b = ppv_csv_field(c, cbal);
		long line = ppv_csv_line(c);
		char code[4];
		int64_t v;
		int exp = ppv_currency_code(ppv_csv_field(c, ccur), code);
		if (exp < 0)
			ppv_die(PPV_ERR, "%s:%ld: '%s' is not an ISO 4217 currency", name, line, ppv_csv_field(c, ccur));
		if (ppv_money_parse(b, strlen(b), exp, &v))
			ppv_die(PPV_ERR, "%s:%ld: balance '%s' is not an amount in %s", name, line, b, code);
		struct creator *k = creator_find(e, id, 0);
		if (!k) {
			if (e->creators_table)
				ppv_die(PPV_ERR, "%s:%ld: creator '%s' is not in --creators", name, line, id);
			k = creator_add(e, id, 0, NULL);
		}
		if (!k->o.currency)
			creator_currency(e, k, code);
		if (strcmp(k->o.currency, code))
			ppv_die(PPV_ERR, "%s:%ld: balance of '%s' in %s, who is paid in %s", name, line, id, code,
			        k->o.currency);
		if (ppv_add(&k->o.opening, v))
			ppv_die(PPV_ERR, "%s:%ld: creator '%s': opening %s balances overflow a 64-bit total", name, line, id, code);
	}
	ppv_csv_close(c);
	ppv_input_close(in);
}
