/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A TCP listener for the localnet tests that stands in for a next hop and collects the node frames it receives. */
#pragma once

#include <string.h>
#include <gio/gio.h>

#include "crypto/nym-keys.h"
#include "packet/nym-node-frame.h"

typedef struct
{
  NymNodeFrameHeader header;
  GBytes            *packet;
} Frame;

typedef struct
{
  GSocketService *service;
  guint16         port;
  uint8_t         secret[32];
  uint8_t         pub[32];
  GPtrArray      *frames;      /* Frame* */
  GPtrArray      *pending;     /* SinkReader* not yet reading (hold) */
  GPtrArray      *active;      /* SinkReader* reading now */
  gboolean        hold;        /* accept connections but do not read them yet */
  guint           connections;
} Sink;

typedef struct
{
  Sink              *sink;
  GSocketConnection *connection;
  GCancellable      *cancellable;
  GByteArray        *buffer;
  uint8_t            chunk[16384];
} SinkReader;

static inline void
frame_free (Frame *frame)
{
  g_bytes_unref (frame->packet);
  g_free (frame);
}

static inline void sink_read (SinkReader *reader);

static inline void
sink_reader_free (SinkReader *reader)
{
  if (reader->sink->active != NULL)
    g_ptr_array_remove (reader->sink->active, reader);
  g_io_stream_close (G_IO_STREAM (reader->connection), NULL, NULL);
  g_object_unref (reader->connection);
  g_object_unref (reader->cancellable);
  g_byte_array_unref (reader->buffer);
  g_free (reader);
}

static inline void
sink_read_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SinkReader *reader = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  size_t offset = 0;

  if (n <= 0)
    {
      sink_reader_free (reader);
      return;
    }
  g_byte_array_append (reader->buffer, reader->chunk, (guint) n);
  for (;;)
    {
      NymNodeFrameHeader header;
      const uint8_t *packet;
      size_t packet_len, consumed;
      NymNodeFrameStatus status;

      status = nym_node_frame_decode (reader->buffer->data + offset, reader->buffer->len - offset,
                                      &header, &packet, &packet_len, &consumed, &error);
      g_assert_no_error (error);
      g_assert_cmpint (status, !=, NYM_NODE_FRAME_INVALID);
      if (status == NYM_NODE_FRAME_INCOMPLETE)
        break;
      {
        Frame *frame = g_new0 (Frame, 1);
        frame->header = header;
        frame->packet = g_bytes_new (packet, packet_len);
        g_ptr_array_add (reader->sink->frames, frame);
      }
      offset += consumed;
    }
  g_byte_array_remove_range (reader->buffer, 0, (guint) offset);
  sink_read (reader);
}

static inline void
sink_read (SinkReader *reader)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (reader->connection)),
                             reader->chunk, sizeof reader->chunk, G_PRIORITY_DEFAULT, reader->cancellable,
                             sink_read_done, reader);
}

static inline gboolean
sink_incoming (GSocketService    *service,
               GSocketConnection *connection,
               GObject           *source_object,
               gpointer           user_data)
{
  Sink *sink = user_data;
  SinkReader *reader = g_new0 (SinkReader, 1);

  reader->sink = sink;
  reader->connection = g_object_ref (connection);
  reader->buffer = g_byte_array_new ();
  reader->cancellable = g_cancellable_new ();
  sink->connections++;
  if (sink->hold)
    g_ptr_array_add (sink->pending, reader);
  else
    {
      g_ptr_array_add (sink->active, reader);
      sink_read (reader);
    }
  return TRUE;
}

static inline void
sink_release (Sink *sink)
{
  sink->hold = FALSE;
  for (guint i = 0; i < sink->pending->len; i++)
    {
      g_ptr_array_add (sink->active, g_ptr_array_index (sink->pending, i));
      sink_read (g_ptr_array_index (sink->pending, i));
    }
  g_ptr_array_set_size (sink->pending, 0);
}

/* Closes every connection the sink reads (as a restarting next hop would). */
static inline void
sink_drop_connections (Sink *sink)
{
  for (guint i = 0; i < sink->active->len; i++)
    g_cancellable_cancel (((SinkReader *) g_ptr_array_index (sink->active, i))->cancellable);
}

static inline void
sink_start (Sink *sink)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  nym_x25519_keypair (sink->pub, sink->secret);
  sink->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) frame_free);
  sink->pending = g_ptr_array_new ();
  sink->active = g_ptr_array_new ();
  sink->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (sink->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  sink->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (sink->service, "incoming", G_CALLBACK (sink_incoming), sink);
  g_socket_service_start (sink->service);
}

static inline void
sink_stop (Sink *sink)
{
  g_socket_service_stop (sink->service);
  g_socket_listener_close (G_SOCKET_LISTENER (sink->service));
  g_clear_object (&sink->service);
  for (guint i = 0; i < sink->pending->len; i++)
    sink_reader_free (g_ptr_array_index (sink->pending, i));
  g_ptr_array_unref (sink->pending);
  sink_drop_connections (sink);
  /* Readers end on the loop; the frames array must outlive them, so it is released
   * only after their cancelled reads have completed. */
  while (sink->active->len > 0)
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&sink->active, g_ptr_array_unref);
  g_ptr_array_unref (sink->frames);
}

