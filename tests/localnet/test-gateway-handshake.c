/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the gateway's handshake, AuthenticateV2 checks and JSON frames against spec §9.2 and the real 1.4.1 client's session. */
#include <string.h>
#include <sodium.h>

#include "../client-core/crypto-test-vectors.h"
#include "crypto/nym-aes.h"
#include "crypto/nym-hkdf.h"
#include "crypto/nym-keys.h"
#include "gateway/localnet-gateway-error.h"
#include "gateway/localnet-gateway-handshake.h"
#include "gateway/localnet-gateway-messages.h"

typedef struct
{
  GKeyFile *vectors;
  uint8_t   gateway_public[32];
  uint8_t   gateway_secret[64];
  uint8_t   client_public[32];
  uint8_t   client_secret[64];
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

  fixture->vectors = crypto_test_load_vectors ("gateway-handshake.vectors");
  copy_vector (fixture->vectors, "handshake", "gateway_seed", seed, 32);
  nym_ed25519_keypair_from_seed (fixture->gateway_public, fixture->gateway_secret, seed);
  copy_vector (fixture->vectors, "handshake", "client_seed", seed, 32);
  nym_ed25519_keypair_from_seed (fixture->client_public, fixture->client_secret, seed);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_key_file_free (fixture->vectors);
}

/* §9.2: from fixed secrets and nonces the gateway's 124-byte answer is fully determined. */
static void
test_vector_handshake (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(LocalnetGatewayHandshake) handshake = localnet_gateway_handshake_new ();
  g_autoptr(GBytes) init = crypto_test_vector (fixture->vectors, "handshake", "init");
  g_autoptr(GBytes) expected = crypto_test_vector (fixture->vectors, "handshake", "gateway_message");
  g_autoptr(GBytes) client_message = crypto_test_vector (fixture->vectors, "handshake", "client_message");
  g_autoptr(GBytes) shared_key = crypto_test_vector (fixture->vectors, "handshake", "shared_key");
  g_autoptr(GError) error = NULL;
  uint8_t ephemeral[32], nonce[12], response[LOCALNET_GATEWAY_HANDSHAKE_RESPONSE_LEN];

  g_assert_cmpmem (fixture->gateway_public, 32,
                   g_bytes_get_data (crypto_test_vector (fixture->vectors, "handshake", "gateway_identity"), NULL), 32);
  copy_vector (fixture->vectors, "handshake", "gateway_ephemeral_secret", ephemeral, 32);
  copy_vector (fixture->vectors, "handshake", "gateway_nonce", nonce, 12);

  g_assert_true (localnet_gateway_handshake_respond (handshake, fixture->gateway_secret, 3,
                                                     g_bytes_get_data (init, NULL), g_bytes_get_size (init),
                                                     ephemeral, nonce, response, &error));
  g_assert_no_error (error);
  crypto_test_assert_bytes (response, sizeof response, expected);
  crypto_test_assert_bytes (handshake->shared_key, 32, shared_key);
  g_assert_cmpuint (handshake->protocol_version, ==, 3);

  g_assert_true (localnet_gateway_handshake_finish (handshake, g_bytes_get_data (client_message, NULL),
                                                    g_bytes_get_size (client_message), &error));
  g_assert_no_error (error);
}

