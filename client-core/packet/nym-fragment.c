/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fragments: headers, fragment identifiers and splitting a padded message into linked sets (spec nym-packet.md §17). */
#include "packet/nym-fragment.h"

#include <string.h>

#include "crypto/nym-keys.h"

#define FLAG_BIT 0x80000000u

static void
put_u32 (uint8_t *out,
         uint32_t v)
{
  out[0] = (uint8_t) (v >> 24);
  out[1] = (uint8_t) (v >> 16);
  out[2] = (uint8_t) (v >> 8);
  out[3] = (uint8_t) v;
}

static uint32_t
get_u32 (const uint8_t *in)
{
  return ((uint32_t) in[0] << 24) | ((uint32_t) in[1] << 16) | ((uint32_t) in[2] << 8) | in[3];
}

/* The same rules as the reference constructor: a link sits only where its meaning is clear. */
bool
nym_fragment_header_check (const NymFragmentHeader *header,
                           GError                 **error)
{
  if (header->set_id <= 0)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                   "Fragment set id %d is not positive", header->set_id);
      return false;
    }
  if (header->total == 0 || header->current == 0 || header->current > header->total)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                   "Fragment position %u of %u is not valid", header->current, header->total);
      return false;
    }
  if (header->previous_set_id != 0
      && (header->previous_set_id < 0 || header->current != 1 || header->previous_set_id == header->set_id))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                   "Fragment %u of set %d cannot link to previous set %d",
                   header->current, header->set_id, header->previous_set_id);
      return false;
    }
  if (header->next_set_id != 0
      && (header->next_set_id < 0 || header->current != header->total || header->next_set_id == header->set_id))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                   "Fragment %u of set %d cannot link to next set %d",
                   header->current, header->set_id, header->next_set_id);
      return false;
    }
  if (header->previous_set_id != 0 && header->next_set_id != 0)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                   "Fragment %u of set %d cannot carry two links", header->current, header->set_id);
      return false;
    }
  return true;
}

size_t
nym_fragment_header_len (const NymFragmentHeader *header)
{
  return (header->previous_set_id != 0 || header->next_set_id != 0) ? NYM_FRAGMENT_HEADER_LINKED_LEN
                                                                    : NYM_FRAGMENT_HEADER_UNLINKED_LEN;
}

/* §17: set_id|flag (BE) ‖ total ‖ current ‖ (0x00 | linked id|flag). */
size_t
nym_fragment_header_encode (const NymFragmentHeader *header,
                            uint8_t                  out[static 10])
{
  int32_t link = header->previous_set_id != 0 ? header->previous_set_id : header->next_set_id;

  put_u32 (out, (uint32_t) header->set_id | FLAG_BIT);
  out[4] = header->total;
  out[5] = header->current;
  if (link == 0)
    {
      out[6] = 0;
      return NYM_FRAGMENT_HEADER_UNLINKED_LEN;
    }
  put_u32 (out + 6, (uint32_t) link | FLAG_BIT);
  return NYM_FRAGMENT_HEADER_LINKED_LEN;
}

/*
 * A link on fragment 1 points back, a link on fragment 255 of 255 points forward (fragment 1
 * of a one-fragment set links back, as the real client's continuation sets do).
 */
bool
nym_fragment_header_decode (const uint8_t     *bytes,
                            size_t             len,
                            NymFragmentHeader *out,
                            size_t            *header_len,
                            GError           **error)
{
  NymFragmentHeader header = { 0 };
  uint32_t id;
  size_t used = NYM_FRAGMENT_HEADER_UNLINKED_LEN;

  if (len < NYM_FRAGMENT_HEADER_UNLINKED_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "A fragment header needs 7 bytes, got %zu", len);
      return false;
    }
  id = get_u32 (bytes);
  if ((id & FLAG_BIT) == 0)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                   "Fragment set id 0x%08x lacks the 0x80000000 flag", id);
      return false;
    }
  header.set_id = (int32_t) (id & ~FLAG_BIT);
  header.total = bytes[4];
  header.current = bytes[5];
  if (bytes[6] != 0)
    {
      uint32_t link;

      if (len < NYM_FRAGMENT_HEADER_LINKED_LEN)
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                       "A linked fragment header needs 10 bytes, got %zu", len);
          return false;
        }
      link = get_u32 (bytes + 6);
      if ((link & FLAG_BIT) == 0 || (link & ~FLAG_BIT) == 0)
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                       "Linked set id 0x%08x lacks the 0x80000000 flag or is zero", link);
          return false;
        }
      if (header.current == 1)
        header.previous_set_id = (int32_t) (link & ~FLAG_BIT);
      else if (header.current == header.total && header.current == NYM_FRAGMENT_MAX_PER_SET)
        header.next_set_id = (int32_t) (link & ~FLAG_BIT);
      else
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                       "Fragment %u of %u cannot carry a set link", header.current, header.total);
          return false;
        }
      used = NYM_FRAGMENT_HEADER_LINKED_LEN;
    }
  if (!nym_fragment_header_check (&header, error))
    return false;
  *out = header;
  if (header_len != NULL)
    *header_len = used;
  return true;
}

