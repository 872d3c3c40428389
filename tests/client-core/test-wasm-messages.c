/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Message interop between our client runtime (and nymph-cli) and the real Nym client (WASM 1.4.1 under Node) over an in-process localnet: plain and anonymous messages with replies, both ways. */
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "../common/test-wait.h"
#include "localnet-network.h"
#include "../localnet/localnet-test-util.h"
#include "gateway/localnet-gateway.h"
#include "mixnode/localnet-mixnode.h"
#include "nym-api/localnet-nym-api.h"
#include "crypto/nym-base58.h"
#include "packet/nym-packet-size.h"
#include "packet/nym-recipient.h"
#include "runtime/nym-client-runtime.h"

/* Each wait guards against a hang only; a healthy run needs a few seconds per case. */
#define WAIT_SECONDS 60

/* The reply SURBs attached to each anonymous message (our runtime's default); a 100 KB reply
 * needs more, so the replier has to ask for them (SurbRequest, nym-packet.md §17, §20). */
#define REPLY_SURBS NYM_DEFAULT_REPLY_SURBS

#define SENDER_TAG_LEN 16

static char *node_path;
static char *script_path;
static char *node_modules;
static char *cli_path;

/* 1 B, 1 KB, 10 KB (7 packets) and 100 KB (64 packets). */
static const size_t sizes[] = { 1, 1024, 10 * 1024, 100 * 1024 };

/* One message as a client handed it to its application. */
typedef struct
{
  GBytes  *data;
  bool     has_tag;
  uint8_t  tag[SENDER_TAG_LEN];
} Received;

static void
received_free (gpointer data)
{
  Received *received = data;

  g_bytes_unref (received->data);
  g_free (received);
}

/* The real Nym client in a node process, spoken to with one JSON object per line
 * (tests/interop/wasm-messages/peer.mjs). */
typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  GOutputStream    *in;
  GCancellable     *cancellable;
  GQueue            writes;      /* GBytes lines not yet written; the head is being written */
  char             *stderr_path;
  char             *address;
  char             *fatal;
  GPtrArray        *messages;    /* Received */
  GHashTable       *done;        /* command id -> NULL (succeeded) or the error text */
  guint             next_id;
  bool              eof;
  bool              exited;
} Peer;

typedef struct
{
  char             *dir;
  LocalnetNetwork  *network;
  LocalnetNymApi   *api;
  LocalnetMixnode  *mixnodes[3];
  LocalnetGateway  *gateways[2];
  guint             n_gateways;
  LocalnetGateway  *gateway;       /* ours and nymph-cli's: the first */
  LocalnetGateway  *wasm_gateway;  /* the WASM client's: the last */

  /* Our client. */
  NymClientRuntime *runtime;
  NymClientState    state;
  char             *error_message;
  char             *address;
  GPtrArray        *messages;    /* Received */

  Peer              peer;
  bool              aggressive_acks;  /* the WASM client resends after 1 ms without an ack */
  bool              skipped;
} Fixture;

/* Fixture data: the number of gateways, or'ed with this for a WASM client that resends
 * every packet whose ack is not back within 1 ms. */
#define AGGRESSIVE_ACKS 0x100

/* The end of the node peer's log, where the wasm client says why something did not happen. */
static void
print_peer_log (Fixture *fixture)
{
  g_autofree char *log = NULL;
  size_t len = 0;

  if (fixture->peer.stderr_path == NULL || !g_file_get_contents (fixture->peer.stderr_path, &log, &len, NULL))
    return;
  g_printerr ("--- last lines of the WASM client's log ---\n%s\n---\n", len > 6000 ? log + len - 6000 : log);
}

/* Iterates the default context (the localnet's servers and our runtime's events) until cond
 * holds, the peer died, or the guard ran out; the latter two fail with what is known. */
#define PEER_WAIT_UNTIL(fixture, cond, what)                                                  \
  G_STMT_START {                                                                              \
    TEST_WAIT_WHILE (WAIT_SECONDS,                                                            \
                     !(cond) && (fixture)->peer.fatal == NULL && !(fixture)->peer.eof);       \
    if (!(cond))                                                                              \
      {                                                                                       \
        print_peer_log (fixture);                                                             \
        g_error ("Waiting for %s failed: %s", what,                                           \
                 (fixture)->peer.fatal != NULL ? (fixture)->peer.fatal                        \
                 : (fixture)->peer.eof ? "the WASM client's process ended"                    \
                 : "timed out");                                                              \
      }                                                                                       \
  } G_STMT_END

/* Our runtime's events arrive on the default context. */
static void
on_event (const NymClientEvent *event,
          gpointer              user_data)
{
  Fixture *fixture = user_data;

  switch (event->kind)
    {
    case NYM_CLIENT_EVENT_STATE:
      fixture->state = event->state;
      g_free (fixture->error_message);
      fixture->error_message = g_strdup (event->error_message);
      if (event->address != NULL && fixture->address == NULL)
        fixture->address = g_strdup (event->address);
      break;
    case NYM_CLIENT_EVENT_MESSAGE:
      {
        Received *received = g_new0 (Received, 1);

        received->data = g_bytes_ref (event->message);
        received->has_tag = event->sender_tag != NULL;
        if (received->has_tag)
          memcpy (received->tag, event->sender_tag, SENDER_TAG_LEN);
        g_ptr_array_add (fixture->messages, received);
      }
      break;
    case NYM_CLIENT_EVENT_STATS:
    case NYM_CLIENT_EVENT_STOPPED:
    default:
      break;
    }
}

