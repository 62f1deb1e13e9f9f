/* test-m3u8.c: playlist parsing, cue styles, URI rebasing, dates; TS sections packetized and reassembled. */
#include <stdint.h>
#include <stdlib.h>

#include "m3u8.h"
#include "scte35.h"
#include "ts.h"
#include "unit.h"
#include "when.h"

static ppv_m3u8 *
parse(const char *s)
{
	char err[256];
	char *t = strdup(s);
	ppv_m3u8 *pl = ppv_m3u8_parse(t, strlen(t), "t.m3u8", err, sizeof err);

	if (!pl) {
		fprintf(stderr, "%s\n", err);
		free(t);
	}
	return pl;
}

static void
release(ppv_m3u8 *pl)
{
	if (pl) {
		free(pl->text);
		ppv_m3u8_free(pl);
	}
}

static void
sections(void *ctx, const uint8_t *s, size_t n)
{
	size_t *got = ctx;

	*got = n;
	(void)s;
}

UNIT_TEST(test_m3u8)
{
	char b[64], err[256];
	int64_t us, ms;

	CHECK(ppv_m3u8_secs("4.000000", &us) == 0 && us == 4000000);
	CHECK(ppv_m3u8_secs("9.97", &us) == 0 && us == 9970000);
	CHECK(ppv_m3u8_secs("0.0000005", &us) == 0 && us == 1);
	CHECK(ppv_m3u8_secs("8.3/30", &us) == 1 && us == 8300000);
	CHECK(ppv_m3u8_secs("x", &us) == -1);
	CHECK_STR(ppv_m3u8_fmt_secs(9970000, b), "9.970");
	CHECK(ppv_pdt_parse("2026-01-01T00:00:04.5Z", &ms) == 0 && ms == 1767225604500);
	CHECK(ppv_pdt_parse("2026-01-01T01:00:04.000+01:00", &ms) == 0 && ms == 1767225604000);
	CHECK_STR(ppv_pdt_format(1767225604500, b), "2026-01-01T00:00:04.500Z");
	CHECK(ppv_pdt_parse("yesterday", &ms) == -1);

	/* URIs rebased from the input's directory to the output's */
	char *u;
	CHECK_STR(u = ppv_uri_rebase("c000.ts", "vod/a/index.m3u8", "out/vod/a"), "../../../vod/a/c000.ts"); free(u);
	CHECK_STR(u = ppv_uri_rebase("c000.ts?x=1", "index.m3u8", "."), "c000.ts?x=1"); free(u);
	CHECK_STR(u = ppv_uri_rebase("../s/c.ts", "/a/b/i.m3u8", "/a/b"), "../s/c.ts"); free(u);
	CHECK_STR(u = ppv_uri_rebase("c.ts", "/a/bc/i.m3u8", "/a/b"), "../bc/c.ts"); free(u);
	CHECK_STR(u = ppv_uri_rebase("https://cdn/x.ts", "a/i.m3u8", "b"), "https://cdn/x.ts"); free(u);
	CHECK_STR(u = ppv_uri_rebase("/abs/x.ts", "a/i.m3u8", "b"), "/abs/x.ts"); free(u);
	CHECK_STR(u = ppv_tag_rebase("#EXT-X-MAP:URI=\"init.mp4\",BYTERANGE=\"1@0\"", "a/i.m3u8", "."),
		  "#EXT-X-MAP:URI=\"a/init.mp4\",BYTERANGE=\"1@0\""); free(u);
	CHECK(ppv_m3u8_attr("#EXT-X-DATERANGE:ID=\"a,b\",DURATION=8", "DURATION", b, sizeof b) == 0);
	CHECK_STR(b, "8");
	CHECK(ppv_m3u8_attr("#EXT-X-DATERANGE:ID=\"a,b\",DURATION=8", "ID", b, sizeof b) == 0);
	CHECK_STR(b, "a,b");

	/* cue styles, one a segment */
	ppv_m3u8 *pl = parse("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:7\n"
			     "#EXT-X-CUE-OUT:30\n#EXTINF:4,\na.ts\n"
			     "#EXT-X-CUE-OUT-CONT:ElapsedTime=4,Duration=30\n#EXTINF:4,\nb.ts\n"
			     "#EXT-X-CUE-OUT-CONT:8.3/30\n#EXTINF:4,\nc.ts\n"
			     "#EXT-X-CUE-IN\n#EXTINF:4,\nd.ts\n"
			     "#EXT-OATCLS-SCTE35:/DAvAAAAAAAA///wFAVIAACPf+/+c2nALv4AUsz1AAAAAAAKAAhDVUVJAAABNWLbowo=\n#EXTINF:4,\ne.ts\n"
			     "#EXT-X-ENDLIST\n");
	CHECK(pl && pl->nsegs == 5 && pl->media_seq == 7 && pl->endlist);
	if (pl) {
		CHECK(pl->segs[0].cue == PPV_TAG_CUE_OUT && pl->segs[0].cue_dur == 30000000);
		CHECK(pl->segs[1].cue == PPV_TAG_CUE_CONT && pl->segs[1].cue_elapsed == 4000000);
		CHECK(pl->segs[2].cue == PPV_TAG_CUE_CONT && pl->segs[2].cue_elapsed == 8300000 &&
		      pl->segs[2].cue_dur == 30000000);
		CHECK(pl->segs[3].cue == PPV_TAG_CUE_IN);
		CHECK(pl->segs[4].cue == PPV_TAG_CUE_OUT && pl->segs[4].cue_dur == 60293566);
		CHECK(pl->total == 20000000);
	}
	release(pl);
	/* a date line later in the playlist dates the segments before it */
	pl = parse("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na.ts\n"
		   "#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:04Z\n#EXTINF:4,\nb.ts\n#EXTINF:4,\nc.ts\n");
	CHECK(pl && pl->segs[0].pdt == 1767225600000 && pl->segs[2].pdt == 1767225608000);
	CHECK(pl && !pl->segs[0].dated && pl->segs[1].dated && !pl->segs[2].dated);
	release(pl);
	pl = parse("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nv/a.m3u8\n");
	CHECK(pl && pl->master && pl->nvars == 1 && pl->vars[0].bandwidth == 800000);
	release(pl);
	char *t = strdup("#EXTM3U\n#EXT-X-TARGETDURATION:4\nseg.ts\n");
	CHECK(ppv_m3u8_parse(t, strlen(t), "t.m3u8", err, sizeof err) == NULL);
	CHECK_STR(err, "t.m3u8:3: a URI without #EXTINF");
	free(t);

	/* timestamps step across the 33-bit wrap, and back for B-frames */
	CHECK(ppv_pts_delta(10, (UINT64_C(1) << 33) - 20) == 30);
	CHECK(ppv_pts_delta(100, 3100) == -3000);
	CHECK(ppv_pts_delta(3100, 100) == 3000);

	/* a section too big for one packet comes back whole */
	uint8_t sec[400], pkt[188 * 4];
	uint8_t cc = 14;
	memset(sec, 0xab, sizeof sec);
	sec[0] = 0xfc;
	sec[1] = 0x30 | (sizeof sec - 3) >> 8;
	sec[2] = (sizeof sec - 3) & 0xff;
	size_t np = ppv_ts_packetize(sec, sizeof sec, 0x1f0, &cc, pkt, sizeof pkt);
	CHECK(np == 3 && cc == 1 && (pkt[3] & 0x0f) == 14);
	ppv_secbuf *sb = calloc(1, sizeof *sb);
	size_t got = 0;
	for (size_t i = 0; i < np; i++) {
		ppv_tspkt k;
		CHECK(ppv_ts_parse(pkt + 188 * i, &k) == 0 && k.pid == 0x1f0);
		ppv_section_feed(sb, &k, sections, &got);
	}
	CHECK(got == sizeof sec);
	free(sb);
}

