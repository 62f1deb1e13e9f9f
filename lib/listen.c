/* listen.c: sockets and waiting for ppv-ingest -l: accept publishers until one has a good key,
 * wait a grace time when it drops, and hand libavformat one continuous FLV byte stream.
 * No client holds it past a deadline: not a slow handshake, nor a peer that never reads. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>

#include "bytes.h"
#include "cli.h"
#include "ctcmp.h"
#include "listen.h"
#include "when.h"
#include "rtmp.h"
#include "throttle.h"

enum { AVIO_BUF = 1 << 16, TICK_MS = 200, DRAIN_MS = 2000 };

struct ppv_listen {
	ppv_listen_cfg cfg;
	int lfd, cfd, port;
	char peer[64], host[48];      /* address:port, and the address alone */
	ppv_throttle thr;             /* wrong keys by address */
	int wrong_key;                /* the session was refused for its key */
	ppv_rtmp *rtmp;
	int state, sessions, reconnects, counted;
	char name[64];                /* of the first publisher: only it may come back */
	char why[256];                /* a valid key refused: the reason */
	int64_t deadline;             /* for the current wait, or 0 */
	int64_t hs_deadline;          /* the connection's, to have published by */
	int late;                     /* ... and it went by */
	int revoked;                  /* the live creator's key was taken out */
	int64_t drain_until;          /* reading out an unpublished session, or 0 */
	AVIOContext *avio;
	uint8_t *tag;                 /* the FLV bytes being handed out */
	size_t tag_len, tag_pos, tag_cap;
	int header_sent;
};

static int
stopped(const ppv_listen *l)
{
	return l->cfg.stop && *l->cfg.stop;
}

static int
has_key(const ppv_keyring *ring, const char *name)
{
	for (size_t i = 0; i < ring->n; i++)
		if (!strcmp(*ring->v[i].kid ? ring->v[i].kid : "publisher", name))
			return 1;
	return 0;
}

/* On SIGHUP: the key file again. A bad one keeps the keys there were; a
 * creator whose key went is taken off the air. */
static void
reload(ppv_listen *l)
{
	ppv_keyring fresh;
	char err[512];

	if (!l->cfg.reload || !*l->cfg.reload)
		return;
	*l->cfg.reload = 0;
	if (ppv_keys_read(&fresh, l->cfg.keys_path, NULL, PPV_KEY_RAW | PPV_KEY_NAMED, err, sizeof err) < 0) {
		ppv_warn("%s; keeping the %zu keys read before", err, l->cfg.keys->n);
		return;
	}
	ppv_keys_free(l->cfg.keys);
	*l->cfg.keys = fresh;
	ppv_warn("%s: %zu keys", l->cfg.keys_path, fresh.n);
	if (*l->name && !has_key(l->cfg.keys, l->name) && !l->revoked) {
		ppv_warn("%s: its key was removed: off the air", l->name);
		l->revoked = 1;
	}
}

/* Before publishing, the connection's deadline; after, a silence that long. */
static int64_t
io_deadline(const ppv_listen *l)
{
	int64_t idle = ppv_now_ms() + l->cfg.idle_ms;

	if (l->rtmp && !ppv_rtmp_publishing(l->rtmp) && l->hs_deadline < idle)
		return l->hs_deadline;
	return idle;
}

/* --- the publisher's socket ----------------------------------------------------- */

static ssize_t
sock_read(void *io, void *buf, size_t n)
{
	ppv_listen *l = io;
	int64_t until = io_deadline(l);

	for (;;) {
		struct pollfd p = { l->cfd, POLLIN, 0 };
		if (l->drain_until && ppv_now_ms() >= l->drain_until)
			return 0;
		reload(l);
		if (stopped(l) || l->revoked) {
			errno = EINTR;
			return -1;
		}
		int k = poll(&p, 1, TICK_MS);
		if (k < 0 && errno != EINTR)
			return -1;
		if (k > 0) {
			ssize_t r = read(l->cfd, buf, n);
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r < 0 && errno == ECONNRESET)
				return 0;
			return r;
		}
		if (ppv_now_ms() > until) {
			l->late = until == l->hs_deadline;
			errno = ETIMEDOUT;
			return -1;
		}
	}
}

