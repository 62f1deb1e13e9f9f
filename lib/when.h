/* when.h: instants (RFC 3339 or unix seconds), playlist dates, durations (90, 2m, 1h30m, 1.5s), media time (90 kHz, µs, ms), a monotonic clock. */
#ifndef PPV_WHEN_H
#define PPV_WHEN_H

#include <stdint.h>

/* 0 on success, -1 when s is not a time. Fractions of a second are dropped. */
int ppv_time_parse(const char *s, int64_t *t);
/* Seconds; a fraction of a second is an error. */
int ppv_duration_parse(const char *s, int64_t *secs);
/* Milliseconds, for media times such as 2.5s. */
int ppv_duration_parse_ms(const char *s, int64_t *ms);
/* "2026-11-25T04:30:00Z"; buf holds at least 32 bytes. */
char *ppv_time_format(int64_t t, char *buf);
/* A monotonic clock in milliseconds, for timeouts and rates. */
int64_t ppv_now_ms(void);
/* Media time: 90 kHz ticks (MPEG-TS, SCTE-35) and microseconds (playlists). */
#define PPV_TICKS 90000
static inline int64_t ppv_ticks_to_us(int64_t t) { return t * 100 / 9; }
static inline int64_t ppv_us_to_ticks(int64_t us) { return us * 9 / 100; }
static inline int64_t ppv_ticks_to_ms(int64_t t) { return t / 90; }
/* 90 kHz ticks as seconds with 6 decimals, rounded. */
char *ppv_ticks_format(uint64_t ticks, char *buf);
/* Seconds with up to 6 decimals (or "Nt" for ticks) to 90 kHz ticks. */
int ppv_ticks_parse(const char *s, uint64_t *ticks);
/* Either of those, or a duration (10m, 1h2m3s); -1 when none. */
int ppv_media_time_parse(const char *s, uint64_t *ticks);
/* A playlist's date (EXT-X-PROGRAM-DATE-TIME, ISO 8601 with an offset) in
 * ms since the epoch, and back as UTC with milliseconds; buf holds 32. */
int ppv_pdt_parse(const char *s, int64_t *ms);
char *ppv_pdt_format(int64_t ms, char *buf);
/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t ppv_days_from_civil(int64_t y, unsigned m, unsigned d);
void ppv_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