static bool
hex_to_tag (const char *hex,
            uint8_t     tag[static SENDER_TAG_LEN])
{
  if (hex == NULL || strlen (hex) != 2 * SENDER_TAG_LEN)
    return false;
  for (size_t i = 0; i < SENDER_TAG_LEN; i++)
    {
      int high = g_ascii_xdigit_value (hex[2 * i]);
      int low = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (high < 0 || low < 0)
        return false;
      tag[i] = (uint8_t) (high << 4 | low);
    }
  return true;
}

static void
peer_handle_line (Peer       *peer,
                  const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *event;

  if (!json_parser_load_from_data (parser, line, -1, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      if (peer->fatal == NULL)
        peer->fatal = g_strdup_printf ("The WASM peer wrote a line that is no JSON object: %s", line);
      return;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  event = json_object_get_string_member_with_default (object, "event", "");
  if (g_str_equal (event, "ready"))
    {
      g_free (peer->address);
      peer->address = g_strdup (json_object_get_string_member (object, "address"));
    }
  else if (g_str_equal (event, "message"))
    {
      Received *received = g_new0 (Received, 1);
      const char *tag = json_object_get_string_member_with_default (object, "tag", NULL);
      size_t len = 0;
      guchar *data = g_base64_decode (json_object_get_string_member (object, "data"), &len);

      received->data = g_bytes_new_take (data, len);
      received->has_tag = tag != NULL;
      if (received->has_tag && !hex_to_tag (tag, received->tag) && peer->fatal == NULL)
        peer->fatal = g_strdup_printf ("The sender tag “%s” is not 16 bytes of hex", tag);
      g_ptr_array_add (peer->messages, received);
    }
  else if (g_str_equal (event, "done") || g_str_equal (event, "failed"))
    {
      guint id = (guint) json_object_get_int_member (object, "id");
      const char *message = json_object_get_string_member_with_default (object, "message", "failed");

      g_hash_table_insert (peer->done, GUINT_TO_POINTER (id),
                           g_str_equal (event, "done") ? NULL : g_strdup (message));
    }
  else if (peer->fatal == NULL)
    {
      peer->fatal = g_strdup_printf ("The WASM peer failed: %s",
                                     json_object_get_string_member_with_default (object, "message", line));
    }
}

static void
on_peer_line (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Peer *peer = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      peer->eof = true;
      return;
    }
  peer_handle_line (peer, line);
  g_data_input_stream_read_line_async (peer->out, G_PRIORITY_DEFAULT, peer->cancellable, on_peer_line, peer);
}

static void peer_write_next (Peer *peer);

static void
on_peer_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Peer *peer = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (peer->fatal == NULL)
        peer->fatal = g_strdup_printf ("Writing to the WASM peer failed: %s", error->message);
    }
  g_bytes_unref (g_queue_pop_head (&peer->writes));
  peer_write_next (peer);
}

static void
peer_write_next (Peer *peer)
{
  GBytes *line = g_queue_peek_head (&peer->writes);

  if (line == NULL)
    return;
  g_output_stream_write_all_async (peer->in, g_bytes_get_data (line, NULL), g_bytes_get_size (line),
                                   G_PRIORITY_DEFAULT, peer->cancellable, on_peer_written, peer);
}

/* Commands are written asynchronously, one after the other: node writes its events to the
 * pipe synchronously, so a blocking write of a large command here while node writes a large
 * event there would stall both. */
static guint
peer_command (Peer       *peer,
              JsonObject *command)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  guint id = ++peer->next_id;
  bool idle = g_queue_is_empty (&peer->writes);

  json_object_set_int_member (command, "id", id);
  json_node_set_object (node, command);
  text = json_to_string (node, FALSE);
  g_queue_push_tail (&peer->writes, g_bytes_new_take (g_strconcat (text, "\n", NULL), strlen (text) + 1));
  if (idle)
    peer_write_next (peer);
  return id;
}

/* A Plain message (send_regular_message), or with anonymous a Repliable one
 * (send_anonymous_message) carrying reply_surbs reply SURBs, none being allowed. */
static guint
peer_send (Peer       *peer,
           const char *to,
           GBytes     *data,
           bool        anonymous,
           guint       reply_surbs)
{
  g_autoptr(JsonObject) command = json_object_new ();
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (data, NULL), g_bytes_get_size (data));

  json_object_set_string_member (command, "cmd", anonymous ? "anonymous" : "send");
  json_object_set_string_member (command, "to", to);
  json_object_set_string_member (command, "data", b64);
  if (anonymous)
    json_object_set_int_member (command, "surbs", reply_surbs);
  return peer_command (peer, command);
}

static guint
peer_reply (Peer          *peer,
            const uint8_t  tag[static SENDER_TAG_LEN],
            GBytes        *data)
{
  g_autoptr(JsonObject) command = json_object_new ();
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  char hex[2 * SENDER_TAG_LEN + 1];

  for (size_t i = 0; i < SENDER_TAG_LEN; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", tag[i]);
  json_object_set_string_member (command, "cmd", "reply");
  json_object_set_string_member (command, "tag", hex);
  json_object_set_string_member (command, "data", b64);
  return peer_command (peer, command);
}

static void
on_peer_exited (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Peer *peer = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  peer->exited = true;
}

static void
peer_start (Fixture *fixture)
{
  Peer *peer = &fixture->peer;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autofree char *client_id = g_strdup_printf ("wasm-messages-%d", (int) getpid ());

  peer->messages = g_ptr_array_new_with_free_func (received_free);
  peer->done = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  peer->cancellable = g_cancellable_new ();
  g_queue_init (&peer->writes);
  peer->stderr_path = g_build_filename (fixture->dir, "wasm-peer.log", NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, peer->stderr_path);
  peer->process = g_subprocess_launcher_spawn (launcher, &error, node_path, script_path,
                                               localnet_nym_api_get_url (fixture->api),
                                               localnet_gateway_get_identity (fixture->wasm_gateway),
                                               client_id, fixture->aggressive_acks ? "aggressive" : "patient",
                                               NULL);
  g_assert_no_error (error);
  peer->in = g_object_ref (g_subprocess_get_stdin_pipe (peer->process));
  peer->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer->process));
  g_subprocess_wait_async (peer->process, NULL, on_peer_exited, peer);
  g_data_input_stream_read_line_async (peer->out, G_PRIORITY_DEFAULT, peer->cancellable, on_peer_line, peer);
  PEER_WAIT_UNTIL (fixture, peer->address != NULL, "the WASM client to be ready");
}

