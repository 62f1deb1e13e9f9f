/* ppv-earnings: a month of event logs into creator payouts, balances and the platform's figures, to the cent. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "opt.h"
#include "pager.h"
#include "csvio.h"
#include "earn.h"
#include "input.h"
#include "report.h"
#include "when.h"

enum {
	O_CREATORS = PPV_OPT_LONG, O_FEES, O_FX, O_BASE, O_WH, O_BAL, O_IMP, O_ADCUR, O_MIN, O_ROUND, O_TZ, O_FORMAT,
	O_CLOSING, O_SUMMARY, O_TIERS, O_COMPARE, O_LEDGER, O_REJECTS, O_PARTIAL, O_MERGE, O_MEMORY,
};

static const ppv_opt options[] = {
	{ "month", 'm', "MONTH", "YYYY-MM or 'last'; [start, end) in UTC unless --tz", "@month" },
	{ "tz", O_TZ, "ZONE", "the month's bounds in this time zone (Europe/Paris)", "@zone" },
	{ "creators", O_CREATORS, "FILE", "creator_id,name,country,currency[,tax_form,min_payout]", "@file" },
	{ "fees", O_FEES, "FILE", "fee,kind,platform,from,until,rate,fixed; first match", "@file" },
	{ "fx", O_FX, "FILE", "date,currency,rate: units per one --base unit", "@file" },
	{ "base", O_BASE, "CUR", "the FX base currency, of tiers and totals (USD)", "USD EUR GBP JPY CAD AUD BRL INR MXN KWD MAD" },
	{ "withholding", O_WH, "FILE", "creator_country,buyer_country,tax_form,rate; * any", "@file" },
	{ "balances", O_BAL, "FILE", "opening balances: creator_id,currency,balance", "@file" },
	{ "impressions", O_IMP, "FILE", "ppv-splice's ad log (cpm per impression); repeatable", "@file", true },
	{ "ad-currency", O_ADCUR, "CUR", "the currency of the impressions' cpm (--base)", "USD EUR GBP JPY CAD AUD BRL INR MXN KWD MAD" },
	{ "min-payout", O_MIN, "AMOUNT", "pay when the balance reaches it (100.00)" },
	{ "rounding", O_ROUND, "MODE", "half-even (banker's) or half-up, per line item", "half-even half-up" },
	{ "output", 'o', "FILE", "the payouts (stdout)", "@file" },
	{ "format", O_FORMAT, "FORMAT", "csv, table, json, or html: a one-page report with\n"
	  "charts (table on a terminal, else csv)", "csv table json html" },
	{ "closing", O_CLOSING, "FILE", "closing balances: next month's --balances", "@file" },
	{ "summary", O_SUMMARY, "FILE", "totals, counts and tiers as JSON", "@file" },
	{ "tiers", O_TIERS, "LIST", "earnings levels in the base currency (1000,10000)" },
	{ "compare", O_COMPARE, "SUMMARY", "last year's --summary: growth of tiers and totals", "@file" },
	{ "ledger", O_LEDGER, "FILE", "one CSV line per event applied, with its fees", "@file" },
	{ "rejects", O_REJECTS, "FILE", "bad rows go here and are counted, not fatal", "@file" },
	{ "partial", O_PARTIAL, NULL, "check and write the events for a later --merge\n"
	  "(a mapper) instead of payouts; with --merge, each\n"
	  "creator's month (a reducer)" },
	{ "merge", O_MERGE, NULL, "FILE... are --partial outputs, in any split and\n"
	  "order: the same report as one run on all events" },
	{ "memory", O_MEMORY, "SIZE", "the event table's bound (512M, 4G): past it, events\n"
	  "wait in partitions on disk ($TMPDIR), the same payouts" },
	{ "quiet", 'q', NULL, "no reconciliation or warnings on stderr" },
	PPV_OPT_HELP,
	PPV_OPT_END,
};

static const ppv_doc doc = {
	.usage = "ppv-earnings -m MONTH [options] [FILE...]",
	.about = "Turn a month of event logs (FILE..., plain or .gz, or stdin) into one payout\n"
		 "row per creator: gross, refunds, store and platform fees, withholding, net,\n"
		 "balances. Integer minor units throughout; every currency must reconcile.",
	.opts = options,
	.footer = "Exit status: 0 success, 2 usage, I/O or bad input. See ppv-earnings(1).",
};

typedef struct {
	const char *month_arg, *tz, *out, *format, *closing, *summary, *compare, *ledger, *rejects;
	const char *creators, *fees, *fx, *wh, *balances;
	const char **imp;
	int nimp, quiet, partial, merge;
	int64_t tiers[PPV_MAXTIERS];
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

/* The files of one run land together or not at all: each is written beside
 * its name and renamed only when every one was written whole. Payouts hold
 * money: a new file is for its owner alone (0600, less what the umask takes). */
