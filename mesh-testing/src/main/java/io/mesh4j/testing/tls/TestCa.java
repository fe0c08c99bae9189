package io.mesh4j.testing.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority for SPIFFE tests: issues X509-SVIDs with any URI SANs (none, one,
 * two), CA certificates posing as leaves, expired and not-yet-valid certificates, certificates of
 * other trust domains and intermediate CAs, and writes PEM files. OkHttp's {@code HeldCertificate}
 * cannot put URI SANs in certificates; this can.
 *
 * <pre>{@code
 * TestCa ca = TestCa.root("example.org");
 * TestCa.Issued svid = ca.svid("spiffe://example.org/orders");
 * svid.writePem(dir.resolve("svid.pem"), dir.resolve("svid_key.pem"));
 * ca.writeCertificatePem(dir.resolve("bundle.pem"));
 * }</pre>
 *
 * Keys are EC P-256 (RSA 2048 on request) from the JDK's providers, so the JDK's TLS accepts them.
 * Not for production.
 */
public final class TestCa {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final KeyPair keyPair;
  private final X509Certificate certificate;
  private final TestCa parent;

  private TestCa(String name, KeyPair keyPair, X509Certificate certificate, TestCa parent) {
    this.name = name;
    this.keyPair = keyPair;
    this.certificate = certificate;
    this.parent = parent;
  }

