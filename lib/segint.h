/* segint.h: what segment.c and segav.c share of one run of ppv-segment: the segmenter's state and its steps. */
#ifndef PPV_SEGINT_H
#define PPV_SEGINT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "esinfo.h"
#include "input.h"
#include "scte35.h"
#include "segment.h"
#include "ts.h"

#define TICK 90000
#define WRAP ((int64_t)PPV_PTS_WRAP)
/* a step in the video timestamps larger than this is a jump, not a frame */
#define JUMP (10 * TICK)
#define MAXCUEPIDS 8
/* the encryption buffer's size */
#define PPV_SEG_EBUF (1 << 16)

enum { CUE_NONE, CUE_OUT, CUE_CONT, CUE_IN };

struct seg {
	int64_t seq, start, dur;    /* 90 kHz, on our continuous clock */
	bool disc, dated;
	int64_t pdt;                /* ms since the epoch */
	char *key;                  /* the EXT-X-KEY line, NULL when clear */
	char *uri;
	int cue;
	int64_t cue_dur, cue_elapsed;
	char *daterange;            /* EXT-X-DATERANGE lines before it, or NULL */
	int64_t gone;               /* clock when it left the window */
	bool gap;                   /* a variant's segment a killed run never wrote: EXT-X-GAP */
};

struct cuewait {
	int64_t at, dur;            /* clock; dur -1 when unknown */
	bool out;
	uint32_t id;
	char hex[2 * PPV_SCTE35_MAX + 3];
};

struct segmenter {
	const ppv_segment_cfg *cfg;
	const char *inname;
	/* the stream */
	ppv_secbuf pat, pmt, cuebuf[MAXCUEPIDS];
	uint8_t patsec[1024], pmtsec[4096];
	size_t patlen, pmtlen;
	int pmt_pid, video_pid, audio_pid;
	uint8_t video_type, audio_type;
	ppv_esinfo es;
	uint64_t peak_bps, total_bytes;
	int64_t total_dur;
	int cuepid[MAXCUEPIDS], ncue;
	uint8_t early[2048];        /* cues before the first picture, each after its 2-byte length */
	size_t nearly;
	uint8_t cc_pat, cc_pmt;
	/* the clock: video PTS unwrapped, jumps taken out */
	bool have_pts;
	uint64_t last_raw, last_dts;
	int64_t now, maxnow, frame;
	bool jumped;
	int64_t pdt_wall, pdt_at;   /* date of the clock value pdt_at */
	/* the segment being written */
	bool open;
	/* the input ended: the last segment is named by the playlist that
	 * ends the event, never by one before it (video.js, seeing ENDLIST
	 * only after appending the last segment, stalls at the end) */
	bool ending;
	int fd;
	char *tmp, *final;
	struct seg cur;
	int64_t next_cut;
	int64_t last_key, gaps[3];  /* the last keyframe, the last gaps between them */
	/* segalign.c: audio held until the video passes it, a cut until the
	 * audio reaches it (raw 90 kHz time stamps) */
	uint8_t (*aq)[PPV_TS_PACKET], (*vq)[PPV_TS_PACKET];
	uint64_t *aq_pts, *aq_end; /* its PES's start and end (PPV_TS_NOPTS: not yet known) */
	size_t naq, nvq;
	uint8_t acc_shift;          /* added to audio continuity counters once a PES is split */
	bool cut_wait, have_apts;
	uint64_t cut_pts, last_apts, last_vdts;
	int64_t cut_clock;
	int64_t nlong;              /* segments over the target, said once */
	struct seggroup *group;     /* a variant of a ladder: the master names them all */
	uint64_t bytes;
	/* the playlist */
	struct seg *list, *gone;
	size_t n, cap, ngone, gonecap;
	int64_t seq, disc_seq;
	bool resumed_gap;
	/* cues */
	struct cuewait waits[16];
	int nwaits;
	bool in_break;
	int64_t brk_start, brk_dur, brk_end;
	uint32_t brk_id;
	char brk_hex[2 * PPV_SCTE35_MAX + 3];
	char brk_date[40];
	/* encryption */
	struct AVAES *aes;
	uint8_t iv[16], carry[16], *ebuf;
	uint8_t *obuf;              /* segout.c: what is not written yet */
	size_t nobuf;
	size_t ncarry;
	int keyno;
	char *keyline;
	int keybase;                /* key numbers start here, after any a past run wrote */
	int64_t keyfrom;            /* at this segment */
	bool newpid;                /* the PMT moved the video: its next PTS starts afresh */
	/* the TS packets in hand, from the input or from libavformat's muxer */
	uint8_t tsbuf[PPV_TS_PACKET * 4096];
	size_t have;
	ppv_tsscan scan;
	/* stdin for libavformat: what was read to tell TS from the rest, then more */
	ppv_input *src;
	uint8_t *peek;
	size_t peeked, peekpos;
	/* fMP4 */
	bool fmp4;
	char *init;                 /* the init segment's name */
};

