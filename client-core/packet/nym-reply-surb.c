/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reply SURBs (key ‖ SURB), their V1/V2 list encodings and anonymous sender tags (spec nym-packet.md §11, §17, §20). */
#include "packet/nym-reply-surb.h"

#include <sodium.h>
#include <string.h>

#include "crypto/nym-base58.h"
#include "crypto/nym-blake3.h"
#include "crypto/nym-keys.h"

static size_t
material_len (const NymReplySurb *surb)
{
  return surb->hops * (surb->uses_seeds ? NYM_SURB_PAYLOAD_SEED_LEN : NYM_SURB_PAYLOAD_KEY_LEN);
}

/*
 * Wipes a NymReplySurb (its key is the secret the reply is encrypted with); usable as the
 * clear function of a GArray of them.
 */
void
nym_reply_surb_clear (gpointer surb)
{
  sodium_memzero (surb, sizeof (NymReplySurb));
}

size_t
nym_reply_surb_len (const NymReplySurb *surb)
{
  return NYM_REPLY_SURB_KEY_LEN + NYM_SURB_BASE_LEN + material_len (surb);
}

/* §20: ReplySurb = key(16) ‖ header(348) ‖ first hop(32) ‖ key material in hop order. */
void
nym_reply_surb_to_bytes (const NymReplySurb *surb,
                         GByteArray         *out)
{
  g_byte_array_append (out, surb->key, NYM_REPLY_SURB_KEY_LEN);
  g_byte_array_append (out, surb->header, NYM_SPHINX_HEADER_SIZE);
  g_byte_array_append (out, surb->first_hop, 32);
  g_byte_array_append (out, surb->material, (guint) material_len (surb));
}

/*
 * §11: the material's form follows from its length, as in the sphinx parser: fewer than 192
 * bytes means 16-byte seeds, otherwise whole 192-byte keys.
 */
bool
nym_reply_surb_from_bytes (const uint8_t *bytes,
                           size_t         len,
                           NymReplySurb  *out,
                           GError       **error)
{
  NymReplySurb surb = { 0 };
  size_t rest;
  size_t unit;

  if (len < NYM_REPLY_SURB_KEY_LEN + NYM_SURB_BASE_LEN + NYM_SURB_PAYLOAD_SEED_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_SURB,
                   "A reply SURB needs at least %d bytes, got %zu",
                   NYM_REPLY_SURB_KEY_LEN + NYM_SURB_BASE_LEN + NYM_SURB_PAYLOAD_SEED_LEN, len);
      return false;
    }
  rest = len - NYM_REPLY_SURB_KEY_LEN - NYM_SURB_BASE_LEN;
  surb.uses_seeds = rest < NYM_SURB_PAYLOAD_KEY_LEN;
  unit = surb.uses_seeds ? NYM_SURB_PAYLOAD_SEED_LEN : NYM_SURB_PAYLOAD_KEY_LEN;
  if (rest % unit != 0 || rest / unit > NYM_SURB_MAX_HOPS)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_SURB,
                   "A reply SURB's %zu bytes of key material are not 1 to %d whole %zu-byte %s",
                   rest, NYM_SURB_MAX_HOPS, unit, surb.uses_seeds ? "seeds" : "keys");
      return false;
    }
  surb.hops = (unsigned) (rest / unit);
  memcpy (surb.key, bytes, NYM_REPLY_SURB_KEY_LEN);
  memcpy (surb.header, bytes + NYM_REPLY_SURB_KEY_LEN, NYM_SPHINX_HEADER_SIZE);
  memcpy (surb.first_hop, bytes + NYM_REPLY_SURB_KEY_LEN + NYM_SPHINX_HEADER_SIZE, 32);
  memcpy (surb.material, bytes + NYM_REPLY_SURB_KEY_LEN + NYM_SURB_BASE_LEN, rest);
  surb.rotation = NYM_KEY_ROTATION_UNKNOWN;
  *out = surb;
  return true;
}

bool
nym_reply_surb_first_hop (const NymReplySurb *surb,
                          NymNodeAddress     *out,
                          GError            **error)
{
  return nym_node_address_decode (surb->first_hop, 32, out, NULL, error);
}

/* §18, §20: the receiver recognises a reply by BLAKE3 of the 16-byte SURB key. */
void
nym_reply_surb_key_digest (const uint8_t key[static 16],
                           uint8_t       digest[static 32])
{
  nym_blake3 (key, NYM_REPLY_SURB_KEY_LEN, digest);
}

char *
nym_reply_surb_to_base58 (const NymReplySurb *surb)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  nym_reply_surb_to_bytes (surb, bytes);
  return nym_base58_encode (bytes->data, bytes->len);
}

bool
nym_reply_surb_from_base58 (const char   *text,
                            NymReplySurb *out,
                            GError      **error)
{
  g_autofree uint8_t *buf = g_malloc (NYM_REPLY_SURB_KEY_LEN + NYM_SURB_BASE_LEN
                                      + NYM_SURB_MAX_HOPS * NYM_SURB_PAYLOAD_KEY_LEN);
  g_autoptr(GError) local_error = NULL;
  size_t len = 0;

  if (!nym_base58_decode (text, buf,
                          NYM_REPLY_SURB_KEY_LEN + NYM_SURB_BASE_LEN + NYM_SURB_MAX_HOPS * NYM_SURB_PAYLOAD_KEY_LEN,
                          &len, &local_error))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_SURB,
                   "The reply SURB text is not valid base58: %s", local_error->message);
      return false;
    }
  return nym_reply_surb_from_bytes (buf, len, out, error);
}

