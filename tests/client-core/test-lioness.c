/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests LIONESS against the lioness-0.1.2 vector, round trips, bad lengths and the real client's payloads. */
#include <string.h>
#include <glib.h>

#include "crypto/nym-keys.h"
#include "crypto/nym-lioness.h"
#include "crypto-test-vectors.h"

/* The Sphinx header in front of the payload: α (32) ‖ γ (16) ‖ β (300), nym-packet.md §3. */
#define SPHINX_HEADER_LEN 348

typedef struct
{
  GKeyFile *vectors;
} LionessFixture;

static void
lioness_setup (LionessFixture *fixture,
               gconstpointer   user_data)
{
  fixture->vectors = crypto_test_load_vectors ("lioness.vectors");
}

static void
lioness_teardown (LionessFixture *fixture,
                  gconstpointer   user_data)
{
  g_clear_pointer (&fixture->vectors, g_key_file_unref);
}

static void
test_lioness_vector (LionessFixture *fixture,
                     gconstpointer   user_data)
{
  g_autoptr(GBytes) key = crypto_test_vector (fixture->vectors, "lioness-0.1.2", "key");
  g_autoptr(GBytes) plaintext = crypto_test_vector (fixture->vectors, "lioness-0.1.2", "plaintext");
  g_autoptr(GBytes) ciphertext = crypto_test_vector (fixture->vectors, "lioness-0.1.2", "ciphertext");
  size_t len = g_bytes_get_size (plaintext);
  g_autofree uint8_t *block = g_memdup2 (g_bytes_get_data (plaintext, NULL), len);

  g_assert_cmpuint (g_bytes_get_size (key), ==, NYM_LIONESS_KEY_SIZE);
  g_assert_cmpuint (len, ==, 512);

  g_assert_true (nym_lioness_encrypt (g_bytes_get_data (key, NULL), block, len));
  crypto_test_assert_bytes (block, len, ciphertext);
  g_assert_true (nym_lioness_decrypt (g_bytes_get_data (key, NULL), block, len));
  crypto_test_assert_bytes (block, len, plaintext);
}

/* Decrypt undoes encrypt, and encrypt undoes decrypt, for every size from the minimum up,
 * including the Sphinx payload sizes (2065 for data, 38 inside SURB-ACKs). */
static void
test_lioness_round_trip (LionessFixture *fixture,
                         gconstpointer   user_data)
{
  static const size_t lengths[] = { 33, 34, 38, 63, 64, 65, 96, 97, 1000, 2065, 4096, 70001 };

  for (size_t l = 0; l < G_N_ELEMENTS (lengths); l++)
    {
      size_t len = lengths[l];
      uint8_t key[NYM_LIONESS_KEY_SIZE];
      g_autofree uint8_t *original = g_malloc (len);
      g_autofree uint8_t *block = g_malloc (len);

      nym_random_bytes (key, sizeof key);
      nym_random_bytes (original, len);
      memcpy (block, original, len);

      g_assert_true (nym_lioness_encrypt (key, block, len));
      g_assert_true (memcmp (block, original, len) != 0);
      g_assert_true (nym_lioness_decrypt (key, block, len));
      g_assert_cmpmem (block, len, original, len);

      g_assert_true (nym_lioness_decrypt (key, block, len));
      g_assert_true (nym_lioness_encrypt (key, block, len));
      g_assert_cmpmem (block, len, original, len);

      /* A wide-block cipher: one flipped bit at the end changes the first byte's block too. */
      g_assert_true (nym_lioness_encrypt (key, block, len));
      block[len - 1] ^= 0x80;
      g_assert_true (nym_lioness_decrypt (key, block, len));
      g_assert_true (memcmp (block, original, 32) != 0);
    }
}

/* Blocks shorter than 33 bytes are refused and left as they were. */
static void
test_lioness_too_short (LionessFixture *fixture,
                        gconstpointer   user_data)
{
  uint8_t key[NYM_LIONESS_KEY_SIZE] = { 1 };
  uint8_t block[40], copy[40];

  for (size_t i = 0; i < sizeof block; i++)
    block[i] = (uint8_t) i;
  memcpy (copy, block, sizeof block);

  for (size_t len = 0; len < NYM_LIONESS_MIN_BLOCK; len++)
    {
      g_assert_false (nym_lioness_encrypt (key, block, len));
      g_assert_false (nym_lioness_decrypt (key, block, len));
      g_assert_cmpmem (block, sizeof block, copy, sizeof copy);
    }
  g_assert_false (nym_lioness_encrypt (key, NULL, 100));
  g_assert_false (nym_lioness_decrypt (key, NULL, 100));
}