  /** A self-signed root CA for {@code trustDomain}, valid from an hour ago for ten years. */
  public static TestCa root(String trustDomain) {
    Instant now = Instant.now();
    return root(trustDomain, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(3650)));
  }

  /** A self-signed root CA with the given validity. */
  public static TestCa root(String trustDomain, Instant notBefore, Instant notAfter) {
    KeyPair kp = ecKey();
    String name = "test CA " + trustDomain + " " + Long.toHexString(RANDOM.nextLong());
    X500Principal subject = new X500Principal("CN=" + name + ", O=mesh4j-testing");
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic());
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://" + trustDomain)));
      b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(kp.getPublic()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return new TestCa(name, kp, sign(b, kp.getPrivate()), null);
  }

  /** An intermediate CA signed by this one. */
  public TestCa intermediate() {
    KeyPair kp = ecKey();
    String childName = "intermediate of " + name + " " + Long.toHexString(RANDOM.nextLong());
    X500Principal subject = new X500Principal("CN=" + childName + ", O=mesh4j-testing");
    Instant now = Instant.now();
    Date notAfter = Date.from(min(now.plus(Duration.ofDays(365)), certificate.getNotAfter().toInstant()));
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minus(Duration.ofHours(1))), notAfter, subject, kp.getPublic());
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return new TestCa(childName, kp, sign(b, keyPair.getPrivate()), this);
  }

  /** Starts a leaf certificate; by default a valid X509-SVID with no URI SAN yet. */
  public LeafBuilder leaf() {
    return new LeafBuilder();
  }

  /** A valid X509-SVID for {@code spiffeId}, valid for an hour. */
  public Issued svid(String spiffeId) {
    return leaf().uris(spiffeId).issue();
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  /** This CA's certificate and its parents' up to, but not including, the root. */
  public List<X509Certificate> chainBelowRoot() {
    List<X509Certificate> out = new ArrayList<>();
    for (TestCa c = this; c.parent != null; c = c.parent) {
      out.add(c.certificate);
    }
    return out;
  }

  /** The root of this CA's hierarchy (this CA when it is a root). */
  public TestCa root() {
    TestCa c = this;
    while (c.parent != null) {
      c = c.parent;
    }
    return c;
  }

  /** Writes this CA's certificate as PEM (a trust bundle file). */
  public Path writeCertificatePem(Path file) {
    return write(file, pem(certificate));
  }

  /** PEM text of certificates, in order. */
  public static String pem(X509Certificate... certs) {
    return pemOf(List.of((Object[]) certs));
  }

  /** PKCS#8 PEM text ({@code BEGIN PRIVATE KEY}) of a private key. */
  public static String pem(PrivateKey key) {
    // By hand: BouncyCastle's JcaPEMWriter writes EC keys as legacy "EC PRIVATE KEY" blocks.
    StringWriter w = new StringWriter();
    try (org.bouncycastle.util.io.pem.PemWriter pw = new org.bouncycastle.util.io.pem.PemWriter(w)) {
      pw.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** Writes text to a file, creating parent directories. */
  public static Path write(Path file, String text) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.write(file, text.getBytes(StandardCharsets.US_ASCII));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pemOf(List<?> objects) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      for (Object o : objects) {
        pw.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** A leaf certificate and its key, issued by a {@link TestCa}. */
  public static final class Issued {
    private final X509Certificate leaf;
    private final KeyPair keyPair;
    private final List<X509Certificate> chain;

    Issued(X509Certificate leaf, KeyPair keyPair, List<X509Certificate> intermediates) {
      this.leaf = leaf;
      this.keyPair = keyPair;
      List<X509Certificate> c = new ArrayList<>();
      c.add(leaf);
      c.addAll(intermediates);
      this.chain = Collections.unmodifiableList(c);
    }

    public X509Certificate leaf() {
      return leaf;
    }

    /** Leaf first, then intermediates (not the root). */
    public List<X509Certificate> chain() {
      return chain;
    }

    public PrivateKey privateKey() {
      return keyPair.getPrivate();
    }

    public KeyPair keyPair() {
      return keyPair;
    }

    public String certificatePem() {
      return pem(chain.toArray(new X509Certificate[0]));
    }

    public String privateKeyPem() {
      return pem(keyPair.getPrivate());
    }

    /** Writes the chain (PEM) and the PKCS#8 key (PEM). */
    public void writePem(Path certFile, Path keyFile) {
      write(certFile, certificatePem());
      write(keyFile, privateKeyPem());
    }
  }

  /** Describes one leaf certificate; every setting has a valid-SVID default. */
  public final class LeafBuilder {
    private final List<String> uris = new ArrayList<>();
    private final List<String> dnsNames = new ArrayList<>();
    private Instant notBefore = Instant.now().minus(Duration.ofMinutes(5));
    private Instant notAfter = Instant.now().plus(Duration.ofHours(1));
    private boolean ca;
    private int keyUsage = KeyUsage.digitalSignature;
    private boolean serverAuth = true;
    private boolean clientAuth = true;
    private boolean extendedKeyUsage = true;
    private boolean rsa;
    private String commonName;

    private LeafBuilder() {}

    /** URI SANs; zero, one or several. */
    public LeafBuilder uris(String... values) {
      uris.addAll(List.of(values));
      return this;
    }

    public LeafBuilder dnsNames(String... values) {
      dnsNames.addAll(List.of(values));
      return this;
    }

    public LeafBuilder commonName(String cn) {
      this.commonName = Objects.requireNonNull(cn);
      return this;
    }

    public LeafBuilder validity(Instant from, Instant to) {
      this.notBefore = from;
      this.notAfter = to;
      return this;
    }

    /** Valid for {@code ttl} from a minute ago. */
    public LeafBuilder validFor(Duration ttl) {
      Instant now = Instant.now();
      return validity(now.minus(Duration.ofMinutes(1)), now.plus(ttl));
    }

    /** Expired an hour ago. */
    public LeafBuilder expired() {
      Instant now = Instant.now();
      return validity(now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)));
    }

    /** Valid only from an hour from now. */
    public LeafBuilder notYetValid() {
      Instant now = Instant.now();
      return validity(now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
    }

    /** Marks the "leaf" a CA (basicConstraints CA=true, keyCertSign): what an SVID must not be. */
    public LeafBuilder ca() {
      this.ca = true;
      this.keyUsage = KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign;
      return this;
    }

    /** Key usage bits ({@link KeyUsage} constants); 0 leaves the extension out. */
    public LeafBuilder keyUsage(int bits) {
      this.keyUsage = bits;
      return this;
    }

    /** Which extended key usages to include. */
    public LeafBuilder extendedKeyUsage(boolean serverAuth, boolean clientAuth) {
      this.extendedKeyUsage = true;
      this.serverAuth = serverAuth;
      this.clientAuth = clientAuth;
      return this;
    }

    public LeafBuilder noExtendedKeyUsage() {
      this.extendedKeyUsage = false;
      return this;
    }

    /** An RSA 2048 key instead of EC P-256. */
    public LeafBuilder rsa() {
      this.rsa = true;
      return this;
    }

    public Issued issue() {
      KeyPair kp = rsa ? rsaKey() : ecKey();
      X500Principal subject = new X500Principal(commonName == null ? "O=mesh4j-testing" : "CN=" + commonName + ", O=mesh4j-testing");
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic());
      try {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (keyUsage != 0) {
          b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        }
        if (extendedKeyUsage && (serverAuth || clientAuth)) {
          List<KeyPurposeId> ids = new ArrayList<>();
          if (serverAuth) {
            ids.add(KeyPurposeId.id_kp_serverAuth);
          }
          if (clientAuth) {
            ids.add(KeyPurposeId.id_kp_clientAuth);
          }
          b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ids.toArray(new KeyPurposeId[0])));
        } else if (extendedKeyUsage) {
          b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
        }
        List<GeneralName> names = new ArrayList<>();
        for (String u : uris) {
          names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u));
        }
        for (String d : dnsNames) {
          names.add(new GeneralName(GeneralName.dNSName, d));
        }
        if (!names.isEmpty()) {
          b.addExtension(Extension.subjectAlternativeName, commonName == null, new GeneralNames(names.toArray(new GeneralName[0])));
        }
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      return new Issued(sign(b, keyPair.getPrivate()), kp, chainBelowRoot());
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign a test certificate", e);
    }
  }

  private static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair rsaKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
