// Authentication: apiKey, checked by a pluggable verifier.
import { timingSafeEqual } from "node:crypto";

import type { FastifyRequest, onRequestHookHandler } from "fastify";

import { ApiError } from "./errors.js";

export const TOKENS_ENV = "LIBRARY_API_TOKENS";

export type TokenVerifier = (token: string) => boolean;

/** Accepts a fixed set of tokens, compared in constant time. */
export function staticTokens(tokens: Iterable<string>): TokenVerifier {
  const known = [...tokens]
    .filter((token) => token.length > 0)
    .map((token) => Buffer.from(token));
  return (token) => {
    const given = Buffer.from(token);
    return known.some(
      (candidate) =>
        candidate.length === given.length && timingSafeEqual(candidate, given),
    );
  };
}

/** Tokens from ${LIBRARY_API_TOKENS} (comma-separated); none configured means every request is refused. */
export function tokensFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): TokenVerifier {
  return staticTokens(
    (env.LIBRARY_API_TOKENS ?? "").split(",").map((part) => part.trim()),
  );
}

function credential(request: FastifyRequest): string {
  const value = request.headers["x-api-key"];
  return typeof value === "string" ? value : "";
}

/** The `onRequest` hook of every secured route: 401 unless the request carries an accepted credential. */
export function authHook(verify: TokenVerifier): onRequestHookHandler {
  return async (request) => {
    const token = credential(request);
    if (!token || !verify(token)) {
      throw new ApiError(
        401,
        "unauthorized",
        "Missing or invalid credentials.",
        {
          "WWW-Authenticate": "ApiKey",
        },
      );
    }
  };
}
