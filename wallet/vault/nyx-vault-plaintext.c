/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The decrypted content of one saved-wallet.json login: parsing and writing it without leaving secrets on the heap. */
#include "vault/nyx-vault-plaintext.h"

#include <sodium.h>
#include <string.h>

#include "crypto/nyx-secret.h"

#include "vault/nyx-vault-error.h"
#include "vault/nyx-vault-json.h"

/*
 * spec/nyx-wallet.md §5.3: a login decrypts to compact serde_json in one of two untagged
 * shapes, the legacy single account {"mnemonic":…,"hd_path":…} or the current list
 * {"accounts":[{"id":…,"account":{"mnemonic":…,"hd_path":…}},…]}. A general JSON library
 * would copy the mnemonics into ordinary heap memory that is freed without being wiped,
 * so this small reader decodes every string straight into sodium_malloc() memory instead. It accepts
 * any valid JSON (whitespace, unknown fields, escapes), as serde does, and rejects a
 * repeated field, as serde does.
 */

#define MAX_DEPTH 32

/* A NUL-terminated string in sodium_malloc() memory, wiped when freed. */
typedef char SecureText;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecureText, nyx_secret_free)

typedef struct
{
  const uint8_t *start;
  const uint8_t *cursor;
  const uint8_t *end;
  const char    *login_id;
  GError       **error;
} Reader;

NyxVaultAccount *
nyx_vault_account_new (const char *id,
                       const char *hd_path,
                       char       *mnemonic)
{
  NyxVaultAccount *account = g_new0 (NyxVaultAccount, 1);

  account->id = g_strdup (id);
  account->hd_path = g_strdup (hd_path);
  account->mnemonic = mnemonic;
  return account;
}

void
nyx_vault_account_free (NyxVaultAccount *account)
{
  if (account == NULL)
    return;

  g_free (account->id);
  g_free (account->hd_path);
  nyx_secret_free (account->mnemonic);
  g_free (account);
}

G_GNUC_PRINTF (2, 3) static bool
fail (Reader     *reader,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *detail = NULL;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  if (reader->error != NULL && *reader->error == NULL)
    g_set_error (reader->error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CORRUPT,
                 "The decrypted login “%s” is not valid wallet data: %s",
                 reader->login_id, detail);
  return false;
}

static void
skip_whitespace (Reader *reader)
{
  while (reader->cursor < reader->end
         && (*reader->cursor == ' ' || *reader->cursor == '\t'
             || *reader->cursor == '\n' || *reader->cursor == '\r'))
    reader->cursor++;
}

/* Consumes @c after optional whitespace, or returns false without consuming anything. */
static bool
accept (Reader *reader,
        char    c)
{
  skip_whitespace (reader);
  if (reader->cursor < reader->end && *reader->cursor == (uint8_t) c)
    {
      reader->cursor++;
      return true;
    }
  return false;
}

static bool
expect (Reader *reader,
        char    c)
{
  if (accept (reader, c))
    return true;
  if (reader->cursor >= reader->end)
    return fail (reader, "expected “%c” but the data ended", c);
  return fail (reader, "expected “%c” at byte %td", c, reader->cursor - reader->start);
}

static int
hex_value (uint8_t c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static bool
read_hex4 (Reader   *reader,
           uint32_t *out)
{
  uint32_t value = 0;

  if (reader->end - reader->cursor < 4)
    return fail (reader, "a \\u escape is cut short");
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (reader->cursor[i]);

      if (digit < 0)
        return fail (reader, "a \\u escape has a non-hex digit");
      value = (value << 4) | (uint32_t) digit;
    }
  reader->cursor += 4;
  *out = value;
  return true;
}

/*
 * Finds the end of the string whose opening quote was just consumed and checks that its
 * raw bytes are UTF-8 without control characters. Escapes are ASCII, so checking the raw
 * bytes checks the decoded text too (\u escapes are checked as they are decoded). The raw
 * length bounds the decoded length, so one allocation of that size always suffices.
 */
