/* report.c: what ppv-earnings writes: payouts as CSV, aligned text, JSON or a self-contained HTML page, the summary, balances. */
#include "report.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "json.h"
#include "money.h"
#include "par.h"
#include "when.h"

static const char *const cols[] = {
	"creator_id", "name", "currency", "gross", "refunds", "store_fees", "platform_fees", "withholding", "net",
	"opening_balance", "payout", "closing_balance", "status",
};
enum { NCOLS = sizeof cols / sizeof *cols };

/* The rows go out by id, the earners lie in memory in the order they came:
 * at a million creators each row began with cache misses, 0.2 s of them.
 * The earner 32 rows on is asked for ahead, all of it (a row takes all but
 * its net_base), 64 bytes apart, and its id, which earn.c keeps right
 * after it (only asked for: a load of its pointer would wait): at most three
 * cache lines, two for a creator of 128 bytes at a line's start. Inlined always:
 * as a function of its own GCC 12 found it "looping pure" (a prefetch is no
 * effect to it) and dropped both calls as dead, so no row was ever asked
 * for ahead (no prefetch in report.o, till then). */
static inline __attribute__((always_inline)) void
ahead(const ppv_earner *const *l, size_t i, size_t n)
{
	if (i + 32 < n) {
		const char *o = (const char *)l[i + 32];
		__builtin_prefetch(o);
		__builtin_prefetch(o + 64);
		__builtin_prefetch(o + sizeof **l);
	}
}

enum { NAMOUNTS = 9 };  /* columns gross to closing_balance */

static void
amounts(const ppv_earner *e, int64_t a[NAMOUNTS])
{
	const int64_t v[NAMOUNTS] = { e->gross, e->refunds, e->store, e->platform, e->withholding, e->net, e->opening,
		                      e->payout, e->closing };
	memcpy(a, v, sizeof v);
}

/* The row as text, amounts as decimals of the payout currency. */
static void
row_text(const ppv_earner *e, char v[NCOLS][40])
{
	int64_t a[NAMOUNTS];

	amounts(e, a);
	snprintf(v[0], 40, "%s", e->id);
	snprintf(v[1], 40, "%s", ppv_earner_name(e));
	snprintf(v[2], 40, "%s", e->currency);
	for (int i = 0; i < NAMOUNTS; i++)
		ppv_money_format(a[i], e->exp, v[3 + i]);
	snprintf(v[12], 40, "%s", ppv_status_names[e->status]);
}

/* Rows are built in memory, a chunk at a time, and written whole: the buffer
 * of a chunk is kept for the next, so a million creators' rows fault in no
 * fresh memory past the first two chunks (open_memstream's buffers, grown and
 * copied for every chunk and new each time, were a third of the rows' time). */
struct rowbuf {
	char *b;
	size_t len, cap;
};

/* Room for n more bytes; 0 when there is no memory (the caller may be on
 * another thread, which must not end the run). */
static int
room(struct rowbuf *r, size_t n)
{
	if (r->cap - r->len >= n)
		return 1;
	size_t cap = r->cap ? r->cap : 1 << 16;
	while (cap - r->len < n)
		cap *= 2;
	char *b = realloc(r->b, cap);
	if (!b)
		return 0;
	r->b = b, r->cap = cap;
	return 1;
}

struct csvpart {
	const ppv_earner *const *l;
	size_t from, to, n;
	struct rowbuf *buf;
	size_t done;           /* rows built */
	int alone;             /* no other thread runs: out of memory ends the run */
	FILE *f;               /* set: what buf holds of the part before, then these rows, written there */
};

static void
csv_rows(void *arg)
{
	struct csvpart *p = arg;
	/* a copy of the buffer while the rows are built: the two threads'
	 * buffers share a cache line, and storing each row's length in it
	 * stalled both on it (three quarters of this loop's time) */
	struct rowbuf r = *p->buf;
	size_t i;

	r.len = 0;
	for (i = p->from; i < p->to; i++) {
		const ppv_earner *e = p->l[i];
		ahead(p->l, i, p->n);
		const char *name = ppv_earner_name(e);
		size_t idn = strlen(e->id), namen = name == e->id ? idn : strlen(name);
		/* the ids quoted at worst, the rest never needs quotes (a currency
		 * code, amounts, a status word, checked where they are set) */
		if (!room(&r, 2 * (idn + namen) + 8 + NAMOUNTS * 24 + 32)) {
			if (p->alone)
				ppv_die(PPV_ERR, "out of memory");
			break;
		}
		char *o = r.b + r.len;
		int64_t a[NAMOUNTS];
		amounts(e, a);
		o = ppv_csv_text_put(o, e->id, idn);
		*o++ = ',';
		o = ppv_csv_text_put(o, name, namen);
		*o++ = ',';
		o = stpcpy(o, e->currency);
		for (int k = 0; k < NAMOUNTS; k++) {
			*o++ = ',';
			o = ppv_money_put(a[k], e->exp, o);
		}
		*o++ = ',';
		o = stpcpy(o, ppv_status_names[e->status]);
		*o++ = '\n';
		r.len = (size_t)(o - r.b);
	}
	*p->buf = r;
	p->done = i - p->from;
}

