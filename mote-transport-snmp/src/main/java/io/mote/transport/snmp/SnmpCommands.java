package io.mote.transport.snmp;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.PDU;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.KvEntry;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;
import io.mote.transport.snmp.config.CommunicationConfig;
import io.mote.transport.snmp.config.SnmpMapping;
import io.mote.transport.snmp.config.SnmpSpec;
import io.mote.transport.snmp.poll.SnmpRequests;

/**
 * What the core asks of an SNMP device through its session: a changed shared attribute mapped in
 * {@code SHARED_ATTRIBUTES_SETTING} is SET; a server-side RPC names a {@code TO_DEVICE_RPC_REQUEST}
 * mapping and is a GET (no params) or a SET (params: the value), answered {@code {"<key>":value}} or
 * {@code {"error":"<SNMP error status>"}}.
 */
final class SnmpCommands {

    private static final Logger log = LoggerFactory.getLogger(SnmpCommands.class);

    private final SnmpTransport transport;
    private final SnmpRequests requests;

    SnmpCommands(SnmpTransport transport, SnmpRequests requests) {
        this.transport = transport;
        this.requests = requests;
    }

    SessionListener listener(SnmpDevice d) {
        return new SessionListener() {
            @Override
            public void onAttributesUpdate(AttributesUpdate update) {
                setSharedAttributes(d, update.updated());
            }

            @Override
            public boolean onRpcRequest(RpcRequest request) {
                rpc(d, request);
                return true;
            }
        };
    }

    private void setSharedAttributes(SnmpDevice d, List<AttributeKvEntry> updated) {
        SnmpDevice.Settings s = d.settings();
        CommunicationConfig c = s.profile().config(SnmpSpec.SHARED_ATTRIBUTES_SETTING);
        if (c == null) {
            return;
        }
        List<VariableBinding> bindings = new ArrayList<>();
        for (AttributeKvEntry a : updated) {
            SnmpMapping m = c.byKey(a.kv().key());
            if (m == null) {
                continue;
            }
            try {
                bindings.add(new VariableBinding(m.oid(), SnmpValues.toVariable(a.kv().value(), m.dataType())));
            } catch (RuntimeException e) {
                log.warn("SNMP device {}: shared attribute {} is not a {} value", d.info().deviceName(), m.key(),
                        m.dataType());
            }
        }
        if (bindings.isEmpty()) {
            return;
        }
        requests.send(d, s, SnmpRequests.pdu(s, PDU.SET, bindings), o -> {
            String error = error(o);
            if (error != null) {
                log.warn("SNMP device {}: SET of shared attributes failed: {}", d.info().deviceName(), error);
            }
        });
    }

    private void rpc(SnmpDevice d, RpcRequest request) {
        SnmpDevice.Settings s = d.settings();
        CommunicationConfig c = s.profile().config(SnmpSpec.TO_DEVICE_RPC_REQUEST);
        SnmpMapping m = c == null ? null : c.byKey(request.method());
        if (m == null) {
            respond(d, request, errorBody("Unknown RPC method '" + request.method()
                    + "': no TO_DEVICE_RPC_REQUEST mapping has this key"));
            return;
        }
        JsonNode params = request.params() == null || request.params().isBlank() ? null : parse(request.params());
        boolean set = params != null && !params.isNull() && !(params.isObject() && params.isEmpty());
        Variable value = null;
        if (set) {
            try {
                value = SnmpValues.toVariable(params.isString() ? params.asString() : Json.write(params), m.dataType());
            } catch (RuntimeException e) {
                respond(d, request, errorBody("params is not a " + m.dataType() + " value"));
                return;
            }
        }
        VariableBinding vb = value == null ? new VariableBinding(m.oid()) : new VariableBinding(m.oid(), value);
        boolean sent = requests.send(d, s, SnmpRequests.pdu(s, set ? PDU.SET : PDU.GET, List.of(vb)), o -> {
            String error = error(o);
            if (error != null) {
                respond(d, request, errorBody(error));
                return;
            }
            VariableBinding answer = o.response().size() > 0 ? o.response().get(0) : null;
            KvEntry kv = answer == null ? null : SnmpValues.toKv(m.key(), m.dataType(), answer.getVariable());
            if (kv == null) {
                respond(d, request, errorBody(answer == null ? "empty response" : answer.getVariable().toString()));
                return;
            }
            ObjectNode body = Json.object();
            body.set(m.key(), Json.MAPPER.valueToTree(kv.value()));
            if (kv.type() == io.mote.common.kv.DataType.JSON) {
                body.set(m.key(), Json.parse((String) kv.value()));
            }
            respond(d, request, Json.write(body));
        });
        if (!sent) {
            respond(d, request, errorBody("the agent's engine id is being discovered; try again"));
        }
    }

    private void respond(SnmpDevice d, RpcRequest request, String body) {
        transport.transport().acknowledgeRpc(d.info(), request.id())
                .thenCompose(v -> transport.transport().sendRpcResponse(d.info(), request.id(), body))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        log.debug("SNMP RPC {} answer not stored: {}", request.id(), e.toString());
                    }
                });
    }

    /** The request's failure in SNMP's terms (its error status name, timeout, report), or null. */
    private static String error(SnmpRequests.Outcome o) {
        if (o.error() != null) {
            return "request failed: " + o.error().getMessage();
        }
        if (o.timedOut()) {
            return "timeout";
        }
        if (o.report()) {
            return "authentication failed: " + SnmpRequests.reportName(o.response());
        }
        if (o.response().getErrorStatus() != PDU.noError) {
            return SnmpRequests.errorStatusName(o.response().getErrorStatus());
        }
        return null;
    }

    private static String errorBody(String error) {
        ObjectNode body = Json.object();
        body.put("error", error);
        return Json.write(body);
    }

    private static JsonNode parse(String text) {
        try {
            return Json.parse(text);
        } catch (RuntimeException e) {
            return Json.MAPPER.getNodeFactory().stringNode(text);
        }
    }
}
