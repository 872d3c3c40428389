/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Requests to and responses from a network requester (the exit), in the legacy and the versioned encoding (spec nym-gateway.md §5.2). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-recipient.h"
#include "socks5/nym-nr-exit-policy.h"
#include "socks5/nym-socks-error.h"

G_BEGIN_DECLS

/*
 * Two version bytes exist (§5.2): the service-provider interface version, which comes first
 * and is followed by a tag (0x00 control, 0x01 provider data), and the SOCKS5 protocol version
 * in front of the provider data. A byte below 3 in either place means Legacy, which has no
 * interface byte and no tag, and puts 0x00 in front of a request (nothing in front of a
 * response). Versions are kept as bytes: 0 stands for Legacy, 3 is the current version.
 */
#define NYM_NR_VERSION_LEGACY  0
#define NYM_NR_VERSION_CURRENT 3
#define NYM_NR_VERSION_INITIAL 3

/* A Connect's "host:port" length travels as a u16. */
#define NYM_NR_MAX_REMOTE_ADDRESS_LEN 65535

typedef struct
{
  uint8_t interface; /* NYM_NR_VERSION_LEGACY or ≥ 3 */
  uint8_t protocol;  /* NYM_NR_VERSION_LEGACY or ≥ 3; Legacy whenever interface is */
} NymNrVersion;

#define NYM_NR_VERSION_INIT_LEGACY    ((NymNrVersion) { NYM_NR_VERSION_LEGACY, NYM_NR_VERSION_LEGACY })
#define NYM_NR_VERSION_INIT_VERSIONED ((NymNrVersion) { NYM_NR_VERSION_CURRENT, NYM_NR_VERSION_CURRENT })

typedef enum
{
  NYM_NR_REQUEST_CONNECT = 0, /* request flags of the SOCKS5 content */
  NYM_NR_REQUEST_SEND    = 1,
  NYM_NR_REQUEST_QUERY   = 2,
  NYM_NR_REQUEST_CONTROL = 0x100, /* versioned interface only; not a flag on the wire */
} NymNrRequestKind;

typedef enum
{
  NYM_NR_RESPONSE_NETWORK_DATA     = 1, /* response flags of the SOCKS5 content */
  NYM_NR_RESPONSE_CONNECTION_ERROR = 2,
  NYM_NR_RESPONSE_QUERY            = 3,
  NYM_NR_RESPONSE_CONTROL          = 0x100,
} NymNrResponseKind;

/* bincode variant indices of QueryRequest and QueryResponse. */
typedef enum
{
  NYM_NR_QUERY_OPEN_PROXY  = 0,
  NYM_NR_QUERY_DESCRIPTION = 1,
  NYM_NR_QUERY_EXIT_POLICY = 2,
  NYM_NR_QUERY_ERROR       = 3, /* responses only */
} NymNrQuery;

/* Control request and response tags; Error exists only in responses. */
typedef enum
{
  NYM_NR_CONTROL_HEALTH             = 0x00,
  NYM_NR_CONTROL_BINARY_INFO        = 0x01,
  NYM_NR_CONTROL_SUPPORTED_VERSIONS = 0x02,
  NYM_NR_CONTROL_ERROR              = 0xff,
} NymNrControl;

typedef struct
{
  NymNrVersion     version;
  NymNrRequestKind kind;
  uint64_t         connection_id;      /* Connect, Send */
  char            *remote_address;     /* Connect: "host:port" */
  bool             has_return_address; /* Connect: whether the 96-byte Recipient follows */
  NymRecipient     return_address;
  uint64_t         sequence;           /* Send */
  bool             local_closed;       /* Send: the client's side of the socket is closed */
  GBytes          *data;               /* Send */
  NymNrQuery       query;              /* Query */
  NymNrControl     control;            /* Control */
} NymNrRequest;

typedef struct
{
  NymNrVersion      version;
  NymNrResponseKind kind;
  uint64_t          connection_id;  /* NetworkData, ConnectionError */
  uint64_t          sequence;       /* NetworkData */
  bool              remote_closed;  /* NetworkData: the remote side of the socket is closed */
  GBytes           *data;           /* NetworkData; Control: the JSON body after the tag */
  char             *message;        /* ConnectionError; Query Description or Error text */
  NymNrQuery        query;          /* Query */
  bool              open_proxy;     /* Query OpenProxy */
  bool              policy_enabled; /* Query ExitPolicy */
  char             *upstream;       /* Query ExitPolicy */
  NymNrExitPolicy  *policy;         /* Query ExitPolicy, may be NULL (None) */
  NymNrControl      control;        /* Control */
} NymNrResponse;

NymNrRequest  *nym_nr_request_new_connect    (NymNrVersion        version,
                                              uint64_t            connection_id,
                                              const char         *remote_address,
                                              const NymRecipient *return_address);
NymNrRequest  *nym_nr_request_new_send       (NymNrVersion        version,
                                              uint64_t            connection_id,
                                              uint64_t            sequence,
                                              const uint8_t      *data,
                                              size_t              len,
                                              bool                local_closed);
NymNrRequest  *nym_nr_request_new_query      (NymNrVersion        version,
                                              NymNrQuery          query);
NymNrRequest  *nym_nr_request_new_control    (NymNrVersion        version,
                                              NymNrControl        control);
void           nym_nr_request_free           (NymNrRequest       *request);
GBytes        *nym_nr_request_encode         (const NymNrRequest *request,
                                              GError            **error) G_GNUC_WARN_UNUSED_RESULT;
NymNrRequest  *nym_nr_request_decode         (const uint8_t      *bytes,
                                              size_t              len,
                                              GError            **error) G_GNUC_WARN_UNUSED_RESULT;

NymNrResponse *nym_nr_response_new_network_data     (NymNrVersion      version,
                                                     uint64_t          connection_id,
                                                     uint64_t          sequence,
                                                     const uint8_t    *data,
                                                     size_t            len,
                                                     bool              remote_closed);
NymNrResponse *nym_nr_response_new_connection_error (NymNrVersion      version,
                                                     uint64_t          connection_id,
                                                     const char       *message);
NymNrResponse *nym_nr_response_new_query_open_proxy (NymNrVersion      version,
                                                     bool              open_proxy);
NymNrResponse *nym_nr_response_new_query_text       (NymNrVersion      version,
                                                     NymNrQuery        query,
                                                     const char       *text);
NymNrResponse *nym_nr_response_new_query_exit_policy (NymNrVersion          version,
                                                      bool                  enabled,
                                                      const char           *upstream,
                                                      const NymNrExitPolicy *policy);
NymNrResponse *nym_nr_response_new_control          (NymNrVersion      version,
                                                     NymNrControl      control,
                                                     const uint8_t    *json,
                                                     size_t            json_len);
void           nym_nr_response_free                 (NymNrResponse      *response);
GBytes        *nym_nr_control_supported_versions_json (uint8_t           interface_version,
                                                       uint8_t           provider_version);
GBytes        *nym_nr_control_error_json            (const char         *message);
bool           nym_nr_remote_address_split          (const char         *remote_address,
                                                     char              **host,
                                                     uint16_t           *port,
                                                     GError            **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes        *nym_nr_response_encode               (const NymNrResponse *response,
                                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;
NymNrResponse *nym_nr_response_decode               (const uint8_t       *bytes,
                                                     size_t               len,
                                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymNrRequest, nym_nr_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymNrResponse, nym_nr_response_free)

G_END_DECLS
