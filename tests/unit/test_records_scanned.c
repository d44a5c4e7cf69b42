/* Unit tests of records_scanned.c: a records file whose pre-scan passed is not pre-scanned again
 * while it is unchanged, and is the moment it changes. Run from the repository root (tests/run
 * does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "records/records.h"
#include "records/records_int.h"
#include "tap.h"

#define RECORD_TEXT "<wenshu xmlns=\"urn:wenshu:campaign:1\">\n  <unit id=\"U1\"><name>%s</name></unit>\n</wenshu>\n"

static int write_records(const char *path, const char *name)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, RECORD_TEXT, name);
    return fclose(f);
}

static int has_message(diag *d, const char *part)
{
    for (size_t i = 0; i < diag_nmessages(d); i++)
        if (strstr(diag_message(d, i), part)) return 1;
    return 0;
}

int main(void)
{
    /* The table itself: identity, both times to the nanosecond, and whether the file was read whole. */
    struct stat old = {0};
    old.st_dev = 1;
    old.st_ino = 42;
    old.st_size = 1000;
    old.st_mtim = (struct timespec){1000000000, 5};
    old.st_ctim = (struct timespec){1000000000, 7};
    CHECK(!records_scanned_known(&old, 1), "a file never pre-scanned is not known");
    records_scanned_note(&old, 1);
    CHECK(records_scanned_known(&old, 1), "a settled file whose pre-scan passed is known");
    CHECK(!records_scanned_known(&old, 0), "... but not for a pre-scan of another kind (in pieces, not whole)");
    struct stat changed = old;
    changed.st_ctim.tv_nsec++;
    CHECK(!records_scanned_known(&changed, 1), "a status change one nanosecond later makes it unknown");
    changed = old;
    changed.st_size++;
    CHECK(!records_scanned_known(&changed, 1), "so does another size");
    changed = old;
    changed.st_ino++;
    CHECK(!records_scanned_known(&changed, 1), "and another file");
    struct stat fresh = old;
    fresh.st_ino = 43;
    clock_gettime(CLOCK_REALTIME, &fresh.st_ctim);
    fresh.st_mtim = fresh.st_ctim;
    records_scanned_note(&fresh, 1);
    CHECK(!records_scanned_known(&fresh, 1), "a file changed in the last seconds is not noted (a write in the same clock tick would keep its times)");

    /* A real file: read once settled, then changed so that its pre-scan must refuse it. */
    char path[] = "/tmp/wenshu_scanned_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "a temporary file");
    close(fd);
    CHECK(write_records(path, "临江市民政局") == 0, "records written");
    sleep(2); /* RECORDS_SCANNED_SETTLED */
    diag *d = diag_new(NULL);
    xmlDocPtr doc = records_parse_file(path, d);
    CHECK(doc != NULL && diag_count(d, DIAG_ERROR) == 0, "the file reads cleanly");
    xmlFreeDoc(doc);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && records_scanned_known(&sb, 1), "its passed pre-scan is noted");
    doc = records_parse_file(path, d);
    CHECK(doc != NULL && diag_count(d, DIAG_ERROR) == 0, "read again unchanged: the same document, no message");
    xmlFreeDoc(doc);
    CHECK(write_records(path, "临江\xE2\x80\xAE市民政局") == 0, "a right-to-left override written into a name");
    CHECK(stat(path, &sb) == 0 && !records_scanned_known(&sb, 1), "the changed file is not known");
    diag_free(d);
    d = diag_new(NULL);
    doc = records_parse_file(path, d);
    CHECK(doc == NULL && diag_count(d, DIAG_ERROR) == 1, "read again: pre-scanned and refused");
    CHECK(has_message(d, ":2:"), "the message names the line of the character");
    xmlFreeDoc(doc);
    diag_free(d);
    unlink(path);
    return TAP_DONE();
}
