/* rtmp.h: the server side of one RTMP publish session, with the stream key checked by us. */
#ifndef PPV_RTMP_H
#define PPV_RTMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
	/* Up to n bytes: 0 when the peer closed, -1 on error. May block; or,
	 * after the handshake, fail with EAGAIN: ppv_rtmp_next returns
	 * PPV_RTMP_AGAIN, and goes on where it was when called again. */
	ssize_t (*read)(void *io, void *buf, size_t n);
	/* All n bytes, or -1. */
	int (*write)(void *io, const void *buf, size_t n);
	void *io;
	const char *app;           /* the application publishers must connect to */
	/* The publisher's name for a stream key, or NULL when it may not publish:
	 * then *why says why, if not for a wrong key. */
	const char *(*auth)(void *ctx, const char *key, size_t n, const char **why);
	void *ctx;
} ppv_rtmp_io;

typedef struct {
	int type;                  /* 8 audio, 9 video, 18 data (metadata) */
	uint32_t ts;               /* milliseconds, as the publisher stamped it */
	const uint8_t *data;       /* valid until the next ppv_rtmp_next */
	size_t len;
} ppv_rtmp_msg;

enum {
	PPV_RTMP_MEDIA = 1,        /* *msg holds a media message */
	PPV_RTMP_PUBLISHED = 2,    /* the key was accepted and publishing began */
	PPV_RTMP_AGAIN = 3,        /* the io's read would wait: call again when there is more */
	PPV_RTMP_END = 0,          /* the publisher stopped or hung up */
	PPV_RTMP_ERROR = -1,       /* a protocol or I/O error */
	PPV_RTMP_REJECTED = -2,    /* wrong application or stream key */
};

typedef struct ppv_rtmp ppv_rtmp;

ppv_rtmp *ppv_rtmp_new(const ppv_rtmp_io *io);
/* Runs the handshake and the commands as they come, and returns at the next
 * media message, the end of the session, or an error. */
int ppv_rtmp_next(ppv_rtmp *r, ppv_rtmp_msg *msg);
/* Once publishing (just after PPV_RTMP_PUBLISHED, say), the session as
 * ppv_rtmp_resume takes it up in another process, with its socket: a
 * malloc'd buffer of *n bytes, or NULL. */
uint8_t *ppv_rtmp_save(const ppv_rtmp *r, size_t *n);
/* NULL when the bytes are not a saved session. io's app and auth go unused. */
ppv_rtmp *ppv_rtmp_resume(const ppv_rtmp_io *io, const uint8_t *b, size_t n);
/* The session ended by the publisher's own unpublish: it closes when it has
 * its answer, and a server that closes first fails GStreamer's rtmp2sink. */
int ppv_rtmp_unpublished(const ppv_rtmp *r);
int ppv_rtmp_publishing(const ppv_rtmp *r);
/* The publisher's name once publishing; why the session failed otherwise. */
const char *ppv_rtmp_name(const ppv_rtmp *r);
const char *ppv_rtmp_error(const ppv_rtmp *r);
void ppv_rtmp_free(ppv_rtmp *r);

#endif
