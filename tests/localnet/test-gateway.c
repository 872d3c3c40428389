/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drives a running LocalnetGateway over real sockets: a libsoup websocket client, a fake first mix and final-hop packets. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>

#include "../common/test-wait.h"
#include "../client-core/crypto-test-vectors.h"
#include "crypto/nym-aes.h"
#include "crypto/nym-base58.h"
#include "crypto/nym-hkdf.h"
#include "crypto/nym-keys.h"
#include "packet/nym-ack.h"
#include "packet/nym-gateway-frame.h"
#include "packet/nym-node-frame.h"
#include "packet/nym-topology.h"
#include "sphinx/nym-sphinx-packet.h"
#include "gateway/localnet-gateway.h"
#include "gateway/localnet-gateway-command.h"
#include "gateway/localnet-gateway-store.h"

#define WAIT_SECONDS 10
#define REGULAR_PACKET_LEN 2413
#define REGULAR_DELIVERED_LEN 1643

/* ---------------------------------------------------------------------------------------- */
/* Waiting on the main loop                                                                  */

/* ---------------------------------------------------------------------------------------- */
/* A websocket client                                                                        */

typedef struct
{
  SoupWebsocketDataType type;
  GBytes               *data;
} Received;

typedef struct
{
  SoupSession             *session;
  SoupWebsocketConnection *connection;
  GQueue                   received;  /* Received */
  bool                     closed;
  /* The client's keys. */
  uint8_t                  identity_public[32];
  uint8_t                  identity_secret[64];
  uint8_t                  shared_key[32];
} TestClient;

static void
received_free (Received *received)
{
  g_bytes_unref (received->data);
  g_free (received);
}

static void
on_client_message (SoupWebsocketConnection *connection,
                   gint                     type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  TestClient *client = user_data;
  Received *received = g_new0 (Received, 1);

  received->type = type;
  received->data = g_bytes_ref (message);
  g_queue_push_tail (&client->received, received);
}

static void
on_client_closed (SoupWebsocketConnection *connection,
                  gpointer                 user_data)
{
  ((TestClient *) user_data)->closed = true;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TestClient *client = user_data;
  g_autoptr(GError) error = NULL;

  client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static TestClient *
client_new (LocalnetGateway *gateway,
            const uint8_t   *seed)
{
  TestClient *client = g_new0 (TestClient, 1);
  g_autofree char *url = localnet_gateway_dup_ws_url (gateway);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  uint8_t random_seed[32];

  if (seed == NULL)
    {
      nym_random_bytes (random_seed, sizeof random_seed);
      seed = random_seed;
    }
  nym_ed25519_keypair_from_seed (client->identity_public, client->identity_secret, seed);
  g_queue_init (&client->received);
  client->session = soup_session_new ();
  soup_session_websocket_connect_async (client->session, message, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, on_connected, client);
  WAIT_UNTIL (client->connection != NULL);
  g_signal_connect (client->connection, "message", G_CALLBACK (on_client_message), client);
  g_signal_connect (client->connection, "closed", G_CALLBACK (on_client_closed), client);
  return client;
}

/* A second connection for the same client identity and key. */
static TestClient *
client_reconnect (LocalnetGateway  *gateway,
                  const TestClient *old)
{
  TestClient *client = client_new (gateway, NULL);

  memcpy (client->identity_public, old->identity_public, 32);
  memcpy (client->identity_secret, old->identity_secret, 64);
  memcpy (client->shared_key, old->shared_key, 32);
  return client;
}

static void
client_close (TestClient *client)
{
  if (!client->closed && soup_websocket_connection_get_state (client->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      soup_websocket_connection_close (client->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      WAIT_UNTIL (client->closed);
    }
}

static void
client_free (TestClient *client)
{
  client_close (client);
  g_signal_handlers_disconnect_by_data (client->connection, client);
  g_object_unref (client->connection);
  g_object_unref (client->session);
  g_queue_clear_full (&client->received, (GDestroyNotify) received_free);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestClient, client_free)

static void
client_send (TestClient *client,
             const char *text)
{
  soup_websocket_connection_send_text (client->connection, text);
}

static Received *
client_next (TestClient *client)
{
  WAIT_UNTIL (!g_queue_is_empty (&client->received));
  return g_queue_pop_head (&client->received);
}

/* The next text reply, parsed; binary frames that come first are kept in *binary. */
static JsonObject *
client_next_json (TestClient *client,
                  GPtrArray  *binary)
{
  for (;;)
    {
      Received *received = client_next (client);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      gsize len;
      const char *text;
      JsonObject *object;

      if (received->type == SOUP_WEBSOCKET_DATA_BINARY)
        {
          g_assert_nonnull (binary);
          g_ptr_array_add (binary, g_bytes_ref (received->data));
          received_free (received);
          continue;
        }
      text = g_bytes_get_data (received->data, &len);
      g_test_message ("gateway says: %.*s", (int) MIN (len, 300), text);
      g_assert_true (json_parser_load_from_data (parser, text, (gssize) len, &error));
      g_assert_no_error (error);
      object = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
      received_free (received);
      return object;
    }
}

static void
assert_type (JsonObject *object,
             const char *type)
{
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, type);
}

/* An `error` reply and then a closed connection (§1.11, errors before authentication). */
static void
assert_error_and_close (TestClient *client)
{
  g_autoptr(JsonObject) reply = client_next_json (client, NULL);

  assert_type (reply, "error");
  g_assert_nonnull (json_object_get_string_member (reply, "message"));
  WAIT_UNTIL (client->closed);
}

static GBytes *
json_bytes (JsonObject *object,
            const char *member)
{
  JsonArray *array = json_object_get_array_member (object, member);
  GByteArray *bytes = g_byte_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gint64 value = json_array_get_int_element (array, i);
      uint8_t byte = (uint8_t) value;

      g_assert_cmpint (value, >=, 0);
      g_assert_cmpint (value, <=, 255);
      g_byte_array_append (bytes, &byte, 1);
    }
  return g_byte_array_free_to_bytes (bytes);
}

static char *
handshake_json (uint8_t        version,
                const uint8_t *data,
                size_t         len)
{
  GString *json = g_string_new (NULL);

  g_string_append_printf (json, "{\"type\":\"handshakePayload\",\"protocol_version\":%u,\"data\":[", version);
  for (size_t i = 0; i < len; i++)
    g_string_append_printf (json, "%s%u", i ? "," : "", data[i]);
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

static void
check_supported_protocol (TestClient *client)
{
  g_autoptr(JsonObject) reply = NULL;

  client_send (client, "{\"type\":\"supportedProtocol\"}");
  reply = client_next_json (client, NULL);
  assert_type (reply, "supportedProtocol");
  g_assert_cmpint (json_object_get_int_member (reply, "version"), ==, 6);
}

/* §1.4 from the client's side. ephemeral and salt may be NULL for fresh ones. Returns the
 * gateway's 124-byte answer after checking its signature with the expected identity. */
static void
client_register (TestClient     *client,
                 const uint8_t   gateway_identity[static 32],
                 const uint8_t  *ephemeral,
                 const uint8_t  *salt)
{
  uint8_t x[32], X[32], s[16], init[80], dh[32], signature[64], signed_data[64], final[92];
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) done = NULL;
  g_autoptr(JsonObject) registered = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) status = NULL;
  const uint8_t *Y;

  if (ephemeral != NULL)
    memcpy (x, ephemeral, 32);
  else
    nym_random_bytes (x, 32);
  nym_x25519_base (X, x);
  if (salt != NULL)
    memcpy (s, salt, 16);
  else
    nym_random_bytes (s, 16);
  memcpy (init, client->identity_public, 32);
  memcpy (init + 32, X, 32);
  memcpy (init + 64, s, 16);

  check_supported_protocol (client);
  json = handshake_json (3, init, sizeof init);
  client_send (client, json);
  reply = client_next_json (client, NULL);
  assert_type (reply, "handshakePayload");
  g_assert_cmpint (json_object_get_int_member (reply, "protocol_version"), ==, 3);
  answer = json_bytes (reply, "data");
  g_assert_cmpuint (g_bytes_get_size (answer), ==, 124);
  Y = g_bytes_get_data (answer, NULL);

  g_assert_true (nym_x25519 (dh, x, Y));
  g_assert_true (nym_hkdf (NYM_HKDF_BLAKE3, s, 16, dh, 32, NULL, 0, client->shared_key, 32));
  g_assert_true (nym_aes256_gcm_siv_decrypt (client->shared_key, Y + 112, NULL, 0, Y + 32, 80, signature));
  memcpy (signed_data, Y, 32);
  memcpy (signed_data + 32, X, 32);
  g_assert_true (nym_ed25519_verify (signature, signed_data, 64, gateway_identity));

  memcpy (signed_data, X, 32);
  memcpy (signed_data + 32, Y, 32);
  nym_ed25519_sign (signature, signed_data, 64, client->identity_secret);
  nym_random_bytes (final + 80, 12);
  g_assert_true (nym_aes256_gcm_siv_encrypt (client->shared_key, final + 80, NULL, 0, signature, 64, final));
  g_clear_pointer (&json, g_free);
  json = handshake_json (3, final, sizeof final);
  client_send (client, json);

  done = client_next_json (client, NULL);
  assert_type (done, "handshakePayload");
  status = json_bytes (done, "data");
  g_assert_cmpuint (g_bytes_get_size (status), ==, 1);
  g_assert_cmpuint (((const uint8_t *) g_bytes_get_data (status, NULL))[0], ==, 1);
  registered = client_next_json (client, NULL);
  assert_type (registered, "register");
  g_assert_cmpint (json_object_get_int_member (registered, "protocol_version"), ==, 3);
  g_assert_true (json_object_get_boolean_member (registered, "status"));
}

