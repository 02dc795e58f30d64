package io.mote.fuzz;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.mote.fuzz.CoapCodec.Option;

/**
 * LwM2M inputs on the server's CoAP port: Register with mutated query parameters ({@code ep}, {@code lt},
 * {@code lwm2m}, {@code b}, {@code sms}, {@code Q}, unknown and repeated ones) and mutated link formats
 * (object versions, content formats, odd paths), for a known endpoint and for unknown ones; Update and
 * De-register of the locations handed out (and of made-up ones); Send with mutated SenML; a third damaged
 * byte by byte.
 */
public final class Lwm2mFuzzer {

    private static final String[] LINKS = {"</>;rt=\"oma.lwm2m\";ct=110", "</>;rt=\"oma.lwm2m\";ct=\"60 110 112 11542\"",
            "</1/0>", "</3/0>", "</3>;ver=1.2", "</3>;ver=", "</3>;ver=x", "</3>;ver=1.0.0", "</5/0>", "</19/0>",
            "</19/1>", "</3303/0>", "</3/65535>", "</3/65536>", "</-1/0>", "</x/y>", "<>", "</3/0/9>", "</3/0/9/0>",
            "</3/0/9/0/1>", "</1>;ssid=1", "</0/0>", "</65535/0>", "</9/0>;ver=1.0", "<//>", "</3/0>;ct=60",
            "</>;ct=", "</3/0>;rt=\"x"};
    private static final String[] MODES = {"U", "UQ", "S", "SQ", "US", "T", "N", "", "X", "u"};

    private final InetSocketAddress target;
    private final String endpoint;

    /** {@code endpoint}: the endpoint name of an existing NO_SEC LwM2M device. */
    public Lwm2mFuzzer(InetSocketAddress target, String endpoint) {
        this.target = target;
        this.endpoint = endpoint;
    }

    public FuzzReport run(long seed, int count) throws IOException {
        return run(seed, count, 1);
    }

    /** {@code count} inputs from {@code parallel} sockets at once, each worker from its own sub-seed. */
    public FuzzReport run(long seed, int count, int parallel) throws IOException {
        FuzzReport report = new FuzzReport("lwm2m");
        Workers.run(seed, count, parallel, (k, subSeed, share) -> worker(subSeed, share, report));
        report.finish();
        return report;
    }

    private void worker(long seed, int count, FuzzReport report) throws IOException {
        Mutator m = new Mutator(seed);
        List<String> locations = new ArrayList<>();
        int mid = m.nextInt(65536);
        try (UdpWindow w = new UdpWindow(target, report)) {
            for (int i = 0; i < count; i++) {
                mid = (mid + 1) & 0xffff;
                byte[] d = switch (m.nextInt(10)) {
                    case 0, 1 -> update(m, mid, locations);
                    case 2 -> deregister(m, mid, locations);
                    case 3 -> send(m, mid);
                    default -> register(m, mid);
                };
                if (m.nextInt(3) == 0) {
                    d = m.mutate(d, 2048);
                }
                w.send(d, "seed " + seed + " input " + i + ": " + FuzzReport.show(d));
                if (w.pending() >= 16) {
                    w.collect(150, a -> remember(a, locations));
                }
            }
            w.collect(500, a -> remember(a, locations));
        }
    }

    private static void remember(CoapCodec.Message a, List<String> locations) {
        String loc = a.locationPath();
        if (!loc.isEmpty()) {
            locations.add(loc);
            if (locations.size() > 64) {
                locations.remove(0);
            }
        }
    }

    private static byte[] token(Mutator m) {
        byte[] tok = new byte[1 + m.nextInt(8)];
        m.random().nextBytes(tok);
        return tok;
    }

    private byte[] register(Mutator m, int mid) {
        List<Option> o = new ArrayList<>(CoapCodec.path("rd"));
        String ep = switch (m.nextInt(4)) {
            case 0, 1 -> endpoint;
            case 2 -> "fuzz-" + m.nextInt(1000);
            default -> m.token();
        };
        List<String> query = new ArrayList<>();
        if (m.nextInt(10) != 0) {
            query.add("ep=" + ep);
        }
        if (m.nextInt(3) != 0) {
            query.add("lt=" + (m.nextInt(2) == 0 ? String.valueOf(30 + m.nextInt(600)) : m.token()));
        }
        if (m.nextInt(3) != 0) {
            query.add("lwm2m=" + m.pick(new String[] {"1.0", "1.1", "1.2", m.token()}));
        }
        if (m.nextInt(2) == 0) {
            query.add("b=" + m.pick(MODES));
        }
        if (m.nextInt(6) == 0) {
            query.add("sms=" + m.token());
        }
        if (m.nextInt(6) == 0) {
            query.add("Q");
        }
        if (m.nextInt(5) == 0) {
            query.add(m.token() + "=" + m.token());
        }
        if (m.nextInt(8) == 0 && !query.isEmpty()) {
            query.add(query.get(m.nextInt(query.size())));
        }
        java.util.Collections.shuffle(query, m.random());
        query.forEach(q -> o.add(Option.text(CoapCodec.URI_QUERY, q)));
        if (m.nextInt(4) != 0) {
            o.add(Option.uint(CoapCodec.CONTENT_FORMAT, m.nextInt(5) == 0 ? m.nextInt(200) : 40));
        }
        return CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, mid, token(m), o, links(m));
    }

    private static byte[] links(Mutator m) {
        int n = m.nextInt(8);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(m.nextInt(20) == 0 ? ";" : ",");
            }
            s.append(m.nextInt(6) == 0 ? "</" + m.token() + "/" + m.token() + ">" : m.pick(LINKS));
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String location(Mutator m, List<String> locations) {
        if (!locations.isEmpty() && m.nextInt(4) != 0) {
            return locations.get(m.nextInt(locations.size()));
        }
        return "/rd/" + m.token();
    }

    private static byte[] update(Mutator m, int mid, List<String> locations) {
        List<Option> o = new ArrayList<>(CoapCodec.path(location(m, locations)));
        if (m.nextInt(2) == 0) {
            o.add(Option.text(CoapCodec.URI_QUERY, "lt=" + m.token()));
        }
        if (m.nextInt(3) == 0) {
            o.add(Option.text(CoapCodec.URI_QUERY, "b=" + m.pick(MODES)));
        }
        byte[] payload = m.nextInt(2) == 0 ? links(m) : new byte[0];
        if (payload.length > 0) {
            o.add(Option.uint(CoapCodec.CONTENT_FORMAT, 40));
        }
        return CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, mid, token(m), o, payload);
    }

    private static byte[] deregister(Mutator m, int mid, List<String> locations) {
        return CoapCodec.encode(CoapCodec.CON, CoapCodec.DELETE, mid, token(m),
                CoapCodec.path(location(m, locations)), null);
    }

    private static byte[] send(Mutator m, int mid) {
        List<Option> o = new ArrayList<>(CoapCodec.path("dp"));
        o.add(Option.uint(CoapCodec.CONTENT_FORMAT, m.pick(new Integer[] {110, 110, 112, 11542, 60, 50})));
        String senml = m.nextInt(2) == 0 ? m.json()
                : "[{\"bn\":\"/3/0/\",\"n\":\"" + m.token() + "\",\"v\":" + m.edgeValue() + ",\"t\":" + m.edgeValue() + "}]";
        return CoapCodec.encode(CoapCodec.CON, CoapCodec.POST, mid, token(m), o, senml.getBytes(StandardCharsets.UTF_8));
    }
}
