/* publish.h: one publisher's connection, in a process of its own, for ppv-ingest -l. */
#ifndef PPV_PUBLISH_H
#define PPV_PUBLISH_H

#include <signal.h>
#include <stdint.h>

#include "keys.h"

/* What a connection's process tells the listener on its socket, a line each:
 *   K NAME       the key is NAME's: may it publish?  (answered "Y SESSION" or
 *                "N WHY"; after Y: the session, as ppv_rtmp_save has it, a
 *                native 32-bit length first, the publisher's socket with it)
 *   E W          refused: a wrong key
 *   E L          no publish within the handshake time
 *   E X WHY      refused or broken before publishing
 * Once the session is handed on, it waits for the listener to close its end,
 * or to send one byte with the socket back: the publisher unpublished, and its
 * last words are read until it closes. */
enum { PPV_PUBLISH_LINE = 256 };

typedef struct {
	int cfd;                      /* the publisher's socket */
	int ctl;                      /* to the listener */
	const char *app;
	const ppv_keyring *keys;
	int64_t handshake_ms;         /* from connecting to publishing, at most */
	volatile sig_atomic_t *stop;
} ppv_publish_cfg;

/* Runs the connection to its end, or to its being handed on and done with. */
void ppv_publish_run(const ppv_publish_cfg *cfg);

#endif
