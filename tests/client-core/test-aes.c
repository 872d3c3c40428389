/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the AES-128-CTR and AES-256-GCM-SIV wrappers against NIST, RFC 8452, the gateway spec and real frames. */
#include <string.h>
#include <glib.h>

#include "crypto/nym-aes.h"
#include "crypto/nym-keys.h"
#include "crypto-test-vectors.h"

typedef struct
{
  GKeyFile *vectors;
} AesFixture;

static void
aes_setup (AesFixture    *fixture,
           gconstpointer  user_data)
{
  fixture->vectors = crypto_test_load_vectors ("aes.vectors");
}

static void
aes_teardown (AesFixture    *fixture,
              gconstpointer  user_data)
{
  g_clear_pointer (&fixture->vectors, g_key_file_unref);
}

static void
test_ctr_vectors (AesFixture    *fixture,
                  gconstpointer  user_data)
{
  const char *groups[] = { "sp800-38a-f5-1", "packet-24-v3-ctr" };

  for (size_t g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_autoptr(GBytes) key = crypto_test_vector (fixture->vectors, groups[g], "key");
      g_autoptr(GBytes) iv = crypto_test_vector (fixture->vectors, groups[g], "iv");
      g_autoptr(GBytes) plaintext = crypto_test_vector (fixture->vectors, groups[g], "plaintext");
      g_autoptr(GBytes) ciphertext = crypto_test_vector (fixture->vectors, groups[g], "ciphertext");
      size_t len = g_bytes_get_size (plaintext);
      g_autofree uint8_t *out = g_malloc0 (len);
      g_autofree uint8_t *in_place = g_memdup2 (g_bytes_get_data (plaintext, NULL), len);

      g_assert_cmpuint (g_bytes_get_size (key), ==, 16);
      g_assert_cmpuint (g_bytes_get_size (iv), ==, 16);
      g_assert_true (nym_aes128_ctr_xor (g_bytes_get_data (key, NULL), g_bytes_get_data (iv, NULL),
                                         g_bytes_get_data (plaintext, NULL), out, len));
      crypto_test_assert_bytes (out, len, ciphertext);

      /* in == out is allowed, and CTR decryption is the same operation. */
      g_assert_true (nym_aes128_ctr_xor (g_bytes_get_data (key, NULL), g_bytes_get_data (iv, NULL),
                                         in_place, in_place, len));
      crypto_test_assert_bytes (in_place, len, ciphertext);
      g_assert_true (nym_aes128_ctr_xor (g_bytes_get_data (key, NULL), g_bytes_get_data (iv, NULL),
                                         in_place, in_place, len));
      crypto_test_assert_bytes (in_place, len, plaintext);
    }
}

/* The whole 16-byte IV is one big-endian counter: the second keystream block after an IV
 * whose low 64 bits are all ones is the first block of the IV with the carry applied. */
static void
test_ctr_counter_carry (AesFixture    *fixture,
                        gconstpointer  user_data)
{
  static const uint8_t key[16] = { 0x2b, 0x7e, 0x15, 0x16 };
  uint8_t iv[16], next_iv[16], zeros[48] = { 0 }, stream[48], second[16];

  memset (iv, 0, 8);
  memset (iv + 8, 0xff, 8);
  iv[7] = 0x41;
  memcpy (next_iv, iv, 16);
  memset (next_iv + 8, 0, 8);
  next_iv[7] = 0x42;

  g_assert_true (nym_aes128_ctr_xor (key, iv, zeros, stream, sizeof stream));
  g_assert_true (nym_aes128_ctr_xor (key, next_iv, zeros, second, sizeof second));
  g_assert_cmpmem (stream + 16, 16, second, 16);

  /* A length that is not a multiple of the block is fine, and a prefix of the longer run. */
  {
    uint8_t partial[21];

    g_assert_true (nym_aes128_ctr_xor (key, iv, zeros, partial, sizeof partial));
    g_assert_cmpmem (partial, sizeof partial, stream, sizeof partial);
  }
  g_assert_true (nym_aes128_ctr_xor (key, iv, NULL, NULL, 0));
  g_assert_false (nym_aes128_ctr_xor (key, iv, NULL, stream, 16));
}

