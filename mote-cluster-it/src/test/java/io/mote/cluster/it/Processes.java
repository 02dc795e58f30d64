package io.mote.cluster.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starting and ending the JVMs of a cluster test, their output appended to a file. */
final class Processes {

    private Processes() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The directory of this run's broker, database and node files (target/cluster). */
    static Path runDir() {
        Path dir = Path.of(System.getProperty("mote.cluster.dir", "target/cluster"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return dir.toAbsolutePath();
    }

    /** A file the build made, named by a system property the POM sets. */
    static Path built(String property) {
        Path p = Path.of(System.getProperty(property, "")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(property + " not built: " + p + " (run the tests with -am, through package)");
        }
        return p;
    }

    static Process start(List<String> command, Path log) {
        try {
            Files.writeString(log, "\n=== " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command.get(0), e);
        }
    }

    /** Runs a command to its end; fails with its output when it does not exit 0. */
    static void run(List<String> command, Path log) {
        Process p = start(command, log);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(command.size() - 1) + " failed:\n" + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: the process gets no chance to finish anything. */
    static void kill(Process p) {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            await(p, 30);
        }
    }

    /** SIGTERM (graceful), then SIGKILL if it has not ended after the given seconds. */
    static void stop(Process p, int seconds) {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!await(p, seconds)) {
                kill(p);
            }
        }
    }

    private static boolean await(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of a log, for a failure message. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log " + log + ")";
        }
    }
}
