package swaggerpetstore;

import org.springframework.stereotype.Component;

/** The repositories of every resource, one service-wide instance. */
@Component
class Store {
  private final Repository<Models.Pet> pets = new MemoryRepository<>(1L);

  Repository<Models.Pet> pets() {
    return pets;
  }

  /** Forgets every item of every resource. */
  void clear() {
    pets.clear();
  }
}
