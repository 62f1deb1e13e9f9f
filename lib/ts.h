/* ts.h: MPEG-TS packets: header fields, PSI sections reassembled per PID, PAT/PMT and PES timestamps. */
#ifndef PPV_TS_H
#define PPV_TS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input.h"

#define PPV_TS_PACKET 188
#define PPV_TS_NOPTS UINT64_MAX
/* PTS, DTS and splice times count 90 kHz ticks in 33 bits: they wrap here. */
#define PPV_PTS_WRAP (UINT64_C(1) << 33)

typedef struct {
	uint16_t pid;
	bool pusi;
	uint8_t cc;
	bool has_payload;
	const uint8_t *payload;
	size_t plen;
} ppv_tspkt;

/* -1 when the packet does not start with the sync byte or its adaptation
 * field overruns it. Inline, with ppv_ts_next and ppv_tsin_next: every
 * packet of every stream goes through them. */
static inline int
ppv_ts_parse(const uint8_t *p, ppv_tspkt *k)
{
	if (p[0] != 0x47)
		return -1;
	k->pid = (uint16_t)((p[1] & 0x1f) << 8 | p[2]);
	k->pusi = p[1] & 0x40;
	k->cc = p[3] & 0x0f;
	k->has_payload = p[3] & 0x10;
	size_t off = 4;
	if (p[3] & 0x20) {
		off += 1u + p[4];
		if (off > PPV_TS_PACKET)
			return -1;
	}
	k->payload = p + off;
	k->plen = k->has_payload ? PPV_TS_PACKET - off : 0;
	return 0;
}

/* Packets found in a byte stream, with the one policy for lost sync: the
 * stream must start with a packet (and a second after it, when there are
 * the bytes: one noise byte in 256 is 0x47); after that, bytes up to the next sync
 * byte that starts a well-formed packet are skipped and counted. */
typedef struct {
	uint64_t packets;           /* packets found */
	uint64_t skipped;           /* bytes skipped to regain sync */
} ppv_tsscan;

/* The next packet in buf[*at, have): 1 with *k parsed and *at just past
 * the packet; 0 when fewer than a packet's bytes are left, *at at them;
 * -1 when the stream's first bytes are not a packet. */
/* ppv_ts_next's slow way: lost sync, or the end of the buffer */
int ppv_ts_resync(ppv_tsscan *s, const uint8_t *buf, size_t have, size_t *at, ppv_tspkt *k);
static inline int
ppv_ts_next(ppv_tsscan *s, const uint8_t *buf, size_t have, size_t *at, ppv_tspkt *k)
{
	if (s->packets && have - *at >= PPV_TS_PACKET && ppv_ts_parse(buf + *at, k) == 0) {
		s->packets++;
		*at += PPV_TS_PACKET;
		return 1;
	}
	return ppv_ts_resync(s, buf, have, at, k);
}
/* Warns, naming the stream, of a truncated last packet (left bytes) and of
 * the bytes skipped to regain sync. */
void ppv_ts_report(const ppv_tsscan *s, const char *name, size_t left);

/* The same over an input read in blocks. */
typedef struct {
	ppv_input *in;
	ppv_tsscan scan;
	size_t have, at;
	uint8_t buf[PPV_TS_PACKET * 2048];
} ppv_tsin;

/* in stays the caller's to close. */
void ppv_tsin_init(ppv_tsin *r, ppv_input *in);
/* 1 with *p the next packet (the reader's, writable until the next call)
 * and *k parsed; 0 at the end of the input; -1 when the input does not
 * start with a packet. */
int ppv_tsin_fill(ppv_tsin *r, uint8_t **p, ppv_tspkt *k);
static inline int
ppv_tsin_next(ppv_tsin *r, uint8_t **p, ppv_tspkt *k)
{
	uint8_t *q = r->buf + r->at;

	if (r->have - r->at >= PPV_TS_PACKET && ppv_ts_parse(q, k) == 0) {
		r->scan.packets++;
		r->at += PPV_TS_PACKET;
		*p = q;
		return 1;
	}
	return ppv_tsin_fill(r, p, k);   /* lost sync, or the buffer's end */
}
/* ppv_ts_report for the input, once it has ended. */
void ppv_tsin_report(const ppv_tsin *r);

/* One PSI section being reassembled across packets of a PID. */
typedef struct {
	uint8_t buf[4096 + PPV_TS_PACKET];
	size_t len;
	bool active;
} ppv_secbuf;

