package io.mesh4j.samples.spring;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * The frontend's API. It calls the orders service by its mesh name: the RestClient.Builder Spring
 * Boot hands out sends through mesh4j, which picks an endpoint, retries and balances; the code
 * never sees an address.
 */
@RestController
class OrdersController {

  private final RestClient orders;

  OrdersController(RestClient.Builder builder) {
    this.orders = builder.baseUrl("http://orders").build();
  }

  @GetMapping("/orders/{id}")
  Map<String, Object> order(@PathVariable("id") String id) {
    @SuppressWarnings("unchecked")
    Map<String, Object> item = orders.get().uri("/items/{id}", id).retrieve().body(Map.class);
    return Map.of("order", id, "item", item);
  }
}
