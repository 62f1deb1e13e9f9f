/* accesslog.h: one line of an nginx access log in the `combined` format. */
#ifndef PPV_ACCESSLOG_H
#define PPV_ACCESSLOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *addr, *uri;    /* into the line, not NUL ended */
	size_t addrn, urin;
	int64_t time;              /* unix seconds */
	int status;
} ppv_logline;

/* Remembers the last date seen, so that a day of lines parses its date once. */
typedef struct {
	char day[11];
	int64_t days;
} ppv_logclock;

/* `ADDR - USER [10/Oct/2026:13:55:36 -0700] "GET URI HTTP/1.1" STATUS ...`:
 * 0, or -1 when the line (n bytes) is not one. */
int ppv_logline_parse(ppv_logclock *clk, const char *s, size_t n, ppv_logline *l);
/* The network of an address: its /24 for IPv4, its /64 for IPv6, tagged so
 * the two do not meet in practice; -1 when addr is neither. */
int ppv_log_network(const char *addr, size_t n, uint64_t *net);

#endif
