/* test-scte35.c: the SCTE 35 section 14 sample messages, field by field, and byte-exact re-encoding. */
#include <stdint.h>
#include <stdlib.h>

#include "bytes.h"
#include "codec.h"
#include "scte35.h"
#include "ts.h"
#include "unit.h"
#include "when.h"

static const struct {
	const char *name;
	uint8_t command;
	const char *pts;
	int ndesc;
	uint32_t seg_event[3];
	uint8_t seg_type[3];
	const char *upid[3];
} samples[] = {
	{ "14.1 time_signal, Placement Opportunity Start",
	  PPV_TIME_SIGNAL, "21388.766756", 1, { 0x4800008e }, { 0x34 }, { "\x00\x00\x00\x00\x2c\xa0\xa1\x8a" } },
	{ "14.2 splice_insert",
	  PPV_SPLICE_INSERT, "21514.559089", 1, { 0 }, { 0 }, { NULL } },
	{ "14.3 time_signal, Placement Opportunity End",
	  PPV_TIME_SIGNAL, "21695.740089", 1, { 0x4800008e }, { 0x35 }, { "\x00\x00\x00\x00\x2c\xa0\xa1\x8a" } },
	{ "14.4 time_signal, Program Start/End",
	  PPV_TIME_SIGNAL, "22798.906911", 2, { 0x48000018, 0x48000019 }, { 0x11, 0x10 },
	  { "\x00\x00\x00\x00\x2c\xcb\xc3\x44", "\x00\x00\x00\x00\x2c\xa4\xdb\xa0" } },
	{ "14.5 time_signal, Program Overlap Start",
	  PPV_TIME_SIGNAL, "32575.759333", 1, { 0x48000008 }, { 0x17 }, { "\x00\x00\x00\x00\x2c\xa5\x6c\xf5" } },
	{ "14.6 time_signal, Program Blackout Override / Program End",
	  PPV_TIME_SIGNAL, "27436.441722", 2, { 0x4800000a, 0x48000009 }, { 0x18, 0x11 },
	  { "\x00\x00\x00\x00\x2c\xa0\xa1\xe3", "\x00\x00\x00\x00\x2c\xa0\xa1\x8a" } },
	{ "14.7 time_signal, Program End",
	  PPV_TIME_SIGNAL, "32611.795333", 1, { 0x48000007 }, { 0x11 }, { "\x00\x00\x00\x00\x2c\xa5\x6c\x97" } },
	{ "14.8 time_signal, Program Start/End, Placement Opportunity End",
	  PPV_TIME_SIGNAL, "31466.942367", 3, { 0x480000ad, 0x48000026, 0x48000027 }, { 0x35, 0x11, 0x10 },
	  { "\x00\x00\x00\x00\x2c\xb2\xd7\x9d", "\x00\x00\x00\x00\x2c\xb2\xd7\x9d", "\x00\x00\x00\x00\x2c\xb2\xd7\xb3" } },
};

/* A sample's base64 from tests/data, where the Bats suite reads it too. */
static const char *
b64_of(const char *name)
{
	static char line[1024];
	const char *dir = getenv("PPV_TESTDATA") ? getenv("PPV_TESTDATA") : "tests/data";
	char path[512];
	size_t nl = strcspn(name, " ");

	snprintf(path, sizeof path, "%s/scte35-samples.txt", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: cannot open (run from the top directory, or set PPV_TESTDATA)\n", path);
		return "";
	}
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, name, nl) && line[nl] == ' ') {
			line[strcspn(line, "\n")] = '\0';
			fclose(f);
			return line + nl + 1;
		}
	fclose(f);
	return "";
}

