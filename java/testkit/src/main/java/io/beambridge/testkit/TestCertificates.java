package io.beambridge.testkit;

import io.beambridge.node.NodeOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for TLS distribution tests: a throw-away CA and one node certificate it
 * signs, for {@code localhost} and {@code 127.0.0.1}, made with the JDK's
 * {@code keytool} in a directory of their own. Every node of a cluster uses the same
 * certificate: Java nodes through {@link #nodeTls()}, BEAM nodes through
 * {@code -proto_dist inet_tls -ssl_dist_optfile} {@link #erlOptionsFile()}
 * (mutual verification, as {@code verify_peer} with {@code fail_if_no_peer_cert}).
 *
 * <p>Making them runs {@code keytool} several times (about a second).
 */
public final class TestCertificates {
    private static final String PASSWORD = "testkit";

    private final Path dir;
    private final Path nodeDir; // dir as BEAM nodes see it
    private final SSLContext context;

    private TestCertificates(Path dir, Path nodeDir, SSLContext context) {
        this.dir = dir;
        this.nodeDir = nodeDir;
        this.context = context;
    }

    /**
     * Makes a CA and a node certificate in {@code dir}.
     *
     * @throws IOException when keytool fails
     */
    public static TestCertificates create(Path dir) throws IOException {
        return create(dir, dir);
    }

    /**
     * Makes a CA and a node certificate in {@code dir}, which BEAM nodes see as
     * {@code nodeDir} (nodes in a {@code chroot}, for example): the erl options name the
     * files there.
     *
     * @throws IOException when keytool fails
     */
    public static TestCertificates create(Path dir, Path nodeDir) throws IOException {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        Path node = dir.resolve("node.p12");
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=beambridge test CA", "-ext", "bc:c", "-validity", "2",
                "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool(dir, "-exportcert", "-alias", "ca", "-rfc", "-keystore", ca.toString(), "-storepass", PASSWORD,
                "-file", dir.resolve("ca.pem").toString());
        keytool(dir, "-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-validity", "2",
                "-keystore", node.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool(dir, "-certreq", "-alias", "node", "-keystore", node.toString(), "-storepass", PASSWORD,
                "-file", dir.resolve("node.csr").toString());
        keytool(dir, "-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-rfc",
                "-infile", dir.resolve("node.csr").toString(), "-outfile", dir.resolve("node.pem").toString(),
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "KU=digitalSignature,keyEncipherment",
                "-ext", "EKU=serverAuth,clientAuth", "-validity", "2");
        keytool(dir, "-importcert", "-alias", "ca", "-noprompt", "-keystore", node.toString(), "-storepass", PASSWORD,
                "-file", dir.resolve("ca.pem").toString());
        keytool(dir, "-importcert", "-alias", "node", "-keystore", node.toString(), "-storepass", PASSWORD,
                "-file", dir.resolve("node.pem").toString());
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(node)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            Key key = keys.getKey("node", PASSWORD.toCharArray());
            Files.writeString(dir.resolve("node.key"), "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", keys.getCertificate("ca"));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            TestCertificates certs = new TestCertificates(dir, nodeDir, context);
            Files.writeString(dir.resolve("ssl_dist.conf"), certs.erlOptions());
            return certs;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the certificates keytool made in " + dir, e);
        }
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }

    /** TLS options for a Java node: this certificate, trusting the CA, checking peers' host names. */
    public NodeOptions.Tls nodeTls() {
        return new NodeOptions.Tls(context, true);
    }

    /** The file for {@code erl -proto_dist inet_tls -ssl_dist_optfile}, as BEAM nodes see it. */
    public Path erlOptionsFile() {
        return nodeDir.resolve("ssl_dist.conf");
    }

    /** The erl flags that make a BEAM node speak TLS distribution with these certificates. */
    public List<String> erlFlags() {
        return List.of("-proto_dist", "inet_tls", "-ssl_dist_optfile", erlOptionsFile().toString());
    }

    private String erlOptions() {
        String files = "{certfile, \"" + nodeDir.resolve("node.pem") + "\"}, {keyfile, \""
                + nodeDir.resolve("node.key") + "\"}, {cacertfile, \"" + nodeDir.resolve("ca.pem") + "\"}, {verify, verify_peer}, "
                + "{secure_renegotiate, true}";
        return "[{server, [" + files + ", {fail_if_no_peer_cert, true}]},\n {client, [" + files + "]}].\n";
    }

    /** The directory holding the certificates. */
    public Path directory() {
        return dir;
    }
}
