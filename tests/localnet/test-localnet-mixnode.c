/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of LocalnetMixnode: three in-process mix nodes carry a real sphinx packet to a test listener. */
#include <string.h>
#include <sodium.h>

#include "crypto/nym-keys.h"
#include "localnet-keys.h"
#include "localnet-test-sink.h"
#include "localnet-test-util.h"
#include "mixnode/localnet-mixnode.h"
#include "packet/nym-node-address.h"
#include "packet/nym-node-frame.h"
#include "packet/nym-packet-size.h"
#include "sphinx/nym-sphinx-packet.h"

/* --- fixture ----------------------------------------------------------------------- */

/* Test variants: forward at once, and unwrap on the loop instead of the worker pool. */
#define FLAG_ZERO_DELAY 1
#define FLAG_INLINE     2

typedef struct
{
  char            *dir;
  LocalnetMixnode *mix[3];
  Sink             sink;
  GSocketClient   *client;
} Fixture;

static LocalnetMixnode *
start_mixnode (Fixture *fixture,
               guint    layer,
               guint16  port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("mix-%u-1", layer);
  g_autofree char *node_dir = g_build_filename (fixture->dir, name, NULL);
  LocalnetMixnode *mixnode = localnet_mixnode_new (name, node_dir, layer);

  g_assert_true (localnet_mixnode_start (mixnode, port, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (localnet_mixnode_get_port (mixnode), >, 0);
  return mixnode;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  gboolean zero_delay = (GPOINTER_TO_INT (user_data) & FLAG_ZERO_DELAY) != 0;
  gboolean inline_unwrap = (GPOINTER_TO_INT (user_data) & FLAG_INLINE) != 0;

  fixture->dir = localnet_test_mkdtemp ();
  for (guint i = 0; i < 3; i++)
    {
      fixture->mix[i] = start_mixnode (fixture, i + 1, 0);
      localnet_mixnode_set_zero_delay (fixture->mix[i], zero_delay);
      g_object_set (fixture->mix[i], "threaded-unwrap", !inline_unwrap, NULL);
    }
  sink_start (&fixture->sink);
  fixture->client = g_socket_client_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *summary = localnet_mixnode_dup_summary (fixture->mix[i]);
      g_test_message ("%s", summary);
      localnet_mixnode_stop (fixture->mix[i]);
    }
  localnet_test_drain ();
  for (guint i = 0; i < 3; i++)
    g_assert_finalize_object (fixture->mix[i]);
  sink_stop (&fixture->sink);
  localnet_test_drain ();
  g_clear_object (&fixture->client);
  localnet_test_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static void
node_address (guint16  port,
              uint8_t  out[static NYM_SPHINX_NODE_ADDRESS_LENGTH])
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  NymNodeAddress address;

  nym_node_address_init_ipv4 (&address, loopback, port);
  nym_node_address_encode_padded (&address, out, NYM_SPHINX_NODE_ADDRESS_LENGTH);
}

/* A regular-size packet on the route of the given mix nodes and then the sink. */
static GBytes *
build_packet (Fixture             *fixture,
              LocalnetMixnode    **mixes,
              guint                n_mixes,
              const char          *message,
              guint64              delay_ns,
              NymSphinxDestination *destination)
{
  g_autoptr(GError) error = NULL;
  NymSphinxNode route[4];
  uint64_t delays[4];
  uint8_t secret[32];
  size_t payload = nym_packet_size_payload (NYM_PACKET_SIZE_REGULAR);
  uint8_t *packet = g_malloc (NYM_SPHINX_HEADER_SIZE + payload);

  g_assert_cmpuint (n_mixes, <=, 3);
  for (guint i = 0; i < n_mixes; i++)
    {
      g_autoptr(LocalnetNodeInfo) info = localnet_mixnode_dup_info (mixes[i]);
      node_address (info->mix_port, route[i].address);
      memcpy (route[i].pub, info->sphinx_key, 32);
      delays[i] = delay_ns;
    }
  node_address (fixture->sink.port, route[n_mixes].address);
  memcpy (route[n_mixes].pub, fixture->sink.pub, 32);
  delays[n_mixes] = 0;
  randombytes_buf (destination->address, sizeof destination->address);
  memset (destination->identifier, 0, sizeof destination->identifier);
  randombytes_buf (secret, sizeof secret);

  g_assert_true (nym_sphinx_packet_create (NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS, route, n_mixes + 1,
                                           destination, delays, secret,
                                           (const uint8_t *) message, strlen (message),
                                           payload, packet, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (NYM_SPHINX_HEADER_SIZE + payload, ==, nym_packet_size_total (NYM_PACKET_SIZE_REGULAR));
  return g_bytes_new_take (packet, NYM_SPHINX_HEADER_SIZE + payload);
}

static GBytes *
frame_packet (GBytes         *packet,
              uint8_t         version,
              NymKeyRotation  rotation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  NymNodeFrameHeader header = {
    .version = version,
    .size = NYM_PACKET_SIZE_REGULAR,
    .type = NYM_PACKET_TYPE_MIX,
    .rotation = version >= 8 ? rotation : NYM_KEY_ROTATION_UNKNOWN,
  };
  gsize len;
  const uint8_t *data = g_bytes_get_data (packet, &len);

  g_assert_true (nym_node_frame_encode (&header, data, len, frame, &error));
  g_assert_no_error (error);
  return g_byte_array_free_to_bytes (g_steal_pointer (&frame));
}

static GSocketConnection *
connect_to (Fixture         *fixture,
            LocalnetMixnode *mixnode)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", localnet_mixnode_get_port (mixnode));
  GSocketConnection *connection = g_socket_client_connect_to_host (fixture->client, host, 0, NULL, &error);

  g_assert_no_error (error);
  return connection;
}

static void
send_bytes (GSocketConnection *connection,
            GBytes            *bytes)
{
  g_autoptr(GError) error = NULL;
  gsize len, written = 0;
  const void *data = g_bytes_get_data (bytes, &len);

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), data, len,
                             &written, NULL, &error);
  g_assert_no_error (error);
}

