// Tests of /authors: every operation's success, not-found, invalid-input and auth behaviour.
import { randomUUID } from "node:crypto";

import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Author } from "../src/models.js";
import { inMemoryRepositories } from "../src/repository.js";
import {
  AUTH,
  AUTH_QUERY,
  assertError,
  testApp,
  type TestApp,
} from "./helpers.js";

const CREATE_BODY = { name: "sample-text", email: "ada@example.com", born: 1 };
const SAMPLE_ITEM = { name: "sample-text", email: "ada@example.com", born: 1 };
const MISSING = "00000000-0000-4000-8000-000000000000";

let t: TestApp;

// One app per file (building one compiles every schema); each test starts from empty repositories.
beforeAll(() => {
  t = testApp();
});

beforeEach(() => {
  Object.assign(t.repos, inMemoryRepositories());
});

afterAll(async () => {
  await t.app.close();
});

function freshKey(): string {
  return randomUUID();
}

/** Store an item directly in the repository and return it. */
function seed(changes: Record<string, unknown> = {}): Author {
  const key = freshKey();
  const stored = { ...SAMPLE_ITEM, id: key, ...changes } as Author;
  t.repos.authors.put(String(key), stored);
  return stored;
}

function keyOf(value: Author): string {
  return String(value.id);
}

describe("listAuthors", () => {
  const listed = (response: LightMyRequestResponse): string[] =>
    response.json<Author[]>().map(keyOf);
  const list = (query: Record<string, string | string[]> = {}) =>
    t.app.inject({
      method: "GET",
      url: `/authors`,
      headers: AUTH,
      query: { ...AUTH_QUERY, ...query },
    });

  it("returns the stored items", async () => {
    const [first, second] = [seed(), seed()];
    const response = await list();
    expect(response.statusCode).toBe(200);
    expect(listed(response)).toEqual([keyOf(first), keyOf(second)]);
  });
});

describe("createAuthor", () => {
  const create = (payload: unknown) =>
    t.app.inject({
      method: "POST",
      url: `/authors`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: payload as object,
    });

  it("returns 201 with the created body", async () => {
    const response = await create(CREATE_BODY);
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json<Author>();
    expect(created).toMatchObject(CREATE_BODY);
    expect(t.repos.authors.get(keyOf(created))).toBeDefined();
  });

  it("rejects invalid input", async () => {
    assertError(await create(["not", "an", "object"]), 422);
  });
});

describe("getAuthor", () => {
  it("returns the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "GET",
      url: `/authors/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(shown(stored));
  });

  it("answers 404 for an unknown id", async () => {
    const response = await t.app.inject({
      method: "GET",
      url: `/authors/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    assertError(response, 404);
  });
});

describe("requests without credentials", () => {
  it.each([
    ["GET", "/authors", null],
    [
      "POST",
      "/authors",
      { name: "sample-text", email: "ada@example.com", born: 1 },
    ],
    ["GET", "/authors/00000000-0000-4000-8000-000000000000", null],
  ] as const)("%s %s is refused", async (method, url, payload) => {
    const response = await t.app.inject({
      method,
      url,
      payload: payload ?? undefined,
    });
    assertError(response, 401);
  });
});

/** An item as an answer shows it: what JSON keeps of it. */
function shown(value: Author | undefined): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
