package io.mesh4j.tls.internal;

import io.mesh4j.tls.SpiffeId;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Writes the PEM seed corpora of the mesh-tls fuzz tests (and the fixture they share): a small
 * SPIFFE PKI made with fixed dates (2026-01-01, valid 100 years) so the seeds stay valid and the
 * fuzz targets, whose clock stands at {@link #CLOCK}, deterministic.
 *
 * <p>Run from the module directory to regenerate (the committed seeds also hold hand-made and
 * openssl-made files and crash reproducers that this does not write):
 *
 * <pre>{@code
 * mvn -o -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) io.mesh4j.tls.internal.PemFuzzSeeds
 * }</pre>
 */
public final class PemFuzzSeeds {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  /** The wall clock of the fuzz targets: inside every seed certificate's validity. */
  static final Instant CLOCK = Instant.parse("2026-06-01T00:00:00Z");
  static final String TRUST_DOMAIN = "example.org";
  static final String ID = "spiffe://example.org/frontend";
  /** Separates the three files (chain, key, bundle) in one input of {@link FilesSourceFuzzTest}. */
  static final byte SEPARATOR = 0;

  private static final Duration LONG = Duration.ofDays(365L * 100);
  private static final Path RESOURCES = Path.of("src/test/resources/io/mesh4j/tls/internal");

