/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli mixnet": run the mixnet client (address, send, listen) and inspect Nym addresses, framed node packets and reply SURBs. */
#include "nymph-cli.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crypto/nym-base58.h"
#include "packet/nym-node-frame.h"
#include "packet/nym-recipient.h"
#include "packet/nym-reply-surb.h"
#include "gateway/nym-client-store.h"
#include <json-glib/json-glib.h>

#include "runtime/nym-client.h"
#include "socks5/nym-socks5-proxy.h"
#include "topology/nym-api-client.h"

/* The most reply SURBs one message may carry here: as many as a recipient may ask for (§4.1). */
#define NYM_CLI_MAX_REPLY_SURBS 500

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

/* The client commands share their options and one run of the client on the main loop. */
typedef struct
{
  char      *data_dir;
  char     **nym_api;
  char      *gateway;
  gboolean   no_cover;
  gboolean   zero_delay;
  int        timeout_s;
  int        count;
} ClientOptions;

typedef struct
{
  GMainLoop *loop;
  NymClient *client;
  GError    *error;
  guint      received;
  int        count;
  bool       ready;
  bool       print_address;
  GBytes    *reply;        /* listen --reply: the answer to each anonymous message */
} ClientRun;

static void
client_options_clear (ClientOptions *options)
{
  g_clear_pointer (&options->data_dir, g_free);
  g_clear_pointer (&options->nym_api, g_strfreev);
  g_clear_pointer (&options->gateway, g_free);
}

static char *
default_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "nymph", "mixnet", NULL);
}

static bool
parse_client_options (GOptionContext  *context,
                      GOptionEntry    *extra,
                      ClientOptions   *options,
                      int             *argc,
                      char          ***argv,
                      int             *status)
{
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &options->data_dir,
      N_("Where the client keeps its keys and registrations (default $XDG_DATA_HOME/nymph/mixnet)"), "DIR" },
    { "nym-api", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->nym_api,
      N_("A nym-api URL to fetch the topology from (repeat for fallbacks)"), "URL" },
    { "gateway", 0, 0, G_OPTION_ARG_STRING, &options->gateway,
      N_("Use the gateway of this base58 identity instead of the remembered or a random one"), "ID" },
    { "no-cover", 0, 0, G_OPTION_ARG_NONE, &options->no_cover, N_("Send no loop cover traffic"), NULL },
    { "zero-delay", 0, 0, G_OPTION_ARG_NONE, &options->zero_delay,
      N_("No mix delays and no cover: send at once (for a local test network)"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &options->timeout_s,
      N_("Give up after this many seconds (send: default 120; listen: default never; 0 waits forever)"), "SECONDS" },
    { NULL }
  };
  GError *error = NULL;

  /* -1: not given; each command has its own default. */
  options->timeout_s = -1;
  g_option_context_add_main_entries (context, entries, NULL);
  if (extra != NULL)
    g_option_context_add_main_entries (context, extra, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = usage_error (context, error->message);
      g_error_free (error);
      return false;
    }
  if (options->data_dir == NULL)
    options->data_dir = default_data_dir ();
  if (options->timeout_s < -1)
    {
      *status = usage_error (context, _("--timeout must not be negative"));
      return false;
    }
  return true;
}

static void
on_client_state (NymClient  *client,
                 GParamSpec *pspec,
                 ClientRun  *run)
{
  switch (nym_client_get_state (client))
    {
    case NYM_CLIENT_STATE_READY:
      /* Only the first ready ends the start; a reconnect's ready just carries on. */
      if (run->ready)
        break;
      if (run->print_address)
        g_printerr (_("Listening as %s\n"), nym_client_get_address (client));
      run->ready = true;
      g_main_loop_quit (run->loop);
      break;
    case NYM_CLIENT_STATE_ERROR:
      if (run->error == NULL)
        g_set_error (&run->error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_CONFIG, "%s",
                     nym_client_get_error_message (client));
      g_main_loop_quit (run->loop);
      break;
    case NYM_CLIENT_STATE_RECONNECTING:
      g_printerr (_("The gateway went away (%s); reconnecting\n"), nym_client_get_error_message (client));
      break;
    default:
      break;
    }
}