static void
put(FILE *f, struct rowbuf *r)
{
	if (r->len)
		fwrite_unlocked(r->b, 1, r->len, f);
	r->len = 0;
}

static void
csv_part(void *arg)
{
	struct csvpart *p = arg;

	if (p->f)
		put(p->f, p->buf);
	csv_rows(p);
	if (p->f)
		put(p->f, p->buf);
}

/* What of a part is not yet in f: its rows built and not written, then the
 * rows its thread had no memory to build, built here, where that ends the run. */
static void
csv_finish(FILE *f, struct csvpart *p)
{
	put(f, p->buf);
	if (p->from + p->done < p->to) {
		p->from += p->done, p->alone = 1;
		csv_rows(p);
		put(f, p->buf);
	}
}

/* Past CHUNK rows, every other CHUNK is built on another core while this one
 * writes the one before it and builds and writes its own: at a million
 * creators the rows were a sixth of the run, on one core with the other idle.
 * Two chunks in memory at most, whatever the number of rows. */
enum { CHUNK = 32768 };

void
ppv_report_csv(FILE *f, const ppv_report *r)
{
	size_t n = r->n;
	struct rowbuf b[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct csvpart done = { .buf = &b[0] };  /* the other core's last, unwritten */

	for (int c = 0; c < NCOLS; c++)
		ppv_csv_puts(f, cols[c], c == NCOLS - 1);
	for (size_t at = 0; at < n;) {
		size_t mid = n - at > CHUNK ? at + CHUNK : n, end = n - mid > CHUNK ? mid + CHUNK : n;
		/* this core's rows go after the other's last, in the buffer they wait in */
		struct csvpart mine = { r->l, at, mid, n, done.buf, 0, mid == end, f };
		struct csvpart next = { r->l, mid, end, n, done.buf == &b[0] ? &b[1] : &b[0], 0, 0, NULL };
		if (mid < end)
			ppv_par2(csv_part, &next, &mine);
		else
			csv_part(&mine);
		csv_finish(f, &mine);
		done = next;
		if (mid < end && next.from + next.done < next.to)
			csv_finish(f, &done);
		at = end;
	}
	put(f, done.buf);
	free(b[0].b), free(b[1].b);
}

void
ppv_report_table(FILE *f, const ppv_report *r, size_t max)
{
	const ppv_earner *const *l = r->l;
	size_t n = max && max < r->n ? max : r->n;
	int w[NCOLS];
	char v[NCOLS][40];

	for (int c = 0; c < NCOLS; c++)
		w[c] = (int)strlen(cols[c]);
	for (size_t i = 0; i < n; i++) {
		row_text(l[i], v);
		for (int c = 0; c < NCOLS; c++)
			if ((int)strlen(c == 1 ? ppv_earner_name(l[i]) : v[c]) > w[c])
				w[c] = (int)strlen(c == 1 ? ppv_earner_name(l[i]) : v[c]);
	}
	if (w[1] > 32)
		w[1] = 32;
	for (int c = 0; c < NCOLS; c++)
		fprintf(f, c >= 3 && c < 12 ? "%*s%s" : "%-*s%s", c == NCOLS - 1 ? 0 : w[c], cols[c],
		        c == NCOLS - 1 ? "\n" : "  ");
	for (size_t i = 0; i < n; i++) {
		row_text(l[i], v);
		for (int c = 0; c < NCOLS; c++) {
			const char *sep = c == NCOLS - 1 ? "\n" : "  ";
			if (c >= 3 && c < 12)
				fprintf(f, "%*s%s", w[c], v[c], sep);
			else if (c == 1)
				fprintf(f, "%-*.*s%s", w[c], w[c], ppv_earner_name(l[i]), sep);
			else
				fprintf(f, "%-*s%s", c == NCOLS - 1 ? 0 : w[c], v[c], sep);
		}
	}
	if (n < r->n)
		fprintf(f, "... and %zu more creators (%zu in all): --format csv or -o FILE has every row\n", r->n - n,
		        r->n);
}

static void
json_str(FILE *f, const char *s)
{
	size_t n = strlen(s);
	char *e = ppv_xrealloc(NULL, 6 * n + 1);
	ppv_json_escape(e, s, n);
	fprintf(f, "\"%s\"", e);
	free(e);
}

void
ppv_report_json(FILE *f, const ppv_report *r)
{
	const ppv_earner *const *l = r->l;
	size_t n = r->n;
	char v[NCOLS][40];

	fputs("[", f);
	for (size_t i = 0; i < n; i++) {
		ahead(l, i, n);
		row_text(l[i], v);
		fputs(i ? ",\n {" : "\n {", f);
		for (int c = 0; c < NCOLS; c++) {
			fprintf(f, "%s\"%s\":", c ? "," : "", cols[c]);
			json_str(f, c == 1 ? ppv_earner_name(l[i]) : c == 0 ? l[i]->id : v[c]);
		}
		fputs("}", f);
	}
	fputs(n ? "\n]\n" : "]\n", f);
}

/* --- totals and tiers --- */

int
ppv_report_init(ppv_report *r, const char *month, const ppv_earn_cfg *cfg, const ppv_earn_counts *k,
                const ppv_earner *const *l, size_t n, const int64_t *tiers, int ntiers, char *err, size_t cap)
{
	memset(r, 0, sizeof *r);
	r->month = month, r->cfg = cfg, r->counts = k, r->l = l, r->n = n;
	r->ntiers = ntiers < PPV_MAXTIERS ? ntiers : PPV_MAXTIERS;
	if (r->ntiers > 0)  /* no tiers may come as NULL, which memcpy may not be given */
		memcpy(r->tiers, tiers, (size_t)r->ntiers * sizeof *tiers);
	r->base_known = 1;
	for (size_t i = 0; i < n; i++) {
		size_t c;
		/* earn.c keeps one copy of each code, so the pointer nearly always
		 * tells: a strcmp a creator and currency was half a per cent of a
		 * million creators' samples */
		for (c = 0; c < r->nt && r->t[c].cur != l[i]->currency; c++)
			;
		if (c == r->nt)
			for (c = 0; c < r->nt && strcmp(r->t[c].cur, l[i]->currency); c++)
				;
		if (c == r->nt) {
			if (r->nt == PPV_MAXCURS)
				return ppv_errf(err, cap, "more than %d payout currencies", PPV_MAXCURS);
			r->t[c].cur = l[i]->currency;
			r->t[c].exp = l[i]->exp;
			r->nt++;
		}
		ppv_total *x = &r->t[c];
		int over = 0;
		const int64_t *from[] = { &l[i]->gross, &l[i]->refunds, &l[i]->store, &l[i]->platform, &l[i]->withholding,
			                  &l[i]->net, &l[i]->opening, &l[i]->payout, &l[i]->closing };
		int64_t *to[] = { &x->gross, &x->refunds, &x->store, &x->platform, &x->withholding,
			          &x->net, &x->opening, &x->payout, &x->closing };
		for (size_t j = 0; j < sizeof to / sizeof *to; j++)
			over |= ppv_add(to[j], *from[j]);
		if (over)
			return ppv_errf(err, cap, "the month's %s totals overflow a 64-bit total (at creator '%s')",
			                x->cur, l[i]->id);
		x->creators++;
		x->paid += l[i]->status == PPV_PAID;
		x->held += l[i]->status == PPV_HELD;
		x->negative += l[i]->status == PPV_NEGATIVE;
		if (l[i]->net_base == INT64_MIN) {
			r->base_known = 0;
			continue;
		}
		if (ppv_add(&r->net_base, l[i]->net_base))
			return ppv_errf(err, cap, "the month's totals in %s overflow a 64-bit total (at creator '%s')",
			                cfg->base, l[i]->id);
		for (int j = 0; j < r->ntiers; j++)
			r->tier_count[j] += l[i]->net_base >= r->tiers[j];
	}
	/* in code order, so the output does not depend on the input's */
	for (size_t a = 1; a < r->nt; a++)
		for (size_t b = a; b > 0 && strcmp(r->t[b - 1].cur, r->t[b].cur) > 0; b--) {
			ppv_total s = r->t[b];
			r->t[b] = r->t[b - 1];
			r->t[b - 1] = s;
		}
	for (size_t c = 0; c < r->nt; c++) {
		const ppv_total *x = &r->t[c];
		int64_t sales = x->gross, cost = x->store;
		if (ppv_add(&sales, -x->refunds) || ppv_add(&cost, x->platform) || ppv_add(&cost, x->withholding) ||
		    ppv_add(&cost, x->net))
			return ppv_errf(err, cap, "the month's %s totals overflow a 64-bit total", x->cur);
		if (sales != cost)
			return ppv_errf(err, cap, "%s does not reconcile: a bug; nothing written", x->cur);
	}
	return 0;
}

/* --- last year's summary, for growth --- */

typedef struct {
	ppv_report *r;
	int bexp;
} prev;

static int
prev_tier(void *ctx, const char *key, size_t kn, const ppv_jval *v)
{
	prev *p = ctx;
	int64_t x;
	char k[32];

	(void)kn;
	if (v->type != 'n' || ppv_json_int(v, &x))
		return 0;
	for (int i = 0; i < p->r->ntiers; i++) {
		snprintf(k, sizeof k, "%lld", (long long)(p->r->tiers[i] / (int64_t)ppv_pow10(p->bexp)));
		if (!strcmp(k, key))
			p->r->prev_tier[i] = x, p->r->have_prev_tier[i] = 1;
	}
	return 0;
}

static int
prev_base(void *ctx, const char *key, size_t kn, const ppv_jval *v)
{
	prev *p = ctx;
	char s[40];

	(void)kn;
	if (!strcmp(key, "net") && v->type == 's' && ppv_json_string(v, s, sizeof s) >= 0 &&
	    !ppv_money_parse(s, strlen(s), p->bexp, &p->r->prev_net))
		p->r->have_prev_net = 1;
	if (!strcmp(key, "sales") && v->type == 's' && ppv_json_string(v, s, sizeof s) >= 0 &&
	    !ppv_money_parse(s, strlen(s), p->bexp, &p->r->prev_sales))
		p->r->have_prev_sales = 1;
	return 0;
}

static int
prev_top(void *ctx, const char *key, size_t kn, const ppv_jval *v)
{
	prev *p = ctx;
	char s[8];

	(void)kn;
	if (!strcmp(key, "base") && v->type == 's' &&
	    (ppv_json_string(v, s, sizeof s) < 0 || strcmp(s, p->r->cfg->base)))
		return -1;  /* growth across currencies would be meaningless */
	if (!strcmp(key, "tiers") && v->type == 'o')
		return ppv_json_object(v->p, v->n, prev_tier, ctx);
	if (!strcmp(key, "base_totals") && v->type == 'o')
		return ppv_json_object(v->p, v->n, prev_base, ctx);
	return 0;
}

int
ppv_report_compare(ppv_report *r, const char *path, char *err, size_t cap)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0, sz = 0;
	prev p = { r, ppv_currency_exp(r->cfg->base) };

	if (!f)
		return ppv_errf(err, cap, "%s: %s", path, strerror(errno));
	for (;;) {
		if (n + 4096 > sz)
			buf = ppv_xrealloc(buf, sz = 2 * sz + 4096);
		size_t k = fread(buf + n, 1, sz - n, f);
		n += k;
		if (k == 0)
			break;
	}
	fclose(f);
	r->compare = 1;
	int k = ppv_json_object(buf, n, prev_top, &p);
	free(buf);
	if (k)
		return ppv_errf(err, cap, "%s: not a ppv-earnings summary in %s", path, r->cfg->base);
	return 0;
}

