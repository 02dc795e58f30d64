package io.mote.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a fuzz run sent and how the server answered: answers by class, and the server errors among them. */
public final class FuzzReport {

    private static final int SAMPLES = 10;

    private final String protocol;
    private final Map<String, Long> answers = new TreeMap<>();
    private final List<String> serverErrorSamples = new ArrayList<>();
    private long sent;
    private long serverErrors;
    private long startNanos = System.nanoTime();
    private long elapsedMs;

    public FuzzReport(String protocol) {
        this.protocol = protocol;
    }

    public synchronized void sent() {
        sent++;
    }

    public synchronized void answer(String kind) {
        answers.merge(kind, 1L, Long::sum);
    }

    /** An answer that says the server failed (5.xx, 500, an MQTT implementation-specific error). */
    public synchronized void serverError(String kind, String input) {
        answer(kind);
        serverErrors++;
        if (serverErrorSamples.size() < SAMPLES) {
            serverErrorSamples.add(kind + " for " + input);
        }
    }

    /** Adds {@code other} (a later part of the same run) to this report: inputs, answers, errors and time. */
    public synchronized void add(FuzzReport other) {
        sent += other.inputs();
        other.answers().forEach((k, v) -> answers.merge(k, v, Long::sum));
        serverErrors += other.serverErrors();
        for (String e : other.serverErrorSamples()) {
            if (serverErrorSamples.size() < SAMPLES) {
                serverErrorSamples.add(e);
            }
        }
        elapsedMs += other.elapsedMs();
    }

    synchronized void finish() {
        elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
    }

    synchronized void restart() {
        startNanos = System.nanoTime();
    }

    public String protocol() {
        return protocol;
    }

    public synchronized long inputs() {
        return sent;
    }

    public synchronized long serverErrors() {
        return serverErrors;
    }

    public synchronized List<String> serverErrorSamples() {
        return List.copyOf(serverErrorSamples);
    }

    public synchronized Map<String, Long> answers() {
        return Map.copyOf(answers);
    }

    public synchronized long elapsedMs() {
        return elapsedMs;
    }

    public synchronized String summary() {
        double rate = elapsedMs == 0 ? 0 : sent * 1000.0 / elapsedMs;
        StringBuilder s = new StringBuilder(String.format("%-6s %,d inputs in %,d ms (%,.0f/s), server errors %d, answers %s",
                protocol, sent, elapsedMs, rate, serverErrors, answers));
        serverErrorSamples.forEach(e -> s.append("\n    ").append(e));
        return s.toString();
    }

    /** Printable form of an input: text when it is mostly text, else hex, cut to a readable length. */
    public static String show(byte[] input) {
        int printable = 0;
        for (byte b : input) {
            if (b >= 0x20 && b < 0x7f) {
                printable++;
            }
        }
        String s;
        if (printable * 10 >= input.length * 9) {
            s = new String(input, java.nio.charset.StandardCharsets.ISO_8859_1);
        } else {
            s = java.util.HexFormat.of().formatHex(input);
        }
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
