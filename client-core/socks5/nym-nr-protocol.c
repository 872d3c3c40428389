/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Requests to and responses from a network requester (the exit), in the legacy and the versioned encoding (spec nym-gateway.md §5.2). */
#include "socks5/nym-nr-protocol.h"

#include <sodium.h>
#include <string.h>

/*
 * Layout (§5.2, confirmed in service-providers/common/src/interface/ and
 * common/socks5/requests/src/):
 *
 *   request,  legacy:     00 ‖ content
 *   request,  versioned:  iface(3) ‖ 01 ‖ proto(3) ‖ content      (proto < 3: 00 ‖ content)
 *   control request:      iface(3) ‖ 00 ‖ control tag
 *   response, legacy:     content                                  (no prefix at all)
 *   response, versioned:  iface(3) ‖ 01 ‖ proto(3) ‖ content      (proto < 3: content)
 *   control response:     iface(3) ‖ 00 ‖ control tag ‖ JSON body
 *
 * Content starts with the request or response flag. Integers are big-endian. Queries and
 * their answers are bincode with big-endian fixed parts and variable-length integers: a value
 * below 251 is one byte, otherwise 251, 252 or 253 followed by a u16, u32 or u64.
 */

#define TAG_CONTROL       0x00
#define TAG_PROVIDER_DATA 0x01
#define LEGACY_REQUEST_TAG 0x00

#define BINCODE_U16 251
#define BINCODE_U32 252
#define BINCODE_U64 253

/* ---- writing ---- */

static void
put_u8 (GByteArray *out,
        uint8_t     value)
{
  g_byte_array_append (out, &value, 1);
}

static void
put_u64_be (GByteArray *out,
            uint64_t    value)
{
  uint8_t bytes[8];

  for (int i = 0; i < 8; i++)
    bytes[i] = (uint8_t) (value >> (56 - 8 * i));
  g_byte_array_append (out, bytes, 8);
}

static void
put_varint (GByteArray *out,
            uint64_t    value)
{
  if (value < BINCODE_U16)
    put_u8 (out, (uint8_t) value);
  else if (value <= G_MAXUINT16)
    {
      put_u8 (out, BINCODE_U16);
      put_u8 (out, (uint8_t) (value >> 8));
      put_u8 (out, (uint8_t) value);
    }
  else if (value <= G_MAXUINT32)
    {
      put_u8 (out, BINCODE_U32);
      for (int i = 0; i < 4; i++)
        put_u8 (out, (uint8_t) (value >> (24 - 8 * i)));
    }
  else
    {
      put_u8 (out, BINCODE_U64);
      put_u64_be (out, value);
    }
}

static void
put_string (GByteArray *out,
            const char *text)
{
  size_t len = text != NULL ? strlen (text) : 0;

  put_varint (out, len);
  g_byte_array_append (out, (const uint8_t *) text, (guint) len);
}

/* ---- reading ---- */

typedef struct
{
  const uint8_t *data;
  size_t         len;
  size_t         pos;
} Reader;

static size_t
remaining (const Reader *reader)
{
  return reader->len - reader->pos;
}

static bool
need (Reader     *reader,
      size_t      n,
      const char *what,
      GError    **error)
{
  if (remaining (reader) >= n)
    return true;
  g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TRUNCATED,
               "NR message ends %zu bytes into %s, which needs %zu", remaining (reader), what, n);
  return false;
}

static bool
get_u8 (Reader     *reader,
        uint8_t    *out,
        const char *what,
        GError    **error)
{
  if (!need (reader, 1, what, error))
    return false;
  *out = reader->data[reader->pos++];
  return true;
}

static bool
get_u64_be (Reader     *reader,
            uint64_t   *out,
            const char *what,
            GError    **error)
{
  uint64_t value = 0;

  if (!need (reader, 8, what, error))
    return false;
  for (int i = 0; i < 8; i++)
    value = (value << 8) | reader->data[reader->pos++];
  *out = value;
  return true;
}

/* bincode's variable-length integer. We refuse the longer spellings of a value that fits a
 * shorter one; bincode never writes them, and refusing keeps decode ∘ encode the identity. */
