/*
 * Force-included (gcc -include) into every compile unit of the better-sqlite3 addon that goes
 * into the single executable. Debian 12's glibc 2.36 gives these functions newer default symbol
 * versions than the ones Node 20's official build needs (glibc 2.28, e.g. RHEL 8). Each
 * function below still exists in glibc under its old version, so bind references to that old
 * version; the executable then loads on glibc >= 2.28. stat64/fstat64/lstat64 have no old
 * version (they were inline wrappers before 2.33): glibc_compat.c defines them.
 * The build checks the result with objdump and fails if anything newer than 2.28 is left.
 */
#ifndef TQDT_GLIBC_COMPAT_H
#define TQDT_GLIBC_COMPAT_H

#if defined(__linux__) && defined(__x86_64__)

/* libpthread functions that moved into libc in 2.34 */
__asm__(".symver pthread_create,pthread_create@GLIBC_2.2.5");
__asm__(".symver pthread_join,pthread_join@GLIBC_2.2.5");
__asm__(".symver pthread_once,pthread_once@GLIBC_2.2.5");
__asm__(".symver pthread_detach,pthread_detach@GLIBC_2.2.5");
__asm__(".symver pthread_key_create,pthread_key_create@GLIBC_2.2.5");
__asm__(".symver pthread_key_delete,pthread_key_delete@GLIBC_2.2.5");
__asm__(".symver pthread_getspecific,pthread_getspecific@GLIBC_2.2.5");
__asm__(".symver pthread_setspecific,pthread_setspecific@GLIBC_2.2.5");
__asm__(".symver pthread_mutex_trylock,pthread_mutex_trylock@GLIBC_2.2.5");
__asm__(".symver pthread_mutexattr_init,pthread_mutexattr_init@GLIBC_2.2.5");
__asm__(".symver pthread_mutexattr_destroy,pthread_mutexattr_destroy@GLIBC_2.2.5");
__asm__(".symver pthread_mutexattr_settype,pthread_mutexattr_settype@GLIBC_2.2.5");
__asm__(".symver pthread_attr_setstacksize,pthread_attr_setstacksize@GLIBC_2.2.5");

/* libdl functions that moved into libc in 2.34 */
__asm__(".symver dlopen,dlopen@GLIBC_2.2.5");
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
__asm__(".symver dlerror,dlerror@GLIBC_2.2.5");
__asm__(".symver dlclose,dlclose@GLIBC_2.2.5");

/* libm functions re-versioned in 2.29 (new error handling, same results) */
__asm__(".symver exp,exp@GLIBC_2.2.5");
__asm__(".symver log,log@GLIBC_2.2.5");
__asm__(".symver log2,log2@GLIBC_2.2.5");
__asm__(".symver pow,pow@GLIBC_2.2.5");

#endif
#endif
