package bookstore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** The operations of /authors: listAuthors, createAuthor, getAuthor. */
@RestController
class AuthorsController {
  private final Store store;

  AuthorsController(Store store) {
    this.store = store;
  }

  /** listAuthors: GET /authors. */
  @GetMapping("/authors")
  ResponseEntity<Object> listAuthors() {
    List<Models.Author> items = store.authors().list();
    return ResponseEntity.status(200).body(items);
  }

  /** createAuthor: POST /authors. */
  @PostMapping("/authors")
  ResponseEntity<Object> createAuthor(
      @RequestHeader(value = "Content-Type", required = false) String contentType,
      @RequestBody(required = false) byte[] content) {
    ObjectNode raw = Checks.object(contentType, content);
    Models.NewAuthor body = Models.readNewAuthor(raw);
    String key = UUID.randomUUID().toString();
    Models.Author item = new Models.Author(body.name(), body.email(), body.born(), key);
    store.authors().add(key, item);
    return ResponseEntity.status(201).body(item);
  }

  /** getAuthor: GET /authors/{authorId}. */
  @GetMapping("/authors/{authorId}")
  ResponseEntity<Object> getAuthor(@PathVariable("authorId") String itemKey) {
    String key = itemKey.toLowerCase(Locale.ROOT);
    Models.Author current =
        store.authors().get(key).orElseThrow(() -> ApiError.notFound("author", itemKey));
    return ResponseEntity.status(200).body(current);
  }
}
