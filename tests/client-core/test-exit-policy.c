/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests exit policy parsing and evaluation: rules, masks, port ranges, IPv6, default reject and local addresses (spec nym-gateway.md §5.4). */
#include "socks5/nym-nr-exit-policy.h"
#include "socks-test-util.h"

#include <stdlib.h>

typedef struct
{
  NymNrExitPolicy *policy;
  GKeyFile        *vectors;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  g_autofree char *path = srcdir != NULL ? g_build_filename (srcdir, "data", "exit-policy.txt", NULL)
                                         : g_test_build_filename (G_TEST_DIST, "..", "data", "exit-policy.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  fixture->policy = nym_nr_exit_policy_parse (text, (gssize) len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->policy);
  fixture->vectors = socks_test_vectors ("exit-policy.vectors");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  nym_nr_exit_policy_free (fixture->policy);
  g_key_file_unref (fixture->vectors);
}

static NymNrIpAddress
address (const char *text)
{
  NymNrIpAddress out;

  g_assert_true (nym_nr_ip_address_parse (text, &out));
  return out;
}

static void
test_file_rules (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const NymNrPolicyRule *rule;

  g_assert_cmpuint (nym_nr_exit_policy_get_n_rules (fixture->policy), ==,
                    socks_test_vector_u64 (fixture->vectors, "exit-policy", "rules"));
  rule = nym_nr_exit_policy_get_rule (fixture->policy, 0);
  g_assert_cmpint (rule->action, ==, NYM_NR_POLICY_REJECT);
  g_assert_cmpint (rule->kind, ==, NYM_NR_PATTERN_IPV4);
  g_assert_cmpuint (rule->mask, ==, 32);
  g_assert_cmpuint (rule->port_start, ==, 1);
  g_assert_cmpuint (rule->port_end, ==, 65535);
  rule = nym_nr_exit_policy_get_rule (fixture->policy, 2);
  g_assert_cmpuint (rule->mask, ==, 23);
  g_assert_cmpuint (rule->port_start, ==, 1000);
  g_assert_cmpuint (rule->port_end, ==, 1999);
  rule = nym_nr_exit_policy_get_rule (fixture->policy, 5);
  g_assert_cmpint (rule->action, ==, NYM_NR_POLICY_ACCEPT6);
  g_assert_cmpint (rule->kind, ==, NYM_NR_PATTERN_ANY_IPV6);
  rule = nym_nr_exit_policy_get_rule (fixture->policy, 8);
  g_assert_cmpint (rule->kind, ==, NYM_NR_PATTERN_IPV6);
  g_assert_cmpuint (rule->mask, ==, 128);
  rule = nym_nr_exit_policy_get_rule (fixture->policy, 12);
  g_assert_cmpint (rule->action, ==, NYM_NR_POLICY_REJECT);
  g_assert_cmpint (rule->kind, ==, NYM_NR_PATTERN_ANY_IPV4);
  g_assert_cmpuint (rule->port_start, ==, 0);
  g_assert_cmpuint (rule->port_end, ==, 0);
  /* A mask of 0 is the family's star. */
  rule = nym_nr_exit_policy_get_rule (fixture->policy, 15);
  g_assert_cmpint (rule->kind, ==, NYM_NR_PATTERN_ANY_IPV4);
  rule = nym_nr_exit_policy_get_rule (fixture->policy, 16);
  g_assert_cmpint (rule->kind, ==, NYM_NR_PATTERN_ANY_IPV6);
  g_assert_false (nym_nr_exit_policy_is_open (fixture->policy));
}

/* Every verdict of exit-policy.vectors. */
static void
test_file_verdicts (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) checks = NULL;

  g_key_file_set_list_separator (fixture->vectors, ';');
  checks = g_key_file_get_string_list (fixture->vectors, "exit-policy", "checks", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (checks), >=, 30);
  for (size_t i = 0; checks[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (checks[i], " ", -1);
      NymNrIpAddress target;
      NymNrVerdict expected;
      guint64 port;

      g_assert_cmpuint (g_strv_length (parts), ==, 3);
      target = address (parts[0]);
      g_assert_true (g_ascii_string_to_unsigned (parts[1], 10, 0, 65535, &port, NULL));
      expected = g_str_equal (parts[2], "accept") ? NYM_NR_VERDICT_ACCEPT
                 : g_str_equal (parts[2], "reject") ? NYM_NR_VERDICT_REJECT : NYM_NR_VERDICT_NOT_COVERED;
      g_test_message ("%s", checks[i]);
      g_assert_cmpint (nym_nr_exit_policy_evaluate (fixture->policy, &target, (uint16_t) port, true), ==, expected);
    }
}

/* Writing the policy out in Nym's form and reading it back gives the same rules. */
static void
test_to_string (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *text = nym_nr_exit_policy_to_string (fixture->policy);
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrExitPolicy) again = nym_nr_exit_policy_parse (text, -1, &error);
  g_autoptr(NymNrExitPolicy) copy = nym_nr_exit_policy_copy (fixture->policy);
  g_autoptr(NymNrExitPolicy) open = nym_nr_exit_policy_new_open ();
  g_autofree char *open_text = nym_nr_exit_policy_to_string (open);

  g_assert_no_error (error);
  g_assert_true (nym_nr_exit_policy_equal (again, fixture->policy));
  g_assert_true (nym_nr_exit_policy_equal (copy, fixture->policy));
  g_assert_false (nym_nr_exit_policy_equal (open, fixture->policy));
  g_assert_true (g_str_has_prefix (text, "ExitPolicy reject 10.9.8.7/32:*\nExitPolicy reject 203.0.113.0/24:25\n"));
  g_assert_nonnull (strstr (text, "ExitPolicy reject 198.51.100.0/23:1000-1999\n"));
  g_assert_nonnull (strstr (text, "ExitPolicy reject6 fc00::/7:*\n"));
  g_assert_nonnull (strstr (text, "ExitPolicy reject *4:0\n"));
  g_assert_cmpstr (open_text, ==, "ExitPolicy accept *:*");
  g_assert_true (nym_nr_exit_policy_is_open (open));
}

