/* scte35.c: SCTE-35 (2022) splice_info_section: every command and descriptor, CRC-checked, re-encoded byte for byte. */
#include "scte35.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bits.h"
#include "bytes.h"
#include "cli.h"
#include "codec.h"
#include "ts.h"

void
ppv_scte35_init(ppv_scte35 *c)
{
	memset(c, 0, offsetof(ppv_scte35, pool));
	c->sap_type = 3;
	c->tier = 0xfff;
	c->cw_index = 0xff;
	c->insert.event_id_compliance = true;
}

void
ppv_scte35_time_signal(ppv_scte35 *c, uint64_t pts)
{
	ppv_scte35_init(c);
	c->command_type = PPV_TIME_SIGNAL;
	c->time.specified = pts != PPV_TS_NOPTS;
	c->time.pts = c->time.specified ? pts % PPV_PTS_WRAP : 0;
}

void
ppv_scte35_insert(ppv_scte35 *c, uint32_t event_id, bool out, uint64_t pts, uint64_t duration,
		  bool auto_return)
{
	ppv_splice_event *e = &c->insert;

	ppv_scte35_init(c);
	c->command_type = PPV_SPLICE_INSERT;
	e->event_id = event_id;
	e->out_of_network = out;
	e->program_splice = true;
	e->unique_program_id = 1;
	e->immediate = pts == PPV_TS_NOPTS;
	e->time.specified = !e->immediate;
	e->time.pts = e->immediate ? 0 : pts % PPV_PTS_WRAP;
	e->has_duration = out && duration != PPV_TS_NOPTS;
	e->duration = e->has_duration ? duration : 0;
	e->auto_return = e->has_duration && auto_return;
}

/* The segmentation_type_ids whose descriptors carry sub_segment_num and
 * sub_segments_expected (SCTE 35 table 22); the decoder also takes them
 * after 0x30 and 0x32 when the length has room, as some encoders write. */
static bool
has_sub_segments(uint8_t type, bool reading)
{
	switch (type) {
	case 0x30: case 0x32:
		return reading;
	case 0x34: case 0x36: case 0x38: case 0x3a: case 0x44: case 0x46:
		return true;
	}
	return false;
}

int
ppv_scte35_add_segmentation(ppv_scte35 *c, uint8_t type, uint32_t event_id, uint64_t duration,
			    uint8_t upid_type, const uint8_t *upid, uint8_t upid_len)
{
	if (c->ndesc >= PPV_SCTE35_MAX_DESC)
		return -1;
	ppv_splice_desc *d = &c->desc[c->ndesc++];
	ppv_splice_seg *s = &d->u.seg;
	d->tag = PPV_DESC_SEGMENTATION;
	d->identifier = PPV_SCTE35_CUEI;
	d->known = true;
	s->event_id = event_id;
	s->event_id_compliance = true;
	s->program = true;
	s->delivery_not_restricted = true;
	s->has_duration = duration != PPV_TS_NOPTS;
	s->duration = s->has_duration ? duration : 0;
	s->upid_type = upid_type;
	s->upid_len = upid_len;
	s->upid = upid;
	s->type_id = type;
	s->has_sub = has_sub_segments(type, false);
	return 0;
}

static ppv_splice_time
read_time(ppv_bitr *r)
{
	ppv_splice_time t = { .specified = ppv_bits(r, 1) };

	if (t.specified) {
		ppv_bits(r, 6);
		t.pts = ppv_bits(r, 33);
	} else {
		ppv_bits(r, 7);
	}
	return t;
}

static void
read_break(ppv_bitr *r, ppv_splice_event *e)
{
	e->auto_return = ppv_bits(r, 1);
	ppv_bits(r, 6);
	e->duration = ppv_bits(r, 33);
}

