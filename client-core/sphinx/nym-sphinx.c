/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NYM_SPHINX_ERROR domain and the rules of the Sphinx header versions (nym-packet.md §12). */
#include "sphinx/nym-sphinx.h"

G_DEFINE_QUARK (nym-sphinx-error-quark, nym_sphinx_error)

bool
nym_sphinx_version_is_supported (uint16_t version)
{
  return version == NYM_SPHINX_VERSION_EXPLICIT_PAYLOAD_KEYS
         || version == NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS;
}

/* sphinx-packet's Version::expects_legacy_full_payload_keys: the two legacy versions (1 and
 * 257) and 258 take the 192-byte slice; every other version derives the key from a seed. */
bool
nym_sphinx_version_uses_legacy_payload_keys (uint16_t version)
{
  return version == 1 || version == 257 || version == NYM_SPHINX_VERSION_EXPLICIT_PAYLOAD_KEYS;
}