  public static void main(String[] args) throws Exception {
    KeyPair rootKey = KeyPairs.newEcP256();
    X509Certificate root = CertificateIssuer.selfSignedCa(rootKey, "fuzz root", NOW, LONG);
    KeyPair otherRootKey = KeyPairs.newEcP256();
    X509Certificate otherRoot = CertificateIssuer.selfSignedCa(otherRootKey, "fuzz other root", NOW, LONG);
    KeyPair interKey = KeyPairs.newEcP256();
    X509Certificate inter = intermediate(interKey, root, rootKey.getPrivate());
    KeyPair leafKey = KeyPairs.newEcP256();
    X509Certificate leaf =
        CertificateIssuer.svid(SpiffeId.parse(ID), leafKey.getPublic(), root, rootKey.getPrivate(), NOW, LONG);
    KeyPair leaf2Key = KeyPairs.newEcP256();
    X509Certificate leafViaInter =
        CertificateIssuer.svid(SpiffeId.parse(ID), leaf2Key.getPublic(), inter, interKey.getPrivate(), NOW, LONG);
    KeyPair rsaKey = rsa();
    X509Certificate rsaLeaf =
        CertificateIssuer.svid(SpiffeId.parse(ID), rsaKey.getPublic(), root, rootKey.getPrivate(), NOW, LONG);
    X509Certificate otherDomainLeaf =
        CertificateIssuer.svid(
            SpiffeId.parse("spiffe://other.org/frontend"), leafKey.getPublic(), root, rootKey.getPrivate(), NOW, LONG);

    String leafPem = Pem.write(leaf);
    String keyPem = Pem.writePkcs8(leafKey.getPrivate());
    String bundlePem = Pem.write(root);

    // the fixture: a valid SVID and bundle the key target pairs fuzzed keys with
    Path fixture = RESOURCES.resolve("fuzz-fixture");
    write(fixture.resolve("svid.pem"), leafPem);
    write(fixture.resolve("svid-key.pem"), keyPem);
    write(fixture.resolve("bundle.pem"), bundlePem);

    Path certs = RESOURCES.resolve("PemCertificatesFuzzTestInputs/certificates");
    write(certs.resolve("leaf"), leafPem);
    write(certs.resolve("chain-leaf-intermediate"), Pem.write(leafViaInter, inter));
    write(certs.resolve("bundle-two-roots"), Pem.write(root, otherRoot));
    write(certs.resolve("rsa-leaf"), Pem.write(rsaLeaf));
    write(certs.resolve("with-text-around"), "subject=fuzz\n" + leafPem + "\ntrailing text\n");
    write(certs.resolve("torn-second-block"), bundlePem + Pem.write(otherRoot).substring(0, 200));
    write(certs.resolve("key-not-certificate"), keyPem);
    write(certs.resolve("crlf"), leafPem.replace("\n", "\r\n"));
    write(certs.resolve("bad-base64"), leafPem.replaceFirst("\n[A-Za-z0-9+/]{10}", "\n!!!!!!!!!!"));

    Path der = RESOURCES.resolve("CertificateDerFuzzTestInputs/der");
    writeBytes(der.resolve("leaf"), leaf.getEncoded());
    writeBytes(der.resolve("intermediate"), inter.getEncoded());
    writeBytes(der.resolve("root"), root.getEncoded());
    writeBytes(der.resolve("rsa-leaf"), rsaLeaf.getEncoded());
    writeBytes(der.resolve("truncated"), Arrays.copyOf(leaf.getEncoded(), 100));

    Path keys = RESOURCES.resolve("PemPrivateKeyFuzzTestInputs/privateKey");
    write(keys.resolve("pkcs8-ec"), keyPem);
    write(keys.resolve("pkcs8-rsa"), Pem.writePkcs8(rsaKey.getPrivate()));
    write(keys.resolve("legacy-ec"), Pem.write(leafKey)); // BouncyCastle writes "EC PRIVATE KEY"
    write(keys.resolve("legacy-rsa"), Pem.write(rsaKey));
    write(keys.resolve("two-keys"), keyPem + keyPem);
    write(keys.resolve("certificate-not-key"), leafPem);
    write(keys.resolve("torn"), keyPem.substring(0, keyPem.length() / 2));

    Path keyDer = RESOURCES.resolve("PrivateKeyDerFuzzTestInputs/der");
    // first byte: which PEM block the rest is wrapped in (see PrivateKeyDerFuzzTest.BLOCKS)
    writeBytes(keyDer.resolve("pkcs8-ec-matching"), typed(0, leafKey.getPrivate().getEncoded()));
    writeBytes(keyDer.resolve("pkcs8-ec-other"), typed(0, leaf2Key.getPrivate().getEncoded()));
    writeBytes(keyDer.resolve("pkcs8-rsa"), typed(0, rsaKey.getPrivate().getEncoded()));
    byte[] sec1 = PrivateKeyInfo.getInstance(leafKey.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive()
        .getEncoded();
    writeBytes(keyDer.resolve("sec1-ec"), typed(1, sec1));
    byte[] rsaPkcs1 = PrivateKeyInfo.getInstance(rsaKey.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive()
        .getEncoded();
    writeBytes(keyDer.resolve("pkcs1-rsa"), typed(2, rsaPkcs1));
    // EC private values the curve does not allow: a key factory may take them, signing may not
    BigInteger n = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    for (var e : List.of(BigInteger.ZERO, BigInteger.ONE, n, n.add(BigInteger.ONE), BigInteger.TWO.pow(256))) {
      writeBytes(keyDer.resolve("pkcs8-ec-scalar-" + e.bitLength() + "-bits-" + e.mod(BigInteger.TEN)),
          typed(0, ecPkcs8WithScalar(leafKey.getPrivate(), e)));
    }

    Path files = RESOURCES.resolve("FilesSourceFuzzTestInputs/load");
    writeBytes(files.resolve("valid"), join(leafPem, keyPem, bundlePem));
    writeBytes(files.resolve("valid-with-intermediate"),
        join(Pem.write(leafViaInter, inter), Pem.writePkcs8(leaf2Key.getPrivate()), bundlePem));
    writeBytes(files.resolve("valid-rsa-leaf"), join(Pem.write(rsaLeaf), Pem.writePkcs8(rsaKey.getPrivate()), bundlePem));
    writeBytes(files.resolve("valid-two-roots"), join(leafPem, keyPem, Pem.write(otherRoot, root)));
    writeBytes(files.resolve("key-mismatch"), join(leafPem, Pem.writePkcs8(leaf2Key.getPrivate()), bundlePem));
    writeBytes(files.resolve("wrong-bundle"), join(leafPem, keyPem, Pem.write(otherRoot)));
    writeBytes(files.resolve("other-trust-domain"), join(Pem.write(otherDomainLeaf), keyPem, bundlePem));
    writeBytes(files.resolve("leaf-in-bundle"), join(leafPem, keyPem, leafPem));
    writeBytes(files.resolve("torn-bundle"), join(leafPem, keyPem, bundlePem + Pem.write(otherRoot).substring(0, 120)));
    writeBytes(files.resolve("chain-missing-intermediate"),
        join(Pem.write(leafViaInter), Pem.writePkcs8(leaf2Key.getPrivate()), bundlePem));
    writeBytes(files.resolve("legacy-ec-key"), join(leafPem, Pem.write(leafKey), bundlePem));
    writeBytes(files.resolve("empty-key"), join(leafPem, "", bundlePem));
  }

  private static X509Certificate intermediate(KeyPair key, X509Certificate issuer, PrivateKey issuerKey)
      throws Exception {
    var b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(7), Date.from(NOW), Date.from(NOW.plus(LONG)),
        new X500Principal("CN=fuzz intermediate, O=mesh4j"), key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  /** A PKCS#8 EC key on P-256 whose private value is {@code s}, whatever the curve allows. */
  private static byte[] ecPkcs8WithScalar(PrivateKey template, BigInteger s) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(template.getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    var fields = new org.bouncycastle.asn1.ASN1EncodableVector();
    fields.add(new ASN1Integer(1));
    fields.add(new DEROctetString(s.signum() == 0 ? new byte[] {0} : s.toByteArray()));
    var seq = new DERSequence(fields);
    return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), seq).getEncoded();
  }

  private static byte[] typed(int type, byte[] der) {
    byte[] out = new byte[der.length + 1];
    out[0] = (byte) type;
    System.arraycopy(der, 0, out, 1, der.length);
    return out;
  }

  static byte[] join(String cert, String key, String bundle) {
    String sep = new String(new byte[] {SEPARATOR}, StandardCharsets.US_ASCII);
    return (cert + sep + key + sep + bundle).getBytes(StandardCharsets.US_ASCII);
  }

  private static void write(Path file, String text) throws IOException {
    writeBytes(file, text.getBytes(StandardCharsets.US_ASCII));
  }

  private static void writeBytes(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }
}
