/* timeline.h: ppv-ingest's output timeline, one rule for both remux paths: it starts at 1 s,
 * a source's jump (a reconnect, an encoder restart) continues where the output was, and
 * jitter never lets a DTS repeat or go back. Times in 90 kHz. */
#ifndef PPV_TIMELINE_H
#define PPV_TIMELINE_H

#include <stdint.h>

/* The first unit's output DTS, 1 s: a stream that begins a little before its
 * first unit must not go below zero, where TS timestamps wrap. The media's
 * own time is an output DTS less this. */
#define PPV_TIMELINE_START 90000

typedef struct {
	int64_t offset;               /* source + offset = output */
	int started, jumps;
} ppv_timeline;

typedef struct {
	int seen;
	int64_t last, dur;            /* the track's last output DTS and its duration */
} ppv_timeline_track;

/* The output DTS of a source DTS; the output PTS is the source's PTS plus
 * (output DTS - source DTS). dur: the unit's duration, 0 when unknown (the
 * step from the last one, or a frame at 30 or 50 per second). */
int64_t ppv_timeline_place(ppv_timeline *tl, ppv_timeline_track *t, int64_t dts, int64_t dur, int video);

#endif
