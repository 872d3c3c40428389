/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs NymGatewaySession against an in-process LocalnetGateway on 127.0.0.1: register, authenticate, claim, send, receive, failures. */
#include <string.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "../common/test-wait.h"
#include "../localnet/localnet-test-sink.h"
#include "crypto/nym-keys.h"
#include "gateway/nym-client-store.h"
#include "gateway/nym-gateway-session.h"
#include "gateway/localnet-gateway.h"
#include "packet/nym-ack.h"
#include "packet/nym-node-frame.h"
#include "packet/nym-receiver.h"
#include "sphinx/nym-sphinx-packet.h"

#define WAIT_SECONDS 15

typedef struct
{
  char            *dir;
  char            *gateway_dir;
  char            *client_dir;
  LocalnetGateway *gateway;
  NymClientStore  *store;
  NymClientKeys   *keys;
  Sink             sink;
  GPtrArray       *states;     /* every state the session went through, as nicks */
  GPtrArray       *received;   /* GBytes from "received" */
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-gateway-session-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->gateway_dir = g_build_filename (fixture->dir, "gateway", NULL);
  fixture->client_dir = g_build_filename (fixture->dir, "client", NULL);
  g_assert_cmpint (g_mkdir (fixture->gateway_dir, 0700), ==, 0);
  fixture->gateway = localnet_gateway_new (fixture->gateway_dir, 0, 0);
  g_assert_true (localnet_gateway_start (fixture->gateway, &error));
  g_assert_no_error (error);
  fixture->store = nym_client_store_open (fixture->client_dir, &error);
  g_assert_no_error (error);
  fixture->keys = nym_client_store_ensure_keys (fixture->store, &error);
  g_assert_no_error (error);
  sink_start (&fixture->sink);
  fixture->states = g_ptr_array_new_with_free_func (g_free);
  fixture->received = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  sink_stop (&fixture->sink);
  if (fixture->gateway != NULL)
    {
      localnet_gateway_stop (fixture->gateway);
      g_assert_finalize_object (g_steal_pointer (&fixture->gateway));
    }
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->keys, nym_client_keys_free);
  g_ptr_array_unref (fixture->states);
  g_ptr_array_unref (fixture->received);
  /* Let the lws and socket sources that were closed finish before the next test. */
  test_wait_spin (50);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->gateway_dir);
  g_free (fixture->client_dir);
}

static void
on_state (NymGatewaySession *session,
          GParamSpec        *pspec,
          Fixture           *fixture)
{
  GEnumClass *klass = g_type_class_ref (NYM_TYPE_GATEWAY_SESSION_STATE);
  GEnumValue *value = g_enum_get_value (klass, nym_gateway_session_get_state (session));

  g_ptr_array_add (fixture->states, g_strdup (value->value_nick));
  g_type_class_unref (klass);
}

static void
on_received (NymGatewaySession *session,
             GBytes            *plaintext,
             Fixture           *fixture)
{
  g_ptr_array_add (fixture->received, g_bytes_ref (plaintext));
}

static NymGatewaySession *
session_new_for (Fixture       *fixture,
                 const char    *url,
                 const uint8_t *identity)
{
  NymGatewaySession *session = nym_gateway_session_new (url, identity, fixture->keys, fixture->store);

  g_signal_connect (session, "notify::state", G_CALLBACK (on_state), fixture);
  g_signal_connect (session, "received", G_CALLBACK (on_received), fixture);
  return session;
}

static NymGatewaySession *
session_new (Fixture *fixture)
{
  g_autofree char *url = localnet_gateway_dup_ws_url (fixture->gateway);

  return session_new_for (fixture, url, localnet_gateway_get_identity_key (fixture->gateway));
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs connect to its end and returns its result. */
static bool
session_connect (NymGatewaySession *session,
                 GCancellable      *cancellable,
                 GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nym_gateway_session_connect_async (session, cancellable, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  return nym_gateway_session_connect_finish (session, result, error);
}

static void
session_close (NymGatewaySession *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  nym_gateway_session_close_async (session, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nym_gateway_session_close_finish (session, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_DISCONNECTED);
}

static NymGatewaySession *
ready_session (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  NymGatewaySession *session = session_new (fixture);

  g_assert_true (session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_READY);
  return session;
}

static void
assert_states (Fixture           *fixture,
               const char *const *expected)
{
  g_autofree char *seen = NULL;
  g_autofree char *wanted = g_strjoinv (",", (char **) expected);

  g_ptr_array_add (fixture->states, NULL);
  seen = g_strjoinv (",", (char **) fixture->states->pdata);
  g_ptr_array_remove_index (fixture->states, fixture->states->len - 1);
  g_assert_cmpstr (seen, ==, wanted);
}

/* ---------------------------------------------------------------------------------------- */

static void
test_new_and_finalize (Fixture       *fixture,
                       gconstpointer  data)
{
  NymGatewaySession *session = session_new (fixture);

  g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_DISCONNECTED);
  g_assert_cmpuint (nym_gateway_session_get_timeout (session), ==, 30);
  g_assert_null (nym_gateway_session_get_error_message (session));
  g_assert_finalize_object (session);
}

/* A client without a stored key registers (§1.4), stores the key, and claims free bandwidth
 * because a new registration has none (§1.10 step 2). */
static void
test_register (Fixture       *fixture,
               gconstpointer  data)
{
  static const char *const expected[] = { "connecting", "registering", "claiming-bandwidth", "ready", NULL };
  g_autoptr(NymGatewaySession) session = ready_session (fixture);
  g_autoptr(NymGatewayRegistration) registration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = localnet_gateway_dup_ws_url (fixture->gateway);

  assert_states (fixture, expected);
  g_assert_cmpuint (nym_gateway_session_get_protocol_version (session), ==, 6);
  g_assert_cmpint (nym_gateway_session_get_remaining_bandwidth (session), ==, LOCALNET_GATEWAY_FREE_BANDWIDTH);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 1);

  g_assert_true (nym_client_store_load_registration (fixture->store, localnet_gateway_get_identity_key (fixture->gateway),
                                                     &registration, &error));
  g_assert_no_error (error);
  g_assert_nonnull (registration);
  g_assert_cmpstr (registration->url, ==, url);
  g_assert_cmpint (registration->registered_at, >, 1700000000);

  session_close (session);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);
}

