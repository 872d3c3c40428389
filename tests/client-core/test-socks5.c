/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the SOCKS4/4a/5 handshake parser and its replies (spec nym-gateway.md §5.1, RFC 1928) with every split of the input. */
#include "socks5/nym-socks-handshake.h"
#include "socks-test-util.h"

typedef struct
{
  GKeyFile *vectors;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->vectors = socks_test_vectors ("socks.vectors");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_key_file_unref (fixture->vectors);
}

typedef struct
{
  NymSocksStep step;
  size_t       consumed;  /* over all calls */
  GByteArray  *reply;     /* everything the parser asked us to send */
  GError      *error;
  guint        calls;
} FeedResult;

static void
feed_result_clear (FeedResult *result)
{
  g_clear_pointer (&result->reply, g_byte_array_unref);
  g_clear_error (&result->error);
}

/* Feeds input in pieces of `piece` bytes (the last may be shorter) and stops at the first
 * step that is not NEED_MORE, as a caller does. Every call before the last must take all. */
static FeedResult
feed_in_pieces (NymSocksHandshake *handshake,
                const uint8_t     *data,
                size_t             len,
                size_t             piece)
{
  FeedResult result = { NYM_SOCKS_STEP_NEED_MORE, 0, g_byte_array_new (), NULL, 0 };
  size_t offset = 0;

  while (offset < len)
    {
      size_t n = MIN (piece, len - offset);
      size_t consumed = 12345;

      result.step = nym_socks_handshake_feed (handshake, data + offset, n, &consumed, result.reply, &result.error);
      result.calls++;
      g_assert_cmpuint (consumed, <=, n);
      result.consumed += consumed;
      offset += n;
      if (result.step != NYM_SOCKS_STEP_NEED_MORE)
        break;
      g_assert_no_error (result.error);
      g_assert_cmpuint (consumed, ==, n);
    }
  return result;
}

static FeedResult
feed_bytes (GBytes *input,
            size_t  piece,
            NymSocksHandshake **handshake_out)
{
  gsize len;
  const uint8_t *data = g_bytes_get_data (input, &len);
  NymSocksHandshake *handshake = nym_socks_handshake_new ();
  FeedResult result = feed_in_pieces (handshake, data, len, piece);

  *handshake_out = handshake;
  return result;
}

static GBytes *
concat (GBytes *a,
        GBytes *b)
{
  GByteArray *all = g_byte_array_new ();

  g_byte_array_append (all, g_bytes_get_data (a, NULL), (guint) g_bytes_get_size (a));
  g_byte_array_append (all, g_bytes_get_data (b, NULL), (guint) g_bytes_get_size (b));
  return g_byte_array_free_to_bytes (all);
}