/*
 * §17: V1 = count u32 ‖ count × 1164-byte ReplySurb (4 hops of 192-byte keys assumed);
 * V2 = count u16 ‖ hops u8 ‖ rotation u8 ‖ count × (16 + 348 + 32 + 16·hops).
 */
bool
nym_surb_list_encode (NymSurbListVersion  version,
                      const NymReplySurb *surbs,
                      size_t              count,
                      NymKeyRotation      rotation,
                      GByteArray         *out,
                      GError            **error)
{
  unsigned hops = count > 0 ? surbs[0].hops : 0;

  for (size_t i = 0; i < count; i++)
    {
      bool ok = version == NYM_SURB_LIST_V1
                  ? (!surbs[i].uses_seeds && surbs[i].hops == 4)
                  : (surbs[i].uses_seeds && surbs[i].hops == hops);
      if (!ok)
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_SURB,
                       "Reply SURB %zu (%u hops, %s) cannot go into a %s list", i, surbs[i].hops,
                       surbs[i].uses_seeds ? "seeds" : "full keys",
                       version == NYM_SURB_LIST_V1 ? "V1 (4 hops, full keys)" : "V2 (seeds, equal hops)");
          return false;
        }
    }
  if (version == NYM_SURB_LIST_V1)
    {
      uint8_t head[4] = { (uint8_t) (count >> 24), (uint8_t) (count >> 16),
                          (uint8_t) (count >> 8), (uint8_t) count };
      if (count > G_MAXUINT32)
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TOO_LONG,
                       "%zu reply SURBs do not fit a V1 list", count);
          return false;
        }
      g_byte_array_append (out, head, 4);
    }
  else
    {
      /* An empty list names 0 hops and an unknown rotation, as the reference encoder does. */
      uint8_t head[4] = { (uint8_t) (count >> 8), (uint8_t) count, (uint8_t) hops,
                          (uint8_t) (count > 0 ? rotation : NYM_KEY_ROTATION_UNKNOWN) };
      if (count > G_MAXUINT16)
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TOO_LONG,
                       "%zu reply SURBs do not fit a V2 list (at most 65535)", count);
          return false;
        }
      g_byte_array_append (out, head, 4);
    }
  for (size_t i = 0; i < count; i++)
    nym_reply_surb_to_bytes (&surbs[i], out);
  return true;
}

/* Appends the decoded NymReplySurb values to surbs; consumed is the list's length in bytes. */
bool
nym_surb_list_decode (NymSurbListVersion  version,
                      const uint8_t      *bytes,
                      size_t              len,
                      GArray             *surbs,
                      size_t             *consumed,
                      GError            **error)
{
  size_t count;
  size_t each;
  NymKeyRotation rotation = NYM_KEY_ROTATION_UNKNOWN;
  g_autoptr(GArray) parsed = g_array_new (FALSE, TRUE, sizeof (NymReplySurb));

  g_array_set_clear_func (parsed, nym_reply_surb_clear);
  if (len < 4)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "A reply SURB list needs a 4-byte header, got %zu bytes", len);
      return false;
    }
  if (version == NYM_SURB_LIST_V1)
    {
      count = ((size_t) bytes[0] << 24) | ((size_t) bytes[1] << 16) | ((size_t) bytes[2] << 8) | bytes[3];
      each = NYM_REPLY_SURB_V1_LEN;
    }
  else
    {
      unsigned hops = bytes[2];

      count = ((size_t) bytes[0] << 8) | bytes[1];
      if ((hops == 0 && count > 0) || hops > NYM_SURB_MAX_HOPS)
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_SURB,
                       "A V2 reply SURB list names %u hops (1 to %d are possible)", hops, NYM_SURB_MAX_HOPS);
          return false;
        }
      if (!nym_key_rotation_from_byte (bytes[3], &rotation, error))
        return false;
      each = NYM_REPLY_SURB_KEY_LEN + NYM_SURB_BASE_LEN + hops * NYM_SURB_PAYLOAD_SEED_LEN;
    }
  if ((len - 4) / each < count)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "A reply SURB list announces %zu SURBs of %zu bytes, but only %zu bytes follow",
                   count, each, len - 4);
      return false;
    }
  for (size_t i = 0; i < count; i++)
    {
      NymReplySurb surb;

      if (!nym_reply_surb_from_bytes (bytes + 4 + i * each, each, &surb, error))
        return false;
      surb.rotation = rotation;
      g_array_append_val (parsed, surb);
      nym_reply_surb_clear (&surb);
    }
  g_array_append_vals (surbs, parsed->data, parsed->len);
  *consumed = 4 + count * each;
  return true;
}

char *
nym_sender_tag_to_base58 (const uint8_t tag[static 16])
{
  return nym_base58_encode (tag, NYM_SENDER_TAG_LEN);
}

bool
nym_sender_tag_from_base58 (const char *text,
                            uint8_t     tag[static 16],
                            GError    **error)
{
  uint8_t buf[64];
  size_t len = 0;
  g_autoptr(GError) local_error = NULL;

  if (!nym_base58_decode (text, buf, sizeof buf, &len, &local_error))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE,
                   "The sender tag “%s” is not valid base58: %s", text, local_error->message);
      return false;
    }
  if (len != NYM_SENDER_TAG_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE,
                   "The sender tag “%s” decodes to %zu bytes, not 16", text, len);
      return false;
    }
  memcpy (tag, buf, NYM_SENDER_TAG_LEN);
  return true;
}

void
nym_sender_tag_new_random (uint8_t tag[static 16])
{
  nym_random_bytes (tag, NYM_SENDER_TAG_LEN);
}
