/* streq.h: short strings (ids, codes, platform names) compared inline, for loops that compare one per event. */
#ifndef PPV_STREQ_H
#define PPV_STREQ_H

/* Not strcmp: a call per event for strings of a few bytes, and glibc's reads
 * 32 bytes at a time, past a short id into memory no one prefetched. */
static inline int
ppv_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static inline int
ppv_fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* a equals b but for the case of ASCII letters, all a code or a tax form holds */
static inline int
ppv_caseeq(const char *a, const char *b)
{
	while (*a && ppv_fold((unsigned char)*a) == ppv_fold((unsigned char)*b))
		a++, b++;
	return ppv_fold((unsigned char)*a) == ppv_fold((unsigned char)*b);
}

#endif
