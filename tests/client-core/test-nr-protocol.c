/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the network-requester protocol in both encodings against the upstream vectors (spec nym-gateway.md §5.2, §9.1), and the ordered buffers. */
#include "socks5/nym-nr-ordered-buffer.h"
#include "socks5/nym-nr-protocol.h"
#include "socks-test-util.h"

#include <json-glib/json-glib.h>

static GKeyFile *
vectors (void)
{
  return socks_test_vectors ("nr-protocol.vectors");
}

static GBytes *
prefixed (uint8_t  prefix,
          GBytes  *content)
{
  GByteArray *all = g_byte_array_new ();

  g_byte_array_append (all, &prefix, 1);
  g_byte_array_append (all, g_bytes_get_data (content, NULL), (guint) g_bytes_get_size (content));
  return g_byte_array_free_to_bytes (all);
}

static void
assert_gbytes_equal (GBytes *got,
                     GBytes *expected)
{
  gsize len;
  const uint8_t *data = g_bytes_get_data (got, &len);

  socks_test_assert_bytes (data, len, expected);
}

/* §9.1: the Connect an old client sends, decoded and re-encoded byte for byte. */
static void
test_legacy_connect (void)
{
  g_autoptr(GKeyFile) file = vectors ();
  g_autoptr(GBytes) bytes = socks_test_vector_bytes (file, "legacy-connect", "bytes");
  g_autofree char *remote = socks_test_vector_string (file, "legacy-connect", "remote_address");
  g_autofree char *return_text = socks_test_vector_string (file, "legacy-connect", "return_address");
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrRequest) request = nym_nr_request_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_autoptr(NymNrRequest) built = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) built_bytes = NULL;
  g_autofree char *text = NULL;
  NymRecipient recipient;

  g_assert_no_error (error);
  g_assert_nonnull (request);
  g_assert_cmpuint (request->version.interface, ==, NYM_NR_VERSION_LEGACY);
  g_assert_cmpuint (request->version.protocol, ==, NYM_NR_VERSION_LEGACY);
  g_assert_cmpint (request->kind, ==, NYM_NR_REQUEST_CONNECT);
  g_assert_cmpuint (request->connection_id, ==, socks_test_vector_u64 (file, "legacy-connect", "connection_id"));
  g_assert_cmpstr (request->remote_address, ==, remote);
  g_assert_true (request->has_return_address);
  text = nym_recipient_to_string (&request->return_address);
  g_assert_cmpstr (text, ==, return_text);

  encoded = nym_nr_request_encode (request, &error);
  g_assert_no_error (error);
  assert_gbytes_equal (encoded, bytes);

  /* new_client_vs_old_service_provider: built from its parts in Legacy form. */
  g_assert_true (nym_recipient_parse (return_text, &recipient, &error));
  built = nym_nr_request_new_connect (NYM_NR_VERSION_INIT_LEGACY, socks_test_vector_u64 (file, "legacy-connect", "connection_id"),
                                      remote, &recipient);
  built_bytes = nym_nr_request_encode (built, &error);
  g_assert_no_error (error);
  assert_gbytes_equal (built_bytes, bytes);
}

static void
test_legacy_send (void)
{
  g_autoptr(GKeyFile) file = vectors ();
  g_autoptr(GBytes) bytes = socks_test_vector_bytes (file, "legacy-send", "bytes");
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrRequest) request = nym_nr_request_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_autoptr(GBytes) encoded = NULL;
  gsize len;
  const uint8_t *data;

  g_assert_no_error (error);
  g_assert_cmpint (request->kind, ==, NYM_NR_REQUEST_SEND);
  g_assert_cmpuint (request->connection_id, ==, socks_test_vector_u64 (file, "legacy-send", "connection_id"));
  g_assert_cmpuint (request->sequence, ==, socks_test_vector_u64 (file, "legacy-send", "sequence"));
  g_assert_false (request->local_closed);
  data = g_bytes_get_data (request->data, &len);
  g_assert_cmpuint (len, ==, socks_test_vector_u64 (file, "legacy-send", "data_len"));
  g_assert_cmpmem (data, 4, "GET ", 4);
  encoded = nym_nr_request_encode (request, &error);
  g_assert_no_error (error);
  assert_gbytes_equal (encoded, bytes);
}

/* lib.rs socket_data_serialization: requests put the id first, responses the closed flag. */
static void
test_socket_data_order (void)
{
  g_autoptr(GKeyFile) file = vectors ();
  g_autoptr(GBytes) request_part = socks_test_vector_bytes (file, "socket-data", "request_header_and_data");
  g_autoptr(GBytes) response_part = socks_test_vector_bytes (file, "socket-data", "response_header_and_data");
  g_autoptr(GBytes) payload = socks_test_vector_bytes (file, "socket-data", "data");
  g_autoptr(GBytes) send_content = prefixed (NYM_NR_REQUEST_SEND, request_part);
  g_autoptr(GBytes) request_bytes = prefixed (0x00, send_content);
  g_autoptr(GBytes) response_bytes = prefixed (NYM_NR_RESPONSE_NETWORK_DATA, response_part);
  g_autoptr(GBytes) response_as_request_bytes = prefixed (0x00, prefixed (NYM_NR_REQUEST_SEND, response_part));
  uint64_t id = socks_test_vector_u64 (file, "socket-data", "connection_id");
  uint64_t sequence = socks_test_vector_u64 (file, "socket-data", "sequence");
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrRequest) request = nym_nr_request_decode (g_bytes_get_data (request_bytes, NULL), g_bytes_get_size (request_bytes), &error);
  g_autoptr(NymNrResponse) response = nym_nr_response_decode (g_bytes_get_data (response_bytes, NULL), g_bytes_get_size (response_bytes), &error);
  g_autoptr(NymNrRequest) misread = nym_nr_request_decode (g_bytes_get_data (response_as_request_bytes, NULL),
                                                           g_bytes_get_size (response_as_request_bytes), &error);
  g_autoptr(NymNrResponse) built = NULL;
  g_autoptr(GBytes) built_bytes = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (request->connection_id, ==, id);
  g_assert_cmpuint (request->sequence, ==, sequence);
  g_assert_false (request->local_closed);
  assert_gbytes_equal (request->data, payload);

  g_assert_cmpint (response->kind, ==, NYM_NR_RESPONSE_NETWORK_DATA);
  g_assert_cmpuint (response->version.interface, ==, NYM_NR_VERSION_LEGACY);
  g_assert_cmpuint (response->connection_id, ==, id);
  g_assert_cmpuint (response->sequence, ==, sequence);
  g_assert_false (response->remote_closed);
  assert_gbytes_equal (response->data, payload);

  /* The same bytes read with the other order give other values, as upstream checks. */
  g_assert_cmpuint (misread->connection_id, !=, id);

  built = nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_LEGACY, id, sequence, g_bytes_get_data (payload, NULL),
                                            g_bytes_get_size (payload), false);
  built_bytes = nym_nr_response_encode (built, &error);
  g_assert_no_error (error);
  assert_gbytes_equal (built_bytes, response_bytes);
}

