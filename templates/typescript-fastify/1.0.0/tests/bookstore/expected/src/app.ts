// The application factory: Bookstore 1.2.0 as a Fastify instance.
import Fastify, { type FastifyInstance } from "fastify";

import { installErrorHandlers } from "./errors.js";
import { inMemoryRepositories, type Repositories } from "./repository.js";
import { booksRoutes } from "./routes/books.js";
import { authorsRoutes } from "./routes/authors.js";
import { schemas } from "./schemas.js";
import { authHook, tokensFromEnv, type TokenVerifier } from "./security.js";

export interface AppOptions {
  /** Where items are stored; in memory by default. */
  repositories?: Repositories;
  /** Which credentials are accepted; by default the ones in ${BOOKSTORE_API_TOKENS}. */
  verifier?: TokenVerifier;
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
  const auth = authHook(options.verifier ?? tokensFromEnv());
  booksRoutes(app, repos, auth);
  authorsRoutes(app, repos, auth);
  return app;
}
