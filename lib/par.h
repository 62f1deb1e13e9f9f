/* par.h: a job cut in two, its halves run on two threads at once. */
#ifndef PPV_PAR_H
#define PPV_PAR_H

typedef void ppv_half_fn(void *arg);

/* fn(a) on a thread of its own while fn(b) runs on the caller's; both have
 * ended on return. One after the other when no thread can be started. */
void ppv_par2(ppv_half_fn *fn, void *a, void *b);

#endif
