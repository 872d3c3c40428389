/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests base58 against Bitcoin's vectors and the real client's address, plus every kind of bad input. */
#include <string.h>
#include <glib.h>

#include "crypto/nym-base58.h"
#include "crypto/nym-keys.h"
#include "crypto-test-vectors.h"

typedef struct
{
  GKeyFile *vectors;
} Base58Fixture;

static void
base58_setup (Base58Fixture *fixture,
              gconstpointer  user_data)
{
  fixture->vectors = crypto_test_load_vectors ("base58.vectors");
}

static void
base58_teardown (Base58Fixture *fixture,
                 gconstpointer  user_data)
{
  g_clear_pointer (&fixture->vectors, g_key_file_unref);
}

static void
test_base58_vectors (Base58Fixture *fixture,
                     gconstpointer  user_data)
{
  g_auto(GStrv) groups = g_key_file_get_groups (fixture->vectors, NULL);
  unsigned checked = 0;

  for (size_t g = 0; groups[g] != NULL; g++)
    {
      g_autoptr(GBytes) bytes = crypto_test_vector (fixture->vectors, groups[g], "bytes");
      g_autofree char *text = g_key_file_get_string (fixture->vectors, groups[g], "text", NULL);
      g_autofree char *encoded = NULL;
      g_autoptr(GError) error = NULL;
      uint8_t out[128];
      size_t out_len = 9999;

      g_assert_nonnull (text);
      encoded = nym_base58_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_assert_cmpstr (encoded, ==, text);

      g_assert_true (nym_base58_decode (text, out, sizeof out, &out_len, &error));
      g_assert_no_error (error);
      crypto_test_assert_bytes (out, out_len, bytes);
      checked++;
    }
  g_assert_cmpuint (checked, >=, 12);
}

/* Random data with 0-3 leading zero bytes survives a round trip, and zeros map to '1's. */
static void
test_base58_round_trip (Base58Fixture *fixture,
                        gconstpointer  user_data)
{
  for (unsigned round = 0; round < 200; round++)
    {
      size_t len = (size_t) g_test_rand_int_range (0, 100);
      /* MIN() evaluates its arguments twice, so the random draw happens first. */
      size_t wanted_zeros = (size_t) g_test_rand_int_range (0, 4);
      size_t zeros = MIN (wanted_zeros, len);
      g_autofree uint8_t *data = g_malloc (len + 1);
      g_autofree char *text = NULL;
      g_autofree uint8_t *back = g_malloc (len + 1);
      g_autoptr(GError) error = NULL;
      size_t back_len = 0;

      nym_random_bytes (data, len);
      memset (data, 0, zeros);
      if (len > zeros && data[zeros] == 0)
        data[zeros] = 1;

      text = nym_base58_encode (data, len);
      for (size_t i = 0; i < zeros; i++)
        g_assert_cmpint (text[i], ==, '1');
      if (len > zeros)
        g_assert_cmpint (text[zeros], !=, '1');

      g_assert_true (nym_base58_decode (text, back, len, &back_len, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (back, back_len, data, len);
    }
}

/* Characters outside the alphabet give INVALID_BASE58 naming the character and position,
 * and the output buffer is not touched. */
static void
test_base58_bad_characters (Base58Fixture *fixture,
                            gconstpointer  user_data)
{
  const char *bad[] = { "0", "O", "I", "l", "2g0", "abc+", " 2g", "2g ", "2g\n", "3yv4\xc3\xa9", "-1", "a3g_V" };

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      uint8_t out[32];
      size_t out_len = 1234;

      memset (out, 0x5a, sizeof out);
      g_assert_false (nym_base58_decode (bad[i], out, sizeof out, &out_len, &error));
      g_assert_error (error, NYM_CRYPTO_ERROR, NYM_CRYPTO_ERROR_INVALID_BASE58);
      g_assert_nonnull (strstr (error->message, "position"));
      g_assert_cmpuint (out_len, ==, 1234);
      for (size_t j = 0; j < sizeof out; j++)
        g_assert_cmpuint (out[j], ==, 0x5a);
    }
}

/* Decoding into a buffer that is too small fails with TOO_LONG and writes nothing; a buffer
 * of exactly the right size works. */
static void
test_base58_overflow (Base58Fixture *fixture,
                      gconstpointer  user_data)
{
  static const uint8_t key[32] = { 0, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                   11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26 };
  g_autofree char *text = nym_base58_encode (key, sizeof key);
  uint8_t out[33];
  size_t out_len = 0;

  for (size_t cap = 0; cap < sizeof key; cap++)
    {
      g_autoptr(GError) error = NULL;

      memset (out, 0x5a, sizeof out);
      g_assert_false (nym_base58_decode (text, out, cap, &out_len, &error));
      g_assert_error (error, NYM_CRYPTO_ERROR, NYM_CRYPTO_ERROR_TOO_LONG);
      g_assert_nonnull (strstr (error->message, "32 bytes"));
      for (size_t j = 0; j < sizeof out; j++)
        g_assert_cmpuint (out[j], ==, 0x5a);
    }

  memset (out, 0x5a, sizeof out);
  g_assert_true (nym_base58_decode (text, out, sizeof key, &out_len, NULL));
  g_assert_cmpmem (out, out_len, key, sizeof key);
  g_assert_cmpuint (out[32], ==, 0x5a);

  /* Leading '1's alone also count against the capacity. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (nym_base58_decode ("1111", out, 3, &out_len, &error));
    g_assert_error (error, NYM_CRYPTO_ERROR, NYM_CRYPTO_ERROR_TOO_LONG);
  }
  /* Text far too long for the buffer is refused up front (the conversion is quadratic). */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *huge = g_strnfill (200000, 'z');

    memset (out, 0x5a, sizeof out);
    g_assert_false (nym_base58_decode (huge, out, sizeof out, &out_len, &error));
    g_assert_error (error, NYM_CRYPTO_ERROR, NYM_CRYPTO_ERROR_TOO_LONG);
    g_assert_cmpuint (out[0], ==, 0x5a);
  }
  g_assert_true (nym_base58_decode ("", out, 0, &out_len, NULL));
  g_assert_cmpuint (out_len, ==, 0);
}

