/* publish.c: one publisher's connection in a process of its own (ppv-ingest -l): the RTMP
 * session held to its deadlines, the key's name put to the listener, and the media passed on
 * as FLV tags. A crash or a stall here touches no other connection. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "bytes.h"
#include "cli.h"
#include "ctcmp.h"
#include "publish.h"
#include "rtmp.h"
#include "when.h"

/* Once publishing, a read returns when LOWAT bytes are in (an encoder sends a
 * frame in many small writes: woken for each, the process spends its time
 * switching), or after LOWAT_MS with what there is; BATCH: tags a write. */
enum { TICK_MS = 200, DRAIN_MS = 2000, LOWAT = 128 << 10, LOWAT_MS = 100, BATCH = 256 << 10 };

struct pub {
	const ppv_publish_cfg *cfg;
	ppv_rtmp *rtmp;
	int64_t hs_deadline;          /* to have published by */
	int64_t drain_until;          /* reading out an unpublished session, or 0 */
	int late, wrong;              /* the deadline went by; the key was wrong */
	long session;                 /* the listener's count of sessions, from 1 */
	char why[PPV_PUBLISH_LINE + 8];
	int lowat;                    /* SO_RCVLOWAT is set */
	uint8_t *tag;                 /* tags not yet passed on: one write for what a read brought */
	size_t cap, on;
};

static int write_all(const struct pub *p, int fd, const void *buf, size_t n, int64_t until);

/* The tags so far to the listener, which reads as its output drains: the
 * publisher waits with it. */
static int
flush_tags(struct pub *p)
{
	size_t n = p->on;

	p->on = 0;
	return n ? write_all(p, p->cfg->ctl, p->tag, n, 0) : 0;
}

static int
stopped(const struct pub *p)
{
	return p->cfg->stop && *p->cfg->stop;
}

/* Before publishing, the connection's deadline; after, a silence that long. */
static int64_t
deadline(const struct pub *p)
{
	int64_t idle = ppv_now_ms() + p->cfg->idle_ms;

	if (p->rtmp && !ppv_rtmp_publishing(p->rtmp) && p->hs_deadline < idle)
		return p->hs_deadline;
	return idle;
}

static ssize_t
sock_read(void *io, void *buf, size_t n)
{
	struct pub *p = io;
	int64_t until = deadline(p);

	/* what the last read brought is passed on before waiting for more */
	if (flush_tags(p) < 0)
		return -1;
	if (!p->lowat && p->rtmp && ppv_rtmp_publishing(p->rtmp) && !p->drain_until) {
		struct timeval tv = { 0, LOWAT_MS * 1000 };
		p->lowat = !setsockopt(p->cfg->cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) &&
		           !setsockopt(p->cfg->cfd, SOL_SOCKET, SO_RCVLOWAT, &(int){ LOWAT }, sizeof(int));
	}
	for (;;) {
		struct pollfd q = { p->cfg->cfd, POLLIN, 0 };
		int k = 1;
		if (p->drain_until && ppv_now_ms() >= p->drain_until)
			return 0;
		if (stopped(p)) {
			errno = EINTR;
			return -1;
		}
		/* publishing: a call a burst, waiting in recv itself; the timeout
		 * brings what came below the mark, or nothing */
		if (!p->lowat && (k = poll(&q, 1, TICK_MS)) < 0 && errno != EINTR)
			return -1;
		if (k > 0) {
			ssize_t r = recv(p->cfg->cfd, buf, n, p->lowat ? 0 : MSG_DONTWAIT);
			if (r >= 0)
				return r;
			if (errno == ECONNRESET)
				return 0;
			if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
		}
		if (ppv_now_ms() > until) {
			p->late = until == p->hs_deadline;
			errno = ETIMEDOUT;
			return -1;
		}
	}
}

