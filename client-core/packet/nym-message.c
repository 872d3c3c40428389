/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NymMessage envelope (Plain, Repliable, Reply) and its padding to whole fragments (spec nym-packet.md §17). */
#include "packet/nym-message.h"

#include <string.h>

#include "packet/nym-fragment.h"

static NymMessage *
message_new (NymMessageType type)
{
  NymMessage *message = g_new0 (NymMessage, 1);

  message->type = type;
  message->reply_surbs = g_array_new (FALSE, TRUE, sizeof (NymReplySurb));
  /* The SURB keys are secrets: wipe them when the message goes. */
  g_array_set_clear_func (message->reply_surbs, nym_reply_surb_clear);
  return message;
}

NymMessage *
nym_message_new_plain (const uint8_t *data,
                       size_t         len)
{
  NymMessage *message = message_new (NYM_MESSAGE_PLAIN);

  message->data = g_bytes_new (data, len);
  return message;
}

NymMessage *
nym_message_new_repliable (const uint8_t        sender_tag[static 16],
                           NymRepliableContent  content,
                           const NymReplySurb  *surbs,
                           size_t               surb_count,
                           NymKeyRotation       rotation,
                           const uint8_t       *data,
                           size_t               len)
{
  NymMessage *message = message_new (NYM_MESSAGE_REPLIABLE);

  memcpy (message->sender_tag, sender_tag, NYM_SENDER_TAG_LEN);
  message->content_tag = (uint8_t) content;
  g_array_append_vals (message->reply_surbs, surbs, (guint) surb_count);
  message->surb_rotation = rotation;
  if (content == NYM_REPLIABLE_DATA_V1 || content == NYM_REPLIABLE_DATA_V2)
    message->data = g_bytes_new (data, len);
  return message;
}

NymMessage *
nym_message_new_reply_data (const uint8_t *data,
                            size_t         len)
{
  NymMessage *message = message_new (NYM_MESSAGE_REPLY);

  message->content_tag = NYM_REPLY_DATA;
  message->data = g_bytes_new (data, len);
  return message;
}

NymMessage *
nym_message_new_surb_request (const NymRecipient *recipient,
                              uint32_t            amount)
{
  NymMessage *message = message_new (NYM_MESSAGE_REPLY);

  message->content_tag = NYM_REPLY_SURB_REQUEST;
  message->surb_request_recipient = *recipient;
  message->surb_request_amount = amount;
  return message;
}

void
nym_message_free (NymMessage *message)
{
  if (message == NULL)
    return;
  g_clear_pointer (&message->reply_surbs, g_array_unref);
  g_clear_pointer (&message->data, g_bytes_unref);
  g_free (message);
}

static bool
content_is_v1 (uint8_t tag)
{
  return tag <= NYM_REPLIABLE_HEARTBEAT_V1;
}

static bool
content_has_data (uint8_t tag)
{
  return tag == NYM_REPLIABLE_DATA_V1 || tag == NYM_REPLIABLE_DATA_V2;
}

static void
append_data (GByteArray *out,
             GBytes     *data)
{
  gsize len = 0;
  const uint8_t *bytes = data != NULL ? g_bytes_get_data (data, &len) : NULL;

  if (len > 0)
    g_byte_array_append (out, bytes, (guint) len);
}

/* §17: type(1) ‖ body; the body layout depends on the type and content tag. */
GByteArray *
nym_message_to_bytes (const NymMessage *message,
                      GError          **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  uint8_t type = (uint8_t) message->type;

  g_byte_array_append (out, &type, 1);
  switch (message->type)
    {
    case NYM_MESSAGE_PLAIN:
      append_data (out, message->data);
      break;
    case NYM_MESSAGE_REPLIABLE:
      if (message->content_tag > NYM_REPLIABLE_HEARTBEAT_V2)
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE,
                       "%u is not a repliable content tag", message->content_tag);
          return NULL;
        }
      g_byte_array_append (out, message->sender_tag, NYM_SENDER_TAG_LEN);
      g_byte_array_append (out, &message->content_tag, 1);
      if (!nym_surb_list_encode (content_is_v1 (message->content_tag) ? NYM_SURB_LIST_V1 : NYM_SURB_LIST_V2,
                                 (const NymReplySurb *) message->reply_surbs->data,
                                 message->reply_surbs->len, message->surb_rotation, out, error))
        return NULL;
      if (content_has_data (message->content_tag))
        append_data (out, message->data);
      break;
    case NYM_MESSAGE_REPLY:
      g_byte_array_append (out, &message->content_tag, 1);
      if (message->content_tag == NYM_REPLY_DATA)
        append_data (out, message->data);
      else if (message->content_tag == NYM_REPLY_SURB_REQUEST)
        {
          uint8_t recipient[NYM_RECIPIENT_LEN];
          uint32_t amount = message->surb_request_amount;
          uint8_t amount_be[4] = { (uint8_t) (amount >> 24), (uint8_t) (amount >> 16),
                                   (uint8_t) (amount >> 8), (uint8_t) amount };

          nym_recipient_to_bytes (&message->surb_request_recipient, recipient);
          g_byte_array_append (out, recipient, NYM_RECIPIENT_LEN);
          g_byte_array_append (out, amount_be, 4);
        }
      else
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE,
                       "%u is not a reply content tag", message->content_tag);
          return NULL;
        }
      break;
    default:
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE,
                   "%u is not a NymMessage type", type);
      return NULL;
    }
  return g_steal_pointer (&out);
}

