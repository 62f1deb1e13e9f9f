/* fuzz-ts.c: libFuzzer target for TS packets, PSI section reassembly, PAT/PMT/SDT, one program kept alone, and PES timestamps. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esinfo.h"
#include "scte35.h"
#include "ts.h"
#include "tsprog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_section(void *ctx, const uint8_t *s, size_t n)
{
	static ppv_pmt m;
	static ppv_scte35 c;
	char err[128];

	(void)ctx;
	if (n < 3 || n > 4096 + 188)
		abort();
	ppv_pat_pmt_pid(s, n);
	int pids[8], np = ppv_pat_pmt_pids(s, n, pids, 8);
	for (int i = 0; i < np; i++)
		if (pids[i] < 0 || pids[i] > 0x1fff)
			abort();
	char name[32];
	int len = ppv_sdt_name(s, n, 1, name, sizeof name);
	if (len >= (int)sizeof name || (len >= 0 && strlen(name) != (size_t)len))
		abort();
	if (ppv_pmt_parse(s, n, &m) == 0)
		for (int i = 0; i < m.nes; i++)
			if (m.es_off[i] + m.es_len[i] > n)
				abort();
	ppv_scte35_decode(&c, s, n, err, sizeof err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ppv_secbuf sb[4];
	uint8_t pkt[PPV_TS_PACKET * 4];
	uint8_t cc = 0;
	ppv_tspkt k;

	static ppv_tsprog prog;
	static uint8_t kept[PPV_TS_PACKET * 32];

	memset(sb, 0, sizeof sb);
	ppv_tsprog_init(&prog, (int)(size & 1));
	for (size_t at = 0; at + PPV_TS_PACKET <= size; at += PPV_TS_PACKET) {
		if (ppv_ts_parse(data + at, &k) < 0)
			continue;
		if (k.plen > PPV_TS_PACKET)
			abort();
		/* one program kept alone: whole packets, within the room given */
		size_t w = ppv_tsprog_put(&prog, data + at, &k, kept, sizeof kept);
		if (w % PPV_TS_PACKET || w > sizeof kept)
			abort();
		ppv_section_feed(&sb[k.pid & 3], &k, on_section, NULL);
		if (k.pusi) {
			ppv_esinfo e = { 0 };
			ppv_pes_pts(k.payload, k.plen);
			ppv_pes_dts(k.payload, k.plen);
			/* parameter sets and audio headers, as --master reads them */
			ppv_esinfo_video(&e, k.pid & 1 ? 0x1b : 0x24, k.payload, k.plen);
			ppv_esinfo_audio(&e, 0x0f, k.payload, k.plen);
			/* ADTS frames, as a PES split at a cut walks them */
			unsigned rate, samples;
			for (size_t off = 0, len; off < k.plen; off += len)
				if (!(len = ppv_adts_frame(k.payload + off, k.plen - off, &rate, &samples)))
					break;
				else if (len > k.plen - off || !rate || samples % 1024)
					abort();
		}
	}
	/* what we packetize reads back as the same section */
	if (size >= 3 && size <= 1024) {
		size_t np = ppv_ts_packetize(data, size, 0x100, &cc, pkt, sizeof pkt);
		if (np == 0 && size <= sizeof pkt - 4 * 5)
			abort();
	}
	/* a PES we packetize reads back, payload after payload, as itself */
	static uint8_t pes[8 * PPV_TS_PACKET], back[sizeof pes];
	if (size && size <= 6 * (PPV_TS_PACKET - 4)) {
		size_t np = ppv_pes_packetize(data, size, 0x101, &cc, size & 1, pes, sizeof pes), n = 0;
		if (np == 0)
			abort();
		for (size_t i = 0; i < np; i++) {
			if (ppv_ts_parse(pes + i * PPV_TS_PACKET, &k) < 0 || k.pusi != (i == 0))
				abort();
			memcpy(back + n, k.payload, k.plen);
			n += k.plen;
		}
		if (n != size || memcmp(back, data, size))
			abort();
	}
	return 0;
}
