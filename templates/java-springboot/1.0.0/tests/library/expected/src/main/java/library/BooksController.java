package library;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

/**
 * The operations of /shelves/{shelfId}/books: listShelfBooks, createShelfBook, getShelfBook,
 * deleteShelfBook.
 */
@RestController
class BooksController {
  private final Store store;

  BooksController(Store store) {
    this.store = store;
  }

  /** The key of the shelfId in the path; 404 when no such one is stored. */
  private String parent(String text) {
    String key = Checks.intKey(text);
    if (store.shelves().get(key).isEmpty()) {
      throw ApiError.notFound("shelfId", text);
    }
    return key;
  }

  /** listShelfBooks: GET /shelves/{shelfId}/books. */
  @GetMapping("/shelves/{shelfId}/books")
  ResponseEntity<Object> listShelfBooks(
      @PathVariable("shelfId") String parentKey,
      @RequestParam MultiValueMap<String, String> query) {
    String parent = parent(parentKey);
    String qLanguage = Checks.queryText(query, "language", Rule.of().values("en", "fr", "de"));
    List<Models.Book> items = store.books().list();
    items = items.stream().filter(item -> parent.equals(String.valueOf(item.shelfID()))).toList();
    if (qLanguage != null) {
      items = items.stream().filter(item -> qLanguage.equals(item.language())).toList();
    }
    return ResponseEntity.status(200).body(items);
  }

  /** createShelfBook: POST /shelves/{shelfId}/books. */
  @PostMapping("/shelves/{shelfId}/books")
  ResponseEntity<Object> createShelfBook(
      @PathVariable("shelfId") String parentKey,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestBody(required = false) byte[] content) {
    String parent = parent(parentKey);
    ObjectNode raw = Checks.object(contentType, content);
    Models.BookInput body = Models.readBookInput(raw);
    long id = store.books().nextId();
    String key = Long.toString(id);
    Models.Book item =
        new Models.Book(
            id,
            Long.valueOf(parent),
            body.title(),
            body.language(),
            body.pages(),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    store.books().add(key, item);
    return ResponseEntity.status(201).body(item);
  }

  /** getShelfBook: GET /shelves/{shelfId}/books/{bookId}. */
  @GetMapping("/shelves/{shelfId}/books/{bookId}")
  ResponseEntity<Object> getShelfBook(
      @PathVariable("shelfId") String parentKey, @PathVariable("bookId") String itemKey) {
    String parent = parent(parentKey);
    String key = Checks.intKey(itemKey);
    Models.Book current =
        store
            .books()
            .get(key)
            .filter(found -> parent.equals(String.valueOf(found.shelfID())))
            .orElseThrow(() -> ApiError.notFound("book", itemKey));
    return ResponseEntity.status(200).body(current);
  }

  /** deleteShelfBook: DELETE /shelves/{shelfId}/books/{bookId}. */
  @DeleteMapping("/shelves/{shelfId}/books/{bookId}")
  ResponseEntity<Object> deleteShelfBook(
      @PathVariable("shelfId") String parentKey, @PathVariable("bookId") String itemKey) {
    String parent = parent(parentKey);
    String key = Checks.intKey(itemKey);
    if (store
        .books()
        .get(key)
        .filter(found -> parent.equals(String.valueOf(found.shelfID())))
        .isEmpty()) {
      throw ApiError.notFound("book", itemKey);
    }
    store.books().delete(key);
    return ResponseEntity.status(204).build();
  }
}
