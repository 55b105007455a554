import type { FastifyInstance } from 'fastify';

/** Fastify's own client errors, in words a client can act on (the codes are Fastify's). */
function clientErrors(bodyLimitBytes: number): Record<string, { error: string; message: string }> {
  return {
    FST_ERR_CTP_BODY_TOO_LARGE: {
      error: 'body_too_large',
      message: `The request body is larger than ${bodyLimitBytes / 1024 / 1024} MiB.`,
    },
    FST_ERR_CTP_INVALID_MEDIA_TYPE: {
      error: 'unsupported_media_type',
      message: 'This content type is not accepted here; send JSON.',
    },
    FST_ERR_CTP_EMPTY_JSON_BODY: { error: 'invalid_json', message: 'The JSON body is empty.' },
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
      error: 'invalid_content_length',
      message: 'Content-Length does not match the body.',
    },
    FST_ERR_CTP_INVALID_JSON_BODY: { error: 'invalid_json', message: 'The body is not valid JSON.' },
    invalid_utf8: { error: 'invalid_utf8', message: 'The request body is not valid UTF-8.' },
  };
}

/**
 * Errors as clients see them: server errors are logged and answered without a stack trace or
 * internal message; client errors keep their status with a code and a message to act on.
 */
export function handleErrors(server: FastifyInstance, bodyLimitBytes: number): void {
  const known = clientErrors(bodyLimitBytes);
  server.setErrorHandler((error: { statusCode?: number; message: string; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      // The path only: query strings carry web chat session ids, which are never logged.
      request.log.error({ err: error, url: request.url.split('?')[0] }, 'Request failed');
      return reply
        .status(status)
        .send({ error: 'internal_error', message: 'Something went wrong on our side.' });
    }
    const client = error.code ? known[error.code] : undefined;
    if (client) return reply.status(status).send(client);
    return reply.status(status).send({ error: error.code ?? 'bad_request', message: error.message });
  });

  server.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error: 'not_found', message: 'Not found.' }),
  );
}
