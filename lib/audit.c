/* audit.c: a ticket is shared when two networks fetch the same segment with it, again and again;
 * one pass over the logs, memory a few hundred bytes per ticket whatever their length. */
#include <stdlib.h>
#include <string.h>

#include "accesslog.h"
#include "audit.h"
#include "cli.h"
#include "progress.h"
#include "ticket.h"
#include "when.h"

/* A ticket's last segment fetches: enough to see two screens in step (they
 * fetch each segment within seconds of each other), bounded however many. */
enum { RING = 8, MAXNETS = 65535, WARNMAX = 20, BLOCK = 1 << 20 };


struct fetch {
	uint32_t seg, net;
	int64_t t;
	int counted;
};

struct tk {
	uint64_t id;
	int64_t first, last;
	uint64_t requests;
	uint32_t overlaps, nnets, capnets, ring_at;
	uint64_t net0, *nets;    /* the first network inline: most tickets have one */
	struct fetch ring[RING];
};

struct ppv_audit {
	ppv_auditcfg cfg;
	size_t tplen;
	struct tk *t;
	size_t n, cap;
	uint32_t *slot;          /* open addressing: index + 1 into t, 0 empty */
	size_t nslot;
	ppv_logclock clk;
	uint64_t lines, malformed, untracked;
};

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static uint32_t
hash32(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

ppv_audit *
ppv_audit_new(const ppv_auditcfg *cfg)
{
	ppv_audit *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	a->cfg = *cfg;
	a->tplen = strlen(cfg->token_path);
	while (a->tplen && cfg->token_path[a->tplen - 1] == '/')
		a->tplen--;
	a->nslot = 1024;
	if (!(a->slot = calloc(a->nslot, sizeof *a->slot))) {
		free(a);
		return NULL;
	}
	return a;
}

static int
grow(ppv_audit *a)
{
	size_t ns = a->nslot * 2;
	uint32_t *slot = calloc(ns, sizeof *slot);

	if (!slot)
		return -1;
	for (size_t i = 0; i < a->n; i++) {
		size_t j = mix(a->t[i].id) & (ns - 1);
		while (slot[j])
			j = (j + 1) & (ns - 1);
		slot[j] = (uint32_t)i + 1;
	}
	free(a->slot);
	a->slot = slot, a->nslot = ns;
	return 0;
}

static struct tk *
lookup(ppv_audit *a, uint64_t id)
{
	for (size_t j = mix(id) & (a->nslot - 1); a->slot[j]; j = (j + 1) & (a->nslot - 1))
		if (a->t[a->slot[j] - 1].id == id)
			return &a->t[a->slot[j] - 1];
	return NULL;
}

static struct tk *
find(ppv_audit *a, uint64_t id, int64_t t)
{
	size_t j = mix(id) & (a->nslot - 1);

	for (; a->slot[j]; j = (j + 1) & (a->nslot - 1))
		if (a->t[a->slot[j] - 1].id == id)
			return &a->t[a->slot[j] - 1];
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 256;
		struct tk *v = cap < UINT32_MAX ? realloc(a->t, cap * sizeof *v) : NULL;
		if (!v)
			return NULL;
		a->t = v, a->cap = cap;
	}
	struct tk *k = &a->t[a->n];
	memset(k, 0, sizeof *k);
	k->id = id, k->first = k->last = t;
	a->slot[j] = (uint32_t)++a->n;
	if (a->n * 2 > a->nslot && grow(a))
		return NULL;
	return &a->t[a->n - 1];
}

