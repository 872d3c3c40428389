/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sphinx payload: padding, layered LIONESS encryption and plaintext recovery (nym-packet.md §9). */
#include <string.h>
#include <sodium.h>

#include "crypto/nym-lioness.h"
#include "sphinx/nym-sphinx-payload.h"

G_STATIC_ASSERT (NYM_SPHINX_MIN_PAYLOAD_SIZE == NYM_LIONESS_MIN_BLOCK);
G_STATIC_ASSERT (NYM_SPHINX_PAYLOAD_KEY_SIZE == NYM_LIONESS_KEY_SIZE);

static bool
check_payload_size (size_t   payload_size,
                    GError **error)
{
  if (payload_size < NYM_SPHINX_MIN_PAYLOAD_SIZE || payload_size > NYM_SPHINX_MAX_PAYLOAD_SIZE)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_LENGTH,
                   "A Sphinx payload has %d to %d bytes, not %zu",
                   NYM_SPHINX_MIN_PAYLOAD_SIZE, NYM_SPHINX_MAX_PAYLOAD_SIZE, payload_size);
      return false;
    }
  return true;
}

bool
nym_sphinx_payload_encapsulate (const uint8_t *message,
                                size_t         message_len,
                                const uint8_t  keys[][NYM_SPHINX_PAYLOAD_KEY_SIZE],
                                size_t         n_keys,
                                uint8_t       *payload,
                                size_t         payload_size,
                                GError       **error)
{
  if (!check_payload_size (payload_size, error))
    return false;
  if (message_len > payload_size - NYM_SPHINX_PAYLOAD_OVERHEAD)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_MESSAGE_TOO_LONG,
                   "A message of %zu bytes does not fit a %zu-byte Sphinx payload (at most %zu)",
                   message_len, payload_size, payload_size - NYM_SPHINX_PAYLOAD_OVERHEAD);
      return false;
    }
  if (n_keys > NYM_SPHINX_MAX_PATH_LENGTH)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE,
                   "A Sphinx payload has at most %d layers, not %zu",
                   NYM_SPHINX_MAX_PATH_LENGTH, n_keys);
      return false;
    }

  if (message == NULL && message_len > 0)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_MESSAGE_TOO_LONG,
                   "A message of %zu bytes was given without its bytes", message_len);
      return false;
    }

  /* The message goes in first, so that a caller may build it in place inside the payload
   * buffer; the padding around it is written afterwards. */
  if (message_len > 0)
    memmove (payload + NYM_SPHINX_SECURITY_PARAMETER, message, message_len);
  memset (payload, 0, NYM_SPHINX_SECURITY_PARAMETER);
  payload[NYM_SPHINX_SECURITY_PARAMETER + message_len] = 0x01;
  memset (payload + NYM_SPHINX_PAYLOAD_OVERHEAD + message_len, 0,
          payload_size - NYM_SPHINX_PAYLOAD_OVERHEAD - message_len);

  for (size_t i = n_keys; i-- > 0;)
    {
      if (!nym_lioness_encrypt (keys[i], payload, payload_size))
        {
          sodium_memzero (payload, payload_size);
          g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                       "LIONESS failed to encrypt layer %zu of a %zu-byte payload", i, payload_size);
          return false;
        }
    }
  return true;
}

bool
nym_sphinx_payload_unwrap_layers (const uint8_t  keys[][NYM_SPHINX_PAYLOAD_KEY_SIZE],
                                  size_t         n_keys,
                                  uint8_t       *payload,
                                  size_t         payload_size,
                                  GError       **error)
{
  if (!check_payload_size (payload_size, error))
    return false;
  for (size_t i = 0; i < n_keys; i++)
    {
      if (!nym_lioness_decrypt (keys[i], payload, payload_size))
        {
          g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                       "LIONESS failed to decrypt layer %zu of a %zu-byte payload", i, payload_size);
          return false;
        }
    }
  return true;
}

/* sphinx-packet's Payload::recover_plaintext: the bytes after the last 0x01 are not checked,
 * because LIONESS is a wide-block cipher and the 16 zero bytes already reject a wrong key or
 * a modified payload. */
bool
nym_sphinx_payload_recover (const uint8_t *payload,
                            size_t         payload_size,
                            size_t        *message_offset,
                            size_t        *message_len,
                            GError       **error)
{
  static const uint8_t zeros[NYM_SPHINX_SECURITY_PARAMETER] = { 0 };
  size_t marker;

  if (payload_size < NYM_SPHINX_PAYLOAD_OVERHEAD)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_LENGTH,
                   "A Sphinx payload of %zu bytes cannot hold the %d bytes of padding",
                   payload_size, NYM_SPHINX_PAYLOAD_OVERHEAD);
      return false;
    }
  if (sodium_memcmp (payload, zeros, NYM_SPHINX_SECURITY_PARAMETER) != 0)
    {
      g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_PADDING,
                           "The decrypted Sphinx payload does not start with 16 zero bytes "
                           "(wrong key or modified packet)");
      return false;
    }
  for (marker = payload_size; marker > NYM_SPHINX_SECURITY_PARAMETER; marker--)
    if (payload[marker - 1] == 0x01)
      break;
  if (marker == NYM_SPHINX_SECURITY_PARAMETER)
    {
      g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_PADDING,
                           "The decrypted Sphinx payload has no 0x01 end-of-message marker");
      return false;
    }
  *message_offset = NYM_SPHINX_SECURITY_PARAMETER;
  *message_len = marker - 1 - NYM_SPHINX_SECURITY_PARAMETER;
  return true;
}