/* §1.5 request text; fields may be spoiled on purpose. */
static char *
authenticate_json (TestClient *client,
                   uint8_t     version,
                   uint64_t    timestamp,
                   bool        bad_signature)
{
  uint8_t nonce[12], ciphertext[48], signature[64], signed_data[101];
  g_autofree char *ct_b64 = NULL;
  g_autofree char *nonce_b64 = NULL;
  GString *json = g_string_new ("{\"type\":\"authenticateV2\"");

  nym_random_bytes (nonce, sizeof nonce);
  g_assert_true (nym_aes256_gcm_siv_encrypt (client->shared_key, nonce, NULL, 0, client->identity_public, 32, ciphertext));
  signed_data[0] = version;
  memcpy (signed_data + 1, client->identity_public, 32);
  memcpy (signed_data + 33, ciphertext, 48);
  memcpy (signed_data + 81, nonce, 12);
  for (int i = 0; i < 8; i++)
    signed_data[93 + i] = (uint8_t) (timestamp >> (8 * (7 - i)));
  nym_ed25519_sign (signature, signed_data, sizeof signed_data, client->identity_secret);
  if (bad_signature)
    signature[10] ^= 0x20;

  ct_b64 = g_base64_encode (ciphertext, sizeof ciphertext);
  nonce_b64 = g_base64_encode (nonce, sizeof nonce);
  g_string_append_printf (json, ",\"protocolVersion\":%u,\"clientIdentity\":[", version);
  for (int i = 0; i < 32; i++)
    g_string_append_printf (json, "%s%u", i ? "," : "", client->identity_public[i]);
  g_string_append_printf (json, "],\"addressCiphertext\":\"%s\",\"nonce\":\"%s\",\"requestUnixTimestamp\":%"
                          G_GUINT64_FORMAT ",\"requestSignature\":[", ct_b64, nonce_b64, timestamp);
  for (int i = 0; i < 64; i++)
    g_string_append_printf (json, "%s%u", i ? "," : "", signature[i]);
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

static uint64_t
now_seconds (void)
{
  return (uint64_t) (g_get_real_time () / G_USEC_PER_SEC);
}

/* Authenticates and returns the `authenticate` reply; pushed frames that arrive before it
 * are collected in pushed (may be NULL when none are expected). */
static JsonObject *
client_authenticate (TestClient *client,
                     uint64_t    timestamp,
                     GPtrArray  *pushed)
{
  g_autofree char *json = authenticate_json (client, 4, timestamp, false);
  JsonObject *reply;

  check_supported_protocol (client);
  client_send (client, json);
  reply = client_next_json (client, pushed);
  assert_type (reply, "authenticate");
  g_assert_cmpint (json_object_get_int_member (reply, "protocol_version"), ==, 4);
  g_assert_true (json_object_get_boolean_member (reply, "status"));
  return reply;
}

static gint64
client_claim (TestClient *client)
{
  g_autoptr(JsonObject) reply = NULL;

  client_send (client, "{\"type\":\"claimFreeTestnetBandwidth\"}");
  reply = client_next_json (client, NULL);
  assert_type (reply, "bandwidth");
  return json_object_get_int_member (reply, "available_total");
}

/* §1.8: a ForwardSphinx(V2) binary frame for packet, to first_hop. */
static void
client_send_packet (TestClient           *client,
                    NymGatewayRequestKind kind,
                    const NymNodeAddress *first_hop,
                    const uint8_t        *packet,
                    size_t                len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) plaintext = NULL;
  g_autoptr(GByteArray) frame = NULL;
  uint8_t nonce[12];

  plaintext = nym_forward_sphinx_encode (kind, NYM_PACKET_TYPE_MIX,
                                         kind == NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2 ? NYM_KEY_ROTATION_ODD
                                                                                      : NYM_KEY_ROTATION_UNKNOWN,
                                         first_hop, packet, len, &error);
  g_assert_no_error (error);
  nym_random_bytes (nonce, sizeof nonce);
  frame = nym_gateway_frame_seal (kind, client->shared_key, nonce, plaintext->data, plaintext->len, &error);
  g_assert_no_error (error);
  soup_websocket_connection_send_binary (client->connection, frame->data, frame->len);
}

/* ---------------------------------------------------------------------------------------- */
/* A fake first mix node: collects every byte sent to it                                    */

typedef struct
{
  GSocketService *service;
  guint16         port;
  GByteArray     *bytes;
  GPtrArray      *connections;
} FakeMix;

typedef struct
{
  FakeMix           *mix;
  GSocketConnection *connection;
  uint8_t            buffer[8192];
} FakeMixReader;

static void fake_mix_read (FakeMixReader *reader);

static void
on_fake_mix_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FakeMixReader *reader = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      g_object_unref (reader->connection);
      g_free (reader);
      return;
    }
  g_byte_array_append (reader->mix->bytes, reader->buffer, (guint) n);
  fake_mix_read (reader);
}

static void
fake_mix_read (FakeMixReader *reader)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (reader->connection)),
                             reader->buffer, sizeof reader->buffer, G_PRIORITY_DEFAULT, NULL,
                             on_fake_mix_read, reader);
}

static gboolean
on_fake_mix_incoming (GSocketService    *service,
                      GSocketConnection *connection,
                      GObject           *source,
                      gpointer           user_data)
{
  FakeMix *mix = user_data;
  FakeMixReader *reader = g_new0 (FakeMixReader, 1);

  reader->mix = mix;
  reader->connection = g_object_ref (connection);
  g_ptr_array_add (mix->connections, g_object_ref (connection));
  fake_mix_read (reader);
  return TRUE;
}

static void
fake_mix_start (FakeMix *mix)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  mix->bytes = g_byte_array_new ();
  mix->connections = g_ptr_array_new_with_free_func (g_object_unref);
  mix->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (mix->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  mix->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (mix->service, "incoming", G_CALLBACK (on_fake_mix_incoming), mix);
  g_socket_service_start (mix->service);
}

static void
fake_mix_stop (FakeMix *mix)
{
  g_socket_service_stop (mix->service);
  g_socket_listener_close (G_SOCKET_LISTENER (mix->service));
  for (guint i = 0; i < mix->connections->len; i++)
    g_io_stream_close (g_ptr_array_index (mix->connections, i), NULL, NULL);
  g_clear_pointer (&mix->connections, g_ptr_array_unref);
  g_clear_object (&mix->service);
  g_clear_pointer (&mix->bytes, g_byte_array_unref);
}

static void
fake_mix_address (FakeMix        *mix,
                  NymNodeAddress *address)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };

  nym_node_address_init_ipv4 (address, loopback, mix->port);
}

/* Takes the next complete node frame off the fake mix's input, waiting for it. */
static GBytes *
fake_mix_next_frame (FakeMix            *mix,
                     NymNodeFrameHeader *header)
{
  const uint8_t *packet = NULL;
  size_t packet_len = 0, consumed = 0;
  GBytes *result;

  WAIT_UNTIL (nym_node_frame_decode (mix->bytes->data, mix->bytes->len, header, &packet, &packet_len,
                                     &consumed, NULL) == NYM_NODE_FRAME_COMPLETE);
  result = g_bytes_new (packet, packet_len);
  g_byte_array_remove_range (mix->bytes, 0, (guint) consumed);
  return result;
}