static int
add_net(struct tk *k, uint64_t net)
{
	if (!k->nnets) {
		k->net0 = net, k->nnets = 1;
		return 0;
	}
	if (k->net0 == net)
		return 0;
	for (uint32_t i = 0; i + 1 < k->nnets; i++)
		if (k->nets[i] == net)
			return 0;
	/* counted exactly up to MAXNETS: past that, a ticket is shared anyway */
	if (k->nnets >= MAXNETS)
		return 0;
	if (k->nnets - 1 == k->capnets) {
		uint32_t cap = k->capnets ? 2 * k->capnets : 4;
		uint64_t *v = realloc(k->nets, cap * sizeof *v);
		if (!v)
			return -1;
		k->nets = v, k->capnets = cap;
	}
	k->nets[k->nnets++ - 1] = net;
	return 0;
}

/* The ticket and what it fetched: /PREFIX/MD5/EXPIRES/TICKET/PATH, or
 * PATH?...&ticket=TICKET. 0 when the URI carries none. */
static int
ticket_of(const ppv_audit *a, const char *u, size_t n, const char **tk, const char **path, size_t *pn)
{
	const char *e = u + n, *q = memchr(u, '?', n), *p;

	if (a->tplen && n > a->tplen + 1 && !memcmp(u, a->cfg.token_path, a->tplen) && u[a->tplen] == '/') {
		p = u + a->tplen + 1;
		for (int i = 0; i < 2; i++) {
			if (!(p = memchr(p, '/', (size_t)(e - p))))
				return 0;
			p++;
		}
		if (e - p < PPV_TICKET_LEN + 2 || p[PPV_TICKET_LEN] != '/' || !ppv_ticket_valid(p, PPV_TICKET_LEN))
			return 0;
		*tk = p;
		*path = p + PPV_TICKET_LEN;
		/* a '?' before the ticket is no query of the path */
		q = memchr(*path, '?', (size_t)(e - *path));
		*pn = (size_t)((q ? q : e) - *path);
		return 1;
	}
	if (!q)
		return 0;
	for (p = q + 1; p < e; ) {
		const char *amp = memchr(p, '&', (size_t)(e - p));
		const char *end = amp ? amp : e;
		if (end - p == 7 + PPV_TICKET_LEN && !memcmp(p, "ticket=", 7) &&
		    ppv_ticket_valid(p + 7, PPV_TICKET_LEN)) {
			*tk = p + 7;
			*path = u, *pn = (size_t)(q - u);
			return 1;
		}
		p = end + 1;
	}
	return 0;
}

static int
ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && !memcmp(s + n - k, suf, k);
}

static void
fetched(ppv_audit *a, struct tk *k, uint32_t seg, uint64_t net, int64_t t)
{
	uint32_t n32 = (uint32_t)(mix(net) >> 32);
	int overlap = 0, counted = 0;

	for (int i = 0; i < RING; i++) {
		const struct fetch *f = &k->ring[i];
		int64_t d = t - f->t;
		if (!f->seg || f->seg != seg || (d < 0 ? -d : d) > a->cfg.window)
			continue;
		counted |= f->counted;
		overlap |= f->net != n32;
	}
	if (overlap && !counted)
		k->overlaps++;
	k->ring[k->ring_at] = (struct fetch){ seg, n32, t, overlap || counted };
	k->ring_at = (k->ring_at + 1) % RING;
}

int
ppv_audit_line(ppv_audit *a, const char *s, size_t n)
{
	ppv_logline l;
	const char *tk, *path;
	size_t pn;
	uint64_t net;
	struct tk *k;

	a->lines++;
	if (ppv_logline_parse(&a->clk, s, n, &l) || ppv_log_network(l.addr, l.addrn, &net)) {
		a->malformed++;
		return -1;
	}
	/* what nginx served, and what it refused as a second screen (503):
	 * a forged, expired or revoked ticket (4xx) watches nothing */
	if ((l.status >= 400 && l.status != 503) || !ticket_of(a, l.uri, l.urin, &tk, &path, &pn))
		return 0;
	if (a->n >= a->cfg.max_tickets && !lookup(a, ppv_ticket_value(tk))) {
		a->untracked++;
		return 0;
	}
	if (!(k = find(a, ppv_ticket_value(tk), l.time)) || add_net(k, net))
		return -2;
	k->requests++;
	if (l.time < k->first)
		k->first = l.time;
	if (l.time > k->last)
		k->last = l.time;
	/* every screen fetches the playlists and keys again and again: only a
	 * media segment, fetched once per screen, tells two screens apart */
	if (!ends_with(path, pn, ".m3u8") && !ends_with(path, pn, ".key"))
		fetched(a, k, hash32(path, pn) | 1, net, l.time);
	return 1;
}

