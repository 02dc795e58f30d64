package io.mote.server.it.snmp;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's net-snmp agent ({@code snmpd}), started for a test on a free UDP port of 127.0.0.1 with a
 * generated configuration: communities {@code public} (read) and {@code private} (read-write), v3 users
 * {@code shaUser} (SHA-256 / AES-128) and {@code md5User} (MD5 / DES), a fixed engine id. Run as
 * {@code nobody} when the tests run as root. Net-snmp's command-line tools are used to check what the
 * server did.
 */
public final class Snmpd implements AutoCloseable {

    public static final String ENGINE_ID = "0x80001f8880a1b2c3d4e5f60718";
    public static final String SYS_DESCR = "Mote test agent";

    private final Path dir;
    private final int port;
    private final Process process;

    private Snmpd(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static boolean installed() {
        return executable("/usr/sbin/snmpd") && executable("/usr/bin/snmpget") && executable("/usr/bin/snmptrap");
    }

    private static boolean executable(String path) {
        return new File(path).canExecute();
    }

    public static Snmpd start() throws IOException, InterruptedException {
        return start(ENGINE_ID);
    }

    /** An agent with its own engine id (hex, {@code 0x...}) and more lines of configuration (users…). */
    public static Snmpd start(String engineId, String... moreConfig) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("mote-snmpd");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = freeUdpPort();
        Files.writeString(dir.resolve("snmpd.conf"), String.join("\n",
                "agentAddress udp:127.0.0.1:" + port,
                "rocommunity public 127.0.0.1",
                "rwcommunity private 127.0.0.1",
                "sysDescr " + SYS_DESCR,
                "sysLocation Lab 1",
                "sysServices 72",
                "createUser shaUser SHA-256 \"shaAuthPass1\" AES \"shaPrivPass1\"",
                "createUser md5User MD5 \"md5AuthPass1\" DES \"desPrivPass1\"",
                "rwuser shaUser priv",
                "rwuser md5User priv",
                "exactEngineID " + engineId, String.join("\n", moreConfig), ""), StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/snmpd", "-f", "-Lf", dir.resolve("snmpd.log").toString(),
                "-C", "-c", dir.resolve("snmpd.conf").toString(), "-M", dir.toString(), "-m", "",
                "--persistentDir=" + dir.resolve("persist")));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "nobody"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("snmpd.out").toFile()).start();
        Snmpd agent = new Snmpd(dir, port, p);
        for (int i = 0; i < 100; i++) {
            if (agent.get("public", "1.3.6.1.2.1.1.1.0").contains(SYS_DESCR)) {
                return agent;
            }
            Thread.sleep(100);
        }
        agent.close();
        throw new IllegalStateException("snmpd did not start: " + Files.readString(dir.resolve("snmpd.out")));
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** The agent's value of the OID, read with {@code snmpget} (v2c), or the tool's error text. */
    public String get(String community, String oid) throws IOException, InterruptedException {
        return run("/usr/bin/snmpget", "-m", "", "-On", "-Oqv", "-t", "1", "-r", "1", "-v2c", "-c", community,
                "127.0.0.1:" + port, oid);
    }

    /** Stops the agent answering (SIGSTOP) or lets it go on (SIGCONT), as an agent that hangs. */
    public void pause(boolean paused) throws IOException, InterruptedException {
        run("/bin/kill", paused ? "-STOP" : "-CONT", Long.toString(process.pid()));
    }

    /** Runs a net-snmp tool and returns its output. */
    public static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8).trim();
    }

    @Override
    public void close() throws IOException {
        try {
            pause(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
