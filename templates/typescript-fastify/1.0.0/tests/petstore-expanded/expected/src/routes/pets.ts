// Routes of /pets: findPets, addPet, find pet by id, deletePet.
import type { FastifyInstance } from "fastify";

import { notFound } from "../errors.js";
import type { NewPet, Pet } from "../models.js";
import type { Repositories } from "../repository.js";

export function petsRoutes(app: FastifyInstance, repos: Repositories): void {
  // findPets: lists stored items (declared filters, limit/offset)
  app.get<{ Querystring: { tags?: Array<string>; limit?: number } }>(
    "/pets",
    {
      schema: {
        querystring: {
          type: "object",
          properties: {
            tags: { type: "array", items: { type: "string" } },
            limit: { type: "integer" },
          },
          required: [],
        },
        response: { "200": { type: "array", items: { $ref: "Pet#" } } },
      },
    },
    async (request) => {
      const query = request.query;
      let items = repos.pets.list();
      const tags = query.tags;
      if (tags !== undefined) {
        items = items.filter(
          (item) => item.tag != null && tags.includes(item.tag),
        );
      }
      if (query.limit !== undefined) {
        items = items.slice(0, Math.max(query.limit, 0));
      }
      return items;
    },
  );

  // addPet: validates and stores a new item
  app.post<{ Body: NewPet }>(
    "/pets",
    {
      schema: {
        body: { $ref: "NewPet#" },
        response: { "200": { $ref: "Pet#" } },
      },
    },
    async (request, reply) => {
      const id = repos.pets.nextId(1);
      const key = String(id);
      const item: Pet = {
        ...request.body,
        id,
      };
      repos.pets.put(key, item);
      return reply.code(200).send(item);
    },
  );

  // find pet by id: returns the item, 404 when unknown
  app.get<{ Params: { id: number } }>(
    "/pets/:id",
    {
      schema: {
        params: {
          type: "object",
          properties: { id: { type: "integer" } },
          required: ["id"],
        },
        response: { "200": { $ref: "Pet#" } },
      },
    },
    async (request) => {
      const current = repos.pets.get(String(request.params.id));
      if (current === undefined) {
        throw notFound("pet", request.params.id);
      }
      return current;
    },
  );

  // deletePet: removes the item (204), 404 when unknown
  app.delete<{ Params: { id: number } }>(
    "/pets/:id",
    {
      schema: {
        params: {
          type: "object",
          properties: { id: { type: "integer" } },
          required: ["id"],
        },
        response: { "204": { type: "null" } },
      },
    },
    async (request, reply) => {
      const current = repos.pets.get(String(request.params.id));
      if (current === undefined) {
        throw notFound("pet", request.params.id);
      }
      repos.pets.delete(String(request.params.id));
      return reply.code(204).send();
    },
  );
}
