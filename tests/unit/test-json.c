/* test-json.c: the strict reader and the escaper. */
#include <stdint.h>

#include "json.h"
#include "unit.h"

struct seen {
	int64_t exp;
	char sub[64];
	int n;
};

static int
member(void *ctx, const char *k, size_t kn, const ppv_jval *v)
{
	struct seen *s = ctx;

	s->n++;
	if (kn == 3 && !memcmp(k, "exp", 3))
		return ppv_json_int(v, &s->exp);
	if (kn == 3 && !memcmp(k, "sub", 3))
		return ppv_json_string(v, s->sub, sizeof s->sub) < 0;
	return 0;
}

static int
parse(const char *s, struct seen *out)
{
	memset(out, 0, sizeof *out);
	return ppv_json_object(s, strlen(s), member, out);
}

static int
jv(const char *s)
{
	return ppv_json_value(s, strlen(s));
}

UNIT_TEST(test_json)
{
	struct seen s;
	char out[64];

	CHECK(parse("{\"sub\":\"fan\\u00e9\\n\",\"exp\":1700000000,\"x\":[1,{\"y\":null}]}", &s) == 0);
	CHECK(s.exp == 1700000000 && !strcmp(s.sub, "fan\xc3\xa9\n") && s.n == 3);
	CHECK(parse(" { } ", &s) == 0 && s.n == 0);
	CHECK(parse("{\"exp\":1.5}", &s) == 0 && s.exp == 1);
	CHECK(parse("{\"exp\":1e9}", &s) == -1);
	CHECK(parse("{\"sub\":\"\\ud83d\\ude00\"}", &s) == 0 && !strcmp(s.sub, "\xf0\x9f\x98\x80"));
	CHECK(parse("{\"sub\":\"\\ud83d\"}", &s) == -1);
	CHECK(parse("{\"sub\":\"\\u0000\"}", &s) == -1);
	CHECK(parse("{\"a\":1,}", &s) == -1);
	CHECK(parse("{\"a\":01}", &s) == -1);
	CHECK(parse("{\"a\":\"x\"} trailing", &s) == -1);
	CHECK(parse("[1]", &s) == -1);
	CHECK(parse("{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}", &s) == -1);  /* too deep */
	CHECK(parse("{\"a\":\"tab\there\"}", &s) == -1);
	CHECK(parse("{\"a\":tru}", &s) == -1);
	/* a user's claim value: one whole value, nothing that would open another member */
	CHECK(jv("[{\"type\":\"any\",\"action\":\"block\"}]") == 0);
	CHECK(jv(" \"v\" ") == 0);
	CHECK(jv("1,\"exp\":9") == -1);
	CHECK(jv("\"a\"}") == -1);
	CHECK(jv("") == -1);
	CHECK(jv("v") == -1);
	ppv_json_escape(out, "a\"b\\c\x01", 6);
	CHECK_STR(out, "a\\\"b\\\\c\\u0001");
}