/* "+94.0%": growth in tenths of a percent, in integers; null from zero */
static void
growth(FILE *f, int64_t now, int64_t then)
{
	if (then <= 0) {
		fputs("null", f);
		return;
	}
	int64_t permille = ppv_div_round((__int128)(now - then) * 1000, then, PPV_HALF_EVEN);
	fprintf(f, "\"%s%lld.%lld%%\"", permille < 0 ? "-" : "+", (long long)llabs(permille) / 10,
	        (long long)llabs(permille) % 10);
}

static const char *const total_names[] = { "gross", "refunds", "store_fees", "platform_fees", "withholding",
	                                   "net", "opening_balance", "payouts", "closing_balance" };

static void
total_values(const ppv_total *x, int64_t v[9])
{
	const int64_t a[9] = { x->gross, x->refunds, x->store, x->platform, x->withholding, x->net, x->opening,
		               x->payout, x->closing };

	memcpy(v, a, sizeof a);
}

void
ppv_report_summary(FILE *f, const ppv_report *r)
{
	const ppv_earn_cfg *cfg = r->cfg;
	const ppv_earn_counts *k = r->counts;
	char a[40], s0[32], s1[32];
	int bexp = ppv_currency_exp(cfg->base);
	uint64_t paid = 0, held = 0, neg = 0;

	fprintf(f, "{\"format\":\"ppv-earnings-summary/1\",\"month\":\"%s\",\"start\":\"%s\",\"end\":\"%s\","
	        "\"base\":\"%s\",\"rounding\":\"%s\",\n", r->month, ppv_time_format(cfg->start, s0),
	        ppv_time_format(cfg->end, s1), cfg->base, cfg->rounding == PPV_HALF_UP ? "half-up" : "half-even");
	fprintf(f, " \"events\":{\"read\":%llu,\"used\":%llu,\"duplicate\":%llu,\"rejected\":%llu,"
	        "\"outside_month\":%llu,\"unmatched_refunds\":%llu,\"impressions\":%llu},\n",
	        (unsigned long long)k->read, (unsigned long long)k->used, (unsigned long long)k->duplicate,
	        (unsigned long long)k->rejected, (unsigned long long)k->outside,
	        (unsigned long long)k->unmatched_refunds, (unsigned long long)k->impressions);
	fputs(" \"currencies\":{", f);
	for (size_t i = 0; i < r->nt; i++) {
		const ppv_total *x = &r->t[i];
		int64_t v[9];
		total_values(x, v);
		paid += x->paid, held += x->held, neg += x->negative;
		fprintf(f, "%s\n  \"%s\":{", i ? "," : "", x->cur);
		for (size_t j = 0; j < 9; j++)
			fprintf(f, "%s\"%s\":\"%s\"", j ? "," : "", total_names[j], ppv_money_format(v[j], x->exp, a));
		fputs(",\"by_kind\":{", f);
		for (int j = 0, first = 1; j < K_NKINDS; j++) {
			if (j == K_REFUND || j == K_CHARGEBACK)
				continue;
			fprintf(f, "%s\"%s\":\"%s\"", first ? "" : ",", ppv_kind_names[j],
			        ppv_money_format(x->by_kind[j], x->exp, a));
			first = 0;
		}
		fprintf(f, "},\"creators\":%llu,\"reconciled\":true}", (unsigned long long)x->creators);
	}
	fprintf(f, "},\n \"creators\":{\"total\":%zu,\"paid\":%llu,\"held\":%llu,\"negative\":%llu},\n", r->n,
	        (unsigned long long)paid, (unsigned long long)held, (unsigned long long)neg);
	if (r->base_known)
		fprintf(f, " \"base_totals\":{\"sales\":\"%s\",\"net\":\"%s\"},\n \"tiers\":{",
		        ppv_money_format(r->sales_base, bexp, s0), ppv_money_format(r->net_base, bexp, a));
	else
		fputs(" \"base_totals\":null,\n \"tiers\":{", f);
	for (int j = 0; j < r->ntiers; j++)
		fprintf(f, "%s\"%lld\":%lld", j ? "," : "", (long long)(r->tiers[j] / (int64_t)ppv_pow10(bexp)),
		        (long long)r->tier_count[j]);
	fputs("}", f);
	if (r->compare) {
		fputs(",\n \"growth\":{\"tiers\":{", f);
		for (int j = 0; j < r->ntiers; j++) {
			fprintf(f, "%s\"%lld\":", j ? "," : "", (long long)(r->tiers[j] / (int64_t)ppv_pow10(bexp)));
			if (r->have_prev_tier[j])
				growth(f, r->tier_count[j], r->prev_tier[j]);
			else
				fputs("null", f);
		}
		fputs("},\"sales\":", f);
		if (r->have_prev_sales && r->base_known)
			growth(f, r->sales_base, r->prev_sales);
		else
			fputs("null", f);
		fputs(",\"net\":", f);
		if (r->have_prev_net && r->base_known)
			growth(f, r->net_base, r->prev_net);
		else
			fputs("null", f);
		fputs("}", f);
	}
	fputs("\n}\n", f);
}

