/* fswatch — waits for files to change, the way editors save them.
 *
 * It watches folders (inotify), not files: vim, WPS and most editors save by writing a new file
 * and renaming it over the old one, which replaces the inode a per-file watch would hold. A
 * watched file changes when a file of its name is closed after writing or renamed into its
 * folder (IN_CLOSE_WRITE, IN_MOVED_TO), or deleted. A save is a burst of such events (a
 * temporary file, a backup, the rename); fswatch_wait returns once the burst is over, with every
 * watched path it touched, each once. */
#ifndef WENSHU_FSWATCH_H
#define WENSHU_FSWATCH_H

#include <stddef.h>

typedef struct fswatch fswatch;

fswatch *fswatch_new(void); /* NULL when inotify is unavailable (errno set) */
void fswatch_free(fswatch *w);

/* Watches the file at path (its folder, for its name). Returns 0, or -1 (errno set). Adding the
 * same path twice is harmless. */
int fswatch_add_file(fswatch *w, const char *path);
/* Watches every file in dir whose name ends with suffix ("" for any; names starting with "."
 * and editors' leftovers — "name~", vim's "4913" probe — never count). */
int fswatch_add_dir(fswatch *w, const char *dir, const char *suffix);

/* Waits up to timeout_ms (-1: for ever) for a watched file to change, then until settle_ms pass
 * without another event. Returns the number of changed paths (fswatch_changed), 0 on timeout,
 * -1 when interrupted by a signal or on error (errno set). */
int fswatch_wait(fswatch *w, int timeout_ms, int settle_ms);
/* The i-th changed path of the last wait, as "folder/name" with folder as it was added. */
const char *fswatch_changed(const fswatch *w, size_t i);

/* The inotify descriptor, readable when an event is waiting (for callers that poll more). */
int fswatch_fd(const fswatch *w);

#endif
