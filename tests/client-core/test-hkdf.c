/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests HMAC-SHA256, HMAC-BLAKE3 and HKDF over both against RFC 5869, the Nym specs and the real client. */
#include <string.h>
#include <glib.h>

#include "crypto/nym-blake3.h"
#include "crypto/nym-hkdf.h"
#include "crypto/nym-hmac.h"
#include "crypto/nym-keys.h"
#include "crypto-test-vectors.h"

typedef struct
{
  GKeyFile *vectors;
} HkdfFixture;

static void
hkdf_setup (HkdfFixture   *fixture,
            gconstpointer  user_data)
{
  fixture->vectors = crypto_test_load_vectors ("hkdf.vectors");
}

static void
hkdf_teardown (HkdfFixture   *fixture,
               gconstpointer  user_data)
{
  g_clear_pointer (&fixture->vectors, g_key_file_unref);
}

/* Every group of hkdf.vectors: RFC 5869 A.1-A.3 (SHA-256) and the spec's HKDF-BLAKE3 keys. */
static void
test_hkdf_vectors (HkdfFixture   *fixture,
                   gconstpointer  user_data)
{
  g_auto(GStrv) groups = g_key_file_get_groups (fixture->vectors, NULL);
  unsigned sha256_count = 0, blake3_count = 0;

  for (size_t g = 0; groups[g] != NULL; g++)
    {
      const char *group = groups[g];
      g_autofree char *hash_name = g_key_file_get_string (fixture->vectors, group, "hash", NULL);
      NymHkdfHash hash = g_str_equal (hash_name, "blake3") ? NYM_HKDF_BLAKE3 : NYM_HKDF_SHA256;
      g_autoptr(GBytes) ikm = crypto_test_vector (fixture->vectors, group, "ikm");
      g_autoptr(GBytes) salt = crypto_test_vector (fixture->vectors, group, "salt");
      g_autoptr(GBytes) info = crypto_test_vector (fixture->vectors, group, "info");
      g_autoptr(GBytes) okm = crypto_test_vector (fixture->vectors, group, "okm");
      size_t length = (size_t) g_key_file_get_integer (fixture->vectors, group, "length", NULL);
      g_autofree uint8_t *out = g_malloc0 (length);

      g_assert_cmpuint (length, ==, g_bytes_get_size (okm));
      g_assert_true (nym_hkdf (hash,
                               g_bytes_get_data (salt, NULL), g_bytes_get_size (salt),
                               g_bytes_get_data (ikm, NULL), g_bytes_get_size (ikm),
                               g_bytes_get_data (info, NULL), g_bytes_get_size (info),
                               out, length));
      crypto_test_assert_bytes (out, length, okm);

      /* The PRK of the RFC is HMAC(salt, IKM), with HashLen zero bytes for an empty salt. */
      if (hash == NYM_HKDF_SHA256)
        {
          g_autoptr(GBytes) prk = crypto_test_vector (fixture->vectors, group, "prk");
          static const uint8_t zeros[32] = { 0 };
          uint8_t mac[32];
          bool empty_salt = g_bytes_get_size (salt) == 0;

          nym_hmac_sha256 (empty_salt ? zeros : g_bytes_get_data (salt, NULL),
                           empty_salt ? sizeof zeros : g_bytes_get_size (salt),
                           g_bytes_get_data (ikm, NULL), g_bytes_get_size (ikm), mac);
          crypto_test_assert_bytes (mac, sizeof mac, prk);
          sha256_count++;
        }
      else
        {
          blake3_count++;
        }
    }

  g_assert_cmpuint (sha256_count, ==, 3);
  g_assert_cmpuint (blake3_count, >=, 2);
}

