package library;

import org.springframework.stereotype.Component;

/** The repositories of every resource, one service-wide instance. */
@Component
class Store {
  private final Repository<Models.Shelf> shelves = new MemoryRepository<>(1L);
  private final Repository<Models.Book> books = new MemoryRepository<>(1L);

  Repository<Models.Shelf> shelves() {
    return shelves;
  }

  Repository<Models.Book> books() {
    return books;
  }

  /** Forgets every item of every resource. */
  void clear() {
    shelves.clear();
    books.clear();
  }
}
