/* listenint.h: what listen.c and listenlive.c share of a listener: its state, its connections,
 * and the live publisher's steps. */
#ifndef PPV_LISTENINT_H
#define PPV_LISTENINT_H

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

#include "listen.h"
#include "publish.h"
#include "rtmp.h"
#include "throttle.h"

/* The live publisher's socket wakes poll when LOWAT bytes are in (an encoder
 * sends a frame in many small writes: woken for each, the process spends its
 * time switching), or is read LOWAT_MS after it was last read empty; BURST:
 * tags handed to the remux at once. A session handed on is at most HANDOFF. */
enum {
	TICK_MS = 200, LOWAT = 128 << 10, LOWAT_MS = 100, BURST = 256 << 10, HANDOFF = 1 << 20,
	WRITE_MS = 1000,              /* a reply to a publisher that does not read, at most */
};

struct conn {
	pid_t pid;
	int ctl;                      /* -1: the slot is free, unless handed */
	int handed;                   /* the front door gave it to a stream: counted until it ends */
	int sock;                     /* the publisher's socket, once its process handed it on; or -1 */
	uint8_t *hand;                /* the session being handed on: hand_len bytes, hand_got - 4 in */
	uint32_t hand_len;
	size_t hand_got;
	char peer[64], host[48];      /* address:port, and the address alone */
	char line[PPV_PUBLISH_LINE + 8];
	size_t ll;
};

static const struct conn no_conn = { .ctl = -1, .sock = -1 };

struct stream;

enum { ONE, FRONT, STREAM };

struct ppv_listen {
	ppv_listen_cfg cfg;
	int mode;                     /* ONE publisher (-l), the FRONT door, or one STREAM of it */
	int lfd, port;                /* a STREAM's lfd: its socket to the front door */
	struct stream *s;             /* FRONT: cfg.max_conns of them */
	struct conn *c;               /* cfg.max_conns of them */
	struct pollfd *pfd;           /* ... and the socket: what poll watches */
	int nconn;
	struct conn *live;            /* the publisher whose tags are read, or NULL */
	ppv_rtmp *rtmp;               /* its session, once handed on */
	int64_t live_at;              /* when it was let in or last sent a whole tag */
	int state, sessions, reconnects;
	char name[64];                /* of the first publisher: only it may come back */
	char remote[64];              /* the last one let in, address:port */
	int64_t deadline;             /* for the current wait, or 0 */
	int64_t reaped;               /* when ended processes were last collected */
	int revoked;                  /* the live creator's key was taken out */
	ppv_throttle thr;             /* wrong keys by address */
	uint8_t *tag;                 /* FLV bytes: [tag_pos, tag_len) whole tags being handed out */
	size_t tag_len, tag_pos, tag_cap;
	int drained;                  /* the live publisher's socket was read empty: poll first */
	int64_t drained_at;
	int header_sent;
};

static inline int
ppv_listen_stopped(const ppv_listen *l)
{
	return l->cfg.stop && *l->cfg.stop;
}

/* The listener's end of a connection closed (its process ends on its own),
 * with the socket and session it handed on, if any. */
void ppv_listen_drop(ppv_listen *l, struct conn *c);
/* The live publisher's media as it came, up to a burst (the remux writes its
 * TS before it asks for more): 1 whole tags, 0 nothing yet, -1 the session
 * ended (what it left unfinished goes with it). Called when all is handed out. */
int ppv_listen_tags(ppv_listen *l);
/* The live publisher is gone: said, and dropped; the grace time begins. */
void ppv_listen_gone(ppv_listen *l, struct conn *c);
int ppv_listen_tag_room(ppv_listen *l, size_t n);

#endif
