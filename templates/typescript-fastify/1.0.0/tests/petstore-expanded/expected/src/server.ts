// Serving the app on $PORT (default 8000) and $HOST (default 127.0.0.1).
import type { FastifyInstance } from "fastify";

import { buildApp } from "./app.js";

export async function serve(
  env: NodeJS.ProcessEnv = process.env,
): Promise<FastifyInstance> {
  const app = buildApp({ logger: env.LOG_REQUESTS === "1" });
  await app.listen({
    port: Number(env.PORT ?? "8000"),
    host: env.HOST ?? "127.0.0.1",
  });
  return app;
}
