package bookstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests of /books: every operation's success, not-found and invalid-input behaviour. */
class BooksControllerTest extends ApiTest {
  /** The collection's path. */
  private static String url() {
    return "/books";
  }

  @Test
  void listBooksReturnsTheStoredItems() throws Exception {
    String first = seedBooks("");
    String second = seedBooks("");
    List<String> keys = listed(call("GET", url() + "", "", true), "items", "id");
    assertEquals(List.of(first, second), keys);
  }

  @Test
  void listBooksHonoursLimit() throws Exception {
    String first = seedBooks("");
    String second = seedBooks("");
    List<String> keys = listed(call("GET", url() + "?limit=1", "", true), "items", "id");
    assertEquals(List.of(first), keys);
    assertTrue(!first.equals(second));
  }

  @Test
  void listBooksHonoursOffset() throws Exception {
    String first = seedBooks("");
    String second = seedBooks("");
    List<String> keys = listed(call("GET", url() + "?offset=1", "", true), "items", "id");
    assertEquals(List.of(second), keys);
    assertTrue(!first.equals(second));
  }

  @Test
  void listBooksFiltersByGenre() throws Exception {
    String wanted = seedBooks("{\"genre\": \"fiction\"}");
    seedBooks("{\"genre\": \"non-fiction\"}");
    List<String> keys = listed(call("GET", url() + "?genre=fiction", "", true), "items", "id");
    assertEquals(List.of(wanted), keys);
  }

  @Test
  void listBooksRefusesInvalidParameters() throws Exception {
    for (String query :
        List.of(
            "?limit=x",
            "?limit=0",
            "?limit=101",
            "?offset=x",
            "?offset=-1",
            "?genre=specloom-not-listed")) {
      expectError(call("GET", url() + query, "", true), 422);
    }
  }

  @Test
  void listBooksAnswers401WithoutCredentials() throws Exception {
    expectError(call("GET", url() + "", "", false), 401);
  }

  @Test
  void createBookStoresTheItem() throws Exception {
    String body =
        "{\"title\": \"sample-text\", \"authorId\": \"90c192cf-d3ac-44af-8f21-ddb66cad4a26\","
            + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
            + " \"2026-01-15\", \"tags\": [\"sample-text\"]}";
    var answer = call("POST", url() + "", body, true);
    expectStatus(answer, 201);
    expectFields(answer, body);
    assertEquals(1, store.books().list().size());
  }

  @Test
  void createBookTakesOnlyTheRequiredFields() throws Exception {
    expectStatus(
        call(
            "POST",
            url() + "",
            "{\"title\": \"sample-text\", \"authorId\": \"8d116ece-1738-47d9-bd9c-172411e20b8f\","
                + " \"genre\": \"fiction\"}",
            true),
        201);
  }

