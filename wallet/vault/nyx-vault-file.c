/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plaintext outer layer of saved-wallet.json: its version and its list of encrypted logins. */
#include "vault/nyx-vault-file.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "vault/nyx-vault-error.h"
#include "vault/nyx-vault-json.h"

/*
 * spec/nyx-wallet.md §5.3: {"version":1,"accounts":[{"id":…,"account":{"ciphertext":…,
 * "salt":…,"iv":…}},…]}, the three byte strings in standard padded base64. Nothing in this
 * layer is secret, so json-glib parses it.
 */

NyxVaultLogin *
nyx_vault_login_new (const char    *id,
                     GBytes        *ciphertext,
                     const uint8_t  salt[static NYX_VAULT_SALT_LENGTH],
                     const uint8_t  iv[static NYX_VAULT_IV_LENGTH])
{
  NyxVaultLogin *login = g_new0 (NyxVaultLogin, 1);

  login->id = g_strdup (id);
  login->ciphertext = g_bytes_ref (ciphertext);
  memcpy (login->salt, salt, NYX_VAULT_SALT_LENGTH);
  memcpy (login->iv, iv, NYX_VAULT_IV_LENGTH);
  return login;
}

NyxVaultLogin *
nyx_vault_login_copy (const NyxVaultLogin *login)
{
  return nyx_vault_login_new (login->id, login->ciphertext, login->salt, login->iv);
}

void
nyx_vault_login_free (NyxVaultLogin *login)
{
  if (login == NULL)
    return;

  g_free (login->id);
  g_bytes_unref (login->ciphertext);
  g_free (login);
}

NyxVaultFile *
nyx_vault_file_new (void)
{
  NyxVaultFile *file = g_new0 (NyxVaultFile, 1);

  file->logins = g_ptr_array_new_with_free_func ((GDestroyNotify) nyx_vault_login_free);
  return file;
}

NyxVaultFile *
nyx_vault_file_copy (const NyxVaultFile *file)
{
  NyxVaultFile *copy = nyx_vault_file_new ();

  for (guint i = 0; i < file->logins->len; i++)
    g_ptr_array_add (copy->logins, nyx_vault_login_copy (g_ptr_array_index (file->logins, i)));
  return copy;
}

void
nyx_vault_file_free (NyxVaultFile *file)
{
  if (file == NULL)
    return;

  g_ptr_array_unref (file->logins);
  g_free (file);
}

G_GNUC_PRINTF (3, 4) static void
set_corrupt (GError    **error,
             const char *path,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *detail = NULL;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CORRUPT,
               "“%s” is not a nym-wallet wallet file: %s", path, detail);
}

/*
 * g_base64_decode() skips characters it does not know, which would let a damaged file decode
 * to something plausible; the Rust base64 crate that nym-wallet uses rejects them, and so
 * does this check before decoding.
 */
