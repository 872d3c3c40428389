/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The exit policy of a network requester: torrc-style accept/reject rules and their evaluation on resolved addresses (spec nym-gateway.md §5.4). */
#include "socks5/nym-nr-exit-policy.h"

#include <arpa/inet.h>
#include <string.h>

struct _NymNrExitPolicy
{
  GArray *rules; /* NymNrPolicyRule, in file order: the first rule that matches decides */
};

/* Nym's policy files prefix every rule with this keyword (common/exit-policy/src/lib.rs). */
#define EXIT_POLICY_KEYWORD "ExitPolicy"

NymNrExitPolicy *
nym_nr_exit_policy_new (void)
{
  NymNrExitPolicy *policy = g_new0 (NymNrExitPolicy, 1);

  policy->rules = g_array_new (FALSE, TRUE, sizeof (NymNrPolicyRule));
  return policy;
}

/* The policy of an open proxy: a single "accept *:*" (Nym's ExitPolicy::new_open). */
NymNrExitPolicy *
nym_nr_exit_policy_new_open (void)
{
  NymNrExitPolicy *policy = nym_nr_exit_policy_new ();
  NymNrPolicyRule rule = { .action = NYM_NR_POLICY_ACCEPT, .kind = NYM_NR_PATTERN_ANY,
                           .port_start = 1, .port_end = 65535 };

  nym_nr_exit_policy_append (policy, &rule);
  return policy;
}

NymNrExitPolicy *
nym_nr_exit_policy_copy (const NymNrExitPolicy *policy)
{
  NymNrExitPolicy *copy = nym_nr_exit_policy_new ();

  g_array_append_vals (copy->rules, policy->rules->data, policy->rules->len);
  return copy;
}

void
nym_nr_exit_policy_free (NymNrExitPolicy *policy)
{
  if (policy == NULL)
    return;
  g_array_unref (policy->rules);
  g_free (policy);
}

void
nym_nr_exit_policy_append (NymNrExitPolicy       *policy,
                           const NymNrPolicyRule *rule)
{
  g_array_append_val (policy->rules, *rule);
}

size_t
nym_nr_exit_policy_get_n_rules (const NymNrExitPolicy *policy)
{
  return policy->rules->len;
}

const NymNrPolicyRule *
nym_nr_exit_policy_get_rule (const NymNrExitPolicy *policy,
                             size_t                 index)
{
  g_return_val_if_fail (index < policy->rules->len, NULL);
  return &g_array_index (policy->rules, NymNrPolicyRule, index);
}

static bool
rules_equal (const NymNrPolicyRule *a,
             const NymNrPolicyRule *b)
{
  size_t prefix_len = a->kind == NYM_NR_PATTERN_IPV4 ? 4 : a->kind == NYM_NR_PATTERN_IPV6 ? 16 : 0;

  return a->action == b->action && a->kind == b->kind && a->mask == b->mask
         && a->port_start == b->port_start && a->port_end == b->port_end
         && memcmp (a->prefix, b->prefix, prefix_len) == 0;
}

bool
nym_nr_exit_policy_equal (const NymNrExitPolicy *a,
                          const NymNrExitPolicy *b)
{
  if (a->rules->len != b->rules->len)
    return false;
  for (guint i = 0; i < a->rules->len; i++)
    if (!rules_equal (&g_array_index (a->rules, NymNrPolicyRule, i), &g_array_index (b->rules, NymNrPolicyRule, i)))
      return false;
  return true;
}

/* Open means exactly one rule, "accept *:*", as Nym's AddressPolicy::is_open decides. */
bool
nym_nr_exit_policy_is_open (const NymNrExitPolicy *policy)
{
  const NymNrPolicyRule *rule;

  if (policy->rules->len != 1)
    return false;
  rule = &g_array_index (policy->rules, NymNrPolicyRule, 0);
  return rule->action == NYM_NR_POLICY_ACCEPT && rule->kind == NYM_NR_PATTERN_ANY
         && rule->port_start == 1 && rule->port_end == 65535;
}

/* A port as decimal digits only, 0..65535. */
static bool
parse_port (const char *text,
            size_t      len,
            uint16_t   *out)
{
  unsigned value = 0;

  if (len == 0 || len > 5)
    return false;
  for (size_t i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return false;
      value = value * 10 + (unsigned) (text[i] - '0');
    }
  if (value > 65535)
    return false;
  *out = (uint16_t) value;
  return true;
}

/* "*" is every port; "a-b" needs 1 ≤ a ≤ b; a single number may be 0, which makes a
 * "portless" rule that only matches port-less checks (port 0). */