/* splice_insert when sched is 0, one splice_schedule event otherwise. */
static int
read_event(ppv_bitr *r, ppv_scte35 *c, ppv_splice_event *e, int sched)
{
	e->event_id = (uint32_t)ppv_bits(r, 32);
	e->cancel = ppv_bits(r, 1);
	ppv_bits(r, 7);
	if (e->cancel)
		return 0;
	e->out_of_network = ppv_bits(r, 1);
	e->program_splice = ppv_bits(r, 1);
	e->has_duration = ppv_bits(r, 1);
	if (!sched)
		e->immediate = ppv_bits(r, 1);
	e->event_id_compliance = ppv_bits(r, 1);
	ppv_bits(r, sched ? 4 : 3);
	if (e->program_splice) {
		if (sched)
			e->utc = (uint32_t)ppv_bits(r, 32);
		else if (!e->immediate)
			e->time = read_time(r);
	} else {
		e->ncomp = (int)ppv_bits(r, 8);
		if (c->npool + e->ncomp > (int)(sizeof c->pool / sizeof c->pool[0]))
			return -1;
		e->comp = c->pool + c->npool;
		c->npool += e->ncomp;
		for (int i = 0; i < e->ncomp && !r->bad; i++) {
			e->comp[i].tag = (uint8_t)ppv_bits(r, 8);
			if (sched)
				e->comp[i].utc = (uint32_t)ppv_bits(r, 32);
			else if (!e->immediate)
				e->comp[i].time = read_time(r);
		}
	}
	if (e->has_duration)
		read_break(r, e);
	e->unique_program_id = (uint16_t)ppv_bits(r, 16);
	e->avail_num = (uint8_t)ppv_bits(r, 8);
	e->avails_expected = (uint8_t)ppv_bits(r, 8);
	return 0;
}

/* Fields of a CUEI descriptor; the caller keeps any bytes past them. */
static int
read_desc(ppv_splice_desc *d)
{
	ppv_bitr r;

	ppv_bitr_init(&r, d->body, d->bodylen);
	switch (d->tag) {
	case PPV_DESC_AVAIL:
		d->u.provider_avail_id = (uint32_t)ppv_bits(&r, 32);
		break;
	case PPV_DESC_DTMF:
		d->u.dtmf.preroll = (uint8_t)ppv_bits(&r, 8);
		d->u.dtmf.count = (uint8_t)ppv_bits(&r, 3);
		ppv_bits(&r, 5);
		for (int i = 0; i < d->u.dtmf.count; i++)
			d->u.dtmf.chars[i] = (char)ppv_bits(&r, 8);
		break;
	case PPV_DESC_SEGMENTATION: {
		ppv_splice_seg *s = &d->u.seg;
		s->event_id = (uint32_t)ppv_bits(&r, 32);
		s->cancel = ppv_bits(&r, 1);
		s->event_id_compliance = ppv_bits(&r, 1);
		ppv_bits(&r, 6);
		if (s->cancel)
			break;
		s->program = ppv_bits(&r, 1);
		s->has_duration = ppv_bits(&r, 1);
		s->delivery_not_restricted = ppv_bits(&r, 1);
		if (!s->delivery_not_restricted) {
			s->web_delivery_allowed = ppv_bits(&r, 1);
			s->no_regional_blackout = ppv_bits(&r, 1);
			s->archive_allowed = ppv_bits(&r, 1);
			s->device_restrictions = (uint8_t)ppv_bits(&r, 2);
		} else {
			ppv_bits(&r, 5);
		}
		if (!s->program) {
			s->ncomp = (uint8_t)ppv_bits(&r, 8);
			s->comp = d->body + r.pos / 8;
			ppv_bits(&r, 48 * s->ncomp);
		}
		if (s->has_duration)
			s->duration = ppv_bits(&r, 40);
		s->upid_type = (uint8_t)ppv_bits(&r, 8);
		s->upid_len = (uint8_t)ppv_bits(&r, 8);
		s->upid = d->body + r.pos / 8;
		ppv_bits(&r, 8 * s->upid_len);
		s->type_id = (uint8_t)ppv_bits(&r, 8);
		s->num = (uint8_t)ppv_bits(&r, 8);
		s->expected = (uint8_t)ppv_bits(&r, 8);
		/* Older encoders leave the sub-segment fields out; the length says. */
		if (has_sub_segments(s->type_id, true) && ppv_bitr_left(&r) >= 2) {
			s->has_sub = true;
			s->sub_num = (uint8_t)ppv_bits(&r, 8);
			s->sub_expected = (uint8_t)ppv_bits(&r, 8);
		}
		break;
	}
	case PPV_DESC_TIME:
		d->u.time.tai_seconds = ppv_bits(&r, 48);
		d->u.time.tai_ns = (uint32_t)ppv_bits(&r, 32);
		d->u.time.utc_offset = (uint16_t)ppv_bits(&r, 16);
		break;
	case PPV_DESC_AUDIO:
		d->u.audio.count = (uint8_t)ppv_bits(&r, 4);
		ppv_bits(&r, 4);
		d->u.audio.comp = d->body + 1;
		ppv_bits(&r, 40 * d->u.audio.count);
		break;
	default:
		return 0;
	}
	if (r.bad)
		return -1;
	d->known = true;
	return 0;
}

