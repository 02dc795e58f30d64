package io.mote.transport.mqtt;

import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.error.MoteException;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.TransportConfiguration;
import io.mote.transport.api.TransportService;
import io.mote.transport.mqtt.auth.ConnectAuthenticator;
import io.mote.transport.mqtt.payload.PayloadAdaptor;
import io.mote.transport.mqtt.payload.PayloadAdaptors;
import io.mote.transport.mqtt.sparkplug.SparkplugSettings;

/**
 * What a CONNECT's authentication found, with what the device's profile asks of its connection: topics,
 * payload adaptor (null when the profile's schemas do not compile) and Sparkplug settings. Loaded off the
 * event loop; all but {@code auth} are null when no device was found.
 */
record ConnectedDevice(ConnectAuthenticator.Result auth, MqttTopics topics, PayloadAdaptor payloads,
                       SparkplugSettings sparkplug) {

    private static final Logger log = LoggerFactory.getLogger(ConnectedDevice.class);

    static CompletableFuture<ConnectedDevice> load(TransportService transport, ConnectAuthenticator.Result auth) {
        if (auth.device() == null) {
            return CompletableFuture.completedFuture(new ConnectedDevice(auth, null, null, null));
        }
        return transport.transportConfiguration(auth.device()).thenApply(tc -> new ConnectedDevice(auth,
                MqttTopics.of(tc), payloadsOf(auth.device(), tc), SparkplugSettings.of(tc)));
    }

    /** The device's payload adaptor (schemas compiled here, off the event loop); null if they do not compile. */
    static PayloadAdaptor payloadsOf(DeviceInfo d, TransportConfiguration tc) {
        try {
            return PayloadAdaptors.of(tc);
        } catch (MoteException e) {
            log.warn("MQTT device {} ({}): its profile's protobuf schemas do not compile: {}", d.deviceName(),
                    d.deviceId(), e.getMessage());
            return null;
        }
    }
}