static void
wait_for_frames (Fixture *fixture,
                 guint    n)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (60, localnet_test_timeout_cb, &timed_out);

  while (fixture->sink.frames->len < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_cmpuint (fixture->sink.frames->len, >=, n);
}

/* The sink is the final hop: its unwrap must give back exactly the message. */
static void
assert_delivered (Fixture                    *fixture,
                  guint                       index,
                  const char                 *message,
                  const NymSphinxDestination *destination)
{
  g_autoptr(GError) error = NULL;
  Frame *frame = g_ptr_array_index (fixture->sink.frames, index);
  gsize len;
  const uint8_t *packet = g_bytes_get_data (frame->packet, &len);
  g_autofree uint8_t *out = g_malloc (len);
  NymSphinxUnwrapped result;

  /* Mix nodes always send the current frame version. */
  g_assert_cmpuint (frame->header.version, ==, NYM_NODE_FRAME_VERSION_CURRENT);
  g_assert_cmpint (frame->header.size, ==, NYM_PACKET_SIZE_REGULAR);
  g_assert_cmpint (frame->header.type, ==, NYM_PACKET_TYPE_MIX);
  g_assert_true (nym_sphinx_packet_unwrap (fixture->sink.secret, packet, len, out, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FINAL);
  g_assert_cmpmem (result.destination, 32, destination->address, 32);
  g_assert_cmpmem (result.message, result.message_len, message, strlen (message));
}

/* --- tests --------------------------------------------------------------------------- */

static void
test_mixnode_route (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const char *message = "hello from nymph through three mix nodes";
  NymSphinxDestination destination;
  /* 20 ms per hop exercises the delay queue (ignored with zero-delay). */
  g_autoptr(GBytes) packet = build_packet (fixture, fixture->mix, 3, message, 20 * 1000 * 1000, &destination);
  g_autoptr(GBytes) frame = frame_packet (packet, 8, NYM_KEY_ROTATION_ODD);
  g_autoptr(GSocketConnection) connection = connect_to (fixture, fixture->mix[0]);

  send_bytes (connection, frame);
  wait_for_frames (fixture, 1);
  assert_delivered (fixture, 0, message, &destination);

  /* Byte for byte what three unwraps with the nodes' own stored keys give. */
  {
    gsize len = g_bytes_get_size (packet);
    g_autofree uint8_t *expected = g_memdup2 (g_bytes_get_data (packet, NULL), len);
    g_autofree uint8_t *next = g_malloc (len);

    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *name = g_strdup_printf ("mix-%u-1", i + 1);
        g_autofree char *node_dir = g_build_filename (fixture->dir, name, NULL);
        g_autoptr(LocalnetKeys) keys = localnet_keys_load_or_create (node_dir, &error);
        NymSphinxUnwrapped result;

        g_assert_no_error (error);
        g_assert_true (nym_sphinx_packet_unwrap (keys->sphinx_secret, expected, len, next, &result, &error));
        g_assert_no_error (error);
        g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FORWARD);
        memcpy (expected, next, len);
      }
    g_assert_cmpmem (g_bytes_get_data (((Frame *) g_ptr_array_index (fixture->sink.frames, 0))->packet, NULL),
                     g_bytes_get_size (((Frame *) g_ptr_array_index (fixture->sink.frames, 0))->packet),
                     expected, len);
  }
  /* The rotation byte travels with the packet. */
  g_assert_cmpint (((Frame *) g_ptr_array_index (fixture->sink.frames, 0))->header.rotation, ==, NYM_KEY_ROTATION_ODD);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[i], "received"), ==, 1);
      g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[i], "forwarded"), ==, 1);
      g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[i], "dropped-replay"), ==, 0);
    }
  g_assert_cmpuint (fixture->sink.connections, ==, 1);
}