/* RFC 1928 §3: the methods we accept and refuse, fed whole and byte by byte. */
static void
test_v5_methods (Fixture       *fixture,
                 gconstpointer  user_data)
{
  static const struct { const char *input; const char *reply; bool accepted; } cases[] = {
    { "no_auth", "no_auth_reply", true },
    { "three_methods", "three_methods_reply", true },
    { "gssapi_only", "no_acceptable_reply", false },
    { "userpass_only", "no_acceptable_reply", false },
    { "gssapi_and_userpass", "no_acceptable_reply", false },
    { "none_offered", "no_acceptable_reply", false },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    for (size_t piece = 1; piece <= 8; piece++)
      {
        g_autoptr(GBytes) input = socks_test_vector_bytes (fixture->vectors, "rfc1928-methods", cases[i].input);
        g_autoptr(GBytes) reply = socks_test_vector_bytes (fixture->vectors, "rfc1928-methods", cases[i].reply);
        g_autoptr(NymSocksHandshake) handshake = NULL;
        FeedResult result = feed_bytes (input, piece, &handshake);

        socks_test_assert_bytes (result.reply->data, result.reply->len, reply);
        if (cases[i].accepted)
          {
            g_assert_cmpint (result.step, ==, NYM_SOCKS_STEP_NEED_MORE);
            g_assert_no_error (result.error);
            g_assert_null (nym_socks_handshake_get_request (handshake));
          }
        else
          {
            g_assert_cmpint (result.step, ==, NYM_SOCKS_STEP_FAILED);
            g_assert_error (result.error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_NO_ACCEPTABLE_METHOD);
            g_assert_cmpint (nym_socks_handshake_get_step (handshake), ==, NYM_SOCKS_STEP_FAILED);
          }
        feed_result_clear (&result);
      }
}

static void
check_connect (Fixture    *fixture,
               const char *name,
               NymSocksAddressType type,
               size_t      address_len)
{
  g_autoptr(GBytes) greeting = socks_test_vector_bytes (fixture->vectors, "rfc1928-methods", "no_auth");
  g_autoptr(GBytes) request = socks_test_vector_bytes (fixture->vectors, "rfc1928-connect", name);
  g_autoptr(GBytes) input = concat (greeting, request);
  g_autoptr(GBytes) reply = socks_test_vector_bytes (fixture->vectors, "rfc1928-methods", "no_auth_reply");
  g_autofree char *host_key = g_strconcat (name, "_host", NULL);
  g_autofree char *port_key = g_strconcat (name, "_port", NULL);
  g_autofree char *target_key = g_strconcat (name, "_target", NULL);
  g_autofree char *host = socks_test_vector_string (fixture->vectors, "rfc1928-connect", host_key);
  g_autofree char *target = socks_test_vector_string (fixture->vectors, "rfc1928-connect", target_key);
  uint64_t port = socks_test_vector_u64 (fixture->vectors, "rfc1928-connect", port_key);
  gsize len = g_bytes_get_size (input);

  /* Every piece size, including byte at a time and the whole input at once. */
  for (size_t piece = 1; piece <= len; piece++)
    {
      g_autoptr(NymSocksHandshake) handshake = NULL;
      FeedResult result = feed_bytes (input, piece, &handshake);
      const NymSocksRequest *parsed = nym_socks_handshake_get_request (handshake);
      g_autofree char *got_target = NULL;

      g_assert_no_error (result.error);
      g_assert_cmpint (result.step, ==, NYM_SOCKS_STEP_REQUEST);
      g_assert_cmpuint (result.consumed, ==, len);
      socks_test_assert_bytes (result.reply->data, result.reply->len, reply);
      g_assert_nonnull (parsed);
      g_assert_cmpint (parsed->version, ==, NYM_SOCKS_VERSION_5);
      g_assert_cmpint (parsed->command, ==, NYM_SOCKS_COMMAND_CONNECT);
      g_assert_cmpint (parsed->address_type, ==, type);
      g_assert_cmpstr (parsed->host, ==, host);
      g_assert_cmpuint (parsed->port, ==, port);
      g_assert_null (parsed->user_id);
      if (address_len > 0)
        g_assert_cmpmem (parsed->address, address_len, (const uint8_t *) g_bytes_get_data (request, NULL) + 4, address_len);
      got_target = nym_socks_request_to_target (parsed);
      g_assert_cmpstr (got_target, ==, target);
      feed_result_clear (&result);
    }
}

static void
test_v5_connect (Fixture       *fixture,
                 gconstpointer  user_data)
{
  check_connect (fixture, "ipv4", NYM_SOCKS_ADDRESS_IPV4, 4);
  check_connect (fixture, "domain", NYM_SOCKS_ADDRESS_DOMAIN, 0);
  check_connect (fixture, "ipv6", NYM_SOCKS_ADDRESS_IPV6, 16);
}

/* Greeting and request in separate feeds (a client that waits for the method reply), and
 * application data right behind the request, which is not ours to consume. */
static void
test_v5_early_data (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GBytes) greeting = socks_test_vector_bytes (fixture->vectors, "rfc1928-methods", "no_auth");
  g_autoptr(GBytes) request = socks_test_vector_bytes (fixture->vectors, "rfc1928-connect", "domain");
  g_autoptr(GBytes) data = g_bytes_new_static ("GET / HTTP/1.1\r\n", 16);
  g_autoptr(GBytes) tail = concat (request, data);
  g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  size_t consumed = 0;
  uint8_t out[NYM_SOCKS_REPLY_MAX];

  g_assert_cmpint (nym_socks_handshake_feed (handshake, g_bytes_get_data (greeting, NULL), g_bytes_get_size (greeting),
                                             &consumed, reply, &error), ==, NYM_SOCKS_STEP_NEED_MORE);
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, 3);
  g_assert_cmpuint (reply->len, ==, 2);
  g_assert_cmpint (nym_socks_handshake_feed (handshake, g_bytes_get_data (tail, NULL), g_bytes_get_size (tail),
                                             &consumed, reply, &error), ==, NYM_SOCKS_STEP_REQUEST);
  g_assert_no_error (error);
  g_assert_cmpuint (consumed, ==, g_bytes_get_size (request));
  g_assert_cmpuint (reply->len, ==, 2);
  g_assert_cmpstr (nym_socks_handshake_get_request (handshake)->host, ==, "example.com");

  /* The handshake is over: more bytes are an error and change nothing. */
  g_assert_cmpint (nym_socks_handshake_feed (handshake, out, 1, &consumed, reply, &error), ==, NYM_SOCKS_STEP_FAILED);
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_MESSAGE);
  g_assert_cmpuint (consumed, ==, 0);
  g_assert_cmpuint (reply->len, ==, 2);
  g_assert_nonnull (nym_socks_handshake_get_request (handshake));
}

