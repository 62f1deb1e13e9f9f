/* test-tsmux.c: whole packets, tables first, continuity counters, PCR and the PES read back. */
#include <stdlib.h>

#include "ts.h"
#include "tsmux.h"
#include "unit.h"

static uint8_t got[64 * 188];
static size_t ngot;

static int
keep(void *ctx, const uint8_t *p, size_t n)
{
	(void)ctx;
	if (ngot + n > sizeof got)
		return -1;
	memcpy(got + ngot, p, n);
	ngot += n;
	return 0;
}

/* the length of the section after a payload's pointer field */
static size_t
section(const uint8_t *payload)
{
	return 3 + (size_t)((payload[2] & 0x0f) << 8 | payload[3]);
}

UNIT_TEST(test_tsmux)
{
	uint8_t au[500], aac[100];
	ppv_tspkt k = { 0 };

	for (size_t i = 0; i < sizeof au; i++)
		au[i] = (uint8_t)i;
	memset(aac, 0xab, sizeof aac);
	ppv_tsmux *m = ppv_tsmux_new(PPV_TSMUX_AAC, keep, NULL);
	CHECK(ppv_tsmux_put(m, 1, 93000, 90000, 1, NULL, 0, au, sizeof au) == 0);
	CHECK(ppv_tsmux_put(m, 0, 90000, 90000, 0, (const uint8_t *)"ADTSHDR", 7, aac, sizeof aac) == 0);
	CHECK(ppv_tsmux_flush(m) == 0);
	CHECK(ngot % 188 == 0);
	CHECK(ppv_tsmux_bytes(m) == ngot);
	/* PAT, PMT, the video in 3 packets, the audio in one */
	CHECK(ngot == 6 * 188);
	CHECK(ppv_ts_parse(got, &k) == 0 && k.pid == 0 && k.pusi);
	CHECK(ppv_pat_pmt_pid(k.payload + 1, section(k.payload)) == 0x1000);
	CHECK(ppv_ts_parse(got + 188, &k) == 0 && k.pid == 0x1000);
	ppv_pmt pmt;
	CHECK(ppv_pmt_parse(k.payload + 1, section(k.payload), &pmt) == 0);
	CHECK(pmt.pcr_pid == 0x100 && pmt.nes == 2 && pmt.es[0].stream_type == 0x1b && pmt.es[1].stream_type == 0x0f);
	/* the video PES, read back whole: PTS, DTS, every byte, counters 0 1 2 */
	uint8_t pes[1024];
	size_t pn = 0;
	for (int i = 2; i < 5; i++) {
		CHECK(ppv_ts_parse(got + 188 * i, &k) == 0 && k.pid == 0x100 && k.cc == i - 2);
		memcpy(pes + pn, k.payload, k.plen);
		pn += k.plen;
	}
	/* the first packet: random access and a PCR 0.7 s behind the DTS */
	const uint8_t *af = got + 2 * 188 + 4;
	CHECK(af[1] == 0x50);
	uint64_t pcr = (uint64_t)af[2] << 25 | (uint64_t)af[3] << 17 | (uint64_t)af[4] << 9 | (uint64_t)af[5] << 1 | af[6] >> 7;
	CHECK(pcr == 90000 - 63000);
	CHECK(ppv_pes_pts(pes, pn) == 93000 && ppv_pes_dts(pes, pn) == 90000);
	CHECK(pn == 19 + sizeof au && !memcmp(pes + 19, au, sizeof au));
	/* the audio PES: its length said, the prefix then the frame */
	CHECK(ppv_ts_parse(got + 5 * 188, &k) == 0 && k.pid == 0x101 && k.pusi);
	CHECK(k.plen == 14 + 7 + sizeof aac);
	CHECK(k.payload[4] << 8 == 0 && k.payload[5] == 8 + 7 + sizeof aac);
	CHECK(!memcmp(k.payload + 14, "ADTSHDR", 7) && !memcmp(k.payload + 21, aac, sizeof aac));
	/* a discontinuity: tables again, and the next packet of each PID says so */
	ngot = 0;
	ppv_tsmux_discontinuity(m);
	CHECK(ppv_tsmux_put(m, 0, 92000, 92000, 0, NULL, 0, aac, sizeof aac) == 0);
	CHECK(ppv_tsmux_flush(m) == 0);
	CHECK(ngot == 3 * 188);
	CHECK(ppv_ts_parse(got + 2 * 188, &k) == 0 && k.pid == 0x101 && k.cc == 1 && (got[2 * 188 + 5] & 0x80));
	/* a writer that fails stops the mux */
	ngot = sizeof got;
	CHECK(ppv_tsmux_put(m, 0, 93000, 93000, 0, NULL, 0, aac, sizeof aac) == 0);
	CHECK(ppv_tsmux_flush(m) == -1);
	CHECK(ppv_tsmux_put(m, 0, 94000, 94000, 0, NULL, 0, aac, sizeof aac) == -1);
	ppv_tsmux_free(m);
}
