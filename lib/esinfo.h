/* esinfo.h: what a master playlist says of a stream (CODECS, RESOLUTION), read from the parameter sets and audio headers in the TS. */
#ifndef PPV_ESINFO_H
#define PPV_ESINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	char video[48], audio[24];  /* RFC 6381 codec strings, "" until seen */
	int width, height;
} ppv_esinfo;

/* Looks for an SPS in a video PES payload (H.264 when stream_type is 0x1b,
 * HEVC when 0x24); true once the video fields are filled. */
bool ppv_esinfo_video(ppv_esinfo *e, uint8_t stream_type, const uint8_t *p, size_t n);
/* The audio codec from its stream type and, for AAC, the ADTS header at the
 * start of a PES payload; true once filled. */
bool ppv_esinfo_audio(ppv_esinfo *e, uint8_t stream_type, const uint8_t *p, size_t n);

/* The ADTS frame at p: its length (header included) when it is whole within
 * n, with its sample rate and samples; 0 when p holds no valid one. */
size_t ppv_adts_frame(const uint8_t *p, size_t n, unsigned *rate, unsigned *samples);

#endif
