/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-connection reassembly of NR socket data by sequence number, for either direction (spec nym-gateway.md §5.2). */
#include "socks5/nym-nr-ordered-buffer.h"

/*
 * Sequence numbers start at 0 for each direction of each connection (§5.2). Every message is
 * one mixnet message, and those arrive in any order, so data is held back until everything
 * before it is there. The message carrying the closed flag is the last one: once it has been
 * read the stream is finished, and nothing may come after it.
 */
struct _NymNrOrderedBuffer
{
  GTree   *messages;       /* uint64_t sequence (boxed) → GBytes, only sequences ≥ next */
  uint64_t next;           /* the next sequence to hand out */
  size_t   pending_bytes;
  size_t   max_bytes;
  bool     have_end;       /* a message with the closed flag has arrived */
  uint64_t end;            /* its sequence number */
  bool     finished;       /* and it has been read */
};

typedef struct
{
  GBytes *data;
  bool    closed;
} Message;

static int
compare_sequence (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  uint64_t x = *(const uint64_t *) a;
  uint64_t y = *(const uint64_t *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static void
message_free (gpointer data)
{
  Message *message = data;

  g_bytes_unref (message->data);
  g_free (message);
}

NymNrOrderedBuffer *
nym_nr_ordered_buffer_new (size_t max_bytes)
{
  NymNrOrderedBuffer *buffer = g_new0 (NymNrOrderedBuffer, 1);

  buffer->messages = g_tree_new_full (compare_sequence, NULL, g_free, message_free);
  buffer->max_bytes = max_bytes > 0 ? max_bytes : NYM_NR_ORDERED_BUFFER_DEFAULT_MAX_BYTES;
  return buffer;
}

void
nym_nr_ordered_buffer_free (NymNrOrderedBuffer *buffer)
{
  if (buffer == NULL)
    return;
  g_tree_unref (buffer->messages);
  g_free (buffer);
}

/* Checks whether a message may be stored; NYM_NR_WRITE_STORED means yes. */
static NymNrWriteResult
check_write (NymNrOrderedBuffer *buffer,
             uint64_t            sequence,
             size_t              len,
             bool                closed,
             GError            **error)
{
  /* Retransmissions and replays of what we already have or handed out are dropped quietly. */
  if (sequence < buffer->next || g_tree_lookup (buffer->messages, &sequence) != NULL)
    return NYM_NR_WRITE_DUPLICATE;

  if (sequence - buffer->next > NYM_NR_ORDERED_BUFFER_MAX_OFFSET)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_SEQUENCE,
                   "sequence number %" G_GUINT64_FORMAT " is more than %d ahead of the next expected, %"
                   G_GUINT64_FORMAT, sequence, NYM_NR_ORDERED_BUFFER_MAX_OFFSET, buffer->next);
      return NYM_NR_WRITE_REFUSED;
    }
  if (buffer->have_end && sequence > buffer->end)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_SEQUENCE,
                   "sequence number %" G_GUINT64_FORMAT " comes after the end of the stream at %"
                   G_GUINT64_FORMAT, sequence, buffer->end);
      return NYM_NR_WRITE_REFUSED;
    }
  if (closed && g_tree_nnodes (buffer->messages) > 0)
    {
      GTreeNode *last = g_tree_node_last (buffer->messages);
      uint64_t highest = *(const uint64_t *) g_tree_node_key (last);

      if (highest > sequence)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_SEQUENCE,
                       "the stream cannot end at sequence number %" G_GUINT64_FORMAT
                       ": data up to %" G_GUINT64_FORMAT " has arrived", sequence, highest);
          return NYM_NR_WRITE_REFUSED;
        }
    }
  if (len > buffer->max_bytes - buffer->pending_bytes)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_BUFFER_FULL,
                   "%zu more bytes at sequence number %" G_GUINT64_FORMAT " would exceed the %zu bytes "
                   "this connection may hold back (%zu held)", len, sequence, buffer->max_bytes,
                   buffer->pending_bytes);
      return NYM_NR_WRITE_REFUSED;
    }

  return NYM_NR_WRITE_STORED;
}

static void
store (NymNrOrderedBuffer *buffer,
       uint64_t            sequence,
       GBytes             *data,
       bool                closed)
{
  Message *message = g_new0 (Message, 1);
  uint64_t *key;
  size_t len = g_bytes_get_size (data);

  message->data = data;
  message->closed = closed;
  key = g_new (uint64_t, 1);
  *key = sequence;
  g_tree_insert (buffer->messages, key, message);
  buffer->pending_bytes += len;
  if (closed)
    {
      buffer->have_end = true;
      buffer->end = sequence;
    }
}