static bool
string_extent (Reader *reader,
               size_t *out_raw_length)
{
  const uint8_t *scan;

  for (scan = reader->cursor; scan < reader->end && *scan != '"'; scan++)
    {
      if (*scan < 0x20)
        return fail (reader, "a string holds the control character 0x%02x", *scan);
      if (*scan == '\\')
        scan++;
    }
  if (scan >= reader->end)
    return fail (reader, "a string is not terminated");
  if (!g_utf8_validate ((const char *) reader->cursor, scan - reader->cursor, NULL))
    return fail (reader, "a string is not valid UTF-8");
  *out_raw_length = (size_t) (scan - reader->cursor);
  return true;
}

/*
 * Decodes the string at the cursor (after its opening quote) into @dest, which must hold
 * the raw length; with @dest NULL the string is only checked and skipped, so values of
 * unknown fields are never copied anywhere.
 */
static bool
decode_string (Reader  *reader,
               uint8_t *dest,
               size_t  *out_length)
{
  size_t used = 0;

  while (*reader->cursor != '"')
    {
      uint8_t c = *reader->cursor++;
      uint8_t simple;
      uint32_t code;
      char utf8[4];
      int n;

      if (c != '\\')
        {
          if (dest != NULL)
            dest[used] = c;
          used++;
          continue;
        }
      c = *reader->cursor++;
      switch (c)
        {
        case '"': case '\\': case '/':
          simple = c;
          break;
        case 'b': simple = '\b'; break;
        case 'f': simple = '\f'; break;
        case 'n': simple = '\n'; break;
        case 'r': simple = '\r'; break;
        case 't': simple = '\t'; break;
        case 'u':
          simple = 0;
          break;
        default:
          return fail (reader, "a string has the unknown escape “\\%c”", c);
        }
      if (c != 'u')
        {
          if (dest != NULL)
            dest[used] = simple;
          used++;
          continue;
        }

      if (!read_hex4 (reader, &code))
        return false;
      if (code >= 0xd800 && code <= 0xdbff)
        {
          uint32_t low;

          if (reader->end - reader->cursor < 2 || reader->cursor[0] != '\\' || reader->cursor[1] != 'u')
            return fail (reader, "a string has an unpaired surrogate escape");
          reader->cursor += 2;
          if (!read_hex4 (reader, &low))
            return false;
          if (low < 0xdc00 || low > 0xdfff)
            return fail (reader, "a string has an unpaired surrogate escape");
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        }
      else if (code >= 0xdc00 && code <= 0xdfff)
        return fail (reader, "a string has an unpaired surrogate escape");

      n = g_unichar_to_utf8 (code, utf8);
      if (dest != NULL)
        memcpy (dest + used, utf8, (size_t) n);
      used += (size_t) n;
      sodium_memzero (utf8, sizeof utf8);
    }
  reader->cursor++;
  *out_length = used;
  return true;
}

static bool
skip_string (Reader *reader)
{
  size_t raw_length, length;

  return expect (reader, '"') && string_extent (reader, &raw_length) && decode_string (reader, NULL, &length);
}

/* Names and paths are not secret: they end up in ordinary strings anyway. */
static bool
read_plain_string (Reader  *reader,
                   char   **out,
                   size_t  *out_length)
{
  g_autofree char *value = NULL;
  size_t raw_length, length;

  if (!expect (reader, '"') || !string_extent (reader, &raw_length))
    return false;
  value = g_malloc (raw_length + 1);
  if (!decode_string (reader, (uint8_t *) value, &length))
    return false;
  value[length] = '\0';
  *out = g_steal_pointer (&value);
  if (out_length != NULL)
    *out_length = length;
  return true;
}

/* Reads a name or path that is used as a C string, so a NUL inside it is refused. */
static bool
read_name (Reader  *reader,
           char   **out)
{
  g_autofree char *value = NULL;
  size_t length = 0;

  if (!read_plain_string (reader, &value, &length))
    return false;
  if (strlen (value) != length)
    return fail (reader, "a name or path contains a NUL character");
  *out = g_steal_pointer (&value);
  return true;
}