/* With a stored key the next session (a new object, a freshly opened store: a restarted
 * program) authenticates with AuthenticateV2 (§1.5) and, since the gateway kept the
 * bandwidth, claims nothing. */
static void
test_reconnect_authenticates (Fixture       *fixture,
                              gconstpointer  data)
{
  static const char *const second_states[] = { "connecting", "authenticating", "ready", NULL };
  g_autoptr(NymGatewaySession) first = ready_session (fixture);
  g_autoptr(NymGatewaySession) second = NULL;
  g_autoptr(NymClientKeys) reloaded = NULL;
  g_autoptr(GError) error = NULL;

  session_close (first);
  g_clear_object (&first);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);

  g_clear_object (&fixture->store);
  fixture->store = nym_client_store_open (fixture->client_dir, &error);
  g_assert_no_error (error);
  g_assert_true (nym_client_store_load_keys (fixture->store, &reloaded, &error));
  g_assert_cmpmem (reloaded, sizeof *reloaded, fixture->keys, sizeof *fixture->keys);
  g_ptr_array_set_size (fixture->states, 0);

  second = ready_session (fixture);
  assert_states (fixture, second_states);
  g_assert_cmpint (nym_gateway_session_get_remaining_bandwidth (second), ==, LOCALNET_GATEWAY_FREE_BANDWIDTH);
  g_assert_cmpuint (nym_gateway_session_get_protocol_version (second), ==, 6);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 1);

  /* The same session object connects again after a close. */
  session_close (second);
  g_ptr_array_set_size (fixture->states, 0);
  session_connect (second, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nym_gateway_session_get_state (second), ==, NYM_GATEWAY_SESSION_READY);
}

/* A regular sphinx packet for a route whose first hop is the sink. */
static GBytes *
packet_for_sink (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  NymNodeAddress address;
  NymSphinxNode route[1];
  NymSphinxDestination destination;
  uint64_t delays[1] = { 0 };
  uint8_t secret[32], message[100];
  size_t total = nym_packet_size_total (NYM_PACKET_SIZE_REGULAR);
  g_autofree uint8_t *packet = g_malloc (total);

  nym_node_address_init_ipv4 (&address, loopback, fixture->sink.port);
  memset (route[0].address, 0, sizeof route[0].address);
  nym_node_address_encode_padded (&address, route[0].address, NYM_SPHINX_NODE_ADDRESS_LENGTH);
  memcpy (route[0].pub, fixture->sink.pub, 32);
  nym_random_bytes (destination.address, sizeof destination.address);
  memset (destination.identifier, 0, sizeof destination.identifier);
  nym_random_bytes (secret, sizeof secret);
  nym_random_bytes (message, sizeof message);
  g_assert_true (nym_sphinx_packet_create (NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS, route, 1, &destination, delays,
                                           secret, message, sizeof message,
                                           nym_packet_size_payload (NYM_PACKET_SIZE_REGULAR), packet, &error));
  g_assert_no_error (error);
  return g_bytes_new (packet, total);
}

/* §1.8: a packet given to the session reaches its first hop byte for byte, and the gateway's
 * `send` reply is counted and charges the packet's size. */
