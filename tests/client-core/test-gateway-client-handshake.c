/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the client's half of the gateway handshake, AuthenticateV2 and the JSON text messages against the spec §9.2 vectors. */
#include <string.h>
#include <sodium.h>

#include "crypto-test-vectors.h"
#include "crypto/nym-keys.h"
#include "gateway/nym-gateway-handshake.h"
#include "gateway/nym-gateway-messages.h"

typedef struct
{
  GKeyFile *vectors;
  uint8_t   client_public[32];
  uint8_t   client_secret[64];
  uint8_t   gateway_identity[32];
} Fixture;

static void
copy_vector (GKeyFile   *vectors,
             const char *group,
             const char *key,
             uint8_t    *out,
             size_t      len)
{
  g_autoptr(GBytes) bytes = crypto_test_vector (vectors, group, key);

  g_assert_cmpuint (g_bytes_get_size (bytes), ==, len);
  memcpy (out, g_bytes_get_data (bytes, NULL), len);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  uint8_t seed[32];
  uint8_t expected_public[32];

  fixture->vectors = crypto_test_load_vectors ("gateway-handshake.vectors");
  copy_vector (fixture->vectors, "handshake", "client_seed", seed, 32);
  nym_ed25519_keypair_from_seed (fixture->client_public, fixture->client_secret, seed);
  copy_vector (fixture->vectors, "handshake", "client_identity", expected_public, 32);
  g_assert_cmpmem (fixture->client_public, 32, expected_public, 32);
  copy_vector (fixture->vectors, "handshake", "gateway_identity", fixture->gateway_identity, 32);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_key_file_free (fixture->vectors);
}

/* Runs init with the vector's ephemeral secret and salt and checks the 80-byte message. */
static NymGatewayHandshake *
vector_init (Fixture *fixture)
{
  NymGatewayHandshake *handshake = nym_gateway_handshake_new ();
  g_autoptr(GBytes) expected = crypto_test_vector (fixture->vectors, "handshake", "init");
  uint8_t ephemeral[32], salt[16], init[NYM_GATEWAY_HANDSHAKE_INIT_LEN];

  copy_vector (fixture->vectors, "handshake", "client_ephemeral_secret", ephemeral, 32);
  copy_vector (fixture->vectors, "handshake", "salt", salt, 16);
  nym_gateway_handshake_init (handshake, fixture->client_public, ephemeral, salt, init);
  crypto_test_assert_bytes (init, sizeof init, expected);
  return handshake;
}

/* §9.2: the whole client side reproduces the vector byte for byte (Ed25519 is deterministic). */
static void
test_handshake_vector (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(NymGatewayHandshake) handshake = vector_init (fixture);
  g_autoptr(GBytes) gateway_message = crypto_test_vector (fixture->vectors, "handshake", "gateway_message");
  g_autoptr(GBytes) client_message = crypto_test_vector (fixture->vectors, "handshake", "client_message");
  g_autoptr(GBytes) shared_key = crypto_test_vector (fixture->vectors, "handshake", "shared_key");
  g_autoptr(GError) error = NULL;
  uint8_t nonce[12], final[NYM_GATEWAY_HANDSHAKE_FINAL_LEN];

  copy_vector (fixture->vectors, "handshake", "client_nonce", nonce, 12);
  g_assert_true (nym_gateway_handshake_respond (handshake, fixture->gateway_identity, fixture->client_secret,
                                                g_bytes_get_data (gateway_message, NULL),
                                                g_bytes_get_size (gateway_message), nonce, final, &error));
  g_assert_no_error (error);
  crypto_test_assert_bytes (final, sizeof final, client_message);
  crypto_test_assert_bytes (handshake->shared_key, 32, shared_key);
}

/* A gateway that is not the one the topology names, a changed byte anywhere, or a message of
 * the wrong size: refused with a GError, and the output buffer is not written. */