static bool
get_varint (Reader     *reader,
            uint64_t    max,
            uint64_t   *out,
            const char *what,
            GError    **error)
{
  uint8_t first;
  uint64_t value = 0;
  size_t width;
  uint64_t minimum;

  if (!get_u8 (reader, &first, what, error))
    return false;
  if (first < BINCODE_U16)
    value = first, width = 0, minimum = 0;
  else if (first == BINCODE_U16)
    width = 2, minimum = BINCODE_U16;
  else if (first == BINCODE_U32)
    width = 4, minimum = (uint64_t) G_MAXUINT16 + 1;
  else if (first == BINCODE_U64)
    width = 8, minimum = (uint64_t) G_MAXUINT32 + 1;
  else
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_MESSAGE,
                   "bincode integer in %s starts with 0x%02x, which is not a valid marker", what, first);
      return false;
    }
  if (!need (reader, width, what, error))
    return false;
  for (size_t i = 0; i < width; i++)
    value = (value << 8) | reader->data[reader->pos++];
  if (value < minimum)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_MESSAGE,
                   "bincode integer %" G_GUINT64_FORMAT " in %s is not in its shortest form", value, what);
      return false;
    }
  if (value > max)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_MESSAGE,
                   "%s is %" G_GUINT64_FORMAT ", more than %" G_GUINT64_FORMAT, what, value, max);
      return false;
    }
  *out = value;
  return true;
}

static bool
get_bool (Reader     *reader,
          bool       *out,
          const char *what,
          GError    **error)
{
  uint8_t value;

  if (!get_u8 (reader, &value, what, error))
    return false;
  if (value > 1)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_MESSAGE,
                   "%s is 0x%02x, not a bincode bool (0 or 1)", what, value);
      return false;
    }
  *out = value == 1;
  return true;
}

/* Text we hand out as a C string: UTF-8 (as Rust's String requires) and no NUL. */
static char *
take_text (Reader     *reader,
           size_t      len,
           const char *what,
           GError    **error)
{
  const char *start = (const char *) reader->data + reader->pos;

  if (!need (reader, len, what, error))
    return NULL;
  if (!g_utf8_validate (start, (gssize) len, NULL) || memchr (start, '\0', len) != NULL)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_MESSAGE,
                   "%s (%zu bytes) is not UTF-8 text without NUL", what, len);
      return NULL;
    }
  reader->pos += len;
  return g_strndup (start, len);
}

static char *
get_string (Reader     *reader,
            const char *what,
            GError    **error)
{
  uint64_t len;

  if (!get_varint (reader, G_MAXSIZE, &len, what, error))
    return NULL;
  if (len > remaining (reader))
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TRUNCATED,
                   "%s claims %" G_GUINT64_FORMAT " bytes but only %zu follow", what, len, remaining (reader));
      return NULL;
    }
  return take_text (reader, (size_t) len, what, error);
}

static bool
expect_end (const Reader *reader,
            const char   *what,
            GError      **error)
{
  if (remaining (reader) == 0)
    return true;
  g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TOO_LONG,
               "%zu unexpected bytes after %s", remaining (reader), what);
  return false;
}

/* A version byte: below 3 is Legacy, 3 is what we speak, anything newer we cannot read. */
static bool
read_version (uint8_t     byte,
              const char *which,
              uint8_t    *out,
              GError    **error)
{
  if (byte < NYM_NR_VERSION_INITIAL)
    {
      *out = NYM_NR_VERSION_LEGACY;
      return true;
    }
  if (byte > NYM_NR_VERSION_CURRENT)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION,
                   "%s version %u is newer than the %u we speak", which, byte, NYM_NR_VERSION_CURRENT);
      return false;
    }
  *out = byte;
  return true;
}

static bool
check_version (NymNrVersion version,
               GError     **error)
{
  if ((version.interface != NYM_NR_VERSION_LEGACY
       && (version.interface < NYM_NR_VERSION_INITIAL || version.interface > NYM_NR_VERSION_CURRENT))
      || (version.protocol != NYM_NR_VERSION_LEGACY
          && (version.protocol < NYM_NR_VERSION_INITIAL || version.protocol > NYM_NR_VERSION_CURRENT)))
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION,
                   "versions %u/%u cannot be encoded: each must be 0 (Legacy) or %u", version.interface,
                   version.protocol, NYM_NR_VERSION_CURRENT);
      return false;
    }
  /* In the legacy interface the single leading byte is both versions at once. */
  if (version.interface == NYM_NR_VERSION_LEGACY && version.protocol != NYM_NR_VERSION_LEGACY)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION,
                   "protocol version %u needs the versioned interface, not Legacy", version.protocol);
      return false;
    }
  return true;
}

/* ---- policies in bincode (QueryResponse::ExitPolicy) ---- */

/* AddressPolicy { rules: Vec<{ action, pattern: { ip_pattern: String, ports: { start, end } } }> },
 * the IP pattern as its display text (common/exit-policy/src/policy/address_policy.rs). */
