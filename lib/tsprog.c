/* tsprog.c: one program of a multi-program transport stream as a stream of its own: the PAT rewritten to name it alone, its PMT and PIDs kept, every other program's dropped. */
#include "tsprog.h"

#include <string.h>

#include "bytes.h"

void
ppv_tsprog_init(ppv_tsprog *f, int index)
{
	memset(f, 0, sizeof *f);
	f->index = index;
	f->pmt_pid = -1;
}

static void
keep(ppv_tsprog *f, int pid, int on)
{
	if (on)
		f->keep[pid >> 3] |= (uint8_t)(1u << (pid & 7));
	else
		f->keep[pid >> 3] &= (uint8_t)~(1u << (pid & 7));
}

static int
kept(const ppv_tsprog *f, int pid)
{
	return f->keep[pid >> 3] >> (pid & 7) & 1;
}

/* The PAT again, naming our program alone, in the packets of PID 0 */
static void
on_pat(void *ctx, const uint8_t *s, size_t n)
{
	ppv_tsprog *f = ctx;
	int pids[64], np = ppv_pat_pmt_pids(s, n, pids, 64);

	if (np <= f->index)
		return;
	/* the program's number: the index-th entry that is not the network PID */
	int seen = -1;
	for (size_t at = 8; at + 4 <= n - 4; at += 4) {
		if (ppv_get_be(s + at, 2) == 0 || ++seen != f->index)
			continue;
		f->program = (uint16_t)ppv_get_be(s + at, 2);
		break;
	}
	if (pids[f->index] != f->pmt_pid) {
		if (f->pmt_pid >= 0)
			keep(f, f->pmt_pid, 0);
		f->pmt_pid = pids[f->index];
		keep(f, f->pmt_pid, 1);
		f->pmt.len = 0, f->pmt.active = false;
	}
	uint8_t sec[8 + 4 + 4];
	memcpy(sec, s, 8);
	sec[1] = (uint8_t)((s[1] & 0xf0) | 0);
	sec[2] = (uint8_t)(sizeof sec - 3);
	ppv_put_be(sec + 8, f->program, 2);
	ppv_put_be(sec + 10, 0xe000u | (unsigned)f->pmt_pid, 2);
	ppv_put_be(sec + 12, ppv_crc32_mpeg(sec, 12), 4);
	f->len += ppv_ts_packetize(sec, sizeof sec, 0, &f->pat_cc, f->out + f->len, f->cap - f->len) * PPV_TS_PACKET;
}

/* The PIDs our PMT lists become the ones kept */
static void
on_pmt(void *ctx, const uint8_t *s, size_t n)
{
	ppv_tsprog *f = ctx;
	static ppv_pmt m;

	if (ppv_pmt_parse(s, n, &m) < 0)
		return;
	memset(f->keep, 0, sizeof f->keep);
	keep(f, f->pmt_pid, 1);
	keep(f, m.pcr_pid, 1);
	for (int i = 0; i < m.nes; i++)
		keep(f, m.es[i].pid, 1);
}

size_t
ppv_tsprog_put(ppv_tsprog *f, const uint8_t *p, const ppv_tspkt *k, uint8_t *out, size_t cap)
{
	f->out = out, f->cap = cap, f->len = 0;
	if (k->pid == 0) {
		ppv_section_feed(&f->pat, k, on_pat, f);
		return f->len;
	}
	if (k->pid == f->pmt_pid)
		ppv_section_feed(&f->pmt, k, on_pmt, f);
	if (k->pid == 0x1fff || !kept(f, k->pid) || cap < PPV_TS_PACKET)
		return 0;
	memcpy(out, p, PPV_TS_PACKET);
	return PPV_TS_PACKET;
}

int
ppv_sdt_name(const uint8_t *sec, size_t n, uint16_t program, char *name, size_t cap)
{
	if (n < 15 || sec[0] != 0x42 || cap == 0 || ppv_crc32_mpeg(sec, n) != 0)
		return -1;
	/* after the 11-byte header: service_id, flags, then the descriptors */
	for (size_t at = 11; at + 5 <= n - 4;) {
		unsigned id = ppv_get_be(sec + at, 2), dlen = ppv_get_be(sec + at + 3, 2) & 0x0fff;
		size_t d = at + 5, end = d + dlen;
		if (end > n - 4)
			return -1;
		for (; id == program && d + 2 <= end; d += 2u + sec[d + 1]) {
			const uint8_t *body = sec + d + 2;
			size_t len = sec[d + 1];
			if (d + 2 + len > end)
				return -1;
			/* service_descriptor: service type, provider name, service name */
			if (sec[d] != 0x48 || len < 3 || 3u + body[1] > len || 3u + body[1] + body[2 + body[1]] > len)
				continue;
			const uint8_t *s = body + 3 + body[1];
			size_t sn = body[2 + body[1]], k = 0;
			for (; k < sn && k + 1 < cap; k++) {
				uint8_t c = s[k];
				name[k] = (char)((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
				                 c == '.' || c == '_' || c == '-' ? c : '_');
			}
			name[k] = '\0';
			return k ? (int)k : -1;
		}
		at = end;
	}
	return -1;
}