/* Packets leave in the order of their deadlines, not of their arrival. */
static void
test_mixnode_delay_order (Fixture       *fixture,
                          gconstpointer  user_data)
{
  NymSphinxDestination slow_destination, fast_destination;
  g_autoptr(GBytes) slow = build_packet (fixture, fixture->mix, 1, "slow", 600 * 1000 * 1000, &slow_destination);
  g_autoptr(GBytes) fast = build_packet (fixture, fixture->mix, 1, "fast", 50 * 1000 * 1000, &fast_destination);
  g_autoptr(GBytes) slow_frame = frame_packet (slow, 8, NYM_KEY_ROTATION_ODD);
  g_autoptr(GBytes) fast_frame = frame_packet (fast, 8, NYM_KEY_ROTATION_ODD);
  g_autoptr(GSocketConnection) connection = connect_to (fixture, fixture->mix[0]);

  send_bytes (connection, slow_frame);
  localnet_test_wait_property (fixture->mix[0], "received", 1);
  send_bytes (connection, fast_frame);
  wait_for_frames (fixture, 2);
  assert_delivered (fixture, 0, "fast", &fast_destination);
  assert_delivered (fixture, 1, "slow", &slow_destination);
}

/* A delay beyond 10 s is cut to 10 s (the packet would otherwise never arrive here). */
static void
test_mixnode_delay_cap (Fixture       *fixture,
                        gconstpointer  user_data)
{
  NymSphinxDestination destination;
  g_autoptr(GBytes) packet = build_packet (fixture, fixture->mix, 1, "an hour late", G_GUINT64_CONSTANT (3600000000000),
                                           &destination);
  g_autoptr(GBytes) frame = frame_packet (packet, 8, NYM_KEY_ROTATION_ODD);
  g_autoptr(GSocketConnection) connection = connect_to (fixture, fixture->mix[0]);
  guint delayed = 0;

  send_bytes (connection, frame);
  localnet_test_wait_property (fixture->mix[0], "received", 1);
  while (delayed == 0 && localnet_test_get_u64 (fixture->mix[0], "dropped-unwrap") == 0)
    {
      g_main_context_iteration (NULL, TRUE);
      g_object_get (fixture->mix[0], "delayed", &delayed, NULL);
    }
  g_assert_cmpuint (delayed, ==, 1);
  g_assert_cmpuint (fixture->sink.frames->len, ==, 0);
  wait_for_frames (fixture, 1);
  assert_delivered (fixture, 0, "an hour late", &destination);
  g_object_get (fixture->mix[0], "delayed", &delayed, NULL);
  g_assert_cmpuint (delayed, ==, 0);
}