static void
peer_stop (Fixture *fixture)
{
  Peer *peer = &fixture->peer;
  g_autoptr(JsonObject) quit = json_object_new ();

  if (peer->process == NULL)
    return;
  if (!peer->eof)
    {
      json_object_set_string_member (quit, "cmd", "quit");
      peer_command (peer, quit);
    }
  /* It exits on "quit" or when its stdin closes; a peer that does neither is killed. */
  TEST_WAIT_WHILE (10, !peer->exited);
  if (!peer->exited)
    {
      g_subprocess_force_exit (peer->process);
      while (!peer->exited)
        g_main_context_iteration (NULL, TRUE);
    }
  g_cancellable_cancel (peer->cancellable);
  localnet_test_drain ();
  g_queue_clear_full (&peer->writes, (GDestroyNotify) g_bytes_unref);
  g_clear_object (&peer->in);
  g_clear_object (&peer->out);
  g_clear_object (&peer->process);
  g_clear_object (&peer->cancellable);
  g_clear_pointer (&peer->messages, g_ptr_array_unref);
  g_clear_pointer (&peer->done, g_hash_table_unref);
  g_clear_pointer (&peer->address, g_free);
  g_clear_pointer (&peer->fatal, g_free);
  g_clear_pointer (&peer->stderr_path, g_free);
}

static LocalnetMixnode *
start_mixnode (Fixture *fixture,
               guint    layer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("mix-%u-1", layer);
  g_autofree char *dir = localnet_network_node_dir (fixture->network, name, &error);
  g_autoptr(LocalnetNodeInfo) info = NULL;
  LocalnetMixnode *mixnode;

  g_assert_no_error (error);
  mixnode = localnet_mixnode_new (name, dir, layer);
  localnet_mixnode_set_zero_delay (mixnode, TRUE);
  g_assert_true (localnet_mixnode_start (mixnode, 0, &error));
  g_assert_no_error (error);
  info = localnet_mixnode_dup_info (mixnode);
  g_assert_cmpuint (localnet_network_add_node (fixture->network, info, &error), !=, 0);
  g_assert_no_error (error);
  return mixnode;
}

static LocalnetGateway *
start_gateway (Fixture    *fixture,
               const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = localnet_network_node_dir (fixture->network, name, &error);
  LocalnetNodeInfo info = { 0 };
  LocalnetGateway *gateway;

  g_assert_no_error (error);
  /* Port 0: the kernel picks free ports for the client websocket and the mix port. */
  gateway = localnet_gateway_new (dir, 0, 0);
  g_assert_true (localnet_gateway_start (gateway, &error));
  g_assert_no_error (error);
  info.name = (char *) name;
  info.kind = LOCALNET_NODE_GATEWAY;
  memcpy (info.identity, localnet_gateway_get_identity_key (gateway), 32);
  memcpy (info.sphinx_key, localnet_gateway_get_sphinx_public_key (gateway), 32);
  info.mix_port = localnet_gateway_get_mix_port (gateway);
  info.ws_port = localnet_gateway_get_ws_port (gateway);
  info.entry = true;
  info.exit = true;
  g_assert_cmpuint (localnet_network_add_node (fixture->network, &info, &error), !=, 0);
  g_assert_no_error (error);
  return gateway;
}

static void
start_ours (Fixture *fixture)
{
  NymClientRuntimeConfig config;
  const char *urls[] = { localnet_nym_api_get_url (fixture->api), NULL };
  g_autofree char *data_dir = g_build_filename (fixture->dir, "ours", NULL);

  nym_client_runtime_config_init (&config);
  config.data_dir = data_dir;
  config.nym_api_urls = (char **) urls;
  config.gateway_identity = (char *) localnet_gateway_get_identity (fixture->gateway);
  config.zero_delay = true;
  config.gateway_timeout_s = 5;
  fixture->messages = g_ptr_array_new_with_free_func (received_free);
  fixture->runtime = nym_client_runtime_new (&config, NULL, on_event, fixture);
  nym_client_runtime_start (fixture->runtime);
  PEER_WAIT_UNTIL (fixture, fixture->state == NYM_CLIENT_STATE_READY || fixture->state == NYM_CLIENT_STATE_ERROR,
              "our client to be ready");
  g_assert_cmpstr (fixture->error_message, ==, NULL);
  g_assert_cmpint (fixture->state, ==, NYM_CLIENT_STATE_READY);
  g_assert_nonnull (fixture->address);
}

