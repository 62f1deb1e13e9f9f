/* ppv-earnings: a month of event logs into creator payouts, balances and the platform's figures, to the cent. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "csvio.h"
#include "earn.h"
#include "json.h"
#include "when.h"

static const char synopsis[] =
	"ppv-earnings -m MONTH [--creators FILE] [--fees FILE] [--fx FILE] [--withholding FILE]\n"
	"                    [--balances FILE] [--impressions FILE]... [--min-payout AMOUNT] [--tz ZONE]\n"
	"                    [-o PAYOUTS] [--closing FILE] [--summary FILE] [--ledger FILE] [--rejects FILE]\n"
	"                    [--format csv|table|json] [--compare SUMMARY] [--tiers 1000,10000]\n"
	"                    [--partial | --merge] [FILE...]";

static const char help[] =
	"usage: ppv-earnings -m MONTH [options] [FILE...]\n"
	"\n"
	"Turn a month of event logs (FILE..., plain or .gz, or stdin) into one payout\n"
	"row per creator: gross, refunds, store and platform fees, withholding, net,\n"
	"balances. Integer minor units throughout; every currency must reconcile.\n"
	"\n"
	"  -m, --month MONTH        YYYY-MM or 'last'; [start, end) in UTC unless --tz\n"
	"      --tz ZONE            the month's bounds in this time zone (Europe/Paris)\n"
	"      --creators FILE      creator_id,name,country,currency[,tax_form,min_payout]\n"
	"      --fees FILE          fee,kind,platform,from,until,rate,fixed; first match\n"
	"      --fx FILE            date,currency,rate: units per one --base unit\n"
	"      --base CUR           the FX base currency, of tiers and totals (USD)\n"
	"      --withholding FILE   creator_country,buyer_country,tax_form,rate; * any\n"
	"      --balances FILE      opening balances: creator_id,currency,balance\n"
	"      --impressions FILE   ppv-splice's ad log (cpm per impression); repeatable\n"
	"      --ad-currency CUR    the currency of the impressions' cpm (--base)\n"
	"      --min-payout AMOUNT  pay when the balance reaches it (100.00)\n"
	"      --rounding MODE      half-even (banker's) or half-up, per line item\n"
	"  -o, --output FILE        the payouts (stdout)\n"
	"      --format FORMAT      csv, table or json (table on a terminal, else csv)\n"
	"      --closing FILE       closing balances: next month's --balances\n"
	"      --summary FILE       totals, counts and tiers as JSON\n"
	"      --tiers LIST         earnings levels in the base currency (1000,10000)\n"
	"      --compare SUMMARY    last year's --summary: growth of tiers and totals\n"
	"      --ledger FILE        one CSV line per event applied, with its fees\n"
	"      --rejects FILE       bad rows go here and are counted, not fatal\n"
	"      --partial            check and write the events for a later --merge\n"
	"                           (one shard of a sharded run) instead of payouts\n"
	"      --merge              FILE... are --partial outputs, in any split and\n"
	"                           order: the same report as one run on all events\n"
	"  -q, --quiet              no reconciliation or warnings on stderr\n"
	"  -h, --help               this help\n"
	"      --version            the version\n"
	"\n"
	"Exit status: 0 success, 2 usage, I/O or bad input. See ppv-earnings(1).\n";

enum {
	O_CREATORS = 256, O_FEES, O_FX, O_BASE, O_WH, O_BAL, O_IMP, O_ADCUR, O_MIN, O_ROUND, O_TZ, O_FORMAT,
	O_CLOSING, O_SUMMARY, O_TIERS, O_COMPARE, O_LEDGER, O_REJECTS, O_PARTIAL, O_MERGE, O_VERSION,
};

static const struct option longopts[] = {
	{ "month", required_argument, NULL, 'm' },
	{ "tz", required_argument, NULL, O_TZ },
	{ "creators", required_argument, NULL, O_CREATORS },
	{ "fees", required_argument, NULL, O_FEES },
	{ "fx", required_argument, NULL, O_FX },
	{ "base", required_argument, NULL, O_BASE },
	{ "withholding", required_argument, NULL, O_WH },
	{ "balances", required_argument, NULL, O_BAL },
	{ "impressions", required_argument, NULL, O_IMP },
	{ "ad-currency", required_argument, NULL, O_ADCUR },
	{ "min-payout", required_argument, NULL, O_MIN },
	{ "rounding", required_argument, NULL, O_ROUND },
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "closing", required_argument, NULL, O_CLOSING },
	{ "summary", required_argument, NULL, O_SUMMARY },
	{ "tiers", required_argument, NULL, O_TIERS },
	{ "compare", required_argument, NULL, O_COMPARE },
	{ "ledger", required_argument, NULL, O_LEDGER },
	{ "rejects", required_argument, NULL, O_REJECTS },
	{ "partial", no_argument, NULL, O_PARTIAL },
	{ "merge", no_argument, NULL, O_MERGE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ 0 },
};

enum { MAXTIERS = 16 };

typedef struct {
	const char *month_arg, *tz, *out, *format, *closing, *summary, *compare, *ledger, *rejects;
	const char *creators, *fees, *fx, *wh, *balances;
	const char **imp;
	int nimp, quiet, partial, merge;
	int64_t tiers[MAXTIERS];
	int ntiers;
	char month[8];
} opts;

/* --- the month --- */