static void
test_gcm_siv_vectors (AesFixture    *fixture,
                      gconstpointer  user_data)
{
  g_auto(GStrv) groups = g_key_file_get_groups (fixture->vectors, NULL);
  unsigned checked = 0, with_aad = 0;

  for (size_t g = 0; groups[g] != NULL; g++)
    {
      g_autoptr(GBytes) key = NULL, nonce = NULL, aad = NULL, plaintext = NULL, ciphertext = NULL;
      g_autofree uint8_t *sealed = NULL;
      g_autofree uint8_t *opened = NULL;
      size_t len;

      if (!g_key_file_has_key (fixture->vectors, groups[g], "nonce", NULL))
        continue;
      key = crypto_test_vector (fixture->vectors, groups[g], "key");
      nonce = crypto_test_vector (fixture->vectors, groups[g], "nonce");
      aad = crypto_test_vector (fixture->vectors, groups[g], "aad");
      plaintext = crypto_test_vector (fixture->vectors, groups[g], "plaintext");
      ciphertext = crypto_test_vector (fixture->vectors, groups[g], "ciphertext");
      len = g_bytes_get_size (plaintext);
      g_assert_cmpuint (g_bytes_get_size (key), ==, 32);
      g_assert_cmpuint (g_bytes_get_size (nonce), ==, 12);
      g_assert_cmpuint (g_bytes_get_size (ciphertext), ==, len + 16);

      sealed = g_malloc0 (len + 16);
      g_assert_true (nym_aes256_gcm_siv_encrypt (g_bytes_get_data (key, NULL), g_bytes_get_data (nonce, NULL),
                                                 g_bytes_get_data (aad, NULL), g_bytes_get_size (aad),
                                                 g_bytes_get_data (plaintext, NULL), len, sealed));
      crypto_test_assert_bytes (sealed, len + 16, ciphertext);

      opened = g_malloc0 (len + 1);
      g_assert_true (nym_aes256_gcm_siv_decrypt (g_bytes_get_data (key, NULL), g_bytes_get_data (nonce, NULL),
                                                 g_bytes_get_data (aad, NULL), g_bytes_get_size (aad),
                                                 sealed, len + 16, opened));
      crypto_test_assert_bytes (opened, len, plaintext);
      checked++;
      if (g_bytes_get_size (aad) > 0)
        with_aad++;
    }

  g_assert_cmpuint (checked, >=, 10);
  g_assert_cmpuint (with_aad, >=, 4);
}

static bool
all_zero (const uint8_t *data,
          size_t         len)
{
  for (size_t i = 0; i < len; i++)
    if (data[i] != 0)
      return false;
  return true;
}

/* Any change to the tag, the ciphertext, the AAD or the nonce, and any truncation, makes
 * decryption fail with the output wiped rather than left holding unauthenticated bytes. */
