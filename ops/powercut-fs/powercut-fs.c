/*
 * powercut-fs: a FUSE pass-through file system that loses what was not forced, as a power cut does.
 *
 * Every file operation goes to a backing folder, except file data and file sizes: a write (a
 * write(2), or a page of a shared mapping that the kernel writes back) and a size change
 * (ftruncate) are held in this process's memory, per file, until an fsync or fdatasync of that
 * file applies them to the backing file. Writing "cut" to the control file /.powercut drops every
 * held write and size change at once and leaves the file system dead: later writes are thrown
 * away, forces and namespace changes fail with EIO. What the backing folder holds after a cut is
 * what a disk would hold after a power cut at that moment. Reading /.powercut gives counters.
 *
 * Namespace operations (create, mkdir, rename, unlink) reach the backing folder at once, as a file
 * system that journals its metadata commits them within seconds anyway: a file that was never
 * forced survives a cut with the size and bytes its last force left (empty if none). Torn sectors,
 * reordered or lost namespace changes are not modelled.
 *
 * The kernel keeps its own page cache of the mount. Mapped pages are written back to this process
 * by the kernel's flusher (every few seconds), by msync, and by fsync before the FSYNC request
 * reaches it; so what an fsync covers is exactly what the file's mapping and writes held when it
 * was called. After a cut the mount must be unmounted (discarding the kernel's copies) and
 * mounted again over the same backing folder.
 *
 * Build: gcc -O2 -Wall -o powercut-fs powercut-fs.c $(pkg-config --cflags --libs fuse3)
 * Run:   powercut-fs BACKING MOUNTPOINT -f   (foreground; fusermount3 -u MOUNTPOINT ends it)
 * A clean unmount without a cut applies what is held, as a clean shutdown writes its cache back.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#define PAGE 4096
#define CONTROL "/.powercut"

static char backing[PATH_MAX];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int dead;
/* counters, under lock */
static unsigned long long held_bytes, applied_bytes, dropped_bytes, forces, cuts, writes_after_cut;

/* What is held for one backing file (by inode): its size and its written pages. */
struct held {
    ino_t ino;
    int fd;                /* the backing file, kept open while something is held */
    off_t size;            /* the file's size as its writers see it */
    size_t npages;         /* length of pages[] */
    unsigned char **pages; /* NULL where the backing file's bytes stand */
    struct held *next;
};
static struct held *helds;

/* An open file: the backing descriptor and its inode. */
struct handle {
    int fd;
    ino_t ino;
    int control;
};

static void backing_path(char out[PATH_MAX], const char *path) {
    snprintf(out, PATH_MAX, "%s%s", backing, path);
}

static struct held *find_held(ino_t ino) {
    for (struct held *h = helds; h; h = h->next) {
        if (h->ino == ino) {
            return h;
        }
    }
    return NULL;
}

static void free_held(struct held *h) {
    for (size_t i = 0; i < h->npages; i++) {
        if (h->pages[i]) {
            held_bytes -= PAGE;
            free(h->pages[i]);
        }
    }
    free(h->pages);
    close(h->fd);
    free(h);
}

static void remove_held(ino_t ino) {
    for (struct held **p = &helds; *p; p = &(*p)->next) {
        if ((*p)->ino == ino) {
            struct held *h = *p;
            *p = h->next;
            free_held(h);
            return;
        }
    }
}

/* The held state of fd's file, created from the backing file when absent. */
static struct held *get_held(int fd, ino_t ino) {
    struct held *h = find_held(ino);
    if (h) {
        return h;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return NULL;
    }
    h = calloc(1, sizeof *h);
    if (!h) {
        return NULL;
    }
    h->fd = dup(fd);
    if (h->fd < 0) {
        free(h);
        return NULL;
    }
    h->ino = ino;
    h->size = st.st_size;
    h->next = helds;
    helds = h;
    return h;
}

