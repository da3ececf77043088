package library;

/** An error answered with its status in the shape the spec declares. */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  ApiError(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  static ApiError notFound(String what, String key) {
    return new ApiError(404, "not_found", what + " " + key + " does not exist.");
  }
}
