/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymGatewaySession: the websocket session a Nym client keeps with its gateway (spec nym-gateway.md §1, §1.12). */
#include "gateway/nym-gateway-session.h"

#include <string.h>
#include <time.h>
#include <libwebsockets.h>
#include <sodium.h>

#include "crypto/nym-base58.h"
#include "crypto/nym-keys.h"
#include "gateway/nym-gateway-handshake.h"
#include "gateway/nym-gateway-messages.h"
#include "packet/nym-gateway-frame.h"

/* The largest message we accept from a gateway: an extended-32 push is about 32 KiB, so
 * anything near a mebibyte is a broken or hostile peer. */
#define MAX_MESSAGE_LEN (1024 * 1024)
#define DEFAULT_TIMEOUT_SECONDS 30
#define PING_TAG_LEN 8
/* Half the gateway's max_request_timestamp_skew (§1.5, 120 s). */
#define AUTH_MAX_AHEAD_SECONDS 60

typedef enum
{
  STEP_NONE,
  STEP_OPENING,
  STEP_SUPPORTED_PROTOCOL,
  STEP_HANDSHAKE_RESPONSE,
  STEP_HANDSHAKE_RESULT,
  STEP_REGISTER,
  STEP_AUTHENTICATE,
  STEP_BANDWIDTH,
  STEP_READY,
} Step;

typedef struct
{
  GBytes                 *bytes;
  enum lws_write_protocol protocol;
} OutMessage;

struct _NymGatewaySession
{
  GObject                 parent_instance;

  /* owned */
  GMainContext           *context;
  char                   *url;
  uint8_t                 gateway_identity[32];
  NymClientKeys          *keys;
  NymClientStore         *store;
  NymGatewayRegistration *registration;   /* loaded or newly made; holds the shared key */
  NymGatewayHandshake    *handshake;      /* during registration only */
  GMainLoop              *lws_loop;
  struct lws_context     *lws;
  GQueue                  out;            /* OutMessage */
  GByteArray             *rx;
  GTask                  *connect_task;
  GTask                  *ping_task;
  GTask                  *close_task;
  GSource                *timeout_source;
  GSource                *ping_timeout_source;
  GSource                *cancel_source;
  GSource                *teardown_source;
  char                   *error_message;
  char                   *waiting_for;    /* what the current timeout waits for, for messages */
  char                   *tls_ca_file;

  /* borrowed: lws owns the connection, and tells us when it is gone */
  struct lws             *wsi;

  Step                    step;
  NymGatewaySessionState  state;
  bool                    rx_binary;
  bool                    closing;
  bool                    claiming;
  bool                    claim_refused;  /* the gateway said no: do not ask again per packet */
  bool                    tearing_down;
  guint                   protocol_version;
  guint                   timeout_seconds;
  gint64                  remaining_bandwidth;
  guint64                 packets_sent;
  guint64                 packets_acknowledged;
  uint64_t                auth_timestamp;   /* of the AuthenticateV2 in flight */
  uint8_t                 ping_tag[PING_TAG_LEN];
};

