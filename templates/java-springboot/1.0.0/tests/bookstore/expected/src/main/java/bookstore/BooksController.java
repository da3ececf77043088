package bookstore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The operations of /books: listBooks, createBook, getBook, replaceBook, deleteBook. */
@RestController
class BooksController {
  private final Store store;

  BooksController(Store store) {
    this.store = store;
  }

  /** listBooks: GET /books (List books, newest first). */
  @GetMapping("/books")
  ResponseEntity<Object> listBooks(@RequestParam MultiValueMap<String, String> query) {
    Long qLimit = Checks.queryInteger(query, "limit", Rule.of().minimum(1.0).maximum(100.0));
    Long qOffset = Checks.queryInteger(query, "offset", Rule.of().minimum(0.0));
    String qGenre =
        Checks.queryText(
            query, "genre", Rule.of().values("fiction", "non-fiction", "poetry", "drama"));
    List<Models.Book> items = store.books().list();
    if (qGenre != null) {
      items = items.stream().filter(item -> qGenre.equals(item.genre())).toList();
    }
    int total = items.size();
    items = Checks.window(items, Checks.valueOr(qOffset, 0L), -1L);
    items = Checks.window(items, 0L, Math.max(Checks.valueOr(qLimit, 20L), 0L));
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("items", items);
    page.put("total", total);
    return ResponseEntity.status(200).body(page);
  }

  /** createBook: POST /books. */
  @PostMapping("/books")
  ResponseEntity<Object> createBook(
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestBody(required = false) byte[] content) {
    ObjectNode raw = Checks.object(contentType, content);
    Models.NewBook body = Models.readNewBook(raw);
    String key = UUID.randomUUID().toString();
    Models.Book item =
        new Models.Book(
            body.title(),
            body.authorID(),
            body.genre(),
            body.isbn(),
            body.publishedOn(),
            body.tags(),
            key,
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    store.books().add(key, item);
    return ResponseEntity.status(201).body(item);
  }

  /** getBook: GET /books/{bookId}. */
  @GetMapping("/books/{bookId}")
  ResponseEntity<Object> getBook(@PathVariable("bookId") String itemKey) {
    String key = itemKey.toLowerCase(Locale.ROOT);
    Models.Book current =
        store.books().get(key).orElseThrow(() -> ApiError.notFound("book", itemKey));
    return ResponseEntity.status(200).body(current);
  }

  /** replaceBook: PUT /books/{bookId}. */
  @PutMapping("/books/{bookId}")
  ResponseEntity<Object> replaceBook(
      @PathVariable("bookId") String itemKey,
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestBody(required = false) byte[] content) {
    String key = itemKey.toLowerCase(Locale.ROOT);
    if (store.books().get(key).isEmpty()) {
      throw ApiError.notFound("book", itemKey);
    }
    ObjectNode raw = Checks.object(contentType, content);
    Models.NewBook body = Models.readNewBook(raw);
    // In one step with the read, so that an item deleted meanwhile is not stored again.
    Models.Book item =
        store
            .books()
            .update(
                key,
                current ->
                    new Models.Book(
                        body.title(),
                        body.authorID(),
                        body.genre(),
                        body.isbn(),
                        body.publishedOn(),
                        body.tags(),
                        current.id(),
                        current.createdAt()))
            .orElseThrow(() -> ApiError.notFound("book", itemKey));
    return ResponseEntity.status(200).body(item);
  }

  /** deleteBook: DELETE /books/{bookId}. */
  @DeleteMapping("/books/{bookId}")
  ResponseEntity<Object> deleteBook(@PathVariable("bookId") String itemKey) {
    String key = itemKey.toLowerCase(Locale.ROOT);
    if (store.books().get(key).isEmpty()) {
      throw ApiError.notFound("book", itemKey);
    }
    store.books().delete(key);
    return ResponseEntity.status(204).build();
  }
}