typedef void (*ppv_section_fn)(void *ctx, const uint8_t *sec, size_t n);
/* Feeds one packet's payload; calls fn for every section it completes. */
void ppv_section_feed(ppv_secbuf *b, const ppv_tspkt *k, ppv_section_fn fn, void *ctx);

/* Stream types of a PMT (ISO/IEC 13818-1 table 2-34, ATSC, SCTE 35). */
enum {
	PPV_ST_MPEG1_AUDIO = 0x03,
	PPV_ST_MPEG2_AUDIO = 0x04,
	PPV_ST_AAC = 0x0f,
	PPV_ST_H264 = 0x1b,
	PPV_ST_HEVC = 0x24,
	PPV_ST_AC3 = 0x81,
	PPV_ST_SCTE35 = 0x86,
	PPV_ST_EAC3 = 0x87,
};

typedef struct {
	uint8_t stream_type;
	uint16_t pid;
} ppv_es;

/* As many ES entries as one PMT section can hold (1021 bytes, 5 an entry). */
#define PPV_PMT_MAXES 204

typedef struct {
	uint16_t program, pcr_pid;
	uint8_t version;
	const uint8_t *info;        /* program_info descriptors */
	size_t infolen;
	int nes;
	ppv_es es[PPV_PMT_MAXES];
	size_t es_off[PPV_PMT_MAXES], es_len[PPV_PMT_MAXES];   /* each ES entry, whole, within the section */
} ppv_pmt;

/* The CRC-32 of MPEG-2 sections (PAT, PMT, SCTE-35): 0 over a whole valid
 * section, CRC included. */
uint32_t ppv_crc32_mpeg(const uint8_t *p, size_t n);
/* The first program's PMT PID from a PAT section, -1 if none. */
int ppv_pat_pmt_pid(const uint8_t *sec, size_t n);
/* The PMT PIDs of the first max programs, in the PAT's order: how many, or
 * -1 when the section is not a valid PAT. */
int ppv_pat_pmt_pids(const uint8_t *sec, size_t n, int *pids, int max);
/* -1 when the section is not a valid PMT (CRC included). */
int ppv_pmt_parse(const uint8_t *sec, size_t n, ppv_pmt *m);
/* A PMT section is at most 1024 bytes, CRC included. */
#define PPV_PMT_MAX 1024
/* The PMT s (parsed as m) one version up, with the CUEI registration and an
 * SCTE-35 stream on each of pids it lacks, into out (PPV_PMT_MAX bytes): its
 * length, 0 when it would outgrow a section. */
size_t ppv_pmt_add_cues(const uint8_t *s, const ppv_pmt *m, const int *pids, int npids, uint8_t *out);
/* The PTS of a PES packet that starts in this payload, PPV_TS_NOPTS if none. */
uint64_t ppv_pes_pts(const uint8_t *payload, size_t n);
/* The DTS, or the PTS when the header has no DTS (they are equal). */
uint64_t ppv_pes_dts(const uint8_t *payload, size_t n);
bool ppv_stream_is_video(uint8_t stream_type);
bool ppv_stream_is_audio(uint8_t stream_type);
/* raw - last as a signed step modulo 2^33: B-frames step back a little,
 * the wrap every 26.5 hours steps forward. */
int64_t ppv_pts_delta(uint64_t raw, uint64_t last);
/* A PES header carrying only a PTS (stream_id and the flags byte kept from
 * the PES it stands for) before len bytes of payload; 14 bytes. */
size_t ppv_pes_header(uint8_t *h, uint8_t stream_id, uint8_t flags, uint64_t pts, size_t len);
/* Splits a whole PES packet into packets of pid, the first marking its start
 * (and a random access point when rai), the last filled up through its
 * adaptation field; returns how many, 0 when out's cap is short. Continuity
 * counters taken from and written back to *cc. */
size_t ppv_pes_packetize(const uint8_t *pes, size_t n, uint16_t pid, uint8_t *cc, bool rai,
			 uint8_t *out, size_t cap);
/* Splits a section into packets of pid; returns how many, with continuity
 * counters taken from and written back to *cc. */
size_t ppv_ts_packetize(const uint8_t *sec, size_t n, uint16_t pid, uint8_t *cc,
			uint8_t *out, size_t cap);

#endif