/* request.rs request_deserialization_tests for Connect and Send. */
static void
test_connect_and_send_vectors (void)
{
  g_autoptr(GKeyFile) file = vectors ();
  g_autoptr(GBytes) prefix = socks_test_vector_bytes (file, "connect-foo", "content_prefix");
  g_autofree char *return_text = socks_test_vector_string (file, "connect-foo", "return_address");
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) full = g_byte_array_new ();
  NymRecipient recipient;
  uint8_t recipient_bytes[NYM_RECIPIENT_LEN];
  uint8_t legacy = 0;

  g_assert_true (nym_recipient_parse (return_text, &recipient, &error));
  nym_recipient_to_bytes (&recipient, recipient_bytes);
  g_byte_array_append (full, &legacy, 1);
  g_byte_array_append (full, g_bytes_get_data (prefix, NULL), (guint) g_bytes_get_size (prefix));

  /* Without a return address (the send_anonymously form, §5.3). */
  {
    g_autoptr(NymNrRequest) request = nym_nr_request_decode (full->data, full->len, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (request->remote_address, ==, "foo.com");
    g_assert_cmpuint (request->connection_id, ==, socks_test_vector_u64 (file, "connect-foo", "connection_id"));
    g_assert_false (request->has_return_address);
  }
  /* Only 40 bytes of the return address: refused. */
  for (size_t cut = 1; cut < NYM_RECIPIENT_LEN; cut += 13)
    {
      g_autoptr(GByteArray) partial = g_byte_array_new ();
      g_autoptr(NymNrRequest) request = NULL;

      g_byte_array_append (partial, full->data, full->len);
      g_byte_array_append (partial, recipient_bytes, (guint) cut);
      request = nym_nr_request_decode (partial->data, partial->len, &error);
      g_assert_null (request);
      g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS);
      g_clear_error (&error);
    }
  /* A mangled return address (returns_error_for_when_return_address_is_malformed): byte 0
   * set to ff, bytes 15 and 31 flipped in their lowest bit. */
  {
    g_autoptr(GByteArray) mangled = g_byte_array_new ();
    g_autoptr(NymNrRequest) request = NULL;
    uint8_t bad[NYM_RECIPIENT_LEN];

    memcpy (bad, recipient_bytes, sizeof bad);
    bad[0] = 0xff;
    bad[15] ^= 1;
    bad[31] ^= 1;
    g_byte_array_append (mangled, full->data, full->len);
    g_byte_array_append (mangled, bad, sizeof bad);
    request = nym_nr_request_decode (mangled->data, mangled->len, &error);
    g_assert_null (request);
    g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS);
    g_clear_error (&error);
  }
  /* With it. */
  g_byte_array_append (full, recipient_bytes, sizeof recipient_bytes);
  {
    g_autoptr(NymNrRequest) request = nym_nr_request_decode (full->data, full->len, &error);

    g_assert_no_error (error);
    g_assert_true (request->has_return_address);
    g_assert_true (nym_recipient_equal (&request->return_address, &recipient));
  }
  /* Send with data and closed, and without data. */
  {
    g_autoptr(GBytes) content = socks_test_vector_bytes (file, "send-closed", "content");
    g_autoptr(GBytes) empty_content = socks_test_vector_bytes (file, "send-closed", "empty_content");
    g_autoptr(GBytes) bytes = prefixed (0, content);
    g_autoptr(GBytes) empty_bytes = prefixed (0, empty_content);
    g_autoptr(NymNrRequest) request = nym_nr_request_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
    g_autoptr(NymNrRequest) empty = nym_nr_request_decode (g_bytes_get_data (empty_bytes, NULL), g_bytes_get_size (empty_bytes), &error);
    static const uint8_t ff[3] = { 0xff, 0xff, 0xff };

    g_assert_no_error (error);
    g_assert_cmpuint (request->connection_id, ==, 0x0102030405060708);
    g_assert_true (request->local_closed);
    g_assert_cmpuint (request->sequence, ==, 1);
    g_assert_cmpmem (g_bytes_get_data (request->data, NULL), g_bytes_get_size (request->data), ff, 3);
    g_assert_false (empty->local_closed);
    g_assert_cmpuint (empty->sequence, ==, 1);
    g_assert_cmpuint (g_bytes_get_size (empty->data), ==, 0);
  }
}

