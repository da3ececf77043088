// Storage behind an interface: in memory here; another store implements `Repository` and is passed to buildApp.
import type { Author, Book } from "./models.js";

export interface Repository<T> {
  list(): T[];
  get(key: string): T | undefined;
  put(key: string, item: T): void;
  delete(key: string): boolean;
}

export class InMemoryRepository<T> implements Repository<T> {
  private readonly items = new Map<string, T>();

  list(): T[] {
    return [...this.items.values()];
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  put(key: string, item: T): void {
    this.items.set(key, item);
  }

  delete(key: string): boolean {
    return this.items.delete(key);
  }
}

export interface Repositories {
  books: Repository<Book>;
  authors: Repository<Author>;
}

export function inMemoryRepositories(): Repositories {
  return {
    books: new InMemoryRepository<Book>(),
    authors: new InMemoryRepository<Author>(),
  };
}
