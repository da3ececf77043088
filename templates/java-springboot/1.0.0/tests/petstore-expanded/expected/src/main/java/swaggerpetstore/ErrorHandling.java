package swaggerpetstore;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Every error is answered in the shape the spec declares (Error), as application/json. */
@RestControllerAdvice
class ErrorHandling extends ResponseEntityExceptionHandler {
  static final MediaType ERROR_MEDIA_TYPE = MediaType.parseMediaType("application/json");
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandling.class);

  static Map<String, Object> body(int status, String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", status);
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

  /**
   * What Spring MVC refuses itself: no such path or method, an Accept it cannot answer, a missing
   * header…
   */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception error,
      Object body,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (status.is5xxServerError()) {
      LOG.error("request failed", error);
    }
    HttpStatus known = HttpStatus.resolve(status.value());
    String code = known == null ? "error" : known.name().toLowerCase(Locale.ROOT);
    String message = known == null ? "Error" : known.getReasonPhrase();
    return ResponseEntity.status(status)
        .headers(headers)
        .contentType(ERROR_MEDIA_TYPE)
        .body(body(status.value(), code, message));
  }

  /** Any other failure is the service's own: 500, its details only in the log. */
  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception error) {
    LOG.error("request failed", error);
    return answer(500, "internal_error", "Internal Server Error");
  }
}
