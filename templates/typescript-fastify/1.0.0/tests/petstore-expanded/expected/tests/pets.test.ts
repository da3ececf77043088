// Tests of /pets: every operation's success, not-found, invalid-input and auth behaviour.
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Pet } from "../src/models.js";
import { inMemoryRepositories } from "../src/repository.js";
import {
  AUTH,
  AUTH_QUERY,
  assertError,
  testApp,
  type TestApp,
} from "./helpers.js";

const CREATE_BODY = { name: "sample-text", tag: "sample-text" };
const SAMPLE_ITEM = { name: "sample-text", tag: "sample-text" };
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
function seed(changes: Record<string, unknown> = {}): Pet {
  const key = freshKey();
  const stored = { ...SAMPLE_ITEM, id: key, ...changes } as Pet;
  t.repos.pets.put(String(key), stored);
  return stored;
}

function keyOf(value: Pet): string {
  return String(value.id);
}

describe("findPets", () => {
  const listed = (response: LightMyRequestResponse): string[] =>
    response.json<Pet[]>().map(keyOf);
  const list = (query: Record<string, string | string[]> = {}) =>
    t.app.inject({
      method: "GET",
      url: `/pets`,
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

  it("filters by tags", async () => {
    const wanted = seed({ tag: "sample-text" });
    seed({ tag: "sample-texb" });
    const response = await list({ tags: ["sample-text"] });
    expect(response.statusCode).toBe(200);
    expect(listed(response)).toEqual([keyOf(wanted)]);
  });
});

describe("addPet", () => {
  const create = (payload: unknown) =>
    t.app.inject({
      method: "POST",
      url: `/pets`,
      headers: AUTH,
      query: AUTH_QUERY,
      payload: payload as object,
    });

  it("returns 200 with the created body", async () => {
    const response = await create(CREATE_BODY);
    expect(response.statusCode, response.body).toBe(200);
    const created = response.json<Pet>();
    expect(created).toMatchObject(CREATE_BODY);
    expect(t.repos.pets.get(keyOf(created))).toBeDefined();
  });

  it("rejects invalid input", async () => {
    assertError(await create(["not", "an", "object"]), 422);
  });
});

describe("find pet by id", () => {
  it("returns the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "GET",
      url: `/pets/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(shown(stored));
  });

  it("answers 404 for an unknown id", async () => {
    const response = await t.app.inject({
      method: "GET",
      url: `/pets/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    assertError(response, 404);
  });
});

describe("deletePet", () => {
  it("removes the item", async () => {
    const stored = seed();
    const response = await t.app.inject({
      method: "DELETE",
      url: `/pets/${encodeURIComponent(keyOf(stored))}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    expect(response.statusCode).toBe(204);
    expect(t.repos.pets.get(keyOf(stored))).toBeUndefined();
  });

  it("answers 404 for an unknown id", async () => {
    const response = await t.app.inject({
      method: "DELETE",
      url: `/pets/${encodeURIComponent(MISSING)}`,
      headers: AUTH,
      query: AUTH_QUERY,
    });
    assertError(response, 404);
  });
});

/** An item as an answer shows it: what JSON keeps of it. */
function shown(value: Pet | undefined): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