/* request.rs serialize_query_request, response.rs serialize_query_response. */
static void
test_query_vectors (void)
{
  g_autoptr(GKeyFile) file = vectors ();
  g_autoptr(GError) error = NULL;
  g_autofree char *upstream = socks_test_vector_string (file, "queries", "exit_policy_upstream");
  static const struct { const char *key; NymNrQuery query; } requests[] = {
    { "request_open_proxy", NYM_NR_QUERY_OPEN_PROXY }, { "request_description", NYM_NR_QUERY_DESCRIPTION },
  };
  static const char *responses[] = { "response_open_proxy_true", "response_description_foo", "response_error",
                                     "response_exit_policy" };

  for (size_t i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(GBytes) content = socks_test_vector_bytes (file, "queries", requests[i].key);
      g_autoptr(NymNrRequest) built = nym_nr_request_new_query (NYM_NR_VERSION_INIT_VERSIONED, requests[i].query);
      g_autoptr(GBytes) encoded = nym_nr_request_encode (built, &error);
      g_autoptr(NymNrRequest) decoded = NULL;
      gsize len;
      const uint8_t *bytes = g_bytes_get_data (encoded, &len);

      g_assert_no_error (error);
      g_assert_cmpuint (len, ==, 3 + g_bytes_get_size (content));
      g_assert_cmpuint (bytes[0], ==, 3);
      g_assert_cmpuint (bytes[1], ==, 1);
      g_assert_cmpuint (bytes[2], ==, 3);
      socks_test_assert_bytes (bytes + 3, len - 3, content);
      decoded = nym_nr_request_decode (bytes, len, &error);
      g_assert_no_error (error);
      g_assert_cmpint (decoded->kind, ==, NYM_NR_REQUEST_QUERY);
      g_assert_cmpint (decoded->query, ==, requests[i].query);
    }

  for (size_t i = 0; i < G_N_ELEMENTS (responses); i++)
    {
      g_autoptr(GBytes) content = socks_test_vector_bytes (file, "queries", responses[i]);
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      static const uint8_t prefix[3] = { 3, 1, 3 };
      g_autoptr(NymNrResponse) decoded = NULL;
      g_autoptr(NymNrResponse) built = NULL;
      g_autoptr(GBytes) built_bytes = NULL;
      g_autoptr(GBytes) again = NULL;

      g_byte_array_append (bytes, prefix, 3);
      g_byte_array_append (bytes, g_bytes_get_data (content, NULL), (guint) g_bytes_get_size (content));
      decoded = nym_nr_response_decode (bytes->data, bytes->len, &error);
      g_assert_no_error (error);
      g_assert_cmpint (decoded->kind, ==, NYM_NR_RESPONSE_QUERY);
      switch (i)
        {
        case 0:
          g_assert_cmpint (decoded->query, ==, NYM_NR_QUERY_OPEN_PROXY);
          g_assert_true (decoded->open_proxy);
          built = nym_nr_response_new_query_open_proxy (NYM_NR_VERSION_INIT_VERSIONED, true);
          break;
        case 1:
          g_assert_cmpint (decoded->query, ==, NYM_NR_QUERY_DESCRIPTION);
          g_assert_cmpstr (decoded->message, ==, "foo");
          built = nym_nr_response_new_query_text (NYM_NR_VERSION_INIT_VERSIONED, NYM_NR_QUERY_DESCRIPTION, "foo");
          break;
        case 2:
          g_assert_cmpint (decoded->query, ==, NYM_NR_QUERY_ERROR);
          g_assert_cmpstr (decoded->message, ==, "this is an error");
          built = nym_nr_response_new_query_text (NYM_NR_VERSION_INIT_VERSIONED, NYM_NR_QUERY_ERROR, "this is an error");
          break;
        default:
          {
            g_autoptr(NymNrExitPolicy) open = nym_nr_exit_policy_new_open ();

            g_assert_cmpint (decoded->query, ==, NYM_NR_QUERY_EXIT_POLICY);
            g_assert_false (decoded->policy_enabled);
            g_assert_cmpstr (decoded->upstream, ==, upstream);
            g_assert_nonnull (decoded->policy);
            g_assert_true (nym_nr_exit_policy_is_open (decoded->policy));
            built = nym_nr_response_new_query_exit_policy (NYM_NR_VERSION_INIT_VERSIONED, false, upstream, open);
            break;
          }
        }
      built_bytes = nym_nr_response_encode (built, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (built_bytes, NULL), g_bytes_get_size (built_bytes), bytes->data, bytes->len);
      again = nym_nr_response_encode (decoded, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), bytes->data, bytes->len);
    }
}

/* response.rs connection_error_response_serde_tests. */
static void
test_connection_error_vectors (void)
{
  g_autoptr(GKeyFile) file = vectors ();
  g_autoptr(GBytes) body = socks_test_vector_bytes (file, "connection-error", "body");
  g_autoptr(GBytes) bad_body = socks_test_vector_bytes (file, "connection-error", "bad_utf8_body");
  g_autofree char *message = socks_test_vector_string (file, "connection-error", "message");
  g_autoptr(GBytes) bytes = prefixed (NYM_NR_RESPONSE_CONNECTION_ERROR, body);
  g_autoptr(GBytes) bad_bytes = prefixed (NYM_NR_RESPONSE_CONNECTION_ERROR, bad_body);
  static const uint8_t short_id[6] = { 2, 1, 2, 3, 4, 5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrResponse) response = nym_nr_response_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_autoptr(NymNrResponse) built = nym_nr_response_new_connection_error (NYM_NR_VERSION_INIT_LEGACY, 42, message);
  g_autoptr(GBytes) built_bytes = nym_nr_response_encode (built, &error);

  g_assert_no_error (error);
  g_assert_cmpint (response->kind, ==, NYM_NR_RESPONSE_CONNECTION_ERROR);
  g_assert_cmpuint (response->connection_id, ==, socks_test_vector_u64 (file, "connection-error", "connection_id"));
  g_assert_cmpstr (response->message, ==, message);
  assert_gbytes_equal (built_bytes, bytes);

  g_assert_null (nym_nr_response_decode (g_bytes_get_data (bad_bytes, NULL), g_bytes_get_size (bad_bytes), &error));
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);
  g_assert_null (nym_nr_response_decode (short_id, sizeof short_id, &error));
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TRUNCATED);
}

static const NymNrVersion all_versions[] = {
  { NYM_NR_VERSION_LEGACY, NYM_NR_VERSION_LEGACY },
  { NYM_NR_VERSION_CURRENT, NYM_NR_VERSION_CURRENT },
  { NYM_NR_VERSION_CURRENT, NYM_NR_VERSION_LEGACY },
};

static void
assert_requests_equal (const NymNrRequest *a,
                       const NymNrRequest *b)
{
  g_assert_cmpuint (a->version.interface, ==, b->version.interface);
  g_assert_cmpint (a->kind, ==, b->kind);
  /* Control messages carry no SOCKS5 protocol byte. */
  if (a->kind != NYM_NR_REQUEST_CONTROL)
    g_assert_cmpuint (a->version.protocol, ==, b->version.protocol);
  switch (a->kind)
    {
    case NYM_NR_REQUEST_CONNECT:
      g_assert_cmpuint (a->connection_id, ==, b->connection_id);
      g_assert_cmpstr (a->remote_address, ==, b->remote_address);
      g_assert_cmpint (a->has_return_address, ==, b->has_return_address);
      if (a->has_return_address)
        g_assert_true (nym_recipient_equal (&a->return_address, &b->return_address));
      break;
    case NYM_NR_REQUEST_SEND:
      g_assert_cmpuint (a->connection_id, ==, b->connection_id);
      g_assert_cmpuint (a->sequence, ==, b->sequence);
      g_assert_cmpint (a->local_closed, ==, b->local_closed);
      g_assert_true (g_bytes_equal (a->data, b->data));
      break;
    case NYM_NR_REQUEST_QUERY:
      g_assert_cmpint (a->query, ==, b->query);
      break;
    default:
      g_assert_cmpint (a->control, ==, b->control);
      break;
    }
}

