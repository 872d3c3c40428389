/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs NymClient and its runtime thread against an in-process localnet (nym-api, three mix layers, a gateway): start, send, acks, retransmission, reconnection, stop. */
#include <string.h>
#include <sodium.h>

#include "../common/test-wait.h"
#include "localnet-network.h"
#include "../localnet/localnet-test-util.h"
#include "gateway/localnet-gateway.h"
#include "mixnode/localnet-mixnode.h"
#include "nym-api/localnet-nym-api.h"
#include "packet/nym-fragment.h"
#include "packet/nym-message.h"
#include "packet/nym-reply-surb.h"
#include "runtime/nym-client.h"
#include "runtime/nym-client-runtime-private.h"

#define WAIT_SECONDS 60

typedef struct
{
  char            *dir;
  LocalnetNetwork *network;
  LocalnetNymApi  *api;
  LocalnetMixnode *mixnodes[3];
  guint16          mix_ports[3];
  LocalnetGateway *gateway;
  char            *gateway_dir;
  guint16          gateway_ws_port;
  guint16          gateway_mix_port;
} Fixture;

/* What one NymClient did, as the test thread saw it. */
typedef struct
{
  NymClient *client;
  char      *data_dir;
  GPtrArray *states;    /* state nicks in the order notified */
  GPtrArray *messages;  /* GBytes without a sender tag */
  GPtrArray *anonymous; /* GBytes with a sender tag */
  GPtrArray *tags;      /* the base58 tag of each of those */
} Peer;

static LocalnetMixnode *
try_start_mixnode (Fixture  *fixture,
                   guint     layer,
                   guint16   port,
                   GError  **start_error)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("mix-%u-1", layer);
  g_autofree char *dir = localnet_network_node_dir (fixture->network, name, &error);
  g_autoptr(LocalnetNodeInfo) info = NULL;
  LocalnetMixnode *mixnode;

  g_assert_no_error (error);
  mixnode = localnet_mixnode_new (name, dir, layer);
  localnet_mixnode_set_zero_delay (mixnode, TRUE);
  if (!localnet_mixnode_start (mixnode, port, start_error))
    {
      g_object_unref (mixnode);
      return NULL;
    }
  info = localnet_mixnode_dup_info (mixnode);
  g_assert_cmpuint (localnet_network_add_node (fixture->network, info, &error), !=, 0);
  g_assert_no_error (error);
  return mixnode;
}

static LocalnetMixnode *
start_mixnode (Fixture *fixture,
               guint    layer,
               guint16  port)
{
  g_autoptr(GError) error = NULL;
  LocalnetMixnode *mixnode = try_start_mixnode (fixture, layer, port, &error);

  g_assert_no_error (error);
  return mixnode;
}

static bool
try_start_gateway (Fixture  *fixture,
                   GError  **start_error)
{
  g_autoptr(GError) error = NULL;
  LocalnetNodeInfo info = { 0 };

  fixture->gateway = localnet_gateway_new (fixture->gateway_dir, fixture->gateway_ws_port, fixture->gateway_mix_port);
  if (!localnet_gateway_start (fixture->gateway, start_error))
    {
      g_clear_object (&fixture->gateway);
      return false;
    }
  fixture->gateway_ws_port = localnet_gateway_get_ws_port (fixture->gateway);
  fixture->gateway_mix_port = localnet_gateway_get_mix_port (fixture->gateway);
  info.name = (char *) "gateway-1";
  info.kind = LOCALNET_NODE_GATEWAY;
  memcpy (info.identity, localnet_gateway_get_identity_key (fixture->gateway), 32);
  memcpy (info.sphinx_key, localnet_gateway_get_sphinx_public_key (fixture->gateway), 32);
  info.mix_port = fixture->gateway_mix_port;
  info.ws_port = fixture->gateway_ws_port;
  info.entry = true;
  info.exit = true;
  g_assert_cmpuint (localnet_network_add_node (fixture->network, &info, &error), !=, 0);
  g_assert_no_error (error);
  return true;
}

static void
start_gateway (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (try_start_gateway (fixture, &error));
  g_assert_no_error (error);
}

/* A node restarted on its old port (the client knows it by that address) finds the port
 * taken now and then when many tests run at once: another process got it as an ephemeral
 * port. That is retried for a while, and otherwise the test is skipped with the reason. */
#define RESTART_TRIES 50

static bool
restart_gateway (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < RESTART_TRIES; i++)
    {
      g_clear_error (&error);
      if (try_start_gateway (fixture, &error))
        return true;
      test_wait_spin (100);
    }
  g_test_skip_printf ("The gateway's port %u stayed taken: %s", fixture->gateway_ws_port, error->message);
  return false;
}

static bool
restart_mixnode (Fixture *fixture,
                 guint    layer)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < RESTART_TRIES; i++)
    {
      g_clear_error (&error);
      fixture->mixnodes[layer - 1] = try_start_mixnode (fixture, layer, fixture->mix_ports[layer - 1], &error);
      if (fixture->mixnodes[layer - 1] != NULL)
        return true;
      test_wait_spin (100);
    }
  g_test_skip_printf ("The mix node's port %u stayed taken: %s", fixture->mix_ports[layer - 1], error->message);
  return false;
}