static void
on_client_message (NymClient *client,
                   GBytes    *data,
                   ClientRun *run)
{
  size_t len = 0;
  const void *bytes = g_bytes_get_data (data, &len);

  /* The message exactly as sent, then a newline, so that text messages read as lines. */
  if (len > 0)
    fwrite (bytes, 1, len, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  run->received++;
  if (run->count > 0 && run->received >= (guint) run->count)
    g_main_loop_quit (run->loop);
}

/* listen: an anonymous message is printed after its sender tag in brackets, and answered
 * through the sender's reply SURBs when --reply was given. */
static void
on_client_anonymous_message (NymClient  *client,
                             GBytes     *data,
                             const char *sender_tag,
                             ClientRun  *run)
{
  printf ("[%s] ", sender_tag);
  if (run->reply != NULL && run->error == NULL
      && !nym_client_reply (client, sender_tag, run->reply, &run->error))
    g_main_loop_quit (run->loop);
  on_client_message (client, data, run);
}

static gboolean
on_client_timeout (gpointer user_data)
{
  ClientRun *run = user_data;

  if (run->error == NULL)
    g_set_error (&run->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _("The mixnet client gave up after its timeout"));
  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_client_signal (gpointer user_data)
{
  ClientRun *run = user_data;

  run->count = -1;
  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

/* Starts the client and runs the loop until it is ready or failed. */
static bool
client_run_start (ClientRun           *run,
                  const ClientOptions *options)
{
  NymClientRuntimeConfig config;
  const char *fallback[] = { NULL };
  bool ok;

  nym_client_runtime_config_init (&config);
  config.data_dir = options->data_dir;
  config.nym_api_urls = options->nym_api != NULL ? options->nym_api : (char **) fallback;
  config.gateway_identity = options->gateway;
  config.cover_traffic = !options->no_cover;
  config.zero_delay = options->zero_delay;
  run->loop = g_main_loop_new (NULL, FALSE);
  run->client = nym_client_new ();
  g_signal_connect (run->client, "notify::state", G_CALLBACK (on_client_state), run);
  g_signal_connect (run->client, "message-received", G_CALLBACK (on_client_message), run);
  g_signal_connect (run->client, "anonymous-message-received", G_CALLBACK (on_client_anonymous_message), run);
  if (!nym_client_start (run->client, &config, &run->error))
    return false;
  g_main_loop_run (run->loop);
  ok = run->error == NULL && run->ready;
  return ok;
}

static int
client_run_finish (ClientRun *run,
                   int        status)
{
  if (run->client != NULL)
    {
      nym_client_stop (run->client);
      g_clear_object (&run->client);
    }
  g_clear_pointer (&run->loop, g_main_loop_unref);
  if (run->error != NULL)
    {
      nymph_cli_print_error (run->error);
      g_clear_error (&run->error);
      return 1;
    }
  return status;
}

static bool
require_nym_api (GOptionContext      *context,
                 const ClientOptions *options,
                 int                 *status)
{
  if (options->nym_api != NULL && options->nym_api[0] != NULL)
    return true;
  *status = usage_error (context, _("--nym-api is needed to reach the network"));
  return false;
}

/* The address needs a gateway: the remembered one, or with --nym-api a freshly chosen one. */
static int
mixnet_address (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  ClientOptions options = { 0 };
  g_autoptr(NymClientStore) store = NULL;
  g_autoptr(NymClientKeys) keys = NULL;
  g_autofree char *gateway = NULL;
  GError *error = NULL;
  int status = 0;

  g_option_context_set_summary (context, _("Print this client's Nym address (created with new keys on first use)."));
  if (!parse_client_options (context, NULL, &options, &argc, &argv, &status))
    goto out;
  gateway = options.gateway != NULL ? g_strdup (options.gateway)
                                    : nym_client_runtime_load_active_gateway (options.data_dir);
  if (gateway == NULL)
    {
      ClientRun run = { 0 };

      if (options.nym_api == NULL)
        {
          g_set_error (&error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_CONFIG,
                       _("No gateway was chosen for %s yet; give --nym-api to choose one"), options.data_dir);
          status = fail (error);
          goto out;
        }
      options.zero_delay = TRUE;
      if (client_run_start (&run, &options))
        printf ("%s\n", nym_client_get_address (run.client));
      status = client_run_finish (&run, 0);
      goto out;
    }
  store = nym_client_store_open (options.data_dir, &error);
  if (store != NULL)
    keys = nym_client_store_ensure_keys (store, &error);
  if (keys == NULL)
    {
      status = fail (error);
      goto out;
    }
  {
    uint8_t identity[32];
    size_t len = 0;
    g_autofree char *address = NULL;

    if (!nym_base58_decode (gateway, identity, sizeof identity, &len, &error) || len != 32)
      {
        if (error == NULL)
          g_set_error (&error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_CONFIG,
                       _("The gateway “%s” is not a base58 Ed25519 identity"), gateway);
        status = fail (error);
        goto out;
      }
    address = nym_client_keys_dup_address (keys, identity);
    printf ("%s\n", address);
  }

out:
  client_options_clear (&options);
  return status;
}

static GBytes *
read_stdin (GError **error)
{
  g_autoptr(GInputStream) input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();

  if (g_output_stream_splice (output, input, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
}

static gboolean
on_send_poll (gpointer user_data)
{
  ClientRun *run = user_data;
  NymClientRuntime *runtime = nym_client_get_runtime (run->client);

  /* Every fragment acknowledged: the message reached the recipient's gateway. */
  if (nym_client_runtime_is_idle (runtime))
    g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_send_wait_over (gpointer user_data)
{
  ClientRun *run = user_data;

  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static int
mixnet_send (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autofree char *to = NULL;
  gboolean anonymous = FALSE;
  int reply_surbs = -1, wait_s = -1;
  GOptionEntry extra[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The recipient's Nym address"), "ADDRESS" },
    { "anonymous", 0, 0, G_OPTION_ARG_NONE, &anonymous,
      N_("Send without our address, with reply SURBs the recipient can answer through"), NULL },
    { "reply-surbs", 0, 0, G_OPTION_ARG_INT, &reply_surbs,
      N_("How many reply SURBs an anonymous message carries (default 10)"), "N" },
    { "wait", 0, 0, G_OPTION_ARG_INT, &wait_s,
      N_("After sending anonymously, print the replies that come back within this many seconds (default 0)"),
      "SECONDS" },
    { NULL }
  };
  ClientOptions options = { 0 };
  ClientRun run = { 0 };
  g_autoptr(GBytes) data = NULL;
  NymRecipient recipient;
  GError *error = NULL;
  int status = 0;
  guint poll = 0, timeout = 0, wait = 0;
  bool sent;

  g_option_context_set_summary (context, _("Send what is read from standard input to a Nym address through the mixnet,\n"
                                           "and wait until the recipient's gateway acknowledged every fragment.\n"
                                           "With --anonymous the recipient learns no address of ours but can reply;\n"
                                           "replies are printed as listen prints messages."));
  if (!parse_client_options (context, extra, &options, &argc, &argv, &status)
      || !require_nym_api (context, &options, &status))
    goto out;
  if (to == NULL)
    {
      status = usage_error (context, _("--to is needed"));
      goto out;
    }
  if (!anonymous && (reply_surbs != -1 || wait_s != -1))
    {
      status = usage_error (context, _("--reply-surbs and --wait need --anonymous"));
      goto out;
    }
  if (reply_surbs == -1)
    reply_surbs = NYM_DEFAULT_REPLY_SURBS;
  if (reply_surbs < 1 || reply_surbs > NYM_CLI_MAX_REPLY_SURBS)
    {
      g_autofree char *text = g_strdup_printf (_("--reply-surbs must be between 1 and %d, not %d"),
                                               NYM_CLI_MAX_REPLY_SURBS, reply_surbs);

      status = usage_error (context, text);
      goto out;
    }
  if (wait_s < -1)
    {
      status = usage_error (context, _("--wait must not be negative"));
      goto out;
    }
  if (!nym_recipient_parse (to, &recipient, &error) || (data = read_stdin (&error)) == NULL)
    {
      status = fail (error);
      goto out;
    }
  if (options.timeout_s < 0)
    options.timeout_s = 120;
  if (options.timeout_s > 0)
    timeout = g_timeout_add_seconds ((guint) options.timeout_s, on_client_timeout, &run);
  sent = client_run_start (&run, &options)
         && (anonymous ? nym_client_send_anonymous (run.client, to, data, (guint) reply_surbs, &run.error)
                       : nym_client_send_message (run.client, to, data, &run.error));
  if (sent)
    {
      poll = g_timeout_add (50, on_send_poll, &run);
      g_main_loop_run (run.loop);
    }
  /* Acknowledged: the replies (which may first ask us for more SURBs) have wait_s seconds. */
  if (sent && run.error == NULL && wait_s > 0)
    {
      g_clear_handle_id (&poll, g_source_remove);
      g_clear_handle_id (&timeout, g_source_remove);
      wait = g_timeout_add_seconds ((guint) wait_s, on_send_wait_over, &run);
      g_main_loop_run (run.loop);
    }
  status = client_run_finish (&run, 0);

out:
  if (poll != 0)
    g_source_remove (poll);
  if (timeout != 0)
    g_source_remove (timeout);
  if (wait != 0)
    g_source_remove (wait);
  client_options_clear (&options);
  return status;
}

static int
mixnet_listen (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  int count = 0;
  g_autofree char *reply = NULL;
  GOptionEntry extra[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &count, N_("Exit after this many messages (default: run until interrupted)"), "N" },
    { "reply", 0, 0, G_OPTION_ARG_STRING, &reply,
      N_("Answer each anonymous message with this text through its sender's reply SURBs"), "TEXT" },
    { NULL }
  };
  ClientOptions options = { 0 };
  ClientRun run = { 0 };
  int status = 0;
  guint timeout = 0, sigint = 0, sigterm = 0;

  g_option_context_set_summary (context, _("Print every message that arrives for this client, each followed by a newline;\n"
                                           "anonymous ones after their sender tag in brackets (\"[TAG] \").\n"
                                           "The address is printed on standard error once the client is ready."));
  if (!parse_client_options (context, extra, &options, &argc, &argv, &status)
      || !require_nym_api (context, &options, &status))
    goto out;
  if (count < 0)
    {
      status = usage_error (context, _("--count must not be negative"));
      goto out;
    }
  /* Listening runs until interrupted unless a timeout was given. */
  if (options.timeout_s < 0)
    options.timeout_s = 0;
  run.count = count;
  run.print_address = true;
  if (reply != NULL)
    run.reply = g_bytes_new (reply, strlen (reply));
  sigint = g_unix_signal_add (SIGINT, on_client_signal, &run);
  sigterm = g_unix_signal_add (SIGTERM, on_client_signal, &run);
  if (options.timeout_s > 0)
    timeout = g_timeout_add_seconds ((guint) options.timeout_s, on_client_timeout, &run);
  if (client_run_start (&run, &options) && run.count >= 0)
    g_main_loop_run (run.loop);
  /* After the last message, the replies still have to be sent and acknowledged (the timeout
   * and the signals still end the wait). */
  if (run.reply != NULL && run.error == NULL && run.count >= 0 && run.client != NULL
      && nym_client_get_runtime (run.client) != NULL)
    {
      guint poll = g_timeout_add (50, on_send_poll, &run);

      g_main_loop_run (run.loop);
      g_source_remove (poll);
    }
  g_clear_pointer (&run.reply, g_bytes_unref);
  status = client_run_finish (&run, 0);

out:
  if (timeout != 0)
    g_source_remove (timeout);
  if (sigint != 0)
    g_source_remove (sigint);
  if (sigterm != 0)
    g_source_remove (sigterm);
  client_options_clear (&options);
  return status;
}

/* mixnet run: the client with its SOCKS5 proxy, until interrupted. */

typedef struct
{
  GMainLoop *loop;
  NymClient *client;
  GError    *error;
  bool       have_state;
  NymClientState state;
  char      *error_message;
} ProxyRun;

/* Exit addresses (network requesters) a localnet.json lists and its nym-api URL; only the
 * fields this command needs are read. */
static bool
read_network_file (const char  *path,
                   char       **nym_api_url,
                   GPtrArray   *exits,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  JsonArray *nodes;

  if (!json_parser_load_from_file (parser, path, error))
    {
      g_prefix_error (error, _("Cannot read the network file %s: "), path);
      return false;
    }
  root = json_parser_get_root (parser);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object == NULL || json_object_get_string_member_with_default (object, "nym_api_url", NULL) == NULL)
    {
      g_set_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_CONFIG,
                   _("The network file %s names no nym_api_url (is its nym-api running?)"), path);
      return false;
    }
  *nym_api_url = g_strdup (json_object_get_string_member (object, "nym_api_url"));
  nodes = json_object_has_member (object, "nodes") ? json_object_get_array_member (object, "nodes") : NULL;
  for (guint i = 0; nodes != NULL && i < json_array_get_length (nodes); i++)
    {
      JsonNode *node = json_array_get_element (nodes, i);
      const char *exit;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      exit = json_object_get_string_member_with_default (json_node_get_object (node),
                                                         "network_requester_address", NULL);
      if (exit != NULL && *exit != '\0')
        g_ptr_array_add (exits, g_strdup (exit));
    }
  return true;
}

typedef struct
{
  GMainLoop                *loop;
  NymTopologyDescribedPage *page;
  GError                   *error;
} DescribedFetch;

static void
on_described (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  DescribedFetch *fetch = user_data;

  fetch->page = nym_api_client_get_described_finish (NYM_API_CLIENT (source), result, &fetch->error);
  g_main_loop_quit (fetch->loop);
}

/* §6: every node's described data may name its network requester. */
static bool
find_exits_in_nym_api (char      **urls,
                       GPtrArray  *exits,
                       GError    **error)
{
  g_autoptr(NymApiClient) api = nym_api_client_new ((const char *const *) urls, error);
  DescribedFetch fetch = { 0 };

  if (api == NULL)
    return false;
  fetch.loop = g_main_loop_new (NULL, FALSE);
  nym_api_client_get_described_async (api, NULL, on_described, &fetch);
  g_main_loop_run (fetch.loop);
  g_main_loop_unref (fetch.loop);
  if (fetch.page == NULL)
    {
      g_propagate_prefixed_error (error, fetch.error, _("Cannot look for an exit in the nym-api's described nodes: "));
      return false;
    }
  for (guint i = 0; i < fetch.page->nodes->len; i++)
    {
      const NymTopologyDescribedNode *node = g_ptr_array_index (fetch.page->nodes, i);

      if (node->network_requester_address != NULL && *node->network_requester_address != '\0')
        g_ptr_array_add (exits, g_strdup (node->network_requester_address));
    }
  nym_topology_described_page_free (fetch.page);
  return true;
}

static const char *
state_nick (NymClientState state)
{
  GEnumClass *klass = g_type_class_ref (NYM_TYPE_CLIENT_STATE);
  GEnumValue *value = g_enum_get_value (klass, (gint) state);
  const char *nick = value != NULL ? value->value_nick : "unknown";

  g_type_class_unref (klass);
  return nick;
}

/* One line per state change on standard output, "state: NICK" with the reason when there
 * is one, and the proxy's and our own address once ready, so scripts can wait for them. */
static void
on_run_state (NymClient  *client,
              GParamSpec *pspec,
              ProxyRun   *run)
{
  NymClientState state = nym_client_get_state (client);
  const char *message = nym_client_get_error_message (client);

  if (run->have_state && run->state == state && g_strcmp0 (run->error_message, message) == 0)
    return;
  run->have_state = true;
  run->state = state;
  g_free (run->error_message);
  run->error_message = g_strdup (message);
  if (message != NULL)
    printf ("state: %s: %s\n", state_nick (state), message);
  else
    printf ("state: %s\n", state_nick (state));
  if (state == NYM_CLIENT_STATE_READY)
    {
      printf ("socks5: %s\n", nym_client_get_socks_address (client));
      printf ("address: %s\n", nym_client_get_address (client));
    }
  fflush (stdout);
  if (state == NYM_CLIENT_STATE_ERROR)
    {
      if (run->error == NULL)
        g_set_error (&run->error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_CONFIG, "%s",
                     message != NULL ? message : _("The mixnet client failed"));
      g_main_loop_quit (run->loop);
    }
}

static gboolean
on_run_signal (gpointer user_data)
{
  ProxyRun *run = user_data;

  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_run_timeout (gpointer user_data)
{
  ProxyRun *run = user_data;

  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static int
mixnet_run (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autofree char *network = NULL;
  g_autofree char *socks5 = NULL;
  g_autofree char *exit = NULL;
  gboolean open_proxy_mode = FALSE;
  gboolean allow_non_loopback = FALSE;
  gboolean legacy = FALSE;
  GOptionEntry extra[] = {
    { "network", 0, 0, G_OPTION_ARG_FILENAME, &network,
      N_("A localnet.json to take the nym-api URL (and the exit) from, instead of --nym-api"), "FILE" },
    { "socks5", 0, 0, G_OPTION_ARG_STRING, &socks5,
      N_("Where the SOCKS5 proxy listens (default 127.0.0.1:1080; port 0 picks a free one)"), "IP:PORT" },
    { "exit", 0, 0, G_OPTION_ARG_STRING, &exit,
      N_("The Nym address of the network requester (default: one the network describes)"), "ADDRESS" },
    { "open-proxy-mode", 0, 0, G_OPTION_ARG_NONE, &open_proxy_mode,
      N_("Give the exit our address for its answers instead of reply SURBs (faster, not anonymous)"), NULL },
    { "socks5-legacy", 0, 0, G_OPTION_ARG_NONE, &legacy,
      N_("Speak the legacy network-requester encoding (for old exits)"), NULL },
    { "socks5-allow-non-loopback", 0, 0, G_OPTION_ARG_NONE, &allow_non_loopback,
      N_("Allow a --socks5 address that other machines can reach"), NULL },
    { NULL }
  };
  ClientOptions options = { 0 };
  ProxyRun run = { 0 };
  NymClientRuntimeConfig config;
  g_autoptr(GPtrArray) exits = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *network_api = NULL;
  char *network_urls[2] = { NULL, NULL };
  GError *error = NULL;
  int status = 0;
  guint sigint = 0, sigterm = 0, timeout = 0;

  g_option_context_set_summary (context,
                                _("Run the mixnet client with a local SOCKS5 proxy until interrupted (SIGINT, SIGTERM).\n"
                                  "Each state change is printed on standard output as “state: NAME”; once ready,\n"
                                  "“socks5: IP:PORT” and “address: ADDRESS” follow. Host names are resolved by the exit,\n"
                                  "so use socks5h:// (curl --socks5-hostname). While the mixnet is not ready the proxy\n"
                                  "refuses every connection: nothing ever goes direct."));
  if (!parse_client_options (context, extra, &options, &argc, &argv, &status))
    goto out;
  if (network != NULL && options.nym_api != NULL)
    {
      status = usage_error (context, _("Give either --network or --nym-api, not both"));
      goto out;
    }
  if (network != NULL)
    {
      if (!read_network_file (network, &network_api, exits, &error))
        {
          status = fail (error);
          goto out;
        }
      network_urls[0] = network_api;
    }
  else if (!require_nym_api (context, &options, &status))
    goto out;
  if (exit == NULL)
    {
      if (network == NULL && !find_exits_in_nym_api (options.nym_api, exits, &error))
        {
          status = fail (error);
          goto out;
        }
      if (exits->len == 0)
        {
          g_set_error (&error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_CONFIG,
                       _("No exit is known: the network describes no network requester; give one with --exit"));
          status = fail (error);
          goto out;
        }
      /* Spread clients over the exits the network offers, as the user would by choosing one. */
      exit = g_strdup (g_ptr_array_index (exits, g_random_int_range (0, (gint32) exits->len)));
    }
  {
    NymRecipient parsed;

    if (!nym_recipient_parse (exit, &parsed, &error))
      {
        g_prefix_error (&error, _("The exit “%s” is not a Nym address: "), exit);
        status = fail (error);
        goto out;
      }
  }
  printf ("exit: %s\n", exit);
  fflush (stdout);

  nym_client_runtime_config_init (&config);
  config.data_dir = options.data_dir;
  config.nym_api_urls = network != NULL ? network_urls : options.nym_api;
  config.gateway_identity = options.gateway;
  config.cover_traffic = !options.no_cover;
  config.zero_delay = options.zero_delay;
  config.socks5_address = socks5 != NULL ? socks5 : (char *) NYM_SOCKS5_PROXY_DEFAULT_ADDRESS;
  config.socks5_exit = exit;
  config.socks5_anonymous = !open_proxy_mode;
  config.socks5_allow_non_loopback = allow_non_loopback;
  config.socks5_legacy = legacy;

  run.loop = g_main_loop_new (NULL, FALSE);
  run.client = nym_client_new ();
  g_signal_connect (run.client, "notify::state", G_CALLBACK (on_run_state), &run);
  g_signal_connect (run.client, "notify::error-message", G_CALLBACK (on_run_state), &run);
  sigint = g_unix_signal_add (SIGINT, on_run_signal, &run);
  sigterm = g_unix_signal_add (SIGTERM, on_run_signal, &run);
  if (options.timeout_s > 0)
    timeout = g_timeout_add_seconds ((guint) options.timeout_s, on_run_timeout, &run);
  if (nym_client_start (run.client, &config, &run.error))
    g_main_loop_run (run.loop);
  /* Stopping reports "off" through the state handler. */
  nym_client_stop (run.client);
  g_clear_object (&run.client);
  g_clear_pointer (&run.loop, g_main_loop_unref);
  g_free (run.error_message);
  if (run.error != NULL)
    {
      nymph_cli_print_error (run.error);
      g_clear_error (&run.error);
      status = 1;
    }

out:
  if (timeout != 0)
    g_source_remove (timeout);
  if (sigint != 0)
    g_source_remove (sigint);
  if (sigterm != 0)
    g_source_remove (sigterm);
  client_options_clear (&options);
  return status;
}

const NymphCliCommand nymph_cli_mixnet_commands[] = {
  { "address", N_("Print this client's Nym address"), mixnet_address },
  { "send", N_("Send standard input to a Nym address through the mixnet"), mixnet_send },
  { "listen", N_("Print the messages that arrive through the mixnet"), mixnet_listen },
  { "run", N_("Run the mixnet client with a local SOCKS5 proxy"), mixnet_run },
  { "inspect", N_("Decode a Nym address, a framed node packet or a reply SURB"), mixnet_inspect },
  { NULL, NULL, NULL },
};
