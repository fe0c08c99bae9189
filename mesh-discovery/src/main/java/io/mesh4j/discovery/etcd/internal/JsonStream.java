package io.mesh4j.discovery.etcd.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import okhttp3.Response;

/**
 * The messages of a streaming gateway call: one JSON object per message, {@code {"result":{...}}}
 * or {@code {"error":{...}}}, however the chunks split them.
 */
public final class JsonStream implements AutoCloseable {

  private final String endpoint;
  private final Response response;
  private final Runnable onClose;
  private final MappingIterator<JsonNode> messages;

  JsonStream(String endpoint, Response response, Runnable onClose) throws IOException {
    this.endpoint = endpoint;
    this.response = response;
    this.onClose = onClose;
    this.messages = EtcdClient.JSON.readerFor(JsonNode.class).readValues(response.body().byteStream());
  }

  /** The endpoint streaming. */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Blocks for the next message's {@code result}; null when etcd ended the stream.
   *
   * @throws IOException when the connection fails or etcd streams an error
   */
  public JsonNode next() throws IOException {
    if (!messages.hasNextValue()) {
      return null;
    }
    JsonNode message = messages.nextValue();
    JsonNode error = message.get("error");
    if (error != null && !error.isNull()) {
      String text = error.isObject() ? error.path("message").asText(error.toString()) : error.asText();
      throw new IOException("etcd " + endpoint + " ended the stream with an error: " + text);
    }
    JsonNode result = message.get("result");
    if (result == null || !result.isObject()) {
      throw new IOException("etcd " + endpoint + " streamed an unexpected message: " + EtcdClient.abbreviate(message.toString()));
    }
    return result;
  }

  @Override
  public void close() {
    try {
      response.close();
    } finally {
      onClose.run();
    }
  }
}