static void
test_send_packet (Fixture       *fixture,
                  gconstpointer  data)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  g_autoptr(NymGatewaySession) session = ready_session (fixture);
  g_autoptr(GBytes) packet = packet_for_sink (fixture);
  g_autoptr(GBytes) second_packet = packet_for_sink (fixture);
  g_autoptr(GError) error = NULL;
  NymNodeAddress first_hop;
  gint64 before = nym_gateway_session_get_remaining_bandwidth (session);
  Frame *frame;

  nym_node_address_init_ipv4 (&first_hop, loopback, fixture->sink.port);
  g_assert_true (nym_gateway_session_send_packet (session, &first_hop, g_bytes_get_data (packet, NULL),
                                                  g_bytes_get_size (packet), NYM_KEY_ROTATION_ODD, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nym_gateway_session_get_packets_sent (session), ==, 1);
  WAIT_UNTIL (fixture->sink.frames->len == 1);
  frame = g_ptr_array_index (fixture->sink.frames, 0);
  g_assert_true (g_bytes_equal (frame->packet, packet));
  g_assert_cmpint (frame->header.size, ==, NYM_PACKET_SIZE_REGULAR);
  g_assert_cmpint (frame->header.type, ==, NYM_PACKET_TYPE_MIX);
  WAIT_UNTIL (nym_gateway_session_get_packets_acknowledged (session) == 1);
  g_assert_cmpint (nym_gateway_session_get_remaining_bandwidth (session), ==,
                   before - (gint64) g_bytes_get_size (packet));

  /* A second packet, with the other rotation, arrives as well. */
  g_assert_true (nym_gateway_session_send_packet (session, &first_hop, g_bytes_get_data (second_packet, NULL),
                                                  g_bytes_get_size (second_packet), NYM_KEY_ROTATION_EVEN, &error));
  WAIT_UNTIL (fixture->sink.frames->len == 2);
  frame = g_ptr_array_index (fixture->sink.frames, 1);
  g_assert_true (g_bytes_equal (frame->packet, second_packet));
  WAIT_UNTIL (nym_gateway_session_get_packets_acknowledged (session) == 2);

  /* A packet of no sphinx size is refused before it is sent, and changes no counter. */
  g_assert_false (nym_gateway_session_send_packet (session, &first_hop, g_bytes_get_data (packet, NULL), 100,
                                                   NYM_KEY_ROTATION_ODD, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (nym_gateway_session_get_packets_sent (session), ==, 2);
  test_wait_spin (100);
  g_assert_cmpuint (fixture->sink.frames->len, ==, 2);
}

static void
test_send_not_ready (Fixture       *fixture,
                     gconstpointer  data)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  g_autoptr(NymGatewaySession) session = session_new (fixture);
  g_autoptr(GError) error = NULL;
  uint8_t packet[2413] = { 0 };
  NymNodeAddress first_hop;

  nym_node_address_init_ipv4 (&first_hop, loopback, fixture->sink.port);
  g_assert_false (nym_gateway_session_send_packet (session, &first_hop, packet, sizeof packet,
                                                   NYM_KEY_ROTATION_ODD, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NOT_READY);
  g_assert_cmpuint (nym_gateway_session_get_packets_sent (session), ==, 0);
}

/* An ack-sized packet whose only hop is the gateway, for destination: the gateway delivers
 * its whole payload (§2.3 step 2), here the 21-byte encrypted ack of fragment_id. */
static GBytes *
final_hop_ack (Fixture       *fixture,
               const uint8_t  destination[static 32],
               const uint8_t  ack_key[static 16],
               const uint8_t  fragment_id[static 5],
               uint8_t        delivered[static 21])
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  g_autoptr(GError) error = NULL;
  NymNodeAddress gateway_address;
  NymSphinxNode route[1];
  NymSphinxDestination dest;
  uint64_t delays[1] = { 0 };
  uint8_t secret[32], iv[16];
  size_t total = nym_packet_size_total (NYM_PACKET_SIZE_ACK);
  g_autofree uint8_t *packet = g_malloc (total);

  nym_random_bytes (iv, sizeof iv);
  g_assert_true (nym_ack_payload_encrypt (ack_key, iv, fragment_id, delivered));
  nym_node_address_init_ipv4 (&gateway_address, loopback, localnet_gateway_get_mix_port (fixture->gateway));
  memset (route[0].address, 0, sizeof route[0].address);
  nym_node_address_encode_padded (&gateway_address, route[0].address, NYM_SPHINX_NODE_ADDRESS_LENGTH);
  memcpy (route[0].pub, localnet_gateway_get_sphinx_public_key (fixture->gateway), 32);
  memcpy (dest.address, destination, 32);
  memset (dest.identifier, 0, sizeof dest.identifier);
  nym_random_bytes (secret, sizeof secret);
  g_assert_true (nym_sphinx_packet_create (NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS, route, 1, &dest, delays, secret,
                                           delivered, 21, nym_packet_size_payload (NYM_PACKET_SIZE_ACK), packet,
                                           &error));
  g_assert_no_error (error);
  return g_bytes_new (packet, total);
}

static GSocketConnection *
send_to_mix_port (Fixture *fixture,
                  GBytes  *packet)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  NymNodeFrameHeader header = { NYM_NODE_FRAME_VERSION_CURRENT, NYM_PACKET_SIZE_ACK, NYM_PACKET_TYPE_MIX,
                                NYM_KEY_ROTATION_ODD };
  GSocketConnection *connection;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", localnet_gateway_get_mix_port (fixture->gateway),
                                                NULL, &error);
  g_assert_no_error (error);
  g_assert_true (nym_node_frame_encode (&header, g_bytes_get_data (packet, NULL), g_bytes_get_size (packet),
                                        frame, &error));
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), frame->data, frame->len,
                             NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* §1.9: a final-hop packet for our client is pushed by the gateway, arrives through
 * "received" decrypted, and the packet layer opens it as our ack with our ack key. */
