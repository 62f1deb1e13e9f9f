/* test-ladder.c: ladder SPECs read and refused; rungs fitted to 1080p, 4:3 anamorphic and small sources, with H.264 levels from Table A-1. */
#include <string.h>

#include "ladder.h"
#include "unit.h"

UNIT_TEST(test_ladder_parse)
{
	ppv_ladder l;
	char err[200];

	CHECK(ppv_ladder_parse(PPV_LADDER_DEFAULT, &l, err, sizeof err) == 0);
	CHECK(l.n == 4 && l.r[0].source && !l.r[1].source);
	CHECK_STR(l.r[1].name, "720p");
	CHECK(l.r[1].height == 720 && l.r[1].kbps == 3000 && l.r[1].maxrate == 3300 && l.r[1].bufsize == 6000);
	CHECK_STR(l.r[1].profile, "high");
	CHECK_STR(l.r[2].profile, "main");
	CHECK(l.r[3].height == 360 && l.r[3].kbps == 600 && l.r[3].maxrate == 660);

	/* Apple's two 1080p rates are two rungs; the same rung twice is not */
	CHECK(ppv_ladder_parse("1080p@6000,1080p@7800", &l, err, sizeof err) == 0 && l.n == 2);
	CHECK(ppv_ladder_parse("360p@365,source,360p@365", &l, err, sizeof err) == -1);
	CHECK_STR(err, "'360p' is there twice");
	CHECK(ppv_ladder_parse("source,source", &l, err, sizeof err) == -1);
	CHECK_STR(err, "'source' is there twice");

	const char *bad[][2] = {
		{ "", "'': a rung is HEIGHTp@KBPS (720p@3000) or source" },
		{ "720p@3000,", "'': a rung is HEIGHTp@KBPS (720p@3000) or source" },
		{ "720p", "'720p': a rung is HEIGHTp@KBPS (720p@3000) or source" },
		{ "720@3000", "'720@3000': a rung is HEIGHTp@KBPS (720p@3000) or source" },
		{ "720p@3000k", "'720p@3000k': a rung is HEIGHTp@KBPS (720p@3000) or source" },
		{ "720p@", "'720p@': a rung is HEIGHTp@KBPS (720p@3000) or source" },
		{ "-720p@3000", "'-720p@3000': a rung is HEIGHTp@KBPS (720p@3000) or source" },
		{ "720p@-3", "'720p@-3': a rung is HEIGHTp@KBPS (720p@3000) or source" },
		{ "721p@3000", "'721p@3000': the height must be even, from 32 to 4320" },
		{ "8640p@3000", "'8640p@3000': the height must be even, from 32 to 4320" },
		{ "720p@8", "'720p@8': the rate must be from 16 to 200000 kb/s" },
		{ "720p@99999999999999999999", "'720p@99999999999999999999': a rung is HEIGHTp@KBPS (720p@3000) or source" },
		{ " 720p@3000", "' 720p@3000': a rung is HEIGHTp@KBPS (720p@3000) or source" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECK(ppv_ladder_parse(bad[i][0], &l, err, sizeof err) == -1);
		CHECK_STR(err, bad[i][1]);
	}
	char many[400] = "";
	for (int i = 0; i < PPV_LADDER_MAX + 1; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%s360p@%d", i ? "," : "", 100 + i);
	CHECK(ppv_ladder_parse(many, &l, err, sizeof err) == -1);
	CHECK_STR(err, "more than 16 rungs");
}

UNIT_TEST(test_ladder_fit)
{
	ppv_ladder l;
	char err[200], note[200];

	/* 1080p30: the widths of Apple's table, the levels x264 would pick */
	CHECK(ppv_ladder_parse("source,1080p@6000,720p@3000,540p@2000,480p@1200,432p@730,360p@365", &l, err,
	                       sizeof err) == 0);
	CHECK(ppv_ladder_fit(&l, 1920, 1080, 1, 1, 30, 1, note, sizeof note, err, sizeof err) == 0);
	CHECK_STR(note, "");
	CHECK(l.n == 7 && l.r[0].width == 1920 && l.r[0].height == 1080 && l.r[0].level == 0);
	CHECK(l.r[1].width == 1920 && l.r[1].level == 40);
	CHECK(l.r[2].width == 1280 && l.r[2].level == 31);
	CHECK(l.r[3].width == 960 && l.r[3].level == 31);
	CHECK(l.r[4].width == 854 && l.r[4].level == 31);
	CHECK(l.r[5].width == 768 && l.r[5].level == 30);
	CHECK(l.r[6].width == 640 && l.r[6].level == 30);

	/* at 60 frames a second 720p needs 3.2; 1080p 4.2 */
	CHECK(ppv_ladder_parse("1080p@6000,720p@3000", &l, err, sizeof err) == 0);
	CHECK(ppv_ladder_fit(&l, 1920, 1080, 1, 1, 60000, 1001, note, sizeof note, err, sizeof err) == 0);
	CHECK(l.r[0].level == 42 && l.r[1].level == 32);
	/* a rate over the level's bit rate raises it: 4.0 holds 25 Mb/s of High, not 30 */
	CHECK(ppv_ladder_parse("1080p@30000", &l, err, sizeof err) == 0);
	CHECK(ppv_ladder_fit(&l, 1920, 1080, 1, 1, 30, 1, note, sizeof note, err, sizeof err) == 0);
	CHECK(l.r[0].level == 41);

	/* PAL 4:3 anamorphic (720x576, 16:15) on square pixels */
	CHECK(ppv_ladder_parse("576p@2000,360p@600", &l, err, sizeof err) == 0);
	CHECK(ppv_ladder_fit(&l, 720, 576, 16, 15, 25, 1, note, sizeof note, err, sizeof err) == 0);
	CHECK(l.r[0].width == 768 && l.r[1].width == 480);

	/* rungs taller than a 480-line source leave, and say so */
	CHECK(ppv_ladder_parse(PPV_LADDER_DEFAULT, &l, err, sizeof err) == 0);
	CHECK(ppv_ladder_fit(&l, 854, 480, 1, 1, 30, 1, note, sizeof note, err, sizeof err) == 0);
	CHECK_STR(note, "720p: taller than the 480-line source, left out");
	CHECK(l.n == 3 && l.r[0].source && l.r[1].height == 480 && l.r[2].height == 360);
	CHECK(ppv_ladder_parse("1080p@6000,720p@3000,240p@300", &l, err, sizeof err) == 0);
	CHECK(ppv_ladder_fit(&l, 640, 360, 0, 0, 30, 1, note, sizeof note, err, sizeof err) == 0);
	CHECK_STR(note, "1080p, 720p: taller than the 360-line source, left out");
	CHECK(l.n == 1 && l.r[0].width == 426);
	CHECK(ppv_ladder_parse("720p@3000", &l, err, sizeof err) == 0);
	CHECK(ppv_ladder_fit(&l, 640, 360, 1, 1, 30, 1, note, sizeof note, err, sizeof err) == -1);
	CHECK_STR(err, "no rung fits a 640x360 source");
	CHECK(ppv_ladder_fit(&l, 0, 0, 1, 1, 30, 1, note, sizeof note, err, sizeof err) == -1);
	CHECK_STR(err, "the source has no picture size or frame rate");

	/* 4320p at 240 frames a second is beyond level 6.2 */
	CHECK(ppv_ladder_parse("4320p@100000", &l, err, sizeof err) == 0);
	CHECK(ppv_ladder_fit(&l, 7680, 4320, 1, 1, 240, 1, note, sizeof note, err, sizeof err) == -1);
	CHECK_STR(err, "4320p: 7680x4320 at 100000 kb/s is beyond every H.264 level");
}