/* ---------------------------------------------------------------------------------------- */
/* The fixture                                                                               */

typedef struct
{
  char            *dir;
  LocalnetGateway *gateway;
  FakeMix          mix;
  GSocketConnection *mix_link;   /* to the gateway's mix port */
  uint8_t          mix_sphinx_secret[32];
  uint8_t          mix_sphinx_public[32];
} Fixture;

static void
gateway_start (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->gateway = localnet_gateway_new (fixture->dir, 0, 0);
  g_assert_true (localnet_gateway_start (fixture->gateway, &error));
  g_assert_no_error (error);
  g_assert_true (localnet_gateway_is_running (fixture->gateway));
  g_assert_cmpuint (localnet_gateway_get_ws_port (fixture->gateway), >, 0);
  g_assert_cmpuint (localnet_gateway_get_mix_port (fixture->gateway), >, 0);
}

static void
gateway_stop (Fixture *fixture)
{
  if (fixture->mix_link != NULL)
    {
      g_io_stream_close (G_IO_STREAM (fixture->mix_link), NULL, NULL);
      g_clear_object (&fixture->mix_link);
    }
  localnet_gateway_stop (fixture->gateway);
  g_assert_finalize_object (g_steal_pointer (&fixture->gateway));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-gateway-XXXXXX", &error);
  g_assert_no_error (error);
  fake_mix_start (&fixture->mix);
  nym_x25519_keypair (fixture->mix_sphinx_public, fixture->mix_sphinx_secret);
  /* The vector test gives the gateway its keys before starting it. */
  if (GPOINTER_TO_INT (data) != 1)
    gateway_start (fixture);
}

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
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->gateway != NULL)
    gateway_stop (fixture);
  fake_mix_stop (&fixture->mix);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static TestClient *
registered_client (Fixture *fixture)
{
  TestClient *client = client_new (fixture->gateway, NULL);

  client_register (client, localnet_gateway_get_identity_key (fixture->gateway), NULL, NULL);
  return client;
}

/* A registered client whose registration connection is closed, authenticated anew. */
static TestClient *
authenticated_client (Fixture *fixture)
{
  g_autoptr(TestClient) first = registered_client (fixture);
  TestClient *client;
  g_autoptr(JsonObject) reply = NULL;

  client_close (first);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);
  client = client_reconnect (fixture->gateway, first);
  reply = client_authenticate (client, now_seconds (), NULL);
  g_assert_cmpint (json_object_get_int_member (reply, "bandwidth_remaining"), ==, 0);
  return client;
}

/* ---------------------------------------------------------------------------------------- */
/* Final-hop packets                                                                          */

static void
gateway_node (Fixture      *fixture,
              NymTopologyNode *node)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };

  memset (node, 0, sizeof *node);
  node->node_id = 4;
  memcpy (node->identity, localnet_gateway_get_identity_key (fixture->gateway), 32);
  memcpy (node->sphinx_key, localnet_gateway_get_sphinx_public_key (fixture->gateway), 32);
  nym_node_address_init_ipv4 (&node->address, loopback, localnet_gateway_get_mix_port (fixture->gateway));
}

/* A packet whose only hop is the gateway, for destination, built with the sphinx and packet
 * API: a regular packet carries a SURB-ACK (routed fake mix → gateway) before delivered. */
static GBytes *
final_hop_packet (Fixture        *fixture,
                  const uint8_t   destination[static 32],
                  NymPacketSize   size,
                  const uint8_t  *delivered,
                  size_t          delivered_len,
                  uint8_t         surb_ack[NYM_SURB_ACK_LEN])
{
  g_autoptr(GError) error = NULL;
  NymTopologyNode gateway, mix;
  NymSphinxNode route[1];
  NymSphinxDestination dest;
  uint64_t delays[2] = { 0, 0 };
  uint8_t secret[32];
  size_t total = nym_packet_size_total (size);
  g_autofree uint8_t *packet = g_malloc (total);
  g_autofree uint8_t *message = g_malloc (delivered_len + NYM_SURB_ACK_LEN);
  size_t message_len = delivered_len;

  gateway_node (fixture, &gateway);
  if (size != NYM_PACKET_SIZE_ACK)
    {
      const NymTopologyNode *nodes[2] = { &mix, &gateway };
      NymRoute ack_route;
      uint8_t ack_key[16], iv[16], fragment_id[5], ack_secret[32];

      memset (&mix, 0, sizeof mix);
      mix.node_id = 1;
      memcpy (mix.sphinx_key, fixture->mix_sphinx_public, 32);
      fake_mix_address (&fixture->mix, &mix.address);
      nym_route_from_nodes (&ack_route, nodes, 2);
      nym_random_bytes (ack_key, sizeof ack_key);
      nym_random_bytes (iv, sizeof iv);
      nym_random_bytes (fragment_id, sizeof fragment_id);
      nym_random_bytes (ack_secret, sizeof ack_secret);
      g_assert_true (nym_surb_ack_create (NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS, &ack_route, destination, delays,
                                          ack_secret, ack_key, iv, fragment_id, surb_ack, &error));
      g_assert_no_error (error);
      memcpy (message, surb_ack, NYM_SURB_ACK_LEN);
      memcpy (message + NYM_SURB_ACK_LEN, delivered, delivered_len);
      message_len += NYM_SURB_ACK_LEN;
    }
  else
    memcpy (message, delivered, delivered_len);

  memset (route[0].address, 0, sizeof route[0].address);
  nym_node_address_encode_padded (&gateway.address, route[0].address, NYM_SPHINX_NODE_ADDRESS_LENGTH);
  memcpy (route[0].pub, gateway.sphinx_key, 32);
  memcpy (dest.address, destination, 32);
  memset (dest.identifier, 0, sizeof dest.identifier);
  nym_random_bytes (secret, sizeof secret);
  g_assert_true (nym_sphinx_packet_create (NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS, route, 1, &dest, delays, secret,
                                           message, message_len, nym_packet_size_payload (size), packet, &error));
  g_assert_no_error (error);
  return g_bytes_new (packet, total);
}

/* Sends a packet to the gateway's mix port as a version-8 node frame, as a mix would. */
static void
send_to_mix_port (Fixture       *fixture,
                  NymPacketSize  size,
                  GBytes        *packet)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  NymNodeFrameHeader header = { NYM_NODE_FRAME_VERSION_CURRENT, size, NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_ODD };

  if (fixture->mix_link == NULL)
    {
      g_autoptr(GSocketClient) socket_client = g_socket_client_new ();

      fixture->mix_link = g_socket_client_connect_to_host (socket_client, "127.0.0.1",
                                                           localnet_gateway_get_mix_port (fixture->gateway),
                                                           NULL, &error);
      g_assert_no_error (error);
    }
  g_assert_true (nym_node_frame_encode (&header, g_bytes_get_data (packet, NULL), g_bytes_get_size (packet),
                                        frame, &error));
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (fixture->mix_link)),
                             frame->data, frame->len, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* A pushed frame must be kind 1 and open with the client's key to exactly expected. */
static void
assert_pushed (TestClient    *client,
               GBytes        *frame,
               const uint8_t *expected,
               size_t         expected_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) plaintext = NULL;
  uint8_t kind = 0;

  plaintext = nym_gateway_frame_open (client->shared_key, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame),
                                      &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kind, ==, NYM_GATEWAY_RESPONSE_PUSHED_MIX_MESSAGE);
  g_assert_cmpuint (((const uint8_t *) g_bytes_get_data (frame, NULL))[1], ==, 1);
  g_assert_cmpmem (plaintext->data, plaintext->len, expected, expected_len);
}

/* ---------------------------------------------------------------------------------------- */
/* Tests                                                                                      */