static int64_t
local_midnight(int y, int m)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1, .tm_isdst = -1 };

	return (int64_t)mktime(&tm);
}

static void
month_bounds(opts *o, ppv_earn_cfg *cfg)
{
	int y, m;
	char tail;

	if (o->tz) {
		char path[512];
		snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", o->tz);
		if (strstr(o->tz, "..") || access(path, R_OK))
			ppv_die(PPV_ERR, "--tz: unknown time zone '%s'", o->tz);
		setenv("TZ", o->tz, 1);
	} else {
		setenv("TZ", "UTC", 1);
	}
	tzset();
	if (!strcmp(o->month_arg, "last")) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		y = tm.tm_year + 1900;
		m = tm.tm_mon;  /* the month before, 1-based */
		if (m == 0)
			y--, m = 12;
	} else if (sscanf(o->month_arg, "%4d-%2d%c", &y, &m, &tail) != 2 || strlen(o->month_arg) != 7 || m < 1 ||
	           m > 12 || y < 1970) {
		ppv_die(PPV_ERR, "-m: '%s' is not YYYY-MM or 'last'", o->month_arg);
	}
	snprintf(o->month, sizeof o->month, "%04d-%02d", y, m);
	cfg->start = local_midnight(y, m);
	cfg->end = m == 12 ? local_midnight(y + 1, 1) : local_midnight(y, m + 1);
}

/* --- outputs --- */

static FILE *
out_open(ppv_atomic *a, const char *path)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdout;
	if (!(f = ppv_atomic_open(a, path, 0644)))
		ppv_die(PPV_ERR, "%s:", path);
	return f;
}

static void
out_commit(ppv_atomic *a, FILE *f, const char *path)
{
	if (f == stdout) {
		ppv_flush_stdout();
		return;
	}
	if (ppv_atomic_commit(a))
		ppv_die(PPV_ERR, "%s:", path);
}

static const char *const cols[] = {
	"creator_id", "name", "currency", "gross", "refunds", "store_fees", "platform_fees", "withholding", "net",
	"opening_balance", "payout", "closing_balance", "status",
};
enum { NCOLS = sizeof cols / sizeof *cols };

/* The row as text, amounts as decimals of the payout currency. */
static void
row_text(const ppv_earner *r, char v[NCOLS][40])
{
	const int64_t a[] = { r->gross, r->refunds, r->store, r->platform, r->withholding, r->net, r->opening,
		              r->payout, r->closing };

	snprintf(v[0], 40, "%s", r->id);
	snprintf(v[1], 40, "%s", r->name);
	snprintf(v[2], 40, "%s", r->currency);
	for (int i = 0; i < 9; i++)
		ppv_money_format(a[i], r->exp, v[3 + i]);
	snprintf(v[12], 40, "%s", r->status);
}