/* A NULL salt, an empty salt and HashLen zero bytes are the same salt (RFC 5869 §2.2). */
static void
test_hkdf_salt_none (HkdfFixture   *fixture,
                     gconstpointer  user_data)
{
  static const uint8_t ikm[] = "input keying material";
  static const uint8_t zeros[32] = { 0 };
  static const uint8_t empty[1] = { 0 };
  const NymHkdfHash hashes[] = { NYM_HKDF_SHA256, NYM_HKDF_BLAKE3 };

  for (size_t h = 0; h < G_N_ELEMENTS (hashes); h++)
    {
      uint8_t with_null[40], with_empty[40], with_zeros[40], with_other[40];

      g_assert_true (nym_hkdf (hashes[h], NULL, 0, ikm, sizeof ikm, NULL, 0, with_null, 40));
      g_assert_true (nym_hkdf (hashes[h], empty, 0, ikm, sizeof ikm, NULL, 0, with_empty, 40));
      g_assert_true (nym_hkdf (hashes[h], zeros, 32, ikm, sizeof ikm, NULL, 0, with_zeros, 40));
      g_assert_true (nym_hkdf (hashes[h], zeros, 31, ikm, sizeof ikm, NULL, 0, with_other, 40));
      g_assert_cmpmem (with_null, 40, with_empty, 40);
      g_assert_cmpmem (with_null, 40, with_zeros, 40);
      /* HMAC zero-pads short keys, so 31 zero bytes are the same key too. */
      g_assert_cmpmem (with_null, 40, with_other, 40);
    }
}

/* L may be at most 255 * HashLen; a longer request fails and leaves out untouched. */
static void
test_hkdf_length_limit (HkdfFixture   *fixture,
                        gconstpointer  user_data)
{
  static const uint8_t ikm[32] = { 7 };
  size_t max = 255 * 32;
  g_autofree uint8_t *out = g_malloc (max + 1);
  uint8_t first[32];

  memset (out, 0xa5, max + 1);
  g_assert_false (nym_hkdf (NYM_HKDF_SHA256, NULL, 0, ikm, sizeof ikm, NULL, 0, out, max + 1));
  g_assert_false (nym_hkdf (NYM_HKDF_BLAKE3, NULL, 0, ikm, sizeof ikm, NULL, 0, out, max + 1));
  for (size_t i = 0; i < max + 1; i++)
    g_assert_cmpuint (out[i], ==, 0xa5);

  g_assert_true (nym_hkdf (NYM_HKDF_BLAKE3, NULL, 0, ikm, sizeof ikm, NULL, 0, out, max));
  g_assert_cmpuint (out[max], ==, 0xa5);
  /* Shorter outputs are prefixes of longer ones. */
  g_assert_true (nym_hkdf (NYM_HKDF_BLAKE3, NULL, 0, ikm, sizeof ikm, NULL, 0, first, 32));
  g_assert_cmpmem (first, 32, out, 32);
  g_assert_true (nym_hkdf (NYM_HKDF_SHA256, NULL, 0, ikm, sizeof ikm, NULL, 0, out, 0));
  g_assert_false (nym_hkdf ((NymHkdfHash) 7, NULL, 0, ikm, sizeof ikm, NULL, 0, first, 32));
}

/* HMAC-BLAKE3 per RFC 2104 with a 64-byte block: keys longer than 64 bytes are replaced by
 * their BLAKE3 hash, shorter ones are zero-padded, and an exactly 64-byte key is used as is. */