static bool
put_policy (GByteArray            *out,
            const NymNrExitPolicy *policy,
            GError               **error)
{
  size_t n = nym_nr_exit_policy_get_n_rules (policy);

  put_varint (out, n);
  for (size_t i = 0; i < n; i++)
    {
      const NymNrPolicyRule *rule = nym_nr_exit_policy_get_rule (policy, i);
      g_autofree char *ip = nym_nr_policy_ip_pattern_to_string (rule);

      if (ip == NULL)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                       "exit policy rule %zu has no printable address pattern", i);
          return false;
        }
      put_varint (out, rule->action);
      put_string (out, ip);
      put_varint (out, rule->port_start);
      put_varint (out, rule->port_end);
    }
  return true;
}

static NymNrExitPolicy *
get_policy (Reader  *reader,
            GError **error)
{
  g_autoptr(NymNrExitPolicy) policy = nym_nr_exit_policy_new ();
  uint64_t n;

  if (!get_varint (reader, G_MAXSIZE, &n, "exit policy rule count", error))
    return NULL;
  /* Each rule takes at least 4 bytes, so a count beyond that is a lie we need not loop over. */
  if (n > remaining (reader) / 4)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TRUNCATED,
                   "exit policy claims %" G_GUINT64_FORMAT " rules but only %zu bytes follow", n, remaining (reader));
      return NULL;
    }
  for (uint64_t i = 0; i < n; i++)
    {
      NymNrPolicyRule rule = { 0 };
      g_autofree char *ip = NULL;
      uint64_t value;

      if (!get_varint (reader, NYM_NR_POLICY_REJECT6, &value, "exit policy action", error))
        return NULL;
      rule.action = (NymNrPolicyAction) value;
      if ((ip = get_string (reader, "exit policy address pattern", error)) == NULL
          || !nym_nr_policy_ip_pattern_parse (ip, &rule, error))
        return NULL;
      if (!get_varint (reader, G_MAXUINT16, &value, "exit policy first port", error))
        return NULL;
      rule.port_start = (uint16_t) value;
      if (!get_varint (reader, G_MAXUINT16, &value, "exit policy last port", error))
        return NULL;
      rule.port_end = (uint16_t) value;
      nym_nr_exit_policy_append (policy, &rule);
    }
  return g_steal_pointer (&policy);
}

/* ---- requests ---- */

NymNrRequest *
nym_nr_request_new_connect (NymNrVersion        version,
                            uint64_t            connection_id,
                            const char         *remote_address,
                            const NymRecipient *return_address)
{
  NymNrRequest *request = g_new0 (NymNrRequest, 1);

  request->version = version;
  request->kind = NYM_NR_REQUEST_CONNECT;
  request->connection_id = connection_id;
  request->remote_address = g_strdup (remote_address);
  if (return_address != NULL)
    {
      request->has_return_address = true;
      request->return_address = *return_address;
    }
  return request;
}

NymNrRequest *
nym_nr_request_new_send (NymNrVersion   version,
                         uint64_t       connection_id,
                         uint64_t       sequence,
                         const uint8_t *data,
                         size_t         len,
                         bool           local_closed)
{
  NymNrRequest *request = g_new0 (NymNrRequest, 1);

  request->version = version;
  request->kind = NYM_NR_REQUEST_SEND;
  request->connection_id = connection_id;
  request->sequence = sequence;
  request->data = g_bytes_new (data, len);
  request->local_closed = local_closed;
  return request;
}

NymNrRequest *
nym_nr_request_new_query (NymNrVersion version,
                          NymNrQuery   query)
{
  NymNrRequest *request = g_new0 (NymNrRequest, 1);

  request->version = version;
  request->kind = NYM_NR_REQUEST_QUERY;
  request->query = query;
  return request;
}

NymNrRequest *
nym_nr_request_new_control (NymNrVersion version,
                            NymNrControl control)
{
  NymNrRequest *request = g_new0 (NymNrRequest, 1);

  request->version = version;
  request->kind = NYM_NR_REQUEST_CONTROL;
  request->control = control;
  return request;
}

void
nym_nr_request_free (NymNrRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->remote_address);
  g_clear_pointer (&request->data, g_bytes_unref);
  g_free (request);
}