/* Mnemonics are decoded straight into sodium_malloc() memory. */
static bool
read_secret_string (Reader      *reader,
                    SecureText **out)
{
  g_autoptr(SecureText) value = NULL;
  size_t raw_length, length;

  if (!expect (reader, '"') || !string_extent (reader, &raw_length))
    return false;
  value = sodium_malloc (raw_length + 1);
  if (value == NULL)
    return fail (reader, "out of protected memory");
  if (!decode_string (reader, (uint8_t *) value, &length))
    return false;
  value[length] = '\0';
  if (strlen (value) != length)
    return fail (reader, "a mnemonic contains a NUL character");
  *out = g_steal_pointer (&value);
  return true;
}

static bool skip_value (Reader *reader, unsigned depth);

static bool
skip_number_or_literal (Reader *reader)
{
  const uint8_t *start = reader->cursor;
  size_t length;

  while (reader->cursor < reader->end && *reader->cursor != '\0'
         && strchr ("+-.0123456789eEtrufalsn", *reader->cursor) != NULL)
    reader->cursor++;
  length = (size_t) (reader->cursor - start);
  if (length == 0)
    return fail (reader, "expected a JSON value");
  if ((length == 4 && memcmp (start, "true", 4) == 0)
      || (length == 5 && memcmp (start, "false", 5) == 0)
      || (length == 4 && memcmp (start, "null", 4) == 0))
    return true;
  for (size_t i = 0; i < length; i++)
    if (strchr ("+-.0123456789eE", start[i]) == NULL)
      return fail (reader, "expected a JSON value");
  return true;
}

/* Reads an object key (not secret, kept in ordinary memory) and the colon after it. */
static bool
read_key (Reader  *reader,
          char   **out,
          size_t  *out_length)
{
  return read_plain_string (reader, out, out_length) && expect (reader, ':');
}

static bool
skip_value (Reader  *reader,
            unsigned depth)
{
  if (depth > MAX_DEPTH)
    return fail (reader, "values are nested more than %d deep", MAX_DEPTH);

  skip_whitespace (reader);
  if (reader->cursor >= reader->end)
    return fail (reader, "expected a JSON value but the data ended");

  switch (*reader->cursor)
    {
    case '"':
      return skip_string (reader);
    case '{':
      reader->cursor++;
      if (accept (reader, '}'))
        return true;
      do
        {
          g_autofree char *key = NULL;
          size_t key_length = 0;

          if (!read_key (reader, &key, &key_length) || !skip_value (reader, depth + 1))
            return false;
        }
      while (accept (reader, ','));
      return expect (reader, '}');
    case '[':
      reader->cursor++;
      if (accept (reader, ']'))
        return true;
      do
        if (!skip_value (reader, depth + 1))
          return false;
      while (accept (reader, ','));
      return expect (reader, ']');
    default:
      return skip_number_or_literal (reader);
    }
}

static bool
key_is (const char *key,
        size_t      key_length,
        const char *name)
{
  return key_length == strlen (name) && memcmp (key, name, key_length) == 0;
}

/* Reads {"mnemonic":…,"hd_path":…}, the MnemonicAccount of nym-wallet. */
static bool
read_mnemonic_account (Reader      *reader,
                       const char  *what,
                       SecureText **out_mnemonic,
                       char       **out_hd_path)
{
  g_autoptr(SecureText) mnemonic = NULL;
  g_autofree char *hd_path = NULL;

  if (!expect (reader, '{'))
    return false;
  if (!accept (reader, '}'))
    {
      do
        {
          g_autofree char *key = NULL;
          size_t key_length = 0;

          if (!read_key (reader, &key, &key_length))
            return false;
          if (key_is (key, key_length, "mnemonic"))
            {
              if (mnemonic != NULL)
                return fail (reader, "%s has two “mnemonic” fields", what);
              skip_whitespace (reader);
              if (!read_secret_string (reader, &mnemonic))
                return false;
            }
          else if (key_is (key, key_length, "hd_path"))
            {
              if (hd_path != NULL)
                return fail (reader, "%s has two “hd_path” fields", what);
              skip_whitespace (reader);
              if (!read_name (reader, &hd_path))
                return false;
            }
          else if (!skip_value (reader, 2))
            return false;
        }
      while (accept (reader, ','));
      if (!expect (reader, '}'))
        return false;
    }

  if (mnemonic == NULL)
    return fail (reader, "%s has no “mnemonic”", what);
  if (hd_path == NULL)
    return fail (reader, "%s has no “hd_path”", what);
  *out_mnemonic = g_steal_pointer (&mnemonic);
  *out_hd_path = g_steal_pointer (&hd_path);
  return true;
}