void
ppv_report_closing(FILE *f, const ppv_report *r)
{
	char a[40];

	fputs("creator_id,currency,balance\n", f);
	for (size_t i = 0; i < r->n; i++) {
		if (!r->l[i]->closing)
			continue;
		ppv_csv_puts(f, r->l[i]->id, 0);
		ppv_csv_puts(f, r->l[i]->currency, 0);
		ppv_csv_puts(f, ppv_money_format(r->l[i]->closing, r->l[i]->exp, a), 1);
	}
}

void
ppv_report_reconciliation(const ppv_report *r)
{
	char g[40], rf[40], s[40], p[40], w[40], n[40];

	for (size_t i = 0; i < r->nt; i++) {
		const ppv_total *x = &r->t[i];
		ppv_warn("%s: %s gross - %s refunds = %s store + %s platform + %s withheld + %s net: balanced", x->cur,
		         ppv_money_format(x->gross, x->exp, g), ppv_money_format(x->refunds, x->exp, rf),
		         ppv_money_format(x->store, x->exp, s), ppv_money_format(x->platform, x->exp, p),
		         ppv_money_format(x->withholding, x->exp, w), ppv_money_format(x->net, x->exp, n));
	}
}

/* --- the HTML page: one file, no scripts, no network --- */

/* rows of the payouts table on the page: about 400 bytes each */
enum { PPV_HTML_ROWS = 1000 };