/* A fresh localnet (nym-api, one zero-delay mix node per layer, user_data gateways, all on
 * ports the kernel picks on 127.0.0.1), our client at the first gateway and the WASM client at
 * the last: with two, every message and every SURB route ends at the other client's gateway. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *package = node_modules != NULL
    ? g_build_filename (node_modules, "@nymproject", "nym-client-wasm", "package.json", NULL) : NULL;

  if (node_path == NULL || *node_path == '\0' || package == NULL || !g_file_test (package, G_FILE_TEST_IS_REGULAR))
    {
      fixture->skipped = true;
      return;
    }
  fixture->dir = localnet_test_mkdtemp ();
  fixture->network = localnet_network_new (fixture->dir, &error);
  g_assert_no_error (error);
  localnet_network_set_zero_delay (fixture->network, TRUE);
  fixture->api = localnet_nym_api_new (fixture->network);
  g_assert_true (localnet_nym_api_listen (fixture->api, 0, &error));
  g_assert_no_error (error);
  for (guint layer = 1; layer <= 3; layer++)
    fixture->mixnodes[layer - 1] = start_mixnode (fixture, layer);
  fixture->n_gateways = GPOINTER_TO_UINT (user_data) & ~AGGRESSIVE_ACKS;
  fixture->aggressive_acks = (GPOINTER_TO_UINT (user_data) & AGGRESSIVE_ACKS) != 0;
  g_assert_cmpuint (fixture->n_gateways, >=, 1);
  g_assert_cmpuint (fixture->n_gateways, <=, G_N_ELEMENTS (fixture->gateways));
  for (guint i = 0; i < fixture->n_gateways; i++)
    {
      g_autofree char *name = g_strdup_printf ("gateway-%u", i + 1);

      fixture->gateways[i] = start_gateway (fixture, name);
    }
  fixture->gateway = fixture->gateways[0];
  fixture->wasm_gateway = fixture->gateways[fixture->n_gateways - 1];
  start_ours (fixture);
  peer_start (fixture);
  /* Each address names the gateway its client was given (nym-packet.md §16). */
  g_assert_true (g_str_has_suffix (fixture->address, localnet_gateway_get_identity (fixture->gateway)));
  g_assert_true (g_str_has_suffix (fixture->peer.address, localnet_gateway_get_identity (fixture->wasm_gateway)));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->skipped)
    return;
  peer_stop (fixture);
  nym_client_runtime_free (g_steal_pointer (&fixture->runtime));
  /* Let packets still in flight (late acks) reach their end before the nodes stop. */
  test_wait_spin (300);
  for (guint i = 0; i < fixture->n_gateways; i++)
    localnet_gateway_stop (fixture->gateways[i]);
  for (guint i = 0; i < 3; i++)
    localnet_mixnode_stop (fixture->mixnodes[i]);
  localnet_nym_api_stop (fixture->api);
  localnet_test_drain ();
  test_wait_spin (50);
  for (guint i = 0; i < fixture->n_gateways; i++)
    g_assert_finalize_object (fixture->gateways[i]);
  for (guint i = 0; i < 3; i++)
    g_assert_finalize_object (fixture->mixnodes[i]);
  g_assert_finalize_object (fixture->api);
  g_assert_finalize_object (fixture->network);
  g_clear_pointer (&fixture->messages, g_ptr_array_unref);
  g_free (fixture->error_message);
  g_free (fixture->address);
  localnet_test_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static bool
skip_without_node (Fixture *fixture)
{
  if (fixture->skipped)
    g_test_skip ("node (Node.js 20) or tests/node_modules with @nymproject/nym-client-wasm is missing");
  return fixture->skipped;
}

static GBytes *
random_bytes (size_t len)
{
  uint8_t *data = g_malloc (len);

  randombytes_buf (data, len);
  return g_bytes_new_take (data, len);
}

static void
make_messages (GBytes *messages[static G_N_ELEMENTS (sizes)])
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    messages[i] = random_bytes (sizes[i]);
}

static void
free_messages (GBytes *messages[static G_N_ELEMENTS (sizes)])
{
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_bytes_unref (messages[i]);
}

/* The one received message equal to expected, byte for byte; it fails if there are none or two. */
static const Received *
find_once (GPtrArray *received,
           GBytes    *expected)
{
  const Received *found = NULL;

  for (guint i = 0; i < received->len; i++)
    {
      const Received *r = g_ptr_array_index (received, i);

      if (g_bytes_equal (r->data, expected))
        {
          if (found != NULL)
            g_error ("A message of %zu bytes arrived twice", g_bytes_get_size (expected));
          found = r;
        }
    }
  if (found == NULL)
    g_error ("The message of %zu bytes did not arrive intact", g_bytes_get_size (expected));
  return found;
}

static void
parse_recipient (const char   *text,
                 NymRecipient *recipient)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (nym_recipient_parse (text, recipient, &error));
  g_assert_no_error (error);
}

static void
wait_commands_done (Fixture *fixture,
                    guint    first,
                    guint    last)
{
  for (guint id = first; id <= last; id++)
    {
      const char *failure;

      PEER_WAIT_UNTIL (fixture, g_hash_table_contains (fixture->peer.done, GUINT_TO_POINTER (id)),
                  "the WASM client to take a command");
      failure = g_hash_table_lookup (fixture->peer.done, GUINT_TO_POINTER (id));
      if (failure != NULL)
        g_error ("The WASM client refused command %u: %s", id, failure);
    }
}

/* Every fragment we sent acknowledged (through the recipient's gateway), nothing queued. */
static void
wait_ours_idle (Fixture *fixture)
{
  PEER_WAIT_UNTIL (fixture, nym_client_runtime_is_idle (fixture->runtime) && nym_client_runtime_get_queued (fixture->runtime) == 0,
              "our client to have every fragment acknowledged");
}

/* (a) Plain, ours → WASM: NymMessage Plain (nym-packet.md §17) of every size reaches the WASM
 * client's application intact, once each, without a sender tag. */
