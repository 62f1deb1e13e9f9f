/* tsout.h: an MPEG-TS muxer (libavformat) writing to a file descriptor. */
#ifndef PPV_TSOUT_H
#define PPV_TSOUT_H

#include <libavformat/avformat.h>

typedef struct ppv_tsout ppv_tsout;

/* live: flush every packet, for a pipe that feeds a live segmenter.
 * A closed pipe is reported by ppv_tsout_write only if the caller ignores
 * SIGPIPE; otherwise the signal ends the process, which is also quiet.
 * libavformat is opened here, on first use; NULL with the reason in err. */
ppv_tsout *ppv_tsout_new(int fd, int live, char *err, size_t n);
AVFormatContext *ppv_tsout_ctx(ppv_tsout *t);
/* Adds a stream copying par; returns its index or -1. */
int ppv_tsout_add(ppv_tsout *t, const AVCodecParameters *par, AVRational tb);
int ppv_tsout_start(ppv_tsout *t, char *err, size_t n);
/* Writes one packet whose timestamps are in the output stream's time base.
 * 1 when the reader went away (a closed pipe), 0 ok, -1 an output error,
 * -2 a packet the muxer cannot take (malformed): the output is still good. */
int ppv_tsout_write(ppv_tsout *t, AVPacket *pkt);
/* From now on packets are put in decoding order across streams by the
 * muxer (an encoder's packets come later than the audio copied beside them);
 * ppv_tsout_write then takes the packet's reference. */
void ppv_tsout_interleave(ppv_tsout *t);
/* SCTE-35 sections go out on pid, named in every program's PMT (the first
 * 16) with the CUEI registration; called before ppv_tsout_start. The cue's
 * number for ppv_tsout_section, -1 when out of memory or of room. */
#define PPV_TSOUT_CUES 4
int ppv_tsout_add_cues(ppv_tsout *t, int pid);
/* One whole section (CRC included) out now, between the muxer's packets;
 * held until the tables have gone out. As ppv_tsout_write's return. */
int ppv_tsout_section(ppv_tsout *t, int cue, const uint8_t *sec, size_t n);
/* Stream idx now has par (a publisher came back with other encoder
 * settings): the muxer starts again on the same output, tables resent and
 * each PID's first packet marked as a discontinuity. -1 with the reason. */
int ppv_tsout_reconfigure(ppv_tsout *t, int idx, const AVCodecParameters *par, char *err, size_t n);
int ppv_tsout_finish(ppv_tsout *t);
uint64_t ppv_tsout_bytes(const ppv_tsout *t);
void ppv_tsout_free(ppv_tsout *t);

#endif
