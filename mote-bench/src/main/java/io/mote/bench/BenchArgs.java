package io.mote.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with defaults. */
final class BenchArgs {

    private final Map<String, String> values = new HashMap<>();

    BenchArgs(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("Expected --option, got " + a);
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                values.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < args.length) {
                values.put(a.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("Option " + a + " needs a value");
            }
        }
    }

    String string(String name, String def) {
        String v = values.get(name);
        if (v == null) {
            v = System.getenv("MOTE_BENCH_" + name.toUpperCase().replace('-', '_'));
        }
        return v == null ? def : v;
    }

    int integer(String name, int def) {
        return Integer.parseInt(string(name, Integer.toString(def)));
    }
}
