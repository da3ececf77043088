package library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests of /shelves: every operation's success, not-found and invalid-input behaviour. */
class ShelvesControllerTest extends ApiTest {
  /** The collection's path. */
  private static String url() {
    return "/shelves";
  }

  @Test
  void listShelvesReturnsTheStoredItems() throws Exception {
    String first = seedShelves("");
    String second = seedShelves("");
    List<String> keys = listed(call("GET", url() + "", "", true), "", "id");
    assertEquals(List.of(first, second), keys);
  }

  @Test
  void listShelvesHonoursLimit() throws Exception {
    String first = seedShelves("");
    String second = seedShelves("");
    List<String> keys = listed(call("GET", url() + "?limit=1", "", true), "", "id");
    assertEquals(List.of(first), keys);
    assertTrue(!first.equals(second));
  }

  @Test
  void listShelvesHonoursOffset() throws Exception {
    String first = seedShelves("");
    String second = seedShelves("");
    List<String> keys = listed(call("GET", url() + "?offset=1", "", true), "", "id");
    assertEquals(List.of(second), keys);
    assertTrue(!first.equals(second));
  }

  @Test
  void listShelvesRefusesInvalidParameters() throws Exception {
    for (String query : List.of("?limit=x", "?limit=0", "?limit=51", "?offset=x", "?offset=-1")) {
      expectError(call("GET", url() + query, "", true), 422);
    }
  }

  @Test
  void listShelvesAnswers401WithoutCredentials() throws Exception {
    expectError(call("GET", url() + "", "", false), 401);
  }

  @Test
  void createShelfStoresTheItem() throws Exception {
    String body = "{\"label\": \"sample-text\", \"floor\": 1}";
    var answer = call("POST", url() + "", body, true);
    expectStatus(answer, 201);
    expectFields(answer, body);
    assertEquals(1, store.shelves().list().size());
  }

  @Test
  void createShelfTakesOnlyTheRequiredFields() throws Exception {
    expectStatus(call("POST", url() + "", "{\"label\": \"sample-text\"}", true), 201);
  }

  @Test
  void createShelfRefusesInvalidBodies() throws Exception {
    String target = url() + "";
    for (String body :
        List.of(
            // label of the wrong type
            "{\"label\": 12345, \"floor\": 1}",
            // label missing
            "{\"floor\": 1}",
            // label null
            "{\"label\": null, \"floor\": 1}",
            // label too short
            "{\"label\": \"\", \"floor\": 1}",
            // label too long
            "{\"label\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"floor\": 1}",
            // floor of the wrong type
            "{\"label\": \"sample-text\", \"floor\": \"x\"}",
            // floor below its minimum
            "{\"label\": \"sample-text\", \"floor\": -1}",
            // floor above its maximum
            "{\"label\": \"sample-text\", \"floor\": 10}")) {
      expectError(call("POST", target, body, true), 422);
    }
    expectError(call("POST", target, "{", true), 400);
  }

  @Test
  void createShelfTakesNullWhereTheSchemaAllowsIt() throws Exception {
    String target = url() + "";
    expectStatus(call("POST", target, "{\"label\": \"sample-text\", \"floor\": null}", true), 201);
  }

  @Test
  void createShelfAnswers401WithoutCredentials() throws Exception {
    expectError(call("POST", url() + "", "{\"label\": \"sample-text\", \"floor\": 1}", false), 401);
  }

  @Test
  void getShelfAnswers404ForAnUnknownId() throws Exception {
    expectError(call("GET", url() + "/" + "987654321" + "", "", true), 404);
  }

  @Test
  void getShelfAnswers404ForAnIdThatIsNoInteger() throws Exception {
    expectError(call("GET", url() + "/x" + "", "", true), 404);
  }

  @Test
  void getShelfReturnsTheItem() throws Exception {
    String key = seedShelves("");
    var answer = call("GET", url() + "/" + key + "", "", true);
    expectStatus(answer, 200);
    expectFields(answer, SAMPLE_SHELVES);
  }

  @Test
  void getShelfAnswers401WithoutCredentials() throws Exception {
    expectError(call("GET", url() + "/" + "987654321" + "", "", false), 401);
  }

  @Test
  void deleteShelfAnswers404ForAnUnknownId() throws Exception {
    expectError(call("DELETE", url() + "/" + "987654321" + "", "", true), 404);
  }

  @Test
  void deleteShelfAnswers404ForAnIdThatIsNoInteger() throws Exception {
    expectError(call("DELETE", url() + "/x" + "", "", true), 404);
  }

  @Test
  void deleteShelfRemovesTheItem() throws Exception {
    String key = seedShelves("");
    expectStatus(call("DELETE", url() + "/" + key + "", "", true), 204);
    assertTrue(store.shelves().get(key).isEmpty());
  }

  @Test
  void deleteShelfAnswers401WithoutCredentials() throws Exception {
    expectError(call("DELETE", url() + "/" + "987654321" + "", "", false), 401);
  }

  @Test
  void updateShelfAnswers404ForAnUnknownId() throws Exception {
    expectError(
        call(
            "PATCH",
            url() + "/" + "987654321" + "",
            "{\"label\": \"sample-text\", \"floor\": 1}",
            true),
        404);
  }

  @Test
  void updateShelfAnswers404ForAnIdThatIsNoInteger() throws Exception {
    expectError(
        call("PATCH", url() + "/x" + "", "{\"label\": \"sample-text\", \"floor\": 1}", true), 404);
  }

  @Test
  void updateShelfChangesTheItem() throws Exception {
    String key = seedShelves("");
    String body = "{\"label\": \"sample-text\", \"floor\": 1}";
    var answer = call("PATCH", url() + "/" + key + "", body, true);
    expectStatus(answer, 200);
    expectFields(answer, body);
  }

  @Test
  void updateShelfRefusesInvalidBodies() throws Exception {
    String target = url() + "/" + seedShelves("") + "";
    for (String body :
        List.of(
            // an unknown field
            "{\"label\": \"sample-text\", \"floor\": 1, \"specloomUnknownField\": 1}",
            // label of the wrong type
            "{\"label\": 12345, \"floor\": 1}",
            // label null
            "{\"label\": null, \"floor\": 1}",
            // label too short
            "{\"label\": \"\", \"floor\": 1}",
            // label too long
            "{\"label\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"floor\": 1}",
            // floor of the wrong type
            "{\"label\": \"sample-text\", \"floor\": \"x\"}",
            // floor below its minimum
            "{\"label\": \"sample-text\", \"floor\": -1}",
            // floor above its maximum
            "{\"label\": \"sample-text\", \"floor\": 10}")) {
      expectError(call("PATCH", target, body, true), 422);
    }
    expectError(call("PATCH", target, "{", true), 400);
  }

  @Test
  void updateShelfTakesNullWhereTheSchemaAllowsIt() throws Exception {
    String target = url() + "/" + seedShelves("") + "";
    expectStatus(call("PATCH", target, "{\"label\": \"sample-text\", \"floor\": null}", true), 200);
  }

  @Test
  void updateShelfAnswers401WithoutCredentials() throws Exception {
    expectError(
        call(
            "PATCH",
            url() + "/" + "987654321" + "",
            "{\"label\": \"sample-text\", \"floor\": 1}",
            false),
        401);
  }
}
