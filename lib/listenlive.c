/* listenlive.c: the live publisher of a ppv-ingest listener, read by the listener itself: its
 * session and socket taken over from its connection's process, its RTMP read in bursts without
 * waiting, its media made FLV tags for the remux, and its end. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bytes.h"
#include "cli.h"
#include "listenint.h"
#include "rtmp.h"
#include "sock.h"
#include "when.h"

int
ppv_listen_tag_room(ppv_listen *l, size_t n)
{
	if (n <= l->tag_cap)
		return 0;
	size_t cap = l->tag_cap * 2 > n ? l->tag_cap * 2 : n;
	uint8_t *t = realloc(l->tag, cap);
	if (!t)
		return -1;
	l->tag = t;
	l->tag_cap = cap;
	return 0;
}

/* The live publisher's socket, read without waiting: poll waits, and wakes
 * for the front door's notes and other connections too. */
static ssize_t
live_read(void *io, void *buf, size_t n)
{
	ppv_listen *l = io;

	if (l->drained) {
		errno = EAGAIN;
		return -1;
	}
	ssize_t r = recv(l->live->sock, buf, n, MSG_DONTWAIT);
	if (r < 0 && errno == ECONNRESET)
		return 0;
	if ((r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) || (r > 0 && (size_t)r < n)) {
		/* read empty, most likely: poll says when there is more, or
		 * LOWAT_MS from now brings what came below the mark */
		l->drained = 1;
		l->drained_at = ppv_now_ms();
		if (r < 0)
			errno = EAGAIN;
	}
	return r;
}

/* Acknowledgements and the answer to an unpublish: small, and a publisher
 * reads them; one that does not is not waited for long. */
static int
live_write(void *io, const void *buf, size_t n)
{
	ppv_listen *l = io;

	return ppv_send_all(l->live->sock, buf, n, ppv_now_ms() + WRITE_MS, l->cfg.stop);
}

/* The session a connection's process hands on once publishing, with the
 * publisher's socket: 1 taken up, 0 not all here yet, -1 it failed. */
static int
handoff(ppv_listen *l, struct conn *c)
{
	ssize_t r;
	int fd;

	while (c->hand_got < sizeof c->hand_len) {
		r = ppv_fd_recv(c->ctl, (uint8_t *)&c->hand_len + c->hand_got, sizeof c->hand_len - c->hand_got, &fd,
		                MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r <= 0)
			return -1;
		if (fd >= 0 && c->sock >= 0)
			close(fd);
		else if (fd >= 0)
			c->sock = fd;
		c->hand_got += (size_t)r;
	}
	if (c->sock < 0 || c->hand_len > HANDOFF || (!c->hand && !(c->hand = malloc(c->hand_len + 1))))
		return -1;
	while (c->hand_got - sizeof c->hand_len < c->hand_len) {
		size_t got = c->hand_got - sizeof c->hand_len;
		if ((r = read(c->ctl, c->hand + got, c->hand_len - got)) < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r <= 0)
			return -1;
		c->hand_got += (size_t)r;
	}
	ppv_rtmp_io io = { live_read, live_write, l, NULL, NULL, NULL };
	l->rtmp = ppv_rtmp_resume(&io, c->hand, c->hand_len);
	free(c->hand);
	c->hand = NULL;
	if (!l->rtmp)
		return -1;
	setsockopt(c->sock, SOL_SOCKET, SO_RCVLOWAT, &(int){ LOWAT }, sizeof(int));
	return 1;
}

/* One media message as an FLV tag (RTMP messages are FLV tag bodies).
 * Metadata loses its @setDataFrame wrapper and is only passed on in the
 * first session. */
static int
add_tag(ppv_listen *l, const ppv_rtmp_msg *m)
{
	static const uint8_t wrap[] = { 2, 0, 13, '@', 's', 'e', 't', 'D', 'a', 't', 'a', 'F', 'r', 'a', 'm', 'e' };
	const uint8_t *d = m->data;
	size_t n = m->len;

	if (m->type == 18) {
		if (l->sessions > 1)
			return 0;
		if (n >= sizeof wrap && !memcmp(d, wrap, sizeof wrap))
			d += sizeof wrap, n -= sizeof wrap;
	}
	if (ppv_listen_tag_room(l, l->tag_len + n + 15) < 0)
		return -1;
	uint8_t *t = l->tag + l->tag_len;
	t[0] = (uint8_t)m->type;
	ppv_put_be(t + 1, (uint32_t)n, 3);
	ppv_put_be(t + 4, m->ts & 0xFFFFFF, 3);
	t[7] = (uint8_t)(m->ts >> 24);
	ppv_put_be(t + 8, 0, 3);
	memcpy(t + 11, d, n);
	ppv_put_be(t + 11 + n, (uint32_t)(n + 11), 4);
	l->tag_len += n + 15;
	return 0;
}

/* The live publisher's media as it came, up to a burst (the remux writes its
 * TS before it asks for more): 1 whole tags, 0 nothing yet, -1 the session
 * ended (what it left unfinished goes with it). Called when all is handed out. */
int
ppv_listen_tags(ppv_listen *l)
{
	ppv_rtmp_msg m;
	int k;

	if (!l->rtmp && (k = handoff(l, l->live)) <= 0)
		return k;
	l->tag_pos = l->tag_len = 0;
	while (l->tag_len < BURST && (k = ppv_rtmp_next(l->rtmp, &m)) == PPV_RTMP_MEDIA)
		if (add_tag(l, &m) < 0)
			return -1;
	if (l->tag_len) {
		l->live_at = ppv_now_ms();
		return 1;
	}
	return k == PPV_RTMP_AGAIN ? 0 : -1;
}

/* The live publisher is gone. After its own unpublish, its socket goes back
 * to its connection's process, which reads it out to the publisher's close. */
void
ppv_listen_gone(ppv_listen *l, struct conn *c)
{
	if (l->rtmp && !ppv_listen_stopped(l) && !l->revoked && ppv_rtmp_error(l->rtmp)[0])
		ppv_warn("%s: %s: %s", c->peer, l->name, ppv_rtmp_error(l->rtmp));
	if (!ppv_listen_stopped(l) && !l->revoked && l->cfg.inetd)
		ppv_warn("%s: %s stopped publishing", c->peer, l->name);
	else if (!ppv_listen_stopped(l) && !l->revoked)
		ppv_warn("%s: %s stopped publishing; waiting %.0f s for it to come back",
		         c->peer, l->name, (double)l->cfg.grace_ms / 1000);
	if (l->rtmp && c->sock >= 0 && ppv_rtmp_unpublished(l->rtmp))
		ppv_fd_send(c->ctl, "D", 1, c->sock, MSG_DONTWAIT);
	/* --inetd: no other connection can come back to this process */
	l->deadline = ppv_now_ms() + (l->cfg.inetd ? 0 : l->cfg.grace_ms);
	ppv_listen_drop(l, c);
}
