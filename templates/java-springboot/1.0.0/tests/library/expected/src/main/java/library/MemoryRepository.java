package library;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A repository in memory: what the service stores is gone when it stops. */
final class MemoryRepository<T> implements Repository<T> {
  private final Map<String, T> items = new LinkedHashMap<>();
  private final long firstId;
  private long lastId;

  /** A repository numbering new items from {@code firstId} (the smallest id the spec allows). */
  MemoryRepository(long firstId) {
    this.firstId = firstId;
    this.lastId = firstId - 1;
  }

  @Override
  public synchronized List<T> list() {
    return new ArrayList<>(items.values());
  }

  @Override
  public synchronized Optional<T> get(String key) {
    return Optional.ofNullable(items.get(key));
  }

  @Override
  public synchronized boolean add(String key, T item) {
    return items.putIfAbsent(key, item) == null;
  }

  @Override
  public synchronized Optional<T> update(String key, UnaryOperator<T> change) {
    T current = items.get(key);
    T next = current == null ? null : change.apply(current);
    if (next != null) {
      items.put(key, next);
    }
    return Optional.ofNullable(next);
  }

  @Override
  public synchronized void delete(String key) {
    items.remove(key);
  }

  @Override
  public synchronized long nextId() {
    lastId += 1;
    return lastId;
  }

  @Override
  public synchronized void clear() {
    items.clear();
    lastId = firstId - 1;
  }
}
