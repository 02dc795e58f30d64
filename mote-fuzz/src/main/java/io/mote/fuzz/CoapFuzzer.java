package io.mote.fuzz;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.mote.fuzz.CoapCodec.Option;

/**
 * CoAP device API inputs: requests on every resource of {@code /api/v1} (telemetry, attributes, RPC, claim,
 * provision, firmware), with random options (content formats, queries, Observe, Block1 / Block2, Size1,
 * unknown critical and elective options) and mutated payloads; a third of them damaged byte by byte.
 */
public final class CoapFuzzer {

    private static final String[] RESOURCES = {"telemetry", "attributes", "rpc", "rpc/1", "rpc/x", "claim",
            "firmware", "software", "", "telemetry/extra", "attributes/x/y"};
    private static final int[] FORMATS = {50, 50, 50, 0, 42, 60, 110, 112, 11542, 65535, 1000};

    private final InetSocketAddress target;
    private final String[] tokens;

    /** {@code tokens}: access tokens of existing devices (one or more), used in most requests. */
    public CoapFuzzer(InetSocketAddress target, String... tokens) {
        this.target = target;
        this.tokens = tokens;
    }

    public FuzzReport run(long seed, int count) throws IOException {
        return run(seed, count, 1);
    }

    /** {@code count} inputs from {@code parallel} sockets at once, each worker from its own sub-seed. */
    public FuzzReport run(long seed, int count, int parallel) throws IOException {
        FuzzReport report = new FuzzReport("coap");
        Workers.run(seed, count, parallel, (k, subSeed, share) -> worker(subSeed, share, report));
        report.finish();
        return report;
    }

    private void worker(long seed, int count, FuzzReport report) throws IOException {
        Mutator m = new Mutator(seed);
        int mid = m.nextInt(65536);
        try (UdpWindow w = new UdpWindow(target, report)) {
            for (int i = 0; i < count; i++) {
                mid = (mid + 1) & 0xffff;
                byte[] d = request(m, mid);
                if (m.nextInt(3) == 0) {
                    d = m.mutate(d, 2048);
                }
                w.send(d, "seed " + seed + " input " + i + ": " + FuzzReport.show(d));
                if (w.pending() >= 16) {
                    w.collect(100, a -> { });
                }
            }
            w.collect(500, a -> { });
        }
    }

    private byte[] request(Mutator m, int mid) {
        List<Option> options = new ArrayList<>();
        String token = m.nextInt(10) == 0 ? m.token() : m.pick(tokens);
        String resource = m.pick(RESOURCES);
        String path = switch (m.nextInt(10)) {
            case 0 -> "api/v1/provision";
            case 1 -> "api/v1/" + resource; // the token-less (DTLS) form, without DTLS
            case 2 -> "api/v2/" + token + "/" + resource;
            default -> "api/v1/" + token + "/" + resource;
        };
        options.addAll(CoapCodec.path(path));
        int code = new int[] {CoapCodec.GET, CoapCodec.POST, CoapCodec.POST, CoapCodec.PUT, CoapCodec.DELETE,
                7 + m.nextInt(25)}[m.nextInt(6)];
        int extra = m.nextInt(4);
        for (int i = 0; i < extra; i++) {
            options.add(option(m));
        }
        byte[] payload = switch (m.nextInt(5)) {
            case 0 -> new byte[0];
            case 1 -> {
                byte[] b = new byte[m.nextInt(64)];
                m.random().nextBytes(b);
                yield b;
            }
            default -> m.json().getBytes(StandardCharsets.UTF_8);
        };
        byte[] tok = new byte[m.nextInt(9)];
        m.random().nextBytes(tok);
        int type = m.nextInt(5) == 0 ? CoapCodec.NON : CoapCodec.CON;
        return CoapCodec.encode(type, code, mid, tok, options, payload);
    }

    private static Option option(Mutator m) {
        return switch (m.nextInt(10)) {
            case 0 -> Option.uint(CoapCodec.CONTENT_FORMAT, FORMATS[m.nextInt(FORMATS.length)]);
            case 1 -> Option.uint(CoapCodec.ACCEPT, FORMATS[m.nextInt(FORMATS.length)]);
            case 2 -> Option.text(CoapCodec.URI_QUERY, m.pick(new String[] {"clientKeys", "sharedKeys", "timeout",
                    "title", "version", "size", "chunk", "x"}) + "=" + m.token());
            case 3 -> Option.uint(CoapCodec.OBSERVE, m.nextInt(3) == 0 ? m.random().nextInt(1 << 24) : m.nextInt(2));
            case 4 -> Option.uint(CoapCodec.BLOCK1, m.random().nextInt(1 << 24));
            case 5 -> Option.uint(CoapCodec.BLOCK2, m.random().nextInt(1 << 24));
            case 6 -> Option.uint(CoapCodec.SIZE1, m.random().nextInt() & 0x7fffffff);
            case 7 -> {
                byte[] v = new byte[m.nextInt(12)];
                m.random().nextBytes(v);
                yield new Option(m.nextInt(300), v);
            }
            case 8 -> Option.uint(CoapCodec.BLOCK2, m.nextInt(8)); // block 0, a valid size
            default -> Option.text(CoapCodec.URI_QUERY, m.token());
        };
    }
}