static GBytes *
decode_base64 (const char *text,
               const char *path,
               const char *what,
               guint       login_index,
               GError    **error)
{
  size_t length = strlen (text);
  size_t padding = 0;
  guchar *decoded;
  gsize decoded_length = 0;

  if (length % 4 != 0)
    {
      set_corrupt (error, path, "the %s of login %u is not base64 (its length %zu is not a multiple of 4)",
                   what, login_index + 1, length);
      return NULL;
    }
  while (padding < length && padding < 3 && text[length - 1 - padding] == '=')
    padding++;
  if (padding > 2)
    {
      set_corrupt (error, path, "the %s of login %u has too much base64 padding", what, login_index + 1);
      return NULL;
    }
  for (size_t i = 0; i < length - padding; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      {
        set_corrupt (error, path, "the %s of login %u has the character “%c” at position %zu, which is not base64",
                     what, login_index + 1, g_ascii_isprint (text[i]) ? text[i] : '?', i);
        return NULL;
      }

  decoded = g_base64_decode (text, &decoded_length);
  return g_bytes_new_take (decoded, decoded_length);
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static NyxVaultLogin *
parse_login (JsonNode   *node,
             guint       index,
             const char *path,
             GError    **error)
{
  JsonObject *object;
  JsonNode *account_node;
  JsonObject *account;
  const char *id;
  g_autoptr(GBytes) ciphertext = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) iv = NULL;
  struct { const char *name; GBytes **out; } fields[] = {
    { "ciphertext", &ciphertext }, { "salt", &salt }, { "iv", &iv },
  };
  gsize salt_length, iv_length;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_corrupt (error, path, "login %u is not a JSON object", index + 1);
      return NULL;
    }
  object = json_node_get_object (node);
  id = get_string_member (object, "id");
  if (id == NULL)
    {
      set_corrupt (error, path, "login %u has no string “id”", index + 1);
      return NULL;
    }
  /* json-glib lets a broken \u escape through as invalid UTF-8; serde would not. */
  if (!g_utf8_validate (id, -1, NULL))
    {
      set_corrupt (error, path, "the id of login %u is not valid UTF-8", index + 1);
      return NULL;
    }
  account_node = json_object_get_member (object, "account");
  if (account_node == NULL || !JSON_NODE_HOLDS_OBJECT (account_node))
    {
      set_corrupt (error, path, "login %u (“%s”) has no “account” object", index + 1, id);
      return NULL;
    }
  account = json_node_get_object (account_node);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *value = get_string_member (account, fields[i].name);

      if (value == NULL)
        {
          set_corrupt (error, path, "login %u (“%s”) has no string “%s”", index + 1, id, fields[i].name);
          return NULL;
        }
      *fields[i].out = decode_base64 (value, path, fields[i].name, index, error);
      if (*fields[i].out == NULL)
        return NULL;
    }

  /*
   * libsodium's Argon2id takes exactly 16 salt bytes, which is also all nym-wallet ever
   * writes; AES-GCM in nym-wallet only takes a 12-byte nonce.
   */
  salt_length = g_bytes_get_size (salt);
  iv_length = g_bytes_get_size (iv);
  if (salt_length != NYX_VAULT_SALT_LENGTH)
    {
      set_corrupt (error, path, "the salt of login “%s” is %zu bytes long, expected %d",
                   id, salt_length, NYX_VAULT_SALT_LENGTH);
      return NULL;
    }
  if (iv_length != NYX_VAULT_IV_LENGTH)
    {
      set_corrupt (error, path, "the iv of login “%s” is %zu bytes long, expected %d",
                   id, iv_length, NYX_VAULT_IV_LENGTH);
      return NULL;
    }
  if (g_bytes_get_size (ciphertext) < NYX_VAULT_TAG_LENGTH)
    {
      set_corrupt (error, path, "the ciphertext of login “%s” is %zu bytes long, shorter than the %d-byte tag",
                   id, g_bytes_get_size (ciphertext), NYX_VAULT_TAG_LENGTH);
      return NULL;
    }

  return nyx_vault_login_new (id, ciphertext,
                              g_bytes_get_data (salt, NULL),
                              g_bytes_get_data (iv, NULL));
}

NyxVaultFile *
nyx_vault_file_parse (const char *data,
                      size_t      length,
                      const char *path,
                      GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) json_error = NULL;
  g_autoptr(NyxVaultFile) file = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *version_node;
  JsonNode *accounts_node;
  JsonArray *accounts;
  gint64 version;

  g_return_val_if_fail (data != NULL, NULL);

  if (length > G_MAXSSIZE || !json_parser_load_from_data (parser, data, (gssize) length, &json_error))
    {
      set_corrupt (error, path, "%s", json_error != NULL ? json_error->message : "it is too large");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_corrupt (error, path, "the top level is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);

  version_node = json_object_get_member (object, "version");
  if (version_node == NULL || !JSON_NODE_HOLDS_VALUE (version_node)
      || json_node_get_value_type (version_node) != G_TYPE_INT64)
    {
      set_corrupt (error, path, "it has no integer “version”");
      return NULL;
    }
  version = json_node_get_int (version_node);
  if (version != NYX_VAULT_FILE_VERSION)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_UNSUPPORTED_VERSION,
                   "“%s” has wallet file version %" G_GINT64_FORMAT ", but only version %d is supported",
                   path, version, NYX_VAULT_FILE_VERSION);
      return NULL;
    }

  accounts_node = json_object_get_member (object, "accounts");
  if (accounts_node == NULL || !JSON_NODE_HOLDS_ARRAY (accounts_node))
    {
      set_corrupt (error, path, "it has no “accounts” list");
      return NULL;
    }
  accounts = json_node_get_array (accounts_node);

  file = nyx_vault_file_new ();
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      NyxVaultLogin *login = parse_login (json_array_get_element (accounts, i), i, path, error);

      if (login == NULL)
        return NULL;
      g_ptr_array_add (file->logins, login);
    }
  return g_steal_pointer (&file);
}

