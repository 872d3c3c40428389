/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The local SOCKS4, SOCKS4a and SOCKS5 handshake as an incremental parser plus its reply builders (spec nym-gateway.md §5.1). */
#include "socks5/nym-socks-handshake.h"

#include <arpa/inet.h>
#include <string.h>

typedef enum
{
  STATE_VERSION,      /* waiting for the first byte, which says which protocol follows */
  STATE_V5_METHODS,   /* RFC 1928 §3 version/method selection */
  STATE_V5_REQUEST,   /* RFC 1928 §4 request */
  STATE_V4_REQUEST,   /* SOCKS4 request, SOCKS4a host name after the user id */
  STATE_DONE,
  STATE_FAILED,
} State;

struct _NymSocksHandshake
{
  State           state;
  GByteArray     *pending; /* bytes of the message being parsed, from its first byte */
  NymSocksRequest request;
};

NymSocksHandshake *
nym_socks_handshake_new (void)
{
  NymSocksHandshake *handshake = g_new0 (NymSocksHandshake, 1);

  handshake->state = STATE_VERSION;
  handshake->pending = g_byte_array_new ();
  return handshake;
}

void
nym_socks_handshake_free (NymSocksHandshake *handshake)
{
  if (handshake == NULL)
    return;
  g_byte_array_unref (handshake->pending);
  g_free (handshake->request.host);
  g_free (handshake->request.user_id);
  g_free (handshake);
}

const NymSocksRequest *
nym_socks_handshake_get_request (const NymSocksHandshake *handshake)
{
  return handshake->state == STATE_DONE ? &handshake->request : NULL;
}

NymSocksStep
nym_socks_handshake_get_step (const NymSocksHandshake *handshake)
{
  switch (handshake->state)
    {
    case STATE_DONE:
      return NYM_SOCKS_STEP_REQUEST;
    case STATE_FAILED:
      return NYM_SOCKS_STEP_FAILED;
    default:
      return NYM_SOCKS_STEP_NEED_MORE;
    }
}

static void
append_reply (GByteArray     *reply,
              NymSocksVersion version,
              NymSocks5Reply  code)
{
  uint8_t out[NYM_SOCKS_REPLY_MAX];
  size_t len = nym_socks_reply_failure (version, code, out);

  if (reply != NULL)
    g_byte_array_append (reply, out, (guint) len);
}

/* A host name as sent by the client must be text we can put into "host:port": no NUL, no
 * control characters, valid UTF-8. Anything else is garbage, not a name. */
static bool
host_name_is_usable (const uint8_t *bytes,
                     size_t         len)
{
  if (len == 0 || !g_utf8_validate ((const char *) bytes, (gssize) len, NULL))
    return false;
  for (size_t i = 0; i < len; i++)
    if (bytes[i] < 0x20 || bytes[i] == 0x7f)
      return false;
  return true;
}

static char *
ipv4_text (const uint8_t address[static 4])
{
  return g_strdup_printf ("%u.%u.%u.%u", address[0], address[1], address[2], address[3]);
}

static char *
ipv6_text (const uint8_t address[static 16])
{
  char text[INET6_ADDRSTRLEN];

  if (inet_ntop (AF_INET6, address, text, sizeof text) == NULL)
    g_assert_not_reached ();
  return g_strdup (text);
}

static NymSocksStep
fail (NymSocksHandshake *handshake,
      GByteArray        *reply,
      bool               send_reply,
      NymSocks5Reply     code,
      GError           **error,
      NymSocksError      error_code,
      const char        *format,
      ...) G_GNUC_PRINTF (7, 8);

static NymSocksStep
fail (NymSocksHandshake *handshake,
      GByteArray        *reply,
      bool               send_reply,
      NymSocks5Reply     code,
      GError           **error,
      NymSocksError      error_code,
      const char        *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  if (send_reply)
    append_reply (reply, handshake->request.version, code);
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, NYM_SOCKS_ERROR, error_code, message);
  handshake->state = STATE_FAILED;
  return NYM_SOCKS_STEP_FAILED;
}

/* Looks for the NUL that ends a SOCKS4 string starting at from. Returns the length of the
 * string, or -1 when it is not complete yet. */
static gssize
find_terminator (const GByteArray *pending,
                 size_t            from)
{
  for (size_t i = from; i < pending->len; i++)
    if (pending->data[i] == 0)
      return (gssize) (i - from);
  return -1;
}

