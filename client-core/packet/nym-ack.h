/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Acknowledgements: ack payload encryption and SURB-ACK construction and parsing (spec nym-packet.md §19). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-node-address.h"
#include "packet/nym-packet-size.h"
#include "packet/nym-topology.h"

G_BEGIN_DECLS

#define NYM_ACK_KEY_LEN 16

bool nym_ack_payload_encrypt (const uint8_t   ack_key[static 16],
                              const uint8_t  *iv,
                              const uint8_t   fragment_id[static 5],
                              uint8_t         out[static 21]) G_GNUC_WARN_UNUSED_RESULT;
bool nym_ack_payload_decrypt (const uint8_t   ack_key[static 16],
                              const uint8_t  *payload,
                              size_t          len,
                              uint8_t         fragment_id[static 5],
                              GError        **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_surb_ack_create     (uint16_t        version,
                              const NymRoute *route,
                              const uint8_t   destination[static 32],
                              const uint64_t *delays_ns,
                              const uint8_t  *initial_secret,
                              const uint8_t   ack_key[static 16],
                              const uint8_t  *iv,
                              const uint8_t   fragment_id[static 5],
                              uint8_t         out[static NYM_SURB_ACK_LEN],
                              GError        **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_surb_ack_parse      (const uint8_t  *bytes,
                              size_t          len,
                              NymNodeAddress *first_hop,
                              const uint8_t **ack_packet,
                              GError        **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_final_payload_split (const uint8_t  *plaintext,
                              size_t          len,
                              const uint8_t **surb_ack,
                              const uint8_t **delivered,
                              size_t         *delivered_len,
                              GError        **error) G_GNUC_WARN_UNUSED_RESULT;
uint64_t nym_ack_timeout_ns  (uint64_t        forward_mix_delays_ns,
                              uint64_t        ack_mix_delays_ns);

G_END_DECLS