static void
test_received (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(NymGatewaySession) session = ready_session (fixture);
  g_autoptr(GSocketConnection) link = NULL;
  g_autoptr(GBytes) packet = NULL;
  g_autoptr(GError) error = NULL;
  uint8_t fragment_id[5] = { 1, 2, 3, 4, 5 };
  uint8_t delivered[21];
  NymReceived opened = { 0 };
  GBytes *plaintext;

  packet = final_hop_ack (fixture, fixture->keys->identity_public, fixture->keys->ack_key, fragment_id, delivered);
  link = send_to_mix_port (fixture, packet);
  WAIT_UNTIL (fixture->received->len == 1);
  plaintext = g_ptr_array_index (fixture->received, 0);
  g_assert_cmpmem (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext), delivered, sizeof delivered);
  g_assert_true (nym_received_open (fixture->keys->encryption_secret, fixture->keys->ack_key, NULL, NULL,
                                    g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext), &opened, &error));
  g_assert_no_error (error);
  g_assert_cmpint (opened.kind, ==, NYM_RECEIVED_ACK);
  g_assert_cmpmem (opened.fragment_id, 5, fragment_id, 5);
  nym_received_clear (&opened);
  g_io_stream_close (G_IO_STREAM (link), NULL, NULL);
}

/* Messages that arrive while the client is away are stored by the gateway and pushed right
 * after the next authentication (§1.5), before or while the session becomes ready. */
static void
test_received_after_reconnect (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(NymGatewaySession) session = ready_session (fixture);
  g_autoptr(GSocketConnection) link = NULL;
  g_autoptr(GBytes) packet = NULL;
  uint8_t fragment_id[5] = { 9, 8, 7, 6, 5 };
  uint8_t delivered[21];
  GBytes *plaintext;

  session_close (session);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);
  packet = final_hop_ack (fixture, fixture->keys->identity_public, fixture->keys->ack_key, fragment_id, delivered);
  link = send_to_mix_port (fixture, packet);
  /* Give the gateway time to put it in its inbox; nothing reaches a closed session. */
  test_wait_spin (300);
  g_assert_cmpuint (fixture->received->len, ==, 0);

  g_assert_true (session_connect (session, NULL, NULL));
  WAIT_UNTIL (fixture->received->len == 1);
  plaintext = g_ptr_array_index (fixture->received, 0);
  g_assert_cmpmem (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext), delivered, sizeof delivered);
  g_io_stream_close (G_IO_STREAM (link), NULL, NULL);
}

/* §1.10: a gateway that grants little makes the session claim again as soon as what is left
 * falls below the 40 MB threshold, without the caller doing anything. */
static void
test_bandwidth_claim (Fixture       *fixture,
                      gconstpointer  data)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  static const char *const expected[] = { "connecting", "registering", "claiming-bandwidth", "ready", NULL };
  const gint64 grant = NYM_GATEWAY_BANDWIDTH_THRESHOLD + 1000;
  g_autoptr(NymGatewaySession) session = NULL;
  g_autoptr(GBytes) packet = packet_for_sink (fixture);
  g_autoptr(GError) error = NULL;
  NymNodeAddress first_hop;
  gint64 after_send = grant - (gint64) g_bytes_get_size (packet);

  localnet_gateway_set_free_bandwidth (fixture->gateway, grant);
  session = ready_session (fixture);
  assert_states (fixture, expected);
  g_assert_cmpint (nym_gateway_session_get_remaining_bandwidth (session), ==, grant);

  nym_node_address_init_ipv4 (&first_hop, loopback, fixture->sink.port);
  g_assert_true (nym_gateway_session_send_packet (session, &first_hop, g_bytes_get_data (packet, NULL),
                                                  g_bytes_get_size (packet), NYM_KEY_ROTATION_ODD, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (nym_gateway_session_get_packets_acknowledged (session) == 1);
  g_assert_cmpint (after_send, <, NYM_GATEWAY_BANDWIDTH_THRESHOLD);
  /* The send reply took it below the threshold; the automatic claim tops it up again. */
  WAIT_UNTIL (nym_gateway_session_get_remaining_bandwidth (session) >= NYM_GATEWAY_BANDWIDTH_THRESHOLD);
  g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_READY);
}

/* §1.7/§1.10: a packet the gateway cannot pay for comes back as typedError out_of_bandwidth,
 * which is reported (not fatal) and followed by a new claim; then packets flow again. */