NymNrWriteResult
nym_nr_ordered_buffer_write (NymNrOrderedBuffer *buffer,
                             uint64_t            sequence,
                             const uint8_t      *data,
                             size_t              len,
                             bool                closed,
                             GError            **error)
{
  NymNrWriteResult result;

  g_return_val_if_fail (buffer != NULL, NYM_NR_WRITE_REFUSED);
  g_return_val_if_fail (data != NULL || len == 0, NYM_NR_WRITE_REFUSED);

  result = check_write (buffer, sequence, len, closed, error);
  if (result == NYM_NR_WRITE_STORED)
    store (buffer, sequence, g_bytes_new (data, len), closed);
  return result;
}

/* The same, keeping a reference to data instead of copying it (a decoded NR message's payload). */
NymNrWriteResult
nym_nr_ordered_buffer_write_bytes (NymNrOrderedBuffer *buffer,
                                   uint64_t            sequence,
                                   GBytes             *data,
                                   bool                closed,
                                   GError            **error)
{
  NymNrWriteResult result;

  g_return_val_if_fail (buffer != NULL, NYM_NR_WRITE_REFUSED);
  g_return_val_if_fail (data != NULL, NYM_NR_WRITE_REFUSED);

  result = check_write (buffer, sequence, g_bytes_get_size (data), closed, error);
  if (result == NYM_NR_WRITE_STORED)
    store (buffer, sequence, g_bytes_ref (data), closed);
  return result;
}

/*
 * Hands out all data that is contiguous from the next expected sequence number, in one
 * piece, or NULL when the next message has not arrived. last_sequence is the sequence
 * number of the last message included; closed says the stream ended with it.
 */
GBytes *
nym_nr_ordered_buffer_read (NymNrOrderedBuffer *buffer,
                            uint64_t           *last_sequence,
                            bool               *closed)
{
  GBytes *first = NULL; /* the first message, handed out as it is when it is the only one */
  GByteArray *out = NULL;
  bool ended = false;

  if (closed != NULL)
    *closed = false;
  for (;;)
    {
      uint64_t sequence = buffer->next;
      Message *message = g_tree_lookup (buffer->messages, &sequence);
      gsize len;
      const uint8_t *data;

      if (message == NULL)
        break;
      data = g_bytes_get_data (message->data, &len);
      if (first == NULL && out == NULL)
        first = g_bytes_ref (message->data);
      else
        {
          if (out == NULL)
            {
              gsize first_len;
              const uint8_t *first_data = g_bytes_get_data (first, &first_len);

              out = g_byte_array_new ();
              g_byte_array_append (out, first_data, (guint) first_len);
              g_clear_pointer (&first, g_bytes_unref);
            }
          g_byte_array_append (out, data, (guint) len);
        }
      buffer->pending_bytes -= len;
      ended = message->closed;
      g_tree_remove (buffer->messages, &sequence);
      if (last_sequence != NULL)
        *last_sequence = sequence;
      buffer->next = sequence + 1;
      if (ended)
        {
          buffer->finished = true;
          break;
        }
    }
  if (first == NULL && out == NULL)
    return NULL;
  if (closed != NULL)
    *closed = ended;
  return first != NULL ? first : g_byte_array_free_to_bytes (out);
}

uint64_t
nym_nr_ordered_buffer_next_sequence (const NymNrOrderedBuffer *buffer)
{
  return buffer->next;
}

size_t
nym_nr_ordered_buffer_n_pending (const NymNrOrderedBuffer *buffer)
{
  return (size_t) g_tree_nnodes (buffer->messages);
}

size_t
nym_nr_ordered_buffer_pending_bytes (const NymNrOrderedBuffer *buffer)
{
  return buffer->pending_bytes;
}

/* True when data is held back waiting for an earlier sequence number. */
bool
nym_nr_ordered_buffer_has_gap (const NymNrOrderedBuffer *buffer)
{
  uint64_t next = buffer->next;

  return g_tree_nnodes (buffer->messages) > 0 && g_tree_lookup (buffer->messages, &next) == NULL;
}

bool
nym_nr_ordered_buffer_is_finished (const NymNrOrderedBuffer *buffer)
{
  return buffer->finished;
}
