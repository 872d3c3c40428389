/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sphinx payload: padding, layered LIONESS encryption and plaintext recovery (nym-packet.md §9). */
#pragma once

#include "sphinx/nym-sphinx.h"

G_BEGIN_DECLS

/* Writes 0x00×16 ‖ message ‖ 0x01 ‖ 0x00… (payload_size bytes) into payload and encrypts it
 * with the hops' keys, last hop first, so that hop 0 removes the outermost layer. */
bool nym_sphinx_payload_encapsulate   (const uint8_t *message,
                                       size_t         message_len,
                                       const uint8_t  keys[][NYM_SPHINX_PAYLOAD_KEY_SIZE],
                                       size_t         n_keys,
                                       uint8_t       *payload,
                                       size_t         payload_size,
                                       GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Removes the layers of n_keys hops in route order, as the hops themselves would. */
bool nym_sphinx_payload_unwrap_layers (const uint8_t  keys[][NYM_SPHINX_PAYLOAD_KEY_SIZE],
                                       size_t         n_keys,
                                       uint8_t       *payload,
                                       size_t         payload_size,
                                       GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Checks the 16 leading zero bytes of a fully decrypted payload and finds the message: it
 * starts at byte 16 and ends before the last 0x01. */
bool nym_sphinx_payload_recover       (const uint8_t *payload,
                                       size_t         payload_size,
                                       size_t        *message_offset,
                                       size_t        *message_len,
                                       GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