/* A client written here from §1.4 against the gateway code, with fresh randomness. */
static void
test_fresh_handshake (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(LocalnetGatewayHandshake) handshake = localnet_gateway_handshake_new ();
  g_autoptr(GError) error = NULL;
  uint8_t x[32], X[32], salt[16], init[80], y[32], n1[12], response[124];
  uint8_t dh[32], key[32], signature[64], signed_data[64], final[92];

  nym_x25519_keypair (X, x);
  nym_random_bytes (salt, sizeof salt);
  memcpy (init, fixture->client_public, 32);
  memcpy (init + 32, X, 32);
  memcpy (init + 64, salt, 16);
  nym_random_bytes (y, sizeof y);
  nym_random_bytes (n1, sizeof n1);

  /* A future version is clamped to the newest one the gateway speaks. */
  g_assert_true (localnet_gateway_handshake_respond (handshake, fixture->gateway_secret, 9, init, sizeof init,
                                                     y, n1, response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (handshake->protocol_version, ==, LOCALNET_GATEWAY_PROTOCOL_CURRENT);

  /* The client's side: derive K from Y, open and check the gateway's signature over Y ‖ X. */
  g_assert_true (nym_x25519 (dh, x, response));
  g_assert_true (nym_hkdf (NYM_HKDF_BLAKE3, salt, 16, dh, 32, NULL, 0, key, 32));
  g_assert_cmpmem (key, 32, handshake->shared_key, 32);
  g_assert_true (nym_aes256_gcm_siv_decrypt (key, response + 112, NULL, 0, response + 32, 80, signature));
  memcpy (signed_data, response, 32);
  memcpy (signed_data + 32, X, 32);
  g_assert_true (nym_ed25519_verify (signature, signed_data, 64, fixture->gateway_public));

  memcpy (signed_data, X, 32);
  memcpy (signed_data + 32, response, 32);
  nym_ed25519_sign (signature, signed_data, 64, fixture->client_secret);
  nym_random_bytes (final + 80, 12);
  g_assert_true (nym_aes256_gcm_siv_encrypt (key, final + 80, NULL, 0, signature, 64, final));
  g_assert_true (localnet_gateway_handshake_finish (handshake, final, sizeof final, &error));
  g_assert_no_error (error);

  /* The same message signed by someone else is refused. */
  nym_ed25519_sign (signature, signed_data, 64, fixture->gateway_secret);
  g_assert_true (nym_aes256_gcm_siv_encrypt (key, final + 80, NULL, 0, signature, 64, final));
  g_assert_false (localnet_gateway_handshake_finish (handshake, final, sizeof final, &error));
  g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_SIGNATURE);
}

static void
test_handshake_bad_input (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(LocalnetGatewayHandshake) handshake = localnet_gateway_handshake_new ();
  g_autoptr(GBytes) init = crypto_test_vector (fixture->vectors, "handshake", "init");
  g_autoptr(GBytes) client_message = crypto_test_vector (fixture->vectors, "handshake", "client_message");
  static const size_t bad_init[] = { 0, 32, 64, 79, 81, 96 };
  static const size_t bad_final[] = { 0, 1, 80, 91, 93 };
  uint8_t buffer[128] = { 0 };
  uint8_t ephemeral[32], nonce[12], response[124];

  copy_vector (fixture->vectors, "handshake", "gateway_ephemeral_secret", ephemeral, 32);
  copy_vector (fixture->vectors, "handshake", "gateway_nonce", nonce, 12);
  memcpy (buffer, g_bytes_get_data (init, NULL), 80);

  for (size_t i = 0; i < G_N_ELEMENTS (bad_init); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (localnet_gateway_handshake_respond (handshake, fixture->gateway_secret, 3, buffer,
                                                          bad_init[i], ephemeral, nonce, response, &error));
      g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_LENGTH);
    }
  g_assert_false (localnet_gateway_handshake_respond (handshake, fixture->gateway_secret, 3, NULL, 80,
                                                      ephemeral, nonce, response, NULL));

  /* An all-zero client ephemeral key gives an all-zero shared secret. */
  {
    g_autoptr(GError) error = NULL;
    uint8_t zero_point[80];

    memcpy (zero_point, buffer, 80);
    memset (zero_point + 32, 0, 32);
    g_assert_false (localnet_gateway_handshake_respond (handshake, fixture->gateway_secret, 3, zero_point, 80,
                                                        ephemeral, nonce, response, &error));
    g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_KEY);
  }

  g_assert_true (localnet_gateway_handshake_respond (handshake, fixture->gateway_secret, 3, buffer, 80,
                                                     ephemeral, nonce, response, NULL));
  memcpy (buffer, g_bytes_get_data (client_message, NULL), 92);
  for (size_t i = 0; i < G_N_ELEMENTS (bad_final); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (localnet_gateway_handshake_finish (handshake, buffer, bad_final[i], &error));
      g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_LENGTH);
    }
  /* Every flipped bit of the ciphertext, tag or nonce breaks the GCM-SIV tag. */
  for (size_t i = 0; i < 92; i += 7)
    {
      g_autoptr(GError) error = NULL;

      buffer[i] ^= 0x01;
      g_assert_false (localnet_gateway_handshake_finish (handshake, buffer, 92, &error));
      g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_CIPHERTEXT);
      buffer[i] ^= 0x01;
    }
  g_assert_true (localnet_gateway_handshake_finish (handshake, buffer, 92, NULL));
}