static bool
parse_ports (const char      *text,
             NymNrPolicyRule *out,
             GError         **error)
{
  const char *dash = strchr (text, '-');

  if (strcmp (text, "*") == 0)
    {
      out->port_start = 1;
      out->port_end = 65535;
      return true;
    }
  if (dash != NULL)
    {
      uint16_t start;
      uint16_t end;

      if (!parse_port (text, (size_t) (dash - text), &start) || !parse_port (dash + 1, strlen (dash + 1), &end))
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                       "port range “%s” is not two ports 0–65535 joined by “-”", text);
          return false;
        }
      if (start == 0 || start > end)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                       "port range %u-%u is empty or starts at 0", start, end);
          return false;
        }
      out->port_start = start;
      out->port_end = end;
      return true;
    }
  if (!parse_port (text, strlen (text), &out->port_start))
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                   "port “%s” is not a number 0–65535 or “*”", text);
      return false;
    }
  out->port_end = out->port_start;
  return true;
}

bool
nym_nr_ip_address_parse (const char     *text,
                         NymNrIpAddress *out)
{
  NymNrIpAddress address = { 0 };

  if (inet_pton (AF_INET, text, address.bytes) == 1)
    address.family = 4;
  else if (inet_pton (AF_INET6, text, address.bytes) == 1)
    address.family = 6;
  else
    return false;
  *out = address;
  return true;
}

char *
nym_nr_ip_address_to_string (const NymNrIpAddress *address)
{
  char text[INET6_ADDRSTRLEN];

  if (inet_ntop (address->family == 4 ? AF_INET : AF_INET6, address->bytes, text, sizeof text) == NULL)
    return NULL;
  return g_strdup (text);
}

/* The address part of a pattern: "*", "*4", "*6" (no mask), or an address with an optional
 * "/mask"; IPv6 may be written in brackets. A mask of 0 is the family's star, as in Nym's
 * IpPattern::from_addr_and_mask; without a mask the whole address must match. */
bool
nym_nr_policy_ip_pattern_parse (const char      *text,
                                NymNrPolicyRule *out,
                                GError         **error)
{
  const char *slash = strchr (text, '/');
  g_autofree char *address_text = slash != NULL ? g_strndup (text, (gsize) (slash - text)) : g_strdup (text);
  const char *mask_text = slash != NULL ? slash + 1 : NULL;
  NymNrIpAddress address = { 0 };
  size_t address_len = strlen (address_text);
  unsigned mask;

  if (strcmp (address_text, "*") == 0 || strcmp (address_text, "*4") == 0 || strcmp (address_text, "*6") == 0)
    {
      if (mask_text != NULL)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                       "“%s” cannot take a mask (“/%s”)", address_text, mask_text);
          return false;
        }
      out->kind = address_text[1] == '\0' ? NYM_NR_PATTERN_ANY
                  : address_text[1] == '4' ? NYM_NR_PATTERN_ANY_IPV4 : NYM_NR_PATTERN_ANY_IPV6;
      out->mask = 0;
      memset (out->prefix, 0, sizeof out->prefix);
      return true;
    }

  if (address_len >= 2 && address_text[0] == '[' && address_text[address_len - 1] == ']')
    {
      address_text[address_len - 1] = '\0';
      if (inet_pton (AF_INET6, address_text + 1, address.bytes) != 1)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                       "“%s]” is not an IPv6 address in brackets", address_text);
          return false;
        }
      address.family = 6;
    }
  else if (!nym_nr_ip_address_parse (address_text, &address))
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                   "“%s” is not an IP address, “*”, “*4” or “*6”", address_text);
      return false;
    }

  mask = address.family == 4 ? 32 : 128;
  if (mask_text != NULL)
    {
      uint16_t value;

      if (!parse_port (mask_text, strlen (mask_text), &value) || value > (address.family == 4 ? 32 : 128))
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                       "mask “%s” is not a number 0–%u for an IPv%u address", mask_text,
                       address.family == 4 ? 32 : 128, address.family);
          return false;
        }
      mask = value;
    }

  memset (out->prefix, 0, sizeof out->prefix);
  if (mask == 0)
    {
      out->kind = address.family == 4 ? NYM_NR_PATTERN_ANY_IPV4 : NYM_NR_PATTERN_ANY_IPV6;
      out->mask = 0;
      return true;
    }
  out->kind = address.family == 4 ? NYM_NR_PATTERN_IPV4 : NYM_NR_PATTERN_IPV6;
  out->mask = (uint8_t) mask;
  memcpy (out->prefix, address.bytes, address.family == 4 ? 4 : 16);
  return true;
}