int
ppv_audit_input(ppv_audit *a, ppv_input *in)
{
	static char buf[BLOCK];
	size_t have = 0, got;
	long lineno = 0;
	int skipping = 0, rc = 0;
	ppv_progress prog;

	ppv_progress_start(&prog, "log lines");
	for (;;) {
		got = ppv_input_read(in, buf + have, BLOCK - have);
		char *p = buf, *e = buf + have + got, *nl;
		int eof = got == 0;
		while (p < e && ((nl = memchr(p, '\n', (size_t)(e - p))) || eof)) {
			char *end = nl ? nl : e;
			if (skipping) {
				/* the rest of a line already counted as too long */
				skipping = 0;
			} else {
				lineno++;
				size_t n = (size_t)(end - p);
				int r = ppv_audit_line(a, p, n - (n && end[-1] == '\r'));
				if (r == -2)
					rc = -1;
				else if (r == -1 && a->malformed <= WARNMAX)
					ppv_warn("%s:%ld: not a `combined` log line%s", ppv_input_name(in), lineno,
					         a->malformed == WARNMAX ? " (no more of these are named)" : "");
			}
			p = end + (nl != NULL);
		}
		have = (size_t)(e - p);
		if (have == BLOCK) {
			/* a line longer than a block: malformed, and read past */
			if (!skipping) {
				a->lines++, a->malformed++, lineno++;
				if (a->malformed <= WARNMAX)
					ppv_warn("%s:%ld: a line over 1 MiB", ppv_input_name(in), lineno);
			}
			skipping = 1, have = 0;
			continue;
		}
		memmove(buf, p, have);
		if (eof || rc)
			break;
		ppv_progress_tick(&prog, a->lines);
	}
	ppv_progress_end(&prog, a->lines);
	return rc;
}

uint64_t
ppv_audit_malformed(const ppv_audit *a)
{
	return a->malformed;
}

uint64_t
ppv_audit_untracked(const ppv_audit *a)
{
	return a->untracked;
}

uint64_t
ppv_audit_lines(const ppv_audit *a)
{
	return a->lines;
}

static int
by_id(const void *x, const void *y)
{
	uint64_t a = ((const struct tk *)x)->id, b = ((const struct tk *)y)->id;

	return (a > b) - (a < b);
}

long
ppv_audit_report(ppv_audit *a, FILE *out)
{
	long shared = 0;
	char first[32], last[32];

	/* the table is done with: sorted in place, the hash slots are stale */
	if (a->n)
		qsort(a->t, a->n, sizeof *a->t, by_id);
	memset(a->slot, 0, a->nslot * sizeof *a->slot);
	fputs("ticket,networks,overlaps,requests,first_seen,last_seen,verdict\n", out);
	for (size_t i = 0; i < a->n; i++) {
		const struct tk *k = &a->t[i];
		int sh = k->overlaps >= a->cfg.shared_at;
		shared += sh;
		fprintf(out, "%016llx,%u,%u,%llu,%s,%s,%s\n", (unsigned long long)k->id, k->nnets,
		        k->overlaps, (unsigned long long)k->requests, ppv_time_format(k->first, first),
		        ppv_time_format(k->last, last), sh ? "shared" : "ok");
	}
	return fflush(out) || ferror(out) ? -1 : shared;
}

void
ppv_audit_free(ppv_audit *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		free(a->t[i].nets);
	free(a->t);
	free(a->slot);
	free(a);
}