/* Patterns and what they match, one rule at a time. */
static void
test_patterns (void)
{
  static const struct { const char *pattern; const char *yes; const char *no; } cases[] = {
    { "1.2.3.4/16:80", "1.2.3.4:80 1.2.44.55:80", "9.9.9.9:80 1.3.3.4:80 1.2.3.4:81" },
    { "*:443-8000", "1.2.3.4:443 ::1:500 1.2.3.4:8000", "9.0.0.0:80 ::1:80 1.2.3.4:8001" },
    { "[face::]/8:80", "fab0::7:80", "dd00:::80 face::7:443" },
    { "0.0.0.0/0:*", "127.0.0.1:80", "f00b:::80" },
    { "[::]/0:*", "f00b:::80", "127.0.0.1:80" },
    { "*:0", "1.2.3.4:0 ::1:0", "1.2.3.4:443 ::1:80" },
    { "*4:0", "1.2.3.4:0", "1.2.3.4:443 ::1:0" },
    { "*6:0", "::1:0", "::1:80 1.2.3.4:0" },
    { "192.168.0.0/17:1-1", "192.168.127.255:1", "192.168.128.0:1 192.168.0.1:2" },
    { "2001:db8::/33:65535", "2001:db8:7fff::1:65535", "2001:db8:8000::1:65535" },
    { "10.0.0.1:*", "10.0.0.1:1 10.0.0.1:65535", "10.0.0.2:1" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      NymNrPolicyRule rule = { .action = NYM_NR_POLICY_ACCEPT };

      g_test_message ("%s", cases[i].pattern);
      g_assert_true (nym_nr_policy_pattern_parse (cases[i].pattern, &rule, &error));
      g_assert_no_error (error);
      for (int want = 1; want >= 0; want--)
        {
          g_auto(GStrv) targets = g_strsplit (want ? cases[i].yes : cases[i].no, " ", -1);

          for (size_t t = 0; targets[t] != NULL; t++)
            {
              char *colon = strrchr (targets[t], ':');
              NymNrIpAddress target;

              *colon = '\0';
              target = address (targets[t]);
              g_assert_cmpint (nym_nr_policy_rule_matches (&rule, &target, (uint16_t) atoi (colon + 1)), ==, want);
            }
        }
    }
}

/* First match wins, and what no rule covers is rejected. */
static void
test_first_match_and_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrExitPolicy) policy = nym_nr_exit_policy_parse ("accept *:443\naccept [::1]:80\nreject *:80\naccept *:0", -1, &error);
  g_autoptr(NymNrExitPolicy) empty = nym_nr_exit_policy_parse ("# nothing\n\n   \n", -1, &error);
  NymNrIpAddress v6 = address ("::6");
  NymNrIpAddress one = address ("::1");
  NymNrIpAddress two = address ("::2");
  NymNrIpAddress local = address ("127.0.0.1");

  g_assert_no_error (error);
  g_assert_cmpint (nym_nr_exit_policy_evaluate (policy, &v6, 443, true), ==, NYM_NR_VERDICT_ACCEPT);
  g_assert_cmpint (nym_nr_exit_policy_evaluate (policy, &local, 443, true), ==, NYM_NR_VERDICT_ACCEPT);
  g_assert_cmpint (nym_nr_exit_policy_evaluate (policy, &one, 80, true), ==, NYM_NR_VERDICT_ACCEPT);
  g_assert_cmpint (nym_nr_exit_policy_evaluate (policy, &two, 80, true), ==, NYM_NR_VERDICT_REJECT);
  g_assert_cmpint (nym_nr_exit_policy_evaluate (policy, &local, 80, true), ==, NYM_NR_VERDICT_REJECT);
  g_assert_cmpint (nym_nr_exit_policy_evaluate (policy, &local, 66, true), ==, NYM_NR_VERDICT_NOT_COVERED);
  g_assert_cmpint (nym_nr_exit_policy_evaluate (policy, &local, 0, true), ==, NYM_NR_VERDICT_ACCEPT);
  g_assert_cmpuint (nym_nr_exit_policy_get_n_rules (empty), ==, 0);
  g_assert_cmpint (nym_nr_exit_policy_evaluate (empty, &v6, 443, true), ==, NYM_NR_VERDICT_NOT_COVERED);
}