static void
check_refused (Fixture      *fixture,
               const char   *group,
               const char   *name,
               const char   *reply_name,
               NymSocksError code)
{
  g_autoptr(GBytes) greeting = socks_test_vector_bytes (fixture->vectors, "rfc1928-methods", "no_auth");
  g_autoptr(GBytes) method_reply = socks_test_vector_bytes (fixture->vectors, "rfc1928-methods", "no_auth_reply");
  g_autoptr(GBytes) request = socks_test_vector_bytes (fixture->vectors, group, name);
  g_autoptr(GBytes) refusal = socks_test_vector_bytes (fixture->vectors, group, reply_name);
  g_autoptr(GBytes) input = concat (greeting, request);
  g_autoptr(GBytes) expected = concat (method_reply, refusal);

  for (size_t piece = 1; piece <= g_bytes_get_size (input); piece++)
    {
      g_autoptr(NymSocksHandshake) handshake = NULL;
      FeedResult result = feed_bytes (input, piece, &handshake);

      g_assert_cmpint (result.step, ==, NYM_SOCKS_STEP_FAILED);
      g_assert_error (result.error, NYM_SOCKS_ERROR, (gint) code);
      g_test_message ("%s: %s", name, result.error->message);
      socks_test_assert_bytes (result.reply->data, result.reply->len, expected);
      g_assert_null (nym_socks_handshake_get_request (handshake));
      feed_result_clear (&result);
    }
}

/* RFC 1928 §6: BIND and UDP ASSOCIATE get 07, an unknown ATYP 08, each with the full reply. */
static void
test_v5_refused (Fixture       *fixture,
                 gconstpointer  user_data)
{
  check_refused (fixture, "rfc1928-refused", "bind", "command_reply", NYM_SOCKS_ERROR_COMMAND_NOT_SUPPORTED);
  check_refused (fixture, "rfc1928-refused", "udp_associate", "command_reply", NYM_SOCKS_ERROR_COMMAND_NOT_SUPPORTED);
  check_refused (fixture, "rfc1928-refused", "unknown_command", "command_reply", NYM_SOCKS_ERROR_COMMAND_NOT_SUPPORTED);
  check_refused (fixture, "rfc1928-refused", "atyp_2", "atyp_reply", NYM_SOCKS_ERROR_ADDRESS_TYPE_NOT_SUPPORTED);
  check_refused (fixture, "rfc1928-refused", "atyp_5", "atyp_reply", NYM_SOCKS_ERROR_ADDRESS_TYPE_NOT_SUPPORTED);
  check_refused (fixture, "rfc1928-refused", "bad_version_request", "general_failure_reply", NYM_SOCKS_ERROR_INVALID_MESSAGE);
}

