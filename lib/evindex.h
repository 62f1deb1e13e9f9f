/* evindex.h: every event of a run by the fingerprint of its event_id, with what a refund needs of a sale. */
#ifndef PPV_EVINDEX_H
#define PPV_EVINDEX_H

#include <stddef.h>
#include <stdint.h>

/* One slot a distinct event_id, 24 bytes, with what a refund needs of the sale
 * it reverses; Robin Hood hashing keeps lookups short at 92 % full. The table
 * is sized once when the input's size is known (27 bytes an event), else it
 * grows by half (26 to 40). */
typedef struct {
	uint64_t id;                   /* fingerprint of event_id; 0: empty */
	int64_t left;                  /* a sale: amount not yet refunded, event currency */
	uint32_t body;                 /* fingerprint of what the event says */
	uint16_t rates;                /* a sale: the fee rows it had (the engine's index) */
	uint8_t cur;                   /* a sale: its currency (the engine's index) */
	uint8_t sale;
} ppv_evslot;

typedef struct {
	ppv_evslot *slot;
	size_t n, used;
} ppv_evindex;

void ppv_evindex_init(ppv_evindex *x);
void ppv_evindex_free(ppv_evindex *x);
/* Room for n events without growing. */
void ppv_evindex_reserve(ppv_evindex *x, uint64_t n);
/* A fingerprint not in the table, added: its new slot (all but id zero). */
ppv_evslot *ppv_evindex_insert(ppv_evindex *x, uint64_t fp);

/* Inline: every event of a month takes these paths, ten million times. */

/* Where a fingerprint's probe starts; to prefetch it ahead of use too. */
static inline size_t
ppv_evindex_slot(const ppv_evindex *x, uint64_t h)
{
	return (size_t)(((unsigned __int128)h * x->n) >> 64);
}

static inline const ppv_evslot *
ppv_evindex_home(const ppv_evindex *x, uint64_t h)
{
	return &x->slot[ppv_evindex_slot(x, h)];
}

/* The slot of a fingerprint (never 0), or NULL. Valid until the next add. */
static inline ppv_evslot *
ppv_evindex_find(const ppv_evindex *x, uint64_t h)
{
	for (size_t i = ppv_evindex_slot(x, h), d = 0;; i = i + 1 == x->n ? 0 : i + 1, d++) {
		uint64_t id = x->slot[i].id;
		if (!id)
			return NULL;
		size_t want = ppv_evindex_slot(x, id);
		/* an entry nearer its home than we are to ours: it would be here */
		if ((i >= want ? i - want : i + x->n - want) < d)
			return NULL;
		if (id == h)
			return &x->slot[i];
	}
}

/* The slot of a fingerprint, new (*fresh 1, all but id zero) or not. */
static inline ppv_evslot *
ppv_evindex_add(ppv_evindex *x, uint64_t h, int *fresh)
{
	ppv_evslot *s = ppv_evindex_find(x, h);

	*fresh = !s;
	return s ? s : ppv_evindex_insert(x, h);
}

#endif
