/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the topology client (client-core/topology): nym-api requests and their answers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NYM_TOPOLOGY_ERROR (nym_topology_error_quark ())

typedef enum
{
  NYM_TOPOLOGY_ERROR_HTTP,          /* the request failed or the server answered with an HTTP error */
  NYM_TOPOLOGY_ERROR_TIMEOUT,       /* the server did not answer in time */
  NYM_TOPOLOGY_ERROR_INVALID_JSON,  /* the body is not JSON at all */
  NYM_TOPOLOGY_ERROR_MISSING_FIELD, /* a field the format requires is absent */
  NYM_TOPOLOGY_ERROR_WRONG_TYPE,    /* a field has another JSON type than the format says */
  NYM_TOPOLOGY_ERROR_INVALID_VALUE, /* a field has the right type but an impossible value */
  NYM_TOPOLOGY_ERROR_INVALID_KEY,   /* a key is not base58 of 32 bytes */
  NYM_TOPOLOGY_ERROR_INCONSISTENT,  /* answers disagree (metadata, paging, duplicate nodes) */
  NYM_TOPOLOGY_ERROR_NOT_ROUTABLE,  /* the network lacks a mix layer or a gateway */
  NYM_TOPOLOGY_ERROR_NO_GATEWAY,    /* no gateway fits the selection */
  NYM_TOPOLOGY_ERROR_NO_URL,        /* no nym-api URL is configured */
} NymTopologyError;

GQuark nym_topology_error_quark (void);

G_END_DECLS
