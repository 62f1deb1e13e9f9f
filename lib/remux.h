/* remux.h: input packets to clean MPEG-TS: codecs checked, timestamps made continuous, stats kept. */
#ifndef PPV_REMUX_H
#define PPV_REMUX_H

#include <signal.h>
#include <stdint.h>
#include <libavformat/avformat.h>

#include "tsout.h"

typedef struct {
	int64_t max_ms;               /* stop after this much media; 0: no limit */
	int stats_fd;                 /* JSON lines; -1: none */
	int64_t stats_every_ms;
	volatile sig_atomic_t *stop;  /* set by a signal: finish cleanly */
	int hangup_is_end;            /* a network source: EIO means the sender left */
	int (*reconnects)(void *ctx); /* how many times the source came back */
	const char *(*name_of)(void *ctx); /* the publisher, once known (stats, warnings) */
	const char *(*remote_of)(void *ctx); /* its address:port, NULL for none */
	void *ctx;
} ppv_remux_cfg;

/* Copies in (opened) to out. 0 on success or a closed pipe downstream,
 * 2 on bad input or I/O error, with the reason in err. */
int ppv_remux(AVFormatContext *in, ppv_tsout *out, const ppv_remux_cfg *cfg, char *err, size_t n);

#endif