G_DEFINE_ENUM_TYPE (NymGatewaySessionState, nym_gateway_session_state,
  G_DEFINE_ENUM_VALUE (NYM_GATEWAY_SESSION_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (NYM_GATEWAY_SESSION_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (NYM_GATEWAY_SESSION_REGISTERING, "registering"),
  G_DEFINE_ENUM_VALUE (NYM_GATEWAY_SESSION_AUTHENTICATING, "authenticating"),
  G_DEFINE_ENUM_VALUE (NYM_GATEWAY_SESSION_CLAIMING_BANDWIDTH, "claiming-bandwidth"),
  G_DEFINE_ENUM_VALUE (NYM_GATEWAY_SESSION_READY, "ready"),
  G_DEFINE_ENUM_VALUE (NYM_GATEWAY_SESSION_FAILED, "failed"))

G_DEFINE_FINAL_TYPE (NymGatewaySession, nym_gateway_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_REMAINING_BANDWIDTH,
  PROP_ERROR_MESSAGE,
  PROP_PROTOCOL_VERSION,
  PROP_PACKETS_SENT,
  PROP_PACKETS_ACKNOWLEDGED,
  PROP_TIMEOUT,
  PROP_TLS_CA_FILE,
  N_PROPS
};

enum
{
  SIGNAL_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void session_fail (NymGatewaySession *self, GError *error);
static void schedule_teardown (NymGatewaySession *self);

/* ---------------------------------------------------------------------------------------- */
/* Small helpers                                                                              */

static void
out_message_free (OutMessage *message)
{
  g_bytes_unref (message->bytes);
  g_free (message);
}

static void
set_state (NymGatewaySession      *self,
           NymGatewaySessionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_error_message (NymGatewaySession *self,
                   const char        *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
set_remaining_bandwidth (NymGatewaySession *self,
                         gint64             bytes)
{
  if (self->remaining_bandwidth == bytes)
    return;
  self->remaining_bandwidth = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMAINING_BANDWIDTH]);
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* GTask would call the callback right away when it is returned from a later iteration on
 * its own context, i.e. from inside a libwebsockets callback; a callback that then closes
 * or drops the session must not run there, so every result is delivered from an idle. */
typedef struct
{
  GTask  *task;
  GError *error;
} PendingResult;

static gboolean
deliver_result (gpointer user_data)
{
  PendingResult *pending = user_data;

  if (pending->error != NULL)
    g_task_return_error (pending->task, g_steal_pointer (&pending->error));
  else
    g_task_return_boolean (pending->task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
pending_result_free (gpointer user_data)
{
  PendingResult *pending = user_data;

  g_clear_object (&pending->task);
  g_clear_error (&pending->error);
  g_free (pending);
}

/* Takes the task and the error (NULL for success). */
static void
return_later (NymGatewaySession *self,
              GTask             *task,
              GError            *error)
{
  PendingResult *pending = g_new0 (PendingResult, 1);
  g_autoptr(GSource) source = g_idle_source_new ();

  pending->task = task;
  pending->error = error;
  g_source_set_callback (source, deliver_result, pending, pending_result_free);
  g_source_set_static_name (source, "[nym] gateway session result");
  /* At the priority of the lws sources, or a busy connection would starve it. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_attach (source, self->context);
}

static void
queue_message (NymGatewaySession       *self,
               const void              *data,
               size_t                   len,
               enum lws_write_protocol  protocol)
{
  OutMessage *message = g_new0 (OutMessage, 1);

  message->bytes = g_bytes_new (data, len);
  message->protocol = protocol;
  g_queue_push_tail (&self->out, message);
  if (self->wsi != NULL)
    lws_callback_on_writable (self->wsi);
}

static void
queue_text (NymGatewaySession *self,
            const char        *text)
{
  queue_message (self, text, strlen (text), LWS_WRITE_TEXT);
}

/* ---------------------------------------------------------------------------------------- */
/* Timeouts: every wait for the gateway has one                                               */

static gboolean
on_timeout (gpointer user_data)
{
  NymGatewaySession *self = user_data;
  GError *error;

  g_clear_pointer (&self->timeout_source, g_source_unref);
  error = g_error_new (NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_TIMEOUT,
                       "The gateway at %s did not %s within %u s",
                       self->url, self->waiting_for != NULL ? self->waiting_for : "answer",
                       self->timeout_seconds);
  if (self->step == STEP_READY && self->claiming)
    {
      /* A bandwidth claim of a running session that goes unanswered is reported, not fatal:
       * packets keep flowing until the gateway says it is out of bandwidth. */
      self->claiming = false;
      set_error_message (self, error->message);
      g_error_free (error);
      return G_SOURCE_REMOVE;
    }
  if (self->closing)
    {
      /* The gateway did not acknowledge our close: drop the connection anyway. */
      g_error_free (error);
      self->closing = false;
      set_state (self, NYM_GATEWAY_SESSION_DISCONNECTED);
      if (self->close_task != NULL)
        return_later (self, g_steal_pointer (&self->close_task), NULL);
      schedule_teardown (self);
      return G_SOURCE_REMOVE;
    }
  session_fail (self, error);
  return G_SOURCE_REMOVE;
}

static void
arm_timeout (NymGatewaySession *self,
             const char        *waiting_for)
{
  clear_source (&self->timeout_source);
  g_free (self->waiting_for);
  self->waiting_for = g_strdup (waiting_for);
  self->timeout_source = g_timeout_source_new_seconds (self->timeout_seconds);
  g_source_set_callback (self->timeout_source, on_timeout, self, NULL);
  g_source_set_static_name (self->timeout_source, "[nym] gateway session timeout");
  g_source_attach (self->timeout_source, self->context);
}

static void
disarm_timeout (NymGatewaySession *self)
{
  clear_source (&self->timeout_source);
  g_clear_pointer (&self->waiting_for, g_free);
}

/* ---------------------------------------------------------------------------------------- */
/* Tearing the connection down                                                                */

static void
teardown (NymGatewaySession *self)
{
  clear_source (&self->teardown_source);
  if (self->lws != NULL)
    {
      /* Destroying the context closes the connection and calls back into on_lws_event
       * (CLIENT_CLOSED, WSI_DESTROY), which must not treat that as a lost connection. */
      self->tearing_down = true;
      lws_context_destroy (self->lws);
      self->lws = NULL;
      self->tearing_down = false;
    }
  self->wsi = NULL;
  g_clear_pointer (&self->lws_loop, g_main_loop_unref);
  g_queue_clear_full (&self->out, (GDestroyNotify) out_message_free);
  g_byte_array_set_size (self->rx, 0);
  g_clear_pointer (&self->handshake, nym_gateway_handshake_free);
  self->step = STEP_NONE;
  self->closing = false;
  self->claiming = false;
  self->claim_refused = false;
}

static gboolean
on_teardown (gpointer user_data)
{
  NymGatewaySession *self = user_data;

  g_clear_pointer (&self->teardown_source, g_source_unref);
  teardown (self);
  return G_SOURCE_REMOVE;
}

/* The lws context cannot be destroyed from inside one of its own callbacks, so this waits
 * for the next iteration. The source holds a reference so the session outlives it. */
static void
schedule_teardown (NymGatewaySession *self)
{
  if (self->teardown_source != NULL || self->lws == NULL)
    return;
  self->teardown_source = g_idle_source_new ();
  g_source_set_callback (self->teardown_source, on_teardown, g_object_ref (self), g_object_unref);
  g_source_set_static_name (self->teardown_source, "[nym] gateway session teardown");
  g_source_set_priority (self->teardown_source, G_PRIORITY_DEFAULT);
  g_source_attach (self->teardown_source, self->context);
}

/* Ends the session with error (taken): the pending connect and ping fail with it, a pending
 * close succeeds, and the state becomes "failed" ("disconnected" when cancelled). */
static void
session_fail (NymGatewaySession *self,
              GError            *error)
{
  bool cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  disarm_timeout (self);
  clear_source (&self->ping_timeout_source);
  clear_source (&self->cancel_source);
  self->step = STEP_NONE;
  set_error_message (self, error->message);
  set_state (self, cancelled ? NYM_GATEWAY_SESSION_DISCONNECTED : NYM_GATEWAY_SESSION_FAILED);
  if (self->ping_task != NULL)
    return_later (self, g_steal_pointer (&self->ping_task), g_error_copy (error));
  if (self->close_task != NULL)
    return_later (self, g_steal_pointer (&self->close_task), NULL);
  if (self->connect_task != NULL)
    return_later (self, g_steal_pointer (&self->connect_task), error);
  else
    g_error_free (error);
  schedule_teardown (self);
}

static void
fail_with (NymGatewaySession *self,
           NymGatewayError    code,
           const char        *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
fail_with (NymGatewaySession *self,
           NymGatewayError    code,
           const char        *format,
           ...)
{
  va_list args;
  GError *error;

  va_start (args, format);
  error = g_error_new_valist (NYM_GATEWAY_ERROR, code, format, args);
  va_end (args);
  session_fail (self, error);
}

/* ---------------------------------------------------------------------------------------- */
/* The connect sequence (§1.12 steps 2–4)                                                     */

static uint64_t
unix_now (void)
{
  return (uint64_t) (g_get_real_time () / G_USEC_PER_SEC);
}

static void
become_ready (NymGatewaySession *self)
{
  disarm_timeout (self);
  clear_source (&self->cancel_source);
  self->step = STEP_READY;
  set_state (self, NYM_GATEWAY_SESSION_READY);
  if (self->connect_task != NULL)
    return_later (self, g_steal_pointer (&self->connect_task), NULL);
}

/* §1.10 step 2 and §1.12 steps 4 and 6: claim free bandwidth when what is left falls below
 * the threshold (a new client knows 0). This client runs in disabled-credentials mode. */
static void
claim_bandwidth (NymGatewaySession *self)
{
  g_autofree char *json = nym_gateway_request_simple_json ("claimFreeTestnetBandwidth");

  self->claiming = true;
  queue_text (self, json);
  arm_timeout (self, "grant bandwidth");
}

static void
bandwidth_phase (NymGatewaySession *self)
{
  if (self->remaining_bandwidth >= NYM_GATEWAY_BANDWIDTH_THRESHOLD)
    {
      become_ready (self);
      return;
    }
  self->step = STEP_BANDWIDTH;
  set_state (self, NYM_GATEWAY_SESSION_CLAIMING_BANDWIDTH);
  claim_bandwidth (self);
}

static void
set_protocol_version (NymGatewaySession *self,
                      guint              version)
{
  if (self->protocol_version == version)
    return;
  self->protocol_version = version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL_VERSION]);
}

/* §1.4 steps 1–2. */
static void
start_registration (NymGatewaySession *self)
{
  uint8_t *secrets;
  uint8_t init[NYM_GATEWAY_HANDSHAKE_INIT_LEN];
  g_autofree char *json = NULL;

  set_state (self, NYM_GATEWAY_SESSION_REGISTERING);
  g_clear_pointer (&self->handshake, nym_gateway_handshake_free);
  self->handshake = nym_gateway_handshake_new ();
  secrets = sodium_malloc (32 + NYM_GATEWAY_HANDSHAKE_SALT_LEN);
  g_assert (secrets != NULL);
  nym_random_bytes (secrets, 32 + NYM_GATEWAY_HANDSHAKE_SALT_LEN);
  nym_gateway_handshake_init (self->handshake, self->keys->identity_public, secrets, secrets + 32, init);
  sodium_free (secrets);

  json = nym_gateway_handshake_payload_json ((uint8_t) self->protocol_version, init, sizeof init);
  queue_text (self, json);
  self->step = STEP_HANDSHAKE_RESPONSE;
  arm_timeout (self, "answer the registration handshake");
}

/* §1.5. */
static void
start_authentication (NymGatewaySession *self)
{
  NymGatewayAuthRequest request;
  uint8_t nonce[NYM_GATEWAY_AUTH_NONCE_LEN];
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  uint64_t timestamp;

  set_state (self, NYM_GATEWAY_SESSION_AUTHENTICATING);
  nym_random_bytes (nonce, sizeof nonce);
  /* The gateway takes only a timestamp strictly newer than the last one it accepted (its
   * replay check), in whole seconds: a reconnect within the same second would be refused,
   * so the clock is nudged forward, well within the 120 s skew it allows. A stored time far
   * ahead (our clock was wrong then) is not followed beyond that window. */
  timestamp = MAX (unix_now (), self->registration->last_authenticated + 1);
  timestamp = MIN (timestamp, unix_now () + AUTH_MAX_AHEAD_SECONDS);
  self->auth_timestamp = timestamp;
  if (!nym_gateway_auth_request_build (&request, (uint8_t) self->protocol_version,
                                       self->keys->identity_public, self->keys->identity_secret,
                                       self->registration->shared_key, nonce, timestamp, &error))
    {
      session_fail (self, g_steal_pointer (&error));
      return;
    }
  json = nym_gateway_auth_request_to_json (&request);
  queue_text (self, json);
  self->step = STEP_AUTHENTICATE;
  arm_timeout (self, "answer authenticateV2");
}

/* §1.2: a gateway below version 4 has neither GCM-SIV keys nor AuthenticateV2; one above
 * ours gets our newest version, which it must accept. */
static void
on_supported_protocol (NymGatewaySession *self,
                       guint              version)
{
  if (version < NYM_GATEWAY_PROTOCOL_MIN)
    {
      fail_with (self, NYM_GATEWAY_ERROR_INCOMPATIBLE,
                 "The gateway at %s speaks protocol version %u; this client needs at least %d",
                 self->url, version, NYM_GATEWAY_PROTOCOL_MIN);
      return;
    }
  set_protocol_version (self, MIN (version, (guint) NYM_GATEWAY_PROTOCOL_CURRENT));
  if (self->registration != NULL)
    start_authentication (self);
  else
    start_registration (self);
}

/* §1.4 steps 4–7. */
static void
on_handshake_payload (NymGatewaySession *self,
                      NymGatewayReply   *reply)
{
  g_autoptr(GError) error = NULL;

  if (self->step == STEP_HANDSHAKE_RESPONSE)
    {
      uint8_t nonce[12];
      uint8_t final[NYM_GATEWAY_HANDSHAKE_FINAL_LEN];
      g_autofree char *json = NULL;

      if (reply->version > NYM_GATEWAY_PROTOCOL_CURRENT || reply->version < NYM_GATEWAY_PROTOCOL_MIN)
        {
          fail_with (self, NYM_GATEWAY_ERROR_INCOMPATIBLE,
                     "The gateway at %s wants to register with protocol version %u; this client "
                     "speaks %d to %d", self->url, reply->version, NYM_GATEWAY_PROTOCOL_MIN,
                     NYM_GATEWAY_PROTOCOL_CURRENT);
          return;
        }
      nym_random_bytes (nonce, sizeof nonce);
      if (!nym_gateway_handshake_respond (self->handshake, self->gateway_identity,
                                          self->keys->identity_secret, reply->data->data,
                                          reply->data->len, nonce, final, &error))
        {
          g_autofree char *abort_json = nym_gateway_handshake_error_json (error->message);

          /* Tell the gateway why, then give up: §1.4 step 5. */
          queue_text (self, abort_json);
          g_prefix_error (&error, "Registration at the gateway %s was refused: ", self->url);
          session_fail (self, g_steal_pointer (&error));
          return;
        }
      set_protocol_version (self, reply->version);
      g_clear_pointer (&self->registration, nym_gateway_registration_free);
      self->registration = nym_gateway_registration_new (self->gateway_identity, self->handshake->shared_key,
                                                         self->url, (gint64) unix_now ());
      g_clear_pointer (&self->handshake, nym_gateway_handshake_free);
      json = nym_gateway_handshake_payload_json ((uint8_t) self->protocol_version, final, sizeof final);
      queue_text (self, json);
      self->step = STEP_HANDSHAKE_RESULT;
      arm_timeout (self, "confirm the registration handshake");
      return;
    }

  /* §1.4 step 7: the gateway's verdict on our signature. */
  if (reply->data->len != 1 || reply->data->data[0] != 1)
    {
      g_clear_pointer (&self->registration, nym_gateway_registration_free);
      fail_with (self, NYM_GATEWAY_ERROR_REFUSED,
                 "The gateway at %s did not accept this client's handshake signature", self->url);
      return;
    }
  self->step = STEP_REGISTER;
  arm_timeout (self, "confirm the registration");
}

/* §1.4 step 8: only now is the key worth keeping. */
static void
on_register (NymGatewaySession *self,
             NymGatewayReply   *reply)
{
  g_autoptr(GError) error = NULL;

  if (!reply->status)
    {
      g_clear_pointer (&self->registration, nym_gateway_registration_free);
      fail_with (self, NYM_GATEWAY_ERROR_REFUSED, "The gateway at %s refused the registration", self->url);
      return;
    }
  if (reply->version > NYM_GATEWAY_PROTOCOL_CURRENT || reply->version < NYM_GATEWAY_PROTOCOL_MIN)
    {
      g_clear_pointer (&self->registration, nym_gateway_registration_free);
      fail_with (self, NYM_GATEWAY_ERROR_INCOMPATIBLE,
                 "The gateway at %s registered this client with protocol version %u; this client "
                 "speaks %d to %d", self->url, reply->version, NYM_GATEWAY_PROTOCOL_MIN,
                 NYM_GATEWAY_PROTOCOL_CURRENT);
      return;
    }
  set_protocol_version (self, reply->version);
  if (self->store != NULL && !nym_client_store_save_registration (self->store, self->registration, &error))
    {
      g_prefix_error (&error, "Registered at the gateway %s but could not keep the key: ", self->url);
      session_fail (self, g_steal_pointer (&error));
      return;
    }
  /* A new registration starts with no bandwidth (§1.10 step 2). */
  set_remaining_bandwidth (self, 0);
  bandwidth_phase (self);
}

static void
on_authenticate (NymGatewaySession *self,
                 NymGatewayReply   *reply)
{
  if (!reply->status)
    {
      fail_with (self, NYM_GATEWAY_ERROR_REFUSED, "The gateway at %s refused to authenticate this client",
                 self->url);
      return;
    }
  if (reply->version > NYM_GATEWAY_PROTOCOL_CURRENT || reply->version < NYM_GATEWAY_PROTOCOL_MIN)
    {
      fail_with (self, NYM_GATEWAY_ERROR_INCOMPATIBLE,
                 "The gateway at %s authenticated this client with protocol version %u; this client "
                 "speaks %d to %d", self->url, reply->version, NYM_GATEWAY_PROTOCOL_MIN,
                 NYM_GATEWAY_PROTOCOL_CURRENT);
      return;
    }
  set_protocol_version (self, reply->version);
  set_remaining_bandwidth (self, reply->bandwidth);
  /* Remembered (and stored) so that the next authentication uses a newer timestamp. */
  self->registration->last_authenticated = self->auth_timestamp;
  if (self->store != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* Not fatal: at worst the next restart within the same second is refused once. */
      if (!nym_client_store_save_registration (self->store, self->registration, &error))
        set_error_message (self, error->message);
    }
  bandwidth_phase (self);
}

static const char *
step_request_name (Step step)
{
  switch (step)
    {
    case STEP_SUPPORTED_PROTOCOL:
      return "protocol version query";
    case STEP_HANDSHAKE_RESPONSE:
    case STEP_HANDSHAKE_RESULT:
    case STEP_REGISTER:
      return "registration";
    case STEP_AUTHENTICATE:
      return "authentication";
    case STEP_BANDWIDTH:
      return "bandwidth claim";
    case STEP_NONE:
    case STEP_OPENING:
    case STEP_READY:
    default:
      return "request";
    }
}

/* §1.5: the gateway has no key for us (it lost its database, or we were forgotten). The stored
 * key is useless, so it is dropped and the next connect registers anew; a gateway that merely
 * claims this cannot gain anything, since registering needs its identity key (§1.4 step 5). */
static void
forget_registration (NymGatewaySession *self,
                     const char        *gateway_message)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->registration, nym_gateway_registration_free);
  if (self->store != NULL &&
      !nym_client_store_remove_registration (self->store, self->gateway_identity, &error))
    {
      g_prefix_error (&error, "The gateway at %s no longer knows this client (%s), and ", self->url,
                      gateway_message);
      session_fail (self, g_steal_pointer (&error));
      return;
    }
  fail_with (self, NYM_GATEWAY_ERROR_REFUSED,
             "The gateway at %s no longer knows this client (%s); the old registration was dropped "
             "and the next connection registers anew", self->url, gateway_message);
}

/* While connecting, each step waits for one reply type; `send` replies and pushed frames
 * that arrive meanwhile are normal traffic (§1.7 client rule). */
static void
handle_connect_reply (NymGatewaySession *self,
                      NymGatewayReply   *reply)
{
  switch (reply->type)
    {
    case NYM_GATEWAY_REPLY_ERROR:
    case NYM_GATEWAY_REPLY_HANDSHAKE_ERROR:
      if (self->step == STEP_AUTHENTICATE && reply->message != NULL &&
          strstr (reply->message, "not registered") != NULL)
        {
          forget_registration (self, reply->message);
          return;
        }
      if (self->step != STEP_AUTHENTICATE && self->step != STEP_BANDWIDTH)
        g_clear_pointer (&self->registration, nym_gateway_registration_free);
      fail_with (self, NYM_GATEWAY_ERROR_REFUSED, "The gateway at %s refused the %s: %s",
                 self->url, step_request_name (self->step), reply->message);
      return;
    case NYM_GATEWAY_REPLY_OUT_OF_BANDWIDTH:
    case NYM_GATEWAY_REPLY_TICKET_REPLAY:
      fail_with (self, NYM_GATEWAY_ERROR_REFUSED, "The gateway at %s refused the %s: %s",
                 self->url, step_request_name (self->step),
                 reply->type == NYM_GATEWAY_REPLY_TICKET_REPLAY ? "ticket replay" : "out of bandwidth");
      return;
    case NYM_GATEWAY_REPLY_SEND:
      self->packets_acknowledged++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACKETS_ACKNOWLEDGED]);
      set_remaining_bandwidth (self, reply->bandwidth);
      return;
    case NYM_GATEWAY_REPLY_ENCRYPTED_RESPONSE:
      return;
    case NYM_GATEWAY_REPLY_SUPPORTED_PROTOCOL:
      if (self->step == STEP_SUPPORTED_PROTOCOL)
        {
          on_supported_protocol (self, reply->version);
          return;
        }
      break;
    case NYM_GATEWAY_REPLY_HANDSHAKE_PAYLOAD:
      if (self->step == STEP_HANDSHAKE_RESPONSE || self->step == STEP_HANDSHAKE_RESULT)
        {
          on_handshake_payload (self, reply);
          return;
        }
      break;
    case NYM_GATEWAY_REPLY_REGISTER:
      if (self->step == STEP_REGISTER)
        {
          on_register (self, reply);
          return;
        }
      break;
    case NYM_GATEWAY_REPLY_AUTHENTICATE:
      if (self->step == STEP_AUTHENTICATE)
        {
          on_authenticate (self, reply);
          return;
        }
      break;
    case NYM_GATEWAY_REPLY_BANDWIDTH:
      if (self->step == STEP_BANDWIDTH)
        {
          self->claiming = false;
          set_remaining_bandwidth (self, reply->bandwidth);
          become_ready (self);
          return;
        }
      break;
    default:
      break;
    }
  fail_with (self, NYM_GATEWAY_ERROR_PROTOCOL,
             "The gateway at %s answered the %s with an unexpected message", self->url,
             step_request_name (self->step));
}

/* §1.11: once ready, errors are replies to single requests and do not end the session. */
static void
handle_ready_reply (NymGatewaySession *self,
                    NymGatewayReply   *reply)
{
  g_autofree char *message = NULL;

  switch (reply->type)
    {
    case NYM_GATEWAY_REPLY_SEND:
      self->packets_acknowledged++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACKETS_ACKNOWLEDGED]);
      set_remaining_bandwidth (self, reply->bandwidth);
      break;
    case NYM_GATEWAY_REPLY_BANDWIDTH:
      self->claiming = false;
      self->claim_refused = false;
      disarm_timeout (self);
      set_remaining_bandwidth (self, reply->bandwidth);
      break;
    case NYM_GATEWAY_REPLY_ERROR:
      if (self->claiming)
        {
          /* §1.10 step 5: e.g. a gateway that takes only zk-nyms. Asking again after every
           * packet would only repeat the refusal, so the session stops claiming until it
           * reconnects; packets flow while the gateway still grants them. */
          self->claiming = false;
          self->claim_refused = true;
          disarm_timeout (self);
        }
      message = g_strdup_printf ("The gateway at %s reported an error: %s", self->url, reply->message);
      set_error_message (self, message);
      break;
    case NYM_GATEWAY_REPLY_OUT_OF_BANDWIDTH:
      message = g_strdup_printf ("The gateway at %s dropped a packet: it needed %" G_GINT64_FORMAT
                                 " bytes of bandwidth and had %" G_GINT64_FORMAT, self->url,
                                 reply->required, reply->bandwidth);
      set_error_message (self, message);
      set_remaining_bandwidth (self, reply->bandwidth);
      break;
    case NYM_GATEWAY_REPLY_TICKET_REPLAY:
      message = g_strdup_printf ("The gateway at %s refused a bandwidth ticket as already spent", self->url);
      set_error_message (self, message);
      break;
    default:
      g_debug ("Ignoring an unsolicited message of type %d from the gateway at %s", reply->type, self->url);
      break;
    }
  /* §1.12 step 6. */
  if (!self->claiming && !self->claim_refused && !self->closing &&
      self->remaining_bandwidth < NYM_GATEWAY_BANDWIDTH_THRESHOLD)
    claim_bandwidth (self);
}

