/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli mixnet": inspect Nym addresses, framed node packets and reply SURBs. */
#include "nymph-cli.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "crypto/nym-base58.h"
#include "packet/nym-node-frame.h"
#include "packet/nym-recipient.h"
#include "packet/nym-reply-surb.h"

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("nymph-cli: %s\n\n%s", message, help);
  return 2;
}

static int
fail (GError *error)
{
  nymph_cli_print_error (error);
  g_error_free (error);
  return 1;
}

static char *
hex_of (const uint8_t *data,
        size_t         len)
{
  char *hex = g_malloc (2 * len + 1);

  for (size_t i = 0; i < len; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", data[i]);
  hex[2 * len] = '\0';
  return hex;
}

/* Hex (whitespace ignored, optional 0x) into bytes; NULL with an error for anything else. */
static GByteArray *
bytes_from_hex (const char *text,
                GError    **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  int high = -1;

  if (g_str_has_prefix (text, "0x"))
    text += 2;
  for (const char *p = text; *p != '\0'; p++)
    {
      int value;

      if (g_ascii_isspace (*p))
        continue;
      value = g_ascii_xdigit_value (*p);
      if (value < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%c” at offset %ld is not a hexadecimal digit"), *p, (long) (p - text));
          return NULL;
        }
      if (high < 0)
        high = value;
      else
        {
          uint8_t byte = (uint8_t) ((high << 4) | value);

          g_byte_array_append (out, &byte, 1);
          high = -1;
        }
    }
  if (high >= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The hexadecimal input has an odd number of digits"));
      return NULL;
    }
  return g_steal_pointer (&out);
}

static void
print_key (const char    *name,
           const uint8_t  key[static 32])
{
  g_autofree char *b58 = nym_base58_encode (key, 32);
  g_autofree char *hex = hex_of (key, 32);

  printf ("%s: %s\n%s_hex: %s\n", name, b58, name, hex);
}

static int
inspect_recipient (const char *text)
{
  NymRecipient recipient;
  GError *error = NULL;

  if (!nym_recipient_parse (text, &recipient, &error))
    return fail (error);
  printf ("kind: recipient\n");
  print_key ("identity", recipient.identity);
  print_key ("encryption_key", recipient.encryption_key);
  print_key ("gateway", recipient.gateway);
  return 0;
}

static const char *
rotation_name (NymKeyRotation rotation)
{
  switch (rotation)
    {
    case NYM_KEY_ROTATION_ODD:
      return "odd";
    case NYM_KEY_ROTATION_EVEN:
      return "even";
    case NYM_KEY_ROTATION_UNKNOWN:
    default:
      return "unknown";
    }
}

/* §15.1: one or more frames back to back; every frame's header and sphinx header fields. */
static int
inspect_frame (const char *text)
{
  g_autoptr(GByteArray) bytes = NULL;
  GError *error = NULL;
  size_t offset = 0;
  unsigned index = 0;

  bytes = bytes_from_hex (text, &error);
  if (bytes == NULL)
    return fail (error);
  while (offset < bytes->len)
    {
      NymNodeFrameHeader header;
      const uint8_t *packet = NULL;
      size_t packet_len = 0;
      size_t consumed = 0;
      g_autofree char *alpha = NULL;
      g_autofree char *mac = NULL;

      switch (nym_node_frame_decode (bytes->data + offset, bytes->len - offset, &header, &packet, &packet_len,
                                     &consumed, &error))
        {
        case NYM_NODE_FRAME_INVALID:
          g_prefix_error (&error, _("Frame %u at byte %zu: "), index, offset);
          return fail (error);
        case NYM_NODE_FRAME_INCOMPLETE:
          g_set_error (&error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                       _("Frame %u at byte %zu is truncated: %zu bytes are left"), index, offset,
                       (size_t) bytes->len - offset);
          return fail (error);
        case NYM_NODE_FRAME_COMPLETE:
        default:
          break;
        }
      alpha = hex_of (packet, 32);
      mac = hex_of (packet + 32, 16);
      printf ("kind: node-frame\n");
      printf ("frame: %u\n", index);
      printf ("frame_version: %u\n", header.version);
      printf ("packet_size: %s\n", nym_packet_size_name (header.size));
      printf ("packet_len: %zu\n", packet_len);
      printf ("packet_type: %s\n", header.type == NYM_PACKET_TYPE_MIX ? "mix" : "outfox");
      printf ("key_rotation: %s\n", rotation_name (header.rotation));
      printf ("alpha: %s\n", alpha);
      printf ("header_mac: %s\n", mac);
      printf ("payload_len: %zu\n", packet_len - NYM_SPHINX_HEADER_SIZE);
      offset += consumed;
      index++;
    }
  if (index == 0)
    {
      g_set_error (&error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED, _("No frame was given"));
      return fail (error);
    }
  return 0;
}

/* §11, §20: key ‖ header ‖ first hop ‖ key material, as hex or as its base58 text form. */
static int
inspect_surb (const char *text)
{
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GError) hex_error = NULL;
  NymReplySurb *surb = g_new0 (NymReplySurb, 1);
  GError *error = NULL;
  NymNodeAddress first_hop;
  g_autofree char *first_hop_text = NULL;
  g_autofree char *key = NULL;
  g_autofree char *alpha = NULL;
  uint8_t digest[32];
  g_autofree char *digest_hex = NULL;
  bool ok;

  bytes = bytes_from_hex (text, &hex_error);
  ok = bytes != NULL ? nym_reply_surb_from_bytes (bytes->data, bytes->len, surb, &error)
                     : nym_reply_surb_from_base58 (text, surb, &error);
  if (!ok || !nym_reply_surb_first_hop (surb, &first_hop, &error))
    {
      g_free (surb);
      return fail (error);
    }
  first_hop_text = nym_node_address_to_string (&first_hop);
  key = hex_of (surb->key, 16);
  nym_reply_surb_key_digest (surb->key, digest);
  digest_hex = hex_of (digest, 32);
  alpha = hex_of (surb->header, 32);
  printf ("kind: reply-surb\n");
  printf ("length: %zu\n", nym_reply_surb_len (surb));
  printf ("surb_key: %s\n", key);
  printf ("surb_key_digest: %s\n", digest_hex);
  printf ("first_hop: %s\n", first_hop_text);
  printf ("hops: %u\n", surb->hops);
  printf ("key_material: %s\n", surb->uses_seeds ? "16-byte seeds (sphinx version 259)"
                                                 : "192-byte payload keys (sphinx version 258)");
  printf ("alpha: %s\n", alpha);
  for (unsigned i = 0; i < surb->hops; i++)
    {
      size_t unit = surb->uses_seeds ? NYM_SURB_PAYLOAD_SEED_LEN : NYM_SURB_PAYLOAD_KEY_LEN;
      g_autofree char *material = hex_of (surb->material + i * unit, MIN (unit, (size_t) 16));

      printf ("hop_%u_material%s: %s\n", i, surb->uses_seeds ? "" : "_prefix", material);
    }
  g_free (surb);
  return 0;
}

static int
mixnet_inspect (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("recipient ADDRESS | frame HEX | surb HEX-OR-BASE58"));
  GError *error = NULL;

  g_option_context_set_summary (context,
                                _("Decode a Nym client address, one or more framed node packets (hex), or a reply SURB,\n"
                                  "and print its fields one per line as name: value."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int status = usage_error (context, error->message);

      g_error_free (error);
      return status;
    }
  if (argc != 3)
    return usage_error (context, _("mixnet inspect needs a kind (recipient, frame or surb) and a value"));
  if (g_strcmp0 (argv[1], "recipient") == 0)
    return inspect_recipient (argv[2]);
  if (g_strcmp0 (argv[1], "frame") == 0)
    return inspect_frame (argv[2]);
  if (g_strcmp0 (argv[1], "surb") == 0)
    return inspect_surb (argv[2]);
  return usage_error (context, _("The kind must be recipient, frame or surb"));
}

const NymphCliCommand nymph_cli_mixnet_commands[] = {
  { "inspect", N_("Decode a Nym address, a framed node packet or a reply SURB"), mixnet_inspect },
  { NULL, NULL, NULL },
};
