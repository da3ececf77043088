package library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tests of /shelves/{shelfId}/books: every operation's success, not-found and invalid-input
 * behaviour.
 */
class BooksControllerTest extends ApiTest {
  /** The collection's path under the parent with key `parent`. */
  private static String url(String parent) {
    return "/shelves/{parent}/books".replace("{parent}", parent);
  }

  @Test
  void listShelfBooksReturnsTheStoredItems() throws Exception {
    String parent = seedShelves("");
    String first = seedBooks(parent, "");
    String second = seedBooks(parent, "");
    List<String> keys = listed(call("GET", url(parent) + "", "", true), "", "id");
    assertEquals(List.of(first, second), keys);
  }

  @Test
  void listShelfBooksFiltersByLanguage() throws Exception {
    String parent = seedShelves("");
    String wanted = seedBooks(parent, "{\"language\": \"en\"}");
    seedBooks(parent, "{\"language\": \"fr\"}");
    List<String> keys = listed(call("GET", url(parent) + "?language=en", "", true), "", "id");
    assertEquals(List.of(wanted), keys);
  }

  @Test
  void listShelfBooksRefusesInvalidParameters() throws Exception {
    String parent = seedShelves("");
    for (String query : List.of("?language=specloom-not-listed")) {
      expectError(call("GET", url(parent) + query, "", true), 422);
    }
  }

  @Test
  void listShelfBooksAnswers404ForAnUnknownParent() throws Exception {
    expectError(call("GET", url("987654321") + "", "", true), 404);
  }

  @Test
  void listShelfBooksAnswers401WithoutCredentials() throws Exception {
    String parent = seedShelves("");
    expectError(call("GET", url(parent) + "", "", false), 401);
  }

  @Test
  void createShelfBookStoresTheItem() throws Exception {
    String parent = seedShelves("");
    String body = "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": 100}";
    var answer = call("POST", url(parent) + "", body, true);
    expectStatus(answer, 201);
    expectFields(answer, body);
    assertEquals(1, store.books().list().size());
  }

  @Test
  void createShelfBookTakesOnlyTheRequiredFields() throws Exception {
    String parent = seedShelves("");
    expectStatus(
        call("POST", url(parent) + "", "{\"title\": \"sample-text\", \"language\": \"en\"}", true),
        201);
  }

  @Test
  void createShelfBookAnswers404ForAnUnknownParent() throws Exception {
    expectError(
        call(
            "POST",
            url("987654321") + "",
            "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": 100}",
            true),
        404);
  }

  @Test
  void createShelfBookRefusesInvalidBodies() throws Exception {
    String parent = seedShelves("");
    String target = url(parent) + "";
    for (String body :
        List.of(
            // title of the wrong type
            "{\"title\": 12345, \"language\": \"en\", \"pages\": 100}",
            // title missing
            "{\"language\": \"en\", \"pages\": 100}",
            // title null
            "{\"title\": null, \"language\": \"en\", \"pages\": 100}",
            // title too short
            "{\"title\": \"\", \"language\": \"en\", \"pages\": 100}",
            // language of the wrong type
            "{\"title\": \"sample-text\", \"language\": 12345, \"pages\": 100}",
            // language missing
            "{\"title\": \"sample-text\", \"pages\": 100}",
            // language null
            "{\"title\": \"sample-text\", \"language\": null, \"pages\": 100}",
            // language not one of its values
            "{\"title\": \"sample-text\", \"language\": \"specloom-not-listed\", \"pages\": 100}",
            // pages of the wrong type
            "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": \"x\"}",
            // pages null
            "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": null}",
            // pages below its minimum
            "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": 0}")) {
      expectError(call("POST", target, body, true), 422);
    }
    expectError(call("POST", target, "{", true), 400);
  }

  @Test
  void createShelfBookAnswers401WithoutCredentials() throws Exception {
    String parent = seedShelves("");
    expectError(
        call(
            "POST",
            url(parent) + "",
            "{\"title\": \"sample-text\", \"language\": \"en\", \"pages\": 100}",
            false),
        401);
  }

  @Test
  void getShelfBookAnswers404ForAnUnknownId() throws Exception {
    String parent = seedShelves("");
    expectError(call("GET", url(parent) + "/" + "987654321" + "", "", true), 404);
  }

  @Test
  void getShelfBookAnswers404ForAnUnknownParent() throws Exception {
    String target = url("987654321") + "/" + "987654321" + "";
    expectError(call("GET", target, "", true), 404);
  }

  @Test
  void getShelfBookAnswers404ForAnIdThatIsNoInteger() throws Exception {
    String parent = seedShelves("");
    expectError(call("GET", url(parent) + "/x" + "", "", true), 404);
  }

  @Test
  void getShelfBookReturnsTheItem() throws Exception {
    String parent = seedShelves("");
    String key = seedBooks(parent, "");
    var answer = call("GET", url(parent) + "/" + key + "", "", true);
    expectStatus(answer, 200);
    expectFields(answer, SAMPLE_BOOKS);
  }

  @Test
  void getShelfBookAnswers401WithoutCredentials() throws Exception {
    String parent = seedShelves("");
    expectError(call("GET", url(parent) + "/" + "987654321" + "", "", false), 401);
  }

  @Test
  void deleteShelfBookAnswers404ForAnUnknownId() throws Exception {
    String parent = seedShelves("");
    expectError(call("DELETE", url(parent) + "/" + "987654321" + "", "", true), 404);
  }

  @Test
  void deleteShelfBookAnswers404ForAnUnknownParent() throws Exception {
    String target = url("987654321") + "/" + "987654321" + "";
    expectError(call("DELETE", target, "", true), 404);
  }

  @Test
  void deleteShelfBookAnswers404ForAnIdThatIsNoInteger() throws Exception {
    String parent = seedShelves("");
    expectError(call("DELETE", url(parent) + "/x" + "", "", true), 404);
  }

  @Test
  void deleteShelfBookRemovesTheItem() throws Exception {
    String parent = seedShelves("");
    String key = seedBooks(parent, "");
    expectStatus(call("DELETE", url(parent) + "/" + key + "", "", true), 204);
    assertTrue(store.books().get(key).isEmpty());
  }

  @Test
  void deleteShelfBookAnswers401WithoutCredentials() throws Exception {
    String parent = seedShelves("");
    expectError(call("DELETE", url(parent) + "/" + "987654321" + "", "", false), 401);
  }
}