/* SOCKS4: VN(4) CD DSTPORT(2) DSTIP(4) USERID NUL; SOCKS4a puts 0.0.0.x (x ≠ 0) in DSTIP and
 * the host name, NUL-terminated, after the user id. Returns the message length when it is
 * complete, 0 when more bytes are needed, -1 on failure. */
static gssize
parse_v4 (NymSocksHandshake *handshake,
          GByteArray        *reply,
          GError           **error)
{
  const GByteArray *pending = handshake->pending;
  const uint8_t *p = pending->data;
  NymSocksRequest *request = &handshake->request;
  gssize user_len;
  gssize host_len;
  bool socks4a;

  if (pending->len < 2)
    return 0;
  if (p[1] != NYM_SOCKS_COMMAND_CONNECT)
    {
      fail (handshake, reply, true, NYM_SOCKS5_REPLY_COMMAND_NOT_SUPPORTED, error,
            NYM_SOCKS_ERROR_COMMAND_NOT_SUPPORTED,
            "SOCKS4 command 0x%02x is not supported; only CONNECT (0x01) is", p[1]);
      return -1;
    }
  if (pending->len < 8)
    return 0;

  user_len = find_terminator (pending, 8);
  if (user_len < 0)
    {
      if (pending->len - 8 > NYM_SOCKS4_MAX_STRING)
        {
          fail (handshake, reply, true, NYM_SOCKS5_REPLY_GENERAL_FAILURE, error, NYM_SOCKS_ERROR_TOO_LONG,
                "SOCKS4 user id is longer than %d bytes", NYM_SOCKS4_MAX_STRING);
          return -1;
        }
      return 0;
    }
  if (user_len > NYM_SOCKS4_MAX_STRING)
    {
      fail (handshake, reply, true, NYM_SOCKS5_REPLY_GENERAL_FAILURE, error, NYM_SOCKS_ERROR_TOO_LONG,
            "SOCKS4 user id is %" G_GSSIZE_FORMAT " bytes long, more than %d", user_len, NYM_SOCKS4_MAX_STRING);
      return -1;
    }

  socks4a = p[4] == 0 && p[5] == 0 && p[6] == 0 && p[7] != 0;
  host_len = 0;
  if (socks4a)
    {
      size_t host_start = 8 + (size_t) user_len + 1;

      host_len = find_terminator (pending, host_start);
      if (host_len < 0)
        {
          if (pending->len - host_start > NYM_SOCKS4_MAX_STRING)
            {
              fail (handshake, reply, true, NYM_SOCKS5_REPLY_GENERAL_FAILURE, error, NYM_SOCKS_ERROR_TOO_LONG,
                    "SOCKS4a host name is longer than %d bytes", NYM_SOCKS4_MAX_STRING);
              return -1;
            }
          return 0;
        }
      if (host_len > NYM_SOCKS4_MAX_STRING)
        {
          fail (handshake, reply, true, NYM_SOCKS5_REPLY_GENERAL_FAILURE, error, NYM_SOCKS_ERROR_TOO_LONG,
                "SOCKS4a host name is %" G_GSSIZE_FORMAT " bytes long, more than %d", host_len,
                NYM_SOCKS4_MAX_STRING);
          return -1;
        }
      if (!host_name_is_usable (p + host_start, (size_t) host_len))
        {
          fail (handshake, reply, true, NYM_SOCKS5_REPLY_GENERAL_FAILURE, error, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                "SOCKS4a host name of %" G_GSSIZE_FORMAT " bytes is empty or not printable text", host_len);
          return -1;
        }
      request->address_type = NYM_SOCKS_ADDRESS_DOMAIN;
      request->host = g_strndup ((const char *) p + host_start, (gsize) host_len);
    }
  else
    {
      request->address_type = NYM_SOCKS_ADDRESS_IPV4;
      memcpy (request->address, p + 4, 4);
      request->host = ipv4_text (p + 4);
    }
  request->command = NYM_SOCKS_COMMAND_CONNECT;
  request->port = (uint16_t) ((p[2] << 8) | p[3]);
  request->user_id = g_strndup ((const char *) p + 8, (gsize) user_len);
  return 8 + user_len + 1 + (socks4a ? host_len + 1 : 0);
}

