/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of LocalnetForwarder: version-8 frames, one reused link per hop, bounded queues, dead hops. */
#include <string.h>
#include <sodium.h>

#include "localnet-forwarder.h"
#include "localnet-test-sink.h"
#include "localnet-test-util.h"
#include "packet/nym-node-address.h"

typedef struct
{
  Sink               sink;
  NymNodeAddress     hop;
  LocalnetForwarder *forwarder;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };

  sink_start (&fixture->sink);
  nym_node_address_init_ipv4 (&fixture->hop, loopback, fixture->sink.port);
  fixture->forwarder = localnet_forwarder_new (GPOINTER_TO_UINT (user_data));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  localnet_forwarder_close (fixture->forwarder);
  localnet_test_drain ();
  g_assert_finalize_object (fixture->forwarder);
  sink_stop (&fixture->sink);
  localnet_test_drain ();
}

static GBytes *
random_packet (NymPacketSize size)
{
  size_t len = nym_packet_size_total (size);
  uint8_t *data = g_malloc (len);

  randombytes_buf (data, len);
  return g_bytes_new_take (data, len);
}

static void
wait_frames (Fixture *fixture,
             guint    n)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (60, localnet_test_timeout_cb, &timed_out);

  while (fixture->sink.frames->len < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_cmpuint (fixture->sink.frames->len, ==, n);
}

static void
test_forwarder_frames (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const NymPacketSize sizes[] = { NYM_PACKET_SIZE_REGULAR, NYM_PACKET_SIZE_ACK, NYM_PACKET_SIZE_EXTENDED32,
                                  NYM_PACKET_SIZE_EXTENDED8, NYM_PACKET_SIZE_EXTENDED16 };
  const NymKeyRotation rotations[] = { NYM_KEY_ROTATION_ODD, NYM_KEY_ROTATION_EVEN, NYM_KEY_ROTATION_UNKNOWN };
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const guint n = 30;

  for (guint i = 0; i < n; i++)
    {
      GBytes *packet = random_packet (sizes[i % G_N_ELEMENTS (sizes)]);

      g_ptr_array_add (packets, packet);
      g_assert_true (localnet_forwarder_send (fixture->forwarder, &fixture->hop, sizes[i % G_N_ELEMENTS (sizes)],
                                              NYM_PACKET_TYPE_MIX, rotations[i % G_N_ELEMENTS (rotations)], packet));
    }
  wait_frames (fixture, n);
  localnet_test_wait_property (fixture->forwarder, "sent", n);
  /* Every packet arrives whole, in order, in a version-8 frame with its own header
   * fields, and all of them on one connection. */
  for (guint i = 0; i < n; i++)
    {
      Frame *frame = g_ptr_array_index (fixture->sink.frames, i);

      g_assert_cmpuint (frame->header.version, ==, 8);
      g_assert_cmpint (frame->header.size, ==, sizes[i % G_N_ELEMENTS (sizes)]);
      g_assert_cmpint (frame->header.type, ==, NYM_PACKET_TYPE_MIX);
      g_assert_cmpint (frame->header.rotation, ==, rotations[i % G_N_ELEMENTS (rotations)]);
      g_assert_true (g_bytes_equal (frame->packet, g_ptr_array_index (packets, i)));
    }
  g_assert_cmpuint (fixture->sink.connections, ==, 1);
  g_assert_cmpuint (localnet_forwarder_get_sent (fixture->forwarder), ==, n);
}

