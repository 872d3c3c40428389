/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetGateway: a Nym entry and exit gateway on 127.0.0.1 that the real Nym client can use (spec nym-gateway.md §1–§2, §7). */
#include "localnet-gateway.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <libwebsockets.h>
#include <sodium.h>

#include "crypto/nym-base58.h"
#include "crypto/nym-blake3.h"
#include "crypto/nym-keys.h"
#include "packet/nym-ack.h"
#include "packet/nym-gateway-frame.h"
#include "packet/nym-node-frame.h"
#include "sphinx/nym-sphinx-packet.h"
#include "localnet-gateway-error.h"
#include "localnet-gateway-handshake.h"
#include "localnet-gateway-messages.h"
#include "localnet-gateway-store.h"
#include "localnet-forwarder.h"
#include "localnet-keys.h"

/* Text and binary messages larger than this are refused; the largest legitimate one is an
 * Extended32 ForwardSphinx frame of about 33 kB. */
#define MAX_MESSAGE_LEN        (128 * 1024)
/* §2.3: stored messages are flushed 100 per query. */
#define INBOX_BATCH            100
/* §1.11: how long an older session has to answer the duplicate-session ping. */
#define DUPLICATE_PING_TIMEOUT_MS 1000
/* The sets of seen packets are bounded; when full they start again, which only weakens
 * replay detection for very old packets. */
#define MAX_SEEN_PACKETS       (1u << 20)
/* §2.3: messages nobody collected within 24 h are deleted, checked every hour. */
#define INBOX_MAX_AGE_SECONDS  (24 * 60 * 60)
#define INBOX_CLEAN_INTERVAL_SECONDS (60 * 60)

/* §1.1: a client that is not authenticated must send each message within 10 s. */
#define PRE_AUTH_TIMEOUT_SECONDS 10

/* The §1.11 errors the real gateway sends, verbatim. */
#define ERROR_ALREADY_CONNECTED "There is already an open connection to this client"

typedef enum
{
  SESSION_FRESH,
  SESSION_HANDSHAKE,
  SESSION_CHECKING_DUPLICATE,
  SESSION_AUTHENTICATED,
  SESSION_CLOSING,
} SessionState;

typedef struct
{
  bool    binary;
  bool    ping;
  GBytes *bytes;
} OutMessage;

typedef struct _Session Session;

struct _Session
{
  LocalnetGateway          *gateway;  /* borrowed */
  struct lws               *wsi;      /* borrowed; NULL once lws closed it */
  SessionState              state;
  LocalnetGatewayHandshake *handshake;
  char                     *address;  /* base58 identity, once authenticated */
  uint8_t                  *shared_key; /* sodium_malloc'd, once authenticated */
  uint8_t                   protocol_version;
  uint64_t                  auth_timestamp;
  int64_t                   bandwidth;
  int64_t                   bandwidth_expiration;
  guint                     unsaved_packets;
  GByteArray               *rx;
  bool                      rx_binary;
  GQueue                    out;      /* OutMessage */
  bool                      close_after_flush;
  /* §1.11: a new session waiting for the verdict on an older one, and the other way round. */
  LocalnetGatewayAuthRequest pending_auth;
  Session                  *incumbent;
  Session                  *challenger;
  uint8_t                   ping_tag[8];
  guint                     ping_timeout_id;
};

struct _LocalnetGateway
{
  GObject               parent_instance;

  /* Configuration. */
  char                 *directory;
  guint16               ws_port;
  guint16               mix_port;
  gint64                free_bandwidth;
  guint                 pre_auth_timeout;  /* seconds */

  /* The node's keys, kept in its directory (secrets in sodium_malloc'd memory). */
  LocalnetKeys         *keys;
  char                 *identity_text;
  char                 *sphinx_text;

  /* Running state, owned. */
  LocalnetGatewayStore *store;
  LocalnetForwarder    *forwarder;
  GMainLoop            *lws_loop;
  struct lws_context   *lws;
  GSocketService       *mix_service;
  GCancellable         *mix_cancellable;
  GHashTable           *sessions;          /* Session* set, every open websocket */
  GHashTable           *authenticated;     /* base58 address → Session* (borrowed from sessions) */
  GHashTable           *seen_packets;      /* 32-byte digest or replay tag → itself */
  guint                 inbox_clean_id;

  /* Counters. */
  guint64               packets_in;
  guint64               packets_out;
  guint64               acks_forwarded;
  guint64               retransmissions;
  guint64               registrations;
  guint64               authentications;
  guint64               client_packets;
  guint64               stored_messages;
  guint64               bandwidth_claims;
};

