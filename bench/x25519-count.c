/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An LD_PRELOAD shim that counts every X25519 scalar multiplication the process asks libsodium for, in a file the socks5 bench reads while the process runs. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sodium.h>

#include "x25519-count.h"

/*
 * Our code calls libsodium's crypto_scalarmult_curve25519 and _base only (nm -D of
 * nymph-cli and nymph-localnet, 2026-11), but the shim wraps every public libsodium
 * function that does an X25519 multiplication, so code that starts to use crypto_box or
 * crypto_kx is counted too. A call made by libsodium to itself may or may not go through
 * the shim, depending on how the library was linked (Debian 12's libsodium23 does: its
 * crypto_scalarmult calls crypto_scalarmult_curve25519 through the PLT); so each wrapper counts the
 * multiplications its function does in full, and a per-thread depth makes calls nested in
 * a wrapped one count nothing. The shim uses no GLib and no locks: it must not change how
 * the program it watches behaves, only count.
 */

/* Counts before the file is mapped, or when NYMPH_X25519_COUNT_DIR is not set. */
static NymphX25519Counts fallback = { .magic = NYMPH_X25519_COUNT_MAGIC };
static NymphX25519Counts *counts = &fallback;
static __thread unsigned depth;

__attribute__((noreturn)) static void
fail (const char *what,
      const char *detail,
      int         errsv)
{
  fprintf (stderr, "x25519-count: %s %s: %s\n", what, detail, strerror (errsv));
  abort ();
}

/* Maps DIR/x25519-PID.count before main(), so every multiplication of the process is in it. */
__attribute__((constructor)) static void
map_counts (void)
{
  const char *dir = getenv (NYMPH_X25519_COUNT_ENV);
  NymphX25519Counts *mapped;
  char path[4096];
  int fd;

  if (dir == NULL || *dir == '\0')
    return;
  if ((size_t) snprintf (path, sizeof path, "%s/" NYMPH_X25519_COUNT_PREFIX "%ld" NYMPH_X25519_COUNT_SUFFIX,
                         dir, (long) getpid ()) >= sizeof path)
    fail ("directory name too long:", dir, ENAMETOOLONG);
  fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    fail ("cannot create", path, errno);
  if (ftruncate (fd, sizeof *mapped) != 0)
    fail ("cannot size", path, errno);
  mapped = mmap (NULL, sizeof *mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapped == MAP_FAILED)
    fail ("cannot map", path, errno);
  close (fd);
  mapped->pid = (uint64_t) getpid ();
  mapped->variable = fallback.variable;
  mapped->fixed = fallback.fixed;
  /* The magic last: a reader that sees it sees a whole header. */
  __atomic_thread_fence (__ATOMIC_RELEASE);
  memcpy (mapped->magic, NYMPH_X25519_COUNT_MAGIC, sizeof mapped->magic);
  counts = mapped;
}

/* Counts a call's multiplications unless it is nested in another wrapped call. */
static void
enter (uint64_t variable,
       uint64_t fixed)
{
  if (depth++ == 0)
    {
      if (variable != 0)
        __atomic_add_fetch (&counts->variable, variable, __ATOMIC_RELAXED);
      if (fixed != 0)
        __atomic_add_fetch (&counts->fixed, fixed, __ATOMIC_RELAXED);
    }
}

static void
leave (void)
{
  depth--;
}

/* libsodium's own function @name, looked up once; the process cannot go on without it. */
static void *
resolve (void      **cache,
         const char *name)
{
  void *fn = __atomic_load_n (cache, __ATOMIC_ACQUIRE);

  if (fn == NULL)
    {
      fn = dlsym (RTLD_NEXT, name);
      if (fn == NULL)
        fail ("libsodium has no", name, ENOSYS);
      __atomic_store_n (cache, fn, __ATOMIC_RELEASE);
    }
  return fn;
}

/*
 * One wrapper: @ret @name @params with the prototype <sodium.h> gives it (the compiler
 * rejects any difference), counting @variable and @fixed multiplications per call.
 */
