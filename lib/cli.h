/* cli.h: program name, diagnostics in the `ppv-x: where: what` form, exit codes. */
#ifndef PPV_CLI_H
#define PPV_CLI_H

/* Who ends the program, and how:
 * - cmd/ decides the exit status; lib/ ends a run only through ppv_die, with
 *   PPV_ERR (2), for what no caller could go on from: no memory, a bad row of
 *   a table every later result depends on, an output that cannot be written.
 *   Never abort() or exit() with another code.
 * - Parsers of untrusted input (RTMP, SCTE-35, playlists, tokens, TS) never
 *   die: they return an error with the reason (ppv_errf), and the caller
 *   chooses between skipping, rejecting and stopping.
 * - Warnings go through ppv_warn, so every line starts with the program's
 *   name whichever binary the code runs in. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The exit contract shared by every binary. */
enum { PPV_OK = 0, PPV_FAIL = 1, PPV_ERR = 2 };

extern const char *ppv_prog;

void ppv_init(const char *argv0);
_Noreturn void ppv_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ppv_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void ppv_version(void);
void ppv_flush_stdout(void);
/* A library's error: the message into err (cap bytes), -1 returned. */
int ppv_errf(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
_Noreturn void ppv_exit(int code);
/* The one allocation family: each ends the program on exhaustion, since
 * there is no half-done output worth keeping when memory has run out. */
void *ppv_xrealloc(void *p, size_t n);
/* The same, for tables that grow with creators or events: megabytes, on
 * huge pages where the kernel gives them. */
void *ppv_xbig(void *p, size_t n);
/* Bytes this process may still take without swapping: the least of the
 * kernel's MemAvailable, what the cgroup's memory.max leaves and the
 * address-space limit; 0 when none is known. */
uint64_t ppv_mem_available(void);
void *ppv_xcalloc(size_t n, size_t size);
char *ppv_xstrdup(const char *s);           /* NULL for NULL */
char *ppv_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* n bytes from a client or a file, fit to quote in a diagnostic: control
 * characters, quotes, backslashes and bytes past ASCII as \xNN, so no input
 * forges a log line or moves a terminal. out holds cap bytes; cut to fit. */
char *ppv_printable(char *out, size_t cap, const char *s, size_t n);

#endif
