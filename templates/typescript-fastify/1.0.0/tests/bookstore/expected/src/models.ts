// The spec's schemas as TypeScript types; src/schemas.ts has them as the JSON Schemas Fastify checks.

export interface Author {
  name: string;
  email?: string;
  born?: number | null;
  id: string;
}

export type Genre = "fiction" | "non-fiction" | "poetry" | "drama";

export interface Book {
  title: string;
  authorId: string;
  genre: Genre;
  isbn?: string;
  publishedOn?: string;
  tags?: Array<string>;
  id: string;
  createdAt: string;
}

export interface BookPage {
  items: Array<Book>;
  total: number;
}

export interface Error {
  error: string;
  message: string;
}

export interface NewAuthor {
  name: string;
  email?: string;
  born?: number | null;
}

export interface NewBook {
  title: string;
  authorId: string;
  genre: Genre;
  isbn?: string;
  publishedOn?: string;
  tags?: Array<string>;
}