/* Domain names: 255 bytes is the most SOCKS5 can carry; empty names, NUL and control bytes
 * and invalid UTF-8 are not names. The reserved byte must be zero. */
static void
test_v5_domains (Fixture       *fixture,
                 gconstpointer  user_data)
{
  static const uint8_t greeting[3] = { 5, 1, 0 };
  static const struct { const char *name; size_t len; } bad[] = {
    { "", 0 }, { "a\0b", 3 }, { "a\nb", 3 }, { "\xff\xfe", 2 }, { "x\x7f", 2 },
  };
  g_autoptr(GBytes) general = socks_test_vector_bytes (fixture->vectors, "rfc1928-refused", "general_failure_reply");
  GByteArray *request = g_byte_array_new ();
  g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  size_t consumed;
  uint8_t header[5] = { 5, 1, 0, 3, 255 };
  uint8_t port[2] = { 0x01, 0xbb };
  char name[256];

  memset (name, 'a', 255);
  name[255] = '\0';
  g_byte_array_append (request, greeting, 3);
  g_byte_array_append (request, header, 5);
  g_byte_array_append (request, (const uint8_t *) name, 255);
  g_byte_array_append (request, port, 2);
  g_assert_cmpint (nym_socks_handshake_feed (handshake, request->data, request->len, &consumed, reply, &error), ==,
                   NYM_SOCKS_STEP_REQUEST);
  g_assert_no_error (error);
  g_assert_cmpstr (nym_socks_handshake_get_request (handshake)->host, ==, name);
  g_assert_cmpuint (nym_socks_handshake_get_request (handshake)->port, ==, 443);
  g_byte_array_unref (request);

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(NymSocksHandshake) bad_handshake = nym_socks_handshake_new ();
      g_autoptr(GByteArray) bad_request = g_byte_array_new ();
      g_autoptr(GByteArray) bad_reply = g_byte_array_new ();
      g_autoptr(GError) bad_error = NULL;
      uint8_t bad_header[5] = { 5, 1, 0, 3, (uint8_t) bad[i].len };

      g_byte_array_append (bad_request, bad_header, 5);
      g_byte_array_append (bad_request, (const uint8_t *) bad[i].name, (guint) bad[i].len);
      g_byte_array_append (bad_request, port, 2);
      g_assert_cmpint (nym_socks_handshake_feed (bad_handshake, greeting, 3, NULL, bad_reply, &bad_error), ==,
                       NYM_SOCKS_STEP_NEED_MORE);
      g_assert_cmpint (nym_socks_handshake_feed (bad_handshake, bad_request->data, bad_request->len, NULL, bad_reply,
                                                 &bad_error), ==, NYM_SOCKS_STEP_FAILED);
      g_assert_error (bad_error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS);
      g_assert_cmpuint (bad_reply->len, ==, 12);
      socks_test_assert_bytes (bad_reply->data + 2, 10, general);
    }

  {
    static const uint8_t reserved[] = { 5, 1, 0, 5, 1, 0x01, 1, 127, 0, 0, 1, 0, 80 };
    g_autoptr(NymSocksHandshake) bad_handshake = nym_socks_handshake_new ();
    g_autoptr(GByteArray) bad_reply = g_byte_array_new ();
    g_autoptr(GError) bad_error = NULL;

    g_assert_cmpint (nym_socks_handshake_feed (bad_handshake, reserved, sizeof reserved, NULL, bad_reply, &bad_error),
                     ==, NYM_SOCKS_STEP_FAILED);
    g_assert_error (bad_error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_MESSAGE);
    socks_test_assert_bytes (bad_reply->data + 2, bad_reply->len - 2, general);
  }
}

