package io.mote.bench;

import java.nio.channels.DatagramChannel;
import java.util.List;

import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.EmptyMessage;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.Token;

/**
 * One simulated LwM2M client: a UDP socket and a few fields, driven by its {@link SimLoop} thread only
 * (never locked). It registers (CON POST /rd, retransmitted with CoAP's back-off), answers the server's
 * Read, Observe, Discover and Write-Attributes, sends notifications of its observed resources (CON or NON,
 * Observe numbers increasing) and updates its registration before the lifetime ends.
 */
final class SimClient {

    /** The resources a client has: path, resource id, whether the value is a float. */
    static final String[] PATHS = {"3/0/9", "3/0/10", "3303/0/5700"};
    private static final int[] RESOURCE_IDS = {9, 10, 5700};
    private static final long ACK_TIMEOUT_NS = 2_000_000_000L;
    private static final int MAX_RETRANSMIT = 4;

    enum State { IDLE, REGISTERING, REGISTERED }

    final int index;
    final String endpoint;
    final String lwm2mVersion;
    final int preferredFormat;
    final DatagramChannel channel;
    private final SimLoop loop;
    private final String objectLinks;

    State state = State.IDLE;
    private int mid;
    private long tokens;
    private String[] location;
    /** The outstanding Register or Update: its token, message id, bytes, tries and due time of the next try. */
    private Token requestToken;
    private int requestMid = -1;
    private byte[] requestBytes;
    private int tries;
    private long retryAt;
    private boolean updating;
    long registerStartedNs;
    long nextUpdateNs;
    /** Observations by path index: the server's token (null: not observed), the format, the Observe number. */
    private final Token[] observeTokens = new Token[PATHS.length];
    private final int[] observeFormats = new int[PATHS.length];
    private final int[] observeNumbers = new int[PATHS.length];
    int observed;
    /** The one confirmable notification in flight: its message id (-1: none) and when it left. */
    private int conMid = -1;
    private long conSentNs;
    /** The values: a battery level, free memory and a temperature, changing with every notification. */
    private long battery;
    private long memoryFree = 4096;
    private double temperature = 21.0;

    SimClient(int index, String endpoint, String lwm2mVersion, int preferredFormat, DatagramChannel channel,
              SimLoop loop, String objectVersionOf3) {
        this.index = index;
        this.endpoint = endpoint;
        this.lwm2mVersion = lwm2mVersion;
        this.preferredFormat = preferredFormat;
        this.channel = channel;
        this.loop = loop;
        this.mid = (index * 7919) & 0xFFFF;
        this.battery = index % 100;
        this.objectLinks = lwm2mVersion.equals("1.0") ? "</1/0>,</3/0>,</3303/0>"
                : "</>;rt=\"oma.lwm2m\";ct=110,</1/0>,</3>;ver=" + objectVersionOf3 + ",</3/0>,</3303/0>";
    }

    SimLoop loop() {
        return loop;
    }

    private int nextMid() {
        mid = (mid + 1) & 0xFFFF;
        return mid;
    }

    private Token nextToken() {
        long t = ((long) index << 24) | (++tokens & 0xFFFFFF);
        return new Token(new byte[] {(byte) (t >> 40), (byte) (t >> 32), (byte) (t >> 24), (byte) (t >> 16),
                (byte) (t >> 8), (byte) t});
    }

    // ---- registration ----

    void register(long now, int lifetime) {
        Request r = new Request(CoAP.Code.POST, CoAP.Type.CON);
        r.getOptions().addUriPath("rd").addUriQuery("ep=" + endpoint).addUriQuery("lt=" + lifetime)
                .addUriQuery("lwm2m=" + lwm2mVersion).addUriQuery("b=U").setContentFormat(SimPayloads.LINK);
        r.setPayload(objectLinks);
        state = State.REGISTERING;
        registerStartedNs = now;
        updating = false;
        clearObservations();
        start(r, now);
    }

    void update(long now) {
        Request r = new Request(CoAP.Code.POST, CoAP.Type.CON);
        for (String segment : location) {
            r.getOptions().addUriPath(segment);
        }
        updating = true;
        start(r, now);
        loop.stats.updatesSent.increment();
    }

