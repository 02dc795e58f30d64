package io.mote.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Deterministic mutations from a seeded {@link Random}: byte-level damage to an encoded input (bit flips,
 * interesting bytes, insertions, deletions, duplications, truncation) and JSON documents built to reach
 * the edges of a parser and of the code that reads the parsed values (huge and odd numbers, deep nesting,
 * values of the wrong kind, odd text).
 */
public final class Mutator {

    private static final byte[] INTERESTING = {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xfe, 0x10, 0x20,
            0x3f, 0x40, (byte) 0xc0, (byte) 0xe0, '"', '{', '}', '[', ']', ',', ':', '\\', '\n', '%', '?', '&', '='};

    /** Values that have broken JSON readers: numbers beyond double and long, odd text, wrong kinds. */
    private static final String[] EDGE_VALUES = {
            "1" + "0".repeat(400), "-1" + "0".repeat(30), "1e400", "-1e400", "1e-400", "9223372036854775808",
            "-9223372036854775809", "4294967296", "2147483648", "0.0000000000000000000001", "-0", "1.5", "NaN",
            "\"NaN\"", "\"Infinity\"", "\"-1\"", "\"1e400\"", "\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"",
            "\"" + "x".repeat(300) + "\"", "\"\\u00e9\\u4e2d\"", "true", "false", "null", "{}", "[]", "[[]]",
            "[null]", "{\"\":1}", "[1,\"a\",{}]", "\"abc\"", "12", "\"12\"", "-1", "0", "\"" + "%s".repeat(5) + "\"",
            "\"${jndi:ldap://x}\"", "\"<script>\"", "\"../../etc/passwd\"", "\"a,b,,c\"", "\"ts\"", "\"values\""};

    /** Key names the device API gives a meaning. */
    private static final String[] KEYS = {"ts", "values", "id", "method", "params", "key", "keys", "device", "type",
            "data", "secretKey", "durationMs", "provisionDeviceKey", "provisionDeviceSecret", "deviceName",
            "credentialsType", "token", "clientKeys", "sharedKeys", "requestId", "response", "v", "temperature",
            "", "a.b", "$", "x".repeat(300)};

    private final Random random;

    public Mutator(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    public String edgeValue() {
        return pick(EDGE_VALUES);
    }

    public String key() {
        return pick(KEYS);
    }

    /** One to four byte-level mutations of {@code input} (never longer than {@code maxLength}). */
    public byte[] mutate(byte[] input, int maxLength) {
        byte[] b = input.length == 0 ? new byte[] {0} : input.clone();
        int rounds = 1 + random.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            b = mutateOnce(b);
            if (b.length > maxLength) {
                b = Arrays.copyOf(b, maxLength);
            }
            if (b.length == 0) {
                b = new byte[] {(byte) random.nextInt(256)};
            }
        }
        return b;
    }

    private byte[] mutateOnce(byte[] b) {
        int at = random.nextInt(b.length);
        switch (random.nextInt(8)) {
            case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
            case 2 -> b[at] = (byte) random.nextInt(256);
            case 3 -> {
                byte[] ins = new byte[1 + random.nextInt(8)];
                random.nextBytes(ins);
                return splice(b, at, 0, ins);
            }
            case 4 -> {
                int len = 1 + random.nextInt(Math.min(16, b.length - at));
                return splice(b, at, len, new byte[0]);
            }
            case 5 -> {
                int len = 1 + random.nextInt(Math.min(32, b.length - at));
                return splice(b, at, 0, Arrays.copyOfRange(b, at, at + len));
            }
            case 6 -> {
                return Arrays.copyOf(b, at);
            }
            default -> {
                byte[] ins = pick(EDGE_VALUES).getBytes(StandardCharsets.UTF_8);
                return splice(b, at, 0, ins);
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    /** A JSON document (valid, or damaged with some probability) aimed at the device API's readers. */
    public String json() {
        String doc = switch (random.nextInt(6)) {
            case 0 -> value(0);
            case 1 -> "{\"ts\":" + edgeValue() + ",\"values\":" + value(1) + "}";
            case 2 -> "[" + object(1) + "," + "{\"ts\":" + edgeValue() + ",\"values\":" + object(1) + "}]";
            case 3 -> "[".repeat(1 + random.nextInt(2000)) + "]".repeat(random.nextInt(2000));
            default -> object(0);
        };
        if (random.nextInt(4) == 0) {
            return new String(mutate(doc.getBytes(StandardCharsets.UTF_8), 65536), StandardCharsets.ISO_8859_1);
        }
        return doc;
    }

    private String object(int depth) {
        StringBuilder s = new StringBuilder("{");
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append('"').append(key().replace("\"", "")).append("\":").append(value(depth + 1));
        }
        return s.append('}').toString();
    }

    private String value(int depth) {
        if (depth > 3) {
            return edgeValue();
        }
        return switch (random.nextInt(5)) {
            case 0 -> object(depth);
            case 1 -> "[" + value(depth + 1) + "," + edgeValue() + "]";
            default -> edgeValue();
        };
    }

    /** Text for a query parameter or a link attribute: numbers, odd numbers, text, escapes. */
    public String token() {
        String[] t = {"", "0", "-1", "1", "x", "1.5", "99999999999999999999", "%00", "%zz", "a b", "=", "&", ";",
                "\"", "<", ">", "ü", "1e3", "true", "300", "65536", "2147483648", "U", "UQ", "S", "T", "1.0", "1.1",
                "1.2", "2.0", "ep", "x".repeat(300)};
        return pick(t);
    }
}