static void
test_hmac_blake3_key_handling (HkdfFixture   *fixture,
                               gconstpointer  user_data)
{
  static const uint8_t data[] = "The quick brown fox";
  uint8_t long_key[65], hashed_key[32], padded[64] = { 0 };
  uint8_t a[32], b[32];

  for (size_t i = 0; i < sizeof long_key; i++)
    long_key[i] = (uint8_t) (i * 3 + 1);
  nym_blake3 (long_key, sizeof long_key, hashed_key);
  nym_hmac_blake3 (long_key, sizeof long_key, data, sizeof data, a);
  nym_hmac_blake3 (hashed_key, sizeof hashed_key, data, sizeof data, b);
  g_assert_cmpmem (a, 32, b, 32);

  /* A 64-byte key is not hashed: it differs from the HMAC under its hash. */
  nym_blake3 (long_key, 64, hashed_key);
  nym_hmac_blake3 (long_key, 64, data, sizeof data, a);
  nym_hmac_blake3 (hashed_key, sizeof hashed_key, data, sizeof data, b);
  g_assert_true (memcmp (a, b, 32) != 0);

  memcpy (padded, long_key, 20);
  nym_hmac_blake3 (long_key, 20, data, sizeof data, a);
  nym_hmac_blake3 (padded, sizeof padded, data, sizeof data, b);
  g_assert_cmpmem (a, 32, b, 32);

  /* The definition itself: BLAKE3((K ^ opad) || BLAKE3((K ^ ipad) || data)). */
  {
    uint8_t ipad[64], opad[64], inner[32], expected[32];
    NymBlake3 hasher;

    for (size_t i = 0; i < 64; i++)
      {
        ipad[i] = padded[i] ^ 0x36;
        opad[i] = padded[i] ^ 0x5c;
      }
    nym_blake3_init (&hasher);
    nym_blake3_update (&hasher, ipad, 64);
    nym_blake3_update (&hasher, data, sizeof data);
    nym_blake3_finalize (&hasher, inner, 32);
    nym_blake3_init (&hasher);
    nym_blake3_update (&hasher, opad, 64);
    nym_blake3_update (&hasher, inner, 32);
    nym_blake3_finalize (&hasher, expected, 32);
    g_assert_cmpmem (a, 32, expected, 32);
  }
}

static void
test_hmac_blake3_incremental (HkdfFixture   *fixture,
                              gconstpointer  user_data)
{
  uint8_t data[3000], key[40], whole[32], pieces[32];
  NymHmacBlake3 hmac;

  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (uint8_t) (i ^ (i >> 3));
  memset (key, 0x42, sizeof key);
  nym_hmac_blake3 (key, sizeof key, data, sizeof data, whole);

  nym_hmac_blake3_init (&hmac, key, sizeof key);
  nym_hmac_blake3_update (&hmac, data, 1);
  nym_hmac_blake3_update (&hmac, data + 1, 1500);
  nym_hmac_blake3_update (&hmac, data + 1501, 0);
  nym_hmac_blake3_update (&hmac, data + 1501, sizeof data - 1501);
  nym_hmac_blake3_finish (&hmac, pieces);
  g_assert_cmpmem (whole, 32, pieces, 32);
}

/* The session keys of the real client's gateway registrations (wasm-client-packets.json):
 * shared_key = HKDF-HMAC-BLAKE3(salt, X25519(gateway eph, client eph), info "", 32), and the
 * client stored the same key as its gateway_shared_key. */
static void
test_hkdf_real_client_registrations (HkdfFixture   *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(JsonParser) parser = crypto_test_load_json ("wasm-client-packets.json");
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *captures = json_object_get_array_member (root, "captures");
  unsigned checked = 0;

  for (unsigned c = 0; c < json_array_get_length (captures); c++)
    {
      JsonObject *capture = json_array_get_object_element (captures, c);
      JsonObject *registration = json_object_get_object_member (capture, "gateway_registration");
      JsonObject *client = json_object_get_object_member (capture, "client");
      g_autoptr(GBytes) gateway_private = crypto_test_json_hex (registration, "gateway_ephemeral_x25519_private");
      g_autoptr(GBytes) client_public = crypto_test_json_hex (registration, "client_ephemeral_x25519_public");
      g_autoptr(GBytes) salt = crypto_test_json_hex (registration, "hkdf_salt");
      g_autoptr(GBytes) shared = crypto_test_json_hex (registration, "x25519_shared");
      g_autoptr(GBytes) shared_key = crypto_test_json_hex (registration, "shared_key");
      g_autoptr(GBytes) stored_key = crypto_test_json_hex (client, "gateway_shared_key");
      uint8_t dh[32], key[32];

      g_assert_cmpuint (g_bytes_get_size (gateway_private), ==, 32);
      g_assert_cmpuint (g_bytes_get_size (client_public), ==, 32);
      g_assert_true (nym_x25519 (dh, g_bytes_get_data (gateway_private, NULL),
                                 g_bytes_get_data (client_public, NULL)));
      crypto_test_assert_bytes (dh, sizeof dh, shared);

      g_assert_true (nym_hkdf (NYM_HKDF_BLAKE3, g_bytes_get_data (salt, NULL), g_bytes_get_size (salt),
                               dh, sizeof dh, NULL, 0, key, sizeof key));
      crypto_test_assert_bytes (key, sizeof key, shared_key);
      crypto_test_assert_bytes (key, sizeof key, stored_key);
      checked++;
    }
  g_assert_cmpuint (checked, >=, 4);
}

