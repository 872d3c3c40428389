/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: the packet layer's parsers (node frames, fragment headers, reassembly, NymMessage,
 * recipients, forward requests, gateway frames) never fault on any bytes, and what they accept
 * re-encodes consistently. The first input byte picks the parser; the rest is its input. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nym-core.h"
#include "packet/nym-fragment.h"
#include "packet/nym-gateway-frame.h"
#include "packet/nym-message.h"
#include "packet/nym-node-frame.h"
#include "packet/nym-reassembler.h"
#include "packet/nym-recipient.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The gateway key the corpus frame (corpus/packet/gateway-frame) was sealed with: 32 × 0x42. */
static const uint8_t gateway_key[32] = {
  0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
  0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
};

static void
fuzz_node_frames (const uint8_t *data,
                  size_t         size)
{
  size_t offset = 0;

  for (;;)
    {
      NymNodeFrameHeader header;
      const uint8_t *packet = NULL;
      size_t packet_len = 0;
      size_t consumed = 0;

      if (nym_node_frame_decode (data + offset, size - offset, &header, &packet, &packet_len, &consumed, NULL)
          != NYM_NODE_FRAME_COMPLETE)
        return;
      if (consumed == 0 || consumed > size - offset || packet + packet_len != data + offset + consumed
          || packet_len != nym_packet_size_total (header.size))
        abort ();
      offset += consumed;
    }
}

static void
fuzz_fragments (const uint8_t *data,
                size_t         size)
{
  g_autoptr(NymReassembler) reassembler = nym_reassembler_new ();
  size_t offset = 0;
  NymFragmentHeader header;
  size_t header_len = 0;
  uint8_t encoded[10];

  if (nym_fragment_header_decode (data, size, &header, &header_len, NULL)
      && (nym_fragment_header_encode (&header, encoded) != header_len || memcmp (encoded, data, header_len) != 0))
    abort ();

  /* Length-prefixed fragments (1 byte each) into one reassembler. */
  while (offset < size)
    {
      size_t len = MIN ((size_t) data[offset], size - offset - 1);
      g_autoptr(GByteArray) message = NULL;

      NymReassemblyStatus status;

      status = nym_reassembler_insert (reassembler, data + offset + 1, len, (int64_t) offset, &message, NULL);
      if ((status == NYM_REASSEMBLY_COMPLETE) != (message != NULL))
        abort ();
      offset += 1 + len;
    }
  (void) nym_reassembler_expire (reassembler, G_MAXINT64, 1);
  if (nym_reassembler_pending_sets (reassembler) != 0)
    abort ();
}

static void
fuzz_message (const uint8_t *data,
              size_t         size)
{
  g_autoptr(NymMessage) message = nym_message_parse (data, size, NULL);
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(NymMessage) again = NULL;
  size_t unpadded = 0;

  if (nym_message_unpadded_len (data, size, &unpadded, NULL) && (unpadded >= size || data[unpadded] != 1))
    abort ();
  if (message == NULL)
    return;
  bytes = nym_message_to_bytes (message, NULL);
  if (bytes == NULL)
    abort ();
  again = nym_message_parse (bytes->data, bytes->len, NULL);
  if (again == NULL || again->type != message->type || again->reply_surbs->len != message->reply_surbs->len)
    abort ();
}

static void
fuzz_recipient (const uint8_t *data,
                size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *formatted = NULL;
  NymRecipient recipient;
  NymRecipient again;

  if (!nym_recipient_parse (text, &recipient, NULL))
    return;
  formatted = nym_recipient_to_string (&recipient);
  if (!nym_recipient_parse (formatted, &again, NULL) || !nym_recipient_equal (&recipient, &again))
    abort ();
}

static void
fuzz_gateway (const uint8_t *data,
              size_t         size)
{
  g_autoptr(GByteArray) plaintext = NULL;
  NymForwardSphinx forward;
  uint8_t kind = 0;

  if (size > 0 && nym_forward_sphinx_decode ((NymGatewayRequestKind) (data[0] % 3), data + 1, size - 1, &forward, NULL)
      && forward.packet + forward.packet_len != data + size)
    abort ();
  plaintext = nym_gateway_frame_open (gateway_key, data, size, &kind, NULL);
  if (plaintext != NULL && nym_forward_sphinx_decode ((NymGatewayRequestKind) kind, plaintext->data, plaintext->len,
                                                      &forward, NULL)
      && forward.packet + forward.packet_len != plaintext->data + plaintext->len)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean initialised;

  if (!initialised)
    {
      if (!nym_core_init ())
        abort ();
      initialised = TRUE;
    }
  if (size == 0)
    return 0;
  switch (data[0] % 5)
    {
    case 0:
      fuzz_node_frames (data + 1, size - 1);
      break;
    case 1:
      fuzz_fragments (data + 1, size - 1);
      break;
    case 2:
      fuzz_message (data + 1, size - 1);
      break;
    case 3:
      fuzz_recipient (data + 1, size - 1);
      break;
    case 4:
    default:
      fuzz_gateway (data + 1, size - 1);
      break;
    }
  return 0;
}
