/* throttle.c: failures counted per address in a bounded table: bans, and log lines at a bounded rate. */
#include <stdio.h>
#include <string.h>

#include "throttle.h"

static const struct ppv_throttle_addr *
find(const ppv_throttle *t, const char *addr)
{
	for (unsigned i = 0; i < t->n; i++)
		if (!strcmp(t->a[i].addr, addr))
			return &t->a[i];
	return NULL;
}

/* addr's entry, made when new; when the table is full, the address that
 * failed longest ago gives its place (a ban forgotten: memory stays bounded) */
static struct ppv_throttle_addr *
entry(ppv_throttle *t, const char *addr)
{
	struct ppv_throttle_addr *a = (struct ppv_throttle_addr *)find(t, addr);

	if (a)
		return a;
	if (t->n < PPV_THROTTLE_ADDRS) {
		a = &t->a[t->n++];
	} else {
		a = &t->a[0];
		for (unsigned i = 1; i < t->n; i++)
			if (t->a[i].last < a->last)
				a = &t->a[i];
	}
	memset(a, 0, sizeof *a);
	snprintf(a->addr, sizeof a->addr, "%s", addr);
	a->logged = INT64_MIN / 2;
	return a;
}

bool
ppv_throttle_banned(const ppv_throttle *t, const char *addr, int64_t now)
{
	const struct ppv_throttle_addr *a = find(t, addr);

	return a && now < a->banned_until;
}

ppv_throttle_verdict
ppv_throttle_fail(ppv_throttle *t, const char *addr, int64_t now)
{
	struct ppv_throttle_addr *a = entry(t, addr);
	ppv_throttle_verdict v = { false, 0, false };

	if (!a->fails || now - a->first >= PPV_THROTTLE_WINDOW_MS) {
		a->first = now;
		a->fails = 0;
	}
	a->fails++;
	a->last = now;
	if (a->fails >= PPV_THROTTLE_FAILS) {
		a->banned_until = now + PPV_THROTTLE_BAN_MS;
		a->fails = 0;
		v.banned = true;
	}
	if (now - t->lines_from >= PPV_THROTTLE_ADDR_LOG_MS) {
		t->lines_from = now;
		t->lines = 0;
	}
	/* a ban is always worth its line, within the rate of all addresses */
	if ((v.banned || now - a->logged >= PPV_THROTTLE_ADDR_LOG_MS) && t->lines < PPV_THROTTLE_LINES) {
		v.log = true;
		v.quiet = a->quiet;
		a->quiet = 0;
		a->logged = now;
		t->lines++;
	} else {
		a->quiet++;
	}
	return v;
}