static struct {
	ppv_atomic a;
	const char *path;
} outs[6];
static int nouts;

static FILE *
out_open(const char *path)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdout;
	if (!(f = ppv_atomic_open(&outs[nouts].a, path, 0600)))
		ppv_die(PPV_ERR, "%s:", path);
	outs[nouts++].path = path;
	return f;
}

/* In the order opened, the payouts last: a cron job that sees them can trust the rest. */
static void
outs_commit(void)
{
	ppv_flush_stdout();
	for (int i = 0; i < nouts; i++)
		if (ppv_atomic_finish(&outs[i].a))
			ppv_die(PPV_ERR, "%s:", outs[i].path);  /* the others' temporary files go at exit */
	for (int i = 0; i < nouts; i++)
		if (ppv_atomic_place(&outs[i].a))
			ppv_die(PPV_ERR, "%s:", outs[i].path);
	nouts = 0;
}

/* A table longer than the terminal goes through the user's pager, as git
 * log does, or is cut to a screenful with a count of the rest. The files
 * are placed first: a reader who quits the pager early loses none of them. */
static void
table_on_terminal(const ppv_report *r)
{
	ppv_pager pg;
	char err[256];
	int rows = ppv_pager_rows();
	int paged = ppv_pager_start(&pg, r->n + 1, err, sizeof err);

	outs_commit();
	if (paged < 0)
		ppv_warn("%s: the first creators only", err);
	/* the header, the count of the rest and the prompt stay on the screen */
	ppv_report_table(stdout, r, paged < 0 ? (size_t)(rows > 4 ? rows - 3 : 1) : 0);
	if (ppv_pager_end(&pg, err, sizeof err))
		ppv_die(PPV_ERR, "%s", err);
}

static void
parse_tiers(opts *o, const char *s, int exp)
{
	char *copy = ppv_xstrdup(s), *save = NULL;

	o->ntiers = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int64_t v;
		if (o->ntiers == PPV_MAXTIERS || ppv_money_parse(t, strlen(t), 0, &v) || v <= 0)
			ppv_die(PPV_ERR, "--tiers: '%s' is not a list of whole amounts", s);
		o->tiers[o->ntiers++] = v * (int64_t)ppv_pow10(exp);
	}
	free(copy);
}