/* Reads {"id":…,"account":{…}}, one WalletAccount of the multi-account shape. */
static bool
read_wallet_account (Reader           *reader,
                     guint             index,
                     NyxVaultAccount **out)
{
  g_autofree char *id = NULL;
  g_autofree char *hd_path = NULL;
  g_autoptr(SecureText) mnemonic = NULL;
  g_autofree char *what = g_strdup_printf ("account %u", index + 1);
  bool have_account = false;

  if (!expect (reader, '{'))
    return false;
  if (!accept (reader, '}'))
    {
      do
        {
          g_autofree char *key = NULL;
          size_t key_length = 0;

          if (!read_key (reader, &key, &key_length))
            return false;
          if (key_is (key, key_length, "id"))
            {
              if (id != NULL)
                return fail (reader, "%s has two “id” fields", what);
              skip_whitespace (reader);
              if (!read_name (reader, &id))
                return false;
            }
          else if (key_is (key, key_length, "account"))
            {
              if (have_account)
                return fail (reader, "%s has two “account” fields", what);
              if (!read_mnemonic_account (reader, what, &mnemonic, &hd_path))
                return false;
              have_account = true;
            }
          else if (!skip_value (reader, 2))
            return false;
        }
      while (accept (reader, ','));
      if (!expect (reader, '}'))
        return false;
    }

  if (id == NULL)
    return fail (reader, "%s has no “id”", what);
  if (!have_account)
    return fail (reader, "%s (“%s”) has no “account”", what, id);
  *out = nyx_vault_account_new (id, hd_path, g_steal_pointer (&mnemonic));
  return true;
}

/*
 * Parses a decrypted login. The legacy single-account shape becomes one account named after
 * the login id, which is what nym-wallet does (unwrap_into_multiple_accounts), and
 * @out_single_account tells the caller which shape was found.
 */
