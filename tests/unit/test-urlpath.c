/* test-urlpath.c: normalization against traversal, escaping, ACL wildcards. */
#include "unit.h"
#include "urlpath.h"

static const char *
norm(const char *p)
{
	static char out[256];

	if (ppv_path_normalize(out, p, strlen(p)) < 0)
		return "(bad)";
	return out;
}

static int
glob(const char *pat, const char *s)
{
	return ppv_glob_match(pat, strlen(pat), s, strlen(s));
}

UNIT_TEST(test_urlpath)
{
	char out[256];

	CHECK_STR(norm("/live/ev1/index.m3u8"), "/live/ev1/index.m3u8");
	CHECK_STR(norm("/live/ev1/../ev2/"), "/live/ev2/");
	CHECK_STR(norm("/live/ev1/%2e%2e/ev2/a.ts"), "/live/ev2/a.ts");
	CHECK_STR(norm("/live/ev1%2F..%2Fev2/a.ts"), "/live/ev2/a.ts");
	CHECK_STR(norm("/live//ev1/./a.ts"), "/live/ev1/a.ts");
	CHECK_STR(norm("/../../etc/passwd"), "/etc/passwd");
	CHECK_STR(norm("/a/b/.."), "/a/");
	CHECK_STR(norm("/a/."), "/a/");
	CHECK_STR(norm("/"), "/");
	CHECK_STR(norm("/a%20b"), "/a b");
	CHECK_STR(norm("/a%00b"), "(bad)");
	CHECK_STR(norm("/a%2"), "(bad)");
	CHECK_STR(norm("/a%zz"), "(bad)");
	CHECK_STR(norm("relative"), "(bad)");
	ppv_url_escape(out, "MY_ID##/x y~", 12, 1);
	CHECK_STR(out, "MY_ID%23%23%2fx+y~");
	ppv_url_escape(out, "a!b", 3, 0);
	CHECK_STR(out, "a%21b");
	CHECK(glob("/live/ev1/*", "/live/ev1/a.ts"));
	CHECK(glob("/live/ev1/*", "/live/ev1/sub/dir/a.ts"));
	CHECK(!glob("/live/ev1/*", "/live/ev2/a.ts"));
	CHECK(!glob("/live/ev1/*", "/live/ev1"));
	CHECK(glob("/live/ev?/*.ts", "/live/ev7/seg1.ts"));
	CHECK(!glob("/live/ev?/*.ts", "/live/ev10/seg1.ts"));
	CHECK(glob("*", ""));
	CHECK(glob("/a*b*c", "/aXbYbZc"));
	CHECK(!glob("/a*b*c", "/aXbYbZ"));
	CHECK(glob("/exact", "/exact") && !glob("/exact", "/exact2"));
}
