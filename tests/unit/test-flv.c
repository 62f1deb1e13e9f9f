/* test-flv.c: AVCC to Annex B as FFmpeg leaves it, AAC configurations and ADTS headers, MP3 rates. */
#include <stdlib.h>

#include "flv.h"
#include "unit.h"

static int
same(const ppv_buf *b, const uint8_t *want, size_t n)
{
	return b->n == n && !memcmp(b->b, want, n);
}

UNIT_TEST(test_flv_avc)
{
	static const uint8_t rec[] = { 1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, 0x1f, 1, 0, 3, 0x68, 0xee, 0x3c };
	static const uint8_t idr[] = { 0, 0, 0, 5, 0x65, 0x88, 0x84, 0, 0xff };
	static const uint8_t p[] = { 0, 0, 0, 3, 0x41, 0x9a, 0 };
	static const uint8_t inband[] = { 0, 0, 0, 2, 0x67, 1, 0, 0, 0, 2, 0x68, 2, 0, 0, 0, 2, 0x65, 0x88 };
	ppv_avc a;
	ppv_buf out = { 0 };

	CHECK(ppv_avc_config(&a, rec, sizeof rec) == 0);
	CHECK(a.length_size == 4 && a.ps_len == 15 && a.pps_at == 8);
	CHECK(ppv_avc_config(&a, rec, sizeof rec - 1) == -1);
	CHECK(ppv_avc_config(&a, rec, sizeof rec) == 0);
	/* an IDR picture: the delimiter, the parameter sets, the slice after a 3-byte start code */
	static const uint8_t want1[] = { 0, 0, 0, 1, 9, 0xf0, 0, 0, 0, 1, 0x67, 0x64, 0, 0x1f, 0, 0, 0, 1, 0x68, 0xee, 0x3c,
		                         0, 0, 1, 0x65, 0x88, 0x84, 0, 0xff };
	CHECK(ppv_avc_annexb(&a, idr, sizeof idr, &out) == 0);
	CHECK(same(&out, want1, sizeof want1));
	/* a P slice: the delimiter, the slice after a 4-byte start code, nothing else */
	static const uint8_t want2[] = { 0, 0, 0, 1, 9, 0xf0, 0, 0, 0, 1, 0x41, 0x9a, 0 };
	out.n = 0;
	CHECK(ppv_avc_annexb(&a, p, sizeof p, &out) == 0);
	CHECK(same(&out, want2, sizeof want2));
	/* the next IDR gets the parameter sets again */
	out.n = 0;
	CHECK(ppv_avc_annexb(&a, idr, sizeof idr, &out) == 0);
	CHECK(same(&out, want1, sizeof want1));
	/* parameter sets in the access unit itself: none added */
	static const uint8_t want3[] = { 0, 0, 0, 1, 9, 0xf0, 0, 0, 0, 1, 0x67, 1, 0, 0, 0, 1, 0x68, 2, 0, 0, 1, 0x65, 0x88 };
	out.n = 0;
	CHECK(ppv_avc_annexb(&a, p, sizeof p, &out) == 0);
	out.n = 0;
	CHECK(ppv_avc_annexb(&a, inband, sizeof inband, &out) == 0);
	CHECK(same(&out, want3, sizeof want3));
	/* a length past the packet's end */
	static const uint8_t bad[] = { 0, 0, 0, 9, 0x41, 0x9a };
	out.n = 0;
	CHECK(ppv_avc_annexb(&a, bad, sizeof bad, &out) == -1);
	ppv_buf_free(&out);
}

UNIT_TEST(test_flv_aac)
{
	ppv_aac a;
	uint8_t h[7];

	/* AAC-LC, 44.1 kHz, stereo */
	CHECK(ppv_aac_config(&a, (const uint8_t[]){ 0x12, 0x10 }, 2) == 0);
	CHECK(a.object == 2 && a.rate == 44100 && a.channels == 2);
	CHECK(ppv_adts(&a, 100, h) == 0);
	CHECK(!memcmp(h, (const uint8_t[]){ 0xff, 0xf1, 0x50, 0x80, 0x0d, 0x7f, 0xfc }, 7));
	CHECK(ppv_adts(&a, 0x1fff, h) == -1);
	/* HE-AAC signalled explicitly: ADTS carries the core, LC at 24 kHz */
	CHECK(ppv_aac_config(&a, (const uint8_t[]){ 0x2b, 0x11, 0x88, 0x00 }, 4) == 0);
	CHECK(a.object == 2 && a.rate == 24000 && a.channels == 2);
	/* an explicit rate is read, but ADTS cannot carry it */
	CHECK(ppv_aac_config(&a, (const uint8_t[]){ 0x17, 0x80, 0x5d, 0xc0, 0x10 }, 5) == 0);
	CHECK(a.rate == 48000 && a.channels == 2 && a.object == 2);
	CHECK(ppv_adts(&a, 100, h) == -1);
	/* channels in a program config element, cut short */
	CHECK(ppv_aac_config(&a, (const uint8_t[]){ 0x12, 0x00 }, 2) == -1);
	CHECK(ppv_aac_config(&a, (const uint8_t[]){ 0x12 }, 1) == -1);
	CHECK(ppv_aac_config(&a, (const uint8_t[]){ 0x17, 0x80, 0x5d }, 3) == -1);
	/* 7.1: channel configuration 7 is eight channels */
	CHECK(ppv_aac_config(&a, (const uint8_t[]){ 0x12, 0x38 }, 2) == 0);
	CHECK(a.channels == 8 && a.config == 7);
	/* MP3 frame headers */
	CHECK(ppv_mp3_rate((const uint8_t[]){ 0xff, 0xfb, 0x90, 0x64 }, 4) == 44100);
	CHECK(ppv_mp3_rate((const uint8_t[]){ 0xff, 0xf3, 0x84, 0x64 }, 4) == 24000);
	CHECK(ppv_mp3_rate((const uint8_t[]){ 0xff, 0xfb, 0x9c, 0x64 }, 4) == 0);
	CHECK(ppv_mp3_rate((const uint8_t[]){ 0x47, 0xfb, 0x90, 0x64 }, 4) == 0);
}

UNIT_TEST(test_flv_tags)
{
	static const uint8_t head[] = { 'F', 'L', 'V', 1, 5, 0, 0, 0, 9 };
	static const uint8_t tag[] = { 9, 0, 1, 0, 0x12, 0x34, 0x56, 0x01, 0, 0, 0 };
	ppv_flv_tag t;

	CHECK(ppv_flv_header(head, sizeof head) == 9);
	CHECK(ppv_flv_header(head, 8) == -1);
	CHECK(ppv_flv_header((const uint8_t *)"FLX\1\5\0\0\0\t", 9) == -1);
	ppv_flv_tag_parse(tag, &t);
	CHECK(t.type == PPV_FLV_VIDEO && t.size == 256 && t.ms == 0x01123456);
}