GPtrArray *
nyx_vault_plaintext_parse (const uint8_t *plaintext,
                           size_t         plaintext_length,
                           const char    *login_id,
                           bool          *out_single_account,
                           GError       **error)
{
  Reader reader = { plaintext, plaintext, plaintext + plaintext_length, login_id, error };
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(SecureText) mnemonic = NULL;
  g_autofree char *hd_path = NULL;
  bool have_accounts = false;

  g_return_val_if_fail (plaintext != NULL || plaintext_length == 0, NULL);
  g_return_val_if_fail (login_id != NULL, NULL);

  /* sodium_malloc() needs libsodium initialised; this is cheap once done. */
  if (sodium_init () < 0)
    return fail (&reader, "libsodium could not be initialised"), NULL;

  if (!expect (&reader, '{'))
    return NULL;
  if (!accept (&reader, '}'))
    {
      do
        {
          g_autofree char *key = NULL;
          size_t key_length = 0;

          if (!read_key (&reader, &key, &key_length))
            return NULL;
          if (key_is (key, key_length, "accounts"))
            {
              if (have_accounts)
                return fail (&reader, "it has two “accounts” fields"), NULL;
              have_accounts = true;
              accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) nyx_vault_account_free);
              if (!expect (&reader, '['))
                return NULL;
              if (!accept (&reader, ']'))
                {
                  do
                    {
                      NyxVaultAccount *account = NULL;

                      if (!read_wallet_account (&reader, accounts->len, &account))
                        return NULL;
                      g_ptr_array_add (accounts, account);
                    }
                  while (accept (&reader, ','));
                  if (!expect (&reader, ']'))
                    return NULL;
                }
            }
          else if (key_is (key, key_length, "mnemonic"))
            {
              if (mnemonic != NULL)
                return fail (&reader, "it has two “mnemonic” fields"), NULL;
              skip_whitespace (&reader);
              if (!read_secret_string (&reader, &mnemonic))
                return NULL;
            }
          else if (key_is (key, key_length, "hd_path"))
            {
              if (hd_path != NULL)
                return fail (&reader, "it has two “hd_path” fields"), NULL;
              skip_whitespace (&reader);
              if (!read_name (&reader, &hd_path))
                return NULL;
            }
          else if (!skip_value (&reader, 1))
            return NULL;
        }
      while (accept (&reader, ','));
      if (!expect (&reader, '}'))
        return NULL;
    }
  skip_whitespace (&reader);
  if (reader.cursor != reader.end)
    return fail (&reader, "there are bytes after the JSON object"), NULL;

  /* serde tries the single-account variant first, so a complete one wins. */
  if (mnemonic != NULL && hd_path != NULL)
    {
      g_clear_pointer (&accounts, g_ptr_array_unref);
      accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) nyx_vault_account_free);
      g_ptr_array_add (accounts, nyx_vault_account_new (login_id, hd_path, g_steal_pointer (&mnemonic)));
      if (out_single_account != NULL)
        *out_single_account = true;
      return g_steal_pointer (&accounts);
    }
  if (!have_accounts)
    return fail (&reader, "it has neither “accounts” nor “mnemonic” and “hd_path”"), NULL;

  if (out_single_account != NULL)
    *out_single_account = false;
  return g_steal_pointer (&accounts);
}

static void
write_accounts (NyxJsonWriter *writer,
                GPtrArray     *accounts)
{
  nyx_json_writer_append_literal (writer, "{\"accounts\":[");
  for (guint i = 0; i < accounts->len; i++)
    {
      const NyxVaultAccount *account = g_ptr_array_index (accounts, i);

      if (i > 0)
        nyx_json_writer_append_literal (writer, ",");
      nyx_json_writer_append_literal (writer, "{\"id\":");
      nyx_json_writer_append_string (writer, account->id, strlen (account->id));
      nyx_json_writer_append_literal (writer, ",\"account\":{\"mnemonic\":");
      nyx_json_writer_append_string (writer, account->mnemonic, strlen (account->mnemonic));
      nyx_json_writer_append_literal (writer, ",\"hd_path\":");
      nyx_json_writer_append_string (writer, account->hd_path, strlen (account->hd_path));
      nyx_json_writer_append_literal (writer, "}}");
    }
  nyx_json_writer_append_literal (writer, "]}");
}

/*
 * Writes the multi-account shape as compact serde_json would, field order included, into
 * sodium_malloc() memory (free it with nyx_secret_free()). nym-wallet always writes this shape, even for a login that was read in
 * the legacy shape, so Nymph does too.
 */
uint8_t *
nyx_vault_plaintext_serialize (GPtrArray *accounts,
                               size_t    *out_length)
{
  NyxJsonWriter counter = { NULL, 0, 0 };
  NyxJsonWriter writer;
  uint8_t *out;

  g_return_val_if_fail (accounts != NULL, NULL);
  g_return_val_if_fail (out_length != NULL, NULL);

  write_accounts (&counter, accounts);
  if (sodium_init () < 0)
    return NULL;
  out = sodium_malloc (counter.length + 1);
  if (out == NULL)
    return NULL;
  writer = (NyxJsonWriter) { out, counter.length, 0 };
  write_accounts (&writer, accounts);
  g_assert (writer.length == counter.length);
  out[counter.length] = '\0';
  *out_length = counter.length;
  return out;
}
