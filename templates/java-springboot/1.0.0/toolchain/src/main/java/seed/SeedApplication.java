package seed;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@SpringBootApplication
@RestController
public class SeedApplication {
  @GetMapping("/")
  public String hello() {
    return "ok";
  }

  public static void main(String[] args) {
    SpringApplication.run(SeedApplication.class, args);
  }
}