static void
round_trip_request (NymNrRequest *request)
{
  g_autoptr(NymNrRequest) owned = request;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = nym_nr_request_encode (request, &error);
  g_autoptr(NymNrRequest) decoded = NULL;
  g_autoptr(GBytes) again = NULL;
  const uint8_t *bytes;
  gsize len;

  g_assert_no_error (error);
  bytes = g_bytes_get_data (encoded, &len);
  /* The layout of §5.2: legacy requests start with 00, versioned ones with 03 and the tag. */
  if (request->version.interface == NYM_NR_VERSION_LEGACY)
    g_assert_cmpuint (bytes[0], ==, 0);
  else
    {
      g_assert_cmpuint (bytes[0], ==, 3);
      g_assert_cmpuint (bytes[1], ==, request->kind == NYM_NR_REQUEST_CONTROL ? 0 : 1);
      if (request->kind != NYM_NR_REQUEST_CONTROL)
        g_assert_cmpuint (bytes[2], ==, request->version.protocol);
    }
  decoded = nym_nr_request_decode (bytes, len, &error);
  g_assert_no_error (error);
  assert_requests_equal (request, decoded);
  again = nym_nr_request_encode (decoded, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (encoded, again));

  /* Every cut that leaves out part of the fixed fields is refused with an error. */
  for (size_t cut = 0; cut < len; cut++)
    {
      g_autoptr(NymNrRequest) partial = nym_nr_request_decode (bytes, cut, &error);
      size_t fixed = (request->version.interface == NYM_NR_VERSION_LEGACY ? 1 : request->kind == NYM_NR_REQUEST_CONTROL ? 2 : 3)
                     + (request->kind == NYM_NR_REQUEST_CONNECT ? 11 + strlen (request->remote_address)
                        : request->kind == NYM_NR_REQUEST_SEND ? 18
                        : request->kind == NYM_NR_REQUEST_QUERY ? 2 : 1);

      if (cut < fixed)
        {
          g_assert_null (partial);
          g_assert_nonnull (error);
          g_assert_true (error->domain == NYM_SOCKS_ERROR);
          g_clear_error (&error);
        }
      else if (request->kind == NYM_NR_REQUEST_CONNECT && cut > fixed)
        {
          /* A partial return address. */
          g_assert_null (partial);
          g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS);
          g_clear_error (&error);
        }
      else
        {
          /* A Send cut inside its data is a shorter Send; a Connect cut before its return
           * address is a Connect without one. */
          g_assert_no_error (error);
          g_assert_nonnull (partial);
        }
    }
}

static void
test_request_round_trips (void)
{
  g_autoptr(GKeyFile) file = vectors ();
  g_autofree char *return_text = socks_test_vector_string (file, "legacy-connect", "return_address");
  g_autoptr(GError) error = NULL;
  NymRecipient recipient;

  g_assert_true (nym_recipient_parse (return_text, &recipient, &error));

  for (size_t v = 0; v < G_N_ELEMENTS (all_versions); v++)
    {
      NymNrVersion version = all_versions[v];
      g_autofree uint8_t *big = g_malloc (5000);

      for (size_t i = 0; i < 5000; i++)
        big[i] = (uint8_t) (i * 31);
      round_trip_request (nym_nr_request_new_connect (version, 1, "example.com:443", NULL));
      round_trip_request (nym_nr_request_new_connect (version, G_MAXUINT64, "2001:db8:0:0:0:0:0:1:443", &recipient));
      round_trip_request (nym_nr_request_new_connect (version, 0, "127.0.0.1:8080", &recipient));
      round_trip_request (nym_nr_request_new_send (version, 7, 0, NULL, 0, false));
      round_trip_request (nym_nr_request_new_send (version, 7, 1, big, 5000, false));
      round_trip_request (nym_nr_request_new_send (version, 7, G_MAXUINT64, big, 3, true));
      for (int q = NYM_NR_QUERY_OPEN_PROXY; q <= NYM_NR_QUERY_EXIT_POLICY; q++)
        {
          g_autoptr(NymNrRequest) query = nym_nr_request_new_query (version, (NymNrQuery) q);

          if (version.protocol == NYM_NR_VERSION_LEGACY)
            {
              /* Queries work in Legacy request form too: only responses clash. */
              g_autoptr(GError) query_error = NULL;
              g_autoptr(GBytes) encoded = nym_nr_request_encode (query, &query_error);

              g_assert_no_error (query_error);
              g_assert_nonnull (encoded);
            }
          round_trip_request (g_steal_pointer (&query));
        }
      for (int c = NYM_NR_CONTROL_HEALTH; c <= NYM_NR_CONTROL_SUPPORTED_VERSIONS; c++)
        {
          g_autoptr(NymNrRequest) control = nym_nr_request_new_control (version, (NymNrControl) c);

          if (version.interface == NYM_NR_VERSION_LEGACY)
            {
              g_autoptr(GError) control_error = NULL;
              g_autoptr(GBytes) encoded = nym_nr_request_encode (control, &control_error);

              g_assert_null (encoded);
              g_assert_error (control_error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION);
            }
          else
            round_trip_request (g_steal_pointer (&control));
        }
    }
}

static void
assert_responses_equal (const NymNrResponse *a,
                        const NymNrResponse *b)
{
  g_assert_cmpuint (a->version.interface, ==, b->version.interface);
  g_assert_cmpint (a->kind, ==, b->kind);
  if (a->kind != NYM_NR_RESPONSE_CONTROL)
    g_assert_cmpuint (a->version.protocol, ==, b->version.protocol);
  switch (a->kind)
    {
    case NYM_NR_RESPONSE_NETWORK_DATA:
      g_assert_cmpuint (a->connection_id, ==, b->connection_id);
      g_assert_cmpuint (a->sequence, ==, b->sequence);
      g_assert_cmpint (a->remote_closed, ==, b->remote_closed);
      g_assert_true (g_bytes_equal (a->data, b->data));
      break;
    case NYM_NR_RESPONSE_CONNECTION_ERROR:
      g_assert_cmpuint (a->connection_id, ==, b->connection_id);
      g_assert_cmpstr (a->message, ==, b->message);
      break;
    case NYM_NR_RESPONSE_QUERY:
      g_assert_cmpint (a->query, ==, b->query);
      g_assert_cmpint (a->open_proxy, ==, b->open_proxy);
      g_assert_cmpstr (a->message, ==, b->message);
      g_assert_cmpint (a->policy_enabled, ==, b->policy_enabled);
      g_assert_cmpstr (a->upstream, ==, b->upstream);
      g_assert_cmpint (a->policy == NULL, ==, b->policy == NULL);
      if (a->policy != NULL)
        g_assert_true (nym_nr_exit_policy_equal (a->policy, b->policy));
      break;
    default:
      g_assert_cmpint (a->control, ==, b->control);
      g_assert_true (g_bytes_equal (a->data, b->data));
      break;
    }
}