static void
test_handshake_refusals (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GBytes) gateway_message = crypto_test_vector (fixture->vectors, "handshake", "gateway_message");
  const uint8_t *message = g_bytes_get_data (gateway_message, NULL);
  size_t len = g_bytes_get_size (gateway_message);
  uint8_t nonce[12] = { 0 }, final[NYM_GATEWAY_HANDSHAKE_FINAL_LEN], untouched[NYM_GATEWAY_HANDSHAKE_FINAL_LEN];
  uint8_t other_identity[32], other_secret[64], seed[32];
  uint8_t zeros[32] = { 0 };

  memset (final, 0x5a, sizeof final);
  memcpy (untouched, final, sizeof final);

  /* The wrong gateway identity (a valid key, just not the signer's). */
  memset (seed, 0x77, sizeof seed);
  nym_ed25519_keypair_from_seed (other_identity, other_secret, seed);
  {
    g_autoptr(NymGatewayHandshake) handshake = vector_init (fixture);
    g_autoptr(GError) error = NULL;

    g_assert_false (nym_gateway_handshake_respond (handshake, other_identity, fixture->client_secret,
                                                   message, len, nonce, final, &error));
    g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_BAD_SIGNATURE);
    g_assert_nonnull (strstr (error->message, "not the expected gateway"));
    g_assert_cmpmem (final, sizeof final, untouched, sizeof untouched);
    g_assert_cmpmem (handshake->shared_key, 32, zeros, 32);
  }

  /* Every single-bit change in Y, the ciphertext or the nonce is caught. */
  for (size_t i = 0; i < len; i += 7)
    {
      g_autoptr(NymGatewayHandshake) handshake = vector_init (fixture);
      g_autoptr(GError) error = NULL;
      g_autofree uint8_t *tampered = g_memdup2 (message, len);

      tampered[i] ^= 0x01;
      g_assert_false (nym_gateway_handshake_respond (handshake, fixture->gateway_identity, fixture->client_secret,
                                                     tampered, len, nonce, final, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == NYM_GATEWAY_ERROR);
      g_assert_cmpmem (final, sizeof final, untouched, sizeof untouched);
    }

  /* Lengths: the legacy 96-byte form, one byte short or long, nothing. */
  {
    static const size_t lengths[] = { 0, 96, NYM_GATEWAY_HANDSHAKE_RESPONSE_LEN - 1, NYM_GATEWAY_HANDSHAKE_RESPONSE_LEN + 1 };
    g_autofree uint8_t *longer = g_malloc0 (len + 1);

    memcpy (longer, message, len);
    for (size_t i = 0; i < G_N_ELEMENTS (lengths); i++)
      {
        g_autoptr(NymGatewayHandshake) handshake = vector_init (fixture);
        g_autoptr(GError) error = NULL;

        g_assert_false (nym_gateway_handshake_respond (handshake, fixture->gateway_identity, fixture->client_secret,
                                                       longer, lengths[i], nonce, final, &error));
        g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL);
        g_assert_cmpmem (final, sizeof final, untouched, sizeof untouched);
      }
  }
}

/* §9.2 AuthenticateV2 (v=6): the ciphertext and the signature are the vector's bytes, and the
 * JSON carries them in the §1.5 forms. */
static void
test_auth_vector (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GBytes) expected_ciphertext = crypto_test_vector (fixture->vectors, "authenticate-v2", "address_ciphertext");
  g_autoptr(GBytes) expected_signature = crypto_test_vector (fixture->vectors, "authenticate-v2", "signature");
  g_autofree char *ciphertext_b64 = g_key_file_get_string (fixture->vectors, "authenticate-v2",
                                                           "address_ciphertext_base64", NULL);
  g_autofree char *nonce_b64 = g_key_file_get_string (fixture->vectors, "authenticate-v2", "nonce_base64", NULL);
  guint64 timestamp = g_key_file_get_uint64 (fixture->vectors, "authenticate-v2", "timestamp", NULL);
  int version = g_key_file_get_integer (fixture->vectors, "authenticate-v2", "protocol_version", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  NymGatewayAuthRequest request;
  uint8_t key[32], nonce[12];
  JsonObject *object;
  JsonArray *array;

  copy_vector (fixture->vectors, "handshake", "shared_key", key, 32);
  copy_vector (fixture->vectors, "authenticate-v2", "nonce", nonce, 12);
  g_assert_true (nym_gateway_auth_request_build (&request, (uint8_t) version, fixture->client_public,
                                                 fixture->client_secret, key, nonce, timestamp, &error));
  g_assert_no_error (error);
  crypto_test_assert_bytes (request.address_ciphertext, sizeof request.address_ciphertext, expected_ciphertext);
  crypto_test_assert_bytes (request.signature, sizeof request.signature, expected_signature);

  json = nym_gateway_auth_request_to_json (&request);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "authenticateV2");
  g_assert_cmpint (json_object_get_int_member (object, "protocolVersion"), ==, version);
  g_assert_cmpstr (json_object_get_string_member (object, "addressCiphertext"), ==, ciphertext_b64);
  g_assert_cmpstr (json_object_get_string_member (object, "nonce"), ==, nonce_b64);
  g_assert_cmpuint ((guint64) json_object_get_int_member (object, "requestUnixTimestamp"), ==, timestamp);
  array = json_object_get_array_member (object, "clientIdentity");
  g_assert_cmpuint (json_array_get_length (array), ==, 32);
  for (guint i = 0; i < 32; i++)
    g_assert_cmpint (json_array_get_int_element (array, i), ==, fixture->client_public[i]);
  array = json_object_get_array_member (object, "requestSignature");
  g_assert_cmpuint (json_array_get_length (array), ==, 64);
  for (guint i = 0; i < 64; i++)
    g_assert_cmpint (json_array_get_int_element (array, i), ==, request.signature[i]);
}