static void
test_plain_to_wasm (Fixture       *fixture,
                    gconstpointer  user_data)
{
  GBytes *messages[G_N_ELEMENTS (sizes)];
  NymRecipient wasm;

  if (skip_without_node (fixture))
    return;
  parse_recipient (fixture->peer.address, &wasm);
  make_messages (messages);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    nym_client_runtime_send (fixture->runtime, &wasm, messages[i]);
  PEER_WAIT_UNTIL (fixture, fixture->peer.messages->len >= G_N_ELEMENTS (sizes), "the WASM client to get our messages");
  wait_ours_idle (fixture);
  test_wait_spin (300);
  g_assert_cmpuint (fixture->peer.messages->len, ==, G_N_ELEMENTS (sizes));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_assert_false (find_once (fixture->peer.messages, messages[i])->has_tag);
  g_assert_cmpuint (fixture->messages->len, ==, 0);
  free_messages (messages);
}

/* (a) Plain, WASM → ours: the real client's send_regular_message of every size reaches our
 * runtime intact, once each, without a sender tag. */
static void
test_plain_from_wasm (Fixture       *fixture,
                      gconstpointer  user_data)
{
  GBytes *messages[G_N_ELEMENTS (sizes)];
  guint first = 0, last = 0;

  if (skip_without_node (fixture))
    return;
  make_messages (messages);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      last = peer_send (&fixture->peer, fixture->address, messages[i], false, 0);
      if (i == 0)
        first = last;
    }
  wait_commands_done (fixture, first, last);
  PEER_WAIT_UNTIL (fixture, fixture->messages->len >= G_N_ELEMENTS (sizes), "our client to get the WASM client's messages");
  test_wait_spin (300);
  g_assert_cmpuint (fixture->messages->len, ==, G_N_ELEMENTS (sizes));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_assert_false (find_once (fixture->messages, messages[i])->has_tag);
  g_assert_cmpuint (fixture->peer.messages->len, ==, 0);
  free_messages (messages);
}

/* The SURBs that come with the four messages do not carry the 100 KB answer (one SURB per
 * packet), so each anonymous case also needs the replier to ask for more and get them. */
static void
assert_surbs_run_short (void)
{
  size_t capacity = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);

  g_assert_cmpuint (sizes[G_N_ELEMENTS (sizes) - 1] / capacity, >, G_N_ELEMENTS (sizes) * REPLY_SURBS);
}

/* (b) Anonymous, ours → WASM and back: our Repliable messages (sender tag and REPLY_SURBS reply
 * SURBs each, §17, §20) reach the WASM client with one and the same tag; its send_reply answers
 * of every size come back through those SURBs (and, for the large ones, through more that it
 * asks us for) and reach our runtime intact as replies, without a tag. */
static void
test_anonymous_to_wasm (Fixture       *fixture,
                        gconstpointer  user_data)
{
  GBytes *messages[G_N_ELEMENTS (sizes)];
  GBytes *replies[G_N_ELEMENTS (sizes)];
  const Received *arrived[G_N_ELEMENTS (sizes)];
  NymRecipient wasm;
  guint first = 0, last = 0;

  if (skip_without_node (fixture))
    return;
  assert_surbs_run_short ();
  parse_recipient (fixture->peer.address, &wasm);
  make_messages (messages);
  make_messages (replies);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    nym_client_runtime_send_anonymous (fixture->runtime, &wasm, messages[i], REPLY_SURBS);
  PEER_WAIT_UNTIL (fixture, fixture->peer.messages->len >= G_N_ELEMENTS (sizes), "the WASM client to get our anonymous messages");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      arrived[i] = find_once (fixture->peer.messages, messages[i]);
      g_assert_true (arrived[i]->has_tag);
      /* One sender tag per recipient (§20). */
      g_assert_cmpmem (arrived[i]->tag, SENDER_TAG_LEN, arrived[0]->tag, SENDER_TAG_LEN);
    }

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      last = peer_reply (&fixture->peer, arrived[i]->tag, replies[i]);
      if (i == 0)
        first = last;
    }
  wait_commands_done (fixture, first, last);
  PEER_WAIT_UNTIL (fixture, fixture->messages->len >= G_N_ELEMENTS (sizes), "our client to get the WASM client's replies");
  wait_ours_idle (fixture);
  test_wait_spin (300);
  g_assert_cmpuint (fixture->messages->len, ==, G_N_ELEMENTS (sizes));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_assert_false (find_once (fixture->messages, replies[i])->has_tag);
  /* Nothing else reached the WASM application (a SURB top-up is no message to it). */
  g_assert_cmpuint (fixture->peer.messages->len, ==, G_N_ELEMENTS (sizes));
  free_messages (messages);
  free_messages (replies);
}

/* (b) Anonymous, WASM → ours and back: the real client's send_anonymous_message (REPLY_SURBS
 * reply SURBs each) reaches our runtime with one and the same 16-byte sender tag; our
 * nym_client_runtime_reply answers of every size (asking it for more SURBs when they run short)
 * reach its application intact, without a tag. */
