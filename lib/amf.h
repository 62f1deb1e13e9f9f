/* amf.h: AMF0, the encoding of RTMP commands: a bounded reader and a writer. */
#ifndef PPV_AMF_H
#define PPV_AMF_H

#include <stddef.h>
#include <stdint.h>

enum {
	PPV_AMF_NUMBER = 0, PPV_AMF_BOOL = 1, PPV_AMF_STRING = 2, PPV_AMF_OBJECT = 3,
	PPV_AMF_NULL = 5, PPV_AMF_UNDEFINED = 6, PPV_AMF_ECMA = 8, PPV_AMF_OBJEND = 9,
	PPV_AMF_STRICT = 10, PPV_AMF_DATE = 11, PPV_AMF_LONGSTRING = 12,
};

typedef struct {
	const uint8_t *p, *end;
} ppv_amf;

/* Each reader returns 0 and advances, or -1 (and stays) on a type or bounds error. */
int ppv_amf_string(ppv_amf *a, const char **s, size_t *n);
int ppv_amf_number(ppv_amf *a, double *v);
/* Skips one value of any type; nesting deeper than 16 is an error. */
int ppv_amf_skip(ppv_amf *a);
/* In the object (or ECMA array) at a, the string value of property key;
 * a is left after the object. -1 when malformed, 0 found, 1 absent. */
int ppv_amf_prop(ppv_amf *a, const char *key, const char **s, size_t *n);

/* Writers append to a bounded buffer; *over is set when it is full. */
typedef struct {
	uint8_t *p;
	size_t n, cap;
	int over;
} ppv_amfw;

void ppv_amfw_number(ppv_amfw *w, double v);
void ppv_amfw_bool(ppv_amfw *w, int v);
void ppv_amfw_string(ppv_amfw *w, const char *s);
void ppv_amfw_null(ppv_amfw *w);
void ppv_amfw_object(ppv_amfw *w);
void ppv_amfw_key(ppv_amfw *w, const char *k);   /* then one value */
void ppv_amfw_end(ppv_amfw *w);

#endif