/* "address-pattern:ports", split at the last colon so that unbracketed IPv6 works too. */
bool
nym_nr_policy_pattern_parse (const char      *text,
                             NymNrPolicyRule *out,
                             GError         **error)
{
  const char *colon = strrchr (text, ':');
  g_autofree char *ip_text = NULL;
  NymNrPolicyRule rule = *out;

  if (colon == NULL || colon[1] == '\0' || colon == text)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                   "“%s” is not of the form address:port", text);
      return false;
    }
  ip_text = g_strndup (text, (gsize) (colon - text));
  if (!nym_nr_policy_ip_pattern_parse (ip_text, &rule, error) || !parse_ports (colon + 1, &rule, error))
    return false;
  *out = rule;
  return true;
}

/* One rule: "accept|reject|accept6|reject6 pattern". */
bool
nym_nr_policy_rule_parse (const char      *text,
                          NymNrPolicyRule *out,
                          GError         **error)
{
  static const char *actions[] = { "accept", "reject", "accept6", "reject6" };
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *space = copy;
  NymNrPolicyRule rule = { 0 };
  bool found = false;

  while (*space != '\0' && !g_ascii_isspace (*space))
    space++;
  if (*space == '\0')
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                   "rule “%s” needs an action and a pattern, as in “accept *:443”", copy);
      return false;
    }
  *space++ = '\0';
  for (size_t i = 0; i < G_N_ELEMENTS (actions); i++)
    if (strcmp (copy, actions[i]) == 0)
      {
        rule.action = (NymNrPolicyAction) i;
        found = true;
      }
  if (!found)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                   "“%s” is not a policy action (accept, reject, accept6 or reject6)", copy);
      return false;
    }
  if (!nym_nr_policy_pattern_parse (g_strstrip (space), &rule, error))
    return false;
  *out = rule;
  return true;
}

bool
nym_nr_exit_policy_add_rule (NymNrExitPolicy *policy,
                             const char      *rule_text,
                             GError         **error)
{
  NymNrPolicyRule rule;

  if (!nym_nr_policy_rule_parse (rule_text, &rule, error))
    return false;
  nym_nr_exit_policy_append (policy, &rule);
  return true;
}

/*
 * The torrc-style file (§5.4; Nym's parse_exit_policy): one rule per line, “#” starts a
 * comment anywhere on a line, blank lines are skipped, and each rule may carry Nym's
 * “ExitPolicy ” prefix (Nym requires it; plain torrc-like lists often omit it). As in torrc,
 * one line may hold several rules separated by commas. The whole text fails on the first bad
 * rule, naming its line.
 */
NymNrExitPolicy *
nym_nr_exit_policy_parse (const char *text,
                          gssize      len,
                          GError    **error)
{
  g_autoptr(NymNrExitPolicy) policy = nym_nr_exit_policy_new ();
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  if (len < 0)
    len = (gssize) strlen (text);
  if (len == 0)
    return g_steal_pointer (&policy);
  if (memchr (text, '\0', (size_t) len) != NULL || !g_utf8_validate (text, len, NULL))
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                   "the exit policy (%" G_GSSIZE_FORMAT " bytes) is not UTF-8 text", len);
      return NULL;
    }
  copy = g_strndup (text, (gsize) len);
  lines = g_strsplit (copy, "\n", -1);
  for (size_t line_no = 0; lines[line_no] != NULL; line_no++)
    {
      char *line = lines[line_no];
      char *comment = strchr (line, '#');
      g_auto(GStrv) entries = NULL;

      if (comment != NULL)
        *comment = '\0';
      g_strstrip (line);
      if (*line == '\0')
        continue;
      if (g_str_has_prefix (line, EXIT_POLICY_KEYWORD) && g_ascii_isspace (line[strlen (EXIT_POLICY_KEYWORD)]))
        line = g_strchug (line + strlen (EXIT_POLICY_KEYWORD));
      entries = g_strsplit (line, ",", -1);
      for (size_t i = 0; entries[i] != NULL; i++)
        {
          g_autoptr(GError) local_error = NULL;

          if (!nym_nr_exit_policy_add_rule (policy, entries[i], &local_error))
            {
              g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY,
                           "exit policy line %zu: %s", line_no + 1, local_error->message);
              return NULL;
            }
        }
    }
  return g_steal_pointer (&policy);
}

