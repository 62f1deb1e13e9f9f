/* earnint.h: what earn.c, earnclose.c, earnpart.c and earnspill.c share of one run of ppv-earnings: the engine's state and the steps between them. */
#ifndef PPV_EARNINT_H
#define PPV_EARNINT_H

#include <stdint.h>

#include "ahead.h"
#include "csvio.h"
#include "earn.h"
#include "evindex.h"
#include "partial.h"
#include "progress.h"
#include "rules.h"

enum { NONE = PPV_NOROW, MAXCUR = 255 };

/* What --creators says withholding depends on. Kept beside the creators,
 * not in them: a million creators without a table took 36 bytes each for it,
 * and fresh memory is a third of such a run's time here. */
struct taxinfo {
	char country[4], tax_form[32];
	int64_t min_payout;            /* -1: --min-payout's */
};

struct creator {
	uint32_t tax;                  /* 1 + its row in the run's taxinfo; 0, none */
	uint8_t from_table;            /* named in --creators: its currency is fixed */
	uint8_t reduced;               /* its month came whole from a reducer */
	uint8_t cur;                   /* o.currency's index in curs */
	ppv_earner o;                  /* last: a reducer's kinds, the id, the name follow it */
};

/* A reducer writes each creator's sales of each kind, so it keeps them, right
 * after the creator (e->idoff says so); a run that pays keeps only their sums
 * per currency. */
static inline int64_t *
ppv_earn_kinds_of(struct creator *c)
{
	return (int64_t *)(void *)(c + 1);
}

struct rates {
	uint16_t store, platform, wh;  /* rows that applied, NONE if none */
};

struct pending {                       /* a refund, applied once every sale is known */
	char *id, *ref, *creator;      /* one allocation: id, then ref and creator after it */
	const char *file;              /* interned in files */
	long line;
	uint64_t creator_fp, ref_fp;   /* ppv_creator_hash of creator, ppv_evread_fp of ref; 0: not known */
	int64_t t, amount;
	int kind;
	uint8_t cur;
	char country[4];
};

struct imp {                           /* impressions of a creator, a day and a country */
	struct creator *c;
	int64_t day;
	char country[4];
	__int128 cpm;                  /* sum of cpm, in 10^-3 minor units: exact */
	uint64_t n;
};

struct ppv_earn {
	ppv_earn_cfg cfg;
	ppv_earn_counts k;
	struct creator **cr;
	char **slabs;                  /* creators and their ids, 8 MiB at a time */
	size_t nslabs, slab_left;
	char *slab_at;
	ppv_ahead *slab_ahead;         /* the next slab, once there are many creators */
	size_t ncr, crcap;
	/* Open addressing, at most half full, home slot h & crmask. A slot is 8
	 * bytes, not a hash and a pointer's 16: at a million creators the map's
	 * doublings were 64 MiB of fresh memory faulted in on the core that
	 * applies events, now 32. */
	struct crslot {
		uint32_t h;            /* ppv_creator_hash's low half: most probes end here */
		uint32_t ref;          /* where the creator is (ppv_earn_cr_at); 0: empty */
	} *crmap;
	size_t crmask;
	int creators_table;
	struct taxinfo *tax;           /* of the creators in --creators, in its order */
	size_t ntax, taxcap;
	ppv_rules *rules;              /* fees, withholding, FX */
	char curs[MAXCUR][4];
	int ncur;
	/* gross of each kind by payout currency, past 64 bits only where the
	 * currency's gross is too (which ppv_report_init names): checked when asked */
	__int128 kinds[MAXCUR][K_NKINDS];
	__int128 sales_base;           /* of the creators settled, in the base currency */
	size_t idoff;                  /* from the end of a creator to its id: a reducer's kinds between */
	ppv_evindex ix;
	struct rates *rates;           /* the distinct combinations of fee rows, few */
	size_t nrates;
	uint32_t ratemap[4096];        /* hash of a combination: index + 1 */
	struct pending *pend;
	char **files;                  /* names of the logs read, for refunds' messages */
	size_t nfiles;
	size_t npend, pendcap;
	struct imp *imp;
	size_t nimp, impcap;
	size_t *impmap, impmask;
	const ppv_earner **list;        /* the payees, by id: into cr */
	uint64_t *keys;                /* till the sort, each payee's ppv_strsort_key, from settling */
	size_t nlist;
	FILE *partial;                 /* --partial: events written, not applied */
	uint64_t id_fp;                /* the next slot_of's fingerprint, if known */
	uint64_t expect_bytes;         /* of all the logs still to read, if known */
	ppv_progress prog;
	const char *rowtext;           /* a bad row as CSV text, from the reader */
	const char *raw;               /* the fields of the good row being read, if known */
	size_t rawlen;
	char tag[PPV_PARTIAL_TAG];     /* of this run's partials */
	uint64_t mapped, reduced;      /* lines of mappers (events, impressions) and reducers merged */
	/* --memory: events in partitions by event_id, on disk (earnspill.c) */
	int spill, spill_decided;
	unsigned nparts;
	FILE **parts, **refs, **sales; /* events; refunds by their sale's; the events' slots */
	uint64_t *nput;                /* events in each partition */
	/* where the row being read came from, for messages */
	const char *file;
	long line;
	ppv_csv *csv;
};

