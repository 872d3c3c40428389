/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Start-up of libnymphui: its resources and types, before any widget is built. */
#include "nymph-ui.h"

#include "nymph-resources.h"

/*
 * The GResource bundle is registered by hand because the generated constructor would live
 * in an object file that nothing references, and the linker drops those from static
 * libraries. Registering once is enough for the process lifetime.
 */
void
nymph_ui_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      nymph_register_resource ();
      g_once_init_leave (&initialized, 1);
    }
}