static void
test_mixnode_many (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const guint n = 50;
  g_autoptr(GSocketConnection) first = connect_to (fixture, fixture->mix[0]);
  g_autoptr(GSocketConnection) second = connect_to (fixture, fixture->mix[0]);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Many packets in flight at once, from two sources, in version 7 and 8 frames; the
   * last hop reuses one connection to the sink for all of them. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message = g_strdup_printf ("packet %u", i);
      NymSphinxDestination destination;
      g_autoptr(GBytes) packet = build_packet (fixture, fixture->mix, 3, message, 5 * 1000 * 1000, &destination);
      g_autoptr(GBytes) frame = frame_packet (packet, i % 2 ? 7 : 8, NYM_KEY_ROTATION_ODD);

      send_bytes (i % 2 ? first : second, frame);
      g_hash_table_add (expected, g_steal_pointer (&message));
    }
  wait_for_frames (fixture, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      Frame *frame = g_ptr_array_index (fixture->sink.frames, i);
      gsize len;
      const uint8_t *packet = g_bytes_get_data (frame->packet, &len);
      g_autofree uint8_t *out = g_malloc (len);
      g_autofree char *message = NULL;
      NymSphinxUnwrapped result;

      g_assert_true (nym_sphinx_packet_unwrap (fixture->sink.secret, packet, len, out, &result, &error));
      message = g_strndup ((const char *) result.message, result.message_len);
      g_assert_true (g_hash_table_remove (expected, message));
    }
  g_assert_cmpuint (g_hash_table_size (expected), ==, 0);
  g_assert_cmpuint (fixture->sink.connections, ==, 1);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[2], "forwarded"), ==, n);
}

static void
test_mixnode_replay (Fixture       *fixture,
                     gconstpointer  user_data)
{
  NymSphinxDestination destination;
  g_autoptr(GBytes) packet = build_packet (fixture, fixture->mix, 3, "once only", 0, &destination);
  g_autoptr(GBytes) frame = frame_packet (packet, 8, NYM_KEY_ROTATION_ODD);
  g_autoptr(GBytes) frame_v7 = frame_packet (packet, 7, NYM_KEY_ROTATION_UNKNOWN);
  g_autoptr(GSocketConnection) connection = connect_to (fixture, fixture->mix[0]);
  g_autoptr(GSocketConnection) other = connect_to (fixture, fixture->mix[0]);

  send_bytes (connection, frame);
  send_bytes (connection, frame);
  /* The same packet on another connection, and without a rotation byte (which means the
   * current rotation, odd) is the same replay. */
  send_bytes (other, frame_v7);
  localnet_test_wait_property (fixture->mix[0], "dropped-replay", 2);
  wait_for_frames (fixture, 1);
  localnet_test_wait_property (fixture->mix[2], "forwarded", 1);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[0], "received"), ==, 3);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[0], "forwarded"), ==, 1);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[1], "received"), ==, 1);
  assert_delivered (fixture, 0, "once only", &destination);
  localnet_test_drain ();
  g_assert_cmpuint (fixture->sink.frames->len, ==, 1);
}

static void
read_until_closed (GSocketConnection *connection)
{
  g_autoptr(GError) error = NULL;
  uint8_t byte;
  gssize n;

  /* The node closes a connection that sent garbage; the read sees the end. A blocking
   * read is fine here because the node runs on this thread's loop only when iterated,
   * so the read is done in a thread-free way: poll the loop until EOF arrives. */
  g_socket_set_blocking (g_socket_connection_get_socket (connection), FALSE);
  for (guint i = 0; i < 100000; i++)
    {
      n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), &byte, 1, NULL, &error);
      if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
        return;
      g_clear_error (&error);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_not_reached ();
}

