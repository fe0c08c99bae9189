package io.mesh4j.samples.spring;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot web app that calls {@code http://orders/...} through mesh4j. Run it with {@code mvn
 * -B -q -pl samples/spring-boot -am -Pspring-demo verify -DskipTests} and try {@code curl
 * http://127.0.0.1:8080/orders/42}, {@code /actuator/health}, {@code /actuator/info}.
 *
 * <p>Unless {@code --sample.local-orders=false}, two local orders backends are started first and
 * handed to mesh4j as {@code mesh.services.orders.endpoints}; they stop with the context.
 */
@SpringBootApplication
public class SampleApplication {

  private static final Logger log = LoggerFactory.getLogger(SampleApplication.class);

  public static void main(String[] args) {
    ConfigurableApplicationContext context = start(args);
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    log.info("mesh4j Spring Boot sample up: curl http://127.0.0.1:{}/orders/42 (also /actuator/health, /actuator/info); Ctrl-C stops it", port);
  }

  /** Starts the app (and, unless turned off, its local orders backends). */
  public static ConfigurableApplicationContext start(String... args) {
    boolean local = Arrays.stream(args).noneMatch(a -> a.equals("--sample.local-orders=false"));
    if (!local) {
      return new SpringApplicationBuilder(SampleApplication.class).run(args);
    }
    LocalOrders orders = LocalOrders.start(2);
    try {
      ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
          .properties("mesh.services.orders.endpoints=" + orders.endpoints())
          .run(args);
      // stopped with the context's beans, after the mesh's lifecycle stop
      DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
      beans.registerSingleton("localOrders", orders);
      beans.registerDisposableBean("localOrders", orders::close);
      return context;
    } catch (RuntimeException e) {
      orders.close();
      throw e;
    }
  }
}