static void
append_base64 (NyxJsonWriter *writer,
               const void    *data,
               size_t         length)
{
  g_autofree char *encoded = g_base64_encode (data, length);

  nyx_json_writer_append_string (writer, encoded, strlen (encoded));
}

/* serde_json's pretty printer: two-space indent, "key": value, no trailing newline. */
static void
write_file (NyxJsonWriter      *writer,
            const NyxVaultFile *file)
{
  g_autofree char *version = g_strdup_printf ("%d", NYX_VAULT_FILE_VERSION);

  nyx_json_writer_append_literal (writer, "{\n  \"version\": ");
  nyx_json_writer_append_literal (writer, version);
  nyx_json_writer_append_literal (writer, ",\n  \"accounts\": [");
  for (guint i = 0; i < file->logins->len; i++)
    {
      const NyxVaultLogin *login = g_ptr_array_index (file->logins, i);

      nyx_json_writer_append_literal (writer, i == 0 ? "\n    {\n      \"id\": " : ",\n    {\n      \"id\": ");
      nyx_json_writer_append_string (writer, login->id, strlen (login->id));
      nyx_json_writer_append_literal (writer, ",\n      \"account\": {\n        \"ciphertext\": ");
      append_base64 (writer, g_bytes_get_data (login->ciphertext, NULL), g_bytes_get_size (login->ciphertext));
      nyx_json_writer_append_literal (writer, ",\n        \"salt\": ");
      append_base64 (writer, login->salt, sizeof login->salt);
      nyx_json_writer_append_literal (writer, ",\n        \"iv\": ");
      append_base64 (writer, login->iv, sizeof login->iv);
      nyx_json_writer_append_literal (writer, "\n      }\n    }");
    }
  nyx_json_writer_append_literal (writer, file->logins->len > 0 ? "\n  ]\n}" : "]\n}");
}

char *
nyx_vault_file_serialize (const NyxVaultFile *file,
                          size_t             *out_length)
{
  NyxJsonWriter counter = { NULL, 0, 0 };
  NyxJsonWriter writer;
  char *out;

  write_file (&counter, file);
  out = g_malloc (counter.length + 1);
  writer = (NyxJsonWriter) { (uint8_t *) out, counter.length, 0 };
  write_file (&writer, file);
  out[counter.length] = '\0';
  if (out_length != NULL)
    *out_length = counter.length;
  return out;
}

NyxVaultLogin *
nyx_vault_file_find_login (const NyxVaultFile *file,
                           const char         *id,
                           guint              *out_index)
{
  for (guint i = 0; i < file->logins->len; i++)
    {
      NyxVaultLogin *login = g_ptr_array_index (file->logins, i);

      if (g_strcmp0 (login->id, id) == 0)
        {
          if (out_index != NULL)
            *out_index = i;
          return login;
        }
    }
  return NULL;
}

/* “a”, “b”, for error messages that tell the user which logins a file does have. */
char *
nyx_vault_file_list_logins (const NyxVaultFile *file)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < file->logins->len; i++)
    {
      const NyxVaultLogin *login = g_ptr_array_index (file->logins, i);

      g_string_append_printf (list, "%s“%s”", i > 0 ? ", " : "", login->id);
    }
  if (list->len == 0)
    g_string_append (list, "none");
  return g_string_free (list, FALSE);
}
