/* publish.h: one publisher's connection, in a process of its own, for ppv-ingest -l. */
#ifndef PPV_PUBLISH_H
#define PPV_PUBLISH_H

#include <signal.h>
#include <stdint.h>

#include "keys.h"

/* What a connection's process tells the listener on its socket, a line each:
 *   K NAME       the key is NAME's: may it publish?  (answered "Y SESSION" or
 *                "N WHY"; after Y, the rest is FLV tags, no header)
 *   E W          refused: a wrong key
 *   E L          no publish within the handshake time
 *   E X WHY      refused or broken before publishing
 * It ends at the end of the session; the listener sees end-of-file. */
enum { PPV_PUBLISH_LINE = 256 };

typedef struct {
	int cfd;                      /* the publisher's socket */
	int ctl;                      /* to the listener */
	const char *app;
	const ppv_keyring *keys;
	int64_t handshake_ms;         /* from connecting to publishing, at most */
	int64_t idle_ms;              /* a silent publisher counts as gone */
	volatile sig_atomic_t *stop;
} ppv_publish_cfg;

/* Runs the session to its end. */
void ppv_publish_run(const ppv_publish_cfg *cfg);

#endif
