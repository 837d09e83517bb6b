/* flex-twilio-error.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-twilio"

#include "config.h"

#include "flex-twilio-error.h"

typedef struct
{
  guint http_status;
  int twilio_code;
  char *more_info;
} FlexTwilioErrorPrivate;

static void
flex_twilio_error_private_init (FlexTwilioErrorPrivate *priv)
{
  priv->http_status = 0;
  priv->twilio_code = 0;
  priv->more_info = NULL;
}

static void
flex_twilio_error_private_copy (const FlexTwilioErrorPrivate *src, FlexTwilioErrorPrivate *dest)
{
  dest->http_status = src->http_status;
  dest->twilio_code = src->twilio_code;
  dest->more_info = g_strdup (src->more_info);
}

static void
flex_twilio_error_private_clear (FlexTwilioErrorPrivate *priv)
{
  g_clear_pointer (&priv->more_info, g_free);
}

/* Defines flex_twilio_error_quark() and flex_twilio_error_get_private(). */
G_DEFINE_EXTENDED_ERROR (FlexTwilioError, flex_twilio_error)

/**
 * flex_twilio_set_error:
 * @http_status: the HTTP status of the answer, or 0 when there was none
 * @twilio_code: the Twilio error code of the answer body, or 0
 * @more_info: (nullable): the documentation URL of the error code
 *
 * Sets @error in the %FLEX_TWILIO_ERROR domain, with its extra data.
 */
void
flex_twilio_set_error (GError **error,
                       FlexTwilioError code,
                       guint http_status,
                       int twilio_code,
                       const char *more_info,
                       const char *format,
                       ...)
{
  FlexTwilioErrorPrivate *priv;
  g_autofree char *message = NULL;
  GError *new_error;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  new_error = g_error_new_literal (FLEX_TWILIO_ERROR, code, message);
  priv = flex_twilio_error_get_private (new_error);
  priv->http_status = http_status;
  priv->twilio_code = twilio_code;
  priv->more_info = g_strdup (more_info);

  g_propagate_error (error, new_error);
}

/**
 * flex_twilio_error_get_http_status:
 *
 * Returns: the HTTP status carried by @error, or 0 when @error is not a
 *   %FLEX_TWILIO_ERROR or there was no HTTP answer.
 */
guint
flex_twilio_error_get_http_status (const GError *error)
{
  FlexTwilioErrorPrivate *priv = flex_twilio_error_get_private (error);

  return priv != NULL ? priv->http_status : 0;
}

/**
 * flex_twilio_error_get_twilio_code:
 *
 * Returns: the Twilio error code (e.g. 54205) carried by @error, or 0.
 */
int
flex_twilio_error_get_twilio_code (const GError *error)
{
  FlexTwilioErrorPrivate *priv = flex_twilio_error_get_private (error);

  return priv != NULL ? priv->twilio_code : 0;
}

/**
 * flex_twilio_error_get_more_info:
 *
 * Returns: (nullable): the documentation URL Twilio gave for the error.
 */
const char *
flex_twilio_error_get_more_info (const GError *error)
{
  FlexTwilioErrorPrivate *priv = flex_twilio_error_get_private (error);

  return priv != NULL ? priv->more_info : NULL;
}

/**
 * flex_twilio_error_code_for_status:
 *
 * Maps an HTTP status and Twilio error code to a #FlexTwilioError.
 */
FlexTwilioError
flex_twilio_error_code_for_status (guint http_status, int twilio_code)
{
  if (twilio_code == 54006)
    return FLEX_TWILIO_ERROR_TOO_LARGE;

  switch (http_status)
    {
      case 401:
        return FLEX_TWILIO_ERROR_UNAUTHORIZED;
      case 403:
        return FLEX_TWILIO_ERROR_FORBIDDEN;
      case 404:
        return FLEX_TWILIO_ERROR_NOT_FOUND;
      case 409:
        return FLEX_TWILIO_ERROR_CONFLICT;
      case 412:
        return FLEX_TWILIO_ERROR_PRECONDITION_FAILED;
      case 413:
        return FLEX_TWILIO_ERROR_TOO_LARGE;
      case 429:
        return FLEX_TWILIO_ERROR_RATE_LIMITED;
      default:
        break;
    }

  if (http_status >= 500 && http_status < 600)
    return FLEX_TWILIO_ERROR_SERVER;
  if (http_status >= 400 && http_status < 500)
    return FLEX_TWILIO_ERROR_INVALID;

  return FLEX_TWILIO_ERROR_FAILED;
}

/**
 * flex_twilio_error_is_transient:
 *
 * Returns: whether @error passes with time (no network, a timeout, 5xx,
 *   429): the same request may succeed later, so an edit is kept, not
 *   refused
 */
gboolean
flex_twilio_error_is_transient (const GError *error)
{
  return g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_NETWORK) ||
         g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_TIMEOUT) ||
         g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_SERVER) ||
         g_error_matches (error, FLEX_TWILIO_ERROR, FLEX_TWILIO_ERROR_RATE_LIMITED);
}
