/* scte35json.c: a decoded SCTE-35 cue as one JSON object, field by field, UPIDs in their own forms. */
#include "scte35.h"

#include <inttypes.h>
#include <string.h>

#include "bytes.h"
#include "codec.h"
#include "json.h"
#include "when.h"

static void
put_jstr(FILE *fp, const uint8_t *s, size_t n)
{
	char buf[6 * 255 + 1];

	ppv_json_escape(buf, (const char *)s, n);
	fprintf(fp, "\"%s\"", buf);
}

static void
put_hex(FILE *fp, const uint8_t *p, size_t n)
{
	fputs("\"0x", fp);
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%02X", p[i]);
	fputc('"', fp);
}

static bool
printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

static void
put_upid(FILE *fp, uint8_t type, const uint8_t *p, size_t n)
{
	switch (type) {
	case 0x01: case 0x02: case 0x03: case 0x07: case 0x09: case 0x0e: case 0x0f: case 0x11:
		if (printable(p, n)) {
			put_jstr(fp, p, n);
			return;
		}
		break;
	case 0x0a:
		if (n == 12) {
			fprintf(fp, "\"10.%u/", (unsigned)ppv_get_be(p, 2));
			for (int i = 0; i < 5; i++)
				fprintf(fp, "%s%04X", i ? "-" : "", (unsigned)ppv_get_be(p + 2 + 2 * i, 2));
			fputc('"', fp);
			return;
		}
		break;
	case 0x0d: {
		/* MID: a list of UPIDs, each type, length, bytes. */
		size_t at = 0;
		fputc('[', fp);
		while (at + 2 <= n && at + 2 + p[at + 1] <= n) {
			fprintf(fp, "%s{\"upid_type\":%u,\"upid_type_name\":\"%s\",\"upid\":",
				at ? "," : "", p[at], ppv_scte35_upid_name(p[at]));
			put_upid(fp, p[at], p + at + 2, p[at + 1]);
			fputc('}', fp);
			at += 2u + p[at + 1];
		}
		fputc(']', fp);
		return;
	}
	case 0x0b:
		/* ATSC A/57B content identifier */
		if (n >= 4) {
			fprintf(fp, "{\"tsid\":%u,\"end_of_day\":%u,\"unique_for\":%u,\"content_id\":",
				(unsigned)ppv_get_be(p, 2), p[2] >> 1 & 0x1f,
				(unsigned)((p[2] & 1) << 8 | p[3]));
			put_hex(fp, p + 4, n - 4);
			fputc('}', fp);
			return;
		}
		break;
	case 0x0c:
		/* MPU: a registered format identifier and its private data */
		if (n >= 4) {
			char id[5] = { (char)p[0], (char)p[1], (char)p[2], (char)p[3], 0 };
			fputs("{\"format_identifier\":", fp);
			if (printable(p, 4))
				put_jstr(fp, (const uint8_t *)id, 4);
			else
				fprintf(fp, "%u", (unsigned)ppv_get_be(p, 4));
			fputs(",\"private_data\":", fp);
			put_hex(fp, p + 4, n - 4);
			fputc('}', fp);
			return;
		}
		break;
	case 0x10:
		if (n == 16) {
			fputc('"', fp);
			for (size_t i = 0; i < 16; i++)
				fprintf(fp, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", p[i]);
			fputc('"', fp);
			return;
		}
		break;
	}
	put_hex(fp, p, n);
}

static void
put_secs(FILE *fp, const char *key, bool have, uint64_t ticks)
{
	char b[32];

	if (have)
		fprintf(fp, ",\"%s\":%s", key, ppv_ticks_format(ticks, b));
	else
		fprintf(fp, ",\"%s\":null", key);
}

static void
put_bool(FILE *fp, const char *key, bool v)
{
	fprintf(fp, ",\"%s\":%s", key, v ? "true" : "false");
}

static void
put_event_json(FILE *fp, const ppv_scte35 *c, const ppv_splice_event *e, int sched)
{
	const uint64_t wrap = PPV_PTS_WRAP;

	fprintf(fp, "\"event_id\":%" PRIu32, e->event_id);
	put_bool(fp, "cancel", e->cancel);
	if (e->cancel)
		return;
	put_bool(fp, "out_of_network", e->out_of_network);
	put_bool(fp, "program_splice", e->program_splice);
	if (!sched)
		put_bool(fp, "splice_immediate", e->immediate);
	put_bool(fp, "event_id_compliance", e->event_id_compliance);
	if (sched && e->program_splice)
		fprintf(fp, ",\"utc_splice_time\":%" PRIu32, e->utc);
	if (!e->program_splice) {
		fputs(",\"components\":[", fp);
		for (int i = 0; i < e->ncomp; i++) {
			fprintf(fp, "%s{\"component_tag\":%u", i ? "," : "", e->comp[i].tag);
			if (sched)
				fprintf(fp, ",\"utc_splice_time\":%" PRIu32, e->comp[i].utc);
			else if (!e->immediate)
				put_secs(fp, "pts_time", e->comp[i].time.specified,
					 (e->comp[i].time.pts + c->pts_adjustment) % wrap);
			fputc('}', fp);
		}
		fputc(']', fp);
	}
	put_secs(fp, "duration", e->has_duration, e->duration);
	if (e->has_duration)
		put_bool(fp, "auto_return", e->auto_return);
	else
		fputs(",\"auto_return\":null", fp);
	fprintf(fp, ",\"unique_program_id\":%u,\"avail_num\":%u,\"avails_expected\":%u",
		e->unique_program_id, e->avail_num, e->avails_expected);
}

static void
put_desc_json(FILE *fp, const ppv_splice_desc *d)
{
	char id[5] = { (char)(d->identifier >> 24), (char)(d->identifier >> 16),
		       (char)(d->identifier >> 8), (char)d->identifier, 0 };
	static const char *const names[] = { "avail", "dtmf", "segmentation", "time", "audio" };

	fprintf(fp, "{\"tag\":%u", d->tag);
	if (d->identifier == PPV_SCTE35_CUEI && d->tag < 5)
		fprintf(fp, ",\"name\":\"%s\"", names[d->tag]);
	fputs(",\"identifier\":", fp);
	if (printable((const uint8_t *)id, 4))
		put_jstr(fp, (const uint8_t *)id, 4);
	else
		fprintf(fp, "%" PRIu32, d->identifier);
	if (!d->known) {
		fputs(",\"private\":", fp);
		put_hex(fp, d->body, d->bodylen);
		fputc('}', fp);
		return;
	}
	switch (d->tag) {
	case PPV_DESC_AVAIL:
		fprintf(fp, ",\"provider_avail_id\":%" PRIu32, d->u.provider_avail_id);
		break;
	case PPV_DESC_DTMF:
		fprintf(fp, ",\"preroll\":%u.%u,\"dtmf_chars\":", d->u.dtmf.preroll / 10,
			d->u.dtmf.preroll % 10);
		put_jstr(fp, (const uint8_t *)d->u.dtmf.chars, d->u.dtmf.count);
		break;
	case PPV_DESC_SEGMENTATION: {
		const ppv_splice_seg *s = &d->u.seg;
		fprintf(fp, ",\"segmentation_event_id\":%" PRIu32, s->event_id);
		put_bool(fp, "segmentation_event_cancel", s->cancel);
		put_bool(fp, "segmentation_event_id_compliance", s->event_id_compliance);
		if (s->cancel)
			break;
		fprintf(fp, ",\"segmentation_type_id\":%u,\"segmentation_type\":\"%s\"",
			s->type_id, ppv_scte35_segtype_name(s->type_id));
		put_secs(fp, "segmentation_duration", s->has_duration, s->duration);
		fprintf(fp, ",\"upid_type\":%u,\"upid_type_name\":\"%s\",\"upid\":",
			s->upid_type, ppv_scte35_upid_name(s->upid_type));
		put_upid(fp, s->upid_type, s->upid, s->upid_len);
		fprintf(fp, ",\"segment_num\":%u,\"segments_expected\":%u", s->num, s->expected);
		if (s->has_sub)
			fprintf(fp, ",\"sub_segment_num\":%u,\"sub_segments_expected\":%u",
				s->sub_num, s->sub_expected);
		put_bool(fp, "program_segmentation", s->program);
		put_bool(fp, "delivery_not_restricted", s->delivery_not_restricted);
		if (!s->delivery_not_restricted) {
			put_bool(fp, "web_delivery_allowed", s->web_delivery_allowed);
			put_bool(fp, "no_regional_blackout", s->no_regional_blackout);
			put_bool(fp, "archive_allowed", s->archive_allowed);
			fprintf(fp, ",\"device_restrictions\":%u", s->device_restrictions);
		}
		if (!s->program) {
			fputs(",\"components\":[", fp);
			for (int i = 0; i < s->ncomp; i++) {
				const uint8_t *q = s->comp + 6 * i;
				fprintf(fp, "%s{\"component_tag\":%u", i ? "," : "", q[0]);
				put_secs(fp, "pts_offset", true,
					 (uint64_t)(q[1] & 1) << 32 | ppv_get_be(q + 2, 4));
				fputc('}', fp);
			}
			fputc(']', fp);
		}
		break;
	}
	case PPV_DESC_TIME:
		fprintf(fp, ",\"tai_seconds\":%" PRIu64 ",\"tai_ns\":%" PRIu32 ",\"utc_offset\":%u",
			d->u.time.tai_seconds, d->u.time.tai_ns, d->u.time.utc_offset);
		break;
	case PPV_DESC_AUDIO:
		fputs(",\"audio_components\":[", fp);
		for (int i = 0; i < d->u.audio.count; i++) {
			const uint8_t *q = d->u.audio.comp + 5 * i;
			fprintf(fp, "%s{\"component_tag\":%u,\"iso_code\":", i ? "," : "", q[0]);
			put_jstr(fp, q + 1, printable(q + 1, 3) ? 3 : 0);
			fprintf(fp, ",\"bit_stream_mode\":%u,\"num_channels\":%u,\"full_srvc_audio\":%s}",
				q[4] >> 5, q[4] >> 1 & 0xf, q[4] & 1 ? "true" : "false");
		}
		fputc(']', fp);
		break;
	}
	fputc('}', fp);
}

void
ppv_scte35_json(const ppv_scte35 *c, FILE *fp)
{
	fputc('{', fp);
	ppv_scte35_json_members(c, fp);
	fputc('}', fp);
}

void
ppv_scte35_json_members(const ppv_scte35 *c, FILE *fp)
{
	const uint64_t wrap = PPV_PTS_WRAP;
	const ppv_splice_event *e = c->command_type == PPV_SPLICE_INSERT && !c->encrypted
				    ? &c->insert : NULL;
	bool have_pts = false;
	uint64_t pts = 0;

	if (c->encrypted) {
	} else if (c->command_type == PPV_TIME_SIGNAL && c->time.specified) {
		have_pts = true;
		pts = c->time.pts;
	} else if (e && !e->cancel && e->program_splice && !e->immediate && e->time.specified) {
		have_pts = true;
		pts = e->time.pts;
	}
	fprintf(fp, "\"command\":\"%s\",\"command_type\":%u",
		c->encrypted ? "encrypted" : ppv_scte35_command_name(c->command_type),
		c->command_type);
	put_secs(fp, "pts_time", have_pts, (pts + c->pts_adjustment) % wrap);
	if (e && !e->cancel) {
		fputc(',', fp);
		put_event_json(fp, c, e, 0);
	} else {
		if (e)
			fprintf(fp, ",\"event_id\":%" PRIu32 ",\"cancel\":true", e->event_id);
		else
			fputs(",\"event_id\":null", fp);
		fputs(",\"out_of_network\":null,\"duration\":null,\"auto_return\":null", fp);
	}
	if (c->command_type == PPV_SPLICE_SCHEDULE && !c->encrypted) {
		fputs(",\"events\":[", fp);
		for (int i = 0; i < c->nevents; i++) {
			fputs(i ? ",{" : "{", fp);
			put_event_json(fp, c, &c->events[i], 1);
			fputc('}', fp);
		}
		fputc(']', fp);
	}
	if (c->command_type == PPV_PRIVATE_COMMAND && !c->encrypted) {
		fprintf(fp, ",\"private_identifier\":%" PRIu32 ",\"private_bytes\":", c->private_id);
		put_hex(fp, c->private_bytes, c->private_len);
	}
	put_secs(fp, "pts_adjustment", true, c->pts_adjustment);
	fprintf(fp, ",\"sap_type\":%u,\"protocol_version\":%u,\"tier\":%u,\"cw_index\":%u",
		c->sap_type, c->protocol_version, c->tier, c->cw_index);
	put_bool(fp, "encrypted", c->encrypted);
	if (c->encrypted)
		fprintf(fp, ",\"encryption_algorithm\":%u", c->encryption_algorithm);
	fputs(",\"descriptors\":[", fp);
	for (int i = 0; i < c->ndesc; i++) {
		if (i)
			fputc(',', fp);
		put_desc_json(fp, &c->desc[i]);
	}
	fprintf(fp, "],\"crc\":\"0x%08" PRIX32 "\"", c->crc);
}
