/* pager.h: output longer than the terminal through the user's pager, as git and man do. */
#ifndef PPV_PAGER_H
#define PPV_PAGER_H

#include <stddef.h>
#include <sys/types.h>

typedef struct {
	pid_t pid;                      /* 0: no pager runs */
	void (*sigpipe)(int);           /* SIGPIPE's handler before */
} ppv_pager;

/* The terminal's height when standard output is one, else 0. */
int ppv_pager_rows(void);
/* Output of lines lines on a terminal it would not fit: standard output goes
 * to the pager ($PPV_PAGER, else $PAGER, else less; LESS=FRX unless LESS is
 * set): 1. 0 when it stays as it is: not a terminal, it fits, or the pager
 * is "" or "cat". -1 when it would not fit and no pager is installed, or the
 * pager cannot be started (why in err): the caller summarises. */
int ppv_pager_start(ppv_pager *p, size_t lines, char *err, size_t cap);
/* Standard output flushed and closed, the pager waited for; 0, or -1 with
 * why in err when the output could not be written or the pager not run (the
 * reader quitting early is no error). */
int ppv_pager_end(ppv_pager *p, char *err, size_t cap);

#endif
