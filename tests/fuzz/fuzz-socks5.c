/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: the SOCKS handshake parser never faults, and feeding the same bytes whole or
 * in pieces gives the same outcome, replies and request. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "socks5/nym-socks-handshake.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct
{
  NymSocksStep step;
  size_t       consumed;
  GByteArray  *reply;
  char        *target;
  char        *user_id;
} Outcome;

static Outcome
run (const uint8_t *data,
     size_t         size,
     size_t         piece)
{
  g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
  Outcome outcome = { NYM_SOCKS_STEP_NEED_MORE, 0, g_byte_array_new (), NULL, NULL };
  size_t offset = 0;

  while (offset < size && outcome.step == NYM_SOCKS_STEP_NEED_MORE)
    {
      g_autoptr(GError) error = NULL;
      size_t n = MIN (piece, size - offset);
      size_t consumed = 0;

      outcome.step = nym_socks_handshake_feed (handshake, data + offset, n, &consumed, outcome.reply, &error);
      if (consumed > n || (outcome.step == NYM_SOCKS_STEP_FAILED) != (error != NULL))
        abort ();
      outcome.consumed += consumed;
      offset += n;
    }
  if (outcome.step == NYM_SOCKS_STEP_REQUEST)
    {
      const NymSocksRequest *request = nym_socks_handshake_get_request (handshake);

      if (request == NULL || request->host == NULL || strlen (request->host) == 0)
        abort ();
      outcome.target = nym_socks_request_to_target (request);
      outcome.user_id = g_strdup (request->user_id);
    }
  return outcome;
}

static void
outcome_clear (Outcome *outcome)
{
  g_byte_array_unref (outcome->reply);
  g_free (outcome->target);
  g_free (outcome->user_id);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  Outcome whole = run (data, size, size > 0 ? size : 1);
  Outcome bytes = run (data, size, 1);
  Outcome split = run (data, size, size > 0 ? 1 + data[0] % 7 : 1);
  Outcome *others[2] = { &bytes, &split };

  for (size_t i = 0; i < 2; i++)
    {
      Outcome *other = others[i];

      if (other->step != whole.step || other->reply->len != whole.reply->len
          || (whole.reply->len > 0 && memcmp (other->reply->data, whole.reply->data, whole.reply->len) != 0)
          || g_strcmp0 (other->target, whole.target) != 0 || g_strcmp0 (other->user_id, whole.user_id) != 0)
        abort ();
      /* Once the request is complete the bytes after it are left alone, whatever the split. */
      if (whole.step == NYM_SOCKS_STEP_REQUEST && other->consumed != whole.consumed)
        abort ();
    }
  outcome_clear (&whole);
  outcome_clear (&bytes);
  outcome_clear (&split);
  return 0;
}