static void
test_anonymous_from_wasm (Fixture       *fixture,
                          gconstpointer  user_data)
{
  GBytes *messages[G_N_ELEMENTS (sizes)];
  GBytes *replies[G_N_ELEMENTS (sizes)];
  uint8_t tag[SENDER_TAG_LEN];
  guint first = 0, last = 0;

  if (skip_without_node (fixture))
    return;
  assert_surbs_run_short ();
  make_messages (messages);
  make_messages (replies);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      last = peer_send (&fixture->peer, fixture->address, messages[i], true, REPLY_SURBS);
      if (i == 0)
        first = last;
    }
  wait_commands_done (fixture, first, last);
  PEER_WAIT_UNTIL (fixture, fixture->messages->len >= G_N_ELEMENTS (sizes), "our client to get the anonymous messages");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      const Received *arrived = find_once (fixture->messages, messages[i]);

      g_assert_true (arrived->has_tag);
      if (i == 0)
        memcpy (tag, arrived->tag, SENDER_TAG_LEN);
      g_assert_cmpmem (arrived->tag, SENDER_TAG_LEN, tag, SENDER_TAG_LEN);
    }

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    nym_client_runtime_reply (fixture->runtime, tag, replies[i]);
  PEER_WAIT_UNTIL (fixture, fixture->peer.messages->len >= G_N_ELEMENTS (sizes), "the WASM client to get our replies");
  wait_ours_idle (fixture);
  test_wait_spin (300);
  g_assert_cmpuint (fixture->peer.messages->len, ==, G_N_ELEMENTS (sizes));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_assert_false (find_once (fixture->peer.messages, replies[i])->has_tag);
  g_assert_cmpuint (fixture->messages->len, ==, G_N_ELEMENTS (sizes));
  free_messages (messages);
  free_messages (replies);
}

/*
 * The real client resending every fragment whose ack is not back within 1 ms (§19): each
 * fragment of its plain and anonymous messages reaches our receiver again and again, also
 * after its message was reassembled and handed out. Every message must still arrive exactly
 * once (nym_reassembler_insert drops fragments of delivered sets, as the real client does),
 * and the anonymous ones can still be answered.
 */
static void
test_aggressive_acks (Fixture       *fixture,
                      gconstpointer  user_data)
{
  GBytes *plain[G_N_ELEMENTS (sizes)];
  GBytes *anonymous[G_N_ELEMENTS (sizes)];
  g_autoptr(GBytes) answer = NULL;
  size_t capacity = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);
  guint64 packets_before = 0, packets_after = 0, fragments = 0;
  uint8_t tag[SENDER_TAG_LEN];
  guint first = 0, last = 0;

  if (skip_without_node (fixture))
    return;
  make_messages (plain);
  make_messages (anonymous);
  answer = random_bytes (10 * 1024);
  g_object_get (fixture->wasm_gateway, "client-packets", &packets_before, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      last = peer_send (&fixture->peer, fixture->address, plain[i], false, 0);
      if (i == 0)
        first = last;
      last = peer_send (&fixture->peer, fixture->address, anonymous[i], true, REPLY_SURBS);
      /* At least one fragment per capacity's worth of data, the SURBs not counted. */
      fragments += 2 * ((sizes[i] + capacity - 1) / capacity);
    }
  wait_commands_done (fixture, first, last);
  PEER_WAIT_UNTIL (fixture, fixture->messages->len >= 2 * G_N_ELEMENTS (sizes), "our client to get the WASM client's messages");
  /* Copies still on their way arrive in this time; none may come out as a message. */
  test_wait_spin (1500);
  g_object_get (fixture->wasm_gateway, "client-packets", &packets_after, NULL);
  g_test_message ("the WASM client sent %" G_GUINT64_FORMAT " packets for messages of at least %" G_GUINT64_FORMAT
                  " fragments", packets_after - packets_before, fragments);
  /* The case is only worth something if the WASM client did resend. Sent once, the messages
   * and their SURBs take 157 packets for these 146 fragments' worth of data (with 30 s ack
   * waits); a fifth more means dozens of fragments went twice (212 and more were seen). */
  g_assert_cmpuint (packets_after - packets_before, >=, fragments + fragments / 5);
  g_assert_cmpuint (fixture->messages->len, ==, 2 * G_N_ELEMENTS (sizes));
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      const Received *arrived = find_once (fixture->messages, anonymous[i]);

      g_assert_false (find_once (fixture->messages, plain[i])->has_tag);
      g_assert_true (arrived->has_tag);
      if (i == 0)
        memcpy (tag, arrived->tag, SENDER_TAG_LEN);
      g_assert_cmpmem (arrived->tag, SENDER_TAG_LEN, tag, SENDER_TAG_LEN);
    }

  /* Our reply travels normally; the WASM client gets it once. */
  nym_client_runtime_reply (fixture->runtime, tag, answer);
  PEER_WAIT_UNTIL (fixture, fixture->peer.messages->len >= 1, "the WASM client to get our reply");
  wait_ours_idle (fixture);
  test_wait_spin (300);
  g_assert_cmpuint (fixture->peer.messages->len, ==, 1);
  g_assert_false (find_once (fixture->peer.messages, answer)->has_tag);
  free_messages (plain);
  free_messages (anonymous);
}

/* (b) Anonymous without new SURBs: once the real client gave us SURBs, its
 * send_anonymous_message with 0 SURBs is still a Repliable message (DataV2 with an empty SURB
 * list, §17) under the same sender tag, and our answer to it goes through the SURBs it gave
 * before. */
