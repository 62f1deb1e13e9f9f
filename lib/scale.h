/* scale.h: pictures and planes resized by libswscale, on the faster of its two bit-identical x86 paths as timed here. */
#ifndef PPV_SCALE_H
#define PPV_SCALE_H

#include <stdint.h>

#include <libavutil/frame.h>

/* Zero it to start; ppv_scaler_free ends it. */
typedef struct {
	struct SwsContext *c[2];    /* [0] every SIMD path libavutil finds, [1] the same without AVX2 */
	int64_t best[2];            /* each one's fastest call, ns of this thread's CPU */
	unsigned timed;             /* calls timed so far */
	int kept;                   /* which of the two c[0] now is */
	int sw, sh, sf, dw, dh, df; /* the geometry and formats c[] were made for */
} ppv_scaler;

/* in resized bicubic into out (allocated, YUV 4:2:0, its own size): 0, or
 * -1 when libswscale cannot convert in's format or size. Call it from one
 * thread while no other thread starts a libav* codec or scaler: it sets
 * libavutil's process-wide CPU flags for the moment it makes a context. */
int ppv_scale(ppv_scaler *s, const AVFrame *in, AVFrame *out);

/* One plane of 8-bit samples, sw x sh at src, resized bicubic into dw x dh at
 * dst: byte for byte the luma ppv_scale makes, and a 4:2:0 picture's chroma
 * but for a few samples off by one near the last line. So a picture's
 * planes can come from different sources; 0 or -1 as ppv_scale. */
int ppv_scale_plane(ppv_scaler *s, const uint8_t *src, int sls, int sw, int sh, uint8_t *dst, int dls, int dw, int dh);

/* Which path it settled on: 0 or 1 as c[] above, -1 while still timing */
int ppv_scaler_path(const ppv_scaler *s);

void ppv_scaler_free(ppv_scaler *s);

#endif