/* §17: FragmentIdentifier = set id BE (without the flag) ‖ 1-based position. */
void
nym_fragment_id_encode (int32_t set_id,
                        uint8_t position,
                        uint8_t out[static 5])
{
  put_u32 (out, (uint32_t) set_id);
  out[4] = position;
}

bool
nym_fragment_id_decode (const uint8_t bytes[static 5],
                        int32_t      *set_id,
                        uint8_t      *position,
                        GError      **error)
{
  uint32_t id = get_u32 (bytes);

  if ((id & FLAG_BIT) != 0)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                   "Fragment identifier 0x%08x has a negative set id", id);
      return false;
    }
  *set_id = (int32_t) id;
  *position = bytes[4];
  return true;
}

bool
nym_fragment_id_is_cover (const uint8_t bytes[static 5])
{
  static const uint8_t zero[5] = { 0 };

  return memcmp (bytes, zero, 5) == 0;
}

/* §17: abs of a random i32, redrawn on 0 and INT32_MIN. */
int32_t
nym_fragment_new_set_id (void)
{
  for (;;)
    {
      uint8_t raw[4];
      int32_t id;

      nym_random_bytes (raw, sizeof raw);
      id = (int32_t) get_u32 (raw);
      if (id != 0 && id != G_MININT32)
        return id < 0 ? -id : id;
    }
}

static size_t
unlinked_max (size_t capacity)
{
  return capacity - NYM_FRAGMENT_HEADER_UNLINKED_LEN;
}

static size_t
linked_max (size_t capacity)
{
  return capacity - NYM_FRAGMENT_HEADER_LINKED_LEN;
}

/* A full set without links; sets at either end of a chain lose 3 bytes, middle sets 6. */
static size_t
set_max (size_t capacity)
{
  return NYM_FRAGMENT_MAX_PER_SET * unlinked_max (capacity);
}

static size_t
one_way_linked_max (size_t capacity)
{
  return set_max (capacity) - (NYM_FRAGMENT_HEADER_LINKED_LEN - NYM_FRAGMENT_HEADER_UNLINKED_LEN);
}

static size_t
two_way_linked_max (size_t capacity)
{
  return set_max (capacity) - 2 * (NYM_FRAGMENT_HEADER_LINKED_LEN - NYM_FRAGMENT_HEADER_UNLINKED_LEN);
}

size_t
nym_fragment_set_count (size_t len,
                        size_t capacity)
{
  size_t middle;

  if (len <= set_max (capacity))
    return 1;
  if (len <= 2 * one_way_linked_max (capacity))
    return 2;
  middle = len - 2 * one_way_linked_max (capacity);
  return 2 + (middle + two_way_linked_max (capacity) - 1) / two_way_linked_max (capacity);
}

/*
 * How many fragments a len-byte (already padded or not) message needs, and how many bytes are
 * left free in the last one; padding with exactly that many bytes fills every fragment.
 */
size_t
nym_fragment_count (size_t  len,
                    size_t  capacity,
                    size_t *space_left)
{
  size_t unlinked = unlinked_max (capacity);
  size_t linked = linked_max (capacity);
  size_t sets = nym_fragment_set_count (len, capacity);
  size_t left = 0;
  size_t count;

  if (sets == 1)
    {
      count = (len + unlinked - 1) / unlinked;
      if (count == 0)
        count = 1;
      left = count * unlinked - len;
    }
  else
    {
      size_t before_last = (sets - 1) * NYM_FRAGMENT_MAX_PER_SET;
      size_t linked_before_last = 2 * sets - 3;
      size_t last_len = len - linked_before_last * linked - (before_last - linked_before_last) * unlinked;

      if (last_len <= linked)
        {
          count = before_last + 1;
          left = linked - last_len;
        }
      else
        {
          size_t rest = last_len - linked;
          size_t extra = (rest + unlinked - 1) / unlinked;

          count = before_last + 1 + extra;
          left = extra * unlinked - rest;
        }
    }
  if (space_left != NULL)
    *space_left = left;
  return count;
}

NymFragment *
nym_fragment_new (const NymFragmentHeader *header,
                  const uint8_t           *payload,
                  size_t                   payload_len)
{
  NymFragment *fragment = g_new0 (NymFragment, 1);
  uint8_t head[NYM_FRAGMENT_HEADER_LINKED_LEN];
  size_t head_len = nym_fragment_header_encode (header, head);
  uint8_t *buf = g_malloc (head_len + payload_len);

  memcpy (buf, head, head_len);
  if (payload_len > 0)
    memcpy (buf + head_len, payload, payload_len);
  fragment->header = *header;
  fragment->bytes = g_bytes_new_take (buf, head_len + payload_len);
  return fragment;
}