GBytes *
nym_nr_request_encode (const NymNrRequest *request,
                       GError            **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  g_return_val_if_fail (request != NULL, NULL);

  if (!check_version (request->version, error))
    return NULL;

  if (request->kind == NYM_NR_REQUEST_CONTROL)
    {
      if (request->version.interface == NYM_NR_VERSION_LEGACY)
        {
          g_set_error_literal (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION,
                               "control requests need the versioned interface; Legacy has none");
          return NULL;
        }
      if (request->control > NYM_NR_CONTROL_SUPPORTED_VERSIONS)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                       "control request 0x%02x does not exist (0 health, 1 binary info, 2 versions)",
                       request->control);
          return NULL;
        }
      put_u8 (out, request->version.interface);
      put_u8 (out, TAG_CONTROL);
      put_u8 (out, (uint8_t) request->control);
      return g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }

  if (request->version.interface != NYM_NR_VERSION_LEGACY)
    {
      put_u8 (out, request->version.interface);
      put_u8 (out, TAG_PROVIDER_DATA);
    }
  put_u8 (out, request->version.protocol != NYM_NR_VERSION_LEGACY ? request->version.protocol : LEGACY_REQUEST_TAG);

  switch (request->kind)
    {
    case NYM_NR_REQUEST_CONNECT:
      {
        size_t address_len = request->remote_address != NULL ? strlen (request->remote_address) : 0;
        uint8_t recipient[NYM_RECIPIENT_LEN];

        if (address_len > NYM_NR_MAX_REMOTE_ADDRESS_LEN)
          {
            g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TOO_LONG,
                         "remote address of %zu bytes does not fit the u16 length (at most %d)",
                         address_len, NYM_NR_MAX_REMOTE_ADDRESS_LEN);
            return NULL;
          }
        put_u8 (out, NYM_NR_REQUEST_CONNECT);
        put_u64_be (out, request->connection_id);
        put_u8 (out, (uint8_t) (address_len >> 8));
        put_u8 (out, (uint8_t) address_len);
        g_byte_array_append (out, (const uint8_t *) request->remote_address, (guint) address_len);
        if (request->has_return_address)
          {
            nym_recipient_to_bytes (&request->return_address, recipient);
            g_byte_array_append (out, recipient, sizeof recipient);
          }
        break;
      }
    case NYM_NR_REQUEST_SEND:
      {
        gsize len = 0;
        const uint8_t *data = request->data != NULL ? g_bytes_get_data (request->data, &len) : NULL;

        /* The request header order is id ‖ closed ‖ seq (lib.rs into_request_bytes). */
        put_u8 (out, NYM_NR_REQUEST_SEND);
        put_u64_be (out, request->connection_id);
        put_u8 (out, request->local_closed ? 1 : 0);
        put_u64_be (out, request->sequence);
        g_byte_array_append (out, data, (guint) len);
        break;
      }
    case NYM_NR_REQUEST_QUERY:
      if (request->query > NYM_NR_QUERY_EXIT_POLICY)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                       "query request %u does not exist (0 open proxy, 1 description, 2 exit policy)",
                       request->query);
          return NULL;
        }
      put_u8 (out, NYM_NR_REQUEST_QUERY);
      put_varint (out, request->query);
      break;
    default:
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                   "request kind %d does not exist", request->kind);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The SOCKS5 request content: flag ‖ body (request.rs try_from_bytes). */
static bool
decode_request_content (Reader       *reader,
                        NymNrRequest *request,
                        GError      **error)
{
  uint8_t flag;
  uint64_t value;

  if (!get_u8 (reader, &flag, "the request flag", error))
    return false;
  switch (flag)
    {
    case NYM_NR_REQUEST_CONNECT:
      {
        uint8_t high, low;
        size_t address_len;

        request->kind = NYM_NR_REQUEST_CONNECT;
        if (!get_u64_be (reader, &request->connection_id, "the Connect connection id", error)
            || !get_u8 (reader, &high, "the Connect address length", error)
            || !get_u8 (reader, &low, "the Connect address length", error))
          return false;
        address_len = (size_t) (high << 8 | low);
        if ((request->remote_address = take_text (reader, address_len, "the Connect remote address", error)) == NULL)
          return false;
        if (remaining (reader) == 0)
          return true;
        if (remaining (reader) != NYM_RECIPIENT_LEN)
          {
            g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                         "Connect return address is %zu bytes; a Recipient is %d", remaining (reader),
                         NYM_RECIPIENT_LEN);
            return false;
          }
        /* The two identities must be Ed25519 points, as Recipient::try_from_bytes demands
         * (MalformedReturnAddress); libsodium's check is a little stricter than a bare
         * decompression in that it also refuses small-order points, which no real key is. */
        if (!crypto_core_ed25519_is_valid_point (reader->data + reader->pos)
            || !crypto_core_ed25519_is_valid_point (reader->data + reader->pos + 64))
          {
            g_set_error_literal (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                                 "Connect return address holds an identity or gateway key that is not an Ed25519 point");
            return false;
          }
        nym_recipient_from_bytes (&request->return_address, reader->data + reader->pos);
        request->has_return_address = true;
        reader->pos += NYM_RECIPIENT_LEN;
        return true;
      }
    case NYM_NR_REQUEST_SEND:
      {
        uint8_t closed;

        request->kind = NYM_NR_REQUEST_SEND;
        if (!get_u64_be (reader, &request->connection_id, "the Send connection id", error)
            || !get_u8 (reader, &closed, "the Send closed flag", error)
            || !get_u64_be (reader, &request->sequence, "the Send sequence number", error))
          return false;
        /* Any non-zero byte means closed, as in SocketDataHeader::try_from_request_bytes. */
        request->local_closed = closed != 0;
        request->data = g_bytes_new (reader->data + reader->pos, remaining (reader));
        reader->pos = reader->len;
        return true;
      }
    case NYM_NR_REQUEST_QUERY:
      request->kind = NYM_NR_REQUEST_QUERY;
      if (!get_varint (reader, NYM_NR_QUERY_EXIT_POLICY, &value, "the query request", error))
        return false;
      request->query = (NymNrQuery) value;
      return expect_end (reader, "the query request", error);
    default:
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                   "request flag 0x%02x is not Connect (0), Send (1) or Query (2)", flag);
      return false;
    }
}

