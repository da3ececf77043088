// Storage behind an interface: in memory here; another store implements `Repository` and is passed to buildApp.
import type { Book, Shelf } from "./models.js";

export interface Repository<T> {
  list(): T[];
  get(key: string): T | undefined;
  put(key: string, item: T): void;
  delete(key: string): boolean;
  /** The lowest integer id from `first` that no stored item has. */
  nextId(first: number): number;
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

  nextId(first: number): number {
    let id = Math.max(first, this.items.size + 1);
    while (this.items.has(String(id))) {
      id += 1;
    }
    return id;
  }
}

export interface Repositories {
  shelves: Repository<Shelf>;
  books: Repository<Book>;
}

export function inMemoryRepositories(): Repositories {
  return {
    shelves: new InMemoryRepository<Shelf>(),
    books: new InMemoryRepository<Book>(),
  };
}
