package io.mesh4j.tls.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM reading and writing with BouncyCastle's parser, converted to JDK key and certificate
 * objects (no BouncyCastle provider is registered). Errors name the source they came from.
 */
public final class Pem {

  private Pem() {}

  /** Every certificate in {@code pem}, in order; at least one. */
  public static List<X509Certificate> certificates(byte[] pem, String source) {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
    requireNoTrailingPartialBlock(pem, source);
    try (PEMParser p = parser(pem)) {
      Object o;
      while ((o = p.readObject()) != null) {
        if (!(o instanceof X509CertificateHolder)) {
          throw new IllegalArgumentException(
              source + ": expected only CERTIFICATE blocks, found " + o.getClass().getSimpleName());
        }
        out.add(conv.getCertificate((X509CertificateHolder) o));
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException(source + ": malformed PEM certificate data (" + e.getMessage() + ")", e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(source + ": no PEM CERTIFICATE block found");
    }
    return out;
  }

  /** The one private key in {@code pem}: PKCS#8 (EC or RSA), or a legacy EC/RSA key block. */
  public static PrivateKey privateKey(byte[] pem, String source) {
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    requireNoTrailingPartialBlock(pem, source);
    try (PEMParser p = parser(pem)) {
      Object o = p.readObject();
      if (o == null) {
        throw new IllegalArgumentException(source + ": no PEM private key block found");
      }
      if (p.readObject() != null) {
        throw new IllegalArgumentException(source + ": more than one PEM block (expected one private key)");
      }
      if (o instanceof PrivateKeyInfo) {
        return conv.getPrivateKey((PrivateKeyInfo) o);
      }
      if (o instanceof PEMKeyPair) {
        // legacy "EC PRIVATE KEY" / "RSA PRIVATE KEY"; the public part may be absent
        return conv.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo());
      }
      if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
        throw new IllegalArgumentException(source + ": the private key is encrypted (an unencrypted PKCS#8 key is expected)");
      }
      throw new IllegalArgumentException(source + ": expected a PRIVATE KEY block, found " + o.getClass().getSimpleName());
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException(source + ": malformed PEM private key (" + e.getMessage() + ")", e);
    }
  }

  /** PEM text of the given objects (certificates, keys). */
  public static String write(Object... objects) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      for (Object o : objects) {
        if (o instanceof List) {
          for (Object e : (List<?>) o) {
            pw.writeObject(e);
          }
        } else {
          pw.writeObject(o);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode PEM", e);
    }
    return w.toString();
  }

  /** PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) of a key. */
  public static String writePkcs8(PrivateKey key) {
    // Written by hand: BouncyCastle's writer turns an EC PrivateKeyInfo into a legacy EC block.
    StringWriter w = new StringWriter();
    try (org.bouncycastle.util.io.pem.PemWriter pw = new org.bouncycastle.util.io.pem.PemWriter(w)) {
      pw.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode PEM", e);
    }
    return w.toString();
  }

  /**
   * Refuses anything but whitespace after the last complete PEM block. That is what a file read
   * while another process rewrites it in place looks like ({@code -----BEGIN CERT} with nothing
   * after it), and BouncyCastle's parser skips such a fragment silently: a bundle would lose a
   * root without a word. A text without any complete block is left to the parser's own errors.
   */
  static void requireNoTrailingPartialBlock(byte[] pem, String source) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    int end = text.lastIndexOf("-----END ");
    if (end < 0) {
      return;
    }
    int close = text.indexOf("-----", end + "-----END ".length());
    if (close < 0) {
      return; // the END line itself is cut: the parser reports the missing END
    }
    String tail = text.substring(close + "-----".length()).strip();
    if (!tail.isEmpty()) {
      throw new IllegalArgumentException(source + ": ends in a partial PEM block (" + tail.length()
          + " characters after the last complete block): a torn read of a file being rewritten? Write it "
          + "elsewhere and rename it into place");
    }
  }

  private static PEMParser parser(byte[] pem) {
    return new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)));
  }
}