NymNrRequest *
nym_nr_request_decode (const uint8_t *bytes,
                       size_t         len,
                       GError       **error)
{
  g_autoptr(NymNrRequest) request = g_new0 (NymNrRequest, 1);
  Reader reader = { bytes, len, 0 };
  uint8_t first;

  g_return_val_if_fail (bytes != NULL || len == 0, NULL);

  if (!get_u8 (&reader, &first, "the version", error)
      || !read_version (first, "interface", &request->version.interface, error))
    return NULL;

  if (request->version.interface != NYM_NR_VERSION_LEGACY)
    {
      uint8_t tag;

      if (!get_u8 (&reader, &tag, "the request tag", error))
        return NULL;
      if (tag == TAG_CONTROL)
        {
          uint8_t control;

          if (!get_u8 (&reader, &control, "the control request", error))
            return NULL;
          if (control > NYM_NR_CONTROL_SUPPORTED_VERSIONS)
            {
              g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                           "control request 0x%02x is not Health (0), BinaryInfo (1) or SupportedRequestVersions (2)",
                           control);
              return NULL;
            }
          request->kind = NYM_NR_REQUEST_CONTROL;
          request->control = (NymNrControl) control;
          if (!expect_end (&reader, "the control request", error))
            return NULL;
          return g_steal_pointer (&request);
        }
      if (tag != TAG_PROVIDER_DATA)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                       "request tag 0x%02x is neither control (0x00) nor provider data (0x01)", tag);
          return NULL;
        }
      if (!get_u8 (&reader, &first, "the protocol version", error))
        return NULL;
    }
  /* In the legacy interface the first byte is also the SOCKS5 protocol byte (0x00 in practice). */
  if (!read_version (first, "SOCKS5 protocol", &request->version.protocol, error)
      || !decode_request_content (&reader, request, error))
    return NULL;
  return g_steal_pointer (&request);
}

/* ---- responses ---- */

NymNrResponse *
nym_nr_response_new_network_data (NymNrVersion   version,
                                  uint64_t       connection_id,
                                  uint64_t       sequence,
                                  const uint8_t *data,
                                  size_t         len,
                                  bool           remote_closed)
{
  NymNrResponse *response = g_new0 (NymNrResponse, 1);

  response->version = version;
  response->kind = NYM_NR_RESPONSE_NETWORK_DATA;
  response->connection_id = connection_id;
  response->sequence = sequence;
  response->data = g_bytes_new (data, len);
  response->remote_closed = remote_closed;
  return response;
}

NymNrResponse *
nym_nr_response_new_connection_error (NymNrVersion version,
                                      uint64_t     connection_id,
                                      const char  *message)
{
  NymNrResponse *response = g_new0 (NymNrResponse, 1);

  response->version = version;
  response->kind = NYM_NR_RESPONSE_CONNECTION_ERROR;
  response->connection_id = connection_id;
  response->message = g_strdup (message);
  return response;
}

NymNrResponse *
nym_nr_response_new_query_open_proxy (NymNrVersion version,
                                      bool         open_proxy)
{
  NymNrResponse *response = g_new0 (NymNrResponse, 1);

  response->version = version;
  response->kind = NYM_NR_RESPONSE_QUERY;
  response->query = NYM_NR_QUERY_OPEN_PROXY;
  response->open_proxy = open_proxy;
  return response;
}