int
ppv_scte35_decode(ppv_scte35 *c, const uint8_t *p, size_t n, char *err, size_t ecap)
{
	ppv_bitr r;

	ppv_scte35_init(c);
	if (n < 3)
		return ppv_errf(err, ecap, "truncated: %zu bytes", n);
	if (p[0] != 0xfc)
		return ppv_errf(err, ecap, "table_id 0x%02x is not 0xfc", p[0]);
	size_t len = 3 + ((size_t)(p[1] & 0x0f) << 8 | p[2]);
	if (len > n)
		return ppv_errf(err, ecap, "truncated: section_length says %zu bytes, have %zu", len, n);
	if (len < 20)
		return ppv_errf(err, ecap, "section of %zu bytes is too short", len);
	if (len < n)
		return ppv_errf(err, ecap, "%zu bytes after the section", n - len);
	memcpy(c->raw, p, len);
	c->rawlen = len;
	p = c->raw;
	uint32_t want = ppv_get_be(p + len - 4, 4);
	uint32_t got = ppv_crc32_mpeg(p, len - 4);
	c->crc = want;
	if (got != want)
		return ppv_errf(err, ecap, "bad CRC-32: computed 0x%08" PRIx32 ", cue carries 0x%08" PRIx32, got, want);

	ppv_bitr_init(&r, p, len - 4);
	ppv_bits(&r, 8);
	if (ppv_bits(&r, 1))
		return ppv_errf(err, ecap, "section_syntax_indicator is set");
	if (ppv_bits(&r, 1))
		return ppv_errf(err, ecap, "private_indicator is set");
	c->sap_type = (uint8_t)ppv_bits(&r, 2);
	ppv_bits(&r, 12);
	c->protocol_version = (uint8_t)ppv_bits(&r, 8);
	if (c->protocol_version != 0)
		return ppv_errf(err, ecap, "protocol_version %u is not 0", c->protocol_version);
	c->encrypted = ppv_bits(&r, 1);
	c->encryption_algorithm = (uint8_t)ppv_bits(&r, 6);
	c->pts_adjustment = ppv_bits(&r, 33);
	c->cw_index = (uint8_t)ppv_bits(&r, 8);
	c->tier = (uint16_t)ppv_bits(&r, 12);
	size_t cmdlen = (size_t)ppv_bits(&r, 12);
	c->unknown_command_length = cmdlen == 0xfff;
	if (c->encrypted) {
		c->encrypted_body = p + r.pos / 8;
		c->encrypted_len = len - 4 - r.pos / 8;
		if (c->encrypted_len < 4)
			return ppv_errf(err, ecap, "encrypted section too short");
		c->command_type = p[r.pos / 8];
		c->ecrc = ppv_get_be(p + len - 8, 4);
		return 0;
	}
	c->command_type = (uint8_t)ppv_bits(&r, 8);
	size_t start = r.pos / 8;
	switch (c->command_type) {
	case PPV_SPLICE_NULL:
	case PPV_BANDWIDTH_RESERVATION:
		break;
	case PPV_SPLICE_SCHEDULE:
		c->nevents = (int)ppv_bits(&r, 8);
		for (int i = 0; i < c->nevents && !r.bad; i++)
			if (read_event(&r, c, &c->events[i], 1) < 0)
				return ppv_errf(err, ecap, "splice_schedule too large");
		break;
	case PPV_SPLICE_INSERT:
		if (read_event(&r, c, &c->insert, 0) < 0)
			return ppv_errf(err, ecap, "splice_insert too large");
		break;
	case PPV_TIME_SIGNAL:
		c->time = read_time(&r);
		break;
	case PPV_PRIVATE_COMMAND:
		c->private_id = (uint32_t)ppv_bits(&r, 32);
		if (c->unknown_command_length)
			return ppv_errf(err, ecap, "private_command without a splice_command_length");
		if (cmdlen < 4)
			return ppv_errf(err, ecap, "private_command of %zu bytes", cmdlen);
		c->private_bytes = p + r.pos / 8;
		c->private_len = cmdlen - 4;
		r.pos += 8 * c->private_len;
		if (r.pos > r.len * 8)
			r.bad = 1;
		break;
	default:
		return ppv_errf(err, ecap, "unknown splice_command_type 0x%02x", c->command_type);
	}
	if (r.bad)
		return ppv_errf(err, ecap, "truncated %s", ppv_scte35_command_name(c->command_type));
	size_t used = r.pos / 8 - start;
	if (!c->unknown_command_length && used != cmdlen)
		return ppv_errf(err, ecap, "splice_command_length %zu, but the %s takes %zu",
			    cmdlen, ppv_scte35_command_name(c->command_type), used);

	size_t dl = (size_t)ppv_bits(&r, 16);
	size_t at = r.pos / 8;
	if (r.bad || at + dl > len - 4)
		return ppv_errf(err, ecap, "descriptor_loop_length %zu overruns the section", dl);
	size_t end = at + dl;
	while (at < end) {
		if (c->ndesc == PPV_SCTE35_MAX_DESC)
			return ppv_errf(err, ecap, "too many descriptors");
		ppv_splice_desc *d = &c->desc[c->ndesc];
		if (end - at < 2)
			return ppv_errf(err, ecap, "descriptor %d: truncated", c->ndesc);
		d->tag = p[at];
		d->len = p[at + 1];
		if (d->len < 4 || at + 2 + d->len > end)
			return ppv_errf(err, ecap, "descriptor %d (tag %u): length %u does not fit",
				    c->ndesc, d->tag, d->len);
		d->identifier = ppv_get_be(p + at + 2, 4);
		d->body = p + at + 6;
		d->bodylen = d->len - 4u;
		if (d->identifier == PPV_SCTE35_CUEI && read_desc(d) < 0)
			return ppv_errf(err, ecap, "descriptor %d (%s): truncated", c->ndesc,
				    d->tag == PPV_DESC_SEGMENTATION ? "segmentation" : "tag");
		at += 2 + d->len;
		c->ndesc++;
	}
	c->stuffing = p + end;
	c->stuffing_len = len - 4 - end;
	return 0;
}