G_DEFINE_FINAL_TYPE (LocalnetGateway, localnet_gateway, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DIRECTORY,
  PROP_WS_PORT,
  PROP_MIX_PORT,
  PROP_FREE_BANDWIDTH,
  PROP_PRE_AUTH_TIMEOUT,
  PROP_IDENTITY,
  PROP_WS_URL,
  PROP_MIX_ADDRESS,
  PROP_CLIENTS,
  PROP_PACKETS_IN,
  PROP_PACKETS_OUT,
  PROP_ACKS_FORWARDED,
  PROP_RETRANSMISSIONS,
  PROP_REGISTRATIONS,
  PROP_AUTHENTICATIONS,
  PROP_CLIENT_PACKETS,
  PROP_STORED_MESSAGES,
  PROP_BANDWIDTH_CLAIMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void session_send_text  (Session    *session,
                                char       *json);
static void session_close      (Session    *session);
static void session_free       (Session    *session);

/* ---------------------------------------------------------------------------------------- */
/* Keys and counters                                                                         */

static bool
load_or_create_keys (LocalnetGateway *self,
                     GError         **error)
{
  g_clear_pointer (&self->keys, localnet_keys_free);
  self->keys = localnet_keys_load_or_create (self->directory, error);
  if (self->keys == NULL)
    return false;
  g_free (self->identity_text);
  g_free (self->sphinx_text);
  self->identity_text = localnet_keys_identity_base58 (self->keys);
  self->sphinx_text = localnet_keys_sphinx_base58 (self->keys);
  return true;
}

static void
count (LocalnetGateway *self,
       guint64         *counter,
       int              prop)
{
  (*counter)++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Whether this exact packet (or this replay tag) was seen before; remembers it if not. */
static bool
seen_before (LocalnetGateway *self,
             const uint8_t    digest[static 32])
{
  uint8_t *copy;

  if (g_hash_table_contains (self->seen_packets, digest))
    {
      count (self, &self->retransmissions, PROP_RETRANSMISSIONS);
      return true;
    }
  if (g_hash_table_size (self->seen_packets) >= MAX_SEEN_PACKETS)
    g_hash_table_remove_all (self->seen_packets);
  copy = g_memdup2 (digest, 32);
  g_hash_table_add (self->seen_packets, copy);
  return false;
}

static guint
digest_hash (gconstpointer key)
{
  guint h;

  memcpy (&h, key, sizeof h);
  return h;
}

static gboolean
digest_equal (gconstpointer a,
              gconstpointer b)
{
  return memcmp (a, b, 32) == 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Bandwidth (§1.10)                                                                          */

/* Free bandwidth is valid until the end of the current ecash day, a UTC date. */
static int64_t
end_of_utc_day (void)
{
  int64_t now = g_get_real_time () / G_USEC_PER_SEC;

  return (now / 86400 + 1) * 86400;
}

static void
session_expire_bandwidth (Session *session)
{
  int64_t now = g_get_real_time () / G_USEC_PER_SEC;

  if (session->bandwidth_expiration != 0 && now >= session->bandwidth_expiration)
    {
      session->bandwidth = 0;
      session->bandwidth_expiration = 0;
    }
}

static void
session_save_bandwidth (Session *session)
{
  g_autoptr(GError) error = NULL;

  session->unsaved_packets = 0;
  if (session->address == NULL || session->gateway->store == NULL)
    return;
  if (!localnet_gateway_store_set_bandwidth (session->gateway->store, session->address,
                                             session->bandwidth, session->bandwidth_expiration, &error))
    g_debug ("localnet gateway: %s", error->message);
}

/* ---------------------------------------------------------------------------------------- */
/* Sending to a client                                                                        */

static void
session_queue (Session *session,
               bool     binary,
               bool     ping,
               GBytes  *bytes)
{
  OutMessage *message;

  if (session->wsi == NULL || session->state == SESSION_CLOSING)
    {
      g_bytes_unref (bytes);
      return;
    }
  message = g_new0 (OutMessage, 1);
  message->binary = binary;
  message->ping = ping;
  message->bytes = bytes;
  g_queue_push_tail (&session->out, message);
  lws_callback_on_writable (session->wsi);
}

static void
session_send_text (Session *session,
                   char    *json)
{
  size_t len = strlen (json);

  session_queue (session, false, false, g_bytes_new_take (json, len));
}

/* Text error replies: before authentication they end the session (§1.11), after it they
 * are only reported. */
static void
session_send_error (Session    *session,
                    const char *message,
                    bool        fatal)
{
  session_send_text (session, localnet_gateway_reply_error (message));
  if (fatal)
    session_close (session);
}

/* §1.8–§1.9: a PushedMixMessage, kind 1, encrypted with the client's key and a fresh nonce. */
static bool
session_push (Session       *session,
              const uint8_t *plaintext,
              size_t         len)
{
  g_autoptr(GError) error = NULL;
  uint8_t nonce[NYM_GATEWAY_FRAME_NONCE_LEN];
  GByteArray *frame;

  nym_random_bytes (nonce, sizeof nonce);
  frame = nym_gateway_frame_seal (NYM_GATEWAY_RESPONSE_PUSHED_MIX_MESSAGE, session->shared_key,
                                  nonce, plaintext, len, &error);
  if (frame == NULL)
    {
      g_debug ("localnet gateway: cannot seal a message for %s: %s", session->address, error->message);
      return false;
    }
  session_queue (session, true, false, g_byte_array_free_to_bytes (frame));
  count (session->gateway, &session->gateway->packets_out, PROP_PACKETS_OUT);
  return true;
}

/* Closing is asynchronous: whatever is queued (usually an error reply) goes out first. */
static void
session_close (Session *session)
{
  if (session->wsi == NULL)
    return;
  session->close_after_flush = true;
  lws_callback_on_writable (session->wsi);
}

/* ---------------------------------------------------------------------------------------- */
/* Registration and authentication (§1.4, §1.5, §1.11)                                       */

static void
session_set_authenticated (Session       *session,
                           const uint8_t  identity[static 32],
                           const uint8_t  shared_key[static 32])
{
  LocalnetGateway *self = session->gateway;

  g_free (session->address);
  session->address = nym_base58_encode (identity, 32);
  if (session->shared_key == NULL)
    session->shared_key = sodium_malloc (32);
  g_assert (session->shared_key != NULL);
  memcpy (session->shared_key, shared_key, 32);
  session->state = SESSION_AUTHENTICATED;
  if (session->wsi != NULL)
    lws_set_timeout (session->wsi, NO_PENDING_TIMEOUT, 0);
  g_hash_table_replace (self->authenticated, session->address, session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENTS]);
}

static void
session_flush_inbox (Session *session)
{
  LocalnetGateway *self = session->gateway;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) entries = localnet_gateway_store_inbox_fetch (self->store, session->address,
                                                                      INBOX_BATCH, &error);

      if (entries == NULL)
        {
          g_debug ("localnet gateway: %s", error->message);
          return;
        }
      for (guint i = 0; i < entries->len; i++)
        {
          LocalnetGatewayInboxEntry *entry = &g_array_index (entries, LocalnetGatewayInboxEntry, i);
          gsize len;
          const uint8_t *data = g_bytes_get_data (entry->content, &len);

          if (!session_push (session, data, len))
            return;
          if (!localnet_gateway_store_inbox_remove (self->store, entry->id, &error))
            {
              g_debug ("localnet gateway: %s", error->message);
              return;
            }
        }
      if (entries->len < INBOX_BATCH)
        return;
    }
}

static void
handle_handshake_init (Session                      *session,
                       const LocalnetGatewayRequest *request)
{
  LocalnetGateway *self = session->gateway;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  uint8_t *ephemeral = NULL;
  uint8_t nonce[12];
  uint8_t response[LOCALNET_GATEWAY_HANDSHAKE_RESPONSE_LEN];
  gsize len;
  const uint8_t *data = g_bytes_get_data (request->data, &len);
  bool ok;

  /* §1.4 step 2: the client must not already be connected. */
  if (len == LOCALNET_GATEWAY_HANDSHAKE_INIT_LEN)
    {
      address = nym_base58_encode (data, 32);
      if (g_hash_table_contains (self->authenticated, address))
        {
          session_send_error (session, ERROR_ALREADY_CONNECTED, true);
          return;
        }
    }

  session->handshake = localnet_gateway_handshake_new ();
  ephemeral = sodium_malloc (32);
  g_assert (ephemeral != NULL);
  nym_random_bytes (ephemeral, 32);
  nym_random_bytes (nonce, sizeof nonce);
  ok = localnet_gateway_handshake_respond (session->handshake, self->keys->identity_secret,
                                           request->protocol_version, data, len,
                                           ephemeral, nonce, response, &error);
  sodium_free (ephemeral);
  if (!ok)
    {
      session_send_text (session, localnet_gateway_reply_error (error->message));
      session_close (session);
      return;
    }
  session->state = SESSION_HANDSHAKE;
  session_send_text (session, localnet_gateway_reply_handshake_payload (session->handshake->protocol_version,
                                                                        response, sizeof response));
}