/* All of buf to fd, waiting for room only until `until` (0: for ever) or a stop. */
static int
write_all(const struct pub *p, int fd, const void *buf, size_t n, int64_t until)
{
	const uint8_t *b = buf;

	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			struct pollfd q = { fd, POLLOUT, 0 };
			if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (stopped(p) || (until && ppv_now_ms() > until)) {
				errno = ETIMEDOUT;
				return -1;
			}
			poll(&q, 1, TICK_MS);
			continue;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A peer that never reads fills its window: its replies wait, but not for ever. */
static int
sock_write(void *io, const void *buf, size_t n)
{
	struct pub *p = io;
	int64_t until = deadline(p);

	if (write_all(p, p->cfg->cfd, buf, n, until) == 0)
		return 0;
	p->late = until == p->hs_deadline && errno == ETIMEDOUT;
	return -1;
}

/* The listener's one-line answer, by the connection's deadline. */
static int
answer(struct pub *p, char *line, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		struct pollfd q = { p->cfg->ctl, POLLIN, 0 };
		if (stopped(p) || ppv_now_ms() > p->hs_deadline)
			return -1;
		if (poll(&q, 1, TICK_MS) <= 0)
			continue;
		ssize_t r = read(p->cfg->ctl, line + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (line[n] == '\n') {
			line[n] = '\0';
			return 0;
		}
		n++;
	}
	return -1;
}

/* The key in constant time, never logged; then the listener decides. */
static const char *
auth(void *ctx, const char *key, size_t n, const char **why)
{
	struct pub *p = ctx;
	const ppv_keyring *ring = p->cfg->keys;
	const char *name = NULL;
	char line[PPV_PUBLISH_LINE + 8];

	for (size_t i = 0; i < ring->n; i++) {
		const ppv_key *k = &ring->v[i];
		if (k->len == n && ppv_ct_equal(k->secret, key, n) && !name)
			name = k->kid;   /* -K keys are named */
	}
	if (!name) {
		p->wrong = 1;
		return NULL;
	}
	snprintf(line, sizeof line, "K %s\n", name);
	if (write_all(p, p->cfg->ctl, line, strlen(line), p->hs_deadline) < 0 || answer(p, line, sizeof line) < 0) {
		*why = "the listener did not answer";
		return NULL;
	}
	if (line[0] == 'Y' && line[1] == ' ' && (p->session = strtol(line + 2, NULL, 10)) > 0)
		return name;
	snprintf(p->why, sizeof p->why, "%s", line[0] == 'N' && line[1] == ' ' ? line + 2 : "refused");
	*why = p->why;
	return NULL;
}

/* One FLV tag (RTMP messages are FLV tag bodies). Metadata loses its
 * @setDataFrame wrapper and is only passed on in the first session. */
static int
send_tag(struct pub *p, const ppv_rtmp_msg *m)
{
	const uint8_t *d = m->data;
	size_t n = m->len;
	static const uint8_t wrap[] = { 2, 0, 13, '@', 's', 'e', 't', 'D', 'a', 't', 'a', 'F', 'r', 'a', 'm', 'e' };

	if (m->type == 18) {
		if (p->session > 1)
			return 0;
		if (n >= sizeof wrap && !memcmp(d, wrap, sizeof wrap))
			d += sizeof wrap, n -= sizeof wrap;
	}
	if (p->on && p->on + n + 15 > BATCH && flush_tags(p) < 0)
		return -1;
	if (p->on + n + 15 > p->cap) {
		p->cap = p->on + n + 15 > BATCH ? p->on + n + 15 : BATCH;
		p->tag = ppv_xrealloc(p->tag, p->cap);
	}
	uint8_t *t = p->tag + p->on;
	t[0] = (uint8_t)m->type;
	ppv_put_be(t + 1, (uint32_t)n, 3);
	ppv_put_be(t + 4, m->ts & 0xFFFFFF, 3);
	t[7] = (uint8_t)(m->ts >> 24);
	ppv_put_be(t + 8, 0, 3);
	memcpy(t + 11, d, n);
	ppv_put_be(t + 11 + n, (uint32_t)(n + 11), 4);
	p->on += n + 15;
	return 0;
}

void
ppv_publish_run(const ppv_publish_cfg *cfg)
{
	struct pub p = { .cfg = cfg, .hs_deadline = ppv_now_ms() + cfg->handshake_ms };
	ppv_rtmp_io io = { sock_read, sock_write, &p, cfg->app, auth, &p };
	ppv_rtmp_msg m;
	char line[PPV_PUBLISH_LINE + 8];
	int k;

	if (!(p.rtmp = ppv_rtmp_new(&io)))
		ppv_die(PPV_ERR, "out of memory");
	while ((k = ppv_rtmp_next(p.rtmp, &m)) == PPV_RTMP_MEDIA)
		if (send_tag(&p, &m) < 0)
			break;
	flush_tags(&p);
	if (ppv_rtmp_name(p.rtmp)) {
		/* it had published: the listener reads its end; let the publisher close first */
		shutdown(cfg->ctl, SHUT_WR);
		p.drain_until = ppv_now_ms() + DRAIN_MS;
		ppv_rtmp_drain(p.rtmp);
	} else if (!stopped(&p)) {
		if (p.late)
			snprintf(line, sizeof line, "E L\n");
		else if (k == PPV_RTMP_REJECTED && p.wrong)
			snprintf(line, sizeof line, "E W\n");
		else
			snprintf(line, sizeof line, "E X %s%s\n", k == PPV_RTMP_REJECTED ? "refused: " : "",
			         *ppv_rtmp_error(p.rtmp) ? ppv_rtmp_error(p.rtmp) : "closed");
		write_all(&p, cfg->ctl, line, strlen(line), ppv_now_ms() + 1000);
	}
	ppv_rtmp_free(p.rtmp);
	free(p.tag);
}
