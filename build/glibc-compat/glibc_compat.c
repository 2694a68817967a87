/*
 * Part of the glibc 2.28 compatibility of the executable's better-sqlite3 addon (see
 * glibc_compat.h). Compiled into the addon; every symbol here is hidden, so it binds only
 * the addon's own references.
 */
#define _GNU_SOURCE 1
#define _LARGEFILE64_SOURCE 1
#include <sys/stat.h>

#define HIDDEN __attribute__((visibility("hidden")))

/* Before glibc 2.33, stat64() & co. were inline wrappers around these (version 1 = kernel
 * struct stat layout on x86_64); they remain in every glibc as GLIBC_2.2.5 compat symbols. */
extern int __xstat64(int ver, const char *path, struct stat64 *buf);
extern int __fxstat64(int ver, int fd, struct stat64 *buf);
extern int __lxstat64(int ver, const char *path, struct stat64 *buf);
__asm__(".symver __xstat64,__xstat64@GLIBC_2.2.5");
__asm__(".symver __fxstat64,__fxstat64@GLIBC_2.2.5");
__asm__(".symver __lxstat64,__lxstat64@GLIBC_2.2.5");

HIDDEN int stat64(const char *path, struct stat64 *buf) { return __xstat64(1, path, buf); }
HIDDEN int fstat64(int fd, struct stat64 *buf) { return __fxstat64(1, fd, buf); }
HIDDEN int lstat64(const char *path, struct stat64 *buf) { return __lxstat64(1, path, buf); }

/* g++ >= 11 headers call this (GLIBCXX_3.4.29), which RHEL 8's libstdc++ (gcc 8) lacks.
 * bad_array_new_length derives from bad_alloc, so throwing bad_alloc keeps every handler
 * working; node itself needs only GLIBCXX_3.4.21. */
extern void _ZSt17__throw_bad_allocv(void) __attribute__((noreturn));
HIDDEN __attribute__((noreturn)) void _ZSt28__throw_bad_array_new_lengthv(void) { _ZSt17__throw_bad_allocv(); }
