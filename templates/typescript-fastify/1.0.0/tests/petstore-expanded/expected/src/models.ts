// The spec's schemas as TypeScript types; src/schemas.ts has them as the JSON Schemas Fastify checks.

export interface Error {
  code: number;
  message: string;
}

export interface NewPet {
  name: string;
  tag?: string;
}

export interface Pet {
  name: string;
  tag?: string;
  id: number;
}
