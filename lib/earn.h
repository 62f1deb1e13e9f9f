/* earn.h: a month of creator earnings from event logs: fees, FX, withholding, refunds, balances, in integer minor units. */
#ifndef PPV_EARN_H
#define PPV_EARN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "money.h"


typedef struct {
	int64_t start, end;             /* the month, [start, end), unix seconds */
	enum ppv_rounding rounding;
	char base[4];                   /* FX base currency: tiers and totals in it */
	char ad_currency[4];            /* of the impressions' cpm */
	const char *min_payout;         /* decimal, in each payout currency */
	FILE *ledger, *rejects;         /* optional */
	FILE *partial;                  /* --partial: events checked and written here for a merge */
	int reduce;                     /* --merge --partial: each creator's month written there instead */
	uint64_t memory;                /* --memory: bytes the event table may take; 0, no bound */
	int quiet;                      /* no warnings */
} ppv_earn_cfg;

enum ppv_payout_status { PPV_PAID, PPV_HELD, PPV_NEGATIVE };
extern const char *const ppv_status_names[3];  /* "paid", "held", "negative" */

/* One creator's month, in the payout currency's minor units. The fields an
 * event adds to come first, 64 bytes; the rest of a payout row follows, and
 * earn.c keeps the id right after the struct, its name (if --creators gives
 * one) after the id. What each kind of sale brought is summed per currency,
 * not here (ppv_earn_kinds), and the base currency's sales per run: 112
 * bytes, with an id of up to 7 characters two cache lines a creator, where
 * at a million creators each byte was a MB of fresh memory to fault in. */
typedef struct {
	const char *currency;
	int64_t gross, refunds, store, platform, withholding, net;
	uint64_t events;
	const char *id;
	int64_t opening, payout, closing;
	int64_t net_base;               /* net in the base currency, for tiers; INT64_MIN: no rate */
	int8_t exp;                     /* the currency's */
	uint8_t status;                 /* enum ppv_payout_status */
	uint8_t named;                  /* a name follows the id */
} ppv_earner;

/* The name --creators gives, else the id. */
static inline const char *
ppv_earner_name(const ppv_earner *o)
{
	return o->named ? o->id + strlen(o->id) + 1 : o->id;
}

typedef struct {
	uint64_t read, used, duplicate, rejected, outside, unmatched_refunds, impressions;
} ppv_earn_counts;

typedef struct ppv_earn ppv_earn;


ppv_earn *ppv_earn_new(const ppv_earn_cfg *cfg);
void ppv_earn_free(ppv_earn *e);

/* The tables. Each dies (exit 2) with file:line on a bad row. */
void ppv_earn_creators(ppv_earn *e, const char *path);
void ppv_earn_fees(ppv_earn *e, const char *path);
void ppv_earn_fx(ppv_earn *e, const char *path);
void ppv_earn_withholding(ppv_earn *e, const char *path);
void ppv_earn_balances(ppv_earn *e, const char *path);

/* The uncompressed size of all the event logs to come, if known: the event
 * table is then sized once, from the length of the first rows. */
void ppv_earn_expect(ppv_earn *e, uint64_t bytes);
/* Event logs and ppv-splice impression logs, plain or gzip, "-" for stdin.
 * A bad row dies with file:line, or goes to cfg->rejects when set. */
void ppv_earn_events(ppv_earn *e, const char *path);
void ppv_earn_impressions(ppv_earn *e, const char *path);
/* What --partial runs wrote, in any number, split and order. */
void ppv_earn_partials(ppv_earn *e, const char *path);

/* With --partial: writes the impressions' sums and the counts; with reduce,
 * applies the events and writes each creator's month and the counts. Otherwise:
 * applies the refunds and impressions held back until every sale was seen,
 * closes the balances, and checks that every currency reconciles; -1 with
 * the reason in err when it does not (which would be a bug). Nothing may be
 * added after it: it gives back the memory that looks events and creators up. */
int ppv_earn_finish(ppv_earn *e, char *err, size_t cap);

/* The month's creators, valid until ppv_earn_free: in the order they lie in
 * memory after ppv_earn_finish, by id after ppv_earn_sort. The order is
 * worth a pass: at a million creators a pass over the list by id cost
 * 0.25 s in cache misses, and one in memory order 0.03 s, so sums are
 * taken before the sort. */
const ppv_earner *const *ppv_earn_list(const ppv_earn *e, size_t *n);
void ppv_earn_sort(ppv_earn *e);
/* The same, with job(arg) run on another core meanwhile: the list keeps its
 * memory order until job has returned, for job to read. */
void ppv_earn_sort_beside(ppv_earn *e, void (*job)(void *), void *arg);
const ppv_earn_counts *ppv_earn_stats(const ppv_earn *e);
/* The month's gross of each kind of the creators paid in cur, refunds and
 * chargebacks (as minus) under their own kinds; -1 when a sum is past 64 bits. */
int ppv_earn_kinds(const ppv_earn *e, const char *cur, int64_t v[K_NKINDS]);
/* The month's gross less refunds in the base currency, of every creator
 * paid, each converted at the month's last rate; -1 past 64 bits. */
int ppv_earn_sales_base(const ppv_earn *e, int64_t *v);

#endif
