package swaggerpetstore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The spec's schemas as records, and how a request body is read into one. */
final class Models {
  private Models() {}

  /** Schema Pet. */
  record Pet(
      @JsonProperty("name") String name,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tag") String tag,
      @JsonProperty("id") Long id) {}

  /** Schema NewPet. */
  record NewPet(
      @JsonProperty("name") String name,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tag") String tag) {}

  /** Reads a NewPet from a request body, or throws the 422 its first broken rule gives. */
  static NewPet readNewPet(ObjectNode body) {
    return new NewPet(
        Checks.text(body, "name", Rule.of().required()), Checks.text(body, "tag", Rule.of()));
  }
}
