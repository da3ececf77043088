package bookstore;

import org.springframework.stereotype.Component;

/** The repositories of every resource, one service-wide instance. */
@Component
class Store {
  private final Repository<Models.Book> books = new MemoryRepository<>();
  private final Repository<Models.Author> authors = new MemoryRepository<>();

  Repository<Models.Book> books() {
    return books;
  }

  Repository<Models.Author> authors() {
    return authors;
  }

  /** Forgets every item of every resource. */
  void clear() {
    books.clear();
    authors.clear();
  }
}