#define WRAP(ret, name, variable, fixed, params, args)                  \
  ret                                                                   \
  name params                                                           \
  {                                                                     \
    static void *next;                                                  \
    __typeof__ (name) *real = (__typeof__ (name) *) resolve (&next, #name); \
    ret result;                                                         \
                                                                        \
    enter (variable, fixed);                                            \
    result = real args;                                                 \
    leave ();                                                           \
    return result;                                                      \
  }

typedef unsigned char uchar;
typedef unsigned long long ull;

/* Plain X25519: the generic names and the curve25519 ones our code calls. */
WRAP (int, crypto_scalarmult, 1, 0, (uchar *q, const uchar *n, const uchar *p), (q, n, p))
WRAP (int, crypto_scalarmult_base, 0, 1, (uchar *q, const uchar *n), (q, n))
WRAP (int, crypto_scalarmult_curve25519, 1, 0, (uchar *q, const uchar *n, const uchar *p), (q, n, p))
WRAP (int, crypto_scalarmult_curve25519_base, 0, 1, (uchar *q, const uchar *n), (q, n))

/* crypto_box (XSalsa20-Poly1305): one shared secret per call that is not an _afternm one. */
WRAP (int, crypto_box_beforenm, 1, 0, (uchar *k, const uchar *pk, const uchar *sk), (k, pk, sk))
WRAP (int, crypto_box_keypair, 0, 1, (uchar *pk, uchar *sk), (pk, sk))
WRAP (int, crypto_box_seed_keypair, 0, 1, (uchar *pk, uchar *sk, const uchar *seed), (pk, sk, seed))
WRAP (int, crypto_box, 1, 0,
      (uchar *c, const uchar *m, ull mlen, const uchar *n, const uchar *pk, const uchar *sk), (c, m, mlen, n, pk, sk))
WRAP (int, crypto_box_open, 1, 0,
      (uchar *m, const uchar *c, ull clen, const uchar *n, const uchar *pk, const uchar *sk), (m, c, clen, n, pk, sk))
WRAP (int, crypto_box_easy, 1, 0,
      (uchar *c, const uchar *m, ull mlen, const uchar *n, const uchar *pk, const uchar *sk), (c, m, mlen, n, pk, sk))
WRAP (int, crypto_box_open_easy, 1, 0,
      (uchar *m, const uchar *c, ull clen, const uchar *n, const uchar *pk, const uchar *sk), (m, c, clen, n, pk, sk))
WRAP (int, crypto_box_detached, 1, 0,
      (uchar *c, uchar *mac, const uchar *m, ull mlen, const uchar *n, const uchar *pk, const uchar *sk),
      (c, mac, m, mlen, n, pk, sk))
WRAP (int, crypto_box_open_detached, 1, 0,
      (uchar *m, const uchar *c, const uchar *mac, ull clen, const uchar *n, const uchar *pk, const uchar *sk),
      (m, c, mac, clen, n, pk, sk))
/* A sealed box makes an ephemeral key pair and a shared secret; opening it needs the secret only. */
WRAP (int, crypto_box_seal, 1, 1, (uchar *c, const uchar *m, ull mlen, const uchar *pk), (c, m, mlen, pk))
WRAP (int, crypto_box_seal_open, 1, 0,
      (uchar *m, const uchar *c, ull clen, const uchar *pk, const uchar *sk), (m, c, clen, pk, sk))
WRAP (int, crypto_box_curve25519xsalsa20poly1305_beforenm, 1, 0, (uchar *k, const uchar *pk, const uchar *sk),
      (k, pk, sk))
WRAP (int, crypto_box_curve25519xsalsa20poly1305_keypair, 0, 1, (uchar *pk, uchar *sk), (pk, sk))
WRAP (int, crypto_box_curve25519xsalsa20poly1305_seed_keypair, 0, 1, (uchar *pk, uchar *sk, const uchar *seed),
      (pk, sk, seed))
WRAP (int, crypto_box_curve25519xsalsa20poly1305, 1, 0,
      (uchar *c, const uchar *m, ull mlen, const uchar *n, const uchar *pk, const uchar *sk), (c, m, mlen, n, pk, sk))
WRAP (int, crypto_box_curve25519xsalsa20poly1305_open, 1, 0,
      (uchar *m, const uchar *c, ull clen, const uchar *n, const uchar *pk, const uchar *sk), (m, c, clen, n, pk, sk))

/* crypto_box with XChaCha20-Poly1305. */
WRAP (int, crypto_box_curve25519xchacha20poly1305_beforenm, 1, 0, (uchar *k, const uchar *pk, const uchar *sk),
      (k, pk, sk))
WRAP (int, crypto_box_curve25519xchacha20poly1305_keypair, 0, 1, (uchar *pk, uchar *sk), (pk, sk))
WRAP (int, crypto_box_curve25519xchacha20poly1305_seed_keypair, 0, 1, (uchar *pk, uchar *sk, const uchar *seed),
      (pk, sk, seed))
WRAP (int, crypto_box_curve25519xchacha20poly1305_easy, 1, 0,
      (uchar *c, const uchar *m, ull mlen, const uchar *n, const uchar *pk, const uchar *sk), (c, m, mlen, n, pk, sk))
WRAP (int, crypto_box_curve25519xchacha20poly1305_open_easy, 1, 0,
      (uchar *m, const uchar *c, ull clen, const uchar *n, const uchar *pk, const uchar *sk), (m, c, clen, n, pk, sk))
WRAP (int, crypto_box_curve25519xchacha20poly1305_detached, 1, 0,
      (uchar *c, uchar *mac, const uchar *m, ull mlen, const uchar *n, const uchar *pk, const uchar *sk),
      (c, mac, m, mlen, n, pk, sk))
WRAP (int, crypto_box_curve25519xchacha20poly1305_open_detached, 1, 0,
      (uchar *m, const uchar *c, const uchar *mac, ull clen, const uchar *n, const uchar *pk, const uchar *sk),
      (m, c, mac, clen, n, pk, sk))
WRAP (int, crypto_box_curve25519xchacha20poly1305_seal, 1, 1, (uchar *c, const uchar *m, ull mlen, const uchar *pk),
      (c, m, mlen, pk))
WRAP (int, crypto_box_curve25519xchacha20poly1305_seal_open, 1, 0,
      (uchar *m, const uchar *c, ull clen, const uchar *pk, const uchar *sk), (m, c, clen, pk, sk))

/* crypto_kx: a key pair is a base multiplication, session keys one shared secret. */
WRAP (int, crypto_kx_keypair, 0, 1, (uchar pk[crypto_kx_PUBLICKEYBYTES], uchar sk[crypto_kx_SECRETKEYBYTES]), (pk, sk))
WRAP (int, crypto_kx_seed_keypair, 0, 1,
      (uchar pk[crypto_kx_PUBLICKEYBYTES], uchar sk[crypto_kx_SECRETKEYBYTES], const uchar seed[crypto_kx_SEEDBYTES]),
      (pk, sk, seed))
WRAP (int, crypto_kx_client_session_keys, 1, 0,
      (uchar rx[crypto_kx_SESSIONKEYBYTES], uchar tx[crypto_kx_SESSIONKEYBYTES],
       const uchar client_pk[crypto_kx_PUBLICKEYBYTES], const uchar client_sk[crypto_kx_SECRETKEYBYTES],
       const uchar server_pk[crypto_kx_PUBLICKEYBYTES]),
      (rx, tx, client_pk, client_sk, server_pk))
WRAP (int, crypto_kx_server_session_keys, 1, 0,
      (uchar rx[crypto_kx_SESSIONKEYBYTES], uchar tx[crypto_kx_SESSIONKEYBYTES],
       const uchar server_pk[crypto_kx_PUBLICKEYBYTES], const uchar server_sk[crypto_kx_SECRETKEYBYTES],
       const uchar client_pk[crypto_kx_PUBLICKEYBYTES]),
      (rx, tx, server_pk, server_sk, client_pk))