static void
handle_handshake_final (Session                      *session,
                        const LocalnetGatewayRequest *request)
{
  LocalnetGateway *self = session->gateway;
  LocalnetGatewayHandshake *handshake = session->handshake;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  static const uint8_t success[1] = { 1 };
  static const uint8_t failure[1] = { 0 };
  gsize len;
  const uint8_t *data = g_bytes_get_data (request->data, &len);

  if (!localnet_gateway_handshake_finish (handshake, data, len, &error))
    {
      session_send_text (session, localnet_gateway_reply_handshake_payload (handshake->protocol_version,
                                                                            failure, 1));
      session_send_error (session, error->message, true);
      return;
    }
  address = nym_base58_encode (handshake->client_identity, 32);
  if (g_hash_table_contains (self->authenticated, address))
    {
      session_send_error (session, ERROR_ALREADY_CONNECTED, true);
      return;
    }
  if (!localnet_gateway_store_register (self->store, address, handshake->shared_key, &error))
    {
      session_send_error (session, error->message, true);
      return;
    }

  /* §1.4 step 8. Stored messages are not pushed here but on the next authentication:
   * the 1.4.1 client drops what arrives before the register reply (§8, question 8). */
  session->protocol_version = handshake->protocol_version;
  session->bandwidth = 0;
  session->bandwidth_expiration = 0;
  session->auth_timestamp = 0;
  session_set_authenticated (session, handshake->client_identity, handshake->shared_key);
  g_clear_pointer (&session->handshake, localnet_gateway_handshake_free);
  count (self, &self->registrations, PROP_REGISTRATIONS);
  session_send_text (session, localnet_gateway_reply_handshake_payload (session->protocol_version, success, 1));
  session_send_text (session, localnet_gateway_reply_register (session->protocol_version));
}

/* The last steps of §1.5, once any older session for the same client is gone. */
static void
finish_authentication (Session *session)
{
  LocalnetGateway *self = session->gateway;
  const LocalnetGatewayAuthRequest *auth = &session->pending_auth;
  LocalnetGatewayClientRecord record;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = nym_base58_encode (auth->client_identity, 32);
  bool found = false;

  /* Read again: the older session may have saved newer bandwidth or a newer timestamp. */
  if (!localnet_gateway_store_lookup (self->store, address, &record, &found, &error) || !found)
    {
      session_send_error (session, error != NULL ? error->message : "client is not registered", true);
      return;
    }
  if (!localnet_gateway_auth_check_key (auth, record.shared_key, record.last_auth_timestamp, &error) ||
      !localnet_gateway_store_set_auth_timestamp (self->store, address, auth->timestamp, &error))
    {
      localnet_gateway_client_record_clear (&record);
      session_send_error (session, error->message, true);
      return;
    }

  session->protocol_version = auth->protocol_version;
  session->auth_timestamp = auth->timestamp;
  session->bandwidth = record.bandwidth;
  session->bandwidth_expiration = record.bandwidth_expiration;
  session_expire_bandwidth (session);
  session_set_authenticated (session, auth->client_identity, record.shared_key);
  localnet_gateway_client_record_clear (&record);

  session_flush_inbox (session);
  session_send_text (session, localnet_gateway_reply_authenticate (session->protocol_version,
                                                                   session->bandwidth));
  count (self, &self->authentications, PROP_AUTHENTICATIONS);
}

static void
end_duplicate_check (Session *challenger,
                     bool     incumbent_alive)
{
  Session *incumbent = challenger->incumbent;

  g_clear_handle_id (&challenger->ping_timeout_id, g_source_remove);
  challenger->incumbent = NULL;
  if (incumbent != NULL)
    incumbent->challenger = NULL;

  if (incumbent_alive)
    {
      session_send_error (challenger, ERROR_ALREADY_CONNECTED, true);
      return;
    }
  /* The older session did not answer in time: it is dropped in favour of the new one. */
  if (incumbent != NULL)
    {
      if (incumbent->address != NULL &&
          g_hash_table_lookup (challenger->gateway->authenticated, incumbent->address) == incumbent)
        g_hash_table_remove (challenger->gateway->authenticated, incumbent->address);
      session_save_bandwidth (incumbent);
      incumbent->state = SESSION_CLOSING;
      session_close (incumbent);
    }
  challenger->state = SESSION_FRESH;
  finish_authentication (challenger);
}

static gboolean
on_duplicate_ping_timeout (gpointer user_data)
{
  Session *challenger = user_data;

  challenger->ping_timeout_id = 0;
  end_duplicate_check (challenger, false);
  return G_SOURCE_REMOVE;
}

static void
handle_authenticate_v2 (Session                      *session,
                        const LocalnetGatewayRequest *request)
{
  LocalnetGateway *self = session->gateway;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  LocalnetGatewayClientRecord record;
  bool found = false;
  Session *incumbent;
  uint64_t now = (uint64_t) (g_get_real_time () / G_USEC_PER_SEC);

  /* §1.5 order: version, skew, signature, registration, ciphertext, replay. */
  if (!localnet_gateway_auth_check_signed (&request->auth, now, &error))
    {
      session_send_error (session, error->message, true);
      return;
    }
  address = nym_base58_encode (request->auth.client_identity, 32);
  if (!localnet_gateway_store_lookup (self->store, address, &record, &found, &error))
    {
      session_send_error (session, error->message, true);
      return;
    }
  if (!found)
    {
      session_send_error (session, "client is not registered", true);
      return;
    }
  if (!localnet_gateway_auth_check_key (&request->auth, record.shared_key,
                                        record.last_auth_timestamp, &error))
    {
      localnet_gateway_client_record_clear (&record);
      session_send_error (session, error->message, true);
      return;
    }
  localnet_gateway_client_record_clear (&record);
  session->pending_auth = request->auth;

  /* §1.11: an older live session for the same client gets a ping with an 8-byte tag; if it
   * answers within a second the new one is refused, otherwise the old one is dropped. */
  incumbent = g_hash_table_lookup (self->authenticated, address);
  /* A request older than the live session's ("stale session overwrite") already failed the
   * replay check above, because the live session's timestamp is the stored one. */
  if (incumbent != NULL && incumbent != session)
    {
      if (incumbent->challenger != NULL)
        {
          session_send_error (session, ERROR_ALREADY_CONNECTED, true);
          return;
        }
      session->state = SESSION_CHECKING_DUPLICATE;
      session->incumbent = incumbent;
      incumbent->challenger = session;
      nym_random_bytes (incumbent->ping_tag, sizeof incumbent->ping_tag);
      session_queue (incumbent, false, true, g_bytes_new (incumbent->ping_tag, sizeof incumbent->ping_tag));
      session->ping_timeout_id = g_timeout_add (DUPLICATE_PING_TIMEOUT_MS, on_duplicate_ping_timeout, session);
      return;
    }
  finish_authentication (session);
}