/* A Description or an Error answer to a query. */
NymNrResponse *
nym_nr_response_new_query_text (NymNrVersion version,
                                NymNrQuery   query,
                                const char  *text)
{
  NymNrResponse *response = g_new0 (NymNrResponse, 1);

  g_return_val_if_fail (query == NYM_NR_QUERY_DESCRIPTION || query == NYM_NR_QUERY_ERROR, NULL);

  response->version = version;
  response->kind = NYM_NR_RESPONSE_QUERY;
  response->query = query;
  response->message = g_strdup (text);
  return response;
}

NymNrResponse *
nym_nr_response_new_query_exit_policy (NymNrVersion           version,
                                       bool                   enabled,
                                       const char            *upstream,
                                       const NymNrExitPolicy *policy)
{
  NymNrResponse *response = g_new0 (NymNrResponse, 1);

  response->version = version;
  response->kind = NYM_NR_RESPONSE_QUERY;
  response->query = NYM_NR_QUERY_EXIT_POLICY;
  response->policy_enabled = enabled;
  response->upstream = g_strdup (upstream != NULL ? upstream : "");
  response->policy = policy != NULL ? nym_nr_exit_policy_copy (policy) : NULL;
  return response;
}

/* json is the body after the control tag, passed through as the provider wrote it (serde
 * JSON of BinaryInformation, SupportedVersions or {"message": …}); Health has none. */
NymNrResponse *
nym_nr_response_new_control (NymNrVersion   version,
                             NymNrControl   control,
                             const uint8_t *json,
                             size_t         json_len)
{
  NymNrResponse *response = g_new0 (NymNrResponse, 1);

  response->version = version;
  response->kind = NYM_NR_RESPONSE_CONTROL;
  response->control = control;
  response->data = g_bytes_new (json, json_len);
  return response;
}

/* A string as serde_json writes it: quotes, backslash and control characters escaped
 * (\b \f \n \r \t, otherwise \u00xx in lowercase hex), everything else as is. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
          break;
        }
    }
  g_string_append_c (out, '"');
}

/* A version as Nym displays it: the serde JSON of the tagged enum, {"type":"Legacy"} or
 * {"type":"Versioned","version":3}. */
static char *
version_display (uint8_t version)
{
  if (version < NYM_NR_VERSION_INITIAL)
    return g_strdup ("{\"type\":\"Legacy\"}");
  return g_strdup_printf ("{\"type\":\"Versioned\",\"version\":%u}", version);
}

/*
 * The body of a SupportedRequestVersions control response: serde JSON of SupportedVersions,
 * whose two fields are the versions' display strings (service-providers/common/src/lib.rs),
 * e.g. {"interface_version":"{\"type\":\"Versioned\",\"version\":3}",…}.
 */
GBytes *
nym_nr_control_supported_versions_json (uint8_t interface_version,
                                        uint8_t provider_version)
{
  g_autofree char *interface_text = version_display (interface_version);
  g_autofree char *provider_text = version_display (provider_version);
  GString *out = g_string_new ("{\"interface_version\":");

  append_json_string (out, interface_text);
  g_string_append (out, ",\"provider_version\":");
  append_json_string (out, provider_text);
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
}

/* The body of an Error control response: {"message":"…"}. */
GBytes *
nym_nr_control_error_json (const char *message)
{
  GString *out = g_string_new ("{\"message\":");

  append_json_string (out, message != NULL ? message : "");
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
}

/*
 * What the exit does with a Connect's "host:port" before resolving it: the port follows the
 * last colon (so the Nym client's unbracketed IPv6, "0:0:0:0:0:0:0:1:443", works), and a host
 * in brackets loses them ("[::1]:443"). The host is not resolved or checked here beyond being
 * non-empty: names are resolved at the exit and then checked against the exit policy.
 */
bool
nym_nr_remote_address_split (const char *remote_address,
                             char      **host,
                             uint16_t   *port,
                             GError    **error)
{
  const char *colon;
  const char *host_start = remote_address;
  size_t host_len;
  guint64 value;

  g_return_val_if_fail (remote_address != NULL, false);

  colon = strrchr (remote_address, ':');
  if (colon == NULL || colon == remote_address)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                   "remote address “%s” is not of the form host:port", remote_address);
      return false;
    }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT16, &value, NULL))
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                   "remote address “%s” has no port 1–65535 after its last colon", remote_address);
      return false;
    }
  host_len = (size_t) (colon - remote_address);
  if (host_len >= 2 && host_start[0] == '[' && host_start[host_len - 1] == ']')
    {
      host_start++;
      host_len -= 2;
    }
  if (host_len == 0)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                   "remote address “%s” has an empty host", remote_address);
      return false;
    }
  if (host != NULL)
    *host = g_strndup (host_start, host_len);
  if (port != NULL)
    *port = (uint16_t) value;
  return true;
}