/* RFC 1928 §3: VER(5) NMETHODS METHODS…; we only offer NO AUTHENTICATION REQUIRED. */
static gssize
parse_v5_methods (NymSocksHandshake *handshake,
                  GByteArray        *reply,
                  GError           **error)
{
  const uint8_t *p = handshake->pending->data;
  size_t n_methods;
  bool no_auth = false;
  static const uint8_t accepted[2] = { NYM_SOCKS_VERSION_5, NYM_SOCKS5_METHOD_NO_AUTH };
  static const uint8_t refused[2] = { NYM_SOCKS_VERSION_5, NYM_SOCKS5_METHOD_NO_ACCEPTABLE };

  if (handshake->pending->len < 2)
    return 0;
  n_methods = p[1];
  if (handshake->pending->len < 2 + n_methods)
    return 0;
  for (size_t i = 0; i < n_methods; i++)
    if (p[2 + i] == NYM_SOCKS5_METHOD_NO_AUTH)
      no_auth = true;
  if (!no_auth)
    {
      g_autoptr(GString) offered = g_string_new (NULL);

      for (size_t i = 0; i < n_methods; i++)
        g_string_append_printf (offered, "%s0x%02x", i > 0 ? ", " : "", p[2 + i]);
      if (reply != NULL)
        g_byte_array_append (reply, refused, sizeof refused);
      fail (handshake, reply, false, 0, error, NYM_SOCKS_ERROR_NO_ACCEPTABLE_METHOD,
            "the SOCKS5 client offered no method we accept (offered: %s; we need 0x00, no authentication)",
            n_methods > 0 ? offered->str : "none");
      return -1;
    }
  if (reply != NULL)
    g_byte_array_append (reply, accepted, sizeof accepted);
  return (gssize) (2 + n_methods);
}

/* RFC 1928 §4: VER CMD RSV ATYP DST.ADDR DST.PORT. */
static gssize
parse_v5_request (NymSocksHandshake *handshake,
                  GByteArray        *reply,
                  GError           **error)
{
  const uint8_t *p = handshake->pending->data;
  size_t len = handshake->pending->len;
  NymSocksRequest *request = &handshake->request;
  size_t address_end;

  if (len >= 1 && p[0] != NYM_SOCKS_VERSION_5)
    {
      fail (handshake, reply, true, NYM_SOCKS5_REPLY_GENERAL_FAILURE, error, NYM_SOCKS_ERROR_INVALID_MESSAGE,
            "SOCKS5 request has version %u, expected 5", p[0]);
      return -1;
    }
  if (len >= 2 && p[1] != NYM_SOCKS_COMMAND_CONNECT)
    {
      const char *name = p[1] == NYM_SOCKS_COMMAND_BIND ? "BIND"
                         : p[1] == NYM_SOCKS_COMMAND_UDP_ASSOCIATE ? "UDP ASSOCIATE" : "unknown";

      fail (handshake, reply, true, NYM_SOCKS5_REPLY_COMMAND_NOT_SUPPORTED, error,
            NYM_SOCKS_ERROR_COMMAND_NOT_SUPPORTED,
            "SOCKS5 command 0x%02x (%s) is not supported; only CONNECT (0x01) is", p[1], name);
      return -1;
    }
  if (len >= 3 && p[2] != 0)
    {
      fail (handshake, reply, true, NYM_SOCKS5_REPLY_GENERAL_FAILURE, error, NYM_SOCKS_ERROR_INVALID_MESSAGE,
            "SOCKS5 request has reserved byte 0x%02x, expected 0x00", p[2]);
      return -1;
    }
  if (len < 4)
    return 0;

  switch (p[3])
    {
    case NYM_SOCKS_ADDRESS_IPV4:
      address_end = 4 + 4;
      break;
    case NYM_SOCKS_ADDRESS_IPV6:
      address_end = 4 + 16;
      break;
    case NYM_SOCKS_ADDRESS_DOMAIN:
      if (len < 5)
        return 0;
      address_end = 5 + (size_t) p[4];
      break;
    default:
      fail (handshake, reply, true, NYM_SOCKS5_REPLY_ADDRESS_TYPE_NOT_SUPPORTED, error,
            NYM_SOCKS_ERROR_ADDRESS_TYPE_NOT_SUPPORTED,
            "SOCKS5 address type 0x%02x is not supported (1 IPv4, 3 domain name, 4 IPv6 are)", p[3]);
      return -1;
    }
  if (len < address_end + 2)
    return 0;

  request->command = NYM_SOCKS_COMMAND_CONNECT;
  request->address_type = p[3];
  switch (p[3])
    {
    case NYM_SOCKS_ADDRESS_IPV4:
      memcpy (request->address, p + 4, 4);
      request->host = ipv4_text (p + 4);
      break;
    case NYM_SOCKS_ADDRESS_IPV6:
      memcpy (request->address, p + 4, 16);
      request->host = ipv6_text (p + 4);
      break;
    default:
      if (!host_name_is_usable (p + 5, p[4]))
        {
          fail (handshake, reply, true, NYM_SOCKS5_REPLY_GENERAL_FAILURE, error, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                "SOCKS5 domain name of %u bytes is empty or not printable text", p[4]);
          return -1;
        }
      request->host = g_strndup ((const char *) p + 5, p[4]);
      break;
    }
  request->port = (uint16_t) ((p[address_end] << 8) | p[address_end + 1]);
  return (gssize) (address_end + 2);
}

