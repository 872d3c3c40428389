/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests end-to-end fragment encryption and reply-key encryption (spec nym-packet.md §18, §24 V3). */
#include "crypto/nym-aes.h"
#include "packet/nym-e2e.h"
#include "packet/nym-reply-surb.h"
#include "packet-test-util.h"

/* §24 V3: the key from the V1 shared secret, its keystream, and the reply-key digest. */
static void
test_v3_vector (void)
{
  g_autoptr(GKeyFile) vectors = test_packet_vectors ();
  g_autoptr(GBytes) ikm = test_vector_bytes (vectors, "e2e-v3", "ikm");
  g_autoptr(GBytes) expected_key = test_vector_bytes (vectors, "e2e-v3", "key");
  g_autoptr(GBytes) keystream = test_vector_bytes (vectors, "e2e-v3", "ctr_of_zero16");
  g_autoptr(GBytes) surb_key = test_vector_bytes (vectors, "e2e-v3", "surb_key");
  g_autoptr(GBytes) digest = test_vector_bytes (vectors, "e2e-v3", "surb_key_digest");
  g_autoptr(GError) error = NULL;
  uint8_t key[16];
  uint8_t zero[16] = { 0 };
  uint8_t out[48];
  uint8_t fragment_back[16];

  g_assert_true (nym_e2e_key_from_shared_secret (g_bytes_get_data (ikm, NULL), key));
  test_assert_bytes (key, 16, expected_key);
  g_assert_true (nym_aes128_ctr_xor (key, zero, zero, out, 16));
  test_assert_bytes (out, 16, keystream);

  nym_reply_surb_key_digest (g_bytes_get_data (surb_key, NULL), out);
  test_assert_bytes (out, 32, digest);
  /* A reply of 16 zero bytes under key 01×16: digest ‖ keystream of that key. */
  g_assert_true (nym_e2e_encrypt_reply (g_bytes_get_data (surb_key, NULL), zero, 16, out, &error));
  g_assert_no_error (error);
  test_assert_bytes (out, 32, digest);
  g_assert_true (nym_aes128_ctr_xor (g_bytes_get_data (surb_key, NULL), zero, zero, fragment_back, 16));
  g_assert_cmpmem (out + 32, 16, fragment_back, 16);
}

static void
test_round_trip (void)
{
  static const size_t lengths[] = { 0, 1, 16, 17, 1611, 7755, 32331 };
  uint8_t public_key[32];
  uint8_t private_key[32];
  uint8_t other_public[32];
  uint8_t other_private[32];

  nym_x25519_keypair (public_key, private_key);
  nym_x25519_keypair (other_public, other_private);
  for (size_t i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      size_t len = lengths[i];
      g_autofree uint8_t *fragment = g_malloc (len + 1);
      g_autofree uint8_t *sealed = g_malloc (len + 32);
      g_autofree uint8_t *sealed_again = g_malloc (len + 32);
      g_autofree uint8_t *opened = g_malloc (len + 1);
      g_autoptr(GError) error = NULL;
      uint8_t key[16];

      nym_random_bytes (fragment, len);
      g_assert_true (nym_e2e_encrypt_fragment (public_key, NULL, fragment, len, sealed, &error));
      g_assert_no_error (error);
      g_assert_true (nym_e2e_decrypt_fragment (private_key, sealed, len + 32, opened, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (opened, len, fragment, len);
      /* Both sides agree on the key. */
      g_assert_true (nym_e2e_derive_key (private_key, sealed, key, &error));
      /* Every fragment gets a fresh ephemeral key, so the same fragment encrypts differently. */
      g_assert_true (nym_e2e_encrypt_fragment (public_key, NULL, fragment, len, sealed_again, &error));
      g_assert_cmpmem (sealed, 32, sealed, 32);
      g_assert_true (memcmp (sealed, sealed_again, 32) != 0);
      /* A fixed ephemeral secret makes it deterministic. */
      g_assert_true (nym_e2e_encrypt_fragment (public_key, other_private, fragment, len, sealed, &error));
      g_assert_true (nym_e2e_encrypt_fragment (public_key, other_private, fragment, len, sealed_again, &error));
      g_assert_cmpmem (sealed, len + 32, sealed_again, len + 32);
      g_assert_cmpmem (sealed, 32, other_public, 32);
      /* The wrong private key yields other bytes (CTR has no tag). */
      if (len > 0)
        {
          g_assert_true (nym_e2e_decrypt_fragment (other_private, sealed, len + 32, opened, &error));
          g_assert_true (memcmp (opened, fragment, len) != 0);
        }
      g_assert_no_error (error);
    }
}

static void
test_reply_round_trip (void)
{
  uint8_t key[16];
  uint8_t wrong[16];
  uint8_t fragment[1611];
  uint8_t sealed[1611 + 32];
  uint8_t opened[1611];
  g_autoptr(GError) error = NULL;

  nym_random_bytes (key, sizeof key);
  nym_random_bytes (wrong, sizeof wrong);
  nym_random_bytes (fragment, sizeof fragment);
  g_assert_true (nym_e2e_encrypt_reply (key, fragment, sizeof fragment, sealed, &error));
  g_assert_true (nym_e2e_decrypt_reply (key, sealed, sizeof sealed, opened, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (opened, sizeof opened, fragment, sizeof fragment);
  memset (opened, 0xaa, sizeof opened);
  g_assert_false (nym_e2e_decrypt_reply (wrong, sealed, sizeof sealed, opened, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_DECRYPTION_FAILED);
  g_assert_cmpuint (opened[0], ==, 0xaa);
}

static void
test_invalid (void)
{
  uint8_t public_key[32];
  uint8_t private_key[32];
  uint8_t zero_point[64] = { 0 };
  uint8_t out[64];
  uint8_t key[16] = { 0 };
  g_autoptr(GError) error = NULL;

  nym_x25519_keypair (public_key, private_key);
  g_assert_false (nym_e2e_decrypt_fragment (private_key, zero_point, 31, out, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED);
  g_clear_error (&error);
  /* A low-order (all-zero) ephemeral key gives the zero point and is refused. */
  g_assert_false (nym_e2e_decrypt_fragment (private_key, zero_point, sizeof zero_point, out, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_DECRYPTION_FAILED);
  g_clear_error (&error);
  g_assert_false (nym_e2e_encrypt_fragment (zero_point, NULL, out, 16, out, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_DECRYPTION_FAILED);
  g_clear_error (&error);
  g_assert_false (nym_e2e_decrypt_reply (key, zero_point, 20, out, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add_func ("/e2e/v3-vector", test_v3_vector);
  g_test_add_func ("/e2e/round-trip", test_round_trip);
  g_test_add_func ("/e2e/reply-round-trip", test_reply_round_trip);
  g_test_add_func ("/e2e/invalid", test_invalid);
  return g_test_run ();
}