static void
payouts_csv(FILE *f, const ppv_earner *l, size_t n)
{
	char v[NCOLS][40];

	for (int c = 0; c < NCOLS; c++)
		ppv_csv_puts(f, cols[c], c == NCOLS - 1);
	for (size_t i = 0; i < n; i++) {
		row_text(&l[i], v);
		ppv_csv_text(f, l[i].id, 0);
		ppv_csv_text(f, l[i].name, 0);
		for (int c = 2; c < NCOLS; c++)
			ppv_csv_puts(f, v[c], c == NCOLS - 1);
	}
}

static void
payouts_table(FILE *f, const ppv_earner *l, size_t n)
{
	int w[NCOLS];
	char v[NCOLS][40];

	for (int c = 0; c < NCOLS; c++)
		w[c] = (int)strlen(cols[c]);
	for (size_t i = 0; i < n; i++) {
		row_text(&l[i], v);
		for (int c = 0; c < NCOLS; c++)
			if ((int)strlen(c == 1 ? l[i].name : v[c]) > w[c])
				w[c] = (int)strlen(c == 1 ? l[i].name : v[c]);
	}
	if (w[1] > 32)
		w[1] = 32;
	for (int c = 0; c < NCOLS; c++)
		fprintf(f, c >= 3 && c < 12 ? "%*s%s" : "%-*s%s", c == NCOLS - 1 ? 0 : w[c], cols[c],
		        c == NCOLS - 1 ? "\n" : "  ");
	for (size_t i = 0; i < n; i++) {
		row_text(&l[i], v);
		for (int c = 0; c < NCOLS; c++) {
			const char *sep = c == NCOLS - 1 ? "\n" : "  ";
			if (c >= 3 && c < 12)
				fprintf(f, "%*s%s", w[c], v[c], sep);
			else if (c == 1)
				fprintf(f, "%-*.*s%s", w[c], w[c], l[i].name, sep);
			else
				fprintf(f, "%-*s%s", c == NCOLS - 1 ? 0 : w[c], v[c], sep);
		}
	}
}

static void
json_str(FILE *f, const char *s)
{
	size_t n = strlen(s);
	char *e = malloc(6 * n + 1);

	if (!e)
		ppv_die(PPV_ERR, "out of memory");
	ppv_json_escape(e, s, n);
	fprintf(f, "\"%s\"", e);
	free(e);
}

static void
payouts_json(FILE *f, const ppv_earner *l, size_t n)
{
	char v[NCOLS][40];

	fputs("[", f);
	for (size_t i = 0; i < n; i++) {
		row_text(&l[i], v);
		fputs(i ? ",\n {" : "\n {", f);
		for (int c = 0; c < NCOLS; c++) {
			fprintf(f, "%s\"%s\":", c ? "," : "", cols[c]);
			json_str(f, c == 1 ? l[i].name : c == 0 ? l[i].id : v[c]);
		}
		fputs("}", f);
	}
	fputs(n ? "\n]\n" : "]\n", f);
}

/* --- totals --- */

typedef struct {
	const char *cur;
	int exp;
	int64_t by_kind[K_NKINDS];
	int64_t gross, refunds, store, platform, withholding, net, opening, payout, closing;
	uint64_t creators, paid, held, negative;
} total;

static size_t
totals(const ppv_earner *l, size_t n, total *t, size_t cap)
{
	size_t nt = 0;

	for (size_t i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < nt && strcmp(t[k].cur, l[i].currency); k++)
			;
		if (k == nt) {
			if (nt == cap)
				ppv_die(PPV_ERR, "too many payout currencies");
			memset(&t[nt], 0, sizeof *t);
			t[nt].cur = l[i].currency;
			t[nt].exp = l[i].exp;
			nt++;
		}
		total *x = &t[k];
		for (int j = 0; j < K_NKINDS; j++)
			x->by_kind[j] += l[i].by_kind[j];
		x->gross += l[i].gross, x->refunds += l[i].refunds, x->store += l[i].store;
		x->platform += l[i].platform, x->withholding += l[i].withholding, x->net += l[i].net;
		x->opening += l[i].opening, x->payout += l[i].payout, x->closing += l[i].closing;
		x->creators++;
		x->paid += !strcmp(l[i].status, "paid");
		x->held += !strcmp(l[i].status, "held");
		x->negative += !strcmp(l[i].status, "negative");
	}
	/* in code order, so the output does not depend on the input's */
	for (size_t a = 1; a < nt; a++)
		for (size_t b = a; b > 0 && strcmp(t[b - 1].cur, t[b].cur) > 0; b--) {
			total s = t[b];
			t[b] = t[b - 1];
			t[b - 1] = s;
		}
	return nt;
}

