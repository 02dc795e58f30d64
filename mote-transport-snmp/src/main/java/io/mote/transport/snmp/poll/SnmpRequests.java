package io.mote.transport.snmp.poll;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.USM;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.VariableBinding;

import io.mote.transport.snmp.SnmpDevice;
import io.mote.transport.snmp.SnmpSecurity;

/**
 * Sends one request PDU to a device's agent, asynchronously, and hands the outcome to a callback on an
 * SNMP4J thread. v3 requests to an agent whose engine id is not known yet go out from {@code discovery}:
 * SNMP4J discovers the engine id synchronously, which must not hold the poll scheduler.
 */
public final class SnmpRequests {

    /** The answer: {@code response} null after the timeouts, {@code error} set when the request could not be sent. */
    public record Outcome(PDU response, Exception error) {

        public boolean timedOut() {
            return response == null && error == null;
        }

        /** A v3 report (wrong user, key, engine time…) in place of a response. */
        public boolean report() {
            return response != null && response.getType() == PDU.REPORT;
        }
    }

    private final Snmp snmp;
    private final MPv3 mpv3;
    private final USM usm;
    private final ExecutorService discovery;
    private final AtomicInteger inflight = new AtomicInteger();
    private final int maxInflight;

    public SnmpRequests(Snmp snmp, MPv3 mpv3, USM usm, ExecutorService discovery, int maxInflight) {
        this.snmp = snmp;
        this.mpv3 = mpv3;
        this.usm = usm;
        this.discovery = discovery;
        this.maxInflight = maxInflight;
    }

    public int inflight() {
        return inflight.get();
    }

    /** Whether another request may go out now. */
    public boolean hasRoom() {
        return inflight.get() < maxInflight;
    }

    /** A PDU of the device's version: scoped (with the context name) for v3. */
    public static PDU pdu(SnmpDevice.Settings s, int type, List<VariableBinding> bindings) {
        PDU pdu;
        if (s.config().v3()) {
            ScopedPDU scoped = new ScopedPDU();
            if (s.config().contextName() != null) {
                scoped.setContextName(new OctetString(s.config().contextName()));
            }
            pdu = scoped;
        } else {
            pdu = new PDU();
        }
        pdu.setType(type);
        pdu.addAll(bindings);
        return pdu;
    }

    /**
     * Sends the PDU; false (nothing sent) when the device's v3 engine id is still being discovered, so a
     * fleet of unreachable v3 agents cannot queue up discoveries that starve the others.
     */
    public boolean send(SnmpDevice d, SnmpDevice.Settings s, PDU pdu, Consumer<Outcome> callback) {
        boolean discover = s.config().v3() && s.config().engineId() == null
                && mpv3.getEngineID(s.target().getAddress()) == null;
        if (discover && !d.discovering.compareAndSet(false, true)) {
            return false;
        }
        inflight.incrementAndGet();
        ResponseListener listener = new ResponseListener() {
            @Override
            public <A extends Address> void onResponse(ResponseEvent<A> event) {
                // Async requests stay registered until cancelled (SNMP4J's contract).
                ((Snmp) event.getSource()).cancel(event.getRequest(), this);
                inflight.decrementAndGet();
                callback.accept(new Outcome(event.getResponse(), event.getError()));
            }
        };
        Runnable send = () -> {
            try {
                snmp.send(pdu, s.target(), null, listener);
            } catch (Exception e) {
                inflight.decrementAndGet();
                callback.accept(new Outcome(null, e));
            }
        };
        if (discover) {
            discovery.execute(() -> {
                try {
                    // The engine first, so the user's keys are localized to this agent's engine before the
                    // request: devices sharing a user name with other keys do not take each other's.
                    byte[] engine = null;
                    try {
                        engine = snmp.discoverAuthoritativeEngineID(s.target().getAddress(), s.target().getTimeout());
                    } catch (RuntimeException e) {
                        // not answered: the request below times out and says so
                    }
                    SnmpSecurity.addUser(usm, s.config(), engine);
                    send.run();
                } finally {
                    d.discovering.set(false);
                }
            });
        } else {
            send.run();
        }
        return true;
    }

    /**
     * Whether a v3 agent answers engine discovery (unauthenticated), off the caller's thread: an agent that
     * does but drops the authenticated requests refuses the keys (net-snmp sends no report for a wrong
     * digest or an undecryptable PDU).
     */
    public void answersDiscovery(SnmpDevice d, SnmpDevice.Settings s, Consumer<Boolean> callback) {
        if (!d.discovering.compareAndSet(false, true)) {
            return;
        }
        discovery.execute(() -> {
            byte[] engine = null;
            try {
                engine = snmp.discoverAuthoritativeEngineID(s.target().getAddress(), s.target().getTimeout());
            } catch (RuntimeException e) {
                // not answered
            }
            d.discovering.set(false);
            callback.accept(engine != null && engine.length > 0);
        });
    }

    /** The name of a v3 report's counter (usmStatsWrongDigests…), for the log and the device's state. */
    public static String reportName(PDU report) {
        if (report.size() == 0) {
            return "report";
        }
        OID oid = report.get(0).getOid();
        for (int i = 0; i < REPORTS.length; i++) {
            if (oid.startsWith(REPORTS[i])) {
                return REPORT_NAMES[i];
            }
        }
        return "report " + oid;
    }

    private static final OID[] REPORTS = {SnmpConstants.usmStatsUnsupportedSecLevels,
            SnmpConstants.usmStatsNotInTimeWindows, SnmpConstants.usmStatsUnknownUserNames,
            SnmpConstants.usmStatsUnknownEngineIDs, SnmpConstants.usmStatsWrongDigests,
            SnmpConstants.usmStatsDecryptionErrors};
    private static final String[] REPORT_NAMES = {"usmStatsUnsupportedSecLevels", "usmStatsNotInTimeWindows",
            "usmStatsUnknownUserNames", "usmStatsUnknownEngineIDs", "usmStatsWrongDigests",
            "usmStatsDecryptionErrors"};

    /** RFC 3416's names of the error-status values, as the RPC error text. */
    private static final String[] ERROR_STATUS = {"noError", "tooBig", "noSuchName", "badValue", "readOnly",
            "genErr", "noAccess", "wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation",
            "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed", "authorizationError",
            "notWritable", "inconsistentName"};

    public static String errorStatusName(int status) {
        return status >= 0 && status < ERROR_STATUS.length ? ERROR_STATUS[status] : "errorStatus " + status;
    }
}
