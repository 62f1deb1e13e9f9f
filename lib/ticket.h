/* ticket.h: per-buyer ticket ids, and the revocation list nginx includes as a map. */
#ifndef PPV_TICKET_H
#define PPV_TICKET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mac.h"

enum { PPV_TICKET_LEN = 16 };

/* The ticket of subject sub for the directory of uri (a path as
 * ppv_path_normalize leaves it): the first 8 bytes of
 * HMAC-SHA256(key, "ppv-ticket\n" DIR "\n" SUBJECT) in lowercase hex, NUL
 * ended. m is an HMAC-SHA256 of the key. */
void ppv_ticket_derive(ppv_mac *m, const char *sub, size_t sn, const char *uri, size_t un,
                       char out[PPV_TICKET_LEN + 1]);
/* 1 when s (n bytes) is a ticket id: 16 lowercase hex digits. */
int ppv_ticket_valid(const char *s, size_t n);
/* The ticket as a number, for sets; s must be valid. */
uint64_t ppv_ticket_value(const char *s);

/* A set of tickets: sorted and without repeats after ppv_revset_seal. */
typedef struct {
	uint64_t *v;
	size_t n, cap;
} ppv_revset;

/* Adds the tickets of an nginx map include (`TICKET 1;` a line, blank lines
 * and # comments skipped). A missing file is an empty set when missing_ok.
 * -1 with "FILE:LINE: why" (or the system's reason) in err. Sealed. */
int ppv_revset_load(ppv_revset *r, const char *path, int missing_ok, char *err, size_t cap);
/* -1 when out of memory. */
int ppv_revset_add(ppv_revset *r, uint64_t t);
void ppv_revset_seal(ppv_revset *r);
/* 1 when the ticket (n bytes) is in the sealed set. */
int ppv_revset_has(const ppv_revset *r, const char *s, size_t n);
/* The set as a map include, one `TICKET 1;` a line in order; -1 on a write error. */
int ppv_revset_write(const ppv_revset *r, FILE *f);
void ppv_revset_free(ppv_revset *r);

#endif
