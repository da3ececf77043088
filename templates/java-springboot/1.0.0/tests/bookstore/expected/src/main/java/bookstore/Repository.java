package bookstore;

import java.util.List;
import java.util.Optional;

/** Where the items of one resource are kept, by key. */
interface Repository<T> {
  /** Every item, in the order they were first stored. */
  List<T> list();

  Optional<T> get(String key);

  void put(String key, T item);

  void delete(String key);

  /** Forgets every item. */
  void clear();
}