static void
test_gcm_siv_rejects_forgeries (AesFixture    *fixture,
                                gconstpointer  user_data)
{
  uint8_t key[32], nonce[12], aad[20], plain[100], sealed[116], bad[116], out[100];

  nym_random_bytes (key, sizeof key);
  nym_random_bytes (nonce, sizeof nonce);
  nym_random_bytes (aad, sizeof aad);
  nym_random_bytes (plain, sizeof plain);
  g_assert_true (nym_aes256_gcm_siv_encrypt (key, nonce, aad, sizeof aad, plain, sizeof plain, sealed));

  /* Every single-bit flip anywhere in ciphertext or tag. */
  for (size_t i = 0; i < sizeof sealed; i++)
    {
      memcpy (bad, sealed, sizeof sealed);
      bad[i] ^= (uint8_t) (1u << (i % 8));
      memset (out, 0xaa, sizeof out);
      g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, aad, sizeof aad, bad, sizeof bad, out));
      g_assert_true (all_zero (out, sizeof out));
    }

  /* Wrong AAD, missing AAD, wrong nonce, wrong key. */
  memset (out, 0xaa, sizeof out);
  aad[3] ^= 1;
  g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, aad, sizeof aad, sealed, sizeof sealed, out));
  g_assert_true (all_zero (out, sizeof out));
  aad[3] ^= 1;
  memset (out, 0xaa, sizeof out);
  g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, NULL, 0, sealed, sizeof sealed, out));
  g_assert_true (all_zero (out, sizeof out));
  memset (out, 0xaa, sizeof out);
  nonce[11] ^= 0x80;
  g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, aad, sizeof aad, sealed, sizeof sealed, out));
  g_assert_true (all_zero (out, sizeof out));
  nonce[11] ^= 0x80;
  memset (out, 0xaa, sizeof out);
  key[0] ^= 1;
  g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, aad, sizeof aad, sealed, sizeof sealed, out));
  g_assert_true (all_zero (out, sizeof out));
  key[0] ^= 1;

  /* Truncated by one byte, by a whole block, or to less than a tag. */
  memset (out, 0xaa, sizeof out);
  g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, aad, sizeof aad, sealed, sizeof sealed - 1, out));
  g_assert_true (all_zero (out, sizeof out - 1));
  memset (out, 0xaa, sizeof out);
  g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, aad, sizeof aad, sealed, sizeof sealed - 16, out));
  g_assert_true (all_zero (out, sizeof out - 16));
  memset (out, 0xaa, sizeof out);
  g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, aad, sizeof aad, sealed, 15, out));
  g_assert_cmpuint (out[0], ==, 0xaa);
  g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, aad, sizeof aad, sealed, 0, out));
  g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, aad, sizeof aad, NULL, 116, out));

  /* And the untouched message still opens. */
  g_assert_true (nym_aes256_gcm_siv_decrypt (key, nonce, aad, sizeof aad, sealed, sizeof sealed, out));
  g_assert_cmpmem (out, sizeof out, plain, sizeof plain);
}

/* A message of only a tag (empty plaintext) seals and opens. */
static void
test_gcm_siv_empty (AesFixture    *fixture,
                    gconstpointer  user_data)
{
  uint8_t key[32] = { 9 }, nonce[12] = { 3 }, tag[16], other[16];
  uint8_t dummy[1];

  g_assert_true (nym_aes256_gcm_siv_encrypt (key, nonce, NULL, 0, NULL, 0, tag));
  g_assert_true (nym_aes256_gcm_siv_decrypt (key, nonce, NULL, 0, tag, sizeof tag, dummy));
  g_assert_true (nym_aes256_gcm_siv_encrypt (key, nonce, (const uint8_t *) "x", 1, NULL, 0, other));
  g_assert_true (memcmp (tag, other, 16) != 0);
  tag[15] ^= 1;
  g_assert_false (nym_aes256_gcm_siv_decrypt (key, nonce, NULL, 0, tag, sizeof tag, dummy));
}

/* Every client→gateway frame of the real client (kind ‖ flag 01 ‖ nonce ‖ ciphertext ‖ tag,
 * nym-gateway.md §1.8) opens with the capture's gateway_shared_key to
 * `00 ‖ [01 rotation, kind 2 only] ‖ 7-byte first hop ‖ sphinx packet`, and sealing that
 * plaintext with the same nonce gives the captured frame back. The gateway's pushes open too. */