static const char *const card_names[] = { "gross", "refunds", "store fees", "platform fees", "withholding",
	                                  "net", "opening balances", "payouts", "closing balances" };

/* 1234567.89 as 1,234,567.89, for people */
static char *
grouped(int64_t minor, int exp, char *out)
{
	char plain[40];
	const char *p = ppv_money_format(minor, exp, plain);
	char *o = out;

	if (*p == '-')
		*o++ = *p++;
	size_t digits = strcspn(p, ".");
	for (size_t i = 0; p[i]; i++) {
		if (i && i < digits && (digits - i) % 3 == 0)
			*o++ = ',';
		*o++ = p[i];
	}
	*o = 0;
	return out;
}

static void
html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: putc(*s, f);
		}
	}
}

typedef struct {
	const char *label;
	int64_t value;                 /* minor units, or a count */
	char text[48];                 /* the value as shown */
} bar;

/* A horizontal bar chart in SVG; widths are integer ratios of the largest bar. */
static void
html_bars(FILE *f, const char *title, const bar *b, int n)
{
	int64_t max = 1;
	const int row = 26, lw = 170, bw = 420;

	for (int i = 0; i < n; i++)
		if (b[i].value > max)
			max = b[i].value;
	fputs("<figure><figcaption>", f);
	html_text(f, title);
	fprintf(f, "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n",
	        lw + bw + 140, n * row + 4);
	for (int i = 0; i < n; i++) {
		int64_t w = b[i].value > 0 ? (int64_t)((__int128)b[i].value * bw / max) : 0;
		int y = i * row + 2;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 8, y + 17);
		html_text(f, b[i].label);
		fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%lld\" height=\"%d\"/>"
		        "<text x=\"%lld\" y=\"%d\" class=\"v\">", lw, y + 3, (long long)w, row - 8,
		        (long long)(lw + w + 6), y + 17);
		html_text(f, b[i].text);
		fputs("</text>\n", f);
	}
	fputs("</svg></figure>\n", f);
}