/* Local addresses: refused before any rule unless allowed (the localnet allows them). */
static void
test_local_addresses (void)
{
  static const char *local[] = { "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                                 "169.254.1.1", "100.64.0.1", "0.0.0.0", "0.1.2.3", "192.0.0.1", "192.0.2.1",
                                 "198.51.100.7", "203.0.113.7", "198.18.0.1", "198.19.255.255", "240.0.0.1",
                                 "255.255.255.255", "::", "::1", "fe80::1", "febf::1", "fc00::1", "fdff::1",
                                 "::ffff:127.0.0.1", "::ffff:8.8.8.8", "2001:db8::1", "2002::1", "64:ff9b:1::1",
                                 "100::1", "2001:2::1" };
  static const char *global[] = { "1.1.1.1", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.0.0.9",
                                  "192.0.0.10", "198.20.0.1", "223.255.255.255", "2606:4700::1111", "2001:4860::8888",
                                  "2001:1::1", "2001:3::1", "2001:4:112::1", "2001:20::1", "fec0::1", "64:ff9b::1" };
  g_autoptr(NymNrExitPolicy) open = nym_nr_exit_policy_new_open ();

  for (size_t i = 0; i < G_N_ELEMENTS (local); i++)
    {
      NymNrIpAddress target = address (local[i]);

      g_test_message ("local %s", local[i]);
      g_assert_false (nym_nr_ip_address_is_global (&target));
      g_assert_cmpint (nym_nr_exit_policy_evaluate (open, &target, 80, false), ==, NYM_NR_VERDICT_NOT_GLOBAL);
      g_assert_cmpint (nym_nr_exit_policy_evaluate (open, &target, 80, true), ==, NYM_NR_VERDICT_ACCEPT);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (global); i++)
    {
      NymNrIpAddress target = address (global[i]);

      g_test_message ("global %s", global[i]);
      g_assert_true (nym_nr_ip_address_is_global (&target));
      g_assert_cmpint (nym_nr_exit_policy_evaluate (open, &target, 80, false), ==, NYM_NR_VERDICT_ACCEPT);
    }
}

/* The check after resolution: every resolved address must pass. */
static void
test_allows (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrExitPolicy) policy = nym_nr_exit_policy_parse ("reject 1.2.3.4:*\naccept *:443", -1, &error);
  NymNrIpAddress addresses[3] = { address ("8.8.8.8"), address ("2606:4700::1111"), address ("1.2.3.4") };

  g_assert_no_error (error);
  g_assert_true (nym_nr_exit_policy_allows (policy, addresses, 2, 443, false, &error));
  g_assert_no_error (error);
  g_assert_false (nym_nr_exit_policy_allows (policy, addresses, 3, 443, false, &error));
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_REJECTED_BY_POLICY);
  g_assert_nonnull (strstr (error->message, "1.2.3.4"));
  g_clear_error (&error);
  g_assert_false (nym_nr_exit_policy_allows (policy, addresses, 2, 80, false, &error));
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_REJECTED_BY_POLICY);
  g_assert_nonnull (strstr (error->message, "no rule"));
  g_clear_error (&error);
  g_assert_false (nym_nr_exit_policy_allows (policy, addresses, 0, 443, false, &error));
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);
  addresses[0] = address ("127.0.0.1");
  g_assert_false (nym_nr_exit_policy_allows (policy, addresses, 1, 443, false, &error));
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_REJECTED_BY_POLICY);
  g_assert_nonnull (strstr (error->message, "not a global"));
  g_clear_error (&error);
  g_assert_true (nym_nr_exit_policy_allows (policy, addresses, 1, 443, true, &error));
  g_assert_no_error (error);
}