  @Test
  void createBookRefusesInvalidBodies() throws Exception {
    String target = url() + "";
    for (String body :
        List.of(
            // title of the wrong type
            "{\"title\": 12345, \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\":"
                + " \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // title missing
            "{\"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\","
                + " \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\":"
                + " [\"sample-text\"]}",
            // title null
            "{\"title\": null, \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\":"
                + " \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // title too short
            "{\"title\": \"\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\":"
                + " \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // title too long
            "{\"title\":"
                + " \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
                + " \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\", \"genre\": \"fiction\","
                + " \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\":"
                + " [\"sample-text\"]}",
            // authorId of the wrong type
            "{\"title\": \"sample-text\", \"authorId\": 12345, \"genre\": \"fiction\", \"isbn\":"
                + " \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\":"
                + " [\"sample-text\"]}",
            // authorId missing
            "{\"title\": \"sample-text\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\","
                + " \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
            // authorId null
            "{\"title\": \"sample-text\", \"authorId\": null, \"genre\": \"fiction\", \"isbn\":"
                + " \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\":"
                + " [\"sample-text\"]}",
            // authorId not a uuid
            "{\"title\": \"sample-text\", \"authorId\": \"not-a-valid-value\", \"genre\":"
                + " \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // genre of the wrong type
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": 12345, \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // genre missing
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\":"
                + " [\"sample-text\"]}",
            // genre null
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": null, \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // genre not one of its values
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": \"specloom-not-listed\", \"isbn\": \"7777777777777\","
                + " \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
            // isbn of the wrong type
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": \"fiction\", \"isbn\": 12345, \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // isbn null
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": \"fiction\", \"isbn\": null, \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // isbn not matching its pattern
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": \"fiction\", \"isbn\": \"!\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // publishedOn of the wrong type
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": 12345,"
                + " \"tags\": [\"sample-text\"]}",
            // publishedOn null
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": null,"
                + " \"tags\": [\"sample-text\"]}",
            // publishedOn not a date
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"not-a-valid-value\", \"tags\": [\"sample-text\"]}",
            // tags of the wrong type
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"2026-01-15\", \"tags\": \"x\"}",
            // tags null
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"2026-01-15\", \"tags\": null}",
            // tags too long
            "{\"title\": \"sample-text\", \"authorId\": \"6b0d549b-6f03-475a-9600-a35a099950d8\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"2026-01-15\", \"tags\": [\"sample-text\", \"sample-text\", \"sample-text\","
                + " \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\","
                + " \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\"]}")) {
      expectError(call("POST", target, body, true), 422);
    }
    expectError(call("POST", target, "{", true), 400);
  }

  @Test
  void createBookAnswers401WithoutCredentials() throws Exception {
    expectError(
        call(
            "POST",
            url() + "",
            "{\"title\": \"sample-text\", \"authorId\": \"90c192cf-d3ac-44af-8f21-ddb66cad4a26\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"2026-01-15\", \"tags\": [\"sample-text\"]}",
            false),
        401);
  }

  @Test
  void getBookAnswers404ForAnUnknownId() throws Exception {
    expectError(
        call("GET", url() + "/" + "00000000-0000-4000-8000-000000000000" + "", "", true), 404);
  }

  @Test
  void getBookReturnsTheItem() throws Exception {
    String key = seedBooks("");
    var answer = call("GET", url() + "/" + key + "", "", true);
    expectStatus(answer, 200);
    expectFields(answer, SAMPLE_BOOKS);
  }

  @Test
  void getBookAnswers401WithoutCredentials() throws Exception {
    expectError(
        call("GET", url() + "/" + "00000000-0000-4000-8000-000000000000" + "", "", false), 401);
  }

  @Test
  void replaceBookAnswers404ForAnUnknownId() throws Exception {
    expectError(
        call(
            "PUT",
            url() + "/" + "00000000-0000-4000-8000-000000000000" + "",
            "{\"title\": \"sample-text\", \"authorId\": \"0cb1e29c-658c-4a14-95e6-0af593bd04cf\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"2026-01-15\", \"tags\": [\"sample-text\"]}",
            true),
        404);
  }

  @Test
  void replaceBookChangesTheItem() throws Exception {
    String key = seedBooks("");
    String body =
        "{\"title\": \"sample-text\", \"authorId\": \"0cb1e29c-658c-4a14-95e6-0af593bd04cf\","
            + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
            + " \"2026-01-15\", \"tags\": [\"sample-text\"]}";
    var answer = call("PUT", url() + "/" + key + "", body, true);
    expectStatus(answer, 200);
    expectFields(answer, body);
  }

