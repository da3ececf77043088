package library;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Authentication (apiKey): a secured operation answers 401 unless the request carries one of the
 * credentials in $LIBRARY_API_TOKENS (comma-separated); with none configured every secured request
 * is refused.
 */
@Component
final class Security extends OncePerRequestFilter {
  /** The environment variable holding the accepted credentials. */
  static final String AUTH_ENV = "LIBRARY_API_TOKENS";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<Secured> SECURED =
      List.of(
          new Secured("GET", "/shelves"),
          new Secured("POST", "/shelves"),
          new Secured("GET", "/shelves/{shelfId}"),
          new Secured("DELETE", "/shelves/{shelfId}"),
          new Secured("PATCH", "/shelves/{shelfId}"),
          new Secured("GET", "/shelves/{shelfId}/books"),
          new Secured("POST", "/shelves/{shelfId}/books"),
          new Secured("GET", "/shelves/{shelfId}/books/{bookId}"),
          new Secured("DELETE", "/shelves/{shelfId}/books/{bookId}"),
          new Secured("POST", "/shelves/{shelfId}/inventory"));

  private final List<String> tokens;

  Security(@Value("${" + AUTH_ENV + ":}") String configured) {
    tokens =
        Arrays.stream(configured.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
  }

  /** An operation that needs credentials: its method and path. */
  private record Secured(String method, PathPattern path) {
    Secured(String method, String path) {
      this(method, PathPatternParser.defaultInstance.parse(path));
    }

    /** HEAD is served by the GET handler, and routes are matched inside the context path. */
    boolean matches(HttpServletRequest request) {
      String asked = request.getMethod();
      String inApp = request.getRequestURI().substring(request.getContextPath().length());
      return (method.equals(asked) || "GET".equals(method) && "HEAD".equals(asked))
          && path.matches(PathContainer.parsePath(inApp));
    }
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (SECURED.stream().anyMatch(route -> route.matches(request)) && !authorized(request)) {
      response.setStatus(401);
      response.setHeader("WWW-Authenticate", "ApiKey");
      response.setContentType(ErrorHandling.ERROR_MEDIA_TYPE.toString());
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      MAPPER.writeValue(
          response.getWriter(),
          ErrorHandling.body(401, "unauthorized", "Missing or invalid credentials."));
      return;
    }
    chain.doFilter(request, response);
  }

  private boolean authorized(HttpServletRequest request) {
    byte[] given = credential(request).getBytes(StandardCharsets.UTF_8);
    return tokens.stream()
        .anyMatch(token -> MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8)));
  }

  /** What the request carries for scheme apiKey. */
  private static String credential(HttpServletRequest request) {
    String value = request.getHeader("X-API-Key");
    return value == null ? "" : value;
  }
}