static void
handle_claim_bandwidth (Session *session)
{
  LocalnetGateway *self = session->gateway;

  /* §1.10 item 4: enforce_zk_nyms = false, so every claim tops the client up again. */
  session->bandwidth = self->free_bandwidth;
  session->bandwidth_expiration = end_of_utc_day ();
  session_save_bandwidth (session);
  session_send_text (session, localnet_gateway_reply_bandwidth (session->bandwidth));
  count (self, &self->bandwidth_claims, PROP_BANDWIDTH_CLAIMS);
}

static void
handle_text (Session       *session,
             const uint8_t *text,
             size_t         len)
{
  LocalnetGatewayRequest request;
  g_autoptr(GError) error = NULL;
  bool authenticated = session->state == SESSION_AUTHENTICATED;

  if (session->state == SESSION_CHECKING_DUPLICATE || session->state == SESSION_CLOSING)
    return;
  if (!localnet_gateway_request_parse ((const char *) text, len, &request, &error))
    {
      /* §1.11: malformed requests end a session that is not authenticated yet. */
      session_send_error (session, error->message, !authenticated);
      return;
    }

  switch (request.kind)
    {
    case LOCALNET_GATEWAY_REQUEST_SUPPORTED_PROTOCOL:
      session_send_text (session, localnet_gateway_reply_supported_protocol (LOCALNET_GATEWAY_PROTOCOL_CURRENT));
      break;

    case LOCALNET_GATEWAY_REQUEST_HANDSHAKE_PAYLOAD:
      if (session->state == SESSION_FRESH)
        handle_handshake_init (session, &request);
      else if (session->state == SESSION_HANDSHAKE)
        handle_handshake_final (session, &request);
      else
        session_send_error (session, "A handshake message was sent on an authenticated connection", false);
      break;

    case LOCALNET_GATEWAY_REQUEST_HANDSHAKE_ERROR:
      g_debug ("localnet gateway: the client aborted its handshake: %s", request.message);
      session_close (session);
      break;

    case LOCALNET_GATEWAY_REQUEST_AUTHENTICATE_V2:
      if (session->state == SESSION_FRESH)
        handle_authenticate_v2 (session, &request);
      else
        session_send_error (session, "authenticateV2 is only accepted on a fresh connection", !authenticated);
      break;

    case LOCALNET_GATEWAY_REQUEST_CLAIM_FREE_BANDWIDTH:
      if (authenticated)
        handle_claim_bandwidth (session);
      else
        session_send_error (session, "claimFreeTestnetBandwidth needs an authenticated connection", true);
      break;

    case LOCALNET_GATEWAY_REQUEST_LEGACY:
      {
        g_autofree char *message = g_strdup_printf ("The “%s” request is no longer supported", request.type);
        session_send_error (session, message, !authenticated);
      }
      break;

    case LOCALNET_GATEWAY_REQUEST_UNSUPPORTED:
    default:
      {
        g_autofree char *message = g_strdup_printf ("The “%s” request is not supported by this local gateway",
                                                    request.type);
        session_send_error (session, message, !authenticated);
      }
      break;
    }
  localnet_gateway_request_clear (&request);
}

/* ---------------------------------------------------------------------------------------- */
/* Client packets (§1.8, §2.2)                                                               */

/* nymph-localnet never sends traffic off this machine: a next hop outside loopback is a
 * client's mistake or an attempt to use the gateway as a relay. */
static bool
forward_packet (LocalnetGateway      *self,
                const NymNodeAddress *to,
                NymPacketSize         size,
                NymPacketType         type,
                NymKeyRotation        rotation,
                const uint8_t        *packet,
                size_t                len,
                GError              **error)
{
  g_autoptr(GInetAddress) ip = g_inet_address_new_from_bytes (to->ip, to->ip_version == 6
                                                                      ? G_SOCKET_FAMILY_IPV6
                                                                      : G_SOCKET_FAMILY_IPV4);
  g_autoptr(GBytes) bytes = NULL;

  if (!g_inet_address_get_is_loopback (ip))
    {
      g_autofree char *text = g_inet_address_to_string (ip);

      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_NETWORK,
                   "The next hop %s:%u is not on the loopback interface; this local gateway "
                   "only forwards to 127.0.0.1", text, to->port);
      return false;
    }
  bytes = g_bytes_new (packet, len);
  /* A full queue still took this packet (the forwarder only drops far beyond its limit),
   * so the result is back-pressure advice that a websocket peer cannot act on. */
  (void) localnet_forwarder_send (self->forwarder, to, size, type, rotation, bytes);
  return true;
}

static void
handle_binary (Session       *session,
               const uint8_t *data,
               size_t         len)
{
  LocalnetGateway *self = session->gateway;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) plaintext = NULL;
  NymForwardSphinx forward;
  uint8_t kind = 0;
  uint8_t digest[32];

  if (session->state != SESSION_AUTHENTICATED)
    {
      /* §1.11: binary before authentication ends the session. */
      session_send_error (session, "Binary request received before the connection was authenticated", true);
      return;
    }

  plaintext = nym_gateway_frame_open (session->shared_key, data, len, &kind, &error);
  if (plaintext == NULL)
    {
      session_send_error (session, error->message, false);
      return;
    }
  if (kind != NYM_GATEWAY_REQUEST_FORWARD_SPHINX && kind != NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2)
    {
      g_autofree char *message = g_strdup_printf ("Unknown binary request kind %u", kind);
      session_send_error (session, message, false);
      return;
    }
  if (!nym_forward_sphinx_decode (kind, plaintext->data, plaintext->len, &forward, &error))
    {
      g_autofree char *message = g_strdup_printf ("received request had invalid size: %s", error->message);
      session_send_error (session, message, false);
      return;
    }

  /* §1.10: every packet is metered, even though the bandwidth itself is free. */
  session_expire_bandwidth (session);
  if (session->bandwidth < (int64_t) forward.packet_len)
    {
      session_send_text (session, localnet_gateway_reply_out_of_bandwidth ((int64_t) forward.packet_len,
                                                                           session->bandwidth));
      return;
    }

  count (self, &self->packets_in, PROP_PACKETS_IN);
  count (self, &self->client_packets, PROP_CLIENT_PACKETS);
  nym_blake3 (forward.packet, forward.packet_len, digest);
  (void) seen_before (self, digest);

  /* §2.2: the gateway sends with the current (v8) frame header, keeping the rotation byte
   * the client chose; kind 1 carries none, which v8 writes as "unknown". */
  if (!forward_packet (self, &forward.first_hop, forward.size, forward.type, forward.rotation,
                       forward.packet, forward.packet_len, &error))
    {
      session_send_error (session, error->message, false);
      return;
    }
  count (self, &self->packets_out, PROP_PACKETS_OUT);
  session->bandwidth -= (int64_t) forward.packet_len;
  if (++session->unsaved_packets >= 64)
    session_save_bandwidth (session);
  session_send_text (session, localnet_gateway_reply_send (session->bandwidth));
}

