// What every test file shares: an app over fresh in-memory repositories, credentials, the error shape.
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";

import { buildApp } from "../src/app.js";
import { inMemoryRepositories, type Repositories } from "../src/repository.js";
import { staticTokens } from "../src/security.js";

export const ERROR_FIELDS = ["code", "detail"];
export const TOKEN = "test-token";
/** Headers that carry the accepted credential. */
export const AUTH: Record<string, string> = { "x-api-key": "" + TOKEN };
/** Query parameters that carry the accepted credential. */
export const AUTH_QUERY: Record<string, string> = {};

export interface TestApp {
  app: FastifyInstance;
  repos: Repositories;
}

export function testApp(): TestApp {
  const repos = inMemoryRepositories();
  return {
    app: buildApp({ repositories: repos, verifier: staticTokens([TOKEN]) }),
    repos,
  };
}

export function assertError(
  response: LightMyRequestResponse,
  status: number,
): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers["content-type"]).toContain("application/json");
  expect(Object.keys(response.json<Record<string, unknown>>())).toEqual(
    expect.arrayContaining(ERROR_FIELDS),
  );
}