static void
test_anonymous_from_wasm_no_surbs (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(GBytes) with_surbs = random_bytes (300);
  g_autoptr(GBytes) without_surbs = random_bytes (700);
  g_autoptr(GBytes) answer = random_bytes (1500);
  const Received *first, *second;
  guint id;

  if (skip_without_node (fixture))
    return;
  id = peer_send (&fixture->peer, fixture->address, with_surbs, true, REPLY_SURBS);
  wait_commands_done (fixture, id, id);
  PEER_WAIT_UNTIL (fixture, fixture->messages->len >= 1, "our client to get the message with SURBs");
  id = peer_send (&fixture->peer, fixture->address, without_surbs, true, 0);
  wait_commands_done (fixture, id, id);
  PEER_WAIT_UNTIL (fixture, fixture->messages->len >= 2, "our client to get the message without SURBs");
  first = find_once (fixture->messages, with_surbs);
  second = find_once (fixture->messages, without_surbs);
  g_assert_true (first->has_tag);
  g_assert_true (second->has_tag);
  g_assert_cmpmem (second->tag, SENDER_TAG_LEN, first->tag, SENDER_TAG_LEN);

  nym_client_runtime_reply (fixture->runtime, second->tag, answer);
  PEER_WAIT_UNTIL (fixture, fixture->peer.messages->len >= 1, "the WASM client to get our answer");
  wait_ours_idle (fixture);
  test_wait_spin (300);
  g_assert_cmpuint (fixture->peer.messages->len, ==, 1);
  g_assert_false (find_once (fixture->peer.messages, answer)->has_tag);
  g_assert_cmpuint (fixture->messages->len, ==, 2);
}

/* nymph-cli as our client: a child process with its own data dir, at the localnet's gateway. */
typedef struct
{
  GSubprocess      *process;
  GDataInputStream *err;
  char             *stdout_path;
  char             *address;   /* from "Listening as ADDRESS" (listen only) */
  bool              exited;
} Cli;

static void
on_cli_exited (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Cli *cli = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  cli->exited = true;
}

static void
on_cli_line (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Cli *cli = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  if (line == NULL)
    return;
  g_printerr ("nymph-cli: %s\n", line);
  if (g_str_has_prefix (line, "Listening as ") && cli->address == NULL)
    cli->address = g_strdup (line + strlen ("Listening as "));
  g_data_input_stream_read_line_async (cli->err, G_PRIORITY_DEFAULT, NULL, on_cli_line, cli);
}

/* Runs nymph-cli mixnet ARGS… (the client options added) with stdin from stdin_path or
 * nothing; stdout goes to a file, stderr is read line by line for the address. */
static void
cli_start (Fixture           *fixture,
           Cli               *cli,
           const char        *name,
           const char        *stdin_path,
           const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  cli->stdout_path = g_build_filename (fixture->dir, name, NULL);
  g_ptr_array_add (argv, g_strdup (cli_path));
  g_ptr_array_add (argv, g_strdup ("mixnet"));
  g_ptr_array_add (argv, g_strdup (args[0]));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_strconcat (cli->stdout_path, ".data", NULL));
  g_ptr_array_add (argv, g_strdup ("--nym-api"));
  g_ptr_array_add (argv, g_strdup (localnet_nym_api_get_url (fixture->api)));
  g_ptr_array_add (argv, g_strdup ("--gateway"));
  g_ptr_array_add (argv, g_strdup (localnet_gateway_get_identity (fixture->gateway)));
  g_ptr_array_add (argv, g_strdup ("--zero-delay"));
  g_ptr_array_add (argv, g_strdup ("--timeout"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", WAIT_SECONDS));
  for (guint i = 1; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_set_stdout_file_path (launcher, cli->stdout_path);
  if (stdin_path != NULL)
    g_subprocess_launcher_set_stdin_file_path (launcher, stdin_path);
  cli->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  cli->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (cli->process));
  g_subprocess_wait_async (cli->process, NULL, on_cli_exited, cli);
  g_data_input_stream_read_line_async (cli->err, G_PRIORITY_DEFAULT, NULL, on_cli_line, cli);
}

/* Waits for the exit, which must be a success, and returns what it printed on stdout. */
static GBytes *
cli_finish (Fixture *fixture,
            Cli     *cli)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  size_t len = 0;

  PEER_WAIT_UNTIL (fixture, cli->exited, "nymph-cli to exit");
  g_assert_true (g_subprocess_get_if_exited (cli->process));
  g_assert_cmpint (g_subprocess_get_exit_status (cli->process), ==, 0);
  localnet_test_drain ();
  g_assert_true (g_file_get_contents (cli->stdout_path, &out, &len, &error));
  g_assert_no_error (error);
  g_clear_object (&cli->err);
  g_clear_object (&cli->process);
  g_clear_pointer (&cli->stdout_path, g_free);
  g_clear_pointer (&cli->address, g_free);
  return g_bytes_new_take (out, len);
}

