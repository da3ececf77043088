package library;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Where the items of one resource are kept, by key. */
interface Repository<T> {
  /** Every item, in the order they were first stored. */
  List<T> list();

  Optional<T> get(String key);

  /** Stores `item` unless an item is stored under `key` already; whether it did. */
  boolean add(String key, T item);

  /**
   * Replaces the item under `key` by what `change` makes of it, in one step: empty when no item is
   * stored there or `change` gives null.
   */
  Optional<T> update(String key, UnaryOperator<T> change);

  void delete(String key);

  /** A new integer id, never given before. */
  long nextId();

  /** Forgets every item. */
  void clear();
}
