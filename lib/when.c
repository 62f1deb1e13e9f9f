/* when.c: instants, playlist dates, durations and media time, parsed and printed without the C library's time zone state. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "when.h"

/* Howard Hinnant's algorithms: exact for every year, no table, no TZ. */
int64_t
ppv_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
ppv_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int
digits(const char **s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*s)++) {
		if (!isdigit((unsigned char)**s))
			return -1;
		*v = *v * 10 + (**s - '0');
	}
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dm[m - 1];
}

static int
parse_rfc3339(const char *s, int64_t *t)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh, om, sign;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
	    digits(&s, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	int64_t off = 0;
	if (*s) {
		if (*s != 'T' && *s != 't' && *s != ' ')
			return -1;
		s++;
		if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) || *s++ != ':' ||
		    digits(&s, 2, &se))
			return -1;
		/* 60 is a leap second; it folds into the next second like POSIX time does */
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		if (*s == '.') {
			if (!isdigit((unsigned char)*++s))
				return -1;
			while (isdigit((unsigned char)*s))
				s++;
		}
		if (*s == 'Z' || *s == 'z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			sign = *s++ == '-' ? -1 : 1;
			if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om) || oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60);
		} else {
			return -1;  /* a time of day without a zone is ambiguous */
		}
		if (*s)
			return -1;
	}
	*t = ppv_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off;
	return 0;
}

int
ppv_time_parse(const char *s, int64_t *t)
{
	const char *p = s;
	int64_t v = 0;
	int neg = 0;

	if (!s || !*s)
		return -1;
	if (strlen(s) >= 10 && s[4] == '-')
		return parse_rfc3339(s, t);
	if (*p == '-')
		neg = 1, p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (*p == '.') {  /* unix seconds with a fraction, as logs often carry */
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p)
		return -1;
	*t = neg ? -v : v;
	return 0;
}

int
ppv_duration_parse_ms(const char *s, int64_t *ms)
{
	static const struct { char c; int64_t ms; } unit[] = {
		{ 'd', 86400000 }, { 'h', 3600000 }, { 'm', 60000 }, { 's', 1000 },
	};
	int64_t total = 0;
	size_t last = 0;   /* units must come in order: 1h30m, not 30m1h */
	int any = 0;

	if (!s || !*s)
		return -1;
	while (*s) {
		int64_t whole = 0, frac = 0, scale = 1;
		int nd = 0;
		for (; isdigit((unsigned char)*s); s++, nd++) {
			if (whole > INT64_MAX / 100000)
				return -1;
			whole = whole * 10 + (*s - '0');
		}
		if (*s == '.') {
			s++;
			for (; isdigit((unsigned char)*s); s++, nd++)
				if (scale < 1000)
					frac = frac * 10 + (*s - '0'), scale *= 10;
		}
		if (!nd)
			return -1;
		int64_t u = 1000;  /* a bare number is seconds */
		if (*s == 'm' && s[1] == 's') {
			u = 1;
			s += 2;
			last = 5;
		} else if (*s) {
			size_t i;
			for (i = 0; i < 4 && unit[i].c != *s; i++)
				;
			if (i == 4 || i + 1 <= last)
				return -1;
			last = i + 1;
			u = unit[i].ms;
			s++;
		} else if (any) {
			return -1;  /* 1h30 is ambiguous */
		}
		if (whole > INT64_MAX / 4 / u || total > INT64_MAX / 2)
			return -1;
		total += whole * u + frac * u / scale;
		any = 1;
	}
	*ms = total;
	return 0;
}

int
ppv_duration_parse(const char *s, int64_t *secs)
{
	int64_t ms;

	if (ppv_duration_parse_ms(s, &ms) || ms % 1000)
		return -1;
	*secs = ms / 1000;
	return 0;
}

char *
ppv_time_format(int64_t t, char *buf)
{
	int64_t days = t / 86400, rem = t % 86400, y;
	unsigned m, d;

	if (rem < 0)
		rem += 86400, days--;
	ppv_civil_from_days(days, &y, &m, &d);
	snprintf(buf, 32, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
	         (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return buf;
}

int64_t
ppv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *
ppv_ticks_format(uint64_t ticks, char *buf)
{
	uint64_t us = (ticks * 100 + 4) / 9;

	sprintf(buf, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
	return buf;
}

int
ppv_ticks_parse(const char *s, uint64_t *ticks)
{
	uint64_t ip = 0, us = 0;
	int digits = 0, frac = 0;

	if (*s == '\0')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (ip > UINT64_C(1) << 40)
			return -1;
		ip = ip * 10 + (uint64_t)(*s - '0');
	}
	if (*s == 't' && s[1] == '\0' && digits) {
		*ticks = ip;
		return 0;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, frac++)
			if (frac < 6)
				us = us * 10 + (uint64_t)(*s - '0');
			else if (frac == 6 && *s >= '5')
				us++;
		if (frac == 0)
			return -1;
		for (int i = frac; i < 6; i++)
			us *= 10;
	}
	if (*s || !digits)
		return -1;
	*ticks = ip * 90000 + (us * 9 + 50) / 100;
	return 0;
}

/* Media time as people write it: 600, 600.5, 90000t, 10m, 1h2m3s. */
int
ppv_media_time_parse(const char *s, uint64_t *ticks)
{
	int64_t ms;

	if (ppv_ticks_parse(s, ticks) == 0)
		return 0;
	if (ppv_duration_parse_ms(s, &ms) < 0 || ms < 0)
		return -1;
	*ticks = (uint64_t)ms * 90;
	return 0;
}

int
ppv_pdt_parse(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, n = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return -1;
	s += n;
	int64_t frac = 0, scale = 1000;
	if (*s == '.' || *s == ',') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*s - '0') * scale;
			}
		}
	}
	int64_t off = 0;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int oh, om = 0, sign = *s == '-' ? -1 : 1;
		if (sscanf(s + 1, "%2d:%2d", &oh, &om) < 1 && sscanf(s + 1, "%2d%2d", &oh, &om) < 1)
			return -1;
		off = sign * (oh * 3600 + om * 60);
		s += strlen(s);
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	int64_t days = ppv_days_from_civil(y, (unsigned)mo, (unsigned)d);
	*ms = ((days * 86400 + h * 3600 + mi * 60 + sec) - off) * 1000 + frac;
	return 0;
}

char *
ppv_pdt_format(int64_t ms, char *buf)
{
	int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int64_t rem = ms - s * 1000, days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	int64_t sod = s - days * 86400, y;
	unsigned mo, d;

	ppv_civil_from_days(days, &y, &mo, &d);
	sprintf(buf, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02d.%03dZ", y, mo, d, (int)(sod / 3600),
		(int)(sod / 60 % 60), (int)(sod % 60), (int)rem);
	return buf;
}
