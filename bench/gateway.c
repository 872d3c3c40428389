/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of the local gateway: client packets forwarded and final-hop packets pushed per second, against their bare crypto. */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>

#include "crypto/nym-aes.h"
#include "crypto/nym-hkdf.h"
#include "crypto/nym-keys.h"
#include "gateway/localnet-gateway.h"
#include "packet/nym-gateway-frame.h"
#include "packet/nym-node-frame.h"
#include "sphinx/nym-sphinx-packet.h"

#define N_FORWARD   4000
#define N_FINAL     3000
#define PACKET_LEN  2413
#define PAYLOAD_LEN (PACKET_LEN - NYM_SPHINX_HEADER_SIZE)

typedef struct
{
  SoupWebsocketConnection *connection;
  GQueue                   texts;     /* char *, replies not yet read */
  guint                    sends;     /* `send` replies seen */
  guint                    pushes;    /* binary frames seen */
  uint8_t                  identity_public[32];
  uint8_t                  identity_secret[64];
  uint8_t                  key[32];
} Client;

static guint64 sink_bytes;

static void
on_message (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  Client *client = user_data;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);

  if (type == SOUP_WEBSOCKET_DATA_BINARY)
    client->pushes++;
  else if (g_strstr_len (data, (gssize) len, "\"type\":\"send\"") != NULL)
    client->sends++;
  else
    g_queue_push_tail (&client->texts, g_strndup (data, len));
}

static char *
next_text (Client *client)
{
  while (g_queue_is_empty (&client->texts))
    g_main_context_iteration (NULL, TRUE);
  return g_queue_pop_head (&client->texts);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Client *client = user_data;

  client->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);
  if (client->connection == NULL)
    g_error ("cannot connect to the gateway");
  g_signal_connect (client->connection, "message", G_CALLBACK (on_message), client);
}

static void
connect_client (SoupSession     *session,
                LocalnetGateway *gateway,
                Client          *client)
{
  g_autofree char *url = localnet_gateway_dup_ws_url (gateway);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);

  client->connection = NULL;
  soup_session_websocket_connect_async (session, message, NULL, NULL, G_PRIORITY_DEFAULT, NULL, on_connected, client);
  while (client->connection == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static GBytes *
json_data (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;
  GByteArray *bytes = g_byte_array_new ();

  if (!json_parser_load_from_data (parser, text, -1, NULL))
    g_error ("bad JSON from the gateway: %s", text);
  array = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "data");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      uint8_t byte = (uint8_t) json_array_get_int_element (array, i);
      g_byte_array_append (bytes, &byte, 1);
    }
  return g_byte_array_free_to_bytes (bytes);
}