/* The held copy of page n, made from the backing file's bytes (zeros past its end) when absent. */
static unsigned char *get_page(struct held *h, int fd, size_t n) {
    if (n >= h->npages) {
        size_t len = h->npages ? h->npages : 64;
        while (len <= n) {
            len *= 2;
        }
        unsigned char **p = realloc(h->pages, len * sizeof *p);
        if (!p) {
            return NULL;
        }
        memset(p + h->npages, 0, (len - h->npages) * sizeof *p);
        h->pages = p;
        h->npages = len;
    }
    if (!h->pages[n]) {
        unsigned char *page = calloc(1, PAGE);
        if (!page) {
            return NULL;
        }
        off_t at = (off_t) n * PAGE;
        if (at < h->size) {
            ssize_t r = pread(fd, page, PAGE, at);
            if (r < 0) {
                free(page);
                return NULL;
            }
            off_t valid = h->size - at; /* bytes past the writers' size read as zeros */
            if (valid < PAGE) {
                memset(page + valid, 0, PAGE - valid);
            }
        }
        h->pages[n] = page;
        held_bytes += PAGE;
    }
    return h->pages[n];
}

/* A size change, held: pages past the new end are dropped, the last one's tail zeroed. */
static int hold_truncate(int fd, ino_t ino, off_t size) {
    struct held *h = get_held(fd, ino);
    if (!h) {
        return -ENOMEM;
    }
    if (size < h->size) {
        size_t keep = (size + PAGE - 1) / PAGE;
        for (size_t i = keep; i < h->npages; i++) {
            if (h->pages[i]) {
                free(h->pages[i]);
                h->pages[i] = NULL;
                held_bytes -= PAGE;
            }
        }
        if (size % PAGE && (size_t) (size / PAGE) < h->npages && h->pages[size / PAGE]) {
            memset(h->pages[size / PAGE] + size % PAGE, 0, PAGE - size % PAGE);
        }
    }
    h->size = size;
    return 0;
}

/* Applies what is held for a file to the backing file and forgets it. */
static int apply(ino_t ino) {
    struct held *h = find_held(ino);
    if (!h) {
        return 0;
    }
    int fd = h->fd;
    if (ftruncate(fd, h->size) != 0) {
        return -errno;
    }
    for (size_t i = 0; i < h->npages; i++) {
        if (!h->pages[i]) {
            continue;
        }
        off_t at = (off_t) i * PAGE;
        if (at >= h->size) {
            continue;
        }
        size_t len = h->size - at < PAGE ? (size_t) (h->size - at) : PAGE;
        if (pwrite(fd, h->pages[i], len, at) != (ssize_t) len) {
            return errno ? -errno : -EIO;
        }
        applied_bytes += len;
    }
    remove_held(ino);
    return 0;
}

static void cut(void) {
    dropped_bytes += held_bytes;
    while (helds) {
        struct held *h = helds;
        helds = h->next;
        free_held(h);
    }
    held_bytes = 0;
    cuts++;
    dead = 1;
}

static int is_control(const char *path) {
    return strcmp(path, CONTROL) == 0;
}

static void *pc_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void) conn;
    cfg->use_ino = 0;
    cfg->direct_io = 0;   /* the page cache, so that files can be mapped shared and writable */
    cfg->kernel_cache = 0;
    cfg->auto_cache = 0;
    cfg->attr_timeout = 0; /* sizes come from here every time */
    cfg->entry_timeout = 0;
    cfg->negative_timeout = 0;
    conn->want &= ~FUSE_CAP_WRITEBACK_CACHE; /* write(2) reaches this process at once */
    return NULL;
}

static void pc_destroy(void *data) {
    (void) data;
    pthread_mutex_lock(&lock);
    if (!dead) { /* a clean unmount writes what is held back, as a clean shutdown does */
        while (helds) {
            if (apply(helds->ino) != 0) {
                fprintf(stderr, "powercut-fs: cannot write back inode %lu at unmount\n", (unsigned long) helds->ino);
                remove_held(helds->ino);
            }
        }
    }
    pthread_mutex_unlock(&lock);
}

static int pc_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    if (is_control(path)) {
        memset(st, 0, sizeof *st);
        st->st_mode = S_IFREG | 0600;
        st->st_nlink = 1;
        return 0;
    }
    int r;
    if (fi && fi->fh) {
        r = fstat(((struct handle *) (uintptr_t) fi->fh)->fd, st);
    } else {
        char p[PATH_MAX];
        backing_path(p, path);
        r = lstat(p, st);
    }
    if (r != 0) {
        return -errno;
    }
    if (S_ISREG(st->st_mode)) {
        pthread_mutex_lock(&lock);
        struct held *h = find_held(st->st_ino);
        if (h) {
            st->st_size = h->size;
            st->st_blocks = (h->size + 511) / 512;
        }
        pthread_mutex_unlock(&lock);
    }
    return 0;
}