static void
check_v4 (Fixture    *fixture,
          const char *name,
          const char *host,
          uint16_t    port,
          const char *user,
          const char *target,
          NymSocksAddressType type)
{
  g_autoptr(GBytes) input = socks_test_vector_bytes (fixture->vectors, "socks4", name);
  gsize len = g_bytes_get_size (input);

  for (size_t piece = 1; piece <= len; piece++)
    {
      g_autoptr(NymSocksHandshake) handshake = NULL;
      FeedResult result = feed_bytes (input, piece, &handshake);
      const NymSocksRequest *request = nym_socks_handshake_get_request (handshake);
      g_autofree char *got_target = NULL;

      g_assert_no_error (result.error);
      g_assert_cmpint (result.step, ==, NYM_SOCKS_STEP_REQUEST);
      g_assert_cmpuint (result.consumed, ==, len);
      g_assert_cmpuint (result.reply->len, ==, 0);
      g_assert_nonnull (request);
      g_assert_cmpint (request->version, ==, NYM_SOCKS_VERSION_4);
      g_assert_cmpint (request->address_type, ==, type);
      g_assert_cmpstr (request->host, ==, host);
      g_assert_cmpuint (request->port, ==, port);
      g_assert_cmpstr (request->user_id, ==, user);
      got_target = nym_socks_request_to_target (request);
      if (target != NULL)
        g_assert_cmpstr (got_target, ==, target);
      feed_result_clear (&result);
    }
}

static void
test_v4 (Fixture       *fixture,
         gconstpointer  user_data)
{
  g_autofree char *host = socks_test_vector_string (fixture->vectors, "socks4", "connect_host");
  g_autofree char *user = socks_test_vector_string (fixture->vectors, "socks4", "connect_user");
  g_autofree char *host_a = socks_test_vector_string (fixture->vectors, "socks4", "socks4a_host");
  g_autofree char *target_a = socks_test_vector_string (fixture->vectors, "socks4", "socks4a_target");
  g_autofree char *target_empty = socks_test_vector_string (fixture->vectors, "socks4", "socks4a_empty_user_target");
  g_autoptr(GBytes) rejected = socks_test_vector_bytes (fixture->vectors, "socks4", "rejected");
  g_autoptr(GBytes) bind = socks_test_vector_bytes (fixture->vectors, "socks4", "bind");

  check_v4 (fixture, "connect", host, 80, user, NULL, NYM_SOCKS_ADDRESS_IPV4);
  check_v4 (fixture, "socks4a", host_a, 80, user, target_a, NYM_SOCKS_ADDRESS_DOMAIN);
  check_v4 (fixture, "socks4a_empty_user", "localhost", 8080, "", target_empty, NYM_SOCKS_ADDRESS_DOMAIN);

  /* BIND (and any command but CONNECT) is rejected with 5B. */
  for (size_t piece = 1; piece <= g_bytes_get_size (bind); piece++)
    {
      g_autoptr(NymSocksHandshake) handshake = NULL;
      FeedResult result = feed_bytes (bind, piece, &handshake);

      g_assert_cmpint (result.step, ==, NYM_SOCKS_STEP_FAILED);
      g_assert_error (result.error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_COMMAND_NOT_SUPPORTED);
      socks_test_assert_bytes (result.reply->data, result.reply->len, rejected);
      feed_result_clear (&result);
    }
}