  @Test
  void replaceBookRefusesInvalidBodies() throws Exception {
    String target = url() + "/" + seedBooks("") + "";
    for (String body :
        List.of(
            // title of the wrong type
            "{\"title\": 12345, \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\":"
                + " \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // title missing
            "{\"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\","
                + " \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\":"
                + " [\"sample-text\"]}",
            // title null
            "{\"title\": null, \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\":"
                + " \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // title too short
            "{\"title\": \"\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\":"
                + " \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // title too long
            "{\"title\":"
                + " \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
                + " \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\", \"genre\": \"fiction\","
                + " \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\":"
                + " [\"sample-text\"]}",
            // authorId of the wrong type
            "{\"title\": \"sample-text\", \"authorId\": 12345, \"genre\": \"fiction\", \"isbn\":"
                + " \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\":"
                + " [\"sample-text\"]}",
            // authorId missing
            "{\"title\": \"sample-text\", \"genre\": \"fiction\", \"isbn\": \"7777777777777\","
                + " \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
            // authorId null
            "{\"title\": \"sample-text\", \"authorId\": null, \"genre\": \"fiction\", \"isbn\":"
                + " \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\":"
                + " [\"sample-text\"]}",
            // authorId not a uuid
            "{\"title\": \"sample-text\", \"authorId\": \"not-a-valid-value\", \"genre\":"
                + " \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // genre of the wrong type
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": 12345, \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // genre missing
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\", \"tags\":"
                + " [\"sample-text\"]}",
            // genre null
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": null, \"isbn\": \"7777777777777\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // genre not one of its values
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": \"specloom-not-listed\", \"isbn\": \"7777777777777\","
                + " \"publishedOn\": \"2026-01-15\", \"tags\": [\"sample-text\"]}",
            // isbn of the wrong type
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": \"fiction\", \"isbn\": 12345, \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // isbn null
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": \"fiction\", \"isbn\": null, \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // isbn not matching its pattern
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": \"fiction\", \"isbn\": \"!\", \"publishedOn\": \"2026-01-15\","
                + " \"tags\": [\"sample-text\"]}",
            // publishedOn of the wrong type
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": 12345,"
                + " \"tags\": [\"sample-text\"]}",
            // publishedOn null
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\": null,"
                + " \"tags\": [\"sample-text\"]}",
            // publishedOn not a date
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"not-a-valid-value\", \"tags\": [\"sample-text\"]}",
            // tags of the wrong type
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"2026-01-15\", \"tags\": \"x\"}",
            // tags null
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"2026-01-15\", \"tags\": null}",
            // tags too long
            "{\"title\": \"sample-text\", \"authorId\": \"a170b338-3926-4059-b28c-105d1fb17c23\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"2026-01-15\", \"tags\": [\"sample-text\", \"sample-text\", \"sample-text\","
                + " \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\","
                + " \"sample-text\", \"sample-text\", \"sample-text\", \"sample-text\"]}")) {
      expectError(call("PUT", target, body, true), 422);
    }
    expectError(call("PUT", target, "{", true), 400);
  }

  @Test
  void replaceBookAnswers401WithoutCredentials() throws Exception {
    expectError(
        call(
            "PUT",
            url() + "/" + "00000000-0000-4000-8000-000000000000" + "",
            "{\"title\": \"sample-text\", \"authorId\": \"0cb1e29c-658c-4a14-95e6-0af593bd04cf\","
                + " \"genre\": \"fiction\", \"isbn\": \"7777777777777\", \"publishedOn\":"
                + " \"2026-01-15\", \"tags\": [\"sample-text\"]}",
            false),
        401);
  }

  @Test
  void deleteBookAnswers404ForAnUnknownId() throws Exception {
    expectError(
        call("DELETE", url() + "/" + "00000000-0000-4000-8000-000000000000" + "", "", true), 404);
  }

  @Test
  void deleteBookRemovesTheItem() throws Exception {
    String key = seedBooks("");
    expectStatus(call("DELETE", url() + "/" + key + "", "", true), 204);
    assertTrue(store.books().get(key).isEmpty());
  }

  @Test
  void deleteBookAnswers401WithoutCredentials() throws Exception {
    expectError(
        call("DELETE", url() + "/" + "00000000-0000-4000-8000-000000000000" + "", "", false), 401);
  }
}