static void
stop_gateway (Fixture *fixture)
{
  localnet_gateway_stop (fixture->gateway);
  localnet_test_drain ();
  g_assert_finalize_object (g_steal_pointer (&fixture->gateway));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = localnet_test_mkdtemp ();
  fixture->network = localnet_network_new (fixture->dir, &error);
  g_assert_no_error (error);
  localnet_network_set_zero_delay (fixture->network, TRUE);
  fixture->api = localnet_nym_api_new (fixture->network);
  g_assert_true (localnet_nym_api_listen (fixture->api, 0, &error));
  g_assert_no_error (error);
  for (guint layer = 1; layer <= 3; layer++)
    {
      fixture->mixnodes[layer - 1] = start_mixnode (fixture, layer, 0);
      fixture->mix_ports[layer - 1] = localnet_mixnode_get_port (fixture->mixnodes[layer - 1]);
    }
  fixture->gateway_dir = localnet_network_node_dir (fixture->network, "gateway-1", &error);
  g_assert_no_error (error);
  start_gateway (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* Let packets still in the mixnet (late acks, a second retransmission) reach their end
   * before the nodes stop. The mix node hands unwrapped packets back to its loop with
   * g_main_context_invoke_full from a worker thread (localnet-mixnode.c), which runs the
   * forwarding on that worker whenever this thread is not iterating the context, so a
   * packet finishing while the node is being stopped can use a forwarder that is gone. */
  test_wait_spin (300);
  if (fixture->gateway != NULL)
    stop_gateway (fixture);
  for (guint i = 0; i < 3; i++)
    if (fixture->mixnodes[i] != NULL)
      localnet_mixnode_stop (fixture->mixnodes[i]);
  localnet_nym_api_stop (fixture->api);
  localnet_test_drain ();
  test_wait_spin (50);
  for (guint i = 0; i < 3; i++)
    if (fixture->mixnodes[i] != NULL)
      g_assert_finalize_object (fixture->mixnodes[i]);
  g_assert_finalize_object (fixture->api);
  g_assert_finalize_object (fixture->network);
  localnet_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->gateway_dir);
}

static void
on_state (NymClient  *client,
          GParamSpec *pspec,
          Peer       *peer)
{
  GEnumClass *klass = g_type_class_ref (NYM_TYPE_CLIENT_STATE);
  GEnumValue *value = g_enum_get_value (klass, nym_client_get_state (client));

  g_ptr_array_add (peer->states, g_strdup (value->value_nick));
  g_type_class_unref (klass);
}

static void
on_message (NymClient *client,
            GBytes    *data,
            Peer      *peer)
{
  g_ptr_array_add (peer->messages, g_bytes_ref (data));
}

static void
on_anonymous_message (NymClient  *client,
                      GBytes     *data,
                      const char *tag,
                      Peer       *peer)
{
  g_ptr_array_add (peer->anonymous, g_bytes_ref (data));
  g_ptr_array_add (peer->tags, g_strdup (tag));
}

static void
peer_init (Peer       *peer,
           Fixture    *fixture,
           const char *name)
{
  peer->client = nym_client_new ();
  peer->data_dir = g_build_filename (fixture->dir, name, NULL);
  peer->states = g_ptr_array_new_with_free_func (g_free);
  peer->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  peer->anonymous = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  peer->tags = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (peer->client, "notify::state", G_CALLBACK (on_state), peer);
  g_signal_connect (peer->client, "message-received", G_CALLBACK (on_message), peer);
  g_signal_connect (peer->client, "anonymous-message-received", G_CALLBACK (on_anonymous_message), peer);
}

static void
peer_start (Peer    *peer,
            Fixture *fixture,
            bool     zero_delay)
{
  NymClientRuntimeConfig config;
  const char *urls[] = { localnet_nym_api_get_url (fixture->api), NULL };
  g_autoptr(GError) error = NULL;

  nym_client_runtime_config_init (&config);
  config.data_dir = peer->data_dir;
  config.nym_api_urls = (char **) urls;
  config.zero_delay = zero_delay;
  config.gateway_timeout_s = 5;
  g_assert_true (nym_client_start (peer->client, &config, &error));
  g_assert_no_error (error);
}

static void
peer_wait_ready (Peer *peer)
{
  WAIT_UNTIL (nym_client_get_state (peer->client) == NYM_CLIENT_STATE_READY
              || nym_client_get_state (peer->client) == NYM_CLIENT_STATE_ERROR);
  g_assert_cmpstr (nym_client_get_error_message (peer->client), ==, NULL);
  g_assert_cmpint (nym_client_get_state (peer->client), ==, NYM_CLIENT_STATE_READY);
}

static void
peer_clear (Peer *peer)
{
  nym_client_stop (peer->client);
  g_assert_cmpint (nym_client_get_state (peer->client), ==, NYM_CLIENT_STATE_OFF);
  g_assert_finalize_object (g_steal_pointer (&peer->client));
  g_ptr_array_unref (peer->states);
  g_ptr_array_unref (peer->messages);
  g_ptr_array_unref (peer->anonymous);
  g_ptr_array_unref (peer->tags);
  g_free (peer->data_dir);
}

static GBytes *
random_bytes (size_t len)
{
  uint8_t *data = g_malloc (len);

  randombytes_buf (data, len);
  return g_bytes_new_take (data, len);
}

static void
send_to (Peer       *from,
         const char *address,
         GBytes     *data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (nym_client_send_message (from->client, address, data, &error));
  g_assert_no_error (error);
}

