/* flvremux.h: ppv-ingest's own FLV to MPEG-TS path, for RTMP publishers and FLV files: no
 * libavformat, the same clean continuous output as remux.c gives. */
#ifndef PPV_FLVREMUX_H
#define PPV_FLVREMUX_H

#include <stddef.h>
#include <sys/types.h>

#include "remux.h"

typedef struct {
	/* the FLV bytes: header and tags; 0 at the end, -1 an error (errno) */
	ssize_t (*read)(void *ctx, void *buf, size_t n);
	void *rctx;
	int fd;                       /* the MPEG-TS output, written before each read */
	int record_fd;                /* -1, or a copy of it (a recording): when a write to it
	                               * fails it is said once and dropped, the output goes on */
	const char *record_name;      /* the recording, as errors name it */
	const ppv_remux_cfg *cfg;     /* limits, statistics, names, as remux.c's */
} ppv_flvremux_cfg;

/* 0 on success or a closed pipe downstream, 2 on bad input or an I/O
 * error, with the reason in err. */
int ppv_flvremux(const ppv_flvremux_cfg *c, char *err, size_t n);

#endif