static void
test_out_of_bandwidth (Fixture       *fixture,
                       gconstpointer  data)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  const gint64 grant = 3000;
  g_autoptr(NymGatewaySession) session = NULL;
  g_autoptr(GBytes) packet = packet_for_sink (fixture);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = localnet_gateway_dup_ws_url (fixture->gateway);
  g_autofree char *expected = NULL;
  NymNodeAddress first_hop;

  localnet_gateway_set_free_bandwidth (fixture->gateway, grant);
  session = ready_session (fixture);
  g_assert_cmpint (nym_gateway_session_get_remaining_bandwidth (session), ==, grant);

  /* Two packets written together: the gateway pays the first and has 587 bytes for the second. */
  nym_node_address_init_ipv4 (&first_hop, loopback, fixture->sink.port);
  for (int i = 0; i < 2; i++)
    g_assert_true (nym_gateway_session_send_packet (session, &first_hop, g_bytes_get_data (packet, NULL),
                                                    g_bytes_get_size (packet), NYM_KEY_ROTATION_ODD, &error));
  expected = g_strdup_printf ("The gateway at %s dropped a packet: it needed 2413 bytes of bandwidth and had 587", url);
  WAIT_UNTIL (g_strcmp0 (nym_gateway_session_get_error_message (session), expected) == 0);
  g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_READY);
  g_assert_cmpuint (nym_gateway_session_get_packets_acknowledged (session), ==, 1);
  /* The claim that followed tops it up again. */
  WAIT_UNTIL (nym_gateway_session_get_remaining_bandwidth (session) == grant);
  WAIT_UNTIL (fixture->sink.frames->len == 1);

  g_assert_true (nym_gateway_session_send_packet (session, &first_hop, g_bytes_get_data (packet, NULL),
                                                  g_bytes_get_size (packet), NYM_KEY_ROTATION_ODD, &error));
  WAIT_UNTIL (fixture->sink.frames->len == 2);
  WAIT_UNTIL (nym_gateway_session_get_packets_acknowledged (session) == 2);
}

static void
on_ping_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* §1.11: a websocket Ping is answered with a Pong carrying the same tag. */
static void
test_ping (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(NymGatewaySession) session = ready_session (fixture);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  nym_gateway_session_ping_async (session, NULL, on_ping_done, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nym_gateway_session_ping_finish (session, result, &error));
  g_assert_no_error (error);
}

/* The gateway goes away under a ready session: the session fails with a message, and a new
 * connect to the dead address fails too, each without crashing. */
static void
test_gateway_gone (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(NymGatewaySession) session = ready_session (fixture);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = localnet_gateway_dup_ws_url (fixture->gateway);
  g_autofree char *expected = g_strdup_printf ("The connection to the gateway at %s was lost", url);
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  uint8_t packet[2413] = { 0 };
  NymNodeAddress first_hop;

  localnet_gateway_stop (fixture->gateway);
  WAIT_UNTIL (nym_gateway_session_get_state (session) == NYM_GATEWAY_SESSION_FAILED);
  g_assert_cmpstr (nym_gateway_session_get_error_message (session), ==, expected);

  nym_node_address_init_ipv4 (&first_hop, loopback, fixture->sink.port);
  g_assert_false (nym_gateway_session_send_packet (session, &first_hop, packet, sizeof packet,
                                                   NYM_KEY_ROTATION_ODD, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NOT_READY);
  g_clear_error (&error);

  g_assert_false (session_connect (session, NULL, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "Cannot connect to the gateway at "));
  g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_FAILED);
  g_assert_cmpstr (nym_gateway_session_get_error_message (session), ==, error->message);
}

/* §1.4 step 5: a gateway that cannot sign with the identity the topology gives is refused,
 * and nothing is stored for it. */
static void
test_bad_gateway_signature (Fixture       *fixture,
                            gconstpointer  data)
{
  static const char *const expected[] = { "connecting", "registering", "failed", NULL };
  g_autofree char *url = localnet_gateway_dup_ws_url (fixture->gateway);
  g_autoptr(NymGatewaySession) session = NULL;
  g_autoptr(NymGatewayRegistration) registration = NULL;
  g_autoptr(GError) error = NULL;
  uint8_t other_identity[32], other_secret[64], seed[32];

  nym_random_bytes (seed, sizeof seed);
  nym_ed25519_keypair_from_seed (other_identity, other_secret, seed);
  session = session_new_for (fixture, url, other_identity);
  g_assert_false (session_connect (session, NULL, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_BAD_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "not the expected gateway"));
  assert_states (fixture, expected);
  g_assert_cmpstr (nym_gateway_session_get_error_message (session), ==, error->message);

  g_assert_true (nym_client_store_load_registration (fixture->store, other_identity, &registration, NULL));
  g_assert_null (registration);
  g_assert_true (nym_client_store_load_registration (fixture->store, localnet_gateway_get_identity_key (fixture->gateway),
                                                     &registration, NULL));
  g_assert_null (registration);
}

/* A stored key the gateway does not know (it lost its database, or the store was copied):
 * AuthenticateV2 is refused with the gateway's own words, the dead registration is dropped,
 * and the next connect registers anew. */
static void
test_unknown_registration (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *url = localnet_gateway_dup_ws_url (fixture->gateway);
  g_autoptr(NymGatewayRegistration) fake = NULL;
  g_autoptr(NymGatewaySession) session = NULL;
  g_autoptr(GError) error = NULL;
  uint8_t key[32];

  nym_random_bytes (key, sizeof key);
  fake = nym_gateway_registration_new (localnet_gateway_get_identity_key (fixture->gateway), key, url, 1);
  g_assert_true (nym_client_store_save_registration (fixture->store, fake, &error));
  session = session_new (fixture);
  g_assert_false (session_connect (session, NULL, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_REFUSED);
  g_assert_true (g_str_has_prefix (error->message, "The gateway at "));
  g_assert_nonnull (strstr (error->message, "no longer knows this client (client is not registered)"));
  g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_FAILED);
  g_clear_error (&error);
  g_clear_pointer (&fake, nym_gateway_registration_free);
  g_assert_true (nym_client_store_load_registration (fixture->store, localnet_gateway_get_identity_key (fixture->gateway),
                                                     &fake, &error));
  g_assert_null (fake);

  g_ptr_array_set_size (fixture->states, 0);
  g_assert_true (session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_ptr_array_index (fixture->states, 1), ==, "registering");
  g_assert_true (nym_client_store_load_registration (fixture->store, localnet_gateway_get_identity_key (fixture->gateway),
                                                     &fake, &error));
  g_assert_nonnull (fake);
  g_assert_false (sodium_memcmp (fake->shared_key, key, 32) == 0);
}

