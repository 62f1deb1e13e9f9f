/* input.h: read named files or stdin, plain or gzip, line by line or in blocks. */
#ifndef PPV_INPUT_H
#define PPV_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct ppv_input ppv_input;

/* NULL or "-" is stdin. Dies (exit 2) when the file cannot be opened. */
ppv_input *ppv_input_open(const char *path);
/* The next line without its newline (a trailing CR is kept: CSV needs it),
 * NUL-terminated, valid until the next call; -1 at end of input. A line over
 * 1 MiB dies with file:line, or after ppv_input_long_lines is skipped and
 * returns -2. */
ssize_t ppv_input_line(ppv_input *in, char **line);
void ppv_input_long_lines(ppv_input *in);
/* The next item of a list given one a line (paths, tokens, cues): trailing
 * blanks and CR cut, blank lines and # comments skipped; as ppv_input_line
 * returns otherwise. */
ssize_t ppv_input_item(ppv_input *in, char **line);
/* Every item of a file (NULL or "-": stdin), read whole: for a list whose
 * length decides how it is worked. */
char **ppv_input_items(const char *path, size_t *n);
void ppv_input_items_free(char **v, size_t n);
/* Up to n bytes; 0 at end of input. */
size_t ppv_input_read(ppv_input *in, void *buf, size_t n);
const char *ppv_input_name(const ppv_input *in);
/* Uncompressed bytes handed out so far. */
uint64_t ppv_input_consumed(const ppv_input *in);
/* The bytes a file will give: its size, or for gzip the size in its trailer
 * (modulo 4 GiB, so a guess past that); 0 for stdin or a pipe. */
uint64_t ppv_input_size_of(const char *path);
long ppv_input_lineno(const ppv_input *in);
void ppv_input_close(ppv_input *in);

#endif
