/* rtmp.c: the RTMP publish handshake, chunk stream and AMF0 commands, written here because
 * FFmpeg's listen mode accepts any stream key; once publishing, a session can be saved and
 * resumed in another process, and read without waiting. Memory is bounded: a few chunk
 * streams, and message sizes capped before and after the key. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amf.h"
#include "bytes.h"
#include "cli.h"
#include "keys.h"
#include "rtmp.h"

enum {
	HANDSHAKE = 1536,
	RBUF = 1 << 18,              /* a publisher's burst, whole (publish.c reads by bursts) */
	SLOTS = 8,                    /* chunk streams in use at once */
	MAX_CMD = 1 << 16,            /* a message before the key is known */
	MAX_MEDIA = 8 << 20,          /* a message after: a very large keyframe */
	PRE_MSGS = 32,                /* messages before publish: a publisher sends under 10 */
	PRE_BYTES = 256 << 10,        /* ... and bytes, the handshake's 3073 among them */
	OUT_CHUNK = 4096,
	WINDOW = 2500000,
};

enum { S_HANDSHAKE, S_CONNECTING, S_CONNECTED, S_PUBLISHING, S_DONE };

struct slot {
	uint32_t csid;
	int used, ext;                /* ext: the last header carried an extended timestamp */
	uint32_t ts, delta, len, sid;
	uint8_t type;
	uint8_t *buf;
	uint32_t got, cap;
};

struct ppv_rtmp {
	ppv_rtmp_io io;
	int state;
	uint8_t rbuf[RBUF];
	size_t rpos, rend;
	uint32_t in_chunk, out_chunk;
	uint64_t received, acked;
	uint32_t peer_window;
	struct slot slot[SLOTS];
	const char *name;             /* NULL, or namebuf once published */
	char namebuf[64];
	unsigned pre_msgs;            /* messages before a key was accepted */
	uint32_t sid;                 /* the stream published on */
	int unpublished;              /* the publisher said it is done */
	struct slot *cur;             /* a chunk body being read, left bytes of it to come: */
	uint32_t left;                /* kept, so that a read that would wait can return */
	int began;                    /* publishing began: said once, for the session to be handed on */
	char err[160];
};

/* --- buffered input ----------------------------------------------------------- */

static int
fail(ppv_rtmp *r, const char *why)
{
	if (!r->err[0])
		snprintf(r->err, sizeof r->err, "%s", why);
	r->state = S_DONE;
	return PPV_RTMP_ERROR;
}

/* Makes n (<= RBUF) bytes available: 1, 0 when the peer closed, -1 on error,
 * AGAIN when the io's read would wait. */
enum { AGAIN = -2 };

