/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A Nym client address (Recipient): identity, encryption key and gateway, binary and text forms (spec nym-packet.md §16). */
#include "packet/nym-recipient.h"

#include <string.h>

#include "crypto/nym-base58.h"

void
nym_recipient_to_bytes (const NymRecipient *recipient,
                        uint8_t             out[static 96])
{
  memcpy (out, recipient->identity, 32);
  memcpy (out + 32, recipient->encryption_key, 32);
  memcpy (out + 64, recipient->gateway, 32);
}

void
nym_recipient_from_bytes (NymRecipient  *recipient,
                          const uint8_t  bytes[static 96])
{
  memcpy (recipient->identity, bytes, 32);
  memcpy (recipient->encryption_key, bytes + 32, 32);
  memcpy (recipient->gateway, bytes + 64, 32);
}

/* Decodes one base58 part that must be exactly 32 bytes; what names the part in errors. */
static bool
decode_key (const char *text,
            size_t      text_len,
            const char *what,
            uint8_t     out[static 32],
            GError    **error)
{
  g_autofree char *part = g_strndup (text, text_len);
  g_autoptr(GError) local_error = NULL;
  uint8_t buf[64];
  size_t len = 0;

  if (text_len == 0)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_RECIPIENT,
                   "The %s part of the recipient address is empty", what);
      return false;
    }
  if (!nym_base58_decode (part, buf, sizeof buf, &len, &local_error))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_RECIPIENT,
                   "The %s part “%s” of the recipient address is not valid base58: %s",
                   what, part, local_error->message);
      return false;
    }
  if (len != 32)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_RECIPIENT,
                   "The %s part “%s” of the recipient address decodes to %zu bytes, not 32",
                   what, part, len);
      return false;
    }
  memcpy (out, buf, 32);
  return true;
}

/* §16: "b58(identity).b58(encryption key)@b58(gateway identity)". */
bool
nym_recipient_parse (const char   *text,
                     NymRecipient *out,
                     GError      **error)
{
  NymRecipient recipient;
  const char *dot;
  const char *at;

  if (text == NULL)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_RECIPIENT,
                   "No recipient address was given");
      return false;
    }
  dot = strchr (text, '.');
  at = strchr (text, '@');
  if (dot == NULL || at == NULL || at < dot || strchr (dot + 1, '.') != NULL
      || strchr (at + 1, '@') != NULL)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_RECIPIENT,
                   "“%s” is not a recipient address of the form IDENTITY.KEY@GATEWAY", text);
      return false;
    }
  if (!decode_key (text, (size_t) (dot - text), "identity", recipient.identity, error)
      || !decode_key (dot + 1, (size_t) (at - dot - 1), "encryption key", recipient.encryption_key, error)
      || !decode_key (at + 1, strlen (at + 1), "gateway", recipient.gateway, error))
    return false;
  *out = recipient;
  return true;
}

char *
nym_recipient_to_string (const NymRecipient *recipient)
{
  g_autofree char *identity = nym_base58_encode (recipient->identity, 32);
  g_autofree char *key = nym_base58_encode (recipient->encryption_key, 32);
  g_autofree char *gateway = nym_base58_encode (recipient->gateway, 32);

  return g_strdup_printf ("%s.%s@%s", identity, key, gateway);
}

bool
nym_recipient_equal (const NymRecipient *a,
                     const NymRecipient *b)
{
  return memcmp (a, b, sizeof *a) == 0;
}