static void
handle_text (NymGatewaySession *self,
             const uint8_t     *data,
             size_t             len)
{
  NymGatewayReply reply;
  g_autoptr(GError) error = NULL;

  if (!nym_gateway_reply_parse ((const char *) data, len, &reply, &error))
    {
      if (self->step == STEP_READY)
        {
          set_error_message (self, error->message);
          return;
        }
      session_fail (self, g_steal_pointer (&error));
      return;
    }
  if (self->step == STEP_READY)
    handle_ready_reply (self, &reply);
  else
    handle_connect_reply (self, &reply);
  nym_gateway_reply_clear (&reply);
}

/* §1.8–§1.9: a PushedMixMessage, opened with the shared key. */
static void
handle_binary (NymGatewaySession *self,
               const uint8_t     *data,
               size_t             len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) plaintext = NULL;
  g_autoptr(GBytes) bytes = NULL;
  uint8_t kind = 0;

  if (self->registration == NULL)
    {
      g_debug ("Dropping a binary frame from the gateway at %s that came before any shared key", self->url);
      return;
    }
  plaintext = nym_gateway_frame_open (self->registration->shared_key, data, len, &kind, &error);
  if (plaintext == NULL || kind != NYM_GATEWAY_RESPONSE_PUSHED_MIX_MESSAGE)
    {
      g_autofree char *message =
        g_strdup_printf ("The gateway at %s pushed a frame this client cannot open: %s", self->url,
                         error != NULL ? error->message : "it is not a PushedMixMessage");
      set_error_message (self, message);
      return;
    }
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&plaintext));
  g_signal_emit (self, signals[SIGNAL_RECEIVED], 0, bytes);
}