static void
round_trip_response (NymNrResponse *response)
{
  g_autoptr(NymNrResponse) owned = response;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = nym_nr_response_encode (response, &error);
  g_autoptr(NymNrResponse) decoded = NULL;
  g_autoptr(GBytes) again = NULL;
  const uint8_t *bytes;
  gsize len;

  g_assert_no_error (error);
  bytes = g_bytes_get_data (encoded, &len);
  /* Legacy responses carry no prefix at all: the first byte is the flag. */
  if (response->version.interface == NYM_NR_VERSION_LEGACY)
    g_assert_cmpuint (bytes[0], ==, response->kind);
  else if (response->kind == NYM_NR_RESPONSE_CONTROL)
    {
      g_assert_cmpuint (bytes[0], ==, 3);
      g_assert_cmpuint (bytes[1], ==, 0);
      g_assert_cmpuint (bytes[2], ==, response->control);
    }
  else
    {
      g_assert_cmpuint (bytes[0], ==, 3);
      g_assert_cmpuint (bytes[1], ==, 1);
      g_assert_cmpuint (bytes[2], ==, response->version.protocol == NYM_NR_VERSION_LEGACY ? response->kind : 3);
    }
  decoded = nym_nr_response_decode (bytes, len, &error);
  g_assert_no_error (error);
  assert_responses_equal (response, decoded);
  again = nym_nr_response_encode (decoded, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (encoded, again));

  /* Queries are bincode with nothing after them: every cut is refused. */
  if (response->kind == NYM_NR_RESPONSE_QUERY)
    for (size_t cut = 0; cut < len; cut++)
      {
        g_autoptr(NymNrResponse) partial = nym_nr_response_decode (bytes, cut, &error);

        g_assert_null (partial);
        g_assert_nonnull (error);
        g_clear_error (&error);
      }
}

static void
test_response_round_trips (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrExitPolicy) policy = nym_nr_exit_policy_parse ("accept 1.2.3.0/24:80-443\nreject6 [fc00::]/7:*\n"
                                                                "accept *4:0\nreject *:*", -1, &error);
  static const char json[] = "{\"message\":\"no such thing\"}";
  g_autofree char *long_text = g_strnfill (70000, 'x');

  g_assert_no_error (error);
  for (size_t v = 0; v < G_N_ELEMENTS (all_versions); v++)
    {
      NymNrVersion version = all_versions[v];

      round_trip_response (nym_nr_response_new_network_data (version, 5, 0, NULL, 0, true));
      round_trip_response (nym_nr_response_new_network_data (version, 5, 9, (const uint8_t *) "hello", 5, false));
      round_trip_response (nym_nr_response_new_connection_error (version, 5, "connection refused by 1.2.3.4:80"));
      round_trip_response (nym_nr_response_new_connection_error (version, 5, ""));
      if (version.protocol != NYM_NR_VERSION_LEGACY)
        {
          round_trip_response (nym_nr_response_new_query_open_proxy (version, false));
          round_trip_response (nym_nr_response_new_query_open_proxy (version, true));
          round_trip_response (nym_nr_response_new_query_text (version, NYM_NR_QUERY_DESCRIPTION, "exit in Warsaw"));
          /* Long enough for the 251 and 252 length markers. */
          round_trip_response (nym_nr_response_new_query_text (version, NYM_NR_QUERY_ERROR, long_text + 69700));
          round_trip_response (nym_nr_response_new_query_text (version, NYM_NR_QUERY_ERROR, long_text));
          round_trip_response (nym_nr_response_new_query_exit_policy (version, true, "https://nymtech.net/p.txt", policy));
          round_trip_response (nym_nr_response_new_query_exit_policy (version, false, "", NULL));
        }
      else
        {
          g_autoptr(NymNrResponse) query = nym_nr_response_new_query_open_proxy (version, true);
          g_autoptr(GBytes) encoded = nym_nr_response_encode (query, &error);

          g_assert_null (encoded);
          g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION);
          g_clear_error (&error);
        }
      if (version.interface != NYM_NR_VERSION_LEGACY)
        {
          round_trip_response (nym_nr_response_new_control (version, NYM_NR_CONTROL_HEALTH, NULL, 0));
          round_trip_response (nym_nr_response_new_control (version, NYM_NR_CONTROL_ERROR, (const uint8_t *) json, strlen (json)));
          round_trip_response (nym_nr_response_new_control (version, NYM_NR_CONTROL_SUPPORTED_VERSIONS, (const uint8_t *) json, 2));
          round_trip_response (nym_nr_response_new_control (version, NYM_NR_CONTROL_BINARY_INFO, (const uint8_t *) json, 5));
        }
    }
}