/* Over-long SOCKS4 strings are refused as soon as the limit is passed, without waiting for a NUL. */
static void
test_v4_oversize (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GBytes) rejected = socks_test_vector_bytes (fixture->vectors, "socks4", "rejected");
  uint8_t input[8 + 300 + 1 + 300] = { 4, 1, 0, 80, 0, 0, 0, 1 };

  /* A user id that never ends. */
  {
    g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
    g_autoptr(GByteArray) reply = g_byte_array_new ();
    g_autoptr(GError) error = NULL;
    NymSocksStep step = NYM_SOCKS_STEP_NEED_MORE;
    size_t fed = 0;

    memset (input + 8, 'u', 300);
    while (step == NYM_SOCKS_STEP_NEED_MORE && fed < 8 + 300)
      step = nym_socks_handshake_feed (handshake, input + fed++, 1, NULL, reply, &error);
    g_assert_cmpint (step, ==, NYM_SOCKS_STEP_FAILED);
    g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TOO_LONG);
    g_assert_cmpuint (fed, ==, 8 + NYM_SOCKS4_MAX_STRING + 1);
    socks_test_assert_bytes (reply->data, reply->len, rejected);
  }
  /* A 256-byte user id with its NUL. */
  {
    g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
    g_autoptr(GByteArray) reply = g_byte_array_new ();
    g_autoptr(GError) error = NULL;

    input[8 + 256] = 0;
    g_assert_cmpint (nym_socks_handshake_feed (handshake, input, 8 + 257, NULL, reply, &error), ==, NYM_SOCKS_STEP_FAILED);
    g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TOO_LONG);
  }
  /* A SOCKS4a host name that never ends. */
  {
    g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
    g_autoptr(GByteArray) reply = g_byte_array_new ();
    g_autoptr(GError) error = NULL;

    input[8] = 0;
    memset (input + 9, 'h', 300);
    g_assert_cmpint (nym_socks_handshake_feed (handshake, input, 9 + 300, NULL, reply, &error), ==, NYM_SOCKS_STEP_FAILED);
    g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TOO_LONG);
    socks_test_assert_bytes (reply->data, reply->len, rejected);
  }
  /* An empty SOCKS4a host name. */
  {
    static const uint8_t empty[] = { 4, 1, 0, 80, 0, 0, 0, 1, 0, 0 };
    g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
    g_autoptr(GByteArray) reply = g_byte_array_new ();
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (nym_socks_handshake_feed (handshake, empty, sizeof empty, NULL, reply, &error), ==, NYM_SOCKS_STEP_FAILED);
    g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS);
    socks_test_assert_bytes (reply->data, reply->len, rejected);
  }
}

/* Something that is not SOCKS at all gets no reply, only an error that says what came. */
static void
test_garbage (Fixture       *fixture,
              gconstpointer  user_data)
{
  static const char *inputs[] = { "GET / HTTP/1.1\r\n", "\x16\x03\x01", "\x00", "\x06\x01\x00" };

  for (size_t i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
      g_autoptr(GByteArray) reply = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      size_t len = MAX (strlen (inputs[i]), 1);

      g_assert_cmpint (nym_socks_handshake_feed (handshake, (const uint8_t *) inputs[i], len, NULL, reply, &error), ==,
                       NYM_SOCKS_STEP_FAILED);
      g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION);
      g_assert_nonnull (strstr (error->message, "0x"));
      g_assert_cmpuint (reply->len, ==, 0);
    }
}

/* Every proper prefix of a valid handshake is incomplete: no reply beyond the method answer,
 * no error, no request. Feeding nothing changes nothing. */
static void
test_truncated (Fixture       *fixture,
                gconstpointer  user_data)
{
  static const char *names[] = { "ipv4", "domain", "ipv6" };

  for (size_t n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autoptr(GBytes) request = socks_test_vector_bytes (fixture->vectors, "rfc1928-connect", names[n]);

      for (size_t cut = 0; cut < g_bytes_get_size (request); cut++)
        {
          static const uint8_t greeting[3] = { 5, 1, 0 };
          g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
          g_autoptr(GByteArray) reply = g_byte_array_new ();
          g_autoptr(GError) error = NULL;

          g_assert_cmpint (nym_socks_handshake_feed (handshake, greeting, 3, NULL, reply, &error), ==, NYM_SOCKS_STEP_NEED_MORE);
          g_assert_cmpint (nym_socks_handshake_feed (handshake, g_bytes_get_data (request, NULL), cut, NULL, reply, &error),
                           ==, NYM_SOCKS_STEP_NEED_MORE);
          g_assert_cmpint (nym_socks_handshake_feed (handshake, NULL, 0, NULL, reply, &error), ==, NYM_SOCKS_STEP_NEED_MORE);
          g_assert_no_error (error);
          g_assert_cmpuint (reply->len, ==, 2);
          g_assert_null (nym_socks_handshake_get_request (handshake));
        }
    }
  {
    g_autoptr(GBytes) request = socks_test_vector_bytes (fixture->vectors, "socks4", "socks4a");

    for (size_t cut = 0; cut < g_bytes_get_size (request); cut++)
      {
        g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
        g_autoptr(GByteArray) reply = g_byte_array_new ();
        g_autoptr(GError) error = NULL;

        g_assert_cmpint (nym_socks_handshake_feed (handshake, g_bytes_get_data (request, NULL), cut, NULL, reply, &error),
                         ==, NYM_SOCKS_STEP_NEED_MORE);
        g_assert_no_error (error);
        g_assert_cmpuint (reply->len, ==, 0);
      }
  }
}