/* ---------------------------------------------------------------------------------------- */
/* libwebsockets                                                                              */

static int
write_queued (NymGatewaySession *self)
{
  while (!g_queue_is_empty (&self->out))
    {
      OutMessage *message = g_queue_pop_head (&self->out);
      gsize len;
      const uint8_t *data = g_bytes_get_data (message->bytes, &len);
      g_autofree uint8_t *buffer = g_malloc (LWS_PRE + len + 1);
      int written;

      memcpy (buffer + LWS_PRE, data, len);
      written = lws_write (self->wsi, buffer + LWS_PRE, len, message->protocol);
      out_message_free (message);
      if (written < 0 || (size_t) written < len)
        return -1;
      if (lws_send_pipe_choked (self->wsi))
        break;
    }
  if (!g_queue_is_empty (&self->out))
    {
      lws_callback_on_writable (self->wsi);
      return 0;
    }
  if (self->closing)
    {
      lws_close_reason (self->wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
      return -1;
    }
  return 0;
}

static int
receive (NymGatewaySession *self,
         const void        *in,
         size_t             len)
{
  struct lws *wsi = self->wsi;

  if (lws_is_first_fragment (wsi))
    {
      g_byte_array_set_size (self->rx, 0);
      self->rx_binary = lws_frame_is_binary (wsi);
    }
  if (self->rx->len + len > MAX_MESSAGE_LEN)
    {
      fail_with (self, NYM_GATEWAY_ERROR_PROTOCOL,
                 "The gateway at %s sent a message longer than %d bytes", self->url, MAX_MESSAGE_LEN);
      return -1;
    }
  g_byte_array_append (self->rx, in, len);
  if (!lws_is_final_fragment (wsi) || lws_remaining_packet_payload (wsi) > 0)
    return 0;

  if (self->rx_binary)
    handle_binary (self, self->rx->data, self->rx->len);
  else
    handle_text (self, self->rx->data, self->rx->len);
  g_byte_array_set_size (self->rx, 0);
  return 0;
}

static void
on_closed (NymGatewaySession *self)
{
  self->wsi = NULL;
  if (self->tearing_down)
    return;
  if (self->closing)
    {
      disarm_timeout (self);
      self->closing = false;
      self->step = STEP_NONE;
      set_state (self, NYM_GATEWAY_SESSION_DISCONNECTED);
      if (self->close_task != NULL)
        return_later (self, g_steal_pointer (&self->close_task), NULL);
      schedule_teardown (self);
      return;
    }
  if (self->step == STEP_NONE)
    return;
  fail_with (self, NYM_GATEWAY_ERROR_NETWORK, "The connection to the gateway at %s was lost", self->url);
}

static int
on_lws_event (struct lws               *wsi,
              enum lws_callback_reasons reason,
              void                     *user,
              void                     *in,
              size_t                    len)
{
  struct lws_context *context = lws_get_context (wsi);
  NymGatewaySession *self = context != NULL ? lws_context_user (context) : NULL;

  if (self == NULL)
    return lws_callback_http_dummy (wsi, reason, user, in, len);

  switch (reason)
    {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
      self->wsi = NULL;
      if (!self->tearing_down && self->step != STEP_NONE)
        {
          g_autofree char *reason_text = in != NULL && len > 0 ? g_utf8_make_valid (in, (gssize) len)
                                                                : g_strdup (in != NULL ? in : "no answer");

          /* lws reports TLS failures as raw OpenSSL codes; say what they mean for a user. */
          if (strstr (reason_text, "SSL") != NULL || strstr (reason_text, "tls") != NULL)
            fail_with (self, NYM_GATEWAY_ERROR_NETWORK,
                       "Cannot connect to the gateway at %s: the TLS handshake failed; its "
                       "certificate may be untrusted or issued for another host (%s)",
                       self->url, reason_text);
          else
            fail_with (self, NYM_GATEWAY_ERROR_NETWORK, "Cannot connect to the gateway at %s: %s",
                       self->url, reason_text);
        }
      return 0;

    case LWS_CALLBACK_CLIENT_ESTABLISHED:
      {
        g_autofree char *json = NULL;

        /* A connect that was cancelled or failed meanwhile must not come back to life. */
        if (self->step != STEP_OPENING || self->tearing_down)
          return -1;
        json = nym_gateway_request_simple_json ("supportedProtocol");
        self->wsi = wsi;
        self->step = STEP_SUPPORTED_PROTOCOL;
        queue_text (self, json);
        arm_timeout (self, "tell its protocol version");
        return 0;
      }

    case LWS_CALLBACK_CLIENT_RECEIVE:
      if (self->wsi != wsi || self->step == STEP_NONE)
        return -1;
      return receive (self, in, len);

    case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
      if (self->ping_task != NULL && len == PING_TAG_LEN && memcmp (in, self->ping_tag, len) == 0)
        {
          clear_source (&self->ping_timeout_source);
          return_later (self, g_steal_pointer (&self->ping_task), NULL);
        }
      return 0;

    case LWS_CALLBACK_CLIENT_WRITEABLE:
      if (self->wsi != wsi)
        return -1;
      return write_queued (self);

    case LWS_CALLBACK_CLIENT_CLOSED:
      if (self->wsi == wsi)
        on_closed (self);
      return 0;

    case LWS_CALLBACK_WSI_DESTROY:
      /* A connection that died before ESTABLISHED or without CLIENT_CLOSED ends here. */
      if (self->wsi == wsi)
        on_closed (self);
      return 0;

    default:
      return lws_callback_http_dummy (wsi, reason, user, in, len);
    }
}

static const struct lws_protocols ws_protocols[] = {
  { "nym-gateway-client", on_lws_event, 0, 65536, 0, NULL, 0 },
  { NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* lws logs go to the GLib debug log: what it says is reported through our own errors. */
static void
on_lws_log (int         level,
            const char *line)
{
  g_debug ("libwebsockets: %s", line);
}

/* §1.1: ws://host:port[/path] or wss://; the gateway ignores the path. */
static bool
open_connection (NymGatewaySession *self,
                 GError           **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) uri_error = NULL;
  struct lws_context_creation_info info;
  struct lws_client_connect_info connect;
  void *foreign_loops[1];
  const char *scheme;
  const char *path;
  g_autofree char *host = NULL;
  bool tls;
  int port;

  uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, &uri_error);
  if (uri == NULL)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_INVALID_ARGUMENT,
                   "The gateway address %s is not a URL: %s", self->url, uri_error->message);
      return false;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "ws") != 0 && g_ascii_strcasecmp (scheme, "wss") != 0)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_INVALID_ARGUMENT,
                   "The gateway address %s is not a ws:// or wss:// URL", self->url);
      return false;
    }
  tls = g_ascii_strcasecmp (scheme, "wss") == 0;
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_INVALID_ARGUMENT,
                   "The gateway address %s names no host", self->url);
      return false;
    }
  host = g_strdup (g_uri_get_host (uri));
  port = g_uri_get_port (uri);
  if (port <= 0)
    port = tls ? 443 : 80;
  path = g_uri_get_path (uri);
  if (path == NULL || *path == '\0')
    path = "/";

  self->lws_loop = g_main_loop_new (self->context, FALSE);
  foreign_loops[0] = self->lws_loop;
  memset (&info, 0, sizeof info);
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = ws_protocols;
  info.gid = -1;
  info.uid = -1;
  info.user = self;
  info.options = LWS_SERVER_OPTION_GLIB;
  if (tls)
    {
      info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
      /* NULL leaves lws with the system's certificate authorities. */
      info.client_ssl_ca_filepath = self->tls_ca_file;
    }
  info.foreign_loops = foreign_loops;
  /* lws's own handshake timeout is only a backstop: ours says what was awaited. */
  info.timeout_secs = self->timeout_seconds + 5;
  self->lws = lws_create_context (&info);
  if (self->lws == NULL)
    {
      g_clear_pointer (&self->lws_loop, g_main_loop_unref);
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NETWORK,
                   "Cannot start the websocket client for %s (is libwebsockets-evlib-glib installed?)",
                   self->url);
      return false;
    }

  memset (&connect, 0, sizeof connect);
  connect.context = self->lws;
  connect.address = host;
  connect.port = port;
  connect.path = path;
  connect.host = host;
  connect.origin = host;
  connect.ssl_connection = tls ? LCCSCF_USE_SSL : 0;
  connect.local_protocol_name = ws_protocols[0].name;
  connect.ietf_version_or_minus_one = -1;
  self->step = STEP_OPENING;
  arm_timeout (self, "accept the websocket connection");
  /* The connection error, if any, may already be reported from inside this call. */
  if (lws_client_connect_via_info (&connect) == NULL && self->step == STEP_OPENING)
    {
      disarm_timeout (self);
      self->step = STEP_NONE;
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NETWORK,
                   "Cannot connect to the gateway at %s", self->url);
      return false;
    }
  return true;
}