static void
test_new_and_finalize (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-gateway-XXXXXX", &error);
  LocalnetGateway *gateway = localnet_gateway_new (dir, 0, 0);
  g_autofree char *identity = NULL;
  struct stat st;
  g_autofree char *db = g_build_filename (dir, "gateway.sqlite", NULL);

  g_assert_false (localnet_gateway_is_running (gateway));
  g_assert_null (localnet_gateway_get_identity (gateway));
  g_assert_finalize_object (gateway);

  gateway = localnet_gateway_new (dir, 0, 0);
  g_assert_true (localnet_gateway_start (gateway, &error));
  g_assert_no_error (error);
  identity = g_strdup (localnet_gateway_get_identity (gateway));
  g_assert_nonnull (identity);
  g_assert_cmpuint (g_stat (db, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  localnet_gateway_stop (gateway);
  g_assert_false (localnet_gateway_is_running (gateway));
  g_assert_finalize_object (gateway);

  /* The identity is kept in the directory. */
  gateway = localnet_gateway_new (dir, 0, 0);
  g_assert_true (localnet_gateway_start (gateway, &error));
  g_assert_cmpstr (localnet_gateway_get_identity (gateway), ==, identity);
  g_assert_finalize_object (gateway);
  remove_tree (dir);
}

/* §1.4 with §9.2's identities, salt and client ephemeral key (the gateway's own ephemeral
 * key is fresh, so its answer is checked by signature rather than by bytes). */
static void
test_register_vector (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GKeyFile) vectors = crypto_test_load_vectors ("gateway-handshake.vectors");
  g_autoptr(GBytes) gateway_seed = crypto_test_vector (vectors, "handshake", "gateway_seed");
  g_autoptr(GBytes) gateway_identity = crypto_test_vector (vectors, "handshake", "gateway_identity");
  g_autoptr(GBytes) client_seed = crypto_test_vector (vectors, "handshake", "client_seed");
  g_autoptr(GBytes) client_identity = crypto_test_vector (vectors, "handshake", "client_identity");
  g_autoptr(GBytes) ephemeral = crypto_test_vector (vectors, "handshake", "client_ephemeral_secret");
  g_autoptr(GBytes) salt = crypto_test_vector (vectors, "handshake", "salt");
  g_autoptr(TestClient) client = NULL;
  g_autoptr(GError) error = NULL;
  uint8_t pub[32], sk[64], sphinx_secret[32], sphinx_public[32];
  const struct { const char *name; const uint8_t *data; } files[] = {
    { "identity.key", g_bytes_get_data (gateway_seed, NULL) },
    { "identity.pub", pub },
    { "sphinx.key", sphinx_secret },
    { "sphinx.pub", sphinx_public },
  };

  /* The gateway's node directory is given the §9.2 identity before it starts. */
  nym_ed25519_keypair_from_seed (pub, sk, g_bytes_get_data (gateway_seed, NULL));
  nym_x25519_keypair (sphinx_public, sphinx_secret);
  for (size_t i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, files[i].name, NULL);

      g_assert_true (g_file_set_contents_full (path, (const char *) files[i].data, 32,
                                               G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
      g_assert_no_error (error);
    }
  gateway_start (fixture);
  g_assert_cmpmem (localnet_gateway_get_identity_key (fixture->gateway), 32,
                   g_bytes_get_data (gateway_identity, NULL), 32);

  client = client_new (fixture->gateway, g_bytes_get_data (client_seed, NULL));
  g_assert_cmpmem (client->identity_public, 32, g_bytes_get_data (client_identity, NULL), 32);
  client_register (client, g_bytes_get_data (gateway_identity, NULL), g_bytes_get_data (ephemeral, NULL),
                   g_bytes_get_data (salt, NULL));
  g_assert_cmpuint (localnet_gateway_get_clients (fixture->gateway), ==, 1);
}

static void
test_register_and_authenticate (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(TestClient) client = authenticated_client (fixture);

  g_assert_cmpuint (localnet_gateway_get_clients (fixture->gateway), ==, 1);
  g_assert_cmpuint (localnet_gateway_get_registrations (fixture->gateway), ==, 1);
  g_assert_cmpuint (localnet_gateway_get_bandwidth_claims (fixture->gateway), ==, 0);
  g_assert_cmpint (client_claim (client), ==, LOCALNET_GATEWAY_FREE_BANDWIDTH);
  g_assert_cmpuint (localnet_gateway_get_bandwidth_claims (fixture->gateway), ==, 1);
  client_close (client);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);
  /* authenticated_client registers on one connection and authenticates on a second. */
  g_assert_cmpuint (localnet_gateway_get_authentications (fixture->gateway), ==, 1);
  g_assert_cmpuint (localnet_gateway_get_client_packets (fixture->gateway), ==, 0);
}

/* §1.11: errors before authentication are answered with `error` and a closed connection. */
static void
test_bad_input_before_auth (Fixture       *fixture,
                            gconstpointer  data)
{
  static const char *const texts[] = {
    "this is not json",
    "{\"type\":\"noSuchThing\"}",
    "[]",
    "{\"type\":\"claimFreeTestnetBandwidth\"}",
    "{\"type\":\"authenticate\",\"address\":\"x\",\"enc_address\":\"y\",\"iv\":\"z\"}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":3,\"data\":[1,2,3]}",
  };
  uint8_t zeros[92] = { 0 };

  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(TestClient) client = client_new (fixture->gateway, NULL);

      g_test_message ("sending %s", texts[i]);
      client_send (client, texts[i]);
      assert_error_and_close (client);
    }

  /* Binary before authentication. */
  {
    g_autoptr(TestClient) client = client_new (fixture->gateway, NULL);

    soup_websocket_connection_send_binary (client->connection, zeros, sizeof zeros);
    assert_error_and_close (client);
  }

  /* A final handshake message of the wrong length, and one signed by the wrong key. */
  for (int variant = 0; variant < 2; variant++)
    {
      g_autoptr(TestClient) client = client_new (fixture->gateway, NULL);
      uint8_t init[80];
      g_autofree char *json = NULL;
      g_autoptr(JsonObject) reply = NULL;
      g_autoptr(JsonObject) status = NULL;
      g_autoptr(GBytes) status_data = NULL;

      memcpy (init, client->identity_public, 32);
      nym_random_bytes (init + 32, 48);
      json = handshake_json (3, init, sizeof init);
      client_send (client, json);
      reply = client_next_json (client, NULL);
      assert_type (reply, "handshakePayload");
      g_clear_pointer (&json, g_free);
      json = handshake_json (3, zeros, variant == 0 ? 91 : 92);
      client_send (client, json);
      status = client_next_json (client, NULL);
      assert_type (status, "handshakePayload");
      status_data = json_bytes (status, "data");
      g_assert_cmpuint (g_bytes_get_size (status_data), ==, 1);
      g_assert_cmpuint (((const uint8_t *) g_bytes_get_data (status_data, NULL))[0], ==, 0);
      assert_error_and_close (client);
    }
  g_assert_cmpuint (localnet_gateway_get_clients (fixture->gateway), ==, 0);
  g_assert_true (localnet_gateway_is_running (fixture->gateway));
}

static void
expect_auth_refused (Fixture    *fixture,
                     TestClient *registered,
                     uint8_t     version,
                     uint64_t    timestamp,
                     bool        bad_signature,
                     const char *message_part)
{
  g_autoptr(TestClient) client = client_reconnect (fixture->gateway, registered);
  g_autofree char *json = authenticate_json (client, version, timestamp, bad_signature);
  g_autoptr(JsonObject) reply = NULL;

  client_send (client, json);
  reply = client_next_json (client, NULL);
  assert_type (reply, "error");
  g_assert_nonnull (strstr (json_object_get_string_member (reply, "message"), message_part));
  WAIT_UNTIL (client->closed);
}

/* §1.5: signature, timestamp window, replay and registration checks over the wire. */
static void
test_authenticate_refusals (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(TestClient) registered = registered_client (fixture);
  g_autoptr(TestClient) stranger = client_new (fixture->gateway, NULL);
  g_autoptr(TestClient) client = NULL;
  g_autoptr(JsonObject) reply = NULL;
  uint64_t now = now_seconds ();

  client_close (registered);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);

  expect_auth_refused (fixture, registered, 4, now, true, "signature");
  expect_auth_refused (fixture, registered, 4, now - 1000, false, "clock");
  expect_auth_refused (fixture, registered, 4, now + 1000, false, "clock");
  expect_auth_refused (fixture, registered, 3, now, false, "incompatible protocol");
  expect_auth_refused (fixture, registered, 7, now, false, "incompatible protocol");

  /* Someone who never registered. */
  nym_random_bytes (stranger->shared_key, 32);
  expect_auth_refused (fixture, stranger, 4, now, false, "client is not registered");

  /* A good request is accepted once; the same timestamp again is a replay. */
  client = client_reconnect (fixture->gateway, registered);
  reply = client_authenticate (client, now, NULL);
  client_close (client);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);
  expect_auth_refused (fixture, registered, 4, now, false, "replay");
  expect_auth_refused (fixture, registered, 4, now - 1, false, "replay");
}

