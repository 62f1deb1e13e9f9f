/* tsprog.h: one program of a multi-program transport stream as a stream of its own: the PAT rewritten to name it alone, its PMT and PIDs kept, every other program's dropped. */
#ifndef PPV_TSPROG_H
#define PPV_TSPROG_H

#include <stddef.h>
#include <stdint.h>

#include "ts.h"

typedef struct {
	int index;                  /* the program kept: its place in the PAT, from 0 */
	int pmt_pid;                /* -1 until the PAT names it */
	uint16_t program;           /* its number, once the PAT named it */
	uint8_t pat_cc;
	uint8_t keep[0x2000 / 8];   /* the PIDs its PMT lists, and the PMT's own */
	ppv_secbuf pat, pmt;
	/* what the last section handed back: packets to write in the input's place */
	uint8_t *out;
	size_t cap, len;
} ppv_tsprog;

void ppv_tsprog_init(ppv_tsprog *f, int index);
/* What to write for input packet p (parsed as *k): p itself when its PID is
 * the program's, a rewritten PAT for a PAT, nothing otherwise. Writes to
 * out (room for cap bytes, 188 * 32 is enough for any PAT) and returns the
 * byte count. */
size_t ppv_tsprog_put(ppv_tsprog *f, const uint8_t *p, const ppv_tspkt *k, uint8_t *out, size_t cap);

/* The service name an SDT section (PID 0x11, table 0x42) gives program:
 * its length, copied to name (NUL-terminated, cut to cap - 1, bytes outside
 * [A-Za-z0-9._-] made '_' so it can name files), or -1 when the section is
 * not a valid SDT or has no name for the program. */
int ppv_sdt_name(const uint8_t *sec, size_t n, uint16_t program, char *name, size_t cap);

#endif