NymFragment *
nym_fragment_parse (const uint8_t *bytes,
                    size_t         len,
                    GError       **error)
{
  NymFragment *fragment;
  NymFragmentHeader header;

  if (!nym_fragment_header_decode (bytes, len, &header, NULL, error))
    return NULL;
  fragment = g_new0 (NymFragment, 1);
  fragment->header = header;
  fragment->bytes = g_bytes_new (bytes, len);
  return fragment;
}

const uint8_t *
nym_fragment_payload (const NymFragment *fragment,
                      size_t            *len)
{
  gsize total = 0;
  const uint8_t *data = g_bytes_get_data (fragment->bytes, &total);
  size_t head_len = nym_fragment_header_len (&fragment->header);

  *len = total - head_len;
  return data + head_len;
}

void
nym_fragment_free (NymFragment *fragment)
{
  if (fragment == NULL)
    return;
  g_clear_pointer (&fragment->bytes, g_bytes_unref);
  g_free (fragment);
}

/* Splits one set's part of the message; previous/next are 0 when the set has no such link. */
static void
split_set (GPtrArray     *out,
           const uint8_t *part,
           size_t         len,
           size_t         capacity,
           int32_t        set_id,
           int32_t        previous,
           int32_t        next)
{
  size_t unlinked = unlinked_max (capacity);
  size_t linked = linked_max (capacity);
  size_t count;
  size_t offset = 0;

  if (previous == 0 && next == 0)
    count = len == 0 ? 1 : (len + unlinked - 1) / unlinked;
  else if (next != 0)
    count = NYM_FRAGMENT_MAX_PER_SET;
  else
    count = 1 + (len > linked ? (len - linked + unlinked - 1) / unlinked : 0);

  for (size_t i = 1; i <= count; i++)
    {
      NymFragmentHeader header = { set_id, (uint8_t) count, (uint8_t) i, 0, 0 };
      size_t take;

      if (i == 1)
        header.previous_set_id = previous;
      if (i == count)
        header.next_set_id = next;
      take = (i == 1 && previous != 0) ? linked : unlinked;
      take = MIN (take, len - offset);
      g_ptr_array_add (out, nym_fragment_new (&header, part + offset, take));
      offset += take;
    }
}

/*
 * §17: one set when the message fits 255 fragments, otherwise a chain where the first set
 * carries 255·(F−7)−3 bytes, middle sets 255·(F−7)−6 and the last the rest. set_ids gives
 * the ids to use (for reproducing captured packets); NULL draws fresh random ids.
 */
GPtrArray *
nym_fragment_split (const uint8_t *message,
                    size_t         len,
                    size_t         capacity,
                    const int32_t *set_ids,
                    size_t         n_set_ids,
                    GError       **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) nym_fragment_free);
  g_autofree int32_t *ids = NULL;
  size_t sets;
  size_t offset = 0;

  if (capacity <= NYM_FRAGMENT_HEADER_LINKED_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                   "A fragment capacity of %zu bytes leaves no room for data", capacity);
      return NULL;
    }
  sets = nym_fragment_set_count (len, capacity);
  if (set_ids != NULL && n_set_ids < sets)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                   "The message needs %zu fragment sets but only %zu set ids were given", sets, n_set_ids);
      return NULL;
    }
  ids = g_new0 (int32_t, sets);
  for (size_t i = 0; i < sets; i++)
    {
      bool repeated;

      if (set_ids != NULL && set_ids[i] <= 0)
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                       "Set id %d is not positive", set_ids[i]);
          return NULL;
        }
      /* Ids must differ within a message; fresh ones are redrawn, given ones are refused. */
      do
        {
          ids[i] = set_ids != NULL ? set_ids[i] : nym_fragment_new_set_id ();
          repeated = false;
          for (size_t j = 0; j < i; j++)
            repeated = repeated || ids[j] == ids[i];
        }
      while (repeated && set_ids == NULL);
      if (repeated)
        {
          g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT,
                       "Set id %d is given twice", ids[i]);
          return NULL;
        }
    }

  if (sets == 1)
    {
      split_set (out, message, len, capacity, ids[0], 0, 0);
      return g_steal_pointer (&out);
    }
  for (size_t i = 0; i < sets; i++)
    {
      size_t part_len;

      if (i == 0 || i == sets - 1)
        part_len = one_way_linked_max (capacity);
      else
        part_len = two_way_linked_max (capacity);
      part_len = MIN (part_len, len - offset);
      split_set (out, message + offset, part_len, capacity, ids[i],
                 i > 0 ? ids[i - 1] : 0, i + 1 < sets ? ids[i + 1] : 0);
      offset += part_len;
    }
  return g_steal_pointer (&out);
}
