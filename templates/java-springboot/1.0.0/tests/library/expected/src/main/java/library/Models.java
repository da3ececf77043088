package library;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The spec's schemas as records, and how a request body is read into one. */
final class Models {
  private Models() {}

  /** Schema Shelf. */
  record Shelf(
      @JsonProperty("label") String label,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("floor") Long floor,
      @JsonProperty("id") Long id) {}

  /** Schema ShelfInput. */
  record ShelfInput(
      @JsonProperty("label") String label,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("floor") Long floor) {}

  /** Schema ShelfPatch. */
  record ShelfPatch(
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("label") String label,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("floor") Long floor) {}

  /** Schema Book. */
  record Book(
      @JsonProperty("id") Long id,
      @JsonProperty("shelfId") Long shelfID,
      @JsonProperty("title") String title,
      @JsonProperty("language") String language,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("pages") Long pages,
      @JsonProperty("addedAt") String addedAt) {}

  /** Schema BookInput. */
  record BookInput(
      @JsonProperty("title") String title,
      @JsonProperty("language") String language,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("pages") Long pages) {}

  /** Reads a ShelfInput from a request body, or throws the 422 its first broken rule gives. */
  static ShelfInput readShelfInput(ObjectNode body) {
    return new ShelfInput(
        Checks.text(body, "label", Rule.of().required().minLength(1).maxLength(40)),
        Checks.integer(body, "floor", Rule.of().nullable().minimum(0.0).maximum(9.0)));
  }

  /** Reads a ShelfPatch from a request body, or throws the 422 its first broken rule gives. */
  static ShelfPatch readShelfPatch(ObjectNode body) {
    Checks.only(body, "label", "floor");
    return new ShelfPatch(
        Checks.text(body, "label", Rule.of().minLength(1).maxLength(40)),
        Checks.integer(body, "floor", Rule.of().nullable().minimum(0.0).maximum(9.0)));
  }

  /** Reads a BookInput from a request body, or throws the 422 its first broken rule gives. */
  static BookInput readBookInput(ObjectNode body) {
    return new BookInput(
        Checks.text(body, "title", Rule.of().required().minLength(1)),
        Checks.text(body, "language", Rule.of().required().values("en", "fr", "de")),
        body.has("pages")
            ? Checks.integer(body, "pages", Rule.of().minimum(1.0))
            : Long.valueOf(100L));
  }
}