char *
nym_nr_policy_ip_pattern_to_string (const NymNrPolicyRule *rule)
{
  char text[INET6_ADDRSTRLEN];

  switch (rule->kind)
    {
    case NYM_NR_PATTERN_ANY:
      return g_strdup ("*");
    case NYM_NR_PATTERN_ANY_IPV4:
      return g_strdup ("*4");
    case NYM_NR_PATTERN_ANY_IPV6:
      return g_strdup ("*6");
    case NYM_NR_PATTERN_IPV4:
    case NYM_NR_PATTERN_IPV6:
      if (inet_ntop (rule->kind == NYM_NR_PATTERN_IPV4 ? AF_INET : AF_INET6, rule->prefix, text, sizeof text) == NULL)
        return NULL;
      return g_strdup_printf ("%s/%u", text, rule->mask);
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Nym's Display forms: "accept 1.2.3.0/24:80-81", "*" for all ports. */
char *
nym_nr_policy_rule_to_string (const NymNrPolicyRule *rule)
{
  static const char *actions[] = { "accept", "reject", "accept6", "reject6" };
  g_autofree char *ip = nym_nr_policy_ip_pattern_to_string (rule);

  if (rule->port_start == 1 && rule->port_end == 65535)
    return g_strdup_printf ("%s %s:*", actions[rule->action], ip);
  if (rule->port_start == rule->port_end)
    return g_strdup_printf ("%s %s:%u", actions[rule->action], ip, rule->port_start);
  return g_strdup_printf ("%s %s:%u-%u", actions[rule->action], ip, rule->port_start, rule->port_end);
}

char *
nym_nr_exit_policy_to_string (const NymNrExitPolicy *policy)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < policy->rules->len; i++)
    {
      g_autofree char *rule = nym_nr_policy_rule_to_string (&g_array_index (policy->rules, NymNrPolicyRule, i));

      g_string_append_printf (text, "%s" EXIT_POLICY_KEYWORD " %s", i > 0 ? "\n" : "", rule);
    }
  return g_string_free (text, FALSE);
}

static bool
prefix_matches (const uint8_t *prefix,
                const uint8_t *address,
                unsigned       mask)
{
  unsigned whole = mask / 8;
  unsigned rest = mask % 8;

  if (memcmp (prefix, address, whole) != 0)
    return false;
  if (rest == 0)
    return true;
  return ((prefix[whole] ^ address[whole]) & (uint8_t) (0xff << (8 - rest))) == 0;
}

/* A check with port 0 ignores the ports, as Nym's AddressPortPattern::matches does. */
bool
nym_nr_policy_rule_matches (const NymNrPolicyRule *rule,
                            const NymNrIpAddress  *address,
                            uint16_t               port)
{
  bool address_matches;

  switch (rule->kind)
    {
    case NYM_NR_PATTERN_ANY:
      address_matches = true;
      break;
    case NYM_NR_PATTERN_ANY_IPV4:
      address_matches = address->family == 4;
      break;
    case NYM_NR_PATTERN_ANY_IPV6:
      address_matches = address->family == 6;
      break;
    case NYM_NR_PATTERN_IPV4:
      address_matches = address->family == 4 && prefix_matches (rule->prefix, address->bytes, rule->mask);
      break;
    case NYM_NR_PATTERN_IPV6:
      address_matches = address->family == 6 && prefix_matches (rule->prefix, address->bytes, rule->mask);
      break;
    default:
      address_matches = false;
      break;
    }
  if (!address_matches)
    return false;
  return port == 0 || (rule->port_start <= port && port <= rule->port_end);
}

/*
 * Whether an address is globally routable, with the ranges of Nym's is_global_ip
 * (common/bin-common/src/ip_check): an exit refuses everything else unless it allows local
 * addresses, so that nobody can use it to reach its own loopback or private network.
 */
