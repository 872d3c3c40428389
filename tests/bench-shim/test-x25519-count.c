/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the x25519-count LD_PRELOAD shim of the socks5 bench: children that make a known number of libsodium X25519 calls must leave exactly that count, and the calls must still give libsodium's results. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "x25519-count.h"

static const char *self_path;
static const char *shim_path;

/* --- The child: one case, ROUNDS times ----------------------------------------------- */

static void
check (bool        ok,
       const char *what)
{
  if (!ok)
    {
      fprintf (stderr, "x25519-count child: %s\n", what);
      exit (3);
    }
}

/* Two parties agree on a secret through every plain X25519 entry point: 2 variable, 2 fixed. */
static void
round_scalarmult (void)
{
  uint8_t a[32], b[32], pub_a[32], pub_b[32], s1[32], s2[32];

  randombytes_buf (a, sizeof a);
  randombytes_buf (b, sizeof b);
  check (crypto_scalarmult_base (pub_a, a) == 0, "crypto_scalarmult_base failed");
  check (crypto_scalarmult_curve25519_base (pub_b, b) == 0, "crypto_scalarmult_curve25519_base failed");
  check (crypto_scalarmult (s1, a, pub_b) == 0, "crypto_scalarmult failed");
  check (crypto_scalarmult_curve25519 (s2, b, pub_a) == 0, "crypto_scalarmult_curve25519 failed");
  check (memcmp (s1, s2, 32) == 0, "the two X25519 shared secrets differ");
}

/* crypto_box: 2 key pairs (fixed), 8 shared secrets; the _afternm opening counts nothing. */
static void
round_box (void)
{
  uint8_t pk1[32], sk1[32], pk2[32], sk2[32], seed[32], k[32], nonce[24], mac[16];
  uint8_t msg[40] = "a message for the counted box", out[40];
  uint8_t c[sizeof msg + 16];
  uint8_t padded[32 + sizeof msg] = { 0 }, boxed[32 + sizeof msg], opened[32 + sizeof msg];

  randombytes_buf (seed, sizeof seed);
  randombytes_buf (nonce, sizeof nonce);
  check (crypto_box_keypair (pk1, sk1) == 0, "crypto_box_keypair failed");
  check (crypto_box_seed_keypair (pk2, sk2, seed) == 0, "crypto_box_seed_keypair failed");
  check (crypto_box_easy (c, msg, sizeof msg, nonce, pk2, sk1) == 0, "crypto_box_easy failed");
  check (crypto_box_open_easy (out, c, sizeof c, nonce, pk1, sk2) == 0, "crypto_box_open_easy failed");
  check (memcmp (out, msg, sizeof msg) == 0, "crypto_box_open_easy gave other bytes");
  check (crypto_box_detached (c, mac, msg, sizeof msg, nonce, pk2, sk1) == 0, "crypto_box_detached failed");
  check (crypto_box_open_detached (out, c, mac, sizeof msg, nonce, pk1, sk2) == 0, "crypto_box_open_detached failed");
  memcpy (padded + 32, msg, sizeof msg);
  check (crypto_box (boxed, padded, sizeof padded, nonce, pk2, sk1) == 0, "crypto_box failed");
  check (crypto_box_open (opened, boxed, sizeof boxed, nonce, pk1, sk2) == 0, "crypto_box_open failed");
  check (memcmp (opened + 32, msg, sizeof msg) == 0, "crypto_box_open gave other bytes");
  check (crypto_box_beforenm (k, pk1, sk2) == 0, "crypto_box_beforenm failed");
  check (crypto_box_easy (c, msg, sizeof msg, nonce, pk2, sk1) == 0, "crypto_box_easy failed");
  check (crypto_box_open_easy_afternm (out, c, sizeof c, nonce, k) == 0, "crypto_box_open_easy_afternm failed");
}