static void
put_time(ppv_bitw *w, const ppv_splice_time *t)
{
	ppv_putbits(w, 1, t->specified);
	if (t->specified) {
		ppv_putbits(w, 6, 0x3f);
		ppv_putbits(w, 33, t->pts);
	} else {
		ppv_putbits(w, 7, 0x7f);
	}
}

static void
put_event(ppv_bitw *w, const ppv_splice_event *e, int sched)
{
	ppv_putbits(w, 32, e->event_id);
	ppv_putbits(w, 1, e->cancel);
	ppv_putbits(w, 7, 0x7f);
	if (e->cancel)
		return;
	ppv_putbits(w, 1, e->out_of_network);
	ppv_putbits(w, 1, e->program_splice);
	ppv_putbits(w, 1, e->has_duration);
	if (!sched)
		ppv_putbits(w, 1, e->immediate);
	ppv_putbits(w, 1, e->event_id_compliance);
	ppv_putbits(w, sched ? 4 : 3, 0xf);
	if (e->program_splice) {
		if (sched)
			ppv_putbits(w, 32, e->utc);
		else if (!e->immediate)
			put_time(w, &e->time);
	} else {
		ppv_putbits(w, 8, (uint64_t)e->ncomp);
		for (int i = 0; i < e->ncomp; i++) {
			ppv_putbits(w, 8, e->comp[i].tag);
			if (sched)
				ppv_putbits(w, 32, e->comp[i].utc);
			else if (!e->immediate)
				put_time(w, &e->comp[i].time);
		}
	}
	if (e->has_duration) {
		ppv_putbits(w, 1, e->auto_return);
		ppv_putbits(w, 6, 0x3f);
		ppv_putbits(w, 33, e->duration);
	}
	ppv_putbits(w, 16, e->unique_program_id);
	ppv_putbits(w, 8, e->avail_num);
	ppv_putbits(w, 8, e->avails_expected);
}