/* ---------------------------------------------------------------------------------------- */
/* Public API                                                                                 */

static gboolean
on_connect_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  NymGatewaySession *self = user_data;

  g_clear_pointer (&self->cancel_source, g_source_unref);
  session_fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   "Connecting to the gateway at %s was cancelled", self->url));
  return G_SOURCE_REMOVE;
}

/**
 * nym_gateway_session_connect_async:
 *
 * Opens the websocket and runs §1.12 steps 2–4. Must be called on the session's context,
 * in state "disconnected" or "failed".
 */
void
nym_gateway_session_connect_async (NymGatewaySession   *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (NYM_IS_GATEWAY_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nym_gateway_session_connect_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->connect_task != NULL || self->closing ||
      (self->state != NYM_GATEWAY_SESSION_DISCONNECTED && self->state != NYM_GATEWAY_SESSION_FAILED))
    {
      g_task_return_new_error (task, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NOT_READY,
                               "The session with the gateway at %s is already connected or connecting",
                               self->url);
      return;
    }

  /* Whatever is left of an earlier connection goes first (we are not inside lws here). */
  teardown (self);
  g_clear_pointer (&self->registration, nym_gateway_registration_free);
  if (self->store != NULL &&
      !nym_client_store_load_registration (self->store, self->gateway_identity, &self->registration, &error))
    {
      set_error_message (self, error->message);
      set_state (self, NYM_GATEWAY_SESSION_FAILED);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->connect_task = g_steal_pointer (&task);
  set_state (self, NYM_GATEWAY_SESSION_CONNECTING);
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (on_connect_cancelled), self, NULL);
      g_source_attach (self->cancel_source, self->context);
    }
  if (!open_connection (self, &error))
    session_fail (self, g_steal_pointer (&error));
}

