package io.mote.core.rpc;

import java.util.UUID;

import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.Device;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.RpcStatus;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.common.json.Json;
import io.mote.core.device.DeviceService;
import io.mote.core.security.SecurityUser;
import io.mote.dao.RpcDao;

/** Reading and deleting stored RPC, in ThingsBoard's Rpc JSON shape plus its status history. */
@Service
public class PersistentRpcService {

    private final RpcDao dao;
    private final DeviceService devices;

    public PersistentRpcService(RpcDao dao, DeviceService devices) {
        this.dao = dao;
        this.devices = devices;
    }

    public ObjectNode get(SecurityUser user, UUID rpcId) {
        RpcDao.RpcRow row = dao.find(rpcId).orElseThrow(MoteException::notFound);
        devices.get(user, row.deviceId());
        return view(row);
    }

    public PageData<ObjectNode> page(SecurityUser user, UUID deviceId, RpcStatus status, PageLink link) {
        Device d = devices.get(user, deviceId);
        return dao.page(d.id().id(), status, link).map(PersistentRpcService::view);
    }

    public void delete(SecurityUser user, UUID rpcId) {
        RpcDao.RpcRow row = dao.find(rpcId).orElseThrow(MoteException::notFound);
        devices.get(user, row.deviceId());
        dao.delete(rpcId);
    }

    static ObjectNode view(RpcDao.RpcRow r) {
        ObjectNode o = Json.object();
        o.set("id", Json.MAPPER.valueToTree(new EntityId(EntityType.RPC, r.id())));
        o.put("createdTime", r.createdTime());
        o.set("tenantId", Json.MAPPER.valueToTree(new EntityId(EntityType.TENANT, r.tenantId())));
        o.set("deviceId", Json.MAPPER.valueToTree(new EntityId(EntityType.DEVICE, r.deviceId())));
        o.put("expirationTime", r.expirationTime());
        o.set("request", Json.parse(r.request()));
        o.set("response", r.response() == null ? JsonNodeFactory.instance.nullNode() : jsonOrText(r.response()));
        o.put("status", r.status().name());
        o.set("additionalInfo", r.additionalInfo() == null ? JsonNodeFactory.instance.nullNode()
                : Json.parse(r.additionalInfo()));
        o.set("statusHistory", Json.parse(r.statusHistory()));
        return o;
    }

    /** A device's response as JSON when it is JSON, else as a JSON string. */
    public static JsonNode jsonOrText(String text) {
        try {
            return Json.parse(text);
        } catch (MoteException e) {
            return JsonNodeFactory.instance.stringNode(text);
        }
    }
}
