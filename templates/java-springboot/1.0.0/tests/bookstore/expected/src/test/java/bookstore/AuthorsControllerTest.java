package bookstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests of /authors: every operation's success, not-found and invalid-input behaviour. */
class AuthorsControllerTest extends ApiTest {
  /** The collection's path. */
  private static String url() {
    return "/authors";
  }

  @Test
  void listAuthorsReturnsTheStoredItems() throws Exception {
    String first = seedAuthors("");
    String second = seedAuthors("");
    List<String> keys = listed(call("GET", url() + "", "", true), "", "id");
    assertEquals(List.of(first, second), keys);
  }

  @Test
  void listAuthorsAnswers401WithoutCredentials() throws Exception {
    expectError(call("GET", url() + "", "", false), 401);
  }

  @Test
  void createAuthorStoresTheItem() throws Exception {
    String body = "{\"name\": \"sample-text\", \"email\": \"ada@example.com\", \"born\": 1}";
    var answer = call("POST", url() + "", body, true);
    expectStatus(answer, 201);
    expectFields(answer, body);
    assertEquals(1, store.authors().list().size());
  }

  @Test
  void createAuthorTakesOnlyTheRequiredFields() throws Exception {
    expectStatus(call("POST", url() + "", "{\"name\": \"sample-text\"}", true), 201);
  }

  @Test
  void createAuthorRefusesInvalidBodies() throws Exception {
    String target = url() + "";
    for (String body :
        List.of(
            // name of the wrong type
            "{\"name\": 12345, \"email\": \"ada@example.com\", \"born\": 1}",
            // name missing
            "{\"email\": \"ada@example.com\", \"born\": 1}",
            // name null
            "{\"name\": null, \"email\": \"ada@example.com\", \"born\": 1}",
            // name too short
            "{\"name\": \"\", \"email\": \"ada@example.com\", \"born\": 1}",
            // email of the wrong type
            "{\"name\": \"sample-text\", \"email\": 12345, \"born\": 1}",
            // email null
            "{\"name\": \"sample-text\", \"email\": null, \"born\": 1}",
            // email not a email
            "{\"name\": \"sample-text\", \"email\": \"not-a-valid-value\", \"born\": 1}",
            // born of the wrong type
            "{\"name\": \"sample-text\", \"email\": \"ada@example.com\", \"born\": \"x\"}",
            // born below its minimum
            "{\"name\": \"sample-text\", \"email\": \"ada@example.com\", \"born\": -1}")) {
      expectError(call("POST", target, body, true), 422);
    }
    expectError(call("POST", target, "{", true), 400);
  }

  @Test
  void createAuthorTakesNullWhereTheSchemaAllowsIt() throws Exception {
    String target = url() + "";
    expectStatus(
        call(
            "POST",
            target,
            "{\"name\": \"sample-text\", \"email\": \"ada@example.com\", \"born\": null}",
            true),
        201);
  }

  @Test
  void createAuthorAnswers401WithoutCredentials() throws Exception {
    expectError(
        call(
            "POST",
            url() + "",
            "{\"name\": \"sample-text\", \"email\": \"ada@example.com\", \"born\": 1}",
            false),
        401);
  }

  @Test
  void getAuthorAnswers404ForAnUnknownId() throws Exception {
    expectError(
        call("GET", url() + "/" + "00000000-0000-4000-8000-000000000000" + "", "", true), 404);
  }

  @Test
  void getAuthorReturnsTheItem() throws Exception {
    String key = seedAuthors("");
    var answer = call("GET", url() + "/" + key + "", "", true);
    expectStatus(answer, 200);
    expectFields(answer, SAMPLE_AUTHORS);
  }

  @Test
  void getAuthorAnswers401WithoutCredentials() throws Exception {
    expectError(
        call("GET", url() + "/" + "00000000-0000-4000-8000-000000000000" + "", "", false), 401);
  }
}