static void
assert_received (Peer   *peer,
                 guint   index,
                 GBytes *expected)
{
  GBytes *got = g_ptr_array_index (peer->messages, index);

  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static guint
index_of (GPtrArray  *states,
          const char *nick,
          guint       from)
{
  for (guint i = from; i < states->len; i++)
    if (g_str_equal (g_ptr_array_index (states, i), nick))
      return i;
  g_error ("The state \"%s\" was never reached after position %u", nick, from);
  return G_MAXUINT;
}

/* Start walks through the documented states in order and ends ready with a gateway and an
 * address that names it; a second start of the same data dir keeps the address. */
static void
test_start_ready (Fixture       *fixture,
                  gconstpointer  user_data)
{
  Peer peer = { 0 };
  g_autofree char *gateway = NULL;
  g_autofree char *address = NULL;
  guint at;

  peer_init (&peer, fixture, "client");
  g_assert_cmpint (nym_client_get_state (peer.client), ==, NYM_CLIENT_STATE_OFF);
  peer_start (&peer, fixture, true);
  peer_wait_ready (&peer);
  at = index_of (peer.states, "fetching-topology", 0);
  at = index_of (peer.states, "connecting", at + 1);
  at = index_of (peer.states, "registering", at + 1);
  at = index_of (peer.states, "ready", at + 1);
  g_assert_cmpuint (at, ==, peer.states->len - 1);

  gateway = g_strdup (nym_client_get_gateway (peer.client));
  address = g_strdup (nym_client_get_address (peer.client));
  g_assert_nonnull (gateway);
  g_assert_true (g_str_has_suffix (address, gateway));
  g_assert_cmpstr (gateway, ==, localnet_gateway_get_identity (fixture->gateway));
  g_assert_cmpuint (localnet_gateway_get_registrations (fixture->gateway), ==, 1);
  {
    g_autofree char *remembered = nym_client_runtime_load_active_gateway (peer.data_dir);

    g_assert_cmpstr (remembered, ==, gateway);
  }

  /* A second start from the same store authenticates with the stored key. */
  nym_client_stop (peer.client);
  g_assert_cmpint (nym_client_get_state (peer.client), ==, NYM_CLIENT_STATE_OFF);
  g_ptr_array_set_size (peer.states, 0);
  peer_start (&peer, fixture, true);
  peer_wait_ready (&peer);
  g_assert_cmpstr (nym_client_get_address (peer.client), ==, address);
  g_assert_cmpuint (localnet_gateway_get_registrations (fixture->gateway), ==, 1);
  g_assert_cmpuint (localnet_gateway_get_authentications (fixture->gateway), >=, 1);
  peer_clear (&peer);
}

/* How many regular packets the packet layer makes of data as a plain message (§17). */
static guint
count_fragments (GBytes *data)
{
  size_t capacity = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);
  g_autoptr(NymMessage) message = nym_message_new_plain (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_autoptr(GByteArray) bytes = nym_message_to_bytes (message, NULL);
  g_autoptr(GByteArray) padded = nym_message_pad (bytes->data, bytes->len, capacity);
  g_autoptr(GPtrArray) fragments = nym_fragment_split (padded->data, padded->len, capacity, NULL, 0, NULL);

  return fragments->len;
}

/* 1 byte, 2 KB (a few fragments) and 100 KB (dozens of fragments) to ourselves, each
 * arriving byte for byte, and every fragment acknowledged. */
static void
test_send_to_self (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const size_t sizes[] = { 1, 2048, 100 * 1024 };
  Peer peer = { 0 };
  guint64 fragments = 0;

  peer_init (&peer, fixture, "client");
  peer_start (&peer, fixture, true);
  peer_wait_ready (&peer);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) data = random_bytes (sizes[i]);

      fragments += count_fragments (data);
      send_to (&peer, nym_client_get_address (peer.client), data);
      WAIT_UNTIL (peer.messages->len == i + 1);
      assert_received (&peer, i, data);
    }
  WAIT_UNTIL (nym_client_runtime_is_idle (nym_client_get_runtime (peer.client)));
  /* Counters reach this thread a moment after the fact: every fragment went out once (again
   * only if a loaded machine made its ack late), and each packet brought back itself and
   * its ack (no cover in zero-delay mode). */
  fragments += nym_client_runtime_get_retransmissions (nym_client_get_runtime (peer.client));
  WAIT_UNTIL (nym_client_get_packets_sent (peer.client) >= fragments
              && nym_client_get_packets_received (peer.client) == nym_client_get_packets_sent (peer.client) * 2);
  g_assert_cmpuint (nym_client_get_packets_sent (peer.client), ==, fragments);
  g_assert_cmpuint (nym_client_get_bytes_sent (peer.client), ==,
                    nym_client_get_packets_sent (peer.client) * nym_packet_size_total (NYM_PACKET_SIZE_REGULAR));
  test_wait_spin (200);
  g_assert_cmpuint (peer.messages->len, ==, G_N_ELEMENTS (sizes));
  peer_clear (&peer);
}

/* Two clients with their own keys send to each other through the same gateway. */
static void
test_two_clients (Fixture       *fixture,
                  gconstpointer  user_data)
{
  Peer alice = { 0 }, bob = { 0 };
  g_autoptr(GBytes) to_bob = random_bytes (5000);
  g_autoptr(GBytes) to_alice = random_bytes (300);

  peer_init (&alice, fixture, "alice");
  peer_init (&bob, fixture, "bob");
  peer_start (&alice, fixture, true);
  peer_start (&bob, fixture, true);
  peer_wait_ready (&alice);
  peer_wait_ready (&bob);
  g_assert_cmpstr (nym_client_get_address (alice.client), !=, nym_client_get_address (bob.client));

  send_to (&alice, nym_client_get_address (bob.client), to_bob);
  send_to (&bob, nym_client_get_address (alice.client), to_alice);
  WAIT_UNTIL (bob.messages->len == 1 && alice.messages->len == 1);
  assert_received (&bob, 0, to_bob);
  assert_received (&alice, 0, to_alice);
  WAIT_UNTIL (nym_client_runtime_get_unacked (nym_client_get_runtime (alice.client)) == 0
              && nym_client_runtime_get_unacked (nym_client_get_runtime (bob.client)) == 0);
  peer_clear (&alice);
  peer_clear (&bob);
}

/* A packet lost in the mixnet (the first layer is down, so the gateway cannot forward it)
 * is not acknowledged; the runtime sends the fragment again once its ack is late, and the
 * message arrives after the mix node is back. */
static void
test_retransmission (Fixture       *fixture,
                     gconstpointer  user_data)
{
  Peer peer = { 0 };
  g_autoptr(GBytes) data = random_bytes (100);
  NymClientRuntime *runtime;

  peer_init (&peer, fixture, "client");
  peer_start (&peer, fixture, true);
  peer_wait_ready (&peer);
  runtime = nym_client_get_runtime (peer.client);

  localnet_mixnode_stop (fixture->mixnodes[0]);
  localnet_test_drain ();
  g_assert_finalize_object (g_steal_pointer (&fixture->mixnodes[0]));
  send_to (&peer, nym_client_get_address (peer.client), data);
  WAIT_UNTIL (nym_client_runtime_get_retransmissions (runtime) >= 1);
  g_assert_cmpuint (peer.messages->len, ==, 0);
  g_assert_cmpuint (nym_client_runtime_get_unacked (runtime), ==, 1);

  if (!restart_mixnode (fixture, 1))
    {
      peer_clear (&peer);
      return;
    }
  WAIT_UNTIL (peer.messages->len == 1);
  assert_received (&peer, 0, data);
  WAIT_UNTIL (nym_client_runtime_get_unacked (runtime) == 0);
  peer_clear (&peer);
}