static void
put_desc(ppv_bitw *w, const ppv_splice_desc *d)
{
	size_t lenat = w->pos / 8 + 1;

	ppv_putbits(w, 8, d->tag);
	ppv_putbits(w, 8, 0);
	ppv_putbits(w, 32, d->identifier);
	size_t start = w->pos / 8;
	if (d->known) {
		switch (d->tag) {
		case PPV_DESC_AVAIL:
			ppv_putbits(w, 32, d->u.provider_avail_id);
			break;
		case PPV_DESC_DTMF:
			ppv_putbits(w, 8, d->u.dtmf.preroll);
			ppv_putbits(w, 3, d->u.dtmf.count);
			ppv_putbits(w, 5, 0x1f);
			for (int i = 0; i < d->u.dtmf.count; i++)
				ppv_putbits(w, 8, (uint8_t)d->u.dtmf.chars[i]);
			break;
		case PPV_DESC_SEGMENTATION: {
			const ppv_splice_seg *s = &d->u.seg;
			ppv_putbits(w, 32, s->event_id);
			ppv_putbits(w, 1, s->cancel);
			ppv_putbits(w, 1, s->event_id_compliance);
			ppv_putbits(w, 6, 0x3f);
			if (s->cancel)
				break;
			ppv_putbits(w, 1, s->program);
			ppv_putbits(w, 1, s->has_duration);
			ppv_putbits(w, 1, s->delivery_not_restricted);
			if (!s->delivery_not_restricted) {
				ppv_putbits(w, 1, s->web_delivery_allowed);
				ppv_putbits(w, 1, s->no_regional_blackout);
				ppv_putbits(w, 1, s->archive_allowed);
				ppv_putbits(w, 2, s->device_restrictions);
			} else {
				ppv_putbits(w, 5, 0x1f);
			}
			if (!s->program) {
				ppv_putbits(w, 8, s->ncomp);
				for (int i = 0; i < s->ncomp; i++) {
					ppv_putbits(w, 8, s->comp[6 * i]);
					ppv_putbits(w, 7, 0x7f);
					ppv_putbits(w, 33, ppv_get_be(s->comp + 6 * i + 2, 4) |
						    (uint64_t)(s->comp[6 * i + 1] & 1) << 32);
				}
			}
			if (s->has_duration)
				ppv_putbits(w, 40, s->duration);
			ppv_putbits(w, 8, s->upid_type);
			ppv_putbits(w, 8, s->upid_len);
			ppv_putbytes(w, s->upid, s->upid_len);
			ppv_putbits(w, 8, s->type_id);
			ppv_putbits(w, 8, s->num);
			ppv_putbits(w, 8, s->expected);
			if (s->has_sub) {
				ppv_putbits(w, 8, s->sub_num);
				ppv_putbits(w, 8, s->sub_expected);
			}
			break;
		}
		case PPV_DESC_TIME:
			ppv_putbits(w, 48, d->u.time.tai_seconds);
			ppv_putbits(w, 32, d->u.time.tai_ns);
			ppv_putbits(w, 16, d->u.time.utc_offset);
			break;
		case PPV_DESC_AUDIO:
			ppv_putbits(w, 4, d->u.audio.count);
			ppv_putbits(w, 4, 0xf);
			ppv_putbytes(w, d->u.audio.comp, 5u * d->u.audio.count);
			break;
		}
	}
	/* Bytes a newer revision put past the fields we know travel unchanged. */
	size_t done = w->pos / 8 - start;
	if (d->body && d->bodylen > done)
		ppv_putbytes(w, d->body + done, d->bodylen - done);
	size_t len = w->pos / 8 - lenat - 1;
	if (len > 255)
		w->bad = 1;
	else if (!w->bad)
		w->p[lenat] = (uint8_t)len;
}

