/* outpath — turning names from the data into file and folder names that are safe everywhere.
 *
 * Organisation and member names come from records typed by many hands and end up as folder and
 * file names under OUT, which offices copy to Windows machines. A name must never lead outside
 * OUT (`..`, `/`, `\`), never be a name Windows refuses or treats as a device (CON, NUL, COM1,
 * trailing dots or spaces, `<>:"|?*`), never carry control characters, and fit in a file system's
 * name limit (counted in bytes, cut only between UTF-8 characters). */
#ifndef WENSHU_OUTPATH_H
#define WENSHU_OUTPATH_H

#include <stddef.h>

/* Bytes per path component: ext4 allows 255, but OUT/<organisation>/<form>/<name>.pdf must also
 * stay reasonable for Windows' 260-character paths, so names are kept well below. */
#define OUTPATH_COMPONENT_MAX 120

/* A safe single path component made from name[0..len) (any bytes; NUL allowed inside), capped at
 * max_bytes (0: OUTPATH_COMPONENT_MAX). When nothing usable is left, fallback is sanitised
 * instead, and when that is empty too, "未命名". Never returns an empty string; free the result.
 * The result is valid UTF-8; has no `/` `\` NUL, control or invisible formatting character, none of
 * `<>:"|?*`, no "..", no leading dot, no leading or trailing space, no trailing dot, and is not a
 * reserved Windows device name (such names get a leading '_'). Sanitising a result again gives
 * the same string. */
char *outpath_component_n(const char *name, size_t len, const char *fallback, size_t max_bytes);
char *outpath_component(const char *name, const char *fallback);

/* Whether name (a single component) is a reserved Windows device name: CON PRN AUX NUL COM0-9
 * LPT0-9 CONIN$ CONOUT$, in any case, with or without an extension. */
int outpath_reserved(const char *name);

/* Whether rel is a safe path relative to OUT: '/'-separated, non-empty components that each are
 * their own sanitised form, so no "..", no absolute path. */
int outpath_rel_ok(const char *rel);

/* Joins root and rel ("root/rel") after checking rel with outpath_rel_ok. NULL when rel is unsafe. */
char *outpath_join(const char *root, const char *rel);

/* Checks on the file system that dir (an existing folder) is root or lies inside it once every
 * symbolic link is resolved — so a link planted in OUT cannot redirect output. 0 or -1 + err. */
int outpath_check_inside(const char *root, const char *dir, char *err, size_t errlen);

/* Creates the folder root/rel (rel relative, checked with outpath_rel_ok) one component at a time,
 * refusing to pass through anything that is not a real folder — a symbolic link planted in OUT
 * would otherwise carry the output elsewhere. root must exist. 0, or -1 with err filled. */
int outpath_make_dirs(const char *root, const char *rel, char *err, size_t errlen);

/* Opens the folder root/rel (rel checked with outpath_rel_ok; "" for root) by descriptors, one
 * component at a time with O_NOFOLLOW|O_DIRECTORY from root down, creating missing ones with
 * mkdirat when create is set. A symbolic link anywhere below root ends the walk: nothing is ever
 * opened, written or renamed through one, even if it is planted between two calls. Returns the
 * folder's descriptor (close it), or -1 with err filled. */
int outpath_open_dir(const char *root, const char *rel, int create, char *err, size_t errlen);

/* Opens the file root/rel for reading the same way (the file itself not a link either): the
 * descriptor, or -1 (errno set). */
int outpath_open_file(const char *root, const char *rel);

/* Renames root/tmp_rel to root/dest_rel through their folders' descriptors (outpath_open_dir,
 * nothing created): 0, or -1 with errno set. */
int outpath_rename(const char *root, const char *tmp_rel, const char *dest_rel);

/* Removes the file root/rel through its folder's descriptor (outpath_open_dir): 0, or -1 with
 * errno set. A link on the way is never followed. */
int outpath_unlink(const char *root, const char *rel);

/* Deterministic collision resolution. Each request names a folder (relative, already safe), a
 * stem (already safe) and the record id. When several requests share a folder and a stem
 * (compared without ASCII case, as Windows does), every one of them gets "-<id>" appended — so
 * the outcome does not depend on the order of the records; should names still clash (the same id
 * twice), "-2", "-3"… follow in request order. The stem is shortened (between characters) so that
 * the final component, extension included, stays within OUTPATH_COMPONENT_MAX bytes. */
typedef struct {
    const char *dir;  /* e.g. "某某党支部/评议意见反馈通知书"; "" for OUT itself */
    const char *stem; /* e.g. "张三" */
    const char *id;   /* record id, e.g. "M001" (sanitised here); may be NULL or "" */
    char *result;     /* out: "dir/stem[-id].ext", free it */
} outpath_req;

void outpath_resolve(outpath_req *reqs, size_t n, const char *ext);

#endif
