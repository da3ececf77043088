package library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/** What every request gets, whichever operation it asks for: errors in the spec's shape. */
class ServerTest extends ApiTest {
  @Test
  void anUnknownPathIsAnswered404() throws Exception {
    expectError(call("GET", "/specloom-no-such-path", "", true), 404);
  }

  @Test
  void anUnknownMethodIsAnswered405() throws Exception {
    var answer = call("PATCH", "/shelves", "", true);
    expectError(answer, 405);
    assertNotNull(answer.getHeader("Allow"));
  }

  @Test
  void aBodyThatIsNoJsonObjectIsRefused() throws Exception {
    String target = "/shelves" + "";
    expectError(call("POST", target, "[]", true), 422);
    expectError(call("POST", target, "{} {}", true), 400);
    expectError(call("POST", target, "", true), 400);
  }

  @Test
  void aBodyThatIsNoJsonIsAnswered415() throws Exception {
    String target = "/shelves" + "";
    expectError(callWith("POST", target, "text/plain", "{}", TOKEN), 415);
  }

  @Test
  void aWrongCredentialIsAnswered401() throws Exception {
    String target = "/shelves";
    expectError(callWith("GET", target, "application/json", "", "wrong"), 401);
  }

  @Test
  void aHeadRequestNeedsTheCredentialItsGetNeeds() throws Exception {
    String target = "/shelves";
    assertEquals(401, callWith("HEAD", target, "application/json", "", null).getStatus());
  }

  @Test
  void aContextPathDoesNotLiftTheCredentialCheck() throws Exception {
    String target = "/shelves";
    var request = MockMvcRequestBuilders.get(URI.create("/api" + target)).contextPath("/api");
    expectError(mvc.perform(request).andReturn().getResponse(), 401);
  }

  @Test
  void anAcceptTheServiceCannotAnswerIsAnswered406InTheErrorShape() throws Exception {
    var request = MockMvcRequestBuilders.get(URI.create("/shelves")).accept("text/csv");
    expectError(perform(request, TOKEN), 406);
  }

  @Test
  void anUnexpectedFailureIsAnswered500WithoutItsDetails() {
    var answer = new ErrorHandling().unexpected(new IllegalStateException("internal detail"));
    assertEquals(500, answer.getStatusCode().value());
    assertEquals(ErrorHandling.ERROR_MEDIA_TYPE, answer.getHeaders().getContentType());
    assertFalse(String.valueOf(answer.getBody()).contains("internal detail"));
  }

  @Test
  void anItemDeletedMeanwhileIsNeitherUpdatedNorStoredAgain() {
    Repository<String> repository = new MemoryRepository<>(1L);
    assertTrue(repository.update("key", current -> current + " changed").isEmpty());
    assertTrue(repository.list().isEmpty());
    assertTrue(repository.add("key", "first"));
    assertFalse(repository.add("key", "second"));
    assertEquals(
        "first changed", repository.update("key", current -> current + " changed").orElseThrow());
    repository.delete("key");
    assertTrue(repository.get("key").isEmpty());
  }

  @Test
  void theApplicationStarts() {
    Application.main(new String[] {"--server.port=0", "--spring.main.web-application-type=none"});
  }
}
