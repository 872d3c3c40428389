/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gateway's SQLite file: client registrations, bandwidth and the offline inbox (spec nym-gateway.md §2.1, §2.3). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _LocalnetGatewayStore LocalnetGatewayStore;

/* A stored registration; shared_key points to sodium_malloc'd memory owned by the record. */
typedef struct
{
  uint8_t *shared_key;
  uint64_t last_auth_timestamp;
  int64_t  bandwidth;
  int64_t  bandwidth_expiration; /* unix seconds; 0 = none granted */
} LocalnetGatewayClientRecord;

typedef struct
{
  int64_t id;
  GBytes *content;
} LocalnetGatewayInboxEntry;

LocalnetGatewayStore *localnet_gateway_store_open          (const char                  *path,
                                                            GError                     **error) G_GNUC_WARN_UNUSED_RESULT;
void                  localnet_gateway_store_close         (LocalnetGatewayStore        *store);

bool                  localnet_gateway_store_register      (LocalnetGatewayStore        *store,
                                                            const char                  *address,
                                                            const uint8_t                shared_key[static 32],
                                                            GError                     **error) G_GNUC_WARN_UNUSED_RESULT;
bool                  localnet_gateway_store_lookup        (LocalnetGatewayStore        *store,
                                                            const char                  *address,
                                                            LocalnetGatewayClientRecord *record,
                                                            bool                        *found,
                                                            GError                     **error) G_GNUC_WARN_UNUSED_RESULT;
void                  localnet_gateway_client_record_clear (LocalnetGatewayClientRecord *record);
bool                  localnet_gateway_store_set_auth_timestamp (LocalnetGatewayStore   *store,
                                                            const char                  *address,
                                                            uint64_t                     timestamp,
                                                            GError                     **error) G_GNUC_WARN_UNUSED_RESULT;
bool                  localnet_gateway_store_set_bandwidth (LocalnetGatewayStore        *store,
                                                            const char                  *address,
                                                            int64_t                      bandwidth,
                                                            int64_t                      expiration,
                                                            GError                     **error) G_GNUC_WARN_UNUSED_RESULT;

bool                  localnet_gateway_store_inbox_add     (LocalnetGatewayStore        *store,
                                                            const char                  *address,
                                                            const uint8_t               *content,
                                                            size_t                       len,
                                                            GError                     **error) G_GNUC_WARN_UNUSED_RESULT;
/* Up to limit entries in id order (an array of LocalnetGatewayInboxEntry, freed with g_array_unref). */
GArray               *localnet_gateway_store_inbox_fetch   (LocalnetGatewayStore        *store,
                                                            const char                  *address,
                                                            unsigned                     limit,
                                                            GError                     **error) G_GNUC_WARN_UNUSED_RESULT;
bool                  localnet_gateway_store_inbox_remove  (LocalnetGatewayStore        *store,
                                                            int64_t                      id,
                                                            GError                     **error) G_GNUC_WARN_UNUSED_RESULT;
int64_t               localnet_gateway_store_inbox_count   (LocalnetGatewayStore        *store,
                                                            const char                  *address);
/* Deletes stored messages older than cutoff (unix seconds); returns how many, or -1. */
int64_t               localnet_gateway_store_inbox_expire  (LocalnetGatewayStore        *store,
                                                            int64_t                      cutoff,
                                                            GError                     **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LocalnetGatewayStore, localnet_gateway_store_close)

G_END_DECLS
