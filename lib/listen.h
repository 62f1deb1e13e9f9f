/* listen.h: an RTMP server for one publisher at a time, or for every creator at once (a process
 * a stream), each connection a process of its own until it publishes, delivering the media as FLV. */
#ifndef PPV_LISTEN_H
#define PPV_LISTEN_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "keys.h"

typedef struct {
	const char *addr;             /* NULL: every address */
	int port;
	const char *app;
	ppv_keyring *keys;            /* NAME KEY lines, replaced on reload */
	const char *keys_path;        /* where they are read again from */
	int64_t timeout_ms;           /* for the first good publisher; 0: forever */
	int64_t grace_ms;             /* for a publisher to come back */
	int64_t idle_ms;              /* a silent publisher counts as gone */
	int64_t handshake_ms;         /* from connecting to publishing, at most */
	int64_t stale_ms;             /* a live publisher silent this long may be taken over */
	int max_conns;                /* connections at once; more are closed at once */
	int max_per_host;             /* ... from one address */
	int inetd;                    /* no socket of our own: one connection, on fd 0 and 1 */
	volatile sig_atomic_t *stop;
	volatile sig_atomic_t *reload;  /* set: read keys_path again (SIGHUP) */
} ppv_listen_cfg;

enum { PPV_LISTEN_LIVE, PPV_LISTEN_ENDED, PPV_LISTEN_TIMEOUT, PPV_LISTEN_FAILED };

typedef struct ppv_listen ppv_listen;

/* Binds at once, so a bad address fails before anyone connects. */
ppv_listen *ppv_listen_new(const ppv_listen_cfg *cfg, char *err, size_t n);
/* --exec: the front door for every creator in the keys. In this process it
 * returns 0 when stopped, every stream ended and collected; it returns 1 in
 * each stream's own process, forked at its first publisher: there the
 * listener serves that creator alone (ppv_listen_read), its later publishers
 * handed to it by the front door, and ppv_listen_name says whose it is. */
int ppv_listen_front(ppv_listen *l);
/* The publishers' media as one FLV byte stream, header first: the bytes
 * read, or 0 when no publisher came back within the grace time (or a stop,
 * or the creator's key revoked). */
ssize_t ppv_listen_read(void *l, void *buf, size_t n);
int ppv_listen_state(const ppv_listen *l);
const char *ppv_listen_name(void *l);
int ppv_listen_reconnects(void *l);
/* The last publisher let in, as address:port; NULL before the first. */
const char *ppv_listen_remote(void *l);
int ppv_listen_port(const ppv_listen *l);
void ppv_listen_free(ppv_listen *l);

#endif
