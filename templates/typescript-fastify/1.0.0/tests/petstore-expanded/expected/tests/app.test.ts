// The application factory, its error answers and its defaults.
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { buildApp, plainNumbers } from "../src/app.js";
import { ApiError, notFound } from "../src/errors.js";
import { InMemoryRepository } from "../src/repository.js";
import { serve } from "../src/server.js";
import {
  assertError,
  AUTH,
  AUTH_QUERY,
  testApp,
  type TestApp,
} from "./helpers.js";

let t: TestApp;

beforeEach(() => {
  t = testApp();
});

afterEach(async () => {
  await t.app.close();
});

describe("framework errors use the error shape", () => {
  it("answers 404 for an unknown route", async () => {
    assertError(
      await t.app.inject({ method: "GET", url: "/no/such/route" }),
      404,
    );
  });

  it("answers 400 for malformed JSON and 415 for another media type", async () => {
    const headers = { ...AUTH, "content-type": "application/json" };
    const malformed = await t.app.inject({
      method: "POST",
      url: `/pets`,
      query: AUTH_QUERY,
      headers,
      payload: "{not json",
    });
    assertError(malformed, 400);
    const text = await t.app.inject({
      method: "POST",
      url: `/pets`,
      query: AUTH_QUERY,
      headers: { ...AUTH, "content-type": "application/xml" },
      payload: "<x/>",
    });
    assertError(text, 415);
  });
});

describe("errors raised by routes use the error shape", () => {
  it("answers an ApiError with its status and headers, a crash with 500 and no detail", async () => {
    const app = buildApp();
    app.get("/specloom-probe/:number", async (request) => {
      const { number } = request.params as { number: string };
      if (number === "1") {
        throw notFound("probe", number);
      }
      if (number === "2") {
        throw new ApiError(409, "conflict", "Taken.", { "retry-after": "1" });
      }
      throw new Error("the probe broke");
    });
    assertError(
      await app.inject({ method: "GET", url: "/specloom-probe/1" }),
      404,
    );
    const conflict = await app.inject({
      method: "GET",
      url: "/specloom-probe/2",
    });
    assertError(conflict, 409);
    expect(conflict.headers["retry-after"]).toBe("1");
    const crash = await app.inject({ method: "GET", url: "/specloom-probe/3" });
    assertError(crash, 500);
    expect(crash.body).not.toContain("the probe broke");
    await app.close();
  });
});

describe("numbers are answered in digits", () => {
  it("spells out integers JavaScript writes in exponent form, and leaves strings alone", async () => {
    const app = t.app; // not yet ready, so it still takes a route
    app.get("/specloom-probe/numbers", async () => ({
      big: 1.3e21,
      negative: [-2e21],
      text: "1e+21",
      small: 5,
    }));
    const answer = await app.inject({
      method: "GET",
      url: "/specloom-probe/numbers",
    });
    expect(answer.body).toBe(
      '{"big":1300000000000000000000,"negative":[-2000000000000000000000],"text":"1e+21","small":5}',
    );
    expect(plainNumbers('{"a":"\\"1e+21","b":1.5e+300}')).toBe(
      `{"a":"\\"1e+21","b":${BigInt(1.5e300).toString()}}`,
    );
  });
});

describe("the in-memory repository", () => {
  it("stores, lists, gets and deletes by key", () => {
    const repository = new InMemoryRepository<string>();
    repository.put("1", "taken");
    expect(repository.list()).toEqual(["taken"]);
    expect(repository.get("1")).toBe("taken");
    expect(repository.nextId(1)).toBe(2);
    expect(repository.delete("1")).toBe(true);
    expect(repository.delete("1")).toBe(false);
    expect(repository.get("1")).toBeUndefined();
  });
});

describe("serve", () => {
  it("listens on $PORT", async () => {
    const app = await serve({ PORT: "0", HOST: "127.0.0.1" });
    expect(app.server.listening).toBe(true);
    await app.close();
  });
});
