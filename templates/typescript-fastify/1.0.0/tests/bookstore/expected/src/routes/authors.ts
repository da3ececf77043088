// Routes of /authors: listAuthors, createAuthor, getAuthor.
import { randomUUID } from "node:crypto";

import type { FastifyInstance, onRequestHookHandler } from "fastify";

import { notFound } from "../errors.js";
import type { Author, NewAuthor } from "../models.js";
import type { Repositories } from "../repository.js";

export function authorsRoutes(
  app: FastifyInstance,
  repos: Repositories,
  auth: onRequestHookHandler,
): void {
  // listAuthors: lists stored items (declared filters, limit/offset)
  app.get(
    "/authors",
    {
      schema: {
        response: { "200": { type: "array", items: { $ref: "Author#" } } },
      },
      onRequest: auth,
    },
    async () => {
      const items = repos.authors.list();
      return items;
    },
  );

  // createAuthor: validates and stores a new item
  app.post<{ Body: NewAuthor }>(
    "/authors",
    {
      schema: {
        body: { $ref: "NewAuthor#" },
        response: { "201": { $ref: "Author#" } },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      const id = randomUUID();
      const key = String(id);
      const item: Author = {
        ...request.body,
        id,
      };
      repos.authors.put(key, item);
      return reply.code(201).send(item);
    },
  );

  // getAuthor: returns the item, 404 when unknown
  app.get<{ Params: { authorId: string } }>(
    "/authors/:authorId",
    {
      schema: {
        params: {
          type: "object",
          properties: { authorId: { type: "string", format: "uuid" } },
          required: ["authorId"],
        },
        response: { "200": { $ref: "Author#" } },
      },
      onRequest: auth,
    },
    async (request) => {
      const current = repos.authors.get(String(request.params.authorId));
      if (current === undefined) {
        throw notFound("author", request.params.authorId);
      }
      return current;
    },
  );
}
