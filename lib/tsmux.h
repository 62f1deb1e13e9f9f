/* tsmux.h: an MPEG-TS writer for one H.264 program with an audio stream, written by hand for
 * speed: PES in 188-byte packets, PCR on the video PID, continuity counters, PAT and PMT
 * before every keyframe, discontinuities marked. */
#ifndef PPV_TSMUX_H
#define PPV_TSMUX_H

#include <stddef.h>
#include <stdint.h>

enum { PPV_TSMUX_H264 = 0x1b, PPV_TSMUX_AAC = 0x0f, PPV_TSMUX_MP3 = 0x03 };

typedef struct ppv_tsmux ppv_tsmux;

/* Writes whole packets, n a multiple of 188: 0, or -1 (the mux stops). */
typedef int (*ppv_tsmux_write)(void *ctx, const uint8_t *p, size_t n);

/* audio_type 0: video alone. */
ppv_tsmux *ppv_tsmux_new(int audio_type, ppv_tsmux_write w, void *ctx);
/* One access unit: prefix then data (the prefix saves a copy: an ADTS
 * header, say). Times in 90 kHz. 0, or -1 when writing failed. */
int ppv_tsmux_put(ppv_tsmux *m, int video, int64_t pts, int64_t dts, int key,
                  const uint8_t *prefix, size_t pn, const uint8_t *data, size_t n);
/* The next packet of each PID says discontinuity, the tables come again. */
void ppv_tsmux_discontinuity(ppv_tsmux *m);
/* What is buffered, written: 0 or -1. */
int ppv_tsmux_flush(ppv_tsmux *m);
uint64_t ppv_tsmux_bytes(const ppv_tsmux *m);
void ppv_tsmux_free(ppv_tsmux *m);

#endif
