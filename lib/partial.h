/* partial.h: the lines of a ppv-earnings partial (format 2): the creator first, as the key a partitioner routes on, and every line tagged. */
#ifndef PPV_PARTIAL_H
#define PPV_PARTIAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"

/* Hadoop Streaming sends each line to a reducer by the text before its first
 * tab, a header line's too: no line may depend on another, so each carries
 * the tag of the run that cut it (the format's version and a fingerprint of
 * the month's bounds, currencies and rounding a merge must share). */
enum { PPV_PARTIAL_VERSION = 2, PPV_PARTIAL_TAG = 16, PPV_PARTIAL_MAXF = 20 };

/* What a line carries: an event (a mapper's), the impressions of a creator,
 * a day and a country, a shard's counts, or one creator's month (a reducer's). */
enum ppv_partial_kind { PPV_PARTIAL_EVENT, PPV_PARTIAL_IMP, PPV_PARTIAL_COUNTS, PPV_PARTIAL_RESULT };

/* A shard's counts: read, rejected, duplicate, outside, used, impressions, unmatched refunds. */
enum { PPV_PARTIAL_NCOUNTS = 7 };
/* A creator's month: the sales of each kind, gross, refunds, store, platform, withholding, net. */
enum { PPV_PARTIAL_NSUMS = K_NKINDS + 6 };

void ppv_partial_tag(char tag[PPV_PARTIAL_TAG], int64_t start, int64_t end, const char *base, const char *ad_currency,
                     const char *rounding);

/* line cut at its tabs into at most max fields; their number, -1 past max. */
int ppv_partial_split(char *line, char **f, int max);
/* The kind of a line cut into nf fields, for a merge whose tag is tag; -1
 * with the reason (another run's, an older format's, not a partial's). */
int ppv_partial_kind(char **f, int nf, const char *tag, char *err, size_t cap);

/* A field, with % \t \n \r written %XX; the line's last ends it. */
void ppv_partial_put(FILE *f, const char *s, int last);
/* In place; the length, any %00 included. */
size_t ppv_partial_unescape(char *s);

/* Each kind's line out, and its fields back (unescaped in place); -1 when
 * they are not what that kind holds. The strings point into f. */
void ppv_event_partial(FILE *f, const char *tag, const ppv_event *v);
int ppv_event_unpartial(ppv_event *v, char **f, char *err, size_t cap);
void ppv_partial_imp(FILE *f, const char *tag, const char *creator, int64_t day, const char *country, __int128 cpm,
                     uint64_t n);
int ppv_partial_unimp(char **f, const char **creator, int64_t *day, const char **country, __int128 *cpm, uint64_t *n);
void ppv_partial_counts(FILE *f, const char *tag, const uint64_t k[PPV_PARTIAL_NCOUNTS]);
int ppv_partial_uncounts(char **f, uint64_t k[PPV_PARTIAL_NCOUNTS]);
void ppv_partial_result(FILE *f, const char *tag, const char *creator, const char *cur, uint64_t events,
                        const int64_t sums[PPV_PARTIAL_NSUMS]);
int ppv_partial_unresult(char **f, const char **creator, char cur[4], uint64_t *events,
                         int64_t sums[PPV_PARTIAL_NSUMS]);

#endif
