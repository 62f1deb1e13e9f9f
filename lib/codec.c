/* codec.c: strict text encodings of binary data: base64 (RFC 4648 §4), base64url (§5), hex. */
#include <libavutil/base64.h>
#include <string.h>

#include "codec.h"

size_t
ppv_b64_encode(char *out, const uint8_t *in, size_t n)
{
	av_base64_encode(out, (int)PPV_B64_LEN(n) + 1, in, (int)n);
	return PPV_B64_LEN(n);
}

/* Standard base64 characters mapped to the URL alphabet (RFC 4648 §5) and to
 * their 6-bit values; -1 outside the alphabet. Built once, then table lookups:
 * this is on the per-token path. */
static char to_url[256];
static signed char val_std[256], val_url[256];

static void
tables(void)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static int done;

	if (done)
		return;
	for (int i = 0; i < 256; i++) {
		to_url[i] = (char)i;
		val_std[i] = val_url[i] = -1;
	}
	to_url['+'] = '-';
	to_url['/'] = '_';
	for (int i = 0; i < 62; i++)
		val_std[(unsigned char)a[i]] = val_url[(unsigned char)a[i]] = (signed char)i;
	val_std['+'] = val_url['-'] = 62;
	val_std['/'] = val_url['_'] = 63;
	done = 1;
}

size_t
ppv_b64url_encode(char *out, const uint8_t *in, size_t n)
{
	size_t len = ppv_b64_encode(out, in, n);

	tables();
	for (size_t i = 0; i < len; i++)
		out[i] = to_url[(unsigned char)out[i]];
	while (len && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	return len;
}

size_t
ppv_hex_encode(char *out, const uint8_t *in, size_t n)
{
	static const char digit[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digit[in[i] >> 4];
		out[2 * i + 1] = digit[in[i] & 15];
	}
	out[2 * n] = '\0';
	return 2 * n;
}

/* libavutil's decoder is lenient about what follows the data; we check the
 * alphabet, padding and unused bits ourselves so a token has one spelling. */
static long
b64_decode(uint8_t *out, size_t cap, const char *in, size_t n, int url)
{
	static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const signed char *val = url ? val_url : val_std;
	char tmp[4100];
	size_t pad = 0, len = n;
	long r;

	tables();
	while (len && in[len - 1] == '=' && pad < 2)
		len--, pad++;
	if (url ? pad != 0 || len % 4 == 1 : (len + pad) % 4 != 0)
		return -1;
	size_t full = (len + 3) / 4 * 4;
	size_t need = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
	if (need > cap || full + 1 > sizeof tmp)
		return -1;
	int bad = 0;
	for (size_t i = 0; i < len; i++) {
		int v = val[(unsigned char)in[i]];
		bad |= v;
		tmp[i] = std[v & 63];
	}
	/* the unused low bits of the last character must be zero (RFC 4648 §3.5) */
	if (bad < 0 || (len % 4 && (val[(unsigned char)in[len - 1]] & (len % 4 == 2 ? 15 : 3))))
		return -1;
	for (size_t i = len; i < full; i++)
		tmp[i] = '=';
	tmp[full] = '\0';
	uint8_t dec[3075];
	r = av_base64_decode(dec, tmp, (int)sizeof dec);
	if (r < 0 || (size_t)r != need)
		return -1;
	memcpy(out, dec, (size_t)r);
	return r;
}

long
ppv_b64_decode(uint8_t *out, size_t cap, const char *in, size_t n)
{
	return b64_decode(out, cap, in, n, 0);
}

long
ppv_b64url_decode(uint8_t *out, size_t cap, const char *in, size_t n)
{
	return b64_decode(out, cap, in, n, 1);
}

int
ppv_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
ppv_hex_decode(uint8_t *out, size_t cap, const char *in, size_t n)
{
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = ppv_hex_digit(in[i]), lo = ppv_hex_digit(in[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}