static char *
handshake_json (const uint8_t *data,
                size_t         len)
{
  GString *json = g_string_new ("{\"type\":\"handshakePayload\",\"protocol_version\":3,\"data\":[");

  for (size_t i = 0; i < len; i++)
    g_string_append_printf (json, "%s%u", i ? "," : "", data[i]);
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

/* Registration (§1.4) on a first connection, then AuthenticateV2 and a bandwidth claim on a
 * second one, as the real client does. */
static void
open_session (SoupSession     *session,
              LocalnetGateway *gateway,
              Client          *client)
{
  uint8_t seed[32], x[32], X[32], salt[16], init[80], dh[32], signature[64], signed_data[101], final[92];
  uint8_t nonce[12], ciphertext[48];
  g_autofree char *json = NULL;
  g_autofree char *ct = NULL;
  g_autofree char *nonce_text = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GString) auth = NULL;
  const uint8_t *Y;
  uint64_t now = (uint64_t) (g_get_real_time () / G_USEC_PER_SEC);

  nym_random_bytes (seed, sizeof seed);
  nym_ed25519_keypair_from_seed (client->identity_public, client->identity_secret, seed);
  connect_client (session, gateway, client);
  nym_x25519_keypair (X, x);
  nym_random_bytes (salt, sizeof salt);
  memcpy (init, client->identity_public, 32);
  memcpy (init + 32, X, 32);
  memcpy (init + 64, salt, 16);
  json = handshake_json (init, sizeof init);
  soup_websocket_connection_send_text (client->connection, json);
  g_free (json);
  json = next_text (client);
  answer = json_data (json);
  Y = g_bytes_get_data (answer, NULL);
  if (g_bytes_get_size (answer) != 124 || !nym_x25519 (dh, x, Y) ||
      !nym_hkdf (NYM_HKDF_BLAKE3, salt, 16, dh, 32, NULL, 0, client->key, 32))
    g_error ("bad handshake answer: %s", json);
  memcpy (signed_data, X, 32);
  memcpy (signed_data + 32, Y, 32);
  nym_ed25519_sign (signature, signed_data, 64, client->identity_secret);
  nym_random_bytes (final + 80, 12);
  if (!nym_aes256_gcm_siv_encrypt (client->key, final + 80, NULL, 0, signature, 64, final))
    g_error ("GCM-SIV failed");
  g_free (json);
  json = handshake_json (final, sizeof final);
  soup_websocket_connection_send_text (client->connection, json);
  g_free (next_text (client));            /* [1] */
  g_free (next_text (client));            /* register */
  soup_websocket_connection_close (client->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  while (localnet_gateway_get_clients (gateway) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&client->connection);

  connect_client (session, gateway, client);
  nym_random_bytes (nonce, sizeof nonce);
  if (!nym_aes256_gcm_siv_encrypt (client->key, nonce, NULL, 0, client->identity_public, 32, ciphertext))
    g_error ("GCM-SIV failed");
  signed_data[0] = 4;
  memcpy (signed_data + 1, client->identity_public, 32);
  memcpy (signed_data + 33, ciphertext, 48);
  memcpy (signed_data + 81, nonce, 12);
  for (int i = 0; i < 8; i++)
    signed_data[93 + i] = (uint8_t) (now >> (8 * (7 - i)));
  nym_ed25519_sign (signature, signed_data, sizeof signed_data, client->identity_secret);
  ct = g_base64_encode (ciphertext, sizeof ciphertext);
  nonce_text = g_base64_encode (nonce, sizeof nonce);
  auth = g_string_new ("{\"type\":\"authenticateV2\",\"protocolVersion\":4,\"clientIdentity\":[");
  for (int i = 0; i < 32; i++)
    g_string_append_printf (auth, "%s%u", i ? "," : "", client->identity_public[i]);
  g_string_append_printf (auth, "],\"addressCiphertext\":\"%s\",\"nonce\":\"%s\",\"requestUnixTimestamp\":%"
                          G_GUINT64_FORMAT ",\"requestSignature\":[", ct, nonce_text, now);
  for (int i = 0; i < 64; i++)
    g_string_append_printf (auth, "%s%u", i ? "," : "", signature[i]);
  g_string_append (auth, "]}");
  soup_websocket_connection_send_text (client->connection, auth->str);
  g_free (json);
  json = next_text (client);
  if (strstr (json, "\"authenticate\"") == NULL)
    g_error ("not authenticated: %s", json);
  soup_websocket_connection_send_text (client->connection, "{\"type\":\"claimFreeTestnetBandwidth\"}");
  g_free (next_text (client));
}

static gboolean
on_sink_incoming (GSocketService    *service,
                  GSocketConnection *connection,
                  GObject           *source,
                  gpointer           user_data);

static void
on_sink_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GSocketConnection *connection = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);
  uint8_t *buffer = g_object_get_data (G_OBJECT (connection), "buffer");

  if (n <= 0)
    {
      g_object_unref (connection);
      return;
    }
  sink_bytes += (guint64) n;
  g_input_stream_read_async (G_INPUT_STREAM (source), buffer, 65536, G_PRIORITY_DEFAULT, NULL, on_sink_read,
                             connection);
}

static gboolean
on_sink_incoming (GSocketService    *service,
                  GSocketConnection *connection,
                  GObject           *source,
                  gpointer           user_data)
{
  uint8_t *buffer = g_malloc (65536);

  g_object_set_data_full (G_OBJECT (connection), "buffer", buffer, g_free);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buffer, 65536,
                             G_PRIORITY_DEFAULT, NULL, on_sink_read, g_object_ref (connection));
  return TRUE;
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