static bool
skip_without_cli (Fixture *fixture)
{
  if (skip_without_node (fixture))
    return true;
  if (cli_path == NULL || !g_file_test (cli_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("nymph-cli was not given (--cli)");
      return true;
    }
  return false;
}

/* Checks that out is "[TAG] " message "\n" with TAG a base58 16-byte sender tag. */
static void
assert_tagged_line (GBytes *out,
                    GBytes *message)
{
  g_autoptr(GError) error = NULL;
  const char *text = g_bytes_get_data (out, NULL);
  size_t len = g_bytes_get_size (out);
  const char *end = len > 0 ? memchr (text, ']', len) : NULL;
  g_autofree char *tag_text = NULL;
  uint8_t tag[32];
  size_t tag_len = 0;
  size_t head;

  g_assert_nonnull (end);
  g_assert_cmpint (text[0], ==, '[');
  tag_text = g_strndup (text + 1, (gsize) (end - text - 1));
  g_assert_true (nym_base58_decode (tag_text, tag, sizeof tag, &tag_len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tag_len, ==, SENDER_TAG_LEN);
  head = (size_t) (end - text) + 2;
  g_assert_cmpuint (len, ==, head + g_bytes_get_size (message) + 1);
  g_assert_cmpint (text[head - 1], ==, ' ');
  g_assert_cmpmem (text + head, g_bytes_get_size (message), g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  g_assert_cmpint (text[len - 1], ==, '\n');
}

/* nymph-cli mixnet listen --reply: the WASM client's anonymous message is printed after its
 * tag, and the --reply text reaches the WASM application through the SURBs it sent. */
static void
test_cli_listen_reply (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const char *answer = "answered by nymph-cli through your SURBs";
  const char *args[] = { "listen", "--count", "1", "--reply", answer, NULL };
  g_autoptr(GBytes) message = random_bytes (10 * 1024);
  g_autoptr(GBytes) expected = g_bytes_new_static (answer, strlen (answer));
  g_autoptr(GBytes) out = NULL;
  Cli cli = { 0 };
  guint id;

  if (skip_without_cli (fixture))
    return;
  cli_start (fixture, &cli, "cli-listen.out", NULL, args);
  PEER_WAIT_UNTIL (fixture, cli.address != NULL || cli.exited, "nymph-cli to listen");
  g_assert_nonnull (cli.address);
  id = peer_send (&fixture->peer, cli.address, message, true, REPLY_SURBS);
  wait_commands_done (fixture, id, id);
  PEER_WAIT_UNTIL (fixture, fixture->peer.messages->len >= 1, "the WASM client to get the --reply text");
  out = cli_finish (fixture, &cli);
  assert_tagged_line (out, message);
  test_wait_spin (300);
  g_assert_cmpuint (fixture->peer.messages->len, ==, 1);
  g_assert_false (find_once (fixture->peer.messages, expected)->has_tag);
}

/* nymph-cli mixnet send --anonymous --wait: standard input reaches the WASM client with a
 * sender tag, and its send_reply answer is printed by the command. */
static void
test_cli_send_anonymous (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const char *args[] = { "send", "--to", fixture->peer.address, "--anonymous", "--reply-surbs", "10",
                         "--wait", "5", NULL };
  g_autoptr(GBytes) message = random_bytes (10 * 1024);
  g_autoptr(GBytes) reply = random_bytes (5000);
  g_autofree char *stdin_path = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  const Received *arrived;
  Cli cli = { 0 };
  guint id;

  if (skip_without_cli (fixture))
    return;
  stdin_path = g_build_filename (fixture->dir, "cli-send.in", NULL);
  g_assert_true (g_file_set_contents (stdin_path, g_bytes_get_data (message, NULL), (gssize) g_bytes_get_size (message),
                                      &error));
  g_assert_no_error (error);
  cli_start (fixture, &cli, "cli-send.out", stdin_path, args);
  PEER_WAIT_UNTIL (fixture, fixture->peer.messages->len >= 1 || cli.exited, "the WASM client to get nymph-cli's message");
  g_assert_cmpuint (fixture->peer.messages->len, ==, 1);
  arrived = find_once (fixture->peer.messages, message);
  g_assert_true (arrived->has_tag);
  id = peer_reply (&fixture->peer, arrived->tag, reply);
  wait_commands_done (fixture, id, id);
  out = cli_finish (fixture, &cli);
  /* A reply is printed as listen prints a message: the bytes, then a newline. */
  g_assert_cmpuint (g_bytes_get_size (out), ==, g_bytes_get_size (reply) + 1);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (reply), g_bytes_get_data (reply, NULL),
                   g_bytes_get_size (reply));
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "node", 0, 0, G_OPTION_ARG_FILENAME, &node_path, "node binary", NULL },
    { "script", 0, 0, G_OPTION_ARG_FILENAME, &script_path, "tests/interop/wasm-messages/peer.mjs", NULL },
    { "node-modules", 0, 0, G_OPTION_ARG_FILENAME, &node_modules, "tests/node_modules", NULL },
    { "cli", 0, 0, G_OPTION_ARG_FILENAME, &cli_path, "nymph-cli", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, func) g_test_add (path, Fixture, GUINT_TO_POINTER (1), fixture_set_up, func, fixture_tear_down)
#define ADD2(path, func) g_test_add (path, Fixture, GUINT_TO_POINTER (2), fixture_set_up, func, fixture_tear_down)
  ADD ("/wasm-messages/plain/to-wasm", test_plain_to_wasm);
  ADD ("/wasm-messages/plain/from-wasm", test_plain_from_wasm);
  ADD ("/wasm-messages/anonymous/to-wasm-and-reply", test_anonymous_to_wasm);
  ADD ("/wasm-messages/anonymous/from-wasm-and-reply", test_anonymous_from_wasm);
  ADD ("/wasm-messages/anonymous/from-wasm-without-surbs", test_anonymous_from_wasm_no_surbs);
  g_test_add ("/wasm-messages/aggressive-acks", Fixture, GUINT_TO_POINTER (2 | AGGRESSIVE_ACKS),
              fixture_set_up, test_aggressive_acks, fixture_tear_down);
  ADD ("/wasm-messages/cli/listen-reply", test_cli_listen_reply);
  ADD ("/wasm-messages/cli/send-anonymous", test_cli_send_anonymous);
  ADD2 ("/wasm-messages/two-gateways/plain/to-wasm", test_plain_to_wasm);
  ADD2 ("/wasm-messages/two-gateways/plain/from-wasm", test_plain_from_wasm);
  ADD2 ("/wasm-messages/two-gateways/anonymous/to-wasm-and-reply", test_anonymous_to_wasm);
  ADD2 ("/wasm-messages/two-gateways/anonymous/from-wasm-and-reply", test_anonymous_from_wasm);
#undef ADD
#undef ADD2
  return g_test_run ();
}
