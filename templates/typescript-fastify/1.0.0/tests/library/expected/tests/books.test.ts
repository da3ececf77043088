// Tests of /shelves/{shelfId}/books: every operation's success, not-found, invalid-input and auth behaviour.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Book, Shelf } from "../src/models.js";
import { inMemoryRepositories } from "../src/repository.js";
import {
  AUTH,
  AUTH_QUERY,
  assertError,
  testApp,
  type TestApp,
} from "./helpers.js";

const CREATE_BODY = { title: "sample-text", language: "en", pages: 100 };
const SAMPLE_ITEM = {
  title: "sample-text",
  language: "en",
  pages: 1,
  addedAt: "2026-01-15T09:30:00Z",
};
const MISSING = "987654321";
const PARENT = 1;

let t: TestApp;
let keys = 0;

// One app per file (building one compiles every schema); each test starts from empty repositories.
beforeAll(() => {
  t = testApp();
});

beforeEach(() => {
  Object.assign(t.repos, inMemoryRepositories());
  keys = 0;
});

afterAll(async () => {
  await t.app.close();
});

function freshKey(): number {
  keys += 1;
  return 100 + keys;
}

function seedParent(): void {
  const parent = { label: "sample-text", floor: 1, id: PARENT } as Shelf;
  t.repos.shelves.put(String(PARENT), parent);
}

/** Store an item directly in the repository and return it. */
function seed(changes: Record<string, unknown> = {}): Book {
  seedParent();
  const key = freshKey();
  const stored = {
    ...SAMPLE_ITEM,
    id: key,
    shelfId: PARENT,
    ...changes,
  } as Book;
  t.repos.books.put(String(key), stored);
  return stored;
}

function keyOf(value: Book): string {
  return String(value.id);
}

describe("listShelfBooks", () => {
  const listed = (response: LightMyRequestResponse): string[] =>
    response.json<Book[]>().map(keyOf);
  const list = (query: Record<string, string | string[]> = {}) =>
    t.app.inject({
      method: "GET",
      url: `/shelves/${encodeURIComponent(PARENT)}/books`,
      headers: AUTH,
      query: { ...AUTH_QUERY, ...query },
    });

  it("returns the stored items", async () => {
    const [first, second] = [seed(), seed()];
    const response = await list();
    expect(response.statusCode).toBe(200);
    expect(listed(response)).toEqual([keyOf(first), keyOf(second)]);
  });

  it("filters by language", async () => {
    const wanted = seed({ language: "en" });
    seed({ language: "fr" });
    const response = await list({ language: "en" });
    expect(response.statusCode).toBe(200);
    expect(listed(response)).toEqual([keyOf(wanted)]);
  });
});

describe("createShelfBook", () => {
  const create = (payload: unknown) =>
    t.app.inject({
      method: "POST",
      url: `/shelves/${encodeURIComponent(PARENT)}/books`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: payload as object,
    });

  it("returns 201 with the created body", async () => {
    seedParent();
    const response = await create(CREATE_BODY);
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json<Book>();
    expect(created).toMatchObject(CREATE_BODY);
    expect(t.repos.books.get(keyOf(created))).toBeDefined();
  });

  it("rejects invalid input", async () => {
    seedParent();
    assertError(await create(["not", "an", "object"]), 422);
  });
});

describe("getShelfBook", () => {
  it("returns the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "GET",
      url: `/shelves/${encodeURIComponent(PARENT)}/books/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(shown(stored));
  });

  it("answers 404 for an unknown id", async () => {
    seed();
    const response = await t.app.inject({
      method: "GET",
      url: `/shelves/${encodeURIComponent(PARENT)}/books/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    assertError(response, 404);
  });
});

describe("deleteShelfBook", () => {
  it("removes the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "DELETE",
      url: `/shelves/${encodeURIComponent(PARENT)}/books/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    expect(response.statusCode).toBe(204);
    expect(t.repos.books.get(keyOf(stored))).toBeUndefined();
  });

  it("answers 404 for an unknown id", async () => {
    seed();
    const response = await t.app.inject({
      method: "DELETE",
      url: `/shelves/${encodeURIComponent(PARENT)}/books/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    assertError(response, 404);
  });
});

it("answers 404 for an unknown parent", async () => {
  const response = await t.app.inject({
    method: "GET",
    url: `/shelves/987654321/books`,
    headers: AUTH,
    query: { ...AUTH_QUERY },
  });
  assertError(response, 404);
});

describe("requests without credentials", () => {
  it.each([
    ["GET", "/shelves/987654321/books", null],
    [
      "POST",
      "/shelves/987654321/books",
      { title: "sample-text", language: "en", pages: 100 },
    ],
    ["GET", "/shelves/987654321/books/987654321", null],
    ["DELETE", "/shelves/987654321/books/987654321", null],
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