static void
load_auth_vector (Fixture                    *fixture,
                  LocalnetGatewayAuthRequest *auth)
{
  memset (auth, 0, sizeof *auth);
  auth->protocol_version = (uint8_t) g_key_file_get_integer (fixture->vectors, "authenticate-v2",
                                                             "protocol_version", NULL);
  auth->timestamp = g_key_file_get_uint64 (fixture->vectors, "authenticate-v2", "timestamp", NULL);
  memcpy (auth->client_identity, fixture->client_public, 32);
  copy_vector (fixture->vectors, "authenticate-v2", "address_ciphertext", auth->address_ciphertext, 48);
  copy_vector (fixture->vectors, "authenticate-v2", "nonce", auth->nonce, 12);
  copy_vector (fixture->vectors, "authenticate-v2", "signature", auth->signature, 64);
}

/* §9.2 AuthV2 and the §1.5 checks, each failure on its own. */
static void
test_authenticate_v2 (Fixture       *fixture,
                      gconstpointer  data)
{
  LocalnetGatewayAuthRequest auth, bad;
  uint8_t key[32];
  uint64_t ts;

  load_auth_vector (fixture, &auth);
  copy_vector (fixture->vectors, "handshake", "shared_key", key, 32);
  ts = auth.timestamp;
  g_assert_cmpuint (ts, ==, 1767225600);

  g_assert_true (localnet_gateway_auth_check_signed (&auth, ts, NULL));
  g_assert_true (localnet_gateway_auth_check_signed (&auth, ts + LOCALNET_GATEWAY_AUTH_MAX_SKEW_SECONDS, NULL));
  g_assert_true (localnet_gateway_auth_check_signed (&auth, ts - LOCALNET_GATEWAY_AUTH_MAX_SKEW_SECONDS, NULL));
  g_assert_true (localnet_gateway_auth_check_key (&auth, key, 0, NULL));
  g_assert_true (localnet_gateway_auth_check_key (&auth, key, ts - 1, NULL));

  {
    g_autoptr(GError) error = NULL;
    g_assert_false (localnet_gateway_auth_check_signed (&auth, ts + LOCALNET_GATEWAY_AUTH_MAX_SKEW_SECONDS + 1, &error));
    g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_STALE_TIMESTAMP);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (localnet_gateway_auth_check_signed (&auth, ts - LOCALNET_GATEWAY_AUTH_MAX_SKEW_SECONDS - 1, &error));
    g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_STALE_TIMESTAMP);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (localnet_gateway_auth_check_key (&auth, key, ts, &error));
    g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_REPLAY);
  }
  for (uint8_t version = 0; version < 12; version++)
    {
      g_autoptr(GError) error = NULL;

      if (version >= 4 && version <= 6)
        continue;
      bad = auth;
      bad.protocol_version = version;
      g_assert_false (localnet_gateway_auth_check_signed (&bad, ts, &error));
      g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_INCOMPATIBLE);
    }
  /* The signature covers every field: version, identity, ciphertext, nonce, timestamp. */
  {
    uint8_t *fields[] = { bad.signature, bad.client_identity, bad.address_ciphertext, bad.nonce };

    for (size_t i = 0; i < G_N_ELEMENTS (fields); i++)
      {
        g_autoptr(GError) error = NULL;
        size_t offset = (size_t) (fields[i] - (uint8_t *) &bad);

        bad = auth;
        ((uint8_t *) &bad)[offset] ^= 0x40;
        g_assert_false (localnet_gateway_auth_check_signed (&bad, ts, &error));
        g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_SIGNATURE);
      }
    bad = auth;
    bad.timestamp = ts + 1;
    g_assert_false (localnet_gateway_auth_check_signed (&bad, ts, NULL));
    bad = auth;
    bad.protocol_version = 5;
    g_assert_false (localnet_gateway_auth_check_signed (&bad, ts, NULL));
  }
  /* Another client's key does not open this ciphertext. */
  {
    g_autoptr(GError) error = NULL;

    key[0] ^= 1;
    g_assert_false (localnet_gateway_auth_check_key (&auth, key, 0, &error));
    g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_CIPHERTEXT);
  }
}

static JsonObject *
capture_named (JsonParser *parser,
               const char *name)
{
  JsonArray *captures = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                      "captures");

  for (guint i = 0; i < json_array_get_length (captures); i++)
    {
      JsonObject *capture = json_array_get_object_element (captures, i);

      if (g_strcmp0 (json_object_get_string_member (capture, "name"), name) == 0)
        return capture;
    }
  g_assert_not_reached ();
}

