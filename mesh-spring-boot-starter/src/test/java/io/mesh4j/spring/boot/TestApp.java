package io.mesh4j.spring.boot;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/** A small web app, as a user writes it: a controller that calls the orders service with RestClient. */
@SpringBootApplication
public class TestApp {

  @RestController
  static class OrdersController {
    private final RestClient orders;

    OrdersController(RestClient.Builder builder) {
      this.orders = builder.baseUrl("http://orders").build();
    }

    @GetMapping("/front/items/{id}")
    String item(@PathVariable("id") String id) {
      return "front got: " + orders.get().uri("/items/{id}", id).retrieve().body(String.class);
    }

    /** Two calls in a row: the second starts only after the first answered. */
    @GetMapping("/front/twice/{id}")
    String twice(@PathVariable("id") String id) {
      String first = orders.get().uri("/items/{id}", id).retrieve().body(String.class);
      String second = orders.get().uri("/items/{id}/again", id).retrieve().body(String.class);
      return first + " | " + second;
    }
  }
}