/* The gateway goes away: the client reports "reconnecting", keeps what is sent meanwhile,
 * and once the gateway is back it is ready again and the queued message arrives. */
static void
test_reconnect (Fixture       *fixture,
                gconstpointer  user_data)
{
  Peer peer = { 0 };
  g_autoptr(GBytes) data = random_bytes (3000);
  g_autofree char *address = NULL;
  guint at;

  peer_init (&peer, fixture, "client");
  peer_start (&peer, fixture, true);
  peer_wait_ready (&peer);
  address = g_strdup (nym_client_get_address (peer.client));

  stop_gateway (fixture);
  WAIT_UNTIL (nym_client_get_state (peer.client) == NYM_CLIENT_STATE_RECONNECTING);
  g_assert_nonnull (nym_client_get_error_message (peer.client));
  send_to (&peer, address, data);
  test_wait_spin (700);
  g_assert_cmpint (nym_client_get_state (peer.client), ==, NYM_CLIENT_STATE_RECONNECTING);
  g_assert_cmpuint (peer.messages->len, ==, 0);

  if (!restart_gateway (fixture))
    {
      peer_clear (&peer);
      return;
    }
  WAIT_UNTIL (nym_client_get_state (peer.client) == NYM_CLIENT_STATE_READY);
  at = index_of (peer.states, "ready", 0);
  at = index_of (peer.states, "reconnecting", at + 1);
  g_assert_cmpuint (index_of (peer.states, "ready", at + 1), ==, peer.states->len - 1);
  g_assert_cmpstr (nym_client_get_error_message (peer.client), ==, NULL);
  g_assert_cmpstr (nym_client_get_address (peer.client), ==, address);
  WAIT_UNTIL (peer.messages->len == 1);
  assert_received (&peer, 0, data);
  peer_clear (&peer);
}

/* With cover traffic on and nothing to send, the main stream still sends loop cover that
 * comes back to us, and no message is delivered for it. */
static void
test_cover_traffic (Fixture       *fixture,
                    gconstpointer  user_data)
{
  Peer peer = { 0 };

  peer_init (&peer, fixture, "client");
  peer_start (&peer, fixture, false);
  peer_wait_ready (&peer);
  WAIT_UNTIL (nym_client_get_packets_received (peer.client) >= 10);
  g_assert_cmpuint (nym_client_get_packets_sent (peer.client), >=, 5);
  g_assert_cmpuint (peer.messages->len, ==, 0);

  /* Switched off, the stream falls silent (what is in flight still arrives). */
  nym_client_set_cover_traffic (peer.client, false);
  test_wait_spin (1500);
  {
    guint64 sent = nym_client_get_packets_sent (peer.client);

    test_wait_spin (1000);
    g_assert_cmpuint (nym_client_get_packets_sent (peer.client), ==, sent);
  }
  peer_clear (&peer);
}

/* Anonymous messages (§17, §20). */

static void
peer_start_with (Peer                   *peer,
                 Fixture                *fixture,
                 NymClientRuntimeConfig *config)
{
  const char *urls[] = { localnet_nym_api_get_url (fixture->api), NULL };
  g_autoptr(GError) error = NULL;

  config->data_dir = peer->data_dir;
  config->nym_api_urls = (char **) urls;
  config->gateway_timeout_s = 5;
  g_assert_true (nym_client_start (peer->client, config, &error));
  g_assert_no_error (error);
}

static void
send_anonymous_to (Peer       *from,
                   const char *address,
                   GBytes     *data,
                   guint       reply_surbs)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (nym_client_send_anonymous (from->client, address, data, reply_surbs, &error));
  g_assert_no_error (error);
}

static void
reply_to (Peer       *from,
          const char *tag,
          GBytes     *data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (nym_client_reply (from->client, tag, data, &error));
  g_assert_no_error (error);
}

static void
assert_bytes_equal (GBytes *got,
                    GBytes *expected)
{
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

/*
 * From "from" to "to": anonymous messages of 1 B, 2 KB and 100 KB arrive with one sender tag
 * (the same for every message to that recipient) and are answered through their SURBs with
 * replies of the same sizes, which arrive as messages without a tag. The 1-byte message
 * carries the default 10 SURBs, all of which the replier keeps back for requests (§4.1), so
 * even its reply needs a SurbRequest first; the others carry enough for their replies.
 */
static void
exchange_anonymously (Peer *from,
                      Peer *to)
{
  const size_t sizes[] = { 1, 2048, 100 * 1024 };
  const guint surbs[] = { NYM_DEFAULT_REPLY_SURBS, 20, 100 };
  g_autofree char *tag = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) data = random_bytes (sizes[i]);
      g_autoptr(GBytes) answer = random_bytes (sizes[i]);

      send_anonymous_to (from, nym_client_get_address (to->client), data, surbs[i]);
      WAIT_UNTIL (to->anonymous->len == i + 1);
      assert_bytes_equal (g_ptr_array_index (to->anonymous, i), data);
      if (tag == NULL)
        tag = g_strdup (g_ptr_array_index (to->tags, i));
      g_assert_cmpstr (g_ptr_array_index (to->tags, i), ==, tag);

      reply_to (to, tag, answer);
      WAIT_UNTIL (from->messages->len == i + 1);
      assert_bytes_equal (g_ptr_array_index (from->messages, i), answer);
    }
  WAIT_UNTIL (nym_client_runtime_is_idle (nym_client_get_runtime (from->client))
              && nym_client_runtime_is_idle (nym_client_get_runtime (to->client)));
  g_assert_cmpuint (nym_client_runtime_get_queued (nym_client_get_runtime (to->client)), ==, 0);
  test_wait_spin (200);
  g_assert_cmpuint (from->messages->len, ==, G_N_ELEMENTS (sizes));
  g_assert_cmpuint (to->anonymous->len, ==, G_N_ELEMENTS (sizes));
  g_assert_cmpstr (nym_client_get_error_message (from->client), ==, NULL);
  g_assert_cmpstr (nym_client_get_error_message (to->client), ==, NULL);
}