/* The XSalsa20-Poly1305 names: 2 fixed, 3 variable. */
static void
round_xsalsa (void)
{
  uint8_t pk1[32], sk1[32], pk2[32], sk2[32], seed[32], k[32], nonce[24];
  uint8_t padded[32 + 16] = { 0 }, boxed[sizeof padded], opened[sizeof padded];

  randombytes_buf (seed, sizeof seed);
  randombytes_buf (nonce, sizeof nonce);
  randombytes_buf (padded + 32, 16);
  check (crypto_box_curve25519xsalsa20poly1305_keypair (pk1, sk1) == 0, "xsalsa keypair failed");
  check (crypto_box_curve25519xsalsa20poly1305_seed_keypair (pk2, sk2, seed) == 0, "xsalsa seed_keypair failed");
  check (crypto_box_curve25519xsalsa20poly1305_beforenm (k, pk2, sk1) == 0, "xsalsa beforenm failed");
  check (crypto_box_curve25519xsalsa20poly1305 (boxed, padded, sizeof padded, nonce, pk2, sk1) == 0, "xsalsa box failed");
  check (crypto_box_curve25519xsalsa20poly1305_open (opened, boxed, sizeof boxed, nonce, pk1, sk2) == 0,
         "xsalsa open failed");
  check (memcmp (opened + 32, padded + 32, 16) == 0, "xsalsa open gave other bytes");
}

/* The XChaCha20-Poly1305 names: 2 fixed, 5 variable. */
static void
round_xchacha (void)
{
  uint8_t pk1[32], sk1[32], pk2[32], sk2[32], seed[32], k[32], nonce[24], mac[16];
  uint8_t msg[20] = "xchacha counted box", out[20], c[sizeof msg + 16];

  randombytes_buf (seed, sizeof seed);
  randombytes_buf (nonce, sizeof nonce);
  check (crypto_box_curve25519xchacha20poly1305_keypair (pk1, sk1) == 0, "xchacha keypair failed");
  check (crypto_box_curve25519xchacha20poly1305_seed_keypair (pk2, sk2, seed) == 0, "xchacha seed_keypair failed");
  check (crypto_box_curve25519xchacha20poly1305_beforenm (k, pk2, sk1) == 0, "xchacha beforenm failed");
  check (crypto_box_curve25519xchacha20poly1305_easy (c, msg, sizeof msg, nonce, pk2, sk1) == 0, "xchacha easy failed");
  check (crypto_box_curve25519xchacha20poly1305_open_easy (out, c, sizeof c, nonce, pk1, sk2) == 0,
         "xchacha open_easy failed");
  check (crypto_box_curve25519xchacha20poly1305_detached (c, mac, msg, sizeof msg, nonce, pk2, sk1) == 0,
         "xchacha detached failed");
  check (crypto_box_curve25519xchacha20poly1305_open_detached (out, c, mac, sizeof msg, nonce, pk1, sk2) == 0,
         "xchacha open_detached failed");
  check (memcmp (out, msg, sizeof msg) == 0, "xchacha open gave other bytes");
}

/* Sealed boxes, whose sealing makes a key pair inside libsodium: 4 fixed, 4 variable. */
static void
round_seal (void)
{
  uint8_t pk[32], sk[32], msg[12] = "sealed text", out[12];
  uint8_t c[sizeof msg + crypto_box_SEALBYTES];

  check (crypto_box_keypair (pk, sk) == 0, "crypto_box_keypair failed");
  check (crypto_box_seal (c, msg, sizeof msg, pk) == 0, "crypto_box_seal failed");
  check (crypto_box_seal_open (out, c, sizeof c, pk, sk) == 0, "crypto_box_seal_open failed");
  check (memcmp (out, msg, sizeof msg) == 0, "crypto_box_seal_open gave other bytes");
  check (crypto_box_curve25519xchacha20poly1305_keypair (pk, sk) == 0, "xchacha keypair failed");
  check (crypto_box_curve25519xchacha20poly1305_seal (c, msg, sizeof msg, pk) == 0, "xchacha seal failed");
  check (crypto_box_curve25519xchacha20poly1305_seal_open (out, c, sizeof c, pk, sk) == 0, "xchacha seal_open failed");
  check (memcmp (out, msg, sizeof msg) == 0, "xchacha seal_open gave other bytes");
}

