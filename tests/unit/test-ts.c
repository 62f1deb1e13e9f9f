/* test-ts.c: packets found in a byte stream, and lost sync regained one way. */
#include <stdint.h>
#include <string.h>

#include "ts.h"
#include "unit.h"

static void
packet(uint8_t *p, uint16_t pid)
{
	memset(p, 0xff, PPV_TS_PACKET);
	p[0] = 0x47;
	p[1] = (uint8_t)(pid >> 8);
	p[2] = (uint8_t)pid;
	p[3] = 0x10;
}

UNIT_TEST(test_ts_next)
{
	static uint8_t buf[4 * PPV_TS_PACKET + 7];
	ppv_tsscan s = { 0 };
	ppv_tspkt k;
	size_t at = 0;

	/* two packets, 7 bytes of garbage, two more */
	packet(buf, 0x100);
	packet(buf + PPV_TS_PACKET, 0x101);
	memset(buf + 2 * PPV_TS_PACKET, 0x00, 7);
	packet(buf + 2 * PPV_TS_PACKET + 7, 0x102);
	packet(buf + 3 * PPV_TS_PACKET + 7, 0x103);
	CHECK(ppv_ts_next(&s, buf, sizeof buf, &at, &k) == 1 && k.pid == 0x100 && at == PPV_TS_PACKET);
	CHECK(ppv_ts_next(&s, buf, sizeof buf, &at, &k) == 1 && k.pid == 0x101);
	CHECK(ppv_ts_next(&s, buf, sizeof buf, &at, &k) == 1 && k.pid == 0x102);
	CHECK(s.skipped == 7);
	CHECK(ppv_ts_next(&s, buf, sizeof buf, &at, &k) == 1 && k.pid == 0x103 && at == sizeof buf);
	CHECK(ppv_ts_next(&s, buf, sizeof buf, &at, &k) == 0 && s.packets == 4);

	/* half a packet: more bytes wanted, nothing skipped */
	ppv_tsscan h = { 0 };
	at = 0;
	CHECK(ppv_ts_next(&h, buf, 100, &at, &k) == 0 && at == 0 && h.skipped == 0);

	/* a stream that does not start with a packet is not one */
	ppv_tsscan n = { 0 };
	at = 0;
	CHECK(ppv_ts_next(&n, buf + 2 * PPV_TS_PACKET, 2 * PPV_TS_PACKET, &at, &k) == -1);

	/* noise that starts with 0x47 but has no packet after it is not one
	 * either; a lone packet, all there is, is */
	static uint8_t g[2 * PPV_TS_PACKET];
	packet(g, 0x100);
	ppv_tsscan z = { 0 };
	at = 0;
	CHECK(ppv_ts_next(&z, g, sizeof g, &at, &k) == -1);
	ppv_tsscan one = { 0 };
	at = 0;
	CHECK(ppv_ts_next(&one, g, PPV_TS_PACKET, &at, &k) == 1 && k.pid == 0x100);

	/* a sync byte whose adaptation field overruns the packet is lost sync too */
	ppv_tsscan a = { .packets = 1 };
	packet(buf, 0x100);
	buf[3] = 0x30, buf[4] = 190;
	at = 0;
	CHECK(ppv_ts_next(&a, buf, 2 * PPV_TS_PACKET, &at, &k) == 1 && k.pid == 0x101 &&
	      a.skipped == PPV_TS_PACKET);
}

UNIT_TEST(test_ts_pat_programs)
{
	/* a PAT: the network PID (program 0), then programs 1 to 3 */
	uint8_t pat[8 + 4 * 4 + 4] = { 0x00, 0xb0, 8 + 4 * 4 + 4 - 3, 0x00, 0x01, 0xc1, 0x00, 0x00,
	                               0x00, 0x00, 0xe0, 0x10,  0x00, 0x01, 0xf0, 0x00,
	                               0x00, 0x02, 0xf0, 0x01,  0x00, 0x03, 0xf0, 0x02 };
	uint32_t crc = ppv_crc32_mpeg(pat, sizeof pat - 4);
	int pids[4];

	for (int i = 0; i < 4; i++)
		pat[sizeof pat - 4 + i] = (uint8_t)(crc >> (24 - 8 * i));
	CHECK(ppv_pat_pmt_pids(pat, sizeof pat, pids, 4) == 3);
	CHECK(pids[0] == 0x1000 && pids[1] == 0x1001 && pids[2] == 0x1002);
	CHECK(ppv_pat_pmt_pids(pat, sizeof pat, pids, 2) == 2);
	CHECK(ppv_pat_pmt_pid(pat, sizeof pat) == 0x1000);
	pat[9] ^= 1;
	CHECK(ppv_pat_pmt_pids(pat, sizeof pat, pids, 4) == -1);
}

static size_t
with_crc(uint8_t *s, size_t n)
{
	uint32_t crc = ppv_crc32_mpeg(s, n);

	for (int i = 0; i < 4; i++)
		s[n + i] = (uint8_t)(crc >> (24 - 8 * i));
	return n + 4;
}

UNIT_TEST(test_ts_pmt_add_cues)
{
	/* program 1, version 3, PCR on 0x100: H.264 0x100, AAC 0x101 */
	uint8_t pmt[64] = { 0x02, 0xb0, 0x17, 0x00, 0x01, 0xc1 | 3 << 1, 0x00, 0x00, 0xe1, 0x00, 0xf0, 0x00,
			    0x1b, 0xe1, 0x00, 0xf0, 0x00, 0x0f, 0xe1, 0x01, 0xf0, 0x00 };
	size_t n = with_crc(pmt, 22);
	uint8_t out[PPV_PMT_MAX], again[PPV_PMT_MAX];
	static ppv_pmt m, o;
	int pids[] = { 0x102, 0x101 };

	CHECK(ppv_pmt_parse(pmt, n, &m) == 0);
	size_t w = ppv_pmt_add_cues(pmt, &m, pids, 2, out);
	CHECK(w == n + 6 + 8);                /* CUEI, and 0x102 only: 0x101 is there */
	CHECK(ppv_pmt_parse(out, w, &o) == 0);
	CHECK(o.version == 4 && o.program == 1 && o.pcr_pid == 0x100 && o.nes == 3);
	CHECK(o.es[2].stream_type == PPV_ST_SCTE35 && o.es[2].pid == 0x102);
	CHECK(o.infolen == 6 && memcmp(o.info, "\x05\x04" "CUEI", 6) == 0);
	/* a PMT that has them gets nothing more, only the version */
	size_t w2 = ppv_pmt_add_cues(out, &o, pids, 1, again);
	CHECK(w2 == w);
	CHECK(memcmp(again + 6, out + 6, w - 10) == 0);
	/* one that would outgrow a section is left alone */
	static int many[200];
	for (int i = 0; i < 200; i++)
		many[i] = 0x200 + i;
	CHECK(ppv_pmt_add_cues(pmt, &m, many, 200, out) == 0);
}