static void
test_anonymous_to_self (Fixture       *fixture,
                        gconstpointer  user_data)
{
  Peer peer = { 0 };

  peer_init (&peer, fixture, "client");
  peer_start (&peer, fixture, true);
  peer_wait_ready (&peer);
  exchange_anonymously (&peer, &peer);
  /* Only replies came as untagged messages. */
  g_assert_cmpuint (peer.messages->len, ==, 3);
  peer_clear (&peer);
}

static void
test_anonymous_two_clients (Fixture       *fixture,
                            gconstpointer  user_data)
{
  Peer alice = { 0 }, bob = { 0 };

  peer_init (&alice, fixture, "alice");
  peer_init (&bob, fixture, "bob");
  peer_start (&alice, fixture, true);
  peer_start (&bob, fixture, true);
  peer_wait_ready (&alice);
  peer_wait_ready (&bob);
  exchange_anonymously (&alice, &bob);
  g_assert_cmpuint (bob.messages->len, ==, 0);
  g_assert_cmpuint (alice.anonymous->len, ==, 0);
  peer_clear (&alice);
  peer_clear (&bob);
}

/* §20: a reply far larger than the SURBs held (12, of which 2 are usable) goes out in parts:
 * the replier asks for more SURBs with one of those kept back, the sender answers with
 * AdditionalSurbs messages, and the whole reply arrives. Stale waiting is not involved:
 * everything happens well within the 10 s re-request period. */
static void
test_reply_needs_more_surbs (Fixture       *fixture,
                             gconstpointer  user_data)
{
  Peer alice = { 0 }, bob = { 0 };
  g_autoptr(GBytes) data = random_bytes (10);
  g_autoptr(GBytes) answer = random_bytes (100 * 1024);
  guint64 alice_sent;

  peer_init (&alice, fixture, "alice");
  peer_init (&bob, fixture, "bob");
  peer_start (&alice, fixture, true);
  peer_start (&bob, fixture, true);
  peer_wait_ready (&alice);
  peer_wait_ready (&bob);
  send_anonymous_to (&alice, nym_client_get_address (bob.client), data, 12);
  WAIT_UNTIL (bob.anonymous->len == 1);
  WAIT_UNTIL (nym_client_runtime_is_idle (nym_client_get_runtime (alice.client)));
  WAIT_UNTIL (nym_client_get_packets_sent (alice.client) >= 1);
  test_wait_spin (200);
  alice_sent = nym_client_get_packets_sent (alice.client);

  reply_to (&bob, g_ptr_array_index (bob.tags, 0), answer);
  WAIT_UNTIL (alice.messages->len == 1);
  assert_bytes_equal (g_ptr_array_index (alice.messages, 0), answer);
  /* 64 reply fragments through SURBs alice made later: she sent AdditionalSurbs messages,
   * far more packets than her first message (the counters reach this thread a moment later). */
  WAIT_UNTIL (nym_client_runtime_is_idle (nym_client_get_runtime (alice.client))
              && nym_client_runtime_is_idle (nym_client_get_runtime (bob.client)));
  WAIT_UNTIL (nym_client_get_packets_sent (alice.client) > alice_sent + 10);
  g_assert_cmpuint (alice.anonymous->len, ==, 0);
  g_assert_cmpuint (bob.messages->len, ==, 0);
  peer_clear (&alice);
  peer_clear (&bob);
}

/* §19, §20: a reply packet carries a SURB-ACK back to the replier like any other packet, so
 * a reply lost in the mixnet (the first layer is down) is sent again once its ack is late,
 * through a fresh SURB, and arrives once the layer is back. */
static void
test_reply_retransmission (Fixture       *fixture,
                           gconstpointer  user_data)
{
  Peer alice = { 0 }, bob = { 0 };
  g_autoptr(GBytes) data = random_bytes (10);
  g_autoptr(GBytes) answer = random_bytes (100);
  NymClientRuntime *runtime;

  peer_init (&alice, fixture, "alice");
  peer_init (&bob, fixture, "bob");
  peer_start (&alice, fixture, true);
  peer_start (&bob, fixture, true);
  peer_wait_ready (&alice);
  peer_wait_ready (&bob);
  runtime = nym_client_get_runtime (bob.client);
  send_anonymous_to (&alice, nym_client_get_address (bob.client), data, 20);
  WAIT_UNTIL (bob.anonymous->len == 1);
  WAIT_UNTIL (nym_client_runtime_is_idle (nym_client_get_runtime (alice.client)));

  localnet_mixnode_stop (fixture->mixnodes[0]);
  localnet_test_drain ();
  g_assert_finalize_object (g_steal_pointer (&fixture->mixnodes[0]));
  reply_to (&bob, g_ptr_array_index (bob.tags, 0), answer);
  WAIT_UNTIL (nym_client_runtime_get_retransmissions (runtime) >= 1);
  g_assert_cmpuint (alice.messages->len, ==, 0);
  g_assert_cmpuint (nym_client_runtime_get_unacked (runtime), ==, 1);

  if (restart_mixnode (fixture, 1))
    {
      WAIT_UNTIL (alice.messages->len == 1);
      assert_bytes_equal (g_ptr_array_index (alice.messages, 0), answer);
      WAIT_UNTIL (nym_client_runtime_is_idle (runtime));
      g_assert_cmpuint (nym_client_runtime_get_unacked (runtime), ==, 0);
      test_wait_spin (300);
      g_assert_cmpuint (alice.messages->len, ==, 1);
    }
  peer_clear (&alice);
  peer_clear (&bob);
}

/* §4.1 (reply_controller): when the anonymous sender has gone, the replier asks again for
 * SURBs every 5 s once none came for 10 s, at most 5 times, and then gives up what waits and
 * says so; the runtime itself stays ready. This takes about 45 s. */
