/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The exit policy of a network requester: torrc-style accept/reject rules and their evaluation on resolved addresses (spec nym-gateway.md §5.4). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "socks5/nym-socks-error.h"

G_BEGIN_DECLS

/* The values are the bincode variant indices of Nym's AddressPolicyAction. */
typedef enum
{
  NYM_NR_POLICY_ACCEPT  = 0,
  NYM_NR_POLICY_REJECT  = 1,
  NYM_NR_POLICY_ACCEPT6 = 2,
  NYM_NR_POLICY_REJECT6 = 3,
} NymNrPolicyAction;

typedef enum
{
  NYM_NR_PATTERN_ANY,      /* "*" */
  NYM_NR_PATTERN_ANY_IPV4, /* "*4", also a v4 prefix with mask 0 */
  NYM_NR_PATTERN_ANY_IPV6, /* "*6", also a v6 prefix with mask 0 */
  NYM_NR_PATTERN_IPV4,     /* prefix/mask, mask 1..32 */
  NYM_NR_PATTERN_IPV6,     /* prefix/mask, mask 1..128 */
} NymNrPatternKind;

typedef struct
{
  NymNrPolicyAction action;
  NymNrPatternKind  kind;
  uint8_t           prefix[16]; /* 4 bytes used for IPv4 */
  uint8_t           mask;
  uint16_t          port_start; /* 1..65535, or 0 with port_end 0 for a "portless" rule */
  uint16_t          port_end;
} NymNrPolicyRule;

typedef struct
{
  uint8_t family;    /* 4 or 6 */
  uint8_t bytes[16]; /* 4 bytes used for IPv4 */
} NymNrIpAddress;

typedef enum
{
  NYM_NR_VERDICT_ACCEPT,
  NYM_NR_VERDICT_REJECT,          /* a reject rule matched first */
  NYM_NR_VERDICT_NOT_COVERED,     /* no rule matched: rejected by default */
  NYM_NR_VERDICT_NOT_GLOBAL,      /* loopback, private or otherwise non-global, and not allowed */
} NymNrVerdict;

typedef struct _NymNrExitPolicy NymNrExitPolicy;

NymNrExitPolicy       *nym_nr_exit_policy_new          (void);
NymNrExitPolicy       *nym_nr_exit_policy_new_open     (void);
NymNrExitPolicy       *nym_nr_exit_policy_copy         (const NymNrExitPolicy *policy);
void                   nym_nr_exit_policy_free         (NymNrExitPolicy       *policy);
NymNrExitPolicy       *nym_nr_exit_policy_parse        (const char            *text,
                                                        gssize                 len,
                                                        GError               **error) G_GNUC_WARN_UNUSED_RESULT;
bool                   nym_nr_exit_policy_add_rule     (NymNrExitPolicy       *policy,
                                                        const char            *rule,
                                                        GError               **error) G_GNUC_WARN_UNUSED_RESULT;
void                   nym_nr_exit_policy_append       (NymNrExitPolicy       *policy,
                                                        const NymNrPolicyRule *rule);
size_t                 nym_nr_exit_policy_get_n_rules  (const NymNrExitPolicy *policy);
const NymNrPolicyRule *nym_nr_exit_policy_get_rule     (const NymNrExitPolicy *policy,
                                                        size_t                 index);
bool                   nym_nr_exit_policy_is_open      (const NymNrExitPolicy *policy);
bool                   nym_nr_exit_policy_equal        (const NymNrExitPolicy *a,
                                                        const NymNrExitPolicy *b);
char                  *nym_nr_exit_policy_to_string    (const NymNrExitPolicy *policy) G_GNUC_WARN_UNUSED_RESULT;
NymNrVerdict           nym_nr_exit_policy_evaluate     (const NymNrExitPolicy *policy,
                                                        const NymNrIpAddress  *address,
                                                        uint16_t               port,
                                                        bool                   allow_local);
bool                   nym_nr_exit_policy_allows       (const NymNrExitPolicy *policy,
                                                        const NymNrIpAddress  *addresses,
                                                        size_t                 n_addresses,
                                                        uint16_t               port,
                                                        bool                   allow_local,
                                                        GError               **error) G_GNUC_WARN_UNUSED_RESULT;

bool                   nym_nr_policy_rule_parse        (const char            *text,
                                                        NymNrPolicyRule       *out,
                                                        GError               **error) G_GNUC_WARN_UNUSED_RESULT;
bool                   nym_nr_policy_pattern_parse     (const char            *text,
                                                        NymNrPolicyRule       *out,
                                                        GError               **error) G_GNUC_WARN_UNUSED_RESULT;
bool                   nym_nr_policy_ip_pattern_parse  (const char            *text,
                                                        NymNrPolicyRule       *out,
                                                        GError               **error) G_GNUC_WARN_UNUSED_RESULT;
char                  *nym_nr_policy_ip_pattern_to_string (const NymNrPolicyRule *rule) G_GNUC_WARN_UNUSED_RESULT;
char                  *nym_nr_policy_rule_to_string    (const NymNrPolicyRule *rule) G_GNUC_WARN_UNUSED_RESULT;
bool                   nym_nr_policy_rule_matches      (const NymNrPolicyRule *rule,
                                                        const NymNrIpAddress  *address,
                                                        uint16_t               port);

bool                   nym_nr_ip_address_parse         (const char            *text,
                                                        NymNrIpAddress        *out);
char                  *nym_nr_ip_address_to_string     (const NymNrIpAddress  *address) G_GNUC_WARN_UNUSED_RESULT;
bool                   nym_nr_ip_address_is_global     (const NymNrIpAddress  *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymNrExitPolicy, nym_nr_exit_policy_free)

G_END_DECLS