/* Bad input of every kind gives NULL and an error in our domain. */
static void
test_bad_input (void)
{
  static const struct { const char *hex; gboolean response; NymSocksError code; } cases[] = {
    { "", FALSE, NYM_SOCKS_ERROR_TRUNCATED },
    { "", TRUE, NYM_SOCKS_ERROR_TRUNCATED },
    { "04010300", FALSE, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION },   /* interface 4 */
    { "ff", TRUE, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION },
    { "030103", FALSE, NYM_SOCKS_ERROR_TRUNCATED },                 /* no flag */
    { "0301040001", FALSE, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION },  /* protocol 4 */
    { "030201", FALSE, NYM_SOCKS_ERROR_UNKNOWN_TAG },
    { "030203", TRUE, NYM_SOCKS_ERROR_UNKNOWN_TAG },
    { "030003", FALSE, NYM_SOCKS_ERROR_UNKNOWN_TAG },               /* control 3 */
    { "0300", FALSE, NYM_SOCKS_ERROR_TRUNCATED },
    { "03000000", FALSE, NYM_SOCKS_ERROR_TOO_LONG },                /* trailing after control */
    { "03000300", TRUE, NYM_SOCKS_ERROR_UNKNOWN_TAG },              /* control response 3 */
    { "03000000", TRUE, NYM_SOCKS_ERROR_TOO_LONG },                 /* Health with a body */
    { "0003", FALSE, NYM_SOCKS_ERROR_UNKNOWN_TAG },                 /* request flag 3 */
    { "00", TRUE, NYM_SOCKS_ERROR_UNKNOWN_TAG },                    /* response flag 0 */
    { "0002", FALSE, NYM_SOCKS_ERROR_TRUNCATED },                   /* query without variant */
    { "030103020300", FALSE, NYM_SOCKS_ERROR_INVALID_MESSAGE },    /* query variant 3 */
    { "03010302000000", FALSE, NYM_SOCKS_ERROR_TOO_LONG },          /* trailing after query */
    { "030103030002", TRUE, NYM_SOCKS_ERROR_INVALID_MESSAGE },    /* bincode bool 2 */
    { "0301030304", TRUE, NYM_SOCKS_ERROR_INVALID_MESSAGE },      /* query response variant 4 */
    { "03010303fb0003", TRUE, NYM_SOCKS_ERROR_INVALID_MESSAGE },  /* non-canonical varint */
    { "03010303fe", TRUE, NYM_SOCKS_ERROR_INVALID_MESSAGE },      /* u128 marker */
    { "0301030301ff", TRUE, NYM_SOCKS_ERROR_INVALID_MESSAGE },    /* bad length marker */
    { "030103030105ff", TRUE, NYM_SOCKS_ERROR_TRUNCATED },        /* string longer than data */
    { "03010303010280ff", TRUE, NYM_SOCKS_ERROR_INVALID_MESSAGE }, /* not UTF-8 */
    { "030103030200000105", TRUE, NYM_SOCKS_ERROR_TRUNCATED },    /* policy claims 5 rules */
    { "0301030302000001010401313233", TRUE, NYM_SOCKS_ERROR_INVALID_MESSAGE }, /* action 4 */
    { "0301030302000001010001610101", TRUE, NYM_SOCKS_ERROR_INVALID_POLICY }, /* pattern "a" */
    { "0000000000000000000000026100", FALSE, NYM_SOCKS_ERROR_INVALID_MESSAGE }, /* NUL in address */
    { "0000000000000000000000026180", FALSE, NYM_SOCKS_ERROR_INVALID_MESSAGE }, /* not UTF-8 */
    { "0000000000000000000000ff61", FALSE, NYM_SOCKS_ERROR_TRUNCATED },     /* address longer than data */
    { "02000000000000002a6100", TRUE, NYM_SOCKS_ERROR_INVALID_MESSAGE },    /* NUL in error message */
    { "0100000000000000000000000000000000", TRUE, NYM_SOCKS_ERROR_TRUNCATED }, /* 16 of 17 header bytes */
    /* request.rs request_deserialization_tests, in Legacy form. */
    { "000001020304050607", FALSE, NYM_SOCKS_ERROR_TRUNCATED },         /* connection id too short */
    { "00000102030405060708", FALSE, NYM_SOCKS_ERROR_TRUNCATED },       /* no address length */
    { "0000010203040506070800", FALSE, NYM_SOCKS_ERROR_TRUNCATED },     /* half an address length */
    { "000001020304050607080001", FALSE, NYM_SOCKS_ERROR_TRUNCATED },   /* address missing */
    { "0001010203040506070800000000000000", FALSE, NYM_SOCKS_ERROR_TRUNCATED }, /* Send header short */
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = socks_test_hex (cases[i].hex);
      g_autoptr(GError) error = NULL;
      gsize len;
      const uint8_t *data = g_bytes_get_data (bytes, &len);

      g_test_message ("case %zu: %s", i, cases[i].hex);
      if (cases[i].response)
        {
          g_autoptr(NymNrResponse) response = nym_nr_response_decode (data, len, &error);

          g_assert_null (response);
        }
      else
        {
          g_autoptr(NymNrRequest) request = nym_nr_request_decode (data, len, &error);

          g_assert_null (request);
        }
      g_assert_error (error, NYM_SOCKS_ERROR, (gint) cases[i].code);
      g_test_message ("  %s", error->message);
    }

  /* Encoding refuses what the wire cannot carry. */
  {
    g_autofree char *huge = g_strnfill (70000, 'h');
    g_autoptr(NymNrRequest) request = nym_nr_request_new_connect (NYM_NR_VERSION_INIT_VERSIONED, 1, huge, NULL);
    g_autoptr(NymNrRequest) odd = nym_nr_request_new_send ((NymNrVersion) { 3, 4 }, 1, 0, NULL, 0, false);
    g_autoptr(NymNrRequest) mixed = nym_nr_request_new_send ((NymNrVersion) { 0, 3 }, 1, 0, NULL, 0, false);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) a = nym_nr_request_encode (request, &error);

    g_assert_null (a);
    g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TOO_LONG);
    g_clear_error (&error);
    g_assert_null (nym_nr_request_encode (odd, &error));
    g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION);
    g_clear_error (&error);
    g_assert_null (nym_nr_request_encode (mixed, &error));
    g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION);
  }
}

/* Control bodies as serde_json writes SupportedVersions and ErrorResponse; json-glib must read
 * them back to the same values. */
static void
test_control_json (void)
{
  static const char versions[] =
    "{\"interface_version\":\"{\\\"type\\\":\\\"Versioned\\\",\\\"version\\\":3}\","
    "\"provider_version\":\"{\\\"type\\\":\\\"Legacy\\\"}\"}";
  static const char error_json[] = "{\"message\":\"bad \\\"thing\\\"\\\\ \\n\\t\\u0001 \xc5\xbc/\"}";
  g_autoptr(GBytes) got_versions = nym_nr_control_supported_versions_json (3, 0);
  g_autoptr(GBytes) got_error = nym_nr_control_error_json ("bad \"thing\"\\ \n\t\x01 \xc5\xbc/");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_cmpmem (g_bytes_get_data (got_versions, NULL), g_bytes_get_size (got_versions), versions, strlen (versions));
  g_assert_cmpmem (g_bytes_get_data (got_error, NULL), g_bytes_get_size (got_error), error_json, strlen (error_json));

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (got_error, NULL), (gssize) g_bytes_get_size (got_error), &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, "bad \"thing\"\\ \n\t\x01 \xc5\xbc/");
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (got_versions, NULL), (gssize) g_bytes_get_size (got_versions), &error));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "provider_version"), ==, "{\"type\":\"Legacy\"}");

  /* And they travel in a control response unchanged. */
  {
    g_autoptr(NymNrResponse) response = nym_nr_response_new_control (NYM_NR_VERSION_INIT_VERSIONED, NYM_NR_CONTROL_ERROR,
                                                                     g_bytes_get_data (got_error, NULL),
                                                                     g_bytes_get_size (got_error));
    g_autoptr(GBytes) encoded = nym_nr_response_encode (response, &error);
    const uint8_t *bytes = g_bytes_get_data (encoded, NULL);

    g_assert_no_error (error);
    g_assert_cmpuint (bytes[0], ==, 3);
    g_assert_cmpuint (bytes[1], ==, 0);
    g_assert_cmpuint (bytes[2], ==, 0xff);
    g_assert_cmpmem (bytes + 3, g_bytes_get_size (encoded) - 3, error_json, strlen (error_json));
  }
}

/* The exit's split of "host:port", for every form a SOCKS client can produce. */
static void
test_remote_address_split (void)
{
  static const struct { const char *text; const char *host; uint16_t port; } good[] = {
    { "example.com:80", "example.com", 80 },
    { "80.249.99.148:80", "80.249.99.148", 80 },
    { "2001:db8:0:0:0:0:0:1:443", "2001:db8:0:0:0:0:0:1", 443 },
    { "[2001:db8::1]:443", "2001:db8::1", 443 },
    { "localhost:65535", "localhost", 65535 },
  };
  static const char *bad[] = { "", "example.com", ":80", "example.com:", "example.com:0", "example.com:65536",
                               "example.com:8o", "[]:80", "example.com:+80", "example.com:-1" };

  for (size_t i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      uint16_t port = 0;

      g_assert_true (nym_nr_remote_address_split (good[i].text, &host, &port, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, good[i].host);
      g_assert_cmpuint (port, ==, good[i].port);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      char *host = NULL;
      uint16_t port = 7;

      g_test_message ("%s", bad[i]);
      g_assert_false (nym_nr_remote_address_split (bad[i], &host, &port, &error));
      g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS);
      g_assert_null (host);
      g_assert_cmpuint (port, ==, 7);
    }
}