/* A caught SIGINT or SIGTERM: the run finishes its segment and ends. */
extern volatile sig_atomic_t ppv_seg_stopping;

char *ppv_seg_path(const struct segmenter *s, const char *file);
/* segout.c: bytes of the open segment, encrypted when the run is; the
 * last of them (padding included) out before its file is closed. */
void ppv_seg_write(struct segmenter *s, const uint8_t *p, size_t n);
void ppv_seg_flush(struct segmenter *s);
/* A video frame's PTS (the clock) and DTS (its step is the frame's length:
 * in presentation order B-frames would halve it). */
void ppv_seg_tick(struct segmenter *s, uint64_t raw, uint64_t dts);
void ppv_seg_open(struct segmenter *s, int64_t at);
void ppv_seg_close(struct segmenter *s, int64_t end);
/* An SCTE-35 section (a ppv_section_fn); the clock time of the next cue cut, -1 if none. */
void ppv_seg_on_cue(void *ctx, const uint8_t *sec, size_t n);
int64_t ppv_seg_cue_cut(const struct segmenter *s);
/* What the segment starting at `at` carries of the breaks. */
void ppv_seg_cue_state(struct segmenter *s, struct seg *g, int64_t at);
/* Cues held until the first picture, decided now. */
void ppv_seg_cues_early(struct segmenter *s);
/* At a video keyframe (the clock at it): whether the segment ends here. */
bool ppv_seg_cut_at_key(struct segmenter *s);
/* Cuts and copies the whole TS packets in s->tsbuf. */
void ppv_seg_ts_feed(struct segmenter *s);
/* A TS input ended: what it lacked said (no input, no video, no keyframe). */
void ppv_seg_ts_finish(struct segmenter *s);
/* A run's segmenter set up (directory, temporaries cleared, a live playlist
 * resumed), and at the input's end: the last segment closed, the playlist
 * ended, all freed. */
void ppv_seg_begin(struct segmenter *s, const ppv_segment_cfg *cfg);
void ppv_seg_end(struct segmenter *s);
/* What the segmenter holds, freed; its files left as they are. */
void ppv_seg_discard(struct segmenter *s);
/* The master playlist of a run: one variant, or every variant of the group. */
void ppv_seg_master(struct segmenter *s);

/* segvar.c: a TS of several programs, a ladder: a segmenter per program,
 * NAME_<service>.m3u8 each and one master.m3u8 naming them all. head: what
 * was read of in already; nprog: the programs its PAT names. */
struct seggroup {
	struct segmenter **v;
	int n;
	/* the key the variants share: the first to start a rotation makes it */
	bool have_key;
	int keyno;
	uint8_t key[16];
	/* the dates: the first variant to open segment pdt_seq anchored them */
	bool pdt_set;
	int64_t pdt_seq, pdt_wall, pdt_at;
};
void ppv_seg_run_variants(const ppv_segment_cfg *cfg, ppv_input *in, const uint8_t *head, size_t nhead, int nprog);
/* The programs a PAT in buf names, 0 when buf holds no whole PAT. */
int ppv_seg_programs(const uint8_t *buf, size_t n);

/* segalign.c: a TS segment's audio where its video is. An audio packet; a
 * video frame's DTS (audio before it can go); a cut at a keyframe's PTS,
 * made at once or when the audio reaches it; whether a waiting cut is due
 * before a video packet; a packet held behind a waiting cut; the end. */
void ppv_align_audio(struct segmenter *s, const uint8_t *p, const ppv_tspkt *k);
/* Whether a video frame of this DTS makes the calls below write or cut. */
bool ppv_align_busy(const struct segmenter *s, uint64_t dts);
void ppv_align_video(struct segmenter *s, uint64_t dts);
void ppv_align_cut(struct segmenter *s, uint64_t pts);
void ppv_align_video_due(struct segmenter *s, uint64_t dts, bool key);
void ppv_align_hold(struct segmenter *s, const uint8_t *p);
void ppv_align_cut_now(struct segmenter *s);
void ppv_align_finish(struct segmenter *s);
/* The video's clock jumped: what is held goes out before the cut. */
void ppv_align_jump(struct segmenter *s);
void ppv_align_free(struct segmenter *s);

/* segav.c: the paths through libavformat, loaded at run time: fMP4 out of
 * any container, and TS out of a container that is not TS. */
bool ppv_seg_is_ts(const char *path);
void ppv_seg_run_fmp4(struct segmenter *s, const char *input);
void ppv_seg_run_remux(struct segmenter *s, const char *path);

#endif