static NymMessage *
parse_repliable (const uint8_t *body,
                 size_t         len,
                 GError       **error)
{
  g_autoptr(NymMessage) message = message_new (NYM_MESSAGE_REPLIABLE);
  const uint8_t *content;
  size_t content_len;
  size_t consumed = 0;
  NymSurbListVersion version;

  /* As the reference parser: a tag, a content tag and at least one content byte. */
  if (len < NYM_SENDER_TAG_LEN + 2)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "A repliable message needs at least 18 bytes after its type, got %zu", len);
      return NULL;
    }
  memcpy (message->sender_tag, body, NYM_SENDER_TAG_LEN);
  message->content_tag = body[NYM_SENDER_TAG_LEN];
  if (message->content_tag > NYM_REPLIABLE_HEARTBEAT_V2)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE,
                   "%u is not a repliable content tag (0 to 5)", message->content_tag);
      return NULL;
    }
  content = body + NYM_SENDER_TAG_LEN + 1;
  content_len = len - NYM_SENDER_TAG_LEN - 1;
  version = content_is_v1 (message->content_tag) ? NYM_SURB_LIST_V1 : NYM_SURB_LIST_V2;
  if (!nym_surb_list_decode (version, content, content_len, message->reply_surbs, &consumed, error))
    return NULL;
  if (version == NYM_SURB_LIST_V2)
    message->surb_rotation = (NymKeyRotation) content[3];
  if (content_has_data (message->content_tag))
    message->data = g_bytes_new (content + consumed, content_len - consumed);
  else if (consumed != content_len)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE,
                   "A repliable SURB-only message has %zu trailing bytes after its SURB list",
                   content_len - consumed);
      return NULL;
    }
  return g_steal_pointer (&message);
}

static NymMessage *
parse_reply (const uint8_t *body,
             size_t         len,
             GError       **error)
{
  g_autoptr(NymMessage) message = message_new (NYM_MESSAGE_REPLY);

  if (len < 2)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "A reply message needs a content tag and content, got %zu bytes", len);
      return NULL;
    }
  message->content_tag = body[0];
  switch (body[0])
    {
    case NYM_REPLY_DATA:
      message->data = g_bytes_new (body + 1, len - 1);
      break;
    case NYM_REPLY_SURB_REQUEST:
      if (len - 1 != NYM_RECIPIENT_LEN + 4)
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE,
                       "A SURB request must be %d bytes (recipient and amount), got %zu",
                       NYM_RECIPIENT_LEN + 4, len - 1);
          return NULL;
        }
      nym_recipient_from_bytes (&message->surb_request_recipient, body + 1);
      message->surb_request_amount = ((uint32_t) body[97] << 24) | ((uint32_t) body[98] << 16)
                                     | ((uint32_t) body[99] << 8) | body[100];
      break;
    default:
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE,
                   "%u is not a reply content tag (0 = data, 1 = SURB request)", body[0]);
      return NULL;
    }
  return g_steal_pointer (&message);
}

NymMessage *
nym_message_parse (const uint8_t *bytes,
                   size_t         len,
                   GError       **error)
{
  if (len == 0)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED, "The message is empty");
      return NULL;
    }
  switch (bytes[0])
    {
    case NYM_MESSAGE_PLAIN:
      return nym_message_new_plain (bytes + 1, len - 1);
    case NYM_MESSAGE_REPLIABLE:
      return parse_repliable (bytes + 1, len - 1, error);
    case NYM_MESSAGE_REPLY:
      return parse_reply (bytes + 1, len - 1, error);
    default:
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE,
                   "%u is not a valid type tag for a NymMessage (0, 1 or 2)", bytes[0]);
      return NULL;
    }
}

/* §17: message ‖ 0x01 ‖ zeros, so that the fragments it splits into are all full. */
size_t
nym_message_padded_len (size_t len,
                        size_t fragment_capacity)
{
  size_t space_left = 0;

  (void) nym_fragment_count (len + 1, fragment_capacity, &space_left);
  return len + 1 + space_left;
}

GByteArray *
nym_message_pad (const uint8_t *bytes,
                 size_t         len,
                 size_t         fragment_capacity)
{
  size_t padded_len = nym_message_padded_len (len, fragment_capacity);
  GByteArray *out = g_byte_array_sized_new ((guint) padded_len);

  g_byte_array_set_size (out, (guint) padded_len);
  if (len > 0)
    memcpy (out->data, bytes, len);
  out->data[len] = 0x01;
  memset (out->data + len + 1, 0, padded_len - len - 1);
  return out;
}

/* The receiver strips everything from the last 0x01 byte on. */
bool
nym_message_unpadded_len (const uint8_t *padded,
                          size_t         len,
                          size_t        *out_len,
                          GError       **error)
{
  for (size_t i = len; i > 0; i--)
    if (padded[i - 1] == 0x01)
      {
        *out_len = i - 1;
        return true;
      }
  g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_PADDING,
               "The %zu-byte message has no 0x01 padding marker", len);
  return false;
}