    private void start(Request r, long now) {
        requestToken = nextToken();
        requestMid = nextMid();
        r.setToken(requestToken);
        r.setMID(requestMid);
        requestBytes = loop.serializer.getByteArray(r);
        tries = 0;
        retryAt = now + ACK_TIMEOUT_NS + (index % 1000) * 1_000_000L; // CoAP's random factor, spread by index
        loop.send(this, requestBytes);
    }

    /** Retransmits an unanswered Register or Update; after the last try, starts over later. */
    void sweep(long now, int lifetime) {
        if (requestBytes != null && now >= retryAt) {
            if (tries < MAX_RETRANSMIT) {
                tries++;
                retryAt = now + (ACK_TIMEOUT_NS << tries);
                loop.stats.retransmissions.increment();
                loop.send(this, requestBytes);
            } else {
                requestBytes = null;
                loop.stats.requestsTimedOut.increment();
                if (!updating) {
                    state = State.IDLE; // the loop registers it again
                } else {
                    nextUpdateNs = now; // try the update again
                }
            }
        }
        if (state == State.REGISTERED && requestBytes == null && now >= nextUpdateNs) {
            nextUpdateNs = now + lifetime * 900_000_000L; // again before 90 % of the lifetime
            update(now);
        }
        if (conMid >= 0 && now - conSentNs > 30_000_000_000L) {
            conMid = -1; // never acknowledged: counted, and the next notification may be confirmable again
            loop.stats.notificationsUnacknowledged.increment();
        }
    }

    // ---- incoming ----

    void received(Message m, long now) {
        if (m instanceof Request request) {
            answer(request);
        } else if (m instanceof Response response) {
            if (response.getType() == CoAP.Type.CON) {
                loop.send(this, loop.serializer.getByteArray(EmptyMessage.newACK(response)));
            }
            if (requestToken != null && requestToken.equals(response.getToken())) {
                answered(response, now);
            } else if (response.getType() == CoAP.Type.ACK && response.getMID() == conMid) {
                conAcknowledged();
            }
        } else if (m instanceof EmptyMessage empty) {
            if (empty.getMID() == conMid) {
                if (empty.getType() == CoAP.Type.RST) {
                    loop.stats.notificationsReset.increment();
                    conMid = -1;
                } else {
                    conAcknowledged();
                }
            } else if (empty.getMID() == requestMid && empty.getType() == CoAP.Type.ACK) {
                retryAt = now + 60_000_000_000L; // a separate response follows
            }
        }
    }

    private void conAcknowledged() {
        conMid = -1;
        loop.stats.notificationsAcknowledged.increment();
    }

    private void answered(Response response, long now) {
        requestBytes = null;
        requestToken = null;
        requestMid = -1;
        if (updating) {
            if (response.getCode() == CoAP.ResponseCode.CHANGED) {
                loop.stats.updatesOk.increment();
            } else {
                loop.stats.updatesRefused.increment();
                state = State.IDLE; // 4.04: the registration is gone, register again
                loop.retryLater(this, now);
            }
            return;
        }
        if (response.getCode() == CoAP.ResponseCode.CREATED) {
            List<String> path = response.getOptions().getLocationPath();
            location = path.toArray(new String[0]);
            state = State.REGISTERED;
            nextUpdateNs = now + loop.lifetime * 900_000_000L;
            loop.registered(this, now);
        } else {
            loop.stats.registrationsRefused.increment();
            loop.refusedCode(response.getCode());
            state = State.IDLE;
            loop.retryLater(this, now);
        }
    }

