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
  const repos = options.repositories ?? inMemoryRepositories();
  petsRoutes(app, repos);
  return app;
}
