/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests secp256k1 signing: the spec §3.4 signatures, determinism, low-S, verification and bad keys. */
#include <sodium.h>

#include "crypto/nyx-address.h"
#include "tx/nyx-sign.h"
#include "nyx-test-util.h"
#include "nyx-wallet.h"

#define ABANDON_ART \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art"

/* n/2 for secp256k1: a Cosmos signature's s must not exceed it. */
static const char half_order_hex[] = "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0";
static const char order_hex[] = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

typedef struct
{
  GHashTable *vectors;
  uint8_t    *private_key;
  uint8_t     public_key[33];
} SignFixture;

static void
sign_setup (SignFixture  *fixture,
            gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fixture->vectors = nyx_test_load_table ("nyx-tx.vectors");
  fixture->private_key = sodium_malloc (32);
  g_assert_true (nyx_address_derive_from_mnemonic (ABANDON_ART, 0, fixture->public_key,
                                                   fixture->private_key, NULL, &error));
  g_assert_no_error (error);
}

static void
sign_teardown (SignFixture  *fixture,
               gconstpointer data)
{
  g_hash_table_unref (fixture->vectors);
  sodium_free (fixture->private_key);
}

static bool
is_low_s (const uint8_t signature[static 64])
{
  g_autoptr(GBytes) half = nyx_test_hex (half_order_hex);

  return memcmp (signature + 32, g_bytes_get_data (half, NULL), 32) <= 0;
}

/* s' = n - s: the other valid signature, which Cosmos refuses. */
static void
make_high_s (const uint8_t low[static 64],
             uint8_t       high[static 64])
{
  g_autoptr(GBytes) n_bytes = nyx_test_hex (order_hex);
  const uint8_t *n = g_bytes_get_data (n_bytes, NULL);
  int borrow = 0;

  memcpy (high, low, 32);
  for (int i = 31; i >= 0; i--)
    {
      int d = n[i] - low[32 + i] - borrow;

      borrow = d < 0;
      high[32 + i] = (uint8_t) (d + (borrow ? 256 : 0));
    }
}

static void
test_spec_signatures (SignFixture  *fixture,
                      gconstpointer data)
{
  static const char *const tags[] = { "a", "b" };

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_autofree char *k_sign_doc = g_strdup_printf ("%s|sign_doc", tags[i]);
      g_autofree char *k_digest = g_strdup_printf ("%s|sign_doc_sha256", tags[i]);
      g_autofree char *k_signature = g_strdup_printf ("%s|signature", tags[i]);
      g_autoptr(GBytes) sign_doc = nyx_test_hex (nyx_test_table_get (fixture->vectors, k_sign_doc));
      g_autoptr(GBytes) digest = nyx_test_hex (nyx_test_table_get (fixture->vectors, k_digest));
      g_autoptr(GError) error = NULL;
      uint8_t signature[64], again[64], high[64];
      gsize len = 0;
      const uint8_t *doc = g_bytes_get_data (sign_doc, &len);

      g_assert_true (nyx_sign_digest (fixture->private_key, g_bytes_get_data (digest, NULL), signature, &error));
      g_assert_no_error (error);
      nyx_test_assert_hex (signature, sizeof signature, nyx_test_table_get (fixture->vectors, k_signature));

      /* RFC 6979: the same message and key always give the same signature. */
      g_assert_true (nyx_sign_message (fixture->private_key, doc, len, again, &error));
      g_assert_cmpmem (signature, sizeof signature, again, sizeof again);
      g_assert_true (is_low_s (signature));

      g_assert_true (nyx_verify_message (fixture->public_key, doc, len, signature));
      make_high_s (signature, high);
      g_assert_false (is_low_s (high));
      g_assert_false (nyx_verify_message (fixture->public_key, doc, len, high));
      again[10] ^= 1;
      g_assert_false (nyx_verify_message (fixture->public_key, doc, len, again));
      g_assert_false (nyx_verify_message (fixture->public_key, doc, len - 1, signature));
    }
}

static void
test_public_key (SignFixture  *fixture,
                 gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  uint8_t public_key[33];

  g_assert_true (nyx_sign_public_key (fixture->private_key, public_key, &error));
  g_assert_no_error (error);
  nyx_test_assert_hex (public_key, sizeof public_key,
                       "02ba66a84cf7839af172a13e7fc9f5e7008cb8bca1585f8f3bafb3039eda3c1fdd");
}

/* Random keys and messages: every signature verifies and has low S. */
static void
test_random (void)
{
  uint8_t *key = sodium_malloc (32);

  for (guint i = 0; i < 64; i++)
    {
      g_autoptr(GError) error = NULL;
      uint8_t public_key[33], signature[64], message[100];

      randombytes_buf (key, 32);
      randombytes_buf (message, sizeof message);
      g_assert_true (nyx_sign_public_key (key, public_key, &error));
      g_assert_true (nyx_sign_message (key, message, i, signature, &error));
      g_assert_no_error (error);
      g_assert_true (is_low_s (signature));
      g_assert_true (nyx_verify_message (public_key, message, i, signature));
    }
  sodium_free (key);
}

static void
test_bad_keys (void)
{
  g_autoptr(GBytes) order = nyx_test_hex (order_hex);
  uint8_t keys[3][32];
  uint8_t digest[32] = { 1 };
  uint8_t signature[64], untouched[64];
  uint8_t bad_public[33] = { 0x05 };

  memset (keys[0], 0, 32);
  memcpy (keys[1], g_bytes_get_data (order, NULL), 32);
  memset (keys[2], 0xff, 32);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GError) error = NULL;
      uint8_t public_key[33] = { 0 };

      memset (signature, 0x5a, sizeof signature);
      memset (untouched, 0x5a, sizeof untouched);
      g_assert_false (nyx_sign_digest (keys[i], digest, signature, &error));
      g_assert_error (error, NYX_SIGN_ERROR, NYX_SIGN_ERROR_INVALID_KEY);
      g_assert_cmpmem (signature, sizeof signature, untouched, sizeof untouched);
      g_clear_error (&error);
      g_assert_false (nyx_sign_public_key (keys[i], public_key, &error));
      g_assert_error (error, NYX_SIGN_ERROR, NYX_SIGN_ERROR_INVALID_KEY);
    }
  g_assert_false (nyx_verify_message (bad_public, digest, sizeof digest, signature));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add ("/sign/spec-signatures", SignFixture, NULL, sign_setup, test_spec_signatures, sign_teardown);
  g_test_add ("/sign/public-key", SignFixture, NULL, sign_setup, test_public_key, sign_teardown);
  g_test_add_func ("/sign/random", test_random);
  g_test_add_func ("/sign/bad-keys", test_bad_keys);
  return g_test_run ();
}