static void
waited (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (localnet_forwarder_wait_finish (LOCALNET_FORWARDER (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_forwarder_queue_limit (Fixture       *fixture,
                            gconstpointer  user_data)
{
  const guint limit = GPOINTER_TO_UINT (user_data);
  gboolean done = FALSE;

  g_assert_false (localnet_forwarder_is_full (fixture->forwarder, &fixture->hop));
  /* Nothing leaves before the loop runs the connect, so the queue fills: send says so
   * at the limit, accepts up to twice the limit and then drops. */
  for (guint i = 1; i <= 2 * limit + 3; i++)
    {
      g_autoptr(GBytes) packet = random_packet (NYM_PACKET_SIZE_ACK);
      bool room = localnet_forwarder_send (fixture->forwarder, &fixture->hop, NYM_PACKET_SIZE_ACK,
                                           NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_EVEN, packet);
      g_assert_cmpint (room, ==, i < limit);
    }
  g_assert_true (localnet_forwarder_is_full (fixture->forwarder, &fixture->hop));
  g_assert_cmpuint (localnet_test_get_u64 (fixture->forwarder, "dropped-queue-full"), ==, 3);

  localnet_forwarder_wait_async (fixture->forwarder, &fixture->hop, NULL, waited, &done);
  g_assert_false (done);
  localnet_test_wait_for (&done);
  wait_frames (fixture, 2 * limit);
  g_assert_false (localnet_forwarder_is_full (fixture->forwarder, &fixture->hop));

  /* With room, a wait completes at once. */
  done = FALSE;
  localnet_forwarder_wait_async (fixture->forwarder, &fixture->hop, NULL, waited, &done);
  localnet_test_wait_for (&done);
}

static void
test_forwarder_dead_hop (Fixture       *fixture,
                         gconstpointer  user_data)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) inet = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (inet, 0);
  g_autoptr(GError) error = NULL;
  NymNodeAddress dead;

  /* A port that was just free and has no listener: connecting is refused. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  nym_node_address_init_ipv4 (&dead, loopback, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) packet = random_packet (NYM_PACKET_SIZE_REGULAR);
      g_assert_true (localnet_forwarder_send (fixture->forwarder, &dead, NYM_PACKET_SIZE_REGULAR,
                                              NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_ODD, packet));
    }
  localnet_test_wait_property (fixture->forwarder, "dropped-connect-failed", 3);
  g_assert_false (localnet_forwarder_is_full (fixture->forwarder, &dead));
  g_assert_cmpuint (localnet_forwarder_get_sent (fixture->forwarder), ==, 0);

  /* Other hops are not affected. */
  {
    g_autoptr(GBytes) packet = random_packet (NYM_PACKET_SIZE_REGULAR);
    g_assert_true (localnet_forwarder_send (fixture->forwarder, &fixture->hop, NYM_PACKET_SIZE_REGULAR,
                                            NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_ODD, packet));
    wait_frames (fixture, 1);
  }
}

/* A next hop that restarts: the link notices the closed connection and the next packet
 * goes out on a new one instead of into the dead socket. */
static void
test_forwarder_reconnect (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GBytes) first = random_packet (NYM_PACKET_SIZE_REGULAR);
  g_autoptr(GBytes) second = random_packet (NYM_PACKET_SIZE_REGULAR);

  g_assert_true (localnet_forwarder_send (fixture->forwarder, &fixture->hop, NYM_PACKET_SIZE_REGULAR,
                                          NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_ODD, first));
  wait_frames (fixture, 1);
  g_assert_cmpuint (fixture->sink.connections, ==, 1);

  sink_drop_connections (&fixture->sink);
  localnet_test_drain ();

  g_assert_true (localnet_forwarder_send (fixture->forwarder, &fixture->hop, NYM_PACKET_SIZE_REGULAR,
                                          NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_ODD, second));
  wait_frames (fixture, 2);
  g_assert_cmpuint (fixture->sink.connections, ==, 2);
  g_assert_true (g_bytes_equal (((Frame *) g_ptr_array_index (fixture->sink.frames, 1))->packet, second));
}

static void
closed (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (localnet_forwarder_wait_finish (LOCALNET_FORWARDER (source), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  *done = TRUE;
}

static void
test_forwarder_close (Fixture       *fixture,
                      gconstpointer  user_data)
{
  gboolean done = FALSE;
  guint limit = 0;

  g_object_get (fixture->forwarder, "queue-limit", &limit, NULL);
  g_assert_cmpuint (limit, ==, 1);
  {
    g_autoptr(GBytes) packet = random_packet (NYM_PACKET_SIZE_ACK);
    g_assert_false (localnet_forwarder_send (fixture->forwarder, &fixture->hop, NYM_PACKET_SIZE_ACK,
                                             NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_ODD, packet));
  }
  localnet_forwarder_wait_async (fixture->forwarder, &fixture->hop, NULL, closed, &done);
  /* Closing ends every link; a reader still waiting learns why. */
  localnet_forwarder_close (fixture->forwarder);
  localnet_test_wait_for (&done);
  g_assert_false (localnet_forwarder_is_full (fixture->forwarder, &fixture->hop));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, func, limit) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (limit), fixture_set_up, func, fixture_tear_down)
  ADD ("/localnet/forwarder/frames", test_forwarder_frames, 64);
  ADD ("/localnet/forwarder/queue-limit", test_forwarder_queue_limit, 5);
  ADD ("/localnet/forwarder/dead-hop", test_forwarder_dead_hop, 64);
  ADD ("/localnet/forwarder/reconnect", test_forwarder_reconnect, 64);
  ADD ("/localnet/forwarder/close", test_forwarder_close, 1);
#undef ADD

  return g_test_run ();
}
