package bookstore;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Bookstore: the operations of its spec, served on $PORT (default 8000). */
@SpringBootApplication
public class Application {
  /** Starts the service. */
  public static void main(String[] args) {
    SpringApplication.run(Application.class, args);
  }
}