/* A store that says the last authentication was far in the future (the clock was wrong
 * then): the next timestamp stays within the gateway's 120 s skew, so it is still accepted. */
static void
test_future_timestamp (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(NymGatewaySession) first = ready_session (fixture);
  g_autoptr(NymGatewaySession) second = NULL;
  g_autoptr(NymGatewayRegistration) registration = NULL;
  g_autoptr(NymGatewayRegistration) after = NULL;
  g_autoptr(GError) error = NULL;

  session_close (first);
  g_assert_true (nym_client_store_load_registration (fixture->store, localnet_gateway_get_identity_key (fixture->gateway),
                                                     &registration, &error));
  /* 10 minutes ahead: beyond the gateway's 120 s skew. */
  registration->last_authenticated = (guint64) (g_get_real_time () / G_USEC_PER_SEC) + 600;
  g_assert_true (nym_client_store_save_registration (fixture->store, registration, &error));

  second = session_new (fixture);
  g_assert_true (session_connect (second, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (nym_client_store_load_registration (fixture->store, localnet_gateway_get_identity_key (fixture->gateway),
                                                     &after, NULL));
  g_assert_nonnull (after);
  g_assert_cmpmem (after->shared_key, 32, registration->shared_key, 32);
  g_assert_cmpuint (after->last_authenticated, <=, (guint64) (g_get_real_time () / G_USEC_PER_SEC) + 60);
}

/* A TCP listener that accepts and then says nothing: every wait has a timeout. */
static gboolean
on_silent_incoming (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    gpointer           user_data)
{
  g_ptr_array_add (user_data, g_object_ref (connection));
  return TRUE;
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(NymGatewaySession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_silent_incoming), held);
  g_socket_service_start (service);
  url = g_strdup_printf ("ws://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));

  session = session_new_for (fixture, url, localnet_gateway_get_identity_key (fixture->gateway));
  nym_gateway_session_set_timeout (session, 1);
  g_assert_false (session_connect (session, NULL, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_TIMEOUT);
  expected = g_strdup_printf ("The gateway at %s did not accept the websocket connection within 1 s", url);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_FAILED);
  g_assert_nonnull (nym_gateway_session_get_error_message (session));
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(NymGatewaySession) session = session_new (fixture);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  nym_gateway_session_connect_async (session, cancellable, on_async_done, &result);
  g_cancellable_cancel (cancellable);
  WAIT_UNTIL (result != NULL);
  g_assert_false (nym_gateway_session_connect_finish (session, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_DISCONNECTED);
  /* And it still connects afterwards. */
  g_clear_error (&error);
  g_assert_true (session_connect (session, NULL, &error));
  g_assert_no_error (error);
}

/* Closing while the connect is still running: the connect fails as cancelled, the session
 * never reports "ready", and it ends "disconnected". */
static void
test_close_while_connecting (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(NymGatewaySession) session = session_new (fixture);
  g_autoptr(GAsyncResult) connect_result = NULL;
  g_autoptr(GAsyncResult) close_result = NULL;
  g_autoptr(GError) error = NULL;

  nym_gateway_session_connect_async (session, NULL, on_async_done, &connect_result);
  /* Let the websocket open and the first exchange start. */
  WAIT_UNTIL (fixture->states->len >= 2);
  nym_gateway_session_close_async (session, NULL, on_async_done, &close_result);
  WAIT_UNTIL (connect_result != NULL && close_result != NULL);
  g_assert_false (nym_gateway_session_connect_finish (session, connect_result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (nym_gateway_session_close_finish (session, close_result, NULL));
  test_wait_spin (200);
  g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_DISCONNECTED);
  for (guint i = 0; i < fixture->states->len; i++)
    g_assert_cmpstr (g_ptr_array_index (fixture->states, i), !=, "ready");
}

static void
test_bad_url (Fixture       *fixture,
              gconstpointer  data)
{
  static const char *const urls[] = { "not a url", "http://127.0.0.1:1/", "ws://", "ftp://x:1" };

  for (size_t i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(NymGatewaySession) session = session_new_for (fixture, urls[i],
                                                             localnet_gateway_get_identity_key (fixture->gateway));
      g_autoptr(GError) error = NULL;

      g_assert_false (session_connect (session, NULL, &error));
      g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, urls[i]));
      g_assert_cmpint (nym_gateway_session_get_state (session), ==, NYM_GATEWAY_SESSION_FAILED);
    }
}

/* §1.11: when a second connection authenticates as the same client, the gateway pings the
 * first; its Pong (answered by libwebsockets for us) proves it alive, so the newcomer is
 * refused and the first session keeps running. Once the first is closed, the second gets in. */
static void
test_duplicate_session (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(NymGatewaySession) first = ready_session (fixture);
  g_autoptr(NymGatewaySession) second = NULL;
  g_autoptr(GError) error = NULL;

  /* The second one authenticates with the stored key. */
  session_close (first);
  g_assert_true (session_connect (first, NULL, &error));
  g_assert_no_error (error);

  second = session_new (fixture);
  g_assert_false (session_connect (second, NULL, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "already an open connection"));
  g_clear_error (&error);
  test_wait_spin (200);
  g_assert_cmpint (nym_gateway_session_get_state (first), ==, NYM_GATEWAY_SESSION_READY);

  session_close (first);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);
  g_assert_true (session_connect (second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nym_gateway_session_get_state (second), ==, NYM_GATEWAY_SESSION_READY);
}

/* ---------------------------------------------------------------------------------------- */
/* wss://: a TLS front for the gateway, as operators run one (spec §1.1)                      */

typedef struct
{
  GSocketService  *service;
  GTlsCertificate *certificate;
  guint16          port;
  guint16          target_port;
} TlsProxy;

static char *
tls_data_path (const char *name)
{
  char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_free (path);
      path = g_test_build_filename (G_TEST_DIST, "..", "data", name, NULL);
    }
  return path;
}

static void
on_splice_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  /* Either side closing ends the splice; how it ended does not matter here. */
  g_io_stream_splice_finish (result, NULL);
}

