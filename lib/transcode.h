/* transcode.h: ppv-transcode's ladder: one stream decoded once, scaled and encoded per rung, out as one MPEG-TS with a program per rung. */
#ifndef PPV_TRANSCODE_H
#define PPV_TRANSCODE_H

#include <signal.h>

#include "ladder.h"

/* --audio: AAC copied and other audio encoded to AAC (auto), whatever it is
 * copied, or always encoded to AAC */
enum { PPV_TC_AUDIO_AUTO, PPV_TC_AUDIO_COPY, PPV_TC_AUDIO_AAC };

typedef struct {
	const char *ladder;         /* the SPEC; NULL: PPV_LADDER_DEFAULT */
	const char *preset;         /* x264's; NULL: veryfast */
	int gop_ms;                 /* keyframe interval when no source rung sets it */
	int audio, audio_kbps;      /* PPV_TC_AUDIO_*; the AAC rate when encoding */
	int out_fd;
	int live;                   /* flush each packet: a pipe to a live segmenter */
	int quiet;                  /* no note of rungs left out */
	volatile sig_atomic_t *stop; /* set by a signal: finish what is in flight and end */
} ppv_transcode_cfg;

/* input: a file name, or NULL for stdin. 0 success (or a closed pipe
 * downstream), 2 with the reason in err: bad input, I/O. */
int ppv_transcode(const ppv_transcode_cfg *cfg, const char *input, char *err, size_t cap);

#endif
