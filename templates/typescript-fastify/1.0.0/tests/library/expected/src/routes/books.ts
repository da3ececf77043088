// Routes of /shelves/{shelfId}/books: listShelfBooks, createShelfBook, getShelfBook, deleteShelfBook.
import type { FastifyInstance, onRequestHookHandler } from "fastify";

import { notFound } from "../errors.js";
import type { Book, BookInput, Language } from "../models.js";
import type { Repositories } from "../repository.js";

export function booksRoutes(
  app: FastifyInstance,
  repos: Repositories,
  auth: onRequestHookHandler,
): void {
  const requireParent = (key: unknown): void => {
    if (repos.shelves.get(String(key)) === undefined) {
      throw notFound("shelfId", key);
    }
  };

  // listShelfBooks: lists stored items (declared filters, limit/offset)
  app.get<{
    Params: { shelfId: number };
    Querystring: { language?: Language };
  }>(
    "/shelves/:shelfId/books",
    {
      schema: {
        params: {
          type: "object",
          properties: { shelfId: { type: "integer" } },
          required: ["shelfId"],
        },
        querystring: {
          type: "object",
          properties: { language: { $ref: "Language#" } },
          required: [],
        },
        response: { "200": { type: "array", items: { $ref: "Book#" } } },
      },
      onRequest: auth,
    },
    async (request) => {
      requireParent(request.params.shelfId);
      const query = request.query;
      let items = repos.books.list();
      items = items.filter(
        (item) => String(item.shelfId) === String(request.params.shelfId),
      );
      const language = query.language;
      if (language !== undefined) {
        items = items.filter((item) => item.language === language);
      }
      return items;
    },
  );

  // createShelfBook: validates and stores a new item
  app.post<{ Params: { shelfId: number }; Body: BookInput }>(
    "/shelves/:shelfId/books",
    {
      schema: {
        params: {
          type: "object",
          properties: { shelfId: { type: "integer" } },
          required: ["shelfId"],
        },
        body: { $ref: "BookInput#" },
        response: { "201": { $ref: "Book#" } },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      requireParent(request.params.shelfId);
      const id = repos.books.nextId(1);
      const key = String(id);
      const item: Book = {
        ...request.body,
        id,
        shelfId: request.params.shelfId,
        addedAt: new Date().toISOString(),
      };
      repos.books.put(key, item);
      return reply.code(201).send(item);
    },
  );

  // getShelfBook: returns the item, 404 when unknown
  app.get<{ Params: { shelfId: number; bookId: number } }>(
    "/shelves/:shelfId/books/:bookId",
    {
      schema: {
        params: {
          type: "object",
          properties: {
            shelfId: { type: "integer" },
            bookId: { type: "integer" },
          },
          required: ["shelfId", "bookId"],
        },
        response: { "200": { $ref: "Book#" } },
      },
      onRequest: auth,
    },
    async (request) => {
      requireParent(request.params.shelfId);
      const current = repos.books.get(String(request.params.bookId));
      if (
        current === undefined ||
        String(current.shelfId) !== String(request.params.shelfId)
      ) {
        throw notFound("book", request.params.bookId);
      }
      return current;
    },
  );

  // deleteShelfBook: removes the item (204), 404 when unknown
  app.delete<{ Params: { shelfId: number; bookId: number } }>(
    "/shelves/:shelfId/books/:bookId",
    {
      schema: {
        params: {
          type: "object",
          properties: {
            shelfId: { type: "integer" },
            bookId: { type: "integer" },
          },
          required: ["shelfId", "bookId"],
        },
        response: { "204": { type: "null" } },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      requireParent(request.params.shelfId);
      const current = repos.books.get(String(request.params.bookId));
      if (
        current === undefined ||
        String(current.shelfId) !== String(request.params.shelfId)
      ) {
        throw notFound("book", request.params.bookId);
      }
      repos.books.delete(String(request.params.bookId));
      return reply.code(204).send();
    },
  );
}