int
main (void)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  g_autofree char *dir = g_dir_make_tmp ("bench-gateway-XXXXXX", NULL);
  g_autoptr(LocalnetGateway) gateway = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GSocketService) sink = g_socket_service_new ();
  g_autoptr(GSocketAddress) sink_address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) mix_link = NULL;
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_autoptr(GByteArray) final_frames = g_byte_array_new ();
  g_autofree uint8_t *packets = g_malloc ((size_t) N_FINAL * PACKET_LEN);
  g_autofree uint8_t *scratch = g_malloc (PACKET_LEN);
  Client client = { 0 };
  NymNodeAddress hop;
  NymSphinxNode route[1];
  NymSphinxDestination destination;
  uint64_t delays[1] = { 0 };
  uint8_t message[PAYLOAD_LEN - NYM_SPHINX_PAYLOAD_OVERHEAD], secret[32];
  gint64 start, open_us, forward_us, unwrap_us, final_us;
  double open_per_s, forward_per_s, unwrap_per_s, final_per_s;
  uint8_t kind;

  if (sodium_init () < 0)
    return 1;
  g_queue_init (&client.texts);

  sink_address = g_inet_socket_address_new (lo, 0);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (sink), sink_address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, NULL))
    return 1;
  g_signal_connect (sink, "incoming", G_CALLBACK (on_sink_incoming), NULL);
  g_socket_service_start (sink);
  nym_node_address_init_ipv4 (&hop, loopback, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));

  gateway = localnet_gateway_new (dir, 0, 0);
  if (!localnet_gateway_start (gateway, NULL))
    return 1;
  open_session (session, gateway, &client);

  /* Client → gateway → first hop: ForwardSphinxV2 frames of distinct 2413-byte packets. */
  for (guint i = 0; i < N_FORWARD; i++)
    {
      uint8_t packet[PACKET_LEN], nonce[12];
      g_autoptr(GByteArray) plaintext = NULL;

      nym_random_bytes (packet, sizeof packet);
      nym_random_bytes (nonce, sizeof nonce);
      plaintext = nym_forward_sphinx_encode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, NYM_PACKET_TYPE_MIX,
                                             NYM_KEY_ROTATION_ODD, &hop, packet, sizeof packet, NULL);
      g_ptr_array_add (frames, nym_gateway_frame_seal (2, client.key, nonce, plaintext->data, plaintext->len, NULL));
    }
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_FORWARD; i++)
    {
      GByteArray *frame = g_ptr_array_index (frames, i);
      g_autoptr(GByteArray) opened = nym_gateway_frame_open (client.key, frame->data, frame->len, &kind, NULL);

      if (opened == NULL)
        return 1;
    }
  open_us = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_FORWARD; i++)
    {
      GByteArray *frame = g_ptr_array_index (frames, i);
      soup_websocket_connection_send_binary (client.connection, frame->data, frame->len);
    }
  while (client.sends < N_FORWARD || sink_bytes < (guint64) N_FORWARD * (PACKET_LEN + 4))
    g_main_context_iteration (NULL, TRUE);
  forward_us = g_get_monotonic_time () - start;

  /* First mix → gateway (final hop) → client: one-hop packets for the connected client. */
  {
    NymNodeAddress self;
    g_autofree char *sphinx_key_path = g_build_filename (dir, "sphinx.key", NULL);
    g_autofree char *sphinx_secret = NULL;
    gsize secret_len = 0;

    nym_node_address_init_ipv4 (&self, loopback, localnet_gateway_get_mix_port (gateway));
    memset (route[0].address, 0, sizeof route[0].address);
    nym_node_address_encode_padded (&self, route[0].address, NYM_SPHINX_NODE_ADDRESS_LENGTH);
    memcpy (route[0].pub, localnet_gateway_get_sphinx_public_key (gateway), 32);
    memcpy (destination.address, client.identity_public, 32);
    memset (destination.identifier, 0, sizeof destination.identifier);
    for (guint i = 0; i < N_FINAL; i++)
      {
        NymNodeFrameHeader header = { NYM_NODE_FRAME_VERSION_CURRENT, NYM_PACKET_SIZE_REGULAR,
                                      NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_ODD };
        uint8_t *packet = packets + (size_t) i * PACKET_LEN;

        /* A SURB-ACK whose first hop is the sink, then the message. */
        nym_random_bytes (message, sizeof message);
        nym_node_address_encode_padded (&hop, message, NYM_NODE_ADDRESS_MAX_UNPADDED);
        nym_random_bytes (secret, sizeof secret);
        if (!nym_sphinx_packet_create (NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS, route, 1, &destination, delays,
                                       secret, message, sizeof message, PAYLOAD_LEN, packet, NULL) ||
            !nym_node_frame_encode (&header, packet, PACKET_LEN, final_frames, NULL))
          return 1;
      }

    /* The baseline: the same unwraps with the gateway's own key, without any I/O. */
    if (!g_file_get_contents (sphinx_key_path, &sphinx_secret, &secret_len, NULL) || secret_len != 32)
      return 1;
    start = g_get_monotonic_time ();
    for (guint i = 0; i < N_FINAL; i++)
      {
        NymSphinxUnwrapped result;

        if (!nym_sphinx_packet_unwrap ((const uint8_t *) sphinx_secret, packets + (size_t) i * PACKET_LEN,
                                       PACKET_LEN, scratch, &result, NULL))
          return 1;
      }
    unwrap_us = g_get_monotonic_time () - start;
    sodium_memzero (sphinx_secret, secret_len);
  }

  mix_link = g_socket_client_connect_to_host (socket_client, "127.0.0.1", localnet_gateway_get_mix_port (gateway),
                                              NULL, NULL);
  if (mix_link == NULL)
    return 1;
  start = g_get_monotonic_time ();
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (mix_link)), final_frames->data,
                                   final_frames->len, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  while (client.pushes < N_FINAL)
    g_main_context_iteration (NULL, TRUE);
  final_us = g_get_monotonic_time () - start;

  open_per_s = (double) N_FORWARD * G_USEC_PER_SEC / (double) open_us;
  forward_per_s = (double) N_FORWARD * G_USEC_PER_SEC / (double) forward_us;
  unwrap_per_s = (double) N_FINAL * G_USEC_PER_SEC / (double) unwrap_us;
  final_per_s = (double) N_FINAL * G_USEC_PER_SEC / (double) final_us;
  printf ("gateway forward_per_s=%.0f frame_open_per_s=%.0f forward_ratio=%.3f "
          "final_hop_per_s=%.0f unwrap_per_s=%.0f final_hop_ratio=%.3f\n",
          forward_per_s, open_per_s, forward_per_s / open_per_s,
          final_per_s, unwrap_per_s, final_per_s / unwrap_per_s);

  soup_websocket_connection_close (client.connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_io_stream_close (G_IO_STREAM (mix_link), NULL, NULL);
  localnet_gateway_stop (gateway);
  g_clear_object (&client.connection);
  g_queue_clear_full (&client.texts, g_free);
  g_socket_service_stop (sink);
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  remove_tree (dir);
  return 0;
}