static void
test_reply_sender_gone (Fixture       *fixture,
                        gconstpointer  user_data)
{
  Peer alice = { 0 }, bob = { 0 };
  g_autoptr(GBytes) data = random_bytes (10);
  g_autoptr(GBytes) answer = random_bytes (20 * 1024);
  g_autofree char *tag = NULL;
  uint8_t tag_bytes[NYM_SENDER_TAG_LEN];
  uint8_t other_tag[NYM_SENDER_TAG_LEN];
  NymClientRuntime *runtime;

  nym_sender_tag_new_random (other_tag);
  peer_init (&alice, fixture, "alice");
  peer_init (&bob, fixture, "bob");
  peer_start (&alice, fixture, true);
  peer_start (&bob, fixture, true);
  peer_wait_ready (&alice);
  peer_wait_ready (&bob);
  send_anonymous_to (&alice, nym_client_get_address (bob.client), data, 12);
  WAIT_UNTIL (bob.anonymous->len == 1);
  WAIT_UNTIL (nym_client_runtime_is_idle (nym_client_get_runtime (alice.client)));
  peer_clear (&alice);

  tag = g_strdup (g_ptr_array_index (bob.tags, 0));
  g_assert_true (nym_sender_tag_from_base58 (tag, tag_bytes, NULL));
  runtime = nym_client_get_runtime (bob.client);
  reply_to (&bob, tag, answer);
  WAIT_UNTIL (nym_client_runtime_get_reply_backlog (runtime, tag_bytes) > 0);
  /* What waits for the gone sender's SURBs is its own backlog, not the send queue that
   * every producer watches: once the SurbRequest went out the queue is empty again. */
  WAIT_UNTIL (nym_client_runtime_get_queued (runtime) == 0);
  g_assert_cmpuint (nym_client_runtime_get_reply_backlog (runtime, tag_bytes), >, 0);
  g_assert_cmpuint (nym_client_runtime_get_reply_backlog (runtime, other_tag), ==, 0);
  TEST_WAIT_WHILE (120, nym_client_get_error_message (bob.client) == NULL);
  g_assert_nonnull (nym_client_get_error_message (bob.client));
  g_assert_nonnull (strstr (nym_client_get_error_message (bob.client), "Gave up"));
  g_assert_nonnull (strstr (nym_client_get_error_message (bob.client), tag));
  g_assert_cmpint (nym_client_get_state (bob.client), ==, NYM_CLIENT_STATE_READY);
  g_assert_cmpuint (nym_client_runtime_get_reply_backlog (runtime, tag_bytes), ==, 0);
  peer_clear (&bob);
}

/* §17: an anonymous message without SURBs is still a Repliable message under the sender's
 * tag, with an empty SURB list, as the real client sends it: the receiver sees the tag (not
 * a Plain message) and answers through the SURBs the first message brought. */
static void
test_anonymous_without_surbs (Fixture       *fixture,
                              gconstpointer  user_data)
{
  Peer alice = { 0 }, bob = { 0 };
  g_autoptr(GBytes) first = random_bytes (10);
  g_autoptr(GBytes) second = random_bytes (3000);
  g_autoptr(GBytes) answer = random_bytes (500);
  NymRecipient bob_address;
  guint64 bob_sent;

  peer_init (&alice, fixture, "alice");
  peer_init (&bob, fixture, "bob");
  peer_start (&alice, fixture, true);
  peer_start (&bob, fixture, true);
  peer_wait_ready (&alice);
  peer_wait_ready (&bob);
  g_assert_true (nym_recipient_parse (nym_client_get_address (bob.client), &bob_address, NULL));

  send_anonymous_to (&alice, nym_client_get_address (bob.client), first, 15);
  WAIT_UNTIL (bob.anonymous->len == 1);
  WAIT_UNTIL (nym_client_runtime_is_idle (nym_client_get_runtime (alice.client)));
  nym_client_runtime_send_anonymous (nym_client_get_runtime (alice.client), &bob_address, second, 0);
  WAIT_UNTIL (bob.anonymous->len == 2 || bob.messages->len > 0);
  g_assert_cmpuint (bob.messages->len, ==, 0);
  assert_bytes_equal (g_ptr_array_index (bob.anonymous, 1), second);
  g_assert_cmpstr (g_ptr_array_index (bob.tags, 1), ==, g_ptr_array_index (bob.tags, 0));

  /* 15 SURBs: 10 stay back for requests, so the reply of one packet goes at once. */
  WAIT_UNTIL (nym_client_runtime_is_idle (nym_client_get_runtime (bob.client)));
  bob_sent = nym_client_get_packets_sent (bob.client);
  reply_to (&bob, g_ptr_array_index (bob.tags, 1), answer);
  WAIT_UNTIL (alice.messages->len == 1);
  assert_bytes_equal (g_ptr_array_index (alice.messages, 0), answer);
  WAIT_UNTIL (nym_client_runtime_is_idle (nym_client_get_runtime (bob.client)));
  WAIT_UNTIL (nym_client_get_packets_sent (bob.client) > bob_sent);
  g_assert_cmpstr (nym_client_get_error_message (alice.client), ==, NULL);
  g_assert_cmpstr (nym_client_get_error_message (bob.client), ==, NULL);
  peer_clear (&alice);
  peer_clear (&bob);
}

/* Bad input: a reply for a tag nobody sent us is reported as the error message and queues
 * nothing; a malformed tag and an anonymous message without SURBs are refused at once. */
