/* test-token.c: the token engine on known answers and on its own round trips. */
#include <stdint.h>
#include <stdlib.h>

#include "codec.h"

#include "keys.h"
#include "token.h"
#include "unit.h"

static ppv_keyring
ring(const char *kid, const char *secret, int hex)
{
	ppv_keyring r = { calloc(1, sizeof(ppv_key)), 1 };

	strcpy(r.v[0].kid, kid);
	r.v[0].secret = malloc(strlen(secret));
	r.v[0].len = hex ? (size_t)ppv_hex_decode(r.v[0].secret, strlen(secret), secret, strlen(secret))
	                 : (memcpy(r.v[0].secret, secret, strlen(secret)), strlen(secret));
	return r;
}

UNIT_TEST(test_token)
{
	char tok[4096], err[256];
	ppv_keyring k = ring("", "7a5c2be9f42a1f32cd889d1cf775f05d0cd162bd2871d00fe705ab28c9bba5a5", 1);
	ppv_tokcfg cfg = { .fmt = PPV_FMT_AKAMAI, .algo = PPV_SHA256, .keys = &k };
	ppv_signer *s = ppv_signer_new(&cfg, err, sizeof err);
	const char *acl[] = { "/path1", "/path2" };
	ppv_claims c = { .start = 1492404013, .expires = 1493008813, .acl = acl, .nacl = 2 };
	ppv_checkopt o = { .now = 1492404100 };

	CHECK(ppv_mint(s, &c, tok, sizeof tok) > 0);
	CHECK_STR(tok, "st=1492404013~exp=1493008813~acl=/path1!/path2~hmac="
	               "17f163a7cb8d38e2bb97849375674758cc47a5937764c4b2e82678f23cee6380");
	CHECK(ppv_check(s, &o, tok, strlen(tok)) == PPV_TOK_OK);
	o.path = "/path2";
	CHECK(ppv_check(s, &o, tok, strlen(tok)) == PPV_TOK_OK);
	o.path = "/path3";
	CHECK(ppv_check(s, &o, tok, strlen(tok)) == PPV_TOK_ACL_MISMATCH);
	CHECK(ppv_mint(s, &c, tok, 20) == -1);  /* does not fit: refused, never cut */
	ppv_signer_free(s);

	/* nginx: the documented default expression, checked by hand with md5sum */
	ppv_keyring nk = ring("", "secret", 0);
	ppv_tokcfg ncfg = { .fmt = PPV_FMT_NGINX, .keys = &nk };
	s = ppv_signer_new(&ncfg, err, sizeof err);
	ppv_claims nc = { .start = -1, .expires = 2147483647, .path = "/s/link", .ip = "127.0.0.1" };
	CHECK(ppv_mint(s, &nc, tok, sizeof tok) > 0);
	/* echo -n '2147483647/s/link127.0.0.1 secret' | openssl md5 -binary | base64url */
	CHECK_STR(tok, "md5=_e4Nc3iduzkWRm01TBBNYw&expires=2147483647");
	ppv_signer_free(s);
	/* $ppv_dir and the token in the path: one ticket for a directory */
	ncfg.nginx_expr = "$secure_link_expires$ppv_dir $secret";
	ncfg.token_path = "/t/";
	s = ppv_signer_new(&ncfg, err, sizeof err);
	nc.path = "/live/ev1/index.m3u8";
	long tn = ppv_mint(s, &nc, tok, sizeof tok);
	char url[512];
	CHECK(tn > 0 && ppv_mint_url(s, "http://h/", nc.path, tok, (size_t)tn, url, sizeof url) > 0);
	/* printf '2147483647/live/ev1 secret' | openssl md5 -binary | base64url */
	CHECK_STR(url, "http://h/t/PQuxuG9NYmD5Fs_5Az7JUw/2147483647/live/ev1/index.m3u8");
	const char *seg = "http://h/t/PQuxuG9NYmD5Fs_5Az7JUw/2147483647/live/ev1/seg7.ts";
	CHECK(ppv_check(s, &o, seg, strlen(seg)) == PPV_TOK_OK);
	const char *other = "http://h/t/PQuxuG9NYmD5Fs_5Az7JUw/2147483647/live/ev2/seg7.ts";
	CHECK(ppv_check(s, &o, other, strlen(other)) == PPV_TOK_BAD_SIGNATURE);
	ppv_signer_free(s);
	ncfg.token_path = NULL;
	ncfg.nginx_expr = "$uri $foo";
	CHECK(ppv_signer_new(&ncfg, err, sizeof err) == NULL && strstr(err, "$foo"));
	ncfg.nginx_expr = "$uri";
	CHECK(ppv_signer_new(&ncfg, err, sizeof err) == NULL && strstr(err, "$secret"));

	/* jwt: a header with alg none never verifies */
	ppv_keyring jk = ring("", "000102030405060708090a0b0c0d0e0f", 1);
	ppv_tokcfg jcfg = { .fmt = PPV_FMT_JWT, .keys = &jk };
	s = ppv_signer_new(&jcfg, err, sizeof err);
	ppv_claims jc = { .start = -1, .expires = 1492405000, .issued = 1492404000, .sub = "fan" };
	CHECK(ppv_mint(s, &jc, tok, sizeof tok) > 0);
	o.path = NULL;
	CHECK(ppv_check(s, &o, tok, strlen(tok)) == PPV_TOK_OK);
	const char *none = "eyJhbGciOiJub25lIn0.eyJleHAiOjk5OTk5OTk5OTl9.";
	CHECK(ppv_check(s, &o, none, strlen(none)) == PPV_TOK_MALFORMED);
	ppv_signer_free(s);
	ppv_keys_free(&k);
	ppv_keys_free(&nk);
	ppv_keys_free(&jk);
	jk = ring("", "0001", 1);
	CHECK(ppv_signer_new(&jcfg, err, sizeof err) == NULL && strstr(err, "16"));
	ppv_keys_free(&jk);
}