static const char *
frame_text (JsonArray  *frames,
            guint       conn,
            const char *direction,
            guint       nth)
{
  for (guint i = 0; i < json_array_get_length (frames); i++)
    {
      JsonObject *frame = json_array_get_object_element (frames, i);

      if ((guint) json_object_get_int_member (frame, "conn") == conn &&
          g_strcmp0 (json_object_get_string_member (frame, "dir"), direction) == 0 &&
          nth-- == 0)
        return json_object_get_string_member (frame, "text");
    }
  g_assert_not_reached ();
}

/* The real 1.4.1 client's registration and authentication (vectors/wasm-client-packets.json):
 * our parser reads its frames, and with the emulated gateway's ephemeral secret and nonce our
 * gateway code writes byte for byte the answer that client accepted. */
static void
test_real_client_session (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *names[] = { "messages", "kind1-frames" };
  g_autoptr(JsonParser) parser = crypto_test_load_json ("wasm-client-packets.json");
  JsonArray *nodes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "nodes");
  uint8_t gateway_public[32], gateway_secret[64];
  g_autoptr(GBytes) gateway_seed = NULL;

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (nodes, i), "label"), "gateway") == 0)
      gateway_seed = crypto_test_json_hex (json_array_get_object_element (nodes, i), "ed25519_seed");
  g_assert_nonnull (gateway_seed);
  nym_ed25519_keypair_from_seed (gateway_public, gateway_secret, g_bytes_get_data (gateway_seed, NULL));

  for (size_t c = 0; c < G_N_ELEMENTS (names); c++)
    {
      JsonObject *capture = capture_named (parser, names[c]);
      JsonObject *registration = json_object_get_object_member (capture, "gateway_registration");
      JsonArray *frames = json_object_get_array_member (capture, "control_frames");
      g_autoptr(GBytes) ephemeral = crypto_test_json_hex (registration, "gateway_ephemeral_x25519_private");
      g_autoptr(GBytes) shared_key = crypto_test_json_hex (registration, "shared_key");
      g_autoptr(LocalnetGatewayHandshake) handshake = localnet_gateway_handshake_new ();
      LocalnetGatewayRequest init, answer, final, auth;
      const char *text;
      g_autoptr(GError) error = NULL;
      uint8_t response[124];
      gsize answer_len;
      const uint8_t *answer_data;

      g_test_message ("capture %s", names[c]);
      text = frame_text (frames, 1, "client->gw", 0);
      g_assert_true (localnet_gateway_request_parse (text, strlen (text), &init, &error));
      g_assert_cmpint (init.kind, ==, LOCALNET_GATEWAY_REQUEST_SUPPORTED_PROTOCOL);
      localnet_gateway_request_clear (&init);

      text = frame_text (frames, 1, "client->gw", 1);
      g_assert_true (localnet_gateway_request_parse (text, strlen (text), &init, &error));
      g_assert_no_error (error);
      g_assert_cmpint (init.kind, ==, LOCALNET_GATEWAY_REQUEST_HANDSHAKE_PAYLOAD);
      g_assert_cmpuint (init.protocol_version, ==, 3);

      /* The gateway's answer as the client received it; its last 12 bytes are the nonce. */
      text = frame_text (frames, 1, "gw->client", 1);
      g_assert_true (localnet_gateway_request_parse (text, strlen (text), &answer, &error));
      answer_data = g_bytes_get_data (answer.data, &answer_len);
      g_assert_cmpuint (answer_len, ==, 124);

      g_assert_true (localnet_gateway_handshake_respond (handshake, gateway_secret, init.protocol_version,
                                                         g_bytes_get_data (init.data, NULL),
                                                         g_bytes_get_size (init.data),
                                                         g_bytes_get_data (ephemeral, NULL),
                                                         answer_data + 112, response, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (response, sizeof response, answer_data, answer_len);
      crypto_test_assert_bytes (handshake->shared_key, 32, shared_key);

      text = frame_text (frames, 1, "client->gw", 2);
      g_assert_true (localnet_gateway_request_parse (text, strlen (text), &final, &error));
      g_assert_true (localnet_gateway_handshake_finish (handshake, g_bytes_get_data (final.data, NULL),
                                                        g_bytes_get_size (final.data), &error));
      g_assert_no_error (error);

      /* Connection 2: the client's authenticateV2 passes every check once, then is a replay. */
      text = frame_text (frames, 2, "client->gw", 1);
      g_assert_true (localnet_gateway_request_parse (text, strlen (text), &auth, &error));
      g_assert_no_error (error);
      g_assert_cmpint (auth.kind, ==, LOCALNET_GATEWAY_REQUEST_AUTHENTICATE_V2);
      g_assert_cmpuint (auth.auth.protocol_version, ==, 4);
      g_assert_true (localnet_gateway_auth_check_signed (&auth.auth, auth.auth.timestamp + 5, &error));
      g_assert_no_error (error);
      g_assert_true (localnet_gateway_auth_check_key (&auth.auth, handshake->shared_key, 0, &error));
      g_assert_no_error (error);
      g_assert_false (localnet_gateway_auth_check_key (&auth.auth, handshake->shared_key, auth.auth.timestamp, &error));
      g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_REPLAY);

      localnet_gateway_request_clear (&init);
      localnet_gateway_request_clear (&answer);
      localnet_gateway_request_clear (&final);
      localnet_gateway_request_clear (&auth);
    }
}

