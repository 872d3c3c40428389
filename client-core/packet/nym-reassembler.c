/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reassembly of received fragments into messages, across linked sets, in any order (spec nym-packet.md §17). */
#include "packet/nym-reassembler.h"

#include <string.h>

typedef struct
{
  int32_t  set_id;
  uint8_t  total;
  unsigned received;
  int32_t  previous_set_id; /* from fragment 1 */
  int32_t  next_set_id;     /* from fragment 255 of 255 */
  int64_t  last_update_us;
  GBytes  *payloads[NYM_FRAGMENT_MAX_PER_SET];
} SetBuffer;

struct _NymReassembler
{
  GHashTable *sets;      /* set id → SetBuffer */
  /* Set ids of messages already handed out → when (µs). A fragment sent again because its
   * ack was late can arrive after its message was complete; like the real client, which keeps
   * the ids it reconstructed, such a late copy must not deliver the whole message twice. */
  GHashTable *completed;
};

static void
set_buffer_free (SetBuffer *set)
{
  for (unsigned i = 0; i < NYM_FRAGMENT_MAX_PER_SET; i++)
    g_clear_pointer (&set->payloads[i], g_bytes_unref);
  g_free (set);
}

NymReassembler *
nym_reassembler_new (void)
{
  NymReassembler *reassembler = g_new0 (NymReassembler, 1);

  reassembler->sets = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                             (GDestroyNotify) set_buffer_free);
  reassembler->completed = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  return reassembler;
}

void
nym_reassembler_free (NymReassembler *reassembler)
{
  if (reassembler == NULL)
    return;
  g_clear_pointer (&reassembler->sets, g_hash_table_unref);
  g_clear_pointer (&reassembler->completed, g_hash_table_unref);
  g_free (reassembler);
}

static SetBuffer *
lookup (NymReassembler *reassembler,
        int32_t         set_id)
{
  return g_hash_table_lookup (reassembler->sets, GINT_TO_POINTER (set_id));
}

static bool
is_complete (const SetBuffer *set)
{
  return set != NULL && set->received == set->total;
}

/*
 * Walks to the first set of the chain containing set_id and checks that every set of the chain
 * is complete and that the links agree in both directions. Returns the first id, or 0 when the
 * message is not complete yet. The step bound stops a malicious cycle of links.
 */
static int32_t
complete_chain_start (NymReassembler *reassembler,
                      int32_t         set_id)
{
  unsigned bound = g_hash_table_size (reassembler->sets) + 1;
  SetBuffer *set = lookup (reassembler, set_id);
  int32_t start = set_id;

  for (unsigned steps = 0; ; steps++)
    {
      SetBuffer *previous;

      if (!is_complete (set) || steps > bound)
        return 0;
      if (set->previous_set_id == 0)
        break;
      previous = lookup (reassembler, set->previous_set_id);
      if (!is_complete (previous) || previous->next_set_id != set->set_id)
        return 0;
      start = set->previous_set_id;
      set = previous;
    }
  set = lookup (reassembler, start);
  for (unsigned steps = 0; set->next_set_id != 0; steps++)
    {
      SetBuffer *next = lookup (reassembler, set->next_set_id);

      if (!is_complete (next) || next->previous_set_id != set->set_id || steps > bound)
        return 0;
      set = next;
    }
  return start;
}

static GByteArray *
take_message (NymReassembler *reassembler,
              int32_t         start,
              int64_t         now_us)
{
  GByteArray *message = g_byte_array_new ();
  int32_t id = start;

  while (id != 0)
    {
      SetBuffer *set = lookup (reassembler, id);
      int32_t next = set->next_set_id;

      for (unsigned i = 0; i < set->total; i++)
        {
          gsize len = 0;
          const uint8_t *data = g_bytes_get_data (set->payloads[i], &len);

          if (len > 0)
            g_byte_array_append (message, data, (guint) len);
        }
      g_hash_table_remove (reassembler->sets, GINT_TO_POINTER (id));
      g_hash_table_insert (reassembler->completed, GINT_TO_POINTER (id), g_memdup2 (&now_us, sizeof now_us));
      id = next;
    }
  return message;
}

NymReassemblyStatus
nym_reassembler_insert (NymReassembler *reassembler,
                        const uint8_t  *fragment,
                        size_t          len,
                        int64_t         now_us,
                        GByteArray    **message,
                        GError        **error)
{
  NymFragmentHeader header;
  size_t header_len = 0;
  SetBuffer *set;
  int32_t start;

  *message = NULL;
  if (!nym_fragment_header_decode (fragment, len, &header, &header_len, error))
    return NYM_REASSEMBLY_INVALID;

  if (g_hash_table_contains (reassembler->completed, GINT_TO_POINTER (header.set_id)))
    return NYM_REASSEMBLY_DUPLICATE;
  set = lookup (reassembler, header.set_id);
  if (set == NULL)
    {
      set = g_new0 (SetBuffer, 1);
      set->set_id = header.set_id;
      set->total = header.total;
      g_hash_table_insert (reassembler->sets, GINT_TO_POINTER (header.set_id), set);
    }
  else if (set->total != header.total)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                   "Fragment %u of set %d says the set has %u fragments, earlier ones said %u",
                   header.current, header.set_id, header.total, set->total);
      return NYM_REASSEMBLY_INVALID;
    }
  if (set->payloads[header.current - 1] != NULL)
    return NYM_REASSEMBLY_DUPLICATE;

  set->payloads[header.current - 1] = g_bytes_new (fragment + header_len, len - header_len);
  set->received++;
  set->last_update_us = now_us;
  if (header.previous_set_id != 0)
    set->previous_set_id = header.previous_set_id;
  if (header.next_set_id != 0)
    set->next_set_id = header.next_set_id;

  if (!is_complete (set))
    return NYM_REASSEMBLY_PENDING;
  start = complete_chain_start (reassembler, header.set_id);
  if (start == 0)
    return NYM_REASSEMBLY_PENDING;
  *message = take_message (reassembler, start, now_us);
  return NYM_REASSEMBLY_COMPLETE;
}

/*
 * Drops every set that has not received a fragment for max_idle_us; a dropped set makes the
 * rest of its chain unreachable, so those sets age out the same way. The ids of messages handed
 * out longer ago than max_idle_us are forgotten too: by then no late copy is still in flight.
 * Returns the number of incomplete sets dropped.
 */
unsigned
nym_reassembler_expire (NymReassembler *reassembler,
                        int64_t         now_us,
                        int64_t         max_idle_us)
{
  GHashTableIter iter;
  gpointer value;
  unsigned dropped = 0;

  g_hash_table_iter_init (&iter, reassembler->sets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SetBuffer *set = value;

      if (now_us - set->last_update_us >= max_idle_us)
        {
          g_hash_table_iter_remove (&iter);
          dropped++;
        }
    }
  g_hash_table_iter_init (&iter, reassembler->completed);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (now_us - *(const int64_t *) value >= max_idle_us)
      g_hash_table_iter_remove (&iter);
  return dropped;
}

unsigned
nym_reassembler_pending_sets (NymReassembler *reassembler)
{
  return g_hash_table_size (reassembler->sets);
}
