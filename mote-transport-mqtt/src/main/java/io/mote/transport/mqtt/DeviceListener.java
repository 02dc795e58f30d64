package io.mote.transport.mqtt;

import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;
import io.mote.transport.mqtt.device.DeviceRpc;
import io.mote.transport.mqtt.payload.PayloadAdaptor;

/**
 * The core's calls to a connected device (on core threads): shared-attribute updates, RPC, profile or
 * device changes and the session's end, each handed to the connection's event loop.
 */
final class DeviceListener implements SessionListener {

    private final MqttConnection c;

    DeviceListener(MqttConnection connection) {
        this.c = connection;
    }

    @Override
    public void onAttributesUpdate(AttributesUpdate update) {
        if (c.sparkplug() != null) {
            c.sparkplug().onAttributesUpdate(update);
            return;
        }
        c.channel().eventLoop().execute(() -> {
            Subscriptions s = c.subscriptions();
            if (s.attributes >= 0) {
                byte[] body;
                try {
                    body = s.attributesFormat.of(c.payloads()).attributesUpdate(update);
                } catch (io.mote.common.error.MoteException e) {
                    return; // a /p subscription of a device whose profile lost its schemas
                }
                c.publish(s.attributesTopic, body, s.attributes);
            }
        });
    }

    @Override
    public boolean onRpcRequest(RpcRequest request) {
        return c.sparkplug() != null ? c.sparkplug().onRpcRequest(request) : DeviceRpc.deliver(c, request);
    }

    @Override
    public void onDeviceUpdated(DeviceInfo updated) {
        c.transport().transportConfiguration(updated).whenComplete((tc, err) -> {
            MqttTopics t = err == null ? MqttTopics.of(tc) : null;
            PayloadAdaptor adaptor = err == null ? ConnectedDevice.payloadsOf(updated, tc) : null;
            c.channel().eventLoop().execute(() -> c.deviceUpdated(updated, t, adaptor));
        });
    }

    @Override
    public void onSessionClosed(String reason) {
        c.channel().eventLoop().execute(() -> c.sessionClosedByServer(reason));
    }
}
