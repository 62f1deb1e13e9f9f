/* evread.h: event logs read, parsed and checked on a thread of their own, handed over in order in batches. */
#ifndef PPV_EVREAD_H
#define PPV_EVREAD_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

typedef struct {
	ppv_event v;
	uint64_t id_fp;        /* fingerprint of event_id, never 0 */
	long line;
	const char *error;     /* why the row is bad, NULL if it is not */
	const char *row;       /* a bad row as CSV text, for --rejects */
	const char *raw;       /* a good row's fields, each ending in a NUL, for --rejects */
	size_t rawlen;
} ppv_evrec;

typedef struct ppv_evread ppv_evread;

/* Starts reading path ("-" is stdin); dies (exit 2) when it cannot be opened. */
ppv_evread *ppv_evread_open(const char *path);
/* The next rows in input order, valid until the next call; NULL at the end. */
const ppv_evrec *ppv_evread_next(ppv_evread *r, size_t *n);
const char *ppv_evread_name(const ppv_evread *r);
/* The average length of a row, known once a full batch was handed over; 0 before. */
uint64_t ppv_evread_row_bytes(const ppv_evread *r);
void ppv_evread_close(ppv_evread *r);

/* The fingerprint slot tables key on: the first 64 bits of MurmurHash3; for
 * the thread that calls ppv_evread_next (the reader computes its own). */
uint64_t ppv_evread_fp(const char *s, size_t n);

#endif