/* ---------------------------------------------------------------------------------------- */
/* The websocket server                                                                      */

static void
out_message_free (OutMessage *message)
{
  g_bytes_unref (message->bytes);
  g_free (message);
}

static void
session_free (Session *session)
{
  LocalnetGateway *self = session->gateway;

  if (session->challenger != NULL)
    {
      /* The older session went away while a newer one waited on it: let the newer one in. */
      Session *challenger = session->challenger;

      session->challenger = NULL;
      challenger->incumbent = NULL;
      if (session->address != NULL && g_hash_table_lookup (self->authenticated, session->address) == session)
        g_hash_table_remove (self->authenticated, session->address);
      g_clear_handle_id (&challenger->ping_timeout_id, g_source_remove);
      if (challenger->wsi != NULL && challenger->state == SESSION_CHECKING_DUPLICATE)
        {
          challenger->state = SESSION_FRESH;
          finish_authentication (challenger);
        }
    }
  if (session->incumbent != NULL)
    {
      session->incumbent->challenger = NULL;
      session->incumbent = NULL;
    }
  g_clear_handle_id (&session->ping_timeout_id, g_source_remove);

  if (session->address != NULL && g_hash_table_lookup (self->authenticated, session->address) == session)
    {
      session_save_bandwidth (session);
      g_hash_table_remove (self->authenticated, session->address);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENTS]);
    }
  g_queue_clear_full (&session->out, (GDestroyNotify) out_message_free);
  g_clear_pointer (&session->handshake, localnet_gateway_handshake_free);
  if (session->shared_key != NULL)
    sodium_free (session->shared_key);
  g_clear_pointer (&session->rx, g_byte_array_unref);
  g_free (session->address);
  g_free (session);
}

/* Writes one queued message; false when the connection must be dropped. */
static bool
session_write_one (Session *session)
{
  OutMessage *message = g_queue_pop_head (&session->out);
  enum lws_write_protocol protocol;
  g_autofree uint8_t *buffer = NULL;
  gsize len;
  const uint8_t *data = g_bytes_get_data (message->bytes, &len);
  int written;

  buffer = g_malloc (LWS_PRE + len + 1);
  memcpy (buffer + LWS_PRE, data, len);
  protocol = message->ping ? LWS_WRITE_PING : message->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT;
  written = lws_write (session->wsi, buffer + LWS_PRE, len, protocol);
  out_message_free (message);
  return written >= 0 && (size_t) written >= len;
}

/* Many small replies (one `send` per packet) are written in one go while the socket takes
 * them: one loop iteration per message would make the main loop, not the crypto, the limit. */