bool
nym_nr_ip_address_is_global (const NymNrIpAddress *address)
{
  const uint8_t *b = address->bytes;

  if (address->family == 4)
    {
      bool broadcast = b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255;

      return !(b[0] == 0                                                /* this network */
               || b[0] == 10                                            /* private */
               || (b[0] == 172 && (b[1] & 0xf0) == 16)                  /* private */
               || (b[0] == 192 && b[1] == 168)                          /* private */
               || (b[0] == 100 && (b[1] & 0xc0) == 64)                  /* shared, RFC 6598 */
               || b[0] == 127                                           /* loopback */
               || (b[0] == 169 && b[1] == 254)                          /* link local */
               || (b[0] == 192 && b[1] == 0 && b[2] == 0 && b[3] != 9 && b[3] != 10)
               || (b[0] == 192 && b[1] == 0 && b[2] == 2)               /* documentation */
               || (b[0] == 198 && b[1] == 51 && b[2] == 100)
               || (b[0] == 203 && b[1] == 0 && b[2] == 113)
               || (b[0] == 198 && (b[1] & 0xfe) == 18)                  /* benchmarking */
               || ((b[0] & 0xf0) == 0xf0)                               /* reserved and broadcast */
               || broadcast);
    }
  else
    {
      static const uint8_t unspecified[16] = { 0 };
      static const uint8_t loopback[16] = { [15] = 1 };
      static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
      static const uint8_t orchid_1[16] = { 0x20, 0x01, 0, 0x01, [15] = 1 };
      static const uint8_t orchid_2[16] = { 0x20, 0x01, 0, 0x01, [15] = 2 };
      unsigned segment0 = (unsigned) (b[0] << 8 | b[1]);
      unsigned segment1 = (unsigned) (b[2] << 8 | b[3]);
      unsigned segment2 = (unsigned) (b[4] << 8 | b[5]);
      unsigned segment3 = (unsigned) (b[6] << 8 | b[7]);
      bool ietf_reserved = segment0 == 0x2001 && segment1 < 0x200
                           && !(memcmp (b, orchid_1, 16) == 0 || memcmp (b, orchid_2, 16) == 0
                                || segment1 == 3
                                || (segment1 == 4 && segment2 == 0x112)
                                || (segment1 >= 0x20 && segment1 <= 0x3f));

      return !(memcmp (b, unspecified, 16) == 0
               || memcmp (b, loopback, 16) == 0
               || memcmp (b, mapped, 12) == 0                                   /* IPv4-mapped */
               || (segment0 == 0x64 && segment1 == 0xff9b && segment2 == 1)     /* local NAT64 */
               || (segment0 == 0x100 && segment1 == 0 && segment2 == 0 && segment3 == 0) /* discard */
               || ietf_reserved
               || segment0 == 0x2002                                            /* 6to4 */
               || (segment0 == 0x2001 && segment1 == 0xdb8)                     /* documentation */
               || (b[0] & 0xfe) == 0xfc                                         /* unique local */
               || (segment0 & 0xffc0) == 0xfe80);                               /* link local */
    }
}

/*
 * The verdict for one resolved address (§5.4). Non-global addresses are refused first unless
 * allow_local is set (the localnet needs 127.0.0.1); then the first rule that matches decides,
 * and an address that no rule covers is rejected: the default is to reject.
 */
NymNrVerdict
nym_nr_exit_policy_evaluate (const NymNrExitPolicy *policy,
                             const NymNrIpAddress  *address,
                             uint16_t               port,
                             bool                   allow_local)
{
  if (!allow_local && !nym_nr_ip_address_is_global (address))
    return NYM_NR_VERDICT_NOT_GLOBAL;
  for (guint i = 0; i < policy->rules->len; i++)
    {
      const NymNrPolicyRule *rule = &g_array_index (policy->rules, NymNrPolicyRule, i);

      if (nym_nr_policy_rule_matches (rule, address, port))
        return rule->action == NYM_NR_POLICY_ACCEPT || rule->action == NYM_NR_POLICY_ACCEPT6
                 ? NYM_NR_VERDICT_ACCEPT : NYM_NR_VERDICT_REJECT;
    }
  return NYM_NR_VERDICT_NOT_COVERED;
}

/*
 * The check the exit makes after resolving a host name: as in Nym's request filter, every
 * address the name resolved to must be allowed, and a name that resolved to nothing is
 * refused.
 */
bool
nym_nr_exit_policy_allows (const NymNrExitPolicy *policy,
                           const NymNrIpAddress  *addresses,
                           size_t                 n_addresses,
                           uint16_t               port,
                           bool                   allow_local,
                           GError               **error)
{
  if (n_addresses == 0)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                   "no resolved address to check against the exit policy (port %u)", port);
      return false;
    }
  for (size_t i = 0; i < n_addresses; i++)
    {
      NymNrVerdict verdict = nym_nr_exit_policy_evaluate (policy, &addresses[i], port, allow_local);
      g_autofree char *text = NULL;
      const char *why;

      if (verdict == NYM_NR_VERDICT_ACCEPT)
        continue;
      why = verdict == NYM_NR_VERDICT_REJECT ? "a reject rule matches it"
            : verdict == NYM_NR_VERDICT_NOT_COVERED ? "no rule covers it"
            : "it is not a global address";
      text = nym_nr_ip_address_to_string (&addresses[i]);
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_REJECTED_BY_POLICY,
                   "the exit policy does not allow %s%s%s port %u: %s",
                   addresses[i].family == 6 ? "[" : "", text, addresses[i].family == 6 ? "]" : "", port, why);
      return false;
    }
  return true;
}