/* Bad rules are refused with the reason; a bad line fails the whole policy and names the line. */
static void
test_bad_rules (void)
{
  static const char *bad_patterns[] = {
    "marzipan:80", "1.2.3.4:90-80", "1.2.3.4:0-80", "1.2.3.4/100:8888", "[1.2.3.4]/16:80", "[::1]/130:8888",
    "*/8:80", "*4/0:80", "*6/1:80", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:1-", "1.2.3.4:1-2-3",
    ":80", "1.2.3.4", "1.2.3.4/:80", "1.2.3.4/x:80", "01.2.3.4:80", "1.2.3.4: 80", "[::1:80", "1.2.3.4/33:*",
  };
  static const char *bad_rules[] = { "accept", "allow *:80", "accept6", "ACCEPT *:80", "" };
  static const char *bad_texts[] = { "accept *:80\nreject nonsense:1\n", "accept *:80,", "ExitPolicy\n", "accept *:80\0x" };

  for (size_t i = 0; i < G_N_ELEMENTS (bad_patterns); i++)
    {
      g_autoptr(GError) error = NULL;
      NymNrPolicyRule rule = { 0 };
      NymNrPolicyRule before;

      memset (&rule, 0x5a, sizeof rule);
      before = rule;
      g_test_message ("pattern %s", bad_patterns[i]);
      g_assert_false (nym_nr_policy_pattern_parse (bad_patterns[i], &rule, &error));
      g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY);
      g_assert_cmpmem (&rule, sizeof rule, &before, sizeof before);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (bad_rules); i++)
    {
      g_autoptr(GError) error = NULL;
      NymNrPolicyRule rule;

      g_assert_false (nym_nr_policy_rule_parse (bad_rules[i], &rule, &error));
      g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (bad_texts); i++)
    {
      g_autoptr(GError) error = NULL;
      gssize len = i == 3 ? 14 : -1;
      g_autoptr(NymNrExitPolicy) policy = nym_nr_exit_policy_parse (bad_texts[i], len, &error);

      g_assert_null (policy);
      g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_POLICY);
      g_test_message ("%s", error->message);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NymNrExitPolicy) policy = nym_nr_exit_policy_parse (bad_texts[0], -1, &error);

    g_assert_nonnull (strstr (error->message, "line 2"));
  }
}

/* Port ranges as Nym parses them: leading zeros, a single port, the full range as "*". */
static void
test_port_ranges (void)
{
  static const struct { const char *text; uint16_t start; uint16_t end; } cases[] = {
    { "*:1-100", 1, 100 }, { "*:01-100", 1, 100 }, { "*:1-65535", 1, 65535 }, { "*:9001", 9001, 9001 },
    { "*:9001-9001", 9001, 9001 }, { "*:*", 1, 65535 }, { "*:0", 0, 0 },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      NymNrPolicyRule rule = { .action = NYM_NR_POLICY_REJECT };

      g_assert_true (nym_nr_policy_pattern_parse (cases[i].text, &rule, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (rule.port_start, ==, cases[i].start);
      g_assert_cmpuint (rule.port_end, ==, cases[i].end);
      text = nym_nr_policy_rule_to_string (&rule);
      g_assert_true (g_str_has_prefix (text, "reject *:"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/exit-policy/file/rules", Fixture, NULL, fixture_set_up, test_file_rules, fixture_tear_down);
  g_test_add ("/exit-policy/file/verdicts", Fixture, NULL, fixture_set_up, test_file_verdicts, fixture_tear_down);
  g_test_add ("/exit-policy/file/to-string", Fixture, NULL, fixture_set_up, test_to_string, fixture_tear_down);
  g_test_add_func ("/exit-policy/patterns", test_patterns);
  g_test_add_func ("/exit-policy/first-match-and-default", test_first_match_and_default);
  g_test_add_func ("/exit-policy/local-addresses", test_local_addresses);
  g_test_add_func ("/exit-policy/allows", test_allows);
  g_test_add_func ("/exit-policy/bad-rules", test_bad_rules);
  g_test_add_func ("/exit-policy/port-ranges", test_port_ranges);

  return g_test_run ();
}
