// Routes of /shelves: listShelves, createShelf, getShelf, deleteShelf, updateShelf.
import type { FastifyInstance, onRequestHookHandler } from "fastify";

import { notFound } from "../errors.js";
import type { Shelf, ShelfInput, ShelfPatch } from "../models.js";
import type { Repositories } from "../repository.js";

export function shelvesRoutes(
  app: FastifyInstance,
  repos: Repositories,
  auth: onRequestHookHandler,
): void {
  // listShelves: lists stored items (declared filters, limit/offset)
  app.get<{ Querystring: { limit: number; offset: number } }>(
    "/shelves",
    {
      schema: {
        querystring: {
          type: "object",
          properties: {
            limit: { type: "integer", minimum: 1, maximum: 50, default: 10 },
            offset: { type: "integer", minimum: 0, default: 0 },
          },
          required: [],
        },
        response: { "200": { type: "array", items: { $ref: "Shelf#" } } },
      },
      onRequest: auth,
    },
    async (request) => {
      const query = request.query;
      let items = repos.shelves.list();
      items = items.slice(Math.max(query.offset, 0));
      items = items.slice(0, Math.max(query.limit, 0));
      return items;
    },
  );

  // createShelf: validates and stores a new item
  app.post<{ Body: ShelfInput }>(
    "/shelves",
    {
      schema: {
        body: { $ref: "ShelfInput#" },
        response: { "201": { $ref: "Shelf#" } },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      const id = repos.shelves.nextId(1);
      const key = String(id);
      const item: Shelf = {
        ...request.body,
        id,
      };
      repos.shelves.put(key, item);
      return reply.code(201).send(item);
    },
  );

  // getShelf: returns the item, 404 when unknown
  app.get<{ Params: { shelfId: number } }>(
    "/shelves/:shelfId",
    {
      schema: {
        params: {
          type: "object",
          properties: { shelfId: { type: "integer" } },
          required: ["shelfId"],
        },
        response: { "200": { $ref: "Shelf#" } },
      },
      onRequest: auth,
    },
    async (request) => {
      const current = repos.shelves.get(String(request.params.shelfId));
      if (current === undefined) {
        throw notFound("shelve", request.params.shelfId);
      }
      return current;
    },
  );

  // deleteShelf: removes the item (204), 404 when unknown
  app.delete<{ Params: { shelfId: number } }>(
    "/shelves/:shelfId",
    {
      schema: {
        params: {
          type: "object",
          properties: { shelfId: { type: "integer" } },
          required: ["shelfId"],
        },
        response: { "204": { type: "null" } },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      const current = repos.shelves.get(String(request.params.shelfId));
      if (current === undefined) {
        throw notFound("shelve", request.params.shelfId);
      }
      repos.shelves.delete(String(request.params.shelfId));
      return reply.code(204).send();
    },
  );

  // updateShelf: changes the given fields, 404 when unknown
  app.patch<{ Params: { shelfId: number }; Body: ShelfPatch }>(
    "/shelves/:shelfId",
    {
      schema: {
        params: {
          type: "object",
          properties: { shelfId: { type: "integer" } },
          required: ["shelfId"],
        },
        body: { $ref: "ShelfPatch#" },
        response: { "200": { $ref: "Shelf#" } },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      const current = repos.shelves.get(String(request.params.shelfId));
      if (current === undefined) {
        throw notFound("shelve", request.params.shelfId);
      }
      const item: Shelf = {
        ...current,
        ...request.body,
        id: current.id,
      };
      repos.shelves.put(String(request.params.shelfId), item);
      return reply.code(200).send(item);
    },
  );
}
