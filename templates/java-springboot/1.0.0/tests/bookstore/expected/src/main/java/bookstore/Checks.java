package bookstore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
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
  static final Pattern PATTERN1 = Pattern.compile("^[0-9]{13}\\z");
  private static final Pattern UUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");
  // RFC 3339's four-digit years: java.time also reads +12026-01-01.
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

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
      if (rule.nullable) {
        return null;
      }
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

  static Long integer(ObjectNode body, String name, Rule rule) {
    JsonNode value = present(body, name, rule);
    if (value == null) {
      return null;
    }
    if (!whole(value)) {
      throw invalid(name, "must be an integer");
    }
    if (!value.canConvertToLong()) {
      throw invalid(name, "is an integer of more than 64 bits: this service stores no larger one");
    }
    checkNumber(name, value.longValue(), rule);
    return value.longValue();
  }

  /** Whether a JSON number is an integer: JSON Schema counts 3.0 as one. */
  private static boolean whole(JsonNode value) {
    return value.isIntegralNumber()
        || (value.isFloatingPointNumber() && value.doubleValue() == Math.rint(value.doubleValue()));
  }

  private static <T> List<T> list(
      ObjectNode body, String name, Rule rule, String kind, Function<JsonNode, T> each) {
    JsonNode value = present(body, name, rule);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      throw invalid(name, "must be an array");
    }
    List<T> items = new ArrayList<>();
    for (JsonNode item : value) {
      T read = each.apply(item);
      if (read == null) {
        throw invalid(name, "must hold only " + kind);
      }
      items.add(read);
    }
    return checkItems(name, items, rule);
  }

  static List<String> texts(ObjectNode body, String name, Rule rule) {
    return list(body, name, rule, "strings", item -> item.isTextual() ? item.textValue() : null);
  }

  static String queryText(MultiValueMap<String, String> query, String name, Rule rule) {
    String text = query.getFirst(name);
    if (text == null) {
      if (rule.required) {
        throw invalid(name, "is required");
      }
      return null;
    }
    return checkText(name, text, rule);
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
    int length = text.codePointCount(0, text.length());
    if (length < rule.minLength) {
      throw invalid(name, "is shorter than " + rule.minLength + " characters");
    }
    if (rule.maxLength != null && length > rule.maxLength) {
      throw invalid(name, "is longer than " + rule.maxLength + " characters");
    }
    if (rule.pattern != null && !rule.pattern.matcher(text).find()) {
      throw invalid(name, "does not match " + rule.pattern.pattern());
    }
    if (rule.values != null && !rule.values.contains(text)) {
      throw invalid(name, "is not one of " + rule.values);
    }
    if (rule.format != null && !formatted(rule.format, text)) {
      throw invalid(name, "is not a valid " + rule.format);
    }
    return text;
  }

  private static boolean formatted(String format, String text) {
    if ("date".equals(format)) {
      return DATE.matcher(text).matches() && parses(text, LocalDate::parse);
    }
    if ("email".equals(format)) {
      return EMAIL.matcher(text).matches();
    }
    return UUID.matcher(text).matches();
  }

  private static boolean parses(String text, Function<String, ?> parser) {
    try {
      parser.apply(text);
      return true;
    } catch (DateTimeParseException notOne) {
      return false;
    }
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
    if (rule.maxItems != null && items.size() > rule.maxItems) {
      throw invalid(name, "has more than " + rule.maxItems + " items");
    }
    return items;
  }

  /**
   * items[start:start+size], clamped to the items there are; a size below 0 means all from start.
   */
  static <T> List<T> window(List<T> items, long start, long size) {
    int from = (int) Math.min(Math.max(start, 0L), items.size());
    int to = size < 0 ? items.size() : (int) Math.min(from + size, items.size());
    return new ArrayList<>(items.subList(from, to));
  }

  static long valueOr(Long value, long fallback) {
    return value == null ? fallback : value;
  }
}