static int
need(ppv_rtmp *r, size_t n)
{
	while (r->rend - r->rpos < n) {
		if (r->rpos) {
			memmove(r->rbuf, r->rbuf + r->rpos, r->rend - r->rpos);
			r->rend -= r->rpos;
			r->rpos = 0;
		}
		ssize_t got = r->io.read(r->io.io, r->rbuf + r->rend, RBUF - r->rend);
		if (got == 0)
			return 0;
		if (got < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? AGAIN : -1;
		r->rend += (size_t)got;
		r->received += (uint64_t)got;
	}
	return 1;
}

/* --- output ---------------------------------------------------------------------- */

/* One message, cut into chunks: a full header first, then one-byte headers. */
static int
send_msg(ppv_rtmp *r, uint8_t csid, uint8_t type, uint32_t sid, const uint8_t *p, size_t n)
{
	uint8_t out[12 + 1 + OUT_CHUNK + 64];
	size_t off = 0;

	do {
		size_t h = 0, take = n - off < r->out_chunk ? n - off : r->out_chunk;
		if (off == 0) {
			out[h++] = csid;              /* fmt 0 */
			ppv_put_be(out + h, 0, 3), h += 3;
			ppv_put_be(out + h, (uint32_t)n, 3), h += 3;
			out[h++] = type;
			out[h++] = (uint8_t)sid;      /* little-endian, as the spec has it */
			out[h++] = (uint8_t)(sid >> 8);
			out[h++] = (uint8_t)(sid >> 16);
			out[h++] = (uint8_t)(sid >> 24);
		} else {
			out[h++] = (uint8_t)(0xC0 | csid);  /* fmt 3 */
		}
		memcpy(out + h, p + off, take);
		if (r->io.write(r->io.io, out, h + take) < 0)
			return fail(r, "write to the publisher failed");
		off += take;
	} while (off < n);
	return 0;
}

static int
send_control(ppv_rtmp *r, uint8_t type, uint32_t v, int extra)
{
	uint8_t p[5];

	ppv_put_be(p, v, 4);
	p[4] = (uint8_t)extra;
	return send_msg(r, 2, type, 0, p, extra >= 0 ? 5 : 4);
}

static int
send_amf(ppv_rtmp *r, uint8_t csid, uint32_t sid, const ppv_amfw *w)
{
	if (w->over)
		return fail(r, "reply too long");
	return send_msg(r, csid, 20, sid, w->p, w->n);
}

static int
reply_result(ppv_rtmp *r, double tx, int with_number, double num)
{
	uint8_t b[128];
	ppv_amfw w = { b, 0, sizeof b, 0 };

	ppv_amfw_string(&w, "_result");
	ppv_amfw_number(&w, tx);
	ppv_amfw_null(&w);
	if (with_number)
		ppv_amfw_number(&w, num);
	return send_amf(r, 3, 0, &w);
}

static int
status(ppv_rtmp *r, const char *cmd, double tx, const char *level, const char *code,
       const char *desc, uint8_t csid, uint32_t sid)
{
	uint8_t b[512];
	ppv_amfw w = { b, 0, sizeof b, 0 };

	ppv_amfw_string(&w, cmd);
	ppv_amfw_number(&w, tx);
	ppv_amfw_null(&w);
	ppv_amfw_object(&w);
	ppv_amfw_key(&w, "level");
	ppv_amfw_string(&w, level);
	ppv_amfw_key(&w, "code");
	ppv_amfw_string(&w, code);
	ppv_amfw_key(&w, "description");
	ppv_amfw_string(&w, desc);
	ppv_amfw_end(&w);
	return send_amf(r, csid, sid, &w);
}

/* --- commands -------------------------------------------------------------------- */

static int
on_connect(ppv_rtmp *r, double tx, ppv_amf *a)
{
	const char *app = NULL;
	size_t n = 0;
	uint8_t b[512];
	ppv_amfw w = { b, 0, sizeof b, 0 };

	if (r->state != S_CONNECTING)
		return fail(r, "connect sent twice");
	if (ppv_amf_prop(a, "app", &app, &n) < 0)
		return fail(r, "malformed connect command");
	/* OBS and ffmpeg may add a trailing slash or a query to the application */
	while (n && app[n - 1] == '/')
		n--;
	size_t q = 0;
	while (app && q < n && app[q] != '?')
		q++;
	if (!app || q != strlen(r->io.app) || memcmp(app, r->io.app, q)) {
		status(r, "_error", tx, "error", "NetConnection.Connect.Rejected",
		       "Unknown application.", 3, 0);
		char shown[4 * 64 + 1];
		snprintf(r->err, sizeof r->err, "unknown application '%s'",
		         ppv_printable(shown, sizeof shown, app ? app : "", app ? (q > 64 ? 64 : q) : 0));
		r->state = S_DONE;
		return PPV_RTMP_REJECTED;
	}
	if (send_control(r, 5, WINDOW, -1) || send_control(r, 6, WINDOW, 2) ||
	    send_control(r, 1, OUT_CHUNK, -1))
		return PPV_RTMP_ERROR;
	r->out_chunk = OUT_CHUNK;
	ppv_amfw_string(&w, "_result");
	ppv_amfw_number(&w, tx);
	ppv_amfw_object(&w);
	ppv_amfw_key(&w, "fmsVer");
	ppv_amfw_string(&w, "FMS/3,0,1,123");
	ppv_amfw_key(&w, "capabilities");
	ppv_amfw_number(&w, 31);
	ppv_amfw_end(&w);
	ppv_amfw_object(&w);
	ppv_amfw_key(&w, "level");
	ppv_amfw_string(&w, "status");
	ppv_amfw_key(&w, "code");
	ppv_amfw_string(&w, "NetConnection.Connect.Success");
	ppv_amfw_key(&w, "description");
	ppv_amfw_string(&w, "Connection succeeded.");
	ppv_amfw_key(&w, "objectEncoding");
	ppv_amfw_number(&w, 0);
	ppv_amfw_end(&w);
	if (send_amf(r, 3, 0, &w))
		return PPV_RTMP_ERROR;
	r->state = S_CONNECTED;
	return 0;
}

static int
on_publish(ppv_rtmp *r, double tx, ppv_amf *a, uint32_t sid)
{
	const char *key;
	size_t n;
	uint8_t begin[6] = { 0, 0 };

	if (r->state != S_CONNECTED)
		return fail(r, "publish before connect");
	if (ppv_amf_skip(a) || ppv_amf_string(a, &key, &n))
		return fail(r, "malformed publish command");
	/* a key is compared whole; OBS sends it as the stream name */
	const char *why = NULL, *name = r->io.auth(r->io.ctx, key, n, &why);
	if (!name) {
		status(r, "onStatus", 0, "error", "NetStream.Publish.BadName", "Bad stream key.", 5, sid);
		snprintf(r->err, sizeof r->err, "%s", why ? why : "wrong stream key");
		r->state = S_DONE;
		return PPV_RTMP_REJECTED;
	}
	/* the name outlives the key file it came from (a SIGHUP re-reads it) */
	snprintf(r->namebuf, sizeof r->namebuf, "%s", name);
	r->name = r->namebuf;
	ppv_put_be(begin + 2, sid, 4);   /* user control: stream begin */
	if (send_msg(r, 2, 4, 0, begin, sizeof begin))
		return PPV_RTMP_ERROR;
	char desc[160];
	snprintf(desc, sizeof desc, "Publishing %s.", r->name);
	if (status(r, "onStatus", tx, "status", "NetStream.Publish.Start", desc, 5, sid))
		return PPV_RTMP_ERROR;
	r->state = S_PUBLISHING;
	r->sid = sid;
	r->began = 1;
	return 0;
}

/* 1 when the session ends here, 0 to go on, <0 on error or rejection. */
static int
on_command(ppv_rtmp *r, const uint8_t *p, size_t n, uint32_t sid)
{
	ppv_amf a = { p, p + n };
	const char *cmd;
	size_t cn;
	double tx = 0;

	if (ppv_amf_string(&a, &cmd, &cn))
		return fail(r, "malformed command");
	ppv_amf_number(&a, &tx);  /* some clients omit it on notifications */
#define IS(s) (cn == sizeof(s) - 1 && !memcmp(cmd, s, cn))
	if (IS("connect"))
		return on_connect(r, tx, &a);
	if (r->state < S_CONNECTED)
		return fail(r, "command before connect");
	if (IS("releaseStream") || IS("FCPublish"))
		return reply_result(r, tx, 0, 0);
	if (IS("createStream"))
		return reply_result(r, tx, 1, 1);
	if (IS("publish"))
		return on_publish(r, tx, &a, sid ? sid : 1);
	if (IS("FCUnpublish") || IS("deleteStream") || IS("closeStream")) {
		if (r->state != S_PUBLISHING)
			return 0;
		/* answered as FFmpeg's and nginx-rtmp's servers do: a publisher
		 * waits for it before it closes */
		if (status(r, "onStatus", 0, "status", "NetStream.Unpublish.Success", "Stopped publishing.", 5,
			   r->sid))
			return PPV_RTMP_ERROR;
		r->unpublished = 1;
		return 1;
	}
	if (IS("play") || IS("play2")) {
		status(r, "onStatus", 0, "error", "NetStream.Play.Failed", "This server only takes publishers.", 5, sid);
		snprintf(r->err, sizeof r->err, "a player connected, not a publisher");
		r->state = S_DONE;
		return PPV_RTMP_REJECTED;
	}
#undef IS
	return 0;  /* anything else (getStreamLength, _checkbw) needs no answer */
}

/* --- chunk stream ---------------------------------------------------------------- */

static struct slot *
slot_for(ppv_rtmp *r, uint32_t csid)
{
	struct slot *free_slot = NULL;

	for (int i = 0; i < SLOTS; i++) {
		if (r->slot[i].used && r->slot[i].csid == csid)
			return &r->slot[i];
		if (!r->slot[i].used && !free_slot)
			free_slot = &r->slot[i];
	}
	if (free_slot) {
		memset(free_slot, 0, sizeof *free_slot);
		free_slot->used = 1;
		free_slot->csid = csid;
	}
	return free_slot;
}

static int
handshake(ppv_rtmp *r)
{
	uint8_t s[1 + 2 * HANDSHAKE];
	int k;

	if ((k = need(r, 1 + HANDSHAKE)) <= 0)
		return k == 0 ? fail(r, "closed during the handshake") : fail(r, "read error");
	if (r->rbuf[r->rpos] != 3)
		return fail(r, "not an RTMP client (or encrypted RTMP, which is not supported)");
	s[0] = 3;
	ppv_put_be(s + 1, (uint32_t)time(NULL), 4);
	memset(s + 5, 0, 4);
	ppv_random(s + 9, HANDSHAKE - 8);
	memcpy(s + 1 + HANDSHAKE, r->rbuf + r->rpos + 1, HANDSHAKE);  /* S2 echoes C1 */
	r->rpos += 1 + HANDSHAKE;
	if (r->io.write(r->io.io, s, sizeof s) < 0)
		return fail(r, "write to the publisher failed");
	if ((k = need(r, HANDSHAKE)) <= 0)
		return k == 0 ? fail(r, "closed during the handshake") : fail(r, "read error");
	r->rpos += HANDSHAKE;  /* C2: nothing in it we rely on */
	r->state = S_CONNECTING;
	return 0;
}

/* The next chunk's header, up to its body (r->cur, r->left): 1, or what
 * ppv_rtmp_next returns. Nothing is consumed until the header is whole, and
 * what it sets is set again the same when read again, so it may return AGAIN. */
static int
chunk_header(ppv_rtmp *r)
{
	static const int hsize[4] = { 11, 7, 3, 0 };
	int k;

	if ((k = need(r, 1)) <= 0) {
		if (k == AGAIN)
			return PPV_RTMP_AGAIN;
		r->state = S_DONE;
		return k == 0 ? PPV_RTMP_END : fail(r, "read error");
	}
	uint8_t b = r->rbuf[r->rpos];
	int fmt = b >> 6, bh = (b & 63) == 0 ? 2 : (b & 63) == 1 ? 3 : 1;
	if ((k = need(r, (size_t)bh + (size_t)hsize[fmt])) <= 0)
		return k == AGAIN ? PPV_RTMP_AGAIN : fail(r, "connection closed inside a chunk header");
	const uint8_t *h = r->rbuf + r->rpos;
	uint32_t csid = bh == 1 ? (uint32_t)(b & 63) : bh == 2 ? 64u + h[1] : 64u + h[1] + 256u * h[2];
	struct slot *s = slot_for(r, csid);
	if (!s)
		return fail(r, "too many chunk streams");
	h += bh;
	uint32_t tsf = 0;
	if (fmt <= 2)
		tsf = ppv_get_be(h, 3);
	if (fmt <= 1 && s->got)
		return fail(r, "a message header inside an unfinished message");
	if (fmt <= 1) {
		s->len = ppv_get_be(h + 3, 3);
		s->type = h[6];
	}
	if (fmt == 0)
		s->sid = (uint32_t)h[7] | (uint32_t)h[8] << 8 | (uint32_t)h[9] << 16 | (uint32_t)h[10] << 24;
	if (fmt >= 2 && !s->type)
		return fail(r, "a chunk with no full header before it");
	if (fmt <= 2)
		s->ext = tsf == 0xFFFFFF;
	size_t hl = (size_t)bh + (size_t)hsize[fmt];
	if (s->ext) {
		if ((k = need(r, hl + 4)) <= 0)
			return k == AGAIN ? PPV_RTMP_AGAIN : fail(r, "connection closed inside a chunk header");
		tsf = ppv_get_be(r->rbuf + r->rpos + hl, 4);
		hl += 4;
	}
	r->rpos += hl;
	if (s->got == 0) {  /* a new message: its timestamp */
		if (fmt == 0)
			s->ts = tsf, s->delta = 0;
		else if (fmt <= 2)
			s->delta = tsf, s->ts += tsf;
		else
			s->ts += s->delta;
	}
	uint32_t max = r->state == S_PUBLISHING ? MAX_MEDIA : MAX_CMD;
	if (s->len > max)
		return fail(r, "message too large");
	uint32_t take = s->len - s->got < r->in_chunk ? s->len - s->got : r->in_chunk;
	if (s->got + take > s->cap) {
		uint32_t cap = s->got + take > 4096 ? s->got + take : 4096;
		if (cap < s->len)
			cap = s->len;
		uint8_t *nb = realloc(s->buf, cap);
		if (!nb)
			return fail(r, "out of memory");
		s->buf = nb;
		s->cap = cap;
	}
	r->cur = s;
	r->left = take;
	return 1;
}

int
ppv_rtmp_next(ppv_rtmp *r, ppv_rtmp_msg *msg)
{
	int k;

	if (r->state == S_DONE)
		return r->err[0] ? PPV_RTMP_ERROR : PPV_RTMP_END;
	if (r->state == S_HANDSHAKE && handshake(r) < 0)
		return PPV_RTMP_ERROR;
	for (;;) {
		if (r->began) {
			r->began = 0;
			return PPV_RTMP_PUBLISHED;
		}
		if (!r->cur && (k = chunk_header(r)) != 1)
			return k;
		/* the chunk body may be larger than the read buffer: copy it through */
		struct slot *s = r->cur;
		while (r->left) {
			if ((k = need(r, 1)) <= 0)
				return k == AGAIN ? PPV_RTMP_AGAIN
				       : k == 0 ? fail(r, "connection closed inside a chunk") : fail(r, "read error");
			size_t avail = r->rend - r->rpos, c = avail < r->left ? avail : r->left;
			memcpy(s->buf + s->got, r->rbuf + r->rpos, c);
			r->rpos += c;
			s->got += (uint32_t)c;
			r->left -= (uint32_t)c;
		}
		r->cur = NULL;
		if (r->peer_window && r->received - r->acked >= r->peer_window) {
			r->acked = r->received;
			if (send_control(r, 3, (uint32_t)r->received, -1))
				return PPV_RTMP_ERROR;
		}
		if (s->got < s->len)
			continue;
		/* a whole message; an empty one carries nothing (and has no buffer) */
		uint32_t len = s->len;
		s->got = 0;
		/* before a key is accepted, a client gets a few commands and bytes */
		if (!r->name && (++r->pre_msgs > PRE_MSGS || r->received > PRE_BYTES))
			return fail(r, "too many messages or bytes before publishing");
		if (len == 0)
			continue;
		switch (s->type) {
		case 1:  /* set chunk size */
			if (len < 4 || (ppv_get_be(s->buf, 4) & 0x7FFFFFFF) == 0)
				return fail(r, "bad chunk size");
			r->in_chunk = ppv_get_be(s->buf, 4) & 0x7FFFFFFF;
			if (r->in_chunk > MAX_MEDIA)
				return fail(r, "chunk size too large");
			break;
		case 2:  /* abort a message */
			if (len >= 4)
				for (int i = 0; i < SLOTS; i++)
					if (r->slot[i].used && r->slot[i].csid == ppv_get_be(s->buf, 4))
						r->slot[i].got = 0;
			break;
		case 5:  /* the publisher's acknowledgement window */
			if (len >= 4)
				r->peer_window = ppv_get_be(s->buf, 4);
			break;
		case 3: case 4: case 6:
			break;
		case 17:  /* AMF3 command: one format byte, then AMF0 */
		case 20:
			k = on_command(r, s->buf + (s->type == 17), len - (s->type == 17), s->sid);
			if (k < 0)
				return k;
			if (k == 1) {
				r->state = S_DONE;
				return PPV_RTMP_END;
			}
			break;
		case 8: case 9: case 18:
			if (r->state != S_PUBLISHING)
				break;  /* media before publish: nothing to attach it to */
			msg->type = s->type;
			msg->ts = s->ts;
			msg->data = s->buf;
			msg->len = len;
			return PPV_RTMP_MEDIA;
		default:
			break;
		}
	}
}

ppv_rtmp *
ppv_rtmp_new(const ppv_rtmp_io *io)
{
	ppv_rtmp *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->io = *io;
	r->in_chunk = r->out_chunk = 128;
	return r;
}

/* --- handing a session on ------------------------------------------------------ */

/* A session as another process goes on with it: the chunk streams' headers
 * and unfinished messages, and what was read but not yet parsed. The same
 * program reads it (it is never stored), so native byte order will do. */
struct saved {
	uint32_t magic, in_chunk, out_chunk, peer_window, sid, unread;
	uint64_t received, acked;
	char name[64];
};
struct saved_slot {
	uint32_t csid, ext, ts, delta, len, sid, type, got;
};
enum { SAVED_MAGIC = 0x70707652 };

uint8_t *
ppv_rtmp_save(const ppv_rtmp *r, size_t *n)
{
	struct saved h = { SAVED_MAGIC, r->in_chunk, r->out_chunk, r->peer_window, r->sid,
		           (uint32_t)(r->rend - r->rpos), r->received, r->acked, { 0 } };
	size_t len = sizeof h + h.unread;

	if (r->state != S_PUBLISHING || r->cur)
		return NULL;
	snprintf(h.name, sizeof h.name, "%s", r->namebuf);
	for (int i = 0; i < SLOTS; i++)
		if (r->slot[i].used)
			len += sizeof(struct saved_slot) + r->slot[i].got;
	uint8_t *b = malloc(len), *p = b;
	if (!b)
		return NULL;
	memcpy(p, &h, sizeof h), p += sizeof h;
	memcpy(p, r->rbuf + r->rpos, h.unread), p += h.unread;
	for (int i = 0; i < SLOTS; i++) {
		const struct slot *s = &r->slot[i];
		if (!s->used)
			continue;
		struct saved_slot ss = { s->csid, (uint32_t)s->ext, s->ts, s->delta, s->len, s->sid, s->type, s->got };
		memcpy(p, &ss, sizeof ss), p += sizeof ss;
		if (s->got)
			memcpy(p, s->buf, s->got), p += s->got;
	}
	*n = len;
	return b;
}

ppv_rtmp *
ppv_rtmp_resume(const ppv_rtmp_io *io, const uint8_t *b, size_t n)
{
	struct saved h;
	ppv_rtmp *r;

	if (n < sizeof h)
		return NULL;
	memcpy(&h, b, sizeof h);
	if (h.magic != SAVED_MAGIC || !h.in_chunk || h.in_chunk > MAX_MEDIA || !h.out_chunk ||
	    h.out_chunk > OUT_CHUNK || h.unread > RBUF || h.unread > n - sizeof h ||
	    !memchr(h.name, '\0', sizeof h.name) || !h.name[0] || !(r = ppv_rtmp_new(io)))
		return NULL;
	const uint8_t *p = b + sizeof h, *end = b + n;
	memcpy(r->rbuf, p, h.unread), p += h.unread;
	r->rend = h.unread;
	for (int i = 0; p < end; i++) {
		struct saved_slot ss;
		struct slot *s = &r->slot[i];
		if (i == SLOTS || (size_t)(end - p) < sizeof ss)
			goto bad;
		memcpy(&ss, p, sizeof ss), p += sizeof ss;
		if (ss.len > MAX_MEDIA || ss.got > ss.len || ss.got > (size_t)(end - p) || ss.type > 255)
			goto bad;
		*s = (struct slot){ .csid = ss.csid, .used = 1, .ext = !!ss.ext, .ts = ss.ts, .delta = ss.delta,
			            .len = ss.len, .sid = ss.sid, .type = (uint8_t)ss.type, .got = ss.got };
		if (ss.got) {
			if (!(s->buf = malloc(ss.len)))
				goto bad;
			s->cap = ss.len;
			memcpy(s->buf, p, ss.got), p += ss.got;
		}
	}
	r->in_chunk = h.in_chunk;
	r->out_chunk = h.out_chunk;
	r->peer_window = h.peer_window;
	r->sid = h.sid;
	r->received = h.received;
	r->acked = h.acked;
	snprintf(r->namebuf, sizeof r->namebuf, "%s", h.name);
	r->name = r->namebuf;
	r->state = S_PUBLISHING;
	return r;
bad:
	ppv_rtmp_free(r);
	return NULL;
}

int
ppv_rtmp_unpublished(const ppv_rtmp *r)
{
	return r->unpublished;
}

int
ppv_rtmp_publishing(const ppv_rtmp *r)
{
	return r->state == S_PUBLISHING;
}

const char *
ppv_rtmp_name(const ppv_rtmp *r)
{
	return r->name;
}

const char *
ppv_rtmp_error(const ppv_rtmp *r)
{
	return r->err;
}

void
ppv_rtmp_free(ppv_rtmp *r)
{
	if (!r)
		return;
	for (int i = 0; i < SLOTS; i++)
		free(r->slot[i].buf);
	free(r);
}