static void
test_auth_bad_version (Fixture       *fixture,
                       gconstpointer  data)
{
  static const uint8_t versions[] = { 0, 1, 3, 7, 255 };
  uint8_t key[32] = { 0 }, nonce[12] = { 0 };

  for (size_t i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autoptr(GError) error = NULL;
      NymGatewayAuthRequest request;

      g_assert_false (nym_gateway_auth_request_build (&request, versions[i], fixture->client_public,
                                                      fixture->client_secret, key, nonce, 1, &error));
      g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_INCOMPATIBLE);
    }
}

static void
test_request_json (void)
{
  static const uint8_t data[] = { 0, 1, 255 };
  g_autofree char *simple = nym_gateway_request_simple_json ("supportedProtocol");
  g_autofree char *payload = nym_gateway_handshake_payload_json (6, data, sizeof data);
  g_autofree char *abort_json = nym_gateway_handshake_error_json ("bad \"sig\"");

  /* §1.3/§1.4: snake_case fields, bytes as an array of integers. */
  g_assert_cmpstr (simple, ==, "{\"type\":\"supportedProtocol\"}");
  g_assert_cmpstr (payload, ==, "{\"type\":\"handshakePayload\",\"protocol_version\":6,\"data\":[0,1,255]}");
  g_assert_cmpstr (abort_json, ==, "{\"type\":\"handshakeError\",\"message\":\"bad \\\"sig\\\"\"}");
}

static void
parse_ok (const char      *text,
          NymGatewayReply *reply)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (nym_gateway_reply_parse (text, strlen (text), reply, &error));
  g_assert_no_error (error);
}

/* §1.7: every ServerResponse the client uses, with and without upgrade_mode, unknown fields
 * ignored. */