static void
test_gcm_siv_real_client_frames (AesFixture    *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(JsonParser) parser = crypto_test_load_json ("wasm-client-packets.json");
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *captures = json_object_get_array_member (root, "captures");
  unsigned frames = 0, kind2 = 0, pushes = 0;

  for (unsigned c = 0; c < json_array_get_length (captures); c++)
    {
      JsonObject *capture = json_array_get_object_element (captures, c);
      JsonObject *client = json_object_get_object_member (capture, "client");
      JsonArray *packets = json_object_get_array_member (capture, "packets");
      g_autoptr(GBytes) key = crypto_test_json_hex (client, "gateway_shared_key");
      const uint8_t *key_bytes = g_bytes_get_data (key, NULL);

      g_assert_cmpuint (g_bytes_get_size (key), ==, 32);
      for (unsigned p = 0; p < json_array_get_length (packets); p++)
        {
          JsonObject *packet = json_array_get_object_element (packets, p);
          JsonObject *frame_info = json_object_get_object_member (packet, "frame");
          g_autoptr(GBytes) frame = crypto_test_json_hex (frame_info, "hex");
          g_autoptr(GBytes) first_hop = crypto_test_json_hex (packet, "first_hop_address_unpadded");
          g_autoptr(GBytes) sphinx = crypto_test_json_hex (packet, "sphinx_packet");
          g_autoptr(GByteArray) expected = g_byte_array_new ();
          const uint8_t *bytes = g_bytes_get_data (frame, NULL);
          size_t frame_len = g_bytes_get_size (frame);
          size_t plain_len = frame_len - 14 - 16;
          g_autofree uint8_t *plain = g_malloc0 (plain_len);
          g_autofree uint8_t *resealed = g_malloc0 (frame_len - 14);
          uint8_t type = 0, rotation = 1;

          g_assert_cmpuint (frame_len, >, 14 + 16);
          g_assert_cmpuint (bytes[1], ==, 0x01);
          g_assert_cmpuint (g_bytes_get_size (first_hop), ==, 7);
          g_byte_array_append (expected, &type, 1);
          if (bytes[0] == 0x02)
            {
              g_byte_array_append (expected, &rotation, 1);
              kind2++;
            }
          else
            {
              g_assert_cmpuint (bytes[0], ==, 0x01);
            }
          g_byte_array_append (expected, g_bytes_get_data (first_hop, NULL), 7);
          g_byte_array_append (expected, g_bytes_get_data (sphinx, NULL), g_bytes_get_size (sphinx));

          g_assert_true (nym_aes256_gcm_siv_decrypt (key_bytes, bytes + 2, NULL, 0,
                                                     bytes + 14, frame_len - 14, plain));
          g_assert_cmpmem (plain, plain_len, expected->data, expected->len);

          g_assert_true (nym_aes256_gcm_siv_encrypt (key_bytes, bytes + 2, NULL, 0,
                                                     plain, plain_len, resealed));
          g_assert_cmpmem (resealed, frame_len - 14, bytes + 14, frame_len - 14);
          frames++;
        }

      if (json_object_has_member (capture, "gateway_pushes"))
        {
          JsonArray *pushed = json_object_get_array_member (capture, "gateway_pushes");

          for (unsigned i = 0; i < json_array_get_length (pushed); i++)
            {
              g_autoptr(GBytes) frame =
                crypto_test_json_hex (json_array_get_object_element (pushed, i), "frame_hex");
              const uint8_t *bytes = g_bytes_get_data (frame, NULL);
              size_t frame_len = g_bytes_get_size (frame);
              g_autofree uint8_t *plain = g_malloc0 (frame_len);

              g_assert_cmpuint (bytes[0], ==, 0x01);
              g_assert_cmpuint (bytes[1], ==, 0x01);
              g_assert_true (nym_aes256_gcm_siv_decrypt (key_bytes, bytes + 2, NULL, 0,
                                                         bytes + 14, frame_len - 14, plain));
              pushes++;
            }
        }
    }

  g_assert_cmpuint (frames, >=, 19);
  g_assert_cmpuint (kind2, >=, 18);
  g_assert_cmpuint (pushes, >=, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, AesFixture, NULL, aes_setup, func, aes_teardown)
  ADD ("/aes/ctr/vectors", test_ctr_vectors);
  ADD ("/aes/ctr/counter-carry", test_ctr_counter_carry);
  ADD ("/aes/gcm-siv/vectors", test_gcm_siv_vectors);
  ADD ("/aes/gcm-siv/rejects-forgeries", test_gcm_siv_rejects_forgeries);
  ADD ("/aes/gcm-siv/empty", test_gcm_siv_empty);
  ADD ("/aes/gcm-siv/real-client-frames", test_gcm_siv_real_client_frames);
#undef ADD

  return g_test_run ();
}
