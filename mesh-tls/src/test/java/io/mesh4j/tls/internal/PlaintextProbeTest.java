package io.mesh4j.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How an answer to the probe is read (the probe itself runs against real peers in PlaintextBackendTest). */
class PlaintextProbeTest {

  private static PlaintextProbe.Answer classify(byte[] b) {
    return PlaintextProbe.classify(b, b.length);
  }

  @Test
  void anHttpAnswerIsPlaintextShownByItsFirstLineOnly() {
    byte[] answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(classify(answer))
        .isEqualTo(new PlaintextProbe.Answer(PlaintextProbe.Kind.PLAINTEXT, "HTTP/1.1 400 Bad Request"));
  }

  @Test
  void aTlsRecordIsATlsServer() {
    byte[] alert = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a};
    assertThat(classify(alert).kind()).isEqualTo(PlaintextProbe.Kind.TLS);
    byte[] serverHello = {0x16, 0x03, 0x03, 0x00, 0x7a};
    assertThat(classify(serverHello).kind()).isEqualTo(PlaintextProbe.Kind.TLS);
  }

  @Test
  void nothingIsSilenceAndOtherBytesAreUnknownShownPrintableAndShort() {
    assertThat(classify(new byte[0]).kind()).isEqualTo(PlaintextProbe.Kind.SILENT);
    byte[] binary = new byte[100];
    binary[0] = '-';
    binary[1] = 'E';
    binary[2] = (byte) 0xff;
    PlaintextProbe.Answer a = classify(binary);
    assertThat(a.kind()).isEqualTo(PlaintextProbe.Kind.UNKNOWN);
    assertThat(a.firstLine()).startsWith("-E?").hasSize(60).matches("[ -~]*");
  }

  @Test
  void theRestOfATlsRecordAStalledServerWasSendingIsNeverPlaintext() {
    // TLS 1.3 ciphertext after a stall mid-record: its first byte is anything, '?' or 'z' included
    byte[] ciphertext = {'?', 'z', (byte) 0x9c, 0x01, (byte) 0xe3, 'v', 0x00, 'M', '/'};
    assertThat(classify(ciphertext).kind()).isEqualTo(PlaintextProbe.Kind.UNKNOWN);
    assertThat(classify("HTTP/1.0 400 Bad Request\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).kind())
        .isEqualTo(PlaintextProbe.Kind.PLAINTEXT);
  }
}
