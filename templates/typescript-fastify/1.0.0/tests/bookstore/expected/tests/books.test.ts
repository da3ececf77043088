// Tests of /books: every operation's success, not-found, invalid-input and auth behaviour.
import { randomUUID } from "node:crypto";

import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Book } from "../src/models.js";
import { inMemoryRepositories } from "../src/repository.js";
import {
  AUTH,
  AUTH_QUERY,
  assertError,
  testApp,
  type TestApp,
} from "./helpers.js";

const CREATE_BODY = {
  title: "sample-text",
  authorId: "6513270e-269e-4d37-b2a7-4de452e6b438",
  genre: "fiction",
  isbn: "7777777777777",
  publishedOn: "2026-01-15",
  tags: ["sample-text"],
};
const UPDATE_BODY = {
  title: "sample-texb",
  authorId: "6513270e-269e-4d37-b2a7-4de452e6b438",
  genre: "fiction",
  isbn: "7777777777777",
  publishedOn: "2026-01-15",
  tags: ["sample-text"],
};
const SAMPLE_ITEM = {
  title: "sample-text",
  authorId: "d23f0824-128b-4f33-8c5c-7fd0a6a3a450",
  genre: "fiction",
  isbn: "7777777777777",
  publishedOn: "2026-01-15",
  tags: ["sample-text"],
  createdAt: "2026-01-15T09:30:00Z",
};
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
function seed(changes: Record<string, unknown> = {}): Book {
  const key = freshKey();
  const stored = { ...SAMPLE_ITEM, id: key, ...changes } as Book;
  t.repos.books.put(String(key), stored);
  return stored;
}

function keyOf(value: Book): string {
  return String(value.id);
}

describe("listBooks", () => {
  const listed = (response: LightMyRequestResponse): string[] =>
    response.json<{ items: Book[] }>().items.map(keyOf);
  const list = (query: Record<string, string | string[]> = {}) =>
    t.app.inject({
      method: "GET",
      url: `/books`,
      headers: AUTH,
      query: { ...AUTH_QUERY, ...query },
    });

  it("returns the stored items", async () => {
    const [first, second] = [seed(), seed()];
    const response = await list();
    expect(response.statusCode).toBe(200);
    expect(listed(response)).toEqual([keyOf(first), keyOf(second)]);
    expect(response.json<Record<string, unknown>>().total).toBe(2);
  });

  it("honours limit", async () => {
    const [first, second] = [seed(), seed()];
    const response = await list({ limit: "1" });
    expect(response.statusCode).toBe(200);
    expect(listed(response)).toEqual([keyOf(first)]);
    expect(keyOf(first)).not.toBe(keyOf(second));
  });

  it("honours offset", async () => {
    const [first, second] = [seed(), seed()];
    const response = await list({ offset: "1" });
    expect(response.statusCode).toBe(200);
    expect(listed(response)).toEqual([keyOf(second)]);
    expect(keyOf(first)).not.toBe(keyOf(second));
  });

  it("filters by genre", async () => {
    const wanted = seed({ genre: "fiction" });
    seed({ genre: "non-fiction" });
    const response = await list({ genre: "fiction" });
    expect(response.statusCode).toBe(200);
    expect(listed(response)).toEqual([keyOf(wanted)]);
  });
});

describe("createBook", () => {
  const create = (payload: unknown) =>
    t.app.inject({
      method: "POST",
      url: `/books`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: payload as object,
    });

  it("returns 201 with the created body", async () => {
    const response = await create(CREATE_BODY);
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json<Book>();
    expect(created).toMatchObject(CREATE_BODY);
    expect(t.repos.books.get(keyOf(created))).toBeDefined();
  });

  it("rejects invalid input", async () => {
    assertError(await create(["not", "an", "object"]), 422);
  });
});

describe("getBook", () => {
  it("returns the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "GET",
      url: `/books/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(shown(stored));
  });

  it("answers 404 for an unknown id", async () => {
    const response = await t.app.inject({
      method: "GET",
      url: `/books/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    assertError(response, 404);
  });
});

describe("replaceBook", () => {
  it("replaces the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "PUT",
      url: `/books/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: UPDATE_BODY,
    });
    expect(response.statusCode, response.body).toBe(200);
    const changed = response.json<Book>();
    expect(changed).toMatchObject(UPDATE_BODY);
    expect(keyOf(changed)).toBe(keyOf(stored));
  });

  it("answers 404 for an unknown id", async () => {
    const response = await t.app.inject({
      method: "PUT",
      url: `/books/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: UPDATE_BODY,
    });
    assertError(response, 404);
  });

  it("rejects invalid input", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "PUT",
      url: `/books/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: ["not", "an", "object"],
    });
    assertError(response, 422);
  });
});

describe("deleteBook", () => {
  it("removes the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "DELETE",
      url: `/books/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    expect(response.statusCode).toBe(204);
    expect(t.repos.books.get(keyOf(stored))).toBeUndefined();
  });

  it("answers 404 for an unknown id", async () => {
    const response = await t.app.inject({
      method: "DELETE",
      url: `/books/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    assertError(response, 404);
  });
});

describe("requests without credentials", () => {
  it.each([
    ["GET", "/books", null],
    [
      "POST",
      "/books",
      {
        title: "sample-text",
        authorId: "6513270e-269e-4d37-b2a7-4de452e6b438",
        genre: "fiction",
        isbn: "7777777777777",
        publishedOn: "2026-01-15",
        tags: ["sample-text"],
      },
    ],
    ["GET", "/books/00000000-0000-4000-8000-000000000000", null],
    [
      "PUT",
      "/books/00000000-0000-4000-8000-000000000000",
      {
        title: "sample-text",
        authorId: "6513270e-269e-4d37-b2a7-4de452e6b438",
        genre: "fiction",
        isbn: "7777777777777",
        publishedOn: "2026-01-15",
        tags: ["sample-text"],
      },
    ],
    ["DELETE", "/books/00000000-0000-4000-8000-000000000000", null],
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
function shown(value: Book | undefined): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