long
ppv_scte35_encode(const ppv_scte35 *c, uint8_t *out, size_t cap)
{
	ppv_bitw w;

	if (cap > PPV_SCTE35_MAX)
		cap = PPV_SCTE35_MAX;
	ppv_bitw_init(&w, out, cap);
	ppv_putbits(&w, 8, 0xfc);
	ppv_putbits(&w, 2, 0);
	ppv_putbits(&w, 2, c->sap_type);
	ppv_putbits(&w, 12, 0);
	ppv_putbits(&w, 8, c->protocol_version);
	ppv_putbits(&w, 1, c->encrypted);
	ppv_putbits(&w, 6, c->encryption_algorithm);
	ppv_putbits(&w, 33, c->pts_adjustment);
	ppv_putbits(&w, 8, c->cw_index);
	ppv_putbits(&w, 12, c->tier);
	size_t cmdlen_at = w.pos / 8;
	ppv_putbits(&w, 12, 0xfff);
	if (c->encrypted) {
		ppv_putbytes(&w, c->encrypted_body, c->encrypted_len);
	} else {
		size_t cmd = w.pos / 8;
		ppv_putbits(&w, 8, c->command_type);
		switch (c->command_type) {
		case PPV_SPLICE_SCHEDULE:
			ppv_putbits(&w, 8, (uint64_t)c->nevents);
			for (int i = 0; i < c->nevents; i++)
				put_event(&w, &c->events[i], 1);
			break;
		case PPV_SPLICE_INSERT:
			put_event(&w, &c->insert, 0);
			break;
		case PPV_TIME_SIGNAL:
			put_time(&w, &c->time);
			break;
		case PPV_PRIVATE_COMMAND:
			ppv_putbits(&w, 32, c->private_id);
			ppv_putbytes(&w, c->private_bytes, c->private_len);
			break;
		}
		size_t cmdlen = w.pos / 8 - cmd - 1;
		if (!c->unknown_command_length && !w.bad) {
			out[cmdlen_at] = (uint8_t)((out[cmdlen_at] & 0xf0) | cmdlen >> 8);
			out[cmdlen_at + 1] = (uint8_t)cmdlen;
		}
		size_t dl_at = w.pos / 8;
		ppv_putbits(&w, 16, 0);
		for (int i = 0; i < c->ndesc; i++)
			put_desc(&w, &c->desc[i]);
		size_t dl = w.pos / 8 - dl_at - 2;
		if (!w.bad)
			ppv_put_be(out + dl_at, (uint32_t)dl, 2);
		ppv_putbytes(&w, c->stuffing, c->stuffing_len);
	}
	size_t len = w.pos / 8 + 4;
	if (w.bad || len > cap)
		return -1;
	out[1] = (uint8_t)((out[1] & 0xf0) | (len - 3) >> 8);
	out[2] = (uint8_t)(len - 3);
	ppv_put_be(out + len - 4, ppv_crc32_mpeg(out, len - 4), 4);
	return (long)len;
}

long
ppv_scte35_text(const char *s, uint8_t *out, size_t cap)
{
	char buf[2 * PPV_SCTE35_MAX + 8];
	size_t n = 0;

	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
			if (n == sizeof buf)
				return -1;
			buf[n++] = *s;
		}
	if (n > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
		return ppv_hex_decode(out, cap, buf + 2, n - 2);
	return ppv_b64_decode(out, cap, buf, n);
}

