package library;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The operations of /shelves: listShelves, createShelf, getShelf, deleteShelf, updateShelf. */
@RestController
class ShelvesController {
  private final Store store;

  ShelvesController(Store store) {
    this.store = store;
  }

  /** listShelves: GET /shelves. */
  @GetMapping("/shelves")
  ResponseEntity<Object> listShelves(@RequestParam MultiValueMap<String, String> query) {
    Long qLimit = Checks.queryInteger(query, "limit", Rule.of().minimum(1.0).maximum(50.0));
    Long qOffset = Checks.queryInteger(query, "offset", Rule.of().minimum(0.0));
    List<Models.Shelf> items = store.shelves().list();
    items = Checks.window(items, Checks.valueOr(qOffset, 0L), -1L);
    items = Checks.window(items, 0L, Math.max(Checks.valueOr(qLimit, 10L), 0L));
    return ResponseEntity.status(200).body(items);
  }

  /** createShelf: POST /shelves. */
  @PostMapping("/shelves")
  ResponseEntity<Object> createShelf(
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestBody(required = false) byte[] content) {
    ObjectNode raw = Checks.object(contentType, content);
    Models.ShelfInput body = Models.readShelfInput(raw);
    long id = store.shelves().nextId();
    String key = Long.toString(id);
    Models.Shelf item = new Models.Shelf(body.label(), body.floor(), id);
    store.shelves().add(key, item);
    return ResponseEntity.status(201).body(item);
  }

  /** getShelf: GET /shelves/{shelfId}. */
  @GetMapping("/shelves/{shelfId}")
  ResponseEntity<Object> getShelf(@PathVariable("shelfId") String itemKey) {
    String key = Checks.intKey(itemKey);
    Models.Shelf current =
        store.shelves().get(key).orElseThrow(() -> ApiError.notFound("shelve", itemKey));
    return ResponseEntity.status(200).body(current);
  }

  /** deleteShelf: DELETE /shelves/{shelfId}. */
  @DeleteMapping("/shelves/{shelfId}")
  ResponseEntity<Object> deleteShelf(@PathVariable("shelfId") String itemKey) {
    String key = Checks.intKey(itemKey);
    if (store.shelves().get(key).isEmpty()) {
      throw ApiError.notFound("shelve", itemKey);
    }
    store.shelves().delete(key);
    return ResponseEntity.status(204).build();
  }

  /** updateShelf: PATCH /shelves/{shelfId}. */
  @PatchMapping("/shelves/{shelfId}")
  ResponseEntity<Object> updateShelf(
      @PathVariable("shelfId") String itemKey,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestBody(required = false) byte[] content) {
    String key = Checks.intKey(itemKey);
    if (store.shelves().get(key).isEmpty()) {
      throw ApiError.notFound("shelve", itemKey);
    }
    ObjectNode raw = Checks.object(contentType, content);
    Models.ShelfPatch body = Models.readShelfPatch(raw);
    // In one step with the read, so that an item deleted meanwhile is not stored again.
    Models.Shelf item =
        store
            .shelves()
            .update(
                key,
                current ->
                    new Models.Shelf(
                        raw.has("label") ? body.label() : current.label(),
                        raw.has("floor") ? body.floor() : current.floor(),
                        current.id()))
            .orElseThrow(() -> ApiError.notFound("shelve", itemKey));
    return ResponseEntity.status(200).body(item);
  }
}
