package swaggerpetstore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;

/**
 * Reads request bodies and query parameters and checks them against the rules of the spec's
 * schemas.
 */
final class Checks {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Checks() {}

  static ApiError invalid(String name, String problem) {
    return new ApiError(422, "invalid_request", name + " " + problem);
  }

  /** The JSON object a request carries; the error to answer when it carries none. */
  static ObjectNode object(String contentType, byte[] content) {
    if (!json(contentType)) {
      throw new ApiError(415, "unsupported_media_type", "The body must be application/json.");
    }
    JsonNode value;
    try {
      value = MAPPER.readTree(content == null ? new byte[0] : content);
    } catch (IOException malformed) {
      value = null;
    }
    if (value == null || value.isMissingNode()) {
      throw new ApiError(400, "malformed_request", "The body is not valid JSON.");
    }
    if (!value.isObject()) {
      throw invalid("the body", "must be a JSON object");
    }
    return (ObjectNode) value;
  }

  private static boolean json(String contentType) {
    try {
      MediaType media = MediaType.parseMediaType(contentType == null ? "" : contentType);
      return "json".equals(media.getSubtype()) || media.getSubtype().endsWith("+json");
    } catch (InvalidMediaTypeException unreadable) {
      return false;
    }
  }

  private static JsonNode present(ObjectNode body, String name, Rule rule) {
    JsonNode value = body.get(name);
    if (value == null) {
      if (rule.required) {
        throw invalid(name, "is required");
      }
      return null;
    }
    if (value.isNull()) {
      throw invalid(name, "must not be null");
    }
    return value;
  }

  static String text(ObjectNode body, String name, Rule rule) {
    JsonNode value = present(body, name, rule);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw invalid(name, "must be a string");
    }
    return checkText(name, value.textValue(), rule);
  }

  static List<String> queryTexts(MultiValueMap<String, String> query, String name, Rule rule) {
    List<String> values = query.get(name);
    if (values == null) {
      if (rule.required) {
        throw invalid(name, "is required");
      }
      return null;
    }
    return checkItems(name, values, rule);
  }

  static Long queryInteger(MultiValueMap<String, String> query, String name, Rule rule) {
    String text = query.getFirst(name);
    if (text == null) {
      if (rule.required) {
        throw invalid(name, "is required");
      }
      return null;
    }
    long number;
    try {
      number = Long.parseLong(text);
    } catch (NumberFormatException notOne) {
      throw invalid(
          name,
          text.matches("[+-]?[0-9]+")
              ? "is an integer of more than 64 bits: this service stores no larger one"
              : "must be an integer");
    }
    checkNumber(name, number, rule);
    return number;
  }

  private static String checkText(String name, String text, Rule rule) {
    return text;
  }

  private static void checkNumber(String name, double number, Rule rule) {
    if (rule.minimum != null && number < rule.minimum) {
      throw invalid(name, "is below its minimum " + rule.minimum);
    }
    if (rule.maximum != null && number > rule.maximum) {
      throw invalid(name, "is above its maximum " + rule.maximum);
    }
  }

  private static <T> List<T> checkItems(String name, List<T> items, Rule rule) {
    return items;
  }

  /**
   * The storage key of an integer id in a path; "" (no item is stored under it) when it is none.
   */
  static String intKey(String text) {
    try {
      return Long.toString(Long.parseLong(text));
    } catch (NumberFormatException notOne) {
      return "";
    }
  }

  /**
   * items[start:start+size], clamped to the items there are; a size below 0 means all from start.
   */
  static <T> List<T> window(List<T> items, long start, long size) {
    int from = (int) Math.min(Math.max(start, 0L), items.size());
    int to = size < 0 ? items.size() : (int) Math.min(from + size, items.size());
    return new ArrayList<>(items.subList(from, to));
  }
}
