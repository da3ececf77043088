// The application factory: Swagger Petstore 1.0.0 as a Fastify instance.
import Fastify, { type FastifyInstance } from "fastify";

import { installErrorHandlers } from "./errors.js";
import { inMemoryRepositories, type Repositories } from "./repository.js";
import { petsRoutes } from "./routes/pets.js";
import { schemas } from "./schemas.js";

export interface AppOptions {
  /** Where items are stored; in memory by default. */
  repositories?: Repositories;
  logger?: boolean;
}

export function buildApp(options: AppOptions = {}): FastifyInstance {
  // A `__proto__` or `constructor` key is dropped like any other unknown field, not refused as malformed JSON.
  const app = Fastify({
    logger: options.logger ?? false,
    onProtoPoisoning: "remove",
    onConstructorPoisoning: "remove",
  });
  for (const schema of schemas) {
    app.addSchema(schema);
  }
  installErrorHandlers(app);
  app.addHook("onSend", (_request, reply, payload, done) => {
    const json =
      typeof payload === "string" &&
      /json/.test(String(reply.getHeader("content-type")));
    done(
      null,
      json && payload.includes("e+") ? plainNumbers(payload) : payload,
    );
  });
  const repos = options.repositories ?? inMemoryRepositories();
  petsRoutes(app, repos);
  return app;
}

/**
 * `json` with each number in exponent form spelled out in digits. JavaScript writes integers from 1e21 up as
 * `1.3e+21`, which JSON Schema draft 4 and typed clients (Go, Java, Rust) refuse as an integer.
 */
export function plainNumbers(json: string): string {
  let plain = "";
  let copied = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const char = json.charAt(i);
    if (inString) {
      if (char === "\\") {
        i++;
      } else if (char === '"') {
        inString = false;
      }
    } else if (char === '"') {
      inString = true;
    } else if (char === "e" && json.charAt(i + 1) === "+") {
      // Outside strings, `e+` is only ever a number's exponent.
      let start = i;
      while (start > 0 && "-.0123456789".includes(json.charAt(start - 1))) {
        start--;
      }
      let end = i + 2;
      while (end < json.length && "0123456789".includes(json.charAt(end))) {
        end++;
      }
      plain +=
        json.slice(copied, start) +
        BigInt(Number(json.slice(start, end))).toString();
      copied = end;
      i = end - 1;
    }
  }
  return plain + json.slice(copied);
}