static int pc_access(const char *path, int mask) {
    if (is_control(path)) {
        return 0;
    }
    char p[PATH_MAX];
    backing_path(p, path);
    return access(p, mask) == 0 ? 0 : -errno;
}

static int pc_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
        enum fuse_readdir_flags flags) {
    (void) off;
    (void) fi;
    (void) flags;
    char p[PATH_MAX];
    backing_path(p, path);
    DIR *d = opendir(p);
    if (!d) {
        return -errno;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        memset(&st, 0, sizeof st);
        st.st_ino = e->d_ino;
        st.st_mode = e->d_type << 12;
        if (fill(buf, e->d_name, &st, 0, 0)) {
            break;
        }
    }
    closedir(d);
    return 0;
}

#define NAMESPACE_OP(call)                       \
    do {                                         \
        pthread_mutex_lock(&lock);               \
        int dead_now = dead;                     \
        pthread_mutex_unlock(&lock);             \
        if (dead_now) {                          \
            return -EIO;                         \
        }                                        \
        return (call) == 0 ? 0 : -errno;         \
    } while (0)

static int pc_mkdir(const char *path, mode_t mode) {
    char p[PATH_MAX];
    backing_path(p, path);
    NAMESPACE_OP(mkdir(p, mode));
}

static int pc_rmdir(const char *path) {
    char p[PATH_MAX];
    backing_path(p, path);
    NAMESPACE_OP(rmdir(p));
}

static int pc_unlink(const char *path) {
    char p[PATH_MAX];
    backing_path(p, path);
    struct stat st;
    pthread_mutex_lock(&lock);
    if (dead) {
        pthread_mutex_unlock(&lock);
        return -EIO;
    }
    int r = lstat(p, &st) == 0 ? unlink(p) : -1;
    int err = errno;
    if (r == 0 && st.st_nlink <= 1) {
        remove_held(st.st_ino);
    }
    pthread_mutex_unlock(&lock);
    return r == 0 ? 0 : -err;
}

static int pc_rename(const char *from, const char *to, unsigned int flags) {
    char a[PATH_MAX], b[PATH_MAX];
    backing_path(a, from);
    backing_path(b, to);
    pthread_mutex_lock(&lock);
    if (dead) {
        pthread_mutex_unlock(&lock);
        return -EIO;
    }
    struct stat st;
    int replaced = lstat(b, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink <= 1;
    int r = renameat2(AT_FDCWD, a, AT_FDCWD, b, flags);
    int err = errno;
    if (r == 0 && replaced && !(flags & RENAME_EXCHANGE)) {
        remove_held(st.st_ino);
    }
    pthread_mutex_unlock(&lock);
    return r == 0 ? 0 : -err;
}

static int pc_link(const char *from, const char *to) {
    char a[PATH_MAX], b[PATH_MAX];
    backing_path(a, from);
    backing_path(b, to);
    NAMESPACE_OP(link(a, b));
}

static int pc_symlink(const char *target, const char *to) {
    char b[PATH_MAX];
    backing_path(b, to);
    NAMESPACE_OP(symlink(target, b));
}

static int pc_readlink(const char *path, char *buf, size_t size) {
    char p[PATH_MAX];
    backing_path(p, path);
    ssize_t n = readlink(p, buf, size - 1);
    if (n < 0) {
        return -errno;
    }
    buf[n] = 0;
    return 0;
}

static int pc_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
    (void) fi;
    if (is_control(path)) {
        return 0;
    }
    char p[PATH_MAX];
    backing_path(p, path);
    return chmod(p, mode) == 0 ? 0 : -errno;
}

static int pc_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
    (void) fi;
    char p[PATH_MAX];
    backing_path(p, path);
    return lchown(p, uid, gid) == 0 ? 0 : -errno;
}