static gboolean
on_tls_incoming (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source,
                 gpointer           user_data)
{
  TlsProxy *proxy = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GSocketConnection) upstream = NULL;

  tls = g_tls_server_connection_new (G_IO_STREAM (connection), proxy->certificate, &error);
  g_assert_no_error (error);
  upstream = g_socket_client_connect_to_host (client, "127.0.0.1", proxy->target_port, NULL, &error);
  g_assert_no_error (error);
  g_io_stream_splice_async (tls, G_IO_STREAM (upstream),
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, NULL, on_splice_done, NULL);
  return TRUE;
}

static void
tls_proxy_start (TlsProxy   *proxy,
                 const char *name,
                 guint16     target_port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_name = g_strdup_printf ("%s-cert.pem", name);
  g_autofree char *key_name = g_strdup_printf ("%s-key.pem", name);
  g_autofree char *cert = tls_data_path (cert_name);
  g_autofree char *key = tls_data_path (key_name);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  proxy->certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  proxy->target_port = target_port;
  proxy->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (proxy->service, "incoming", G_CALLBACK (on_tls_incoming), proxy);
  g_socket_service_start (proxy->service);
}

static void
tls_proxy_stop (TlsProxy *proxy)
{
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  g_clear_object (&proxy->service);
  g_clear_object (&proxy->certificate);
}

/* A wss:// gateway whose certificate chains to the configured authority: the whole session
 * runs through TLS. The same gateway with the system's authorities (which do not know this
 * test certificate) is refused, as is a trusted certificate for another host name. */
static void
test_wss (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *ca = tls_data_path ("gateway-tls-cert.pem");
  g_autofree char *url = NULL;
  g_autofree char *other_ca = tls_data_path ("gateway-tls-other-cert.pem");
  TlsProxy other_proxy = { 0 };
  g_autoptr(NymGatewaySession) untrusting = NULL;
  g_autoptr(NymGatewaySession) wrong_host = NULL;
  g_autoptr(NymGatewaySession) session = NULL;
  g_autoptr(NymGatewayRegistration) registration = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TlsProxy proxy = { 0 };

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("GIO has no TLS backend (glib-networking) for the test's TLS front");
      return;
    }
  tls_proxy_start (&proxy, "gateway-tls", localnet_gateway_get_ws_port (fixture->gateway));
  tls_proxy_start (&other_proxy, "gateway-tls-other", localnet_gateway_get_ws_port (fixture->gateway));
  url = g_strdup_printf ("wss://127.0.0.1:%u", proxy.port);

  untrusting = session_new_for (fixture, url, localnet_gateway_get_identity_key (fixture->gateway));
  nym_gateway_session_set_timeout (untrusting, 5);
  g_assert_false (session_connect (untrusting, NULL, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "Cannot connect to the gateway at wss://127.0.0.1:"));
  g_test_message ("Untrusted certificate: %s", error->message);
  g_assert_nonnull (strstr (error->message, "TLS handshake failed"));
  g_clear_error (&error);
  g_assert_true (nym_client_store_load_registration (fixture->store, localnet_gateway_get_identity_key (fixture->gateway),
                                                     &registration, NULL));
  g_assert_null (registration);

  /* A certificate the client trusts, but issued to gateway.example, not to 127.0.0.1. */
  {
    g_autofree char *other_url = g_strdup_printf ("wss://127.0.0.1:%u", other_proxy.port);

    wrong_host = session_new_for (fixture, other_url, localnet_gateway_get_identity_key (fixture->gateway));
    nym_gateway_session_set_tls_ca_file (wrong_host, other_ca);
    nym_gateway_session_set_timeout (wrong_host, 5);
    g_assert_false (session_connect (wrong_host, NULL, &error));
    g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NETWORK);
    g_test_message ("Certificate for another host: %s", error->message);
    g_assert_nonnull (strstr (error->message, "TLS handshake failed"));
    g_clear_error (&error);
  }

  session = session_new_for (fixture, url, localnet_gateway_get_identity_key (fixture->gateway));
  nym_gateway_session_set_tls_ca_file (session, ca);
  g_assert_cmpstr (nym_gateway_session_get_tls_ca_file (session), ==, ca);
  g_assert_true (session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nym_gateway_session_get_remaining_bandwidth (session), ==, LOCALNET_GATEWAY_FREE_BANDWIDTH);
  g_assert_true (nym_client_store_load_registration (fixture->store, localnet_gateway_get_identity_key (fixture->gateway),
                                                     &registration, NULL));
  g_assert_nonnull (registration);
  g_assert_cmpstr (registration->url, ==, url);

  nym_gateway_session_ping_async (session, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nym_gateway_session_ping_finish (session, result, &error));
  g_assert_no_error (error);
  session_close (session);
  tls_proxy_stop (&proxy);
  tls_proxy_stop (&other_proxy);
}