/* crypto_kx: 2 fixed, 2 variable, and both sides get the same keys. */
static void
round_kx (void)
{
  uint8_t cpk[32], csk[32], spk[32], ssk[32], seed[32], crx[32], ctx[32], srx[32], stx[32];

  randombytes_buf (seed, sizeof seed);
  check (crypto_kx_keypair (cpk, csk) == 0, "crypto_kx_keypair failed");
  check (crypto_kx_seed_keypair (spk, ssk, seed) == 0, "crypto_kx_seed_keypair failed");
  check (crypto_kx_client_session_keys (crx, ctx, cpk, csk, spk) == 0, "crypto_kx_client_session_keys failed");
  check (crypto_kx_server_session_keys (srx, stx, spk, ssk, cpk) == 0, "crypto_kx_server_session_keys failed");
  check (memcmp (crx, stx, 32) == 0 && memcmp (ctx, srx, 32) == 0, "the kx session keys differ");
}

#define THREADS 4
#define THREAD_CALLS 500

static gpointer
thread_base (gpointer data)
{
  uint8_t scalar[32], pub[32];

  for (int i = 0; i < THREAD_CALLS; i++)
    {
      randombytes_buf (scalar, sizeof scalar);
      check (crypto_scalarmult_curve25519_base (pub, scalar) == 0, "crypto_scalarmult_curve25519_base failed");
    }
  return NULL;
}

/* THREADS threads at once, THREAD_CALLS fixed-base multiplications each: no count may get lost. */
static void
round_threads (void)
{
  GThread *threads[THREADS];

  for (int i = 0; i < THREADS; i++)
    threads[i] = g_thread_new ("x25519", thread_base, NULL);
  for (int i = 0; i < THREADS; i++)
    g_thread_join (threads[i]);
}

typedef struct
{
  const char *name;
  void      (*round) (void);
  uint64_t    variable;   /* per round */
  uint64_t    fixed;
} Case;

static const Case cases[] = {
  { "scalarmult", round_scalarmult, 2, 2 },
  { "box", round_box, 8, 2 },
  { "xsalsa", round_xsalsa, 3, 2 },
  { "xchacha", round_xchacha, 5, 2 },
  { "seal", round_seal, 4, 4 },
  { "kx", round_kx, 2, 2 },
  { "threads", round_threads, 0, THREADS * THREAD_CALLS },
};

static int
child_main (const char *name,
            const char *rounds_text)
{
  guint64 rounds = 0;

  check (sodium_init () >= 0, "libsodium failed to initialise");
  check (g_ascii_string_to_unsigned (rounds_text, 10, 0, 1000, &rounds, NULL), "bad round count");
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    if (strcmp (cases[i].name, name) == 0)
      {
        for (guint64 r = 0; r < rounds; r++)
          cases[i].round ();
        return 0;
      }
  check (false, "no such case");
  return 3;
}

/* --- The parent: runs children and reads what the shim counted ----------------------- */