/* Each hop of every real packet (wasm-client-packets.json) LIONESS-decrypts the payload it
 * received with its payload key; the result must be the payload it forwarded (or, at the
 * final hop, payload_after_hop), and encrypting it again must give back what it received. */
static void
test_lioness_real_client_hops (LionessFixture *fixture,
                               gconstpointer   user_data)
{
  g_autoptr(JsonParser) parser = crypto_test_load_json ("wasm-client-packets.json");
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *captures = json_object_get_array_member (root, "captures");
  unsigned checked = 0, legacy = 0, final_hops = 0;

  for (unsigned c = 0; c < json_array_get_length (captures); c++)
    {
      JsonArray *packets = json_object_get_array_member (json_array_get_object_element (captures, c),
                                                         "packets");

      for (unsigned p = 0; p < json_array_get_length (packets); p++)
        {
          JsonObject *packet = json_array_get_object_element (packets, p);
          JsonArray *hops = json_object_get_array_member (packet, "hops");
          g_autoptr(GBytes) received = crypto_test_json_hex (packet, "sphinx_packet");

          for (unsigned h = 0; h < json_array_get_length (hops); h++)
            {
              JsonObject *hop = json_array_get_object_element (hops, h);
              g_autoptr(GBytes) key = crypto_test_json_hex (hop, "payload_key");
              g_autoptr(GBytes) forwarded = NULL;
              g_autoptr(GBytes) expected = NULL;
              const uint8_t *in = g_bytes_get_data (received, NULL);
              size_t len = g_bytes_get_size (received) - SPHINX_HEADER_LEN;
              g_autofree uint8_t *payload = g_memdup2 (in + SPHINX_HEADER_LEN, len);

              g_assert_cmpuint (g_bytes_get_size (received), >, SPHINX_HEADER_LEN);
              g_assert_cmpuint (g_bytes_get_size (key), ==, NYM_LIONESS_KEY_SIZE);
              if (!g_str_has_prefix (json_object_get_string_member (hop, "payload_key_kind"), "HKDF"))
                legacy++;

              g_assert_true (nym_lioness_decrypt (g_bytes_get_data (key, NULL), payload, len));
              if (json_object_has_member (hop, "packet_after_hop"))
                {
                  forwarded = crypto_test_json_hex (hop, "packet_after_hop");
                  expected = g_bytes_new_from_bytes (forwarded, SPHINX_HEADER_LEN,
                                                     g_bytes_get_size (forwarded) - SPHINX_HEADER_LEN);
                }
              else
                {
                  expected = crypto_test_json_hex (hop, "payload_after_hop");
                  /* The final plaintext starts with 16 zero bytes (nym-packet.md §9). */
                  for (size_t i = 0; i < 16; i++)
                    g_assert_cmpuint (payload[i], ==, 0);
                  final_hops++;
                }
              crypto_test_assert_bytes (payload, len, expected);

              g_assert_true (nym_lioness_encrypt (g_bytes_get_data (key, NULL), payload, len));
              g_assert_cmpmem (payload, len, in + SPHINX_HEADER_LEN, len);
              checked++;

              if (forwarded != NULL)
                {
                  g_bytes_unref (received);
                  received = g_steal_pointer (&forwarded);
                }
            }
        }
    }

  g_assert_cmpuint (checked, >=, 60);
  g_assert_cmpuint (final_hops, >=, 15);
  /* The v258 cover packets use the legacy 192-byte slice as key; they must be covered too. */
  g_assert_cmpuint (legacy, >=, 4);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, LionessFixture, NULL, lioness_setup, func, lioness_teardown)
  ADD ("/lioness/vector", test_lioness_vector);
  ADD ("/lioness/round-trip", test_lioness_round_trip);
  ADD ("/lioness/too-short", test_lioness_too_short);
  ADD ("/lioness/real-client/hops", test_lioness_real_client_hops);
#undef ADD

  return g_test_run ();
}
