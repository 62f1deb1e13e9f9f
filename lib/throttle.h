/* throttle.h: failures counted per address in a bounded table, so that an address that keeps
 * failing is refused for a while and logged at a bounded rate. */
#ifndef PPV_THROTTLE_H
#define PPV_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

enum {
	PPV_THROTTLE_ADDRS = 256,     /* addresses remembered; the stalest makes room */
	PPV_THROTTLE_FAILS = 5,       /* failures within the window that ban an address */
	PPV_THROTTLE_WINDOW_MS = 60000,
	PPV_THROTTLE_BAN_MS = 60000,
	PPV_THROTTLE_ADDR_LOG_MS = 10000, /* one line per address this often */
	PPV_THROTTLE_LINES = 20,      /* ... and this many per window of it, all addresses */
};

struct ppv_throttle_addr {
	char addr[48];
	int64_t first, last;          /* failures in the current window */
	int64_t banned_until, logged;
	unsigned fails, quiet;        /* quiet: failures not logged since the last line */
};

typedef struct {
	struct ppv_throttle_addr a[PPV_THROTTLE_ADDRS];
	unsigned n;
	int64_t lines_from;           /* the window of all addresses' lines */
	unsigned lines, quiet;
} ppv_throttle;

/* Whether addr is banned at now (milliseconds). */
bool ppv_throttle_banned(const ppv_throttle *t, const char *addr, int64_t now);

typedef struct {
	bool log;                     /* say it now */
	unsigned quiet;               /* ... with this many not said since */
	bool banned;                  /* this failure banned the address */
} ppv_throttle_verdict;

/* Counts a failure of addr at now. */
ppv_throttle_verdict ppv_throttle_fail(ppv_throttle *t, const char *addr, int64_t now);

#endif