void
ppv_scte35_hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";

	*out++ = '0';
	*out++ = 'x';
	for (size_t i = 0; i < n; i++) {
		*out++ = digits[p[i] >> 4];
		*out++ = digits[p[i] & 15];
	}
	*out = '\0';
}

int
ppv_scte35_break(uint8_t t)
{
	switch (t) {
	case 0x22: case 0x30: case 0x32: case 0x34: case 0x36: case 0x38: case 0x3a: case 0x44: case 0x46:
		return 1;
	case 0x23: case 0x31: case 0x33: case 0x35: case 0x37: case 0x39: case 0x3b: case 0x45: case 0x47:
		return -1;
	}
	return 0;
}



const char *
ppv_scte35_command_name(uint8_t type)
{
	switch (type) {
	case PPV_SPLICE_NULL: return "splice_null";
	case PPV_SPLICE_SCHEDULE: return "splice_schedule";
	case PPV_SPLICE_INSERT: return "splice_insert";
	case PPV_TIME_SIGNAL: return "time_signal";
	case PPV_BANDWIDTH_RESERVATION: return "bandwidth_reservation";
	case PPV_PRIVATE_COMMAND: return "private_command";
	}
	return "reserved";
}

static const struct {
	uint8_t id;
	const char *name;
} segtypes[] = {
	{ 0x00, "Not Indicated" }, { 0x01, "Content Identification" },
	{ 0x02, "Call Ad Server" },
	{ 0x10, "Program Start" }, { 0x11, "Program End" },
	{ 0x12, "Program Early Termination" }, { 0x13, "Program Breakaway" },
	{ 0x14, "Program Resumption" }, { 0x15, "Program Runover Planned" },
	{ 0x16, "Program Runover Unplanned" }, { 0x17, "Program Overlap Start" },
	{ 0x18, "Program Blackout Override" }, { 0x19, "Program Join" },
	{ 0x20, "Chapter Start" }, { 0x21, "Chapter End" },
	{ 0x22, "Break Start" }, { 0x23, "Break End" },
	{ 0x24, "Opening Credit Start" }, { 0x25, "Opening Credit End" },
	{ 0x26, "Closing Credit Start" }, { 0x27, "Closing Credit End" },
	{ 0x30, "Provider Advertisement Start" }, { 0x31, "Provider Advertisement End" },
	{ 0x32, "Distributor Advertisement Start" }, { 0x33, "Distributor Advertisement End" },
	{ 0x34, "Provider Placement Opportunity Start" },
	{ 0x35, "Provider Placement Opportunity End" },
	{ 0x36, "Distributor Placement Opportunity Start" },
	{ 0x37, "Distributor Placement Opportunity End" },
	{ 0x38, "Provider Overlay Placement Opportunity Start" },
	{ 0x39, "Provider Overlay Placement Opportunity End" },
	{ 0x3a, "Distributor Overlay Placement Opportunity Start" },
	{ 0x3b, "Distributor Overlay Placement Opportunity End" },
	{ 0x3c, "Provider Promo Start" }, { 0x3d, "Provider Promo End" },
	{ 0x3e, "Distributor Promo Start" }, { 0x3f, "Distributor Promo End" },
	{ 0x40, "Unscheduled Event Start" }, { 0x41, "Unscheduled Event End" },
	{ 0x42, "Alternate Content Opportunity Start" },
	{ 0x43, "Alternate Content Opportunity End" },
	{ 0x44, "Provider Ad Block Start" }, { 0x45, "Provider Ad Block End" },
	{ 0x46, "Distributor Ad Block Start" }, { 0x47, "Distributor Ad Block End" },
	{ 0x50, "Network Start" }, { 0x51, "Network End" },
};

const char *
ppv_scte35_segtype_name(uint8_t id)
{
	for (size_t i = 0; i < sizeof segtypes / sizeof segtypes[0]; i++)
		if (segtypes[i].id == id)
			return segtypes[i].name;
	return "Reserved";
}