UNIT_TEST(test_token_cdn)
{
	char tok[4096], url[4096], err[256];
	/* python-docs-samples/cdn/snippets_test.py: nZtRohdNF9m3cKM24IcK4w== */
	ppv_keyring gk = ring("my-key", "9d9b51a2174d17d9b770a336e0870ae3", 1);
	ppv_tokcfg gcfg = { .fmt = PPV_FMT_GCDN, .keys = &gk };
	ppv_signer *s = ppv_signer_new(&gcfg, err, sizeof err);
	ppv_claims c = { .start = -1, .expires = 1549751401, .path = "http://35.186.234.33/index.html" };
	ppv_checkopt o = { .now = 1549751000 };
	long n;

	CHECK((n = ppv_mint(s, &c, tok, sizeof tok)) > 0);
	CHECK_STR(tok, "Expires=1549751401&KeyName=my-key&Signature=CRFqQnVfFyiUyR63OQf-HRUpIwc=");
	CHECK(ppv_mint_url(s, NULL, c.path, tok, (size_t)n, url, sizeof url) > 0);
	CHECK_STR(url, "http://35.186.234.33/index.html?Expires=1549751401&KeyName=my-key&Signature=CRFqQnVfFyiUyR63OQf-HRUpIwc=");
	CHECK(ppv_check(s, &o, url, strlen(url)) == PPV_TOK_OK);
	o.now = 1549751402;
	CHECK(ppv_check(s, &o, url, strlen(url)) == PPV_TOK_EXPIRED);
	ppv_signer_free(s);
	gcfg.url_prefix = "http://35.186.234.33/";
	s = ppv_signer_new(&gcfg, err, sizeof err);
	CHECK(ppv_mint(s, &c, tok, sizeof tok) > 0);
	CHECK_STR(tok, "URLPrefix=aHR0cDovLzM1LjE4Ni4yMzQuMzMv&Expires=1549751401&KeyName=my-key&Signature=j7HYgoQ8dIOVsW3Rw4cpkjWfRMA=");
	c.path = "http://35.186.234.34/index.html";  /* not under the prefix */
	CHECK(ppv_mint(s, &c, tok, sizeof tok) == -1);
	ppv_signer_free(s);
	gcfg.url_prefix = NULL;
	gcfg.cookies = 1;
	s = ppv_signer_new(&gcfg, err, sizeof err);
	c.path = "http://www.example.com/foo/";
	CHECK(ppv_mint(s, &c, tok, sizeof tok) > 0);
	CHECK_STR(tok, "Cloud-CDN-Cookie=URLPrefix=aHR0cDovL3d3dy5leGFtcGxlLmNvbS9mb28v:Expires=1549751401:KeyName=my-key:Signature=Z9uYAu73YHioRScZDxnP-TnS274=");
	o.now = 1549751000;
	CHECK(ppv_check(s, &o, tok, strlen(tok)) == PPV_TOK_OK);
	o.path = "http://www.example.com/bar/x";
	CHECK(ppv_check(s, &o, tok, strlen(tok)) == PPV_TOK_ACL_MISMATCH);
	o.path = NULL;
	ppv_signer_free(s);
	ppv_keys_free(&gk);

	/* Fastly: python3 -c 'hmac.new(b"0123456789abcdef", b"/foo/bar.html1441307151", sha1).hexdigest()' */
	ppv_keyring fk = ring("", "30313233343536373839616263646566", 1);
	ppv_tokcfg fcfg = { .fmt = PPV_FMT_FASTLY, .keys = &fk };
	s = ppv_signer_new(&fcfg, err, sizeof err);
	ppv_claims fc = { .start = -1, .expires = 1441307151, .path = "/foo/bar.html?x=1" };
	CHECK(ppv_mint(s, &fc, tok, sizeof tok) > 0);
	CHECK_STR(tok, "token=1441307151_6f74d0e264d1dac2a39d76d5aa9cc466c9cd9f8f");
	o.now = 1441307000;
	o.path = "/foo/bar.html";
	CHECK(ppv_check(s, &o, tok, strlen(tok)) == PPV_TOK_OK);
	o.path = "/foo/baz.html";
	CHECK(ppv_check(s, &o, tok, strlen(tok)) == PPV_TOK_BAD_SIGNATURE);
	ppv_signer_free(s);
	ppv_keys_free(&fk);
}