void
nym_nr_response_free (NymNrResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->data, g_bytes_unref);
  g_free (response->message);
  g_free (response->upstream);
  g_clear_pointer (&response->policy, nym_nr_exit_policy_free);
  g_free (response);
}

GBytes *
nym_nr_response_encode (const NymNrResponse *response,
                        GError             **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  g_return_val_if_fail (response != NULL, NULL);

  if (!check_version (response->version, error))
    return NULL;

  if (response->kind == NYM_NR_RESPONSE_CONTROL)
    {
      gsize len = 0;
      const uint8_t *json = response->data != NULL ? g_bytes_get_data (response->data, &len) : NULL;

      if (response->version.interface == NYM_NR_VERSION_LEGACY)
        {
          g_set_error_literal (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION,
                               "control responses need the versioned interface; Legacy has none");
          return NULL;
        }
      if (response->control > NYM_NR_CONTROL_SUPPORTED_VERSIONS && response->control != NYM_NR_CONTROL_ERROR)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                       "control response 0x%02x does not exist", response->control);
          return NULL;
        }
      if (response->control == NYM_NR_CONTROL_HEALTH && len > 0)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_TOO_LONG,
                       "a Health control response has no body, but %zu bytes were given", len);
          return NULL;
        }
      put_u8 (out, response->version.interface);
      put_u8 (out, TAG_CONTROL);
      put_u8 (out, (uint8_t) response->control);
      g_byte_array_append (out, json, (guint) len);
      return g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }

  /*
   * A Legacy response has nothing in front of its flag, and readers take a first byte of 3 or
   * more for a version. The Query flag is 3, so a Query response cannot be told apart from a
   * version in Legacy form; upstream has the same clash. We refuse to write it rather than
   * send bytes that would be misread.
   */
  if (response->kind == NYM_NR_RESPONSE_QUERY && response->version.protocol == NYM_NR_VERSION_LEGACY)
    {
      g_set_error_literal (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION,
                           "a Query response needs SOCKS5 protocol version 3: in Legacy form its flag (3) reads as a version");
      return NULL;
    }

  if (response->version.interface != NYM_NR_VERSION_LEGACY)
    {
      put_u8 (out, response->version.interface);
      put_u8 (out, TAG_PROVIDER_DATA);
    }
  if (response->version.protocol != NYM_NR_VERSION_LEGACY)
    put_u8 (out, response->version.protocol);

  switch (response->kind)
    {
    case NYM_NR_RESPONSE_NETWORK_DATA:
      {
        gsize len = 0;
        const uint8_t *data = response->data != NULL ? g_bytes_get_data (response->data, &len) : NULL;

        /* The response header order is closed ‖ id ‖ seq (lib.rs into_response_bytes). */
        put_u8 (out, NYM_NR_RESPONSE_NETWORK_DATA);
        put_u8 (out, response->remote_closed ? 1 : 0);
        put_u64_be (out, response->connection_id);
        put_u64_be (out, response->sequence);
        g_byte_array_append (out, data, (guint) len);
        break;
      }
    case NYM_NR_RESPONSE_CONNECTION_ERROR:
      put_u8 (out, NYM_NR_RESPONSE_CONNECTION_ERROR);
      put_u64_be (out, response->connection_id);
      if (response->message != NULL)
        g_byte_array_append (out, (const uint8_t *) response->message, (guint) strlen (response->message));
      break;
    case NYM_NR_RESPONSE_QUERY:
      put_u8 (out, NYM_NR_RESPONSE_QUERY);
      put_varint (out, response->query);
      switch (response->query)
        {
        case NYM_NR_QUERY_OPEN_PROXY:
          put_u8 (out, response->open_proxy ? 1 : 0);
          break;
        case NYM_NR_QUERY_DESCRIPTION:
        case NYM_NR_QUERY_ERROR:
          put_string (out, response->message);
          break;
        case NYM_NR_QUERY_EXIT_POLICY:
          put_u8 (out, response->policy_enabled ? 1 : 0);
          put_string (out, response->upstream);
          put_u8 (out, response->policy != NULL ? 1 : 0);
          if (response->policy != NULL && !put_policy (out, response->policy, error))
            return NULL;
          break;
        default:
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                       "query response %u does not exist", response->query);
          return NULL;
        }
      break;
    default:
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                   "response kind %d does not exist", response->kind);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The SOCKS5 response content: flag ‖ body (response.rs try_from_bytes). */
static bool
decode_response_content (Reader        *reader,
                         NymNrResponse *response,
                         GError       **error)
{
  uint8_t flag;
  uint64_t value;

  if (!get_u8 (reader, &flag, "the response flag", error))
    return false;
  switch (flag)
    {
    case NYM_NR_RESPONSE_NETWORK_DATA:
      {
        uint8_t closed;

        response->kind = NYM_NR_RESPONSE_NETWORK_DATA;
        if (!get_u8 (reader, &closed, "the NetworkData closed flag", error)
            || !get_u64_be (reader, &response->connection_id, "the NetworkData connection id", error)
            || !get_u64_be (reader, &response->sequence, "the NetworkData sequence number", error))
          return false;
        response->remote_closed = closed != 0;
        response->data = g_bytes_new (reader->data + reader->pos, remaining (reader));
        reader->pos = reader->len;
        return true;
      }
    case NYM_NR_RESPONSE_CONNECTION_ERROR:
      response->kind = NYM_NR_RESPONSE_CONNECTION_ERROR;
      if (!get_u64_be (reader, &response->connection_id, "the ConnectionError connection id", error))
        return false;
      response->message = take_text (reader, remaining (reader), "the ConnectionError message", error);
      return response->message != NULL;
    case NYM_NR_RESPONSE_QUERY:
      response->kind = NYM_NR_RESPONSE_QUERY;
      if (!get_varint (reader, NYM_NR_QUERY_ERROR, &value, "the query response", error))
        return false;
      response->query = (NymNrQuery) value;
      switch (response->query)
        {
        case NYM_NR_QUERY_OPEN_PROXY:
          if (!get_bool (reader, &response->open_proxy, "the OpenProxy answer", error))
            return false;
          break;
        case NYM_NR_QUERY_DESCRIPTION:
        case NYM_NR_QUERY_ERROR:
          if ((response->message = get_string (reader, "the query text", error)) == NULL)
            return false;
          break;
        default:
          {
            bool has_policy;

            if (!get_bool (reader, &response->policy_enabled, "the ExitPolicy enabled flag", error)
                || (response->upstream = get_string (reader, "the ExitPolicy upstream", error)) == NULL
                || !get_bool (reader, &has_policy, "the ExitPolicy option tag", error))
              return false;
            if (has_policy && (response->policy = get_policy (reader, error)) == NULL)
              return false;
            break;
          }
        }
      return expect_end (reader, "the query response", error);
    default:
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                   "response flag 0x%02x is not NetworkData (1), ConnectionError (2) or Query (3)", flag);
      return false;
    }
}

