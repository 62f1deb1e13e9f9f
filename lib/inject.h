/* inject.h: a TS filter that adds an SCTE-35 PID to the PMT and sends splice_insert cues ahead of each break. */
#ifndef PPV_INJECT_H
#define PPV_INJECT_H

#include <stdint.h>
#include <stdio.h>

#include "input.h"

typedef struct {
	uint64_t at, duration;      /* media time, 90 kHz ticks from the first PTS */
	uint32_t event_id;
} ppv_break;

typedef struct {
	const ppv_break *breaks;    /* sorted by at */
	size_t nbreaks;
	uint64_t preroll;           /* ticks */
	int pid;                    /* -1: the first free PID after the stream's */
	int quiet;
} ppv_inject_cfg;

/* Copies the stream from in to out with the cues added. Returns an exit
 * code; diagnostics are printed. */
int ppv_inject(const ppv_inject_cfg *cfg, ppv_input *in, FILE *out);

#endif