    private void answer(Request request) {
        String path = request.getOptions().getUriPathString();
        int at = indexOf(path);
        Response r;
        CoAP.Code code = request.getCode();
        if (code == CoAP.Code.GET && request.getOptions().getAccept() == SimPayloads.LINK) {
            r = new Response(CoAP.ResponseCode.CONTENT);
            r.getOptions().setContentFormat(SimPayloads.LINK);
            r.setPayload(discover(path));
        } else if (code == CoAP.Code.GET && at >= 0) {
            int accept = request.getOptions().getAccept();
            int format = accept < 0 ? preferredFormat : accept;
            if (!SimPayloads.supported(format, lwm2mVersion)) {
                r = new Response(CoAP.ResponseCode.NOT_ACCEPTABLE);
            } else {
                r = new Response(CoAP.ResponseCode.CONTENT);
                r.getOptions().setContentFormat(format);
                r.setPayload(SimPayloads.encode(format, PATHS[at], RESOURCE_IDS[at], value(at)));
                Integer observe = request.getOptions().getObserve();
                if (observe != null && observe == 0) {
                    if (observeTokens[at] == null) {
                        observed++;
                        loop.stats.observations.increment();
                        if (observed == PATHS.length) {
                            loop.fullyObserved(this);
                        }
                    }
                    observeTokens[at] = request.getToken();
                    observeFormats[at] = format;
                    r.getOptions().setObserve(++observeNumbers[at] & 0xFFFFFF);
                } else if (observe != null && observe == 1) {
                    cancel(at);
                } else {
                    loop.stats.reads.increment();
                }
            }
        } else if (code == CoAP.Code.PUT && (at >= 0 || known(path))) {
            r = new Response(CoAP.ResponseCode.CHANGED); // Write-Attributes (or a Write, accepted and ignored)
        } else if (known(path)) {
            r = new Response(CoAP.ResponseCode.METHOD_NOT_ALLOWED);
        } else {
            r = new Response(CoAP.ResponseCode.NOT_FOUND);
        }
        r.setToken(request.getToken());
        if (request.getType() == CoAP.Type.CON) {
            r.setType(CoAP.Type.ACK);
            r.setMID(request.getMID());
        } else {
            r.setType(CoAP.Type.NON);
            r.setMID(nextMid());
        }
        loop.send(this, loop.serializer.getByteArray(r));
    }

    private void cancel(int at) {
        if (observeTokens[at] != null) {
            observeTokens[at] = null;
            observed--;
        }
    }

    private void clearObservations() {
        for (int i = 0; i < PATHS.length; i++) {
            observeTokens[i] = null;
        }
        observed = 0;
        conMid = -1;
    }

    private static int indexOf(String path) {
        for (int i = 0; i < PATHS.length; i++) {
            if (PATHS[i].equals(path)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean known(String path) {
        return path.equals("3") || path.equals("3/0") || path.equals("3303") || path.equals("3303/0")
                || path.equals("1") || path.equals("1/0");
    }

    private static String discover(String path) {
        if (path.startsWith("3303")) {
            return "</3303/0>,</3303/0/5700>";
        }
        return path.startsWith("3") ? "</3/0>,</3/0/9>,</3/0/10>" : "</" + path + ">";
    }

    private Number value(int at) {
        return switch (at) {
            case 0 -> battery;
            case 1 -> memoryFree;
            default -> temperature;
        };
    }

    /** The last value sent of a path index, for the read-back check. */
    Number lastValue(int at) {
        return value(at);
    }

    boolean observes(int at) {
        return observeTokens[at] != null;
    }

    // ---- notifications ----

    /**
     * Changes the value of the observation {@code at} and notifies it; {@code confirmable} asks for a CON, sent
     * as NON while the previous CON is unacknowledged (what a constrained client with one exchange in flight does).
     * Returns false when the resource is not observed.
     */
    boolean notify(int at, boolean confirmable) {
        Token token = observeTokens[at];
        if (token == null || state != State.REGISTERED) {
            return false;
        }
        switch (at) {
            case 0 -> battery = battery >= 100 ? 1 : battery + 1;
            case 1 -> memoryFree = memoryFree >= 8192 ? 1024 : memoryFree + 1;
            default -> temperature = Math.round((temperature >= 40 ? 10.0 : temperature + 0.1) * 10) / 10.0;
        }
        boolean con = confirmable && conMid < 0;
        Response r = new Response(CoAP.ResponseCode.CONTENT);
        r.setType(con ? CoAP.Type.CON : CoAP.Type.NON);
        r.setMID(nextMid());
        r.setToken(token);
        r.getOptions().setObserve(++observeNumbers[at] & 0xFFFFFF).setContentFormat(observeFormats[at]);
        r.setPayload(SimPayloads.encode(observeFormats[at], PATHS[at], RESOURCE_IDS[at], value(at)));
        if (con) {
            conMid = r.getMID();
            conSentNs = System.nanoTime();
            loop.stats.notificationsCon.increment();
        } else {
            loop.stats.notificationsNon.increment();
        }
        loop.send(this, loop.serializer.getByteArray(r));
        return true;
    }
}