/* After authentication, bad requests and frames are reported but the session goes on. */
static void
test_bad_input_after_auth (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(TestClient) client = authenticated_client (fixture);
  NymNodeAddress hop;
  uint8_t packet[REGULAR_PACKET_LEN];
  uint8_t junk[200];
  const char *texts[] = { "{not json", "{\"type\":\"ecashCredential\",\"enc_credential\":[],\"iv\":[]}" };
  static const uint8_t elsewhere[4] = { 192, 0, 2, 1 };

  g_assert_cmpint (client_claim (client), >, 0);
  fake_mix_address (&fixture->mix, &hop);
  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(JsonObject) reply = NULL;

      client_send (client, texts[i]);
      reply = client_next_json (client, NULL);
      assert_type (reply, "error");
    }

  /* A packet of a size that does not exist, a frame that does not decrypt, and a next hop
   * off the loopback interface. */
  nym_random_bytes (packet, sizeof packet);
  {
    g_autoptr(JsonObject) reply = NULL;

    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) frame = NULL;
    uint8_t plaintext[2 + NYM_NODE_ADDRESS_V4_LEN + 1000], nonce[12];

    /* packet_type ‖ rotation ‖ first hop ‖ a 1000-byte "packet" (ForwardSphinxV2). */
    plaintext[0] = NYM_PACKET_TYPE_MIX;
    plaintext[1] = NYM_KEY_ROTATION_ODD;
    g_assert_cmpuint (nym_node_address_encode (&hop, plaintext + 2), ==, NYM_NODE_ADDRESS_V4_LEN);
    nym_random_bytes (plaintext + 2 + NYM_NODE_ADDRESS_V4_LEN, 1000);
    nym_random_bytes (nonce, sizeof nonce);
    frame = nym_gateway_frame_seal (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, client->shared_key, nonce,
                                    plaintext, sizeof plaintext, &error);
    g_assert_no_error (error);
    soup_websocket_connection_send_binary (client->connection, frame->data, frame->len);
    reply = client_next_json (client, NULL);
    assert_type (reply, "error");
    g_assert_nonnull (strstr (json_object_get_string_member (reply, "message"), "invalid size"));
  }
  {
    g_autoptr(JsonObject) reply = NULL;

    nym_random_bytes (junk, sizeof junk);
    junk[0] = 2;
    junk[1] = 1;
    soup_websocket_connection_send_binary (client->connection, junk, sizeof junk);
    reply = client_next_json (client, NULL);
    assert_type (reply, "error");
  }
  {
    g_autoptr(JsonObject) reply = NULL;
    NymNodeAddress far;

    nym_node_address_init_ipv4 (&far, elsewhere, 1789);
    client_send_packet (client, NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, &far, packet, sizeof packet);
    reply = client_next_json (client, NULL);
    assert_type (reply, "error");
  }
  g_assert_false (client->closed);
  g_assert_cmpint (client_claim (client), ==, LOCALNET_GATEWAY_FREE_BANDWIDTH);
  g_assert_cmpuint (fixture->mix.bytes->len, ==, 0);
}

/* §1.10: the free claim, then one packet's size off per packet, then out_of_bandwidth. */
static void
test_bandwidth (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(TestClient) client = NULL;
  NymNodeAddress hop;
  uint8_t packet[REGULAR_PACKET_LEN];
  gint64 expected;

  localnet_gateway_set_free_bandwidth (fixture->gateway, 3 * REGULAR_PACKET_LEN);
  client = authenticated_client (fixture);
  fake_mix_address (&fixture->mix, &hop);

  /* Nothing is forwarded before a claim. */
  {
    g_autoptr(JsonObject) reply = NULL;
    JsonObject *detail;

    nym_random_bytes (packet, sizeof packet);
    client_send_packet (client, NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, &hop, packet, sizeof packet);
    reply = client_next_json (client, NULL);
    assert_type (reply, "typedError");
    detail = json_object_get_object_member (json_object_get_object_member (reply, "error"), "out_of_bandwidth");
    g_assert_cmpint (json_object_get_int_member (detail, "required"), ==, REGULAR_PACKET_LEN);
    g_assert_cmpint (json_object_get_int_member (detail, "available"), ==, 0);
  }

  expected = client_claim (client);
  g_assert_cmpint (expected, ==, 3 * REGULAR_PACKET_LEN);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) reply = NULL;

      nym_random_bytes (packet, sizeof packet);
      client_send_packet (client, NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, &hop, packet, sizeof packet);
      reply = client_next_json (client, NULL);
      assert_type (reply, "send");
      expected -= REGULAR_PACKET_LEN;
      g_assert_cmpint (json_object_get_int_member (reply, "remaining_bandwidth"), ==, expected);
    }
  {
    g_autoptr(JsonObject) reply = NULL;

    client_send_packet (client, NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, &hop, packet, sizeof packet);
    reply = client_next_json (client, NULL);
    assert_type (reply, "typedError");
  }
  g_assert_cmpint (client_claim (client), ==, 3 * REGULAR_PACKET_LEN);

  /* The remaining bandwidth is kept with the registration across sessions. */
  {
    g_autoptr(TestClient) again = NULL;
    g_autoptr(JsonObject) reply = NULL;

    client_close (client);
    WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);
    again = client_reconnect (fixture->gateway, client);
    reply = client_authenticate (again, now_seconds () + 1, NULL);
    g_assert_cmpint (json_object_get_int_member (reply, "bandwidth_remaining"), ==, 3 * REGULAR_PACKET_LEN);
  }
}

/* §1.8, §2.2: kinds 2 and 1 leave as v8 node frames to the first hop, unchanged. */
static void
test_forward (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TestClient) client = authenticated_client (fixture);
  NymNodeAddress hop;
  uint8_t packets[2][REGULAR_PACKET_LEN];
  NymGatewayRequestKind kinds[2] = { NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, NYM_GATEWAY_REQUEST_FORWARD_SPHINX };
  uint8_t ack[NYM_ACK_PACKET_LEN];

  g_assert_cmpint (client_claim (client), >, 0);
  fake_mix_address (&fixture->mix, &hop);
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(JsonObject) reply = NULL;
      g_autoptr(GBytes) received = NULL;
      NymNodeFrameHeader header;

      nym_random_bytes (packets[i], sizeof packets[i]);
      client_send_packet (client, kinds[i], &hop, packets[i], sizeof packets[i]);
      reply = client_next_json (client, NULL);
      assert_type (reply, "send");
      received = fake_mix_next_frame (&fixture->mix, &header);
      g_assert_cmpuint (header.version, ==, 8);
      g_assert_cmpint (header.size, ==, NYM_PACKET_SIZE_REGULAR);
      g_assert_cmpint (header.type, ==, NYM_PACKET_TYPE_MIX);
      g_assert_cmpint (header.rotation, ==, i == 0 ? NYM_KEY_ROTATION_ODD : NYM_KEY_ROTATION_UNKNOWN);
      g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received), packets[i], sizeof packets[i]);
    }
  /* The raw wire bytes of a v8 frame: version, size tag, type, rotation, then the packet. */
  {
    g_autoptr(JsonObject) reply = NULL;
    static const uint8_t header[4] = { 8, 2, 0, 1 };

    nym_random_bytes (ack, sizeof ack);
    client_send_packet (client, NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, &hop, ack, sizeof ack);
    reply = client_next_json (client, NULL);
    assert_type (reply, "send");
    WAIT_UNTIL (fixture->mix.bytes->len >= 4 + sizeof ack);
    g_assert_cmpmem (fixture->mix.bytes->data, 4, header, 4);
    g_assert_cmpmem (fixture->mix.bytes->data + 4, sizeof ack, ack, sizeof ack);
    g_byte_array_set_size (fixture->mix.bytes, 0);
  }
  g_assert_cmpuint (localnet_gateway_get_packets_in (fixture->gateway), ==, 3);
  g_assert_cmpuint (localnet_gateway_get_client_packets (fixture->gateway), ==, 3);
  g_assert_cmpuint (localnet_gateway_get_packets_out (fixture->gateway), ==, 3);
  g_assert_cmpuint (localnet_gateway_get_retransmissions (fixture->gateway), ==, 0);

  /* The same packet twice is a retransmission (still forwarded: the mixes drop replays). */
  {
    g_autoptr(JsonObject) reply = NULL;

    client_send_packet (client, NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, &hop, packets[0], sizeof packets[0]);
    reply = client_next_json (client, NULL);
    assert_type (reply, "send");
    g_assert_cmpuint (localnet_gateway_get_retransmissions (fixture->gateway), ==, 1);
    g_assert_cmpuint (localnet_gateway_get_client_packets (fixture->gateway), ==, 4);
  }
}