static int pc_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
    (void) fi;
    if (is_control(path)) {
        return 0;
    }
    char p[PATH_MAX];
    backing_path(p, path);
    return utimensat(AT_FDCWD, p, tv, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

static int pc_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
    if (is_control(path)) {
        return 0;
    }
    int fd;
    int opened = 0;
    if (fi && fi->fh) {
        fd = ((struct handle *) (uintptr_t) fi->fh)->fd;
    } else {
        char p[PATH_MAX];
        backing_path(p, path);
        fd = open(p, O_RDWR);
        if (fd < 0) {
            return -errno;
        }
        opened = 1;
    }
    struct stat st;
    int r = fstat(fd, &st) == 0 ? 0 : -errno;
    if (r == 0) {
        pthread_mutex_lock(&lock);
        if (dead) {
            writes_after_cut++;
        } else {
            r = hold_truncate(fd, st.st_ino, size);
        }
        pthread_mutex_unlock(&lock);
    }
    if (opened) {
        close(fd);
    }
    return r;
}

static int open_handle(const char *path, struct fuse_file_info *fi, int create, mode_t mode) {
    if (is_control(path)) {
        struct handle *h = calloc(1, sizeof *h);
        h->fd = -1;
        h->control = 1;
        fi->fh = (uintptr_t) h;
        fi->direct_io = 1;
        return 0;
    }
    char p[PATH_MAX];
    backing_path(p, path);
    int flags = fi->flags & ~(O_TRUNC | O_ACCMODE | O_APPEND);
    flags |= O_RDWR; /* a held page is read from the backing file first, even for a write-only open */
    if (create) {
        pthread_mutex_lock(&lock);
        int dead_now = dead;
        pthread_mutex_unlock(&lock);
        if (dead_now) {
            return -EIO;
        }
        flags |= O_CREAT;
    }
    int fd = open(p, flags, mode);
    if (fd < 0 && errno == EACCES) {
        fd = open(p, fi->flags & ~(O_TRUNC | O_APPEND | O_CREAT));
    }
    if (fd < 0) {
        return -errno;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    if (fi->flags & O_TRUNC) {
        pthread_mutex_lock(&lock);
        if (!dead) {
            hold_truncate(fd, st.st_ino, 0);
        }
        pthread_mutex_unlock(&lock);
    }
    struct handle *h = calloc(1, sizeof *h);
    h->fd = fd;
    h->ino = st.st_ino;
    fi->fh = (uintptr_t) h;
    return 0;
}

static int pc_open(const char *path, struct fuse_file_info *fi) {
    return open_handle(path, fi, 0, 0);
}

static int pc_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    return open_handle(path, fi, 1, mode);
}

static int control_read(char *buf, size_t size, off_t off) {
    char text[512];
    pthread_mutex_lock(&lock);
    int n = snprintf(text, sizeof text,
            "held_bytes=%llu\napplied_bytes=%llu\ndropped_bytes=%llu\nforces=%llu\ncuts=%llu\nwrites_after_cut=%llu\n",
            held_bytes, applied_bytes, dropped_bytes, forces, cuts, writes_after_cut);
    pthread_mutex_unlock(&lock);
    if (off >= n) {
        return 0;
    }
    size_t len = (size_t) (n - off) < size ? (size_t) (n - off) : size;
    memcpy(buf, text + off, len);
    return (int) len;
}

static int pc_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void) path;
    struct handle *hd = (struct handle *) (uintptr_t) fi->fh;
    if (hd->control) {
        return control_read(buf, size, off);
    }
    pthread_mutex_lock(&lock);
    struct held *h = find_held(hd->ino);
    if (!h) {
        pthread_mutex_unlock(&lock);
        ssize_t r = pread(hd->fd, buf, size, off);
        return r < 0 ? -errno : (int) r;
    }
    size_t done = 0;
    int result = 0;
    while (done < size && off + (off_t) done < h->size) {
        off_t at = off + done;
        size_t n = at / PAGE;
        size_t in = at % PAGE;
        size_t len = PAGE - in;
        if (len > size - done) {
            len = size - done;
        }
        if ((off_t) len > h->size - at) {
            len = h->size - at;
        }
        if (n < h->npages && h->pages[n]) {
            memcpy(buf + done, h->pages[n] + in, len);
        } else {
            ssize_t r = pread(hd->fd, buf + done, len, at);
            if (r < 0) {
                result = -errno;
                break;
            }
            if ((size_t) r < len) {
                memset(buf + done + r, 0, len - r); /* a held size past the backing file's end */
            }
        }
        done += len;
    }
    pthread_mutex_unlock(&lock);
    return result ? result : (int) done;
}