/* Bytes below 3 in the version position all mean Legacy, as in upstream's From<u8>. */
static void
test_legacy_version_bytes (void)
{
  static const uint8_t forms[][3] = { { 0x00, 0x02, 0x01 }, { 0x01, 0x02, 0x01 }, { 0x02, 0x02, 0x01 } };

  for (size_t i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NymNrRequest) request = nym_nr_request_decode (forms[i], 3, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (request->version.interface, ==, NYM_NR_VERSION_LEGACY);
      g_assert_cmpint (request->kind, ==, NYM_NR_REQUEST_QUERY);
      g_assert_cmpint (request->query, ==, NYM_NR_QUERY_DESCRIPTION);
    }
}

/* ---- ordered buffers ---- */

typedef struct
{
  NymNrOrderedBuffer *buffer;
  GByteArray         *output;
  bool                closed;
} BufferFixture;

static void
buffer_set_up (BufferFixture *fixture,
               gconstpointer  user_data)
{
  fixture->buffer = nym_nr_ordered_buffer_new (GPOINTER_TO_SIZE (user_data));
  fixture->output = g_byte_array_new ();
  fixture->closed = false;
}

static void
buffer_tear_down (BufferFixture *fixture,
                  gconstpointer  user_data)
{
  nym_nr_ordered_buffer_free (fixture->buffer);
  g_byte_array_unref (fixture->output);
}

/* Reads whatever is ready into output. */
static void
drain (BufferFixture *fixture)
{
  bool closed = false;
  uint64_t last = 0;
  g_autoptr(GBytes) bytes = nym_nr_ordered_buffer_read (fixture->buffer, &last, &closed);

  if (bytes == NULL)
    return;
  g_assert_cmpuint (last + 1, ==, nym_nr_ordered_buffer_next_sequence (fixture->buffer));
  g_assert_false (fixture->closed);
  g_byte_array_append (fixture->output, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  fixture->closed = closed;
}

static void
write_ok (BufferFixture *fixture,
          uint64_t       sequence,
          const char    *text,
          bool           closed,
          NymNrWriteResult expected)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (nym_nr_ordered_buffer_write (fixture->buffer, sequence, (const uint8_t *) text, strlen (text), closed, &error),
                   ==, expected);
  g_assert_no_error (error);
}

static void
test_buffer_in_order (BufferFixture *fixture,
                      gconstpointer  user_data)
{
  write_ok (fixture, 0, "he", false, NYM_NR_WRITE_STORED);
  drain (fixture);
  write_ok (fixture, 1, "llo", false, NYM_NR_WRITE_STORED);
  write_ok (fixture, 2, "", true, NYM_NR_WRITE_STORED);
  drain (fixture);
  g_assert_cmpmem (fixture->output->data, fixture->output->len, "hello", 5);
  g_assert_true (fixture->closed);
  g_assert_true (nym_nr_ordered_buffer_is_finished (fixture->buffer));
  g_assert_cmpuint (nym_nr_ordered_buffer_n_pending (fixture->buffer), ==, 0);
  g_assert_cmpuint (nym_nr_ordered_buffer_pending_bytes (fixture->buffer), ==, 0);
}

/* Out of order with duplicates at every point: the output is the same and duplicates change nothing. */
static void
test_buffer_reorder (BufferFixture *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  enum { N = 200 };
  uint64_t order[N];
  g_autoptr(GString) expected = g_string_new (NULL);

  for (uint64_t i = 0; i < N; i++)
    {
      order[i] = i;
      g_string_append_printf (expected, "[%" G_GUINT64_FORMAT "]", i);
    }
  for (int i = N - 1; i > 0; i--)
    {
      int j = g_rand_int_range (rand, 0, i + 1);
      uint64_t t = order[i];

      order[i] = order[j];
      order[j] = t;
    }
  for (int i = 0; i < N; i++)
    {
      g_autofree char *text = g_strdup_printf ("[%" G_GUINT64_FORMAT "]", order[i]);
      uint64_t replay = order[g_rand_int_range (rand, 0, i + 1)];
      g_autofree char *replay_text = g_strdup_printf ("[%" G_GUINT64_FORMAT "]", replay);
      size_t pending_before;

      write_ok (fixture, order[i], text, order[i] == N - 1, NYM_NR_WRITE_STORED);
      pending_before = nym_nr_ordered_buffer_pending_bytes (fixture->buffer);
      write_ok (fixture, replay, replay_text, replay == N - 1, NYM_NR_WRITE_DUPLICATE);
      g_assert_cmpuint (nym_nr_ordered_buffer_pending_bytes (fixture->buffer), ==, pending_before);
      if (g_rand_boolean (rand))
        drain (fixture);
    }
  drain (fixture);
  g_assert_cmpmem (fixture->output->data, fixture->output->len, expected->str, expected->len);
  g_assert_true (fixture->closed);
  write_ok (fixture, 0, "[0]", false, NYM_NR_WRITE_DUPLICATE);
  write_ok (fixture, N - 1, "", true, NYM_NR_WRITE_DUPLICATE);
}

/* A gap holds everything behind it; a sequence too far ahead is refused and changes nothing. */
static void
test_buffer_gap (BufferFixture *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (nym_nr_ordered_buffer_has_gap (fixture->buffer));
  write_ok (fixture, 1, "b", false, NYM_NR_WRITE_STORED);
  write_ok (fixture, 3, "d", false, NYM_NR_WRITE_STORED);
  g_assert_true (nym_nr_ordered_buffer_has_gap (fixture->buffer));
  g_assert_null (nym_nr_ordered_buffer_read (fixture->buffer, NULL, NULL));
  write_ok (fixture, NYM_NR_ORDERED_BUFFER_MAX_OFFSET, "far", false, NYM_NR_WRITE_STORED);
  g_assert_cmpint (nym_nr_ordered_buffer_write (fixture->buffer, NYM_NR_ORDERED_BUFFER_MAX_OFFSET + 1, (const uint8_t *) "x", 1,
                                                false, &error), ==, NYM_NR_WRITE_REFUSED);
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_SEQUENCE);
  g_clear_error (&error);
  g_assert_cmpint (nym_nr_ordered_buffer_write (fixture->buffer, G_MAXUINT64, (const uint8_t *) "x", 1, false, &error), ==,
                   NYM_NR_WRITE_REFUSED);
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_SEQUENCE);
  g_clear_error (&error);
  g_assert_cmpuint (nym_nr_ordered_buffer_n_pending (fixture->buffer), ==, 3);

  write_ok (fixture, 0, "a", false, NYM_NR_WRITE_STORED);
  drain (fixture);
  g_assert_cmpmem (fixture->output->data, fixture->output->len, "ab", 2);
  g_assert_cmpuint (nym_nr_ordered_buffer_next_sequence (fixture->buffer), ==, 2);
  g_assert_true (nym_nr_ordered_buffer_has_gap (fixture->buffer));
  write_ok (fixture, 2, "c", false, NYM_NR_WRITE_STORED);
  drain (fixture);
  g_assert_cmpmem (fixture->output->data, fixture->output->len, "abcd", 4);
  /* The window moves with the next expected sequence. */
  write_ok (fixture, 4 + NYM_NR_ORDERED_BUFFER_MAX_OFFSET, "edge", false, NYM_NR_WRITE_STORED);
}

