/* test-mac.c: our cached-pad HMAC against RFC 4231/2202 vectors and libavutil's av_hmac. */
#include <libavutil/hmac.h>
#include <stdint.h>

#include "codec.h"
#include "keys.h"
#include "mac.h"
#include "unit.h"

static const char *
hmac_hex(enum ppv_hash h, const void *key, size_t kn, const void *msg, size_t mn)
{
	static char hex[2 * PPV_MAC_MAX + 1];
	uint8_t out[PPV_MAC_MAX];
	ppv_mac *m = ppv_mac_new(h, key, kn);

	ppv_mac_sign(m, msg, mn, out);
	ppv_hex_encode(hex, out, ppv_mac_size(m));
	ppv_mac_free(m);
	return hex;
}

UNIT_TEST(test_mac)
{
	uint8_t key[131], msg[300], a[32], b[32];

	/* RFC 4231 test case 2 and RFC 2202 test case 2 */
	CHECK_STR(hmac_hex(PPV_SHA256, "Jefe", 4, "what do ya want for nothing?", 28),
	          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	CHECK_STR(hmac_hex(PPV_SHA1, "Jefe", 4, "what do ya want for nothing?", 28),
	          "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	CHECK_STR(hmac_hex(PPV_MD5, "Jefe", 4, "what do ya want for nothing?", 28),
	          "750c783e6ab0b503eaa86e310a5db738");
	/* RFC 4231 test case 6: a key longer than the block is hashed first */
	memset(key, 0xaa, sizeof key);
	CHECK_STR(hmac_hex(PPV_SHA256, key, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 54),
	          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");

	/* the same as libavutil's own HMAC for random keys and lengths, and for
	 * a context reused many times (the cached pads must not drift) */
	AVHMAC *ref = av_hmac_alloc(AV_HMAC_SHA256);
	ppv_random(key, sizeof key);
	ppv_random(msg, sizeof msg);
	int same = 1;
	for (size_t kn = 1; kn < sizeof key; kn += 13) {
		ppv_mac *m = ppv_mac_new(PPV_SHA256, key, kn);
		for (size_t mn = 0; mn < sizeof msg; mn += 7) {
			ppv_mac_sign(m, msg, mn, a);
			av_hmac_calc(ref, msg, (unsigned)mn, key, (unsigned)kn, b, sizeof b);
			same &= !memcmp(a, b, 32);
		}
		CHECK(ppv_mac_verify(m, msg, 10, (ppv_mac_sign(m, msg, 10, a), a), 32));
		a[31] ^= 1;
		CHECK(!ppv_mac_verify(m, msg, 10, a, 32));
		CHECK(!ppv_mac_verify(m, msg, 10, a, 31));
		ppv_mac_free(m);
	}
	CHECK(same);
	av_hmac_free(ref);

	/* a message in parts signs as the parts joined, an empty part included */
	ppv_mac *m = ppv_mac_new(PPV_SHA1, key, 20);
	const void *part[] = { msg, msg + 3, msg + 3, msg + 70 };
	size_t len[] = { 3, 0, 67, 1 };
	ppv_mac_signv(m, part, len, 4, a);
	ppv_mac_sign(m, msg, 71, b);
	CHECK(!memcmp(a, b, 20));
	ppv_mac_free(m);
	CHECK(ppv_hash_byname("sha1") == PPV_SHA1 && ppv_hash_byname("sha512") == -1);
}
