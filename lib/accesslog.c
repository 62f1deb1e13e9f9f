/* accesslog.c: nginx's `combined` access log lines, parsed in place at a million a second:
 * untrusted input (anyone can put bytes into a request line), so every field is bounded by the line. */
#include <arpa/inet.h>
#include <string.h>

#include "accesslog.h"
#include "when.h"

static int
digits(const char *s, int n, int *v)
{
	int r = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		r = r * 10 + (s[i] - '0');
	}
	*v = r;
	return 0;
}

/* 10/Oct/2026:13:55:36 -0700 (26 bytes) */
static int
parse_time(ppv_logclock *clk, const char *s, int64_t *t)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int d, y, h, mi, sec, oh, om;

	if (memcmp(s, clk->day, 11)) {
		int m;
		for (m = 0; m < 12 && memcmp(s + 3, months + 3 * m, 3); m++)
			;
		if (m == 12 || s[2] != '/' || s[6] != '/' || digits(s, 2, &d) || digits(s + 7, 4, &y) ||
		    d < 1 || d > 31)
			return -1;
		clk->days = ppv_days_from_civil(y, (unsigned)m + 1, (unsigned)d);
		memcpy(clk->day, s, 11);
	}
	if (s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ' ||
	    (s[21] != '+' && s[21] != '-') || digits(s + 12, 2, &h) || digits(s + 15, 2, &mi) ||
	    digits(s + 18, 2, &sec) || digits(s + 22, 2, &oh) || digits(s + 24, 2, &om) ||
	    h > 23 || mi > 59 || sec > 60) {
		memset(clk->day, 0, sizeof clk->day);
		return -1;
	}
	int64_t off = (oh * 60 + om) * 60;
	*t = clk->days * 86400 + h * 3600 + mi * 60 + sec - (s[21] == '+' ? off : -off);
	return 0;
}

int
ppv_logline_parse(ppv_logclock *clk, const char *s, size_t n, ppv_logline *l)
{
	const char *e = s + n, *p, *q;

	if (!(p = memchr(s, ' ', n)) || p == s)
		return -1;
	l->addr = s, l->addrn = (size_t)(p - s);
	/* the user may hold spaces: the date is the first '[' */
	if (!(p = memchr(p, '[', (size_t)(e - p))) || e - p < 30 || p[27] != ']' || p[28] != ' ' ||
	    p[29] != '"' || parse_time(clk, p + 1, &l->time))
		return -1;
	p += 30;
	if (e - p >= 2 && p[0] == '-' && p[1] == '"') {
		/* a request nginx could not read is logged as "-": a line, but no URI */
		l->uri = p, l->urin = 0;
		q = p;
	} else {
		if (!(q = memchr(p, ' ', (size_t)(e - p))))
			return -1;
		p = q + 1;
		/* nginx writes a '"' of the request line as \x22: the URI ends at the
		 * next space, the request at the next '"' */
		if (!(q = memchr(p, ' ', (size_t)(e - p))) || q == p)
			return -1;
		l->uri = p, l->urin = (size_t)(q - p);
	}
	if (!(p = memchr(q, '"', (size_t)(e - q))) || e - p < 5 || p[1] != ' ' || digits(p + 2, 3, &l->status) ||
	    (e - p > 5 && p[5] != ' '))
		return -1;
	return 0;
}

int
ppv_log_network(const char *a, size_t n, uint64_t *net)
{
	char buf[64];
	unsigned char b[16];
	uint32_t v = 0;
	int parts = 0, cur = -1;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || a[i] == '.') {
			if (cur < 0 || cur > 255 || ++parts > 4)
				break;
			v = v << 8 | (uint32_t)cur;
			cur = -1;
			if (i == n && parts == 4) {
				*net = (uint64_t)4 << 56 | (v >> 8);
				return 0;
			}
		} else if (a[i] >= '0' && a[i] <= '9') {
			cur = cur < 0 ? a[i] - '0' : cur * 10 + (a[i] - '0');
			if (cur > 255)
				break;
		} else {
			break;
		}
	}
	if (n >= sizeof buf || !memchr(a, ':', n))
		return -1;
	memcpy(buf, a, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, b) != 1)
		return -1;
	/* an IPv4-mapped address is the IPv4 network it maps */
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (!memcmp(b, mapped, 12)) {
		*net = (uint64_t)4 << 56 | ((uint32_t)b[12] << 16 | (uint32_t)b[13] << 8 | b[14]);
		return 0;
	}
	uint64_t r = 0;
	for (int i = 0; i < 8; i++)
		r = r << 8 | b[i];
	/* a /64 fills 64 bits: scrambled, it lands on an IPv4 value once in 2^40 */
	*net = r ^ ((uint64_t)6 << 56) ^ 0x9e3779b97f4a7c15ULL;
	return 0;
}
