/* breaks.h: ad breaks in media time: `--at T[/D]` arguments and the `at,duration[,event_id]` schedule CSV, sorted and checked. */
#ifndef PPV_BREAKS_H
#define PPV_BREAKS_H

#include <stddef.h>
#include <stdint.h>

#define PPV_BREAK_OPEN UINT64_MAX   /* a duration: as long as what fills it */

typedef struct {
	uint64_t at, duration;      /* 90 kHz ticks from the start of the media */
	uint32_t event_id;
} ppv_break;

typedef struct {
	ppv_break *v;
	size_t n, cap;
	uint32_t next_id;           /* the id of the next break given without one */
} ppv_breaks;

#define PPV_BREAKS_INIT { .next_id = 1 }

/* Adds `T` or `T/D` (600, 10m/1m30s; D is dflt when left out). -1 when
 * arg is neither. */
int ppv_breaks_at(ppv_breaks *b, const char *arg, uint64_t dflt);
/* Adds the rows of a schedule; -1 with "file:line: what" in err. */
int ppv_breaks_read(ppv_breaks *b, const char *path, char *err, size_t errcap);
/* Event ids from first on for the breaks given so far and those after. */
void ppv_breaks_number_from(ppv_breaks *b, uint32_t first);
/* Sorts by time; -1 with the two times in err when breaks overlap. */
int ppv_breaks_check(ppv_breaks *b, char *err, size_t errcap);
void ppv_breaks_free(ppv_breaks *b);

#endif
