/* records_scanned — which files' pre-scan passed, so that a file read again unchanged in the same
 * process (or in a worker forked from it) is not pre-scanned again.
 *
 * `wenshu build` reads every records file three times: the index pass (pre-scan, parse, schema),
 * the planning pass and, in the worker that makes its documents, once more; each began with the
 * whole file's byte-by-byte pre-scan (records_prescan), 0.09-0.12 M instructions a member each
 * time (bench/PROFILE.md, seventh round). A pre-scan that passes reports nothing, and its outcome
 * depends on the bytes alone (and on whether the file is read whole), so while the bytes are the
 * same a second pass would pass again, silently.
 *
 * "The same bytes" is judged as make and git do, from the file's identity and change times: the
 * device, inode, size, modification and status-change times (nanoseconds) must equal those taken
 * (by fstat on the descriptor read) before the pre-scan that passed. Any write to the file changes
 * its status-change time, which no user call can set back. The clock that stamps it is coarse
 * (a few milliseconds), so a write in the same tick as the last one could keep it: a file is
 * noted only when both times are at least RECORDS_SCANNED_SETTLED seconds old when it is noted,
 * so a later write cannot fall in their tick. Anything else (a file being edited, a new file)
 * is pre-scanned every time, as before.
 *
 * The table is small and bounded (RECORDS_SCANNED_MAX files; past it nothing more is noted), and
 * guarded by a mutex: the reading threads of records_read.c use it together. The mutex is only
 * ever tried, never waited for: a process forked while another thread held it (a worker of
 * `wenshu serve`, say) would otherwise wait forever. A busy table counts as "not known" and a
 * note is dropped, which costs a pre-scan, never a check. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "records/records_int.h"

#define RECORDS_SCANNED_MAX 4096
#define RECORDS_SCANNED_SETTLED 2

typedef struct {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
    int whole;
} scanned;

static scanned table[RECORDS_SCANNED_MAX];
static size_t ntable;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static int same(const scanned *e, const struct stat *sb, int whole)
{
    return e->dev == sb->st_dev && e->ino == sb->st_ino && e->size == sb->st_size && same_time(e->mtime, sb->st_mtim) &&
           same_time(e->ctime, sb->st_ctim) && e->whole == whole;
}

int records_scanned_known(const struct stat *sb, int whole)
{
    if (pthread_mutex_trylock(&lock) != 0) return 0;
    int known = 0;
    for (size_t i = 0; i < ntable && !known; i++) known = same(&table[i], sb, whole);
    pthread_mutex_unlock(&lock);
    return known;
}

void records_scanned_note(const struct stat *sb, int whole)
{
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0) return;
    if (now.tv_sec - sb->st_mtim.tv_sec < RECORDS_SCANNED_SETTLED ||
        now.tv_sec - sb->st_ctim.tv_sec < RECORDS_SCANNED_SETTLED)
        return;
    if (pthread_mutex_trylock(&lock) != 0) return;
    int known = 0;
    for (size_t i = 0; i < ntable && !known; i++) known = same(&table[i], sb, whole);
    if (!known && ntable < RECORDS_SCANNED_MAX)
        table[ntable++] = (scanned){sb->st_dev, sb->st_ino, sb->st_size, sb->st_mtim, sb->st_ctim, whole};
    pthread_mutex_unlock(&lock);
}