/* The closed flag ends the stream: nothing may follow it, and it cannot come before data we have. */
static void
test_buffer_end (BufferFixture *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  write_ok (fixture, 5, "x", false, NYM_NR_WRITE_STORED);
  g_assert_cmpint (nym_nr_ordered_buffer_write (fixture->buffer, 3, NULL, 0, true, &error), ==, NYM_NR_WRITE_REFUSED);
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_SEQUENCE);
  g_clear_error (&error);
  write_ok (fixture, 6, "", true, NYM_NR_WRITE_STORED);
  g_assert_cmpint (nym_nr_ordered_buffer_write (fixture->buffer, 7, (const uint8_t *) "late", 4, false, &error), ==,
                   NYM_NR_WRITE_REFUSED);
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_SEQUENCE);
  g_clear_error (&error);
  for (uint64_t s = 0; s < 5; s++)
    write_ok (fixture, s, "-", false, NYM_NR_WRITE_STORED);
  drain (fixture);
  g_assert_true (fixture->closed);
  g_assert_cmpmem (fixture->output->data, fixture->output->len, "-----x", 6);
  g_assert_null (nym_nr_ordered_buffer_read (fixture->buffer, NULL, NULL));
}

/* Payloads handed over as GBytes are kept, not copied, and a lone ready message comes back as it is. */
static void
test_buffer_write_bytes (BufferFixture *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GBytes) first = g_bytes_new ("first", 5);
  g_autoptr(GBytes) second = g_bytes_new ("second", 6);
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GBytes) both = NULL;
  g_autoptr(GError) error = NULL;
  bool closed = true;

  g_assert_cmpint (nym_nr_ordered_buffer_write_bytes (fixture->buffer, 0, first, false, &error), ==, NYM_NR_WRITE_STORED);
  g_assert_cmpint (nym_nr_ordered_buffer_write_bytes (fixture->buffer, 0, second, false, &error), ==, NYM_NR_WRITE_DUPLICATE);
  g_assert_no_error (error);
  read = nym_nr_ordered_buffer_read (fixture->buffer, NULL, &closed);
  g_assert_true (read == first);
  g_assert_false (closed);
  g_assert_cmpint (nym_nr_ordered_buffer_write_bytes (fixture->buffer, 2, second, true, &error), ==, NYM_NR_WRITE_STORED);
  g_assert_cmpint (nym_nr_ordered_buffer_write_bytes (fixture->buffer, 1, first, false, &error), ==, NYM_NR_WRITE_STORED);
  both = nym_nr_ordered_buffer_read (fixture->buffer, NULL, &closed);
  g_assert_cmpmem (g_bytes_get_data (both, NULL), g_bytes_get_size (both), "firstsecond", 11);
  g_assert_true (closed);
  g_assert_cmpint (nym_nr_ordered_buffer_write_bytes (fixture->buffer, 3, first, false, &error), ==, NYM_NR_WRITE_REFUSED);
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_SEQUENCE);
}

/* The byte cap (64 bytes in this fixture) refuses what would exceed it and keeps the rest. */
static void
test_buffer_cap (BufferFixture *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  char block[33];

  memset (block, 'z', 32);
  block[32] = '\0';
  write_ok (fixture, 1, block, false, NYM_NR_WRITE_STORED);
  write_ok (fixture, 2, block, false, NYM_NR_WRITE_STORED);
  g_assert_cmpint (nym_nr_ordered_buffer_write (fixture->buffer, 3, (const uint8_t *) "!", 1, false, &error), ==,
                   NYM_NR_WRITE_REFUSED);
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_BUFFER_FULL);
  g_assert_cmpuint (nym_nr_ordered_buffer_pending_bytes (fixture->buffer), ==, 64);
  g_clear_error (&error);
  write_ok (fixture, 0, "", false, NYM_NR_WRITE_STORED);
  drain (fixture);
  g_assert_cmpuint (fixture->output->len, ==, 64);
  write_ok (fixture, 3, "!", false, NYM_NR_WRITE_STORED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/nr/vectors/legacy-connect", test_legacy_connect);
  g_test_add_func ("/nr/vectors/legacy-send", test_legacy_send);
  g_test_add_func ("/nr/vectors/socket-data-order", test_socket_data_order);
  g_test_add_func ("/nr/vectors/connect-and-send", test_connect_and_send_vectors);
  g_test_add_func ("/nr/vectors/queries", test_query_vectors);
  g_test_add_func ("/nr/vectors/connection-error", test_connection_error_vectors);
  g_test_add_func ("/nr/round-trip/requests", test_request_round_trips);
  g_test_add_func ("/nr/round-trip/responses", test_response_round_trips);
  g_test_add_func ("/nr/bad-input", test_bad_input);
  g_test_add_func ("/nr/legacy-version-bytes", test_legacy_version_bytes);
  g_test_add_func ("/nr/control-json", test_control_json);
  g_test_add_func ("/nr/remote-address-split", test_remote_address_split);
  g_test_add ("/nr/ordered-buffer/in-order", BufferFixture, NULL, buffer_set_up, test_buffer_in_order, buffer_tear_down);
  g_test_add ("/nr/ordered-buffer/reorder", BufferFixture, NULL, buffer_set_up, test_buffer_reorder, buffer_tear_down);
  g_test_add ("/nr/ordered-buffer/gap", BufferFixture, NULL, buffer_set_up, test_buffer_gap, buffer_tear_down);
  g_test_add ("/nr/ordered-buffer/end", BufferFixture, NULL, buffer_set_up, test_buffer_end, buffer_tear_down);
  g_test_add ("/nr/ordered-buffer/write-bytes", BufferFixture, NULL, buffer_set_up, test_buffer_write_bytes, buffer_tear_down);
  g_test_add ("/nr/ordered-buffer/cap", BufferFixture, GSIZE_TO_POINTER (64), buffer_set_up, test_buffer_cap, buffer_tear_down);

  return g_test_run ();
}
