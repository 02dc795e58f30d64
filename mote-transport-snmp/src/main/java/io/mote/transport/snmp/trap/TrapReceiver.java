package io.mote.transport.snmp.trap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.MPv1;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.MessageProcessingModel;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.security.USM;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.snmp4j.util.MultiThreadedMessageDispatcher;
import org.snmp4j.util.ThreadPool;

import io.mote.common.json.Json;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.snmp.SnmpDevice;
import io.mote.transport.snmp.SnmpSecurity;
import io.mote.transport.snmp.SnmpTransport;
import io.mote.transport.snmp.SnmpValues;
import io.mote.transport.snmp.config.CommunicationConfig;
import io.mote.transport.snmp.config.SnmpDeviceConfig;
import io.mote.transport.snmp.config.SnmpMapping;
import io.mote.transport.snmp.config.SnmpSpec;

/**
 * The trap and inform listener. A notification is a known device's when it comes from the device's host
 * with the device's community (v1, v2c) or user (v3); its variable bindings are mapped through the
 * device's trap specs into telemetry or client attributes, and through {@code TO_SERVER_RPC_REQUEST} into
 * client-side RPC. Informs are acknowledged. Anything else is counted and dropped, without a log line
 * per packet (SNMP4J discards what it cannot decode; that is counted too).
 */
public final class TrapReceiver implements CommandResponder {

    private static final Logger log = LoggerFactory.getLogger(TrapReceiver.class);

    private final SnmpTransport transport;
    private final String bind;
    private final int port;
    private final int threads;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private Snmp snmp;
    private USM usm;
    private ThreadPool pool;
    private DefaultUdpTransportMapping mapping;

    public TrapReceiver(SnmpTransport transport, String bind, int port, int threads) {
        this.transport = transport;
        this.bind = bind;
        this.port = port;
        this.threads = threads;
    }

    public void start() throws IOException {
        pool = ThreadPool.create("snmp-trap", threads);
        MultiThreadedMessageDispatcher dispatcher = new MultiThreadedMessageDispatcher(pool, new MessageDispatcherImpl());
        usm = new USM(SnmpSecurity.protocols(), new OctetString(MPv3.createLocalEngineID()), 0);
        dispatcher.addMessageProcessingModel(new MPv1());
        dispatcher.addMessageProcessingModel(new MPv2c());
        dispatcher.addMessageProcessingModel(new MPv3(usm));
        // Messages SNMP4J drops (undecodable, unknown version, unknown user, wrong digest…) are counted here.
        dispatcher.addCounterListener(event -> malformed.incrementAndGet());
        mapping = new DefaultUdpTransportMapping(new UdpAddress(bind + "/" + port));
        snmp = new Snmp(dispatcher, mapping);
        snmp.addCommandResponder(this);
        snmp.listen();
    }

    public void stop() {
        try {
            if (snmp != null) {
                snmp.close();
            }
        } catch (IOException e) {
            log.debug("SNMP trap listener close: {}", e.toString());
        }
        if (pool != null) {
            pool.cancel();
        }
    }

    public int port() {
        return mapping == null ? -1 : mapping.getListenAddress().getPort();
    }

    /** Traps and informs of known devices. */
    public long received() {
        return received.get();
    }

    public long unknown() {
        return unknown.get();
    }

    /** Notifications SNMP4J dropped before they reached the listener. */
    public long malformed() {
        return malformed.get();
    }

    /**
     * A v3 device's user, so its traps (authoritative: the sender's engine, the configured one or any) and
     * its informs (authoritative: this listener's engine) authenticate.
     */
    public void addUser(SnmpDeviceConfig c) {
        SnmpSecurity.addUser(usm, c, null);
        if (c.engineId() != null) {
            usm.addUser(new OctetString(c.usmName()), usm.getLocalEngineID(), SnmpSecurity.user(c));
        } else {
            SnmpSecurity.addUser(usm, c, usm.getLocalEngineID().getValue());
        }
    }