/* Runs the child case @name @rounds times with the shim (or without) counting into @dir. */
static void
run_child (const char *dir,
           const char *name,
           guint       rounds,
           bool        preload)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rounds_text = g_strdup_printf ("%u", rounds);
  const char *asan = g_getenv ("ASAN_OPTIONS");
  g_autofree char *asan_options = NULL;

  g_subprocess_launcher_setenv (launcher, NYMPH_X25519_COUNT_ENV, dir, TRUE);
  if (preload)
    {
      g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", shim_path, TRUE);
      /* Under AddressSanitizer the preloaded shim comes before libasan, which is harmless here. */
      asan_options = g_strdup_printf ("%s%sverify_asan_link_order=0", asan != NULL ? asan : "",
                                      asan != NULL && *asan != '\0' ? ":" : "");
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", asan_options, TRUE);
    }
  else
    g_subprocess_launcher_unsetenv (launcher, "LD_PRELOAD");
  child = g_subprocess_launcher_spawn (launcher, &error, self_path, "--child", name, rounds_text, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
}

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("x25519-count-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* One process, @rounds rounds of a case: exactly the case's counts times the rounds. */
static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *dir = make_dir ();
  NymphX25519Counts counts;
  const guint rounds = 3;

  run_child (dir, c->name, rounds, true);
  g_assert_true (nymph_x25519_counts_read (dir, &counts));
  g_assert_cmpuint (counts.pid, ==, 1);
  g_assert_cmpuint (counts.variable, ==, c->variable * rounds);
  g_assert_cmpuint (counts.fixed, ==, c->fixed * rounds);
  remove_dir (dir);
}

/* The files of several processes add up; a process without the shim leaves none. */
static void
test_sum_and_absent (void)
{
  g_autofree char *dir = make_dir ();
  NymphX25519Counts counts;

  run_child (dir, "scalarmult", 5, false);
  g_assert_true (nymph_x25519_counts_read (dir, &counts));
  g_assert_cmpuint (counts.pid, ==, 0);
  g_assert_cmpuint (counts.variable, ==, 0);
  g_assert_cmpuint (counts.fixed, ==, 0);

  run_child (dir, "scalarmult", 5, true);
  run_child (dir, "kx", 2, true);
  g_assert_true (nymph_x25519_counts_read (dir, &counts));
  g_assert_cmpuint (counts.pid, ==, 2);
  g_assert_cmpuint (counts.variable, ==, 5 * 2 + 2 * 2);
  g_assert_cmpuint (counts.fixed, ==, 5 * 2 + 2 * 2);
  remove_dir (dir);
}

/* A file that is not the shim's makes the reader fail instead of adding garbage. */
static void
test_bad_file (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, NYMPH_X25519_COUNT_PREFIX "1" NYMPH_X25519_COUNT_SUFFIX, NULL);
  g_autofree char *other = g_build_filename (dir, "unrelated.txt", NULL);
  g_autoptr(GError) error = NULL;
  NymphX25519Counts counts;
  char junk[sizeof counts];

  memset (junk, 'x', sizeof junk);
  g_file_set_contents (other, "not a count", -1, &error);
  g_assert_no_error (error);
  g_assert_true (nymph_x25519_counts_read (dir, &counts));
  g_assert_cmpuint (counts.pid, ==, 0);
  g_file_set_contents (path, junk, 8, &error);
  g_assert_no_error (error);
  g_assert_false (nymph_x25519_counts_read (dir, &counts));
  g_file_set_contents (path, junk, sizeof junk, &error);
  g_assert_no_error (error);
  g_assert_false (nymph_x25519_counts_read (dir, &counts));
  g_unlink (path);
  g_unlink (other);
  g_rmdir (dir);
  g_assert_false (nymph_x25519_counts_read (dir, &counts));
}

int
main (int    argc,
      char **argv)
{
  if (argc == 4 && strcmp (argv[1], "--child") == 0)
    return child_main (argv[2], argv[3]);
  g_test_init (&argc, &argv, NULL);
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s [TEST-OPTIONS] X25519-COUNT.so\n", argv[0]);
      return 2;
    }
  self_path = g_canonicalize_filename (argv[0], NULL);
  shim_path = argv[1];
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/x25519-count/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/x25519-count/sum-and-absent", test_sum_and_absent);
  g_test_add_func ("/x25519-count/bad-file", test_bad_file);
  return g_test_run ();
}
