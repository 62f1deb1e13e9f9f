/* test-amf.c: AMF0 round trips and the bounds the RTMP session relies on. */
#include <stdint.h>

#include "amf.h"
#include "unit.h"

/* {"k": {"k": ... null}} nested depth deep, properly closed; skipped. */
static int
nested(int depth)
{
	uint8_t b[256];
	size_t n = 0;

	for (int i = 0; i < depth; i++) {
		if (i)
			b[n++] = 0, b[n++] = 1, b[n++] = 'k';
		b[n++] = PPV_AMF_OBJECT;
	}
	b[n++] = 0, b[n++] = 1, b[n++] = 'k', b[n++] = PPV_AMF_NULL;
	for (int i = 0; i < depth; i++)
		b[n++] = 0, b[n++] = 0, b[n++] = PPV_AMF_OBJEND;
	ppv_amf t = { b, b + n };
	return ppv_amf_skip(&t);
}

UNIT_TEST(test_amf)
{
	uint8_t b[256];
	ppv_amfw w = { b, 0, sizeof b, 0 };
	const char *s;
	size_t n;
	double d;

	ppv_amfw_string(&w, "connect");
	ppv_amfw_number(&w, 1);
	ppv_amfw_object(&w);
	ppv_amfw_key(&w, "flashVer");
	ppv_amfw_bool(&w, 1);
	ppv_amfw_key(&w, "app");
	ppv_amfw_string(&w, "live");
	ppv_amfw_end(&w);
	ppv_amfw_null(&w);
	CHECK(!w.over);

	ppv_amf a = { b, b + w.n };
	CHECK(ppv_amf_string(&a, &s, &n) == 0 && n == 7 && !memcmp(s, "connect", 7));
	CHECK(ppv_amf_number(&a, &d) == 0 && d == 1);
	ppv_amf obj = a;
	CHECK(ppv_amf_prop(&a, "app", &s, &n) == 0 && n == 4 && !memcmp(s, "live", 4));
	CHECK(a.p < a.end && *a.p == PPV_AMF_NULL);  /* left after the object */
	CHECK(ppv_amf_prop(&obj, "tcUrl", &s, &n) == 1);
	CHECK(ppv_amf_skip(&a) == 0 && a.p == a.end);

	/* every cut of the message is refused, never read past */
	for (size_t cut = 0; cut < w.n; cut++) {
		ppv_amf t = { b, b + cut };
		int ok = ppv_amf_string(&t, &s, &n) == 0 && ppv_amf_number(&t, &d) == 0 &&
		         ppv_amf_prop(&t, "app", &s, &n) == 0 && ppv_amf_skip(&t) == 0;
		if (ok) {
			CHECK(!ok);
			break;
		}
	}
	unit_pass++;

	/* a strict array claiming 4 billion elements runs out of data, not of time */
	uint8_t big[] = { PPV_AMF_STRICT, 0xFF, 0xFF, 0xFF, 0xFF, PPV_AMF_NULL };
	ppv_amf t = { big, big + sizeof big };
	CHECK(ppv_amf_skip(&t) == -1);
	/* nesting is bounded */
	CHECK(nested(10) == 0);   /* well-formed and shallow enough */
	CHECK(nested(20) == -1);  /* well-formed, but deeper than 16 */
	ppv_amfw tiny = { b, 0, 4, 0 };
	ppv_amfw_string(&tiny, "too long");
	CHECK(tiny.over);
}