static void
test_mixnode_garbage (Fixture       *fixture,
                      gconstpointer  user_data)
{
  NymSphinxDestination destination;
  GBytes *good = build_packet (fixture, fixture->mix, 3, "still working", 0, &destination);
  GBytes *good_frame = frame_packet (good, 8, NYM_KEY_ROTATION_EVEN);
  uint8_t random_packet[2413];
  struct { const char *what; uint8_t head[4]; gboolean closes; const char *counter; } cases[] = {
    { "unknown version", { 0x05, 0x01, 0x00, 0x00 }, TRUE, "dropped-malformed" },
    { "unknown size tag", { 0x08, 0x09, 0x00, 0x01 }, TRUE, "dropped-malformed" },
    { "unknown packet type", { 0x08, 0x01, 0x07, 0x01 }, TRUE, "dropped-malformed" },
    { "unknown rotation byte", { 0x08, 0x01, 0x00, 0x05 }, TRUE, "dropped-malformed" },
    { "outfox packet", { 0x08, 0x01, 0x02, 0x01 }, FALSE, "dropped-unsupported" },
    { "random sphinx bytes", { 0x08, 0x01, 0x00, 0x01 }, FALSE, "dropped-unwrap" },
  };
  guint64 expected_malformed = 0;

  randombytes_buf (random_packet, sizeof random_packet);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GSocketConnection) connection = connect_to (fixture, fixture->mix[0]);
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      guint64 before = localnet_test_get_u64 (fixture->mix[0], cases[i].counter);

      g_test_message ("%s", cases[i].what);
      g_byte_array_append (bytes, cases[i].head, 4);
      g_byte_array_append (bytes, random_packet, sizeof random_packet);
      {
        g_autoptr(GBytes) chunk = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
        send_bytes (connection, chunk);
      }
      localnet_test_wait_property (fixture->mix[0], cases[i].counter, before + 1);
      if (cases[i].closes)
        {
          expected_malformed++;
          read_until_closed (connection);
        }
      else
        {
          /* A well-framed bad packet leaves the stream in step: the next frame on the
           * same connection still gets through. */
          guint have = fixture->sink.frames->len;

          send_bytes (connection, good_frame);
          wait_for_frames (fixture, have + 1);
          assert_delivered (fixture, have, "still working", &destination);
          /* The replay filter would drop the same packet twice, so make a new one. */
          g_bytes_unref (good_frame);
          g_bytes_unref (good);
          good = build_packet (fixture, fixture->mix, 3, "still working", 0, &destination);
          good_frame = frame_packet (good, 8, NYM_KEY_ROTATION_EVEN);
        }
    }
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[0], "dropped-malformed"), ==, expected_malformed);

  /* Half a frame and then a closed connection is not an error at all. */
  {
    g_autoptr(GSocketConnection) connection = connect_to (fixture, fixture->mix[0]);
    g_autoptr(GBytes) half = g_bytes_new_from_bytes (good_frame, 0, 1000);

    send_bytes (connection, half);
    g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    localnet_test_drain ();
  }

  /* After all of it the node still works. */
  {
    g_autoptr(GSocketConnection) connection = connect_to (fixture, fixture->mix[0]);
    guint have = fixture->sink.frames->len;

    send_bytes (connection, good_frame);
    wait_for_frames (fixture, have + 1);
    assert_delivered (fixture, have, "still working", &destination);
  }
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[0], "dropped-malformed"), ==, expected_malformed);
  g_bytes_unref (good_frame);
  g_bytes_unref (good);
}

static void
test_mixnode_final_hop (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetNodeInfo) info = localnet_mixnode_dup_info (fixture->mix[0]);
  g_autoptr(GSocketConnection) connection = connect_to (fixture, fixture->mix[0]);
  NymSphinxNode route[1];
  NymSphinxDestination destination = { { 0 } };
  uint64_t delay = 0;
  uint8_t secret[32] = { 7 };
  size_t payload = nym_packet_size_payload (NYM_PACKET_SIZE_REGULAR);
  g_autofree uint8_t *packet = g_malloc (NYM_SPHINX_HEADER_SIZE + payload);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) frame = NULL;

  /* A packet whose last hop is a mix node has nowhere to go. */
  node_address (info->mix_port, route[0].address);
  memcpy (route[0].pub, info->sphinx_key, 32);
  g_assert_true (nym_sphinx_packet_create (NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS, route, 1, &destination,
                                           &delay, secret, (const uint8_t *) "x", 1, payload, packet, &error));
  bytes = g_bytes_new (packet, NYM_SPHINX_HEADER_SIZE + payload);
  frame = frame_packet (bytes, 8, NYM_KEY_ROTATION_ODD);
  send_bytes (connection, frame);
  localnet_test_wait_property (fixture->mix[0], "dropped-final-hop", 1);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[0], "forwarded"), ==, 0);
}