static int
session_write (Session *session)
{
  while (!g_queue_is_empty (&session->out))
    {
      if (!session_write_one (session))
        return -1;
      if (lws_send_pipe_choked (session->wsi))
        break;
    }
  if (!g_queue_is_empty (&session->out))
    {
      lws_callback_on_writable (session->wsi);
      return 0;
    }
  if (session->close_after_flush)
    {
      lws_close_reason (session->wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
      return -1;
    }
  return 0;
}

static int
session_receive (Session *session,
                 const void *in,
                 size_t      len)
{
  struct lws *wsi = session->wsi;

  if (lws_is_first_fragment (wsi))
    {
      g_byte_array_set_size (session->rx, 0);
      session->rx_binary = lws_frame_is_binary (wsi);
    }
  if (session->rx->len + len > MAX_MESSAGE_LEN)
    {
      g_autofree char *message = g_strdup_printf ("The message is longer than %d bytes", MAX_MESSAGE_LEN);

      g_byte_array_set_size (session->rx, 0);
      session_send_error (session, message, true);
      return 0;
    }
  g_byte_array_append (session->rx, in, len);
  if (!lws_is_final_fragment (wsi) || lws_remaining_packet_payload (wsi) > 0)
    return 0;

  /* Every complete message before authentication restarts the clock. */
  if (session->state == SESSION_FRESH || session->state == SESSION_HANDSHAKE)
    lws_set_timeout (wsi, PENDING_TIMEOUT_USER_OK, session->gateway->pre_auth_timeout);

  if (session->rx_binary)
    handle_binary (session, session->rx->data, session->rx->len);
  else
    handle_text (session, session->rx->data, session->rx->len);
  g_byte_array_set_size (session->rx, 0);
  return 0;
}

static int
on_lws_event (struct lws               *wsi,
              enum lws_callback_reasons reason,
              void                     *user,
              void                     *in,
              size_t                    len)
{
  LocalnetGateway *self = lws_context_user (lws_get_context (wsi));
  Session **slot = user;
  Session *session = slot != NULL ? *slot : NULL;

  switch (reason)
    {
    case LWS_CALLBACK_ESTABLISHED:
      session = g_new0 (Session, 1);
      session->gateway = self;
      session->wsi = wsi;
      session->state = SESSION_FRESH;
      session->rx = g_byte_array_new ();
      g_queue_init (&session->out);
      *slot = session;
      g_hash_table_add (self->sessions, session);
      lws_set_timeout (wsi, PENDING_TIMEOUT_USER_OK, self->pre_auth_timeout);
      return 0;

    case LWS_CALLBACK_RECEIVE:
      if (session == NULL)
        return -1;
      return session_receive (session, in, len);

    case LWS_CALLBACK_RECEIVE_PONG:
      if (session != NULL && session->challenger != NULL && len == sizeof session->ping_tag &&
          memcmp (in, session->ping_tag, len) == 0)
        end_duplicate_check (session->challenger, true);
      return 0;

    case LWS_CALLBACK_SERVER_WRITEABLE:
      if (session == NULL)
        return -1;
      return session_write (session);

    case LWS_CALLBACK_CLOSED:
      if (session != NULL)
        {
          *slot = NULL;
          session->wsi = NULL;
          g_hash_table_remove (self->sessions, session);
          session_free (session);
        }
      return 0;

    default:
      /* Plain HTTP requests and lws housekeeping get lws's own default answers. */
      return lws_callback_http_dummy (wsi, reason, user, in, len);
    }
}

static const struct lws_protocols ws_protocols[] = {
  { "nym-gateway", on_lws_event, sizeof (Session *), 65536, 0, NULL, 0 },
  { NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* lws logs go to the GLib debug log: nothing it says is a reason to fail a test. */
static void
on_lws_log (int         level,
            const char *line)
{
  g_debug ("libwebsockets: %s", line);
}

static bool
start_websockets (LocalnetGateway *self,
                  GError         **error)
{
  struct lws_context_creation_info info;
  struct lws_vhost *vhost;
  void *foreign_loops[1];

  self->lws_loop = g_main_loop_new (g_main_context_get_thread_default (), FALSE);
  foreign_loops[0] = self->lws_loop;

  memset (&info, 0, sizeof info);
  info.port = self->ws_port;
  info.iface = "127.0.0.1";
  info.protocols = ws_protocols;
  info.gid = -1;
  info.uid = -1;
  info.user = self;
  info.options = LWS_SERVER_OPTION_GLIB | LWS_SERVER_OPTION_DISABLE_IPV6;
  info.foreign_loops = foreign_loops;
  info.timeout_secs = 10;
  info.pt_serv_buf_size = 65536;

  self->lws = lws_create_context (&info);
  if (self->lws == NULL)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_NETWORK,
                   "Cannot start the websocket listener on 127.0.0.1:%u (is the port in use, and is "
                   "libwebsockets-evlib-glib installed?)", self->ws_port);
      return false;
    }
  vhost = lws_get_vhost_by_name (self->lws, "default");
  if (vhost != NULL && lws_get_vhost_listen_port (vhost) > 0)
    self->ws_port = (guint16) lws_get_vhost_listen_port (vhost);
  return true;
}

/* ---------------------------------------------------------------------------------------- */
/* The mix port: final hops (§2.3)                                                           */

typedef struct
{
  LocalnetGateway   *gateway;  /* NULL once the gateway stopped */
  GSocketConnection *connection;
  GByteArray        *buffer;
  uint8_t            chunk[65536];
} MixConnection;

static void
deliver (LocalnetGateway *self,
         const uint8_t    destination[static 32],
         const uint8_t   *message,
         size_t           len)
{
  g_autofree char *address = nym_base58_encode (destination, 32);
  g_autoptr(GError) error = NULL;
  Session *session = g_hash_table_lookup (self->authenticated, address);

  if (session != NULL && session->state == SESSION_AUTHENTICATED && session->wsi != NULL)
    {
      (void) session_push (session, message, len);
      return;
    }
  if (!localnet_gateway_store_inbox_add (self->store, address, message, len, &error))
    g_debug ("localnet gateway: %s", error->message);
  else
    count (self, &self->stored_messages, PROP_STORED_MESSAGES);
}

static void
handle_mix_packet (LocalnetGateway          *self,
                   const NymNodeFrameHeader *header,
                   const uint8_t            *packet,
                   size_t                    len)
{
  g_autoptr(GError) error = NULL;
  g_autofree uint8_t *out = g_malloc (len);
  NymSphinxUnwrapped result;
  const uint8_t *surb_ack = NULL;
  const uint8_t *delivered = NULL;
  size_t delivered_len = 0;

  count (self, &self->packets_in, PROP_PACKETS_IN);
  if (!nym_sphinx_packet_unwrap (self->keys->sphinx_secret, packet, len, out, &result, &error))
    {
      g_debug ("localnet gateway: dropping a packet that does not unwrap: %s", error->message);
      return;
    }
  /* The replay tag is the same for every copy of one packet, so a second copy is a replay
   * (or a retransmission of identical bytes) and is not delivered again. */
  if (seen_before (self, result.replay_tag))
    return;
  if (result.kind != NYM_SPHINX_HOP_FINAL)
    {
      g_debug ("localnet gateway: dropping a packet that is not at its final hop");
      return;
    }

  if (header->size == NYM_PACKET_SIZE_ACK)
    {
      /* §2.3 step 2: an ack for one of our clients is delivered whole. */
      delivered = result.message;
      delivered_len = result.message_len;
    }
  else
    {
      NymNodeAddress first_hop;
      const uint8_t *ack_packet = NULL;

      if (!nym_final_payload_split (result.message, result.message_len, &surb_ack,
                                    &delivered, &delivered_len, &error) ||
          !nym_surb_ack_parse (surb_ack, NYM_SURB_ACK_LEN, &first_hop, &ack_packet, &error))
        {
          g_debug ("localnet gateway: dropping a final-hop payload: %s", error->message);
          return;
        }
      /* §2.3 step 3: the SURB-ACK goes out at once, with the incoming rotation byte. */
      if (forward_packet (self, &first_hop, NYM_PACKET_SIZE_ACK, NYM_PACKET_TYPE_MIX, header->rotation,
                          ack_packet, NYM_ACK_PACKET_LEN, &error))
        {
          count (self, &self->acks_forwarded, PROP_ACKS_FORWARDED);
          count (self, &self->packets_out, PROP_PACKETS_OUT);
        }
      else
        g_debug ("localnet gateway: cannot forward a SURB-ACK: %s", error->message);
    }
  deliver (self, result.destination, delivered, delivered_len);
}

static void mix_connection_read (MixConnection *connection);

static void
mix_connection_free (MixConnection *connection)
{
  g_io_stream_close (G_IO_STREAM (connection->connection), NULL, NULL);
  g_object_unref (connection->connection);
  g_byte_array_unref (connection->buffer);
  g_free (connection);
}

static void
on_mix_read (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  MixConnection *connection = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  size_t offset = 0;

  if (n <= 0 || connection->gateway == NULL)
    {
      mix_connection_free (connection);
      return;
    }
  g_byte_array_append (connection->buffer, connection->chunk, (guint) n);

  for (;;)
    {
      NymNodeFrameHeader header;
      const uint8_t *packet = NULL;
      size_t packet_len = 0;
      size_t consumed = 0;
      g_autoptr(GError) frame_error = NULL;
      NymNodeFrameStatus status = nym_node_frame_decode (connection->buffer->data + offset,
                                                         connection->buffer->len - offset,
                                                         &header, &packet, &packet_len,
                                                         &consumed, &frame_error);

      if (status == NYM_NODE_FRAME_INCOMPLETE)
        break;
      if (status == NYM_NODE_FRAME_INVALID)
        {
          /* A stream that lost its framing cannot be resynchronised. */
          g_debug ("localnet gateway: closing a mix link with a bad frame: %s",
                   frame_error != NULL ? frame_error->message : "invalid");
          mix_connection_free (connection);
          return;
        }
      handle_mix_packet (connection->gateway, &header, packet, packet_len);
      offset += consumed;
    }
  g_byte_array_remove_range (connection->buffer, 0, (guint) offset);
  mix_connection_read (connection);
}

static void
mix_connection_read (MixConnection *connection)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection->connection));

  g_input_stream_read_async (in, connection->chunk, sizeof connection->chunk, G_PRIORITY_DEFAULT,
                             connection->gateway->mix_cancellable, on_mix_read, connection);
}