UNIT_TEST(test_m3u8_writer)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ppv_m3u8_out o = { .f = f, .version = 3 };
	const char *key = "#EXT-X-KEY:METHOD=AES-128,URI=\"k\"", *map = "#EXT-X-MAP:URI=\"i.mp4\"";

	ppv_m3u8_put_seg(&o, &(ppv_m3u8_wseg){ .uri = "a", .map = map, .key = key, .dur = 2000000,
						 .pdt = 1767225604500 });
	ppv_m3u8_put_seg(&o, &(ppv_m3u8_wseg){ .uri = "b", .map = map, .key = key, .dur = 4000000,
						 .pdt = INT64_MIN, .src_seq = 1 });
	ppv_m3u8_put_seg(&o, &(ppv_m3u8_wseg){ .uri = "c", .map = map, .dur = 1500000, .pdt = INT64_MIN,
						 .disc = true, .extra = "#EXT-X-CUE-IN", .title = "ad", .src_seq = 2 });
	/* back to content numbered 7 where it was read: its clear map first,
	 * then its key with the IV it had */
	ppv_m3u8_put_seg(&o, &(ppv_m3u8_wseg){ .uri = "d", .map = "#EXT-X-MAP:URI=\"j.mp4\"", .key = key,
						 .dur = 2000000, .pdt = INT64_MIN, .disc = true, .src_seq = 7 });
	/* a key with its own IV stays as it is */
	ppv_m3u8_put_seg(&o, &(ppv_m3u8_wseg){ .uri = "e", .map = "#EXT-X-MAP:URI=\"j.mp4\"",
						 .key = "#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0x1",
						 .dur = 2000000, .pdt = INT64_MIN, .src_seq = 8 });
	/* an encrypted map falls under the key it had */
	ppv_m3u8_put_seg(&o, &(ppv_m3u8_wseg){ .uri = "f", .map = "#EXT-X-MAP:URI=\"m.mp4\"",
						 .map_key = "#EXT-X-KEY:METHOD=AES-128,URI=\"m\",IV=0x2",
						 .dur = 2000000, .pdt = INT64_MIN, .src_seq = 5 });
	ppv_m3u8_out_free(&o);
	fclose(f);
	CHECK_STR(text, "#EXT-X-MAP:URI=\"i.mp4\"\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\"\n"
			"#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:04.500Z\n#EXTINF:2.000,\na\n"
			"#EXTINF:4.000,\nb\n"
			"#EXT-X-DISCONTINUITY\n#EXT-X-KEY:METHOD=NONE\n#EXT-X-CUE-IN\n#EXTINF:1.500,ad\nc\n"
			"#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"j.mp4\"\n"
			"#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0x00000000000000000000000000000007\n#EXTINF:2.000,\nd\n"
			"#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0x1\n#EXTINF:2.000,\ne\n"
			"#EXT-X-KEY:METHOD=AES-128,URI=\"m\",IV=0x2\n#EXT-X-MAP:URI=\"m.mp4\"\n"
			"#EXT-X-KEY:METHOD=NONE\n#EXTINF:2.000,\nf\n");
	CHECK(o.version == 6 && o.maxdur == 4000000);
	free(text);

	f = open_memstream(&text, &len);
	char *more[] = { "#EXT-X-START:TIME-OFFSET=0" };
	ppv_m3u8_put_header(f, &(ppv_m3u8_head){ .version = 3, .target = 6, .media_seq = 7, .type = "VOD",
						  .independent = true, .more = more, .nmore = 1 });
	fclose(f);
	CHECK_STR(text, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:7\n"
			"#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-START:TIME-OFFSET=0\n");
	free(text);
}