static void
test_parse_bad_requests (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char *const bad[] = {
    "",
    "not json",
    "{\"type\":",
    "[1,2,3]",
    "\"supportedProtocol\"",
    "{}",
    "{\"type\":7}",
    "{\"type\":\"noSuchRequest\"}",
    "{\"type\":\"handshakePayload\",\"data\":[1,2]}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":3}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":3,\"data\":[1,256]}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":3,\"data\":[1,-1]}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":3,\"data\":[1,\"2\"]}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":3,\"data\":[1.5]}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":3,\"data\":\"AQI=\"}",
    "{\"type\":\"handshakePayload\",\"protocol_version\":300,\"data\":[]}",
    "{\"type\":\"authenticateV2\"}",
  };

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      LocalnetGatewayRequest request;
      g_autoptr(GError) error = NULL;

      g_test_message ("bad request %zu: %s", i, bad[i]);
      g_assert_false (localnet_gateway_request_parse (bad[i], strlen (bad[i]), &request, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == LOCALNET_GATEWAY_ERROR);
      localnet_gateway_request_clear (&request);
    }
}

/* Builds the text of an authenticateV2 request from the §9.2 vector with one field replaced. */
static char *
auth_json (Fixture    *fixture,
           const char *field,
           const char *value)
{
  LocalnetGatewayAuthRequest auth;
  g_autoptr(GString) json = g_string_new ("{\"type\":\"authenticateV2\"");
  g_autofree char *ct = NULL;
  g_autofree char *nonce = NULL;
  const char *names[] = { "protocolVersion", "clientIdentity", "addressCiphertext", "nonce",
                          "requestUnixTimestamp", "requestSignature" };

  load_auth_vector (fixture, &auth);
  ct = g_base64_encode (auth.address_ciphertext, 48);
  nonce = g_base64_encode (auth.nonce, 12);
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_string_append_printf (json, ",\"%s\":", names[i]);
      if (g_strcmp0 (field, names[i]) == 0)
        {
          g_string_append (json, value);
          continue;
        }
      switch (i)
        {
        case 0: g_string_append_printf (json, "%u", auth.protocol_version); break;
        case 2: g_string_append_printf (json, "\"%s\"", ct); break;
        case 3: g_string_append_printf (json, "\"%s\"", nonce); break;
        case 4: g_string_append_printf (json, "%" G_GUINT64_FORMAT, auth.timestamp); break;
        default:
          {
            const uint8_t *bytes = i == 1 ? auth.client_identity : auth.signature;
            size_t len = i == 1 ? 32 : 64;

            g_string_append_c (json, '[');
            for (size_t j = 0; j < len; j++)
              g_string_append_printf (json, "%s%u", j ? "," : "", bytes[j]);
            g_string_append_c (json, ']');
          }
        }
    }
  g_string_append_c (json, '}');
  return g_string_free (g_steal_pointer (&json), FALSE);
}

