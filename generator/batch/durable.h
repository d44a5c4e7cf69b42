/* durable — makes batches of written files durable and moves them into place, on a thread of
 * their own, so that the process handing out work never waits for the disk.
 *
 * A batch is a list of temporaries already written (not fsynced) and the names they are to take.
 * The thread makes the whole file system durable with one syncfs() — one wait for the journal
 * instead of one fsync per file, which serialised the workers of `wenshu build` — and then
 * renames each temporary over its destination. Only then may the caller report the files as
 * made: a crash at any point leaves either the previous file or the new, complete one.
 *
 * One batch is in flight at a time; submitting the next first waits for it. The thread makes
 * system calls only (no allocation, no stdio), so the caller may fork while it runs. */
#ifndef WENSHU_DURABLE_H
#define WENSHU_DURABLE_H

#include <stddef.h>

typedef struct {
    const char *tmp;  /* the written temporary */
    const char *dest; /* where it goes */
    int err;          /* set by the thread: 0, or the errno of the syncfs or the rename */
} durable_file;

typedef struct durable durable;

/* dir: any folder on the file system the files are on (the syncfs target). NULL when no thread
 * can be started; durable_submit then does the work at once, in the caller. */
durable *durable_new(const char *dir);

/* Starts on files[0..n): the array must stay untouched until durable_wait returns it. Waits for
 * the batch in flight first — call durable_wait before, to learn how it went. */
void durable_submit(durable *d, durable_file *files, size_t n);

/* Waits for the batch in flight and returns it (with each file's err set), NULL when none. */
durable_file *durable_wait(durable *d, size_t *n);

/* Waits for the batch in flight, if any (its results are lost: wait first), and frees d. */
void durable_free(durable *d);

#endif