static void
test_reply_parse (void)
{
  NymGatewayReply reply;

  parse_ok ("{\"type\":\"supportedProtocol\",\"version\":6}", &reply);
  g_assert_cmpint (reply.type, ==, NYM_GATEWAY_REPLY_SUPPORTED_PROTOCOL);
  g_assert_cmpuint (reply.version, ==, 6);
  nym_gateway_reply_clear (&reply);

  parse_ok ("{\"type\":\"handshakePayload\",\"protocol_version\":5,\"data\":[1]}", &reply);
  g_assert_cmpint (reply.type, ==, NYM_GATEWAY_REPLY_HANDSHAKE_PAYLOAD);
  g_assert_cmpuint (reply.version, ==, 5);
  g_assert_cmpuint (reply.data->len, ==, 1);
  g_assert_cmpuint (reply.data->data[0], ==, 1);
  nym_gateway_reply_clear (&reply);

  parse_ok ("{\"type\":\"register\",\"protocol_version\":6,\"status\":true,\"upgrade_mode\":false}", &reply);
  g_assert_cmpint (reply.type, ==, NYM_GATEWAY_REPLY_REGISTER);
  g_assert_true (reply.status);
  g_assert_false (reply.upgrade_mode);
  nym_gateway_reply_clear (&reply);

  parse_ok ("{\"type\":\"authenticate\",\"protocol_version\":4,\"status\":true,\"bandwidth_remaining\":68719476736}",
            &reply);
  g_assert_cmpint (reply.type, ==, NYM_GATEWAY_REPLY_AUTHENTICATE);
  g_assert_cmpint (reply.bandwidth, ==, G_GINT64_CONSTANT (68719476736));
  nym_gateway_reply_clear (&reply);

  parse_ok ("{\"type\":\"bandwidth\",\"available_total\":12,\"upgrade_mode\":true,\"extra\":[1,2]}", &reply);
  g_assert_cmpint (reply.type, ==, NYM_GATEWAY_REPLY_BANDWIDTH);
  g_assert_cmpint (reply.bandwidth, ==, 12);
  g_assert_true (reply.upgrade_mode);
  nym_gateway_reply_clear (&reply);

  parse_ok ("{\"type\":\"send\",\"remaining_bandwidth\":-5}", &reply);
  g_assert_cmpint (reply.type, ==, NYM_GATEWAY_REPLY_SEND);
  g_assert_cmpint (reply.bandwidth, ==, -5);
  nym_gateway_reply_clear (&reply);

  parse_ok ("{\"type\":\"error\",\"message\":\"client is not registered\"}", &reply);
  g_assert_cmpint (reply.type, ==, NYM_GATEWAY_REPLY_ERROR);
  g_assert_cmpstr (reply.message, ==, "client is not registered");
  nym_gateway_reply_clear (&reply);

  parse_ok ("{\"type\":\"handshakeError\",\"message\":\"timed out\"}", &reply);
  g_assert_cmpint (reply.type, ==, NYM_GATEWAY_REPLY_HANDSHAKE_ERROR);
  g_assert_cmpstr (reply.message, ==, "timed out");
  nym_gateway_reply_clear (&reply);

  parse_ok ("{\"type\":\"typedError\",\"error\":{\"out_of_bandwidth\":{\"required\":2413,\"available\":100}}}", &reply);
  g_assert_cmpint (reply.type, ==, NYM_GATEWAY_REPLY_OUT_OF_BANDWIDTH);
  g_assert_cmpint (reply.required, ==, 2413);
  g_assert_cmpint (reply.bandwidth, ==, 100);
  nym_gateway_reply_clear (&reply);

  parse_ok ("{\"type\":\"typedError\",\"error\":\"ticket_replay\"}", &reply);
  g_assert_cmpint (reply.type, ==, NYM_GATEWAY_REPLY_TICKET_REPLAY);
  nym_gateway_reply_clear (&reply);
}

/* Bad input of every kind: a GError in NYM_GATEWAY_ERROR, and out untouched. */
static void
test_reply_parse_bad (void)
{
  static const char *const bad[] = {
    "",
    "not json",
    "[1,2]",
    "{\"version\":6}",
    "{\"type\":5}",
    "{\"type\":\"whatever\"}",
    "{\"type\":\"supportedProtocol\"}",
    "{\"type\":\"supportedProtocol\",\"version\":\"6\"}",
    "{\"type\":\"supportedProtocol\",\"version\":256}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":6}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":6,\"data\":[256]}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":6,\"data\":[-1]}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":6,\"data\":[\"a\"]}",
    "{\"type\":\"register\",\"protocol_version\":6}",
    "{\"type\":\"register\",\"protocol_version\":6,\"status\":1}",
    "{\"type\":\"authenticate\",\"protocol_version\":6,\"status\":true}",
    "{\"type\":\"bandwidth\",\"available_total\":1.5}",
    "{\"type\":\"send\"}",
    "{\"type\":\"error\"}",
    "{\"type\":\"typedError\",\"error\":\"unknown\"}",
    "{\"type\":\"typedError\",\"error\":{\"out_of_bandwidth\":{\"required\":1}}}",
  };

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      NymGatewayReply reply;

      memset (&reply, 0xa5, sizeof reply);
      g_assert_false (nym_gateway_reply_parse (bad[i], strlen (bad[i]), &reply, &error));
      g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL);
      g_assert_cmpuint (((uint8_t *) &reply)[0], ==, 0xa5);
    }
}

/* The real 1.4.1 client's text frames (tests/data/wasm-client-packets.json): rebuilt from the
 * captured keys, nonce and timestamp, our requests are the same bytes, field order included. */
