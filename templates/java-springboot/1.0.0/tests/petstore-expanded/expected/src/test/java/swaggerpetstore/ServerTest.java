package swaggerpetstore;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

/** What every request gets, whichever operation it asks for: errors in the spec's shape. */
class ServerTest extends ApiTest {
  @Test
  void anUnknownPathIsAnswered404() throws Exception {
    expectError(call("GET", "/specloom-no-such-path", "", true), 404);
  }

  @Test
  void anUnknownMethodIsAnswered405() throws Exception {
    var answer = call("PATCH", "/pets", "", true);
    expectError(answer, 405);
    assertNotNull(answer.getHeader("Allow"));
  }

  @Test
  void aBodyThatIsNoJsonObjectIsRefused() throws Exception {
    String target = "/pets" + "";
    expectError(call("POST", target, "[]", true), 422);
    expectError(call("POST", target, "{} {}", true), 400);
    expectError(call("POST", target, "", true), 400);
  }

  @Test
  void aBodyThatIsNoJsonIsAnswered415() throws Exception {
    String target = "/pets" + "";
    expectError(callWith("POST", target, "text/plain", "{}", TOKEN), 415);
  }

  @Test
  void theApplicationStarts() {
    Application.main(new String[] {"--server.port=0", "--spring.main.web-application-type=none"});
  }
}
