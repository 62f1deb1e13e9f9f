/* cli.h: program name, diagnostics in the `ppv-x: where: what` form, exit codes. */
#ifndef PPV_CLI_H
#define PPV_CLI_H

#include <stddef.h>
#include <stdio.h>

/* The exit contract shared by every binary. */
enum { PPV_OK = 0, PPV_FAIL = 1, PPV_ERR = 2 };

extern const char *ppv_prog;

void ppv_init(const char *argv0);
_Noreturn void ppv_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ppv_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void ppv_usage(const char *synopsis);
_Noreturn void ppv_help(const char *text);
_Noreturn void ppv_version(void);
void ppv_flush_stdout(void);
/* A library's error: the message into err (cap bytes), -1 returned. */
int ppv_errf(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
_Noreturn void ppv_exit(int code);
/* realloc and strdup that end the program on exhaustion: there is no
 * half-done output worth keeping when memory has run out. */
void *ppv_xrealloc(void *p, size_t n);
char *ppv_xstrdup(const char *s);
/* n bytes from a client or a file, fit to quote in a diagnostic: control
 * characters, quotes, backslashes and bytes past ASCII as \xNN, so no input
 * forges a log line or moves a terminal. out holds cap bytes; cut to fit. */
char *ppv_printable(char *out, size_t cap, const char *s, size_t n);

#endif
