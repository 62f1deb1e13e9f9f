/* progress.h: a one-line progress counter on stderr, only when stderr is a terminal. */
#ifndef PPV_PROGRESS_H
#define PPV_PROGRESS_H

#include <stdint.h>

typedef struct {
	int on;
	const char *what;
	int64_t last_ms;
	unsigned every;             /* items between looks at the clock: 4096, or 1 for slow ones */
} ppv_progress;

void ppv_progress_start(ppv_progress *p, const char *what);
/* Cheap enough per item: looks at the clock once every `every` items. */
void ppv_progress_tick(ppv_progress *p, uint64_t done);
void ppv_progress_end(ppv_progress *p, uint64_t done);

#endif