/* §2.3, §1.9: a final-hop packet for a connected client reaches it at once, and its
 * SURB-ACK leaves for the ack's first hop. */
static void
test_final_hop_live (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(TestClient) client = authenticated_client (fixture);
  uint8_t payload[REGULAR_DELIVERED_LEN], ack_payload[NYM_ACK_PAYLOAD_LEN];
  uint8_t surb_ack[NYM_SURB_ACK_LEN];
  g_autoptr(GBytes) packet = NULL;
  g_autoptr(GBytes) ack = NULL;
  g_autoptr(GBytes) forwarded_ack = NULL;
  NymNodeFrameHeader header;
  Received *received;

  nym_random_bytes (payload, sizeof payload);
  packet = final_hop_packet (fixture, client->identity_public, NYM_PACKET_SIZE_REGULAR, payload, sizeof payload,
                             surb_ack);
  send_to_mix_port (fixture, NYM_PACKET_SIZE_REGULAR, packet);

  received = client_next (client);
  g_assert_cmpint (received->type, ==, SOUP_WEBSOCKET_DATA_BINARY);
  g_assert_cmpuint (g_bytes_get_size (received->data), ==, NYM_GATEWAY_FRAME_OVERHEAD + REGULAR_DELIVERED_LEN);
  assert_pushed (client, received->data, payload, sizeof payload);
  received_free (received);

  /* The ack packet goes out exactly as it sat in the payload, as an ack-sized v8 frame
   * with the incoming rotation byte, and the fake mix can unwrap it. */
  forwarded_ack = fake_mix_next_frame (&fixture->mix, &header);
  g_assert_cmpuint (header.version, ==, 8);
  g_assert_cmpint (header.size, ==, NYM_PACKET_SIZE_ACK);
  g_assert_cmpint (header.rotation, ==, NYM_KEY_ROTATION_ODD);
  g_assert_cmpmem (g_bytes_get_data (forwarded_ack, NULL), g_bytes_get_size (forwarded_ack),
                   surb_ack + NYM_NODE_ADDRESS_MAX_UNPADDED, NYM_ACK_PACKET_LEN);
  {
    g_autofree uint8_t *out = g_malloc (NYM_ACK_PACKET_LEN);
    NymSphinxUnwrapped result;
    g_autoptr(GError) error = NULL;

    g_assert_true (nym_sphinx_packet_unwrap (fixture->mix_sphinx_secret, g_bytes_get_data (forwarded_ack, NULL),
                                             NYM_ACK_PACKET_LEN, out, &result, &error));
    g_assert_no_error (error);
    g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FORWARD);
  }
  g_assert_cmpuint (localnet_gateway_get_acks_forwarded (fixture->gateway), ==, 1);

  /* An ack-sized packet is delivered whole (21 bytes) and forwards nothing. */
  nym_random_bytes (ack_payload, sizeof ack_payload);
  ack = final_hop_packet (fixture, client->identity_public, NYM_PACKET_SIZE_ACK, ack_payload, sizeof ack_payload, NULL);
  send_to_mix_port (fixture, NYM_PACKET_SIZE_ACK, ack);
  received = client_next (client);
  assert_pushed (client, received->data, ack_payload, sizeof ack_payload);
  received_free (received);

  /* A replayed packet is not delivered twice. */
  send_to_mix_port (fixture, NYM_PACKET_SIZE_ACK, ack);
  WAIT_UNTIL (localnet_gateway_get_retransmissions (fixture->gateway) == 1);
  test_wait_spin (100);
  g_assert_true (g_queue_is_empty (&client->received));
  g_assert_cmpuint (localnet_gateway_get_acks_forwarded (fixture->gateway), ==, 1);
  g_assert_cmpuint (localnet_gateway_get_packets_in (fixture->gateway), ==, 3);
}

/* §2.3 step 4: an offline client's messages wait in the inbox, in order, until it
 * authenticates; then they come before the `authenticate` reply. */
static void
test_final_hop_offline (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(TestClient) first = registered_client (fixture);
  g_autoptr(TestClient) client = NULL;
  g_autoptr(GPtrArray) pushed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(JsonObject) reply = NULL;
  uint8_t payloads[3][REGULAR_DELIVERED_LEN];
  uint8_t surb_ack[NYM_SURB_ACK_LEN];
  bool restart = GPOINTER_TO_INT (data) == 2;

  client_close (first);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) packet = NULL;

      nym_random_bytes (payloads[i], sizeof payloads[i]);
      packet = final_hop_packet (fixture, first->identity_public, NYM_PACKET_SIZE_REGULAR, payloads[i],
                                 sizeof payloads[i], surb_ack);
      send_to_mix_port (fixture, NYM_PACKET_SIZE_REGULAR, packet);
    }
  WAIT_UNTIL (localnet_gateway_get_acks_forwarded (fixture->gateway) == 3);
  g_assert_cmpuint (localnet_gateway_get_stored_messages (fixture->gateway), ==, 3);
  g_assert_cmpuint (localnet_gateway_get_client_packets (fixture->gateway), ==, 0);

  if (restart)
    {
      /* Shared keys and the inbox live in gateway.sqlite and survive a restart. */
      gateway_stop (fixture);
      gateway_start (fixture);
    }

  client = client_reconnect (fixture->gateway, first);
  reply = client_authenticate (client, now_seconds (), pushed);
  g_assert_cmpuint (pushed->len, ==, 3);
  /* A restarted gateway counts from zero; it authenticated the client without a new registration. */
  g_assert_cmpuint (localnet_gateway_get_authentications (fixture->gateway), ==, 1);
  g_assert_cmpuint (localnet_gateway_get_registrations (fixture->gateway), ==, restart ? 0 : 1);
  g_assert_cmpuint (localnet_gateway_get_stored_messages (fixture->gateway), ==, restart ? 0 : 3);
  for (int i = 0; i < 3; i++)
    assert_pushed (client, g_ptr_array_index (pushed, i), payloads[i], sizeof payloads[i]);

  /* Delivered messages are gone from the inbox. */
  {
    g_autoptr(TestClient) again = NULL;
    g_autoptr(GPtrArray) none = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    g_autoptr(JsonObject) second = NULL;

    client_close (client);
    WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);
    again = client_reconnect (fixture->gateway, first);
    second = client_authenticate (again, now_seconds () + 1, none);
    g_assert_cmpuint (none->len, ==, 0);
    g_assert_cmpuint (localnet_gateway_get_authentications (fixture->gateway), ==, 2);
  }
}

/* §1.11: a second session for a client whose first one still answers pings is refused,
 * and so is a registration while the client is connected. */
static void
test_duplicate_session (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(TestClient) client = authenticated_client (fixture);
  g_autoptr(TestClient) second = client_reconnect (fixture->gateway, client);
  g_autoptr(TestClient) third = client_new (fixture->gateway, NULL);
  g_autofree char *json = authenticate_json (second, 4, now_seconds () + 1, false);
  g_autoptr(JsonObject) reply = NULL;
  uint8_t init[80];
  g_autofree char *init_json = NULL;

  client_send (second, json);
  reply = client_next_json (second, NULL);
  assert_type (reply, "error");
  g_assert_cmpstr (json_object_get_string_member (reply, "message"), ==,
                   "There is already an open connection to this client");
  WAIT_UNTIL (second->closed);
  g_assert_false (client->closed);
  g_assert_cmpint (client_claim (client), >, 0);

  memcpy (init, client->identity_public, 32);
  nym_random_bytes (init + 32, 48);
  init_json = handshake_json (3, init, sizeof init);
  client_send (third, init_json);
  assert_error_and_close (third);
  g_assert_cmpuint (localnet_gateway_get_clients (fixture->gateway), ==, 1);
}

/* A bare websocket client over a non-blocking socket that never answers pings: what a
 * client whose network died looks like to the gateway. */