static gboolean
on_mix_incoming (GSocketService    *service,
                 GSocketConnection *socket_connection,
                 GObject           *source_object,
                 gpointer           user_data)
{
  LocalnetGateway *self = user_data;
  MixConnection *connection = g_new0 (MixConnection, 1);

  connection->gateway = self;
  connection->connection = g_object_ref (socket_connection);
  connection->buffer = g_byte_array_new ();
  mix_connection_read (connection);
  return TRUE;
}

static bool
start_mix_listener (LocalnetGateway *self,
                    GError         **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, self->mix_port);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) local_error = NULL;

  self->mix_service = g_socket_service_new ();
  self->mix_cancellable = g_cancellable_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->mix_service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, &local_error))
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_NETWORK,
                   "Cannot listen for mix packets on 127.0.0.1:%u: %s", self->mix_port, local_error->message);
      return false;
    }
  self->mix_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (self->mix_service, "incoming", G_CALLBACK (on_mix_incoming), self);
  g_socket_service_start (self->mix_service);
  return true;
}

/* ---------------------------------------------------------------------------------------- */
/* Life cycle                                                                                 */

static gboolean
clean_inbox (gpointer user_data)
{
  LocalnetGateway *self = user_data;
  g_autoptr(GError) error = NULL;
  int64_t cutoff = g_get_real_time () / G_USEC_PER_SEC - INBOX_MAX_AGE_SECONDS;

  if (localnet_gateway_store_inbox_expire (self->store, cutoff, &error) < 0)
    g_debug ("localnet gateway: %s", error->message);
  return G_SOURCE_CONTINUE;
}

bool
localnet_gateway_start (LocalnetGateway *self,
                        GError         **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), false);
  g_return_val_if_fail (self->lws == NULL, false);

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_STORE,
                   "Cannot create the gateway directory “%s”: %s", self->directory, g_strerror (saved));
      return false;
    }
  path = g_build_filename (self->directory, "gateway.sqlite", NULL);
  self->store = localnet_gateway_store_open (path, error);
  if (self->store == NULL || !load_or_create_keys (self, error))
    goto fail;

  self->forwarder = localnet_forwarder_new (4096);
  self->sessions = g_hash_table_new (NULL, NULL);
  self->authenticated = g_hash_table_new (g_str_hash, g_str_equal);
  self->seen_packets = g_hash_table_new_full (digest_hash, digest_equal, g_free, NULL);
  if (!start_mix_listener (self, error) || !start_websockets (self, error))
    goto fail;
  clean_inbox (self);
  self->inbox_clean_id = g_timeout_add_seconds (INBOX_CLEAN_INTERVAL_SECONDS, clean_inbox, self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WS_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIX_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WS_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIX_ADDRESS]);
  return true;

fail:
  localnet_gateway_stop (self);
  return false;
}

void
localnet_gateway_stop (LocalnetGateway *self)
{
  g_return_if_fail (LOCALNET_IS_GATEWAY (self));

  g_clear_handle_id (&self->inbox_clean_id, g_source_remove);
  /* Destroying the lws context closes every session through LWS_CALLBACK_CLOSED, which
   * still needs the store and the tables, so it goes first. */
  if (self->lws != NULL)
    {
      lws_context_destroy (self->lws);
      self->lws = NULL;
    }
  g_clear_pointer (&self->lws_loop, g_main_loop_unref);
  if (self->mix_service != NULL)
    {
      g_cancellable_cancel (self->mix_cancellable);
      g_socket_service_stop (self->mix_service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->mix_service));
      g_clear_object (&self->mix_service);
    }
  g_clear_object (&self->mix_cancellable);
  if (self->sessions != NULL)
    {
      /* lws closed them all; anything left would be a bug, but must not leak secrets. */
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->sessions);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          g_hash_table_iter_steal (&iter);
          session_free (key);
        }
    }
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->authenticated, g_hash_table_unref);
  g_clear_pointer (&self->seen_packets, g_hash_table_unref);
  if (self->forwarder != NULL)
    localnet_forwarder_close (self->forwarder);
  g_clear_object (&self->forwarder);
  g_clear_pointer (&self->store, localnet_gateway_store_close);
}

bool
localnet_gateway_is_running (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), false);
  return self->lws != NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                    */

LocalnetGateway *
localnet_gateway_new (const char *directory,
                      guint16     ws_port,
                      guint16     mix_port)
{
  return g_object_new (LOCALNET_TYPE_GATEWAY,
                       "directory", directory,
                       "ws-port", (guint) ws_port,
                       "mix-port", (guint) mix_port,
                       NULL);
}

const char *
localnet_gateway_get_directory (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), NULL);
  return self->directory;
}

const char *
localnet_gateway_get_identity (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), NULL);
  return self->identity_text;
}

const uint8_t *
localnet_gateway_get_identity_key (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), NULL);
  return self->keys != NULL ? self->keys->identity_public : NULL;
}

const char *
localnet_gateway_get_sphinx_key (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), NULL);
  return self->sphinx_text;
}

const uint8_t *
localnet_gateway_get_sphinx_public_key (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), NULL);
  return self->keys != NULL ? self->keys->sphinx_public : NULL;
}

guint16
localnet_gateway_get_ws_port (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->ws_port;
}

guint16
localnet_gateway_get_mix_port (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->mix_port;
}

/* §1.1: clients build the URL with no path. */
char *
localnet_gateway_dup_ws_url (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), NULL);
  return g_strdup_printf ("ws://127.0.0.1:%u", self->ws_port);
}

char *
localnet_gateway_dup_mix_address (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), NULL);
  return g_strdup_printf ("127.0.0.1:%u", self->mix_port);
}

void
localnet_gateway_set_free_bandwidth (LocalnetGateway *self,
                                     gint64           bytes)
{
  g_return_if_fail (LOCALNET_IS_GATEWAY (self));
  g_return_if_fail (bytes >= 0);

  if (self->free_bandwidth == bytes)
    return;
  self->free_bandwidth = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FREE_BANDWIDTH]);
}

guint
localnet_gateway_get_clients (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->authenticated != NULL ? g_hash_table_size (self->authenticated) : 0;
}

guint64
localnet_gateway_get_packets_in (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->packets_in;
}

guint64
localnet_gateway_get_packets_out (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->packets_out;
}

guint64
localnet_gateway_get_acks_forwarded (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->acks_forwarded;
}

guint64
localnet_gateway_get_retransmissions (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->retransmissions;
}

