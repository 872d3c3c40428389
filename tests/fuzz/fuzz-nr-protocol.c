/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: NR requests, responses and exit policy text never fault, and whatever decodes
 * encodes, and decodes again to the same bytes (encode ∘ decode is idempotent). */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "socks5/nym-nr-protocol.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_request (const uint8_t *data,
               size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrRequest) request = nym_nr_request_decode (data, size, &error);
  g_autoptr(GBytes) once = NULL;
  g_autoptr(NymNrRequest) again = NULL;
  g_autoptr(GBytes) twice = NULL;

  if (request == NULL)
    {
      if (error == NULL || error->domain != NYM_SOCKS_ERROR)
        abort ();
      return;
    }
  if (request->kind == NYM_NR_REQUEST_CONNECT)
    {
      g_autofree char *host = NULL;
      uint16_t port = 0;

      /* The exit's next step; whatever the text, it either splits or says why not. */
      if (nym_nr_remote_address_split (request->remote_address, &host, &port, NULL)
          && (host == NULL || *host == '\0' || port == 0))
        abort ();
    }
  once = nym_nr_request_encode (request, NULL);
  if (once == NULL)
    abort ();
  again = nym_nr_request_decode (g_bytes_get_data (once, NULL), g_bytes_get_size (once), NULL);
  if (again == NULL)
    abort ();
  twice = nym_nr_request_encode (again, NULL);
  if (twice == NULL || !g_bytes_equal (once, twice))
    abort ();
}

static void
check_response (const uint8_t *data,
                size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrResponse) response = nym_nr_response_decode (data, size, &error);
  g_autoptr(GBytes) once = NULL;
  g_autoptr(NymNrResponse) again = NULL;
  g_autoptr(GBytes) twice = NULL;

  if (response == NULL)
    {
      if (error == NULL || error->domain != NYM_SOCKS_ERROR)
        abort ();
      return;
    }
  once = nym_nr_response_encode (response, NULL);
  if (once == NULL)
    abort ();
  again = nym_nr_response_decode (g_bytes_get_data (once, NULL), g_bytes_get_size (once), NULL);
  if (again == NULL)
    abort ();
  twice = nym_nr_response_encode (again, NULL);
  if (twice == NULL || !g_bytes_equal (once, twice))
    abort ();
}

static void
check_policy (const uint8_t *data,
              size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrExitPolicy) policy = nym_nr_exit_policy_parse ((const char *) data, (gssize) size, &error);
  g_autofree char *text = NULL;
  g_autoptr(NymNrExitPolicy) again = NULL;

  if (policy == NULL)
    {
      if (error == NULL)
        abort ();
      return;
    }
  text = nym_nr_exit_policy_to_string (policy);
  again = nym_nr_exit_policy_parse (text, -1, NULL);
  if (again == NULL || !nym_nr_exit_policy_equal (policy, again))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  check_request (data, size);
  check_response (data, size);
  check_policy (data, size);
  return 0;
}