static GSocketConnection *
raw_ws_connect (LocalnetGateway *gateway)
{
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) response = g_string_new (NULL);
  GSocketConnection *connection;
  GSocket *socket;
  static const char request[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "Sec-WebSocket-Version: 13\r\n\r\n";

  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1",
                                                localnet_gateway_get_ws_port (gateway), NULL, &error);
  g_assert_no_error (error);
  socket = g_socket_connection_get_socket (connection);
  g_socket_set_blocking (socket, FALSE);
  g_assert_cmpint (g_socket_send (socket, request, strlen (request), NULL, &error), ==, (gssize) strlen (request));
  while (strstr (response->str, "\r\n\r\n") == NULL)
    {
      char buffer[512];
      gssize n;

      test_wait_spin (10);
      n = g_socket_receive (socket, buffer, sizeof buffer - 1, NULL, NULL);
      if (n > 0)
        g_string_append_len (response, buffer, n);
      g_assert_cmpint (n, !=, 0);
    }
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 101"));
  return connection;
}

static void
raw_ws_send_text (GSocketConnection *connection,
                  const char        *text)
{
  size_t len = strlen (text);
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  uint8_t head[4] = { 0x81, 0x80 | 126, (uint8_t) (len >> 8), (uint8_t) len };
  uint8_t mask[4];
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (len, >, 125);
  g_assert_cmpuint (len, <, 65536);
  nym_random_bytes (mask, sizeof mask);
  g_byte_array_append (frame, head, sizeof head);
  g_byte_array_append (frame, mask, sizeof mask);
  for (size_t i = 0; i < len; i++)
    {
      uint8_t byte = (uint8_t) text[i] ^ mask[i % 4];
      g_byte_array_append (frame, &byte, 1);
    }
  g_assert_cmpint (g_socket_send (g_socket_connection_get_socket (connection), (const char *) frame->data,
                                  frame->len, NULL, &error), ==, (gssize) frame->len);
}

/* §1.11: when the older session does not answer the ping within a second, it is dropped and
 * the new one is let in. */
static void
test_duplicate_session_dead (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(TestClient) registered = registered_client (fixture);
  g_autoptr(TestClient) fresh = NULL;
  g_autoptr(GSocketConnection) dead = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) reply = NULL;
  uint64_t now = now_seconds ();
  gint64 started;

  client_close (registered);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 0);
  dead = raw_ws_connect (fixture->gateway);
  json = authenticate_json (registered, 4, now, false);
  raw_ws_send_text (dead, json);
  WAIT_UNTIL (localnet_gateway_get_clients (fixture->gateway) == 1);

  started = g_get_monotonic_time ();
  fresh = client_reconnect (fixture->gateway, registered);
  reply = client_authenticate (fresh, now + 1, NULL);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 900 * 1000);
  g_assert_cmpuint (localnet_gateway_get_clients (fixture->gateway), ==, 1);
  g_assert_cmpint (client_claim (fresh), >, 0);

  /* The dead session's socket is closed by the gateway. */
  {
    g_autoptr(GByteArray) junk = g_byte_array_new ();
    gssize n = -1;

    while (n != 0)
      {
        char buffer[4096];

        test_wait_spin (10);
        n = g_socket_receive (g_socket_connection_get_socket (dead), buffer, sizeof buffer, NULL, NULL);
        if (n > 0)
          g_byte_array_append (junk, (const uint8_t *) buffer, (guint) n);
        g_assert_cmpuint (g_get_monotonic_time () - started, <, WAIT_SECONDS * G_USEC_PER_SEC);
      }
  }
}

/* §1.1: a connection that does not authenticate in time is closed. */
static void
test_pre_auth_timeout (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(TestClient) idle = NULL;
  g_autoptr(TestClient) chatty = NULL;
  g_autoptr(TestClient) authenticated = NULL;
  gint64 started;

  g_object_set (fixture->gateway, "pre-auth-timeout", 1u, NULL);
  authenticated = authenticated_client (fixture);
  idle = client_new (fixture->gateway, NULL);
  chatty = client_new (fixture->gateway, NULL);
  started = g_get_monotonic_time ();

  /* Each message restarts the clock, but only until the idle one is closed. */
  while (!idle->closed)
    {
      check_supported_protocol (chatty);
      test_wait_spin (250);
      g_assert_cmpint (g_get_monotonic_time () - started, <, WAIT_SECONDS * G_USEC_PER_SEC);
    }
  g_assert_false (chatty->closed);
  WAIT_UNTIL (chatty->closed);
  g_assert_false (authenticated->closed);
  g_assert_cmpint (client_claim (authenticated), >, 0);
}