/* The real client's address is bs58(identity) "." bs58(encryption key) "@" bs58(gateway). */
static void
test_base58_real_client_address (Base58Fixture *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(JsonParser) parser = crypto_test_load_json ("wasm-client-packets.json");
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *captures = json_object_get_array_member (root, "captures");

  for (unsigned c = 0; c < json_array_get_length (captures); c++)
    {
      JsonObject *client = json_object_get_object_member (json_array_get_object_element (captures, c),
                                                          "client");
      const char *address = json_object_get_string_member (client, "address");
      const char *members[] = { "ed25519_public", "x25519_public", "gateway_ed25519_public" };
      g_auto(GStrv) halves = g_strsplit (address, "@", 2);
      g_auto(GStrv) parts = NULL;
      const char *texts[3];

      g_assert_cmpuint (g_strv_length (halves), ==, 2);
      parts = g_strsplit (halves[0], ".", 2);
      g_assert_cmpuint (g_strv_length (parts), ==, 2);
      texts[0] = parts[0];
      texts[1] = parts[1];
      texts[2] = halves[1];

      for (size_t i = 0; i < 3; i++)
        {
          g_autoptr(GBytes) expected = crypto_test_json_hex (client, members[i]);
          g_autofree char *encoded = nym_base58_encode (g_bytes_get_data (expected, NULL),
                                                        g_bytes_get_size (expected));
          uint8_t decoded[32];
          size_t decoded_len = 0;

          g_assert_true (nym_base58_decode (texts[i], decoded, sizeof decoded, &decoded_len, NULL));
          crypto_test_assert_bytes (decoded, decoded_len, expected);
          g_assert_cmpstr (encoded, ==, texts[i]);
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Base58Fixture, NULL, base58_setup, func, base58_teardown)
  ADD ("/base58/vectors", test_base58_vectors);
  ADD ("/base58/round-trip", test_base58_round_trip);
  ADD ("/base58/bad-characters", test_base58_bad_characters);
  ADD ("/base58/overflow", test_base58_overflow);
  ADD ("/base58/real-client-address", test_base58_real_client_address);
#undef ADD

  return g_test_run ();
}
