/* ingstats.h: ppv-ingest's statistics, one JSON line every few seconds and at the end. */
#ifndef PPV_INGSTATS_H
#define PPV_INGSTATS_H

#include <stdint.h>

typedef struct {
	const char *name, *remote;    /* NULL: not known */
	int64_t vlast, alast;         /* output DTS, 90 kHz: the last video and audio */
	int64_t win_start;            /* where the window of the rates began */
	uint64_t win_frames, win_bytes;
	int64_t keyint;               /* 90 kHz */
	uint64_t bytes;               /* written */
	int reconnects, jumps, reconfigs;
	uint64_t dropped;
} ppv_ingstats;

/* One line to fd; the window starts again. */
void ppv_ingstats_write(int fd, ppv_ingstats *s, int final);

#endif