static void
write_key_file (const char *dir,
                const char *name,
                GBytes     *value)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_bytes_get_size (value), ==, 32);
  g_assert_true (g_file_set_contents_full (path, g_bytes_get_data (value, NULL), 32,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
  g_assert_no_error (error);
}

/* The real 1.4.1 client's own bytes through this gateway (vectors/wasm-client-packets.json,
 * capture "messages"): the gateway is given the captured gateway's keys and the client's
 * registration, then (1) every packet as it left the third mix is pushed to the client as
 * exactly the bytes the capture says the gateway delivers, its SURB-ACK leaving for mix 1 as
 * the captured ack packet, and (2) every binary frame the client sent is forwarded to its
 * first hop as the captured sphinx packet. */
static void
test_real_client_packets (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JsonParser) parser = crypto_test_load_json ("wasm-client-packets.json");
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *nodes = json_object_get_array_member (root, "nodes");
  JsonArray *captures = json_object_get_array_member (root, "captures");
  JsonObject *capture = NULL;
  JsonObject *client_info;
  JsonArray *packets;
  g_autoptr(TestClient) client = NULL;
  g_autoptr(GBytes) client_seed = NULL;
  g_autoptr(GBytes) shared_key = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketService) first_mix = NULL;
  FakeMix real_mix = { 0 };
  bool have_first_mix = false;

  for (guint i = 0; i < json_array_get_length (captures); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (captures, i), "name"), "messages") == 0)
      capture = json_array_get_object_element (captures, i);
  g_assert_nonnull (capture);
  client_info = json_object_get_object_member (capture, "client");
  packets = json_object_get_array_member (capture, "packets");

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      g_autoptr(GBytes) identity_seed = NULL;
      g_autoptr(GBytes) identity_public = NULL;
      g_autoptr(GBytes) sphinx_secret = NULL;
      g_autoptr(GBytes) sphinx_public = NULL;

      if (g_strcmp0 (json_object_get_string_member (node, "label"), "gateway") != 0)
        continue;
      identity_seed = crypto_test_json_hex (node, "ed25519_seed");
      identity_public = crypto_test_json_hex (node, "ed25519_public");
      sphinx_secret = crypto_test_json_hex (node, "x25519_sphinx_private");
      sphinx_public = crypto_test_json_hex (node, "x25519_sphinx_public");
      write_key_file (fixture->dir, "identity.key", identity_seed);
      write_key_file (fixture->dir, "identity.pub", identity_public);
      write_key_file (fixture->dir, "sphinx.key", sphinx_secret);
      write_key_file (fixture->dir, "sphinx.pub", sphinx_public);
    }

  /* The registration the real client made, put straight into the gateway's store. */
  client_seed = crypto_test_json_hex (client_info, "ed25519_private");
  shared_key = crypto_test_json_hex (client_info, "gateway_shared_key");
  {
    g_autofree char *path = g_build_filename (fixture->dir, "gateway.sqlite", NULL);
    g_autoptr(LocalnetGatewayStore) store = localnet_gateway_store_open (path, &error);
    g_autoptr(GBytes) identity = crypto_test_json_hex (client_info, "ed25519_public");
    g_autofree char *address = nym_base58_encode (g_bytes_get_data (identity, NULL), 32);

    g_assert_no_error (error);
    g_assert_true (localnet_gateway_store_register (store, address, g_bytes_get_data (shared_key, NULL), &error));
    g_assert_no_error (error);
  }
  /* Mix 1 of the capture listened on 127.0.0.1:11791: the SURB-ACKs and the client's packets
   * go there. Those checks need that port, which another program may hold. */
  {
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 11791);

    real_mix.bytes = g_byte_array_new ();
    real_mix.connections = g_ptr_array_new_with_free_func (g_object_unref);
    real_mix.service = g_socket_service_new ();
    have_first_mix = g_socket_listener_add_address (G_SOCKET_LISTENER (real_mix.service), address,
                                                    G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, NULL, NULL);
    real_mix.port = 11791;
    g_signal_connect (real_mix.service, "incoming", G_CALLBACK (on_fake_mix_incoming), &real_mix);
    g_socket_service_start (real_mix.service);
  }
  gateway_start (fixture);

  client = client_new (fixture->gateway, g_bytes_get_data (client_seed, NULL));
  memcpy (client->shared_key, g_bytes_get_data (shared_key, NULL), 32);
  reply = client_authenticate (client, now_seconds (), NULL);
  g_assert_cmpint (client_claim (client), >, 0);

  /* (1) Final hops: the packet after mix 3 in, the delivered bytes out. */
  for (guint i = 0; i < json_array_get_length (packets); i++)
    {
      JsonObject *packet = json_array_get_object_element (packets, i);
      JsonArray *hops = json_object_get_array_member (packet, "hops");
      JsonObject *last_mix = json_array_get_object_element (hops, json_array_get_length (hops) - 2);
      JsonObject *final = json_object_get_object_member (packet, "final");
      g_autoptr(GBytes) arriving = crypto_test_json_hex (last_mix, "packet_after_hop");
      g_autoptr(GBytes) delivers = crypto_test_json_hex (final, "gateway_delivers");
      Received *received;

      send_to_mix_port (fixture, NYM_PACKET_SIZE_REGULAR, arriving);
      received = client_next (client);
      g_assert_cmpint (received->type, ==, SOUP_WEBSOCKET_DATA_BINARY);
      assert_pushed (client, received->data, g_bytes_get_data (delivers, NULL), g_bytes_get_size (delivers));
      received_free (received);

      if (have_first_mix)
        {
          JsonObject *surb_ack = json_object_get_object_member (final, "surb_ack");
          g_autoptr(GBytes) ack_packet = crypto_test_json_hex (surb_ack, "ack_packet");
          g_autoptr(GBytes) forwarded = NULL;
          NymNodeFrameHeader header;

          forwarded = fake_mix_next_frame (&real_mix, &header);
          g_assert_cmpint (header.size, ==, NYM_PACKET_SIZE_ACK);
          g_assert_cmpint (header.rotation, ==, NYM_KEY_ROTATION_ODD);
          g_assert_cmpmem (g_bytes_get_data (forwarded, NULL), g_bytes_get_size (forwarded),
                           g_bytes_get_data (ack_packet, NULL), g_bytes_get_size (ack_packet));
        }
    }
  g_assert_cmpuint (localnet_gateway_get_acks_forwarded (fixture->gateway), ==, json_array_get_length (packets));

  /* (2) The client's own frames. */

  if (have_first_mix)
    for (guint i = 0; i < json_array_get_length (packets); i++)
      {
        JsonObject *packet = json_array_get_object_element (packets, i);
        g_autoptr(GBytes) frame = crypto_test_json_hex (json_object_get_object_member (packet, "frame"), "hex");
        g_autoptr(GBytes) sphinx = crypto_test_json_hex (packet, "sphinx_packet");
        g_autoptr(GBytes) forwarded = NULL;
        g_autoptr(JsonObject) sent = NULL;
        NymNodeFrameHeader header;

        soup_websocket_connection_send_binary (client->connection, g_bytes_get_data (frame, NULL),
                                               g_bytes_get_size (frame));
        sent = client_next_json (client, NULL);
        assert_type (sent, "send");
        forwarded = fake_mix_next_frame (&real_mix, &header);
        g_assert_cmpint (header.size, ==, NYM_PACKET_SIZE_REGULAR);
        g_assert_cmpint (header.rotation, ==, NYM_KEY_ROTATION_ODD);
        g_assert_cmpmem (g_bytes_get_data (forwarded, NULL), g_bytes_get_size (forwarded),
                         g_bytes_get_data (sphinx, NULL), g_bytes_get_size (sphinx));
      }
  else
    g_test_message ("port 11791 is taken: the SURB-ACK and forwarding checks did not run");
  fake_mix_stop (&real_mix);
}

static gboolean
send_sigterm (gpointer user_data)
{
  raise (SIGTERM);
  return G_SOURCE_REMOVE;
}

/* `nymph-localnet gateway`: usage errors, and a run that prints its facts and stops on SIGTERM. */
static void
test_command (void)
{
  if (g_test_subprocess ())
    {
      const char *mode = g_getenv ("GATEWAY_COMMAND_TEST");

      if (g_strcmp0 (mode, "usage") == 0)
        {
          char *args[] = { "gateway", "--ws-port", "9000", NULL };
          exit (localnet_gateway_command (3, args));
        }
      if (g_strcmp0 (mode, "bad-port") == 0)
        {
          char *args[] = { "gateway", "--dir", "/tmp/unused", "--mix-port", "70000", NULL };
          exit (localnet_gateway_command (5, args));
        }
      {
        g_autofree char *dir = g_dir_make_tmp ("test-gateway-command-XXXXXX", NULL);
        char *args[] = { "gateway", "--dir", dir, NULL };
        int status;

        g_timeout_add (300, send_sigterm, NULL);
        status = localnet_gateway_command (3, args);
        remove_tree (dir);
        exit (status);
      }
    }

  g_setenv ("GATEWAY_COMMAND_TEST", "usage", TRUE);
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Usage: nymph-localnet gateway --dir DIR*");

  g_setenv ("GATEWAY_COMMAND_TEST", "bad-port", TRUE);
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Usage:*");

  g_setenv ("GATEWAY_COMMAND_TEST", "run", TRUE);
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("identity: *\nsphinx-key: *\nws-url: ws://127.0.0.1:*\nmix-address: 127.0.0.1:*\n"
                             "nymph-localnet: ready */localnet.json\n");
  g_test_trap_assert_stderr ("nymph-localnet: gateway-1 clients=0 registrations=0 authentications=0 "
                             "client-packets=0 packets-in=0 packets-out=0 acks-forwarded=0 "
                             "retransmissions=0 stored-messages=0 bandwidth-claims=0\n");
  g_unsetenv ("GATEWAY_COMMAND_TEST");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add_func ("/localnet/gateway/new-and-finalize", test_new_and_finalize);
  g_test_add_func ("/localnet/gateway/command", test_command);
  g_test_add ("/localnet/gateway/register-vector", Fixture, GINT_TO_POINTER (1), fixture_setup,
              test_register_vector, fixture_teardown);
  g_test_add ("/localnet/gateway/real-client-packets", Fixture, GINT_TO_POINTER (1), fixture_setup,
              test_real_client_packets, fixture_teardown);
  g_test_add ("/localnet/gateway/register-and-authenticate", Fixture, NULL, fixture_setup,
              test_register_and_authenticate, fixture_teardown);
  g_test_add ("/localnet/gateway/bad-input-before-auth", Fixture, NULL, fixture_setup,
              test_bad_input_before_auth, fixture_teardown);
  g_test_add ("/localnet/gateway/authenticate-refusals", Fixture, NULL, fixture_setup,
              test_authenticate_refusals, fixture_teardown);
  g_test_add ("/localnet/gateway/bad-input-after-auth", Fixture, NULL, fixture_setup,
              test_bad_input_after_auth, fixture_teardown);
  g_test_add ("/localnet/gateway/bandwidth", Fixture, NULL, fixture_setup, test_bandwidth, fixture_teardown);
  g_test_add ("/localnet/gateway/forward", Fixture, NULL, fixture_setup, test_forward, fixture_teardown);
  g_test_add ("/localnet/gateway/final-hop-live", Fixture, NULL, fixture_setup, test_final_hop_live, fixture_teardown);
  g_test_add ("/localnet/gateway/final-hop-offline", Fixture, NULL, fixture_setup, test_final_hop_offline,
              fixture_teardown);
  g_test_add ("/localnet/gateway/inbox-after-restart", Fixture, GINT_TO_POINTER (2), fixture_setup,
              test_final_hop_offline, fixture_teardown);
  g_test_add ("/localnet/gateway/duplicate-session", Fixture, NULL, fixture_setup, test_duplicate_session,
              fixture_teardown);
  g_test_add ("/localnet/gateway/pre-auth-timeout", Fixture, NULL, fixture_setup, test_pre_auth_timeout,
              fixture_teardown);
  g_test_add ("/localnet/gateway/duplicate-session-dead", Fixture, NULL, fixture_setup, test_duplicate_session_dead,
              fixture_teardown);
  return g_test_run ();
}