static void
test_real_client_requests (void)
{
  g_autoptr(JsonParser) parser = crypto_test_load_json ("wasm-client-packets.json");
  JsonArray *captures = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                      "captures");
  guint checked_auth = 0, checked_payloads = 0, checked_simple = 0;

  for (guint i = 0; i < json_array_get_length (captures); i++)
    {
      JsonObject *capture = json_array_get_object_element (captures, i);
      JsonObject *client;
      JsonArray *frames;
      g_autoptr(GBytes) seed = NULL;
      g_autoptr(GBytes) shared_key = NULL;
      uint8_t identity_public[32], identity_secret[64];

      if (!json_object_has_member (capture, "control_frames"))
        continue;
      client = json_object_get_object_member (capture, "client");
      seed = crypto_test_json_hex (client, "ed25519_private");
      shared_key = crypto_test_json_hex (client, "gateway_shared_key");
      g_assert_cmpuint (g_bytes_get_size (seed), ==, 32);
      g_assert_cmpuint (g_bytes_get_size (shared_key), ==, 32);
      nym_ed25519_keypair_from_seed (identity_public, identity_secret, g_bytes_get_data (seed, NULL));

      frames = json_object_get_array_member (capture, "control_frames");
      for (guint j = 0; j < json_array_get_length (frames); j++)
        {
          JsonObject *frame = json_array_get_object_element (frames, j);
          const char *text = json_object_get_string_member (frame, "text");
          g_autoptr(JsonParser) inner = json_parser_new ();
          g_autoptr(GError) error = NULL;
          g_autofree char *ours = NULL;
          JsonObject *request;
          const char *type;

          if (g_strcmp0 (json_object_get_string_member (frame, "dir"), "client->gw") != 0)
            continue;
          g_assert_true (json_parser_load_from_data (inner, text, -1, &error));
          request = json_node_get_object (json_parser_get_root (inner));
          type = json_object_get_string_member (request, "type");

          if (g_str_equal (type, "authenticateV2"))
            {
              NymGatewayAuthRequest auth;
              gsize nonce_len = 0;
              g_autofree guchar *nonce = g_base64_decode (json_object_get_string_member (request, "nonce"), &nonce_len);
              JsonArray *identity = json_object_get_array_member (request, "clientIdentity");

              g_assert_cmpuint (nonce_len, ==, 12);
              for (guint k = 0; k < 32; k++)
                g_assert_cmpint (json_array_get_int_element (identity, k), ==, identity_public[k]);
              g_assert_true (nym_gateway_auth_request_build (&auth,
                                                             (uint8_t) json_object_get_int_member (request, "protocolVersion"),
                                                             identity_public, identity_secret,
                                                             g_bytes_get_data (shared_key, NULL), nonce,
                                                             (uint64_t) json_object_get_int_member (request, "requestUnixTimestamp"),
                                                             &error));
              g_assert_no_error (error);
              ours = nym_gateway_auth_request_to_json (&auth);
              checked_auth++;
            }
          else if (g_str_equal (type, "handshakePayload"))
            {
              JsonArray *array = json_object_get_array_member (request, "data");
              g_autoptr(GByteArray) data = g_byte_array_new ();

              for (guint k = 0; k < json_array_get_length (array); k++)
                {
                  uint8_t byte = (uint8_t) json_array_get_int_element (array, k);

                  g_byte_array_append (data, &byte, 1);
                }
              ours = nym_gateway_handshake_payload_json ((uint8_t) json_object_get_int_member (request, "protocol_version"),
                                                         data->data, data->len);
              checked_payloads++;
            }
          else
            {
              ours = nym_gateway_request_simple_json (type);
              checked_simple++;
            }
          g_assert_cmpstr (ours, ==, text);
        }
    }
  g_assert_cmpuint (checked_auth, >=, 2);
  g_assert_cmpuint (checked_payloads, >=, 4);
  g_assert_cmpuint (checked_simple, >=, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add ("/gateway-client/handshake/vector", Fixture, NULL, fixture_setup, test_handshake_vector, fixture_teardown);
  g_test_add ("/gateway-client/handshake/refusals", Fixture, NULL, fixture_setup, test_handshake_refusals,
              fixture_teardown);
  g_test_add ("/gateway-client/authenticate/vector", Fixture, NULL, fixture_setup, test_auth_vector, fixture_teardown);
  g_test_add ("/gateway-client/authenticate/bad-version", Fixture, NULL, fixture_setup, test_auth_bad_version,
              fixture_teardown);
  g_test_add_func ("/gateway-client/messages/requests", test_request_json);
  g_test_add_func ("/gateway-client/messages/replies", test_reply_parse);
  g_test_add_func ("/gateway-client/messages/bad-replies", test_reply_parse_bad);
  g_test_add_func ("/gateway-client/messages/real-client-requests", test_real_client_requests);
  return g_test_run ();
}
