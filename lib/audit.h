/* audit.h: ppv-mint --audit: tickets fetched from two networks at once, found in nginx access logs. */
#ifndef PPV_AUDIT_H
#define PPV_AUDIT_H

#include <stdint.h>
#include <stdio.h>

#include "input.h"

typedef struct {
	int64_t window;          /* seconds: two fetches of a segment this close overlap */
	const char *token_path;  /* the prefix of /PREFIX/MD5/EXPIRES/TICKET/PATH: "/t" */
	uint32_t shared_at;      /* overlaps that make a ticket shared */
	size_t max_tickets;      /* tickets tracked: logs are untrusted */
} ppv_auditcfg;

typedef struct ppv_audit ppv_audit;

/* NULL when out of memory. */
ppv_audit *ppv_audit_new(const ppv_auditcfg *cfg);
/* One log line (n bytes, no newline): 1 a ticket's request, 0 a line without
 * a ticket or refused (4xx; a 503 is a second screen refused, and counts),
 * -1 not a `combined` line; -2 out of memory. */
int ppv_audit_line(ppv_audit *a, const char *s, size_t n);
/* Every line of in; a malformed one is counted and named (FILE:LINE) on
 * stderr, the first 20 of a run. -1 when out of memory. */
int ppv_audit_input(ppv_audit *a, ppv_input *in);
uint64_t ppv_audit_malformed(const ppv_audit *a);
uint64_t ppv_audit_lines(const ppv_audit *a);
/* Requests of tickets past max_tickets, counted but not audited. */
uint64_t ppv_audit_untracked(const ppv_audit *a);
/* `ticket,networks,overlaps,requests,first_seen,last_seen,verdict`, a row
 * per ticket in ticket order: the number of tickets shared, or -1 when a
 * write failed. */
long ppv_audit_report(ppv_audit *a, FILE *out);
void ppv_audit_free(ppv_audit *a);

#endif