/*
 * Bytes are appended to pending and the current message is parsed from its start each time,
 * so any split of the input gives the same result. When a message completes, what follows it
 * in pending is either the next handshake message (SOCKS5 clients may send the request right
 * behind the greeting) or, after the request, application data that is not ours: it is
 * reported as not consumed.
 */
NymSocksStep
nym_socks_handshake_feed (NymSocksHandshake *handshake,
                          const uint8_t     *data,
                          size_t             len,
                          size_t            *consumed,
                          GByteArray        *reply,
                          GError           **error)
{
  g_return_val_if_fail (handshake != NULL, NYM_SOCKS_STEP_FAILED);
  g_return_val_if_fail (data != NULL || len == 0, NYM_SOCKS_STEP_FAILED);

  if (consumed != NULL)
    *consumed = 0;
  if (handshake->state == STATE_DONE || handshake->state == STATE_FAILED)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_MESSAGE,
                   "the SOCKS handshake has already %s; %zu more bytes are not part of it",
                   handshake->state == STATE_DONE ? "completed" : "failed", len);
      return NYM_SOCKS_STEP_FAILED;
    }

  g_byte_array_append (handshake->pending, data, (guint) len);
  for (;;)
    {
      gssize message_len = 0;

      switch (handshake->state)
        {
        case STATE_VERSION:
          if (handshake->pending->len == 0)
            break;
          switch (handshake->pending->data[0])
            {
            case NYM_SOCKS_VERSION_5:
              handshake->request.version = NYM_SOCKS_VERSION_5;
              handshake->state = STATE_V5_METHODS;
              continue;
            case NYM_SOCKS_VERSION_4:
              handshake->request.version = NYM_SOCKS_VERSION_4;
              handshake->state = STATE_V4_REQUEST;
              continue;
            default:
              /* Not a SOCKS client (an HTTP request starts with a letter): there is no
               * reply it would understand, so we only close. */
              fail (handshake, reply, false, 0, error, NYM_SOCKS_ERROR_UNSUPPORTED_VERSION,
                    "first byte 0x%02x is not a SOCKS version (4 or 5 expected)",
                    handshake->pending->data[0]);
              message_len = -1;
              break;
            }
          break;
        case STATE_V5_METHODS:
          message_len = parse_v5_methods (handshake, reply, error);
          if (message_len > 0)
            {
              g_byte_array_remove_range (handshake->pending, 0, (guint) message_len);
              handshake->state = STATE_V5_REQUEST;
              continue;
            }
          break;
        case STATE_V5_REQUEST:
          message_len = parse_v5_request (handshake, reply, error);
          break;
        case STATE_V4_REQUEST:
          message_len = parse_v4 (handshake, reply, error);
          break;
        default:
          g_assert_not_reached ();
        }

      if (message_len < 0)
        {
          if (consumed != NULL)
            *consumed = len;
          g_byte_array_set_size (handshake->pending, 0);
          return NYM_SOCKS_STEP_FAILED;
        }
      if (message_len == 0)
        {
          if (consumed != NULL)
            *consumed = len;
          return NYM_SOCKS_STEP_NEED_MORE;
        }

      /* The request is complete; the bytes behind it were never part of pending before this
       * call, so they all come from data. */
      if (consumed != NULL)
        *consumed = len - (handshake->pending->len - (size_t) message_len);
      g_byte_array_set_size (handshake->pending, 0);
      handshake->state = STATE_DONE;
      return NYM_SOCKS_STEP_REQUEST;
    }
}

