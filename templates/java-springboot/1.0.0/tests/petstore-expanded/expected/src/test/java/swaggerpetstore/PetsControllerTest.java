package swaggerpetstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests of /pets: every operation's success, not-found and invalid-input behaviour. */
class PetsControllerTest extends ApiTest {
  /** The collection's path. */
  private static String url() {
    return "/pets";
  }

  @Test
  void findPetsReturnsTheStoredItems() throws Exception {
    String first = seedPets("");
    String second = seedPets("");
    List<String> keys = listed(call("GET", url() + "", "", true), "", "id");
    assertEquals(List.of(first, second), keys);
  }

  @Test
  void findPetsHonoursLimit() throws Exception {
    String first = seedPets("");
    String second = seedPets("");
    List<String> keys = listed(call("GET", url() + "?limit=1", "", true), "", "id");
    assertEquals(List.of(first), keys);
    assertTrue(!first.equals(second));
  }

  @Test
  void findPetsFiltersByTags() throws Exception {
    String wanted = seedPets("{\"tag\": \"sample-text\"}");
    seedPets("{\"tag\": \"sample-texb\"}");
    List<String> keys = listed(call("GET", url() + "?tags=sample-text", "", true), "", "id");
    assertEquals(List.of(wanted), keys);
  }

  @Test
  void findPetsRefusesInvalidParameters() throws Exception {
    for (String query : List.of("?limit=x", "?limit=-2147483649", "?limit=2147483648")) {
      expectError(call("GET", url() + query, "", true), 422);
    }
  }

  @Test
  void addPetStoresTheItem() throws Exception {
    String body = "{\"name\": \"sample-text\", \"tag\": \"sample-text\"}";
    var answer = call("POST", url() + "", body, true);
    expectStatus(answer, 200);
    expectFields(answer, body);
    assertEquals(1, store.pets().list().size());
  }

  @Test
  void addPetTakesOnlyTheRequiredFields() throws Exception {
    expectStatus(call("POST", url() + "", "{\"name\": \"sample-text\"}", true), 200);
  }

  @Test
  void addPetRefusesInvalidBodies() throws Exception {
    String target = url() + "";
    for (String body :
        List.of(
            // name of the wrong type
            "{\"name\": 12345, \"tag\": \"sample-text\"}",
            // name missing
            "{\"tag\": \"sample-text\"}",
            // name null
            "{\"name\": null, \"tag\": \"sample-text\"}",
            // tag of the wrong type
            "{\"name\": \"sample-text\", \"tag\": 12345}",
            // tag null
            "{\"name\": \"sample-text\", \"tag\": null}")) {
      expectError(call("POST", target, body, true), 422);
    }
    expectError(call("POST", target, "{", true), 400);
  }

  @Test
  void findPetByIDAnswers404ForAnUnknownId() throws Exception {
    expectError(call("GET", url() + "/" + "987654321" + "", "", true), 404);
  }

  @Test
  void findPetByIDAnswers404ForAnIdThatIsNoInteger() throws Exception {
    expectError(call("GET", url() + "/x" + "", "", true), 404);
  }

  @Test
  void findPetByIDReturnsTheItem() throws Exception {
    String key = seedPets("");
    var answer = call("GET", url() + "/" + key + "", "", true);
    expectStatus(answer, 200);
    expectFields(answer, SAMPLE_PETS);
  }

  @Test
  void deletePetAnswers404ForAnUnknownId() throws Exception {
    expectError(call("DELETE", url() + "/" + "987654321" + "", "", true), 404);
  }

  @Test
  void deletePetAnswers404ForAnIdThatIsNoInteger() throws Exception {
    expectError(call("DELETE", url() + "/x" + "", "", true), 404);
  }

  @Test
  void deletePetRemovesTheItem() throws Exception {
    String key = seedPets("");
    expectStatus(call("DELETE", url() + "/" + key + "", "", true), 204);
    assertTrue(store.pets().get(key).isEmpty());
  }
}