NymNrResponse *
nym_nr_response_decode (const uint8_t *bytes,
                        size_t         len,
                        GError       **error)
{
  g_autoptr(NymNrResponse) response = g_new0 (NymNrResponse, 1);
  Reader reader = { bytes, len, 0 };
  uint8_t first;

  g_return_val_if_fail (bytes != NULL || len == 0, NULL);

  if (!need (&reader, 1, "the version", error))
    return NULL;
  first = bytes[0];
  if (!read_version (first, "interface", &response->version.interface, error))
    return NULL;

  if (response->version.interface != NYM_NR_VERSION_LEGACY)
    {
      uint8_t tag;

      reader.pos = 1;
      if (!get_u8 (&reader, &tag, "the response tag", error))
        return NULL;
      if (tag == TAG_CONTROL)
        {
          uint8_t control;

          if (!get_u8 (&reader, &control, "the control response", error))
            return NULL;
          if (control > NYM_NR_CONTROL_SUPPORTED_VERSIONS && control != NYM_NR_CONTROL_ERROR)
            {
              g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                           "control response 0x%02x is not Health (0), BinaryInfo (1), "
                           "SupportedRequestVersions (2) or Error (0xff)", control);
              return NULL;
            }
          if (control == NYM_NR_CONTROL_HEALTH && !expect_end (&reader, "the Health control response", error))
            return NULL;
          response->kind = NYM_NR_RESPONSE_CONTROL;
          response->control = (NymNrControl) control;
          response->data = g_bytes_new (bytes + reader.pos, remaining (&reader));
          return g_steal_pointer (&response);
        }
      if (tag != TAG_PROVIDER_DATA)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_UNKNOWN_TAG,
                       "response tag 0x%02x is neither control (0x00) nor provider data (0x01)", tag);
          return NULL;
        }
      if (!need (&reader, 1, "the protocol version", error))
        return NULL;
      first = bytes[reader.pos];
    }
  /* A protocol byte below 3 is not a version but already the flag of Legacy content. */
  if (!read_version (first, "SOCKS5 protocol", &response->version.protocol, error))
    return NULL;
  if (response->version.protocol != NYM_NR_VERSION_LEGACY)
    reader.pos++;
  if (!decode_response_content (&reader, response, error))
    return NULL;
  return g_steal_pointer (&response);
}
