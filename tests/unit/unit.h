/* unit.h: a minimal test harness for lib/: each CHECK counts as one test. */
#ifndef PPV_UNIT_H
#define PPV_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_pass, unit_fail;

#define CHECK(cond) do { \
	if (cond) unit_pass++; \
	else { unit_fail++; fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)
#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && !strcmp(g_, w_)) unit_pass++; \
	else { unit_fail++; fprintf(stderr, "%s:%d: FAILED: got '%s', want '%s'\n", \
	       __FILE__, __LINE__, g_ ? g_ : "(null)", w_); } \
} while (0)

void test_when(void);
void test_codec(void);
void test_mac(void);
void test_urlpath(void);
void test_json(void);
void test_csvio(void);
void test_atomic(void);
void test_token(void);
void test_amf(void);
void test_scte35(void);
void test_m3u8(void);
void test_money(void);

#endif
