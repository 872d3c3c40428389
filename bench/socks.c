/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measures the exit's receive path (NR Send decode + ordered reassembly of a shuffled 1.5 MB stream) against a bare memcpy of the same bytes, and SOCKS5 handshakes parsed per second. */
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "socks5/nym-nr-ordered-buffer.h"
#include "socks5/nym-nr-protocol.h"
#include "socks5/nym-socks-handshake.h"

#define CHUNK_LEN   1500
#define N_CHUNKS    1000
#define ROUNDS      5
/* Each round runs for at least this long, so timer resolution does not matter. */
#define ROUND_USEC  (300 * 1000)

typedef size_t (*WorkFunc) (gpointer data, uint8_t *sink);

typedef struct
{
  GPtrArray *messages; /* encoded versioned Send requests, in a shuffled order */
  uint8_t   *plain;    /* the stream they carry, for the baseline */
} Stream;

/*
 * What an exit does with one connection's incoming data: decode each mixnet message as an NR
 * request, put it in the ordered buffer, and read whatever became contiguous.
 */
static size_t
decode_and_reassemble (gpointer data,
                       uint8_t *sink)
{
  Stream *stream = data;
  g_autoptr(NymNrOrderedBuffer) buffer = nym_nr_ordered_buffer_new (0);
  size_t delivered = 0;

  for (guint i = 0; i < stream->messages->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (stream->messages, i);
      g_autoptr(NymNrRequest) request = nym_nr_request_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
      g_autoptr(GBytes) ready = NULL;

      if (request == NULL)
        g_error ("decoding failed");
      if (nym_nr_ordered_buffer_write_bytes (buffer, request->sequence, request->data, request->local_closed, NULL)
          != NYM_NR_WRITE_STORED)
        g_error ("ordered buffer refused sequence %" G_GUINT64_FORMAT, request->sequence);
      ready = nym_nr_ordered_buffer_read (buffer, NULL, NULL);
      if (ready != NULL)
        {
          delivered += g_bytes_get_size (ready);
          sink[0] ^= ((const uint8_t *) g_bytes_get_data (ready, NULL))[0];
        }
    }
  if (delivered != (size_t) CHUNK_LEN * N_CHUNKS || !nym_nr_ordered_buffer_is_finished (buffer))
    g_error ("stream incomplete: %zu bytes", delivered);
  return delivered;
}

/* The baseline: copying the same bytes once. */
static size_t
copy_stream (gpointer data,
             uint8_t *sink)
{
  Stream *stream = data;
  g_autofree uint8_t *out = g_malloc ((size_t) CHUNK_LEN * N_CHUNKS);

  memcpy (out, stream->plain, (size_t) CHUNK_LEN * N_CHUNKS);
  sink[0] ^= out[g_random_int_range (0, CHUNK_LEN * N_CHUNKS)];
  return (size_t) CHUNK_LEN * N_CHUNKS;
}

/* One SOCKS5 greeting plus a CONNECT to a host name, parsed and answered. */
static size_t
handshake (gpointer data,
           uint8_t *sink)
{
  static const uint8_t input[] = { 5, 1, 0, 5, 1, 0, 3, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm', 0, 80 };
  g_autoptr(NymSocksHandshake) parser = nym_socks_handshake_new ();
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  g_autofree char *target = NULL;

  if (nym_socks_handshake_feed (parser, input, sizeof input, NULL, reply, NULL) != NYM_SOCKS_STEP_REQUEST)
    g_error ("handshake failed");
  target = nym_socks_request_to_target (nym_socks_handshake_get_request (parser));
  sink[0] ^= (uint8_t) target[0] ^ reply->data[1];
  return 1;
}

/* Units (bytes or handshakes) per microsecond of one round. */
static double
measure_round (WorkFunc func,
               gpointer data,
               uint8_t *sink)
{
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  size_t done = 0;

  do
    {
      done += func (data, sink);
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < ROUND_USEC);
  return (double) done / (double) elapsed;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1080);
  Stream stream = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref), g_malloc ((size_t) CHUNK_LEN * N_CHUNKS) };
  uint8_t sink[1] = { 0 };
  double nr_mbps = 0;
  double copy_mbps = 0;
  double handshakes = 0;

  for (size_t i = 0; i < (size_t) CHUNK_LEN * N_CHUNKS; i++)
    stream.plain[i] = (uint8_t) g_rand_int (rand);
  for (uint64_t sequence = 0; sequence < N_CHUNKS; sequence++)
    {
      g_autoptr(NymNrRequest) request = nym_nr_request_new_send (NYM_NR_VERSION_INIT_VERSIONED, 42, sequence,
                                                                 stream.plain + sequence * CHUNK_LEN, CHUNK_LEN,
                                                                 sequence == N_CHUNKS - 1);

      g_ptr_array_add (stream.messages, nym_nr_request_encode (request, NULL));
    }
  /* Mixnet delivery order: shuffled, but within the buffer's 1000-message window by construction. */
  for (guint i = stream.messages->len - 1; i > 0; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1);
      gpointer t = stream.messages->pdata[i];

      stream.messages->pdata[i] = stream.messages->pdata[j];
      stream.messages->pdata[j] = t;
    }

  /* The measurements take turns so that load on the machine hits them alike; each keeps its best round. */
  for (int round = 0; round < ROUNDS; round++)
    {
      nr_mbps = MAX (nr_mbps, measure_round (decode_and_reassemble, &stream, sink));
      copy_mbps = MAX (copy_mbps, measure_round (copy_stream, &stream, sink));
      handshakes = MAX (handshakes, measure_round (handshake, NULL, sink));
    }

  printf ("socks nr_reassemble_mbps=%.1f memcpy_mbps=%.1f ratio=%.4f socks5_handshakes_per_sec=%.0f sink=%02x\n",
          nr_mbps, copy_mbps, nr_mbps / copy_mbps, handshakes * 1e6, sink[0]);
  g_ptr_array_unref (stream.messages);
  g_free (stream.plain);
  return 0;
}