static void
test_mixnode_restart (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(LocalnetNodeInfo) before = localnet_mixnode_dup_info (fixture->mix[1]);
  g_autoptr(LocalnetNodeInfo) after = NULL;
  NymSphinxDestination destination;
  g_autoptr(GBytes) packet = NULL;
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GSocketConnection) connection = connect_to (fixture, fixture->mix[0]);

  /* Warm up the link from layer 1 to layer 2 so the restart breaks a live connection. */
  packet = build_packet (fixture, fixture->mix, 3, "before the restart", 0, &destination);
  frame = frame_packet (packet, 8, NYM_KEY_ROTATION_ODD);
  send_bytes (connection, frame);
  wait_for_frames (fixture, 1);

  localnet_mixnode_stop (fixture->mix[1]);
  localnet_test_drain ();
  g_assert_finalize_object (fixture->mix[1]);
  fixture->mix[1] = start_mixnode (fixture, 2, before->mix_port);
  localnet_mixnode_set_zero_delay (fixture->mix[1], (GPOINTER_TO_INT (user_data) & FLAG_ZERO_DELAY) != 0);
  after = localnet_mixnode_dup_info (fixture->mix[1]);
  g_assert_cmpmem (after->identity, 32, before->identity, 32);
  g_assert_cmpmem (after->sphinx_key, 32, before->sphinx_key, 32);
  g_assert_cmpuint (after->mix_port, ==, before->mix_port);
  localnet_test_drain ();

  /* A route made with the published keys still works, over a new connection. */
  g_clear_pointer (&packet, g_bytes_unref);
  g_clear_pointer (&frame, g_bytes_unref);
  packet = build_packet (fixture, fixture->mix, 3, "after the restart", 0, &destination);
  frame = frame_packet (packet, 8, NYM_KEY_ROTATION_ODD);
  send_bytes (connection, frame);
  wait_for_frames (fixture, 2);
  assert_delivered (fixture, 1, "after the restart", &destination);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[1], "received"), ==, 1);
}

typedef struct
{
  GBytes  *bytes;
  gboolean done;
} Write;

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Write *write = user_data;
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  g_assert_no_error (error);
  write->done = TRUE;
}

/* A next hop that does not read makes its queue fill; the node then stops reading the
 * connection that feeds it instead of dropping packets, and catches up once the hop reads. */
static void
test_mixnode_back_pressure (Fixture       *fixture,
                            gconstpointer  user_data)
{
  const guint n = 3000;
  g_autoptr(GByteArray) all = g_byte_array_new ();
  g_autoptr(GSocketConnection) connection = connect_to (fixture, fixture->mix[2]);
  Write write = { 0 };
  gboolean timed_out = FALSE;
  guint id;

  fixture->sink.hold = TRUE;
  for (guint i = 0; i < n; i++)
    {
      NymSphinxDestination destination;
      g_autoptr(GBytes) packet = build_packet (fixture, &fixture->mix[2], 1, "pressure", 0, &destination);
      g_autoptr(GBytes) frame = frame_packet (packet, 8, NYM_KEY_ROTATION_ODD);

      g_byte_array_append (all, g_bytes_get_data (frame, NULL), (guint) g_bytes_get_size (frame));
    }
  write.bytes = g_byte_array_free_to_bytes (g_steal_pointer (&all));
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                   g_bytes_get_data (write.bytes, NULL), g_bytes_get_size (write.bytes),
                                   G_PRIORITY_DEFAULT, NULL, write_done, &write);

  /* The node pauses once the sink's queue is full; everything stays buffered, nothing is lost. */
  localnet_test_wait_property (fixture->mix[2], "reader-pauses", 1);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[2], "received"), <, n);
  g_assert_cmpuint (fixture->sink.frames->len, ==, 0);

  sink_release (&fixture->sink);
  wait_for_frames (fixture, n);
  id = g_timeout_add_seconds (60, localnet_test_timeout_cb, &timed_out);
  while (!write.done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_true (write.done);
  g_assert_cmpuint (fixture->sink.frames->len, ==, n);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[2], "received"), ==, n);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[2], "forwarded"), ==, n);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->mix[2], "dropped-queue-full"), ==, 0);
  g_bytes_unref (write.bytes);
}

