package io.mote.server.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test certificates. */
final class TestCerts {

    private TestCerts() {
    }

    /** A self-signed certificate in PEM, made by the JDK's keytool in the given (temporary) directory. */
    static String selfSignedPem(Path dir, String dname) throws IOException, InterruptedException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path store = Files.createTempFile(dir, "ks", ".p12");
        Files.delete(store);
        Path pem = Files.createTempFile(dir, "cert", ".pem");
        run(dir, keytool, "-genkeypair", "-alias", "dev", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
                "-keypass", "changeit");
        Files.delete(pem);
        run(dir, keytool, "-exportcert", "-rfc", "-alias", "dev", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        return Files.readString(pem, StandardCharsets.US_ASCII);
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool timed out");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }
}