/*
 * The "host:port" string the network requester receives (spec §5.1): dotted IPv4, the host
 * name as given, or IPv6 as eight lowercase hex groups without leading zeros, joined by
 * colons and without brackets — the form the Nym SOCKS5 client sends (utils.rs
 * pretty_print_addr), which the exit splits at the last colon.
 */
char *
nym_socks_request_to_target (const NymSocksRequest *request)
{
  const uint8_t *a = request->address;

  g_return_val_if_fail (request != NULL, NULL);

  if (request->address_type == NYM_SOCKS_ADDRESS_IPV6)
    {
      GString *target = g_string_new (NULL);

      for (int i = 0; i < 8; i++)
        g_string_append_printf (target, "%s%x", i > 0 ? ":" : "", (unsigned) ((a[2 * i] << 8) | a[2 * i + 1]));
      g_string_append_printf (target, ":%u", request->port);
      return g_string_free (target, FALSE);
    }
  return g_strdup_printf ("%s:%u", request->host, request->port);
}

/*
 * The reply to a CONNECT we take on. It is sent at once, before the exit has connected, as the
 * Nym client does (§5.1): the real connection is made at the exit, so BND.ADDR carries no
 * information and is 127.0.0.1:0 like theirs. A remote failure shows up later as a close.
 */
size_t
nym_socks_reply_success (NymSocksVersion version,
                         uint8_t         out[static NYM_SOCKS_REPLY_MAX])
{
  static const uint8_t v5[NYM_SOCKS5_REPLY_LEN] = { 5, NYM_SOCKS5_REPLY_SUCCEEDED, 0, 1, 127, 0, 0, 1, 0, 0 };
  static const uint8_t v4[NYM_SOCKS4_REPLY_LEN] = { 0, NYM_SOCKS4_REPLY_GRANTED, 0, 0, 127, 0, 0, 1 };

  if (version == NYM_SOCKS_VERSION_4)
    {
      memcpy (out, v4, sizeof v4);
      return sizeof v4;
    }
  memcpy (out, v5, sizeof v5);
  return sizeof v5;
}

/*
 * A refusal as the RFCs write it: SOCKS5 VER REP RSV ATYP(1) 0.0.0.0 port 0 (RFC 1928 §6);
 * SOCKS4 VN 0, CD 0x5B, port and address zero. SOCKS4 has a single "rejected" code, so code
 * only matters for SOCKS5. (The Nym client sends only two bytes, VER REP, on errors, and
 * puts 4 rather than 0 in a SOCKS4 error's VN; clients expect the full reply.)
 */
size_t
nym_socks_reply_failure (NymSocksVersion version,
                         NymSocks5Reply  code,
                         uint8_t         out[static NYM_SOCKS_REPLY_MAX])
{
  if (version == NYM_SOCKS_VERSION_4)
    {
      memset (out, 0, NYM_SOCKS4_REPLY_LEN);
      out[1] = NYM_SOCKS4_REPLY_REJECTED;
      return NYM_SOCKS4_REPLY_LEN;
    }
  memset (out, 0, NYM_SOCKS5_REPLY_LEN);
  out[0] = NYM_SOCKS_VERSION_5;
  out[1] = (uint8_t) code;
  out[3] = NYM_SOCKS_ADDRESS_IPV4;
  return NYM_SOCKS5_REPLY_LEN;
}

/*
 * Fail closed (UX.md point 3): while the mixnet is not ready the proxy refuses every CONNECT
 * and never goes direct. SOCKS5 gets 0x03 "network unreachable", not 0x01 "general SOCKS
 * server failure": the proxy itself is fine, it is the network it routes through that cannot
 * be reached right now, which is a transient condition a client may retry, whereas 0x01
 * reports a fault of the server. curl, for one, prints "Network unreachable" for 0x03, which
 * tells the user what is going on. SOCKS4 has only 0x5B.
 */
size_t
nym_socks_reply_mixnet_not_ready (NymSocksVersion version,
                                  uint8_t         out[static NYM_SOCKS_REPLY_MAX])
{
  return nym_socks_reply_failure (version, NYM_SOCKS5_REPLY_NETWORK_UNREACHABLE, out);
}