UNIT_TEST(test_token_gcdn_fuzzed)
{
	/* the fuzzer's find: a Signature= before the URL's '?' read the fields
	 * before the start of the line */
	ppv_keyring gk = ring("k1", "30313233343536373839616263646566", 1);
	ppv_tokcfg gcfg = { .fmt = PPV_FMT_GCDN, .keys = &gk };
	char err[256];
	ppv_signer *s = ppv_signer_new(&gcfg, err, sizeof err);
	ppv_checkopt o = { .now = 1 };
	const char *l = "http://h/a&Signature=x?Expires=2&KeyName=k1";

	CHECK(ppv_check(s, &o, l, strlen(l)) == PPV_TOK_MALFORMED);
	ppv_signer_free(s);
	ppv_keys_free(&gk);
}

UNIT_TEST(test_token_bunny)
{
	/* BunnyWay/BunnyCDN.TokenAuthentication e2e/vectors.json: ip_v4_countries */
	ppv_keyring bk = ring("", "SecurityKey", 0);
	ppv_tokcfg bcfg = { .fmt = PPV_FMT_BUNNY, .keys = &bk, .countries = "CA,US", .bunny_dir = 1 };
	char tok[4096], err[256];
	ppv_signer *s = ppv_signer_new(&bcfg, err, sizeof err);
	ppv_claims c = { .start = -1, .expires = 1598024587, .path = "https://token-tester.b-cdn.net/abc/", .ip = "1.2.3.4" };
	ppv_checkopt o = { .now = 1598024000, .ip = "1.2.3.4" };

	CHECK(ppv_mint(s, &c, tok, sizeof tok) > 0);
	CHECK_STR(tok, "https://token-tester.b-cdn.net/bcdn_token=HS256-1-4lIDGI2_t3wiTmopXzB7z71wtZKTe1Ic0lDlL72iAJw"
	               "&token_countries=CA%2CUS&expires=1598024587/abc/");
	CHECK(ppv_check(s, &o, tok, strlen(tok)) == PPV_TOK_OK);
	o.ip = "1.2.3.5";
	CHECK(ppv_check(s, &o, tok, strlen(tok)) == PPV_TOK_BAD_SIGNATURE);
	/* a name given twice in the URL's query is refused, as the reference does */
	c.path = "https://h/a?x=1&x=2";
	CHECK(ppv_mint(s, &c, tok, sizeof tok) == -1);
	const char *dup = "https://h/a?token=HS256-x&x=1&x=2&expires=1";
	CHECK(ppv_check(s, &o, dup, strlen(dup)) == PPV_TOK_MALFORMED);
	/* the fuzzer's find: a path line is n bytes, not a string */
	char path[2] = { '/', 'a' };
	CHECK(ppv_check(s, &o, path, 2) == PPV_TOK_MALFORMED);
	ppv_signer_free(s);
	ppv_keys_free(&bk);
}