/* The client runtime runs the session on its own thread's context (DESIGN.md "Threads and
 * loops"): everything, lws included, must then happen on that context and none on the main
 * one, which here runs only the gateway. */
typedef struct
{
  Fixture      *fixture;
  char         *url;
  uint8_t       identity[32];
  GMainContext *main_context;
  gint          done;           /* atomic */
  bool          connected;
  bool          closed;
  bool          ready_seen_on_thread;
  bool          callbacks_on_thread;
} ThreadRun;

static void
on_thread_result (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ThreadRun *run = user_data;

  *(GAsyncResult **) g_object_get_data (source, "result-slot") = g_object_ref (result);
  if (g_main_context_is_owner (run->main_context) || !g_main_context_is_owner (g_main_context_get_thread_default ()))
    run->callbacks_on_thread = false;
}

static void
on_thread_state (NymGatewaySession *session,
                 GParamSpec        *pspec,
                 ThreadRun         *run)
{
  if (nym_gateway_session_get_state (session) == NYM_GATEWAY_SESSION_READY)
    run->ready_seen_on_thread = g_main_context_is_owner (g_main_context_get_thread_default ()) &&
                                g_main_context_get_thread_default () != run->main_context;
}

static gpointer
session_thread (gpointer user_data)
{
  ThreadRun *run = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(NymGatewaySession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (context);
  session = nym_gateway_session_new (run->url, run->identity, run->fixture->keys, run->fixture->store);
  g_object_set_data (G_OBJECT (session), "result-slot", &result);
  g_signal_connect (session, "notify::state", G_CALLBACK (on_thread_state), run);
  run->callbacks_on_thread = true;

  nym_gateway_session_connect_async (session, NULL, on_thread_result, run);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  run->connected = nym_gateway_session_connect_finish (session, result, &error);
  g_clear_object (&result);

  nym_gateway_session_close_async (session, NULL, on_thread_result, run);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  run->closed = nym_gateway_session_close_finish (session, result, NULL);
  g_clear_object (&result);
  g_clear_object (&session);

  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&run->done, 1);
  g_main_context_wakeup (run->main_context);
  return NULL;
}

static void
test_own_thread (Fixture       *fixture,
                 gconstpointer  data)
{
  ThreadRun run = { 0 };
  GThread *thread;

  run.fixture = fixture;
  run.url = localnet_gateway_dup_ws_url (fixture->gateway);
  memcpy (run.identity, localnet_gateway_get_identity_key (fixture->gateway), 32);
  run.main_context = g_main_context_default ();
  thread = g_thread_new ("session", session_thread, &run);
  WAIT_UNTIL (g_atomic_int_get (&run.done) == 1);
  g_thread_join (thread);
  g_assert_true (run.connected);
  g_assert_true (run.closed);
  g_assert_true (run.ready_seen_on_thread);
  g_assert_true (run.callbacks_on_thread);
  g_free (run.url);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, func) g_test_add ("/gateway-session/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("new-and-finalize", test_new_and_finalize);
  ADD ("register", test_register);
  ADD ("reconnect-authenticates", test_reconnect_authenticates);
  ADD ("send-packet", test_send_packet);
  ADD ("send-not-ready", test_send_not_ready);
  ADD ("received", test_received);
  ADD ("received-after-reconnect", test_received_after_reconnect);
  ADD ("bandwidth-claim", test_bandwidth_claim);
  ADD ("out-of-bandwidth", test_out_of_bandwidth);
  ADD ("ping", test_ping);
  ADD ("duplicate-session", test_duplicate_session);
  ADD ("gateway-gone", test_gateway_gone);
  ADD ("bad-gateway-signature", test_bad_gateway_signature);
  ADD ("unknown-registration", test_unknown_registration);
  ADD ("future-timestamp", test_future_timestamp);
  ADD ("timeout", test_timeout);
  ADD ("cancel", test_cancel);
  ADD ("bad-url", test_bad_url);
  ADD ("close-while-connecting", test_close_while_connecting);
  ADD ("wss", test_wss);
  ADD ("own-thread", test_own_thread);
#undef ADD
  return g_test_run ();
}