static void
test_mixnode_properties (void)
{
  g_autofree char *dir = localnet_test_mkdtemp ();
  g_autofree char *node_dir = g_build_filename (dir, "mix-3-1", NULL);
  LocalnetMixnode *mixnode = localnet_mixnode_new ("mix-3-1", node_dir, 3);
  g_autofree char *name = NULL;
  g_autofree char *summary = NULL;
  guint layer = 0, port = 1;
  gboolean zero_delay = TRUE;

  g_object_get (mixnode, "name", &name, "layer", &layer, "port", &port, "zero-delay", &zero_delay, NULL);
  g_assert_cmpstr (name, ==, "mix-3-1");
  g_assert_cmpuint (layer, ==, 3);
  g_assert_cmpuint (port, ==, 0);
  g_assert_false (zero_delay);
  {
    gboolean threaded = FALSE;
    g_object_get (mixnode, "threaded-unwrap", &threaded, NULL);
    g_assert_true (threaded);
  }
  summary = localnet_mixnode_dup_summary (mixnode);
  g_assert_cmpstr (summary, ==, "mix-3-1 received=0 forwarded=0 dropped-malformed=0 dropped-unsupported=0 "
                                "dropped-unwrap=0 dropped-replay=0 dropped-final-hop=0 dropped-queue-full=0 "
                                "reader-pauses=0");
  g_assert_finalize_object (mixnode);
  localnet_test_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, func, zero) \
  g_test_add (path, Fixture, GINT_TO_POINTER (zero), fixture_set_up, func, fixture_tear_down)
  ADD ("/localnet/mixnode/route/delayed", test_mixnode_route, 0);
  ADD ("/localnet/mixnode/route/zero-delay", test_mixnode_route, FLAG_ZERO_DELAY);
  ADD ("/localnet/mixnode/route/inline", test_mixnode_route, FLAG_INLINE);
  ADD ("/localnet/mixnode/delay/order", test_mixnode_delay_order, 0);
  ADD ("/localnet/mixnode/delay/cap", test_mixnode_delay_cap, 0);
  ADD ("/localnet/mixnode/many", test_mixnode_many, 0);
  ADD ("/localnet/mixnode/many/inline", test_mixnode_many, FLAG_INLINE);
  ADD ("/localnet/mixnode/replay", test_mixnode_replay, FLAG_ZERO_DELAY);
  ADD ("/localnet/mixnode/replay/inline", test_mixnode_replay, FLAG_ZERO_DELAY | FLAG_INLINE);
  ADD ("/localnet/mixnode/garbage", test_mixnode_garbage, FLAG_ZERO_DELAY);
  ADD ("/localnet/mixnode/garbage/inline", test_mixnode_garbage, FLAG_ZERO_DELAY | FLAG_INLINE);
  ADD ("/localnet/mixnode/final-hop", test_mixnode_final_hop, FLAG_ZERO_DELAY);
  ADD ("/localnet/mixnode/restart", test_mixnode_restart, FLAG_ZERO_DELAY);
  ADD ("/localnet/mixnode/back-pressure", test_mixnode_back_pressure, FLAG_ZERO_DELAY);
  ADD ("/localnet/mixnode/back-pressure/inline", test_mixnode_back_pressure, FLAG_ZERO_DELAY | FLAG_INLINE);
#undef ADD
  g_test_add_func ("/localnet/mixnode/properties", test_mixnode_properties);

  return g_test_run ();
}