bool
nym_gateway_session_connect_finish (NymGatewaySession *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), false);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nym_gateway_session_connect_async, false);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* §1.8: one ForwardSphinx(V2) frame per packet; kind 2 carries the key-rotation byte and is
 * used when the negotiated version is 5 or newer (§1.2 step 4). The gateway answers each with
 * a `send` reply, counted in "packets-acknowledged". */
bool
nym_gateway_session_send_packet (NymGatewaySession    *self,
                                 const NymNodeAddress *first_hop,
                                 const uint8_t        *packet,
                                 size_t                len,
                                 NymKeyRotation        rotation,
                                 GError              **error)
{
  g_autoptr(GByteArray) plaintext = NULL;
  g_autoptr(GByteArray) frame = NULL;
  NymGatewayRequestKind kind;
  uint8_t nonce[NYM_GATEWAY_FRAME_NONCE_LEN];

  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), false);
  g_return_val_if_fail (first_hop != NULL, false);

  if (self->state != NYM_GATEWAY_SESSION_READY || self->wsi == NULL || self->closing)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NOT_READY,
                   "Cannot send a packet: the session with the gateway at %s is not ready", self->url);
      return false;
    }
  kind = self->protocol_version >= NYM_GATEWAY_PROTOCOL_FORWARD_V2 ? NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2
                                                                   : NYM_GATEWAY_REQUEST_FORWARD_SPHINX;
  plaintext = nym_forward_sphinx_encode (kind, NYM_PACKET_TYPE_MIX, rotation, first_hop, packet, len, error);
  if (plaintext == NULL)
    return false;
  nym_random_bytes (nonce, sizeof nonce);
  frame = nym_gateway_frame_seal ((uint8_t) kind, self->registration->shared_key, nonce,
                                  plaintext->data, plaintext->len, error);
  if (frame == NULL)
    return false;
  queue_message (self, frame->data, frame->len, LWS_WRITE_BINARY);
  self->packets_sent++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACKETS_SENT]);
  return true;
}

