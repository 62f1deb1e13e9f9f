/* report.h: what ppv-earnings writes: payouts as CSV, aligned text, JSON or a self-contained HTML page, the summary, balances. */
#ifndef PPV_REPORT_H
#define PPV_REPORT_H

#include <stdio.h>

#include "earn.h"

enum { PPV_MAXTIERS = 16, PPV_MAXCURS = 64 };

/* One payout currency's month. */
typedef struct {
	const char *cur;
	int exp;
	int64_t by_kind[K_NKINDS];
	int64_t gross, refunds, store, platform, withholding, net, opening, payout, closing;
	uint64_t creators, paid, held, negative;
} ppv_total;

typedef struct {
	const char *month;
	const ppv_earn_cfg *cfg;
	const ppv_earn_counts *counts;
	const ppv_earner *const *l;
	size_t n;
	ppv_total t[PPV_MAXCURS];
	size_t nt;
	/* in the base currency's minor units */
	int64_t tiers[PPV_MAXTIERS], tier_count[PPV_MAXTIERS], net_base, sales_base;
	int ntiers, base_known;          /* every creator's net converted */
	/* last year's summary, with --compare */
	int compare, have_prev_tier[PPV_MAXTIERS], have_prev_net, have_prev_sales;
	int64_t prev_tier[PPV_MAXTIERS], prev_net, prev_sales;
} ppv_report;

/* Totals by currency (checked to reconcile) and tier counts; -1 with the
 * reason in err when a currency does not reconcile. The totals do not depend
 * on the order of l; the report keeps l, and its writers read it in the
 * order it has when they run. */
int ppv_report_init(ppv_report *r, const char *month, const ppv_earn_cfg *cfg, const ppv_earn_counts *k,
                    const ppv_earner *const *l, size_t n, const int64_t *tiers, int ntiers, char *err, size_t cap);
/* Reads last year's --summary for growth figures; -1 when it is not one. */
int ppv_report_compare(ppv_report *r, const char *path, char *err, size_t cap);

/* Whether ppv_report_html needs the list by id, as every other output does:
 * not for a page of the top earners, ranked by net whatever the list's order. */
int ppv_report_html_by_id(const ppv_report *r);

void ppv_report_csv(FILE *f, const ppv_report *r);
/* The first max creators (all when 0), and how many more there are. */
void ppv_report_table(FILE *f, const ppv_report *r, size_t max);
void ppv_report_json(FILE *f, const ppv_report *r);
void ppv_report_html(FILE *f, const ppv_report *r);
void ppv_report_summary(FILE *f, const ppv_report *r);
void ppv_report_closing(FILE *f, const ppv_report *r);
/* One line a currency on stderr: gross - refunds = fees + withholding + net. */
void ppv_report_reconciliation(const ppv_report *r);

#endif
