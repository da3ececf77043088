// Routes of /books: listBooks, createBook, getBook, replaceBook, deleteBook.
import { randomUUID } from "node:crypto";

import type { FastifyInstance, onRequestHookHandler } from "fastify";

import { notFound } from "../errors.js";
import type { Book, BookPage, Genre, NewBook } from "../models.js";
import type { Repositories } from "../repository.js";

export function booksRoutes(
  app: FastifyInstance,
  repos: Repositories,
  auth: onRequestHookHandler,
): void {
  // listBooks: lists stored items (declared filters, limit/offset)
  app.get<{ Querystring: { limit: number; offset: number; genre?: Genre } }>(
    "/books",
    {
      schema: {
        querystring: {
          type: "object",
          properties: {
            limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
            offset: { type: "integer", minimum: 0, default: 0 },
            genre: { $ref: "Genre#" },
          },
          required: [],
        },
        response: { "200": { $ref: "BookPage#" } },
      },
      onRequest: auth,
    },
    async (request) => {
      const query = request.query;
      let items = repos.books.list();
      const genre = query.genre;
      if (genre !== undefined) {
        items = items.filter((item) => item.genre === genre);
      }
      const total = items.length;
      items = items.slice(Math.max(query.offset, 0));
      items = items.slice(0, Math.max(query.limit, 0));
      const page: BookPage = { items, total };
      return page;
    },
  );

  // createBook: validates and stores a new item
  app.post<{ Body: NewBook }>(
    "/books",
    {
      schema: {
        body: { $ref: "NewBook#" },
        response: { "201": { $ref: "Book#" } },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      const id = randomUUID();
      const key = String(id);
      const item: Book = {
        ...request.body,
        id,
        createdAt: new Date().toISOString(),
      };
      repos.books.put(key, item);
      return reply.code(201).send(item);
    },
  );

  // getBook: returns the item, 404 when unknown
  app.get<{ Params: { bookId: string } }>(
    "/books/:bookId",
    {
      schema: {
        params: {
          type: "object",
          properties: { bookId: { type: "string", format: "uuid" } },
          required: ["bookId"],
        },
        response: { "200": { $ref: "Book#" } },
      },
      onRequest: auth,
    },
    async (request) => {
      const current = repos.books.get(String(request.params.bookId));
      if (current === undefined) {
        throw notFound("book", request.params.bookId);
      }
      return current;
    },
  );

  // replaceBook: replaces the item, 404 when unknown
  app.put<{ Params: { bookId: string }; Body: NewBook }>(
    "/books/:bookId",
    {
      schema: {
        params: {
          type: "object",
          properties: { bookId: { type: "string", format: "uuid" } },
          required: ["bookId"],
        },
        body: { $ref: "NewBook#" },
        response: { "200": { $ref: "Book#" } },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      const current = repos.books.get(String(request.params.bookId));
      if (current === undefined) {
        throw notFound("book", request.params.bookId);
      }
      const item: Book = {
        ...request.body,
        id: current.id,
        createdAt: current.createdAt,
      };
      repos.books.put(String(request.params.bookId), item);
      return reply.code(200).send(item);
    },
  );

  // deleteBook: removes the item (204), 404 when unknown
  app.delete<{ Params: { bookId: string } }>(
    "/books/:bookId",
    {
      schema: {
        params: {
          type: "object",
          properties: { bookId: { type: "string", format: "uuid" } },
          required: ["bookId"],
        },
        response: { "204": { type: "null" } },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      const current = repos.books.get(String(request.params.bookId));
      if (current === undefined) {
        throw notFound("book", request.params.bookId);
      }
      repos.books.delete(String(request.params.bookId));
      return reply.code(204).send();
    },
  );
}