/* 512M, 4G, 1048576: bytes, with sort -S's binary suffixes */
static uint64_t
parse_size(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	const char *units = "KMGT", *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;

	if (*s == '-' || end == s || errno || (*end && (!u || (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B")))))
		ppv_die(PPV_ERR, "--memory: '%s' is not a size (512M, 4G)", s);
	for (const char *k = units; u && k <= u; k++) {
		if (v > ULLONG_MAX / 1024)
			ppv_die(PPV_ERR, "--memory: '%s' is not a size (512M, 4G)", s);
		v *= 1024;
	}
	if (v < 1 << 16)
		ppv_die(PPV_ERR, "--memory: %s is under 64K", s);
	return v;
}

static void
currency_opt(const char *opt, const char *s, char out[4])
{
	if (strlen(s) != 3 || ppv_currency_exp(s) < 0)
		ppv_die(PPV_ERR, "%s: '%s' is not an ISO 4217 currency", opt, s);
	memcpy(out, s, 4);
}

/* ppv_report_init as a job for another core: it only reads the creators */
struct totals {
	ppv_report *r;
	const opts *o;
	const ppv_earn_cfg *cfg;
	const ppv_earn_counts *counts;
	const ppv_earner *const *l;
	size_t n;
	int rc;
	char err[256];
};

static void
totals(void *arg)
{
	struct totals *t = arg;

	t->rc = ppv_report_init(t->r, t->o->month, t->cfg, t->counts, t->l, t->n, t->o->tiers, t->o->ntiers, t->err,
	                        sizeof t->err);
}

int
main(int argc, char **argv)
{
	opts o = { .imp = NULL };
	ppv_earn_cfg cfg = { .rounding = PPV_HALF_EVEN, .base = "USD", .min_payout = "100" };
	const char *tiers = NULL, *adcur = NULL;
	int c;

	ppv_init(argv[0]);
	ppv_doc_main(argc, argv, &doc);
	o.imp = ppv_xcalloc((size_t)argc, sizeof *o.imp);
	while ((c = ppv_getopt(argc, argv, &doc, NULL)) != -1) {
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
			if (strcmp(optarg, "csv") && strcmp(optarg, "table") && strcmp(optarg, "json") && strcmp(optarg, "html"))
				ppv_die(PPV_ERR, "--format: unknown format '%s' (csv, table, json, html)", optarg);
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
		case O_MEMORY: cfg.memory = parse_size(optarg); break;
		case 'q': o.quiet = cfg.quiet = 1; break;
		}
	}
	if (!o.month_arg)
		ppv_doc_usage(&doc);
	currency_opt("--ad-currency", adcur ? adcur : cfg.base, cfg.ad_currency);
	parse_tiers(&o, tiers ? tiers : "1000,10000", ppv_currency_exp(cfg.base));
	if (o.compare && !o.summary)
		ppv_die(PPV_ERR, "--compare goes with --summary");
	if (o.partial && o.merge && (o.summary || o.closing || o.format || o.balances))
		ppv_die(PPV_ERR, "--merge --partial writes each creator's month for a final --merge: --summary, "
		        "--closing, --balances and --format go with that one");
	if (o.partial && !o.merge && (o.summary || o.closing || o.ledger || o.format || o.balances))
		ppv_die(PPV_ERR, "--partial writes only the partial: --summary, --closing, --ledger, "
		        "--balances and --format go with the --merge");
	if (cfg.memory && (o.partial || o.merge))
		ppv_die(PPV_ERR, "--memory goes with a run on event logs, not with --partial or --merge");
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

	if (o.ledger) {
		cfg.ledger = out_open(o.ledger);
		fputs("event_id,time,creator_id,kind,amount,currency,payout_currency,gross,refund,store_fee,"
		      "platform_fee,withholding,net,ref_event_id\n", cfg.ledger);
	}
	if (o.rejects) {
		cfg.rejects = out_open(o.rejects);
		fputs("file,line,error,row\n", cfg.rejects);
	}
	if (o.partial)
		cfg.partial = out_open(o.out);
	cfg.reduce = o.partial && o.merge;
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
	uint64_t bytes = 0;
	for (int i = optind; i < argc && !o.merge; i++) {
		uint64_t b = ppv_input_size_of(argv[i]);
		if (!b) {
			bytes = 0;  /* a pipe among them: grow as we go */
			break;
		}
		bytes += b;
	}
	ppv_earn_expect(e, bytes);
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
		outs_commit();
		ppv_earn_free(e);
		free(o.imp);
		free((char *)cfg.min_payout);
		ppv_exit(PPV_OK);
	}
	size_t n;
	const ppv_earner *const *l = ppv_earn_list(e, &n);
	ppv_report r;
	struct totals t = { &r, &o, &cfg, ppv_earn_stats(e), l, n, 0, "" };
	/* the totals are taken on one core in memory order while the other
	 * sorts the list by id, which every output but the HTML page of top
	 * earners needs: at a million creators 0.02 s and 0.04 s, one after
	 * the other */
	int html = o.format && !strcmp(o.format, "html"), sorted = !html || o.closing;
	if (sorted)
		ppv_earn_sort_beside(e, totals, &t);
	else
		totals(&t);
	if (t.rc || (o.compare && ppv_report_compare(&r, o.compare, t.err, sizeof t.err)))
		ppv_die(PPV_ERR, "%s", t.err);
	for (size_t j = 0; j < r.nt; j++)
		if (ppv_earn_kinds(e, r.t[j].cur, r.t[j].by_kind))
			ppv_die(PPV_ERR, "the month's %s totals overflow a 64-bit total", r.t[j].cur);
	if (r.base_known && ppv_earn_sales_base(e, &r.sales_base))
		ppv_die(PPV_ERR, "the month's totals in %s overflow a 64-bit total", cfg.base);
	/* a page of the top earners of a million needs no sort (0.03 s) and
	 * walks them in memory order */
	if (!sorted && ppv_report_html_by_id(&r))
		ppv_earn_sort(e);
	if ((tiers || o.compare) && !r.base_known)
		ppv_die(PPV_ERR, "--tiers: creators paid in currencies without an --fx rate at the end of the month");

	if (o.summary)
		ppv_report_summary(out_open(o.summary), &r);
	if (o.closing)
		ppv_report_closing(out_open(o.closing), &r);
	FILE *f = out_open(o.out);
	const char *fmt = o.format ? o.format : f == stdout && isatty(STDOUT_FILENO) ? "table" : "csv";
	if (!strcmp(fmt, "table") && f == stdout && isatty(STDOUT_FILENO))
		table_on_terminal(&r);
	else if (!strcmp(fmt, "table"))
		ppv_report_table(f, &r, 0);
	else if (!strcmp(fmt, "json"))
		ppv_report_json(f, &r);
	else if (!strcmp(fmt, "html"))
		ppv_report_html(f, &r);
	else
		ppv_report_csv(f, &r);
	outs_commit();
	if (!o.quiet) {
		const ppv_earn_counts *k = ppv_earn_stats(e);
		if (k->duplicate || k->rejected)
			ppv_warn("%llu duplicate events counted once, %llu rows rejected", (unsigned long long)k->duplicate,
			         (unsigned long long)k->rejected);
		ppv_report_reconciliation(&r);
	}
	ppv_earn_free(e);
	free(o.imp);
	free((char *)cfg.min_payout);
	ppv_exit(PPV_OK);
}