static void
test_reply_unknown_tag (Fixture       *fixture,
                        gconstpointer  user_data)
{
  Peer peer = { 0 };
  g_autoptr(GBytes) data = random_bytes (100);
  g_autoptr(GError) error = NULL;
  uint8_t tag[NYM_SENDER_TAG_LEN];
  g_autofree char *text = NULL;
  NymClientRuntime *runtime;

  peer_init (&peer, fixture, "client");
  peer_start (&peer, fixture, true);
  peer_wait_ready (&peer);
  runtime = nym_client_get_runtime (peer.client);
  nym_sender_tag_new_random (tag);
  text = nym_sender_tag_to_base58 (tag);
  reply_to (&peer, text, data);
  WAIT_UNTIL (nym_client_get_error_message (peer.client) != NULL);
  g_assert_nonnull (strstr (nym_client_get_error_message (peer.client), text));
  g_assert_cmpint (nym_client_get_state (peer.client), ==, NYM_CLIENT_STATE_READY);
  WAIT_UNTIL (nym_client_runtime_is_idle (runtime));
  g_assert_cmpuint (nym_client_runtime_get_queued (runtime), ==, 0);
  g_assert_cmpuint (nym_client_runtime_get_unacked (runtime), ==, 0);
  test_wait_spin (200);
  g_assert_cmpuint (nym_client_get_packets_sent (peer.client), ==, 0);

  g_assert_false (nym_client_reply (peer.client, "0OIl", data, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (nym_client_send_anonymous (peer.client, nym_client_get_address (peer.client), data, 0, &error));
  g_assert_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (nym_client_send_anonymous (peer.client, "not-an-address", data, 5, &error));
  g_assert_nonnull (error);
  test_wait_spin (200);
  g_assert_cmpuint (nym_client_get_packets_sent (peer.client), ==, 0);
  g_assert_cmpuint (peer.messages->len, ==, 0);
  g_assert_cmpuint (peer.anonymous->len, ==, 0);
  peer_clear (&peer);
}

/* Hooks (nym-client-runtime-private.h), driven on the runtime thread. */
typedef struct
{
  NymClientRuntime *runtime;
  NymRecipient      self_address;
  gint              seen;        /* messages the hook saw */
  gint              consumed;    /* of those, consumed */
  gint              anonymous;   /* of those, with a sender tag */
  gint              drained;
  gint              ready;       /* READY states the hook saw */
  guint             peak;        /* the queue length right after queueing */
  gint              done;
  GBytes           *big;
} HookTest;

static bool
hook_message (const uint8_t *sender_tag,
              GBytes        *data,
              gpointer       user_data)
{
  HookTest *test = user_data;
  bool consume = g_bytes_get_size (data) >= 5 && memcmp (g_bytes_get_data (data, NULL), "hook:", 5) == 0;

  g_assert_true (g_main_context_is_owner (nym_client_runtime_get_context (test->runtime)));
  g_atomic_int_inc (&test->seen);
  if (sender_tag != NULL)
    g_atomic_int_inc (&test->anonymous);
  if (consume)
    g_atomic_int_inc (&test->consumed);
  return consume;
}

static void
hook_state (NymClientState state,
            gpointer       user_data)
{
  HookTest *test = user_data;

  if (state == NYM_CLIENT_STATE_READY)
    g_atomic_int_inc (&test->ready);
}

static void
hook_drained (gpointer user_data)
{
  HookTest *test = user_data;

  g_assert_true (g_main_context_is_owner (nym_client_runtime_get_context (test->runtime)));
  g_atomic_int_inc (&test->drained);
}

static gboolean
install_hooks (gpointer user_data)
{
  HookTest *test = user_data;
  static const NymClientRuntimeHooks hooks = { hook_message, hook_state, hook_drained };

  nym_client_runtime_set_hooks (test->runtime, &hooks, test);
  g_atomic_int_set (&test->done, 1);
  return G_SOURCE_REMOVE;
}

/* More fragments than the high water mark, queued on the runtime thread at once. */
static gboolean
queue_big (gpointer user_data)
{
  HookTest *test = user_data;
  g_autoptr(GBytes) anonymous = g_bytes_new_static ("hook:anonymous", 14);

  nym_client_runtime_queue_message (test->runtime, &test->self_address, test->big, 0);
  test->peak = nym_client_runtime_get_queued (test->runtime);
  nym_client_runtime_queue_message (test->runtime, &test->self_address, anonymous, 3);
  g_atomic_int_set (&test->done, 2);
  return G_SOURCE_REMOVE;
}

static void
run_on_runtime (NymClientRuntime *runtime,
                GSourceFunc       func,
                HookTest         *test)
{
  GSource *source = g_idle_source_new ();

  /* Ahead of everything else ready on that thread, so that it runs before the next step. */
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, func, test, NULL);
  g_source_attach (source, nym_client_runtime_get_context (runtime));
  g_source_unref (source);
}

static void
test_hooks (Fixture       *fixture,
            gconstpointer  user_data)
{
  Peer peer = { 0 };
  HookTest test = { 0 };
  g_autoptr(GBytes) plain = g_bytes_new_static ("plain", 5);
  g_autoptr(GBytes) hooked = g_bytes_new_static ("hook:1", 6);
  g_autoptr(GError) error = NULL;

  peer_init (&peer, fixture, "client");
  peer_start (&peer, fixture, true);
  test.runtime = nym_client_get_runtime (peer.client);
  /* Installed before the runtime is ready: the hook sees every state change after that. */
  run_on_runtime (test.runtime, install_hooks, &test);
  peer_wait_ready (&peer);
  /* The hook runs right after the event is posted, so it may come a moment later. */
  WAIT_UNTIL (g_atomic_int_get (&test.done) == 1 && g_atomic_int_get (&test.ready) == 1);

  send_to (&peer, nym_client_get_address (peer.client), hooked);
  send_to (&peer, nym_client_get_address (peer.client), plain);
  WAIT_UNTIL (peer.messages->len == 1 && g_atomic_int_get (&test.seen) == 2);
  assert_received (&peer, 0, plain);
  g_assert_cmpint (g_atomic_int_get (&test.consumed), ==, 1);

  /* 500 KB is more than 256 fragments: the queue rises above the high water mark and the
   * drained hook fires once as it falls to the low one. */
  g_assert_true (nym_recipient_parse (nym_client_get_address (peer.client), &test.self_address, &error));
  test.big = random_bytes (500 * 1024);
  run_on_runtime (test.runtime, queue_big, &test);
  WAIT_UNTIL (g_atomic_int_get (&test.done) == 2);
  g_assert_cmpuint (test.peak, >, NYM_CLIENT_RUNTIME_HIGH_WATER);
  WAIT_UNTIL (g_atomic_int_get (&test.seen) == 4);
  WAIT_UNTIL (nym_client_runtime_is_idle (test.runtime));
  g_assert_cmpint (g_atomic_int_get (&test.drained), ==, 1);
  g_assert_cmpuint (nym_client_runtime_get_queued (test.runtime), ==, 0);
  /* The big message reached the caller; the anonymous hooked one did not. */
  g_assert_cmpint (g_atomic_int_get (&test.anonymous), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&test.consumed), ==, 2);
  WAIT_UNTIL (peer.messages->len == 2);
  assert_received (&peer, 1, test.big);
  test_wait_spin (200);
  g_assert_cmpuint (peer.anonymous->len, ==, 0);
  g_assert_cmpuint (peer.messages->len, ==, 2);
  peer_clear (&peer);
  g_bytes_unref (test.big);
}