/* --- last year's summary, for growth --- */

typedef struct {
	int64_t tier[MAXTIERS];
	int have_tier[MAXTIERS];
	int64_t net_base;
	int have_net;
	const opts *o;
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
	for (int i = 0; i < p->o->ntiers; i++) {
		snprintf(k, sizeof k, "%lld", (long long)p->o->tiers[i]);
		if (!strcmp(k, key))
			p->tier[i] = x, p->have_tier[i] = 1;
	}
	return 0;
}

static int
prev_base(void *ctx, const char *key, size_t kn, const ppv_jval *v)
{
	prev *p = ctx;
	char s[40];

	(void)kn;
	if (!strcmp(key, "net") && v->type == 's' && ppv_json_string(v, s, sizeof s) >= 0) {
		/* minor units of the base currency, which the summary names */
		char digits[40];
		size_t j = 0;
		for (size_t i = 0; s[i] && j + 1 < sizeof digits; i++)
			if (s[i] != '.')
				digits[j++] = s[i];
		digits[j] = 0;
		p->net_base = strtoll(digits, NULL, 10);
		p->have_net = 1;
	}
	return 0;
}

static int
prev_top(void *ctx, const char *key, size_t kn, const ppv_jval *v)
{
	(void)kn;
	if (!strcmp(key, "tiers") && v->type == 'o')
		return ppv_json_object(v->p, v->n, prev_tier, ctx);
	if (!strcmp(key, "base_totals") && v->type == 'o')
		return ppv_json_object(v->p, v->n, prev_base, ctx);
	return 0;
}

static void
read_prev(const char *path, prev *p)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		ppv_die(PPV_ERR, "%s:", path);
	for (;;) {
		if (n + 4096 > cap)
			buf = realloc(buf, cap = 2 * cap + 4096);
		if (!buf)
			ppv_die(PPV_ERR, "out of memory");
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	fclose(f);
	if (ppv_json_object(buf, n, prev_top, p))
		ppv_die(PPV_ERR, "%s: not a ppv-earnings summary (JSON)", path);
	free(buf);
}

/* "+94.0%": growth in tenths of a percent, in integers */
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