static gboolean
on_ping_timeout (gpointer user_data)
{
  NymGatewaySession *self = user_data;

  g_clear_pointer (&self->ping_timeout_source, g_source_unref);
  if (self->ping_task != NULL)
    return_later (self, g_steal_pointer (&self->ping_task),
                  g_error_new (NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_TIMEOUT,
                               "The gateway at %s did not answer a ping within %u s",
                               self->url, self->timeout_seconds));
  return G_SOURCE_REMOVE;
}

/* §1.11: a websocket Ping with an 8-byte random tag; succeeds when the Pong echoes it. */
void
nym_gateway_session_ping_async (NymGatewaySession   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NYM_IS_GATEWAY_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nym_gateway_session_ping_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->state != NYM_GATEWAY_SESSION_READY || self->wsi == NULL || self->ping_task != NULL)
    {
      g_task_return_new_error (task, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NOT_READY,
                               "Cannot ping the gateway at %s: the session is not ready or a ping "
                               "is already waiting", self->url);
      return;
    }
  nym_random_bytes (self->ping_tag, sizeof self->ping_tag);
  queue_message (self, self->ping_tag, sizeof self->ping_tag, LWS_WRITE_PING);
  self->ping_task = g_steal_pointer (&task);
  self->ping_timeout_source = g_timeout_source_new_seconds (self->timeout_seconds);
  g_source_set_callback (self->ping_timeout_source, on_ping_timeout, self, NULL);
  g_source_attach (self->ping_timeout_source, self->context);
}

bool
nym_gateway_session_ping_finish (NymGatewaySession *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), false);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nym_gateway_session_ping_async, false);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sends a websocket Close and waits (with the timeout) until the connection is gone. A
 * connect still in progress fails with G_IO_ERROR_CANCELLED. */
void
nym_gateway_session_close_async (NymGatewaySession   *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NYM_IS_GATEWAY_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nym_gateway_session_close_async);
  if (self->close_task != NULL)
    {
      g_task_return_new_error (task, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_NOT_READY,
                               "The session with the gateway at %s is already closing", self->url);
      return;
    }
  if (self->connect_task != NULL)
    return_later (self, g_steal_pointer (&self->connect_task),
                  g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The session with the gateway at %s was closed while connecting", self->url));
  if (self->ping_task != NULL)
    {
      clear_source (&self->ping_timeout_source);
      return_later (self, g_steal_pointer (&self->ping_task),
                    g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 "The session with the gateway at %s was closed", self->url));
    }
  clear_source (&self->cancel_source);

  if (self->wsi == NULL)
    {
      /* Nothing is open (or the socket is still being opened): drop it all now. */
      teardown (self);
      disarm_timeout (self);
      set_state (self, self->state == NYM_GATEWAY_SESSION_FAILED ? NYM_GATEWAY_SESSION_FAILED
                                                                  : NYM_GATEWAY_SESSION_DISCONNECTED);
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->closing = true;
  self->claiming = false;
  /* A connect cut short must not go on to "ready" from replies still on their way. */
  if (self->step != STEP_READY)
    self->step = STEP_NONE;
  self->close_task = g_steal_pointer (&task);
  arm_timeout (self, "close the connection");
  lws_callback_on_writable (self->wsi);
}

