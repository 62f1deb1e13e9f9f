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
#define CHECK_INT(got, want) do { \
	long long g_ = (got), w_ = (want); \
	if (g_ == w_) unit_pass++; \
	else { unit_fail++; fprintf(stderr, "%s:%d: FAILED: %s is %lld, want %lld\n", \
	       __FILE__, __LINE__, #got, g_, w_); } \
} while (0)

/* A test function, run by main.c without being listed there: a new test
 * file cannot compile and then never run. */
typedef void (*unit_fn)(void);
void unit_register(const char *name, unit_fn fn);
#define UNIT_TEST(name) \
	static void name(void); \
	__attribute__((constructor)) static void name##_register(void) { unit_register(#name, name); } \
	static void name(void)

#endif
