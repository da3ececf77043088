package bookstore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The spec's schemas as records, and how a request body is read into one. */
final class Models {
  private Models() {}

  /** Schema Book. */
  record Book(
      @JsonProperty("title") String title,
      @JsonProperty("authorId") String authorID,
      @JsonProperty("genre") String genre,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("isbn") String isbn,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("publishedOn") String publishedOn,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tags") List<String> tags,
      @JsonProperty("id") String id,
      @JsonProperty("createdAt") String createdAt) {}

  /** Schema NewBook. */
  record NewBook(
      @JsonProperty("title") String title,
      @JsonProperty("authorId") String authorID,
      @JsonProperty("genre") String genre,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("isbn") String isbn,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("publishedOn") String publishedOn,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tags") List<String> tags) {}

  /** Schema Author. */
  record Author(
      @JsonProperty("name") String name,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("email") String email,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("born") Long born,
      @JsonProperty("id") String id) {}

  /** Schema NewAuthor. */
  record NewAuthor(
      @JsonProperty("name") String name,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("email") String email,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("born") Long born) {}

  /** Reads a NewBook from a request body, or throws the 422 its first broken rule gives. */
  static NewBook readNewBook(ObjectNode body) {
    return new NewBook(
        Checks.text(body, "title", Rule.of().required().minLength(1).maxLength(200)),
        Checks.text(body, "authorId", Rule.of().required().format("uuid")),
        Checks.text(
            body,
            "genre",
            Rule.of().required().values("fiction", "non-fiction", "poetry", "drama")),
        Checks.text(body, "isbn", Rule.of().pattern(Checks.PATTERN1)),
        Checks.text(body, "publishedOn", Rule.of().format("date")),
        Checks.texts(body, "tags", Rule.of().maxItems(10)));
  }

  /** Reads a NewAuthor from a request body, or throws the 422 its first broken rule gives. */
  static NewAuthor readNewAuthor(ObjectNode body) {
    return new NewAuthor(
        Checks.text(body, "name", Rule.of().required().minLength(1)),
        Checks.text(body, "email", Rule.of().format("email")),
        Checks.integer(body, "born", Rule.of().nullable().minimum(0.0)));
  }
}