static const char *const upid_names[] = {
	"Not Used", "User Defined", "ISCI", "Ad-ID", "UMID", "ISAN (deprecated)", "ISAN",
	"TID", "TI", "ADI", "EIDR", "ATSC Content Identifier", "MPU", "MID",
	"ADS Information", "URI", "UUID", "SCR",
};

const char *
ppv_scte35_upid_name(uint8_t type)
{
	return type < sizeof upid_names / sizeof upid_names[0] ? upid_names[type] : "Reserved";
}

/* The length each UPID type has (SCTE 35 table 21); 0 where it varies. */
static const uint8_t upid_size[] = {
	[0x02] = 8, [0x03] = 12, [0x04] = 32, [0x05] = 8, [0x06] = 12, [0x07] = 12,
	[0x08] = 8, [0x0a] = 12, [0x10] = 16,
};

int
ppv_scte35_upid_check(uint8_t type, const uint8_t *p, size_t n, char *err, size_t cap)
{
	if (type == 0x00 && n)
		return ppv_errf(err, cap, "UPID type Not Used takes 0 bytes, not %zu", n);
	if (type < sizeof upid_size && upid_size[type] && n != upid_size[type])
		return ppv_errf(err, cap, "UPID type %s takes %u bytes, not %zu", ppv_scte35_upid_name(type),
				upid_size[type], n);
	if (type != 0x0d)
		return 0;
	/* MID: type, length and bytes, again and again, to the last byte */
	size_t at = 0;
	for (int k = 1; at < n; k++) {
		if (n - at < 2)
			return ppv_errf(err, cap, "MID UPID %d: cut short before its type and length", k);
		if (n - at - 2 < p[at + 1])
			return ppv_errf(err, cap, "MID UPID %d: cut short: %u bytes said, %zu there", k,
					p[at + 1], n - at - 2);
		if (p[at] == 0x0d)
			return ppv_errf(err, cap, "MID UPID %d: a MID inside a MID", k);
		char sub[160];
		if (ppv_scte35_upid_check(p[at], p + at + 2, p[at + 1], sub, sizeof sub) < 0)
			return ppv_errf(err, cap, "MID UPID %d: %s", k, sub);
		at += 2u + p[at + 1];
	}
	return 0;
}

int
ppv_scte35_check(const ppv_scte35 *c, char *err, size_t cap)
{
	char why[200];

	for (int i = 0; i < c->ndesc; i++) {
		const ppv_splice_desc *d = &c->desc[i];
		if (d->known && d->tag == PPV_DESC_SEGMENTATION && !d->u.seg.cancel &&
		    ppv_scte35_upid_check(d->u.seg.upid_type, d->u.seg.upid, d->u.seg.upid_len, why, sizeof why) < 0)
			return ppv_errf(err, cap, "descriptor %d: %s", i + 1, why);
	}
	return 0;
}

/* The names people type for the same types, in the same order. */
static const char *const upid_short[] = {
	"none", "user", "isci", "adid", "umid", "isan-old", "isan", "tid", "ti", "adi",
	"eidr", "atsc", "mpu", "mid", "ads", "uri", "uuid", "scr",
};

int
ppv_scte35_upid_arg(const char *arg, uint8_t *type, uint8_t *upid, size_t cap)
{
	const char *colon = strchr(arg, ':');
	if (!colon || colon == arg)
		return -1;
	size_t tl = (size_t)(colon - arg);
	int t = -1;
	for (size_t i = 0; i < sizeof upid_short / sizeof *upid_short; i++)
		if (strlen(upid_short[i]) == tl && !strncasecmp(arg, upid_short[i], tl))
			t = (int)i;
	if (t < 0) {
		char num[8], *end;
		if (tl >= sizeof num)
			return -1;
		memcpy(num, arg, tl);
		num[tl] = '\0';
		long v = strtol(num, &end, 0);
		if (*end || v < 0 || v > 255)
			return -1;
		t = (int)v;
	}
	const char *h = colon + 1;
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	long n = ppv_hex_decode(upid, cap < 255 ? cap : 255, h, strlen(h));
	if (n < 0)
		return -1;
	*type = (uint8_t)t;
	return (int)n;
}
