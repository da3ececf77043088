package swaggerpetstore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The operations of /pets: findPets, addPet, find pet by id, deletePet. */
@RestController
class PetsController {
  private final Store store;

  PetsController(Store store) {
    this.store = store;
  }

  /** findPets: GET /pets. */
  @GetMapping("/pets")
  ResponseEntity<Object> findPets(@RequestParam MultiValueMap<String, String> query) {
    List<String> qTags = Checks.queryTexts(query, "tags", Rule.of());
    Long qLimit =
        Checks.queryInteger(query, "limit", Rule.of().minimum(-2147483648.0).maximum(2147483647.0));
    List<Models.Pet> items = store.pets().list();
    if (qTags != null) {
      items = items.stream().filter(item -> qTags.contains(item.tag())).toList();
    }
    if (qLimit != null) {
      items = Checks.window(items, 0L, Math.max(qLimit, 0L));
    }
    return ResponseEntity.status(200).body(items);
  }

  /** addPet: POST /pets. */
  @PostMapping("/pets")
  ResponseEntity<Object> addPet(
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestBody(required = false) byte[] content) {
    ObjectNode raw = Checks.object(contentType, content);
    Models.NewPet body = Models.readNewPet(raw);
    long id = store.pets().nextId();
    String key = Long.toString(id);
    Models.Pet item = new Models.Pet(body.name(), body.tag(), id);
    store.pets().add(key, item);
    return ResponseEntity.status(200).body(item);
  }

  /** find pet by id: GET /pets/{id}. */
  @GetMapping("/pets/{id}")
  ResponseEntity<Object> findPetByID(@PathVariable("id") String itemKey) {
    String key = Checks.intKey(itemKey);
    Models.Pet current = store.pets().get(key).orElseThrow(() -> ApiError.notFound("pet", itemKey));
    return ResponseEntity.status(200).body(current);
  }

  /** deletePet: DELETE /pets/{id}. */
  @DeleteMapping("/pets/{id}")
  ResponseEntity<Object> deletePet(@PathVariable("id") String itemKey) {
    String key = Checks.intKey(itemKey);
    if (store.pets().get(key).isEmpty()) {
      throw ApiError.notFound("pet", itemKey);
    }
    store.pets().delete(key);
    return ResponseEntity.status(204).build();
  }
}
