/* test-codec.c: base64 (RFC 4648 test vectors), base64url strictness, hex. */
#include <stdint.h>

#include "codec.h"
#include "ctcmp.h"
#include "unit.h"

UNIT_TEST(test_codec)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	char out[64];
	uint8_t bin[64];

	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		ppv_b64_encode(out, (const uint8_t *)v[i][0], strlen(v[i][0]));
		CHECK_STR(out, v[i][1]);
		long n = ppv_b64_decode(bin, sizeof bin, v[i][1], strlen(v[i][1]));
		CHECK(n == (long)strlen(v[i][0]) && !memcmp(bin, v[i][0], (size_t)n));
	}
	ppv_b64url_encode(out, (const uint8_t *)"\xfb\xff\xbf", 3);
	CHECK_STR(out, "-_-_");
	ppv_b64url_encode(out, (const uint8_t *)"fo", 2);
	CHECK_STR(out, "Zm8");
	CHECK(ppv_b64url_decode(bin, sizeof bin, "Zm8", 3) == 2);
	CHECK(ppv_b64url_decode(bin, sizeof bin, "Zm9", 3) == -1);   /* unused bits set */
	CHECK(ppv_b64url_decode(bin, sizeof bin, "Zm8=", 4) == -1);  /* no padding in url */
	CHECK(ppv_b64url_decode(bin, sizeof bin, "Zm+v", 4) == -1);  /* wrong alphabet */
	CHECK(ppv_b64url_decode(bin, sizeof bin, "Z", 1) == -1);
	CHECK(ppv_b64url_decode(bin, 1, "Zm8", 3) == -1);            /* does not fit */
	CHECK(ppv_b64_decode(bin, sizeof bin, "Zm8", 3) == -1);      /* padding required */
	ppv_hex_encode(out, (const uint8_t *)"\x00\xab\xff", 3);
	CHECK_STR(out, "00abff");
	CHECK(ppv_hex_decode(bin, sizeof bin, "00ABff", 6) == 3 && bin[1] == 0xab);
	CHECK(ppv_hex_decode(bin, sizeof bin, "0g", 2) == -1);
	CHECK(ppv_hex_decode(bin, sizeof bin, "abc", 3) == -1);
	CHECK(ppv_ct_equal("abcd", "abcd", 4));
	CHECK(!ppv_ct_equal("abcd", "abce", 4));
	CHECK(ppv_ct_equal("", "x", 0));
}
