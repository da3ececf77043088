package bookstore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A repository in memory: what the service stores is gone when it stops. */
final class MemoryRepository<T> implements Repository<T> {
  private final Map<String, T> items = new LinkedHashMap<>();

  @Override
  public synchronized List<T> list() {
    return new ArrayList<>(items.values());
  }

  @Override
  public synchronized Optional<T> get(String key) {
    return Optional.ofNullable(items.get(key));
  }

  @Override
  public synchronized void put(String key, T item) {
    items.put(key, item);
  }

  @Override
  public synchronized void delete(String key) {
    items.remove(key);
  }

  @Override
  public synchronized void clear() {
    items.clear();
  }
}
