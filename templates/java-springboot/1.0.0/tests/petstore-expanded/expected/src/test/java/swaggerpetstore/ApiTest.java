package swaggerpetstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/** What every test of the service shares: one application, emptied storage, request helpers. */
@SpringBootTest
@AutoConfigureMockMvc
abstract class ApiTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String TOKEN = "test-token";
  static final String SAMPLE_PETS = "{\"name\": \"sample-text\", \"tag\": \"sample-text\"}";

  @Autowired MockMvc mvc;
  @Autowired Store store;

  @BeforeEach
  void emptyStorage() {
    store.clear();
  }

  /** The service's answer to a request; `signed` adds the credential the tests configure. */
  MockHttpServletResponse call(String method, String target, String body, boolean signed)
      throws Exception {
    return callWith(method, target, "application/json", body, signed ? TOKEN : null);
  }

  /** The service's answer to a request with this content type and credential (none: null). */
  MockHttpServletResponse callWith(
      String method, String target, String contentType, String body, String credential)
      throws Exception {
    MockHttpServletRequestBuilder request =
        MockMvcRequestBuilders.request(HttpMethod.valueOf(method), URI.create(target));
    return perform(request.contentType(contentType).content(body), credential);
  }

  /** The service's answer to `request` with this credential (none: null). */
  MockHttpServletResponse perform(MockHttpServletRequestBuilder request, String credential)
      throws Exception {
    return mvc.perform(request).andReturn().getResponse();
  }

  static JsonNode json(MockHttpServletResponse response) throws Exception {
    return MAPPER.readTree(response.getContentAsString());
  }

  static void expectStatus(MockHttpServletResponse response, int status) throws Exception {
    assertEquals(status, response.getStatus(), response.getContentAsString());
  }

  /**
   * An error answer: the status, the spec's error media type and every field of its error shape.
   */
  static void expectError(MockHttpServletResponse response, int status) throws Exception {
    expectStatus(response, status);
    assertTrue(
        ErrorHandling.ERROR_MEDIA_TYPE.isCompatibleWith(
            MediaType.parseMediaType(response.getContentType())),
        response.getContentType());
    JsonNode body = json(response);
    assertTrue(body.has("code"), body.toString());
    assertTrue(body.has("message"), body.toString());
  }

  /** The answer shows each field of the body sent as sent, but those named. */
  static void expectFields(MockHttpServletResponse response, String sent, String... unshown)
      throws Exception {
    JsonNode answer = json(response);
    List<String> skipped = List.of(unshown);
    for (var field : MAPPER.readTree(sent).properties()) {
      if (!skipped.contains(field.getKey())) {
        assertTrue(
            field.getValue().equals(ApiTest::sameValue, answer.path(field.getKey())),
            field.getKey() + " answered as " + answer.path(field.getKey()));
      }
    }
  }

  /** 0 when two JSON values are equal, numbers by value (5 and 5.0 are one number). */
  private static int sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return Double.compare(a.doubleValue(), b.doubleValue());
    }
    return a.equals(b) ? 0 : 1;
  }

  /** The keys of the items a list answer holds, in order. */
  static List<String> listed(MockHttpServletResponse response, String itemsField, String idField)
      throws Exception {
    expectStatus(response, 200);
    JsonNode items = itemsField.isEmpty() ? json(response) : json(response).get(itemsField);
    List<String> keys = new ArrayList<>();
    items.forEach(item -> keys.add(item.path(idField).asText()));
    return keys;
  }

  static ObjectNode merged(String sample, String changes) throws Exception {
    ObjectNode fields = (ObjectNode) MAPPER.readTree(sample);
    if (!changes.isEmpty()) {
      fields.setAll((ObjectNode) MAPPER.readTree(changes));
    }
    return fields;
  }

  /** Stores an item of /pets (the sample with changes) directly; its key. */
  String seedPets(String changes) throws Exception {
    ObjectNode fields = merged(SAMPLE_PETS, changes);
    long id = store.pets().nextId();
    String key = Long.toString(id);
    fields.put("id", id);
    store.pets().add(key, MAPPER.treeToValue(fields, Models.Pet.class));
    return key;
  }
}