/* The v259 LIONESS keys of the real packets: HKDF-SHA256 of the 16-byte seed with the
 * sphinx-payload-key salt and info strings, L = 192 (nym-packet.md §1). */
static void
test_hkdf_real_client_payload_keys (HkdfFixture   *fixture,
                                    gconstpointer  user_data)
{
  static const char salt[] = "sphinx-payload-key-V01-CS01-HKDF:SHA256-SALT";
  static const char info[] = "sphinx-payload-key-V01-CS01-HKDF:SHA256-INFO";
  g_autoptr(JsonParser) parser = crypto_test_load_json ("wasm-client-packets.json");
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *captures = json_object_get_array_member (root, "captures");
  unsigned checked = 0;

  for (unsigned c = 0; c < json_array_get_length (captures); c++)
    {
      JsonArray *packets = json_object_get_array_member (json_array_get_object_element (captures, c),
                                                         "packets");

      for (unsigned p = 0; p < json_array_get_length (packets); p++)
        {
          JsonArray *hops = json_object_get_array_member (json_array_get_object_element (packets, p),
                                                          "hops");

          for (unsigned h = 0; h < json_array_get_length (hops); h++)
            {
              JsonObject *hop = json_array_get_object_element (hops, h);
              g_autoptr(GBytes) seed = NULL;
              g_autoptr(GBytes) payload_key = NULL;
              uint8_t key[192];

              if (!g_str_has_prefix (json_object_get_string_member (hop, "payload_key_kind"), "HKDF"))
                continue;
              seed = crypto_test_json_hex (hop, "payload_key_seed");
              payload_key = crypto_test_json_hex (hop, "payload_key");
              g_assert_cmpuint (g_bytes_get_size (seed), ==, 16);
              g_assert_true (nym_hkdf (NYM_HKDF_SHA256, (const uint8_t *) salt, strlen (salt),
                                       g_bytes_get_data (seed, NULL), 16,
                                       (const uint8_t *) info, strlen (info), key, sizeof key));
              crypto_test_assert_bytes (key, sizeof key, payload_key);
              checked++;
            }
        }
    }
  g_assert_cmpuint (checked, >=, 40);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, HkdfFixture, NULL, hkdf_setup, func, hkdf_teardown)
  ADD ("/hkdf/vectors", test_hkdf_vectors);
  ADD ("/hkdf/salt-none", test_hkdf_salt_none);
  ADD ("/hkdf/length-limit", test_hkdf_length_limit);
  ADD ("/hkdf/real-client/registrations", test_hkdf_real_client_registrations);
  ADD ("/hkdf/real-client/payload-keys", test_hkdf_real_client_payload_keys);
  ADD ("/hmac/blake3/key-handling", test_hmac_blake3_key_handling);
  ADD ("/hmac/blake3/incremental", test_hmac_blake3_incremental);
#undef ADD

  return g_test_run ();
}
