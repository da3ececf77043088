// Tests of /shelves: every operation's success, not-found, invalid-input and auth behaviour.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Shelf } from "../src/models.js";
import { inMemoryRepositories } from "../src/repository.js";
import {
  AUTH,
  AUTH_QUERY,
  assertError,
  testApp,
  type TestApp,
} from "./helpers.js";

const CREATE_BODY = { label: "sample-text", floor: 1 };
const UPDATE_BODY = { label: "sample-texb", floor: 1 };
const SAMPLE_ITEM = { label: "sample-text", floor: 1 };
const MISSING = "987654321";

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

/** Store an item directly in the repository and return it. */
function seed(changes: Record<string, unknown> = {}): Shelf {
  const key = freshKey();
  const stored = { ...SAMPLE_ITEM, id: key, ...changes } as Shelf;
  t.repos.shelves.put(String(key), stored);
  return stored;
}

function keyOf(value: Shelf): string {
  return String(value.id);
}

describe("listShelves", () => {
  const listed = (response: LightMyRequestResponse): string[] =>
    response.json<Shelf[]>().map(keyOf);
  const list = (query: Record<string, string | string[]> = {}) =>
    t.app.inject({
      method: "GET",
      url: `/shelves`,
      headers: AUTH,
      query: { ...AUTH_QUERY, ...query },
    });

  it("returns the stored items", async () => {
    const [first, second] = [seed(), seed()];
    const response = await list();
    expect(response.statusCode).toBe(200);
    expect(listed(response)).toEqual([keyOf(first), keyOf(second)]);
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
});

describe("createShelf", () => {
  const create = (payload: unknown) =>
    t.app.inject({
      method: "POST",
      url: `/shelves`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: payload as object,
    });

  it("returns 201 with the created body", async () => {
    const response = await create(CREATE_BODY);
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json<Shelf>();
    expect(created).toMatchObject(CREATE_BODY);
    expect(t.repos.shelves.get(keyOf(created))).toBeDefined();
  });

  it("rejects invalid input", async () => {
    assertError(await create(["not", "an", "object"]), 422);
  });
});

describe("getShelf", () => {
  it("returns the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "GET",
      url: `/shelves/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(shown(stored));
  });

  it("answers 404 for an unknown id", async () => {
    const response = await t.app.inject({
      method: "GET",
      url: `/shelves/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    assertError(response, 404);
  });
});

describe("deleteShelf", () => {
  it("removes the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "DELETE",
      url: `/shelves/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    expect(response.statusCode).toBe(204);
    expect(t.repos.shelves.get(keyOf(stored))).toBeUndefined();
  });

  it("answers 404 for an unknown id", async () => {
    const response = await t.app.inject({
      method: "DELETE",
      url: `/shelves/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    assertError(response, 404);
  });
});

describe("updateShelf", () => {
  it("updates the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "PATCH",
      url: `/shelves/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: UPDATE_BODY,
    });
    expect(response.statusCode, response.body).toBe(200);
    const changed = response.json<Shelf>();
    expect(changed).toMatchObject(UPDATE_BODY);
    expect(keyOf(changed)).toBe(keyOf(stored));
  });

  it("answers 404 for an unknown id", async () => {
    const response = await t.app.inject({
      method: "PATCH",
      url: `/shelves/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: UPDATE_BODY,
    });
    assertError(response, 404);
  });

  it("rejects invalid input", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "PATCH",
      url: `/shelves/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: ["not", "an", "object"],
    });
    assertError(response, 422);
  });
});

describe("requests without credentials", () => {
  it.each([
    ["GET", "/shelves", null],
    ["POST", "/shelves", { label: "sample-text", floor: 1 }],
    ["GET", "/shelves/987654321", null],
    ["DELETE", "/shelves/987654321", null],
    ["PATCH", "/shelves/987654321", { label: "sample-text", floor: 1 }],
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
function shown(value: Shelf | undefined): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