static void
test_parse_authenticate_v2 (Fixture       *fixture,
                            gconstpointer  data)
{
  const struct { const char *field; const char *value; } bad[] = {
    { "clientIdentity", "[1,2,3]" },
    { "requestSignature", "[1]" },
    { "addressCiphertext", "\"wMDAwMDAwMDAwMDA\"" },      /* 12 bytes, not 48 */
    { "nonce", "\"wMDAwMDAwMDAwMDA=\"" },                 /* not canonical base64 */
    { "nonce", "\"wMDA wMDAwMDAwMDA\"" },
    { "nonce", "[1,2,3]" },
    { "requestUnixTimestamp", "-5" },
    { "requestUnixTimestamp", "\"1767225600\"" },
    { "protocolVersion", "256" },
  };
  LocalnetGatewayRequest request;
  LocalnetGatewayAuthRequest expected;
  g_autofree char *good = auth_json (fixture, NULL, NULL);
  g_autoptr(GError) error = NULL;

  load_auth_vector (fixture, &expected);
  g_assert_true (localnet_gateway_request_parse (good, strlen (good), &request, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&request.auth, sizeof request.auth, &expected, sizeof expected);
  localnet_gateway_request_clear (&request);

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = auth_json (fixture, bad[i].field, bad[i].value);
      g_autoptr(GError) local_error = NULL;

      g_test_message ("%s = %s", bad[i].field, bad[i].value);
      g_assert_false (localnet_gateway_request_parse (text, strlen (text), &request, &local_error));
      g_assert_nonnull (local_error);
      localnet_gateway_request_clear (&request);
    }
}

/* §1.7: the replies exactly as a 2026 gateway writes them. */
static void
test_replies (Fixture       *fixture,
              gconstpointer  data)
{
  const uint8_t one[1] = { 1 };
  struct { char *actual; const char *expected; } cases[] = {
    { localnet_gateway_reply_supported_protocol (6), "{\"type\":\"supportedProtocol\",\"version\":6}" },
    { localnet_gateway_reply_handshake_payload (3, one, 1), "{\"type\":\"handshakePayload\",\"protocol_version\":3,\"data\":[1]}" },
    { localnet_gateway_reply_register (3), "{\"type\":\"register\",\"protocol_version\":3,\"status\":true,\"upgrade_mode\":false}" },
    { localnet_gateway_reply_authenticate (4, 0), "{\"type\":\"authenticate\",\"protocol_version\":4,\"status\":true,\"bandwidth_remaining\":0,\"upgrade_mode\":false}" },
    { localnet_gateway_reply_bandwidth (G_GINT64_CONSTANT (68719476736)), "{\"type\":\"bandwidth\",\"available_total\":68719476736,\"upgrade_mode\":false}" },
    { localnet_gateway_reply_send (1000), "{\"type\":\"send\",\"remaining_bandwidth\":1000,\"upgrade_mode\":false}" },
    { localnet_gateway_reply_error ("say \"no\""), "{\"type\":\"error\",\"message\":\"say \\\"no\\\"\"}" },
    { localnet_gateway_reply_out_of_bandwidth (2413, 12), "{\"type\":\"typedError\",\"error\":{\"out_of_bandwidth\":{\"required\":2413,\"available\":12}}}" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpstr (cases[i].actual, ==, cases[i].expected);
      g_free (cases[i].actual);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add ("/localnet/gateway-handshake/vector", Fixture, NULL, fixture_setup, test_vector_handshake, fixture_teardown);
  g_test_add ("/localnet/gateway-handshake/fresh", Fixture, NULL, fixture_setup, test_fresh_handshake, fixture_teardown);
  g_test_add ("/localnet/gateway-handshake/bad-input", Fixture, NULL, fixture_setup, test_handshake_bad_input, fixture_teardown);
  g_test_add ("/localnet/gateway-handshake/authenticate-v2", Fixture, NULL, fixture_setup, test_authenticate_v2, fixture_teardown);
  g_test_add ("/localnet/gateway-handshake/real-client", Fixture, NULL, fixture_setup, test_real_client_session, fixture_teardown);
  g_test_add ("/localnet/gateway-handshake/parse-bad", Fixture, NULL, fixture_setup, test_parse_bad_requests, fixture_teardown);
  g_test_add ("/localnet/gateway-handshake/parse-authenticate-v2", Fixture, NULL, fixture_setup, test_parse_authenticate_v2, fixture_teardown);
  g_test_add ("/localnet/gateway-handshake/replies", Fixture, NULL, fixture_setup, test_replies, fixture_teardown);
  return g_test_run ();
}
