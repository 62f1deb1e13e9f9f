/* ticket.c: a buyer's ticket id, which only the key's holder can compute and which never shows the buyer,
 * and the set of revoked ones in the form nginx's map directive includes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ticket.h"

void
ppv_ticket_derive(ppv_mac *m, const char *sub, size_t sn, const char *uri, size_t un,
                  char out[PPV_TICKET_LEN + 1])
{
	const char *sl = memrchr(uri, '/', un);
	uint8_t mac[PPV_MAC_MAX];

	/* the directory is the event: one id per buyer and event, a new one for
	 * the next event, so a leaked id says which ticket leaked and nothing more */
	const void *part[] = { "ppv-ticket\n", uri, "\n", sub };
	size_t len[] = { 11, sl ? (size_t)(sl - uri) : 0, 1, sn };
	ppv_mac_signv(m, part, len, 4, mac);
	ppv_hex_encode(out, mac, PPV_TICKET_LEN / 2);
}

int
ppv_ticket_valid(const char *s, size_t n)
{
	if (n != PPV_TICKET_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

uint64_t
ppv_ticket_value(const char *s)
{
	uint64_t v = 0;

	for (int i = 0; i < PPV_TICKET_LEN; i++)
		v = v << 4 | (uint64_t)(s[i] <= '9' ? s[i] - '0' : s[i] - 'a' + 10);
	return v;
}

int
ppv_revset_add(ppv_revset *r, uint64_t t)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		uint64_t *v = realloc(r->v, cap * sizeof *v);
		if (!v)
			return -1;
		r->v = v, r->cap = cap;
	}
	r->v[r->n++] = t;
	return 0;
}

static int
cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void
ppv_revset_seal(ppv_revset *r)
{
	size_t w = 0;

	if (!r->n)
		return;
	qsort(r->v, r->n, sizeof *r->v, cmp64);
	for (size_t i = 0; i < r->n; i++)
		if (!w || r->v[i] != r->v[w - 1])
			r->v[w++] = r->v[i];
	r->n = w;
}

int
ppv_revset_has(const ppv_revset *r, const char *s, size_t n)
{
	if (!r->n || !ppv_ticket_valid(s, n))
		return 0;
	uint64_t t = ppv_ticket_value(s);
	return bsearch(&t, r->v, r->n, sizeof *r->v, cmp64) != NULL;
}

int
ppv_revset_load(ppv_revset *r, const char *path, int missing_ok, char *err, size_t cap)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t lcap = 0;
	long lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		if (errno == ENOENT && missing_ok)
			return 0;
		snprintf(err, cap, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (!rc && (n = getline(&line, &lcap, f)) != -1) {
		char *p = line, *t;
		size_t tn;
		lineno++;
		p += strspn(p, " \t\r\n");
		if (!*p || *p == '#')
			continue;
		t = p;
		tn = strcspn(t, " \t;");
		p = t + tn;
		p += strspn(p, " \t");
		/* what --revoke writes, and what a hand may add: TICKET VALUE; */
		if (!ppv_ticket_valid(t, tn) || !*p || *p == ';' || !(p = strchr(p, ';')) ||
		    p[1 + strspn(p + 1, " \t\r\n")] != '\0') {
			snprintf(err, cap, "%s:%ld: not a `TICKET 1;` line", path, lineno);
			rc = -1;
		} else if (ppv_revset_add(r, ppv_ticket_value(t))) {
			snprintf(err, cap, "%s: out of memory", path);
			rc = -1;
		}
	}
	if (!rc && ferror(f)) {
		snprintf(err, cap, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	ppv_revset_seal(r);
	return rc;
}

int
ppv_revset_write(const ppv_revset *r, FILE *f)
{
	for (size_t i = 0; i < r->n; i++)
		if (fprintf(f, "%016llx 1;\n", (unsigned long long)r->v[i]) < 0)
			return -1;
	return ferror(f) ? -1 : 0;
}

void
ppv_revset_free(ppv_revset *r)
{
	free(r->v);
	memset(r, 0, sizeof *r);
}