static int
sock_write(void *io, const void *buf, size_t n)
{
	ppv_listen *l = io;
	const uint8_t *p = buf;
	int64_t until = io_deadline(l);

	/* a peer that never reads fills its window: wait for room, not forever */
	while (n) {
		ssize_t w = send(l->cfd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			struct pollfd q = { l->cfd, POLLOUT, 0 };
			if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (stopped(l) || ppv_now_ms() > until) {
				l->late = until == l->hs_deadline;
				errno = ETIMEDOUT;
				return -1;
			}
			poll(&q, 1, TICK_MS);
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Stream keys in constant time; the key itself is never logged. */
static const char *
auth(void *ctx, const char *key, size_t n, const char **why)
{
	ppv_listen *l = ctx;
	const char *name = NULL;

	for (size_t i = 0; i < l->cfg.keys->n; i++) {
		const ppv_key *k = &l->cfg.keys->v[i];
		if (k->len == n && ppv_ct_equal(k->secret, key, n) && !name)
			name = *k->kid ? k->kid : "publisher";
	}
	l->wrong_key = !name;
	/* once a creator is live, only the same creator may take the stream back */
	if (name && *l->name && strcmp(name, l->name)) {
		snprintf(l->why, sizeof l->why, "%s: a valid key, but this listener carries %s", name, l->name);
		*why = l->why;
		return NULL;
	}
	return name;
}

static void
hang_up(ppv_listen *l)
{
	ppv_rtmp_free(l->rtmp);
	l->rtmp = NULL;
	if (l->cfd >= 0)
		close(l->cfd);
	l->cfd = -1;
}

/* Waits for a connection until the deadline: 1 accepted, 0 time is up or stopped. */
static int
accept_one(ppv_listen *l)
{
	struct sockaddr_storage sa;
	socklen_t sl = sizeof sa;
	char host[48], serv[8];

	for (;;) {
		struct pollfd p = { l->lfd, POLLIN, 0 };
		reload(l);
		if (stopped(l) || l->revoked || (l->deadline && ppv_now_ms() >= l->deadline))
			return 0;
		if (poll(&p, 1, TICK_MS) <= 0)
			continue;
		l->cfd = accept(l->lfd, (struct sockaddr *)&sa, &sl);
		if (l->cfd < 0)
			continue;
		if (getnameinfo((struct sockaddr *)&sa, sl, host, sizeof host, serv, sizeof serv,
		                NI_NUMERICHOST | NI_NUMERICSERV)) {
			snprintf(l->peer, sizeof l->peer, "unknown peer");
			snprintf(l->host, sizeof l->host, "unknown");
		} else {
			snprintf(l->peer, sizeof l->peer, sa.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
			         host, serv);
			snprintf(l->host, sizeof l->host, "%s", host);
		}
		if (ppv_throttle_banned(&l->thr, l->host, ppv_now_ms())) {
			close(l->cfd);   /* said when it was banned */
			l->cfd = -1;
			continue;
		}
		l->wrong_key = 0;
		int one = 1;
		setsockopt(l->cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		l->hs_deadline = ppv_now_ms() + l->cfg.handshake_ms;
		l->late = 0;
		ppv_rtmp_io io = { sock_read, sock_write, l, l->cfg.app, auth, l };
		if (!(l->rtmp = ppv_rtmp_new(&io)))
			ppv_die(PPV_ERR, "out of memory");
		return 1;
	}
}

/* --- FLV out of RTMP messages --------------------------------------------------- */

static int
tag_room(ppv_listen *l, size_t n)
{
	if (n <= l->tag_cap)
		return 0;
	uint8_t *t = realloc(l->tag, n);
	if (!t)
		return -1;
	l->tag = t;
	l->tag_cap = n;
	return 0;
}

/* One FLV tag (RTMP messages are FLV tag bodies). Metadata loses its
 * @setDataFrame wrapper and is only passed on for the first session. */
static int
make_tag(ppv_listen *l, const ppv_rtmp_msg *m)
{
	const uint8_t *d = m->data;
	size_t n = m->len;
	static const uint8_t wrap[] = { 2, 0, 13, '@', 's', 'e', 't', 'D', 'a', 't', 'a', 'F', 'r', 'a', 'm', 'e' };

	if (m->type == 18) {
		if (l->sessions > 1)
			return 0;
		if (n >= sizeof wrap && !memcmp(d, wrap, sizeof wrap))
			d += sizeof wrap, n -= sizeof wrap;
	}
	if (tag_room(l, n + 15) < 0)
		return -1;
	uint8_t *t = l->tag;
	t[0] = (uint8_t)m->type;
	ppv_put_be(t + 1, (uint32_t)n, 3);
	ppv_put_be(t + 4, m->ts & 0xFFFFFF, 3);
	t[7] = (uint8_t)(m->ts >> 24);
	ppv_put_be(t + 8, 0, 3);
	memcpy(t + 11, d, n);
	ppv_put_be(t + 11 + n, (uint32_t)(n + 11), 4);
	l->tag_len = n + 15;
	l->tag_pos = 0;
	return 1;
}

/* The next FLV tag: 1 ready, 0 the stream ended (no publisher came, or none came back). */
static int
next_tag(ppv_listen *l)
{
	ppv_rtmp_msg m;

	for (;;) {
		if (!l->rtmp && !accept_one(l)) {
			l->state = l->sessions == 0 && !stopped(l) ? PPV_LISTEN_TIMEOUT : PPV_LISTEN_ENDED;
			return 0;
		}
		int k = ppv_rtmp_next(l->rtmp, &m);
		if (k == PPV_RTMP_MEDIA) {
			if (!l->counted) {
				l->counted = 1;
				snprintf(l->name, sizeof l->name, "%s", ppv_rtmp_name(l->rtmp));
				if (l->sessions++)
					l->reconnects++;
				l->deadline = 0;
				ppv_warn("%s: %s is live%s", l->peer, l->name, l->reconnects ? " again" : "");
			}
			if ((k = make_tag(l, &m)) < 0)
				ppv_die(PPV_ERR, "out of memory");
			if (k)
				return 1;
			continue;
		}
		if (ppv_rtmp_name(l->rtmp) && !l->revoked) {
			/* it had published: the publisher left; wait for it to come back */
			l->drain_until = ppv_now_ms() + DRAIN_MS;
			ppv_rtmp_drain(l->rtmp);
			l->drain_until = 0;
			if (!stopped(l))
				ppv_warn("%s: %s stopped publishing; waiting %.0f s for it to come back",
				         l->peer, ppv_rtmp_name(l->rtmp), (double)l->cfg.grace_ms / 1000);
			l->deadline = ppv_now_ms() + l->cfg.grace_ms;
		} else if (l->late) {
			ppv_warn("%s: closed: no publish within %.0f s of connecting", l->peer,
			         (double)l->cfg.handshake_ms / 1000);
		} else if (k == PPV_RTMP_REJECTED && l->wrong_key) {
			/* guessing keys: said at a bounded rate, then shut out a while */
			ppv_throttle_verdict v = ppv_throttle_fail(&l->thr, l->host, ppv_now_ms());
			if (v.log && v.quiet)
				ppv_warn("%s: refused: wrong stream key (%u more from %s not said)", l->peer, v.quiet, l->host);
			else if (v.log)
				ppv_warn("%s: refused: wrong stream key", l->peer);
			if (v.log && v.banned)
				ppv_warn("%s: %d wrong stream keys within %d s: its connections are refused for %d s",
				         l->host, PPV_THROTTLE_FAILS, PPV_THROTTLE_WINDOW_MS / 1000, PPV_THROTTLE_BAN_MS / 1000);
		} else if (!stopped(l) && !l->revoked) {
			/* refused or broken before publishing: the wait goes on */
			ppv_warn("%s: %s%s", l->peer, k == PPV_RTMP_REJECTED ? "refused: " : "",
			         *ppv_rtmp_error(l->rtmp) ? ppv_rtmp_error(l->rtmp) : "closed");
		}
		l->counted = 0;
		hang_up(l);
	}
}

static int
read_cb(void *opaque, uint8_t *buf, int size)
{
	ppv_listen *l = opaque;
	static const uint8_t header[13] = { 'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0 };

	if (!l->header_sent) {
		/* the FLV header (audio and video) and PreviousTagSize0 */
		if (tag_room(l, sizeof header) < 0)
			return AVERROR(ENOMEM);
		memcpy(l->tag, header, sizeof header);
		l->tag_len = sizeof header;
		l->tag_pos = 0;
		l->header_sent = 1;
	}
	if (l->tag_pos == l->tag_len && !next_tag(l))
		return AVERROR_EOF;
	size_t n = l->tag_len - l->tag_pos < (size_t)size ? l->tag_len - l->tag_pos : (size_t)size;
	memcpy(buf, l->tag + l->tag_pos, n);
	l->tag_pos += n;
	return (int)n;
}

ppv_listen *
ppv_listen_new(const ppv_listen_cfg *cfg, char *err, size_t n)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM }, *ai;
	char port[8];
	ppv_listen *l;
	uint8_t *buf;
	int k, one = 1;

	snprintf(port, sizeof port, "%d", cfg->port);
	if ((k = getaddrinfo(cfg->addr, port, &hints, &ai))) {
		snprintf(err, n, "%s: %s", cfg->addr ? cfg->addr : "*", gai_strerror(k));
		return NULL;
	}
	l = ppv_xcalloc(1, sizeof *l);
	l->cfg = *cfg;
	l->cfd = -1;
	l->lfd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (l->lfd < 0 || setsockopt(l->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(l->lfd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(l->lfd, SOMAXCONN) < 0) {
		snprintf(err, n, "%s:%d: %s", cfg->addr ? cfg->addr : "*", cfg->port, strerror(errno));
		freeaddrinfo(ai);
		ppv_listen_free(l);
		return NULL;
	}
	freeaddrinfo(ai);
	struct sockaddr_storage sa;
	socklen_t sl = sizeof sa;
	if (getsockname(l->lfd, (struct sockaddr *)&sa, &sl) == 0)
		l->port = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
		                                         : ((struct sockaddr_in *)&sa)->sin_port);
	l->deadline = cfg->timeout_ms ? ppv_now_ms() + cfg->timeout_ms : 0;
	if (!(buf = av_malloc(AVIO_BUF)) ||
	    !(l->avio = avio_alloc_context(buf, AVIO_BUF, 0, l, read_cb, NULL, NULL)))
		ppv_die(PPV_ERR, "out of memory");
	l->avio->seekable = 0;
	return l;
}

AVIOContext *
ppv_listen_avio(ppv_listen *l)
{
	return l->avio;
}

int
ppv_listen_state(const ppv_listen *l)
{
	return l->state;
}

const char *
ppv_listen_name(void *l)
{
	return *((ppv_listen *)l)->name ? ((ppv_listen *)l)->name : NULL;
}

int
ppv_listen_reconnects(void *l)
{
	return ((ppv_listen *)l)->reconnects;
}

int
ppv_listen_port(const ppv_listen *l)
{
	return l->port;
}

void
ppv_listen_free(ppv_listen *l)
{
	if (!l)
		return;
	hang_up(l);
	if (l->lfd >= 0)
		close(l->lfd);
	if (l->avio) {
		av_freep(&l->avio->buffer);
		avio_context_free(&l->avio);
	}
	free(l->tag);
	free(l);
}