static int
by_net_base(const void *a, const void *b)
{
	const ppv_earner *x = *(const ppv_earner *const *)a, *y = *(const ppv_earner *const *)b;

	if (x->net_base != y->net_base)
		return x->net_base > y->net_base ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* How many creators earned how much: a bar a decade of the base currency,
 * bounds compared exactly in minor units. */
static void
html_histogram(FILE *f, const ppv_report *r)
{
	enum { DECADES = 7 };   /* 1 to 1,000,000 */
	const char *base = r->cfg->base;
	int bexp = ppv_currency_exp(base);
	int64_t count[DECADES + 3] = { 0 };  /* below zero, zero, under 1, the decades */
	static char labels[DECADES + 3][64];
	bar b[DECADES + 3];
	char a[48], c[48];

	for (size_t i = 0; i < r->n; i++) {
		int64_t v = r->l[i]->net_base, unit = (int64_t)ppv_pow10(bexp);
		int k = v < 0 ? 0 : v == 0 ? 1 : 2;
		for (int64_t edge = unit; k >= 2 && k < DECADES + 2 && v >= edge; edge *= 10)
			k++;
		count[k]++;
	}
	for (int k = 0; k < DECADES + 3; k++) {
		if (k == 0)
			snprintf(labels[k], sizeof labels[k], "below zero");
		else if (k == 1)
			snprintf(labels[k], sizeof labels[k], "zero");
		else if (k == 2)
			snprintf(labels[k], sizeof labels[k], "under 1");
		else if (k == DECADES + 2)
			snprintf(labels[k], sizeof labels[k], "%s or more", grouped((int64_t)ppv_pow10(k - 3), 0, a));
		else
			snprintf(labels[k], sizeof labels[k], "%s to %s", grouped((int64_t)ppv_pow10(k - 3), 0, a),
			         grouped((int64_t)ppv_pow10(k - 2), 0, c));
		b[k].label = labels[k];
		b[k].value = count[k];
		grouped(count[k], 0, b[k].text);
	}
	char title[80];
	snprintf(title, sizeof title, "How many creators earned how much this month, in %s", base);
	html_bars(f, title, b, DECADES + 3);
}

/* The k creators who earned most in the base currency, best first, by id
 * among equals. A heap of k, its worst on top, so that most creators are
 * turned away by one comparison: sorting all of a million creators to show
 * a thousand was an eighth of that run. */
static const ppv_earner **
top_earners(const ppv_report *r, size_t k)
{
	const ppv_earner **h = ppv_xrealloc(NULL, (k < r->n ? k : r->n) * sizeof *h);
	size_t m = 0;

	for (size_t i = 0; i < r->n; i++) {
		size_t at;
		if (m < k) {
			/* up while the parent ranks above it: the worst rises */
			for (at = m++; at && by_net_base(&h[(at - 1) / 2], &r->l[i]) < 0; at = (at - 1) / 2)
				h[at] = h[(at - 1) / 2];
		} else if (by_net_base(&r->l[i], &h[0]) < 0) {
			for (at = 0;;) {
				size_t c = 2 * at + 1;
				if (c >= m)
					break;
				if (c + 1 < m && by_net_base(&h[c + 1], &h[c]) > 0)
					c++;
				if (by_net_base(&h[c], &r->l[i]) < 0)
					break;
				h[at] = h[c], at = c;
			}
		} else {
			continue;
		}
		h[at] = r->l[i];
	}
	qsort(h, m, sizeof *h, by_net_base);
	return h;
}

int
ppv_report_html_by_id(const ppv_report *r)
{
	return !r->base_known || r->n <= PPV_HTML_ROWS;
}

void
ppv_report_html(FILE *f, const ppv_report *r)
{
	const char *base = r->cfg->base;
	int bexp = ppv_currency_exp(base);
	char a[48], v[NCOLS][40];

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Creator earnings ", f);
	html_text(f, r->month);
	fputs("</title>\n<style>\n"
	      "body{font:15px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}\n"
	      "h1{font-weight:600}table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
	      "td,th{padding:.25em .6em;border-bottom:1px solid #ddd}td.n,th.n{text-align:right}\n"
	      ".cards{display:flex;flex-wrap:wrap;gap:1em}.card{border:1px solid #ddd;border-radius:6px;padding:.8em 1.2em}\n"
	      ".card b{display:block;font-size:1.4em}svg text{font:13px system-ui,sans-serif;fill:#333}\n"
	      "svg rect{fill:#3b6fd8}figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:.4em}\n"
	      ".ok{color:#1a7f37}\n</style></head><body>\n<h1>Creator earnings, ", f);
	html_text(f, r->month);
	fputs("</h1>\n", f);
	fprintf(f, "<p>%zu creators; %llu events used, %llu duplicates counted once, %llu rejected, "
	        "%llu outside the month.</p>\n", r->n, (unsigned long long)r->counts->used,
	        (unsigned long long)r->counts->duplicate, (unsigned long long)r->counts->rejected,
	        (unsigned long long)r->counts->outside);
	for (size_t i = 0; i < r->nt; i++) {
		const ppv_total *x = &r->t[i];
		int64_t tv[9];
		total_values(x, tv);
		fprintf(f, "<h2>%s</h2>\n<div class=\"cards\">\n", x->cur);
		for (int j = 0; j < 9; j++) {
			if (j == 6 || j == 8)
				continue;  /* balances: in the table */
			fprintf(f, "<div class=\"card\">%s<b>%s</b></div>\n", card_names[j], grouped(tv[j], x->exp, a));
		}
		fprintf(f, "</div>\n<p class=\"ok\">gross &minus; refunds = store fees + platform fees + withholding "
		        "+ net: balanced to the %s.</p>\n", x->exp ? "minor unit" : "unit");
		bar b[K_NKINDS];
		int nb = 0;
		for (int j = 0; j < K_NKINDS; j++) {
			if (j == K_REFUND || j == K_CHARGEBACK)
				continue;
			b[nb].label = ppv_kind_names[j];
			b[nb].value = x->by_kind[j];
			grouped(x->by_kind[j], x->exp, b[nb].text);
			nb++;
		}
		char title[64];
		snprintf(title, sizeof title, "Revenue by kind, %s (before refunds)", x->cur);
		html_bars(f, title, b, nb);
	}
	/* ranked only when every creator's net has a rate into the base currency */
	const ppv_earner **top = r->base_known && r->n ? top_earners(r, PPV_HTML_ROWS) : NULL;
	if (top) {
		bar b[10];
		int nb = 0;
		for (size_t i = 0; i < r->n && nb < 10; i++, nb++) {
			const ppv_earner *e = top[i];
			b[nb].label = ppv_earner_name(e);
			b[nb].value = e->net_base;
			snprintf(b[nb].text, sizeof b[nb].text, "%s %s", grouped(e->net_base, bexp, a), base);
		}
		char title[64];
		snprintf(title, sizeof title, "Top creators by net earnings, in %s", base);
		html_bars(f, title, b, nb);
		bar t[PPV_MAXTIERS];
		for (int j = 0; j < r->ntiers; j++) {
			static char labels[PPV_MAXTIERS][48];
			snprintf(labels[j], sizeof labels[j], "%s %s or more", grouped(r->tiers[j], bexp, a), base);
			t[j].label = labels[j];
			t[j].value = r->tier_count[j];
			int len = snprintf(t[j].text, sizeof t[j].text, "%s creators", grouped(r->tier_count[j], 0, a));
			if (r->compare && r->have_prev_tier[j] && r->prev_tier[j] > 0) {
				int64_t pm = ppv_div_round((__int128)(r->tier_count[j] - r->prev_tier[j]) * 1000,
				                           r->prev_tier[j], PPV_HALF_EVEN);
				snprintf(t[j].text + len, sizeof t[j].text - (size_t)len, " (%s%lld.%lld%% y/y)",
				         pm < 0 ? "-" : "+", (long long)llabs(pm) / 10, (long long)llabs(pm) % 10);
			}
		}
		if (r->ntiers)
			html_bars(f, "Creators by monthly net earnings", t, r->ntiers);
		html_histogram(f, r);
	}
	/* a page, not the payout file: past a screenful or two, the top earners */
	size_t shown = r->n;
	const ppv_earner **order = NULL;
	if (r->n > PPV_HTML_ROWS) {
		shown = PPV_HTML_ROWS;
		order = top;
		fprintf(f, "<h2>Payouts: the %s %s", r->base_known ? "top" : "first", grouped((int64_t)shown, 0, a));
		fprintf(f, " of %s creators%s</h2>\n<p>Every creator is in the payout file (<code>--format csv</code> "
		        "or <code>json</code>).</p>\n<table>\n<tr>", grouped((int64_t)r->n, 0, a),
		        r->base_known ? "" : " by id");
	} else {
		fputs("<h2>Payouts</h2>\n<table>\n<tr>", f);
	}
	for (int c = 0; c < NCOLS; c++)
		fprintf(f, "<th%s>%s</th>", c >= 3 && c < 12 ? " class=\"n\"" : "", cols[c]);
	fputs("</tr>\n", f);
	for (size_t i = 0; i < shown; i++) {
		const ppv_earner *e = order ? order[i] : r->l[i];
		row_text(e, v);
		fputs("<tr>", f);
		for (int c = 0; c < NCOLS; c++) {
			fputs(c >= 3 && c < 12 ? "<td class=\"n\">" : "<td>", f);
			html_text(f, c == 0 ? e->id : c == 1 ? ppv_earner_name(e) : v[c]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	free(top);
	fputs("</table>\n</body></html>\n", f);
}
