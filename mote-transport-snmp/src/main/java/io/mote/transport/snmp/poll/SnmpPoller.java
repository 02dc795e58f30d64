package io.mote.transport.snmp.poll;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.snmp4j.PDU;
import org.snmp4j.smi.VariableBinding;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.snmp.SnmpDevice;
import io.mote.transport.snmp.SnmpDevice.Reachability;
import io.mote.transport.snmp.SnmpTransport;
import io.mote.transport.snmp.SnmpValues;
import io.mote.transport.snmp.config.CommunicationConfig;
import io.mote.transport.snmp.config.SnmpMapping;
import io.mote.transport.snmp.config.SnmpSpec;

/**
 * Polls every device at its profile's querying frequencies with GET. One scheduler thread starts the
 * polls, each at a phase of its period derived from the device id, so a fleet's polls are spread over the
 * period; the requests are asynchronous, the answers are stored on SNMP4J's worker threads through the
 * batched telemetry / attribute path.
 */
public final class SnmpPoller {

    private final SnmpTransport transport;
    private final SnmpRequests requests;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();

    public SnmpPoller(SnmpTransport transport, SnmpRequests requests, ScheduledExecutorService scheduler) {
        this.transport = transport;
        this.requests = requests;
        this.scheduler = scheduler;
    }

    /** Polls due while the in-flight limit was reached, not sent. */
    public long skipped() {
        return skipped.get();
    }

    /** GET requests sent. */
    public long polls() {
        return polls.get();
    }

    /** (Re)schedules the device's polls from its current settings. */
    public void schedule(SnmpDevice d) {
        synchronized (d.polls) {
            cancelLocked(d);
            for (CommunicationConfig c : d.settings().profile().configs()) {
                if (!c.spec().querying() || c.queryingFrequencyMs() <= 0 || c.mappings().isEmpty()) {
                    continue;
                }
                long period = c.queryingFrequencyMs();
                long phase = Math.floorMod(d.info().deviceId().hashCode() * 31L + c.spec().ordinal(), period);
                SnmpSpec spec = c.spec();
                d.polls.add(scheduler.scheduleAtFixedRate(() -> poll(d, spec), phase, period, TimeUnit.MILLISECONDS));
            }
        }
    }

    public void cancel(SnmpDevice d) {
        synchronized (d.polls) {
            cancelLocked(d);
        }
    }

    private static void cancelLocked(SnmpDevice d) {
        d.polls.forEach(f -> f.cancel(false));
        d.polls.clear();
    }

    private void poll(SnmpDevice d, SnmpSpec spec) {
        SnmpDevice.Settings s = d.settings();
        CommunicationConfig c = s.profile().config(spec);
        if (c == null) {
            return;
        }
        List<SnmpMapping> mappings = d.refusals().without(c.mappings());
        int limit = d.oidLimit();
        for (int from = 0; from < mappings.size(); from += limit) {
            get(d, s, c, mappings.subList(from, Math.min(mappings.size(), from + limit)));
        }
    }

    private void get(SnmpDevice d, SnmpDevice.Settings s, CommunicationConfig c, List<SnmpMapping> chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        if (!requests.hasRoom()) {
            skipped.incrementAndGet();
            return;
        }
        List<VariableBinding> bindings = new ArrayList<>(chunk.size());
        for (SnmpMapping m : chunk) {
            bindings.add(new VariableBinding(m.oid()));
        }
        if (requests.send(d, s, SnmpRequests.pdu(s, PDU.GET, bindings), o -> answer(d, s, c, chunk, o))) {
            polls.incrementAndGet();
        } else {
            skipped.incrementAndGet();
        }
    }

    private void answer(SnmpDevice d, SnmpDevice.Settings s, CommunicationConfig c, List<SnmpMapping> chunk,
                        SnmpRequests.Outcome o) {
        int sent = chunk.size();
        if (o.error() != null) {
            transport.failed(d, Reachability.NOT_ANSWERING, "request failed: " + o.error().getMessage());
            return;
        }
        if (o.timedOut()) {
            String noAnswer = "no answer after " + (s.target().getRetries() + 1) + " request(s) of "
                    + s.target().getTimeout() + " ms";
            if (!s.config().v3()) {
                transport.failed(d, Reachability.NOT_ANSWERING, noAnswer);
                return;
            }
            // A v3 device already failing keeps its state (refused keys stay refused): no probe per poll.
            if (d.failing()) {
                return;
            }
            requests.answersDiscovery(d, s, discovered -> {
                if (discovered) {
                    transport.failed(d, Reachability.AUTHENTICATION_FAILED, "authentication failed: the agent "
                            + "answers engine discovery but not requests with these keys (" + noAnswer + ")");
                } else {
                    transport.failed(d, Reachability.NOT_ANSWERING, noAnswer);
                }
            });
            return;
        }
        PDU response = o.response();
        if (o.report()) {
            transport.failed(d, Reachability.AUTHENTICATION_FAILED,
                    "authentication failed: " + SnmpRequests.reportName(response));
            return;
        }
        transport.answered(d);
        if (response.getErrorStatus() == PDU.tooBig) {
            d.halveOidLimit(sent);
            return;
        }
        if (response.getErrorStatus() != PDU.noError) {
            refused(d, s, c, chunk, response);
            return;
        }
        long ts = System.currentTimeMillis();
        List<KvEntry> values = new ArrayList<>(response.size());
        for (VariableBinding vb : response.getVariableBindings()) {
            SnmpMapping m = c.byOid(vb.getOid());
            if (m != null) {
                KvEntry kv = SnmpValues.toKv(m.key(), m.dataType(), vb.getVariable());
                if (kv != null) {
                    values.add(kv);
                }
            }
        }
        if (values.isEmpty()) {
            return;
        }
        store(d, c, ts, values);
    }

    /**
     * An error status naming one binding (SNMPv1 agents answer a GET with one unknown OID by noSuchName
     * for the whole PDU; v2c agents may answer genErr and the like): that OID is left out of this device's
     * polls for a while, and the rest of the request is sent again at once, so one bad OID in a profile
     * costs no other value.
     */
    private void refused(SnmpDevice d, SnmpDevice.Settings s, CommunicationConfig c, List<SnmpMapping> chunk,
                         PDU response) {
        int index = response.getErrorIndex();
        if (index < 1 || index > chunk.size() || d.settings() != s) {
            return;
        }
        SnmpMapping bad = chunk.get(index - 1);
        if (d.refusals().refuse(bad.oid())) {
            transport.log(d, SnmpRequests.errorStatusName(response.getErrorStatus()) + " for " + bad.oid() + " ("
                    + bad.key() + "): left out of the polls for " + SnmpRefusals.RETRY_AFTER_MS / 60_000 + " min");
        }
        List<SnmpMapping> rest = new ArrayList<>(chunk);
        rest.remove(index - 1);
        get(d, s, c, rest);
    }

    private void store(SnmpDevice d, CommunicationConfig c, long ts, List<KvEntry> values) {
        if (c.spec().telemetry()) {
            List<TsKvEntry> entries = new ArrayList<>(values.size());
            values.forEach(kv -> entries.add(new TsKvEntry(ts, kv)));
            transport.store(d, entries, null);
        } else {
            transport.store(d, null, values);
        }
    }
}
