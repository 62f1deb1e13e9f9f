/* event.h: one row of an event log (a sale, refund or adjustment), checked and in minor units. */
#ifndef PPV_EVENT_H
#define PPV_EVENT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* The columns of an event log, in the order read when it has no header. */
#define PPV_EVENT_COLUMNS "event_id,time,creator_id,kind,amount,currency,country,viewer_id,platform,ref_event_id"

enum ppv_kind { K_TICKET, K_SUBSCRIPTION, K_TIP, K_AD, K_ADJUSTMENT, K_REFUND, K_CHARGEBACK, K_NKINDS };
extern const char *const ppv_kind_names[K_NKINDS];

/* An event row, checked and in minor units: from a log, or from a partial.
 * The strings point into the row it was read from. */
typedef struct {
	const char *id, *creator, *country, *platform, *ref;
	int64_t t, amount;
	int kind;
	char cur[4];
	uint32_t body;                  /* fingerprint of what it says (evread) */
	uint64_t creator_fp;            /* ppv_creator_hash of creator, 0 when not yet known */
} ppv_event;

/* The hash creator tables key on (FNV-1a, mixed; never 0): computed where a
 * row is parsed, so the thread that applies it need not read the id again. */
static inline uint64_t
ppv_creator_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	h ^= h >> 29;
	return h ? h : 1;
}

/* Checks one row, fields in PPV_EVENT_COLUMNS order; -1 with the reason. */
int ppv_event_parse(ppv_event *v, const char *const f[10], char *err, size_t cap);

/* A kind's index by its name, -1 if none. */
int ppv_kind_of(const char *s);
/* s as an ISO 4217 code into out: its exponent, or -1 when it is not one (out untouched). */
int ppv_currency_code(const char *s, char out[4]);

#endif
