/* urlpath.c: the path a server would serve, so an ACL is judged on that and not on a spelling. */
#include <string.h>

#include "codec.h"
#include "urlpath.h"

long
ppv_path_normalize(char *out, const char *in, size_t n)
{
	size_t d = 0, r, w, seg;
	int trailing = 0;

	if (!n || in[0] != '/')
		return -1;
	/* Decode first, as nginx does: %2F is a slash and %2e%2e is `..` by the
	 * time the server resolves the path, so they must be here too. */
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= n || (hi = ppv_hex_digit(in[i + 1])) < 0 || (lo = ppv_hex_digit(in[i + 2])) < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0')
			return -1;
		out[d++] = c;
	}
	/* Then resolve segments in place; the write side never passes the read side. */
	w = 0;
	for (r = 0; r < d;) {
		while (r < d && out[r] == '/')
			r++;
		seg = r;
		while (r < d && out[r] != '/')
			r++;
		size_t len = r - seg;
		trailing = r == d ? 0 : 1;
		if (len == 0) {
			trailing = 1;
		} else if (len == 1 && out[seg] == '.') {
			trailing = 1;
		} else if (len == 2 && out[seg] == '.' && out[seg + 1] == '.') {
			while (w > 0 && out[--w] != '/')
				;
			trailing = 1;
		} else {
			out[w++] = '/';
			memmove(out + w, out + seg, len);
			w += len;
		}
	}
	if (w == 0 || trailing)
		out[w++] = '/';
	out[w] = '\0';
	return (long)w;
}

size_t
ppv_url_escape(char *out, const char *in, size_t n, int lower)
{
	const char *digits = lower ? "0123456789abcdef" : "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-' || c == '~') {
			out[o++] = (char)c;
		} else if (c == ' ') {
			out[o++] = '+';
		} else {
			out[o++] = '%';
			out[o++] = digits[c >> 4];
			out[o++] = digits[c & 15];
		}
	}
	out[o] = '\0';
	return o;
}

int
ppv_glob_match(const char *pat, size_t pn, const char *s, size_t sn)
{
	size_t p = 0, i = 0, star = (size_t)-1, mark = 0;

	/* iterative with one backtrack point: linear in practice, no recursion
	 * for an attacker to exhaust */
	while (i < sn) {
		if (p < pn && (pat[p] == '?' || pat[p] == s[i])) {
			p++, i++;
		} else if (p < pn && pat[p] == '*') {
			star = p++;
			mark = i;
		} else if (star != (size_t)-1) {
			p = star + 1;
			i = ++mark;
		} else {
			return 0;
		}
	}
	while (p < pn && pat[p] == '*')
		p++;
	return p == pn;
}