/* §21, nym-gateway.md §4.1: the loop cover stream sends on its own while the main stream is
 * idle (its mean gap here is an hour), and stops when cover is switched off. */
static void
test_loop_cover_stream (Fixture       *fixture,
                        gconstpointer  user_data)
{
  Peer peer = { 0 };
  NymClientRuntimeConfig config;
  NymClientRuntime *runtime;
  guint64 loop;

  peer_init (&peer, fixture, "client");
  nym_client_runtime_config_init (&config);
  config.message_sending_average_delay_ns = 3600 * G_GUINT64_CONSTANT (1000000000);
  config.loop_cover_average_delay_ns = 20 * G_GUINT64_CONSTANT (1000000);
  config.average_packet_delay_ns = 0;
  config.average_ack_delay_ns = 0;
  peer_start_with (&peer, fixture, &config);
  peer_wait_ready (&peer);
  runtime = nym_client_get_runtime (peer.client);
  WAIT_UNTIL (nym_client_runtime_get_loop_cover_packets (runtime) >= 20);
  /* The main stream sent its first tick at most; everything else was the loop stream, and
   * the cover came back to us without a message. */
  WAIT_UNTIL (nym_client_get_packets_sent (peer.client) >= 20);
  g_assert_cmpuint (nym_client_get_packets_sent (peer.client), <=, nym_client_runtime_get_loop_cover_packets (runtime) + 1);
  WAIT_UNTIL (nym_client_get_packets_received (peer.client) >= 10);
  g_assert_cmpuint (peer.messages->len, ==, 0);

  nym_client_set_cover_traffic (peer.client, false);
  test_wait_spin (300);
  loop = nym_client_runtime_get_loop_cover_packets (runtime);
  test_wait_spin (1000);
  g_assert_cmpuint (nym_client_runtime_get_loop_cover_packets (runtime), ==, loop);

  /* On again, it resumes. */
  nym_client_set_cover_traffic (peer.client, true);
  WAIT_UNTIL (nym_client_runtime_get_loop_cover_packets (runtime) >= loop + 5);
  peer_clear (&peer);
}

/* A nym-api that cannot be reached ends in "error" with a message, and stop still works. */
static void
test_topology_unreachable (Fixture       *fixture,
                           gconstpointer  user_data)
{
  Peer peer = { 0 };
  NymClientRuntimeConfig config;
  const char *urls[] = { "http://127.0.0.1:1/", NULL };
  g_autoptr(GError) error = NULL;

  peer_init (&peer, fixture, "client");
  nym_client_runtime_config_init (&config);
  config.data_dir = peer.data_dir;
  config.nym_api_urls = (char **) urls;
  g_assert_true (nym_client_start (peer.client, &config, &error));
  g_assert_false (nym_client_start (peer.client, &config, &error));
  g_assert_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_RUNNING);
  WAIT_UNTIL (nym_client_get_state (peer.client) == NYM_CLIENT_STATE_ERROR);
  g_assert_nonnull (nym_client_get_error_message (peer.client));
  peer_clear (&peer);
}

/* Bad input to the GObject: sending while stopped or to a malformed address. */
static void
test_bad_input (void)
{
  g_autoptr(NymClient) client = nym_client_new ();
  g_autoptr(GBytes) data = g_bytes_new_static ("x", 1);
  g_autoptr(GError) error = NULL;
  NymClientRuntimeConfig config;

  g_assert_false (nym_client_send_message (client, "a.b@c", data, &error));
  g_assert_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_NOT_RUNNING);
  g_clear_error (&error);
  g_assert_false (nym_client_send_anonymous (client, "a.b@c", data, 3, &error));
  g_assert_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_NOT_RUNNING);
  g_clear_error (&error);
  g_assert_false (nym_client_reply (client, "11111111111111111", data, &error));
  g_assert_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_NOT_RUNNING);
  g_clear_error (&error);
  nym_client_runtime_config_init (&config);
  g_assert_false (nym_client_start (client, &config, &error));
  g_assert_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_CONFIG);
  g_assert_cmpint (nym_client_get_state (client), ==, NYM_CLIENT_STATE_OFF);
  nym_client_stop (client);
  g_assert_finalize_object (g_steal_pointer (&client));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add_func ("/client-runtime/bad-input", test_bad_input);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/client-runtime/start-ready", test_start_ready);
  ADD ("/client-runtime/send-to-self", test_send_to_self);
  ADD ("/client-runtime/two-clients", test_two_clients);
  ADD ("/client-runtime/retransmission", test_retransmission);
  ADD ("/client-runtime/reconnect", test_reconnect);
  ADD ("/client-runtime/cover-traffic", test_cover_traffic);
  ADD ("/client-runtime/topology-unreachable", test_topology_unreachable);
  ADD ("/client-runtime/anonymous-to-self", test_anonymous_to_self);
  ADD ("/client-runtime/anonymous-two-clients", test_anonymous_two_clients);
  ADD ("/client-runtime/reply-needs-more-surbs", test_reply_needs_more_surbs);
  ADD ("/client-runtime/reply-retransmission", test_reply_retransmission);
  ADD ("/client-runtime/reply-sender-gone", test_reply_sender_gone);
  ADD ("/client-runtime/anonymous-without-surbs", test_anonymous_without_surbs);
  ADD ("/client-runtime/reply-unknown-tag", test_reply_unknown_tag);
  ADD ("/client-runtime/hooks", test_hooks);
  ADD ("/client-runtime/loop-cover-stream", test_loop_cover_stream);
#undef ADD
  return g_test_run ();
}