static int pc_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void) path;
    struct handle *hd = (struct handle *) (uintptr_t) fi->fh;
    if (hd->control) {
        if (size >= 3 && memcmp(buf, "cut", 3) == 0) {
            pthread_mutex_lock(&lock);
            cut();
            pthread_mutex_unlock(&lock);
            fprintf(stderr, "powercut-fs: cut: dropped %llu bytes in all\n", dropped_bytes);
            return (int) size;
        }
        return -EINVAL;
    }
    pthread_mutex_lock(&lock);
    if (dead) {
        writes_after_cut++;
        pthread_mutex_unlock(&lock);
        return (int) size; /* the power is off: nothing reaches the disk */
    }
    struct held *h = get_held(hd->fd, hd->ino);
    if (!h) {
        pthread_mutex_unlock(&lock);
        return -ENOMEM;
    }
    size_t done = 0;
    while (done < size) {
        off_t at = off + done;
        size_t in = at % PAGE;
        size_t len = PAGE - in < size - done ? PAGE - in : size - done;
        unsigned char *page = get_page(h, hd->fd, at / PAGE);
        if (!page) {
            pthread_mutex_unlock(&lock);
            return -ENOMEM;
        }
        memcpy(page + in, buf + done, len);
        done += len;
    }
    if (off + (off_t) size > h->size) {
        h->size = off + size;
    }
    pthread_mutex_unlock(&lock);
    return (int) size;
}

static int pc_statfs(const char *path, struct statvfs *st) {
    (void) path;
    return statvfs(backing, st) == 0 ? 0 : -errno;
}

static int pc_flush(const char *path, struct fuse_file_info *fi) {
    (void) path;
    (void) fi;
    return 0; /* close(2) forces nothing */
}

static int pc_release(const char *path, struct fuse_file_info *fi) {
    (void) path;
    struct handle *hd = (struct handle *) (uintptr_t) fi->fh;
    if (hd->fd >= 0) {
        close(hd->fd);
    }
    free(hd);
    return 0;
}

static int pc_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
    (void) path;
    (void) datasync;
    struct handle *hd = (struct handle *) (uintptr_t) fi->fh;
    if (hd->control) {
        return 0;
    }
    pthread_mutex_lock(&lock);
    int r = dead ? -EIO : apply(hd->ino);
    if (r == 0) {
        forces++;
    }
    pthread_mutex_unlock(&lock);
    return r;
}

static int pc_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
    (void) path;
    (void) datasync;
    (void) fi;
    pthread_mutex_lock(&lock);
    int r = dead ? -EIO : 0; /* namespace changes are applied at once */
    pthread_mutex_unlock(&lock);
    return r;
}

static const struct fuse_operations ops = {
    .init = pc_init,
    .destroy = pc_destroy,
    .getattr = pc_getattr,
    .access = pc_access,
    .readdir = pc_readdir,
    .mkdir = pc_mkdir,
    .rmdir = pc_rmdir,
    .unlink = pc_unlink,
    .rename = pc_rename,
    .link = pc_link,
    .symlink = pc_symlink,
    .readlink = pc_readlink,
    .chmod = pc_chmod,
    .chown = pc_chown,
    .utimens = pc_utimens,
    .truncate = pc_truncate,
    .open = pc_open,
    .create = pc_create,
    .read = pc_read,
    .write = pc_write,
    .statfs = pc_statfs,
    .flush = pc_flush,
    .release = pc_release,
    .fsync = pc_fsync,
    .fsyncdir = pc_fsyncdir,
};

int main(int argc, char *argv[]) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s BACKING MOUNTPOINT [FUSE options, e.g. -f]\n", argv[0]);
        return 2;
    }
    if (!realpath(argv[1], backing)) {
        perror(argv[1]);
        return 2;
    }
    umask(0);
    /* argv without BACKING: MOUNTPOINT and the FUSE options */
    char **args = calloc(argc, sizeof *args);
    args[0] = argv[0];
    for (int i = 2; i < argc; i++) {
        args[i - 1] = argv[i];
    }
    return fuse_main(argc - 1, args, &ops, NULL);
}
