/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A two-pass JSON writer that escapes strings exactly as serde_json does, so output can go straight into secure memory. */
#include "vault/nyx-vault-json.h"

#include <string.h>

void
nyx_json_writer_append (NyxJsonWriter *writer,
                        const void    *bytes,
                        size_t         length)
{
  if (writer->buffer != NULL)
    {
      /* The counting pass sized the buffer, so running out means a logic error here. */
      g_assert (length <= writer->capacity - writer->length);
      memcpy (writer->buffer + writer->length, bytes, length);
    }
  writer->length += length;
}

void
nyx_json_writer_append_literal (NyxJsonWriter *writer,
                                const char    *text)
{
  nyx_json_writer_append (writer, text, strlen (text));
}

/*
 * serde_json escapes only the quote, the backslash and the control characters below 0x20
 * (\b \f \n \r \t by name, the rest as \u00xx with lower-case hex); every other byte,
 * including non-ASCII UTF-8, is copied. Matching that byte for byte lets the test suite
 * reproduce the spec's deterministic ciphertext vector exactly.
 */
void
nyx_json_writer_append_string (NyxJsonWriter *writer,
                               const void    *bytes,
                               size_t         length)
{
  static const char hex[] = "0123456789abcdef";
  const uint8_t *text = bytes;
  size_t run_start = 0;

  nyx_json_writer_append (writer, "\"", 1);
  for (size_t i = 0; i < length; i++)
    {
      uint8_t c = text[i];
      char escape[6];
      size_t escape_length = 2;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      nyx_json_writer_append (writer, text + run_start, i - run_start);
      run_start = i + 1;

      escape[0] = '\\';
      switch (c)
        {
        case '"':  escape[1] = '"';  break;
        case '\\': escape[1] = '\\'; break;
        case '\b': escape[1] = 'b';  break;
        case '\f': escape[1] = 'f';  break;
        case '\n': escape[1] = 'n';  break;
        case '\r': escape[1] = 'r';  break;
        case '\t': escape[1] = 't';  break;
        default:
          escape[1] = 'u';
          escape[2] = '0';
          escape[3] = '0';
          escape[4] = hex[c >> 4];
          escape[5] = hex[c & 0xf];
          escape_length = 6;
          break;
        }
      nyx_json_writer_append (writer, escape, escape_length);
    }
  nyx_json_writer_append (writer, text + run_start, length - run_start);
  nyx_json_writer_append (writer, "\"", 1);
}
