/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measures fragmenting and end-to-end encrypting a 1 MB message, against libgcrypt's bare AES-128-CTR in the same run. */
#include <gcrypt.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "crypto/nym-keys.h"
#include "nym-core.h"
#include "packet/nym-e2e.h"
#include "packet/nym-fragment.h"
#include "packet/nym-message.h"
#include "packet/nym-packet-size.h"

#define MESSAGE_LEN (1000 * 1000)
#define ROUNDS      5
/* Each round runs for at least this long, so timer resolution does not matter. */
#define ROUND_USEC  (300 * 1000)

typedef size_t (*WorkFunc) (const uint8_t *message, uint8_t sink[16], gpointer data);

/*
 * What a sender does with a message before sphinx: envelope, padding, splitting into regular
 * fragments, and one ephemeral x25519 + HKDF-BLAKE3 + AES-128-CTR encryption per fragment.
 */
static size_t
fragment_and_encrypt (const uint8_t *message,
                      uint8_t        sink[16],
                      gpointer       data)
{
  const uint8_t *recipient_key = data;
  size_t capacity = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);
  g_autoptr(NymMessage) nym_message = nym_message_new_plain (message, MESSAGE_LEN);
  g_autoptr(GByteArray) bytes = nym_message_to_bytes (nym_message, NULL);
  g_autoptr(GByteArray) padded = nym_message_pad (bytes->data, bytes->len, capacity);
  g_autoptr(GPtrArray) fragments = nym_fragment_split (padded->data, padded->len, capacity, NULL, 0, NULL);
  g_autofree uint8_t *out = g_malloc (capacity + 32);
  g_autoptr(NymE2eScratch) scratch = nym_e2e_scratch_new ();

  for (guint i = 0; i < fragments->len; i++)
    {
      NymFragment *fragment = g_ptr_array_index (fragments, i);
      gsize len = 0;
      const uint8_t *plain = g_bytes_get_data (fragment->bytes, &len);

      if (!nym_e2e_encrypt_fragment_in (scratch, recipient_key, NULL, plain, len, out, NULL))
        g_error ("fragment encryption failed");
      for (size_t k = 0; k < 16; k++)
        sink[k] ^= out[32 + k];
    }
  return MESSAGE_LEN;
}

/* The baseline: libgcrypt's AES-128-CTR over the same number of bytes, one call. */
static size_t
aes_ctr (const uint8_t *message,
         uint8_t        sink[16],
         gpointer       data)
{
  gcry_cipher_hd_t handle = data;
  g_autofree uint8_t *out = g_malloc (MESSAGE_LEN);
  static const uint8_t iv[16] = { 0 };

  gcry_cipher_setctr (handle, iv, 16);
  if (gcry_cipher_encrypt (handle, out, MESSAGE_LEN, message, MESSAGE_LEN) != 0)
    g_error ("AES-128-CTR failed");
  for (size_t k = 0; k < 16; k++)
    sink[k] ^= out[k];
  return MESSAGE_LEN;
}

/*
 * Context for the ratio: every fragment costs two x25519 operations (ephemeral public key and
 * shared secret), so 1604 message bytes per pair of bare libsodium calls shows how far the rest of the path adds to them.
 */
static size_t
x25519_pairs (const uint8_t *message,
              uint8_t        sink[16],
              gpointer       data)
{
  const uint8_t *recipient_key = data;
  uint8_t secret[32];
  uint8_t public_key[32];
  uint8_t shared[32];

  memcpy (secret, message, 32);
  nym_x25519_base (public_key, secret);
  if (!nym_x25519 (shared, secret, recipient_key))
    g_error ("x25519 failed");
  sink[0] ^= shared[0] ^ public_key[0];
  return 1604;
}

/* Megabytes (10^6 bytes) per second of one round. */
static double
measure_round (WorkFunc       func,
               const uint8_t *message,
               gpointer       data,
               uint8_t        sink[16])
{
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  size_t done = 0;

  do
    {
      done += func (message, sink, data);
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < ROUND_USEC);
  return (double) done / (double) elapsed;
}

int
main (int argc, char *argv[])
{
  g_autofree uint8_t *message = g_malloc (MESSAGE_LEN);
  uint8_t recipient_public[32];
  uint8_t recipient_private[32];
  uint8_t key[16];
  uint8_t sink[16] = { 0 };
  gcry_cipher_hd_t handle;
  double packet_mbps;
  double aes_mbps;
  double x25519_mbps;

  if (!nym_core_init ())
    return 1;
  nym_random_bytes (message, MESSAGE_LEN);
  nym_x25519_keypair (recipient_public, recipient_private);
  nym_random_bytes (key, sizeof key);
  if (gcry_cipher_open (&handle, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CTR, 0) != 0
      || gcry_cipher_setkey (handle, key, sizeof key) != 0)
    return 1;

  /* The three measurements take turns, so load on the machine hits them alike; each keeps
   * its best round, the least disturbed one. */
  packet_mbps = aes_mbps = x25519_mbps = 0;
  for (int round = 0; round < ROUNDS; round++)
    {
      packet_mbps = MAX (packet_mbps, measure_round (fragment_and_encrypt, message, recipient_public, sink));
      aes_mbps = MAX (aes_mbps, measure_round (aes_ctr, message, handle, sink));
      x25519_mbps = MAX (x25519_mbps, measure_round (x25519_pairs, message, recipient_public, sink));
    }
  gcry_cipher_close (handle);

  printf ("packet fragment_encrypt_mbps=%.1f aes128ctr_mbps=%.1f ratio=%.4f x25519_pairs_mbps=%.1f "
          "vs_x25519=%.2f fragments_per_mb=%zu sink=%02x\n",
          packet_mbps, aes_mbps, packet_mbps / aes_mbps, x25519_mbps, packet_mbps / x25519_mbps,
          nym_fragment_count (nym_message_padded_len (MESSAGE_LEN + 1,
                                                      nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR)),
                              nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR), NULL),
          sink[0]);
  return 0;
}