static void
summary(FILE *f, const opts *o, const ppv_earn_cfg *cfg, const ppv_earn_counts *k, const ppv_earner *l,
        size_t n, const total *t, size_t nt)
{
	char a[40], s0[32], s1[32];
	int bexp = ppv_currency_exp(cfg->base);
	int64_t net_base = 0;
	int64_t tier[MAXTIERS] = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (l[i].net_base == INT64_MIN) {
			if (o->ntiers || o->compare)
				ppv_die(PPV_ERR, "--tiers: no %s rate for the end of the month (--fx)", l[i].currency);
			continue;
		}
		net_base += l[i].net_base;
		for (int j = 0; j < o->ntiers; j++)
			tier[j] += l[i].net_base >= o->tiers[j];
	}
	fprintf(f, "{\"format\":\"ppv-earnings-summary/1\",\"month\":\"%s\",\"start\":\"%s\",\"end\":\"%s\","
	        "\"base\":\"%s\",\"rounding\":\"%s\",\n", o->month, ppv_time_format(cfg->start, s0),
	        ppv_time_format(cfg->end, s1), cfg->base, cfg->rounding == PPV_HALF_UP ? "half-up" : "half-even");
	fprintf(f, " \"events\":{\"read\":%llu,\"used\":%llu,\"duplicate\":%llu,\"rejected\":%llu,"
	        "\"outside_month\":%llu,\"unmatched_refunds\":%llu,\"impressions\":%llu},\n",
	        (unsigned long long)k->read, (unsigned long long)k->used, (unsigned long long)k->duplicate,
	        (unsigned long long)k->rejected, (unsigned long long)k->outside,
	        (unsigned long long)k->unmatched_refunds, (unsigned long long)k->impressions);
	uint64_t paid = 0, held = 0, neg = 0;
	fputs(" \"currencies\":{", f);
	for (size_t i = 0; i < nt; i++) {
		const total *x = &t[i];
		paid += x->paid, held += x->held, neg += x->negative;
		fprintf(f, "%s\n  \"%s\":{", i ? "," : "", x->cur);
		const int64_t v[] = { x->gross, x->refunds, x->store, x->platform, x->withholding, x->net, x->opening,
			              x->payout, x->closing };
		static const char *const names[] = { "gross", "refunds", "store_fees", "platform_fees", "withholding",
			                              "net", "opening_balance", "payouts", "closing_balance" };
		for (size_t j = 0; j < sizeof v / sizeof *v; j++)
			fprintf(f, "%s\"%s\":\"%s\"", j ? "," : "", names[j], ppv_money_format(v[j], x->exp, a));
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
	fprintf(f, "},\n \"creators\":{\"total\":%zu,\"paid\":%llu,\"held\":%llu,\"negative\":%llu},\n", n,
	        (unsigned long long)paid, (unsigned long long)held, (unsigned long long)neg);
	fprintf(f, " \"base_totals\":{\"net\":\"%s\"},\n \"tiers\":{", ppv_money_format(net_base, bexp, a));
	for (int j = 0; j < o->ntiers; j++)
		fprintf(f, "%s\"%lld\":%lld", j ? "," : "", (long long)(o->tiers[j] / ppv_pow10(bexp)), (long long)tier[j]);
	fputs("}", f);
	if (o->compare) {
		prev p = { .o = o };
		opts conv = *o;
		for (int j = 0; j < o->ntiers; j++)
			conv.tiers[j] = o->tiers[j] / (int64_t)ppv_pow10(bexp);
		p.o = &conv;
		read_prev(o->compare, &p);
		fputs(",\n \"growth\":{\"tiers\":{", f);
		for (int j = 0; j < o->ntiers; j++) {
			fprintf(f, "%s\"%lld\":", j ? "," : "", (long long)conv.tiers[j]);
			if (p.have_tier[j])
				growth(f, tier[j], p.tier[j]);
			else
				fputs("null", f);
		}
		fputs("},\"net\":", f);
		if (p.have_net)
			growth(f, net_base, p.net_base);
		else
			fputs("null", f);
		fputs("}", f);
	}
	fputs("\n}\n", f);
}

static void
closing(FILE *f, const ppv_earner *l, size_t n)
{
	char a[40];

	fputs("creator_id,currency,balance\n", f);
	for (size_t i = 0; i < n; i++) {
		if (!l[i].closing)
			continue;
		ppv_csv_puts(f, l[i].id, 0);
		ppv_csv_puts(f, l[i].currency, 0);
		ppv_csv_puts(f, ppv_money_format(l[i].closing, l[i].exp, a), 1);
	}
}

static void
reconciliation(const total *t, size_t nt)
{
	char g[40], r[40], s[40], p[40], w[40], n[40];

	for (size_t i = 0; i < nt; i++) {
		const total *x = &t[i];
		ppv_warn("%s: %s gross - %s refunds = %s store + %s platform + %s withheld + %s net: balanced", x->cur,
		         ppv_money_format(x->gross, x->exp, g), ppv_money_format(x->refunds, x->exp, r),
		         ppv_money_format(x->store, x->exp, s), ppv_money_format(x->platform, x->exp, p),
		         ppv_money_format(x->withholding, x->exp, w), ppv_money_format(x->net, x->exp, n));
	}
}

static void
parse_tiers(opts *o, const char *s, int exp)
{
	char *copy = strdup(s), *save = NULL;

	if (!copy)
		ppv_die(PPV_ERR, "out of memory");
	o->ntiers = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int64_t v;
		if (o->ntiers == MAXTIERS || ppv_money_parse(t, strlen(t), 0, &v) || v <= 0)
			ppv_die(PPV_ERR, "--tiers: '%s' is not a list of whole amounts", s);
		o->tiers[o->ntiers++] = v * (int64_t)ppv_pow10(exp);
	}
	free(copy);
}