static void
sample(int i, ppv_scte35 *c)
{
	uint8_t in[PPV_SCTE35_MAX], out[PPV_SCTE35_MAX];
	char err[200], t[32];
	long n = ppv_scte35_text(b64_of(samples[i].name), in, sizeof in);

	CHECK(n > 0);
	int rc = ppv_scte35_decode(c, in, (size_t)n, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", samples[i].name, err);
	CHECK(rc == 0);
	CHECK(c->command_type == samples[i].command);
	uint64_t pts = c->command_type == PPV_TIME_SIGNAL ? c->time.pts : c->insert.time.pts;
	CHECK_STR(ppv_ticks_format(pts + c->pts_adjustment, t), samples[i].pts);
	CHECK(c->ndesc == samples[i].ndesc);
	for (int d = 0; d < c->ndesc && c->desc[d].tag == PPV_DESC_SEGMENTATION; d++) {
		const ppv_splice_seg *s = &c->desc[d].u.seg;
		CHECK(s->event_id == samples[i].seg_event[d]);
		CHECK(s->type_id == samples[i].seg_type[d]);
		CHECK(s->upid_type == 0x08 && s->upid_len == 8 && !memcmp(s->upid, samples[i].upid[d], 8));
	}
	/* decode then encode gives the same bytes */
	long m = ppv_scte35_encode(c, out, sizeof out);
	CHECK(m == n && !memcmp(in, out, (size_t)n));
}

/* The CRC of a section rewritten after a test changed a byte. */
static void
put_crc(uint8_t *p, size_t n)
{
	ppv_put_be(p + n - 4, ppv_crc32_mpeg(p, n - 4), 4);
}

UNIT_TEST(test_scte35)
{
	static ppv_scte35 c, d;
	uint8_t buf[PPV_SCTE35_MAX];
	char err[200], t[32];

	for (int i = 0; i < (int)(sizeof samples / sizeof *samples); i++)
		sample(i, &c);

	/* 14.1 in detail */
	sample(0, &c);
	CHECK(c.sap_type == 3 && c.tier == 0xfff && c.pts_adjustment == 0);
	CHECK(c.desc[0].u.seg.has_duration && c.desc[0].u.seg.duration == 27630000);
	CHECK(c.desc[0].u.seg.num == 2 && c.desc[0].u.seg.expected == 0 && !c.desc[0].u.seg.has_sub);
	CHECK(c.desc[0].u.seg.device_restrictions == 3 && !c.desc[0].u.seg.delivery_not_restricted);
	/* 14.2 in detail */
	sample(1, &c);
	CHECK(c.insert.event_id == 0x4800008f && c.insert.out_of_network && !c.insert.immediate);
	CHECK(c.insert.has_duration && c.insert.auto_return);
	CHECK_STR(ppv_ticks_format(c.insert.duration, t), "60.293567");
	CHECK(c.desc[0].tag == PPV_DESC_AVAIL && c.desc[0].u.provider_avail_id == 309);

	/* a flipped bit anywhere is a bad CRC */
	long n = ppv_scte35_text(b64_of(samples[2].name), buf, sizeof buf);
	buf[20] ^= 0x10;
	CHECK(ppv_scte35_decode(&c, buf, (size_t)n, err, sizeof err) == -1);
	CHECK(strstr(err, "bad CRC-32") != NULL);
	buf[20] ^= 0x10;
	CHECK(ppv_scte35_decode(&c, buf, (size_t)n - 1, err, sizeof err) == -1);
	CHECK(ppv_scte35_decode(&c, buf, 2, err, sizeof err) == -1);
	CHECK(ppv_scte35_text("0xFC30", buf, sizeof buf) == 2);
	CHECK(ppv_scte35_text("not base64!", buf, sizeof buf) == -1);

	/* built from fields, then read back */
	ppv_scte35_init(&c);
	c.command_type = PPV_SPLICE_INSERT;
	c.insert.event_id = 42;
	c.insert.out_of_network = c.insert.program_splice = true;
	c.insert.time.specified = true;
	c.insert.time.pts = 600 * 90000;
	c.insert.has_duration = c.insert.auto_return = true;
	c.insert.duration = 30 * 90000;
	n = ppv_scte35_encode(&c, buf, sizeof buf);
	CHECK(n > 0);
	CHECK(ppv_scte35_decode(&d, buf, (size_t)n, err, sizeof err) == 0);
	CHECK(d.insert.event_id == 42 && d.insert.time.pts == 600 * 90000 && d.insert.duration == 30 * 90000);

	/* splice_null and private_command survive a round trip */
	n = ppv_scte35_text("/DARAAAAAAAAAP/wAAAAAHpPv/8=", buf, sizeof buf);
	CHECK(ppv_scte35_decode(&c, buf, (size_t)n, err, sizeof err) == 0 && c.command_type == PPV_SPLICE_NULL);
	uint8_t out[PPV_SCTE35_MAX];
	CHECK(ppv_scte35_encode(&c, out, sizeof out) == n && !memcmp(out, buf, (size_t)n));

	ppv_scte35_init(&c);
	c.command_type = PPV_PRIVATE_COMMAND;
	c.private_id = 0x434f4e54;
	c.private_bytes = (const uint8_t *)"\x01\x02\x03";
	c.private_len = 3;
	n = ppv_scte35_encode(&c, buf, sizeof buf);
	CHECK(ppv_scte35_decode(&d, buf, (size_t)n, err, sizeof err) == 0);
	CHECK(d.private_id == 0x434f4e54 && d.private_len == 3 && !memcmp(d.private_bytes, "\x01\x02\x03", 3));

	/* every other command and descriptor, built, read back, written again */
	static ppv_splice_comp comps[3] = { { 0x11, { true, 900000 }, 0 }, { 0x12, { false, 0 }, 0 } };
	static ppv_splice_comp scomps[2] = { { 0x21, { false, 0 }, 1700000000 }, { 0x22, { false, 0 }, 1700000030 } };
	static const uint8_t segcomp[12] = { 0x11, 0xfe, 0, 0, 0x23, 0x28, 0x12, 0xff, 0, 0, 0, 0 };
	static const uint8_t audio[10] = { 0x11, 'e', 'n', 'g', 0x4d, 0x12, 's', 'p', 'a', 0x44 };
	ppv_scte35_init(&c);
	c.command_type = PPV_SPLICE_INSERT;
	c.pts_adjustment = 12345;
	c.insert = (ppv_splice_event){ .event_id = 9, .out_of_network = true, .program_splice = false,
				       .event_id_compliance = true, .ncomp = 2, .comp = comps, .has_duration = true,
				       .duration = 2700000, .unique_program_id = 7, .avail_num = 1, .avails_expected = 2 };
	c.ndesc = 4;
	c.desc[0] = (ppv_splice_desc){ .tag = PPV_DESC_DTMF, .identifier = PPV_SCTE35_CUEI, .known = true,
				       .u.dtmf = { 50, 4, { '1', '2', '1', '#' } } };
	c.desc[1] = (ppv_splice_desc){ .tag = PPV_DESC_TIME, .identifier = PPV_SCTE35_CUEI, .known = true,
				       .u.time = { 1764000000, 500000000, 37 } };
	c.desc[2] = (ppv_splice_desc){ .tag = PPV_DESC_AUDIO, .identifier = PPV_SCTE35_CUEI, .known = true,
				       .u.audio = { 2, audio } };
	c.desc[3] = (ppv_splice_desc){ .tag = PPV_DESC_SEGMENTATION, .identifier = PPV_SCTE35_CUEI, .known = true,
				       .u.seg = { .event_id = 5, .event_id_compliance = true, .program = false,
						  .ncomp = 2, .comp = segcomp, .has_duration = true, .duration = 2700000,
						  .upid_type = 0x0f, .upid_len = 7, .upid = (const uint8_t *)"urn:x:1",
						  .type_id = 0x34, .num = 1, .expected = 2, .has_sub = true,
						  .sub_num = 1, .sub_expected = 3, .web_delivery_allowed = true,
						  .device_restrictions = 2 } };
	uint8_t again[PPV_SCTE35_MAX];
	n = ppv_scte35_encode(&c, buf, sizeof buf);
	CHECK(n > 0 && ppv_scte35_decode(&d, buf, (size_t)n, err, sizeof err) == 0);
	CHECK(d.insert.ncomp == 2 && d.insert.comp[0].tag == 0x11 && d.insert.comp[0].time.pts == 900000 &&
	      !d.insert.comp[1].time.specified && d.pts_adjustment == 12345);
	CHECK(d.ndesc == 4 && d.desc[0].u.dtmf.count == 4 && !memcmp(d.desc[0].u.dtmf.chars, "121#", 4));
	CHECK(d.desc[1].u.time.tai_seconds == 1764000000 && d.desc[1].u.time.utc_offset == 37);
	CHECK(d.desc[2].u.audio.count == 2 && !memcmp(d.desc[2].u.audio.comp, audio, 10));
	CHECK(d.desc[3].u.seg.ncomp == 2 && d.desc[3].u.seg.has_sub && d.desc[3].u.seg.sub_expected == 3 &&
	      d.desc[3].u.seg.upid_len == 7 && d.desc[3].u.seg.device_restrictions == 2);
	CHECK(ppv_scte35_encode(&d, again, sizeof again) == n && !memcmp(again, buf, (size_t)n));

	ppv_scte35_init(&c);
	c.command_type = PPV_SPLICE_SCHEDULE;
	c.nevents = 2;
	c.events[0] = (ppv_splice_event){ .event_id = 1, .out_of_network = true, .program_splice = true,
					  .utc = 1700000000, .has_duration = true, .auto_return = true,
					  .duration = 2700000, .event_id_compliance = true };
	c.events[1] = (ppv_splice_event){ .event_id = 2, .out_of_network = true, .ncomp = 2, .comp = scomps,
					  .event_id_compliance = true };
	n = ppv_scte35_encode(&c, buf, sizeof buf);
	CHECK(n > 0 && ppv_scte35_decode(&d, buf, (size_t)n, err, sizeof err) == 0);
	CHECK(d.nevents == 2 && d.events[0].utc == 1700000000 && d.events[1].comp[1].utc == 1700000030);
	CHECK(ppv_scte35_encode(&d, again, sizeof again) == n && !memcmp(again, buf, (size_t)n));

	ppv_scte35_init(&c);
	c.command_type = PPV_BANDWIDTH_RESERVATION;
	n = ppv_scte35_encode(&c, buf, sizeof buf);
	CHECK(n > 0 && ppv_scte35_decode(&d, buf, (size_t)n, err, sizeof err) == 0 &&
	      d.command_type == PPV_BANDWIDTH_RESERVATION);
	/* cancel, and the legacy 0xfff command length */
	ppv_scte35_init(&c);
	c.command_type = PPV_SPLICE_INSERT;
	c.insert.event_id = 3;
	c.insert.cancel = true;
	c.unknown_command_length = true;
	n = ppv_scte35_encode(&c, buf, sizeof buf);
	CHECK(n > 0 && ppv_scte35_decode(&d, buf, (size_t)n, err, sizeof err) == 0);
	CHECK(d.insert.cancel && d.unknown_command_length && d.insert.event_id == 3);
	CHECK(ppv_scte35_encode(&d, again, sizeof again) == n && !memcmp(again, buf, (size_t)n));
	/* an unknown command is rejected by name */
	buf[13] = 0x42;
	put_crc(buf, (size_t)n);
	CHECK(ppv_scte35_decode(&d, buf, (size_t)n, err, sizeof err) == -1);
	CHECK_STR(err, "unknown splice_command_type 0x42");

	char hx[16];
	ppv_scte35_hex(hx, (const uint8_t *)"\xfc\x30\x0a", 3);
	CHECK_STR(hx, "0xFC300A");
	CHECK(ppv_scte35_break(0x34) == 1 && ppv_scte35_break(0x22) == 1 && ppv_scte35_break(0x46) == 1);
	CHECK(ppv_scte35_break(0x35) == -1 && ppv_scte35_break(0x23) == -1);
	CHECK(ppv_scte35_break(0x10) == 0 && ppv_scte35_break(0x11) == 0);

	uint64_t ticks;
	CHECK(ppv_ticks_parse("21388.766756", &ticks) == 0 && ticks == 1924989008);
	CHECK(ppv_ticks_parse("90000t", &ticks) == 0 && ticks == 90000);
	CHECK(ppv_ticks_parse("30", &ticks) == 0 && ticks == 2700000);
	CHECK(ppv_ticks_parse("1.", &ticks) == -1 && ppv_ticks_parse("", &ticks) == -1);
	CHECK(ppv_ticks_parse("x", &ticks) == -1);
}

UNIT_TEST(test_scte35_upid_check)
{
	static const uint8_t ti[8], mid[] = { 0x08, 0x08, 0, 0, 0, 0, 0, 0, 0, 1, 0x0f, 0x02, 'a', 'b' };
	char err[200];

	CHECK(ppv_scte35_upid_check(0x08, ti, 8, err, sizeof err) == 0);
	CHECK(ppv_scte35_upid_check(0x08, ti, 7, err, sizeof err) == -1);
	CHECK_STR(err, "UPID type TI takes 8 bytes, not 7");
	CHECK(ppv_scte35_upid_check(0x0f, ti, 3, err, sizeof err) == 0);      /* URI: any length */
	CHECK(ppv_scte35_upid_check(0x00, ti, 1, err, sizeof err) == -1);
	CHECK(ppv_scte35_upid_check(0x0d, mid, sizeof mid, err, sizeof err) == 0);
	CHECK(ppv_scte35_upid_check(0x0d, mid, sizeof mid - 1, err, sizeof err) == -1);
	CHECK_STR(err, "MID UPID 2: cut short: 2 bytes said, 1 there");
	CHECK(ppv_scte35_upid_check(0x0d, mid, 11, err, sizeof err) == -1);
	CHECK_STR(err, "MID UPID 2: cut short before its type and length");
	static const uint8_t nested[] = { 0x0d, 0x00 };
	CHECK(ppv_scte35_upid_check(0x0d, nested, 2, err, sizeof err) == -1);
	CHECK_STR(err, "MID UPID 1: a MID inside a MID");
}