    @Override
    public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
        PDU pdu = event.getPDU();
        if (pdu == null || (pdu.getType() != PDU.TRAP && pdu.getType() != PDU.V1TRAP && pdu.getType() != PDU.INFORM)) {
            return;
        }
        event.setProcessed(true);
        SnmpDevice d = sender(event);
        if (d == null) {
            unknown.incrementAndGet();
            return;
        }
        received.incrementAndGet();
        if (pdu.getType() == PDU.INFORM) {
            acknowledge(event);
        }
        // Activity, not reachability: whether the agent answers is the poller's to say.
        transport.transport().reportActivity(d.info());
        map(d, pdu.getVariableBindings());
    }

    private <A extends Address> SnmpDevice sender(CommandResponderEvent<A> event) {
        String host = SnmpSecurity.host(event.getPeerAddress());
        String name = new String(event.getSecurityName(), StandardCharsets.UTF_8);
        int model = event.getMessageProcessingModel();
        for (SnmpDevice d : transport.devicesAt(host)) {
            SnmpDeviceConfig c = d.settings().config();
            boolean match = switch (model) {
                case MessageProcessingModel.MPv1 -> "V1".equals(c.protocolVersion()) && name.equals(c.community());
                case MessageProcessingModel.MPv2c -> "V2C".equals(c.protocolVersion()) && name.equals(c.community());
                case MessageProcessingModel.MPv3 -> c.v3() && name.equals(c.usmName());
                default -> false;
            };
            if (match) {
                return d;
            }
        }
        return null;
    }

    private <A extends Address> void acknowledge(CommandResponderEvent<A> event) {
        PDU response = (PDU) event.getPDU().clone();
        response.setType(PDU.RESPONSE);
        response.setErrorStatus(PDU.noError);
        response.setErrorIndex(0);
        try {
            event.getMessageDispatcher().returnResponsePdu(event.getMessageProcessingModel(), event.getSecurityModel(),
                    event.getSecurityName(), event.getSecurityLevel(), response, event.getMaxSizeResponsePDU(),
                    event.getStateReference(), new StatusInformation());
        } catch (Exception e) {
            log.debug("SNMP inform not acknowledged: {}", e.toString());
        }
    }

    private void map(SnmpDevice d, List<? extends VariableBinding> bindings) {
        SnmpDevice.Settings s = d.settings();
        CommunicationConfig telemetry = s.profile().config(SnmpSpec.TELEMETRY_TRAPS_RECEIVING);
        CommunicationConfig attributes = s.profile().config(SnmpSpec.CLIENT_ATTRIBUTES_TRAPS_RECEIVING);
        CommunicationConfig rpc = s.profile().config(SnmpSpec.TO_SERVER_RPC_REQUEST);
        long ts = System.currentTimeMillis();
        List<TsKvEntry> ts1 = new ArrayList<>();
        List<KvEntry> attrs = new ArrayList<>();
        for (VariableBinding vb : bindings) {
            KvEntry kv = convert(telemetry, vb);
            if (kv != null) {
                ts1.add(new TsKvEntry(ts, kv));
            }
            kv = convert(attributes, vb);
            if (kv != null) {
                attrs.add(kv);
            }
            kv = convert(rpc, vb);
            if (kv != null) {
                var request = Json.object();
                request.put("method", kv.key());
                request.set("params", Json.MAPPER.valueToTree(kv.value()));
                transport.transport().clientRpc(s.info(), Json.write(request));
            }
        }
        if (!ts1.isEmpty()) {
            transport.store(d, ts1, null);
        }
        if (!attrs.isEmpty()) {
            transport.store(d, null, attrs);
        }
    }

    private static KvEntry convert(CommunicationConfig c, VariableBinding vb) {
        SnmpMapping m = c == null ? null : c.byOid(vb.getOid());
        return m == null ? null : SnmpValues.toKv(m.key(), m.dataType(), vb.getVariable());
    }
}