static void
currency_opt(const char *opt, const char *s, char out[4])
{
	if (strlen(s) != 3 || ppv_currency_exp(s) < 0)
		ppv_die(PPV_ERR, "%s: '%s' is not an ISO 4217 currency", opt, s);
	memcpy(out, s, 4);
}

int
main(int argc, char **argv)
{
	opts o = { .imp = NULL };
	ppv_earn_cfg cfg = { .rounding = PPV_HALF_EVEN, .base = "USD", .min_payout = "100" };
	const char *tiers = NULL, *adcur = NULL;
	int c;

	ppv_init(argv[0]);
	if (!(o.imp = calloc((size_t)argc, sizeof *o.imp)))
		ppv_die(PPV_ERR, "out of memory");
	while ((c = getopt_long(argc, argv, "m:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': o.month_arg = optarg; break;
		case O_TZ: o.tz = optarg; break;
		case O_CREATORS: o.creators = optarg; break;
		case O_FEES: o.fees = optarg; break;
		case O_FX: o.fx = optarg; break;
		case O_BASE: currency_opt("--base", optarg, cfg.base); break;
		case O_WH: o.wh = optarg; break;
		case O_BAL: o.balances = optarg; break;
		case O_IMP: o.imp[o.nimp++] = optarg; break;
		case O_ADCUR: adcur = optarg; break;
		case O_MIN: cfg.min_payout = optarg; break;
		case O_ROUND:
			if (!strcmp(optarg, "half-even"))
				cfg.rounding = PPV_HALF_EVEN;
			else if (!strcmp(optarg, "half-up"))
				cfg.rounding = PPV_HALF_UP;
			else
				ppv_die(PPV_ERR, "--rounding: '%s' is neither half-even nor half-up", optarg);
			break;
		case 'o': o.out = optarg; break;
		case O_FORMAT:
			if (strcmp(optarg, "csv") && strcmp(optarg, "table") && strcmp(optarg, "json"))
				ppv_die(PPV_ERR, "--format: unknown format '%s' (csv, table, json)", optarg);
			o.format = optarg;
			break;
		case O_CLOSING: o.closing = optarg; break;
		case O_SUMMARY: o.summary = optarg; break;
		case O_TIERS: tiers = optarg; break;
		case O_COMPARE: o.compare = optarg; break;
		case O_LEDGER: o.ledger = optarg; break;
		case O_REJECTS: o.rejects = optarg; break;
		case O_PARTIAL: o.partial = 1; break;
		case O_MERGE: o.merge = 1; break;
		case 'q': o.quiet = 1; break;
		case 'h': ppv_help(help);
		case O_VERSION: ppv_version();
		default: ppv_usage(synopsis);
		}
	}
	if (!o.month_arg)
		ppv_usage(synopsis);
	currency_opt("--ad-currency", adcur ? adcur : cfg.base, cfg.ad_currency);
	parse_tiers(&o, tiers ? tiers : "1000,10000", ppv_currency_exp(cfg.base));
	if (o.compare && !o.summary)
		ppv_die(PPV_ERR, "--compare goes with --summary");
	if (o.partial && o.merge)
		ppv_die(PPV_ERR, "--partial and --merge: one or the other");
	if (o.partial && (o.summary || o.closing || o.ledger || o.format || o.balances))
		ppv_die(PPV_ERR, "--partial writes only the partial: --summary, --closing, --ledger, "
		        "--balances and --format go with the --merge");
	if (o.merge && o.nimp)
		ppv_die(PPV_ERR, "--merge: the impressions are in the partials; --impressions goes with --partial");
	{
		/* a minimum payout must be an amount in every currency: 100.00 is 100 yen */
		int64_t v;
		size_t n = strlen(cfg.min_payout);
		if (strchr(cfg.min_payout, '.')) {
			while (n > 1 && cfg.min_payout[n - 1] == '0')
				n--;
			if (cfg.min_payout[n - 1] == '.')
				n--;
		}
		char *m = strndup(cfg.min_payout, n);
		if (!m || ppv_money_parse(m, strlen(m), 4, &v) || v < 0)
			ppv_die(PPV_ERR, "--min-payout: '%s' is not an amount", cfg.min_payout);
		cfg.min_payout = m;
	}
	month_bounds(&o, &cfg);

	ppv_atomic aled = { 0 }, arej = { 0 };
	if (o.ledger) {
		cfg.ledger = out_open(&aled, o.ledger);
		fputs("event_id,time,creator_id,kind,amount,currency,payout_currency,gross,refund,store_fee,"
		      "platform_fee,withholding,net,ref_event_id\n", cfg.ledger);
	}
	if (o.rejects) {
		cfg.rejects = out_open(&arej, o.rejects);
		fputs("file,line,error,row\n", cfg.rejects);
	}
	ppv_atomic apart = { 0 };
	if (o.partial)
		cfg.partial = out_open(&apart, o.out);
	ppv_earn *e = ppv_earn_new(&cfg);
	if (o.creators)
		ppv_earn_creators(e, o.creators);
	if (o.fees)
		ppv_earn_fees(e, o.fees);
	if (o.fx)
		ppv_earn_fx(e, o.fx);
	if (o.wh)
		ppv_earn_withholding(e, o.wh);
	if (o.balances)
		ppv_earn_balances(e, o.balances);
	void (*read)(ppv_earn *, const char *) = o.merge ? ppv_earn_partials : ppv_earn_events;
	if (optind == argc)
		read(e, "-");
	for (int i = optind; i < argc; i++)
		read(e, argv[i]);
	for (int i = 0; i < o.nimp; i++)
		ppv_earn_impressions(e, o.imp[i]);

	char err[256];
	if (ppv_earn_finish(e, err, sizeof err))
		ppv_die(PPV_ERR, "%s", err);
	if (o.partial) {
		if (o.rejects)
			out_commit(&arej, cfg.rejects, o.rejects);
		out_commit(&apart, cfg.partial, o.out);
		ppv_earn_free(e);
		free(o.imp);
		free((char *)cfg.min_payout);
		ppv_exit(PPV_OK);
	}
	size_t n;
	const ppv_earner *l = ppv_earn_list(e, &n);
	total t[64];
	size_t nt = totals(l, n, t, 64);
	for (size_t i = 0; i < nt; i++)
		if (t[i].gross - t[i].refunds != t[i].store + t[i].platform + t[i].withholding + t[i].net)
			ppv_die(PPV_ERR, "%s does not reconcile: a bug; nothing written", t[i].cur);

	/* the payouts last: a cron job that sees them can trust the rest */
	if (o.summary) {
		ppv_atomic a = { 0 };
		FILE *f = out_open(&a, o.summary);
		summary(f, &o, &cfg, ppv_earn_stats(e), l, n, t, nt);
		out_commit(&a, f, o.summary);
	}
	if (o.closing) {
		ppv_atomic a = { 0 };
		FILE *f = out_open(&a, o.closing);
		closing(f, l, n);
		out_commit(&a, f, o.closing);
	}
	if (o.ledger)
		out_commit(&aled, cfg.ledger, o.ledger);
	if (o.rejects)
		out_commit(&arej, cfg.rejects, o.rejects);
	ppv_atomic a = { 0 };
	FILE *f = out_open(&a, o.out);
	const char *fmt = o.format ? o.format : f == stdout && isatty(STDOUT_FILENO) ? "table" : "csv";
	if (!strcmp(fmt, "table"))
		payouts_table(f, l, n);
	else if (!strcmp(fmt, "json"))
		payouts_json(f, l, n);
	else
		payouts_csv(f, l, n);
	out_commit(&a, f, o.out);
	if (!o.quiet) {
		const ppv_earn_counts *k = ppv_earn_stats(e);
		if (k->duplicate || k->rejected)
			ppv_warn("%llu duplicate events counted once, %llu rows rejected", (unsigned long long)k->duplicate,
			         (unsigned long long)k->rejected);
		reconciliation(t, nt);
	}
	ppv_earn_free(e);
	free(o.imp);
	free((char *)cfg.min_payout);
	ppv_exit(PPV_OK);
}