/* A creator's place among the slabs, as a slot keeps it: 1 + its slab's
 * index and its offset there in 16-byte units, 19 bits of them. */
enum { CR_UNIT = 16, SLAB = 8 << 20, SLAB_UNITS_LOG2 = 19 };

static inline struct creator *
ppv_earn_cr_at(const ppv_earn *e, uint32_t ref)
{
	ref--;
	return (struct creator *)(void *)(e->slabs[ref >> SLAB_UNITS_LOG2] +
	                                  (size_t)(ref & ((1u << SLAB_UNITS_LOG2) - 1)) * CR_UNIT);
}

typedef struct {
	int64_t gross, refund, store, platform, wh, net;
} item;

/* The creator of id (ppv_creator_hash h, or 0), paid in cur unless --creators says otherwise; NULL
 * when the row was rejected (not in --creators). */
struct creator *ppv_earn_creator_for(ppv_earn *e, const char *id, uint64_t h, const char *cur);
/* One event, checked: counted once, applied, held back or written for a merge. */
void ppv_earn_process(ppv_earn *e, const ppv_event *v);
/* The impressions of a creator, a day and a country, added when new. */
struct imp *ppv_earn_imp_of(ppv_earn *e, struct creator *c, int64_t day, const char *country);
/* Dies: a creator's month past 64 bits. */
void ppv_earn_overflow(const ppv_earn *e, const struct creator *c) __attribute__((noreturn));

/* The refunds held back, applied in event_id order; how many had no sale. */
size_t ppv_earn_refunds(ppv_earn *e);
/* The impressions in (creator id, day, country) order: a mapper's partial
 * and the ledger do not depend on the order of the input. */
void ppv_earn_imp_sort(ppv_earn *e);
/* The impressions, sorted, applied to their creators as ad revenue. */
void ppv_earn_imp_apply(ppv_earn *e);
/* e->file's index in e->files, where refunds and spilled events name it. */
size_t ppv_earn_file_index(ppv_earn *e);

/* earnspill.c: past --memory, events go to partitions on disk (unlinked
 * files: nothing is left behind, whatever ends the run), and each partition
 * is applied in turn, its refunds with their sales' partition. */
void ppv_earn_spill_begin(ppv_earn *e, uint64_t events);
void ppv_earn_spill_put(ppv_earn *e, const ppv_event *v, uint64_t id_fp);
/* Applies every partition; how many refunds had no sale. */
size_t ppv_earn_spill_run(ppv_earn *e);

/* earnpart.c: a mapper's end (impressions and counts), a reducer's (each creator's month and counts). */
void ppv_earn_partial_end(ppv_earn *e);
void ppv_earn_results_put(ppv_earn *e);

#endif
