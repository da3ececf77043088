// Errors, answered in the shape the spec declares (Problem) as application/json.
import type { FastifyError, FastifyInstance } from "fastify";

export const ERROR_MEDIA_TYPE = "application/json";

/** An error answered with `status` and the spec's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface Problem {
  status: number;
  code: string;
  message: string;
}

export function errorBody(problem: Problem): Record<string, unknown> {
  return {
    code: problem.code,
    detail: problem.message,
  };
}

export function notFound(what: string, key: unknown): ApiError {
  return new ApiError(
    404,
    "not_found",
    `${what} ${String(key)} does not exist.`,
  );
}

/** What a framework error (validation, malformed JSON, media type, size) is answered as. */
function frameworkError(error: FastifyError): [number, string, string] {
  if (error.validation) {
    return [422, "invalid_request", error.message];
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    return [500, "internal_error", "The server could not answer this request."];
  }
  const code =
    status === 415
      ? "unsupported_media_type"
      : status === 413
        ? "payload_too_large"
        : "malformed_request";
  return [status, code, error.message];
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler<FastifyError | ApiError>(
    async (error, request, reply) => {
      const [status, code, message] =
        error instanceof ApiError
          ? [error.status, error.code, error.message]
          : frameworkError(error);
      if (status >= 500) {
        request.log.error(error);
      }
      if (error instanceof ApiError) {
        void reply.headers(error.headers);
      }
      return reply
        .code(status)
        .type(ERROR_MEDIA_TYPE)
        .send(errorBody({ status, code, message }));
    },
  );
  app.setNotFoundHandler(async (request, reply) => {
    const message = `${request.method} ${request.url.split("?")[0]} is not a route of this API.`;
    return reply
      .code(404)
      .type(ERROR_MEDIA_TYPE)
      .send(errorBody({ status: 404, code: "not_found", message }));
  });
}