bool
nym_gateway_session_close_finish (NymGatewaySession *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), false);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nym_gateway_session_close_async, false);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------------- */
/* GObject                                                                                    */

NymGatewaySession *
nym_gateway_session_new (const char          *url,
                         const uint8_t        gateway_identity[static 32],
                         const NymClientKeys *keys,
                         NymClientStore      *store)
{
  NymGatewaySession *self;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (keys != NULL, NULL);
  g_return_val_if_fail (store == NULL || NYM_IS_CLIENT_STORE (store), NULL);

  self = g_object_new (NYM_TYPE_GATEWAY_SESSION, NULL);
  self->url = g_strdup (url);
  memcpy (self->gateway_identity, gateway_identity, 32);
  self->keys = nym_client_keys_copy (keys);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  return self;
}

static void
nym_gateway_session_dispose (GObject *object)
{
  NymGatewaySession *self = NYM_GATEWAY_SESSION (object);

  /* Pending tasks hold a reference, so none can be left here; only sources can. */
  disarm_timeout (self);
  clear_source (&self->ping_timeout_source);
  clear_source (&self->cancel_source);
  teardown (self);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (nym_gateway_session_parent_class)->dispose (object);
}

static void
nym_gateway_session_finalize (GObject *object)
{
  NymGatewaySession *self = NYM_GATEWAY_SESSION (object);

  g_clear_pointer (&self->keys, nym_client_keys_free);
  g_clear_pointer (&self->registration, nym_gateway_registration_free);
  g_clear_pointer (&self->rx, g_byte_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->url);
  g_free (self->error_message);
  g_free (self->tls_ca_file);
  G_OBJECT_CLASS (nym_gateway_session_parent_class)->finalize (object);
}

static void
nym_gateway_session_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NymGatewaySession *self = NYM_GATEWAY_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_REMAINING_BANDWIDTH:
      g_value_set_int64 (value, self->remaining_bandwidth);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_PROTOCOL_VERSION:
      g_value_set_uint (value, self->protocol_version);
      break;
    case PROP_PACKETS_SENT:
      g_value_set_uint64 (value, self->packets_sent);
      break;
    case PROP_PACKETS_ACKNOWLEDGED:
      g_value_set_uint64 (value, self->packets_acknowledged);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_seconds);
      break;
    case PROP_TLS_CA_FILE:
      g_value_set_string (value, self->tls_ca_file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nym_gateway_session_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  NymGatewaySession *self = NYM_GATEWAY_SESSION (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      nym_gateway_session_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_TLS_CA_FILE:
      nym_gateway_session_set_tls_ca_file (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nym_gateway_session_class_init (NymGatewaySessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = nym_gateway_session_dispose;
  object_class->finalize = nym_gateway_session_finalize;
  object_class->get_property = nym_gateway_session_get_property;
  object_class->set_property = nym_gateway_session_set_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, NYM_TYPE_GATEWAY_SESSION_STATE,
                       NYM_GATEWAY_SESSION_DISCONNECTED, ro);
  properties[PROP_REMAINING_BANDWIDTH] =
    g_param_spec_int64 ("remaining-bandwidth", NULL, NULL, G_MININT64, G_MAXINT64, 0, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_PROTOCOL_VERSION] = g_param_spec_uint ("protocol-version", NULL, NULL, 0, 255, 0, ro);
  properties[PROP_PACKETS_SENT] = g_param_spec_uint64 ("packets-sent", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_PACKETS_ACKNOWLEDGED] =
    g_param_spec_uint64 ("packets-acknowledged", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 3600, DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TLS_CA_FILE] =
    g_param_spec_string ("tls-ca-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NymGatewaySession::received:
   * @plaintext: (type GBytes): the decrypted PushedMixMessage (§1.9): an ack, a data or
   *   reply payload, or cover, for the packet layer's receiver to open.
   */
  signals[SIGNAL_RECEIVED] =
    g_signal_new ("received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BYTES);

  lws_set_log_level (LLL_ERR | LLL_WARN, on_lws_log);
}

static void
nym_gateway_session_init (NymGatewaySession *self)
{
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  self->context = g_main_context_ref_thread_default ();
  self->rx = g_byte_array_new ();
  self->timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
  g_queue_init (&self->out);
}

const char *
nym_gateway_session_get_url (NymGatewaySession *self)
{
  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), NULL);
  return self->url;
}

const uint8_t *
nym_gateway_session_get_gateway_identity (NymGatewaySession *self)
{
  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), NULL);
  return self->gateway_identity;
}

NymGatewaySessionState
nym_gateway_session_get_state (NymGatewaySession *self)
{
  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), NYM_GATEWAY_SESSION_DISCONNECTED);
  return self->state;
}

gint64
nym_gateway_session_get_remaining_bandwidth (NymGatewaySession *self)
{
  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), 0);
  return self->remaining_bandwidth;
}

const char *
nym_gateway_session_get_error_message (NymGatewaySession *self)
{
  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), NULL);
  return self->error_message;
}

guint
nym_gateway_session_get_protocol_version (NymGatewaySession *self)
{
  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), 0);
  return self->protocol_version;
}

guint64
nym_gateway_session_get_packets_sent (NymGatewaySession *self)
{
  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), 0);
  return self->packets_sent;
}

guint64
nym_gateway_session_get_packets_acknowledged (NymGatewaySession *self)
{
  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), 0);
  return self->packets_acknowledged;
}

guint
nym_gateway_session_get_timeout (NymGatewaySession *self)
{
  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), 0);
  return self->timeout_seconds;
}

/* Seconds allowed for each wait; takes effect with the next wait. */
void
nym_gateway_session_set_timeout (NymGatewaySession *self,
                                 guint              seconds)
{
  g_return_if_fail (NYM_IS_GATEWAY_SESSION (self));
  g_return_if_fail (seconds >= 1 && seconds <= 3600);

  if (self->timeout_seconds == seconds)
    return;
  self->timeout_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

const char *
nym_gateway_session_get_tls_ca_file (NymGatewaySession *self)
{
  g_return_val_if_fail (NYM_IS_GATEWAY_SESSION (self), NULL);
  return self->tls_ca_file;
}

/* Takes effect with the next connect. */
void
nym_gateway_session_set_tls_ca_file (NymGatewaySession *self,
                                     const char        *path)
{
  g_return_if_fail (NYM_IS_GATEWAY_SESSION (self));

  if (g_strcmp0 (self->tls_ca_file, path) == 0)
    return;
  g_free (self->tls_ca_file);
  self->tls_ca_file = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_CA_FILE]);
}
