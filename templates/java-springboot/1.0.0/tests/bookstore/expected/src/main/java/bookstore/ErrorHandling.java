package bookstore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;

/** Every error is answered in the shape the spec declares (Error), as application/json. */
@RestControllerAdvice
class ErrorHandling {
  static final MediaType ERROR_MEDIA_TYPE = MediaType.parseMediaType("application/json");

  static Map<String, Object> body(int status, String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    return body;
  }

  static ResponseEntity<Object> answer(int status, String code, String message) {
    return ResponseEntity.status(status)
        .contentType(ERROR_MEDIA_TYPE)
        .body(body(status, code, message));
  }

  @ExceptionHandler(ApiError.class)
  ResponseEntity<Object> apiError(ApiError error) {
    return answer(error.status(), error.code(), error.getMessage());
  }

  @ExceptionHandler(NoHandlerFoundException.class)
  ResponseEntity<Object> noSuchPath(NoHandlerFoundException error) {
    return answer(404, "not_found", "Not Found");
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<Object> noSuchMethod(HttpRequestMethodNotSupportedException error) {
    Set<HttpMethod> allowed = error.getSupportedHttpMethods();
    HttpHeaders headers = new HttpHeaders();
    if (allowed != null) {
      headers.setAllow(allowed);
    }
    return ResponseEntity.status(405)
        .headers(headers)
        .contentType(ERROR_MEDIA_TYPE)
        .body(body(405, "method_not_allowed", "Method Not Allowed"));
  }
}