guint64
localnet_gateway_get_registrations (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->registrations;
}

guint64
localnet_gateway_get_authentications (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->authentications;
}

guint64
localnet_gateway_get_client_packets (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->client_packets;
}

guint64
localnet_gateway_get_stored_messages (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->stored_messages;
}

guint64
localnet_gateway_get_bandwidth_claims (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), 0);
  return self->bandwidth_claims;
}

char *
localnet_gateway_dup_summary (LocalnetGateway *self)
{
  g_return_val_if_fail (LOCALNET_IS_GATEWAY (self), NULL);
  return g_strdup_printf ("clients=%u registrations=%" G_GUINT64_FORMAT " authentications=%" G_GUINT64_FORMAT
                          " client-packets=%" G_GUINT64_FORMAT " packets-in=%" G_GUINT64_FORMAT
                          " packets-out=%" G_GUINT64_FORMAT " acks-forwarded=%" G_GUINT64_FORMAT
                          " retransmissions=%" G_GUINT64_FORMAT " stored-messages=%" G_GUINT64_FORMAT
                          " bandwidth-claims=%" G_GUINT64_FORMAT,
                          localnet_gateway_get_clients (self), self->registrations, self->authentications,
                          self->client_packets, self->packets_in, self->packets_out, self->acks_forwarded,
                          self->retransmissions, self->stored_messages, self->bandwidth_claims);
}

static void
localnet_gateway_dispose (GObject *object)
{
  LocalnetGateway *self = LOCALNET_GATEWAY (object);

  localnet_gateway_stop (self);
  G_OBJECT_CLASS (localnet_gateway_parent_class)->dispose (object);
}

static void
localnet_gateway_finalize (GObject *object)
{
  LocalnetGateway *self = LOCALNET_GATEWAY (object);

  g_clear_pointer (&self->keys, localnet_keys_free);
  g_free (self->identity_text);
  g_free (self->sphinx_text);
  g_free (self->directory);
  G_OBJECT_CLASS (localnet_gateway_parent_class)->finalize (object);
}

static void
localnet_gateway_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LocalnetGateway *self = LOCALNET_GATEWAY (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;
    case PROP_WS_PORT:
      g_value_set_uint (value, self->ws_port);
      break;
    case PROP_MIX_PORT:
      g_value_set_uint (value, self->mix_port);
      break;
    case PROP_FREE_BANDWIDTH:
      g_value_set_int64 (value, self->free_bandwidth);
      break;
    case PROP_PRE_AUTH_TIMEOUT:
      g_value_set_uint (value, self->pre_auth_timeout);
      break;
    case PROP_IDENTITY:
      g_value_set_string (value, self->identity_text);
      break;
    case PROP_WS_URL:
      g_value_take_string (value, localnet_gateway_dup_ws_url (self));
      break;
    case PROP_MIX_ADDRESS:
      g_value_take_string (value, localnet_gateway_dup_mix_address (self));
      break;
    case PROP_CLIENTS:
      g_value_set_uint (value, localnet_gateway_get_clients (self));
      break;
    case PROP_PACKETS_IN:
      g_value_set_uint64 (value, self->packets_in);
      break;
    case PROP_PACKETS_OUT:
      g_value_set_uint64 (value, self->packets_out);
      break;
    case PROP_ACKS_FORWARDED:
      g_value_set_uint64 (value, self->acks_forwarded);
      break;
    case PROP_RETRANSMISSIONS:
      g_value_set_uint64 (value, self->retransmissions);
      break;
    case PROP_REGISTRATIONS:
      g_value_set_uint64 (value, self->registrations);
      break;
    case PROP_AUTHENTICATIONS:
      g_value_set_uint64 (value, self->authentications);
      break;
    case PROP_CLIENT_PACKETS:
      g_value_set_uint64 (value, self->client_packets);
      break;
    case PROP_STORED_MESSAGES:
      g_value_set_uint64 (value, self->stored_messages);
      break;
    case PROP_BANDWIDTH_CLAIMS:
      g_value_set_uint64 (value, self->bandwidth_claims);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_gateway_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LocalnetGateway *self = LOCALNET_GATEWAY (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;
    case PROP_WS_PORT:
      self->ws_port = (guint16) g_value_get_uint (value);
      break;
    case PROP_MIX_PORT:
      self->mix_port = (guint16) g_value_get_uint (value);
      break;
    case PROP_FREE_BANDWIDTH:
      localnet_gateway_set_free_bandwidth (self, g_value_get_int64 (value));
      break;
    case PROP_PRE_AUTH_TIMEOUT:
      self->pre_auth_timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_gateway_class_init (LocalnetGatewayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = localnet_gateway_dispose;
  object_class->finalize = localnet_gateway_finalize;
  object_class->get_property = localnet_gateway_get_property;
  object_class->set_property = localnet_gateway_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WS_PORT] =
    g_param_spec_uint ("ws-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MIX_PORT] =
    g_param_spec_uint ("mix-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FREE_BANDWIDTH] =
    g_param_spec_int64 ("free-bandwidth", NULL, NULL, 0, G_MAXINT64, LOCALNET_GATEWAY_FREE_BANDWIDTH,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Seconds a client has for each message before it is authenticated (§1.1); tests shorten it. */
  properties[PROP_PRE_AUTH_TIMEOUT] =
    g_param_spec_uint ("pre-auth-timeout", NULL, NULL, 1, 3600, PRE_AUTH_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDENTITY] = g_param_spec_string ("identity", NULL, NULL, NULL, ro);
  properties[PROP_WS_URL] = g_param_spec_string ("ws-url", NULL, NULL, NULL, ro);
  properties[PROP_MIX_ADDRESS] = g_param_spec_string ("mix-address", NULL, NULL, NULL, ro);
  properties[PROP_CLIENTS] = g_param_spec_uint ("clients", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_PACKETS_IN] = g_param_spec_uint64 ("packets-in", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_PACKETS_OUT] = g_param_spec_uint64 ("packets-out", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_ACKS_FORWARDED] = g_param_spec_uint64 ("acks-forwarded", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_RETRANSMISSIONS] = g_param_spec_uint64 ("retransmissions", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_REGISTRATIONS] = g_param_spec_uint64 ("registrations", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_AUTHENTICATIONS] = g_param_spec_uint64 ("authentications", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_CLIENT_PACKETS] = g_param_spec_uint64 ("client-packets", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_STORED_MESSAGES] = g_param_spec_uint64 ("stored-messages", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_BANDWIDTH_CLAIMS] = g_param_spec_uint64 ("bandwidth-claims", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  lws_set_log_level (LLL_ERR | LLL_WARN, on_lws_log);
}

static void
localnet_gateway_init (LocalnetGateway *self)
{
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
}
