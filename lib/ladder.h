/* ladder.h: an adaptive bitrate ladder: the rungs --ladder's SPEC names, fitted to a source's picture: sizes, VBV, H.264 profile and level. */
#ifndef PPV_LADDER_H
#define PPV_LADDER_H

#include <stdbool.h>
#include <stddef.h>

#define PPV_LADDER_DEFAULT "source,720p@3000,480p@1200,360p@600"
/* Apple's authoring table has nine rungs; sixteen is room enough, and
 * bounds what one SPEC can ask of the encoders. */
#define PPV_LADDER_MAX 16

typedef struct {
	char name[16];              /* "720p", or "source" */
	bool source;                /* the input's video, passed through */
	int width, height;          /* width 0 until fitted; the source's once fitted */
	long kbps;                  /* the target rate; 0 for the source */
	long maxrate, bufsize;      /* VBV in kb/s and kb: 1.1 and 2 times the rate */
	const char *profile;        /* "high" or "main" (x264's names) */
	int level;                  /* level_idc: 31 for 3.1 */
} ppv_rung;

typedef struct {
	ppv_rung r[PPV_LADDER_MAX];
	size_t n;
} ppv_ladder;

/* The rungs of spec, in its order: "source" or HEIGHTp@KBPS, comma-separated.
 * -1 with what is wrong in err. */
int ppv_ladder_parse(const char *spec, ppv_ladder *l, char *err, size_t cap);
/* Sizes for a source of w x h pixels of aspect sar_num:sar_den at fps_num /
 * fps_den frames a second: square pixels, the source's shape, even sides.
 * Rungs taller than the source leave, each named in note (empty when none
 * did). -1 with the reason in err when no rung is left or a rung is beyond
 * every H.264 level. */
int ppv_ladder_fit(ppv_ladder *l, int w, int h, int sar_num, int sar_den, int fps_num, int fps_den, char *note,
                   size_t notecap, char *err, size_t errcap);

#endif
