/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymClientStore: the mixnet client's keys and gateway registrations in client.sqlite (spec nym-gateway.md §4.2). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib-object.h>

#include "gateway/nym-client-keys.h"
#include "gateway/nym-gateway-error.h"

G_BEGIN_DECLS

#define NYM_CLIENT_STORE_FILE_NAME "client.sqlite"

/*
 * The store is the file client.sqlite (mode 0600) in a directory of its own (mode 0700),
 * e.g. $XDG_DATA_HOME/nymph/mixnet. Every write is one SQLite transaction, so a crash leaves
 * either the old or the new state. Secrets are copied out of SQLite into sodium_malloc'd
 * memory, and SQLite runs with secure_delete so overwritten keys do not linger in free pages.
 */
#define NYM_TYPE_CLIENT_STORE (nym_client_store_get_type ())

G_DECLARE_FINAL_TYPE (NymClientStore, nym_client_store, NYM, CLIENT_STORE, GObject)

NymClientStore *nym_client_store_open                (const char              *directory,
                                                      GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
const char     *nym_client_store_get_path            (NymClientStore          *self);

bool            nym_client_store_load_keys           (NymClientStore          *self,
                                                      NymClientKeys          **out,
                                                      GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
bool            nym_client_store_save_keys           (NymClientStore          *self,
                                                      const NymClientKeys     *keys,
                                                      GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
NymClientKeys  *nym_client_store_ensure_keys         (NymClientStore          *self,
                                                      GError                 **error) G_GNUC_WARN_UNUSED_RESULT;

bool            nym_client_store_load_registration   (NymClientStore          *self,
                                                      const uint8_t            gateway_identity[static 32],
                                                      NymGatewayRegistration **out,
                                                      GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
bool            nym_client_store_save_registration   (NymClientStore          *self,
                                                      const NymGatewayRegistration *registration,
                                                      GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
bool            nym_client_store_remove_registration (NymClientStore          *self,
                                                      const uint8_t            gateway_identity[static 32],
                                                      GError                 **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
