/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The runtime-thread side of NymClientRuntime for code that lives on that thread (the SOCKS5 proxy, the exit): hooks and direct queueing. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <gio/gio.h>

#include "runtime/nym-client-runtime.h"

G_BEGIN_DECLS

/*
 * Called on the runtime thread. Every member may be NULL.
 */
typedef struct
{
  /* Every complete message; sender_tag as in the event (16 bytes or NULL). Return true if
   * consumed: then no MESSAGE event is reported. */
  bool (*message) (const uint8_t *sender_tag,
                   GBytes        *data,
                   gpointer       user_data);
  /* Every state change (after the runtime's own state changed). */
  void (*state)   (NymClientState state,
                   gpointer       user_data);
  /* The send queue fell to NYM_CLIENT_RUNTIME_LOW_WATER or below after having been above
   * NYM_CLIENT_RUNTIME_HIGH_WATER. */
  void (*drained) (gpointer       user_data);
} NymClientRuntimeHooks;

/* The context the runtime thread runs; sources attached to it run on that thread. */
GMainContext *nym_client_runtime_get_context   (NymClientRuntime            *self);
/* Replaces the hooks (copied); hooks == NULL removes them. Runtime thread only. */
void          nym_client_runtime_set_hooks     (NymClientRuntime            *self,
                                                const NymClientRuntimeHooks *hooks,
                                                gpointer                     user_data);
/* Fragments and queues data at once. reply_surbs == 0: a Plain message; > 0: Repliable with
 * that many reply SURBs (made from the topology, so before the runtime is first ready such a
 * message, and what is queued after it, waits until it is). Runtime thread only. */
void          nym_client_runtime_queue_message (NymClientRuntime            *self,
                                                const NymRecipient          *recipient,
                                                GBytes                      *data,
                                                guint                        reply_surbs);
/* Queues a reply to the anonymous sender with sender_tag; it waits for more SURBs when those
 * held run short (counted by get_reply_backlog(), not get_queued()). An unknown tag is reported in a STATE event's
 * error message and queues nothing. Runtime thread only. */
void          nym_client_runtime_queue_reply   (NymClientRuntime            *self,
                                                const uint8_t                sender_tag[static 16],
                                                GBytes                      *data);

G_END_DECLS
