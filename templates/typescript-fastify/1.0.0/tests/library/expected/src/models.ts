// The spec's schemas as TypeScript types; src/schemas.ts has them as the JSON Schemas Fastify checks.

export type Language = "en" | "fr" | "de";

export interface Book {
  id: number;
  shelfId: number;
  title: string;
  language: Language;
  pages?: number;
  addedAt: string;
}

export interface BookInput {
  title: string;
  language: Language;
  pages?: number;
}

export interface Problem {
  code: string;
  detail: string;
}

export interface Shelf {
  label: string;
  floor?: number | null;
  id: number;
}

export interface ShelfInput {
  label: string;
  floor?: number | null;
}

export interface ShelfPatch {
  label?: string;
  floor?: number | null;
}