static void
test_replies (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GBytes) success5 = socks_test_vector_bytes (fixture->vectors, "socks5-replies", "success");
  g_autoptr(GBytes) not_ready5 = socks_test_vector_bytes (fixture->vectors, "socks5-replies", "not_ready");
  g_autoptr(GBytes) success4 = socks_test_vector_bytes (fixture->vectors, "socks4", "success");
  g_autoptr(GBytes) rejected4 = socks_test_vector_bytes (fixture->vectors, "socks4", "rejected");
  g_autoptr(GBytes) command5 = socks_test_vector_bytes (fixture->vectors, "rfc1928-refused", "command_reply");
  uint8_t out[NYM_SOCKS_REPLY_MAX];
  size_t len;

  len = nym_socks_reply_success (NYM_SOCKS_VERSION_5, out);
  socks_test_assert_bytes (out, len, success5);
  len = nym_socks_reply_success (NYM_SOCKS_VERSION_4, out);
  socks_test_assert_bytes (out, len, success4);
  len = nym_socks_reply_mixnet_not_ready (NYM_SOCKS_VERSION_5, out);
  socks_test_assert_bytes (out, len, not_ready5);
  g_assert_cmpuint (out[1], ==, NYM_SOCKS5_REPLY_NETWORK_UNREACHABLE);
  len = nym_socks_reply_mixnet_not_ready (NYM_SOCKS_VERSION_4, out);
  socks_test_assert_bytes (out, len, rejected4);
  len = nym_socks_reply_failure (NYM_SOCKS_VERSION_5, NYM_SOCKS5_REPLY_COMMAND_NOT_SUPPORTED, out);
  socks_test_assert_bytes (out, len, command5);
  for (int code = NYM_SOCKS5_REPLY_GENERAL_FAILURE; code <= NYM_SOCKS5_REPLY_ADDRESS_TYPE_NOT_SUPPORTED; code++)
    {
      len = nym_socks_reply_failure (NYM_SOCKS_VERSION_5, (NymSocks5Reply) code, out);
      g_assert_cmpuint (len, ==, 10);
      g_assert_cmpuint (out[0], ==, 5);
      g_assert_cmpuint (out[1], ==, code);
      g_assert_cmpuint (out[3], ==, 1);
      len = nym_socks_reply_failure (NYM_SOCKS_VERSION_4, (NymSocks5Reply) code, out);
      socks_test_assert_bytes (out, len, rejected4);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/socks/v5/methods", Fixture, NULL, fixture_set_up, test_v5_methods, fixture_tear_down);
  g_test_add ("/socks/v5/connect", Fixture, NULL, fixture_set_up, test_v5_connect, fixture_tear_down);
  g_test_add ("/socks/v5/early-data", Fixture, NULL, fixture_set_up, test_v5_early_data, fixture_tear_down);
  g_test_add ("/socks/v5/refused", Fixture, NULL, fixture_set_up, test_v5_refused, fixture_tear_down);
  g_test_add ("/socks/v5/domains", Fixture, NULL, fixture_set_up, test_v5_domains, fixture_tear_down);
  g_test_add ("/socks/v4/connect", Fixture, NULL, fixture_set_up, test_v4, fixture_tear_down);
  g_test_add ("/socks/v4/oversize", Fixture, NULL, fixture_set_up, test_v4_oversize, fixture_tear_down);
  g_test_add ("/socks/garbage", Fixture, NULL, fixture_set_up, test_garbage, fixture_tear_down);
  g_test_add ("/socks/truncated", Fixture, NULL, fixture_set_up, test_truncated, fixture_tear_down);
  g_test_add ("/socks/replies", Fixture, NULL, fixture_set_up, test_replies, fixture_tear_down);

  return g_test_run ();
}
