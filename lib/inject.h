/* inject.h: a TS filter that adds an SCTE-35 PID to the PMT and sends splice_insert cues ahead of each break; and the cues a TS carries, read out. */
#ifndef PPV_INJECT_H
#define PPV_INJECT_H

#include <stdint.h>
#include <stdio.h>

#include "breaks.h"
#include "input.h"

typedef struct {
	const ppv_break *breaks;    /* sorted by at; from the first PTS */
	size_t nbreaks;
	uint64_t preroll;           /* ticks */
	int pid;                    /* -1: the first free PID after the stream's */
	int quiet;
} ppv_inject_cfg;

/* Copies the stream from in to out with the cues added. Returns an exit
 * code; diagnostics are printed. */
int ppv_inject(const ppv_inject_cfg *cfg, ppv_input *in, FILE *out);

/* Called for each SCTE-35 section of a PID the PMT marks as cues, with the
 * number of the packet that completed it (from 1). */
typedef void (*ppv_cue_fn)(void *ctx, uint16_t pid, uint64_t packet, const uint8_t *sec, size_t n);
/* Reads a whole TS, calling fn for every cue. 0, or -1 when in is not a
 * transport stream. */
int ppv_cues_scan(ppv_input *in, ppv_cue_fn fn, void *ctx);

#endif
