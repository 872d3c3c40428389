/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a libFuzzer harness without libFuzzer: over its seed corpus, then over deterministic
 * mutations of it, so every harness is built and exercised (under ASan in CI) in any build. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MUTATIONS_PER_SEED 2000

static void
mutate_and_run (const uint8_t *seed, size_t size, GRand *rand)
{
  size_t cap = size + 16;
  g_autofree uint8_t *buffer = g_malloc (cap);

  for (int i = 0; i < MUTATIONS_PER_SEED; i++)
    {
      size_t length = size;

      memcpy (buffer, seed, size);
      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0: /* flip a byte */
          if (length > 0)
            buffer[g_rand_int_range (rand, 0, length)] ^= (uint8_t) g_rand_int_range (rand, 1, 256);
          break;
        case 1: /* truncate */
          length = length > 0 ? (size_t) g_rand_int_range (rand, 0, length) : 0;
          break;
        case 2: /* append random bytes */
          for (size_t extra = g_rand_int_range (rand, 1, 16); extra > 0; extra--)
            buffer[length++] = (uint8_t) g_rand_int_range (rand, 0, 256);
          break;
        default: /* overwrite with a printable character */
          if (length > 0)
            buffer[g_rand_int_range (rand, 0, length)] = (uint8_t) g_rand_int_range (rand, 32, 127);
          break;
        }
      LLVMFuzzerTestOneInput (buffer, length);
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x6e796d70);
  const char *name;
  guint seeds = 0;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s CORPUS-DIR\n", argv[0]);
      return 2;
    }
  if ((dir = g_dir_open (argv[1], 0, &error)) == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  printf ("1..1\n");
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (argv[1], name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          printf ("not ok 1 - %s\n", error->message);
          return 1;
        }
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
      mutate_and_run ((const uint8_t *) contents, length, rand);
      seeds++;
    }
  LLVMFuzzerTestOneInput ((const uint8_t *) "", 0);

  if (seeds == 0)
    {
      printf ("not ok 1 - the corpus %s is empty\n", argv[1]);
      return 1;
    }
  printf ("ok 1 - %u seeds and %u mutations of each ran without a fault\n", seeds, MUTATIONS_PER_SEED);
  return 0;
}
