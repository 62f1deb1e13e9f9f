/* test-tsprog.c: program 2 of a two-program stream kept alone: its PAT rewritten, the other program's PMT and video dropped, the shared audio kept. */
#include <string.h>

#include "bytes.h"
#include "ts.h"
#include "tsprog.h"
#include "unit.h"

/* section (CRC appended) in packets of pid */
static size_t
section(uint8_t *sec, size_t n, uint16_t pid, uint8_t *out)
{
	uint8_t cc = 0;

	ppv_put_be(sec + n, ppv_crc32_mpeg(sec, n), 4);
	return ppv_ts_packetize(sec, n + 4, pid, &cc, out, PPV_TS_PACKET * 4) * PPV_TS_PACKET;
}

static size_t
pmt(uint16_t program, uint16_t video, uint8_t *out)
{
	uint8_t s[64] = { 0x02, 0xb0, 0, 0, 0, 0xc1, 0, 0, 0, 0, 0xf0, 0x00,
	                  0x1b, 0, 0, 0xf0, 0x00, 0x0f, 0xe1, 0x02, 0xf0, 0x00 };

	s[2] = 12 + 10 + 4 - 3;
	ppv_put_be(s + 3, program, 2);
	ppv_put_be(s + 8, 0xe000u | video, 2);
	ppv_put_be(s + 13, 0xe000u | video, 2);
	return section(s, 22, (uint16_t)(0x1000 + program - 1), out);
}

static size_t
media(uint16_t pid, uint8_t *out)
{
	memset(out, 0xff, PPV_TS_PACKET);
	out[0] = 0x47, out[1] = (uint8_t)(pid >> 8), out[2] = (uint8_t)pid, out[3] = 0x10;
	return PPV_TS_PACKET;
}

UNIT_TEST(test_tsprog)
{
	static uint8_t in[PPV_TS_PACKET * 16], out[PPV_TS_PACKET * 32];
	uint8_t pat[32] = { 0x00, 0xb0, 8 + 8 + 4 - 3, 0x00, 0x07, 0xc3, 0x00, 0x00,
	                    0x00, 0x01, 0xf0, 0x00, 0x00, 0x02, 0xf0, 0x01 };
	size_t n = 0, w = 0;
	ppv_tsprog f;
	ppv_tspkt k;

	n += section(pat, 16, 0, in + n);
	n += pmt(1, 0x100, in + n);
	n += pmt(2, 0x101, in + n);
	n += media(0x100, in + n);
	n += media(0x101, in + n);
	n += media(0x102, in + n);
	n += media(0x1fff, in + n);
	ppv_tsprog_init(&f, 1);
	for (size_t at = 0; at < n; at += PPV_TS_PACKET) {
		CHECK(ppv_ts_parse(in + at, &k) == 0);
		w += ppv_tsprog_put(&f, in + at, &k, out + w, sizeof out - w);
	}
	/* PAT, PMT 2, video 0x101, audio 0x102 */
	CHECK(w == 4 * PPV_TS_PACKET);
	CHECK(f.pmt_pid == 0x1001 && f.program == 2);
	uint16_t want[] = { 0, 0x1001, 0x101, 0x102 };
	for (int i = 0; i < 4; i++) {
		CHECK(ppv_ts_parse(out + i * PPV_TS_PACKET, &k) == 0);
		CHECK(k.pid == want[i]);
	}
	/* the PAT names program 2 alone, and its CRC holds */
	CHECK(ppv_ts_parse(out, &k) == 0);
	const uint8_t *s = k.payload + 1 + k.payload[0];
	size_t len = 3u + (size_t)((s[1] & 0x0f) << 8 | s[2]);
	int pids[4];
	CHECK(ppv_pat_pmt_pids(s, len, pids, 4) == 1 && pids[0] == 0x1001);
	CHECK(ppv_get_be(s + 8, 2) == 2 && ppv_get_be(s + 3, 2) == 7);
}

UNIT_TEST(test_sdt_name)
{
	/* two services: 1 "source", 2 "720 p/x" (made a file name) */
	uint8_t sdt[128] = { 0x42, 0xf0, 0, 0x00, 0x01, 0xc1, 0x00, 0x00, 0xff, 0x01, 0xff,
	                     0x00, 0x01, 0xfc, 0x80, 14, 0x48, 12, 0x01, 3, 'p', 'p', 'v', 6, 's', 'o', 'u', 'r', 'c', 'e',
	                     0x00, 0x02, 0xfc, 0x80, 15, 0x48, 13, 0x01, 3, 'p', 'p', 'v', 7, '7', '2', '0', ' ', 'p', '/', 'x' };
	size_t n = 11 + 5 + 14 + 5 + 15;
	char name[16];

	sdt[2] = (uint8_t)(n + 4 - 3);
	ppv_put_be(sdt + n, ppv_crc32_mpeg(sdt, n), 4);
	n += 4;
	CHECK(ppv_sdt_name(sdt, n, 1, name, sizeof name) == 6);
	CHECK_STR(name, "source");
	CHECK(ppv_sdt_name(sdt, n, 2, name, sizeof name) == 7);
	CHECK_STR(name, "720_p_x");
	CHECK(ppv_sdt_name(sdt, n, 2, name, 4) == 3);
	CHECK_STR(name, "720");
	CHECK(ppv_sdt_name(sdt, n, 3, name, sizeof name) == -1);
	sdt[20] ^= 1;
	CHECK(ppv_sdt_name(sdt, n, 1, name, sizeof name) == -1);
}
